// The agents' reports applied to job records: believed only for the job's own run, acted on
// only when finished.
import { readFileSync } from 'node:fs';
import type { CodeBuildCloudWatchStateEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { onCodeBuildEvent, onWorkflowRun } from '../../shared/jobs/agent-events.js';
import type { AgentObservation, JobRecord } from '../../shared/jobs/types.js';
import { pendingJobRecord } from '../fakes/plank-job-record.js';

const jobId = 'job-1';
const buildId = 'skiff-jobs:8745a7a9-c340-456a-9166-edf953571bEX';

function deps(jobs: JobRecord[]) {
  const finished: { id: string; observation: AgentObservation }[] = [];
  return {
    finished,
    deps: {
      store: { get: async (id: string) => jobs.find((j) => j.id === id) },
      finish: async (id: string, observation: AgentObservation) => void finished.push({ id, observation }),
    },
  };
}

const buildEvent = (status = 'FAILED'): CodeBuildCloudWatchStateEvent => {
  const event = JSON.parse(readFileSync(new URL('../fixtures/codebuild/build-state-change-failed.json', import.meta.url), 'utf8')) as CodeBuildCloudWatchStateEvent;
  event.detail['build-status'] = status as never;
  return event;
};

describe('onCodeBuildEvent', () => {
  it.each([
    { name: "the job's build failed: finished", jobs: [pendingJobRecord({ buildId })], status: 'FAILED', want: 'finished', state: 'failure' },
    { name: "the job's build is running: nothing to do", jobs: [pendingJobRecord({ buildId })], status: 'IN_PROGRESS', want: 'running' },
    { name: 'no such job', jobs: [], status: 'FAILED', want: 'unknown-job' },
    { name: 'the job has another build (a retry)', jobs: [pendingJobRecord({ buildId: 'skiff-jobs:other' })], status: 'FAILED', want: 'mismatch' },
    { name: 'the start has not recorded the build yet', jobs: [pendingJobRecord({ buildId: undefined })], status: 'SUCCEEDED', want: 'mismatch' },
    { name: 'the job runs on another agent', jobs: [pendingJobRecord({ buildId, agent: 'github-actions' })], status: 'FAILED', want: 'mismatch' },
  ])('$name', async ({ jobs, status, want, state }) => {
    const { deps: d, finished } = deps(jobs);
    expect(await onCodeBuildEvent(buildEvent(status), d)).toBe(want);
    expect(finished).toEqual(state ? [{ id: jobId, observation: expect.objectContaining({ state }) }] : []);
  });

  it.each([
    { name: 'the signed log link the start recorded, not the console page the event names', url: 'https://abc123.execute-api.us-west-2.amazonaws.com/jobs/job-1/log?sig=00', want: 'https://abc123.execute-api.us-west-2.amazonaws.com/jobs/job-1/log?sig=00' },
    { name: 'the console page when no link could be signed', url: undefined, want: expect.stringMatching(/^https:\/\/us-west-2\.console\.aws\.amazon\.com\/codesuite\/codebuild\//) },
  ])('finishes with $name', async ({ url, want }) => {
    const { deps: d, finished } = deps([pendingJobRecord({ buildId })]);
    const asked: string[] = [];
    expect(await onCodeBuildEvent(buildEvent('FAILED'), { ...d, codebuildJobUrl: async (job) => (asked.push(job.id), url) })).toBe('finished');
    expect(finished).toEqual([{ id: jobId, observation: expect.objectContaining({ state: 'failure', url: want }) }]);
    expect(asked).toEqual([jobId]);
  });

  it('an event of a build without a job id is ignored', async () => {
    const event = buildEvent();
    event.detail['additional-information'].environment['environment-variables'] = [];
    expect(await onCodeBuildEvent(event, deps([]).deps)).toBe('ignored');
  });
});

describe('onWorkflowRun', () => {
  const actionsJob = (overrides: Partial<JobRecord> = {}) =>
    pendingJobRecord({ agent: 'github-actions', buildId: 'workflow_dispatch ci.yaml@main', run: { githubActions: { workflow: 'ci.yaml', inputs: {} }, timeoutSeconds: 7200 }, ...overrides });
  const payload = (edit: (p: Record<string, any>) => void = () => {}) => {
    const p = samplePayload('workflow_run', 'completed');
    Object.assign(p.workflow_run, { event: 'workflow_dispatch', display_title: `CI ${jobId}`, status: 'completed', conclusion: 'success', path: '.github/workflows/ci.yaml' });
    p.repository.owner.login = 'acme';
    p.repository.name = 'widgets';
    edit(p);
    return p;
  };

  it.each([
    { name: "the job's run succeeded: finished", jobs: [actionsJob()], edit: () => {}, want: 'finished' },
    { name: 'a run of the same workflow in another repository claiming the job', jobs: [actionsJob()], edit: (p: Record<string, any>) => void (p.repository.owner.login = 'mallory'), want: 'mismatch' },
    { name: 'a run of another workflow', jobs: [actionsJob()], edit: (p: Record<string, any>) => void (p.workflow_run.path = '.github/workflows/release.yaml'), want: 'mismatch' },
    { name: 'another run than the one the job knows', jobs: [actionsJob({ buildId: '1' })], edit: () => {}, want: 'mismatch' },
    { name: 'still running', jobs: [actionsJob()], edit: (p: Record<string, any>) => void Object.assign(p.workflow_run, { status: 'in_progress', conclusion: null }), want: 'running' },
    { name: 'no such job', jobs: [], edit: () => {}, want: 'unknown-job' },
    { name: 'a push run', jobs: [actionsJob()], edit: (p: Record<string, any>) => void (p.workflow_run.event = 'push'), want: 'ignored' },
  ])('$name', async ({ jobs, edit, want }) => {
    const { deps: d, finished } = deps(jobs);
    expect(await onWorkflowRun(payload(edit), d)).toBe(want);
    expect(finished).toEqual(want === 'finished' ? [{ id: jobId, observation: expect.objectContaining({ state: 'success' }) }] : []);
  });

  it("the run the job knows by id is believed", async () => {
    const p = payload();
    const { deps: d, finished } = deps([actionsJob({ buildId: String(p.workflow_run.id) })]);
    expect(await onWorkflowRun(p, d)).toBe('finished');
    expect(finished).toHaveLength(1);
  });
});
