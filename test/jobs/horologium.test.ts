// Prow's cmd/horologium/main_test.go tables (TestSync, TestSyncCron, TestSyncMinimumInterval),
// with an injected clock; then ticks over the in-memory store and the real plank: one run per due
// slot, every newest run read in one batched call, and runs made before the store's latest#
// pointers (an upgrade, a rollback) still followed.
import { describe, expect, it } from 'vitest';
import { decide, horologiumTick, nextCronRun, reRunLabel } from '../../shared/jobs/horologium.js';
import { createPlank, jobId } from '../../shared/jobs/plank.js';
import type { JobRecord, JobRequest, JobState, Periodic } from '../../shared/jobs/types.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { periodic as periodicJob, RecordingAgent } from '../fakes/plank-jobs.js';

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

/** A latestRuns answering each name with `of(name)`. */
const runs =
  (of: (name: string) => JobRecord | undefined) =>
  async (names: readonly string[]): Promise<Map<string, JobRecord | undefined>> =>
    new Map(names.map((name) => [name, of(name)]));

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
    await horologiumTick({ periodics: [p(retry)], latestRuns: runs(() => last), trigger: async (r) => void requests.push(...r), now, tickMs: minute });
    expect(requests.length).toBe(start ? 1 : 0);
    if (label) expect(requests[0]!.labels).toEqual({ [reRunLabel]: label });
  });

  it('a job with another name does not count as a run of this one', async () => {
    const requests: JobRequest[] = [];
    const byName = new Map([['not-j', run({ name: 'not-j', startedAgo: hour, complete: true })]]);
    await horologiumTick({ periodics: [p()], latestRuns: runs((name) => byName.get(name)), trigger: async (r) => void requests.push(...r), now, tickMs: minute });
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
    const tick = () => horologiumTick({ periodics: [periodic({ intervalMs: minute })], latestRuns: runs(() => last), trigger: async (r) => void requests.push(...r), now, tickMs: minute });
    await Promise.all([tick(), tick()]);
    expect(requests.map((r) => r.cause)).toEqual([`horologium:after:${last.id}`, `horologium:after:${last.id}`]);
  });
});

