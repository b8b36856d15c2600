// The contract of Skiff's CI half, Prow's ProwJobs without a cluster. Job config (Prow's
// `presubmits` / `postsubmits` / `periodics`, loaded in shared/jobs/config/) says what may run;
// trigger (a plugin) and horologium (a schedule) turn it into job records; plank
// (shared/jobs/plank.ts) starts triggered records on an agent as concurrency allows; agents
// (codebuild, github-actions, local) run them and report what they see; crier turns each state
// change into a commit status; sinker removes old records. Every module talks through the types
// here, so each can be read and tested on its own.

import type { WorkflowRunEvent } from '@octokit/webhooks-types';

// ---------------------------------------------------------------------------------------------
// Job config, as loaded (defaults applied, regexes compiled)
// ---------------------------------------------------------------------------------------------

/** Where a job runs. Prow's `kubernetes` agent (the default) maps to `codebuild`; local mode runs both on `local`. */
export type AgentName = 'codebuild' | 'github-actions' | 'local';

/**
 * A Go RE2 regular expression compiled with RE2's semantics (re2js), so a pattern means what it
 * meant to Prow. `find` is Go's `MatchString`: a match anywhere unless the pattern anchors itself.
 */
export interface Re2Pattern {
  readonly source: string;
  test(text: string): boolean;
}

/** `spec.containers[0]` of a Prow job: what runs, whatever the agent. */
export interface JobContainer {
  image?: string;
  /** Empty when the job relies on the image's entrypoint (`args` only). */
  command: string[];
  args: string[];
  /** After presets: a job's own variables win over a preset's, as in Prow. */
  env: Record<string, string>;
  /** `resources.requests` (or `limits`) as written: `{ cpu: '4', memory: '8Gi' }`. */
  resources?: { cpu?: string; memory?: string };
}

export interface CodeBuildSettings {
  /** A project of the user's; default: the one the stack creates. */
  project?: string;
  /** `BUILD_GENERAL1_SMALL` …; default: the nearest to the container's requests. */
  computeType?: string;
  /** A buildspec (YAML text) replacing the generated one. */
  buildspec?: string;
}

export interface GitHubActionsSettings {
  /** The workflow file name (`ci.yaml`) or id in the job's repository. */
  workflow: string;
  /** The ref to dispatch on; default: the base ref. */
  ref?: string;
  inputs: Record<string, string>;
}

/** One of Prow's `extra_refs`, and the repository a periodic checks out. */
export interface RefSpec {
  org: string;
  repo: string;
  baseRef: string;
  pathAlias?: string;
  workdir?: boolean;
  cloneUri?: string;
  skipSubmodules?: boolean;
  cloneDepth?: number;
  skipFetchHead?: boolean;
}

/**
 * Prow's clone tuning of a job or an extra ref (`clone_uri`, `skip_submodules`, `clone_depth`,
 * `skip_fetch_head`), carried onto the refs the checkout reads.
 */
export interface CloneOptions {
  /** Clone from here instead of the repository's own URL (a mirror, an SSH URL). */
  cloneUri?: string;
  /** No `git submodule update --init --recursive` after the checkout. */
  skipSubmodules?: boolean;
  /** A shallow fetch of this many commits (`--depth`); 0 or absent: the whole history. */
  cloneDepth?: number;
  /** No `--tags --prune` fetch of everything first: for repositories with no single HEAD. */
  skipFetchHead?: boolean;
}

