// Periodic `cron:` strings as Prow reads them: robfig/cron's parser with an optional seconds
// field and descriptors (`@daily`, `@every 1h30m`), always in UTC as horologium runs them.
// croner evaluates the schedule; what robfig refuses and croner would accept (`L`, `W`, `#`,
// a seventh field) is refused here first, so a config Prow rejects is rejected here too.
import { Cron } from 'croner';
import { DurationError, parseGoDuration } from './duration.js';

export class CronError extends Error {
  override name = 'CronError';
}

export interface CronSchedule {
  readonly source: string;
  /** The first time the schedule fires strictly after `after` (UTC). */
  next(after: Date): Date | undefined;
}

// robfig's predefined schedules (cron/v3 parser.go parseDescriptor), as five-field patterns.
const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const cache = new Map<string, CronSchedule | CronError>();

/** Parses a cron string as Prow's horologium would; throws CronError with robfig's wording where it has one. */
export function parseCron(source: string): CronSchedule {
  let hit = cache.get(source);
  if (!hit) {
    try {
      hit = compile(source);
    } catch (error) {
      hit = error instanceof CronError ? error : new CronError(error instanceof Error ? error.message : String(error));
    }
    cache.set(source, hit);
  }
  if (hit instanceof CronError) throw hit;
  return hit;
}

function compile(source: string): CronSchedule {
  let spec = source.trim();
  // robfig: "CRON_TZ=Asia/Tokyo 0 6 * * ?" or "TZ=…" selects the time zone.
  let timezone = 'UTC';
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(spec);
  if (tz) {
    timezone = tz[1]!;
    spec = spec.slice(tz[0].length);
  }
  if (spec === '') throw new CronError('empty spec string');
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      let every: number;
      try {
        every = parseGoDuration(spec.slice('@every '.length).trim());
      } catch (error) {
        throw new CronError(`failed to parse duration ${spec}: ${(error as DurationError).message}`);
      }
      // robfig rounds to whole seconds and runs at least once a second.
      const ms = Math.max(1000, Math.floor(every / 1000) * 1000);
      return { source, next: (after) => new Date(after.getTime() + ms) };
    }
    const pattern = descriptors[spec];
    if (pattern === undefined) throw new CronError(`unrecognized descriptor: ${spec}`);
    spec = pattern;
  }
  const fields = spec.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) throw new CronError(`expected 5 to 6 fields, found ${fields.length}: [${fields.join(' ')}]`);
  for (const field of fields) {
    const bad = /[LW#]/i.exec(field.replace(/[a-z]{3}/gi, (name) => (/^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i.test(name) ? '' : name)));
    if (bad) throw new CronError(`failed to parse int from ${field}: strconv.Atoi: parsing ${JSON.stringify(field)}: invalid syntax`);
  }
  // legacyMode (croner's default): day-of-month and day-of-week are ORed, as in robfig and Vixie cron.
  const cron = new Cron(spec, { paused: true, timezone });
  return { source, next: (after) => cron.nextRun(after) ?? undefined };
}
