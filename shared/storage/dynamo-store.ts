// Claims, traces and the cache in one DynamoDB table (partition key `pk`, TTL attribute `expiresAt`).
//   claim#<delivery>#<plugin>  → { state: running | released | done, leaseUntil, journal: { <n>: write } }
//                                 the journal holds the writes made under the claim, so a retry
//                                 after a partial failure skips those (`<delivery>#<plugin>#<n>`)
//   cache#<key>                → { value: bytes } until `expiresAt`
//   plugin-help#current        → the plugin catalog and the config's enabled plugins (GET /api/plugin-help)
//   delivery#<delivery>        → the trace: summary, status, and one `plugin:<name>` attribute per plugin
// Every state change is a conditional or idempotent update, so two workers racing on one
// delivery cannot both run a plugin.
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CacheStore, ClaimResult, ClaimStore, DeliverySummary, JournaledWrite, PluginHelpDocument, PluginHelpStore, PluginRecord, Trace, TraceStore } from './ports.js';

/** Claims and traces are kept a week: longer than SQS retention of a retried event (4 days). */
const ttlSeconds = 7 * 24 * 3600;
const pluginPrefix = 'plugin:';

/** For writes whose condition failing means "someone else's state, leave it": not an error. */
const conditionFailedIsFine = (error: unknown): void => {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
};

interface Field {
  value: unknown;
  /** Set only when the attribute is absent. */
  keep?: boolean;
}

