// `skiff checkconfig`: validates config files exactly as the plugins function loads them (the same
// reading of directories, merging and validation), so a config change can be checked in CI before
// it is pushed. It takes Prow's checkconfig flags, so an existing CI job keeps working, as well as
// Skiff's own form (the paths of SKIFF_CONFIG). It never crashes: whatever is wrong — a missing
// file, a directory where a file belongs, binary garbage, a YAML bomb — is a line that names it.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readConfigPaths } from '../config/agent.js';
import { ConfigError, formatIssue, type ConfigIssue } from '../config/issues.js';
import { parseConfig, pluginsFor, type ConfigFile } from '../config/parse.js';
import { describeError } from '../github/errors.js';
import type { JobConfig } from '../jobs/types.js';
import { plugins } from '../plugins/registry.js';

export interface CheckConfigOptions {
  /** Files or directories, as in SKIFF_CONFIG. */
  paths?: string[];
  /** Prow's --config-path: config.yaml (a file). */
  configPath?: string;
  /** Prow's --job-config-path: a job file, or a directory of them (every *.yaml / *.yml below). */
  jobConfigPath?: string;
  /** Prow's --plugin-config: plugins.yaml (a file). */
  pluginConfig?: string;
  /** Prow's --supplemental-prow-config-dir: the files below whose names end in `prowConfigSuffix`. */
  supplementalProwConfigDirs?: string[];
  /** Prow's --supplemental-plugin-config-dir: the files below whose names end in `pluginConfigSuffix`. */
  supplementalPluginConfigDirs?: string[];
  prowConfigSuffix?: string;
  pluginConfigSuffix?: string;
  /** Names nothing knows (likely typos) are errors, not warnings. */
  strict?: boolean;
}

export interface CheckResult {
  /** No errors (warnings allowed): exit status 0. */
  ok: boolean;
  lines: string[];
  issues: ConfigIssue[];
}

/** Prow's defaults for --supplemental-{prow,plugin}-configs-filename-suffix. */
export const defaultSuffixes = { prow: '_prowconfig.yaml', plugin: '_pluginconfig.yaml' } as const;

/** The files of a supplemental directory, as Prow walks it: names ending in the suffix, no `..` entries. */
async function withSuffix(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('..')) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (child.endsWith(suffix)) out.push(child);
    }
  };
  await walk(dir);
  return out;
}

const describeReadError = (path: string, error: unknown) => {
  const code = (error as { code?: unknown }).code;
  return `${path}: cannot read: ${code === 'EISDIR' ? 'it is a directory' : code === 'ENOTDIR' ? 'it is not a directory' : describeError(error)}`;
};

export async function checkConfig(options: CheckConfigOptions): Promise<CheckResult> {
  const unreadable: string[] = [];
  /** Each source of files in Prow's order: plugin config, its shards, config, its shards, jobs, then Skiff's paths. */
  const sources: (() => Promise<ConfigFile[]>)[] = [];
  const file = (path: string | undefined) => {
    if (path === undefined) return;
    sources.push(async () => {
      if ((await stat(path)).isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
      return [{ path, text: await readFile(path, 'utf8') }];
    });
  };
  const shards = (dirs: string[] | undefined, suffix: string) => {
    for (const dir of dirs ?? []) {
      sources.push(async () => {
        if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        return Promise.all((await withSuffix(dir, suffix)).map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
      });
    }
  };
  file(options.pluginConfig);
  shards(options.supplementalPluginConfigDirs, options.pluginConfigSuffix ?? defaultSuffixes.plugin);
  file(options.configPath);
  shards(options.supplementalProwConfigDirs, options.prowConfigSuffix ?? defaultSuffixes.prow);
  if (options.jobConfigPath !== undefined) {
    const jobs = options.jobConfigPath;
    sources.push(() => readConfigPaths([jobs]));
  }
  for (const path of options.paths ?? []) sources.push(() => readConfigPaths([path]));

  const names = [options.pluginConfig, ...(options.supplementalPluginConfigDirs ?? []), options.configPath, ...(options.supplementalProwConfigDirs ?? []), options.jobConfigPath, ...(options.paths ?? [])].filter(
    (p): p is string => p !== undefined,
  );
  const files: ConfigFile[] = [];
  // One file reached two ways (a directory that holds the --config-path file) is read once.
  const seen = new Set<string>();
  for (const [i, read] of sources.entries()) {
    try {
      for (const f of await read()) {
        const key = resolve(f.path);
        if (seen.has(key)) continue;
        seen.add(key);
        files.push(f);
      }
    } catch (error) {
      if (error instanceof ConfigError) unreadable.push(...error.problems);
      else unreadable.push(describeReadError(names[i] ?? '?', error));
    }
  }
  if (unreadable.length) return { ok: false, lines: unreadable, issues: [] };

  const source = names.join(', ');
  try {
    const { config, jobs, issues } = parseConfig(files, plugins, source, { strict: options.strict });
    const active = Object.keys(config.plugins).flatMap((where) => {
      const [owner = '', repo] = where.split('/');
      // What runs there: for a repository, its org's plugins too, as events see them.
      const names = repo === undefined ? config.plugins[where]!.plugins : pluginsFor(config, owner, repo);
      const skiff = names.filter((n) => plugins.some((p) => p.name === n));
      return skiff.length ? [`  ${where}: ${skiff.join(', ')}`] : [];
    });
    const summary = `${source}: valid, ${files.length} ${files.length === 1 ? 'file' : 'files'}${issues.length ? `, ${issues.length} ${issues.length === 1 ? 'warning' : 'warnings'}` : ''}`;
    return {
      ok: true,
      lines: [summary, ...jobsLine(jobs), ...(active.length ? ['active Skiff plugins:', ...active] : ['no Skiff plugin is enabled anywhere']), ...issues.map((w) => `warning: ${formatIssue(w)}`)],
      issues,
    };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, lines: [`${source}: invalid`, ...error.problems.map((p) => `error: ${p}`)], issues: error.issues };
    // parseConfig reports each file's problems itself; anything else is a bug, still reported.
    return { ok: false, lines: [`${source}: cannot check: ${describeError(error)}`], issues: [] };
  }
}

/** `jobs: 121 presubmits (34 repositories), 4 postsubmits (2 repositories), 53 periodics`, when there are any. */
function jobsLine(jobs: JobConfig): string[] {
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const perRepo = (by: Record<string, unknown[]>, what: string) => {
    const repos = Object.values(by).filter((list) => list.length > 0).length;
    const count = Object.values(by).reduce((n, list) => n + list.length, 0);
    return `${plural(count, what)}${count ? ` (${plural(repos, 'repository', 'repositories')})` : ''}`;
  };
  const total = Object.values(jobs.presubmits).flat().length + Object.values(jobs.postsubmits).flat().length + jobs.periodics.length;
  return total ? [`jobs: ${perRepo(jobs.presubmits, 'presubmit')}, ${perRepo(jobs.postsubmits, 'postsubmit')}, ${plural(jobs.periodics.length, 'periodic')}`] : [];
}

/** The positional form: files or directories, as SKIFF_CONFIG names them. */
export const checkConfigFiles = (paths: string[], options: { strict?: boolean } = {}) => checkConfig({ paths, ...options });
