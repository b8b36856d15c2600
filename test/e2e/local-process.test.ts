// `skiff local` as a real child process (`node bin/skiff.js local`, and `npm start`): what an
// acknowledged event survives, and how the process stops. Before, the queue lived only in
// memory: after a kill right behind the acks the events were gone and their traces said
// `queued` forever; SIGTERM could take 30 s; and stopping `npm start` with a signal left an
// orphaned node holding the port.
//
// GitHub is the fake GitHub server behind a gate: while the gate is shut, requests reach it but
// are never answered, so the worker is stuck on its first GitHub call (the bot's login, looked
// up before any plugin claims the event) and the acknowledged events are all still unfinished
// when the process is stopped. Nothing a stuck request asked for ever reaches the fake.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sign } from '@octokit/webhooks-methods';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../shared/storage/ports.js';
import { FakeGitHub } from '../fakes/github-server.js';
import { prComment, repo } from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const secret = 'local-process-secret';
const hold = 'do-not-merge/hold';

/** A proxy to the fake GitHub that can hold every request unanswered. */
async function gate(target: string) {
  let shut = true;
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen++;
    if (shut) return; // Never answered; the socket dies with the client.
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    open() {
      shut = false;
    },
    /** How many requests reached the gate, answered or not. */
    get seen() {
      return seen;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Running {
  child: ChildProcess;
  url: string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `command` (skiff local or npm start) and waits for the port it printed. */
function launch(command: string, args: string[], env: Record<string, string>, detached = false): Promise<Running> {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const url = /Skiff is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearInterval(timer);
        resolve({ child, url, stdout: () => out, exited });
      }
    }, 50);
    void exited.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before listening:\n${out}${err}`));
    });
  });
}

let dir: string;
let github: FakeGitHub;
let proxy: Awaited<ReturnType<typeof gate>>;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skiff-local-process-'));
  writeFileSync(join(dir, 'plugins.yaml'), `plugins:\n  ${repo}: [hold]\n`);
  github = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  proxy = await gate(github.url);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    // Only what this suite started: the child, or for npm its whole process group, which still
    // holds an orphaned node if the test failed (npm itself has exited by then).
    try {
      if (child.spawnargs[0] === 'npm') process.kill(-child.pid!, 'SIGKILL');
      else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await proxy.close();
  await github.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  SKIFF_CONFIG: join(dir, 'plugins.yaml'),
  WEBHOOK_SECRET: secret,
  GITHUB_TOKEN: 'local-process-token',
  GITHUB_API_URL: proxy.url,
  LOG_LEVEL: 'ERROR',
  PORT: '',
});

async function skiffLocal(): Promise<Running> {
  const running = await launch(process.execPath, ['bin/skiff.js', 'local', '--port', '0', '--data-dir', join(dir, 'data')], env());
  children.push(running.child);
  return running;
}

/** `/hold` (or another comment) on pull request `number`, acknowledged. */
async function comment(skiff: Running, number: number, text: string): Promise<string> {
  const payload = prComment(text, { number });
  const body = JSON.stringify(payload);
  const delivery = randomUUID();
  const response = await fetch(`${skiff.url}/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) },
    body,
  });
  expect(response.status).toBe(200);
  return delivery;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const processed = (skiff: Running, delivery: string) =>
  until(`${delivery} to be processed`, async () => {
    const response = await fetch(`${skiff.url}/api/deliveries/${delivery}`);
    const trace = response.ok ? ((await response.json()) as Trace) : undefined;
    return trace?.status === 'processed' ? trace : undefined;
  });

/** Acknowledged events that the worker is stuck on (the gate holds its first GitHub call). */
async function ackedAndStuck(skiff: Running) {
  const deliveries = [await comment(skiff, 1, '/hold'), await comment(skiff, 2, '/hold'), await comment(skiff, 3, '/hold'), await comment(skiff, 3, '/hold cancel')];
  await until('the worker to call GitHub', async () => (proxy.seen > 0 ? true : undefined));
  return deliveries;
}

const expectedWrites = [`addLabel ${repo}#1 ${hold}`, `addLabel ${repo}#2 ${hold}`, `addLabel ${repo}#3 ${hold}`, `removeLabel ${repo}#3 ${hold}`];

describe('skiff local as a process', () => {
  it('events acknowledged just before a kill -9 are processed once after a restart on the same data dir', async () => {
    // Prepare
    const first = await skiffLocal();
    const deliveries = await ackedAndStuck(first);
    // Act
    first.child.kill('SIGKILL');
    await first.exited;
    proxy.open();
    const second = await skiffLocal();
    for (const delivery of deliveries) await processed(second, delivery);
    // Assess: each write once, and #3's cancel after its hold.
    expect(second.stdout()).toContain('note: 4 event(s) acknowledged by the previous run and not finished are queued again');
    expect([...github.writes()].sort()).toEqual([...expectedWrites].sort());
    expect(github.writes().filter((w) => w.includes('#3'))).toEqual([`addLabel ${repo}#3 ${hold}`, `removeLabel ${repo}#3 ${hold}`]);
    expect(github.labelsOf(repo, 3)).toEqual([]);
  });

  it('SIGTERM with a batch stuck on GitHub stops anyway, and the next start processes its events once', async () => {
    // Prepare
    const first = await skiffLocal();
    const deliveries = await ackedAndStuck(first);
    // Act
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    proxy.open();
    const second = await skiffLocal();
    for (const delivery of deliveries) await processed(second, delivery);
    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toMatch(/stopping \(SIGTERM\)[^\n]*\nstopped\n$/);
    expect([...github.writes()].sort()).toEqual([...expectedWrites].sort());
  });

  it('a second Ctrl-C exits at once', async () => {
    // Prepare: a stuck batch keeps the graceful stop waiting.
    const running = await skiffLocal();
    await ackedAndStuck(running);
    running.child.kill('SIGINT');
    await until('the stop to begin', async () => (running.stdout().includes('stopping (SIGINT)') ? true : undefined));
    // Past the moment in which a second SIGINT is the same Ctrl-C forwarded by npm.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Act
    running.child.kill('SIGINT');
    const exit = await running.exited;
    // Assess: the forced exit, not the graceful one (0) nor death by the signal.
    expect(exit).toEqual({ code: 130, signal: null });
  });

  it('stopping `npm start` with SIGTERM leaves nothing holding the port', async () => {
    // Prepare: npm runs the script through `sh -c`, which forwards nothing to node.
    const npm = await launch('npm', ['start', '--', '--port', '0', '--data-dir', join(dir, 'data')], env(), true);
    children.push(npm.child);
    // Act
    npm.child.kill('SIGTERM');
    await npm.exited;
    // Assess: the port is given up (connection refused), not held by an orphaned node. While the
    // orphan-free node is still closing, a request may be accepted and reset (ECONNRESET): that
    // is not yet the answer, so keep asking until the port refuses or the wait runs out.
    const refused = await until('the port to be released', () =>
      fetch(`${npm.url}/healthz`).then(
        () => undefined,
        (error: Error & { cause?: { code?: string } }) => (error.cause?.code === 'ECONNREFUSED' ? error.cause.code : undefined),
      ),
    );
    expect(refused).toBe('ECONNREFUSED');
  });
});
