// Loads a repository's OWNERS at a commit from GitHub's API instead of a clone (Prow's
// LoadRepoOwnersSha checks the repository out): one recursive tree listing, then only the OWNERS,
// root OWNERS_ALIASES (and, for `mdyamlrepos`, markdown) blobs, at most 8 at a time. The parsed
// files are cached by tree SHA — the same OWNERS content whatever commit points at it — and a
// fingerprint of the settings that decide what is read, in the CacheStore (shared by every
// container, a day) and in a small in-process LRU; the commit → tree step is cached too, so a
// second load at the same commit makes no GitHub call at all. A cache is never a reason to fail:
// its errors are logged and the files are read from GitHub.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { GitHubClient, RepoRef, TreeEntry } from '../github/client.js';
import type { PluginLogger } from '../plugins/types.js';
import type { CacheStore } from '../storage/ports.js';
import type { OwnersSettings } from './config.js';
import { parseMarkdownOwners, parseOwnersAliases, parseOwnersFile, type ParsedOwners } from './parse.js';
import { goDir } from './go-path.js';
import { buildRepoOwners, canonicalize, isDeniedDir, type ParsedRepoOwners } from './repo-owners.js';

export type OwnersGitHub = Pick<GitHubClient, 'getTree' | 'getBlobs'>;

export interface LoadOwnersDeps {
  github: OwnersGitHub;
  cache?: CacheStore;
  log?: PluginLogger;
  /** The in-process memory; one per container by default (tests pass their own to act as a new process). */
  memo?: OwnersMemo;
}

/** A day: OWNERS at a tree SHA never change, and a day bounds what an unused entry costs. */
export const ownersCacheTtlSeconds = 24 * 60 * 60;

/** DynamoDB's item limit is 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html); leave room for the key and attributes. */
export const maxCachedBytes = 350 * 1024;


/** Bumped when the cached shape changes, so old entries are misses rather than misread. */
const cacheVersion = 1;

/** What is cached per tree and fingerprint: the files as parsed, before settings are applied. */
interface ParsedTree {
  v: number;
  aliases: [string, string[]][] | null;
  files: { path: string; parsed: ParsedOwners }[];
  markdown: { path: string; parsed: ParsedOwners }[];
  warnings: string[];
}

/** A few recent trees and commits, for the deliveries a warm container handles back to back. */
export class OwnersMemo {
  readonly #trees = new Map<string, Promise<ParsedTree>>();
  readonly #commits = new Map<string, string>();

  constructor(
    private readonly maxTrees = 8,
    private readonly maxCommits = 256,
  ) {}

  tree(key: string): Promise<ParsedTree> | undefined {
    const hit = this.#trees.get(key);
    if (hit) {
      this.#trees.delete(key);
      this.#trees.set(key, hit);
    }
    return hit;
  }

