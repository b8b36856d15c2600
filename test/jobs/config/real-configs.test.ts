// Jobs from the public Prow configs in test/fixtures/prow-configs load as Prow defines them:
// their names, triggers, branch filters, run_if_changed, containers, presets and timeouts.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfigPaths } from '../../../shared/config/agent.js';
import { parseConfig } from '../../../shared/config/parse.js';
import { presubmitShouldRun } from '../../../shared/jobs/matching.js';
import type { JobConfig } from '../../../shared/jobs/types.js';
import { plugins } from '../../../shared/plugins/registry.js';

const root = fileURLToPath(new URL('../../fixtures/prow-configs/', import.meta.url));
const load = async (...paths: string[]): Promise<JobConfig> => parseConfig(await readConfigPaths(paths.map((p) => root + p)), plugins, 'fixtures').jobs;

describe("kubernetes' config.yaml with its job files", () => {
  let jobs: JobConfig;
  beforeAll(async () => {
    jobs = await load('kubernetes/config.yaml', 'kubernetes/jobs');
  });

  it('pull-kubernetes-cmd: always_run, skipped on release branches, its container with the presets its labels select', () => {
    const job = jobs.presubmits['kubernetes/kubernetes']!.find((j) => j.name === 'pull-kubernetes-cmd')!;
    expect(job).toMatchObject({ alwaysRun: true, context: 'pull-kubernetes-cmd', rerunCommand: '/test pull-kubernetes-cmd', agent: 'codebuild', timeoutSeconds: 7200, pathAlias: 'k8s.io/kubernetes', source: `${root}kubernetes/jobs/kubernetes/sig-testing/cmd.yaml` });
    expect(job.brancher.runsAgainst('master')).toBe(true);
    expect(job.brancher.runsAgainst('release-1.33')).toBe(false);
    expect(job.container).toMatchObject({
      image: 'us-central1-docker.pkg.dev/k8s-staging-test-infra/images/kubekins-e2e:v20260810-7619858115-master',
      command: ['runner.sh'],
      args: ['./hack/jenkins/test-cmd-dockerized.sh'],
      resources: { cpu: '7', memory: '20Gi' },
    });
    // The job's own variables, then preset-service-account's and preset-dind-enabled's.
    expect(job.container!.env).toMatchObject({
      KUBE_INTEGRATION_TEST_MAX_CONCURRENCY: '8',
      KUBE_TIMEOUT: '-timeout=30m',
      GOOGLE_APPLICATION_CREDENTIALS: '/etc/service-account/service-account.json',
      DOCKER_IN_DOCKER_ENABLED: 'true',
    });
    expect(job.trigger.test('/test pull-kubernetes-cmd')).toBe(true);
    expect(job.trigger.test('/test pull-kubernetes-cmd-canary')).toBe(false);
  });

  it('the go-compatibility job skips every branch (.*), so it never runs, as in Prow', async () => {
    const job = jobs.presubmits['kubernetes/kubernetes']!.find((j) => j.name === 'pull-kubernetes-cmd-go-compatibility')!;
    expect(await presubmitShouldRun(job, 'master', async () => [], true, true)).toBe(false);
  });

  it("kind's postsubmit and sig-testing's periodic", () => {
    expect(jobs.postsubmits['kubernetes-sigs/kind']![0]).toMatchObject({ name: 'ci-kind-test', alwaysRun: true, container: { command: ['runner.sh', 'make', 'test'], args: [] } });
    const periodic = jobs.periodics.find((p) => p.name === 'ci-kubernetes-cmd-master')!;
    expect(periodic).toMatchObject({ intervalMs: 3_600_000, extraRefs: [{ org: 'kubernetes', repo: 'kubernetes', baseRef: 'master', pathAlias: 'k8s.io/kubernetes' }] });
    expect(periodic.cron).toBeUndefined();
  });

  it('every periodic has exactly one schedule', () => {
    for (const p of jobs.periodics) expect([p.cron, p.intervalMs, p.minimumIntervalMs].filter((v) => v !== undefined), p.name).toHaveLength(1);
  });
});

describe("knative's job config directory", () => {
  let jobs: JobConfig;
  beforeAll(async () => {
    jobs = await load('knative/config.yaml', 'knative/jobs');
  });

  it('loads every job (presubmits, postsubmits, cron periodics)', () => {
    const count = (by: Record<string, unknown[]>) => Object.values(by).reduce((n, list) => n + list.length, 0);
    expect(count(jobs.presubmits)).toBe(121);
    expect(count(jobs.postsubmits)).toBe(4);
    expect(jobs.periodics).toHaveLength(53);
    expect(jobs.periodics.every((p) => p.cron !== undefined || p.intervalMs !== undefined)).toBe(true);
  });

  it('a generated trigger, (?m) inside an alternation, answers to its short rerun command and its full name', () => {
    const job = jobs.presubmits['knative/serving']!.find((j) => j.name === 'unit-tests_serving_main')!;
    expect(job.rerunCommand).toBe('/test unit-tests');
    expect(job.trigger.test('/test unit-tests')).toBe(true);
    expect(job.trigger.test('lgtm\n/test unit-tests_serving_main')).toBe(true);
    expect(job.trigger.test('/test upgrade-tests')).toBe(false);
    expect(job.brancher.runsAgainst('main')).toBe(true);
    expect(job.brancher.runsAgainst('release-1.23')).toBe(false);
  });

  it('run_if_changed decides for the kourier job', async () => {
    const job = jobs.presubmits['knative/serving']!.find((j) => j.name === 'kourier-stable_serving_main')!;
    expect(await presubmitShouldRun(job, 'main', async () => ['third_party/kourier-latest/kourier.yaml'], false, false)).toBe(true);
    expect(await presubmitShouldRun(job, 'main', async () => ['pkg/reconciler/route.go'], false, false)).toBe(false);
  });
});

describe("jetstack's periodics (2021, agent: kubernetes)", () => {
  it('run on codebuild with the timeout of default_decoration_configs, written in nanoseconds', async () => {
    const jobs = await load('jetstack/config.yaml', 'jetstack/jobs');
    expect(jobs.periodics[0]).toMatchObject({ name: 'periodic-testing-retester', agent: 'codebuild', intervalMs: 20 * 60_000, timeoutSeconds: 7200, container: { command: [] } });
    expect(jobs.periodics[0]!.container!.args[0]).toBe('/app/robots/commenter/commenter-image.binary');
  });
});
