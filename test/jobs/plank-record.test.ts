// Plank's `record`: a job record finished from the start, as override makes Prow's succeeded
// ProwJob — never started on an agent, never reported (the plugin sets the status), and made once
// for one cause and name however often the delivery is retried.
import { describe, expect, it } from 'vitest';
import { createPlank, jobId } from '../../shared/jobs/plank.js';
import { createJobsAccess } from '../../shared/jobs/jobs-access.js';
import type { JobConfig, JobRequest } from '../../shared/jobs/types.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { presubmit, RecordingAgent } from '../fakes/plank-jobs.js';

const t0 = Date.parse('2024-05-01T12:00:00.000Z');
const refs = { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha: 'b0', pulls: [{ number: 1, author: 'alice', sha: 'h1' }] };

function setup() {
  const store = new MemoryJobStore();
  const agent = new RecordingAgent('local');
  const reports: string[] = [];
  const plank = createPlank({
    store,
    agents: () => agent,
    report: async (job) => void reports.push(`${job.name} ${job.state}`),
    config: () => ({ maxConcurrency: 0 }),
    now: () => t0,
  });
  return { store, agent, reports, plank };
}

describe('record', () => {
  it('makes a finished, already-reported record without starting or reporting it', async () => {
    // Prepare
    const { plank, store, agent, reports } = setup();
    const request: JobRequest = { definition: presubmit('unit', { context: 'ci/unit' }), type: 'presubmit', refs, cause: 'delivery-1', requestedBy: 'admin' };

    // Act
    const made = await plank.record(request, { state: 'success', description: 'Overridden by admin', url: 'https://github.com/acme/widgets/pull/1#issuecomment-9' });

    // Assess
    const at = new Date(t0).toISOString();
    expect(made).toMatchObject({
      id: jobId('delivery-1', 'unit'),
      name: 'unit',
      type: 'presubmit',
      context: 'ci/unit',
      state: 'success',
      description: 'Overridden by admin',
      url: 'https://github.com/acme/widgets/pull/1#issuecomment-9',
      startedAt: at,
      completedAt: at,
      reportedState: 'success',
      requestedBy: 'admin',
      buildNumber: '1',
    });
    expect(await store.get(made.id)).toEqual(made);
    expect(agent.calls).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('a retry with the same cause returns the first record and uses no second BUILD_ID', async () => {
    const { plank, store } = setup();
    const request: JobRequest = { definition: presubmit('unit'), type: 'presubmit', refs, cause: 'delivery-1' };

    const first = await plank.record(request, { state: 'success', description: 'Overridden by a' });
    const again = await plank.record(request, { state: 'success', description: 'Overridden by b' });

    expect(again).toEqual(first);
    expect(await store.nextBuildNumber('unit')).toBe('2');
  });

  it('JobsAccess offers recordFinished only when plank is given with record', async () => {
    const { plank, store } = setup();
    const config = { presubmits: {}, postsubmits: {}, periodics: [], maxConcurrency: 0, maxJobAgeMs: 0, inRepoConfigEnabled: () => false, warnings: [] } satisfies JobConfig;
    const repo = { owner: 'acme', repo: 'widgets' };

    const full = createJobsAccess({ config, plank, store, repo });
    const without = createJobsAccess({ config, plank: { trigger: plank.trigger, abort: plank.abort }, store, repo });
    const made = await full.recordFinished?.({ definition: presubmit('unit'), type: 'presubmit', refs, cause: 'd' }, { state: 'success', description: 'x' });

    expect(made?.state).toBe('success');
    expect(without.recordFinished).toBeUndefined();
  });
});
