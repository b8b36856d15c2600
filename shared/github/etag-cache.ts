// Conditional reads (Prow's ghproxy cache, in each container): an Octokit request hook that keeps
// GET answers with their ETag and asks again with `If-None-Match`. GitHub answers 304 Not
// Modified when nothing changed, and an authorized 304 costs no primary rate limit
// (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate);
// the hook then hands back the kept answer as if GitHub had sent it again. Three kinds of read:
// - immutable — git blobs, trees and commits by full SHA, a file's contents at a commit SHA: the
//   same SHA always names the same content, so the kept answer is reused without any request;
// - short-lived — collaborator permission, team membership and a repository's label list: reused
//   for `ttlMs` (2 minutes by default), then revalidated. A role, membership or repository label
//   GitHub changed is seen that much later; a plugin's own writes never change them (adding a
//   label the repository lacks would create it, which the label plugin never does). A caller that
//   must not act on a stale answer sends `Cache-Control: no-cache` and gets a conditional read:
//   the label plugin does before refusing a label as missing, so one created a minute ago is
//   found, and a `label` webhook (a repository label created, edited or deleted) drops the list in
//   the container that receives it (`forgetRepoLabels`). What remains, in the other containers: a
//   repository label deleted less than `ttlMs` ago still looks present, so an add of it is sent
//   and GitHub creates it again (with the default colour);
// - everything else (an issue's labels, a pull request, config files) is revalidated on every
//   read, because a command must see what the previous command did.
// Entries are keyed by credential (an installation id, or a hash of the token — never the token),
// Accept header and URL with its query: one credential never sees another's answers, and a raw
// file and its JSON description are different answers. Memory is bounded: least recently used
// entries go first, past a count or an approximate size.
//
// The hook also counts each request into the caller's usage scope (github-usage.ts) and passes
// GitHub's rate-limit headers to `observe`. It sits outside plugin-retry and plugin-throttling:
// Octokit rejects a 304 as a RequestError, which plugin-retry does not retry (it retries only
// statuses from 400) and plugin-throttling ignores (only 403 and 429), so the 304 reaches the
// hook unchanged, and a reuse without a request never waits in a throttling queue.
import { createHash } from 'node:crypto';
import type { Octokit } from '@octokit/core';
import { gitHubUsage } from './github-usage.js';

/** What GitHub answered, as Octokit hands it to the caller. */
export interface CachedResponse {
  status: number;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

interface Entry {
  etag: string | undefined;
  response: CachedResponse;
  /** Approximate: the body's serialized length plus the URL and headers. */
  bytes: number;
  /** Reused without a request: forever (immutable) or until `expiresAt` (epoch ms). */
  immutable: boolean;
  expiresAt: number | undefined;
}

export interface EtagCacheOptions {
  /** Most entries kept (default 5,000). */
  maxEntries?: number;
  /** Approximate bytes kept, bodies mostly (default 32 MiB of the plugins function's 1,024 MB). */
  maxBytes?: number;
  now?: () => number;
}

/** A Map keeps insertion order: re-inserting on use makes its first key the least recently used. */
export class EtagCache {
  readonly #entries = new Map<string, Entry>();
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly now: () => number;
  #bytes = 0;

