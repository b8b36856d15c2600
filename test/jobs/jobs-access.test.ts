// JobsAccess for one repository over the real plank and the in-memory store: which presubmits and
// postsubmits apply (static, plus `.prow.yaml` only where in_repo_config allows it; branch
// filters on postsubmits), and trigger / forPull / abort reaching the records.
import { describe, expect, it } from 'vitest';
import { createJobsAccess, type InRepoPresubmits } from '../../shared/jobs/jobs-access.js';
import { brancher } from '../../shared/jobs/matching.js';
import { createPlank } from '../../shared/jobs/plank.js';
import type { JobConfig } from '../../shared/jobs/types.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { postsubmit, presubmit, RecordingAgent } from '../fakes/plank-jobs.js';

function setup(options: { inRepo?: boolean; inRepoPresubmits?: InRepoPresubmits } = {}) {
  const config: JobConfig = {
    presubmits: { 'acme/widgets': [presubmit('unit'), presubmit('lint')], 'acme/other': [presubmit('elsewhere')] },
    postsubmits: {
      'acme/widgets': [
        postsubmit('deploy', { brancher: brancher(['main']) }),
        postsubmit('publish', { brancher: brancher([], ['release-.*']) }),
      ],
    },
    periodics: [],
    maxConcurrency: 0,
    maxJobAgeMs: 7 * 86_400_000,
    inRepoConfigEnabled: (org, repo) => (options.inRepo ?? false) && org === 'acme' && repo === 'widgets',
    warnings: [],
  };
  const store = new MemoryJobStore();
  const agent = new RecordingAgent();
  const plank = createPlank({ store, agents: () => agent, report: async () => {}, config: () => config, now: () => Date.parse('2024-05-01T12:00:00Z') });
  const loads: string[] = [];
  const jobs = createJobsAccess({
    config,
    plank,
    store,
    repo: { owner: 'acme', repo: 'widgets' },
    inRepoPresubmits: async (pull) => {
      loads.push(`${pull.baseSha}..${pull.headSha}`);
      return options.inRepoPresubmits ? options.inRepoPresubmits(pull) : { jobs: [presubmit('from-prow-yaml')] };
    },
  });
  return { jobs, store, agent, loads };
}

const pull = { number: 1, baseRef: 'main', baseSha: 'b0', headSha: 'h1' };

describe('presubmitsFor', () => {
  it.each([
    { name: 'in-repo config disabled: the static jobs only, .prow.yaml not read', inRepo: false, names: ['unit', 'lint'], loads: [] },
    { name: 'in-repo config enabled: static then .prow.yaml’s, read at base and head', inRepo: true, names: ['unit', 'lint', 'from-prow-yaml'], loads: ['b0..h1'] },
  ])('$name', async ({ inRepo, names, loads }) => {
    // Prepare
    const { jobs, loads: read } = setup({ inRepo });

    // Act
    const found = await jobs.presubmitsFor(pull);

    // Assess
    expect(found.jobs.map((j) => j.name)).toEqual(names);
    expect(found).not.toHaveProperty('inRepoError');
    expect(read).toEqual(loads);
  });

  it('a .prow.yaml that does not load: the static jobs and the error to tell the PR', async () => {
    // Prepare
    const { jobs } = setup({ inRepo: true, inRepoPresubmits: async () => ({ jobs: [], error: '.prow.yaml: presubmits[0]: name is required' }) });

    // Act
    const found = await jobs.presubmitsFor(pull);

    // Assess
    expect(found).toEqual({ jobs: [expect.objectContaining({ name: 'unit' }), expect.objectContaining({ name: 'lint' })], inRepoError: '.prow.yaml: presubmits[0]: name is required' });
  });
});

describe('postsubmitsFor', () => {
  it.each([
    { branch: 'main', names: ['deploy', 'publish'] },
    { branch: 'release-1.0', names: [] },
    { branch: 'feature', names: ['publish'] },
  ])('a push to $branch runs $names', async ({ branch, names }) => {
    expect((await setup().jobs.postsubmitsFor(branch, 'abc')).map((j) => j.name)).toEqual(names);
  });
});

describe('trigger, forPull, abort', () => {
  it('trigger makes the records and starts them; forPull lists the PR’s; abort aborts them', async () => {
    // Prepare
    const { jobs, agent } = setup();
    const refs = { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha: 'b0', pulls: [{ number: 1, author: 'alice', sha: 'h1' }] };
    const [unit] = jobs.config.presubmits['acme/widgets']!;

    // Act
    const made = await jobs.trigger([{ definition: unit!, type: 'presubmit', refs, cause: 'd1' }]);
    const listed = await jobs.forPull(1);
    await jobs.abort(listed, 'Aborted by trigger plugin.');

    // Assess
    expect(made.map((j) => j.name)).toEqual(['unit']);
    expect(listed.map((j) => `${j.name} ${j.state}`)).toEqual(['unit pending']);
    expect((await jobs.forPull(1)).map((j) => `${j.name} ${j.state} ${j.description}`)).toEqual(['unit aborted Aborted by trigger plugin.']);
    expect(await jobs.forPull(2)).toEqual([]);
    expect(agent.calls).toEqual(['start unit', 'abort unit local-1']);
  });
});
