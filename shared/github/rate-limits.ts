// GitHub's primary rate limit as its answers report it (`x-ratelimit-*` headers), per credential
// and resource, and its publication as CloudWatch metrics in the embedded metric format: the
// stack alarms when the lowest remaining share of a primary quota falls under 10 %
// (infra/skiff-stack.ts). https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';

export interface RateLimitReading {
  /** The credential's key (etag-cache.ts credentialKey): an installation id or a token's hash, never the token. */
  credential: string;
  /** `core`, `graphql`, `search`, …: each has its own quota. */
  resource: string;
  limit: number;
  remaining: number;
  /** When the window resets, in epoch seconds. */
  reset: number;
}

/** Namespace of every Skiff metric. */
export const metricsNamespace = 'Skiff';

/** The metric the low-quota alarm watches: the lowest remaining share of a primary quota, in percent. */
export const lowestQuotaMetric = 'GitHubQuotaLowestRemainingPercent';

/**
 * Resources whose quota is the hourly primary limit. Search's is 30 a minute: using most of it in
 * a minute is ordinary and says nothing about the hourly budget, so it is published but not in
 * the lowest share the alarm watches.
 */
const primaryResources = new Set(['core', 'graphql']);

const headerNumber = (headers: Record<string, unknown>, name: string): number | undefined => {
  const value = headers[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * The latest reading per credential and resource since the last `take`. Answers arrive out of
 * order when requests overlap: within one window (the same reset) the lowest remaining is the
 * latest, since a quota only goes down until it resets.
 */
export class RateLimitReadings {
  readonly #latest = new Map<string, RateLimitReading>();

  observe(credential: string, headers: Record<string, unknown> | undefined): void {
    if (!headers) return;
    const limit = headerNumber(headers, 'x-ratelimit-limit');
    const remaining = headerNumber(headers, 'x-ratelimit-remaining');
    if (limit === undefined || remaining === undefined || limit <= 0) return;
    const reset = headerNumber(headers, 'x-ratelimit-reset') ?? 0;
    const resource = typeof headers['x-ratelimit-resource'] === 'string' && headers['x-ratelimit-resource'] ? headers['x-ratelimit-resource'] : 'core';
    const key = `${credential} ${resource}`;
    const last = this.#latest.get(key);
    if (last && (reset < last.reset || (reset === last.reset && remaining >= last.remaining))) return;
    this.#latest.set(key, { credential, resource, limit, remaining, reset });
  }

  /** The readings since the last call, which are then forgotten. */
  take(): RateLimitReading[] {
    const readings = [...this.#latest.values()];
    this.#latest.clear();
    return readings;
  }
}

/**
 * One EMF document per credential and resource (dimensions `Credential`, `Resource`):
 * `GitHubRateLimitRemaining` and `GitHubRateLimitRemainingPercent`, with the limit and its reset
 * as metadata (in the log line, searchable, but not metrics: each metric of each credential is a
 * CloudWatch custom metric, billed by the month); and one with only the service dimension: the
 * lowest remaining share among the primary quotas, the metric the alarm watches (an alarm needs
 * fixed dimensions, and installations come and go).
 */
export function publishRateLimits(readings: readonly RateLimitReading[], metrics: Pick<Metrics, 'addDimensions' | 'addMetric' | 'addMetadata' | 'publishStoredMetrics'>): void {
  let lowest: number | undefined;
  for (const r of readings) {
    const percent = (100 * r.remaining) / r.limit;
    metrics.addDimensions({ Credential: r.credential, Resource: r.resource });
    metrics.addMetric('GitHubRateLimitRemaining', MetricUnit.Count, r.remaining);
    metrics.addMetric('GitHubRateLimitRemainingPercent', MetricUnit.Percent, percent);
    metrics.addMetadata('rateLimit', String(r.limit));
    metrics.addMetadata('rateLimitReset', new Date(r.reset * 1000).toISOString());
    metrics.publishStoredMetrics();
    if (primaryResources.has(r.resource)) lowest = Math.min(lowest ?? Infinity, percent);
  }
  if (lowest === undefined) return;
  metrics.addMetric(lowestQuotaMetric, MetricUnit.Percent, lowest);
  metrics.publishStoredMetrics();
}
