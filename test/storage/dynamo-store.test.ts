// DynamoStore against dynalite (the embedded DynamoDB of local mode), through the same SDK calls
// Lambda makes: the claim's conditional updates, the lease running out on an injected clock, a race
// of ten workers for one claim, and a delivery's trace from `queued` to `processed`. The same rows
// run against test/fakes/memory-store.ts, so the fake the dispatch tests use cannot drift from it.
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../shared/local/stand-ins.js';
import { DynamoStore } from '../../shared/storage/dynamo-store.js';
import type { CacheStore, ClaimResult, ClaimStore, DeliverySummary, PluginRecord, TraceStore } from '../../shared/storage/ports.js';
import { MemoryStore } from '../fakes/memory-store.js';

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns?.close();
});

const t0 = Date.parse('2024-05-01T12:00:00.000Z');
const leaseMs = 60_000;
const weekSeconds = 7 * 24 * 3600;

type Store = ClaimStore & TraceStore & CacheStore;

const implementations: { name: string; make: (now: () => number) => Store }[] = [
  { name: 'DynamoStore', make: (now) => new DynamoStore(standIns.clients.dynamodb, standIns.table, now) },
  { name: 'MemoryStore', make: (now) => new MemoryStore(now) },
];

/** A store (DynamoStore unless told) on a clock the test moves. */
function store(make: (now: () => number) => Store = implementations[0]!.make) {
  const clock = { ms: t0 };
  return { clock, store: make(() => clock.ms) };
}

/** The raw item, to check what the trace view leaves out (the key, the TTL). */
async function rawItem(pk: string): Promise<Record<string, unknown> | undefined> {
  const doc = DynamoDBDocumentClient.from(standIns.clients.dynamodb);
  const { Item } = await doc.send(new GetCommand({ TableName: standIns.table, Key: { pk }, ConsistentRead: true }));
  return Item;
}

const summary = (delivery: string, overrides: Partial<DeliverySummary> = {}): DeliverySummary => ({
  delivery,
  event: 'issue_comment',
  action: 'created',
  repo: 'acme/widgets',
  number: 1,
  receivedAt: '2024-05-01T11:59:59.000Z',
  ...overrides,
});

const record = (overrides: Partial<PluginRecord> = {}): PluginRecord => ({
  status: 'ran',
  reason: '/hold',
  writes: ['addLabel acme/widgets#1 do-not-merge/hold'],
  attempt: 1,
  at: '2024-05-01T12:00:01.000Z',
  ...overrides,
});

describe.each(implementations)('$name claims', ({ make }) => {
  type Step = { advanceMs?: number } & ({ claim: true; expect: ClaimResult } | { complete: true } | { release: true });

  const cases: { name: string; steps: Step[] }[] = [
    { name: 'a free claim is claimed', steps: [{ claim: true, expect: 'claimed' }] },
    {
      name: 'a second claim while the lease is live is held',
      steps: [
        { claim: true, expect: 'claimed' },
        { claim: true, expect: 'held' },
      ],
    },
    {
      name: 'held up to the last millisecond of the lease',
      steps: [
        { claim: true, expect: 'claimed' },
        { advanceMs: leaseMs, claim: true, expect: 'held' },
      ],
    },
    {
      name: 'after the lease ran out (the worker died) it is claimed again',
      steps: [
        { claim: true, expect: 'claimed' },
        { advanceMs: leaseMs + 1, claim: true, expect: 'claimed' },
        { claim: true, expect: 'held' },
      ],
    },
    {
      name: 'after complete it is done, and stays done past the lease',
      steps: [
        { claim: true, expect: 'claimed' },
        { complete: true },
        { claim: true, expect: 'done' },
        { advanceMs: leaseMs * 10, claim: true, expect: 'done' },
      ],
    },
    {
      name: 'after release it can be claimed at once',
      steps: [{ claim: true, expect: 'claimed' }, { release: true }, { claim: true, expect: 'claimed' }],
    },
    {
      name: 'release does not undo a completed claim',
      steps: [{ claim: true, expect: 'claimed' }, { complete: true }, { release: true }, { claim: true, expect: 'done' }],
    },
    {
      name: 'release of a claim nobody holds is a no-op',
      steps: [{ release: true }, { claim: true, expect: 'claimed' }],
    },
  ];

  it.each(cases)('$name', async ({ steps }) => {
    // Prepare
    const { clock, store: claims } = store(make);
    const delivery = randomUUID();

    for (const step of steps) {
      // Act
      clock.ms += step.advanceMs ?? 0;
      if ('complete' in step) await claims.complete(delivery, 'hold');
      else if ('release' in step) await claims.release(delivery, 'hold');
      else {
        // Assess
        expect(await claims.claim(delivery, 'hold', leaseMs)).toBe(step.expect);
      }
    }
  });

  it('claims are per plugin', async () => {
    // Prepare
    const { store: claims } = store(make);
    const delivery = randomUUID();
    await claims.claim(delivery, 'hold', leaseMs);
    await claims.complete(delivery, 'hold');

    // Act
    const size = await claims.claim(delivery, 'size', leaseMs);

    // Assess
    expect(size).toBe('claimed');
  });

  it('ten concurrent claims on one key: exactly one is claimed', async () => {
    // Prepare
    const { store: claims } = store(make);
    const delivery = randomUUID();

    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => claims.claim(delivery, 'hold', leaseMs)));

    // Assess
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'held')).toHaveLength(9);
  });
});

