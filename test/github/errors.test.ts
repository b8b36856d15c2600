// Which failures fail the SQS record (retried with backoff) and which are recorded as terminal.
// Errors are built in the shapes the code meets them in: Octokit's RequestError (`status`, the
// response's message), Node's network errors (`code`), undici's `TypeError: fetch failed` with the
// network error as its cause, AWS SDK service exceptions (`$metadata`), and our own wrappers.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { describeError, GitHubError, GitHubNetworkError, GitHubTimeoutError, isRetryable, RetryableError, retryAfterSeconds, stackOf } from '../../shared/github/errors.js';

/** Octokit's RequestError: name HttpError, the HTTP status, GitHub's message. */
const http = (status: number, message = `HTTP ${status}`) => Object.assign(new Error(message), { name: 'HttpError', status });

/** A Node/undici network error. */
const network = (code: string) => Object.assign(new Error(`connect ${code} 140.82.112.6:443`), { code });

const secondaryRateLimit =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. - https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const primaryRateLimit = 'API rate limit exceeded for installation ID 4242. - https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting';

const wrap = (cause: unknown, message = 'failed to add label do-not-merge/hold to acme/widgets#1') => new Error(message, { cause });
const gitHubError = (cause: unknown) => new GitHubError('failed to add label do-not-merge/hold to acme/widgets#1', { cause });

interface Row {
  name: string;
  error: unknown;
  retryable: boolean;
}

