// When a periodic's `cron:` fires, for horologium: the string checked as Prow's parser reads it
// (cron.ts), then evaluated by croner in the schedule's time zone (UTC unless `TZ=` says
// otherwise). Kept apart from cron.ts so that only what needs times bundles croner.
import { Cron } from 'croner';
import { parseCron } from './cron.js';

export interface CronSchedule {
  readonly source: string;
  /** The first time the schedule fires strictly after `after`. */
  next(after: Date): Date | undefined;
}

const schedules = new Map<string, CronSchedule>();

/** Throws CronError (robfig's message) for a string Prow would refuse. */
export function cronSchedule(source: string): CronSchedule {
  let schedule = schedules.get(source);
  if (schedule) return schedule;
  const parsed = parseCron(source);
  if ('everyMs' in parsed) {
    const every = parsed.everyMs;
    schedule = { source, next: (after) => new Date(after.getTime() + every) };
  } else {
    // legacyMode (croner's default): day-of-month and day-of-week are ORed when both are set, as in robfig and Vixie cron.
    const cron = new Cron(parsed.fields.join(' '), { paused: true, timezone: parsed.timezone });
    schedule = { source, next: (after) => cron.nextRun(after) ?? undefined };
  }
  schedules.set(source, schedule);
  return schedule;
}
