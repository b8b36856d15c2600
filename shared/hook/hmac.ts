// Webhook secrets, in Prow's two forms: one plain secret, or the hierarchical HMAC file
// (`'*'`, `org`, `org/repo` → a list of `{value, created_at}`) that lets each org or repo have
// its own secret and lets a secret be rotated by listing the old and new one side by side.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseDocument } from 'yaml';

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
 * (trimmed, as Prow's `bytes.TrimSpace`). `source` names where the text came from, for errors.
 */
export function parseHmacSecrets(text: string, source = 'the webhook secret'): HmacSecrets {
  const parsed = parseDocument(text);
  let doc: unknown;
  if (!parsed.errors.length) {
    try {
      // yaml refuses to expand more than 100 aliases ("Excessive alias count…"): an HMAC file
      // needs none, so a document that hits it is a mistake or an attack, never a plain secret.
      doc = parsed.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw new HmacConfigError(`${source}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    const secret = text.trim();
    if (!secret) throw new HmacConfigError(`${source} is empty`);
    return { '*': [{ value: secret }] };
  }
  const secrets: HmacSecrets = {};
  for (const [level, tokens] of Object.entries(doc as Record<string, unknown>)) {
    if (!Array.isArray(tokens) || tokens.some((t) => !t || typeof t !== 'object' || typeof t.value !== 'string' || !t.value)) {
      throw new HmacConfigError(`${source}: "${level}" must be a list of {value, created_at} with non-empty values`);
    }
    secrets[level] = tokens.map((t) => ({ value: String(t.value), created_at: t.created_at === undefined ? undefined : String(t.created_at) }));
  }
  if (Object.keys(secrets).length === 0) throw new HmacConfigError(`${source} has no entries`);
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

/**
 * Whether `signature` (`sha256=<hex>`) is GitHub's HMAC of exactly these bytes under one of the
 * tokens, compared in constant time. @octokit/webhooks-methods' verify takes the payload as a
 * string and hashes its UTF-8 encoding, which differs from what GitHub signed whenever the body
 * holds bytes that are not valid UTF-8; so this hashes the received bytes themselves. The hex is
 * decoded (either case), as Prow's ValidatePayload does.
 */
export async function verifySignature(tokens: readonly string[], body: Uint8Array, signature: string): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature);
  if (!match) return false;
  const given = Buffer.from(match[1]!, 'hex');
  const hmacs = tokens.map((token) => createHmac('sha256', token));
  // In slices, giving the event loop back between them: a flood of 6 MB bodies then shares the
  // process with other requests instead of holding it for a whole body at a time.
  for (let offset = 0; offset < body.length || offset === 0; offset += hashSliceBytes) {
    const slice = body.subarray(offset, offset + hashSliceBytes);
    for (const hmac of hmacs) hmac.update(slice);
    if (offset + hashSliceBytes < body.length) await nextTurn();
  }
  let valid = false;
  // No early exit, so the time does not tell which token (if any) matched.
  for (const hmac of hmacs) if (timingSafeEqual(hmac.digest(), given)) valid = true;
  return valid;
}

const hashSliceBytes = 512 * 1024;