const rows: Row[] = [
  // HTTP statuses.
  { name: '500', error: http(500), retryable: true },
  { name: '502', error: http(502, 'Bad Gateway'), retryable: true },
  { name: '503', error: http(503), retryable: true },
  { name: '504', error: http(504), retryable: true },
  { name: '429', error: http(429, 'Too Many Requests'), retryable: true },
  { name: '403 secondary rate limit', error: http(403, secondaryRateLimit), retryable: true },
  { name: '403 primary rate limit used up', error: http(403, primaryRateLimit), retryable: true },
  { name: '403 plain (no permission)', error: http(403, 'Resource not accessible by integration'), retryable: false },
  { name: '403 that mentions "rate" in passing', error: http(403, 'Must have admin rights to set the merge rate'), retryable: false },
  { name: '400', error: http(400, 'Problems parsing JSON'), retryable: false },
  { name: '401', error: http(401, 'Bad credentials'), retryable: false },
  { name: '404', error: http(404, 'Not Found'), retryable: false },
  { name: '410', error: http(410, 'Issues are disabled for this repo'), retryable: false },
  { name: '422', error: http(422, 'Validation Failed'), retryable: false },
  { name: '304 is not a failure status; alone it is terminal', error: http(304), retryable: false },
  { name: 'a status that is a string is not a status', error: Object.assign(new Error('Not Found'), { status: '404' }), retryable: false },

  // Network failures: no HTTP status.
  ...['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'].map((code) => ({
    name: `network error ${code}`,
    error: network(code),
    retryable: true,
  })),
  { name: 'an unknown error code', error: Object.assign(new Error('unsupported'), { code: 'ERR_UNSUPPORTED' }), retryable: false },
  { name: 'TimeoutError (AbortSignal.timeout)', error: new DOMException('The operation was aborted due to timeout', 'TimeoutError'), retryable: true },
  { name: 'AbortError', error: new DOMException('This operation was aborted', 'AbortError'), retryable: true },
  { name: "TypeError('fetch failed')", error: new TypeError('fetch failed'), retryable: true },
  { name: "TypeError('fetch failed') caused by ECONNREFUSED", error: new TypeError('fetch failed', { cause: network('ECONNREFUSED') }), retryable: true },
  { name: 'TypeError: other side closed (socket)', error: new TypeError('other side closed: socket hang up'), retryable: true },

  // AWS SDK errors carry $metadata (and $fault); DynamoDB or S3 hiccups are worth a retry.
  {
    name: 'AWS SDK service exception with $metadata',
    error: new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: { httpStatusCode: 400 } }),
    retryable: true,
  },
  { name: 'a bare object with $fault', error: { name: 'InternalServerError', $fault: 'server' }, retryable: true },

  // Bugs and oddities: terminal.
  { name: "plain TypeError (a plugin's bug)", error: new TypeError("Cannot read properties of undefined (reading 'login')"), retryable: false },
  { name: 'plain Error', error: new Error('something odd'), retryable: false },
  { name: 'undefined', error: undefined, retryable: false },
  { name: 'null', error: null, retryable: false },
  { name: 'a thrown string', error: 'boom', retryable: false },

  // Our own.
  { name: 'RetryableError', error: new RetryableError('another worker is running it'), retryable: true },
  { name: 'GitHubNetworkError (Octokit\'s fake 500 replaced)', error: new GitHubNetworkError('GET /user: getaddrinfo ENOTFOUND github.example'), retryable: true },
  { name: 'GitHubTimeoutError', error: new GitHubTimeoutError('GET /user timed out after 10000 ms', 10_000), retryable: true },
  { name: 'GitHubError wrapping a timeout', error: gitHubError(new GitHubTimeoutError('POST /repos/{owner}/{repo}/issues/{issue_number}/labels timed out after 10000 ms', 10_000)), retryable: true },
  { name: 'RetryableError wrapped', error: wrap(new RetryableError('try later')), retryable: true },

  // Wrapped causes: the first status down the chain decides.
  { name: 'Error wrapping a 502', error: wrap(http(502)), retryable: true },
  { name: 'Error wrapping a 404', error: wrap(http(404)), retryable: false },
  { name: 'GitHubError wrapping a 503', error: gitHubError(http(503)), retryable: true },
  { name: 'GitHubError wrapping a 422', error: gitHubError(http(422, 'Validation Failed')), retryable: false },
  { name: 'GitHubError wrapping a plain 403', error: gitHubError(http(403, 'Resource not accessible by integration')), retryable: false },
  // GitHubError copies its cause's status; the rate-limit message is on the cause, not on it.
  { name: 'GitHubError wrapping a 403 secondary rate limit', error: gitHubError(http(403, secondaryRateLimit)), retryable: true },
  { name: 'Error wrapping a 403 secondary rate limit', error: wrap(http(403, secondaryRateLimit)), retryable: true },
  { name: 'Error wrapping a 304 wrapping a 502', error: wrap(Object.assign(new Error('Not modified', { cause: http(502) }), { status: 304 })), retryable: true },
  { name: 'Error wrapping a GitHubError wrapping a 500', error: wrap(gitHubError(http(500))), retryable: true },
  { name: 'Error wrapping a network error', error: wrap(network('ECONNRESET')), retryable: true },
  { name: "Error wrapping TypeError('fetch failed')", error: wrap(new TypeError('fetch failed')), retryable: true },
  { name: 'Error wrapping a plain TypeError', error: wrap(new TypeError('x is not a function')), retryable: false },
  // The size plugin's shape when two label removals fail: `cause` is an AggregateError.
  {
    name: 'Error wrapping an AggregateError of two 502s',
    error: wrap(new AggregateError([http(502), http(502)]), 'failed to remove size/XS, size/L from acme/widgets#1'),
    retryable: true,
  },
  {
    name: 'Error wrapping an AggregateError of two 404s',
    error: wrap(new AggregateError([http(404), http(404)]), 'failed to remove size/XS, size/L from acme/widgets#1'),
    retryable: false,
  },
];

describe('isRetryable', () => {
  it.each(rows)('$name → $retryable', ({ error, retryable }) => {
    // Act
    const result = isRetryable(error);

    // Assess
    expect(result).toBe(retryable);
  });
});

