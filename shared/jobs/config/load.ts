// Prow's job config, loaded: `presubmits`, `postsubmits`, `periodics` and `presets` (config.yaml
// and the job config directory, already merged as Prow merges them), with `plank.max_concurrency`,
// plank's default decoration timeouts, `decorate_all_jobs`, `sinker.max_prowjob_age` and
// `in_repo_config.enabled`. Every problem is a located issue (file, line, job, key) in Prow's
// words; keys with no meaning here are counted into one warning line rather than one per job,
// since a real job config sets `cluster` on every job.
import { formatIssue, type ConfigIssue } from '../../config/issues.js';
import { formatPath } from '../../config/format-error.js';
import type { JobConfig, Periodic, Postsubmit, Presubmit } from '../types.js';
import { describeValue, parseGoDuration, parseProwDuration } from './duration.js';
import { isMapping, readJob } from './read-job.js';
import { jobSettings, type DecorationDefault, type JobSettings, type JobSink, type Preset } from './settings.js';
import { validatePeriodics, validateRepoJobs, type Placed } from './validate.js';

type Path = readonly PropertyKey[];
export type Locate = (path: Path, options?: { key?: boolean }) => { file?: string; line?: number; column?: number };

/** The top-level keys read here; parse.ts no longer reports them as Prow keys Skiff lacks. */
// `prow_ignored` is Prow's well-known field for anything non-Prow in a job file: read by no one, on purpose.
export const jobConfigKeys: readonly string[] = ['presubmits', 'postsubmits', 'periodics', 'presets', 'decorate_all_jobs', 'plank', 'sinker', 'in_repo_config', 'prow_ignored'];

/** Sub-keys of plank and sinker that Skiff reads; the others get one warning per section. */
const readSubKeys: Record<string, string[]> = {
  plank: ['max_concurrency', 'default_decoration_config_entries', 'default_decoration_configs'],
  sinker: ['max_prowjob_age'],
  in_repo_config: ['enabled'],
};

export const defaultMaxJobAgeMs = 7 * 24 * 3_600_000;

export interface LoadedJobConfig {
  jobs: JobConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/** What `.prow.yaml` loading needs of the static config it joins (a WeakMap keeps JobConfig as types.ts has it). */
const settingsByConfig = new WeakMap<JobConfig, JobSettings>();
export const settingsOf = (jobs: JobConfig): JobSettings => settingsByConfig.get(jobs) ?? jobSettings([], false, []);

/** Collects issues and the count of jobs setting each ignored key. */
export class IssueSink implements JobSink {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  /** Ignored key → the jobs (by number) that set it. */
  readonly ignored = new Map<string, Set<number>>();
  jobNumber = 0;
  constructor(private readonly locate: Locate) {}

  error(path: Path, message: string): void {
    this.errors.push({ severity: 'error', ...this.locate(path), path: formatPath(path), message });
  }
  warning(path: Path, message: string, strict?: boolean): void {
    // A strict warning is a key nothing reads (a likely typo), located at the key.
    this.warnings.push({ severity: 'warning', ...this.locate(path, strict ? { key: true } : {}), path: formatPath(path), message, ...(strict ? { strict, kind: 'unknown-key' as const } : {}) });
  }
  /** A warning about a key as a whole, located at the key (as parse.ts locates the keys it does not read). */
  keyWarning(path: Path, message: string): void {
    this.warnings.push({ severity: 'warning', kind: 'prow-key', ...this.locate(path, { key: true }), path: formatPath(path), message });
  }
  ignore(key: string): void {
    const jobs = this.ignored.get(key) ?? new Set<number>();
    jobs.add(this.jobNumber);
    this.ignored.set(key, jobs);
  }
  fileOf(path: Path): string | undefined {
    return this.locate(path).file;
  }

  /** `347 jobs set keys Skiff ignores: cluster (347), spec.volumes (12)`, or nothing. */
  ignoredSummary(): ConfigIssue[] {
    if (!this.ignored.size) return [];
    const jobs = new Set<number>();
    for (const set of this.ignored.values()) for (const n of set) jobs.add(n);
    const keys = [...this.ignored].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1)).map(([key, set]) => `${key} (${set.size})`);
    return [{ severity: 'warning', kind: 'prow-key', message: `${jobs.size} ${jobs.size === 1 ? 'job sets' : 'jobs set'} keys Skiff ignores: ${keys.join(', ')}` }];
  }
}