describe.each(implementations)('$name traces', ({ make }) => {
  it('queued → started → plugins → finish: get returns the whole trace with a plugins map', async () => {
    // Prepare
    const { clock, store: traces } = store(make);
    const delivery = randomUUID();
    const hold = record();
    const size = record({ status: 'skipped', reason: 'does not handle issue_comment/created events', writes: [], attempt: 0 });

    // Act
    await traces.queued(summary(delivery));
    const afterQueued = await traces.get(delivery);
    clock.ms += 1_000;
    await traces.started(summary(delivery), { configWarnings: ['keys Skiff does not implement yet (ignored): tide'] });
    const afterStarted = await traces.get(delivery);
    clock.ms += 1_000;
    await traces.plugins(delivery, { size });
    await traces.plugins(delivery, { hold });
    clock.ms += 1_000;
    await traces.finish(delivery, 'processed');
    const trace = await traces.get(delivery);

    // Assess
    expect(afterQueued).toEqual({ ...summary(delivery), status: 'queued', updatedAt: '2024-05-01T11:59:59.000Z', attempts: 0, plugins: {} });
    expect(afterStarted).toMatchObject({ status: 'queued', attempts: 1, updatedAt: '2024-05-01T12:00:01.000Z' });
    expect(trace).toEqual({
      ...summary(delivery),
      status: 'processed',
      attempts: 1,
      updatedAt: '2024-05-01T12:00:03.000Z',
      configWarnings: ['keys Skiff does not implement yet (ignored): tide'],
      plugins: { hold, size },
    });
  });

  it('finish with an error keeps it on the failed trace; a later finish without one clears it', async () => {
    // Prepare
    const { store: traces } = store(make);
    const delivery = randomUUID();
    await traces.started(summary(delivery), {});

    // Act
    await traces.finish(delivery, 'failed', { error: 'a issue_comment event without comment (object)' });
    const ended = await traces.get(delivery);
    await traces.started(summary(delivery), {}); // GitHub redelivers the same id, fixed
    await traces.finish(delivery, 'processed');
    const redelivered = await traces.get(delivery);

    // Assess
    expect(ended).toMatchObject({ status: 'failed', error: 'a issue_comment event without comment (object)', attempts: 1 });
    expect(redelivered).toMatchObject({ status: 'processed', attempts: 2 });
    expect(redelivered).not.toHaveProperty('error');
  });

  it('an unknown delivery has no trace', async () => {
    expect(await store(make).store.get(randomUUID())).toBeUndefined();
  });

  it('queued after started (a fast worker) does not reset status, attempts or updatedAt', async () => {
    // Prepare
    const { clock, store: traces } = store(make);
    const delivery = randomUUID();
    clock.ms += 2_000;
    await traces.started(summary(delivery), {});
    await traces.plugins(delivery, { hold: record() });
    await traces.finish(delivery, 'failed');

    // Act
    await traces.queued(summary(delivery));

    // Assess
    expect(await traces.get(delivery)).toMatchObject({
      status: 'failed',
      attempts: 1,
      updatedAt: '2024-05-01T12:00:02.000Z',
      receivedAt: '2024-05-01T11:59:59.000Z',
      plugins: { hold: record() },
    });
  });

  it('each started counts an attempt', async () => {
    // Prepare
    const { store: traces } = store(make);
    const delivery = randomUUID();
    await traces.queued(summary(delivery));

    // Act
    for (let i = 0; i < 3; i++) await traces.started(summary(delivery), {});

    // Assess
    expect(await traces.get(delivery)).toMatchObject({ attempts: 3, status: 'queued' });
  });

  it('started with a config error, then without: the error and the warnings are removed', async () => {
    // Prepare
    const { store: traces } = store(make);
    const delivery = randomUUID();
    await traces.started(summary(delivery), {
      configError: 'invalid config in acme/prow-config:plugins.yaml:\n  plugins["acme/widgets"][0]: unknown plugin "hodl"',
      configWarnings: ['keys Skiff does not implement yet (ignored): tide'],
      note: 'no repository in the payload',
    });
    const before = await traces.get(delivery);

    // Act
    await traces.started(summary(delivery), { configWarnings: [] });

    // Assess
    expect(before).toMatchObject({ configError: expect.stringContaining('unknown plugin "hodl"'), configWarnings: [expect.any(String)], note: expect.any(String) });
    const after = await traces.get(delivery);
    expect(after).not.toHaveProperty('configError');
    expect(after).not.toHaveProperty('configWarnings');
    expect(after).not.toHaveProperty('note');
    expect(after).toMatchObject({ attempts: 2 });
  });

  it('a summary without action or number (a push) is stored without them', async () => {
    // Prepare
    const { store: traces } = store(make);
    const delivery = randomUUID();
    const push = summary(delivery, { event: 'push', action: undefined, number: undefined, repo: 'acme/prow-config' });

    // Act
    await traces.queued(push);
    await traces.started(push, {});
    await traces.finish(delivery, 'processed');

    // Assess
    const trace = await traces.get(delivery);
    expect(trace).toMatchObject({ event: 'push', repo: 'acme/prow-config', status: 'processed', attempts: 1 });
    expect(trace).not.toHaveProperty('action');
    expect(trace).not.toHaveProperty('number');
  });

  it('plugins sets only the named records; a record with undefined fields is stored without them', async () => {
    // Prepare
    const { store: traces } = store(make);
    const delivery = randomUUID();
    await traces.started(summary(delivery), {});
    await traces.plugins(delivery, { hold: record({ status: 'failed', error: 'Bad Gateway', retrying: true }), size: record({ reason: undefined }) });

    // Act
    await traces.plugins(delivery, { hold: record() });
    await traces.plugins(delivery, {});

    // Assess
    const trace = await traces.get(delivery);
    expect(trace?.plugins).toEqual({ hold: record(), size: { status: 'ran', writes: record().writes, attempt: 1, at: record().at } });
  });
});

