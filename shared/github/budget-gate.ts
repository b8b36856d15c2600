// Every request Octokit sends passes the shared budget first (shared/github/budget.ts). A short
// wait is slept here; a long one is not worth a paid Lambda's time: the request fails with a
// retryable error carrying the wait, dispatch records it on the plugin, and the worker gives the
// record back to SQS to come back when the budget allows (the retry-after path of rate limits). Only
// the record's FIFO group is held back by that; the worker goes on with other pull requests.
//
// The time each plugin spent waiting for budget is counted for its trace record: dispatch runs each
// plugin inside `meteredBudget`, and the waits below add to the meter of the plugin they happen in.
import { AsyncLocalStorage } from 'node:async_hooks';
import { gitHubDeadline } from './deadline.js';
import { RetryableError } from './errors.js';
import { budgetKindOf, type GitHubBudget } from './budget.js';

/** Longest a request sleeps for budget before it hands its record back instead (SKIFF_GITHUB_BUDGET_MAX_WAIT_MS). */
export const defaultMaxBudgetWaitMs = 3_000;

export interface BudgetGateOptions {
  budget: GitHubBudget;
  /** Default defaultMaxBudgetWaitMs. */
  maxWaitMs?: number;
}

/** The budget said wait longer than a worker should: the record comes back after `retryAfterSeconds`. */
export class BudgetWaitError extends RetryableError {
  override name = 'BudgetWaitError';
}

interface Meter {
  waitedMs: number;
}

const meters = new AsyncLocalStorage<Meter>();

/** Runs `work` counting the time its GitHub requests waited for budget. */
export async function meteredBudget<T>(work: () => Promise<T>): Promise<{ result: T; budgetWaitMs: number } | { error: unknown; budgetWaitMs: number }> {
  const meter: Meter = { waitedMs: 0 };
  try {
    const result = await meters.run(meter, work);
    return { result, budgetWaitMs: Math.round(meter.waitedMs) };
  } catch (error) {
    return { error, budgetWaitMs: Math.round(meter.waitedMs) };
  }
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Sends one request once the budget grants it. `endsAt` is when the request must be done (its time
 * limit or its record's deadline): a wait that would pass it hands the record back at once.
 */
export async function throughBudget<T>(
  gate: BudgetGateOptions,
  credential: string,
  request: { method: string; url: string; endsAt?: number; signal?: AbortSignal },
  send: () => Promise<T>,
): Promise<T> {
  const kind = budgetKindOf(request.method, request.url);
  const maxWaitMs = gate.maxWaitMs ?? defaultMaxBudgetWaitMs;
  const endsAt = Math.min(request.endsAt ?? Infinity, gitHubDeadline()?.endsAt ?? Infinity);
  const started = Date.now();
  for (;;) {
    const grant = await gate.budget.acquire(credential, kind);
    if (grant.granted) {
      try {
        return await send();
      } finally {
        grant.release();
      }
    }
    const now = Date.now();
    // Leave time for the request itself after the wait (a second: GitHub answers in far less).
    if (now - started + grant.waitMs > maxWaitMs || now + grant.waitMs + 1_000 > endsAt) {
      throw new BudgetWaitError(
        `${request.method} ${request.url}: the GitHub budget for ${credential} allows it in ${grant.waitMs} ms, longer than a worker waits (${maxWaitMs} ms)`,
        { retryAfterSeconds: Math.max(1, Math.ceil(grant.waitMs / 1000)) },
      );
    }
    await sleep(grant.waitMs, request.signal);
    if (request.signal?.aborted) throw request.signal.reason;
    const meter = meters.getStore();
    if (meter) meter.waitedMs += Date.now() - now;
  }
}
