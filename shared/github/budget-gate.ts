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
import { budgetKindOf, type BudgetGrant, type GitHubBudget } from './budget.js';

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
 * Per credential and kind of request: this process's requests that found the budget spent, one
 * after another. Only the first in line sleeps for its grant (and is handed back when that wait is
 * long); the others wait behind it without asking. Without the line, the records of a batch that
 * run side by side (one per pull request, hook/worker.ts) would all ask at once, all be told to
 * wait longer than a worker sleeps, and all go back to SQS together, each return a receive nearer
 * the dead-letter queue; in line they are served in turn, as when a batch ran one record at a
 * time. A request the budget grants at once never waits in the line, so budget-free work (reads
 * with points left, another credential's writes) is not held back by it.
 */
const lines = new Map<string, Promise<void>>();

/** Runs `work` once every request ahead in line `key` is done; gives up when `until` passes. */
async function inLine<T>(key: string, until: number, signal: AbortSignal | undefined, onTimeout: () => Error, work: () => Promise<T>): Promise<T> {
  const ahead = lines.get(key) ?? Promise.resolve();
  let leave!: () => void;
  const mine = new Promise<void>((resolve) => {
    leave = resolve;
  });
  const tail = ahead.then(() => mine);
  lines.set(key, tail);
  try {
    if (Number.isFinite(until)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), Math.max(0, until - Date.now()));
      });
      try {
        await Promise.race([ahead, late]);
      } finally {
        clearTimeout(timer);
      }
    } else {
      await ahead;
    }
    if (signal?.aborted) throw signal.reason;
    return await work();
  } finally {
    leave();
    if (lines.get(key) === tail) lines.delete(key);
  }
}

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
  const sendWith = async (grant: { release(): void }) => {
    try {
      return await send();
    } finally {
      grant.release();
    }
  };
  const first = await gate.budget.acquire(credential, kind);
  if (first.granted) return sendWith(first);

  const meter = meters.getStore();
  const queued = Date.now();
  const tooLong = (waitMs: number) =>
    new BudgetWaitError(`${request.method} ${request.url}: the GitHub budget for ${credential} allows it in ${waitMs} ms, longer than a worker waits (${maxWaitMs} ms)`, {
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    });
  // Leave time for the request itself after the wait (a second: GitHub answers in far less).
  const line = `${credential}\0${kind}`;
  // First in line: the budget's answer stands (no second ask); behind others, it is stale by then.
  let answer: BudgetGrant | undefined = lines.has(line) ? undefined : first;
  return inLine(line, endsAt - 1_000, request.signal, () => tooLong(first.waitMs), async () => {
    if (meter) meter.waitedMs += Date.now() - queued;
    const started = Date.now();
    for (;;) {
      const grant = answer ?? (await gate.budget.acquire(credential, kind));
      answer = undefined;
      if (grant.granted) return sendWith(grant);
      const now = Date.now();
      if (now - started + grant.waitMs > maxWaitMs || now + grant.waitMs + 1_000 > endsAt) throw tooLong(grant.waitMs);
      await sleep(grant.waitMs, request.signal);
      if (request.signal?.aborted) throw request.signal.reason;
      if (meter) meter.waitedMs += Date.now() - now;
    }
  });
}