describe('DynamoStore expiry (TTL attribute)', () => {
  it('a claim expires a week after its last change (TTL)', async () => {
    // Prepare
    const { clock, store: claims } = store();
    const delivery = randomUUID();

    // Act
    await claims.claim(delivery, 'hold', leaseMs);
    clock.ms += 5_000;
    await claims.complete(delivery, 'hold');

    // Assess
    const item = await rawItem(`claim#${delivery}#hold`);
    expect(item).toEqual({ pk: `claim#${delivery}#hold`, state: 'done', expiresAt: Math.floor((t0 + 5_000) / 1000) + weekSeconds });
  });

  it('the trace expires about a week after its last summary write', async () => {
    // Prepare
    const { clock, store: traces } = store();
    const delivery = randomUUID();
    clock.ms += 90_000;

    // Act
    await traces.queued(summary(delivery));

    // Assess
    const item = await rawItem(`delivery#${delivery}`);
    expect(item?.expiresAt).toBe(Math.floor((t0 + 90_000) / 1000) + weekSeconds);
    // The same clock as Lambda's in real time: about seven days from now.
    const real = new DynamoStore(standIns.clients.dynamodb, standIns.table);
    const other = randomUUID();
    await real.queued(summary(other));
    const days = (Number((await rawItem(`delivery#${other}`))?.expiresAt) - Date.now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    expect(await traces.get(delivery)).not.toHaveProperty('expiresAt');
  });
});

describe.each(implementations)('$name write journal', ({ make }) => {
  const write = (n: number, call: string, result?: unknown) => ({ n, call, ...(result === undefined ? {} : { result }) });

  it('the writes journaled under a claim reach the next claim after a release, in order, with their results', async () => {
    // Prepare
    const { store: claims } = store(make);
    const delivery = randomUUID();
    expect(await claims.claim(delivery, 'lgtm', leaseMs)).toBe('claimed');
    expect(await claims.journaled(delivery, 'lgtm')).toEqual([]);
    await claims.journal(delivery, 'lgtm', write(0, 'createComment acme/widgets#1 hi', 1001));
    await claims.journal(delivery, 'lgtm', write(1, 'addLabel acme/widgets#1 lgtm'));
    await claims.release(delivery, 'lgtm');

    // Act
    const again = await claims.claim(delivery, 'lgtm', leaseMs);

    // Assess
    expect(again).toBe('claimed');
    expect(await claims.journaled(delivery, 'lgtm')).toEqual([write(0, 'createComment acme/widgets#1 hi', 1001), write(1, 'addLabel acme/widgets#1 lgtm')]);
    expect(await claims.journaled(delivery, 'approve')).toEqual([]);
  });

  it('the journal survives a lease that ran out (a worker that died mid-plugin)', async () => {
    // Prepare
    const { clock, store: claims } = store(make);
    const delivery = randomUUID();
    await claims.claim(delivery, 'lgtm', leaseMs);
    await claims.journal(delivery, 'lgtm', write(0, 'createComment acme/widgets#1 hi', 7));
    clock.ms += leaseMs + 1;

    // Act
    const result = await claims.claim(delivery, 'lgtm', leaseMs);

    // Assess
    expect(result).toBe('claimed');
    expect(await claims.journaled(delivery, 'lgtm')).toEqual([write(0, 'createComment acme/widgets#1 hi', 7)]);
  });

});

// Per-instance claim tokens are DynamoStore's (the in-memory store is one worker).
describe('DynamoStore write journal across workers', () => {
  const write = (n: number, call: string) => ({ n, call });

  it('a worker whose claim was taken over cannot journal into it', async () => {
    // Prepare: worker A's lease runs out and worker B (another store instance) claims.
    const clock = { ms: t0 };
    const a = new DynamoStore(standIns.clients.dynamodb, standIns.table, () => clock.ms);
    const b = new DynamoStore(standIns.clients.dynamodb, standIns.table, () => clock.ms);
    const delivery = randomUUID();
    await a.claim(delivery, 'lgtm', leaseMs);
    clock.ms += leaseMs + 1;
    await b.claim(delivery, 'lgtm', leaseMs);

    // Act
    const late = a.journal(delivery, 'lgtm', write(0, 'createComment acme/widgets#1 late'));

    // Assess
    await expect(late).rejects.toThrow();
    expect(await b.journaled(delivery, 'lgtm')).toEqual([]);
  });
});

describe.each(implementations)('$name cache', ({ make }) => {
  it('a value put is got back until its time runs out, then it is a miss', async () => {
    // Prepare
    const { clock, store: cache } = store(make);
    const key = `owners#${randomUUID()}`;
    const value = new Uint8Array([1, 2, 3, 250]);

    // Act
    await cache.putCached(key, value, 60);
    const hit = await cache.getCached(key);
    clock.ms += 61_000;
    const expired = await cache.getCached(key);

    // Assess
    expect(hit && [...hit]).toEqual([1, 2, 3, 250]);
    expect(expired).toBeUndefined();
    expect(await cache.getCached(`owners#${randomUUID()}`)).toBeUndefined();
  });
});
