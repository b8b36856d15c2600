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

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
};

const isSecondaryRateLimit = (error: unknown): boolean =>
  /\bsecondary rate\b|rate limit exceeded/i.test(String((error as Error | undefined)?.message ?? ''));

/**
 * Retryable: network failures (no HTTP status), 5xx, 429, and 403s that are rate limits
 * (GitHub answers 403 for both "forbidden" and "rate limited"; the message tells them apart:
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api).
 * Anything else with a status (400, 401, 404, 410, 422) is terminal.
 */
export function isRetryable(error: unknown): boolean {
  let e: unknown = error;
  // Walk the cause chain: our wrappers keep the original error as `cause`.
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof RetryableError) return true;
    const status = statusOf(e);
    if (status !== undefined && status !== 304) {
      if (status >= 500 || status === 429) return true;
      if (status === 403) return isSecondaryRateLimit(e);
      return false;
    }
    const cause = (e as { cause?: unknown }).cause;
    if (!cause) break;
    e = cause;
  }
  return isTransientWithoutStatus(error);
}

const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * No HTTP status anywhere in the chain. Network failures, timeouts and AWS SDK errors are
 * transient; anything else (a TypeError in a plugin) is a bug that five retries will not fix,
 * so it is recorded as terminal instead of walking the event to the dead-letter queue.
 */
function isTransientWithoutStatus(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e.$metadata !== undefined || e.$fault !== undefined) return true;
    if (networkCodes.has(e.code) || e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e instanceof TypeError && /fetch failed|network|socket/i.test(e.message)) return true;
  }
  return false;
}
