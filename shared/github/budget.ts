// One GitHub budget per credential, shared by every worker (Prow's ghproxy throttle, without a
// proxy). GitHub's secondary rate limits count per user or App installation, not per process
// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits):
// 80 content-creating requests a minute and 500 an hour, 900 REST points a minute (a read costs
// 1, a write 5) and 100 concurrent requests. Five containers pacing themselves at one write a
// second make 300 a minute together; this budget is what they all draw from instead.
//
// Each limit is a GCRA (generic cell rate algorithm) bucket: a "theoretical arrival time" (TAT)
// that every grant moves forward by its cost's share of the window. A grant is allowed while the
// TAT stays within `burst` units of now. Over any stretch of one window, at most rate + burst units
// pass, so rate + burst is kept under GitHub's limit less a safety margin, whatever the timing. The
// TAT is one number per limit, so the shared (DynamoDB) version is one conditional update.
//
// The credential key is the installation id, or a SHA-256 prefix of a token: never the token.

/**
 * `content-write`: creates content or notifies (comments, labels, assignees, review requests,
 * statuses, merges, issue edits): counted against the content limits and 5 points. `write`: other
 * mutations (deleting, an installation token): 5 points. `read`: 1 point.
 */
export type BudgetKind = 'content-write' | 'write' | 'read';

/** GitHub's published numbers (or a GitHub Enterprise Server's), before the safety margin. */
export interface BudgetLimits {
  /** Off: no shared pacing at all (a GitHub Enterprise Server without secondary limits). */
  enabled: boolean;
  /** Content-creating requests per minute (GitHub: 80). 0: not limited. */
  contentPerMinute: number;
  /** Content-creating requests per hour (GitHub: 500). 0: not limited. */
  contentPerHour: number;
  /** REST points per minute (GitHub: 900). 0: not limited. */
  pointsPerMinute: number;
  /** Points a read costs (GitHub: 1). */
  readPoints: number;
  /** Points a write costs (GitHub: 5). */
  writePoints: number;
  /** Requests in flight at once (GitHub: 100). 0: not limited. */
  concurrent: number;
  /** The share of each limit kept unused, for clock skew and network jitter between workers (0.05). */
  safetyMargin: number;
  /** GitHub's "minute" and "hour": only tests and benchmarks against the fake GitHub shrink them. */
  minuteMs: number;
  hourMs: number;
}

export const githubLimits: BudgetLimits = {
  enabled: true,
  contentPerMinute: 80,
  contentPerHour: 500,
  pointsPerMinute: 900,
  readPoints: 1,
  writePoints: 5,
  concurrent: 100,
  safetyMargin: 0.05,
  minuteMs: 60_000,
  hourMs: 3_600_000,
};

/** The dimensions a grant can draw from. */
export type BucketName = 'contentMinute' | 'contentHour' | 'points';
export const bucketNames: readonly BucketName[] = ['contentMinute', 'contentHour', 'points'];

/** One GCRA bucket: `rate + burst` units at most in any window of `windowMs`. */
export interface Bucket {
  /** GitHub's limit for the window (for reports). */
  limit: number;
  windowMs: number;
  /** Units a window lets through when busy. */
  rate: number;
  /** Units allowed at once after a quiet spell. */
  burst: number;
  /** Milliseconds one unit moves the TAT: windowMs / rate. */
  intervalMs: number;
}

export type Buckets = Partial<Record<BucketName, Bucket>>;

function bucket(limit: number, windowMs: number, margin: number, burstOf: (allowed: number) => number): Bucket | undefined {
  if (!(limit > 0)) return undefined;
  const allowed = Math.max(1, Math.floor(limit * (1 - margin)));
  // At least one unit each, so a limit of 1 still passes one request per window.
  const burst = Math.min(Math.max(1, burstOf(allowed)), Math.max(1, allowed - 1));
  const rate = Math.max(1, allowed - burst);
  return { limit, windowMs, rate, burst, intervalMs: windowMs / rate };
}

