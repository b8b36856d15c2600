// Prow's cmd/horologium/main_test.go tables (TestSync, TestSyncCron, TestSyncMinimumInterval),
// with an injected clock.
import { describe, expect, it } from 'vitest';
import { decide, horologiumTick, nextCronRun, reRunLabel } from '../../shared/jobs/horologium.js';
import type { JobRecord, JobRequest, JobState, Periodic } from '../../shared/jobs/types.js';

const now = new Date('2026-12-03T12:00:30Z');
const minute = 60_000;
const hour = 60 * minute;

const periodic = (over: Partial<Periodic> = {}): Periodic => ({
  kind: 'periodic',
  name: 'j',
  agent: 'local',
  labels: {},
  annotations: {},
  maxConcurrency: 0,
  timeoutSeconds: 7200,
  extraRefs: [],
  source: 'test',
  ...over,
});

const run = (over: { name?: string; startedAgo: number; complete: boolean; completedAgo?: number; state?: JobState; rerun?: number }): JobRecord => ({
  id: `run-${over.name ?? 'j'}`,
  name: over.name ?? 'j',
  type: 'periodic',
  extraRefs: [],
  state: over.state ?? (over.complete ? 'success' : 'pending'),
  createdAt: new Date(now.getTime() - over.startedAgo).toISOString(),
  ...(over.complete ? { completedAt: new Date(now.getTime() - (over.completedAgo ?? 1)).toISOString() } : {}),
  agent: 'local',
  buildNumber: '1',
  report: false,
  maxConcurrency: 0,
  run: { timeoutSeconds: 7200 },
  labels: over.rerun ? { [reRunLabel]: String(over.rerun) } : {},
  annotations: {},
  version: 1,
});

describe('interval (TestSync)', () => {
  const p = (retry?: Periodic['retry']) => periodic({ intervalMs: 30 * minute, ...(retry ? { retry } : {}) });
  it.each([
    { name: 'no job', last: undefined, retry: undefined, start: true },
    { name: 'old, complete job', last: run({ startedAgo: hour, complete: true }), retry: undefined, start: true },
    { name: 'old, incomplete job', last: run({ startedAgo: hour, complete: false }), retry: undefined, start: false },
    { name: 'new, complete job', last: run({ startedAgo: 1000, complete: true }), retry: undefined, start: false },
    { name: 'new, incomplete job', last: run({ startedAgo: 1000, complete: false }), retry: undefined, start: false },
    { name: 'complete job meant to be re-run', last: run({ startedAgo: minute + 1, complete: true, state: 'failure', rerun: 1 }), retry: { attempts: 3, intervalMs: minute, runAll: false }, start: true, label: '2' },
    { name: 'failed job but horologium limit is reached', last: run({ startedAgo: minute + 1, complete: true, state: 'failure', rerun: 10 }), retry: { attempts: 13, intervalMs: minute, runAll: false }, start: false },
    { name: 'running job not meant to be re-run', last: run({ startedAgo: minute + 1, complete: false, rerun: 1 }), retry: { attempts: 3, intervalMs: minute, runAll: false }, start: false },
    { name: 'running job meant to be re-run when RunAll', last: run({ startedAgo: minute + 1, complete: false, rerun: 1 }), retry: { attempts: 3, intervalMs: minute, runAll: true }, start: true, label: '2' },
    { name: 'complete job re-run even if success with RunAll', last: run({ startedAgo: minute + 1, complete: true, rerun: 1 }), retry: { attempts: 3, intervalMs: minute, runAll: true }, start: true, label: '2' },
    { name: 'complete job not re-run after 3 attempts', last: run({ startedAgo: minute + 1, complete: true, rerun: 3 }), retry: { attempts: 3, intervalMs: minute, runAll: true }, start: false },
    { name: 'not re-run until_success after success', last: run({ startedAgo: minute + 1, complete: true, rerun: 2 }), retry: { attempts: 3, intervalMs: minute, runAll: false }, start: false },
    { name: 'retry interval not yet passed', last: run({ startedAgo: 30_000, complete: true, state: 'failure' }), retry: { attempts: 3, intervalMs: minute, runAll: false }, start: false },
  ])('$name', async ({ last, retry, start, label }) => {
    const requests: JobRequest[] = [];
    await horologiumTick({ periodics: [p(retry)], latest: async () => last, trigger: async (r) => void requests.push(...r), now, tickMs: minute });
    expect(requests.length).toBe(start ? 1 : 0);
    if (label) expect(requests[0]!.labels).toEqual({ [reRunLabel]: label });
  });

  it('a job with another name does not count as a run of this one', async () => {
    const requests: JobRequest[] = [];
    const runs = new Map([['not-j', run({ name: 'not-j', startedAgo: hour, complete: true })]]);
    await horologiumTick({ periodics: [p()], latest: async (name) => runs.get(name), trigger: async (r) => void requests.push(...r), now, tickMs: minute });
    expect(requests.map((r) => r.definition.name)).toEqual(['j']);
  });
});

