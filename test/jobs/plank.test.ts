// Plank's lifecycle on the in-memory JobStore (the same contract as DynamoDB's, see store.test.ts)
// with a recording agent and a recording crier: Prow's TestMaxConcurrency rows
// (pkg/plank/controller_test.go; job queues have no counterpart), plank.max_concurrency, and the
// races — two workers syncing at once start a job once, a finish after an abort loses, a retried
// trigger creates one record, an abort while the agent is starting stops the run it started.
import { describe, expect, it } from 'vitest';
import { createPlank, descriptions, jobId, type Plank } from '../../shared/jobs/plank.js';
import type { JobRecord, JobRequest, Presubmit } from '../../shared/jobs/types.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { jobRecord } from '../fakes/plank-job-record.js';
import { periodic, postsubmit, presubmit, RecordingAgent } from '../fakes/plank-jobs.js';

const t0 = Date.parse('2024-05-01T12:00:00.000Z');

function setup(options: { maxConcurrency?: number } = {}) {
  const store = new MemoryJobStore();
  const agent = new RecordingAgent('local');
  const reports: string[] = [];
  const clock = { ms: t0 };
  const make = (): Plank =>
    createPlank({
      store,
      agents: (name) => {
        if (name !== 'local') throw new Error(`no ${name} agent here`);
        return agent;
      },
      report: async (job) => {
        reports.push(`${job.name} ${job.state}`);
      },
      config: () => ({ maxConcurrency: options.maxConcurrency ?? 0 }),
      now: () => clock.ms,
    });
  return { store, agent, reports, clock, plank: make(), make };
}

const refs = { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha: 'b0', pulls: [{ number: 1, author: 'alice', sha: 'h1', title: 'Add', headRef: 'feature' }] };
const request = (definition: Presubmit, cause = 'delivery-1'): JobRequest => ({ definition, type: 'presubmit', refs, cause, requestedBy: 'alice', installation: 7 });

const at = (s: number) => new Date(t0 + s * 1000).toISOString();

