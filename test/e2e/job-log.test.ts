// Local mode serves the local agent's job logs at the job's URL, `GET /jobs/<id>/log`, and no
// other file: ids that would leave the jobs directory are refused however they are encoded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAgent } from '../../shared/jobs/agents/local.js';
import type { AgentObservation, JobRecord } from '../../shared/jobs/types.js';
import { startHarness, type Harness } from './harness.js';

describe('GET /jobs/<id>/log in local mode', () => {
  let harness: Harness;
  let agent: LocalAgent;
  let dataDir: string;
  const finished = new Map<string, (o: AgentObservation) => void>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-job-log-e2e-'));
    // The agent needs local mode's URL, local mode needs the agent's handler: the handler is looked up late.
    harness = await startHarness({ skiff: { jobLog: (id) => agent.serveJobLog(id) } });
    agent = new LocalAgent({ dataDir, baseUrl: harness.skiff.url, onFinished: (id, o) => finished.get(id)?.(o) });
  });
  afterAll(async () => {
    await agent.close();
    await harness.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const job: JobRecord = {
    id: '0123456789abcdef0123456789abcdef',
    name: 'unit',
    type: 'periodic',
    extraRefs: [],
    state: 'triggered',
    createdAt: '2026-12-03T12:00:00Z',
    agent: 'local',
    buildNumber: '1',
    report: false,
    maxConcurrency: 0,
    run: { container: { command: ['sh', '-c', 'echo "hello from $JOB_NAME"'], args: [], env: {} }, timeoutSeconds: 60 },
    labels: {},
    annotations: {},
    version: 1,
  };

  it('the job URL serves its log', async () => {
    const done = new Promise<AgentObservation>((resolve) => finished.set(job.id, resolve));
    const started = await agent.start(job, { JOB_NAME: 'unit' });
    expect((await done).state).toBe('success');
    const response = await fetch(started.url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('hello from unit\n');
  });

  it.each([
    { name: 'an unknown job', path: '/jobs/fedcba9876543210/log', status: 404 },
    // WHATWG URLs read %2e%2e as .., so this one reaches local mode as /log.
    { name: 'an encoded parent directory', path: '/jobs/%2e%2e/log', status: 404 },
    { name: 'a dotted id', path: '/jobs/..x/log', status: 400 },
    { name: 'an encoded path', path: '/jobs/..%2F..%2F..%2Fetc%2Fpasswd/log', status: 400 },
    { name: 'a malformed escape', path: '/jobs/%E0%A4%A/log', status: 400 },
  ])('$name: $status', async ({ path, status }) => {
    const response = await fetch(`${harness.skiff.url}${path}`);
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain('root:');
  });

  it('only reads', async () => {
    const response = await fetch(`${harness.skiff.url}/jobs/${job.id}/log`, { method: 'DELETE' });
    expect(response.status).toBe(405);
  });
});
