// Plank without a cluster: a job record's life from `triggered` to a finished state. Prow's plank
// (pkg/plank/reconciler.go) starts triggered ProwJobs as pods while `plank.max_concurrency` and
// each job's `max_concurrency` allow, and records what the pod did; here an agent (CodeBuild,
// GitHub Actions, a local process) takes the pod's place. Every transition is a conditional write
// decided on a fresh read, so two workers never both start a job, a stale writer loses, and a
// finished job never changes state. Each transition that wins is reported (crier) once.
import { createHash } from 'node:crypto';
import { isRetryable } from '../github/errors.js';
import { jobEnv } from './downward-api.js';
import {
  isFinished,
  type AgentName,
  type JobBase,
  type AgentObservation,
  type JobAgent,
  type JobChange,
  type JobRecord,
  type JobRequest,
  type JobStore,
  type Refs,
  type RefSpec,
} from './types.js';

export interface PlankLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface PlankDeps {
  store: JobStore;
  /** The agent of that name; throws for one not available here. */
  agents: (name: AgentName) => JobAgent;
  /** Crier: sets the commit status for the record's state (and the failure comment). */
  report: (job: JobRecord) => Promise<void>;
  /** `plank.max_concurrency` of the config in force (0: no limit). */
  config: () => { maxConcurrency: number };
  now?: () => number;
  log?: PlankLog;
}

export interface Plank {
  /** Makes the records (none twice for one cause and name), reports them, starts what concurrency allows. */
  trigger(requests: JobRequest[]): Promise<JobRecord[]>;
  /**
   * Starts the oldest triggered jobs that the limits allow. Called after every change that frees a
   * slot; a scheduled caller (the reconciler) should call it too, as a backstop for index lag
   * between workers.
   */
  sync(): Promise<void>;
  /** An agent's final word on a pending job; a finished or unknown job is left alone (undefined). */
  finish(id: string, observation: AgentObservation): Promise<JobRecord | undefined>;
  /** Unfinished jobs → `aborted` with `description`; runs already started are stopped. */
  abort(jobs: JobRecord[], description: string): Promise<JobRecord[]>;
  /**
   * Makes a record that is finished from the start and never runs (override: Prow creates a
   * succeeded ProwJob so tide counts the context as passed). Not reported: whoever records it
   * sets its status, so it is marked reported. A retry with the same cause finds its record.
   */
  record(request: JobRequest, outcome: FinishedOutcome): Promise<JobRecord>;
}

/** How a record made finished ended, and where to read why (override: the `/override` comment). */
export interface FinishedOutcome {
  state: 'success' | 'failure' | 'aborted' | 'error';
  description: string;
  url?: string;
}

/** The record id: the same cause (delivery, periodic slot) and job name always make the same id, so a retry finds its record. */
export const jobId = (cause: string, name: string): string =>
  createHash('sha256').update(`${cause}\0${name}`).digest('hex').slice(0, 32);

/** Prow's descriptions (reconciler.go): "Job triggered." is set when the job goes pending. */
export const descriptions = {
  pending: 'Job triggered.',
  success: 'Job succeeded.',
  failure: 'Job failed.',
  aborted: 'Job aborted.',
  error: 'Job errored.',
} as const;

/** Prow says "Pod can not be created: %v"; the agent starts what the pod was. */
export const startFailedDescription = (reason: string): string => `Job can not be started: ${reason}`;

/** A decision over a fresh read: the change to make, or undefined to leave the record as it is. */
type Decide = (current: JobRecord) => JobChange | undefined;

/** Conflicts come from crier's bookkeeping and the agents' events; a handful of rereads settle them. */
const maxAttempts = 8;

