// Keeps the current config for a container. Revalidates at most every `revalidateMs` (with
// ETags, a repo file or directory that has not changed costs one free 304), reloads at once when
// a push touches a config path, and never replaces a valid config with one that fails to load —
// whatever the failure: events keep being served with the last valid config while the error
// (naming the file, line and column) is logged and put in each trace, until a new version loads.
// A config that has never loaded is an error for every event, never an empty plugin set.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentsReader } from '../github/connector.js';
import type { Plugin } from '../plugins/types.js';
import { ConfigError, summarizeWarnings } from './issues.js';
import { describeLocation, type ConfigLocation } from './location.js';
import { parseConfig, ParseCache, type ConfigFile, type ParsedConfig } from './parse.js';

/** Fetches the config files; `undefined` means "unchanged since the last fetch". */
export interface ConfigSource {
  readonly description: string;
  fetch(): Promise<ConfigFile[] | undefined>;
}

/**
 * Which files of a directory are config: every `*.yaml` / `*.yml` below it, as Prow's
 * `--job-config-path` reads a directory (config/config.go ReadJobConfig), which also takes in the
 * `_pluginconfig.yaml` / `_prowconfig.yaml` shards of a supplemental directory. Names starting
 * with `..` are skipped as Prow skips them (the hidden copies of a Kubernetes ConfigMap mount).
 */
export const isConfigFileName = (name: string): boolean => /\.ya?ml$/.test(name) && !name.startsWith('..');
const isSkippedDir = (name: string): boolean => name.startsWith('..');
const noConfigFiles = 'a directory with no *.yaml or *.yml file below it';

/** Byte order, as git sorts a tree (and Go's filepath.Walk a directory). */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Local files and directories (local mode, checkconfig). */
export class FileConfigSource implements ConfigSource {
  readonly description: string;
  private last: string | undefined;
  constructor(private readonly paths: string[]) {
    this.description = paths.join(',');
  }
  async fetch(): Promise<ConfigFile[] | undefined> {
    const files = await readConfigPaths(this.paths);
    const fingerprint = JSON.stringify(files);
    if (fingerprint === this.last) return undefined;
    this.last = fingerprint;
    return files;
  }
}

/** The files at `paths`, in order: a file as it is, a directory as its config files, depth first. */
export async function readConfigPaths(paths: readonly string[]): Promise<ConfigFile[]> {
  const out: ConfigFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isSkippedDir(entry.name)) await walk(path);
      } else if (isConfigFileName(entry.name)) out.push({ path, text: await readFile(path, 'utf8') });
    }
  };
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) {
      out.push({ path, text: await readFile(path, 'utf8') });
      continue;
    }
    const before = out.length;
    await walk(path);
    // Most likely the wrong directory: say so rather than load a config with nothing in it.
    if (out.length === before) throw new ConfigError([{ severity: 'error', file: path, message: noConfigFiles }], paths.join(','));
  }
  return out;
}

interface CachedFile {
  etag: string | undefined;
  /** The blob SHA, when the file was found through a directory listing. */
  sha?: string;
  text: string;
}

interface CachedDir {
  etag: string | undefined;
  /** The tree SHA from the parent's listing: content-addressed, so unchanged SHA, unchanged subtree. */
  sha?: string;
  entries: { name: string; path: string; type: string; sha: string }[];
}

/**
 * Files and directories in a GitHub repository, read through the contents API. A configured
 * directory is listed with its ETag on each revalidation: one 304 while nothing under it changed.
 * When something did, only subdirectories whose tree SHA changed are listed again, and only files
 * whose blob SHA changed are read again.
 */
export class RepoConfigSource implements ConfigSource {
  readonly description: string;
  private files = new Map<string, CachedFile>();
  private dirs = new Map<string, CachedDir>();
  /** The file list of the last fetch, to notice a file added to or removed from a directory. */
  private lastList: string | undefined;
  constructor(
    private readonly location: Extract<ConfigLocation, { kind: 'repo' }>,
    private readonly reader: () => Promise<ContentsReader>,
  ) {
    this.description = describeLocation(location);
  }

