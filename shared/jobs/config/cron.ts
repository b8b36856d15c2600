// Periodic `cron:` strings checked as Prow checks them: robfig/cron v3's parser with an optional
// seconds field and descriptors (`@daily`, `@every 1h30m`), with robfig's messages. Checking is
// plain code, so the plugins function, which validates the whole config, does not bundle a cron
// engine; what the schedule means in time (horologium) is cron-schedule.ts.
import { DurationError, parseGoDuration } from './duration.js';

export class CronError extends Error {
  override name = 'CronError';
}

/** robfig's predefined schedules (parser.go parseDescriptor), as five-field patterns. */
export const cronDescriptors: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A cron string taken apart: its time zone, and either five or six fields or an @every interval. */
export type ParsedCron = { timezone: string; everyMs: number } | { timezone: string; fields: string[] };

interface Bounds {
  min: number;
  max: number;
  names?: readonly string[];
}
const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const second: Bounds = { min: 0, max: 59 };
const minute: Bounds = { min: 0, max: 59 };
const hour: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const month: Bounds = { min: 1, max: 12, names: months };
const dow: Bounds = { min: 0, max: 6, names: days };

const cache = new Map<string, ParsedCron | CronError>();

/** Checks a cron string as Prow's horologium would parse it; throws CronError with robfig's wording. */
export function parseCron(source: string): ParsedCron {
  let hit = cache.get(source);
  if (!hit) {
    try {
      hit = parse(source);
    } catch (error) {
      hit = error instanceof CronError ? error : new CronError(String(error));
    }
    cache.set(source, hit);
  }
  if (hit instanceof CronError) throw hit;
  return hit;
}

function parse(source: string): ParsedCron {
  let spec = source.trim();
  if (spec === '') throw new CronError('empty spec string');
  let timezone = 'UTC';
  const tz = /^(?:CRON_TZ|TZ)=(\S*)\s*/.exec(spec);
  if (tz) {
    timezone = tz[1]!;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new CronError(`provided bad location ${timezone}: unknown time zone ${timezone}`);
    }
    spec = spec.slice(tz[0].length).trim();
  }
  if (spec.startsWith('@')) {
    if (spec.startsWith('@every ')) {
      const text = spec.slice('@every '.length).trim();
      let every: number;
      try {
        every = parseGoDuration(text);
      } catch (error) {
        throw new CronError(`failed to parse duration ${spec}: ${(error as DurationError).message}`);
      }
      // robfig: "@every" rounds down to whole seconds and runs at least once a second.
      return { timezone, everyMs: Math.max(1000, Math.floor(every / 1000) * 1000) };
    }
    const pattern = cronDescriptors[spec];
    if (pattern === undefined) throw new CronError(`unrecognized descriptor: ${spec}`);
    spec = pattern;
  }
  const fields = spec.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) throw new CronError(`expected 5 to 6 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const bounds = fields.length === 6 ? [second, minute, hour, dom, month, dow] : [minute, hour, dom, month, dow];
  fields.forEach((field, i) => checkField(field, bounds[i]!));
  return { timezone, fields };
}

/** robfig's getField / getRange: comma-separated `*`, `?`, `n`, `n-m`, each with an optional `/step`. */
function checkField(field: string, b: Bounds): void {
  for (const expr of field.split(',')) {
    const rangeAndStep = expr.split('/');
    const lowAndHigh = rangeAndStep[0]!.split('-');
    const singleDigit = lowAndHigh.length === 1;
    let start: number;
    let end: number;
    if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
      start = b.min;
      end = b.max;
    } else {
      start = intOrName(lowAndHigh[0]!, b.names);
      if (lowAndHigh.length === 1) end = start;
      else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1]!, b.names);
      else throw new CronError(`too many hyphens: ${expr}`);
    }
    if (rangeAndStep.length === 2) {
      const step = mustParseInt(rangeAndStep[1]!);
      // "N/step" means N through the maximum.
      if (singleDigit && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = b.max;
      if (step <= 0) throw new CronError(`step of range should be a positive number: ${expr}`);
    } else if (rangeAndStep.length > 2) {
      throw new CronError(`too many slashes: ${expr}`);
    }
    if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
    if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
    if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  }
}

function intOrName(text: string, names: readonly string[] | undefined): number {
  const index = names?.indexOf(text.toLowerCase()) ?? -1;
  if (index >= 0) return names === months ? index + 1 : index;
  return mustParseInt(text);
}

/** Go's strconv.Atoi as robfig's mustParseInt uses it. */
function mustParseInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new CronError(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = Number(text);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${text}`);
  return n;
}
