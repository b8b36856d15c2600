// The codebuild agent against aws-sdk-client-mock: the exact StartBuild request (image, compute
// type, environment, buildspec, timeout, idempotency token, log and artifact locations), the
// status table of BatchGetBuilds, StopBuild, and the EventBridge event mapping.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetBuildsCommand, CodeBuildClient, StartBuildCommand, StopBuildCommand, type Build } from '@aws-sdk/client-codebuild';
import type { CodeBuildCloudWatchStateEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import {
  CodeBuildAgent,
  CodeBuildJobError,
  nearestComputeType,
  observationFromEvent,
  parseQuantity,
  shellQuote,
  type CodeBuildAgentOptions,
} from '../../../shared/jobs/agents/codebuild.js';
import { parseHmacSecrets } from '../../../shared/hook/hmac.js';
import { jobLogLinks } from '../../../shared/jobs/job-log-link.js';
import type { JobRecord } from '../../../shared/jobs/types.js';
import { pendingJobRecord } from '../../fakes/plank-job-record.js';

const buildId = 'skiff-jobs:8745a7a9-c340-456a-9166-edf953571bEX';
const buildArn = `arn:aws:codebuild:us-west-2:123456789012:build/${buildId}`;
const consolePage = `https://us-west-2.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/skiff-jobs/build/${encodeURIComponent(buildId)}/?region=us-west-2`;
const prowEnv = { CI: 'true', JOB_NAME: 'unit', JOB_TYPE: 'presubmit', PROW_JOB_ID: 'job-1', PULL_NUMBER: '1' };

function setup(options: Partial<CodeBuildAgentOptions> = {}) {
  const client = new CodeBuildClient({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  mock.on(StartBuildCommand).resolves({ build: { id: buildId, arn: buildArn, buildStatus: 'IN_PROGRESS' } });
  const checkouts: string[] = [];
  const agent = new CodeBuildAgent({
    client,
    project: 'skiff-jobs',
    artifactsBucket: 'skiff-artifacts',
    checkoutScript: (job) => {
      checkouts.push(job.id);
      return `clonerefs ${job.refs?.org}/${job.refs?.repo}\n`;
    },
    workdir: (job) => `/home/prow/go/src/github.com/${job.refs?.org}/${job.refs?.repo}`,
    cloneToken: async (job) => `/skiff/clone-token/${job.installation ?? 'default'}`,
    ...options,
  });
  const started = () => mock.commandCalls(StartBuildCommand).map((c) => c.args[0].input);
  return { agent, mock, started, checkouts };
}

const withContainer = (container: Partial<NonNullable<JobRecord['run']['container']>>, run: Partial<JobRecord['run']> = {}): JobRecord =>
  pendingJobRecord({ run: { container: { command: ['make'], args: ['test'], env: {}, ...container }, timeoutSeconds: 7200, ...run } });

describe('CodeBuildAgent.start', () => {
  it('sends one StartBuild with every override of the job, and answers the build id and its console page', async () => {
    // Prepare
    const { agent, started } = setup();
    const job = withContainer({
      image: 'gcr.io/k8s-staging-test-infra/kubekins-e2e:v20261201-master',
      command: ['runner.sh'],
      args: ['make', 'test', 'WHAT=./pkg/...'],
      env: { GOFLAGS: '-mod=vendor', JOB_NAME: 'the container does not win' },
      resources: { cpu: '3', memory: '6Gi' },
    });
    job.installation = 42;

    // Act
    const answer = await agent.start(job, prowEnv);

    // Assess
    expect(answer).toEqual({ buildId, url: consolePage });
    const [input, ...more] = started();
    expect(more).toEqual([]);
    expect({ ...input, buildspecOverride: '…' }).toEqual({
      projectName: 'skiff-jobs',
      idempotencyToken: job.id,
      buildspecOverride: '…',
      sourceTypeOverride: 'NO_SOURCE',
      imageOverride: 'gcr.io/k8s-staging-test-infra/kubekins-e2e:v20261201-master',
      computeTypeOverride: 'BUILD_GENERAL1_MEDIUM',
      environmentTypeOverride: 'LINUX_CONTAINER',
      environmentVariablesOverride: [
        { name: 'GOFLAGS', value: '-mod=vendor', type: 'PLAINTEXT' },
        { name: 'JOB_NAME', value: 'unit', type: 'PLAINTEXT' },
        { name: 'CI', value: 'true', type: 'PLAINTEXT' },
        { name: 'JOB_TYPE', value: 'presubmit', type: 'PLAINTEXT' },
        { name: 'PROW_JOB_ID', value: job.id, type: 'PLAINTEXT' },
        { name: 'PULL_NUMBER', value: '1', type: 'PLAINTEXT' },
        // The token is a parameter's name CodeBuild resolves inside the build, never a plaintext value.
        { name: 'SKIFF_CLONE_TOKEN', value: '/skiff/clone-token/42', type: 'PARAMETER_STORE' },
      ],
      timeoutInMinutesOverride: 120,
      logsConfigOverride: { s3Logs: { status: 'ENABLED', location: `skiff-artifacts/jobs/${job.id}/logs` } },
      artifactsOverride: { type: 'S3', location: 'skiff-artifacts', path: `jobs/${job.id}`, name: 'artifacts', namespaceType: 'NONE', packaging: 'NONE' },
    });
  });

  it('generates a buildspec that records the start, checks out, runs command + args, and records the result', async () => {
    // Prepare
    const { agent, started } = setup();

    // Act
    await agent.start(withContainer({ command: ['runner.sh'], args: ['make', 'test'] }), prowEnv);

    // Assess
    const spec = parse(started()[0]!.buildspecOverride!) as {
      version: number;
      env: { shell: string };
      phases: { build: { commands: string[] }; post_build: { commands: string[] } };
      artifacts: Record<string, unknown>;
    };
    expect(spec.version).toBe(0.2);
    expect(spec.env).toEqual({ shell: 'bash' });
    expect(spec.phases.build.commands).toEqual([
      [
        'set -eo pipefail',
        'mkdir -p "$CODEBUILD_SRC_DIR/_skiff"/artifacts',
        'export ARTIFACTS="$CODEBUILD_SRC_DIR/_skiff"/artifacts',
        `printf '{"timestamp":%s}\\n' "$(date +%s)" > "$CODEBUILD_SRC_DIR/_skiff"/started.json`,
        "sh <<'SKIFF_CHECKOUT_END'",
        'clonerefs acme/widgets',
        'SKIFF_CHECKOUT_END',
        'cd /home/prow/go/src/github.com/acme/widgets',
        'runner.sh make test',
        '',
      ].join('\n'),
    ]);
    expect(spec.phases.post_build.commands).toHaveLength(1);
    expect(spec.phases.post_build.commands[0]).toContain('finished.json');
    expect(spec.artifacts).toEqual({ 'base-directory': '_skiff', files: ['**/*'] });
  });

  it.each([
    { name: 'checkout, then the command in the workdir, with $ARTIFACTS and started.json', checkout: 'mkdir -p "$WORK" && echo cloned > "$WORK/cloned"', exit: 0, ran: true },
    { name: 'a failed checkout fails the build before the command runs', checkout: 'echo "clonerefs: fetch failed" >&2; exit 3', exit: 3, ran: false },
  ])('the generated build commands run in bash: $name', async ({ checkout, exit, ran }) => {
    // Prepare: the build phase's one command, run as CodeBuild runs it (bash, in the source dir).
    const src = mkdtempSync(join(tmpdir(), 'skiff-codebuild-'));
    onTestFinished(() => rmSync(src, { recursive: true, force: true }));
    const work = join(src, 'work');
    const { agent, started } = setup({ checkoutScript: () => checkout, workdir: () => work });
    await agent.start(withContainer({ command: ['sh', '-c'], args: ['cat cloned > "$ARTIFACTS/seen"; printf "%s" "$0"', "it's here"] }), prowEnv);
    const spec = parse(started()[0]!.buildspecOverride!) as { phases: { build: { commands: string[] }; post_build: { commands: string[] } } };

    // Act
    const build = spawnSync('bash', ['-c', spec.phases.build.commands[0]!], { cwd: src, env: { PATH: process.env['PATH'], CODEBUILD_SRC_DIR: src, WORK: work }, encoding: 'utf8' });
    spawnSync('bash', ['-c', spec.phases.post_build.commands[0]!], { cwd: src, env: { PATH: process.env['PATH'], CODEBUILD_SRC_DIR: src, CODEBUILD_BUILD_SUCCEEDING: exit === 0 ? '1' : '0' } });

    // Assess
    expect(build.status).toBe(exit);
    expect(existsSync(join(src, '_skiff/started.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(src, '_skiff/finished.json'), 'utf8'))).toMatchObject({ passed: exit === 0, result: exit === 0 ? 'SUCCESS' : 'FAILURE' });
    if (ran) {
      expect(build.stdout).toBe("it's here");
      expect(readFileSync(join(src, '_skiff/artifacts/seen'), 'utf8')).toBe('cloned\n');
    } else {
      expect(build.stderr).toContain('clonerefs: fetch failed');
      expect(existsSync(join(src, '_skiff/artifacts/seen'))).toBe(false);
    }
  });

  it('quotes each word so the shell hands the command exactly the words Prow would', () => {
    // Prepare
    const words = ['printf', '%s|', 'plain', "it's", 'two words', '$HOME', '`id`', 'a"b', '', '*', 'x;y', 'WHAT=./pkg/...'];

    // Act: the same quoting the buildspec uses, through a real bash.
    const out = execFileSync('bash', ['-c', words.map(shellQuote).join(' ')], { encoding: 'utf8' });

    // Assess
    expect(out).toBe(`${words.slice(2).join('|')}|`);
  });

  it('a first word with = is a program to run, not an assignment', () => {
    const run = spawnSync('bash', ['-c', ['A=b', 'true'].map(shellQuote).join(' ')], { encoding: 'utf8' });
    expect(run.status).toBe(127);
  });

  it("runs a job's own buildspec verbatim, on its own project, with its own compute type", async () => {
    // Prepare
    const { agent, started, checkouts } = setup();
    const buildspec = 'version: 0.2\nphases:\n  build:\n    commands:\n      - make\n';
    const job = withContainer({ resources: { cpu: '16' } }, { codebuild: { project: 'their-project', computeType: 'BUILD_GENERAL1_LARGE', buildspec }, timeoutSeconds: 60 });

    // Act
    await agent.start(job, prowEnv);

    // Assess
    const input = started()[0]!;
    expect(input.projectName).toBe('their-project');
    expect(input.buildspecOverride).toBe(buildspec);
    expect(input.computeTypeOverride).toBe('BUILD_GENERAL1_LARGE');
    expect(input).not.toHaveProperty('environmentTypeOverride');
    // Their buildspec may rely on their project's source: left alone.
    expect(input).not.toHaveProperty('sourceTypeOverride');
    // No artifacts section: uploading nothing is not a failure.
    expect(input.artifactsOverride).toEqual({ type: 'NO_ARTIFACTS' });
    // CodeBuild's shortest timeout.
    expect(input.timeoutInMinutesOverride).toBe(5);
    expect(checkouts).toEqual([]);
  });

  it("uploads to the job's place what a verbatim buildspec declares as artifacts", async () => {
    const { agent, started } = setup();
    const buildspec = 'version: 0.2\nphases:\n  build:\n    commands: [make]\nartifacts:\n  files: [out/**]\n';
    await agent.start(withContainer({}, { codebuild: { buildspec }, timeoutSeconds: 200_000 }), prowEnv);
    const input = started()[0]!;
    expect(input.artifactsOverride).toMatchObject({ type: 'S3', location: 'skiff-artifacts', path: 'jobs/job-1' });
    // CodeBuild's longest: 36 hours.
    expect(input.timeoutInMinutesOverride).toBe(2160);
  });

  it('a retried start sends the same idempotency token, so CodeBuild starts one build', async () => {
    const { agent, started } = setup();
    const job = withContainer({});
    const first = await agent.start(job, prowEnv);
    const second = await agent.start(job, prowEnv);
    expect(second).toEqual(first);
    expect(started().map((i) => i.idempotencyToken)).toEqual([job.id, job.id]);
    expect(started()[1]).toEqual(started()[0]);
  });

  it('without a clone token and with a deck URL: no token variable, and the URL is the deck', async () => {
    const { agent, started } = setup({ cloneToken: undefined, jobUrl: (job) => `https://skiff.example.com/job/${job.id}` });
    const answer = await agent.start(withContainer({ image: undefined }), {});
    expect(answer.url).toBe('https://skiff.example.com/job/job-1');
    const input = started()[0]!;
    expect(input.environmentVariablesOverride).toEqual([{ name: 'PROW_JOB_ID', value: 'job-1', type: 'PLAINTEXT' }]);
    // No image and no resources: the project's own stay.
    expect(input).not.toHaveProperty('imageOverride');
    expect(input).not.toHaveProperty('computeTypeOverride');
  });

  it.each([
    {
      name: 'args without a command (the image entrypoint)',
      container: { command: [], args: ['make', 'test'] },
      message: "unit: the job has args but no command, so it relies on its image's entrypoint, which CodeBuild does not run: set the container's command (the entrypoint) or codebuild.buildspec",
    },
    { name: 'neither command nor args', container: { command: [], args: [] }, message: 'unit: nothing to run: the job has no container command and no codebuild.buildspec' },
    { name: 'a cpu that is no quantity', container: { resources: { cpu: 'four' } }, message: 'unit: resources cpu "four" is not a Kubernetes quantity' },
  ])('refuses $name before asking CodeBuild', async ({ container, message }) => {
    const { agent, mock } = setup();
    const start = agent.start(withContainer(container), prowEnv);
    await expect(start).rejects.toThrow(CodeBuildJobError);
    await expect(start).rejects.toThrow(message);
    expect(mock.calls()).toHaveLength(0);
  });

  it('an ARM project takes the ARM table', async () => {
    const { agent, started } = setup({ environmentType: 'ARM_CONTAINER' });
    await agent.start(withContainer({ resources: { cpu: '2', memory: '3900Mi' } }), prowEnv);
    expect(started()[0]).toMatchObject({ computeTypeOverride: 'BUILD_GENERAL1_SMALL', environmentTypeOverride: 'ARM_CONTAINER' });
  });
});

describe('nearestComputeType', () => {
  it.each([
    { resources: { cpu: '500m' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_SMALL' },
    { resources: { cpu: '2', memory: '3Gi' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_SMALL' },
    // 3.5 GiB: over Linux small's 3, within ARM small's 4.
    { resources: { memory: '3584Mi' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_MEDIUM' },
    { resources: { memory: '3584Mi' }, env: 'ARM_CONTAINER', want: 'BUILD_GENERAL1_SMALL' },
    { resources: { cpu: '4', memory: '8Gi' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_LARGE' },
    { resources: { cpu: '4', memory: '8Gi' }, env: 'ARM_CONTAINER', want: 'BUILD_GENERAL1_MEDIUM' },
    { resources: { cpu: '7300m', memory: '14Gi' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_LARGE' },
    { resources: { cpu: '16' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_XLARGE' },
    { resources: { cpu: '40' }, env: 'ARM_CONTAINER', want: 'BUILD_GENERAL1_2XLARGE' },
    // Decimal gigabytes are smaller than gibibytes: 16G is 14.9 GiB.
    { resources: { memory: '16G' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_LARGE' },
    // More than any type has: the largest.
    { resources: { cpu: '96', memory: '200Gi' }, env: 'LINUX_CONTAINER', want: 'BUILD_GENERAL1_2XLARGE' },
    { resources: {}, env: 'LINUX_CONTAINER', want: undefined },
    { resources: undefined, env: 'LINUX_CONTAINER', want: undefined },
  ] as const)('$resources on $env → $want', ({ resources, env, want }) => {
    expect(nearestComputeType(resources, env)).toBe(want);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['8Gi', 8 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1e9', 1e9],
    ['128974848', 128974848],
    ['.5', 0.5],
    ['four', undefined],
    ['8GB', undefined],
    ['', undefined],
  ] as const)('%s → %s', (text, want) => {
    expect(parseQuantity(text)).toBe(want);
  });
});

describe('CodeBuildAgent with signed log links (jobUrl)', () => {
  const signed = jobLogLinks(async () => parseHmacSecrets('webhook-secret-for-tests'), 'https://abc123.execute-api.us-west-2.amazonaws.com/');
  const id = '0123456789abcdef0123456789abcdef';
  const link = `https://abc123.execute-api.us-west-2.amazonaws.com/jobs/${id}/log?sig=8a47896aa478c9b687532e0f176db15589f6bdba118e96c93286a83c51b323de`;

  it.each([
    { name: 'a signed link', jobUrl: (job: JobRecord) => signed.url(job.id), want: link },
    { name: 'no link (the secret could not be read): the console page', jobUrl: async () => undefined, want: consolePage },
  ])('start and observe answer $name', async ({ jobUrl, want }) => {
    // Prepare
    const { agent, mock } = setup({ jobUrl });
    mock.on(BatchGetBuildsCommand).resolves({ builds: [{ id: buildId, arn: buildArn, buildStatus: 'FAILED', endTime: new Date('2026-12-03T14:14:28Z') }] });
    // Act
    const started = await agent.start({ ...withContainer({}), id }, prowEnv);
    const seen = await agent.observe(pendingJobRecord({ id, buildId }));
    // Assess
    expect(started.url).toBe(want);
    expect(seen?.url).toBe(want);
  });
});

describe('CodeBuildAgent.observe', () => {
  const ended = new Date('2026-12-03T14:14:28Z');
  const phase = (phaseType: string, phaseStatus: string, message?: string) => ({ phaseType, phaseStatus, ...(message ? { contexts: [{ statusCode: 'X', message }] } : {}) }) as never;

  it.each([
    { name: 'in progress', build: { buildStatus: 'IN_PROGRESS' }, want: { state: 'pending', description: 'Job triggered.', url: consolePage } },
    { name: 'succeeded', build: { buildStatus: 'SUCCEEDED', endTime: ended }, want: { state: 'success', description: 'Job succeeded.', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' } },
    {
      name: 'failed in the build phase (the job failed)',
      build: { buildStatus: 'FAILED', endTime: ended, phases: [phase('PROVISIONING', 'SUCCEEDED'), phase('BUILD', 'FAILED', 'Error while executing command: make. Reason: exit status 2')] },
      want: { state: 'failure', description: 'Job failed.', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' },
    },
    {
      name: 'failed before the job ran (the image could not be pulled)',
      build: { buildStatus: 'FAILED', endTime: ended, phases: [phase('PROVISIONING', 'CLIENT_ERROR', 'CannotPullContainerError: not found')] },
      want: { state: 'error', description: 'Build could not start (PROVISIONING: CannotPullContainerError: not found).', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' },
    },
    { name: 'fault', build: { buildStatus: 'FAULT', endTime: ended }, want: { state: 'error', description: 'CodeBuild fault.', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' } },
    {
      name: 'timed out',
      build: { buildStatus: 'TIMED_OUT', endTime: ended, timeoutInMinutes: 120 },
      want: { state: 'error', description: 'Job timed out after 120 minutes.', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' },
    },
    { name: 'stopped', build: { buildStatus: 'STOPPED', endTime: ended }, want: { state: 'aborted', description: 'Job aborted.', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' } },
  ] satisfies { name: string; build: Partial<Build>; want: object }[])('$name', async ({ build, want }) => {
    // Prepare
    const { agent, mock } = setup();
    mock.on(BatchGetBuildsCommand).resolves({ builds: [{ id: buildId, arn: buildArn, ...build }] });

    // Act
    const seen = await agent.observe(pendingJobRecord({ buildId }));

    // Assess
    expect(seen).toEqual(want);
    expect(mock.commandCalls(BatchGetBuildsCommand).map((c) => c.args[0].input)).toEqual([{ ids: [buildId] }]);
  });

  it('a build CodeBuild does not know, or a job with no build yet, is unknown', async () => {
    const { agent, mock } = setup();
    mock.on(BatchGetBuildsCommand).resolves({ builds: [], buildsNotFound: [buildId] });
    expect(await agent.observe(pendingJobRecord({ buildId }))).toBeUndefined();
    expect(await agent.observe(pendingJobRecord())).toBeUndefined();
    expect(mock.commandCalls(BatchGetBuildsCommand)).toHaveLength(1);
  });
});

describe('CodeBuildAgent.abort', () => {
  it('stops the build', async () => {
    const { agent, mock } = setup();
    mock.on(StopBuildCommand).resolves({ build: { id: buildId, buildStatus: 'STOPPED' } });
    await agent.abort(pendingJobRecord({ buildId }));
    expect(mock.commandCalls(StopBuildCommand).map((c) => c.args[0].input)).toEqual([{ id: buildId }]);
  });

  it('a build that already ended is not an error', async () => {
    const { agent, mock } = setup();
    mock.on(StopBuildCommand).rejects(Object.assign(new Error('Build cannot be stopped'), { name: 'InvalidInputException' }));
    mock.on(BatchGetBuildsCommand).resolves({ builds: [{ id: buildId, buildStatus: 'SUCCEEDED' }] });
    await expect(agent.abort(pendingJobRecord({ buildId }))).resolves.toBeUndefined();
  });

  it('a build still running that would not stop is an error', async () => {
    const { agent, mock } = setup();
    mock.on(StopBuildCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    mock.on(BatchGetBuildsCommand).resolves({ builds: [{ id: buildId, buildStatus: 'IN_PROGRESS' }] });
    await expect(agent.abort(pendingJobRecord({ buildId }))).rejects.toThrow('Rate exceeded');
  });

  it('a job whose start never finished has no build to stop', async () => {
    const { agent, mock } = setup();
    await agent.abort(pendingJobRecord());
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('observationFromEvent', () => {
  const sample = (): CodeBuildCloudWatchStateEvent =>
    JSON.parse(readFileSync(new URL('../../fixtures/codebuild/build-state-change-failed.json', import.meta.url), 'utf8')) as CodeBuildCloudWatchStateEvent;

  it("reads the job id from the build's PROW_JOB_ID and maps the status", () => {
    expect(observationFromEvent(sample())).toEqual({
      jobId: 'job-1',
      buildId,
      project: 'skiff-jobs',
      observation: { state: 'failure', description: 'Job failed.', url: consolePage, completedAt: '2026-12-03T14:14:28.000Z' },
    });
  });

  it.each([
    { status: 'IN_PROGRESS', want: { state: 'pending', description: 'Job triggered.' } },
    { status: 'SUCCEEDED', want: { state: 'success', description: 'Job succeeded.', completedAt: '2026-12-03T14:14:28.000Z' } },
    { status: 'STOPPED', want: { state: 'aborted', description: 'Job aborted.', completedAt: '2026-12-03T14:14:28.000Z' } },
    { status: 'TIMED_OUT', want: { state: 'error', description: 'Job timed out after 120 minutes.', completedAt: '2026-12-03T14:14:28.000Z' } },
  ])('$status', ({ status, want }) => {
    const event = sample();
    event.detail['build-status'] = status as never;
    expect(observationFromEvent(event, (id) => `https://skiff.example.com/job/${id}`)?.observation).toEqual({ ...want, url: 'https://skiff.example.com/job/job-1' });
  });

  it.each([
    { name: 'a build without PROW_JOB_ID (not a Skiff job)', edit: (e: CodeBuildCloudWatchStateEvent) => void (e.detail['additional-information'].environment['environment-variables'] = []) },
    {
      name: 'a PROW_JOB_ID that is not a plain value',
      edit: (e: CodeBuildCloudWatchStateEvent) =>
        void (e.detail['additional-information'].environment['environment-variables'] = [{ name: 'PROW_JOB_ID', value: '/skiff/x', type: 'PARAMETER_STORE' }]),
    },
    { name: 'another kind of event', edit: (e: CodeBuildCloudWatchStateEvent) => void ((e as { 'detail-type': string })['detail-type'] = 'CodeBuild Build Phase Change') },
    { name: 'a status we do not know', edit: (e: CodeBuildCloudWatchStateEvent) => void (e.detail['build-status'] = 'QUEUED' as never) },
  ])('ignores $name', ({ edit }) => {
    const event = sample();
    edit(event);
    expect(observationFromEvent(event)).toBeUndefined();
  });
});
