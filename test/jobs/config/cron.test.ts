// Periodic cron strings as robfig/cron (Prow's parser: optional seconds, descriptors) reads them,
// and when they fire.
import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../shared/jobs/config/cron.js';
import { cronSchedule } from '../../../shared/jobs/config/cron-schedule.js';

const at = (iso: string) => new Date(iso);

describe('cronSchedule and parseCron', () => {
  it.each([
    { cron: '05 15 * * 1-5', after: '2026-01-01T00:00:00Z', next: '2026-01-01T15:05:00.000Z' }, // Prow's "Valid 5-field cron"
    { cron: '0 05 15 * * 1-5', after: '2026-01-01T00:00:00Z', next: '2026-01-01T15:05:00.000Z' }, // Prow's "Valid 6-field cron" (seconds first)
    { cron: '@daily', after: '2026-01-01T10:00:00Z', next: '2026-01-02T00:00:00.000Z' },
    { cron: '@hourly', after: '2026-01-01T10:30:00Z', next: '2026-01-01T11:00:00.000Z' },
    { cron: '@weekly', after: '2026-01-01T10:00:00Z', next: '2026-01-04T00:00:00.000Z' }, // a Sunday
    { cron: '@monthly', after: '2026-01-15T00:00:00Z', next: '2026-02-01T00:00:00.000Z' },
    { cron: '@yearly', after: '2026-01-15T00:00:00Z', next: '2027-01-01T00:00:00.000Z' },
    { cron: '@every 1h30m', after: '2026-01-01T00:00:00Z', next: '2026-01-01T01:30:00.000Z' },
    { cron: '11 */12 * * *', after: '2026-01-01T00:20:00Z', next: '2026-01-01T12:11:00.000Z' }, // knative's
    { cron: '0 19 * * */3', after: '2026-01-01T20:00:00Z', next: '2026-01-03T19:00:00.000Z' }, // */3: Sunday, Wednesday, Saturday
    { cron: '0 9 * * mon-fri/2', after: '2026-01-03T00:00:00Z', next: '2026-01-05T09:00:00.000Z' },
    { cron: '30 8 1,15 jan,jul ?', after: '2026-01-02T00:00:00Z', next: '2026-01-15T08:30:00.000Z' },
    { cron: '0 9 * * MON', after: '2026-01-01T00:00:00Z', next: '2026-01-05T09:00:00.000Z' },
    { cron: 'TZ=America/New_York 0 9 * * *', after: '2026-01-01T00:00:00Z', next: '2026-01-01T14:00:00.000Z' },
  ])('$cron', ({ cron, after, next }) => {
    expect(parseCron(cron)).toBeDefined();
    expect(cronSchedule(cron).next(at(after))?.toISOString()).toBe(next);
  });

  it.each([
    { cron: 'hello', message: 'expected 5 to 6 fields, found 1: [hello]' }, // Prow's "Invalid cron string" row
    { cron: '* * * * * * *', message: 'expected 5 to 6 fields, found 7: [* * * * * * *]' },
    { cron: '@fortnightly', message: 'unrecognized descriptor: @fortnightly' },
    { cron: '@every 1d', message: 'failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"' },
    { cron: '0 0 L * *', message: 'failed to parse int from L' },
    { cron: '0 9 * * 1#2', message: 'failed to parse int from 1#2' },
    { cron: '61 * * * *', message: 'end of range (61) above maximum (59): 61' },
    { cron: '0 0 * * 7', message: 'end of range (7) above maximum (6): 7' },
    { cron: '0 0 0 * *', message: 'beginning of range (0) below minimum (1): 0' },
    { cron: '0 5-2 * * *', message: 'beginning of range (5) beyond end of range (2): 5-2' },
    { cron: '*/0 * * * *', message: 'step of range should be a positive number: */0' },
    { cron: '1-2-3 * * * *', message: 'too many hyphens: 1-2-3' },
    { cron: '0 0 * JANUARY *', message: 'failed to parse int from JANUARY: strconv.Atoi: parsing "JANUARY": invalid syntax' },
    { cron: 'TZ=Mars/Olympus 0 0 * * *', message: 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus' },
    { cron: '', message: 'empty spec string' },
  ])('refuses $cron', ({ cron, message }) => {
    expect(() => parseCron(cron)).toThrow(message);
    expect(() => cronSchedule(cron)).toThrow(message);
  });
});
