// The GitHub budget every worker shares (shared/github/budget.ts), in the one DynamoDB table:
//   budget#<credential> → tat_<bucket>: each GCRA bucket's theoretical arrival time (epoch ms),
//                         slot<i>: { owner, until }: a block of concurrency slots a worker leases,
//                         granted_<kind>: counts, updatedAt, expiresAt (a day after last use)
//   budget#index        → credentials: the string set of credential keys (GET /api/budget lists them),
//                         limits: the limits the workers last kept (JSON), to report use against
//
// A grant is one conditional UpdateItem that moves every bucket it draws from at once, so two
// workers cannot both take the last unit. DynamoDB cannot compute max(tat, now), so the update is
// written for what this worker last saw of each bucket: busy (tat ≥ now: add the cost) or idle (set
// now + cost). Under load every bucket is busy, and adding is atomic whatever other workers did in
// between; when the guess is wrong or a bucket is full, the condition fails, and one consistent read
// says which (then: try again, or wait).
//
// Leases, both crash-safe because what a crashed worker held is only lost, never given twice:
// - reads take their points in lots kept in the worker for under a second; what is not used by then
//   is dropped. A lot doubles (up to `readLot`, 10 reads) while the last one was used up in time,
//   and halves when it was not, so a worker reading steadily costs one DynamoDB call per lot, and
//   one reading now and then wastes little of the points budget.
// - concurrency is leased in blocks of `slotsPerBlock` (5) for `blockLeaseMs` (30 s, longer than any
//   request), renewed in the same update as a grant, so a request costs no extra call to release it.
//   A worker that dies holds its block until the lease runs out.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  bucketsOf,
  githubLimits,
  concurrencyOf,
  costOf,
  gcra,
  gcraSlackMs,
  slotGrant,
  usedUnits,
  type BucketName,
  type BudgetGrant,
  type BudgetKind,
  type BudgetLimits,
  type CredentialUsage,
  type GitHubBudget,
} from '../github/budget.js';

const budgetKinds: readonly BudgetKind[] = ['content-write', 'write', 'read'];
const itemTtlSeconds = 24 * 3600;
const indexKey = 'budget#index';

export interface DynamoBudgetOptions {
  now?: () => number;
  /** The most reads' points taken at once and kept in this worker (default 10). */
  readLot?: number;
  /** How long a lot of read points may be spent before what is left is dropped (default 1 s). */
  readLotMs?: number;
  /** Concurrency slots in one leased block (default 5: one worker rarely has more in flight). */
  slotsPerBlock?: number;
  /** How long a block is leased (default 30 s); renewed while the worker uses it. */
  blockLeaseMs?: number;
}

interface Slot {
  owner: string;
  until: number;
}

/** What this worker knows of one credential's item, and holds of it. */
interface Local {
  tats: Partial<Record<BucketName, number>>;
  slots: Map<number, Slot>;
  /** The block this worker leases, if any. */
  block?: { index: number; until: number };
  inFlight: number;
  readPoints: number;
  readPointsUntil: number;
  /** Reads in the next lot. */
  lot: number;
  indexed: boolean;
}

