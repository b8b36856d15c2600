// Local mode's stand-in for the Lambda SQS event source mapping: long-polls the queue, hands
// batches to the same processBatch the plugins Lambda runs, deletes what succeeded and leaves
// failures to come back after the visibility timeout (and to the DLQ after 5 receives).
//
// local-aws-sqs does not hold back a FIFO group while one of its messages is in flight, as SQS
// does; this poller does it instead, so a retried `/hold` is still applied before a later
// `/hold cancel` on the same pull request. Holding a message back means receiving it and putting
// it back, which local-aws-sqs counts as receives; so the poller, not the queue's redrive
// policy, counts failed attempts and moves a message to the dead-letter queue after
// `maxReceiveCount` of them (the queue's own redrive limit is only a high backstop).
//
// While a batch runs, the poller keeps its messages invisible (a ChangeMessageVisibility
// heartbeat every third of the visibility timeout), as the Lambda event source holds a batch for
// as long as the function runs. Without it, a batch slower than the timeout lost its receipt
// handles: the deletes and the rate-limit put-offs failed, processed messages came back, and a
// dead-lettered one stayed in the queue and started its attempts again.
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { DispatchDeps } from '../hook/dispatch.js';
import { decodeQueuedEvent } from '../hook/queued-event.js';
import { processBatch } from '../hook/worker.js';
import type { Logger } from '../log.js';
import type { Redelivery } from '../storage/ports.js';
import { SqsRedelivery } from '../storage/sqs-redelivery.js';

export interface PollerOptions {
  /**
   * Long-poll wait. local-aws-sqs holds a long poll for the whole wait unless ten messages
   * arrive, so local mode polls without waiting and sleeps `idleMs` when the queue is empty.
   */
  waitSeconds?: number;
  idleMs?: number;
  /** Failed attempts before a message goes to the dead-letter queue (SQS: maxReceiveCount). */
  maxReceiveCount?: number;
  /** Where those messages go; without it, the queue's redrive policy moves them. */
  deadLetterQueueUrl?: string;
  /** The queue's visibility timeout, which the heartbeat renews; read from the queue when not given. */
  visibilityTimeoutSeconds?: number;
  /** Told the deduplication ids of messages that left the queue (processed or dead-lettered). */
  journal?: { done(ids: readonly string[]): Promise<void> };
  /** Sees each message body before it is processed (local mode's offline GitHub learns from the payloads). */
  observe?(body: string): Promise<void>;
}

/** The batch's messages, kept invisible until it is over. */
interface Heartbeat {
  /** The Redelivery for processBatch: a message put off for a rate limit is no longer renewed. */
  redelivery: Redelivery;
  stop(): Promise<void>;
}