const toRefs = (spec: RefSpec): Refs => ({
  org: spec.org,
  repo: spec.repo,
  baseRef: spec.baseRef,
  pulls: [],
  ...(spec.pathAlias ? { pathAlias: spec.pathAlias } : {}),
  ...(spec.workdir ? { workdir: spec.workdir } : {}),
  ...(spec.cloneUri ? { cloneUri: spec.cloneUri } : {}),
  ...(spec.skipSubmodules ? { skipSubmodules: true } : {}),
  ...(spec.cloneDepth ? { cloneDepth: spec.cloneDepth } : {}),
  ...(spec.skipFetchHead ? { skipFetchHead: true } : {}),
});

/**
 * Prow's pjutil.CompletePrimaryRefs: the job's `path_alias` and clone tuning go on the refs of the
 * event, so the checkout lands where the job expects it (GOPATH/src/k8s.io/kubernetes) and clones
 * as the job says (a mirror's `clone_uri`, a shallow `clone_depth`, no submodules).
 */
const completePrimaryRefs = (refs: Refs, definition: JobBase): Refs => ({
  ...refs,
  ...(definition.pathAlias ? { pathAlias: definition.pathAlias } : {}),
  ...(definition.clone ?? {}),
});

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const quiet: PlankLog = { info: () => {}, warn: () => {} };

