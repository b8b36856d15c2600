// The JobStore contract, run against DynamoJobStore on dynalite (local mode's DynamoDB, the jobs
// table with its indexes as the stand-ins create it) and against the in-memory fake the plank and
// crier tests use, so the two cannot drift: conditional create (a retry makes one record),
// version-checked updates, a finished state never left, the three queries in createdAt order,
// atomic BUILD_ID counters and each periodic's newest run read by key (latestRuns), including
// names whose records were made before the store kept track of the newest.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoJobStore, jobIndexes, latestKey } from '../../shared/jobs/store/dynamo-job-store.js';
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

/** `withoutPointer` writes a record as a version of Skiff before the latest# pointers did: the record alone. */
const implementations: { name: string; make: () => JobStore; withoutPointer: (store: JobStore, job: JobRecord) => Promise<void> }[] = [
  {
    name: 'DynamoJobStore',
    make: () => new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable),
    withoutPointer: async (_store, job) => {
      await DynamoDBDocumentClient.from(standIns.clients.dynamodb).send(new PutCommand({ TableName: standIns.jobsTable, Item: job }));
    },
  },
  { name: 'MemoryJobStore', make: () => new MemoryJobStore(), withoutPointer: async (store, job) => (store as MemoryJobStore).createWithoutPointer(job) },
];

/** A record unique to this test (ids, names and pull numbers shared across tests would collide in the one table). */
function unique(overrides: Partial<JobRecord> = {}): JobRecord {
  return jobRecord({ id: randomUUID(), ...overrides });
}

const at = (second: number) => new Date(Date.UTC(2024, 4, 1, 12, 0, second)).toISOString();

/** A finished periodic run of `name`, made at `second`. */
function periodicRun(name: string, second: number, overrides: Partial<JobRecord> = {}): JobRecord {
  return unique({ name, type: 'periodic', refs: undefined, report: false, context: undefined, rerunCommand: undefined, optional: undefined, createdAt: at(second), run: { timeoutSeconds: 60 }, ...overrides });
}