  async fetch(): Promise<ConfigFile[] | undefined> {
    const reader = await this.reader();
    const { owner, repo, ref } = this.location;
    // New cache entries are staged and kept only once every read succeeded, so a change read just
    // before another read failed is seen again on the next attempt.
    const files = new Map<string, CachedFile>();
    const dirs = new Map<string, CachedDir>();
    const missing: string[] = [];
    let changed = false;

    /** Every cached file under a directory whose listing did not change, without a request. */
    const keepCachedDir = (path: string, out: string[]) => {
      const dir = this.dirs.get(path);
      if (!dir) return false;
      dirs.set(path, dir);
      for (const entry of dir.entries) {
        if (entry.type === 'dir') keepCachedDir(entry.path, out);
        else if (entry.type === 'file') {
          const file = this.files.get(entry.path);
          if (file) {
            files.set(entry.path, file);
            out.push(entry.path);
          }
        }
      }
      return true;
    };

    const readDir = async (path: string, listing: CachedDir): Promise<string[]> => {
      dirs.set(path, listing);
      const entries = listing.entries.filter((e) => (e.type === 'dir' ? !isSkippedDir(e.name) : e.type === 'file' && isConfigFileName(e.name)));
      const parts = await Promise.all(
        entries.map(async (entry): Promise<string[]> => {
          if (entry.type === 'dir') {
            const out: string[] = [];
            if (this.dirs.get(entry.path)?.sha === entry.sha && keepCachedDir(entry.path, out)) return out;
            return readPath(entry.path, entry.sha);
          }
          const cached = this.files.get(entry.path);
          if (cached?.sha === entry.sha) {
            files.set(entry.path, cached);
            return [entry.path];
          }
          const result = await reader.getContent({ owner, repo }, entry.path, ref, cached?.etag);
          if (result.status === 'ok') {
            changed ||= result.text !== cached?.text;
            files.set(entry.path, { etag: result.etag, sha: entry.sha, text: result.text });
          } else if (result.status === 'not-modified' && cached) files.set(entry.path, { ...cached, sha: entry.sha });
          // Gone between the listing and the read: the next revalidation lists the directory again.
          else return [];
          return [entry.path];
        }),
      );
      return parts.flat();
    };

    const readPath = async (path: string, sha?: string): Promise<string[]> => {
      const cachedFile = this.files.get(path);
      const cachedDir = this.dirs.get(path);
      const result = await reader.getContent({ owner, repo }, path, ref, (cachedDir ?? cachedFile)?.etag);
      switch (result.status) {
        case 'not-found':
          missing.push(`${path}: not found in ${owner}/${repo}${ref ? `@${ref}` : ''}`);
          return [];
        case 'not-modified': {
          if (cachedDir) {
            const out: string[] = [];
            keepCachedDir(path, out);
            return out;
          }
          if (cachedFile) files.set(path, cachedFile);
          return [path];
        }
        case 'ok':
          changed ||= result.text !== cachedFile?.text;
          files.set(path, { etag: result.etag, text: result.text });
          return [path];
        case 'directory':
          return readDir(path, { etag: result.etag, sha, entries: [...result.entries].sort((a, b) => byName(a.name, b.name)) });
      }
    };

    const paths = (
      await Promise.all(
        this.location.paths.map(async (path) => {
          const found = await readPath(path);
          if (!found.length && dirs.has(path)) missing.push(`${path}: ${noConfigFiles} in ${owner}/${repo}${ref ? `@${ref}` : ''}`);
          return found;
        }),
      )
    ).flat();
    if (missing.length) throw new ConfigError(missing.map((message) => ({ severity: 'error', message })), this.description);
    const list = JSON.stringify(paths);
    changed ||= list !== this.lastList;
    this.files = files;
    this.dirs = dirs;
    this.lastList = list;
    return changed ? paths.map((path) => ({ path, text: files.get(path)!.text })) : undefined;
  }

