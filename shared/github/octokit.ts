// The only module that builds Octokit. GitHub App auth (installation tokens cached by
// @octokit/auth-app until they expire) or a token; retries with backoff for 5xx and network
// errors (@octokit/plugin-retry); waiting out primary and secondary rate limits
// (@octokit/plugin-throttling), but only as long as a worker can afford — beyond that the
// error fails the SQS record and the queue retries later.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { createAppAuth } from '@octokit/auth-app';
import Bottleneck from 'bottleneck/light.js';
import type { Logger } from '../log.js';

export const SkiffOctokit = Octokit.plugin(retry, throttling);
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
   * until GitHub allows (shared/hook/worker.ts).
   */
  maxRateLimitWaitSeconds?: number;
  fetch?: typeof fetch;
}

export function buildOctokit(auth: { token: string } | { appId: string; privateKey: string; installationId?: number } | undefined, options: OctokitOptions): SkiffOctokit {
  const { log } = options;
  const maxWait = options.maxRateLimitWaitSeconds ?? 20;
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const retrying = retryCount < 2 && retryAfter <= maxWait;
    log.warn(`GitHub ${kind} rate limit`, { method: request.method, url: request.url, retryAfter, retryCount, retrying });
    return retrying;
  };
  return new SkiffOctokit({
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
    retry: { retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: {
      retryAfterBaseValue: options.retryBaseMs ?? 1000,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...(options.writeIntervalMs !== undefined
        ? {
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
            // Comments (requests that notify people) get three seconds by default.
            notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }),
          }
        : {}),
    },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) },
  });
}
