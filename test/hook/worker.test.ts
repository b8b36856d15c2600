// processBatch (shared/hook/worker.ts): one SQS batch through dispatch, with partial failures and
// FIFO group skipping, and rate-limited records put off until GitHub allows instead of coming
// back after the visibility timeout. In memory: the real dispatch, plugin registry and config
// parser; a MemoryGitHub that fails on cue; a Redelivery that records what it was asked.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConfigAgent } from '../../shared/config/agent.js';
import type { DispatchDeps } from '../../shared/hook/dispatch.js';
import { encodeQueuedEvent, groupIdOf } from '../../shared/hook/queued-event.js';
import { processBatch } from '../../shared/hook/worker.js';
import { createLogger } from '../../shared/log.js';
import { holdLabel } from '../../shared/plugins/hold/index.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import type { Redelivery } from '../../shared/storage/ports.js';
import { prComment } from '../e2e/harness.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { MemoryPayloads } from '../fakes/memory-queue.js';
import { MemoryStore } from '../fakes/memory-store.js';

const repo = 'Codertocat/Hello-World';
const now = Date.UTC(2026, 10, 25, 12, 0, 0);

/** Octokit's RequestError for a rate limit, with the headers GitHub sends. */
const rateLimited = {
  primary: (resetInSeconds: number) =>
    Object.assign(new Error('API rate limit exceeded for installation ID 4242.'), {
      name: 'HttpError',
      status: 403,
      response: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(now / 1000) + resetInSeconds) } },
    }),
  secondary: (retryAfter: number) =>
    Object.assign(new Error('You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'), {
      name: 'HttpError',
      status: 403,
      response: { status: 403, headers: { 'retry-after': String(retryAfter) } },
    }),
};
const badGateway = () => Object.assign(new Error('Bad Gateway'), { name: 'HttpError', status: 502 });

class RecordingRedelivery implements Redelivery {
  readonly calls: string[] = [];
  constructor(private readonly fail = false) {}
  async redeliverAfter(receiptHandle: string, seconds: number): Promise<void> {
    this.calls.push(`${receiptHandle} ${seconds}s`);
    if (this.fail) throw new Error('AccessDenied');
  }
}

function setup() {
  const github = new MemoryGitHub();
  const store = new MemoryStore(() => now);
  const deps: DispatchDeps = {
    config: new ConfigAgent({ description: 'test', fetch: async () => [{ path: 'plugins.yaml', text: `plugins:\n  ${repo}: [hold]\n` }] }, registry, { now: () => now }),
    github: { forEvent: async () => github, botLogin: async () => 'skiff-bot' },
    claims: store,
    traces: store,
    payloads: new MemoryPayloads(),
    registry,
    log: createLogger({ logLevel: 'SILENT' }),
    leaseMs: 60_000,
    now: () => new Date(now),
  };
  return { github, store, deps };
}

/** `/hold` on pull request `number`, as the SQS record the worker receives. */
function holdRecord(id: string, number: number): SQSRecord {
  const payload = prComment('/hold');
  payload.issue.number = number;
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: encodeQueuedEvent({ delivery: `delivery-${id}`, event: 'issue_comment', receivedAt: new Date(now).toISOString() }, JSON.stringify(payload)),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: groupIdOf(payload) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:skiff-events.fifo',
    awsRegion: 'us-east-1',
  };
}

describe('processBatch', () => {
  it.each([
    { name: 'primary limit used up: put off until it resets', failure: rateLimited.primary(1800), failed: ['a'], redelivered: ['receipt-a 1800s'] },
    { name: 'secondary limit: put off by its retry-after', failure: rateLimited.secondary(90), failed: ['a'], redelivered: ['receipt-a 90s'] },
    { name: 'a 502 says no wait: left to the visibility timeout', failure: badGateway(), failed: ['a'], redelivered: [] },
  ])('$name', async ({ failure, failed, redelivered }) => {
    // Prepare
    const { github, deps } = setup();
    github.failNext('addLabel', failure);
    const redelivery = new RecordingRedelivery();
    // Act
    const response = await processBatch({ Records: [holdRecord('a', 1)] } as SQSEvent, deps, redelivery);
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(failed);
    expect(redelivery.calls).toEqual(redelivered);
  });

  it('puts off the records a rate-limited one held back in its group, and leaves other pull requests alone', async () => {
    // Prepare: two commands on #1 (one group), one on #2
    const { github, deps } = setup();
    github.failNext('addLabel', rateLimited.primary(600));
    const redelivery = new RecordingRedelivery();
    const records = [holdRecord('a', 1), holdRecord('b', 1), holdRecord('c', 2)];
    // Act
    const response = await processBatch({ Records: records } as SQSEvent, deps, redelivery);
    // Assess: #1's two come back together in 10 minutes, in order; #2 was labelled
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    expect(redelivery.calls.sort()).toEqual(['receipt-a 600s', 'receipt-b 600s']);
    expect(github.labelsOf({ owner: 'Codertocat', repo: 'Hello-World', number: 2 })).toEqual([holdLabel]);
  });

  it('records the wait in the trace', async () => {
    // Prepare
    const { github, store, deps } = setup();
    github.failNext('addLabel', rateLimited.primary(1800));
    // Act
    await processBatch({ Records: [holdRecord('a', 1)] } as SQSEvent, deps, new RecordingRedelivery());
    // Assess
    const trace = await store.get('delivery-a');
    expect(trace).toMatchObject({ status: 'failed', plugins: { hold: { status: 'failed', retrying: true, retryAfterSeconds: 1800 } } });
  });

  it('still reports the failure when the delay cannot be set (the record then waits out its visibility timeout)', async () => {
    // Prepare
    const { github, deps } = setup();
    github.failNext('addLabel', rateLimited.secondary(60));
    const redelivery = new RecordingRedelivery(true);
    // Act
    const response = await processBatch({ Records: [holdRecord('a', 1)] } as SQSEvent, deps, redelivery);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }]);
    expect(redelivery.calls).toEqual(['receipt-a 60s']);
  });
});
