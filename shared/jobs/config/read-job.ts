// One Prow job definition (a presubmit, postsubmit or periodic mapping) → Skiff's JobDefinition,
// defaulted as Prow defaults it (config.go defaultJobBase, defaultPresubmitFields,
// resolvePresets, SetPresubmitRegexes) and checked field by field as Prow's validateJobBase,
// validateTriggering and validateAlwaysRun check it, with Prow's messages. What the whole list of
// a repository's jobs must satisfy (no name twice on a branch, …) is in validate.ts.
import { closest } from '../../config/did-you-mean.js';
import { defaultRerunCommandFor, defaultTriggerFor, brancher } from '../matching.js';
import { Re2SyntaxError } from '../re2.js';
import type { AgentName, BranchFilter, CodeBuildSettings, GitHubActionsSettings, JobBase, JobContainer, Periodic, Postsubmit, Presubmit, Re2Pattern, RefSpec, CloneOptions } from '../types.js';
import { parseCron } from './cron.js';
import { describeValue, parseGoDuration, parseProwDuration } from './duration.js';
import { annotationsError, labelsError } from './labels.js';
import { cachedRe2 } from './regex-cache.js';
import type { JobSink, Preset, JobSettings } from './settings.js';

export type JobKind = 'presubmit' | 'postsubmit' | 'periodic';
type Path = readonly PropertyKey[];
type Raw = Record<string, unknown>;

export const isMapping = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Prow's jobNameRegex. */
const jobName = /^[A-Za-z0-9-._]+$/;

/** Prow's default for decoration_config.timeout when nothing sets one. */
export const defaultTimeoutMs = 2 * 3_600_000;

/** Prow's clone tuning, of a job (UtilityConfig) and of an extra ref alike. */
const cloneKeys = ['clone_uri', 'skip_submodules', 'clone_depth', 'skip_fetch_head'];

// The keys of Prow's JobBase, UtilityConfig, Presubmit, Postsubmit and Periodic structs
// (pkg/config/jobs.go) that Skiff reads, by kind; `codebuild` and `github_actions` are Skiff's.
const baseKeys = ['name', 'labels', 'annotations', 'max_concurrency', 'agent', 'spec', 'decorate', 'decoration_config', 'extra_refs', 'path_alias', ...cloneKeys, 'codebuild', 'github_actions'];
const changeKeys = ['always_run', 'context', 'skip_report', 'branches', 'skip_branches', 'run_if_changed', 'skip_if_only_changed'];
const usedKeys: Record<JobKind, ReadonlySet<string>> = {
  presubmit: new Set([...baseKeys, ...changeKeys, 'optional', 'trigger', 'rerun_command', 'run_before_merge']),
  postsubmit: new Set([...baseKeys, ...changeKeys]),
  periodic: new Set([...baseKeys, 'cron', 'interval', 'minimum_interval']),
};

/**
 * Prow job keys with no meaning here: Kubernetes placement (`cluster`, `namespace`), Deck and
 * reporting settings, other agents' specs, SSH and cookie credentials. Accepted, and counted in
 * one warning.
 */
export const ignoredJobKeys: ReadonlySet<string> = new Set([
  'cluster',
  'namespace',
  'error_on_eviction',
  'hidden',
  'reporter_config',
  'rerun_auth_config',
  'prowjob_defaults',
  'job_queue_name',
  'pipeline_run_spec',
  'tekton_pipeline_run_spec',
  'jenkins_spec',
  'ssh_key_secrets',
  'ssh_host_fingerprints',
  'cookiefile_secret',
  'oauth_token_secret',
  'tags',
  'retry',
  'github_branch_source_job',
  'report',
]);

const allJobKeys = [...new Set([...usedKeys.presubmit, ...usedKeys.postsubmit, ...usedKeys.periodic, ...ignoredJobKeys])];

/** Keys of `spec.containers[0]` Skiff uses; `name` only identifies the container, so it is no loss. */
const containerKeys = new Set(['image', 'command', 'args', 'env', 'resources', 'name']);

