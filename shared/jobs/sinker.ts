// Prow's sinker (cmd/sinker/main.go clean) as one hourly run of a schedule: finished job records
// started more than `sinker.max_prowjob_age` ago are deleted — except the newest run of each
// periodic still in config, which horologium needs to know when the next run is due. Beyond Prow
// (whose pods carry their own timeout), a job still pending past its timeout is ended `error` and
// its build stopped, so a build whose end event was lost does not hold a concurrency slot forever.
// Logs are not deleted here: the artifacts bucket expires them after the configured retention.
// Only records listed by state are deleted, so the store's `latest#<name>` items (which name each
// periodic's newest run, and which no index lists) are never; like the BUILD_ID counters, they
// stay when a periodic leaves config (a run they name that is gone sends latestRuns to the query).
import { finishedStates, type JobRecord, type JobState } from './types.js';

export interface SinkerDeps {
  /** Jobs in a state, oldest first (store.byState). */
  byState(state: JobState, limit: number): Promise<JobRecord[]>;
  /** Each job name's newest run (store.latestRuns). */
  latestRuns(names: readonly string[]): Promise<Map<string, JobRecord | undefined>>;
  delete(id: string): Promise<void>;
  /** Ends a pending job past its timeout: `error` with the description, the agent's run stopped. */
  timeOut(job: JobRecord, description: string): Promise<void>;
  /** Names of the periodics in config. */
  periodics: readonly string[];
  maxJobAgeMs: number;
  now: Date;
  /** Records read per query. */
  pageSize?: number;
}

export interface SinkerResult {
  deleted: number;
  kept: number;
  timedOut: number;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

export async function sinkerRun(deps: SinkerDeps): Promise<SinkerResult> {
  const t = deps.now.getTime();
  const pageSize = deps.pageSize ?? 100;
  const active = new Set(deps.periodics);
  // Read once, for every periodic in config, when the first old periodic record needs it: the
  // same batched read as horologium's, so sinker keeps exactly the run horologium decides on.
  let newest: Promise<Map<string, JobRecord | undefined>> | undefined;
  const newestRun = async (name: string) => (await (newest ??= deps.latestRuns([...active]))).get(name)?.id;
  const result: SinkerResult = { deleted: 0, kept: 0, timedOut: 0 };

  for (const state of finishedStates) {
    // Oldest first: a page whose records are all kept or too young ends the walk for this state,
    // because records made later started later (createdAt never exceeds the start time).
    const kept = new Set<string>();
    for (;;) {
      const page = (await deps.byState(state, pageSize + kept.size)).filter((job) => !kept.has(job.id));
      let progress = 0;
      let young = false;
      for (const job of page) {
        // Prow measures age from the ProwJob's StartTime, which is our createdAt.
        if (t - ms(job.createdAt) <= deps.maxJobAgeMs) {
          young = true;
          break;
        }
        if (job.type === 'periodic' && active.has(job.name) && (await newestRun(job.name)) === job.id) {
          kept.add(job.id);
          result.kept++;
          progress++;
          continue;
        }
        await deps.delete(job.id);
        progress++;
        result.deleted++;
      }
      if (young || progress === 0 || page.length < pageSize) break;
    }
  }

  for (const job of await deps.byState('pending', 1000)) {
    const started = ms(job.startedAt ?? job.createdAt);
    if (t - started > job.run.timeoutSeconds * 1000) {
      await deps.timeOut(job, `Job timed out after ${formatDuration(job.run.timeoutSeconds)}.`);
      result.timedOut++;
    }
  }
  return result;
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