export function createPlank(deps: PlankDeps): Plank {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? quiet;
  const iso = () => new Date(now()).toISOString();

  /**
   * Applies `decide`'s change with a conditional write, reading again and deciding again after a
   * lost race. Returns the record before and after the change that won, or undefined when the
   * decision (on the latest read) was to change nothing.
   */
  async function transition(start: JobRecord | string, decide: Decide): Promise<{ before: JobRecord; after: JobRecord } | undefined> {
    let current = typeof start === 'string' ? await store.get(start) : start;
    for (let attempt = 0; current && attempt < maxAttempts; attempt++) {
      const change = decide(current);
      if (!change) return undefined;
      const after = await store.update(current, change);
      if (after) return { before: current, after };
      current = await store.get(current.id);
    }
    if (current) log.warn('gave up changing a job record after repeated conflicts', { job: current.id, name: current.name });
    return undefined;
  }

  /** Crier's failures must not undo or stop a transition: the record keeps `reportedState` behind, so it is reported again later. */
  async function report(job: JobRecord): Promise<void> {
    try {
      await deps.report(job);
    } catch (error) {
      log.warn('could not report a job state', { job: job.id, name: job.name, state: job.state, error: messageOf(error) });
    }
  }

  function recordFor(request: JobRequest, buildNumber: string): JobRecord {
    const { definition } = request;
    const extra = definition.extraRefs.map(toRefs);
    // A periodic has no refs of its own: its first extra ref is the repository it checks out (types.ts).
    const refs = request.refs
      ? completePrimaryRefs(request.refs, definition)
      : request.type === 'periodic'
        ? extra.shift()
        : undefined;
    const record: JobRecord = {
      id: jobId(request.cause, definition.name),
      name: definition.name,
      type: request.type,
      ...(refs ? { refs } : {}),
      extraRefs: extra,
      state: 'triggered',
      createdAt: iso(),
      agent: definition.agent,
      buildNumber,
      report: definition.kind !== 'periodic' && !definition.skipReport,
      maxConcurrency: definition.maxConcurrency,
      run: {
        timeoutSeconds: definition.timeoutSeconds,
        ...(definition.container ? { container: definition.container } : {}),
        ...(definition.codebuild ? { codebuild: definition.codebuild } : {}),
        ...(definition.githubActions ? { githubActions: definition.githubActions } : {}),
      },
      labels: { ...definition.labels },
      annotations: { ...definition.annotations },
      version: 1,
    };
    if (definition.kind !== 'periodic') record.context = definition.context;
    if (definition.kind === 'presubmit') {
      record.rerunCommand = definition.rerunCommand;
      record.optional = definition.optional;
    }
    if (request.installation !== undefined) record.installation = request.installation;
    if (request.requestedBy !== undefined) record.requestedBy = request.requestedBy;
    return record;
  }

  async function trigger(requests: JobRequest[]): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    for (const request of requests) {
      const id = jobId(request.cause, request.definition.name);
      // Looked up first so a retried delivery does not use up BUILD_IDs.
      const existing = await store.get(id);
      if (existing) {
        // A periodic run asked for again may have been made without the store learning it is the
        // newest (by a version before latestRuns' pointers, e.g. during a rollback): horologium
        // would decide on the run before it at every tick and ask for this one forever. Creating
        // it again leaves the record as it is and catches the pointer up (JobStore.create).
        if (existing.type === 'periodic') await store.create(existing);
        records.push(existing);
        continue;
      }
      const record = recordFor(request, await store.nextBuildNumber(request.definition.name));
      if ((await store.create(record)) === 'exists') {
        // Another worker made it between the read and the write: theirs stands.
        const theirs = await store.get(id);
        if (theirs) records.push(theirs);
        continue;
      }
      log.info('job triggered', { job: id, name: record.name, type: record.type });
      await report(record);
      records.push(record);
    }
    await sync(records);
    return records;
  }

  /**
   * Starts one triggered job: the record goes pending FIRST (a conditional write only one worker
   * wins), then the agent starts it, then its build id and URL are recorded. Returns whether the
   * job now holds a slot.
   */
  async function start(job: JobRecord): Promise<boolean> {
    const won = await store.update(job, { state: 'pending', startedAt: iso(), description: descriptions.pending });
    if (!won) {
      // Someone else decided first (another worker started it, or it was aborted).
      return (await store.get(job.id))?.state === 'pending';
    }
    let started: { buildId: string; url?: string };
    let agent: JobAgent;
    try {
      agent = deps.agents(won.agent);
      started = await agent.start(won, jobEnv(won));
    } catch (error) {
      const reason = messageOf(error);
      if (isRetryable(error)) {
        // Throttled, or the service unreachable: as Prow's plank retries what is not a request
        // error, the job goes back to waiting and the next sync (an event, the reconciler) tries
        // again. An agent whose start may have gone through makes that safe (CodeBuild's
        // idempotency token, the job id).
        log.warn('job could not be started yet, it waits for the next sync', { job: won.id, name: won.name, agent: won.agent, error: reason });
        await transition(won, (current) => (current.state === 'pending' && !current.buildId ? { state: 'triggered' } : undefined));
        return false;
      }
      log.warn('job could not be started', { job: won.id, name: won.name, agent: won.agent, error: reason });
      const failed = await transition(won, (current) =>
        current.state === 'pending' ? { state: 'error', completedAt: iso(), description: startFailedDescription(reason) } : undefined,
      );
      if (failed) await report(failed.after);
      return false;
    }
    // The agent may already have reported (a fast local run finished), or the job may have been
    // aborted while it started: the build id is recorded whatever the state.
    const recorded = await transition(won, (current) => (current.buildId ? undefined : { buildId: started.buildId, ...(started.url && !current.url ? { url: started.url } : {}) }));
    const latest = recorded?.after ?? (await store.get(won.id)) ?? won;
    if (latest.state === 'aborted' && recorded) {
      // abort() saw no build id to stop: this run is ours to stop.
      await agent.abort(latest).catch((error: unknown) => log.warn('could not stop an aborted job', { job: latest.id, error: messageOf(error) }));
    }
    log.info('job started', { job: latest.id, name: latest.name, agent: latest.agent, buildId: started.buildId });
    // Reported once it has its URL. If it already moved on (finished, aborted), whoever moved it reported that.
    if (latest.state === 'pending') await report(latest);
    return latest.state === 'pending';
  }

  /**
   * `known`: records this worker just wrote. DynamoDB's indexes are eventually consistent, so a
   * record made or finished a moment ago may still be missing from (or stale in) by-state; what
   * this worker wrote itself is put right before counting.
   */
  async function sync(known: JobRecord[] = []): Promise<void> {
    const [listedPending, listedTriggered] = await Promise.all([store.byState('pending'), store.byState('triggered')]);
    const knownById = new Map(known.map((job) => [job.id, job]));
    const correct = (listed: JobRecord[], state: JobRecord['state']) => {
      const kept = listed.filter((job) => (knownById.get(job.id)?.state ?? state) === state);
      const ids = new Set(kept.map((job) => job.id));
      for (const job of known) if (job.state === state && !ids.has(job.id)) kept.push(job);
      return kept.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    };
    const pending = correct(listedPending, 'pending');
    const triggered = correct(listedTriggered, 'triggered');
    const limit = deps.config().maxConcurrency;
    let running = pending.length;
    const runningByName = new Map<string, number>();
    for (const job of pending) runningByName.set(job.name, (runningByName.get(job.name) ?? 0) + 1);
    // Triggered jobs left waiting, by name: Prow counts an older triggered run of the same job
    // against a newer one, so runs start in the order they were triggered.
    const waiting = new Map<string, string[]>();

    for (const job of triggered) {
      if (limit > 0 && running >= limit) {
        log.info(`Not starting another job, already ${running} running.`);
        return;
      }
      if (job.maxConcurrency > 0) {
        const older = (waiting.get(job.name) ?? []).filter((createdAt) => createdAt < job.createdAt).length;
        const instances = (runningByName.get(job.name) ?? 0) + older;
        if (instances >= job.maxConcurrency) {
          log.info(`Not starting another instance of ${job.name}, have ${instances} instances that are pending or older, ${job.maxConcurrency} is the limit`);
          waiting.set(job.name, [...(waiting.get(job.name) ?? []), job.createdAt]);
          continue;
        }
      }
      if (await start(job)) {
        running++;
        runningByName.set(job.name, (runningByName.get(job.name) ?? 0) + 1);
      }
    }
  }

  async function finish(id: string, observation: AgentObservation): Promise<JobRecord | undefined> {
    if (observation.state === 'pending') return undefined;
    const finished = await transition(id, (current) =>
      current.state !== 'pending'
        ? undefined
        : {
            state: observation.state,
            completedAt: observation.completedAt ?? iso(),
            description: observation.description ?? descriptions[observation.state],
            ...(observation.url ? { url: observation.url } : {}),
          },
    );
    if (!finished) return undefined;
    log.info('job finished', { job: id, name: finished.after.name, state: finished.after.state });
    await report(finished.after);
    // A slot is free.
    await sync([finished.after]);
    return finished.after;
  }

  async function abort(jobs: JobRecord[], description: string): Promise<JobRecord[]> {
    const aborted: JobRecord[] = [];
    for (const job of jobs) {
      const done = await transition(job.id, (current) => (isFinished(current.state) ? undefined : { state: 'aborted', description, completedAt: iso() }));
      if (!done) continue;
      const { before, after } = done;
      // A job still starting has no build id yet: start() stops it when it records one.
      if (before.state === 'pending' && after.buildId) {
        try {
          await deps.agents(after.agent).abort(after);
        } catch (error) {
          log.warn('could not stop an aborted job', { job: after.id, name: after.name, error: messageOf(error) });
        }
      }
      log.info('job aborted', { job: after.id, name: after.name, description });
      await report(after);
      aborted.push(after);
    }
    if (aborted.length) await sync(aborted);
    return aborted;
  }

  async function record(request: JobRequest, outcome: FinishedOutcome): Promise<JobRecord> {
    const id = jobId(request.cause, request.definition.name);
    const existing = await store.get(id);
    if (existing) return existing;
    const at = iso();
    const made: JobRecord = {
      ...recordFor(request, await store.nextBuildNumber(request.definition.name)),
      state: outcome.state,
      description: outcome.description,
      ...(outcome.url ? { url: outcome.url } : {}),
      startedAt: at,
      completedAt: at,
      reportedState: outcome.state,
    };
    if ((await store.create(made)) === 'exists') return (await store.get(id)) ?? made;
    log.info('finished job recorded', { job: id, name: made.name, state: made.state });
    return made;
  }

  return { trigger, sync: () => sync(), finish, abort, record };
}