/** Reads one job; `undefined` when it is too broken to be a job (the errors say why). */
export function readJob(sink: JobSink, raw: unknown, path: Path, kind: JobKind, repo: string | undefined, settings: JobSettings, extraPresets: readonly Preset[] = []): Presubmit | Postsubmit | Periodic | undefined {
  if (!isMapping(raw)) {
    sink.error(path, `expected a ${kind} job (a mapping with a name), got ${describeValue(raw)}`);
    return undefined;
  }
  const name = typeof raw.name === 'string' ? raw.name : '';
  const label = `invalid ${kind} job ${name}`;
  let broken = false;
  /** An error about `key` of this job, in Prow's form `invalid presubmit job NAME: …`. */
  const fail = (at: Path, message: string, prefix = true) => {
    broken = true;
    sink.error(at, prefix ? `${label}: ${message}` : message);
  };
  const field = (key: string): Path => [...path, key];

  for (const key of Object.keys(raw)) {
    if (usedKeys[kind].has(key)) continue;
    if (ignoredJobKeys.has(key)) sink.ignore(key);
    else {
      const suggestion = closest(key, allJobKeys);
      sink.warning(field(key), `${kind} job ${name}: unknown key${suggestion ? `; did you mean "${suggestion}"?` : ''} Ignored`, true);
    }
  }

  if (typeof raw.name !== 'string' && raw.name !== undefined) fail(field('name'), `name: expected a string, got ${describeValue(raw.name)}`);
  else if (!jobName.test(name)) fail(field('name'), `name: must match regex ${JSON.stringify(jobName.source)}`);

  const r = reader(raw, path, (at, message) => fail(at, message));
  const labels = r.stringMap('labels');
  const annotations = r.stringMap('annotations');
  const labelsProblem = labelsError(labels);
  if (labelsProblem) fail(field('labels'), labelsProblem);
  const annotationsProblem = annotationsError(annotations);
  if (annotationsProblem) fail(field('annotations'), annotationsProblem);

  const maxConcurrency = r.integer('max_concurrency') ?? 0;
  if (maxConcurrency < 0) fail(field('max_concurrency'), `max_concurrency: ${maxConcurrency} must be a non-negative number`);

  const agent = readAgent(raw.agent, (message) => fail(field('agent'), message));
  const decorated = r.boolean('decorate') ?? settings.decorateAllJobs;
  const codebuild = readCodeBuild(raw.codebuild, field('codebuild'), fail);
  const githubActions = readGitHubActions(raw.github_actions, field('github_actions'), fail);
  if (agent === 'github-actions' && !githubActions && raw.github_actions === undefined) fail(field('agent'), 'agent: github-actions jobs require github_actions.workflow');

  let container: JobContainer | undefined;
  if (raw.spec !== undefined && raw.spec !== null) {
    container = readSpec(sink, raw.spec, field('spec'), name, fail);
    if (container) applyPresets(sink, container, labels, [...settings.presets, ...extraPresets], name, field('spec'), fail);
    if (container && decorated && container.command.length === 0 && container.args.length === 0) fail(field('spec'), 'decorated job containers must specify command and/or args');
  } else if (agent === 'codebuild' && !codebuild?.buildspec) {
    // Prow: "kubernetes jobs require a spec"; a CodeBuild job may bring its own buildspec instead.
    fail(path, 'kubernetes jobs require a spec');
  }

  const timeoutMs = readTimeout(raw.decoration_config, field('decoration_config'), sink, fail) ?? settings.defaultTimeoutMs(repo ?? extraRefRepo(raw), typeof raw.cluster === 'string' ? raw.cluster : 'default');
  const extraRefs = readExtraRefs(sink, raw.extra_refs, field('extra_refs'), fail);
  const pathAlias = r.string('path_alias');
  const clone = readCloneOptions(r, path, fail);

  const base: JobBase = {
    name,
    agent,
    labels,
    annotations,
    maxConcurrency,
    timeoutSeconds: Math.round(timeoutMs / 1000),
    ...(container ? { container } : {}),
    ...(codebuild ? { codebuild } : {}),
    ...(githubActions ? { githubActions } : {}),
    extraRefs,
    ...(pathAlias ? { pathAlias } : {}),
    ...(clone ? { clone } : {}),
    source: sink.fileOf(path) ?? '',
  };

  let job: Presubmit | Postsubmit | Periodic | undefined;
  if (kind === 'periodic') job = readPeriodic(base, r, field, fail);
  else {
    const compile = (key: string, what: string) => (source: string) => compiled(source, (error) => fail(field(key), `could not set regex: could not set branch regexes for ${name}: could not compile ${what} branch regex: ${error}`, false));
    const branches = r.stringList('branches');
    const skipBranches = r.stringList('skip_branches');
    let filter: BranchFilter | undefined;
    const positive = branches.length ? compile('branches', 'positive')(branches.join('|')) : undefined;
    const negative = skipBranches.length ? compile('skip_branches', 'negative')(skipBranches.join('|')) : undefined;
    if ((branches.length === 0 || positive) && (skipBranches.length === 0 || negative)) filter = brancher(branches, skipBranches, cachedRe2);
    const runIfChanged = r.string('run_if_changed') ?? '';
    const skipIfOnlyChanged = r.string('skip_if_only_changed') ?? '';
    // Prow compiles run_if_changed when set, else skip_if_only_changed (setChangeRegexes).
    const changeKey = runIfChanged ? 'run_if_changed' : 'skip_if_only_changed';
    const changeSource = runIfChanged || skipIfOnlyChanged;
    const changes = changeSource ? compiled(changeSource, (error) => fail(field(changeKey), `could not set regex: could not set change regexes for ${name}: could not compile ${changeKey} regex: ${error}`, false)) : undefined;
    const alwaysRun = r.boolean('always_run');
    const context = r.string('context') || name;
    const skipReport = r.boolean('skip_report') ?? false;
    const changeFilter = {
      ...(runIfChanged && changes ? { runIfChanged: changes } : {}),
      ...(!runIfChanged && skipIfOnlyChanged && changes ? { skipIfOnlyChanged: changes } : {}),
    };
    // validateTriggering / validateAlwaysRun.
    if (alwaysRun === true && runIfChanged) fail(field('always_run'), `job ${name} is set to always run but also declares run_if_changed targets, which are mutually exclusive`, false);
    else if (alwaysRun === true && skipIfOnlyChanged) fail(field('always_run'), `job ${name} is set to always run but also declares skip_if_only_changed targets, which are mutually exclusive`, false);
    if (runIfChanged && skipIfOnlyChanged) fail(field('run_if_changed'), `job ${name} declares run_if_changed and skip_if_only_changed, which are mutually exclusive`, false);

    if (kind === 'presubmit') {
      let trigger = r.string('trigger') ?? '';
      let rerunCommand = r.string('rerun_command') ?? '';
      if (!trigger && !rerunCommand) {
        trigger = defaultTriggerFor(name);
        rerunCommand = defaultRerunCommandFor(name);
      } else if (!trigger || !rerunCommand) {
        fail(field(trigger ? 'trigger' : 'rerun_command'), `either both of job.Trigger and job.RerunCommand must be set, wasnt the case for job ${JSON.stringify(name)}`, false);
      }
      let re: Re2Pattern | undefined;
      if (trigger) {
        re = compiled(trigger, (error) => fail(field('trigger'), `could not set regex: could not compile trigger regex for ${name}: ${error}`, false));
        if (re && rerunCommand && !re.test(rerunCommand)) {
          fail(field('rerun_command'), `could not set regex: for job ${name}, rerun command "${rerunCommand}" does not match trigger "${trigger}"`, false);
        }
      }
      if (filter && re) {
        job = {
          ...base,
          ...changeFilter,
          kind: 'presubmit',
          alwaysRun: alwaysRun ?? false,
          optional: r.boolean('optional') ?? false,
          context,
          skipReport,
          trigger: re,
          rerunCommand,
          runBeforeMerge: r.boolean('run_before_merge') ?? false,
          brancher: filter,
        };
      }
    } else if (filter) {
      job = { ...base, ...changeFilter, kind: 'postsubmit', ...(alwaysRun === undefined ? {} : { alwaysRun }), context, skipReport, brancher: filter };
    }
  }
  return broken ? undefined : job;
}

