// Prow's horologium (cmd/horologium/main.go sync) as one tick of a schedule: an EventBridge rule
// calls it every minute in AWS, a timer in local mode. For each periodic in config it decides
// from the job's newest run whether a new run is due:
// - `interval`: the newest run is finished and started more than `interval` ago;
// - `minimum_interval`: the newest run is finished and finished more than `minimum_interval` ago;
// - `cron` (UTC): the expression has fired since the newest run was made (or, with no run yet,
//   since the previous tick, as Prow's cron only queues a job when it fires), and that run is
//   finished;
// - with no run at all, an interval job runs at once;
// - Prow's `retry`: a failed newest run is run again after `retry.interval`, up to `attempts` runs.
// A tick that is retried, or two ticks at once, make one run: the new record's id is derived from
// the run it follows, so both ask plank for the same record and the store keeps one. The newest
// runs are read in one batch (store.latestRuns: a few BatchGetItem calls for all periodics, not
// a Query each), so a tick with nothing due costs a handful of reads whatever the number of jobs.
import { cronSchedule } from './config/cron-schedule.js';
import { isFinished, type JobRecord, type JobRequest, type Periodic } from './types.js';

/** Prow's kube.ReRunLabel: which attempt a retried periodic run is. */
export const reRunLabel = 'prow.k8s.io/re-run';
/** Prow's cap on `retry.attempts` (horologium's maxRetries). */
export const maxRetries = 10;

export interface HorologiumDeps {
  periodics: readonly Periodic[];
  /** Each job's newest run (store.latestRuns). */
  latestRuns(names: readonly string[]): Promise<Map<string, JobRecord | undefined>>;
  trigger(requests: JobRequest[]): Promise<unknown>;
  now: Date;
  /** How often ticks come: a cron that fired within the last tick starts a job's first run. */
  tickMs: number;
}

export interface Decision {
  name: string;
  trigger: boolean;
  why: string;
}

const ms = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

/** The first time `expression` fires after `after` (UTC unless it says `TZ=`), or undefined if it never does. */
export const nextCronRun = (expression: string, after: Date): Date | undefined => cronSchedule(expression).next(after);

/** Whether a periodic is due now, and why (for the log). */
export function decide(p: Periodic, last: JobRecord | undefined, now: Date, tickMs: number): { trigger: boolean; why: string; retryAttempt?: number } {
  const t = now.getTime();
  const done = last !== undefined && isFinished(last.state);
  let due: boolean;
  let why: string;
  if (p.cron !== undefined) {
    const since = last ? new Date(ms(last.createdAt)) : new Date(t - tickMs);
    const next = nextCronRun(p.cron, since);
    const fired = next !== undefined && next.getTime() <= t;
    due = fired && (last === undefined || done);
    why = !fired ? 'cron has not fired since the last run' : last && !done ? 'cron fired but the last run is unfinished' : 'cron fired';
  } else if (last === undefined) {
    return { trigger: true, why: 'no previous run' };
  } else if (!done) {
    due = false;
    why = 'the last run is unfinished';
  } else if (p.minimumIntervalMs !== undefined) {
    due = t - ms(last.completedAt) > p.minimumIntervalMs;
    why = due ? 'minimum_interval passed since the last run finished' : 'minimum_interval has not passed since the last run finished';
  } else {
    due = t - ms(last.createdAt) > (p.intervalMs ?? Number.POSITIVE_INFINITY);
    why = due ? 'interval passed since the last run started' : 'interval has not passed since the last run started';
  }
  if (due) return { trigger: true, why };
  const attempt = last && retryAttempt(p, last, t);
  if (attempt !== undefined) return { trigger: true, why: `retry ${attempt} of ${Math.min(p.retry!.attempts, maxRetries)}`, retryAttempt: attempt };
  return { trigger: false, why };
}

/** Prow's shouldTriggerFailedRun: the attempt number the next run would be, if it is to run. */
function retryAttempt(p: Periodic, last: JobRecord, t: number): number | undefined {
  const retry = p.retry;
  if (!retry) return undefined;
  if (!isFinished(last.state) && !retry.runAll) return undefined;
  const label = last.labels[reRunLabel];
  let run = 1;
  if (label !== undefined) {
    const count = Number(label);
    if (!Number.isInteger(count)) return undefined;
    run = count + 1;
  }
  if (run > Math.min(retry.attempts, maxRetries)) return undefined;
  if (t - ms(last.createdAt) <= retry.intervalMs) return undefined;
  if (!retry.runAll && last.state === 'success') return undefined;
  return run;
}

/** One tick: reads each periodic's newest run, triggers those due, and says what it decided. */
export async function horologiumTick(deps: HorologiumDeps): Promise<Decision[]> {
  const decisions: Decision[] = [];
  const requests: JobRequest[] = [];
  const latest = deps.periodics.length ? await deps.latestRuns(deps.periodics.map((p) => p.name)) : new Map<string, JobRecord | undefined>();
  for (const p of deps.periodics) {
    const last = latest.get(p.name);
    const d = decide(p, last, deps.now, deps.tickMs);
    decisions.push({ name: p.name, trigger: d.trigger, why: d.why });
    if (!d.trigger) continue;
    requests.push({
      definition: p,
      type: 'periodic',
      // The run this one follows names it: a second tick deciding the same makes the same record.
      cause: `horologium:after:${last?.id ?? 'none'}`,
      requestedBy: 'horologium',
      ...(d.retryAttempt !== undefined ? { labels: { [reRunLabel]: String(d.retryAttempt) } } : {}),
    });
  }
  if (requests.length) await deps.trigger(requests);
  return decisions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