export function loadJobConfig(doc: Record<string, unknown>, locate: Locate): LoadedJobConfig {
  const sink = new IssueSink(locate);
  const settings = readSettings(doc, sink);
  const presubmits: Record<string, Presubmit[]> = Object.create(null);
  const postsubmits: Record<string, Postsubmit[]> = Object.create(null);

  for (const kind of ['presubmit', 'postsubmit'] as const) {
    const key = `${kind}s`;
    const byRepo = doc[key];
    if (byRepo === undefined || byRepo === null) continue;
    if (!isMapping(byRepo)) {
      sink.error([key], `expected a mapping of org/repo to a list of ${kind}s, got ${describeValue(byRepo)}`);
      continue;
    }
    for (const [repo, list] of Object.entries(byRepo)) {
      const loaded = readRepoJobs(sink, kind, list, [key, repo], repo, settings);
      if (kind === 'presubmit') presubmits[repo] = loaded as Presubmit[];
      else postsubmits[repo] = loaded as Postsubmit[];
    }
  }
  const periodics = readPeriodics(sink, doc.periodics, settings);

  const maxConcurrency = readMaxConcurrency(doc.plank, sink);
  const maxJobAgeMs = readMaxJobAge(doc.sinker, sink);
  const inRepo = readInRepoEnabled(doc.in_repo_config, sink);

  for (const section of Object.keys(readSubKeys)) {
    const value = doc[section];
    if (!isMapping(value)) continue;
    const rest = Object.keys(value).filter((k) => !readSubKeys[section]!.includes(k));
    if (rest.length) sink.keyWarning([section], `Skiff reads ${readSubKeys[section]!.filter((k) => k in value).join(', ') || 'nothing of it yet'}; keys it does not implement yet, ignored: ${rest.join(', ')}`);
  }

  const warnings = [...sink.warnings, ...presetIgnoredSummary(doc.presets), ...sink.ignoredSummary()];
  const jobs: JobConfig = {
    presubmits,
    postsubmits,
    periodics,
    maxConcurrency,
    maxJobAgeMs,
    inRepoConfigEnabled: (org, repo) => inRepo(`${org}/${repo}`),
    warnings: warnings.map(formatIssue),
  };
  settingsByConfig.set(jobs, settings);
  return { jobs, errors: sink.errors, warnings };
}

/** One repository's presubmits or postsubmits, read and validated together (Prow's defaultPresubmits + validatePresubmits). */
function readRepoJobs(sink: IssueSink, kind: 'presubmit' | 'postsubmit', list: unknown, path: Path, repo: string, settings: JobSettings): (Presubmit | Postsubmit)[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    sink.error(path, `expected a list of ${kind}s for ${repo}, got ${describeValue(list)}`);
    return [];
  }
  const placed: Placed<Presubmit | Postsubmit>[] = [];
  list.forEach((raw: unknown, i) => {
    sink.jobNumber++;
    const job = readJob(sink, raw, [...path, i], kind, repo, settings);
    if (job && job.kind !== 'periodic') placed.push({ job, path: [...path, i] });
  });
  for (const problem of validateRepoJobs(kind, placed)) sink.error(problem.path, problem.message);
  return placed.map((p) => p.job);
}

function readPeriodics(sink: IssueSink, list: unknown, settings: JobSettings): Periodic[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    sink.error(['periodics'], `expected a list of periodics, got ${describeValue(list)}`);
    return [];
  }
  const placed: Placed<Periodic>[] = [];
  list.forEach((raw: unknown, i) => {
    sink.jobNumber++;
    const job = readJob(sink, raw, ['periodics', i], 'periodic', undefined, settings);
    if (job?.kind === 'periodic') placed.push({ job, path: ['periodics', i] });
  });
  for (const problem of validatePeriodics(placed)) sink.error(problem.path, problem.message);
  return placed.map((p) => p.job);
}

function readSettings(doc: Record<string, unknown>, sink: IssueSink): JobSettings {
  const presets = readPresets(doc.presets, ['presets'], sink);
  let decorateAll = false;
  if (doc.decorate_all_jobs !== undefined && doc.decorate_all_jobs !== null) {
    if (typeof doc.decorate_all_jobs === 'boolean') decorateAll = doc.decorate_all_jobs;
    else sink.error(['decorate_all_jobs'], `expected true or false, got ${describeValue(doc.decorate_all_jobs)}`);
  }
  return jobSettings(presets, decorateAll, readDecorationDefaults(doc.plank, sink));
}

/** Presets: labels and env; Prow's "duplicated preset 'label:value' pair" across all of them. */
export function readPresets(value: unknown, path: Path, sink: JobSink): Preset[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    sink.error(path, `expected a list of presets, got ${describeValue(value)}`);
    return [];
  }
  const presets: Preset[] = [];
  const pairs = new Set<string>();
  value.forEach((raw: unknown, i) => {
    const at = [...path, i];
    if (!isMapping(raw)) return sink.error(at, `expected a preset (labels, env), got ${describeValue(raw)}`);
    const labels: Record<string, string> = Object.create(null);
    if (isMapping(raw.labels)) {
      for (const [label, v] of Object.entries(raw.labels)) {
        if (typeof v !== 'string') {
          sink.error([...at, 'labels', label], `expected a string, got ${describeValue(v)}`);
          continue;
        }
        const pair = `${label}:${v}`;
        if (pairs.has(pair)) sink.error([...at, 'labels', label], `duplicated preset 'label:value' pair : ${pair}`);
        pairs.add(pair);
        labels[label] = v;
      }
    }
    const env: [string, string | undefined][] = [];
    if (Array.isArray(raw.env)) {
      raw.env.forEach((entry: unknown, j) => {
        if (!isMapping(entry) || typeof entry.name !== 'string') return sink.error([...at, 'env', j], `expected {name, value}, got ${describeValue(entry)}`);
        if (entry.valueFrom !== undefined && entry.valueFrom !== null) return env.push([entry.name, undefined]);
        const v = entry.value ?? '';
        if (typeof v !== 'string') return sink.error([...at, 'env', j, 'value'], `expected a string, got ${describeValue(v)}`);
        env.push([entry.name, v]);
      });
    }
    presets.push({ labels, env });
  });
  return presets;
}