/**
 * The buckets for a set of limits. Per minute, a small burst (4% of what the margin leaves) and the
 * rest as the busy rate, so a busy worker pool sustains over 90% of GitHub's per-minute limit. Per
 * hour, a burst as large as a minute's allowance (a flurry of commands is served at the per-minute
 * pace), and the rest of the hour's allowance as its rate; so a sustained load settles at about
 * 80% of the hourly limit, which is what binds over an hour (500/h is 8.3 a minute).
 */
export function bucketsOf(limits: BudgetLimits): Buckets {
  if (!limits.enabled) return {};
  const m = limits.safetyMargin;
  const contentMinute = bucket(limits.contentPerMinute, limits.minuteMs, m, (allowed) => Math.round(allowed * 0.04));
  const minuteAllowance = contentMinute ? contentMinute.rate + contentMinute.burst : Infinity;
  const buckets: Buckets = {
    contentMinute,
    contentHour: bucket(limits.contentPerHour, limits.hourMs, m, (allowed) => Math.min(minuteAllowance, Math.floor(allowed / 2))),
    points: bucket(limits.pointsPerMinute, limits.minuteMs, m, (allowed) => Math.round(allowed * 0.04)),
  };
  for (const name of bucketNames) if (!buckets[name]) delete buckets[name];
  return buckets;
}

/** What one request of a kind costs in each bucket. */
export function costOf(kind: BudgetKind, limits: BudgetLimits): Partial<Record<BucketName, number>> {
  const points = kind === 'read' ? limits.readPoints : limits.writePoints;
  return kind === 'content-write' ? { contentMinute: 1, contentHour: 1, points } : { points };
}

/** The concurrency allowed after the margin; undefined when not limited. */
export const concurrencyOf = (limits: BudgetLimits): number | undefined =>
  limits.enabled && limits.concurrent > 0 ? Math.max(1, Math.floor(limits.concurrent * (1 - limits.safetyMargin))) : undefined;

export const gcraSlackMs = 0.001;

/**
 * GCRA for one bucket. `tat` is the bucket's theoretical arrival time (epoch ms; absent or in the
 * past when idle). Returns the new TAT when `cost` units may pass now, or how long to wait.
 */
export function gcra(b: Bucket, tat: number | undefined, cost: number, now: number): { tat: number } | { waitMs: number } {
  const start = tat === undefined || tat < now ? now : tat;
  const next = start + cost * b.intervalMs;
  // A microsecond of slack: sums of fractional intervals must not refuse the last unit of a burst.
  const horizon = now + b.burst * b.intervalMs + gcraSlackMs;
  return next <= horizon ? { tat: next } : { waitMs: Math.ceil(next - horizon) };
}

/** A grant of budget. Call `release` when the request is over (frees its concurrency slot). */
export type BudgetGrant = { granted: true; release(): void } | { granted: false; waitMs: number };

/** A grant holding one of `holder`'s concurrency slots until released (a second release is a no-op). */
export function slotGrant(holder: { inFlight: number }): BudgetGrant {
  holder.inFlight++;
  let released = false;
  return {
    granted: true,
    release: () => {
      if (released) return;
      released = true;
      holder.inFlight--;
    },
  };
}

/** How one credential stands, for GET /api/budget. */
export interface CredentialUsage {
  credential: string;
  /** Per bucket: GitHub's limit, the budget's busy rate and burst, and the units used in the current window. */
  buckets: Partial<Record<BucketName, { limit: number; windowMs: number; rate: number; burst: number; used: number }>>;
  /** Requests in flight now (the in-process budget knows them). */
  inFlight?: number;
  /** Concurrency slots workers hold leases on now (the shared budget leases them in blocks). */
  leasedSlots?: number;
  /** Counts since the budget started keeping them. */
  granted: Record<BudgetKind, number>;
  /** Requests that were told to wait (the in-process budget counts them; the shared one does not spend a write on it). */
  waited?: number;
  updatedAt?: string;
}

