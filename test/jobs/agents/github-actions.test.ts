// The github-actions agent through MemoryGitHub (the production OctokitGitHub over the stateful
// fake GitHub): dispatch with the job's inputs, finding the run by id or by title, the state
// table, cancelling, and `workflow_run` webhooks.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../../shared/cli/sample-payloads.js';
import {
  GitHubActionsAgent,
  observationFromWorkflowRun,
  runBelongsTo,
  stateOfRun,
  type WorkflowRunObservation,
} from '../../../shared/jobs/agents/github-actions.js';
import type { JobRecord } from '../../../shared/jobs/types.js';
import { pendingJobRecord } from '../../fakes/plank-job-record.js';
import { MemoryGitHub } from '../../fakes/memory-github.js';

const full = 'acme/widgets';
const declared = ['prow_job_id', 'base_ref', 'base_sha', 'pull_number', 'pull_sha', 'go'];

/** A github-actions job made now (runs are looked for from the job's creation on). */
function actionsJob(overrides: Partial<JobRecord> = {}, settings: Partial<NonNullable<JobRecord['run']['githubActions']>> = {}): JobRecord {
  return pendingJobRecord({
    agent: 'github-actions',
    createdAt: new Date().toISOString(),
    run: { githubActions: { workflow: 'ci.yaml', inputs: { go: '1.23' }, ...settings }, timeoutSeconds: 7200 },
    ...overrides,
  });
}

function setup() {
  const gh = new MemoryGitHub();
  gh.fake.setWorkflow(full, 'ci.yaml', { name: 'CI', inputs: declared });
  const agent = new GitHubActionsAgent({ github: () => gh });
  return { gh, agent };
}

describe('GitHubActionsAgent.start', () => {
  it("dispatches the workflow on the base ref with the job's inputs, and answers the run GitHub names", async () => {
    // Prepare
    const { gh, agent } = setup();
    const job = actionsJob();

    // Act
    const started = await agent.start(job);

    // Assess
    expect(started).toEqual({ buildId: '1000', url: 'https://github.com/acme/widgets/actions/runs/1000' });
    const inputs = {
      go: '1.23',
      prow_job_id: job.id,
      base_ref: 'main',
      base_sha: 'base000000000000000000000000000000000000',
      pull_number: '1',
      pull_sha: 'head000000000000000000000000000000000000',
    };
    expect(gh.writes).toEqual([`dispatchWorkflow ${full} ci.yaml@main ${JSON.stringify(inputs)}`]);
    expect(gh.fake.workflowRunsOf(full)).toEqual([expect.objectContaining({ id: 1000, workflow: 'ci.yaml', displayTitle: `run ${job.id}`, event: 'workflow_dispatch', headBranch: 'main', inputs })]);
  });

  it("on its configured ref; a configured input named like Skiff's does not replace it; a periodic sends empty pull inputs", async () => {
    const { gh, agent } = setup();
    const job = actionsJob(
      { type: 'periodic', refs: undefined, extraRefs: [{ org: 'acme', repo: 'widgets', baseRef: 'release-1.0', pulls: [] }] },
      { ref: 'ci-runner', inputs: { go: '1.22', prow_job_id: 'spoofed' } },
    );
    await agent.start(job);
    expect(gh.fake.workflowRunsOf(full)[0]).toMatchObject({
      headBranch: 'ci-runner',
      inputs: { go: '1.22', prow_job_id: job.id, base_ref: 'release-1.0', base_sha: '', pull_number: '', pull_sha: '' },
    });
  });

  it('on a GitHub that names no run (Enterprise Server): dispatched once, and its run is found by title later', async () => {
    // Prepare
    const { gh, agent } = setup();
    gh.fake.rejectRunDetails = true;
    const job = actionsJob();

    // Act
    const started = await agent.start(job);
    const seen = await agent.observe({ ...job, ...started });

    // Assess
    expect(started).toEqual({ buildId: 'workflow_dispatch ci.yaml@main', url: 'https://github.com/acme/widgets/actions/workflows/ci.yaml' });
    expect(gh.fake.workflowRunsOf(full)).toHaveLength(1);
    expect(seen).toEqual({ state: 'pending', description: 'Job triggered.', url: 'https://github.com/acme/widgets/actions/runs/1000', buildId: '1000' });
  });

  it('an input the workflow does not declare is refused by GitHub, and start says so', async () => {
    const { agent } = setup();
    await expect(agent.start(actionsJob({}, { inputs: { node: '22' } }))).rejects.toThrow('failed to dispatch the workflow ci.yaml of acme/widgets on main');
  });

  it('a job without a workflow or a repository cannot start', async () => {
    const { gh, agent } = setup();
    await expect(agent.start(pendingJobRecord({ agent: 'github-actions' }))).rejects.toThrow('unit: a github-actions job needs github_actions.workflow');
    await expect(agent.start(actionsJob({ refs: undefined }))).rejects.toThrow('needs a repository to run in');
    expect(gh.calls).toEqual([]);
  });
});