export class DynamoBudget implements GitHubBudget {
  private readonly doc: DynamoDBDocumentClient;
  private readonly owner = randomUUID();
  private readonly locals = new Map<string, Local>();
  private readonly now: () => number;
  private readonly readLot: number;
  private readonly readLotMs: number;
  private readonly slotsPerBlock: number;
  private readonly blockLeaseMs: number;
  /** The limits last written to the index (a config change writes them again). */
  private indexedLimits: BudgetLimits | undefined;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    private readonly limits: () => BudgetLimits,
    options: DynamoBudgetOptions = {},
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = options.now ?? Date.now;
    this.readLot = options.readLot ?? 10;
    this.readLotMs = options.readLotMs ?? 1_000;
    this.slotsPerBlock = options.slotsPerBlock ?? 5;
    this.blockLeaseMs = options.blockLeaseMs ?? 30_000;
  }

  private local(credential: string): Local {
    let l = this.locals.get(credential);
    if (!l) this.locals.set(credential, (l = { tats: {}, slots: new Map(), inFlight: 0, readPoints: 0, readPointsUntil: 0, lot: 1, indexed: false }));
    return l;
  }

  async acquire(credential: string, kind: BudgetKind): Promise<BudgetGrant> {
    const limits = this.limits();
    if (!limits.enabled) return { granted: true, release: () => {} };
    const l = this.local(credential);
    if (!l.indexed || limits !== this.indexedLimits) {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: indexKey },
          UpdateExpression: 'ADD credentials :c SET limits = :limits',
          ExpressionAttributeValues: { ':c': new Set([credential]), ':limits': JSON.stringify(limits) },
        }),
      );
      l.indexed = true;
      this.indexedLimits = limits;
    }
    const concurrency = concurrencyOf(limits);
    const blocks = concurrency === undefined ? 0 : Math.max(1, Math.floor(concurrency / this.slotsPerBlock));
    const perBlock = concurrency === undefined ? Infinity : Math.min(this.slotsPerBlock, concurrency);
    const now = this.now();
    // This worker's own block is full: a slot frees when one of its requests ends.
    if (l.block && l.block.until > now && l.inFlight >= perBlock) return { granted: false, waitMs: 20 };
    const blockFresh = concurrency === undefined || (l.block !== undefined && l.block.until - now > this.blockLeaseMs / 2);
    if (kind === 'read' && blockFresh && l.readPoints >= limits.readPoints && l.readPointsUntil > now) {
      l.readPoints -= limits.readPoints;
      return this.grant(l);
    }
    const cost = costOf(kind, limits);
    if (kind === 'read') {
      // The last lot used up before it lapsed: take twice as many; points left over: half.
      l.lot = l.readPoints < limits.readPoints ? Math.min(this.readLot, l.lot * 2) : Math.max(1, Math.ceil(l.lot / 2));
      if (cost.points !== undefined) cost.points = l.lot * limits.readPoints;
    }
    const buckets = bucketsOf(limits);
    for (let attempt = 0; attempt < 4; attempt++) {
      const t = this.now();
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':now': t, ':one': 1, ':at': new Date(t).toISOString(), ':exp': Math.floor(t / 1000) + itemTtlSeconds };
      const set: string[] = ['updatedAt = :at', 'expiresAt = :exp'];
      const conditions: string[] = [];
      for (const [name, units] of Object.entries(cost) as [BucketName, number][]) {
        const b = buckets[name];
        if (!b) continue;
        const known = l.tats[name];
        const inc = units * b.intervalMs;
        names[`#${name}`] = `tat_${name}`;
        if (known !== undefined && known >= t) {
          values[`:${name}Max`] = t + b.burst * b.intervalMs - inc + gcraSlackMs;
          values[`:${name}Inc`] = inc;
          conditions.push(`(#${name} >= :now AND #${name} <= :${name}Max)`);
          set.push(`#${name} = #${name} + :${name}Inc`);
        } else {
          values[`:${name}New`] = t + inc;
          conditions.push(`(attribute_not_exists(#${name}) OR #${name} < :now)`);
          set.push(`#${name} = :${name}New`);
        }
      }
      let block = l.block;
      if (concurrency !== undefined && !(block && block.until - t > this.blockLeaseMs / 2)) {
        const index = block && block.until > t ? block.index : this.freeBlock(l, blocks, t);
        if (index === undefined) {
          const soonest = Math.min(...[...l.slots.values()].map((s) => s.until));
          return { granted: false, waitMs: Math.max(20, soonest - t) };
        }
        block = { index, until: t + this.blockLeaseMs };
        names['#slot'] = `slot${index}`;
        names['#owner'] = 'owner';
        names['#until'] = 'until';
        values[':me'] = this.owner;
        values[':lease'] = { owner: this.owner, until: block.until };
        conditions.push('(attribute_not_exists(#slot) OR #slot.#until < :now OR #slot.#owner = :me)');
        set.push('#slot = :lease');
      }
      names['#granted'] = `granted_${kind}`;
      // DynamoDB refuses a value no expression uses.
      if (!conditions.some((c) => c.includes(':now'))) delete values[':now'];
      try {
        const { Attributes } = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: `budget#${credential}` },
            UpdateExpression: `SET ${set.join(', ')} ADD #granted :one`,
            ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        this.learn(l, Attributes ?? {});
        l.block = block;
        if (kind === 'read') {
          l.readPoints = (cost.points ?? 0) - limits.readPoints;
          l.readPointsUntil = t + this.readLotMs;
        }
        return this.grant(l);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      // The guess was wrong, a bucket is full, or the block was taken: read what is there.
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `budget#${credential}` }, ConsistentRead: true }));
      this.learn(l, Item ?? {});
      if (l.block && l.slots.get(l.block.index)?.owner !== this.owner) l.block = undefined;
      const now2 = this.now();
      let waitMs = 0;
      for (const [name, units] of Object.entries(cost) as [BucketName, number][]) {
        const b = buckets[name];
        if (!b) continue;
        const r = gcra(b, l.tats[name], units, now2);
        if ('waitMs' in r) waitMs = Math.max(waitMs, r.waitMs);
      }
      if (waitMs > 0) return { granted: false, waitMs };
    }
    // Four lost races in a row: busy enough to try again a moment later.
    return { granted: false, waitMs: 20 };
  }

  private grant(l: Local): BudgetGrant {
    return slotGrant(l);
  }

  /** A block index free of others' live leases, picked at random so workers rarely collide. */
  private freeBlock(l: Local, blocks: number, now: number): number | undefined {
    const free: number[] = [];
    for (let i = 0; i < blocks; i++) {
      const s = l.slots.get(i);
      if (!s || s.until < now || s.owner === this.owner) free.push(i);
    }
    return free.length ? free[Math.floor(Math.random() * free.length)] : undefined;
  }

  private learn(l: Local, item: Record<string, unknown>): void {
    l.tats = {};
    l.slots = new Map();
    for (const [key, value] of Object.entries(item)) {
      if (key.startsWith('tat_') && typeof value === 'number') l.tats[key.slice(4) as BucketName] = value;
      const slot = /^slot(\d+)$/.exec(key);
      if (slot && value && typeof value === 'object') l.slots.set(Number(slot[1]), value as Slot);
    }
  }

  async usage(): Promise<CredentialUsage[]> {
    return budgetUsage(this.doc, this.table, this.limits(), this.now(), this.slotsPerBlock);
  }
}

