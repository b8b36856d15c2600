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
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { DispatchDeps } from '../hook/dispatch.js';
import { processBatch } from '../hook/worker.js';
import type { Logger } from '../log.js';
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
}

export class QueuePoller {
  private running = false;
  private loop: Promise<void> | undefined;
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

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
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

    const event: SQSEvent = { Records: ready.map(toRecord(this.queueUrl)) };
    const { batchItemFailures } = await processBatch(event, this.deps, this.redelivery);
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
        this.log.error('event failed for the last time; it goes to the dead-letter queue', { messageId: id, group, attempts });
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
      // Processing outlasted the visibility timeout: SQS will deliver it again, and the claims
      // make that second run a no-op.
      for (const failure of Failed) this.log.warn('could not delete a processed message; it will be redelivered', { failure });
    }
    return Messages.length;
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
