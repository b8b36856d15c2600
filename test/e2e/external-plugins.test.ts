// External plugins end to end in local mode: a signed delivery → the webhook → the queue →
// dispatch, which queues a forward per matching plugin → the forward step → a real HTTP endpoint
// here, which checks what Prow's external plugins check: the X-Hub-Signature-256 of the exact
// bytes it received, with the webhook secret that verified the delivery.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, secret, startHarness, type Harness } from './harness.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  signatureValid: boolean;
}

/** An external plugin: records each POST, checks its signature, and answers as told. */
class PluginEndpoint {
  readonly received: Received[] = [];
  /** Status codes to answer with, in turn; 200 once they run out. */
  answers: number[] = [];
  /** While set, requests wait for it before being answered. */
  gate: Promise<void> | undefined;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<PluginEndpoint> {
    let endpoint: PluginEndpoint;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks);
        const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
        const got = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
        endpoint.received.push({ path: req.url ?? '', headers: req.headers, body, signatureValid: got.length === expected.length && timingSafeEqual(got, expected) });
        await endpoint.gate;
        const status = endpoint.answers.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'Event received.' : 'not now');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = new PluginEndpoint(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return endpoint;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const until = async (what: string, check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

const [owner] = repo.split('/');

function configWith(endpoint: string): string {
  return [
    'plugins:',
    `  ${repo}:`,
    '    plugins: [hold]',
    'external_plugins:',
    `  ${owner}:`,
    '  - name: everything',
    `    endpoint: ${endpoint}/everything`,
    '  - name: pushes-only',
    `    endpoint: ${endpoint}/pushes`,
    '    events: [push]',
    `  ${repo}:`,
    '  - name: comments',
    `    endpoint: ${endpoint}/comments?token=do-not-show`,
    '    events: [issue_comment]',
    '',
  ].join('\n');
}

let h: Harness | undefined;
let endpoint: PluginEndpoint | undefined;
afterEach(async () => {
  await h?.close();
  await endpoint?.close();
  h = undefined;
  endpoint = undefined;
});

/** Posts `body` exactly as given, signed over its bytes. */
async function postRaw(event: string, body: Buffer, delivery = randomUUID()) {
  const response = await fetch(`${h!.skiff.url}/hook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-github-hook-id': '123456',
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': '1296269',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'x-forwarded-for': '203.0.113.7',
    },
    body,
  });
  return { status: response.status, delivery };
}

describe('external plugins', () => {
  it('forwards the exact signed bytes and GitHub headers to the org and repo plugins that want the event', async () => {
    // Prepare
    endpoint = await PluginEndpoint.start();
    h = await startHarness({ config: configWith(endpoint.url) });
    // Formatting JSON.stringify would not reproduce, and non-ASCII text: only the bytes as sent verify.
    const body = Buffer.from(JSON.stringify(prComment('/hold\n\nlooks good — 👍'), null, 3).replace('"action"', '"action"  '));
    // Act
    const { status, delivery } = await postRaw('issue_comment', body);
    const trace = await h.settled(delivery, 'processed', (t) => ['external:everything', 'external:comments'].every((k) => t.plugins[k]?.status === 'ran'));
    // Assess
    expect(status).toBe(200);
    expect(endpoint.received.map((r) => r.path).sort()).toEqual(['/comments?token=do-not-show', '/everything']);
    for (const received of endpoint.received) {
      expect(received.signatureValid).toBe(true);
      expect(received.body.equals(body)).toBe(true);
      expect(received.headers).toMatchObject({
        'x-github-event': 'issue_comment',
        'x-github-delivery': delivery,
        'x-github-hook-id': '123456',
        'x-github-hook-installation-target-type': 'repository',
        'x-github-hook-installation-target-id': '1296269',
        'content-type': 'application/json',
        'user-agent': 'ProwHook',
      });
      // Headers GitHub did not set stay behind.
      expect(received.headers['x-forwarded-for']).toBeUndefined();
    }
    expect(trace.plugins['external:everything']).toMatchObject({ status: 'ran', httpStatus: 200, reason: `HTTP 200 from ${endpoint.url}/everything` });
    // The endpoint's query may hold a token: the trace shows the endpoint without it.
    expect(JSON.stringify(trace)).not.toContain('do-not-show');
    expect(trace.plugins['external:pushes-only']).toBeUndefined();
    // The built-in plugin ran as usual.
    expect(trace.plugins.hold).toMatchObject({ status: 'ran' });
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 do-not-merge/hold`]);
  });

  it.each([
    { name: 'not queued by default: no built-in plugin handles it', queueEvents: undefined, forwarded: [] },
    { name: 'queued when named in SKIFF_QUEUE_EVENTS', queueEvents: 'release', forwarded: ['/everything'] },
    { name: 'queued with SKIFF_QUEUE_EVENTS=*', queueEvents: '*', forwarded: ['/everything'] },
  ])('a release event, which only an external plugin wants, is $name', async ({ queueEvents, forwarded }) => {
    // Prepare
    endpoint = await PluginEndpoint.start();
    h = await startHarness({ config: configWith(endpoint.url), env: queueEvents ? { SKIFF_QUEUE_EVENTS: queueEvents } : {} });
    const release = samplePayload('release', 'published');
    // Act
    const { status, delivery } = await postRaw('release', Buffer.from(JSON.stringify(release)));
    if (forwarded.length) await h.settled(delivery, 'processed', (t) => t.plugins['external:everything']?.status === 'ran');
    // Assess
    expect(status).toBe(200);
    expect(endpoint.received.map((r) => r.path)).toEqual(forwarded);
    if (!forwarded.length) expect((await fetch(`${h.skiff.url}/api/deliveries/${delivery}`)).status).toBe(404);
  });

  it('a failing endpoint gets the event again until it answers 2xx, and then not again', async () => {
    // Prepare
    endpoint = await PluginEndpoint.start();
    endpoint.answers = [503];
    h = await startHarness({ config: configWith(endpoint.url) });
    // Act
    const { delivery } = await postRaw('issue_comment', Buffer.from(JSON.stringify(prComment('nothing for hold'))));
    const failed = await h.settled(delivery, 'processed', (t) => t.plugins['external:everything']?.status === 'failed');
    const ran = await h.settled(delivery, 'processed', (t) => t.plugins['external:everything']?.status === 'ran');
    await h.settled(delivery, 'processed', (t) => t.plugins['external:comments']?.status === 'ran');
    // Past the visibility timeout (2 s here): nothing comes back once it succeeded.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // Assess
    expect(failed.plugins['external:everything']).toMatchObject({ status: 'failed', retrying: true, httpStatus: 503, error: `HTTP 503 from ${endpoint.url}/everything: not now` });
    expect(ran.plugins['external:everything']).toMatchObject({ status: 'ran', httpStatus: 200, attempt: 2 });
    const paths = endpoint.received.map((r) => r.path);
    expect(paths.filter((p) => p === '/everything')).toHaveLength(2);
    expect(paths.filter((p) => p.startsWith('/comments'))).toHaveLength(1);
    expect(endpoint.received.every((r) => r.signatureValid)).toBe(true);
  });

  it('an endpoint that does not answer holds back neither the built-in plugins nor later events of the pull request', async () => {
    // Prepare
    endpoint = await PluginEndpoint.start();
    let release!: () => void;
    endpoint.gate = new Promise<void>((resolve) => (release = resolve));
    // Longer than `settled` waits: were the forwards in the events' way, the events would wait it out.
    h = await startHarness({ config: configWith(endpoint.url), env: { SKIFF_FORWARD_TIMEOUT_MS: '25000' } });
    const first = await postRaw('issue_comment', Buffer.from(JSON.stringify(prComment('/hold'))));
    await until('the endpoint to be holding a forward', () => endpoint!.received.length >= 1);
    // Act: the next event of the same pull request, while the endpoint holds the first one's forwards.
    const second = await postRaw('issue_comment', Buffer.from(JSON.stringify(prComment('/hold cancel'))));
    const processed = await h.settled(second.delivery, 'processed', (t) => t.plugins.hold?.status === 'ran');
    const firstTrace = await h.settled(first.delivery);
    release();
    // Assess: both built-in runs finished while the endpoint was still holding its requests.
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 do-not-merge/hold`, `removeLabel ${repo}#1 do-not-merge/hold`]);
    expect(processed.plugins['external:comments']).toBeUndefined();
    expect(firstTrace.plugins['external:everything']).toBeUndefined();
    await until('both events forwarded to both plugins', () => endpoint!.received.length >= 4);
    await h.settled(second.delivery, 'processed', (t) => t.plugins['external:comments']?.status === 'ran' && t.plugins['external:everything']?.status === 'ran');
  });

  it('a forward not done when local mode stops is sent after a restart on the same data dir', async () => {
    // Prepare: the endpoint fails the first forward, and local mode stops before a retry succeeds
    const dataDir = mkdtempSync(join(tmpdir(), 'skiff-forward-restart-'));
    try {
      endpoint = await PluginEndpoint.start();
      endpoint.answers = Array(20).fill(503);
      const config = `plugins:\n  ${repo}: [hold]\nexternal_plugins:\n  ${owner}:\n  - name: everything\n    endpoint: ${endpoint.url}/everything\n`;
      h = await startHarness({ config, skiff: { dataDir } });
      const { delivery } = await postRaw('issue_comment', Buffer.from(JSON.stringify(prComment('/hold'))));
      await h.settled(delivery, 'processed', (t) => t.plugins['external:everything']?.status === 'failed');
      await h.close();
      h = undefined;
      endpoint.answers = [];
      const before = endpoint.received.length;
      // Act
      h = await startHarness({ config, skiff: { dataDir } });
      const trace = await h.settled(delivery, 'processed', (t) => t.plugins['external:everything']?.status === 'ran');
      // Assess: sent again from the journal; the event itself was not dispatched again
      expect(endpoint.received.length).toBeGreaterThan(before);
      expect(endpoint.received.every((r) => r.signatureValid)).toBe(true);
      expect(trace.plugins['external:everything']).toMatchObject({ status: 'ran', httpStatus: 200 });
      expect(trace.attempts).toBe(1);
    } finally {
      await h?.close();
      h = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('an event no plugin wants is not forwarded, and one from another org is not either', async () => {
    // Prepare
    endpoint = await PluginEndpoint.start();
    h = await startHarness({ config: configWith(endpoint.url).replaceAll(`${owner}`, 'someone-else') });
    // Act
    const { delivery } = await postRaw('issue_comment', Buffer.from(JSON.stringify(prComment('/hold'))));
    const trace = await h.settled(delivery);
    // Assess
    expect(Object.keys(trace.plugins).filter((k) => k.startsWith('external:'))).toEqual([]);
    expect(endpoint.received).toEqual([]);
  });
});
