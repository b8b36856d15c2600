// Which failures are worth retrying. SQS redelivers a failed record with backoff, so a
// transient GitHub or network problem only has to fail the record; a permanent one (a comment
// deleted since, a validation error) is recorded in the trace and not retried.

export class GitHubError extends Error {
  override name = 'GitHubError';
  readonly status: number | undefined;
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.status = statusOf(options.cause);
  }
}

/** Raised on purpose by code that wants the SQS record to be retried. */
export class RetryableError extends Error {
  override name = 'RetryableError';
}

type ErrorLike = {
  status?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  code?: unknown;
  name?: unknown;
  $metadata?: unknown;
  $fault?: unknown;
  response?: { headers?: Record<string, unknown> };
};

const statusOf = (error: unknown): number | undefined => {
  const status = (error as ErrorLike | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
};

/** The error and its causes, outermost first (bounded: cause chains can be cyclic). */
function chainOf(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e = error as ErrorLike | undefined; e && typeof e === 'object' && chain.length < 8; e = e.cause as ErrorLike | undefined) {
    chain.push(e);
  }
  return chain;
}

/**
 * GitHub answers 403 for both "forbidden" and "rate limited"; the message or the exhausted
 * quota tells them apart (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 * Our wrappers put their own message on top, so every level of the chain is looked at.
 */
const isRateLimit = (chain: ErrorLike[]): boolean =>
  chain.some(
    (e) => /\bsecondary rate\b|rate limit exceeded/i.test(String(e.message ?? '')) || String(e.response?.headers?.['x-ratelimit-remaining']) === '0',
  );

const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Retryable: network failures, timeouts and AWS SDK errors (no HTTP status), 5xx, 429, and
 * 403s that are rate limits. Anything else with a status (400, 401, 404, 410, 422) is terminal,
 * and so is a plain programming error (a TypeError in a plugin): five retries will not fix it,
 * so it is recorded instead of walking the event to the dead-letter queue. An AggregateError is
 * retryable when any of its errors is.
 */
export function isRetryable(error: unknown): boolean {
  const chain = chainOf(error);
  for (const e of chain) {
    if (e instanceof RetryableError) return true;
    if (Array.isArray(e.errors) && e.errors.some(isRetryable)) return true;
  }
  const status = chain.map(statusOf).find((s) => s !== undefined && s !== 304);
  if (status !== undefined) {
    if (status >= 500 || status === 429) return true;
    return status === 403 && isRateLimit(chain);
  }
  return chain.some(
    (e) =>
      e.$metadata !== undefined ||
      e.$fault !== undefined ||
      networkCodes.has(String(e.code)) ||
      e.name === 'TimeoutError' ||
      e.name === 'AbortError' ||
      (e instanceof TypeError && /fetch failed|network|socket/i.test(e.message)),
  );
}