  setTree(key: string, value: Promise<ParsedTree>): void {
    this.#trees.set(key, value);
    value.catch(() => {
      if (this.#trees.get(key) === value) this.#trees.delete(key);
    });
    while (this.#trees.size > this.maxTrees) this.#trees.delete(this.#trees.keys().next().value!);
  }

  commit(key: string): string | undefined {
    return this.#commits.get(key);
  }

  setCommit(key: string, treeSha: string): void {
    this.#commits.set(key, treeSha);
    while (this.#commits.size > this.maxCommits) this.#commits.delete(this.#commits.keys().next().value!);
  }
}

const sharedMemo = new OwnersMemo();

// Oversized trees are logged once per container, not on every delivery.
const oversizeLogged = new Set<string>();

const repoName = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;

/** What decides which files are read and how: the file names, the dir denylist, markdown headers. */
export function settingsFingerprint(settings: OwnersSettings): string {
  const decisive = { v: cacheVersion, filenames: settings.filenames, denylist: settings.dirDenylistPatterns, mdYaml: settings.mdYaml };
  return createHash('sha256').update(JSON.stringify(decisive)).digest('hex').slice(0, 16);
}

export async function loadRepoOwners(deps: LoadOwnersDeps, repo: RepoRef, sha: string, settings: OwnersSettings): Promise<ParsedRepoOwners> {
  const memo = deps.memo ?? sharedMemo;
  const fingerprint = settingsFingerprint(settings);
  const commitKey = `owners-commit#${repoName(repo)}@${sha}`;

  // A listing fetched to learn the tree SHA is kept for the files, so a cold load lists once.
  let listing: Awaited<ReturnType<OwnersGitHub['getTree']>> | undefined;
  let treeSha = memo.commit(commitKey) ?? decodeText(await cacheGet(deps, commitKey));
  if (!treeSha) {
    listing = await deps.github.getTree(repo, sha);
    treeSha = listing.sha;
    await cachePut(deps, commitKey, new TextEncoder().encode(treeSha));
  }
  memo.setCommit(commitKey, treeSha);

  const treeKey = `owners-tree#${repoName(repo)}@${treeSha}#${fingerprint}`;
  let parsed = memo.tree(treeKey);
  if (!parsed) {
    parsed = (async () => {
      const cached = decodeTree(await cacheGet(deps, treeKey), deps.log, treeKey);
      if (cached) return cached;
      const tree = listing ?? (await deps.github.getTree(repo, treeSha));
      const fresh = await readTree(deps.github, repo, sha, tree, settings);
      await storeTree(deps, treeKey, fresh);
      return fresh;
    })();
    memo.setTree(treeKey, parsed);
  }
  const value = await parsed;
  return buildRepoOwners({
    filenames: settings.filenames,
    aliases: value.aliases ? new Map(value.aliases) : undefined,
    files: value.files,
    markdown: value.markdown,
    mdYaml: settings.mdYaml,
    dirDenylist: settings.dirDenylist,
    warnings: value.warnings,
  });
}

async function readTree(
  github: OwnersGitHub,
  repo: RepoRef,
  sha: string,
  tree: { entries: TreeEntry[]; truncated: boolean },
  settings: OwnersSettings,
): Promise<ParsedTree> {
  const warnings: string[] = [];
  if (tree.truncated) {
    warnings.push(
      `the tree of ${repoName(repo)} at ${sha} is larger than GitHub lists in one response (truncated): ${settings.filenames.owners} files past the cut are not read`,
    );
  }
  const blobs = tree.entries.filter((e) => e.type === 'blob');
  const readable = (path: string) => !isDeniedDir(canonicalize(goDir(path)), settings.dirDenylist);
  const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const owners = blobs.filter((e) => basename(e.path) === settings.filenames.owners && readable(e.path));
  // Prow reads the aliases file at the repository root only.
  const aliases = blobs.find((e) => e.path === settings.filenames.ownersAliases);
  const markdown = settings.mdYaml ? blobs.filter((e) => e.path.endsWith('.md') && readable(e.path)) : [];

  const wanted = [...owners, ...(aliases ? [aliases] : []), ...markdown];
  const texts = await fetchBlobs(github, repo, wanted);

  const result: ParsedTree = { v: cacheVersion, aliases: null, files: [], markdown: [], warnings };
  if (aliases) {
    const parsed = parseOwnersAliases(aliases.path, texts.get(aliases.sha)!);
    // Prow goes on with an empty alias map, so every alias name is taken as a login.
    if (parsed.ok) result.aliases = [...parsed.value];
    else warnings.push(`${parsed.error} (no aliases are expanded)`);
  }
  for (const entry of owners.sort((a, b) => a.path.localeCompare(b.path))) {
    const parsed = parseOwnersFile(entry.path, texts.get(entry.sha)!);
    if (parsed.ok) result.files.push({ path: entry.path, parsed: parsed.value });
    else warnings.push(`${parsed.error} (file skipped)`);
  }
  for (const entry of markdown) {
    const parsed = parseMarkdownOwners(entry.path, texts.get(entry.sha)!);
    // Prow skips a markdown header it cannot read without a word (most markdown is not OWNERS).
    if (parsed.ok && parsed.value) result.markdown.push({ path: entry.path, parsed: parsed.value });
  }
  return result;
}

/**
 * Each distinct blob once (identical OWNERS files share a SHA), all in one `getBlobs` (GraphQL,
 * 50 a query): kubernetes/kubernetes' ~1,000 OWNERS files are about 20 calls rather than 1,000.
 */
async function fetchBlobs(github: OwnersGitHub, repo: RepoRef, entries: readonly TreeEntry[]): Promise<Map<string, string>> {
  const shas = [...new Set(entries.map((e) => e.sha))];
  if (!shas.length) return new Map();
  const pathOf = new Map<string, string>();
  for (const e of entries) if (!pathOf.has(e.sha)) pathOf.set(e.sha, e.path);
  let texts: Record<string, string>;
  try {
    texts = await github.getBlobs(repo, shas);
  } catch (error) {
    throw new OwnersLoadError(`failed to read ${shas.length === 1 ? pathOf.get(shas[0]!) : `${shas.length} OWNERS files`} of ${repoName(repo)}`, { cause: error });
  }
  const missing = shas.filter((sha) => !Object.hasOwn(texts, sha));
  if (missing.length) {
    // Listed in the tree a moment ago, so GitHub should have them: a retry will tell.
    throw new OwnersLoadError(`GitHub did not return ${missing.map((sha) => `${pathOf.get(sha)} (blob ${sha})`).join(', ')} of ${repoName(repo)}`);
  }
  return new Map(Object.entries(texts));
}

export class OwnersLoadError extends Error {
  override name = 'OwnersLoadError';
}

async function cacheGet(deps: LoadOwnersDeps, key: string): Promise<Uint8Array | undefined> {
  if (!deps.cache) return undefined;
  try {
    return await deps.cache.getCached(key);
  } catch (error) {
    deps.log?.warn(`OWNERS cache read failed for ${key}; reading from GitHub`, { error: describe(error) });
    return undefined;
  }
}

async function cachePut(deps: LoadOwnersDeps, key: string, value: Uint8Array): Promise<void> {
  if (!deps.cache) return;
  try {
    await deps.cache.putCached(key, value, ownersCacheTtlSeconds);
  } catch (error) {
    deps.log?.warn(`OWNERS cache write failed for ${key}; going on without it`, { error: describe(error) });
  }
}

async function storeTree(deps: LoadOwnersDeps, key: string, tree: ParsedTree): Promise<void> {
  if (!deps.cache) return;
  const bytes = gzipSync(JSON.stringify(tree));
  if (bytes.byteLength > maxCachedBytes) {
    if (!oversizeLogged.has(key)) {
      oversizeLogged.add(key);
      deps.log?.warn(`OWNERS of ${key} are ${Math.ceil(bytes.byteLength / 1024)} KB compressed, over the ${maxCachedBytes / 1024} KB cache limit; not cached`);
    }
    return;
  }
  await cachePut(deps, key, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function decodeTree(bytes: Uint8Array | undefined, log: PluginLogger | undefined, key: string): ParsedTree | undefined {
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(gunzipSync(bytes).toString('utf8')) as ParsedTree;
    return value.v === cacheVersion ? value : undefined;
  } catch (error) {
    log?.warn(`OWNERS cache entry ${key} is unreadable; reading from GitHub`, { error: describe(error) });
    return undefined;
  }
}

function decodeText(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes) return undefined;
  const text = new TextDecoder().decode(bytes);
  return /^[0-9a-f]{4,64}$/i.test(text) ? text : undefined;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