export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private visibilityTimeout: Promise<number> | undefined;
  private readonly heartbeats = new Set<Heartbeat>();
  /** group → the message id of its oldest failed message, which must succeed first. */
  private readonly blocked = new Map<string, string>();
  /** message id → failed attempts so far. */
  private readonly failures = new Map<string, number>();
  /** Rate-limited events come back when GitHub allows, as in the Lambda. */
  private readonly redelivery: SqsRedelivery;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly deps: DispatchDeps,
    private readonly log: Logger,
    private readonly options: PollerOptions = {},
  ) {
    this.redelivery = new SqsRedelivery(sqs, queueUrl);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops polling and waits for the batch in progress, at most `graceMs`: a batch still running
   * then (GitHub not answering) is left behind, its messages neither deleted nor journaled as
   * done, so they are processed again by the next run.
   */
  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.running = false;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = Number.isFinite(graceMs)
      ? new Promise<'gave up'>((resolve) => {
          timer = setTimeout(() => resolve('gave up'), graceMs);
        })
      : undefined;
    const outcome = await Promise.race([this.loop, ...(gaveUp ? [gaveUp] : [])]);
    clearTimeout(timer);
    if (outcome === 'gave up') {
      this.log.warn('a batch was still running at shutdown; its events will be processed again at the next start');
      await Promise.all([...this.heartbeats].map((h) => h.stop()));
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const received = await this.pollOnce();
        if (!received && !this.options.waitSeconds) await new Promise((resolve) => setTimeout(resolve, this.options.idleMs ?? 50));
      } catch (error) {
        if (!this.running) break;
        this.log.error('polling the local queue failed; retrying in a second', { error: error as Error });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** One receive and its processing; returns how many messages were received. */
  async pollOnce(): Promise<number> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitSeconds ?? 0,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!Messages.length) return 0;
    const ready: Message[] = [];
    for (const message of Messages) {
      const group = message.Attributes?.MessageGroupId ?? '';
      const blocker = this.blocked.get(group);
      if (blocker && blocker !== message.MessageId) {
        // Not yet: an older message of this group has to be retried first.
        await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 1 }));
      } else ready.push(message);
    }
    if (!ready.length) return Messages.length;

    for (const message of ready) {
      await this.options.observe?.(message.Body ?? '').catch((error: unknown) => this.log.warn('could not read an event ahead of processing it', { delivery: deliveryOf(message), error: error as Error }));
    }
    const event: SQSEvent = { Records: ready.map(toRecord(this.queueUrl)) };
    const heartbeat = await this.keepInvisible(ready);
    let batchItemFailures: { itemIdentifier: string }[];
    try {
      ({ batchItemFailures } = await processBatch(event, this.deps, heartbeat.redelivery));
    } finally {
      // The last renewal holds the messages for at least two thirds of the visibility timeout:
      // time enough to delete or dead-letter them below, and the failed ones come back after it.
      await heartbeat.stop();
    }
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = ready.filter((m) => !failed.has(m.MessageId!));
    const deadLetters: Message[] = [];
    for (const message of ready) {
      const id = message.MessageId!;
      const group = message.Attributes?.MessageGroupId ?? '';
      if (!failed.has(id)) {
        this.failures.delete(id);
        if (this.blocked.get(group) === id) this.blocked.delete(group);
        continue;
      }
      const attempts = (this.failures.get(id) ?? 0) + 1;
      this.failures.set(id, attempts);
      if (attempts >= (this.options.maxReceiveCount ?? 5)) {
        // Out of attempts: dead-lettered, and the rest of its group may go on.
        if (this.blocked.get(group) === id) this.blocked.delete(group);
        this.failures.delete(id);
        deadLetters.push(message);
        this.log.error('event failed for the last time; it goes to the dead-letter queue', { delivery: deliveryOf(message), messageId: id, group, attempts });
      } else if (!this.blocked.has(group)) {
        this.blocked.set(group, id);
      }
    }
    if (this.options.deadLetterQueueUrl) {
      for (const message of deadLetters) {
        await this.sqs.send(
          new SendMessageCommand({
            QueueUrl: this.options.deadLetterQueueUrl,
            MessageBody: message.Body ?? '',
            MessageGroupId: message.Attributes?.MessageGroupId ?? 'dead-letters',
            MessageDeduplicationId: message.MessageId,
          }),
        );
        done.push(message);
      }
    }
    if (done.length) {
      const { Failed = [] } = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
      // Its receipt handle lapsed (the heartbeat could not renew it): it is delivered again, and
      // the claims make that second run a no-op.
      for (const failure of Failed) this.log.warn('could not delete a processed message; it will be redelivered', { failure });
      const ids = done.map((m) => m.Attributes?.MessageDeduplicationId).filter((id): id is string => Boolean(id));
      await this.options.journal?.done(ids).catch((error: unknown) => this.log.warn('could not journal processed events; they are replayed (as no-ops) at the next start', { error: error as Error }));
    }
    return Messages.length;
  }

  private async keepInvisible(messages: Message[]): Promise<Heartbeat> {
    const seconds = await (this.visibilityTimeout ??= this.readVisibilityTimeout().catch((error: unknown) => {
      this.visibilityTimeout = undefined;
      throw error;
    }));
    const handles = new Set(messages.map((m) => m.ReceiptHandle!));
    let renewing: Promise<void> = Promise.resolve();
    const renew = async () => {
      const entries = [...handles].map((handle, i) => ({ Id: String(i), ReceiptHandle: handle, VisibilityTimeout: seconds }));
      for (let i = 0; i < entries.length; i += 10) {
        const { Failed = [] } = await this.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: entries.slice(i, i + 10) }));
        for (const failure of Failed) this.log.warn('could not keep a message of a running batch invisible; it may be delivered again', { failure });
      }
    };
    const timer = setInterval(() => {
      if (!handles.size) return;
      renewing = renewing.then(renew).catch((error: unknown) => this.log.warn('could not keep a running batch invisible', { error: error as Error }));
    }, Math.max(100, (seconds * 1000) / 3));
    const heartbeat: Heartbeat = {
      redelivery: {
        redeliverAfter: async (receiptHandle, wait) => {
          // Renewed no more, and not by a renewal already on its way, which would land after this.
          handles.delete(receiptHandle);
          await renewing;
          await this.redelivery.redeliverAfter(receiptHandle, wait);
        },
      },
      stop: async () => {
        clearInterval(timer);
        handles.clear();
        this.heartbeats.delete(heartbeat);
        await renewing;
      },
    };
    this.heartbeats.add(heartbeat);
    return heartbeat;
  }

  private async readVisibilityTimeout(): Promise<number> {
    if (this.options.visibilityTimeoutSeconds !== undefined) return this.options.visibilityTimeoutSeconds;
    const { Attributes = {} } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['VisibilityTimeout'] }));
    return Number(Attributes.VisibilityTimeout ?? 30);
  }
}

/** For log lines: the GitHub delivery a message carries, if it can be read. */
function deliveryOf(message: Message): string | undefined {
  try {
    return decodeQueuedEvent(message.Body ?? '').delivery;
  } catch {
    return undefined;
  }
}

const toRecord =
  (queueUrl: string) =>
  (message: Message): SQSRecord => ({
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: message.Attributes?.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      MessageGroupId: message.Attributes?.MessageGroupId,
      MessageDeduplicationId: message.Attributes?.MessageDeduplicationId,
      SequenceNumber: message.Attributes?.SequenceNumber,
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queueUrl.split('/').pop()}`,
    awsRegion: 'us-east-1',
  });