/** Preset keys with no meaning here (volumes, volumeMounts, tolerations), counted over the presets. */
function presetIgnoredSummary(value: unknown): ConfigIssue[] {
  if (!Array.isArray(value)) return [];
  const counts = new Map<string, number>();
  let presets = 0;
  for (const raw of value) {
    if (!isMapping(raw)) continue;
    const keys = Object.keys(raw).filter((k) => k !== 'labels' && k !== 'env');
    if (keys.length) presets++;
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (!counts.size) return [];
  const keys = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} (${n})`);
  return [{ severity: 'warning', kind: 'prow-key', message: `${presets} ${presets === 1 ? 'preset sets' : 'presets set'} keys Skiff ignores: ${keys.join(', ')}` }];
}

/** plank.default_decoration_config_entries, or the older default_decoration_configs map ('*' first, as Prow orders it). */
function readDecorationDefaults(plank: unknown, sink: IssueSink): DecorationDefault[] {
  if (!isMapping(plank)) return [];
  const out: DecorationDefault[] = [];
  const timeoutOf = (config: unknown, at: Path): number | undefined => {
    if (!isMapping(config) || config.timeout === undefined || config.timeout === null) return undefined;
    try {
      return parseProwDuration(config.timeout);
    } catch (error) {
      sink.error([...at, 'timeout'], (error as Error).message);
      return undefined;
    }
  };
  if (isMapping(plank.default_decoration_configs)) {
    const entries = Object.entries(plank.default_decoration_configs).sort(([a], [b]) => (a === '*' ? -1 : b === '*' ? 1 : a < b ? -1 : 1));
    for (const [repo, config] of entries) {
      const timeoutMs = timeoutOf(config, ['plank', 'default_decoration_configs', repo]);
      out.push({ repo: repo === '*' ? '' : repo, cluster: '', ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    }
  }
  if (Array.isArray(plank.default_decoration_config_entries)) {
    plank.default_decoration_config_entries.forEach((entry: unknown, i) => {
      if (!isMapping(entry)) return;
      const timeoutMs = timeoutOf(entry.config, ['plank', 'default_decoration_config_entries', i, 'config']);
      out.push({ repo: typeof entry.repo === 'string' ? entry.repo : '', cluster: typeof entry.cluster === 'string' ? entry.cluster : '', ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    });
  }
  return out;
}

function readMaxConcurrency(plank: unknown, sink: IssueSink): number {
  if (!isMapping(plank) || plank.max_concurrency === undefined || plank.max_concurrency === null) return 0;
  const value = plank.max_concurrency;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    sink.error(['plank', 'max_concurrency'], `expected an integer, got ${describeValue(value)}`);
    return 0;
  }
  if (value < 0) {
    sink.error(['plank', 'max_concurrency'], `validating plank config: controller has invalid max_concurrency (${value}), it needs to be a non-negative number`);
    return 0;
  }
  return value;
}

function readMaxJobAge(sinker: unknown, sink: IssueSink): number {
  if (!isMapping(sinker) || sinker.max_prowjob_age === undefined || sinker.max_prowjob_age === null) return defaultMaxJobAgeMs;
  const value = sinker.max_prowjob_age;
  try {
    if (typeof value !== 'string') throw new Error(`expected a duration such as "48h", got ${describeValue(value)}`);
    return parseGoDuration(value);
  } catch (error) {
    sink.error(['sinker', 'max_prowjob_age'], (error as Error).message);
    return defaultMaxJobAgeMs;
  }
}

/** Prow's InRepoConfigEnabled: the first of `org/repo`, `org`, `*` that is set decides; unset: off. */
function readInRepoEnabled(section: unknown, sink: IssueSink): (identifier: string) => boolean {
  const enabled = new Map<string, boolean>();
  if (isMapping(section) && section.enabled !== undefined && section.enabled !== null) {
    if (!isMapping(section.enabled)) sink.error(['in_repo_config', 'enabled'], `expected a mapping of org, org/repo or "*" to true or false, got ${describeValue(section.enabled)}`);
    else {
      for (const [key, value] of Object.entries(section.enabled)) {
        if (typeof value === 'boolean') enabled.set(key, value);
        else if (value !== null) sink.error(['in_repo_config', 'enabled', key], `expected true or false, got ${describeValue(value)}`);
      }
    }
  }
  return (identifier) => {
    const org = identifier.split('/')[0]!;
    for (const key of [identifier, org, '*']) {
      const value = enabled.get(key);
      if (value !== undefined) return value;
    }
    return false;
  };
}