describe.each(implementations)('$name', ({ make, withoutPointer }) => {
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

  type LatestRow = { name: string; arrange: (store: JobStore, name: string) => Promise<JobRecord | undefined> };
  const latestRows: LatestRow[] = [
    { name: 'no run at all: undefined', arrange: async () => undefined },
    {
      name: 'a run made after a read found none (the pointer naming no run) is the newest',
      arrange: async (store, name) => {
        await store.latestRuns([name]);
        const run = periodicRun(name, 1);
        await store.create(run);
        return run;
      },
    },
    {
      name: 'the run made last',
      arrange: async (store, name) => {
        const runs = [1, 2, 3].map((s) => periodicRun(name, s));
        for (const run of runs) await store.create(run);
        return runs[2];
      },
    },
    {
      name: 'a run made earlier but written later does not take the place of a newer one (the pointer never moves back)',
      arrange: async (store, name) => {
        const newer = periodicRun(name, 5);
        await store.create(newer);
        await store.create(periodicRun(name, 4));
        return newer;
      },
    },
    {
      name: 'two runs made in the same millisecond: the same one whichever is written first (the id breaks the tie)',
      arrange: async (store, name) => {
        const prefix = randomUUID();
        const [a, b] = ['a', 'b'].map((suffix) => periodicRun(name, 6, { id: `${prefix}-${suffix}` }));
        await store.create(b!);
        await store.create(a!);
        return b;
      },
    },
    {
      name: 'the state is the record’s own, after every transition (nothing copied can lag)',
      arrange: async (store, name) => {
        const run = periodicRun(name, 7, { state: 'triggered' });
        await store.create(run);
        const pending = await store.update(run, { state: 'pending', startedAt: at(8) });
        return store.update(pending!, { state: 'failure', completedAt: at(9), description: 'Job failed.' });
      },
    },
    {
      name: 'a retried create of the newest run leaves it the newest, as first written',
      arrange: async (store, name) => {
        const run = periodicRun(name, 10);
        await store.create(run);
        await store.create({ ...run, createdAt: at(50), buildNumber: '99' });
        return run;
      },
    },
    {
      name: 'a presubmit of the same name is not a periodic’s run',
      arrange: async (store, name) => {
        const run = periodicRun(name, 11);
        await store.create(run);
        await store.create(unique({ name, createdAt: at(12) }));
        return run;
      },
    },
    {
      name: 'records from before the pointers: answered as byName(name, 1)',
      arrange: async (store, name) => {
        const runs = [13, 14].map((s) => periodicRun(name, s));
        for (const run of runs) await withoutPointer(store, run);
        return runs[1];
      },
    },
    {
      name: 'a run made after records from before the pointers is the newest',
      arrange: async (store, name) => {
        await withoutPointer(store, periodicRun(name, 15));
        const run = periodicRun(name, 16);
        await store.create(run);
        return run;
      },
    },
    {
      name: 'the pointed run deleted (sinker, once the periodic left config): the newest run still there',
      arrange: async (store, name) => {
        const older = periodicRun(name, 17, { state: 'pending' });
        const newest = periodicRun(name, 18);
        for (const run of [older, newest]) await store.create(run);
        await store.delete(newest.id);
        return older;
      },
    },
    {
      name: 'every run deleted: undefined',
      arrange: async (store, name) => {
        const run = periodicRun(name, 19);
        await store.create(run);
        await store.delete(run.id);
        return undefined;
      },
    },
  ];

  it.each(latestRows)('latestRuns: $name', async ({ arrange }) => {
    // Prepare
    const store = make();
    const name = `periodic-${randomUUID()}`;
    const other = `periodic-${randomUUID()}`;
    await store.create(periodicRun(other, 59));
    const expected = await arrange(store, name);

    // Act
    const found = await store.latestRuns([name, other, name]);

    // Assess
    expect([...found.keys()].sort()).toEqual([name, other].sort());
    expect(found.get(name)).toEqual(expected);
    expect(found.get(other)?.name).toBe(other);
    // A second read (the pointer caught up by the first, where it had to) says the same.
    expect((await store.latestRuns([name])).get(name)).toEqual(expected);
  });

  it('latestRuns: a run made without its pointer after a newer pointed one (a rollback) is caught up by creating it again', async () => {
    // Prepare
    const store = make();
    const name = `periodic-${randomUUID()}`;
    const pointed = periodicRun(name, 20);
    await store.create(pointed);
    const madeByOlderVersion = periodicRun(name, 21);
    await withoutPointer(store, madeByOlderVersion);
    const before = (await store.latestRuns([name])).get(name);

    // Act
    const again = await store.create(madeByOlderVersion);

    // Assess
    expect(before).toEqual(pointed);
    expect(again).toBe('exists');
    expect((await store.latestRuns([name])).get(name)).toEqual(madeByOlderVersion);
    expect(await store.get(madeByOlderVersion.id)).toEqual(madeByOlderVersion);
  });

  it('latestRuns: more names than one BatchGetItem takes (100), each with its own newest run', async () => {
    // Prepare
    const store = make();
    const prefix = randomUUID();
    const names = Array.from({ length: 130 }, (_, i) => `periodic-${prefix}-${i}`);
    const newest = new Map<string, JobRecord>();
    for (const [i, name] of names.entries()) {
      // Every third name has no run; the others two, the newer written first.
      if (i % 3 === 0) continue;
      const run = periodicRun(name, 30 + (i % 20));
      await store.create(run);
      await store.create(periodicRun(name, 29));
      newest.set(name, run);
    }

    // Act
    const found = await store.latestRuns(names);

    // Assess
    expect(found.size).toBe(names.length);
    for (const name of names) expect(found.get(name)).toEqual(newest.get(name));
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

  it('a periodic’s latest# pointer is an item of its own with no index key, so no query returns it', async () => {
    // Prepare
    const store = new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable);
    const run = periodicRun(`periodic-${randomUUID()}`, 1);

    // Act
    await store.create(run);

    // Assess
    const doc = DynamoDBDocumentClient.from(standIns.clients.dynamodb);
    const { Item } = await doc.send(new GetCommand({ TableName: standIns.jobsTable, Key: { id: latestKey(run.name) } }));
    // None of the GSIs' key attributes (pull, state, name, createdAt): by-pull, by-state (sinker's walk) and by-name never list it.
    expect(Item).toEqual({ id: latestKey(run.name), runId: run.id, runCreatedAt: run.createdAt });
    expect(await store.byName(run.name)).toEqual([run]);
    expect((await store.byState('success')).some((job) => job.id.startsWith('latest#'))).toBe(false);
  });

  it('a presubmit moves no pointer', async () => {
    // Prepare
    const store = new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable);
    const job = unique({ name: `unit-${randomUUID()}` });

    // Act
    await store.create(job);

    // Assess
    const doc = DynamoDBDocumentClient.from(standIns.clients.dynamodb);
    expect((await doc.send(new GetCommand({ TableName: standIns.jobsTable, Key: { id: latestKey(job.name) } }))).Item).toBeUndefined();
  });
});

