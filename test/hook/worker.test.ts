// processBatch (shared/hook/worker.ts): one SQS batch through dispatch, with partial failures and
// FIFO group skipping, and rate-limited records put off until GitHub allows instead of coming
// back after the visibility timeout; records the invocation has no time left for handed back
// untouched; errors retrying cannot fix acknowledged so their group moves on; the last failed
// receive logged as a dead letter. In memory: the real dispatch, plugin registry and config
// parser; a MemoryGitHub that fails on cue; a Redelivery that records what it was asked.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { memoryDispatch } from '../fakes/memory-dispatch.js';
import type { DispatchDeps } from '../../shared/hook/dispatch.js';
import { encodeQueuedEvent, groupIdOf } from '../../shared/hook/queued-event.js';
import { processBatch, recordTiming, RecordTimingError } from '../../shared/hook/worker.js';
import { holdLabel } from '../../shared/plugins/hold/index.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import type { Redelivery } from '../../shared/storage/ports.js';
import { prComment } from '../e2e/harness.js';
import { MemoryGitHub } from '../fakes/memory-github.js';

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

function setup(options: { worstCaseRecordMs?: number } = {}) {
  return memoryDispatch({ source: `plugins:\n  ${repo}: [hold]\n`, clock: () => now, worstCaseRecordMs: options.worstCaseRecordMs });
}

/** What the worker logged at `level`: the message and the fields, for each call. */
function logged(deps: DispatchDeps, level: 'error' | 'warn' | 'debug') {
  const calls: { message: string; fields: Record<string, unknown> }[] = [];
  vi.spyOn(deps.log, level).mockImplementation(((message: string, fields: Record<string, unknown>) => {
    calls.push({ message, fields });
  }) as never);
  return calls;
}

const withBody = (record: SQSRecord, body: string): SQSRecord => ({ ...record, body });
const onReceive = (record: SQSRecord, count: number): SQSRecord => ({ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: String(count) } });

