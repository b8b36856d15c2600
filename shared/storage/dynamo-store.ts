// Claims and traces in one DynamoDB table (partition key `pk`, TTL attribute `expiresAt`).
//   claim#<delivery>#<plugin>  → { state: running | done, leaseUntil }
//   delivery#<delivery>        → the trace: summary, status, and one `plugin:<name>` attribute per plugin
// Every state change is a conditional or idempotent update, so two workers racing on one
// delivery cannot both run a plugin.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, ClaimStore, DeliverySummary, PluginRecord, Trace, TraceStore } from './ports.js';

/** Claims and traces are kept a week: longer than SQS retention of a retried event (4 days). */
const ttlSeconds = 7 * 24 * 3600;
const pluginPrefix = 'plugin:';

export class DynamoStore implements ClaimStore, TraceStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private expiresAt() {
    return Math.floor(this.now() / 1000) + ttlSeconds;
  }

  async claim(delivery: string, plugin: string, leaseMs: number): Promise<ClaimResult> {
    const pk = `claim#${delivery}#${plugin}`;
    const now = this.now();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk },
          UpdateExpression: 'SET #state = :running, leaseUntil = :lease, expiresAt = :exp',
          // Free, or claimed by a worker that died: its lease (the function timeout) ran out.
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :running AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':lease': now + leaseMs, ':now': now, ':exp': this.expiresAt() },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }));
      return Item?.state === 'done' ? 'done' : 'held';
    }
  }

  async complete(delivery: string, plugin: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `claim#${delivery}#${plugin}` },
        UpdateExpression: 'SET #state = :done, expiresAt = :exp REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':exp': this.expiresAt() },
      }),
    );
  }

  async release(delivery: string, plugin: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: `claim#${delivery}#${plugin}` },
        ConditionExpression: '#state = :running',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':running': 'running' },
      }),
    ).catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  async queued(summary: DeliverySummary): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `delivery#${summary.delivery}` },
        // if_not_exists: a fast worker may already have recorded progress.
        UpdateExpression:
          'SET #status = if_not_exists(#status, :queued), #event = :event, #action = :action, repo = :repo, #number = :number, receivedAt = if_not_exists(receivedAt, :at), updatedAt = if_not_exists(updatedAt, :at), attempts = if_not_exists(attempts, :zero), expiresAt = :exp',
        ExpressionAttributeNames: { '#status': 'status', '#event': 'event', '#action': 'action', '#number': 'number' },
        ExpressionAttributeValues: {
          ':queued': 'queued',
          ':event': summary.event,
          ':action': summary.action,
          ':repo': summary.repo,
          ':number': summary.number,
          ':at': summary.receivedAt,
          ':zero': 0,
          ':exp': this.expiresAt(),
        },
      }),
    );
  }

  async started(summary: DeliverySummary, info: { configError?: string; configWarnings?: string[]; note?: string }): Promise<void> {
    const names: Record<string, string> = { '#status': 'status', '#event': 'event', '#action': 'action', '#number': 'number' };
    const values: Record<string, unknown> = {
      ':queued': 'queued',
      ':event': summary.event,
      ':action': summary.action,
      ':repo': summary.repo,
      ':number': summary.number,
      ':received': summary.receivedAt,
      ':now': new Date(this.now()).toISOString(),
      ':zero': 0,
      ':one': 1,
      ':exp': this.expiresAt(),
    };
    const set = [
      '#status = if_not_exists(#status, :queued)',
      '#event = :event',
      '#action = :action',
      'repo = :repo',
      '#number = :number',
      'receivedAt = if_not_exists(receivedAt, :received)',
      'updatedAt = :now',
      'attempts = if_not_exists(attempts, :zero) + :one',
      'expiresAt = :exp',
    ];
    const remove: string[] = [];
    for (const [key, value] of Object.entries(info) as [string, unknown][]) {
      if (value === undefined || (Array.isArray(value) && value.length === 0)) remove.push(key);
      else {
        set.push(`${key} = :${key}`);
        values[`:${key}`] = value;
      }
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `delivery#${summary.delivery}` },
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async plugins(delivery: string, records: Record<string, PluginRecord>): Promise<void> {
    const entries = Object.entries(records);
    if (!entries.length) return;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': new Date(this.now()).toISOString() };
    const set = entries.map(([plugin, record], i) => {
      names[`#p${i}`] = `${pluginPrefix}${plugin}`;
      values[`:p${i}`] = record;
      return `#p${i} = :p${i}`;
    });
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `delivery#${delivery}` },
        UpdateExpression: `SET ${set.join(', ')}, updatedAt = :now`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async finish(delivery: string, status: 'processed' | 'failed'): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `delivery#${delivery}` },
        UpdateExpression: 'SET #status = :status, updatedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':now': new Date(this.now()).toISOString() },
      }),
    );
  }

  async get(delivery: string): Promise<Trace | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `delivery#${delivery}` }, ConsistentRead: true }));
    if (!Item) return undefined;
    const plugins: Record<string, PluginRecord> = {};
    const trace: Record<string, unknown> = { delivery };
    for (const [key, value] of Object.entries(Item)) {
      if (key.startsWith(pluginPrefix)) plugins[key.slice(pluginPrefix.length)] = value as PluginRecord;
      else if (key !== 'pk' && key !== 'expiresAt') trace[key] = value;
    }
    return { ...(trace as unknown as Trace), plugins };
  }
}
