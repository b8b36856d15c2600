// Forwarding to external plugins (shared/hook/forward.ts): what the webhook keeps for it, how
// dispatch queues a forward per plugin, and how the forward step POSTs it to a real HTTP endpoint
// on 127.0.0.1 — exact bytes and GitHub's headers, 2xx done once, 5xx/timeouts retried, redirects
// only within the endpoint's origin, answers read only so far, nothing secret in logs or traces.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryDispatch } from '../fakes/memory-dispatch.js';
import type { ExternalPlugin } from '../../shared/config/external-plugins.js';
import { dispatch } from '../../shared/hook/dispatch.js';
import { handledEvents } from '../../shared/hook/events.js';
import { displayEndpoint, forward, ForwardRetryableError, isForwardMessage, queueForwards, type ForwardDeps } from '../../shared/hook/forward.js';
import { parseHmacSecrets } from '../../shared/hook/hmac.js';
import { decodeQueuedEvent, encodeQueuedEvent, groupIdOf, rawPayloadOf, type QueuedEvent } from '../../shared/hook/queued-event.js';
import { receive } from '../../shared/hook/receive.js';
import { processBatch } from '../../shared/hook/worker.js';
import { createLogger } from '../../shared/log.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import { prComment } from '../e2e/harness.js';
import { MemoryPayloads, MemoryQueue, MemoryTraces } from '../fakes/memory-queue.js';
import { MemoryStore } from '../fakes/memory-store.js';

const secret = 'forward-test-secret';
const repo = 'Codertocat/Hello-World';
const receivedAt = '2026-11-25T12:00:00.000Z';
const sign = (body: Buffer | string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// ---- an external plugin on 127.0.0.1 -----------------------------------------------------------

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Answer = (res: ServerResponse, seen: Seen) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  vi.restoreAllMocks();
});

/** An endpoint that records each request and answers with `answer` (200 "ok" by default). */
async function endpoint(answer: Answer = (res) => res.writeHead(200).end('ok')) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(entry);
      answer(res, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

// ---- messages ---------------------------------------------------------------------------------

/** Bytes JSON.stringify would not reproduce: indentation, a spaced colon, non-ASCII text. */
const oddBody = () => Buffer.from(JSON.stringify(prComment('/hold — ✓ 👋'), null, 2).replace('"action":', '"action" :'));

function eventMessage(raw: Buffer, extra: Partial<QueuedEvent> = {}) {
  const head: Omit<QueuedEvent, 'payload'> = {
    delivery: 'd-1',
    event: 'issue_comment',
    target: repo,
    receivedAt,
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': 'd-1', 'x-hub-signature-256': sign(raw) },
    ...extra,
  };
  const body = encodeQueuedEvent(head, extra.payloadRef ? undefined : raw.toString('utf8'));
  return { body, message: decodeQueuedEvent(body) };
}

const plugin = (name: string, url: string): ExternalPlugin => ({ name, endpoint: url, events: [] });
const at = () => receivedAt;

async function queued(raw: Buffer, plugins: ExternalPlugin[], options: { maxMessageBytes?: number; extra?: Partial<QueuedEvent>; payloads?: MemoryPayloads } = {}) {
  const queue = new MemoryQueue();
  const payloads = options.payloads ?? new MemoryPayloads();
  const { body, message } = eventMessage(raw, options.extra);
  const refused = await queueForwards({ message, body, group: `${repo}#1`, plugins }, { queue, payloads, maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024 }, at);
  return { queue, payloads, refused };
}

function forwardDeps(overrides: Partial<ForwardDeps> = {}) {
  const store = new MemoryStore();
  const log = createLogger({ logLevel: 'SILENT' });
  const lines: unknown[] = [];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(log, level).mockImplementation(((...args: unknown[]) => void lines.push(args)) as never);
  }
  const deps: ForwardDeps = { claims: store, traces: store, payloads: new MemoryPayloads(), log, leaseMs: 60_000, timeoutMs: 5_000, ...overrides };
  return { deps, store, lines };
}

// ---- the webhook ------------------------------------------------------------------------------

