// Job records (Skiff's ProwJobs) in a DynamoDB table of their own (SKIFF_JOBS_TABLE), partition
// key `id`. Each record is one item, its fields as attributes, plus `pull` (`org/repo#number`)
// when it is a pull request's. Three GSIs serve every query without a scan:
//   by-pull   `pull`  + `createdAt`   a pull request's jobs (trigger, crier)
//   by-state  `state` + `createdAt`   plank's oldest triggered, the reconciler's pending, sinker
//   by-name   `name`  + `createdAt`   horologium's last run of a periodic, the deck
// BUILD_ID counters are items `counter#<name>` with only `id` and `n`, so no index lists them.
// Every change is a conditional write on `version`; a finished state is never left.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

export class DynamoJobStore implements JobStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async create(job: JobRecord): Promise<'created' | 'exists'> {
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
