// The time a record may spend on GitHub, in all. The worker starts a record only when the
// function has enough time left for its worst case (shared/hook/worker.ts); that worst case holds
// only if every GitHub request made for the record — by the config loader, the connector and
// each plugin, through clients built once per container — stops at the record's deadline.
// Threading a signal through every call and interface would change them all, so the deadline is
// scoped to the record's async work instead (like a Go context), and shared/github/octokit.ts
// reads it for each request.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface GitHubDeadline {
  /** Aborts when the record's time for GitHub has run out. */
  signal: AbortSignal;
  /** When that happens, in epoch milliseconds. */
  endsAt: number;
  /** The record's time for GitHub, for messages. */
  ms: number;
}

const current = new AsyncLocalStorage<GitHubDeadline>();

/**
 * A signal that aborts after `ms` with an AbortError. (AbortSignal.timeout's TimeoutError would do,
 * but Octokit turns a fetch rejected with it into a RequestError 500, which plugin-retry then
 * "retries" three times after the fact; an AbortError it passes through untouched.)
 */
export function abortAfter(ms: number, message: string): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(message, 'AbortError')), ms);
  // A pending limit must not keep a process (checkconfig, a test run) alive.
  timer.unref?.();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Runs `work` with every GitHub request it makes cut off `ms` from now. */
export async function withGitHubDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const limit = abortAfter(ms, `the record's ${ms} ms for GitHub ran out`);
  try {
    return await current.run({ signal: limit.signal, endsAt: Date.now() + ms, ms }, work);
  } finally {
    limit.clear();
  }
}

/** The deadline of the record being processed, if any. */
export const gitHubDeadline = (): GitHubDeadline | undefined => current.getStore();