  constructor(options: EtagCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 5_000;
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The entry, now the most recently used. */
  get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  /**
   * Keeps `entry`, evicting the least recently used past the limits. An answer larger than an
   * eighth of the budget is not kept: it would push out many small, often-read ones.
   */
  set(key: string, entry: Entry): void {
    this.delete(key);
    if (entry.bytes > this.maxBytes / 8) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [oldest, old] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= old.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /**
   * Drops the kept label list of `owner/repo` (every page, every credential), so the next read
   * asks GitHub: a `label` webhook said someone created, edited or deleted one. Returns how many
   * entries went.
   */
  forgetRepoLabels(repo: { owner: string; repo: string }): number {
    // GitHub's names are case-insensitive; the key's URL (its last part) may be under /api/v3.
    const path = `/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/labels`.toLowerCase();
    let dropped = 0;
    for (const key of [...this.#entries.keys()]) {
      const url = key.slice(key.lastIndexOf(' ') + 1);
      let pathname: string;
      try {
        pathname = new URL(url).pathname.toLowerCase();
      } catch {
        continue;
      }
      if (!pathname.endsWith(path)) continue;
      this.delete(key);
      dropped++;
    }
    return dropped;
  }
}

/** How long collaborator permission, team membership and repository label answers are reused: 2 minutes. */
export const defaultMembershipTtlMs = 120_000;

export type ReadPolicy = 'immutable' | 'short-lived' | 'revalidate';

/** A full git object id (SHA-1, or SHA-256 for repositories that use it). */
const fullSha = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const repoPath = '/repos/[^/]+/[^/]+';
const gitObject = new RegExp(`^${repoPath}/git/(?:blobs|trees|commits)/([^/]+)$`);
const contents = new RegExp(`^${repoPath}/contents(?:/|$)`);
const shortLived = [
  new RegExp(`^${repoPath}/collaborators/[^/]+/permission$`),
  /^\/orgs\/[^/]+\/teams\/[^/]+\/memberships\/[^/]+$/,
  // The repository's labels, each page (the query is part of the key), not an issue's.
  new RegExp(`^${repoPath}/labels$`),
];

/**
 * How a GET's answer may be reused, from its path (after the base URL, so a GitHub Enterprise
 * `/api/v3` prefix is stripped by the caller) and query. A tree or commit named by a branch is
 * not immutable: only a full SHA is.
 */
export function readPolicy(pathname: string, query: URLSearchParams): ReadPolicy {
  const object = gitObject.exec(pathname);
  if (object && fullSha.test(decodeURIComponent(object[1]!))) return 'immutable';
  if (contents.test(pathname) && fullSha.test(query.get('ref') ?? '')) return 'immutable';
  if (shortLived.some((p) => p.test(pathname))) return 'short-lived';
  return 'revalidate';
}

export type GitHubAuth = { token: string } | { appId: string; privateKey: string; installationId?: number } | undefined;

/**
 * The key a credential's cache entries and metrics go under. A token is hashed (its first 16 hex
 * digits of SHA-256 tell tokens apart and cannot be turned back into one).
 */
export function credentialKey(auth: GitHubAuth): string {
  if (!auth) return 'anonymous';
  if ('token' in auth) return `token:${createHash('sha256').update(auth.token).digest('hex').slice(0, 16)}`;
  return auth.installationId === undefined ? `app:${auth.appId}` : `installation:${auth.installationId}`;
}

export interface ConditionalReadsOptions {
  cache: EtagCache;
  credential: string;
  /** Reuse of short-lived answers (default defaultMembershipTtlMs). */
  ttlMs?: number;
  /** Each answer's headers (or a failed request's), for the rate-limit readings. */
  observe?(headers: Record<string, unknown> | undefined): void;
}

type RequestOptions = Parameters<Octokit['request']['endpoint']['parse']>[0];

const statusOf = (error: unknown) => (error as { status?: unknown }).status;
const headersOf = (error: unknown) => (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;

/** Installation tokens: auth-app asks for them through the same request, not on a plugin's behalf. */
const isAuthRequest = (method: string, pathname: string) => method === 'POST' && /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname);

/** GraphQL queries read; mutations write. */
const isGraphQlQuery = (pathname: string, body: unknown) =>
  pathname === '/graphql' && !/^\s*mutation\b/.test(String((body as { query?: unknown } | undefined)?.query ?? ''));

const approximateBytes = (url: string, response: CachedResponse) =>
  url.length + JSON.stringify(response.headers).length + (typeof response.data === 'string' ? response.data.length : (JSON.stringify(response.data) ?? '').length);

/** Installs the hook on `octokit`. Register it before any hook that must see its answers as GitHub's. */
export function installConditionalReads(octokit: Pick<Octokit, 'hook' | 'request'>, options: ConditionalReadsOptions): void {
  const { cache, credential, observe } = options;
  const ttlMs = options.ttlMs ?? defaultMembershipTtlMs;
  octokit.hook.wrap('request', async (request, endpoint) => {
    const usage = gitHubUsage();
    const parsed = octokit.request.endpoint.parse(endpoint as RequestOptions);
    const url = new URL(parsed.url);
    // GitHub Enterprise's API lives under /api/v3: routes are matched without it.
    const prefix = new URL(String((endpoint as { baseUrl?: string }).baseUrl ?? url.origin)).pathname.replace(/\/+$/, '');
    const pathname = prefix && url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
    const method = parsed.method.toUpperCase();
    const send = async () => {
      try {
        const response = await request(endpoint);
        observe?.(response.headers as Record<string, unknown>);
        return response;
      } catch (error) {
        observe?.(headersOf(error));
        throw error;
      }
    };
    if (method !== 'GET') {
      if (usage && !isAuthRequest(method, pathname)) {
        if (isGraphQlQuery(pathname, parsed.body)) usage.reads++;
        else usage.writes++;
      }
      return send();
    }
    const headers = parsed.headers as Record<string, string | undefined>;
    // The caller revalidates by itself (the config loader keeps its own ETags): it wants GitHub's 304.
    if (headers['if-none-match'] !== undefined) {
      if (usage) usage.reads++;
      try {
        return await send();
      } catch (error) {
        if (usage && statusOf(error) === 304) usage.notModified++;
        throw error;
      }
    }
    const key = `${credential} ${headers.accept ?? ''} ${parsed.url}`;
    const policy = readPolicy(pathname, url.searchParams);
    const entry = cache.get(key);
    // `Cache-Control: no-cache`: the caller wants GitHub asked (conditionally) even while the kept
    // answer is fresh. The header is this cache's, not sent on.
    const noCache = /\bno-cache\b/i.test(String(headers['cache-control'] ?? ''));
    // Octokit has lower-cased the header names by the time the hook runs.
    if (noCache) endpoint.headers = Object.fromEntries(Object.entries(endpoint.headers).filter(([name]) => name !== 'cache-control')) as typeof endpoint.headers;
    if (entry && !noCache && (entry.immutable || (entry.expiresAt !== undefined && cache.now() < entry.expiresAt))) {
      if (usage) usage.cached++;
      return structuredClone(entry.response) as never;
    }
    if (entry?.etag) endpoint.headers = { ...endpoint.headers, 'if-none-match': entry.etag };
    if (usage) usage.reads++;
    try {
      const response = await send();
      if (response.status === 200) {
        const etag = typeof response.headers.etag === 'string' ? response.headers.etag : undefined;
        if (etag || policy !== 'revalidate') {
          const kept: CachedResponse = structuredClone({ status: response.status, url: response.url, headers: { ...response.headers }, data: response.data });
          cache.set(key, {
            etag,
            response: kept,
            bytes: approximateBytes(key, kept),
            immutable: policy === 'immutable',
            expiresAt: policy === 'short-lived' ? cache.now() + ttlMs : undefined,
          });
        }
      }
      return response;
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 && entry) {
        if (usage) usage.notModified++;
        if (policy === 'short-lived') entry.expiresAt = cache.now() + ttlMs;
        return structuredClone(entry.response) as never;
      }
      // Gone: nothing left to revalidate.
      if (status === 404 || status === 410) cache.delete(key);
      throw error;
    }
  });
}
