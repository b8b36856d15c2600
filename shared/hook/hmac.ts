// Webhook secrets, in Prow's two forms: one plain secret, or the hierarchical HMAC file
// (`'*'`, `org`, `org/repo` → a list of `{value, created_at}`) that lets each org or repo have
// its own secret and lets a secret be rotated by listing the old and new one side by side.
import { parse } from 'yaml';

export interface HmacToken {
  value: string;
  created_at?: string;
}

/** A plain secret is stored as the `'*'` level, so both forms resolve the same way. */
export type HmacSecrets = Record<string, HmacToken[]>;

export class HmacConfigError extends Error {
  override name = 'HmacConfigError';
}

/**
 * Parses a secret as Prow does: YAML mapping → hierarchical; anything else is one secret
 * (trimmed, as Prow's `bytes.TrimSpace`).
 */
export function parseHmacSecrets(text: string): HmacSecrets {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = undefined;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    const secret = text.trim();
    if (!secret) throw new HmacConfigError('the webhook secret is empty');
    return { '*': [{ value: secret }] };
  }
  const secrets: HmacSecrets = {};
  for (const [level, tokens] of Object.entries(doc as Record<string, unknown>)) {
    if (!Array.isArray(tokens) || tokens.some((t) => !t || typeof t !== 'object' || typeof t.value !== 'string' || !t.value)) {
      throw new HmacConfigError(`HMAC file: "${level}" must be a list of {value, created_at} with non-empty values`);
    }
    secrets[level] = tokens.map((t) => ({ value: String(t.value), created_at: t.created_at === undefined ? undefined : String(t.created_at) }));
  }
  if (Object.keys(secrets).length === 0) throw new HmacConfigError('HMAC file has no entries');
  return secrets;
}

/**
 * The tokens to try for an event from `orgRepo` (`org/repo`, or just `org` for org-level events).
 * Only the most specific level present is used, as in Prow's extractHMACs: a repo with its own
 * secret does not also accept the org's or the global one.
 */
export function tokensFor(secrets: HmacSecrets, orgRepo: string): string[] {
  const org = orgRepo.split('/')[0] ?? '';
  // Own keys only: an org named "constructor" must not find Object.prototype.constructor.
  const level = [orgRepo, org, '*'].find((key) => Object.hasOwn(secrets, key));
  return level === undefined ? [] : (secrets[level] ?? []).map((t) => t.value);
}
