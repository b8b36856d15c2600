// Local mode's queue poller against local-aws-sqs (started in-process by startStandIns), with the
// real processBatch and dispatch behind it and in-memory GitHub, store and config. Each row gets
// its own FIFO queue and dead-letter queue, and calls pollOnce() itself (no background loop), so
// it controls when messages are received. Visibility timeouts are a second or three, so a failed
// message comes back quickly.
//
// The poller is given `waitSeconds: 0`. local-aws-sqs answers a long poll only when the wait is
// over (it collects messages every 10 ms until then, + 40 ms), and a collected message's
// visibility timeout starts at collection: with a 1 s timeout and a 1 s wait, a message collected
// early in the wait is visible again, and collected a second time, before the answer is sent.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { memoryDispatch } from '../fakes/memory-dispatch.js';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { DispatchDeps } from '../../shared/hook/dispatch.js';
import { decodeQueuedEvent, encodeQueuedEvent } from '../../shared/hook/queued-event.js';
import { QueuePoller, type PollerOptions } from '../../shared/local/queue-poller.js';
import { startStandIns, type StandIns } from '../../shared/local/stand-ins.js';
import { createLogger } from '../../shared/log.js';
import { holdLabel } from '../../shared/plugins/hold/index.js';
import { MemoryStore } from '../fakes/memory-store.js';

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns({ visibilityTimeoutSeconds: 1 });
});

afterAll(async () => {
  await standIns?.close();
});

const repo = 'Codertocat/Hello-World';
const log = createLogger({ logLevel: 'SILENT' });
const badGateway = () => Object.assign(new Error('Bad Gateway'), { status: 502 });

/** A fresh FIFO queue with its own dead-letter queue, as the stack and startStandIns make them. */
const deadLetterQueues = new Map<string, string>();

async function freshQueue(options: { visibilityTimeoutSeconds?: number } = {}) {
  const name = `poller-${randomUUID().slice(0, 8)}`;
  const dlq = await standIns.clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq.fifo`, Attributes: { FifoQueue: 'true' } }));
  const queue = await standIns.clients.sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 1),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:us-east-1:123456789012:${name}-dlq.fifo`,
          // As in local mode: a backstop; the poller counts failed attempts itself.
          maxReceiveCount: 1000,
        }),
      },
    }),
  );
  deadLetterQueues.set(queue.QueueUrl!, dlq.QueueUrl!);
  return { queueUrl: queue.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

/** dispatch's dependencies over in-memory fakes; hold is enabled for the example repo. */
function dispatchDeps() {
  return memoryDispatch({ source: `plugins:\n  ${repo}: [hold]\n`, log, leaseMs: 30_000 });
}

/** A `command` comment on pull request `number`, queued in that pull request's group. */
async function send(queueUrl: string, number: number, command: string) {
  const payload = samplePayload('issue_comment', 'created');
  payload.comment.body = command;
  payload.issue.number = number;
  const url = String(payload.issue.url).replace(/\/issues\/\d+$/, `/pulls/${number}`);
  payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  const delivery = randomUUID();
  await standIns.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: encodeQueuedEvent({ delivery, event: 'issue_comment', receivedAt: new Date().toISOString() }, JSON.stringify(payload)),
      MessageGroupId: `${repo}#${number}`,
      MessageDeduplicationId: delivery,
    }),
  );
  return delivery;
}

/** Messages in the queue, and how many of them are in flight (local-aws-sqs counts both in the first). */
async function counts(queueUrl: string) {
  const { Attributes = {} } = await standIns.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { stored: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

/** The commands of the messages in a (dead-letter) queue. */
async function commandsIn(queueUrl: string, waitSeconds = 0): Promise<string[]> {
  const { Messages = [] } = await standIns.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }));
  return Messages.map((m) => (decodeQueuedEvent(m.Body ?? '').payload as { comment?: { body?: string } } | undefined)?.comment?.body ?? '');
}

/** Polls until `done` holds or `ms` pass; returns whether it held. */
async function pollUntil(poller: QueuePoller, done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) return false;
    await poller.pollOnce();
  }
  return true;
}

const processed = (store: MemoryStore, ...deliveries: string[]) => async () =>
  (await Promise.all(deliveries.map((d) => store.get(d)))).every((t) => t?.status === 'processed');

const poller = (queueUrl: string, deps: DispatchDeps, options: PollerOptions = {}) =>
  new QueuePoller(standIns.clients.sqs, queueUrl, deps, log, { waitSeconds: 0, deadLetterQueueUrl: deadLetterQueues.get(queueUrl), ...options });

