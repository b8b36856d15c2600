// The reconciler: a scheduled pass over every pending job that asks its agent how the run is
// doing. Agents' events (CodeBuild's EventBridge events, Actions' workflow_run webhooks) are
// best-effort, so without this a lost event would leave a job pending until sinker times it out.
// What it does per job:
// - the agent says it finished → `finish` (plank's: the conditional write and what follows it);
// - still running, with a URL or run id the record lacks → stored (an Actions run found by title);
// - no build id yet: the start may still be under way; past `startGraceMs` it crashed between
//   "pending" and the agent's answer → error;
// - the agent does not know the run: past `startGraceMs` it is gone → error;
// - the agent's observe throws, or the job's agent is not configured here → left for the next pass.
// One job's trouble never stops the pass.
import type { AgentName, AgentObservation, JobAgent, JobRecord, JobStore } from './types.js';
import { isFinished } from './types.js';

export interface ReconcileOptions {
  store: Pick<JobStore, 'byState' | 'update'>;
  agents: Partial<Record<AgentName, JobAgent>>;
  finish: (id: string, observation: AgentObservation) => Promise<void>;
  now: () => Date;
  /**
   * How long a pending job may have no build id, or a build its agent does not know, before it
   * is an error. Default 10 minutes: a start takes seconds, and an Actions run shows up in the
   * list within a minute of its dispatch.
   */
  startGraceMs?: number;
  /** Pending jobs per pass, oldest first; the rest wait for the next pass. Default 500. */
  limit?: number;
  /** Agent calls in flight at once. Default 4. */
  concurrency?: number;
  log?: { warn(message: string): void };
}

export interface ReconcileCounts {
  /** Pending jobs looked at. */
  pending: number;
  /** Finished, as their agent said. */
  finished: number;
  /** Still running. */
  running: number;
  /** Still running, and the record learned its URL or run id. */
  updated: number;
  /** Ended as errors: never started, or their run is gone. */
  lost: number;
  /** Within the grace period without a build, or with no agent configured here. */
  waiting: number;
  /** The agent or the store failed for them this pass. */
  failed: number;
}

export const defaultStartGraceMs = 10 * 60_000;

/** The job's own words for a run that cannot be found, in Prow's style ("Pod got deleted unexpectedly"). */
export const neverStartedDescription = 'Job never started: its start did not complete.';
export const runGoneDescription = (job: JobRecord): string => `Job run not found: ${job.agent} does not know ${job.buildId ?? 'it'}.`;

export async function reconcile(options: ReconcileOptions): Promise<ReconcileCounts> {
  const counts: ReconcileCounts = { pending: 0, finished: 0, running: 0, updated: 0, lost: 0, waiting: 0, failed: 0 };
  const jobs = await options.store.byState('pending', options.limit ?? 500);
  counts.pending = jobs.length;
  const grace = options.startGraceMs ?? defaultStartGraceMs;
  const now = options.now();
  const overdue = (job: JobRecord) => now.getTime() - Date.parse(job.startedAt ?? job.createdAt) > grace;
  const lose = async (job: JobRecord, description: string) => {
    await options.finish(job.id, { state: 'error', description, completedAt: now.toISOString() });
    counts.lost++;
  };

  await eachLimited(jobs, options.concurrency ?? 4, async (job) => {
    try {
      if (!job.buildId) {
        if (overdue(job)) await lose(job, neverStartedDescription);
        else counts.waiting++;
        return;
      }
      const agent = options.agents[job.agent];
      if (!agent) {
        // A job of an agent this deployment does not run (a `local` job left in the table): not ours to end.
        counts.waiting++;
        return;
      }
      const seen = await agent.observe(job);
      if (!seen) {
        if (overdue(job)) await lose(job, runGoneDescription(job));
        else counts.waiting++;
        return;
      }
      if (isFinished(seen.state)) {
        await options.finish(job.id, seen);
        counts.finished++;
        return;
      }
      counts.running++;
      const change = {
        ...(seen.url && seen.url !== job.url ? { url: seen.url } : {}),
        ...(seen.buildId && seen.buildId !== job.buildId ? { buildId: seen.buildId } : {}),
      };
      // A lost race (someone wrote first) is fine: the next pass sees the newer record.
      if (Object.keys(change).length > 0 && (await options.store.update(job, change))) counts.updated++;
    } catch (error) {
      counts.failed++;
      options.log?.warn(`reconcile ${job.name} (${job.id}) on ${job.agent}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return counts;
}

/** Runs `work` on each item, at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