describe('trigger', () => {
  it('makes a triggered record from the definition, reports it, starts it with Prow’s environment, reports pending', async () => {
    // Prepare
    const { plank, store, agent, reports } = setup();
    const unit = presubmit('unit', { optional: true, maxConcurrency: 3, labels: { team: 'a' }, context: 'ci/unit' });

    // Act
    const [made] = await plank.trigger([request(unit)]);

    // Assess
    const id = jobId('delivery-1', 'unit');
    expect(made).toMatchObject({ id, state: 'triggered', buildNumber: '1', createdAt: at(0), version: 1 });
    expect(await store.get(id)).toEqual({
      id,
      name: 'unit',
      type: 'presubmit',
      refs,
      extraRefs: [],
      state: 'pending',
      description: descriptions.pending,
      startedAt: at(0),
      createdAt: at(0),
      agent: 'local',
      buildId: 'local-1',
      url: 'http://logs.example/local-1',
      buildNumber: '1',
      context: 'ci/unit',
      rerunCommand: '/test unit',
      report: true,
      optional: true,
      maxConcurrency: 3,
      run: { timeoutSeconds: 7200, container: unit.container },
      labels: { team: 'a' },
      annotations: {},
      installation: 7,
      requestedBy: 'alice',
      version: 3,
    });
    expect(agent.calls).toEqual(['start unit']);
    expect(agent.envs[0]).toMatchObject({ JOB_NAME: 'unit', JOB_TYPE: 'presubmit', PROW_JOB_ID: id, BUILD_ID: '1', PULL_NUMBER: '1', PULL_PULL_SHA: 'h1', PULL_REFS: 'main:b0,1:h1' });
    expect(reports).toEqual(['unit triggered', 'unit pending']);
  });

  it('a retried trigger (same cause and name) creates once, starts once and uses no second BUILD_ID', async () => {
    // Prepare
    const { plank, store, agent } = setup();
    const unit = presubmit('unit');

    // Act
    const first = await plank.trigger([request(unit)]);
    const again = await plank.trigger([request(unit)]);
    const both = await Promise.all([plank.trigger([request(unit, 'delivery-2')]), plank.trigger([request(unit, 'delivery-2')])]);

    // Assess
    expect(again[0]!.id).toBe(first[0]!.id);
    expect(both[0]![0]!.id).toBe(both[1]![0]!.id);
    expect(store.all()).toHaveLength(2);
    expect(store.writes.filter((w) => w.startsWith('create'))).toHaveLength(2);
    expect(agent.calls).toEqual(['start unit', 'start unit']);
    expect(await store.nextBuildNumber('unit')).not.toBe('2');
  });

  it('each job name counts its own BUILD_IDs; a postsubmit gets a context and no rerun command; a skip_report job is not reported by crier', async () => {
    // Prepare
    const { plank } = setup({ maxConcurrency: -1 });

    // Act
    const made = await plank.trigger([
      request(presubmit('unit')),
      request(presubmit('lint', { skipReport: true })),
      { definition: postsubmit('deploy'), type: 'postsubmit', refs: { ...refs, pulls: [] }, cause: 'push-1' },
      { definition: postsubmit('deploy'), type: 'postsubmit', refs: { ...refs, pulls: [] }, cause: 'push-2' },
    ]);

    // Assess
    expect(made.map((j) => `${j.name}#${j.buildNumber} report=${j.report}`)).toEqual(['unit#1 report=true', 'lint#1 report=false', 'deploy#1 report=true', 'deploy#2 report=true']);
    expect(made[2]).toMatchObject({ context: 'deploy', type: 'postsubmit' });
    expect(made[2]).not.toHaveProperty('rerunCommand');
  });

  it.each([
    { name: 'a presubmit', definition: presubmit('unit', { pathAlias: 'k8s.io/kubernetes' }), type: 'presubmit' as const, pulls: refs.pulls },
    { name: 'a postsubmit', definition: postsubmit('deploy', { pathAlias: 'k8s.io/kubernetes' }), type: 'postsubmit' as const, pulls: [] },
  ])('$name: the job’s path_alias goes on the event’s refs (Prow’s CompletePrimaryRefs)', async ({ definition, type, pulls }) => {
    // Prepare
    const { plank } = setup();

    // Act
    const [made] = await plank.trigger([{ definition, type, refs: { ...refs, pulls }, cause: 'delivery-1' }]);

    // Assess
    expect(made!.refs).toEqual({ ...refs, pulls, pathAlias: 'k8s.io/kubernetes' });
  });

  it('the job’s clone tuning goes on the event’s refs too, its clone_uri over the payload’s', async () => {
    // Prepare
    const { plank } = setup();
    const clone = { cloneUri: 'https://mirror.example/org/repo.git', skipSubmodules: true, cloneDepth: 1, skipFetchHead: true };

    // Act
    const [made] = await plank.trigger([{ definition: presubmit('unit', { clone }), type: 'presubmit', refs: { ...refs, cloneUri: 'https://github.com/org/repo.git' }, cause: 'delivery-1' }]);

    // Assess
    expect(made!.refs).toEqual({ ...refs, ...clone });
  });

  it('no path_alias: the event’s refs as they came', async () => {
    const { plank } = setup();
    const [made] = await plank.trigger([request(presubmit('unit'))]);
    expect(made!.refs).toEqual(refs);
  });

  it('a periodic takes its first extra ref as refs and the rest as extra refs; it is not reported to GitHub', async () => {
    // Prepare
    const { plank } = setup();
    const def = periodic('nightly', {
      extraRefs: [
        { org: 'acme', repo: 'infra', baseRef: 'main', workdir: true },
        { org: 'acme', repo: 'tools', baseRef: 'main', pathAlias: 'acme.dev/tools' },
      ],
    });

    // Act
    const [made] = await plank.trigger([{ definition: def, type: 'periodic', cause: 'periodic:nightly:2024-05-01T12:00' }]);

    // Assess
    expect(made).toMatchObject({
      refs: { org: 'acme', repo: 'infra', baseRef: 'main', pulls: [], workdir: true },
      extraRefs: [{ org: 'acme', repo: 'tools', baseRef: 'main', pulls: [], pathAlias: 'acme.dev/tools' }],
      report: false,
    });
    expect(made).not.toHaveProperty('context');
  });

  it('an agent that cannot start the job: error with the reason, reported', async () => {
    // Prepare
    const { plank, store, agent, reports } = setup();
    agent.failStart = new Error('the image has no entrypoint to run');

    // Act
    const [made] = await plank.trigger([request(presubmit('unit'))]);

    // Assess
    expect(await store.get(made!.id)).toMatchObject({
      state: 'error',
      description: 'Job can not be started: the image has no entrypoint to run',
      completedAt: at(0),
    });
    expect(reports).toEqual(['unit triggered', 'unit error']);
  });

  it('an agent start that fails for a while (throttled, unreachable): the job waits triggered and starts on the next sync', async () => {
    // Prepare
    const { plank, store, agent, reports } = setup();
    agent.failStart = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const [made] = await plank.trigger([request(presubmit('unit'))]);
    const waiting = await store.get(made!.id);
    agent.failStart = undefined;

    // Act
    await plank.sync();

    // Assess
    expect(waiting?.state).toBe('triggered');
    expect((await store.get(made!.id))?.state).toBe('pending');
    expect(agent.calls).toEqual(['start unit', 'start unit']);
    expect(reports).toEqual(['unit triggered', 'unit pending']);
  });

  it('an agent not available here: error, and the next job still starts', async () => {
    // Prepare
    const { plank, store } = setup();

    // Act
    const made = await plank.trigger([request(presubmit('gha', { agent: 'github-actions' })), request(presubmit('unit'))]);

    // Assess
    expect((await store.get(made[0]!.id))?.description).toBe('Job can not be started: no github-actions agent here');
    expect((await store.get(made[1]!.id))?.state).toBe('pending');
  });
});