describe('minimum_interval (TestSyncMinimumInterval)', () => {
  const p = periodic({ minimumIntervalMs: minute });
  it.each([
    { name: 'no job', last: undefined, start: true },
    { name: 'old, complete job', last: run({ startedAgo: hour, complete: true, completedAgo: hour }), start: true },
    { name: 'old, recently complete job', last: run({ startedAgo: hour, complete: true, completedAgo: 1 }), start: false },
    { name: 'old, incomplete job', last: run({ startedAgo: hour, complete: false }), start: false },
    { name: 'new, complete job', last: run({ startedAgo: 1000, complete: true }), start: false },
    { name: 'new, incomplete job', last: run({ startedAgo: 1000, complete: false }), start: false },
  ])('$name', ({ last, start }) => {
    expect(decide(p, last, now, minute).trigger).toBe(start);
  });
});

describe('cron (TestSyncCron)', () => {
  it.each([
    { name: 'no job, fired within the last tick', cron: '* * * * *', last: undefined, start: true },
    { name: 'no job, not fired within the last tick', cron: '0 3 * * *', last: undefined, start: false },
    { name: 'job still running', cron: '* * * * *', last: run({ startedAgo: hour, complete: false }), start: false },
    { name: 'job finished, fired since', cron: '* * * * *', last: run({ startedAgo: hour, complete: true }), start: true },
    { name: 'job finished, not fired since', cron: '0 3 * * *', last: run({ startedAgo: hour, complete: true }), start: false },
    { name: '@every 1m after a finished run', cron: '@every 1m', last: run({ startedAgo: hour, complete: true }), start: true },
    { name: '@hourly descriptor fired since', cron: '@hourly', last: run({ startedAgo: hour, complete: true }), start: true },
    { name: '@daily not fired since this morning', cron: '@daily', last: run({ startedAgo: hour, complete: true }), start: false },
  ])('$name', ({ cron, last, start }) => {
    expect(decide(periodic({ cron }), last, now, minute).trigger).toBe(start);
  });

  it('evaluates cron in UTC', () => {
    expect(nextCronRun('0 3 * * *', new Date('2026-12-03T02:59:00Z'))?.toISOString()).toBe('2026-12-03T03:00:00.000Z');
  });
});

describe('one run per due slot', () => {
  it('two ticks deciding on the same newest run ask for the same record', async () => {
    const requests: JobRequest[] = [];
    const last = run({ startedAgo: hour, complete: true });
    const tick = () => horologiumTick({ periodics: [periodic({ intervalMs: minute })], latest: async () => last, trigger: async (r) => void requests.push(...r), now, tickMs: minute });
    await Promise.all([tick(), tick()]);
    expect(requests.map((r) => r.cause)).toEqual([`horologium:after:${last.id}`, `horologium:after:${last.id}`]);
  });
});