/** A client of the test's own, with every DynamoDB operation it sends counted by name. */
function countingClient(): { client: DynamoDBClient; calls: () => Record<string, number> } {
  const client = new DynamoDBClient({ endpoint: standIns.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  let counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName).replace(/Command$/, '');
      counts[op] = (counts[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'testCountCalls' },
  );
  return {
    client,
    calls: () => {
      const out = counts;
      counts = {};
      return out;
    },
  };
}

describe('DynamoJobStore.latestRuns calls', () => {
  it('250 periodics with pointers: 3 BatchGetItem for the pointers, 3 for the records, no Query', async () => {
    // Prepare
    const { client, calls } = countingClient();
    const store = new DynamoJobStore(client, standIns.jobsTable);
    const prefix = randomUUID();
    const runs = Array.from({ length: 250 }, (_, i) => periodicRun(`periodic-${prefix}-${i}`, i % 60));
    for (const run of runs) await store.create(run);
    calls();

    // Act
    const found = await store.latestRuns(runs.map((r) => r.name));

    // Assess
    expect(calls()).toEqual({ BatchGetItem: 6 });
    expect(runs.every((run) => found.get(run.name)?.id === run.id)).toBe(true);
    client.destroy();
  });

  type NoRunRow = { name: string; arrange: (store: DynamoJobStore, name: string) => Promise<void>; first: Record<string, number> };
  const noRunRows: NoRunRow[] = [
    // The pointers' BatchGetItem finds none, so the records' round has no keys and is not sent; the Query finds none, so the pointer says so.
    { name: 'never ran (a cron waiting for its first fire)', arrange: async () => {}, first: { BatchGetItem: 1, Query: 1, PutItem: 1 } },
    {
      name: 'its only run deleted',
      arrange: async (store, name) => {
        const run = periodicRun(name, 1);
        await store.create(run);
        await store.delete(run.id);
      },
      first: { BatchGetItem: 2, Query: 1, UpdateItem: 1 },
    },
  ];

  it.each(noRunRows)('a periodic with no run, $name: one Query the first time, by key after', async ({ arrange, first }) => {
    // Prepare
    const { client, calls } = countingClient();
    const store = new DynamoJobStore(client, standIns.jobsTable);
    const name = `periodic-${randomUUID()}`;
    await arrange(store, name);
    calls();

    // Act
    const answers = [await store.latestRuns([name]), await store.latestRuns([name])];
    const firstCalls = calls();
    const thenCreated = periodicRun(name, 2);
    await store.create(thenCreated);
    calls();
    const afterCreate = await store.latestRuns([name]);

    // Assess
    expect(answers.map((a) => a.get(name))).toEqual([undefined, undefined]);
    expect(firstCalls).toEqual({ ...first, BatchGetItem: first.BatchGetItem! + 1 });
    expect(afterCreate.get(name)).toEqual(thenCreated);
    expect(calls()).toEqual({ BatchGetItem: 2 });
    client.destroy();
  });

  it('a name with records from before the pointers: one Query and the pointer written the first time, by key after', async () => {
    // Prepare
    const { client, calls } = countingClient();
    const store = new DynamoJobStore(client, standIns.jobsTable);
    const run = periodicRun(`periodic-${randomUUID()}`, 1);
    await DynamoDBDocumentClient.from(standIns.clients.dynamodb).send(new PutCommand({ TableName: standIns.jobsTable, Item: run }));
    calls();

    // Act
    const first = await store.latestRuns([run.name]);
    const firstCalls = calls();
    const second = await store.latestRuns([run.name]);
    const secondCalls = calls();

    // Assess
    expect(first.get(run.name)).toEqual(run);
    // The pointers' BatchGetItem finds none, so the records' round has no keys and is not sent.
    expect(firstCalls).toEqual({ BatchGetItem: 1, Query: 1, UpdateItem: 1 });
    expect(second.get(run.name)).toEqual(run);
    expect(secondCalls).toEqual({ BatchGetItem: 2 });
    client.destroy();
  });

  it('keys DynamoDB leaves unprocessed (an answer past its size limit) are asked for again until all are read', async () => {
    // Prepare: records of ~300 KB, so one answer cannot hold them all (dynalite, as DynamoDB, stops
    // near its limit and returns the rest as UnprocessedKeys).
    const { client, calls } = countingClient();
    const store = new DynamoJobStore(client, standIns.jobsTable);
    const prefix = randomUUID();
    const bulk = 'x'.repeat(300_000);
    const runs = Array.from({ length: 8 }, (_, i) => periodicRun(`periodic-${prefix}-${i}`, i, { annotations: { bulk } }));
    for (const run of runs) await store.create(run);
    calls();

    // Act
    const found = await store.latestRuns(runs.map((r) => r.name));

    // Assess
    expect(runs.every((run) => found.get(run.name)?.id === run.id)).toBe(true);
    expect(calls().BatchGetItem).toBeGreaterThan(2);
    client.destroy();
  });
});
