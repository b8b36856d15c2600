// Job records (Skiff's ProwJobs) in a DynamoDB table of their own (SKIFF_JOBS_TABLE), partition
// key `id`. Each record is one item, its fields as attributes, plus `pull` (`org/repo#number`)
// when it is a pull request's. Three GSIs serve every query without a scan:
//   by-pull   `pull`  + `createdAt`   a pull request's jobs (trigger, crier)
//   by-state  `state` + `createdAt`   plank's oldest triggered, the reconciler's pending, sinker
//   by-name   `name`  + `createdAt`   a job's runs (the deck; horologium for records older than the pointers)
// BUILD_ID counters are items `counter#<name>` with only `id` and `n`, so no index lists them.
// Each periodic's newest run is named by an item `latest#<name>` with only `id`, `runId` and
// `runCreatedAt` (only `id` for a periodic known to have no run yet) — none of the indexes' key
// attributes, so no index lists it and sinker, which deletes what by-state lists, never deletes
// it (like a counter, it outlives its job's records).
// Every change is a conditional write on `version`; a finished state is never left.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { finishedStates, type JobChange, type JobRecord, type JobState, type JobStore } from '../types.js';

/** The GSIs' names, shared with the table definitions (stand-ins, CDK). */
export const jobIndexes = { byPull: 'by-pull', byState: 'by-state', byName: 'by-name' } as const;

