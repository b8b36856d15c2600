// The only module that builds Octokit. GitHub App auth (installation tokens cached by
// @octokit/auth-app until they expire) or a token; retries with backoff for 5xx and network
// errors (@octokit/plugin-retry); waiting out primary and secondary rate limits
// (@octokit/plugin-throttling), but only as long as a worker can afford — beyond that the
// error fails the SQS record and the queue retries later. Every request has a time limit, and
// stops at its record's deadline (shared/github/deadline.ts), so a slow GitHub cannot hold a
// worker past its function's timeout.
// @octokit/core with the plugins it needs, not @octokit/rest: the REST methods plugin's table of
// every GitHub endpoint was 80 KiB of the plugins bundle, and octokit-client.ts names its routes.
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { createAppAuth } from '@octokit/auth-app';
import Bottleneck from 'bottleneck/light.js';
import type { Logger } from '../log.js';
import { abortAfter, gitHubDeadline } from './deadline.js';
import { throughBudget, type BudgetGateOptions } from './budget-gate.js';
import { GitHubNetworkError, GitHubTimeoutError } from './errors.js';
import { credentialKey, installConditionalReads, type EtagCache } from './etag-cache.js';
import type { RateLimitReadings } from './rate-limits.js';

export const SkiffOctokit = Octokit.plugin(paginateRest, retry, throttling);
export type SkiffOctokit = InstanceType<typeof SkiffOctokit>;

export type GitHubCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: string; privateKey: string }
  | { kind: 'none' };

export interface OctokitOptions {
  baseUrl: string;
  log: Logger;
  /**
   * Pause between writes. GitHub asks for at least one second between content-creating
   * requests (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api);
   * only tests and benchmarks against the fake GitHub lower it.
   */
  writeIntervalMs?: number;
  /**
   * Milliseconds per unit of backoff: plugin-retry waits (retry+1)² units after a 5xx or
   * network error, plugin-throttling waits `retry-after` units. 1000 in production; tests
   * against the fake GitHub shrink it.
   */
  retryBaseMs?: number;
  /**
   * Longest rate-limit wait worth spending inside one invocation. The plugins function has a
   * 60 s timeout; a longer `retry-after` fails the record instead, and the worker puts it off
   * until GitHub allows (shared/hook/worker.ts). A wait is also spent only when it ends before
   * the request's time limit and its record's deadline.
   */
  maxRateLimitWaitSeconds?: number;
  /**
   * Longest one GitHub request may take, all of it: every attempt plugin-retry makes, its
   * backoffs and any rate-limit wait (SKIFF_GITHUB_TIMEOUT_MS, default 10 s). Counting the whole
   * request, not each attempt, is what lets the worker bound a record's time (a per-attempt limit
   * of 10 s allows 4 attempts and 14 s of backoff: 54 s for one call).
   */
  requestTimeoutMs?: number;
  /**
   * The GitHub budget every worker shares (budget-gate.ts). With it, each request waits for its
   * credential's budget, and the per-container write pacing below is off: the budget paces writes
   * across all containers instead (unless `writeIntervalMs` is given as well).
   */
  budget?: BudgetGateOptions;
  /**
   * GET answers kept and revalidated with If-None-Match (etag-cache.ts), each request counted
   * into its plugin's usage, and GitHub's rate-limit headers read into `rateLimits`. The
   * connector passes one cache per container, shared by its credentials' clients (keyed apart).
   */
  conditionalReads?: { cache: EtagCache; ttlMs?: number; rateLimits?: RateLimitReadings };
  fetch?: typeof fetch;
}

export const defaultRequestTimeoutMs = 10_000;

/** What the time-limit hook puts in each request's `request` options, for the rate-limit handler. */
interface TimedRequest {
  signal?: AbortSignal;
  /** Epoch ms by which the request must be done: its own limit or its record's deadline. */
  skiffEndsAt?: number;
}