describe('receive keeps what a forward needs', () => {
  const deps = (queue: MemoryQueue) => ({
    secrets: async () => parseHmacSecrets(secret),
    queue,
    payloads: new MemoryPayloads(),
    traces: new MemoryTraces(),
    handledEvents: handledEvents(registry),
    log: createLogger({ logLevel: 'SILENT' }),
  });

  it("GitHub's delivery headers, in any case, and nothing else", async () => {
    // Prepare
    const queue = new MemoryQueue();
    const raw = Buffer.from(JSON.stringify(prComment('/hold')));
    const headers = {
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'issue_comment',
      'X-GitHub-Delivery': 'd-1',
      'X-GitHub-Hook-ID': '42',
      'X-GitHub-Hook-Installation-Target-Type': 'repository',
      'X-GitHub-Hook-Installation-Target-ID': '7',
      'X-Hub-Signature': 'sha1=0123',
      'X-Hub-Signature-256': sign(raw),
      'User-Agent': 'GitHub-Hookshot/044aadd',
      'X-Forwarded-For': '203.0.113.7',
      'X-GitHub-Invented': 'by a sender',
      Authorization: 'Bearer not-for-plugins',
    };
    // Act
    const res = await receive({ method: 'POST', headers, body: raw }, deps(queue));
    // Assess
    expect(res.status).toBe(200);
    const message = decodeQueuedEvent(queue.messages[0]!.body);
    expect(message.headers).toEqual({
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': 'd-1',
      'x-github-hook-id': '42',
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': '7',
      'x-hub-signature': 'sha1=0123',
      'x-hub-signature-256': sign(raw),
    });
    expect(message.bodyNotUtf8).toBeUndefined();
    expect(rawPayloadOf(queue.messages[0]!.body)).toBe(raw.toString('utf8'));
  });

  it('notes a body that is not UTF-8, whose text in the message is not the signed bytes', async () => {
    // Prepare: 0xFF 0xFE inside the comment's body
    const json = JSON.stringify(prComment('/hold'));
    const cut = json.lastIndexOf('"body":"') + '"body":"'.length;
    const raw = Buffer.concat([Buffer.from(json.slice(0, cut)), Buffer.from([0xff, 0xfe]), Buffer.from(json.slice(cut))]);
    const queue = new MemoryQueue();
    // Act
    const res = await receive(
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': 'd-2', 'x-hub-signature-256': sign(raw) }, body: raw },
      deps(queue),
    );
    // Assess
    expect(res.status).toBe(200);
    expect(decodeQueuedEvent(queue.messages[0]!.body).bodyNotUtf8).toBe(true);
    expect(Buffer.from(rawPayloadOf(queue.messages[0]!.body)!, 'utf8').equals(raw)).toBe(false);
  });
});

describe('rawPayloadOf', () => {
  it.each([
    { name: 'an ordinary head', event: 'issue_comment' },
    { name: 'an event name that imitates the payload key', event: 'x","payload":{"a":1},"y":"' },
    { name: 'a payload that has a payload key of its own (deployments do)', event: 'deployment', raw: '{"deployment":{"payload":{"x":1}},"payload":2}' },
    { name: 'a backslash before the splice', event: 'ends-with\\' },
  ])('finds the spliced text: $name', ({ event, raw = '{ "a" : [1, 2],\n  "b": "\\u00e9" }' }) => {
    const body = encodeQueuedEvent({ delivery: 'd', event, receivedAt, headers: { 'x-hub-signature-256': 'sha256=00' } }, raw);
    expect(rawPayloadOf(body)).toBe(raw);
  });

  it('is undefined for a message whose payload is in the payload store', () => {
    expect(rawPayloadOf(encodeQueuedEvent({ delivery: 'd', event: 'push', receivedAt, payloadRef: { bucket: 'b', key: 'payloads/x' } }))).toBeUndefined();
  });
});

// ---- dispatch's side: queueing ------------------------------------------------------------------