/** What every kind of job has. */
export interface JobBase {
  name: string;
  agent: AgentName;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** 0: no limit of its own (plank's global limit still applies). */
  maxConcurrency: number;
  /** `decoration_config.timeout`, default 2 h as Prow's. */
  timeoutSeconds: number;
  container?: JobContainer;
  codebuild?: CodeBuildSettings;
  githubActions?: GitHubActionsSettings;
  extraRefs: RefSpec[];
  /** Prow's `path_alias`: where the job's own repository is checked out (`k8s.io/kubernetes` under GOPATH). */
  pathAlias?: string;
  /** Prow's clone tuning for the job's own repository (pjutil.CompletePrimaryRefs copies it onto the refs). */
  clone?: CloneOptions;
  /** The file it came from (`config/jobs/foo.yaml`, `.prow.yaml`), for messages. */
  source: string;
}

/** Prow's Brancher: `branches` / `skip_branches` regexes, built by `brancher()` in matching.ts. */
export interface BranchFilter {
  branches: string[];
  skipBranches: string[];
  /** Does the job run for a pull request against, or a push to, this branch? */
  runsAgainst(branch: string): boolean;
}

/** Prow's RegexpChangeMatcher. */
export interface ChangeFilter {
  runIfChanged?: Re2Pattern;
  skipIfOnlyChanged?: Re2Pattern;
}

export interface Presubmit extends JobBase, ChangeFilter {
  kind: 'presubmit';
  alwaysRun: boolean;
  optional: boolean;
  /** The status context; default: the job's name. */
  context: string;
  skipReport: boolean;
  /** Default: Prow's `(?m)^/test( | .* )<name>,?($|\s.*)` (DefaultTriggerFor). */
  trigger: Re2Pattern;
  /** Default: `/test <name>`. */
  rerunCommand: string;
  runBeforeMerge: boolean;
  brancher: BranchFilter;
}

export interface Postsubmit extends JobBase, ChangeFilter {
  kind: 'postsubmit';
  alwaysRun?: boolean;
  context: string;
  skipReport: boolean;
  brancher: BranchFilter;
}

export interface Periodic extends JobBase {
  kind: 'periodic';
  /** Exactly one of the three is set. */
  cron?: string;
  intervalMs?: number;
  minimumIntervalMs?: number;
  /** Prow's `retry`: run a failed (or, with runAll, any) run again, up to `attempts` runs in all. */
  retry?: { attempts: number; intervalMs: number; runAll: boolean };
}

export type JobDefinition = Presubmit | Postsubmit | Periodic;

/** The job half of config.yaml, loaded. */
export interface JobConfig {
  /** By `org/repo`. */
  presubmits: Record<string, Presubmit[]>;
  postsubmits: Record<string, Postsubmit[]>;
  periodics: Periodic[];
  /** `plank.max_concurrency`: 0 is no limit. */
  maxConcurrency: number;
  /** `sinker.max_prowjob_age`, default 7 days. */
  maxJobAgeMs: number;
  /** `in_repo_config.enabled`: may this repository add jobs in `.prow.yaml`? */
  inRepoConfigEnabled(org: string, repo: string): boolean;
  /** Keys accepted with no meaning here (`cluster`, `volumes`, pod-utility images), one line each. */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Job records (ProwJobs)
// ---------------------------------------------------------------------------------------------

export type JobType = 'presubmit' | 'postsubmit' | 'periodic' | 'batch';
export type JobState = 'triggered' | 'pending' | 'success' | 'failure' | 'aborted' | 'error';
export const finishedStates: readonly JobState[] = ['success', 'failure', 'aborted', 'error'];
export const isFinished = (state: JobState): boolean => finishedStates.includes(state);

/** Prow's `Pull` in `Refs`. */
export interface Pull {
  number: number;
  author: string;
  sha: string;
  title?: string;
  headRef?: string;
  link?: string;
  commitLink?: string;
  authorLink?: string;
}

/** Prow's `Refs`: what the checkout is (clonerefs merges each pull onto the base, in order). */
export interface Refs {
  org: string;
  repo: string;
  repoLink?: string;
  baseRef: string;
  baseSha?: string;
  baseLink?: string;
  pulls: Pull[];
  pathAlias?: string;
  workdir?: boolean;
  /** From the payload's `clone_url`, so GitHub Enterprise works; a job's `clone_uri` overrides it. */
  cloneUri?: string;
  /** From the job's `skip_submodules`, `clone_depth`, `skip_fetch_head` (or its extra ref's). */
  skipSubmodules?: boolean;
  cloneDepth?: number;
  skipFetchHead?: boolean;
}

/** What to run, copied from the definition when the record is made (a config change does not alter a running job). */
export interface JobRun {
  container?: JobContainer;
  codebuild?: CodeBuildSettings;
  githubActions?: GitHubActionsSettings;
  timeoutSeconds: number;
}

/** Skiff's ProwJob. */
export interface JobRecord {
  /** Unique and deterministic for what made it (delivery + job name, periodic + due slot), so a retry makes the same record. */
  id: string;
  name: string;
  type: JobType;
  /** Absent only for a periodic without extra_refs. */
  refs?: Refs;
  extraRefs: Refs[];
  state: JobState;
  description?: string;
  /** Where the log is. */
  url?: string;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  agent: AgentName;
  /** The agent's id of the run (CodeBuild build id, Actions run id, local pid tag). */
  buildId?: string;
  /** Prow's BUILD_ID: a number unique per job name, increasing. */
  buildNumber: string;
  /** Status context; absent for periodics. */
  context?: string;
  rerunCommand?: string;
  /** false for `skip_report` jobs: crier leaves them alone. */
  report: boolean;
  optional?: boolean;
  maxConcurrency: number;
  run: JobRun;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The GitHub App installation the event came with: crier reports with the same credential. */
  installation?: number;
  /** Who asked (`/test` commenter, `horologium`, the pusher). */
  requestedBy?: string;
  /** Crier's bookkeeping (Prow's PrevReportStates): the state last reported, so each is reported once. */
  reportedState?: JobState;
  /** Bumped by every write: conditional writes compare it, so a stale writer loses. */
  version: number;
}

/** What a state change may set besides the state. */
export type JobChange = Partial<Pick<JobRecord, 'state' | 'description' | 'url' | 'startedAt' | 'completedAt' | 'buildId' | 'reportedState'>>;

/**
 * Job records in DynamoDB (a table of their own, with indexes for each query below; never a scan).
 * Every write is conditional: `update` applies only if the record still has the version read, and
 * a finished state is never left.
 */
export interface JobStore {
  /**
   * `exists` when a record with that id is already there (a retry): it is left as it is. A
   * periodic record also becomes its name's newest run for `latestRuns` unless a later run is
   * already — also when it `exists`, so creating again a run made without that (by a version
   * before it) brings `latestRuns` up to it.
   */
  create(job: JobRecord): Promise<'created' | 'exists'>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Applies `change` if the record's version is still `job.version` and, when `change.state` is
   * set, the current state is not finished. Returns the new record, or `undefined` when the
   * condition failed (someone else wrote first: read again and decide again).
   */
  update(job: JobRecord, change: JobChange): Promise<JobRecord | undefined>;
  /** A pull request's jobs, newest first. */
  byPull(org: string, repo: string, number: number): Promise<JobRecord[]>;
  /** Jobs in a state, oldest first (plank starts the oldest triggered job first). */
  byState(state: JobState, limit?: number): Promise<JobRecord[]>;
  /** A job name's runs, newest first. */
  byName(name: string, limit?: number): Promise<JobRecord[]>;
  /**
   * Each name's newest periodic run (undefined: none), as horologium and sinker need it: read by
   * key in a few batched calls, not a query per name. Names with runs made before the store kept
   * track of the newest are answered as `byName(name, 1)` would.
   */
  latestRuns(names: readonly string[]): Promise<Map<string, JobRecord | undefined>>;
  /** The next BUILD_ID for a job name (an atomic counter). */
  nextBuildNumber(name: string): Promise<string>;
  delete(id: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------------

export interface AgentStarted {
  buildId: string;
  /** Where the log is shown while it runs (and after). */
  url?: string;
}

/** What an agent sees of a run. */
export interface AgentObservation {
  state: Exclude<JobState, 'triggered'>;
  description?: string;
  url?: string;
  /** ISO 8601. */
  completedAt?: string;
  /** The agent's id of the run when only observing found it (an Actions run dispatched without one): the reconciler stores it. */
  buildId?: string;
}

export interface JobAgent {
  readonly name: AgentName;
  /** Starts the run; `env` is Prow's job environment (downward-api.ts). Throws when it could not start. */
  start(job: JobRecord, env: Record<string, string>): Promise<AgentStarted>;
  /** The run's state now, for the reconciler (events are best-effort). `undefined`: unknown to the agent. */
  observe(job: JobRecord): Promise<AgentObservation | undefined>;
  /** Stops the run; a run already finished is not an error. */
  abort(job: JobRecord): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// What plugins (trigger, skip, override) see of jobs
// ---------------------------------------------------------------------------------------------

/** A record to make: the definition plus what the event says. */
export interface JobRequest {
  definition: Presubmit | Postsubmit | Periodic;
  type: JobType;
  refs?: Refs;
  /** Seeds the deterministic id together with the job name. */
  cause: string;
  requestedBy?: string;
  installation?: number;
  /** Labels over the definition's (horologium's `prow.k8s.io/re-run` count). */
  labels?: Record<string, string>;
}

/** The presubmits that apply to a pull request: the static ones and, where allowed, `.prow.yaml`'s. */
export interface PresubmitsForPull {
  jobs: Presubmit[];
  /** A `.prow.yaml` that failed to load, said once on the pull request; the static jobs still run. */
  inRepoError?: string;
}

export interface JobsAccess {
  config: JobConfig;
  /** Static presubmits for the repository, plus `.prow.yaml`'s at the base and head SHAs when allowed. */
  presubmitsFor(pull: { number: number; baseRef: string; baseSha: string; headSha: string }): Promise<PresubmitsForPull>;
  postsubmitsFor(baseRef: string, sha: string): Promise<Postsubmit[]>;
  /** Makes the records (a retry makes none twice) and starts what concurrency allows; returns them. */
  trigger(requests: JobRequest[]): Promise<JobRecord[]>;
  /** The pull request's jobs, newest first. */
  forPull(number: number): Promise<JobRecord[]>;
  /** Aborts unfinished jobs (state `aborted` with `description`, the agent's run stopped). */
  abort(jobs: JobRecord[], description: string): Promise<void>;
  /**
   * A `workflow_run` webhook for a github-actions job: the run's state applied to its record when
   * the run is that job's (agent-events.ts). Says what became of it, for the trace.
   */
  agentEvent?(payload: WorkflowRunEvent): Promise<string>;
  /**
   * Makes a record that is finished from the start and never runs, not reported by crier (the
   * caller sets the status): override's succeeded ProwJob, so tide sees the overridden context
   * as a passed run. A retry with the same cause returns the same record. Optional: absent where
   * plank is not wired with it.
   */
  recordFinished?(request: JobRequest, outcome: { state: 'success' | 'failure' | 'aborted' | 'error'; description: string; url?: string }): Promise<JobRecord>;
}