describe('GitHubActionsAgent.observe', () => {
  it.each([
    { status: 'queued', conclusion: null, want: { state: 'pending', description: 'Job triggered.' } },
    { status: 'in_progress', conclusion: null, want: { state: 'pending', description: 'Job triggered.' } },
    { status: 'completed', conclusion: 'success', want: { state: 'success', description: 'Job succeeded.' } },
    { status: 'completed', conclusion: 'failure', want: { state: 'failure', description: 'Job failed.' } },
    { status: 'completed', conclusion: 'cancelled', want: { state: 'aborted', description: 'Job aborted.' } },
    { status: 'completed', conclusion: 'timed_out', want: { state: 'error', description: 'Job timed out.' } },
  ])('$status/$conclusion → $want.state', async ({ status, conclusion, want }) => {
    // Prepare
    const { gh, agent } = setup();
    const job = actionsJob();
    const started = await agent.start(job);
    gh.fake.setWorkflowRun(full, 1000, { status, conclusion });

    // Act
    const seen = await agent.observe({ ...job, ...started });

    // Assess
    expect(seen).toMatchObject({ ...want, url: 'https://github.com/acme/widgets/actions/runs/1000', buildId: '1000' });
    if (want.state === 'pending') expect(seen).not.toHaveProperty('completedAt');
    else expect(seen?.completedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it("finds the job's run by title among other jobs' runs, push runs and older runs, across pages", async () => {
    // Prepare
    const { gh, agent } = setup();
    const job = actionsJob({ buildId: 'workflow_dispatch ci.yaml@main' });
    // A run with the same title from long before the job was made is not its run.
    gh.fake.addWorkflowRun(full, 'ci.yaml', { event: 'workflow_dispatch', displayTitle: `CI ${job.id}`, status: 'completed', conclusion: 'failure', createdAt: '2026-01-01T00:00:00Z' });
    const mine = gh.fake.addWorkflowRun(full, 'ci.yaml', { event: 'workflow_dispatch', displayTitle: `CI ${job.id}`, status: 'completed', conclusion: 'success' });
    gh.fake.addWorkflowRun(full, 'ci.yaml', { event: 'push', displayTitle: `CI ${job.id}` });
    for (let i = 0; i < 120; i++) gh.fake.addWorkflowRun(full, 'ci.yaml', { event: 'workflow_dispatch', displayTitle: `CI other${i}` });

    // Act
    const seen = await agent.observe(job);

    // Assess
    expect(seen).toMatchObject({ state: 'success', buildId: String(mine) });
    expect(gh.reads.filter((r) => r.startsWith('listWorkflowRuns'))).toEqual([expect.stringMatching(/^listWorkflowRuns acme\/widgets ci.yaml event workflow_dispatch since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)]);
  });

  it('a run not (yet) listed, or a job not started, is unknown', async () => {
    const { gh, agent } = setup();
    expect(await agent.observe(actionsJob({ buildId: 'workflow_dispatch ci.yaml@main' }))).toBeUndefined();
    expect(await agent.observe(actionsJob({ buildId: '4242' }))).toBeUndefined();
    expect(await agent.observe(actionsJob({ buildId: undefined }))).toBeUndefined();
    expect(gh.reads).toHaveLength(2);
  });
});

describe('GitHubActionsAgent.abort', () => {
  it('cancels the run', async () => {
    const { gh, agent } = setup();
    const job = actionsJob();
    const started = await agent.start(job);
    await agent.abort({ ...job, ...started });
    expect(gh.fake.workflowRunsOf(full)[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(gh.writes.at(-1)).toBe(`cancelWorkflowRun ${full} run 1000`);
  });

  it('a run already completed is not an error (GitHub answers 409)', async () => {
    const { gh, agent } = setup();
    const job = actionsJob();
    const started = await agent.start(job);
    gh.fake.setWorkflowRun(full, 1000, { status: 'completed', conclusion: 'success' });
    await expect(agent.abort({ ...job, ...started })).resolves.toBeUndefined();
    expect(gh.fake.workflowRunsOf(full)[0]).toMatchObject({ conclusion: 'success' });
  });

  it('a run known only by title is found, then cancelled; none found, nothing is cancelled', async () => {
    const { gh, agent } = setup();
    gh.fake.rejectRunDetails = true;
    const job = actionsJob();
    const started = await agent.start(job);
    await agent.abort({ ...job, ...started });
    expect(gh.fake.workflowRunsOf(full)[0]).toMatchObject({ conclusion: 'cancelled' });

    const other = actionsJob({ id: 'not-dispatched', buildId: 'workflow_dispatch ci.yaml@main' });
    const before = gh.writes.length;
    await agent.abort(other);
    expect(gh.writes.length).toBe(before);
  });
});

describe('observationFromWorkflowRun', () => {
  const jobId = 'job-1';
  const payload = (edit: (run: Record<string, unknown>) => void = () => {}) => {
    const p = samplePayload('workflow_run', 'completed');
    p.workflow_run.event = 'workflow_dispatch';
    p.workflow_run.display_title = `CI ${jobId}`;
    p.workflow_run.status = 'completed';
    p.workflow_run.conclusion = 'failure';
    edit(p.workflow_run);
    return p;
  };

  it('reads the job id from the end of the title, with the repository and workflow to check it against', () => {
    // Prepare
    const p = payload();

    // Act
    const seen = observationFromWorkflowRun(p);

    // Assess
    expect(seen).toEqual({
      jobId,
      repo: { owner: p.repository.owner.login, repo: p.repository.name },
      workflowPath: p.workflow_run.path,
      observation: { state: 'failure', description: 'Job failed.', url: p.workflow_run.html_url, buildId: String(p.workflow_run.id), completedAt: new Date(p.workflow_run.updated_at).toISOString() },
    });
  });

  it.each([
    { name: 'a run of another event', edit: (r: Record<string, unknown>) => void (r['event'] = 'push') },
    { name: 'a run with an empty title', edit: (r: Record<string, unknown>) => void (r['display_title'] = '  ') },
  ])('ignores $name', ({ edit }) => {
    expect(observationFromWorkflowRun(payload(edit))).toBeUndefined();
  });

  it('a requested run is pending', () => {
    expect(observationFromWorkflowRun(payload((r) => ((r['status'] = 'queued'), (r['conclusion'] = null))))?.observation).toMatchObject({ state: 'pending' });
  });
});

describe('runBelongsTo', () => {
  const job = actionsJob({ id: 'j1' });
  const seen: WorkflowRunObservation = { jobId: 'j1', repo: { owner: 'Acme', repo: 'Widgets' }, workflowPath: '.github/workflows/ci.yaml', observation: { state: 'success' } };
  it.each([
    { name: 'its job, repository (any case) and workflow', job, seen, want: true },
    { name: 'another repository', job, seen: { ...seen, repo: { owner: 'mallory', repo: 'widgets' } }, want: false },
    { name: 'another workflow', job, seen: { ...seen, workflowPath: '.github/workflows/release.yaml' }, want: false },
    { name: 'another job', job, seen: { ...seen, jobId: 'j2' }, want: false },
    { name: 'a job of another agent', job: { ...job, agent: 'codebuild' as const }, seen, want: false },
    { name: 'a workflow named by id', job: actionsJob({ id: 'j1' }, { workflow: '161335' }), seen, want: true },
  ])('$name → $want', ({ job, seen, want }) => {
    expect(runBelongsTo(job, seen)).toBe(want);
  });
});

describe('stateOfRun', () => {
  it.each([
    ['waiting', null, 'pending'],
    ['requested', null, 'pending'],
    ['completed', 'neutral', 'success'],
    ['completed', 'skipped', 'success'],
    ['completed', 'startup_failure', 'error'],
    ['completed', 'action_required', 'error'],
    ['completed', 'stale', 'error'],
    ['completed', null, 'error'],
  ] as const)('%s/%s → %s', (status, conclusion, state) => {
    expect(stateOfRun(status, conclusion).state).toBe(state);
  });
});