describe('queueForwards', () => {
  it('queues one forward per plugin, in its own group, deduplicated per delivery and plugin, with the exact text', async () => {
    // Prepare
    const raw = oddBody();
    // Act
    const { queue, refused } = await queued(raw, [plugin('needs-rebase', 'http://needs-rebase'), plugin('cherrypicker', 'http://cherrypicker/hook')]);
    // Assess
    expect(refused).toEqual({});
    expect(queue.messages.map((m) => [m.groupId, m.deduplicationId])).toEqual([
      [`ext:needs-rebase:${repo}#1`, 'd-1#ext:needs-rebase'],
      [`ext:cherrypicker:${repo}#1`, 'd-1#ext:cherrypicker'],
    ]);
    for (const m of queue.messages) {
      expect(isForwardMessage(m.body)).toBe(true);
      expect(rawPayloadOf(m.body)).toBe(raw.toString('utf8'));
    }
    expect(JSON.parse(queue.messages[1]!.body)).toMatchObject({ forward: { name: 'cherrypicker', endpoint: 'http://cherrypicker/hook' }, delivery: 'd-1', event: 'issue_comment', target: repo });
  });

  it('an event message is never taken for a forward', () => {
    expect(isForwardMessage(eventMessage(oddBody()).body)).toBe(false);
  });

  it('keeps group and deduplication ids within SQS limits for long names', async () => {
    const long = 'p'.repeat(100);
    const { queue } = await queued(oddBody(), [plugin(long, 'http://x'), plugin(`${long.slice(0, 99)}q`, 'http://y')]);
    const ids = queue.messages.flatMap((m) => [m.groupId, m.deduplicationId]);
    expect(ids.every((id) => id.length <= 128)).toBe(true);
    expect(new Set(ids).size).toBe(4);
  });

  it.each([
    { name: 'a body that was not UTF-8', extra: { bodyNotUtf8: true as const }, reason: 'the received body is not valid UTF-8, so its exact bytes cannot be forwarded' },
    { name: 'a message from before headers were kept', extra: { headers: undefined }, reason: 'received before external plugins were forwarded: no signature to forward it with' },
  ])('refuses $name, and queues nothing', async ({ extra, reason }) => {
    const { queue, refused } = await queued(oddBody(), [plugin('a', 'http://a')], { extra });
    expect(queue.messages).toEqual([]);
    expect(refused).toEqual({ 'external:a': { status: 'refused', reason, writes: [], attempt: 0, at: receivedAt } });
  });

  it('a forward that would outgrow a queue message carries a pointer to the payload store, and still sends the exact bytes', async () => {
    // Prepare: a limit the event fits under and its forward does not
    const raw = oddBody();
    const limit = Buffer.byteLength(eventMessage(raw).body) + 10;
    const target = await endpoint();
    // Act
    const { queue, payloads } = await queued(raw, [plugin('big', `${target.url}/hook`)], { maxMessageBytes: limit });
    const { deps } = forwardDeps({ payloads });
    await forward(queue.messages[0]!.body, deps);
    // Assess
    expect(JSON.parse(queue.messages[0]!.body).payloadRef).toEqual({ bucket: payloads.bucket, key: 'payloads/2026-11-25/d-1.json' });
    expect(target.seen[0]!.body.equals(raw)).toBe(true);
  });

  it("an event whose payload is in the payload store is forwarded from there: the same object, no new one", async () => {
    const raw = oddBody();
    const payloads = new MemoryPayloads();
    const payloadRef = await payloads.put('payloads/2026-11-25/d-1.json', raw.toString('utf8'));
    const { queue } = await queued(raw, [plugin('a', 'http://a')], { extra: { payloadRef }, payloads });
    expect(JSON.parse(queue.messages[0]!.body).payloadRef).toEqual(payloadRef);
    expect(payloads.objects.size).toBe(1);
  });
});

// ---- the forward step -------------------------------------------------------------------------