describe('sync: Prow’s TestMaxConcurrency rows', () => {
  type Row = {
    name: string;
    maxConcurrency: number;
    /** Runs of the same job already pending. */
    pending?: number;
    /** Runs of the same job still triggered, seconds relative to the job under test (negative: older). */
    triggered?: number[];
    /** Finished runs of the same job. */
    finished?: number;
    /** plank.max_concurrency, and pending runs of other jobs. */
    global?: number;
    otherPending?: number;
    starts: boolean;
  };
  const rows: Row[] = [
    { name: 'Max concurrency 0 always runs', maxConcurrency: 0, pending: 10, starts: true },
    { name: 'Num pending exceeds max concurrency', maxConcurrency: 10, pending: 10, starts: false },
    { name: 'Num pending plus older instances equals max concurrency', maxConcurrency: 10, pending: 9, triggered: [-1], starts: false },
    { name: 'Num pending plus older instances exceeds max concurrency', maxConcurrency: 10, pending: 10, triggered: [-1], starts: false },
    { name: 'Have other jobs that are newer, can execute', maxConcurrency: 1, triggered: [1], starts: true },
    { name: 'Have older jobs that are not triggered, can execute', maxConcurrency: 2, pending: 1, finished: 1, starts: true },
    { name: 'plank.max_concurrency reached by other jobs: waits', maxConcurrency: 0, global: 2, otherPending: 2, starts: false },
    { name: 'plank.max_concurrency not reached: runs', maxConcurrency: 0, global: 3, otherPending: 2, starts: true },
    { name: 'plank.max_concurrency 0 is no limit', maxConcurrency: 0, global: 0, otherPending: 50, starts: true },
  ];

  it.each(rows)('$name', async (row) => {
    // Prepare
    const { plank, store } = setup({ maxConcurrency: row.global ?? 0 });
    const under = jobRecord({ id: 'under-test', name: 'my-pj', maxConcurrency: row.maxConcurrency, createdAt: at(100) });
    const seeds: JobRecord[] = [under];
    for (let i = 0; i < (row.pending ?? 0); i++) seeds.push(jobRecord({ id: `pending-${i}`, name: 'my-pj', state: 'pending', createdAt: at(i) }));
    for (const [i, offset] of (row.triggered ?? []).entries()) seeds.push(jobRecord({ id: `triggered-${i}`, name: 'my-pj', maxConcurrency: row.maxConcurrency, createdAt: at(100 + offset) }));
    for (let i = 0; i < (row.finished ?? 0); i++) seeds.push(jobRecord({ id: `done-${i}`, name: 'my-pj', state: 'success', createdAt: at(i) }));
    for (let i = 0; i < (row.otherPending ?? 0); i++) seeds.push(jobRecord({ id: `other-${i}`, name: 'other', state: 'pending', createdAt: at(i) }));
    for (const seed of seeds) await store.create(seed);

    // Act
    await plank.sync();

    // Assess
    expect((await store.get('under-test'))?.state).toBe(row.starts ? 'pending' : 'triggered');
  });

  it('over the limit a job stays triggered and starts when a slot frees (on finish), oldest first', async () => {
    // Prepare
    const { plank, store, agent, clock } = setup({ maxConcurrency: 1 });
    const made: JobRecord[] = [];
    for (const name of ['a', 'b', 'c']) {
      made.push(...(await plank.trigger([request(presubmit(name), `d-${name}`)])));
      clock.ms += 1000;
    }
    const states = async () => Promise.all(made.map(async (j) => (await store.get(j.id))!.state));
    const before = await states();

    // Act
    await plank.finish(made[0]!.id, { state: 'success' });
    const afterOne = await states();
    await plank.abort([(await store.get(made[1]!.id))!], 'Aborted by trigger plugin.');

    // Assess
    expect(before).toEqual(['pending', 'triggered', 'triggered']);
    expect(afterOne).toEqual(['success', 'pending', 'triggered']);
    expect(await states()).toEqual(['success', 'aborted', 'pending']);
    expect(agent.calls).toEqual(['start a', 'start b', 'abort b local-2', 'start c']);
  });

  it('per-job max_concurrency 1: runs of one job start one at a time, in trigger order; other jobs are not held up', async () => {
    // Prepare
    const { plank, store, clock } = setup();
    const e2e = presubmit('e2e', { maxConcurrency: 1 });
    const first = await plank.trigger([request(e2e, 'd1')]);
    clock.ms += 1000;
    const second = await plank.trigger([request(e2e, 'd2'), request(presubmit('unit'), 'd2')]);

    // Act
    await plank.finish(first[0]!.id, { state: 'failure' });

    // Assess
    expect((await store.get(second[0]!.id))?.state).toBe('pending');
    expect((await store.get(second[1]!.id))?.state).toBe('pending');
  });
});