/**
 * The port. Implementations: MemoryBudget (one process) below, DynamoBudget (every worker,
 * shared/storage/dynamo-budget.ts).
 */
export interface GitHubBudget {
  acquire(credential: string, kind: BudgetKind): Promise<BudgetGrant>;
  /** Every credential's current use, as far as this implementation knows. */
  usage(): Promise<CredentialUsage[]>;
}

/** Units of a bucket used and not yet given back by the passing of time. */
export const usedUnits = (b: Bucket, tat: number | undefined, now: number): number =>
  // Less a hair: floating-point intervals (3 600 000 / 399) must not round 3 units up to 4.
  tat === undefined || tat <= now ? 0 : Math.min(b.rate + b.burst, Math.ceil((tat - now) / b.intervalMs - 1e-6));

/** The budget key of a credential (the ETag cache's key): never the token itself. */
export { credentialKey } from './etag-cache.js';

/**
 * Which budget a request draws from. GitHub counts content creation by what a request does;
 * Skiff's writes are all POST/PATCH/PUT on issues, pull requests, labels, statuses and merges, so
 * those methods are content-creating, DELETE is a plain write, and so is an installation token. A
 * GraphQL query is a read (GitHub prices GraphQL by its own points; Skiff's are small queries).
 */
export function budgetKindOf(method: string, url: string): BudgetKind {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') return 'read';
  if (verb === 'POST' && /\/graphql$/.test(url)) return 'read';
  if (verb === 'DELETE' || /\/app\/installations\/[^/]+\/access_tokens$/.test(url) || /\/access_tokens$/.test(url)) return 'write';
  return 'content-write';
}

/** The in-process budget: for one worker (local mode, tests), or GitHub Enterprise without a table. */
export class MemoryBudget implements GitHubBudget {
  private readonly state = new Map<string, { tats: Partial<Record<BucketName, number>>; inFlight: number; granted: Record<BudgetKind, number>; waited: number; at?: number }>();

  constructor(
    private readonly limits: () => BudgetLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private of(credential: string) {
    let s = this.state.get(credential);
    if (!s) this.state.set(credential, (s = { tats: {}, inFlight: 0, granted: { 'content-write': 0, write: 0, read: 0 }, waited: 0 }));
    return s;
  }

  async acquire(credential: string, kind: BudgetKind): Promise<BudgetGrant> {
    const limits = this.limits();
    const s = this.of(credential);
    const now = this.now();
    const max = concurrencyOf(limits);
    // A full set of slots: try again shortly (a request takes tens of milliseconds).
    if (max !== undefined && s.inFlight >= max) {
      s.waited++;
      return { granted: false, waitMs: 50 };
    }
    const buckets = bucketsOf(limits);
    const next: Partial<Record<BucketName, number>> = {};
    let waitMs = 0;
    for (const [name, cost] of Object.entries(costOf(kind, limits)) as [BucketName, number][]) {
      const b = buckets[name];
      if (!b) continue;
      const r = gcra(b, s.tats[name], cost, now);
      if ('waitMs' in r) waitMs = Math.max(waitMs, r.waitMs);
      else next[name] = r.tat;
    }
    if (waitMs > 0) {
      s.waited++;
      return { granted: false, waitMs };
    }
    Object.assign(s.tats, next);
    s.granted[kind]++;
    s.at = now;
    return slotGrant(s);
  }

  async usage(): Promise<CredentialUsage[]> {
    const limits = this.limits();
    const buckets = bucketsOf(limits);
    const now = this.now();
    return [...this.state.entries()].map(([credential, s]) => ({
      credential,
      buckets: Object.fromEntries(
        Object.entries(buckets).map(([name, b]) => [name, { limit: b.limit, windowMs: b.windowMs, rate: b.rate, burst: b.burst, used: usedUnits(b, s.tats[name as BucketName], now) }]),
      ),
      inFlight: s.inFlight,
      granted: { ...s.granted },
      waited: s.waited,
      ...(s.at === undefined ? {} : { updatedAt: new Date(s.at).toISOString() }),
    }));
  }
}