/** `/hold` on pull request `number`, as the SQS record the worker receives. */
function holdRecord(id: string, number: number, change: (payload: Record<string, any>) => void = () => {}): SQSRecord {
  const payload = prComment('/hold');
  payload.issue.number = number;
  change(payload);
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: encodeQueuedEvent({ delivery: `delivery-${id}`, event: 'issue_comment', target: repo, receivedAt: new Date(now).toISOString() }, JSON.stringify(payload)),
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

describe('processBatch: the time budget', () => {
  it('a slow GitHub: records start only while the invocation can give them their worst case; the rest come back at once, unstarted', async () => {
    // Prepare: a 60 s invocation; each label write takes 12 s of GitHub's time; a record's worst
    // case is 35 s. Ten commands on one pull request (one group, so one after another):
    // `/hold`, `/hold cancel`, `/hold`… each one write.
    const { github, store, deps } = setup({ worstCaseRecordMs: 35_000 });
    const clock = { ms: 0 };
    const slowly =
      <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
      async (...args: A) => {
        clock.ms += 12_000;
        return write(...args);
      };
    const slow = Object.assign(Object.create(github) as MemoryGitHub, {
      addLabel: slowly(github.addLabel.bind(github)),
      removeLabel: slowly(github.removeLabel.bind(github)),
    });
    deps.github = { forEvent: async () => slow, botLogin: async () => 'skiff-bot' };
    const started: number[] = [];
    const remainingTimeMs = () => 60_000 - clock.ms;
    const records = Array.from({ length: 10 }, (_, i) =>
      holdRecord(`r${i}`, 1, (payload) => {
        payload.comment.body = i % 2 ? '/hold cancel' : '/hold';
      }),
    );
    const redelivery = new RecordingRedelivery();
    deps.afterPlugin = () => {
      started.push(remainingTimeMs() + 12_000);
    };

    // Act
    const response = await processBatch({ Records: records } as SQSEvent, deps, redelivery, { remainingTimeMs });

    // Assess: three ran (at 60, 48 and 36 s left), within the 60 s; the fourth was handed back
    // at once, and the six after it with it, so the group stays in order.
    expect(started).toEqual([60_000, 48_000, 36_000]);
    expect(clock.ms).toBeLessThanOrEqual(60_000);
    const back = records.slice(3).map((r) => r.messageId);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(back);
    expect(redelivery.calls.sort()).toEqual(back.map((id) => `receipt-${id} 0s`).sort());
    // Not an attempt: a handed-back delivery has no trace from this worker.
    expect(await store.get('delivery-r3')).toBeUndefined();
    expect(await store.get('delivery-r2')).toMatchObject({ status: 'processed', attempts: 1 });
    expect(github.labelsOf({ owner: 'Codertocat', repo: 'Hello-World', number: 1 })).toEqual([holdLabel]);
  });

  it('pull requests run side by side: a record that waits holds back its own group, not the others in the batch', async () => {
    // Prepare: #1's label write waits until the test lets it go (as a write waiting for budget
    // does); #2 and #3 have one command each, and #1 a second one behind the first.
    const { github, deps } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waiting = Object.assign(Object.create(github) as MemoryGitHub, {
      addLabel: async (...args: Parameters<MemoryGitHub['addLabel']>) => {
        if (args[0].number === 1) await gate;
        return github.addLabel(...args);
      },
    });
    deps.github = { forEvent: async () => waiting, botLogin: async () => 'skiff-bot' };
    const ref = (number: number) => ({ owner: 'Codertocat', repo: 'Hello-World', number });
    const records = [
      holdRecord('a', 1),
      holdRecord('b', 1, (payload) => {
        payload.comment.body = '/hold cancel';
      }),
      holdRecord('c', 2),
      holdRecord('d', 3),
    ];

    // Act
    const batch = processBatch({ Records: records } as SQSEvent, deps, new RecordingRedelivery());

    // Assess: #2 and #3 are labelled while #1's first record still waits, and #1's second has
    // not started (its label is not removed before it was added).
    await vi.waitFor(() => {
      expect(github.labelsOf(ref(2))).toEqual([holdLabel]);
      expect(github.labelsOf(ref(3))).toEqual([holdLabel]);
    });
    expect(github.labelsOf(ref(1))).toEqual([]);
    release();
    expect((await batch).batchItemFailures).toEqual([]);
    expect(github.labelsOf(ref(1))).toEqual([]);
    expect(github.calls.filter((call) => call.startsWith('removeLabel')).length).toBe(1);
  });

  it('a record handed back holds back the later records of its group, which come back at once too', async () => {
    // Prepare: two commands on #1, no time for either.
    const { github, deps } = setup({ worstCaseRecordMs: 35_000 });
    const redelivery = new RecordingRedelivery();
    const warnings = logged(deps, 'warn');

    // Act
    const response = await processBatch({ Records: [holdRecord('a', 1), holdRecord('b', 1)] } as SQSEvent, deps, redelivery, { remainingTimeMs: () => 20_000 });

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    expect(redelivery.calls.sort()).toEqual(['receipt-a 0s', 'receipt-b 0s']);
    expect(github.calls).toEqual([]);
    expect(warnings).toEqual([
      {
        message: 'not enough time left for this record; handing it back',
        fields: { messageId: 'a', delivery: 'delivery-a', group: `${repo}#1`, remainingMs: 20_000, worstCaseRecordMs: 35_000 },
      },
    ]);
  });
});

describe('recordTiming', () => {
  it('derives the record deadline, the worst case and the lease from the GitHub request limit', () => {
    expect(recordTiming({ githubRequestMs: 10_000, workerTimeoutMs: 60_000 })).toEqual({
      githubRequestMs: 10_000,
      recordGitHubMs: 30_000,
      worstCaseRecordMs: 35_000,
      leaseMs: 35_000,
    });
  });

  it('refuses a request limit that would leave no time to start a record', () => {
    expect(() => recordTiming({ githubRequestMs: 20_000, workerTimeoutMs: 60_000 })).toThrow(RecordTimingError);
    expect(() => recordTiming({ githubRequestMs: 20_000, workerTimeoutMs: 60_000 })).toThrow('lower SKIFF_GITHUB_TIMEOUT_MS to at most 16666');
  });
});

describe('processBatch: errors that end', () => {
  it.each([
    { name: 'an issue_comment without `comment`', body: (r: SQSRecord) => r.body.replace(/"comment":\{/, '"remark":{'), delivery: 'delivery-a' },
    { name: 'a body that is not JSON', body: () => 'not json', delivery: undefined },
  ])('$name: tried once, acknowledged, and the rest of its group goes on', async ({ body, delivery }) => {
    // Prepare: a broken record, then a /hold on the same pull request.
    const { github, store, deps } = setup();
    const errors = logged(deps, 'error');
    const debug = logged(deps, 'debug');
    const broken = holdRecord('a', 1);

    // Act
    const response = await processBatch({ Records: [withBody(broken, body(broken)), holdRecord('b', 1)] } as SQSEvent, deps, new RecordingRedelivery());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(github.writes).toEqual([`addLabel ${repo}#1 ${holdLabel}`]);
    expect(errors).toEqual([
      { message: 'event ended on an error that retrying cannot fix; not retried', fields: expect.objectContaining({ messageId: 'a', delivery, error: expect.any(String) }) },
    ]);
    // One line at error level; the stack at debug only.
    expect(errors[0]!.fields.error).not.toMatch(/\n\s+at /);
    expect(debug[0]?.fields.stack).toMatch(/\n\s+at /);
    if (delivery) expect(await store.get(delivery)).toMatchObject({ status: 'failed', attempts: 1, error: 'a issue_comment event without comment (object)' });
  });

  it('a plugin failure is logged as one line with the delivery, the plugin and the cause chain; its stack at debug', async () => {
    // Prepare
    const { github, deps } = setup();
    const errors = logged(deps, 'error');
    const debug = logged(deps, 'debug');
    github.failNext('addLabel', badGateway());

    // Act
    await processBatch({ Records: [holdRecord('a', 1)] } as SQSEvent, deps);

    // Assess
    expect(errors).toContainEqual({
      message: 'plugin hold failed',
      fields: { delivery: 'delivery-a', plugin: 'hold', retryable: true, retryAfterSeconds: undefined, error: 'Bad Gateway (HTTP 502)' },
    });
    expect(debug).toContainEqual({ message: 'plugin hold failed: stack', fields: { delivery: 'delivery-a', plugin: 'hold', stack: expect.stringMatching(/^HttpError: Bad Gateway\n\s+at /) } });
  });
});

describe('processBatch: the last receive', () => {
  it('a record failing on its last receive is logged as a dead letter with its delivery id; so is one it held back, by message id when its body is unreadable', async () => {
    // Prepare: receive 5 of 5; a fails on a 502, b (same group, unreadable) is held back behind it.
    const { github, deps } = setup();
    const errors = logged(deps, 'error');
    github.failNext('addLabel', badGateway());
    const records = [onReceive(holdRecord('a', 1), 5), onReceive(withBody(holdRecord('b', 1), '\u0000garbage'), 5), onReceive(holdRecord('c', 2), 4)];

    // Act
    const response = await processBatch({ Records: records } as SQSEvent, deps, undefined, { maxReceiveCount: 5 });

    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
    const deadLetters = errors.filter((e) => e.message === 'event failed for the last time; it goes to the dead-letter queue');
    expect(deadLetters.map((e) => e.fields)).toEqual([
      { messageId: 'a', delivery: 'delivery-a', group: `${repo}#1`, receives: 5, reason: expect.stringMatching(/^delivery delivery-a will be retried: hold: Bad Gateway \(HTTP 502\)/) },
      { messageId: 'b', delivery: undefined, group: `${repo}#1`, receives: 5, reason: 'held back behind an earlier failure of its group' },
    ]);
  });
});
