// The link to a CodeBuild job's log that its commit status carries (`GET /jobs/<id>/log?sig=…`,
// served by shared/api/job-log.ts). The route has no IAM authorisation — whoever sees the status,
// a contributor with no AWS account included, must be able to open it — so the link itself is
// the capability: `sig` is an HMAC-SHA256 of the job id. The id alone would not do: a periodic's
// id is derived from its name and due slot (plank.ts `jobId`), so anyone could compute it.
//
// The key is derived (HKDF) from the webhook secret the stack already keeps, so there is no new
// secret to generate, store or rotate, and a derived key is useless for signing webhooks. Which
// secret: the `'*'` level of the HMAC secrets (the plain secret is stored there), else the first
// level by name, so every function derives the same key. Links are signed with that level's
// newest token and accepted under any of its tokens, so a webhook secret rotated Prow's way
// (the new token listed beside the old) keeps old links working until the old token is removed.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { HmacSecrets, HmacToken } from '../hook/hmac.js';

/** HKDF's `info`: binds the derived key to this one use, and lets a later format change it. */
export const jobLogLinkInfo = 'skiff job log link v1';

/** The job id format (plank.ts `jobId`: 32 hex digits of a SHA-256). */
export const jobLogIdPattern = /^[0-9a-f]{32}$/;
const signaturePattern = /^[0-9a-f]{64}$/;

/** The level whose tokens sign links: the plain secret's `'*'`, else the first by name. */
function signingTokens(secrets: HmacSecrets): HmacToken[] {
  const level = Object.hasOwn(secrets, '*') ? '*' : Object.keys(secrets).sort()[0];
  return level === undefined ? [] : (secrets[level] ?? []);
}

/** Newest by `created_at` (Prow's order of rotation); an undated token counts as oldest; on a tie, the later listed. */
function newest(tokens: readonly HmacToken[]): HmacToken | undefined {
  let best: HmacToken | undefined;
  for (const token of tokens) if (!best || (token.created_at ?? '') >= (best.created_at ?? '')) best = token;
  return best;
}

const keyOf = (token: string): Buffer => Buffer.from(hkdfSync('sha256', token, Buffer.alloc(0), jobLogLinkInfo, 32));
const mac = (key: Buffer, jobId: string): Buffer => createHmac('sha256', key).update(jobId, 'utf8').digest();

export type JobLogCheck = { ok: true } | { ok: false; reason: string };

export interface JobLogLinks {
  /** `<base>/jobs/<id>/log?sig=<hex>`. */
  url(jobId: string): Promise<string>;
  /** Whether `sig` is this job's signature; the reason, when not, is one line and repeats no input. */
  check(jobId: string, sig: string | null): Promise<JobLogCheck>;
}

/** `baseUrl`: the HTTP API's endpoint (SKIFF_JOB_LOG_BASE_URL); `secrets`: the webhook secrets' loader. */
export function jobLogLinks(secrets: () => Promise<HmacSecrets>, baseUrl = ''): JobLogLinks {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async url(jobId) {
      if (!jobLogIdPattern.test(jobId)) throw new Error(`cannot sign a log link for ${JSON.stringify(jobId.slice(0, 40))}: not a job id`);
      const token = newest(signingTokens(await secrets()));
      if (!token) throw new Error('cannot sign a log link: the webhook secret has no token');
      return `${base}/jobs/${jobId}/log?sig=${mac(keyOf(token.value), jobId).toString('hex')}`;
    },
    async check(jobId, sig) {
      if (sig === null || sig === '') return { ok: false, reason: 'the link has no signature (?sig=): open the link on the commit status' };
      if (!signaturePattern.test(sig)) return { ok: false, reason: 'the signature is not 64 lowercase hex digits: the link is cut short or altered' };
      const given = Buffer.from(sig, 'hex');
      let valid = false;
      // Every token, no early exit: the time does not tell which one matched.
      for (const token of signingTokens(await secrets())) if (timingSafeEqual(mac(keyOf(token.value), jobId), given)) valid = true;
      return valid ? { ok: true } : { ok: false, reason: "the signature is not this job's: open the link on the commit status" };
    },
  };
}