const addHold = (n: number) => `addLabel ${repo}#${n} ${holdLabel}`;
const removeHold = (n: number) => `removeLabel ${repo}#${n} ${holdLabel}`;

// Rows run concurrently, each on its own queue, to keep the waits for visibility timeouts short.
describe.concurrent('QueuePoller', () => {
  it('successful messages are processed and deleted', async ({ expect }) => {
    // Prepare
    const { queueUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    const a = await send(queueUrl, 1, '/hold');
    const b = await send(queueUrl, 2, '/hold');

    // Act
    const done = await pollUntil(poller(queueUrl, deps), processed(store, a, b), 3_000);

    // Assess
    expect(done).toBe(true);
    expect(github.writes).toEqual([addHold(1), addHold(2)]);
    expect(await counts(queueUrl)).toEqual({ stored: 0, inFlight: 0 });
  });

  it('the default stand-in queue is polled the same way', async ({ expect }) => {
    // Prepare
    const { github, store, deps } = dispatchDeps();
    const a = await send(standIns.queueUrl, 3, '/hold');

    // Act
    const done = await pollUntil(poller(standIns.queueUrl, deps), processed(store, a), 3_000);

    // Assess
    expect(done).toBe(true);
    expect(github.writes).toEqual([addHold(3)]);
    expect(await counts(standIns.queueUrl)).toEqual({ stored: 0, inFlight: 0 });
  });

  it('a failed message is not deleted, comes back after the visibility timeout, and is retried', async ({ expect }) => {
    // Prepare
    const { queueUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    github.failNext('addLabel', badGateway());
    const a = await send(queueUrl, 1, '/hold');
    const p = poller(queueUrl, deps);

    // Act
    await p.pollOnce();

    // Assess: failed, and still in the queue, in flight.
    expect(await store.get(a)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await counts(queueUrl)).toEqual({ stored: 1, inFlight: 1 });

    // Act
    const done = await pollUntil(p, processed(store, a), 4_000);

    // Assess
    expect(done).toBe(true);
    expect(github.writes).toEqual([addHold(1)]);
    expect(await store.get(a)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(await counts(queueUrl)).toEqual({ stored: 0, inFlight: 0 });
  });

  it('FIFO: a later message of a failed one’s group waits until it succeeds; other groups proceed', async ({ expect }) => {
    // Prepare: /hold on #1 fails once; then /hold cancel on #1 and /hold on #2 arrive.
    const { queueUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    github.failNext('addLabel', badGateway());
    const p = poller(queueUrl, deps);
    const a = await send(queueUrl, 1, '/hold');
    await p.pollOnce();
    const b = await send(queueUrl, 1, '/hold cancel');
    const c = await send(queueUrl, 2, '/hold');

    // Act
    await pollUntil(p, processed(store, c), 3_000);

    // Assess: #2 is done; the cancel on #1 has not been applied ahead of the retried /hold.
    expect(github.writes).toEqual([addHold(2)]);
    expect(await store.get(b)).toBeUndefined();

    // Act
    const done = await pollUntil(p, processed(store, a, b), 6_000);

    // Assess: applied in the order they were sent, so #1 ends without the label.
    expect(done).toBe(true);
    expect(github.writes).toEqual([addHold(2), addHold(1), removeHold(1)]);
    expect(github.labelsOf(`${repo}#1`)).toEqual([]);
  });

  it('after maxReceiveCount failures the group is unblocked and the message goes to the dead-letter queue', async ({ expect }) => {
    // Prepare
    const { queueUrl, dlqUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    github.failNext('addLabel', badGateway()).failNext('addLabel', badGateway());
    const p = poller(queueUrl, deps, { maxReceiveCount: 2 });
    const a = await send(queueUrl, 1, '/hold');
    await pollUntil(p, async () => (await store.get(a))?.attempts === 2, 4_000);

    // Act: a later event of the same pull request.
    const b = await send(queueUrl, 1, '/hold cancel');
    const done = await pollUntil(p, processed(store, b), 3_000);

    // Assess
    expect(done).toBe(true);
    expect(github.writes).toEqual([removeHold(1)]);
    expect(await store.get(a)).toMatchObject({ status: 'failed', attempts: 2 });
    // The poller moves it as soon as its last attempt fails.
    expect(await commandsIn(dlqUrl, 2)).toEqual(['/hold']);
  });

  // Local mode's own settings, scaled down: the failed message waits out a visibility timeout
  // longer than the one-second hold-back of later messages (30 s against 1 s in local mode).
  it('a message held back behind a failed one is not dead-lettered for the waiting', async ({ expect }) => {
    // Prepare
    const { queueUrl, dlqUrl } = await freshQueue({ visibilityTimeoutSeconds: 3 });
    const { github, store, deps } = dispatchDeps();
    github.failNext('addLabel', badGateway());
    const p = poller(queueUrl, deps);
    const a = await send(queueUrl, 1, '/hold');
    await p.pollOnce();
    const b = await send(queueUrl, 1, '/hold cancel');

    // Act
    const done = await pollUntil(p, processed(store, a, b), 5_000);

    // Assess
    expect(await commandsIn(dlqUrl)).toEqual([]);
    expect(done).toBe(true);
    expect(github.writes).toEqual([addHold(1), removeHold(1)]);
  });

  // Visibility as on AWS: the Lambda event source holds a batch for as long as the function runs.
  // Without the poller's heartbeat, a batch slower than the visibility timeout lost its receipt
  // handles: the delete failed and the processed message came back.
  it('a batch slower than the visibility timeout is processed once and deleted', async ({ expect }) => {
    // Prepare: a one-second visibility timeout and a batch that takes two and a half.
    const { queueUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    const a = await send(queueUrl, 1, '/hold');
    const p = poller(queueUrl, { ...deps, afterPlugin: () => sleep(2_500) });

    // Act
    const done = await pollUntil(p, processed(store, a), 6_000);

    // Assess: deleted, not waiting to come back for a second attempt.
    expect(done).toBe(true);
    expect(await counts(queueUrl)).toEqual({ stored: 0, inFlight: 0 });
    expect(await store.get(a)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(github.writes).toEqual([addHold(1)]);
  });

  // Without the heartbeat, the dead-lettered message's delete failed too: it stayed in the queue
  // with a fresh count, and went through its attempts (and to the dead-letter queue) again.
  it('a failing batch slower than the visibility timeout is dead-lettered once, after maxReceiveCount attempts, and the log names the delivery', async ({ expect }) => {
    // Prepare
    const { queueUrl, dlqUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    for (let i = 0; i < 3; i++) github.failNext('addLabel', badGateway());
    const logger = createLogger({ logLevel: 'SILENT' });
    const errors = vi.spyOn(logger, 'error');
    const p = new QueuePoller(standIns.clients.sqs, queueUrl, { ...deps, afterPlugin: () => sleep(1_500) }, logger, {
      waitSeconds: 0,
      deadLetterQueueUrl: dlqUrl,
      maxReceiveCount: 3,
    });
    const a = await send(queueUrl, 1, '/hold');

    // Act
    const exhausted = await pollUntil(p, async () => (await store.get(a))?.attempts === 3, 15_000);

    // Assess
    expect(exhausted).toBe(true);
    expect(await counts(queueUrl)).toEqual({ stored: 0, inFlight: 0 });
    expect(await commandsIn(dlqUrl, 1)).toEqual(['/hold']);
    expect(github.writes).toEqual([]);
    expect(errors).toHaveBeenCalledWith('event failed for the last time; it goes to the dead-letter queue', expect.objectContaining({ delivery: a, attempts: 3 }));
  });

  // The put-off for a rate limit needs a live receipt handle too: before the heartbeat, a slow
  // batch's rate-limited event came back as soon as the batch ended, not when GitHub allowed.
  it('a rate-limited event of a batch slower than the visibility timeout still waits for the limit', async ({ expect }) => {
    // Prepare: GitHub asks for 10 s; the queue's visibility timeout is 1 s; the batch takes 1.5 s.
    const { queueUrl } = await freshQueue();
    const { github, store, deps } = dispatchDeps();
    github.failNext('addLabel', Object.assign(new Error('Too Many Requests'), { status: 429, response: { headers: { 'retry-after': '10' } } }));
    const a = await send(queueUrl, 1, '/hold');
    const p = poller(queueUrl, { ...deps, afterPlugin: () => sleep(1_500) });
    await p.pollOnce();

    // Act: poll again at once.
    const received = await p.pollOnce();

    // Assess: put off, not back already.
    expect(await store.get(a)).toMatchObject({ status: 'failed', attempts: 1, plugins: { hold: { retryAfterSeconds: 10 } } });
    expect(received).toBe(0);
    expect(await counts(queueUrl)).toEqual({ stored: 1, inFlight: 1 });
  });
});
