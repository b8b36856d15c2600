import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLogPath, goDuration, LocalAgent, serveJobLog } from '../../shared/jobs/agents/local.js';
import type { AgentObservation, JobContainer, JobRecord } from '../../shared/jobs/types.js';
import { makeTestRepo, type TestRepo } from '../fakes/local-agent-git-repo.js';

/** Is the process still running? A zombie (dead, waiting for a parent to reap it) counts as gone. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for a file the job writes (no clock involved: it polls until the file is there). */
async function fileAppears(path: string): Promise<string> {
  for (;;) {
    try {
      const text = (await readFile(path, 'utf8')).trim();
      if (text) return text;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let repo: TestRepo;
let dataDir: string;
let checkoutRoot: string;
const finished = new Map<string, AgentObservation[]>();
const waiters = new Map<string, (observation: AgentObservation) => void>();
const whenFinished = (id: string) =>
  new Promise<AgentObservation>((resolve) => {
    const done = finished.get(id);
    if (done) resolve(done[0]!);
    else waiters.set(id, resolve);
  });

let agent: LocalAgent;

beforeAll(() => {
  repo = makeTestRepo();
  dataDir = mkdtempSync(join(tmpdir(), 'skiff-local-agent-data-'));
  checkoutRoot = mkdtempSync(join(tmpdir(), 'skiff-local-agent-checkouts-'));
  agent = new LocalAgent({
    dataDir,
    baseUrl: 'http://127.0.0.1:8888/',
    checkoutRoot,
    gracePeriodMs: 300,
    fetchRetriesMs: [],
    now: () => new Date('2026-12-03T12:00:00Z'),
    onFinished: (id, observation) => {
      finished.set(id, [...(finished.get(id) ?? []), observation]);
      waiters.get(id)?.(observation);
    },
  });
});
afterAll(async () => {
  await agent.close();
  repo.remove();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(checkoutRoot, { recursive: true, force: true });
});

let counter = 0;
const job = (container: JobContainer | undefined, over: Partial<JobRecord> = {}): JobRecord => ({
  id: `job${++counter}`,
  name: 'unit',
  type: 'presubmit',
  refs: { org: 'org', repo: 'repo', baseRef: 'main', baseSha: repo.baseSha, cloneUri: repo.bare, pulls: [{ number: 1, author: 'dev', sha: repo.cleanSha }] },
  extraRefs: [],
  state: 'triggered',
  createdAt: '2026-12-03T11:59:00Z',
  agent: 'local',
  buildNumber: '1',
  report: true,
  maxConcurrency: 0,
  run: { container, timeoutSeconds: 7200 },
  labels: {},
  annotations: {},
  version: 1,
  ...over,
});
const sh = (script: string, over: Partial<JobContainer> = {}): JobContainer => ({ image: 'golang:1.22', command: ['sh', '-c', script], args: [], env: {}, ...over });
const prowEnv = { JOB_NAME: 'unit', JOB_TYPE: 'presubmit', PULL_NUMBER: '1', PULL_PULL_SHA: 'abc', BUILD_ID: '1', CI: 'true' };
const logOf = (id: string) => readFileSync(buildLogPath(dataDir, id), 'utf8');

describe('LocalAgent', () => {
  it('runs the command in the merged checkout with the job env and none of this process\'s secrets; removes the checkout; keeps the log', async () => {
    process.env.SKIFF_TEST_PARENT_SECRET = 'do-not-leak';
    const j = job(
      sh('echo "job=$JOB_NAME pull=$PULL_NUMBER extra=$EXTRA"; cat README.md feature.txt; git log -1 --format=%an; pwd > "$ARTIFACTS/pwd"; env > "$ARTIFACTS/env"', {
        env: { EXTRA: 'from-container', JOB_NAME: 'container-loses' },
      }),
    );
    const started = await agent.start(j, prowEnv);
    expect(started).toEqual({ buildId: `local-${j.id}`, url: `http://127.0.0.1:8888/jobs/${j.id}/log` });
    const observation = await whenFinished(j.id);
    delete process.env.SKIFF_TEST_PARENT_SECRET;
    expect(observation).toEqual({ state: 'success', description: 'Job succeeded.', url: started.url, completedAt: '2026-12-03T12:00:00.000Z' });
    expect(logOf(j.id)).toBe(
      '# image golang:1.22 noted, not pulled: the local agent runs the command on this machine\n' +
        'job=unit pull=1 extra=from-container\nhello\nworld\nfeature\nci-robot\n',
    );
    const artifacts = join(dataDir, 'jobs', j.id, 'artifacts');
    const cwd = readFileSync(join(artifacts, 'pwd'), 'utf8').trim();
    expect(cwd.endsWith('/src/github.com/org/repo')).toBe(true);
    expect(existsSync(cwd)).toBe(false);
    expect(readdirSync(checkoutRoot)).toEqual([]);
    const env = readFileSync(join(artifacts, 'env'), 'utf8');
    expect(env).not.toContain('do-not-leak');
    expect(env).toContain(`ARTIFACTS=${artifacts}\n`);
    expect(env).toMatch(/^GOPATH=\S+skiff-job-\S+$/m);
    expect(env).not.toContain(`HOME=${process.env.HOME}\n`);
    expect(readFileSync(join(dataDir, 'jobs', j.id, 'clone-log.txt'), 'utf8')).toContain(`# Cloning org/repo at main(${repo.baseSha})`);
    expect(await agent.observe(j)).toEqual(observation);
    expect(finished.get(j.id)).toHaveLength(1);
  });

  it.each([
    { name: 'args are appended to the command, no shell in between', container: { command: ['printf', '%s|'], args: ['a b', '$HOME', '`id`'], env: {} }, log: 'a b|$HOME|`id`|' },
    { name: 'the command alone', container: { command: ['echo', 'hi'], args: [], env: {} }, log: 'hi\n' },
  ])('$name', async ({ container, log }) => {
    const j = job(container, { refs: undefined });
    await agent.start(j, {});
    expect(await whenFinished(j.id)).toMatchObject({ state: 'success' });
    expect(logOf(j.id)).toBe(log);
  });

  it.each([
    { name: 'exit 1 is a failure', container: sh('echo broken; exit 1'), state: 'failure', description: 'Job failed.', log: '# image golang:1.22 noted, not pulled: the local agent runs the command on this machine\nbroken\n# process exited with code 1\n' },
    {
      name: 'a command that does not exist cannot start',
      container: { command: ['skiff-no-such-command'], args: [], env: {} },
      state: 'error',
      description: 'Could not start skiff-no-such-command: ENOENT.',
      log: '# could not start the process: spawn skiff-no-such-command ENOENT\n',
    },
    {
      name: 'args without a command need the image\'s entrypoint',
      container: { image: 'quay.io/jetstack/cert-manager-test:v1', command: [], args: ['make', 'test'], env: {} },
      state: 'error',
      description: 'Job needs the entrypoint of image quay.io/jetstack/cert-manager-test:v1: the local agent runs no images.',
      log:
        '# image quay.io/jetstack/cert-manager-test:v1 noted, not pulled: the local agent runs the command on this machine\n' +
        '# the job gives args (make test) and no command: it relies on the entrypoint of image quay.io/jetstack/cert-manager-test:v1, which the local agent cannot run without the image (no container runtime is used). Give the job a command to run it locally.\n',
    },
    {
      name: 'args with neither command nor image',
      container: { command: [], args: ['make'], env: {} },
      state: 'error',
      description: 'Job has args but no command, and no image whose entrypoint would run them.',
      log: '# the job gives args (make) and no command or image: there is nothing to run them with\n',
    },
    { name: 'no container', container: undefined, state: 'error', description: 'Job has no command to run.', log: '# the job has no command to run\n' },
  ])('$name', async ({ container, state, description, log }) => {
    const j = job(container as JobContainer | undefined, { refs: undefined });
    await agent.start(j, {});
    expect(await whenFinished(j.id)).toMatchObject({ state, description });
    expect(logOf(j.id)).toBe(log);
  });

  it('a pull that conflicts fails the job with the clone log as its build log (Prow initupload)', async () => {
    const j = job(sh('echo should not run'), { refs: { org: 'org', repo: 'repo', baseRef: 'main', baseSha: repo.baseSha, cloneUri: repo.bare, pulls: [{ number: 2, author: 'dev', sha: repo.conflictSha }] } });
    await agent.start(j, {});
    const observation = await whenFinished(j.id);
    expect(observation).toMatchObject({ state: 'failure', description: `Clone failed: merging pull #2 (${repo.conflictSha.slice(0, 12)}) onto main of org/repo failed: CONFLICT (content): Merge conflict in README.md` });
    const log = logOf(j.id);
    expect(log).toContain('# FAILED\n# Cloning org/repo at main');
    expect(log).not.toContain('should not run');
    expect(readdirSync(checkoutRoot)).toEqual([]);
  });

  it('a timeout interrupts the process group and ends in error', async () => {
    const j = job(sh('sleep 30'), { refs: undefined, run: { container: sh('sleep 30'), timeoutSeconds: 1 } });
    await agent.start(j, {});
    expect(await whenFinished(j.id)).toMatchObject({ state: 'error', description: 'Job timed out after 1s.' });
    expect(logOf(j.id)).toContain('# Process did not finish before 1s timeout\n');
  });

  it('abort kills the process and the grandchild it started; observe says pending, then aborted', async () => {
    const j = job(sh('sleep 300 & echo $! > "$ARTIFACTS/grandchild"; wait'), { refs: undefined });
    await agent.start(j, {});
    const grandchild = Number(await fileAppears(join(dataDir, 'jobs', j.id, 'artifacts', 'grandchild')));
    expect(processAlive(grandchild)).toBe(true);
    expect(await agent.observe(j)).toEqual({ state: 'pending', url: `http://127.0.0.1:8888/jobs/${j.id}/log` });
    await agent.abort(j);
    expect(processAlive(grandchild)).toBe(false);
    expect(await agent.observe(j)).toMatchObject({ state: 'aborted', description: 'Job aborted.' });
    expect(finished.get(j.id)).toEqual([expect.objectContaining({ state: 'aborted' })]);
    // A second abort of a finished run is no error.
    await agent.abort(j);
  });

  it('abort during the checkout stops git (and its HTTP helper) and ends aborted; the clone had the token of its refs', async () => {
    // A git server that takes the request and never answers: the fetch hangs until it is stopped.
    const requests: IncomingMessage[] = [];
    let arrived!: () => void;
    const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req) => {
      requests.push(req);
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/org/repo.git`;
    const asked: string[] = [];
    const withToken = new LocalAgent({
      dataDir,
      baseUrl: 'http://127.0.0.1:8888',
      checkoutRoot,
      fetchRetriesMs: [],
      credentials: async (refs) => {
        asked.push(`${refs.org}/${refs.repo}`);
        return { token: 'local-token', user: 'x-access-token' };
      },
      onFinished: (id, observation) => waiters.get(id)?.(observation),
    });
    try {
      const j = job(sh('echo never'), { refs: { org: 'org', repo: 'repo', baseRef: 'main', cloneUri: url, pulls: [] } });
      const done = whenFinished(j.id);
      await withToken.start(j, {});
      await firstRequest;
      const closed = new Promise<void>((resolve) => requests[0]!.socket.once('close', resolve));
      await withToken.abort(j);
      expect(await done).toMatchObject({ state: 'aborted', description: 'Job aborted.' });
      await closed;
      expect(asked).toEqual(['org/repo']);
      expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('x-access-token:local-token').toString('base64')}`);
      expect(logOf(j.id)).not.toContain('never');
      expect(readdirSync(checkoutRoot)).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a process that ignores SIGTERM is killed after the grace period', async () => {
    const j = job(sh('trap "" TERM; sleep 300 & echo $! > "$ARTIFACTS/grandchild"; wait; wait'), { refs: undefined });
    await agent.start(j, {});
    const grandchild = Number(await fileAppears(join(dataDir, 'jobs', j.id, 'artifacts', 'grandchild')));
    await agent.abort(j);
    expect(processAlive(grandchild)).toBe(false);
    expect(await agent.observe(j)).toMatchObject({ state: 'aborted' });
  });

  it('a start retried for the same record runs the job once', async () => {
    const j = job(sh('echo once'), { refs: undefined });
    const [first, second] = await Promise.all([agent.start(j, {}), agent.start(j, {})]);
    expect(second).toEqual(first);
    await whenFinished(j.id);
    expect(logOf(j.id)).toBe('# image golang:1.22 noted, not pulled: the local agent runs the command on this machine\nonce\n');
  });

  it('observe: a run this agent does not know is undefined', async () => {
    expect(await agent.observe(job(sh('true'), { id: 'unknown-to-the-agent' }))).toBeUndefined();
  });

  it('refuses a job id that cannot name a directory', async () => {
    await expect(agent.start(job(sh('true'), { id: '../escape' }), {})).rejects.toThrow('job id "../escape" cannot name a directory');
  });
});

describe('LocalAgent.close', () => {
  it('kills what runs, without reporting it', async () => {
    const reported: string[] = [];
    const closing = new LocalAgent({ dataDir, baseUrl: 'http://127.0.0.1:8888', checkoutRoot, gracePeriodMs: 300, onFinished: (id) => void reported.push(id) });
    const j = job(sh('sleep 300 & echo $! > "$ARTIFACTS/grandchild"; wait'), { refs: undefined });
    await closing.start(j, {});
    const grandchild = Number(await fileAppears(join(dataDir, 'jobs', j.id, 'artifacts', 'grandchild')));
    await closing.close();
    expect(processAlive(grandchild)).toBe(false);
    expect(reported).toEqual([]);
    expect(readdirSync(checkoutRoot)).toEqual([]);
  });
});

describe('serveJobLog', () => {
  it('serves a job\'s log', async () => {
    const j = job(sh('echo served'), { refs: undefined });
    await agent.start(j, {});
    await whenFinished(j.id);
    expect(await agent.serveJobLog(j.id)).toEqual({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${logOf(j.id)}` });
    expect((await agent.serveJobLog(j.id)).body).toContain('served\n');
  });

  it.each([
    { id: '..', status: 400 },
    { id: '../../etc/passwd', status: 400 },
    { id: 'a/../b', status: 400 },
    { id: '.hidden', status: 400 },
    { id: 'x..y', status: 400 },
    { id: '', status: 400 },
    { id: 'a\\b', status: 400 },
    { id: 'nope', status: 404 },
  ])('$id → $status', async ({ id, status }) => {
    expect((await serveJobLog(dataDir, id)).status).toBe(status);
  });
});

describe('goDuration (Go time.Duration String)', () => {
  it.each([
    { seconds: 7200, expected: '2h0m0s' },
    { seconds: 90, expected: '1m30s' },
    { seconds: 5, expected: '5s' },
    { seconds: 3725, expected: '1h2m5s' },
  ])('$seconds s → $expected', ({ seconds, expected }) => {
    expect(goDuration(seconds)).toBe(expected);
  });
});
