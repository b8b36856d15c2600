// Keeps the current config for a container. Revalidates at most every `revalidateMs` (with
// ETags, a repo file that has not changed costs one free 304), reloads at once when a push
// touches a config file, and never replaces a valid config with an invalid one: events keep
// being served with the last valid config while the error is logged and put in each trace.
import { readFile } from 'node:fs/promises';
import type { Plugin } from '../plugins/types.js';
import type { ContentsReader } from '../github/connector.js';
import { describeLocation, type ConfigLocation } from './location.js';
import { ConfigError, parseConfig, type ConfigFile, type ParsedConfig } from './parse.js';

/** Fetches the config files; `undefined` means "unchanged since the last fetch". */
export interface ConfigSource {
  readonly description: string;
  fetch(): Promise<ConfigFile[] | undefined>;
}

export class FileConfigSource implements ConfigSource {
  readonly description: string;
  private last: string | undefined;
  constructor(private readonly paths: string[]) {
    this.description = paths.join(',');
  }
  async fetch(): Promise<ConfigFile[] | undefined> {
    const files = await Promise.all(this.paths.map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
    const fingerprint = JSON.stringify(files);
    if (fingerprint === this.last) return undefined;
    this.last = fingerprint;
    return files;
  }
}

export class RepoConfigSource implements ConfigSource {
  readonly description: string;
  private readonly cache = new Map<string, { etag: string | undefined; text: string }>();
  constructor(
    private readonly location: Extract<ConfigLocation, { kind: 'repo' }>,
    private readonly reader: () => Promise<ContentsReader>,
  ) {
    this.description = describeLocation(location);
  }
  async fetch(): Promise<ConfigFile[] | undefined> {
    const reader = await this.reader();
    const { owner, repo, ref } = this.location;
    const results = await Promise.all(
      this.location.paths.map(async (path) => ({ path, result: await reader.getContent({ owner, repo }, path, ref, this.cache.get(path)?.etag) })),
    );
    const missing = results.filter((r) => r.result.status === 'not-found').map((r) => `${r.path}: not found in ${owner}/${repo}${ref ? `@${ref}` : ''}`);
    if (missing.length) throw new ConfigError(missing, this.description);
    // The cache changes only once every file was read, so a change read just before another
    // file's read failed is seen again on the next attempt.
    let changed = false;
    for (const { path, result } of results) {
      if (result.status !== 'ok') continue;
      changed ||= result.text !== this.cache.get(path)?.text;
      this.cache.set(path, { etag: result.etag, text: result.text });
    }
    return changed ? this.location.paths.map((path) => ({ path, text: this.cache.get(path)!.text })) : undefined;
  }

  /** A push to the config repo and branch that touched one of the files (or too many to list). */
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
    return commits.some((c) => [...list(c?.added), ...list(c?.modified), ...list(c?.removed)].some((f) => typeof f === 'string' && paths.includes(f)));
  }
}

export interface ConfigSnapshot extends ParsedConfig {
  /** Set while the newest config is invalid and the previous one is being served. */
  error?: string;
}

export class ConfigAgent {
  private current: ParsedConfig | undefined;
  /** The newest config files do not validate: the user's to fix, cleared by a valid version. */
  private invalid: ConfigError | undefined;
  /** The last read failed (a file is missing, or GitHub is unreachable); cleared by the next good read. */
  private unreadable: Error | undefined;
  private checkedAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    readonly source: ConfigSource,
    private readonly registry: readonly Plugin[],
    private readonly options: { revalidateMs?: number; now?: () => number } = {},
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** The config to serve an event with. Throws only when no valid config was ever loaded. */
  async get(): Promise<ConfigSnapshot> {
    if (!this.current || this.now() - this.checkedAt >= (this.options.revalidateMs ?? 60_000)) await this.refresh();
    // Invalid content is what the user has to fix; a failed read is usually passing.
    const problem = this.invalid ?? this.unreadable;
    if (!this.current) {
      if (problem instanceof ConfigError) throw problem;
      throw new ConfigError([problem?.message ?? 'no config loaded'], this.source.description);
    }
    return { ...this.current, ...(problem ? { error: problem.message } : {}) };
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
      this.current = parseConfig(files, this.registry, this.source.description);
      this.invalid = undefined;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.invalid = error;
    }
  }
}