/**
 * Every credential's use, read from the table (one GetItem for the index and one per credential):
 * what the api function answers `GET /api/budget` with, so it needs only dynamodb:GetItem. Use is
 * reported against the limits the workers last kept (they write them to the index), else `limits`.
 */
export async function budgetUsage(doc: DynamoDBDocumentClient, table: string, limits: BudgetLimits, now: number, slotsPerBlock = 5): Promise<CredentialUsage[]> {
  const { Item: index } = await doc.send(new GetCommand({ TableName: table, Key: { pk: indexKey } }));
  const credentials = [...((index?.credentials as Set<string> | undefined) ?? [])].sort();
  const kept = typeof index?.limits === 'string' ? (JSON.parse(index.limits) as BudgetLimits) : limits;
  const buckets = bucketsOf(kept);
  const items = await Promise.all(credentials.map(async (credential) => (await doc.send(new GetCommand({ TableName: table, Key: { pk: `budget#${credential}` } }))).Item));
  return credentials.flatMap((credential, i) => {
    const item = items[i];
    if (!item) return [];
    const slots = Object.entries(item).filter(([key, value]) => /^slot\d+$/.test(key) && typeof (value as Slot)?.until === 'number' && (value as Slot).until > now);
    return [
      {
        credential,
        buckets: Object.fromEntries(
          Object.entries(buckets).map(([name, b]) => {
            const tat = item[`tat_${name}`];
            return [name, { limit: b.limit, windowMs: b.windowMs, rate: b.rate, burst: b.burst, used: usedUnits(b, typeof tat === 'number' ? tat : undefined, now) }];
          }),
        ),
        leasedSlots: slots.length * slotsPerBlock,
        granted: Object.fromEntries(budgetKinds.map((k) => [k, Number(item[`granted_${k}`] ?? 0)])) as Record<BudgetKind, number>,
        ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
      },
    ];
  });
}

/** budgetUsage for the api function and local mode, from a plain client; GitHub's limits until a worker has written its own. */
export function budgetReader(client: DynamoDBClient, table: string, now: () => number = Date.now): { usage(): Promise<CredentialUsage[]> } {
  const doc = DynamoDBDocumentClient.from(client);
  return { usage: () => budgetUsage(doc, table, githubLimits, now()) };
}