describe('GitHubError', () => {
  it('keeps the message, the cause and the cause’s status', () => {
    // Prepare
    const cause = http(422, 'Validation Failed');

    // Act
    const error = new GitHubError('failed to comment on acme/widgets#1', { cause });

    // Assess
    expect(error).toMatchObject({ name: 'GitHubError', message: 'failed to comment on acme/widgets#1', status: 422, cause });
  });

  it('has no status when the cause has none', () => {
    expect(new GitHubError('failed', { cause: network('ECONNRESET') }).status).toBeUndefined();
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const epochSeconds = now / 1000;
  /** Octokit's RequestError with the response headers GitHub sent. */
  const withHeaders = (status: number, message: string, headers: Record<string, string>) =>
    Object.assign(http(status, message), { response: { status, headers } });
  const primary = (resetInSeconds: number, remaining = '0') =>
    withHeaders(403, primaryRateLimit, { 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': String(epochSeconds + resetInSeconds) });

  it.each([
    { name: 'secondary limit: retry-after', error: withHeaders(403, secondaryRateLimit, { 'retry-after': '60' }), seconds: 60 },
    { name: '429 with retry-after', error: withHeaders(429, 'Too Many Requests', { 'retry-after': '5' }), seconds: 5 },
    { name: 'primary limit used up: until the reset', error: primary(1800), seconds: 1800 },
    { name: 'primary limit, reset already past: the shortest wait', error: primary(-30), seconds: 1 },
    { name: 'retry-after 0: the shortest wait', error: withHeaders(429, 'Too Many Requests', { 'retry-after': '0' }), seconds: 1 },
    { name: 'reset further off than SQS can hold a message: 12 hours', error: primary(2 * 24 * 3600), seconds: 43_200 },
    { name: 'quota left: the reset header alone says nothing', error: primary(1800, '12'), seconds: undefined },
    { name: 'retry-after as an HTTP date (GitHub sends seconds): ignored', error: withHeaders(429, 'Too Many Requests', { 'retry-after': 'Wed, 25 Nov 2026 12:05:00 GMT' }), seconds: undefined },
    { name: 'a 502 without headers', error: http(502), seconds: undefined },
    { name: 'a network error', error: network('ECONNRESET'), seconds: undefined },
    { name: 'GitHubError wrapping a primary limit', error: gitHubError(primary(600)), seconds: 600 },
    { name: 'AggregateError: the longest wait', error: wrap(new AggregateError([primary(600), withHeaders(403, secondaryRateLimit, { 'retry-after': '60' })])), seconds: 600 },
    { name: 'RetryableError that carries a wait', error: new RetryableError('delivery d will be retried', { retryAfterSeconds: 90 }), seconds: 90 },
    { name: 'RetryableError without one', error: new RetryableError('delivery d will be retried'), seconds: undefined },
  ])('$name → $seconds', ({ error, seconds }) => {
    // Act
    const result = retryAfterSeconds(error, now);

    // Assess
    expect(result).toBe(seconds);
  });
});

describe('describeError', () => {
  it.each([
    { name: 'a GitHub status', error: gitHubError(http(502, 'Bad Gateway')), text: 'failed to add label do-not-merge/hold to acme/widgets#1: Bad Gateway (HTTP 502)' },
    {
      name: 'a network failure says what failed and no status',
      error: gitHubError(new GitHubNetworkError('POST /repos/{owner}/{repo}/issues/{issue_number}/labels: getaddrinfo ENOTFOUND github.example', { cause: network('ENOTFOUND') })),
      text: 'failed to add label do-not-merge/hold to acme/widgets#1: POST /repos/{owner}/{repo}/issues/{issue_number}/labels: getaddrinfo ENOTFOUND github.example: connect ENOTFOUND 140.82.112.6:443',
    },
    { name: 'a cause its wrapper repeats is said once', error: wrap(new Error('Bad credentials'), 'GET /user: Bad credentials'), text: 'GET /user: Bad credentials' },
    { name: "an AggregateError's errors", error: wrap(new AggregateError([http(502, 'Bad Gateway'), http(404, 'Not Found')]), 'failed to remove size/XS, size/L'), text: "failed to remove size/XS, size/L: [Bad Gateway (HTTP 502); Not Found (HTTP 404)]" },
    { name: 'a thrown string', error: 'boom', text: 'boom' },
    { name: 'an error without a message', error: new TypeError(), text: 'TypeError' },
  ])('$name', ({ error, text }) => {
    expect(describeError(error)).toBe(text);
  });

  it('the network error keeps its code', () => {
    expect(new GitHubNetworkError('GET /user: fetch failed', { cause: new TypeError('fetch failed', { cause: network('ECONNREFUSED') }) }).code).toBe('ECONNREFUSED');
  });

  it('stackOf has every stack down the chain, for debug logs', () => {
    const stack = stackOf(wrap(new TypeError("Cannot read properties of undefined (reading 'login')")));
    expect(stack).toMatch(/^Error: failed to add label[\s\S]*\ncaused by: TypeError: Cannot read properties of undefined \(reading 'login'\)\n\s+at /);
  });
});
