// The reconciler with a recording fake store and fake agents: what each kind of pending job
// becomes, the counts, and that one job's trouble does not stop the pass.
import { describe, expect, it } from 'vitest';
import { neverStartedDescription, reconcile } from '../../shared/jobs/reconciler.js';
import type { AgentName, AgentObservation, JobAgent, JobChange, JobRecord, JobState, JobStore } from '../../shared/jobs/types.js';
import { pendingJobRecord } from '../fakes/plank-job-record.js';

const now = new Date('2026-12-03T15:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

class RecordingStore implements Pick<JobStore, 'byState' | 'update'> {
  readonly updates: { id: string; change: JobChange }[] = [];
  readonly asked: { state: JobState; limit: number | undefined }[] = [];
  constructor(
    private readonly jobs: JobRecord[],
    private readonly stale = new Set<string>(),
  ) {}
  async byState(state: JobState, limit?: number): Promise<JobRecord[]> {
    this.asked.push({ state, limit });
    return this.jobs.filter((j) => j.state === state).slice(0, limit);
  }
  async update(job: JobRecord, change: JobChange): Promise<JobRecord | undefined> {
    if (this.stale.has(job.id)) return undefined;
    this.updates.push({ id: job.id, change });
    return { ...job, ...change, version: job.version + 1 };
  }
}

/** An agent that answers from a table by build id; `throws` makes observe fail for one. */
function fakeAgent(name: AgentName, seen: Record<string, AgentObservation | 'throws'>): JobAgent & { observed: string[] } {
  const observed: string[] = [];
  return {
    name,
    observed,
    async start() {
      throw new Error('the reconciler never starts');
    },
    async observe(job) {
      observed.push(job.id);
      const answer = seen[job.buildId ?? ''];
      if (answer === 'throws') throw new Error('ThrottlingException: Rate exceeded');
      return answer;
    },
    async abort() {
      throw new Error('the reconciler never aborts');
    },
  };
}

interface Row {
  name: string;
  job: Partial<JobRecord>;
  seen?: AgentObservation | 'throws';
  finished?: AgentObservation;
  updated?: JobChange;
  count: 'finished' | 'running' | 'updated' | 'lost' | 'waiting' | 'failed';
}

const rows: Row[] = [
  {
    name: 'a build that succeeded is finished',
    job: { buildId: 'b1' },
    seen: { state: 'success', description: 'Job succeeded.', completedAt: minutesAgo(1) },
    finished: { state: 'success', description: 'Job succeeded.', completedAt: minutesAgo(1) },
    count: 'finished',
  },
  { name: 'a build that failed is finished', job: { buildId: 'b1' }, seen: { state: 'failure', description: 'Job failed.' }, finished: { state: 'failure', description: 'Job failed.' }, count: 'finished' },
  { name: 'a stopped build is finished as aborted', job: { buildId: 'b1' }, seen: { state: 'aborted', description: 'Job aborted.' }, finished: { state: 'aborted', description: 'Job aborted.' }, count: 'finished' },
  { name: 'a running build is left running', job: { buildId: 'b1', url: 'https://ci/1' }, seen: { state: 'pending', url: 'https://ci/1' }, count: 'running' },
  {
    name: 'a running Actions run found by its title stores its run id and URL',
    job: { agent: 'github-actions', buildId: 'dispatched ci.yaml@main', url: 'https://github.com/acme/widgets/actions/workflows/ci.yaml' },
    seen: { state: 'pending', buildId: '9001', url: 'https://github.com/acme/widgets/actions/runs/9001' },
    updated: { url: 'https://github.com/acme/widgets/actions/runs/9001', buildId: '9001' },
    count: 'updated',
  },
  { name: 'no build id yet, within the grace: its start may be under way', job: { buildId: undefined, startedAt: minutesAgo(2) }, count: 'waiting' },
  {
    name: 'no build id past the grace: the start crashed midway',
    job: { buildId: undefined, startedAt: minutesAgo(11) },
    finished: { state: 'error', description: neverStartedDescription, completedAt: now.toISOString() },
    count: 'lost',
  },
  {
    name: 'no start time either: measured from its creation',
    job: { buildId: undefined, startedAt: undefined, createdAt: minutesAgo(30) },
    finished: { state: 'error', description: neverStartedDescription, completedAt: now.toISOString() },
    count: 'lost',
  },
  { name: 'a run the agent does not know yet, within the grace', job: { buildId: 'b404', startedAt: minutesAgo(1) }, count: 'waiting' },
  {
    name: 'a run the agent does not know past the grace is gone',
    job: { buildId: 'b404', startedAt: minutesAgo(20) },
    finished: { state: 'error', description: 'Job run not found: codebuild does not know b404.', completedAt: now.toISOString() },
    count: 'lost',
  },
  { name: 'an agent that fails to answer leaves the job for the next pass', job: { buildId: 'bthrow' }, seen: 'throws', count: 'failed' },
  { name: 'a job of an agent not configured here is not ours to end', job: { agent: 'local', buildId: 'pid-1', startedAt: minutesAgo(60) }, count: 'waiting' },
];

describe('reconcile', () => {
  it.each(rows)('$name', async (row) => {
    // Prepare
    const job = pendingJobRecord(row.job);
    const store = new RecordingStore([job]);
    const seen = row.seen ? { [job.buildId ?? '']: row.seen } : {};
    const agents = { codebuild: fakeAgent('codebuild', seen), 'github-actions': fakeAgent('github-actions', seen) };
    const finished: { id: string; observation: AgentObservation }[] = [];

    // Act
    const counts = await reconcile({ store, agents, finish: async (id, observation) => void finished.push({ id, observation }), now: () => now, log: { warn: () => {} } });

    // Assess
    expect(finished).toEqual(row.finished ? [{ id: job.id, observation: row.finished }] : []);
    expect(store.updates).toEqual(row.updated ? [{ id: job.id, change: row.updated }] : []);
    const want = { pending: 1, finished: 0, running: 0, updated: 0, lost: 0, waiting: 0, failed: 0, [row.count]: 1 };
    if (row.count === 'updated') want.running = 1;
    expect(counts).toEqual(want);
  });

  it('looks only at pending jobs, oldest first, at most `limit`, and goes on past a failing one', async () => {
    // Prepare
    const jobs = [
      pendingJobRecord({ id: 'j1', buildId: 'bthrow' }),
      pendingJobRecord({ id: 'j2', buildId: 'b2' }),
      pendingJobRecord({ id: 'j3', buildId: 'b3', state: 'triggered' }),
      pendingJobRecord({ id: 'j4', buildId: 'b4' }),
      pendingJobRecord({ id: 'j5', buildId: 'b5' }),
    ];
    const store = new RecordingStore(jobs);
    const agent = fakeAgent('codebuild', { bthrow: 'throws', b2: { state: 'success' }, b4: { state: 'pending' }, b5: { state: 'error', description: 'CodeBuild fault.' } });
    const finished: string[] = [];
    const warnings: string[] = [];

    // Act
    const counts = await reconcile({
      store,
      agents: { codebuild: agent },
      finish: async (id) => void finished.push(id),
      now: () => now,
      limit: 3,
      concurrency: 2,
      log: { warn: (m) => void warnings.push(m) },
    });

    // Assess
    expect(store.asked).toEqual([{ state: 'pending', limit: 3 }]);
    expect(agent.observed.sort()).toEqual(['j1', 'j2', 'j4']);
    expect(finished).toEqual(['j2']);
    expect(counts).toEqual({ pending: 3, finished: 1, running: 1, updated: 0, lost: 0, waiting: 0, failed: 1 });
    expect(warnings).toEqual(['reconcile unit (j1) on codebuild: ThrottlingException: Rate exceeded']);
  });

  it('a finish that fails is counted and the pass goes on', async () => {
    const store = new RecordingStore([pendingJobRecord({ id: 'j1', buildId: 'b1' }), pendingJobRecord({ id: 'j2', buildId: 'b2' })]);
    const agent = fakeAgent('codebuild', { b1: { state: 'success' }, b2: { state: 'failure' } });
    const finished: string[] = [];
    const counts = await reconcile({
      store,
      agents: { codebuild: agent },
      finish: async (id) => {
        if (id === 'j1') throw new Error('ConditionalCheckFailed');
        finished.push(id);
      },
      now: () => now,
      concurrency: 1,
    });
    expect(finished).toEqual(['j2']);
    expect(counts).toMatchObject({ finished: 1, failed: 1 });
  });

  it('a URL update that lost a race is not counted as stored', async () => {
    const job = pendingJobRecord({ buildId: 'b1' });
    const store = new RecordingStore([job], new Set([job.id]));
    const counts = await reconcile({ store, agents: { codebuild: fakeAgent('codebuild', { b1: { state: 'pending', url: 'https://ci/new' } }) }, finish: async () => {}, now: () => now });
    expect(counts).toMatchObject({ running: 1, updated: 0 });
  });

  it('no pending jobs: nothing asked of any agent', async () => {
    const agent = fakeAgent('codebuild', {});
    const counts = await reconcile({ store: new RecordingStore([]), agents: { codebuild: agent }, finish: async () => {}, now: () => now });
    expect(counts.pending).toBe(0);
    expect(agent.observed).toEqual([]);
  });
});