  /** A push to the config repo and branch that touched a config file or something under a config directory (or too many to list). */
  touchedBy(event: string, payload: Record<string, any>): boolean {
    if (event !== 'push') return false;
    const { owner, repo, ref, paths } = this.location;
    if (String(payload.repository?.full_name ?? '').toLowerCase() !== `${owner}/${repo}`.toLowerCase()) return false;
    const branch = ref ?? payload.repository?.default_branch;
    if (payload.ref !== `refs/heads/${branch}`) return false;
    const commits: any[] = Array.isArray(payload.commits) ? payload.commits : [];
    // GitHub lists at most 20 commits in a push payload; with more, we cannot tell, so reload.
    if (commits.length === 0 || commits.length >= 20) return true;
    const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    const configured = (file: string) => paths.some((p) => file === p || file.startsWith(`${p}/`));
    return commits.some((c) => [...list(c?.added), ...list(c?.modified), ...list(c?.removed)].some((f) => typeof f === 'string' && configured(f)));
  }
}

export interface ConfigSnapshot extends ParsedConfig {
  /**
   * The warnings as a trace carries them: each one while there are at most three, else one line
   * of counts (summarizeWarnings); `issues` has every one.
   */
  warnings: string[];
  /** Set while the newest config does not load and the previous one is being served. */
  error?: string;
}

export class ConfigAgent {
  private current: ParsedConfig | undefined;
  /** The newest config files do not load: the user's to fix, cleared by a version that loads. */
  private invalid: ConfigError | undefined;
  /** The last read failed (a file is missing, or GitHub is unreachable); cleared by the next good read. */
  private unreadable: Error | undefined;
  private checkedAt = 0;
  private inflight: Promise<void> | undefined;
  private readonly cache = new ParseCache();
  private summary: string[] = [];

  constructor(
    readonly source: ConfigSource,
    private readonly registry: readonly Plugin[],
    private readonly options: { revalidateMs?: number; now?: () => number } = {},
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * The config to serve an event with. Rejects only while no config has ever loaded: with the
   * problems when the files are there but do not load (a ConfigError), or the read error.
   */
  async get(): Promise<ConfigSnapshot> {
    if (!this.current || this.now() - this.checkedAt >= (this.options.revalidateMs ?? 60_000)) await this.refresh();
    // Invalid content is what the user has to fix; a failed read is usually passing.
    const problem = this.invalid ?? this.unreadable;
    if (!this.current) {
      if (problem instanceof ConfigError) throw problem;
      throw new ConfigError([{ severity: 'error', message: problem?.message ?? 'no config loaded' }], this.source.description);
    }
    return { ...this.current, warnings: this.summary, ...(problem ? { error: problem.message } : {}) };
  }

  /** Re-reads the source now (after a push that touched it). Concurrent callers share one read. */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  touchedBy(event: string, payload: Record<string, unknown>): boolean {
    return this.source instanceof RepoConfigSource && this.source.touchedBy(event, payload);
  }

  private async load(): Promise<void> {
    let files: ConfigFile[] | undefined;
    try {
      files = await this.source.fetch();
    } catch (error) {
      if (error instanceof ConfigError) {
        // A missing file is the user's to fix; check again at the next revalidation.
        this.unreadable = error;
        this.checkedAt = this.now();
        return;
      }
      // Transient (GitHub or the disk): keep serving the last valid config and try again on
      // the next event; with none yet, the event fails and SQS retries it.
      this.unreadable = new Error(`cannot read the config from ${this.source.description}: ${(error as Error).message}`, { cause: error });
      if (!this.current) throw error;
      return;
    }
    this.unreadable = undefined;
    this.checkedAt = this.now();
    if (!files) return;
    try {
      this.current = parseConfig(files, this.registry, this.source.description, { cache: this.cache });
      this.summary = summarizeWarnings(this.current.issues);
      this.invalid = undefined;
    } catch (error) {
      // Whatever went wrong, these files do not load: the error stays until a new version does.
      // (Rethrowing a surprise here used to fail the next event as if no config had ever loaded,
      // and then, the files being unchanged, serve the old config with no error at all.)
      this.invalid =
        error instanceof ConfigError
          ? error
          : new ConfigError([{ severity: 'error', message: `cannot load: ${(error as Error)?.message ?? String(error)}` }], this.source.description, { cause: error });
    }
  }
}