function readPeriodic(base: JobBase, r: Reader, field: (key: string) => Path, fail: (at: Path, message: string, prefix?: boolean) => void): Periodic | undefined {
  const name = base.name;
  const cron = r.string('cron') ?? '';
  const interval = r.string('interval') ?? '';
  const minimumInterval = r.string('minimum_interval') ?? '';
  const seen = [cron, interval, minimumInterval].filter((v) => v !== '').length;
  if (seen > 1) {
    fail(field(cron ? 'cron' : 'interval'), `cron, interval, and minimum_interval are mutually exclusive in periodic ${name}`, false);
    return undefined;
  }
  if (seen === 0) {
    fail(field('name').slice(0, -1), `at least one of cron, interval, or minimum_interval must be set in periodic ${name}`, false);
    return undefined;
  }
  const periodic: Periodic = { ...base, kind: 'periodic' };
  if (cron) {
    try {
      parseCron(cron);
      periodic.cron = cron;
    } catch (error) {
      fail(field('cron'), `invalid cron string ${cron} in periodic ${name}: ${(error as Error).message}`, false);
    }
  }
  for (const [key, value, set] of [
    ['interval', interval, (ms: number) => (periodic.intervalMs = ms)],
    ['minimum_interval', minimumInterval, (ms: number) => (periodic.minimumIntervalMs = ms)],
  ] as const) {
    if (!value) continue;
    try {
      set(parseGoDuration(value));
    } catch (error) {
      fail(field(key), `cannot parse duration for ${name}: ${(error as Error).message}`, false);
    }
  }
  return periodic;
}