describe('races', () => {
  it('two workers syncing at once start each job once, and keep the limit', async () => {
    // Prepare
    const { store, agent, make } = setup();
    for (const [i, name] of ['a', 'b', 'c'].entries()) await store.create(jobRecord({ id: `job-${name}`, name, createdAt: at(i) }));
    await store.create(jobRecord({ id: 'e2e-1', name: 'e2e', maxConcurrency: 1, createdAt: at(10) }));
    await store.create(jobRecord({ id: 'e2e-2', name: 'e2e', maxConcurrency: 1, createdAt: at(11) }));

    // Act
    await Promise.all([make().sync(), make().sync()]);

    // Assess
    expect([...agent.calls].sort()).toEqual(['start a', 'start b', 'start c', 'start e2e']);
    expect((await store.get('e2e-1'))?.state).toBe('pending');
    expect((await store.get('e2e-2'))?.state).toBe('triggered');
  });

  it('a finish after an abort loses silently; the aborted state and its one report stand', async () => {
    // Prepare
    const { plank, store, reports } = setup();
    const [made] = await plank.trigger([request(presubmit('unit'))]);
    await plank.abort([made!], 'Aborted by trigger plugin.');

    // Act
    const result = await plank.finish(made!.id, { state: 'success', description: 'late' });

    // Assess
    expect(result).toBeUndefined();
    expect(await store.get(made!.id)).toMatchObject({ state: 'aborted', description: 'Aborted by trigger plugin.' });
    expect(reports).toEqual(['unit triggered', 'unit pending', 'unit aborted']);
  });

  it('a second finish (a duplicate event) changes nothing and reports nothing', async () => {
    // Prepare
    const { plank, store, reports } = setup();
    const [made] = await plank.trigger([request(presubmit('unit'))]);
    await plank.finish(made!.id, { state: 'failure', url: 'http://logs.example/final', completedAt: at(30) });

    // Act
    const again = await plank.finish(made!.id, { state: 'success' });

    // Assess
    expect(again).toBeUndefined();
    expect(await store.get(made!.id)).toMatchObject({ state: 'failure', description: 'Job failed.', url: 'http://logs.example/final', completedAt: at(30) });
    expect(reports).toEqual(['unit triggered', 'unit pending', 'unit failure']);
  });

  it('a finish that races crier’s bookkeeping (version bumped) reads again and still wins', async () => {
    // Prepare
    const { plank, store } = setup();
    const [made] = await plank.trigger([request(presubmit('unit'))]);
    const current = (await store.get(made!.id))!;
    await store.update(current, { reportedState: 'pending' });

    // Act
    const done = await plank.finish(made!.id, { state: 'success' });

    // Assess
    expect(done).toMatchObject({ state: 'success', reportedState: 'pending', description: 'Job succeeded.' });
  });

  it('an abort while the agent is starting: the record is aborted and the run the agent started is stopped', async () => {
    // Prepare
    const { plank, store, agent, reports } = setup();
    agent.duringStart = async (job) => {
      await plank.abort([job], 'Aborted by trigger plugin.');
    };

    // Act
    const [made] = await plank.trigger([request(presubmit('unit'))]);

    // Assess
    expect(await store.get(made!.id)).toMatchObject({ state: 'aborted', buildId: 'local-1' });
    expect(agent.calls).toEqual(['start unit', 'abort unit local-1']);
    expect(reports).toEqual(['unit triggered', 'unit aborted']);
  });

  it('abort: only unfinished jobs; a triggered one is not sent to the agent; a pending one is stopped', async () => {
    // Prepare
    const { plank, store, agent, reports } = setup({ maxConcurrency: 1 });
    const made = await plank.trigger([request(presubmit('a')), request(presubmit('b'))]);
    await store.create(jobRecord({ id: 'done', name: 'c', state: 'success' }));

    // Act
    const aborted = await plank.abort([...made, (await store.get('done'))!], 'Aborted by trigger plugin.');

    // Assess
    expect(aborted.map((j) => j.name).sort()).toEqual(['a', 'b']);
    expect(agent.calls).toEqual(['start a', 'abort a local-1']);
    expect((await store.get('done'))?.state).toBe('success');
    expect(reports.filter((r) => r.endsWith('aborted'))).toEqual(['a aborted', 'b aborted']);
  });

  it('the by-state index lagging behind (DynamoDB GSIs are eventually consistent): a job just triggered still starts, a slot just freed is still used', async () => {
    // Prepare: an index frozen at a moment, as a GSI that has not caught up.
    class LaggingStore extends MemoryJobStore {
      frozen?: JobRecord[];
      override async byState(state: JobRecord['state'], limit?: number) {
        if (!this.frozen) return super.byState(state, limit);
        return this.frozen.filter((j) => j.state === state).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      }
    }
    const store = new LaggingStore();
    const agent = new RecordingAgent();
    const clock = { ms: t0 };
    const plank = createPlank({ store, agents: () => agent, report: async () => {}, config: () => ({ maxConcurrency: 1 }), now: () => clock.ms });
    store.frozen = [];

    // Act
    const [a] = await plank.trigger([request(presubmit('a'), 'd1')]);
    const startedA = [...agent.calls];
    store.frozen = undefined;
    clock.ms += 1000;
    const [b] = await plank.trigger([request(presubmit('b'), 'd2')]);
    const waitingB = (await store.get(b!.id))?.state;
    store.frozen = store.all(); // a still pending, b triggered, as the index will say for a while
    await plank.finish(a!.id, { state: 'success' });

    // Assess
    expect(startedA).toEqual(['start a']);
    expect(waitingB).toBe('triggered');
    expect(agent.calls).toEqual(['start a', 'start b']);
    expect((await store.get(b!.id))?.state).toBe('pending');
  });

  it('a crier that throws does not stop the job from starting', async () => {
    // Prepare
    const store = new MemoryJobStore();
    const agent = new RecordingAgent();
    const warnings: string[] = [];
    const plank = createPlank({
      store,
      agents: () => agent,
      report: async () => {
        throw new Error('GitHub is down');
      },
      config: () => ({ maxConcurrency: 0 }),
      log: { info: () => {}, warn: (message) => warnings.push(message) },
    });

    // Act
    const [made] = await plank.trigger([request(presubmit('unit'))]);

    // Assess
    expect((await store.get(made!.id))?.state).toBe('pending');
    expect(warnings).toContain('could not report a job state');
  });
});