describe('ticks over the store and plank', () => {
  // Midnight UTC: a cron of every ten minutes fires at the first tick.
  const t0 = Date.parse('2026-12-01T00:00:00.000Z');

  function setup(periodics: Periodic[]) {
    const store = new MemoryJobStore();
    const clock = { ms: t0 };
    const plank = createPlank({ store, agents: () => new RecordingAgent('local'), report: async () => {}, config: () => ({ maxConcurrency: 0 }), now: () => clock.ms });
    const tick = (atMinute: number) => {
      clock.ms = t0 + atMinute * minute;
      return horologiumTick({ periodics, latestRuns: (names) => store.latestRuns(names), trigger: (r) => plank.trigger(r), now: new Date(clock.ms), tickMs: minute });
    };
    /** Every unfinished run ends `success` at that minute, as an agent's report would. */
    const finishAll = async (atMinute: number) => {
      clock.ms = t0 + atMinute * minute;
      for (const job of await store.byState('pending')) await plank.finish(job.id, { state: 'success' });
    };
    const runs = () => store.all().filter((r) => r.type === 'periodic');
    return { store, tick, finishAll, runs };
  }

  // Each step: ticks at a minute (`ticks` of them at once, as a retried or doubled schedule would
  // send), or every run finishing; `runs` is how many runs exist after the step.
  type Step = { tick: number; ticks?: number; runs: number } | { finish: number; runs: number };
  const rows: { name: string; definition: Partial<Periodic>; steps: Step[] }[] = [
    {
      name: 'interval 10m',
      definition: { intervalMs: 10 * minute },
      steps: [
        { tick: 0, ticks: 2, runs: 1 },
        { tick: 1, runs: 1 },
        { finish: 2, runs: 1 },
        { tick: 5, runs: 1 },
        { tick: 11, ticks: 3, runs: 2 },
        { tick: 12, runs: 2 },
        { finish: 13, runs: 2 },
        { tick: 22, ticks: 2, runs: 3 },
      ],
    },
    {
      name: 'minimum_interval 10m',
      definition: { intervalMs: undefined, minimumIntervalMs: 10 * minute },
      steps: [
        { tick: 0, runs: 1 },
        { finish: 5, runs: 1 },
        { tick: 11, ticks: 2, runs: 1 },
        { tick: 16, ticks: 2, runs: 2 },
        { tick: 17, runs: 2 },
      ],
    },
    {
      name: 'cron */10',
      definition: { intervalMs: undefined, cron: '*/10 * * * *' },
      steps: [
        { tick: 0, ticks: 2, runs: 1 },
        { finish: 1, runs: 1 },
        { tick: 5, runs: 1 },
        { tick: 10, ticks: 2, runs: 2 },
        { tick: 11, runs: 2 },
        { finish: 12, runs: 2 },
        { tick: 15, runs: 2 },
        { tick: 20, runs: 3 },
      ],
    },
  ];

  it.each(rows)('one run per due slot: $name', async ({ definition, steps }) => {
    // Prepare
    const { tick, finishAll, runs } = setup([periodicJob('j', definition)]);

    for (const step of steps) {
      // Act
      if ('finish' in step) await finishAll(step.finish);
      else await Promise.all(Array.from({ length: step.ticks ?? 1 }, () => tick(step.tick)));

      // Assess
      expect(runs(), JSON.stringify(step)).toHaveLength(step.runs);
    }
    // Each run follows the one before it: one chain, no fork.
    const all = runs();
    const ids = new Set(all.map((r) => r.id));
    const followers = all.filter((r) => ids.has(jobId(`horologium:after:${r.id}`, 'j')));
    expect(followers).toHaveLength(all.length - 1);
  });

  it('a tick reads every newest run in one latestRuns call; with nothing due it reads and writes nothing else', async () => {
    // Prepare
    const periodics = ['a', 'b', 'c'].map((name) => periodicJob(name, { intervalMs: 10 * minute }));
    const { store, tick, finishAll } = setup(periodics);
    await tick(0);
    await finishAll(1);
    const [reads, writes] = [store.reads.length, store.writes.length];

    // Act
    const decisions = await tick(2);

    // Assess
    expect(decisions.map((d) => d.trigger)).toEqual([false, false, false]);
    expect(store.reads.slice(reads)).toEqual(['latestRuns a,b,c']);
    expect(store.writes.slice(writes)).toEqual([]);
  });

  it('runs made before the latest# pointers (an upgrade): the first tick follows them by query, the next reads by key', async () => {
    // Prepare
    const { store, tick, runs } = setup([periodicJob('j', { intervalMs: 30 * minute })]);
    const legacy = { ...run({ startedAgo: 0, complete: true }), id: 'legacy-run', createdAt: new Date(t0 - 2 * hour).toISOString(), completedAt: new Date(t0 - hour).toISOString() };
    store.createWithoutPointer(legacy);

    // Act
    const first = await Promise.all([tick(0), tick(0)]);
    const reads = store.reads.length;
    const second = await tick(1);

    // Assess
    expect(first.map((d) => d[0]!.why)).toEqual(['interval passed since the last run started', 'interval passed since the last run started']);
    expect(runs().map((r) => r.id).sort()).toEqual([jobId('horologium:after:legacy-run', 'j'), 'legacy-run'].sort());
    expect(second[0]).toMatchObject({ trigger: false, why: 'the last run is unfinished' });
    expect(store.reads.slice(reads).filter((r) => r.startsWith('byName'))).toEqual([]);
  });

  it('a run made without its pointer after a pointed one (a rollback) is caught up at the first tick that asks for it again', async () => {
    // Prepare: the pointer names `pointed`; a version before the pointers then made its follower.
    const { store, tick, runs } = setup([periodicJob('j', { intervalMs: 30 * minute })]);
    const pointed = { ...run({ startedAgo: 0, complete: true }), id: 'pointed', createdAt: new Date(t0 - 3 * hour).toISOString(), completedAt: new Date(t0 - 3 * hour).toISOString() };
    await store.create(pointed);
    const follower = { ...pointed, id: jobId('horologium:after:pointed', 'j'), createdAt: new Date(t0 - 2 * hour).toISOString(), completedAt: new Date(t0 - 2 * hour).toISOString() };
    store.createWithoutPointer(follower);

    // Act
    await tick(0);
    await tick(1);
    const third = await tick(2);

    // Assess: the first tick asked for the follower (which exists); the second decided from it and
    // made its own follower (without the catch-up it would ask for the follower again, forever);
    // the third sees that one unfinished.
    expect(runs().map((r) => r.id).sort()).toEqual(['pointed', follower.id, jobId(`horologium:after:${follower.id}`, 'j')].sort());
    expect(third[0]).toMatchObject({ trigger: false, why: 'the last run is unfinished' });
  });
});