/** A compiled pattern, or undefined after reporting Go's compile error. */
function compiled(source: string, report: (error: string) => void): Re2Pattern | undefined {
  try {
    return cachedRe2(source);
  } catch (error) {
    if (error instanceof Re2SyntaxError) {
      report(error.message);
      return undefined;
    }
    throw error;
  }
}

function readAgent(value: unknown, fail: (message: string) => void): AgentName {
  if (value === undefined || value === null || value === '' || value === 'kubernetes' || value === 'codebuild') return 'codebuild';
  if (value === 'github-actions') return 'github-actions';
  fail(`agent: ${typeof value === 'string' ? `"${value}"` : describeValue(value)} is not an agent Skiff runs jobs on (kubernetes or codebuild: CodeBuild; github-actions)`);
  return 'codebuild';
}

const skiffKeysOf = (value: Raw, allowed: string[], at: Path, fail: (at: Path, message: string) => void, what: string) => {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) fail([...at, key], `${what}: unknown key ${JSON.stringify(key)} (known: ${allowed.join(', ')})`);
};

function readCodeBuild(value: unknown, at: Path, fail: (at: Path, message: string) => void): CodeBuildSettings | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    fail(at, `codebuild: expected a mapping (project, compute_type, buildspec), got ${describeValue(value)}`);
    return undefined;
  }
  skiffKeysOf(value, ['project', 'compute_type', 'buildspec'], at, fail, 'codebuild');
  const r = reader(value, at, fail);
  const project = r.string('project');
  const computeType = r.string('compute_type');
  const buildspec = r.string('buildspec');
  return { ...(project ? { project } : {}), ...(computeType ? { computeType } : {}), ...(buildspec ? { buildspec } : {}) };
}

function readGitHubActions(value: unknown, at: Path, fail: (at: Path, message: string) => void): GitHubActionsSettings | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    fail(at, `github_actions: expected a mapping (workflow, ref, inputs), got ${describeValue(value)}`);
    return undefined;
  }
  skiffKeysOf(value, ['workflow', 'ref', 'inputs'], at, fail, 'github_actions');
  const r = reader(value, at, fail);
  const workflow = r.string('workflow');
  if (!workflow) {
    fail([...at, 'workflow'], 'github_actions.workflow: required (the workflow file name, such as ci.yaml, or its id)');
    return undefined;
  }
  const ref = r.string('ref');
  return { workflow, ...(ref ? { ref } : {}), inputs: r.stringMap('inputs') };
}

/**
 * Prow's clone tuning (`clone_uri`, `skip_submodules`, `clone_depth`, `skip_fetch_head`); only
 * what is set, so a job without them carries nothing. A negative depth is refused (Prow's is an
 * int that only `> 0` turns on; a negative one is a mistake worth naming).
 */
function readCloneOptions(r: Reader, at: Path, fail: (at: Path, message: string) => void): CloneOptions | undefined {
  const cloneUri = r.string('clone_uri');
  const skipSubmodules = r.boolean('skip_submodules');
  const cloneDepth = r.integer('clone_depth');
  if (cloneDepth !== undefined && cloneDepth < 0) fail([...at, 'clone_depth'], `clone_depth: expected a number of commits (0 for the whole history), got ${cloneDepth}`);
  const skipFetchHead = r.boolean('skip_fetch_head');
  const options: CloneOptions = {
    ...(cloneUri ? { cloneUri } : {}),
    ...(skipSubmodules ? { skipSubmodules } : {}),
    ...(cloneDepth !== undefined && cloneDepth > 0 ? { cloneDepth } : {}),
    ...(skipFetchHead ? { skipFetchHead } : {}),
  };
  return Object.keys(options).length ? options : undefined;
}