/** The table's key and indexes, as CreateTable wants them (local stand-ins; the stack mirrors it). */
export const jobTableDefinition = {
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
  AttributeDefinitions: ['id', 'pull', 'state', 'name', 'createdAt'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
  GlobalSecondaryIndexes: (
    [
      [jobIndexes.byPull, 'pull'],
      [jobIndexes.byState, 'state'],
      [jobIndexes.byName, 'name'],
    ] as const
  ).map(([IndexName, key]) => ({
    IndexName,
    KeySchema: [
      { AttributeName: key, KeyType: 'HASH' as const },
      { AttributeName: 'createdAt', KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  })),
};

/** `org/repo#number`: the by-pull key. */
export const pullKey = (org: string, repo: string, number: number): string => `${org}/${repo}#${number}`;

/** The pull request a record belongs to: the first pull of a presubmit's refs (batches have several; they are not a PR's). */
function pullOf(job: JobRecord): string | undefined {
  const refs = job.refs;
  if (job.type !== 'presubmit' || !refs || refs.pulls.length !== 1) return undefined;
  return pullKey(refs.org, refs.repo, refs.pulls[0]!.number);
}

const changeFields = ['description', 'url', 'startedAt', 'completedAt', 'buildId', 'reportedState'] as const;

/** The key of the item naming a periodic's newest run. */
export const latestKey = (name: string): string => `latest#${name}`;

/** BatchGetItem takes at most 100 keys a call (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
const batchGetLimit = 100;
/**
 * UnprocessedKeys (throttled, or past the 16 MB an answer may hold) are asked for again after an
 * exponential backoff, as AWS advises for batch operations, this many times in all.
 */
const batchGetAttempts = 8;
const batchGetBackoffMs = 25;
/** Names read with a by-name Query (no pointer yet) at once: as many as horologium read before the pointers. */
const fallbackConcurrency = 16;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thrown when BatchGetItem still leaves keys unprocessed after every retry. */
export class JobStoreReadError extends Error {
  override readonly name = 'JobStoreReadError';
}

export class DynamoJobStore implements JobStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async create(job: JobRecord): Promise<'created' | 'exists'> {
    // Pointer first, record second (see latestRuns): a pointer whose record is missing reads as
    // no pointer, so a crash between the two writes costs a Query, never a wrong answer. Done for
    // a record that already `exists` too, so a caller that finds a run made without its pointer
    // (by a version before the pointers) can bring the pointer forward by creating it again.
    if (job.type === 'periodic') await this.pointTo(job.name, job.id, job.createdAt);
    const pull = pullOf(job);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...job, ...(pull ? { pull } : {}) },
          // A retried delivery makes the same id: the first record stays as it is.
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  async update(job: JobRecord, change: JobChange): Promise<JobRecord | undefined> {
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':version': job.version, ':next': job.version + 1 };
    const set = ['#version = :next'];
    for (const field of changeFields) {
      const value = change[field];
      if (value === undefined) continue;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      set.push(`#${field} = :${field}`);
    }
    let condition = '#version = :version';
    if (change.state !== undefined) {
      names['#state'] = 'state';
      values[':state'] = change.state;
      set.push('#state = :state');
      // The version check already means "unchanged since read"; this also refuses a caller that
      // read a finished record and tries to move it (a finished job never goes back).
      const finished = finishedStates.map((state, i) => {
        values[`:finished${i}`] = state;
        return `:finished${i}`;
      });
      condition += ` AND NOT (#state IN (${finished.join(', ')}))`;
    }
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: job.id },
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: `attribute_exists(id) AND ${condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toRecord(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  byPull(org: string, repo: string, number: number): Promise<JobRecord[]> {
    return this.query(jobIndexes.byPull, 'pull', pullKey(org, repo, number), false);
  }

  byState(state: JobState, limit?: number): Promise<JobRecord[]> {
    return this.query(jobIndexes.byState, 'state', state, true, limit);
  }

  byName(name: string, limit?: number): Promise<JobRecord[]> {
    return this.query(jobIndexes.byName, 'name', name, false, limit);
  }

  /**
   * Each periodic's newest run, read by key: the `latest#<name>` pointers with BatchGetItem, then
   * the records they name with BatchGetItem, 100 keys a call each, strongly consistent.
   *
   * Why the pointer names the run and holds none of its state: horologium decides on the state,
   * the start and completion times and the re-run label, which plank changes at every transition.
   * Copied into the pointer, each transition would have to write two items together; DynamoDB's
   * transactions would, but dynalite (local mode, the store's contract test) has no
   * TransactWriteItems, and two separate writes leave a window where the copy is stale. Naming
   * the run instead, the pointer changes only when a run is made (create, conditional: only ever
   * to a later run, so it never moves back and concurrent creates leave it on the newest), and
   * the state read is the record's own, which cannot lag. The price is a second BatchGetItem
   * round: 2 × ceil(N / 100) calls per tick instead of N Queries.
   *
   * A name with no pointer, or whose pointed record is missing, is read as before, with the
   * by-name Query: records made before this change have no pointer, so an upgrade keeps working;
   * the pointer is then written from what the Query found (conditionally, so it cannot overtake
   * a run made meanwhile), and the next read of that name is by key. A record missing behind its
   * pointer is one whose create was cut short between its two writes, or a run sinker deleted
   * once its periodic left config; either way the Query's answer is the newest run there is.
   * When the Query finds no run, the pointer is written as naming none (a cron waiting for its
   * first fire would otherwise cost a Query at every tick): only if no pointer appeared, or it
   * still names the missing record, so a pointer moved to a run meanwhile stays. (The one run it
   * can hide is the missing record itself, if its create was only slow: with no run before it,
   * it is the run horologium asks for next, `after:none`, and plank, finding it, creates it
   * again, which points to it.)
   */
  async latestRuns(names: readonly string[]): Promise<Map<string, JobRecord | undefined>> {
    const unique = [...new Set(names)];
    const pointers = await this.batchGet(unique.map(latestKey));
    const runIds = new Map<string, string>();
    const out = new Map<string, JobRecord | undefined>();
    for (const name of unique) {
      const pointer = pointers.get(latestKey(name));
      if (typeof pointer?.runId === 'string') runIds.set(name, pointer.runId);
      // Known to have no run yet.
      else if (pointer) out.set(name, undefined);
    }
    const records = await this.batchGet([...new Set(runIds.values())]);
    const missing: string[] = [];
    for (const name of unique) {
      if (out.has(name)) continue;
      const item = records.get(runIds.get(name) ?? '');
      if (item) out.set(name, toRecord(item));
      else missing.push(name);
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < missing.length; i = next++) {
        const name = missing[i]!;
        const found = (await this.byName(name, 1))[0];
        out.set(name, found);
        if (found?.type === 'periodic') await this.pointTo(name, found.id, found.createdAt);
        else if (!found) await this.pointToNone(name, runIds.get(name));
      }
    };
    await Promise.all(Array.from({ length: Math.min(fallbackConcurrency, missing.length) }, worker));
    return out;
  }

  async nextBuildNumber(name: string): Promise<string> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id: `counter#${name}` },
        // ADD is atomic: two workers triggering the same job at once get different numbers.
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return String(Attributes?.n);
  }

  async delete(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { id } }));
  }

  /**
   * Moves `latest#<name>` to the run, unless it already names it or a later one (by createdAt,
   * the id breaking a tie, so every writer agrees which of two runs is newer).
   */
  private async pointTo(name: string, runId: string, createdAt: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: latestKey(name) },
          UpdateExpression: 'SET #run = :run, #at = :at',
          ConditionExpression: 'attribute_not_exists(#run) OR (#run <> :run AND (#at < :at OR (#at = :at AND #run < :run)))',
          ExpressionAttributeNames: { '#run': 'runId', '#at': 'runCreatedAt' },
          ExpressionAttributeValues: { ':run': runId, ':at': createdAt },
        }),
      );
    } catch (error) {
      // It names this run or a later one already: that is the answer.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Writes `latest#<name>` as naming no run: where there was no pointer, or where it still names
   * `dangling` (a record that is gone). Any other pointer names a run made meanwhile and stays.
   */
  private async pointToNone(name: string, dangling: string | undefined): Promise<void> {
    try {
      if (dangling === undefined) {
        await this.doc.send(new PutCommand({ TableName: this.table, Item: { id: latestKey(name) }, ConditionExpression: 'attribute_not_exists(id)' }));
        return;
      }
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: latestKey(name) },
          UpdateExpression: 'REMOVE #run, #at',
          ConditionExpression: '#run = :run',
          ExpressionAttributeNames: { '#run': 'runId', '#at': 'runCreatedAt' },
          ExpressionAttributeValues: { ':run': dangling },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Items by `id`, 100 keys a BatchGetItem, unprocessed keys asked for again with a backoff. */
  private async batchGet(ids: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < ids.length; i += batchGetLimit) {
      let keys: Record<string, unknown>[] = ids.slice(i, i + batchGetLimit).map((id) => ({ id }));
      for (let attempt = 0; keys.length; attempt++) {
        if (attempt === batchGetAttempts) throw new JobStoreReadError(`${keys.length} job store keys were still unprocessed after ${batchGetAttempts} BatchGetItem calls (table ${this.table})`);
        // Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
        if (attempt > 0) await sleep(Math.random() * batchGetBackoffMs * 2 ** attempt);
        const { Responses, UnprocessedKeys } = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of Responses?.[this.table] ?? []) found.set(String(item.id), item);
        keys = UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Every page of one index key, in `createdAt` order (ascending or newest first), up to `limit`. */
  private async query(index: string, key: string, value: string, ascending: boolean, limit?: number): Promise<JobRecord[]> {
    const out: JobRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': key },
          ExpressionAttributeValues: { ':v': value },
          ScanIndexForward: ascending,
          ...(limit ? { Limit: limit - out.length } : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(toRecord(item));
      start = page.LastEvaluatedKey;
    } while (start && (!limit || out.length < limit));
    return out;
  }
}

/** The item without the index-only attribute. */
function toRecord(item: Record<string, unknown>): JobRecord {
  const { pull: _pull, ...record } = item;
  return record as unknown as JobRecord;
}