export function buildOctokit(auth: { token: string } | { appId: string; privateKey: string; installationId?: number } | undefined, options: OctokitOptions): SkiffOctokit {
  const { log } = options;
  const maxWait = options.maxRateLimitWaitSeconds ?? 20;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string; request?: TimedRequest }, _octokit: unknown, retryCount: number) => {
      const endsAt = request.request?.skiffEndsAt ?? Infinity;
      const retrying = retryCount < 2 && retryAfter <= maxWait && Date.now() + retryAfter * retryBaseMs < endsAt;
      log.warn(`GitHub ${kind} rate limit`, { method: request.method, url: request.url, retryAfter, retryCount, retrying });
      return retrying;
    };
  const octokit = new SkiffOctokit({
    baseUrl: options.baseUrl,
    userAgent: 'skiff',
    ...(auth && 'token' in auth ? { auth: auth.token } : {}),
    // auth-app rejects `installationId: undefined` ("set to a falsy value"): leave the key out
    // for the App's own (JWT) client.
    ...(auth && 'appId' in auth
      ? {
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, privateKey: auth.privateKey, ...(auth.installationId === undefined ? {} : { installationId: auth.installationId }) },
        }
      : {}),
    request: options.fetch ? { fetch: options.fetch } : {},
    retry: { retryAfterBaseValue: retryBaseMs },
    throttle: {
      retryAfterBaseValue: retryBaseMs,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...(options.writeIntervalMs === undefined && options.budget
        ? {
            // One write at a time per container, as before, but no pause between: the shared budget paces them.
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
            notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
          }
        : {}),
      ...(options.writeIntervalMs !== undefined
        ? {
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
            // Comments (requests that notify people) get three seconds by default.
            notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
            // Searches two seconds (GitHub allows 30 a minute); the same setting paces them.
            search: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
          }
        : {}),
    },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) },
  });
  // The budget wraps the plugins (so a retry plugin-retry or plugin-throttling makes inside one call
  // is not counted again: rare, and GitHub's answer is what they react to); the conditional reads
  // wrap the budget, so an answer reused from the cache without a request costs none; the time
  // limit wraps both, so a wait for budget is cut off at the request's limit like any other wait.
  const gate = options.budget;
  if (gate) {
    const credential = credentialKey(auth);
    octokit.hook.wrap('request', (request, endpoint) => {
      const timed = endpoint.request as TimedRequest | undefined;
      return throughBudget(gate, credential, { method: endpoint.method ?? 'GET', url: endpoint.url ?? '', endsAt: timed?.skiffEndsAt, signal: timed?.signal }, async () => request(endpoint));
    });
  }
  if (options.conditionalReads) {
    const { cache, ttlMs, rateLimits } = options.conditionalReads;
    const credential = credentialKey(auth);
    // Outside plugin-retry and plugin-throttling (see etag-cache.ts), inside the time limit.
    installConditionalReads(octokit, { cache, credential, ...(ttlMs === undefined ? {} : { ttlMs }), ...(rateLimits ? { observe: (headers) => rateLimits.observe(credential, headers) } : {}) });
  }
  // Registered after the plugins, so it wraps them: the limit covers retries and waits.
  const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  octokit.hook.wrap('request', (request, endpoint) => timeLimited(timeoutMs, async () => request(endpoint), endpoint));
  return octokit;
}

/**
 * Runs one request under its time limit and its record's deadline. The signal cancels the
 * attempt in flight and makes any later attempt fail before it is sent; the request is given up
 * the moment either limit passes, even while plugin-retry sleeps between attempts.
 */
async function timeLimited<T>(timeoutMs: number, send: () => Promise<T>, endpoint: { method?: string; url?: string; request?: TimedRequest }): Promise<T> {
  // The route template (`POST /repos/{owner}/{repo}/issues/{issue_number}/labels`): the caller's
  // GitHubError adds which repository and issue.
  const what = `${endpoint.method ?? 'GET'} ${endpoint.url ?? ''}`;
  const record = gitHubDeadline();
  const late = () =>
    record?.signal.aborted
      ? new GitHubTimeoutError(`${what} stopped: the record's ${record.ms} ms for GitHub ran out`, record.ms)
      : new GitHubTimeoutError(`${what} timed out after ${timeoutMs} ms`, timeoutMs);
  if (record?.signal.aborted) throw late();
  const own = abortAfter(timeoutMs, `${what} timed out after ${timeoutMs} ms`);
  const signals = [own.signal, record?.signal, endpoint.request?.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal = AbortSignal.any(signals);
  endpoint.request = { ...endpoint.request, signal, skiffEndsAt: Math.min(Date.now() + timeoutMs, record?.endsAt ?? Infinity) };
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(late());
    signal.addEventListener('abort', onAbort, { once: true });
    send()
      .then(resolve, (error: unknown) => reject(signal.aborted ? late() : withoutFakeStatus(error, what)))
      .finally(() => {
        own.clear();
        signal.removeEventListener('abort', onAbort);
      });
  });
}

/**
 * Octokit turns a fetch that failed (DNS, refused connection, reset) into a RequestError with
 * status 500 and no response. GitHub never answered, so it becomes a GitHubNetworkError without
 * a status, keeping the network error as its cause.
 */
function withoutFakeStatus(error: unknown, what: string): unknown {
  const e = error as { name?: unknown; status?: unknown; response?: unknown; message?: unknown; cause?: unknown };
  if (e?.name !== 'HttpError' || e.response !== undefined || e.status !== 500) return error;
  const cause = e.cause ?? error;
  const network = new GitHubNetworkError(`${what}: ${typeof e.message === 'string' && e.message ? e.message : 'network error'}`, { cause });
  return network.code && !network.message.includes(network.code) ? new GitHubNetworkError(`${network.message} (${network.code})`, { cause }) : network;
}
