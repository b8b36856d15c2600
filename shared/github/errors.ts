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

/**
 * GitHub could not be reached or the connection broke: no HTTP status was received. Octokit
 * reports such a failure as a RequestError with status 500; shared/github/octokit.ts replaces it
 * with this, so a trace never says "HTTP 500" for a DNS failure or a refused connection.
 */
export class GitHubNetworkError extends Error {
  override name = 'GitHubNetworkError';
  /** The system error code found down the cause chain (ENOTFOUND, ECONNREFUSED…), if any. */
  readonly code: string | undefined;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = chainOf(options.cause).map((e) => e.code).find((code): code is string => typeof code === 'string');
  }
}

/** A GitHub request that did not finish in time (its own timeout, or its record's time ran out). */
export class GitHubTimeoutError extends GitHubNetworkError {
  override name = 'GitHubTimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Raised on purpose by code that wants the SQS record to be retried. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  /** When known (GitHub said when its rate limit resets), how long to wait before the retry. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
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
  retryAfterSeconds?: unknown;
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
 * 403s that are rate limits. AWS SDK errors count as transient even when they are client
 * faults: throttling is one, and the others (access denied, a missing table) are the stack's
 * misconfiguration, which fails every event alike — better in the dead-letter queue, with its
 * alarm and redrive, than acknowledged and lost. Anything else with a status (400, 401, 404, 410, 422) is terminal,
 * and so is a plain programming error (a TypeError in a plugin): five retries will not fix it,
 * so it is recorded instead of walking the event to the dead-letter queue. An AggregateError is
 * retryable when any of its errors is.
 */
export function isRetryable(error: unknown): boolean {
  const chain = chainOf(error);
  for (const e of chain) {
    if (e instanceof RetryableError || e instanceof GitHubNetworkError) return true;
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

// SQS's longest visibility timeout, so the longest a record can be put off
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
export const maxRetryDelaySeconds = 12 * 60 * 60;

const wholeSeconds = (value: unknown): number | undefined => {
  const text = String(value ?? '').trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
};

/**
 * How long GitHub asked us to wait before trying again, in whole seconds (at least 1, at most
 * SQS's 12 hours), or undefined when it did not say. `retry-after` comes with 429s and secondary
 * limits; a used-up primary limit says when it resets instead (`x-ratelimit-remaining: 0` and
 * `x-ratelimit-reset`, epoch seconds):
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately
 * The longest wait anywhere in the error (its causes, an AggregateError's errors) wins.
 */
export function retryAfterSeconds(error: unknown, nowMs = Date.now()): number | undefined {
  let longest: number | undefined;
  const consider = (seconds: number | undefined) => {
    if (seconds !== undefined && Number.isFinite(seconds)) longest = Math.max(longest ?? 0, seconds);
  };
  for (const e of chainOf(error)) {
    if (typeof e.retryAfterSeconds === 'number') consider(e.retryAfterSeconds);
    if (Array.isArray(e.errors)) for (const inner of e.errors) consider(retryAfterSeconds(inner, nowMs));
    const headers = e.response?.headers;
    if (!headers) continue;
    consider(wholeSeconds(headers['retry-after']));
    const reset = wholeSeconds(headers['x-ratelimit-reset']);
    if (String(headers['x-ratelimit-remaining']) === '0' && reset !== undefined) consider(Math.ceil(reset - nowMs / 1000));
  }
  return longest === undefined ? undefined : Math.min(maxRetryDelaySeconds, Math.max(1, longest));
}

/**
 * One line for logs and traces: the message of the error and of each cause down the chain (an
 * AggregateError's errors in brackets), with the HTTP status GitHub answered if there was one.
 * A cause's message that its wrapper already repeats is left out.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (const e of chainOf(error)) {
    const message = typeof e.message === 'string' ? e.message : '';
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    if (Array.isArray(e.errors) && e.errors.length) parts.push(`[${e.errors.map(describeError).join('; ')}]`);
  }
  if (!parts.length) parts.push(error instanceof Error ? error.name : String(error));
  const status = chainOf(error).map(statusOf).find((s) => s !== undefined);
  return `${parts.join(': ')}${status === undefined ? '' : ` (HTTP ${status})`}`;
}

/** The stacks of the error and its causes, for debug logs only (an error log line has describeError). */
export function stackOf(error: unknown): string {
  return chainOf(error)
    .map((e) => (e instanceof Error && e.stack ? e.stack : String(e.message ?? e)))
    .join('\ncaused by: ');
}
