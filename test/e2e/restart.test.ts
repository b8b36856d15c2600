// Local mode restarted on the same data dir, in this process: an event that finished is not
// queued again (the poller journals it as done), and one whose batch was still running at the
// stop is, and the claims keep its finished plugin from writing twice. The kill -9 case, with a
// real child process, is local-process.test.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocal, type LocalOptions, type LocalSkiff } from '../../shared/local/local-mode.js';
import { createLogger } from '../../shared/log.js';
import type { Trace } from '../../shared/storage/ports.js';
import { FakeGitHub } from '../fakes/github-server.js';
import { configRepo, prComment, repo, secret, validConfig } from './harness.js';

let dir: string;
let github: FakeGitHub;
const running: LocalSkiff[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-restart-'));
  github = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  github.setFile(configRepo, 'main', 'plugins.yaml', validConfig);
});

afterEach(async () => {
  for (const skiff of running.splice(0)) await skiff.close();
  await github.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Partial<LocalOptions> = {}): Promise<LocalSkiff> {
  const skiff = await startLocal({
    env: { SKIFF_CONFIG: `${configRepo}:plugins.yaml`, GITHUB_API_URL: github.url, GITHUB_TOKEN: 'restart-token', WEBHOOK_SECRET: secret },
    port: 0,
    dataDir: join(dir, 'data'),
    visibilityTimeoutSeconds: 2,
    octokit: { writeIntervalMs: 0, retryBaseMs: 5 },
    log: createLogger({ logLevel: 'CRITICAL' }),
    ...options,
  });
  running.push(skiff);
  return skiff;
}

async function holdOn(skiff: LocalSkiff, number: number, delivery = randomUUID()): Promise<string> {
  const payload = prComment('/hold', { number });
  const body = JSON.stringify(payload);
  const response = await fetch(`${skiff.url}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) },
    body,
  });
  expect(response.status).toBe(200);
  return delivery;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const trace = async (skiff: LocalSkiff, delivery: string, done: (t: Trace) => boolean) =>
  until(`${delivery}`, async () => {
    const t = await skiff.dispatchDeps.traces.get(delivery);
    return t && done(t) ? t : undefined;
  });

describe('a restart on the same data dir', () => {
  it('queues again only what had not finished, and the claims keep a finished plugin from writing twice', async () => {
    // Prepare: event A finishes; event B's hold runs, then its batch never ends.
    const b = randomUUID();
    const first = await start({ afterPlugin: (delivery) => (delivery === b ? new Promise<void>(() => {}) : undefined) });
    const a = await holdOn(first, 1);
    await trace(first, a, (t) => t.status === 'processed');
    await holdOn(first, 2, b);
    // Act
    await until('B’s label', async () => (github.writes().length === 2 ? true : undefined));
    await first.close();
    const second = await start();
    const replayed = await trace(second, b, (t) => t.status === 'processed');
    // Assess
    expect(second.replayed).toBe(1);
    expect(replayed.plugins.hold).toMatchObject({ status: 'ran' });
    expect(github.writes()).toEqual([`addLabel ${repo}#1 do-not-merge/hold`, `addLabel ${repo}#2 do-not-merge/hold`]);
    expect((await second.dispatchDeps.traces.get(a))?.attempts).toBe(1);
  });
});