/** decoration_config.timeout; its other keys (utility images, GCS, grace period) are pod-utility settings Skiff has no use for. */
function readTimeout(value: unknown, at: Path, sink: JobSink, fail: (at: Path, message: string) => void): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) {
    fail(at, `decoration_config: expected a mapping, got ${describeValue(value)}`);
    return undefined;
  }
  for (const key of Object.keys(value)) if (key !== 'timeout') sink.ignore(`decoration_config.${key}`);
  if (value.timeout === undefined || value.timeout === null) return undefined;
  try {
    return parseProwDuration(value.timeout);
  } catch (error) {
    fail([...at, 'timeout'], `decoration_config.timeout: ${(error as Error).message}`);
    return undefined;
  }
}

const extraRefRepo = (raw: Raw): string => {
  const first = Array.isArray(raw.extra_refs) ? raw.extra_refs[0] : undefined;
  return isMapping(first) && typeof first.org === 'string' && typeof first.repo === 'string' ? `${first.org}/${first.repo}` : '';
};

const refKeys = new Set(['org', 'repo', 'base_ref', 'path_alias', 'workdir', ...cloneKeys]);

function readExtraRefs(sink: JobSink, value: unknown, at: Path, fail: (at: Path, message: string) => void): RefSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    fail(at, `extra_refs: expected a list, got ${describeValue(value)}`);
    return [];
  }
  const refs: RefSpec[] = [];
  value.forEach((ref: unknown, i) => {
    const here = [...at, i];
    if (!isMapping(ref)) return fail(here, `extra_refs[${i}]: expected a mapping with org, repo and base_ref, got ${describeValue(ref)}`);
    for (const key of Object.keys(ref)) if (!refKeys.has(key)) sink.ignore(`extra_refs[].${key}`);
    const r = reader(ref, here, fail);
    const org = r.string('org');
    const repo = r.string('repo');
    const baseRef = r.string('base_ref');
    if (!org || !repo || !baseRef) return fail(here, `extra_refs[${i}]: org, repo and base_ref are required`);
    const pathAlias = r.string('path_alias');
    const workdir = r.boolean('workdir');
    refs.push({ org, repo, baseRef, ...(pathAlias ? { pathAlias } : {}), ...(workdir !== undefined ? { workdir } : {}), ...readCloneOptions(r, here, fail) });
  });
  return refs;
}

/** `spec.containers[0]` → JobContainer; the rest of the pod spec is counted as ignored. */
function readSpec(sink: JobSink, spec: unknown, at: Path, name: string, fail: (at: Path, message: string) => void): JobContainer | undefined {
  if (!isMapping(spec)) {
    fail(at, `spec: expected a pod spec (a mapping with containers), got ${describeValue(spec)}`);
    return undefined;
  }
  for (const key of Object.keys(spec)) if (key !== 'containers') sink.ignore(`spec.${key}`);
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (spec.containers !== undefined && spec.containers !== null && !Array.isArray(spec.containers)) {
    fail([...at, 'containers'], `spec.containers: expected a list, got ${describeValue(spec.containers)}`);
    return undefined;
  }
  if (containers.length === 0) {
    fail([...at, 'containers'], `pod spec must specify at least 1 container, found: 0`);
    return undefined;
  }
  // Prow runs extra containers only as decorated sidecars; a CodeBuild build is one environment.
  if (containers.length > 1) sink.ignore('spec.containers[1:] (only the first container runs)');
  const c: unknown = containers[0];
  const cAt = [...at, 'containers', 0];
  if (!isMapping(c)) {
    fail(cAt, `spec.containers[0]: expected a container, got ${describeValue(c)}`);
    return undefined;
  }
  for (const key of Object.keys(c)) if (!containerKeys.has(key)) sink.ignore(`spec.containers[].${key}`);
  const r = reader(c, cAt, fail);
  const image = r.string('image');
  const env: Record<string, string> = Object.create(null);
  const envList = c.env;
  if (envList !== undefined && envList !== null && !Array.isArray(envList)) fail([...cAt, 'env'], `env: expected a list of {name, value}, got ${describeValue(envList)}`);
  else {
    (envList ?? []).forEach((entry: unknown, i: number) => {
      const eAt = [...cAt, 'env', i];
      if (!isMapping(entry) || typeof entry.name !== 'string' || entry.name === '') return fail(eAt, `env[${i}]: expected {name, value}`);
      if (Object.hasOwn(env, entry.name)) return fail(eAt, `env var named ${JSON.stringify(entry.name)} is defined more than once`);
      if (entry.valueFrom !== undefined && entry.valueFrom !== null) {
        const from = isMapping(entry.valueFrom) ? Object.keys(entry.valueFrom).join(', ') : 'valueFrom';
        sink.warning(eAt, `job ${name}: env ${entry.name} comes from ${from} (a Kubernetes secret or field), which Skiff cannot read; the variable is left unset`);
        return;
      }
      const value = entry.value ?? '';
      if (typeof value !== 'string') return fail([...eAt, 'value'], `env ${entry.name}: value: expected a string, got ${describeValue(value)}`);
      env[entry.name] = value;
    });
  }
  const resources = readResources(c.resources);
  return { ...(image ? { image } : {}), command: r.stringList('command'), args: r.stringList('args'), env, ...(resources ? { resources } : {}) };
}

