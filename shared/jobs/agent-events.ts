// What the agents' own reports do to a job: a CodeBuild state-change event (EventBridge) or a
// `workflow_run` webhook names a job; it is believed only when the job is that agent's and the
// report is about the job's own run, and only a finished state is acted on (plank's `finish`).
// Anything else is ignored, and the reconciler's poll remains the backstop: these reports are
// best-effort, may come twice, late, or before the start recorded the build id.
import type { CodeBuildCloudWatchStateEvent } from 'aws-lambda';
import { observationFromEvent } from './agents/codebuild.js';
import { observationFromWorkflowRun, runBelongsTo } from './agents/github-actions.js';
import type { AgentObservation, JobRecord, JobStore } from './types.js';
import { isFinished } from './types.js';

export interface AgentEventDeps {
  store: Pick<JobStore, 'get'>;
  finish: (id: string, observation: AgentObservation) => Promise<unknown>;
  /**
   * The codebuild agent's `jobUrl` (the signed log link): the event carries the build's console
   * page, and the finish would otherwise put it over the link the start recorded.
   */
  codebuildJobUrl?: (job: JobRecord) => Promise<string | undefined> | string | undefined;
}

/** What became of a report, for the trace and the metrics. */
export type AgentEventOutcome =
  /** Not a Skiff job's run, or nothing we read. */
  | 'ignored'
  /** A job id that names no record (deleted by sinker, or another deployment's). */
  | 'unknown-job'
  /** The job's agent, repository, workflow or build is not the report's: not believed. */
  | 'mismatch'
  /** The run is still going: nothing to do (the start already reported pending). */
  | 'running'
  | 'finished';

export async function onCodeBuildEvent(event: CodeBuildCloudWatchStateEvent, deps: AgentEventDeps): Promise<AgentEventOutcome> {
  const seen = observationFromEvent(event);
  if (!seen) return 'ignored';
  const job = await deps.store.get(seen.jobId);
  if (!job) return 'unknown-job';
  // A build that finished before its start recorded the build id is left to the reconciler.
  if (job.agent !== 'codebuild' || job.buildId !== seen.buildId) return 'mismatch';
  if (!isFinished(seen.observation.state)) return 'running';
  const url = await deps.codebuildJobUrl?.(job);
  await deps.finish(job.id, url ? { ...seen.observation, url } : seen.observation);
  return 'finished';
}

export async function onWorkflowRun(payload: Parameters<typeof observationFromWorkflowRun>[0], deps: AgentEventDeps): Promise<AgentEventOutcome> {
  const seen = observationFromWorkflowRun(payload);
  if (!seen) return 'ignored';
  const job = await deps.store.get(seen.jobId);
  if (!job) return 'unknown-job';
  if (!runBelongsTo(job, seen)) return 'mismatch';
  // The job knows its run by id once GitHub or the reconciler named it: another run titled with
  // the same id (a re-dispatch by hand) is not this one.
  if (job.buildId && /^\d+$/.test(job.buildId) && job.buildId !== seen.observation.buildId) return 'mismatch';
  if (!isFinished(seen.observation.state)) return 'running';
  await deps.finish(job.id, seen.observation);
  return 'finished';
}
