// GitHub's secondary rate limits, as the fake GitHub enforces them when asked
// (FakeGitHub.enforceSecondaryLimits): per credential (the Authorization header), over sliding
// windows, with "a minute" and "an hour" scaled down so a test or benchmark sees a minute's worth
// of limits in seconds. Beyond a limit the answer is GitHub's: 403 with "You have exceeded a
// secondary rate limit…" and `retry-after` in seconds
// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
// A refused request creates nothing and costs nothing. It records the peak of concurrent requests
// and the content-creating writes accepted in each (fixed, numbered) window, for reports.
//
// What counts as content-creating is decided here on its own (POST, PATCH and PUT under /repos/),
// not with Skiff's classifier, so a budget that misjudges a request shows up as a 403.

export interface SecondaryLimits {
  /** GitHub's minute, scaled: 60 000 on GitHub. */
  minuteMs: number;
  /** GitHub's hour, scaled; with contentPerHour 0 the hour is not enforced. */
  hourMs: number;
  /** 80 on GitHub; 0: not enforced. */
  contentPerMinute: number;
  /** 500 on GitHub; 0: not enforced. */
  contentPerHour: number;
  /** 900 on GitHub; 0: not enforced. */
  pointsPerMinute: number;
  /** 100 on GitHub; 0: not enforced. */
  concurrent: number;
}

export const githubSecondaryLimits = { contentPerMinute: 80, contentPerHour: 500, pointsPerMinute: 900, concurrent: 100 } as const;

/** The limits of real GitHub with its minute scaled to `minuteMs` (an hour is 60 of them). */
export const scaledSecondaryLimits = (minuteMs: number, overrides: Partial<SecondaryLimits> = {}): SecondaryLimits => ({
  ...githubSecondaryLimits,
  minuteMs,
  hourMs: 60 * minuteMs,
  ...overrides,
});

export type SecondaryLimitName = 'content per minute' | 'content per hour' | 'points per minute' | 'concurrent requests';

export interface SecondaryLimitReport {
  /** Requests answered 403 for a secondary limit, by the limit they broke. */
  refused: Partial<Record<SecondaryLimitName, number>>;
  refusedTotal: number;
  /** Most requests in flight at once (per credential, the highest). */
  peakConcurrency: number;
  /** Content-creating requests accepted in each window of `minuteMs` since enforcing began (per credential, summed). */
  contentPerWindow: number[];
  /** The most content-creating requests accepted in any sliding minute. */
  peakContentPerSlidingMinute: number;
}

interface CredentialState {
  /** Times of accepted content-creating requests, oldest first. */
  content: number[];
  /** Times and points of accepted requests, oldest first. */
  points: { at: number; points: number }[];
  inFlight: number;
}

const isContentCreating = (method: string, pathname: string): boolean => ['POST', 'PATCH', 'PUT'].includes(method) && pathname.startsWith('/repos/');
const isRead = (method: string, pathname: string): boolean => method === 'GET' || method === 'HEAD' || (method === 'POST' && pathname === '/graphql');

export class SecondaryLimiter {
  readonly #credentials = new Map<string, CredentialState>();
  readonly #refused: Partial<Record<SecondaryLimitName, number>> = {};
  readonly #perWindow: number[] = [];
  readonly #started: number;
  #peakConcurrency = 0;
  #peakSliding = 0;

  constructor(
    readonly limits: SecondaryLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.#started = now();
  }

  #state(credential: string): CredentialState {
    let s = this.#credentials.get(credential);
    if (!s) this.#credentials.set(credential, (s = { content: [], points: [], inFlight: 0 }));
    return s;
  }

  /** A request starts (its concurrency counts from here to `finished`). */
  started(credential: string): void {
    const s = this.#state(credential);
    s.inFlight++;
    this.#peakConcurrency = Math.max(this.#peakConcurrency, s.inFlight);
  }

  finished(credential: string): void {
    this.#state(credential).inFlight--;
  }

  /**
   * Whether the request may be served; if not, which limit it broke and the `retry-after` in whole
   * seconds (at least 1: plugin-throttling reads 0 as absent). An accepted request is counted.
   */
  admit(credential: string, method: string, pathname: string): { ok: true } | { ok: false; limit: SecondaryLimitName; retryAfterSeconds: number } {
    const { limits } = this;
    const now = this.now();
    const s = this.#state(credential);
    const minuteAgo = now - limits.minuteMs;
    while (s.points.length && s.points[0]!.at <= minuteAgo) s.points.shift();
    const hourAgo = now - (limits.contentPerHour > 0 ? limits.hourMs : limits.minuteMs);
    while (s.content.length && s.content[0]! <= hourAgo) s.content.shift();
    const content = isContentCreating(method, pathname);
    const points = isRead(method, pathname) ? 1 : 5;
    const refuse = (limit: SecondaryLimitName, freeAt: number) => {
      this.#refused[limit] = (this.#refused[limit] ?? 0) + 1;
      return { ok: false as const, limit, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
    };
    if (limits.concurrent > 0 && s.inFlight > limits.concurrent) return refuse('concurrent requests', now + 1000);
    if (content) {
      const inMinute = s.content.filter((t) => t > minuteAgo);
      if (limits.contentPerMinute > 0 && inMinute.length >= limits.contentPerMinute) {
        return refuse('content per minute', inMinute[inMinute.length - limits.contentPerMinute]! + limits.minuteMs);
      }
      if (limits.contentPerHour > 0 && s.content.length >= limits.contentPerHour) {
        return refuse('content per hour', s.content[s.content.length - limits.contentPerHour]! + limits.hourMs);
      }
    }
    if (limits.pointsPerMinute > 0) {
      const used = s.points.reduce((sum, p) => sum + p.points, 0);
      if (used + points > limits.pointsPerMinute) return refuse('points per minute', (s.points[0]?.at ?? now) + limits.minuteMs);
    }
    s.points.push({ at: now, points });
    if (content) {
      s.content.push(now);
      const window = Math.floor((now - this.#started) / limits.minuteMs);
      while (this.#perWindow.length <= window) this.#perWindow.push(0);
      this.#perWindow[window]!++;
      this.#peakSliding = Math.max(this.#peakSliding, s.content.filter((t) => t > minuteAgo).length);
    }
    return { ok: true };
  }

  report(): SecondaryLimitReport {
    const refused = { ...this.#refused };
    return {
      refused,
      refusedTotal: Object.values(refused).reduce((a, b) => a + (b ?? 0), 0),
      peakConcurrency: this.#peakConcurrency,
      contentPerWindow: [...this.#perWindow],
      peakContentPerSlidingMinute: this.#peakSliding,
    };
  }
}
