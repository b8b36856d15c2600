// The queue message between the webhook and the workers: the raw payload spliced in byte for byte
// (or an S3 pointer), strict decoding, and the FIFO group that keeps one pull request's events in
// order.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { decodeQueuedEvent, encodeQueuedEvent, groupIdOf, numberOf, orgRepoOf } from '../../shared/hook/queued-event.js';

const head = { delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958', event: 'issue_comment', receivedAt: '2024-05-01T12:00:00.000Z' };

describe('encodeQueuedEvent / decodeQueuedEvent', () => {
  it('round-trips a real payload', () => {
    // Prepare
    const payload = samplePayload('issue_comment', 'created');

    // Act
    const decoded = decodeQueuedEvent(encodeQueuedEvent(head, JSON.stringify(payload)));

    // Assess
    expect(decoded).toEqual({ ...head, payload });
  });

  it('splices the raw payload in as sent, without re-serialising it', () => {
    // Prepare: indentation, key order and escapes that JSON.stringify would not reproduce.
    const raw = '{\n  "zeta": 1,\n  "alpha": "caf\\u00e9 ✓",\n  "n": 1.50\n}';

    // Act
    const body = encodeQueuedEvent(head, raw);

    // Assess
    expect(body).toBe(`${JSON.stringify(head)}`.slice(0, -1) + `,"payload":${raw}}`);
    expect(decodeQueuedEvent(body).payload).toEqual({ zeta: 1, alpha: 'café ✓', n: 1.5 });
  });

  it('encodes an S3 pointer without a payload', () => {
    // Prepare
    const payloadRef = { bucket: 'skiff-payloads', key: `payloads/2024-05-01/${head.delivery}.json` };

    // Act
    const body = encodeQueuedEvent({ ...head, payloadRef });

    // Assess
    expect(JSON.parse(body)).toEqual({ ...head, payloadRef });
    expect(decodeQueuedEvent(body)).toEqual({ ...head, payloadRef });
  });

  const malformed: { name: string; body: string; error: string | typeof SyntaxError }[] = [
    // Not JSON at all: JSON.parse's own error goes through.
    { name: 'not JSON', body: 'delivery=1', error: SyntaxError },
    { name: 'JSON null', body: 'null', error: 'malformed queue message' },
    { name: 'a JSON array', body: '[]', error: 'malformed queue message' },
    { name: 'a JSON string', body: '"hello"', error: 'malformed queue message' },
    { name: 'an empty object', body: '{}', error: 'malformed queue message' },
    { name: 'no delivery', body: JSON.stringify({ event: 'push', receivedAt: head.receivedAt, payload: {} }), error: 'malformed queue message' },
    { name: 'a numeric delivery', body: JSON.stringify({ ...head, delivery: 42, payload: {} }), error: 'malformed queue message' },
    { name: 'no event', body: JSON.stringify({ delivery: head.delivery, receivedAt: head.receivedAt, payload: {} }), error: 'malformed queue message' },
    { name: 'neither payload nor payloadRef', body: JSON.stringify(head), error: 'malformed queue message' },
    { name: 'a null payload', body: JSON.stringify({ ...head, payload: null }), error: 'malformed queue message' },
  ];

  it.each(malformed)('rejects a message with $name', ({ body, error }) => {
    // Act
    const decode = () => decodeQueuedEvent(body);

    // Assess
    expect(decode).toThrow(error);
  });
});

describe('groupIdOf', () => {
  const cases: { name: string; payload: () => Record<string, any>; want: string }[] = [
    { name: 'an issue comment: the issue', payload: () => samplePayload('issue_comment', 'created'), want: 'Codertocat/Hello-World#1' },
    { name: 'an issue event: the issue', payload: () => samplePayload('issues', 'opened'), want: 'Codertocat/Hello-World#1' },
    { name: 'a pull request event: the pull request', payload: () => samplePayload('pull_request', 'opened'), want: 'Codertocat/Hello-World#2' },
    { name: 'a review: its pull request', payload: () => samplePayload('pull_request_review', 'submitted'), want: 'Codertocat/Hello-World#2' },
    {
      name: 'a review comment: its pull request',
      payload: () => samplePayload('pull_request_review_comment', 'created'),
      want: 'Codertocat/Hello-World#2',
    },
    {
      name: 'only a top-level number',
      payload: () => ({ repository: { full_name: 'acme/widgets' }, number: 7 }),
      want: 'acme/widgets#7',
    },
    {
      name: 'a top-level number that is not a number is ignored',
      payload: () => ({ repository: { full_name: 'acme/widgets' }, number: '7' }),
      want: 'acme/widgets',
    },
    { name: 'a push: the repo', payload: () => samplePayload('push'), want: 'Codertocat/Hello-World' },
    { name: 'an org-level event: the org', payload: () => samplePayload('organization', 'member_added'), want: 'Octocoders' },
    { name: 'a null repository falls back to the org', payload: () => ({ repository: null, organization: { login: 'acme' } }), want: 'acme' },
    { name: 'nothing to group by: global', payload: () => ({ zen: 'Design for failure.' }), want: 'global' },
  ];

  it.each(cases)('$name', ({ payload, want }) => {
    // Act
    const groupId = groupIdOf(payload());

    // Assess
    expect(groupId).toBe(want);
  });

  // SQS rejects a MessageGroupId over 128 characters
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html),
  // while GitHub allows 39-character owners and 100-character repository names.
  it("stays within SQS's 128-character limit for the longest names GitHub allows", () => {
    // Prepare
    const owner = 'o'.repeat(39);
    const repo = 'r'.repeat(100);
    const payload = { repository: { full_name: `${owner}/${repo}` }, issue: { number: 123456 } };

    // Act
    const groupId = groupIdOf(payload);

    // Assess
    expect(groupId.length).toBeLessThanOrEqual(128);
  });
});

describe('orgRepoOf / numberOf', () => {
  it('read the repo, org and number that the trace records', () => {
    // Prepare
    const comment = samplePayload('issue_comment', 'created');
    const org = samplePayload('organization', 'member_added');

    // Act
    const read = { commentRepo: orgRepoOf(comment), commentNumber: numberOf(comment), orgRepo: orgRepoOf(org), orgNumber: numberOf(org) };

    // Assess
    expect(read).toEqual({ commentRepo: 'Codertocat/Hello-World', commentNumber: 1, orgRepo: 'Octocoders', orgNumber: undefined });
  });
});