export class DynamoStore implements ClaimStore, TraceStore, CacheStore, PluginHelpStore {
  private readonly doc: DynamoDBDocumentClient;
  /** The token of each claim this instance holds, so it releases only its own. */
  private readonly tokens = new Map<string, string>();
  /** The journal each claim came with (from the claim's own update: no extra read). */
  private readonly journals = new Map<string, JournaledWrite[]>();

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
    const token = randomUUID();
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk },
          // The journal map exists from the claim on, so each journal write is one update.
          UpdateExpression: 'SET #state = :running, leaseUntil = :lease, expiresAt = :exp, claimedBy = :token, journal = if_not_exists(journal, :empty)',
          // Free (never taken, or given up after a retryable failure, journal kept), or claimed by a
          // worker that died: its lease (the function timeout) ran out.
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :released OR (#state = :running AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':released': 'released',
            ':lease': now + leaseMs,
            ':now': now,
            ':exp': this.expiresAt(),
            ':token': token,
            ':empty': {},
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.tokens.set(pk, token);
      const journal = (Attributes?.journal ?? {}) as Record<string, JournaledWrite>;
      this.journals.set(pk, Object.values(journal).sort((a, b) => a.n - b.n));
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }));
      return Item?.state === 'done' ? 'done' : 'held';
    }
  }

  async complete(delivery: string, plugin: string): Promise<void> {
    this.tokens.delete(`claim#${delivery}#${plugin}`);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `claim#${delivery}#${plugin}` },
        // A done claim is never run again, so its journal is of no more use.
        UpdateExpression: 'SET #state = :done, expiresAt = :exp REMOVE leaseUntil, claimedBy, journal',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':exp': this.expiresAt() },
      }),
    );
  }

  async journaled(delivery: string, plugin: string): Promise<JournaledWrite[]> {
    return [...(this.journals.get(`claim#${delivery}#${plugin}`) ?? [])];
  }

  async journal(delivery: string, plugin: string, write: JournaledWrite): Promise<void> {
    const pk = `claim#${delivery}#${plugin}`;
    // Only under our own running claim: a worker whose lease ran out must not write into the next one's.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk },
        UpdateExpression: 'SET journal.#n = :write',
        ConditionExpression: '#state = :running AND claimedBy = :token',
        ExpressionAttributeNames: { '#state': 'state', '#n': String(write.n) },
        ExpressionAttributeValues: { ':write': write, ':running': 'running', ':token': this.tokens.get(pk) ?? 'none' },
      }),
    );
  }

  async publishPluginHelp(document: PluginHelpDocument): Promise<void> {
    // No TTL: the catalog stays until the next config replaces it.
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: 'plugin-help#current', document: JSON.stringify(document) } }));
  }

  async getPluginHelp(): Promise<PluginHelpDocument | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: 'plugin-help#current' } }));
    return typeof Item?.document === 'string' ? (JSON.parse(Item.document) as PluginHelpDocument) : undefined;
  }

  async getCached(key: string): Promise<Uint8Array | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `cache#${key}` } }));
    // TTL deletion runs within days, not at once: an item past its time is a miss.
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 < this.now())) return undefined;
    return Item.value instanceof Uint8Array ? Item.value : undefined;
  }

  async putCached(key: string, value: Uint8Array, ttlSeconds: number): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: `cache#${key}`, value, expiresAt: Math.floor(this.now() / 1000) + ttlSeconds } }),
    );
  }

  async release(delivery: string, plugin: string): Promise<void> {
    const pk = `claim#${delivery}#${plugin}`;
    const token = this.tokens.get(pk);
    this.tokens.delete(pk);
    // Only our own claim: a worker whose lease ran out must not free one another worker took over.
    // Given up, not deleted: the journal of the writes already made must reach the retry.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk },
        UpdateExpression: 'SET #state = :released REMOVE leaseUntil, claimedBy',
        ConditionExpression: '#state = :running AND claimedBy = :token',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':running': 'running', ':released': 'released', ':token': token ?? 'none' },
      }),
    ).catch(conditionFailedIsFine);
  }

  async queued(summary: DeliverySummary): Promise<void> {
    // A plain conditional put (it is on the webhook's ack path, so the cheapest write): if the
    // item exists, a worker already has the event (or this is a redelivery) and its record stays.
    await this.doc
      .send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `delivery#${summary.delivery}`,
            ...summary,
            delivery: undefined,
            status: 'queued',
            updatedAt: summary.receivedAt,
            attempts: 0,
            expiresAt: this.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch(conditionFailedIsFine);
  }

  async forget(delivery: string): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `delivery#${delivery}` },
          // Only an untouched trace: if a worker has the event (an earlier delivery of the same
          // id was queued), its record stays.
          ConditionExpression: '#status = :queued AND attempts = :zero',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued', ':zero': 0 },
        }),
      )
      .catch(conditionFailedIsFine);
  }

  async started(summary: DeliverySummary, info: { configError?: string; configWarnings?: string[]; notImplemented?: string[]; note?: string }): Promise<number> {
    const attributes = await this.update(
      `delivery#${summary.delivery}`,
      {
        ...this.summaryFields(summary),
        status: { value: 'queued', keep: true },
        updatedAt: { value: new Date(this.now()).toISOString() },
        configError: { value: info.configError },
        configWarnings: { value: info.configWarnings?.length ? info.configWarnings : undefined },
        notImplemented: { value: info.notImplemented?.length ? info.notImplemented : undefined },
        note: { value: info.note },
      },
      'attempts = if_not_exists(attempts, :zero) + :one',
      { ':zero': 0, ':one': 1 },
    );
    return Number(attributes?.attempts ?? 1);
  }

  private summaryFields(summary: DeliverySummary): Record<string, Field> {
    return {
      event: { value: summary.event },
      action: { value: summary.action },
      repo: { value: summary.repo },
      number: { value: summary.number },
      receivedAt: { value: summary.receivedAt, keep: true },
      expiresAt: { value: this.expiresAt() },
    };
  }

  /**
   * One UpdateItem from named fields: `keep` sets only if absent; an undefined value removes
   * the attribute (DynamoDB has no "undefined", and a stale value would mislead the trace).
   */
  private async update(
    pk: string,
    fields: Record<string, Field>,
    extraSet?: string,
    extraValues: Record<string, unknown> = {},
  ): Promise<Record<string, unknown> | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ...extraValues };
    const set: string[] = extraSet ? [extraSet] : [];
    const remove: string[] = [];
    for (const [i, [name, field]] of Object.entries(fields).entries()) {
      if (field.value === undefined) {
        if (!field.keep) {
          names[`#f${i}`] = name;
          remove.push(`#f${i}`);
        }
        continue;
      }
      names[`#f${i}`] = name;
      values[`:f${i}`] = field.value;
      set.push(field.keep ? `#f${i} = if_not_exists(#f${i}, :f${i})` : `#f${i} = :f${i}`);
    }
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk },
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes;
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

  async finish(delivery: string, status: 'processed' | 'failed', info: { error?: string } = {}): Promise<void> {
    await this.update(`delivery#${delivery}`, {
      status: { value: status },
      updatedAt: { value: new Date(this.now()).toISOString() },
      error: { value: info.error },
    });
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
