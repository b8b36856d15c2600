// The JobStore contract, run against DynamoJobStore on dynalite (local mode's DynamoDB, the jobs
// table with its indexes as the stand-ins create it) and against the in-memory fake the plank and
// crier tests use, so the two cannot drift: conditional create (a retry makes one record),
// version-checked updates, a finished state never left, the three queries in createdAt order
// and atomic BUILD_ID counters.
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../shared/jobs/store/dynamo-job-store.js';
import type { JobRecord, JobStore } from '../../shared/jobs/types.js';
import { startStandIns, type StandIns } from '../../shared/local/stand-ins.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { jobRecord } from '../fakes/plank-job-record.js';

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns?.close();
});

const implementations: { name: string; make: () => JobStore }[] = [
  { name: 'DynamoJobStore', make: () => new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable) },
  { name: 'MemoryJobStore', make: () => new MemoryJobStore() },
];

/** A record unique to this test (ids, names and pull numbers shared across tests would collide in the one table). */
function unique(overrides: Partial<JobRecord> = {}): JobRecord {
  return jobRecord({ id: randomUUID(), ...overrides });
}

const at = (second: number) => new Date(Date.UTC(2024, 4, 1, 12, 0, second)).toISOString();

describe.each(implementations)('$name', ({ make }) => {
  it('create then get returns the record as written', async () => {
    // Prepare
    const store = make();
    const job = unique({ labels: { 'prow.k8s.io/type': 'presubmit' }, extraRefs: [{ org: 'o', repo: 'r', baseRef: 'main', pulls: [] }] });

    // Act
    const result = await store.create(job);

    // Assess
    expect(result).toBe('created');
    expect(await store.get(job.id)).toEqual(job);
  });

  it('a second create with the same id (a retried delivery) is `exists` and changes nothing', async () => {
    // Prepare
    const store = make();
    const job = unique();
    await store.create(job);

    // Act
    const again = await store.create({ ...job, name: 'other', buildNumber: '99' });

    // Assess
    expect(again).toBe('exists');
    expect(await store.get(job.id)).toEqual(job);
  });

  it('fields left undefined (here and inside refs) are stored as absent', async () => {
    // Prepare
    const store = make();
    const job = unique({ description: undefined, refs: { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha: undefined, pulls: [{ number: 1, author: 'a', sha: 's', title: undefined }] } });

    // Act
    await store.create(job);

    // Assess
    const stored = await store.get(job.id);
    expect(stored).toEqual(job);
    expect(stored).not.toHaveProperty('description');
    expect(stored?.refs).not.toHaveProperty('baseSha');
    expect(stored?.refs?.pulls[0]).not.toHaveProperty('title');
  });

  it('get of an unknown id is undefined', async () => {
    expect(await make().get(randomUUID())).toBeUndefined();
  });

  type UpdateRow = { name: string; state: JobRecord['state']; readVersion?: number; change: Parameters<JobStore['update']>[1]; applies: boolean };
  const rows: UpdateRow[] = [
    { name: 'triggered → pending with the version read applies', state: 'triggered', change: { state: 'pending', startedAt: at(1) }, applies: true },
    { name: 'a stale version loses', state: 'triggered', readVersion: 0, change: { state: 'pending' }, applies: false },
    { name: 'a stale version loses even without a state change', state: 'pending', readVersion: 0, change: { url: 'http://x' }, applies: false },
    { name: 'pending → success applies', state: 'pending', change: { state: 'success', completedAt: at(2), description: 'Job succeeded.' }, applies: true },
    { name: 'a finished job never goes back (success → pending)', state: 'success', change: { state: 'pending' }, applies: false },
    { name: 'a finished job does not change state again (aborted → failure)', state: 'aborted', change: { state: 'failure' }, applies: false },
    { name: 'a finished job still takes crier bookkeeping (reportedState)', state: 'failure', change: { reportedState: 'failure' }, applies: true },
    { name: 'a finished job still takes the build id and URL', state: 'error', change: { buildId: 'b-1', url: 'http://log' }, applies: true },
  ];

  it.each(rows)('update: $name', async ({ state, readVersion, change, applies }) => {
    // Prepare
    const store = make();
    const job = unique({ state, version: 1 });
    await store.create(job);

    // Act
    const result = await store.update({ ...job, version: readVersion ?? job.version }, change);

    // Assess
    const stored = await store.get(job.id);
    if (applies) {
      expect(result).toEqual({ ...job, ...change, version: 2 });
      expect(stored).toEqual(result);
    } else {
      expect(result).toBeUndefined();
      expect(stored).toEqual(job);
    }
  });

  it('update of a record that is not there is undefined and creates nothing', async () => {
    // Prepare
    const store = make();
    const job = unique();

    // Act
    const result = await store.update(job, { state: 'pending' });

    // Assess
    expect(result).toBeUndefined();
    expect(await store.get(job.id)).toBeUndefined();
  });

  it('two writers with the same version: exactly one wins', async () => {
    // Prepare
    const store = make();
    const job = unique({ state: 'pending' });
    await store.create(job);

    // Act
    const results = await Promise.all([store.update(job, { state: 'success' }), store.update(job, { state: 'aborted', description: 'Aborted by trigger plugin.' })]);

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.get(job.id))?.version).toBe(2);
  });

  it('byPull: the pull request’s presubmits, newest first; other PRs, other repos and batches are not in it', async () => {
    // Prepare
    const store = make();
    const repo = `widgets-${randomUUID()}`;
    const refs = (number: number) => ({ org: 'acme', repo, baseRef: 'main', pulls: [{ number, author: 'a', sha: `s${number}` }] });
    const older = unique({ refs: refs(1), createdAt: at(1) });
    const newer = unique({ refs: refs(1), createdAt: at(5), name: 'lint' });
    const otherPull = unique({ refs: refs(2), createdAt: at(3) });
    const batch = unique({ type: 'batch', refs: { ...refs(1), pulls: [...refs(1).pulls, ...refs(2).pulls] }, createdAt: at(4) });
    for (const job of [older, newer, otherPull, batch]) await store.create(job);

    // Act
    const found = await store.byPull('acme', repo, 1);

    // Assess
    expect(found.map((j) => j.id)).toEqual([newer.id, older.id]);
    expect(found[0]).toEqual(newer);
  });

  it('byState: oldest first, up to the limit; follows a record into its new state', async () => {
    // Prepare
    const store = make();
    const name = `job-${randomUUID()}`;
    // byState spans the whole table (other tests' records too): the test looks at its own by name.
    const jobs = [3, 1, 2].map((s) => unique({ name, createdAt: `2099-01-01T00:00:0${s}.000Z` }));
    for (const job of jobs) await store.create(job);
    await store.update(jobs[2]!, { state: 'pending' });

    // Act
    const triggered = (await store.byState('triggered')).filter((j) => j.name === name);
    const pending = (await store.byState('pending')).filter((j) => j.name === name);

    // Assess
    expect(triggered.map((j) => j.createdAt)).toEqual(['2099-01-01T00:00:01.000Z', '2099-01-01T00:00:03.000Z']);
    expect(pending.map((j) => j.id)).toEqual([jobs[2]!.id]);
    const limited = await store.byState('triggered', 1);
    expect(limited).toHaveLength(1);
  });

  it('byName: newest first, with a limit', async () => {
    // Prepare
    const store = make();
    const name = `periodic-${randomUUID()}`;
    const jobs = Array.from({ length: 12 }, (_, i) => unique({ name, type: 'periodic', refs: undefined, createdAt: at(10 + i), run: { timeoutSeconds: 60 } }));
    for (const job of jobs) await store.create(job);

    // Act
    const all = await store.byName(name);
    const latest = await store.byName(name, 1);

    // Assess
    expect(all.map((j) => j.createdAt)).toEqual(jobs.map((j) => j.createdAt).reverse());
    expect(latest).toEqual([jobs[11]]);
  });

  it('nextBuildNumber counts per name from 1, atomically under concurrent calls', async () => {
    // Prepare
    const store = make();
    const name = `job-${randomUUID()}`;
    const other = `job-${randomUUID()}`;

    // Act
    const numbers = await Promise.all(Array.from({ length: 10 }, () => store.nextBuildNumber(name)));
    const first = await store.nextBuildNumber(other);

    // Assess
    expect(numbers.map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first).toBe('1');
    expect(await store.byName(name)).toEqual([]);
  });

  it('delete removes the record (and deleting it again is fine)', async () => {
    // Prepare
    const store = make();
    const job = unique();
    await store.create(job);

    // Act
    await store.delete(job.id);
    await store.delete(job.id);

    // Assess
    expect(await store.get(job.id)).toBeUndefined();
    expect(await store.byPull('acme', 'widgets', 1).then((jobs) => jobs.some((j) => j.id === job.id))).toBe(false);
  });
});

describe('DynamoJobStore items', () => {
  it('a presubmit carries its `pull` key for the index; the record read back does not show it', async () => {
    // Prepare
    const store = new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable);
    const job = unique();

    // Act
    await store.create(job);

    // Assess
    const doc = DynamoDBDocumentClient.from(standIns.clients.dynamodb);
    const { Item } = await doc.send(new GetCommand({ TableName: standIns.jobsTable, Key: { id: job.id } }));
    expect(Item?.pull).toBe('acme/widgets#1');
    expect(await store.get(job.id)).not.toHaveProperty('pull');
  });

  it('counters are items of their own that no query returns', async () => {
    // Prepare
    const store = new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable);
    const name = `job-${randomUUID()}`;

    // Act
    await store.nextBuildNumber(name);

    // Assess
    const doc = DynamoDBDocumentClient.from(standIns.clients.dynamodb);
    const { Item } = await doc.send(new GetCommand({ TableName: standIns.jobsTable, Key: { id: `counter#${name}` } }));
    expect(Item).toEqual({ id: `counter#${name}`, n: 1 });
  });
});
