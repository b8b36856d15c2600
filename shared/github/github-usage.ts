// What each plugin cost GitHub in one delivery: requests sent (reads and writes), reads GitHub
// answered 304 Not Modified (free of primary rate limit), and reads answered from the ETag cache
// without a request (immutable objects, short-lived memberships). The dispatcher runs each plugin
// inside `withGitHubUsage`, and the Octokit hook (etag-cache.ts) counts into whatever scope the
// request was made in — scoped like the record's deadline (deadline.ts), so no interface changes.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface GitHubUsage {
  /** Read requests sent to GitHub (GET, and GraphQL queries), each page and each 304 included. */
  reads: number;
  /** Requests that change GitHub (POST, PATCH, PUT, DELETE other than GraphQL queries). */
  writes: number;
  /** Of the reads, those GitHub answered 304 Not Modified: they cost no primary rate limit. */
  notModified: number;
  /** Reads answered from the ETag cache with no request at all. */
  cached: number;
}

export const emptyUsage = (): GitHubUsage => ({ reads: 0, writes: 0, notModified: 0, cached: 0 });

const current = new AsyncLocalStorage<GitHubUsage>();

/** Runs `work` with every GitHub request it makes counted into `usage`. */
export function withGitHubUsage<T>(usage: GitHubUsage, work: () => Promise<T>): Promise<T> {
  return current.run(usage, work);
}

/**
 * The scope of the caller. Read where a request starts (the outermost hook), not deep inside
 * Octokit: Bottleneck runs queued requests from whichever request freed its slot, in that one's
 * async context.
 */
export const gitHubUsage = (): GitHubUsage | undefined => current.getStore();

/** Whether anything was counted: a plugin that made no call gets no usage in its trace. */
export const usedGitHub = (usage: GitHubUsage): boolean => usage.reads + usage.writes + usage.cached > 0;