/** `resources.requests`, else `limits`: cpu and memory as written (`7` → "7", `"500m"`, `20Gi`). */
function readResources(value: unknown): JobContainer['resources'] {
  if (!isMapping(value)) return undefined;
  const pick = (group: unknown) => {
    if (!isMapping(group)) return undefined;
    const cpu = group.cpu;
    const memory = group.memory;
    const out: { cpu?: string; memory?: string } = {};
    if (typeof cpu === 'string' || typeof cpu === 'number') out.cpu = String(cpu);
    if (typeof memory === 'string' || typeof memory === 'number') out.memory = String(memory);
    return out.cpu || out.memory ? out : undefined;
  };
  return pick(value.requests) ?? pick(value.limits);
}

/**
 * Prow's resolvePresets / mergePreset: a preset applies when the job has every one of its labels
 * with the same value (a preset without labels applies to every job); its env is added after the
 * job's own, and a name the job already has is Prow's error. Preset volumes and mounts have no
 * meaning here (counted once per preset when the config loads).
 */
function applyPresets(sink: JobSink, container: JobContainer, labels: Record<string, string>, presets: readonly Preset[], name: string, at: Path, fail: (at: Path, message: string, prefix?: boolean) => void) {
  for (const preset of presets) {
    if (!Object.entries(preset.labels).every(([l, v]) => Object.hasOwn(labels, l) && labels[l] === v)) continue;
    for (const [variable, value] of preset.env) {
      if (Object.hasOwn(container.env, variable)) {
        fail(at, `job ${name} failed to merge presets for podspec: env var duplicated in pod spec: ${variable}`, false);
        return;
      }
      if (value === undefined) {
        sink.warning(at, `job ${name}: env ${variable} from a preset comes from valueFrom, which Skiff cannot read; the variable is left unset`);
        continue;
      }
      container.env[variable] = value;
    }
  }
}

/** Typed reads of one mapping's keys, each failure reported at its key in Go's terms. */
interface Reader {
  string(key: string): string | undefined;
  boolean(key: string): boolean | undefined;
  integer(key: string): number | undefined;
  stringList(key: string): string[];
  stringMap(key: string): Record<string, string>;
}

function reader(raw: Raw, at: Path, fail: (at: Path, message: string) => void): Reader {
  const absent = (key: string) => raw[key] === undefined || raw[key] === null;
  const bad = (key: string, want: string) => fail([...at, key], `${key}: expected ${want}, got ${describeValue(raw[key])}`);
  return {
    string(key) {
      if (absent(key)) return undefined;
      if (typeof raw[key] === 'string') return raw[key];
      bad(key, 'a string');
      return undefined;
    },
    boolean(key) {
      if (absent(key)) return undefined;
      if (typeof raw[key] === 'boolean') return raw[key];
      bad(key, 'true or false');
      return undefined;
    },
    integer(key) {
      if (absent(key)) return undefined;
      const v = raw[key];
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      bad(key, 'an integer');
      return undefined;
    },
    stringList(key) {
      if (absent(key)) return [];
      const v = raw[key];
      if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
      bad(key, 'a list of strings');
      return [];
    },
    stringMap(key) {
      const out: Record<string, string> = Object.create(null);
      if (absent(key)) return out;
      const v = raw[key];
      if (!isMapping(v)) {
        bad(key, 'a mapping of strings');
        return out;
      }
      for (const [k, s] of Object.entries(v)) {
        if (typeof s === 'string') out[k] = s;
        else fail([...at, key, k], `${key}.${k}: expected a string (quote it: "${String(s)}"), got ${describeValue(s)}`);
      }
      return out;
    },
  };
}