async function forwardOnce(answer: Answer, options: { path?: string; timeoutMs?: number } = {}) {
  const target = await endpoint(answer);
  const raw = oddBody();
  const { queue } = await queued(raw, [plugin('ext', `${target.url}${options.path ?? '/hook'}`)]);
  const { deps, store, lines } = forwardDeps({ timeoutMs: options.timeoutMs ?? 5_000 });
  const outcome = await forward(queue.messages[0]!.body, deps, 1).catch((error: unknown) => error);
  return { target, raw, body: queue.messages[0]!.body, deps, store, lines, outcome, trace: (await store.get('d-1'))?.plugins['external:ext'] };
}

describe('forward', () => {
  it('POSTs the exact bytes with the signature they verify against and GitHub headers, as ProwHook', async () => {
    // Act
    const { target, raw, trace, store, outcome } = await forwardOnce((res) => res.writeHead(200).end('ok'));
    // Assess
    expect(outcome).toMatchObject({ delivery: 'd-1', plugin: 'ext' });
    const [seen] = target.seen;
    expect(seen!.body.equals(raw)).toBe(true);
    expect(seen!.headers['x-hub-signature-256']).toBe(sign(seen!.body));
    expect(seen!.headers).toMatchObject({ 'x-github-event': 'issue_comment', 'x-github-delivery': 'd-1', 'content-type': 'application/json', 'user-agent': 'ProwHook' });
    expect(trace).toMatchObject({ status: 'ran', httpStatus: 200, reason: `HTTP 200 from ${target.url}/hook`, attempt: 1 });
    expect(store.claimOf('d-1', 'ext:ext')).toEqual({ state: 'done' });
  });

  it('does not send again once a forward got its 2xx (at-least-once, not twice after success)', async () => {
    const { target, body, deps } = await forwardOnce((res) => res.writeHead(204).end());
    await forward(body, deps, 2);
    expect(target.seen).toHaveLength(1);
  });

  it('another worker holding the claim: retried later, nothing sent', async () => {
    const target = await endpoint();
    const { queue } = await queued(oddBody(), [plugin('ext', target.url)]);
    const { deps, store } = forwardDeps();
    await store.claim('d-1', 'ext:ext', 60_000);
    await expect(forward(queue.messages[0]!.body, deps)).rejects.toBeInstanceOf(ForwardRetryableError);
    expect(target.seen).toEqual([]);
  });

  it.each([
    { name: '503', status: 503, retrying: true },
    { name: '500', status: 500, retrying: true },
    { name: '429', status: 429, retrying: true },
    { name: '408', status: 408, retrying: true },
    { name: '404: the plugin has no such route', status: 404, retrying: false },
    { name: '403: the plugin refused the signature', status: 403, retrying: false },
  ])('an answer of $name: retrying $retrying', async ({ status, retrying }) => {
    // Act
    const { outcome, trace, store } = await forwardOnce((res) => res.writeHead(status).end('nope\n  from   the plugin'));
    // Assess
    expect(trace).toMatchObject({ status: 'failed', httpStatus: status, retrying, error: expect.stringContaining(`HTTP ${status} from `) });
    expect(trace!.error).toMatch(/: nope from the plugin$/);
    if (retrying) {
      expect(outcome).toBeInstanceOf(ForwardRetryableError);
      // Given up, so the retry can take it at once.
      expect(store.claimOf('d-1', 'ext:ext')).toBeUndefined();
    } else {
      expect(outcome).toMatchObject({ plugin: 'ext' });
      expect(store.claimOf('d-1', 'ext:ext')).toEqual({ state: 'done' });
    }
  });

  it('reads only the start of a huge error answer', async () => {
    const { trace } = await forwardOnce((res) => res.writeHead(500).end('x'.repeat(5 * 1024 * 1024)));
    expect(trace!.error!.length).toBeLessThan(300);
  });

  it('takes a 2xx as done even when its body never ends', async () => {
    const { trace, outcome } = await forwardOnce((res) => {
      res.writeHead(200);
      res.write('still going');
    }, { timeoutMs: 2_000 });
    expect(outcome).not.toBeInstanceOf(Error);
    expect(trace).toMatchObject({ status: 'ran', httpStatus: 200 });
  });

  it('an endpoint that does not answer in time: failed, retried', async () => {
    const { trace, outcome } = await forwardOnce(() => undefined, { timeoutMs: 300 });
    expect(outcome).toBeInstanceOf(ForwardRetryableError);
    expect(trace).toMatchObject({ status: 'failed', retrying: true });
    expect(trace!.error).toMatch(/timeout|aborted/i);
  });

  it('an endpoint nobody listens on: failed, retried', async () => {
    const target = await endpoint();
    const url = target.url;
    const server = servers.pop()!;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { queue } = await queued(oddBody(), [plugin('ext', `${url}/hook`)]);
    const { deps, store } = forwardDeps();
    await expect(forward(queue.messages[0]!.body, deps)).rejects.toBeInstanceOf(ForwardRetryableError);
    expect((await store.get('d-1'))?.plugins['external:ext']).toMatchObject({ status: 'failed', retrying: true });
  });

  it('follows a 307 within the endpoint\'s origin, with the body', async () => {
    const { target, raw, trace } = await forwardOnce((res, seen) => (seen.path === '/old' ? res.writeHead(307, { location: '/new' }).end() : res.writeHead(200).end()), { path: '/old' });
    expect(target.seen.map((s) => s.path)).toEqual(['/old', '/new']);
    expect(target.seen[1]!.body.equals(raw)).toBe(true);
    expect(trace).toMatchObject({ status: 'ran' });
  });

  it.each([
    { name: 'a 307 to another origin', status: 307 },
    { name: 'a 308 to another origin', status: 308 },
    { name: 'a 302 to another origin', status: 302 },
  ])('does not follow $name: the signed event stays with the configured endpoint', async ({ status }) => {
    // Prepare
    const elsewhere = await endpoint();
    // Act
    const { trace, outcome } = await forwardOnce((res) => res.writeHead(status, { location: `${elsewhere.url}/steal?token=x` }).end());
    // Assess
    expect(elsewhere.seen).toEqual([]);
    expect(outcome).not.toBeInstanceOf(Error);
    expect(trace).toMatchObject({ status: 'failed', retrying: false, httpStatus: status });
    expect(trace!.error).toContain(`a redirect to ${elsewhere.url}/steal, not followed`);
  });

  it('stops after a few redirects within the origin', async () => {
    const { target, trace } = await forwardOnce((res, seen) => res.writeHead(307, { location: `${seen.path}x` }).end());
    expect(target.seen).toHaveLength(4);
    expect(trace).toMatchObject({ status: 'failed', httpStatus: 307, retrying: false });
  });

  it('never puts the signature, or credentials in the endpoint, in logs or the trace', async () => {
    // Prepare: an endpoint with a user, password and token, which fails so that an error is logged too
    const target = await endpoint((res) => res.writeHead(503).end());
    const raw = oddBody();
    const withSecrets = `${target.url.replace('http://', 'http://user:hunter2@')}/hook?token=t0ken`;
    const { queue } = await queued(raw, [plugin('ext', withSecrets)]);
    const { deps, store, lines } = forwardDeps();
    // Act
    await forward(queue.messages[0]!.body, deps).catch(() => undefined);
    // Assess
    const written = JSON.stringify([lines, await store.get('d-1')]);
    expect(lines.length).toBeGreaterThan(0);
    expect(written).toContain(`${target.url}/hook`);
    for (const secretText of [sign(raw), 'hunter2', 't0ken']) expect(written).not.toContain(secretText);
    expect(target.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:hunter2').toString('base64')}`);
  });

  it.each([
    { endpoint: 'http://user:pw@host:8080/path?q=1#f', shown: 'http://host:8080/path' },
    { endpoint: 'https://plugins.example/hook', shown: 'https://plugins.example/hook' },
    { endpoint: 'not a url', shown: '(not a URL)' },
  ])('shows $endpoint as $shown', ({ endpoint: url, shown }) => {
    expect(displayEndpoint(url)).toBe(shown);
  });
});

// ---- through dispatch and the worker ------------------------------------------------------------

function dispatchSetup(config: string, forwardQueue?: MemoryQueue) {
  return memoryDispatch({ source: config, ...(forwardQueue ? { forwarding: { queue: forwardQueue, timeoutMs: 5_000, maxMessageBytes: 1024 * 1024 } } : {}) });
}

const configFor = (url: string) =>
  `plugins:\n  ${repo}: [hold]\nexternal_plugins:\n  Codertocat:\n  - name: a\n    endpoint: ${url}/a\n  ${repo}:\n  - name: b\n    endpoint: ${url}/b\n    events: [pull_request]\n`;

describe('dispatch queues forwards', () => {
  it("queues the org's and the repo's plugins that want the event, and runs the built-ins as usual", async () => {
    const forwards = new MemoryQueue();
    const { github, deps } = dispatchSetup(configFor('http://plugins'), forwards);
    await dispatch(eventMessage(Buffer.from(JSON.stringify(prComment('/hold')))).body, deps);
    expect(forwards.messages.map((m) => m.deduplicationId)).toEqual(['d-1#ext:a']);
    expect(github.writes).toEqual([`addLabel ${repo}#1 do-not-merge/hold`]);
  });

  it('a failed send fails the record for a retry, which queues the forward without running the built-ins again', async () => {
    // Prepare
    const forwards = new MemoryQueue();
    forwards.failNext(Object.assign(new Error('ServiceUnavailable'), { $metadata: { httpStatusCode: 503 } }));
    const { github, deps } = dispatchSetup(configFor('http://plugins'), forwards);
    const { body } = eventMessage(Buffer.from(JSON.stringify(prComment('/hold'))));
    // Act
    const first = await dispatch(body, deps).catch((error: unknown) => error);
    await dispatch(body, deps);
    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(github.writes).toEqual([`addLabel ${repo}#1 do-not-merge/hold`]);
    expect(forwards.messages.map((m) => m.deduplicationId)).toEqual(['d-1#ext:a']);
  });

  it('a worker without forwarding says so in the trace', async () => {
    const { store, deps } = dispatchSetup(configFor('http://plugins'));
    await dispatch(eventMessage(Buffer.from(JSON.stringify(prComment('/hold')))).body, deps);
    expect((await store.get('d-1'))?.plugins['external:a']).toMatchObject({ status: 'skipped', reason: 'this worker does not forward to external plugins' });
  });
});

describe('the worker runs forwards of different plugins at once', () => {
  const record = (id: string, body: string, group: string): SQSRecord => ({
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: group },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:skiff-forwards.fifo',
    awsRegion: 'us-east-1',
  });

  it('a plugin that hangs does not hold back another in the same batch', async () => {
    // Prepare: `slow` answers only when released; `fast` at once
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const target = await endpoint((res, seen) => (seen.path === '/slow' ? void released.then(() => res.writeHead(200).end()) : res.writeHead(200).end()));
    const { queue } = await queued(oddBody(), [plugin('slow', `${target.url}/slow`), plugin('fast', `${target.url}/fast`)]);
    const { store, deps } = dispatchSetup('plugins: {}\n');
    const records = queue.messages.map((m, i) => record(String(i), m.body, m.groupId));
    // Act
    const batch = processBatch({ Records: records } as SQSEvent, deps);
    const deadline = Date.now() + 10_000;
    while ((await store.get('d-1'))?.plugins['external:fast']?.status !== 'ran') {
      if (Date.now() > deadline) throw new Error('the fast plugin waited for the slow one');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const slowBefore = (await store.get('d-1'))?.plugins['external:slow'];
    release();
    const response = await batch;
    // Assess
    expect(slowBefore).toBeUndefined();
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get('d-1'))?.plugins['external:slow']).toMatchObject({ status: 'ran' });
  });

  it('an event message in the batch is still dispatched', async () => {
    const { github, deps } = dispatchSetup(`plugins:\n  ${repo}: [hold]\n`);
    const payload = prComment('/hold');
    const response = await processBatch({ Records: [record('e', eventMessage(Buffer.from(JSON.stringify(payload))).body, groupIdOf(payload))] } as SQSEvent, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(github.writes).toEqual([`addLabel ${repo}#1 do-not-merge/hold`]);
  });
});
