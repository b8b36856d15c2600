// Job config loading through parseConfig, as the plugins function and checkconfig load it: Prow's
// defaults, and Prow's validation rows (config_test.go TestValidatePresubmits,
// TestValidatePostsubmits, TestValidatePeriodics, TestValidateTriggering, TestValidateAlwaysRunPostsubmit,
// TestValidateJobBase, TestValidateLabels, TestMergePreset, TestInRepoConfigEnabled) with Prow's
// messages, each error located at its file, line, job and key.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ParsedConfig } from '../../../shared/config/parse.js';
import { plugins } from '../../../shared/plugins/registry.js';

const load = (text: string, path = 'config.yaml'): ParsedConfig => parseConfig([{ path, text }], plugins, 'test');
const problems = (text: string): string[] => {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const spec = `    spec:\n      containers:\n      - image: alpine\n        command: [make, test]\n`;
/** A presubmit list for org/repo from `name: …` job lines (each gets a spec unless it has one). */
const presubmits = (...jobs: string[]) => `presubmits:\n  org/repo:\n${jobs.map((j) => `  - ${j.trim().replace(/\n/g, '\n    ')}\n${j.includes('spec:') ? '' : spec}`).join('')}`;
const postsubmits = (...jobs: string[]) => presubmits(...jobs).replace(/^presubmits:/, 'postsubmits:');
const periodics = (...jobs: string[]) => `periodics:\n${jobs.map((j) => `- ${j.trim().replace(/\n/g, '\n  ')}\n${spec.replace(/^ {2}/gm, '')}`).join('')}`;

describe('defaults (Prow defaultJobBase, defaultPresubmitFields, DefaultTriggerFor)', () => {
  it('a bare presubmit gets its context, trigger, rerun command, agent and timeout', () => {
    // Act
    const { jobs } = load(presubmits('name: unit'));

    // Assess
    const [job] = jobs.presubmits['org/repo']!;
    expect(job).toMatchObject({ kind: 'presubmit', name: 'unit', context: 'unit', rerunCommand: '/test unit', agent: 'codebuild', alwaysRun: false, optional: false, skipReport: false, runBeforeMerge: false, maxConcurrency: 0, timeoutSeconds: 7200, source: 'config.yaml' });
    expect(job!.trigger.source).toBe('(?m)^/test( | .* )unit,?($|\\s.*)');
    expect(job!.trigger.test('/test unit')).toBe(true);
    expect(job!.trigger.test('/test all unit, other')).toBe(true);
    expect(job!.trigger.test('/test unitx')).toBe(false);
    expect(job!.container).toEqual({ image: 'alpine', command: ['make', 'test'], args: [], env: {} });
    expect(jobs.maxConcurrency).toBe(0);
    expect(jobs.maxJobAgeMs).toBe(7 * 24 * 3_600_000);
  });

  it('postsubmits leave always_run unset (Prow: runs unless set false), periodics keep their schedule', () => {
    const { jobs } = load(`${postsubmits('name: post')}${periodics('name: nightly\ncron: "@daily"', 'name: hourly\ninterval: 1h', 'name: after\nminimum_interval: 30m')}`);
    expect(jobs.postsubmits['org/repo']![0]).toMatchObject({ kind: 'postsubmit', context: 'post' });
    expect(jobs.postsubmits['org/repo']![0]!.alwaysRun).toBeUndefined();
    expect(jobs.periodics.map((p) => [p.name, p.cron, p.intervalMs, p.minimumIntervalMs])).toEqual([
      ['nightly', '@daily', undefined, undefined],
      ['hourly', undefined, 3_600_000, undefined],
      ['after', undefined, undefined, 1_800_000],
    ]);
  });

  it.each([
    { name: 'absent', agent: '', expected: 'codebuild' },
    { name: "Prow's kubernetes", agent: 'agent: kubernetes', expected: 'codebuild' },
    { name: 'codebuild', agent: 'agent: codebuild', expected: 'codebuild' },
    { name: 'github-actions', agent: 'agent: github-actions\ngithub_actions:\n  workflow: ci.yaml\n  inputs:\n    suite: unit', expected: 'github-actions' },
  ])('agent $name → $expected', ({ agent, expected }) => {
    const { jobs } = load(presubmits(`name: unit\n${agent}`));
    expect(jobs.presubmits['org/repo']![0]!.agent).toBe(expected);
  });

  it('codebuild: and github_actions: settings are read', () => {
    const { jobs } = load(presubmits('name: a\ncodebuild:\n  project: mine\n  compute_type: BUILD_GENERAL1_LARGE\n  buildspec: "version: 0.2"', 'name: b\nagent: github-actions\ngithub_actions:\n  workflow: ci.yaml\n  ref: main\n  inputs:\n    suite: unit'));
    const [a, b] = jobs.presubmits['org/repo']!;
    expect(a!.codebuild).toEqual({ project: 'mine', computeType: 'BUILD_GENERAL1_LARGE', buildspec: 'version: 0.2' });
    expect(b!.githubActions).toEqual({ workflow: 'ci.yaml', ref: 'main', inputs: { suite: 'unit' } });
  });

  it('timeouts: the job\'s decoration_config, else plank\'s matching default entries (later ones win), else 2 h', () => {
    const plank = `plank:
  default_decoration_config_entries:
  - config:
      timeout: 7200000000000
  - repo: org
    config:
      timeout: 3h
  - cluster: big
    config:
      timeout: 5h
`;
    const { jobs } = load(`${plank}${presubmits('name: a\ndecoration_config:\n  timeout: 45m', 'name: b', 'name: c\ncluster: big')}presubmits2:\n`.replace('presubmits2:\n', ''));
    expect(jobs.presubmits['org/repo']!.map((j) => j.timeoutSeconds)).toEqual([2700, 3 * 3600, 5 * 3600]);
  });

  it("plank's older default_decoration_configs map ('*' first, then org or org/repo), in nanoseconds as jetstack writes it", () => {
    const plank = `plank:\n  default_decoration_configs:\n    org/repo:\n      timeout: 10800000000000\n    '*':\n      timeout: 3600000000000\n`;
    const { jobs } = load(`${plank}${presubmits('name: a')}${periodics('name: p\ninterval: 1h')}`);
    expect(jobs.presubmits['org/repo']![0]!.timeoutSeconds).toBe(3 * 3600);
    expect(jobs.periodics[0]!.timeoutSeconds).toBe(3600);
  });

  it("knative's trigger, with (?m) inside an alternation, compiles with RE2 semantics and matches its rerun command", () => {
    const trigger = String.raw`((?m)^/test( | .* )build-tests,?($|\s.*))|((?m)^/test( | .* )build-tests_serving_main,?($|\s.*))`;
    const { jobs } = load(presubmits(`name: build-tests_serving_main\ntrigger: '${trigger}'\nrerun_command: /test build-tests`));
    const job = jobs.presubmits['org/repo']![0]!;
    expect(job.trigger.test('/test build-tests')).toBe(true);
    expect(job.trigger.test('hi\n/test build-tests_serving_main')).toBe(true);
    expect(job.trigger.test('/test build')).toBe(false);
  });

  it('a pattern written many times is compiled once (kubernetes repeats its branch and change patterns across hundreds of jobs)', () => {
    const { jobs } = load(presubmits("name: a\nrun_if_changed: '^docs/'", "name: b\nrun_if_changed: '^docs/'"));
    const [a, b] = jobs.presubmits['org/repo']!;
    expect(a!.runIfChanged).toBeDefined();
    expect(a!.runIfChanged).toBe(b!.runIfChanged);
    // And again on the next load (a config reload after a push).
    expect(load(presubmits("name: c\nrun_if_changed: '^docs/'")).jobs.presubmits['org/repo']![0]!.runIfChanged).toBe(a!.runIfChanged);
  });

  it('env: values as written, `env: null` loads, valueFrom is a warning naming the job and variable', () => {
    const parsed = load(
      presubmits(`name: a
spec:
  containers:
  - image: alpine
    command: [sh]
    env:
    - name: PLAIN
      value: "8"
    - name: EMPTY
    - name: TOKEN
      valueFrom:
        secretKeyRef: {name: s, key: k}`, `name: b
spec:
  containers:
  - image: alpine
    args: [run]
    env: null`),
    );
    const [a, b] = parsed.jobs.presubmits['org/repo']!;
    expect(a!.container!.env).toEqual({ PLAIN: '8', EMPTY: '' });
    expect(b!.container).toEqual({ image: 'alpine', command: [], args: ['run'], env: {} });
    expect(parsed.warnings).toContain(
      'config.yaml:12:11: presubmits["org/repo"][0].spec.containers[0].env[2]: job a: env TOKEN comes from secretKeyRef (a Kubernetes secret or field), which Skiff cannot read; the variable is left unset',
    );
  });

  it('resources: requests (else limits) as written', () => {
    const { jobs } = load(presubmits(`name: a\nspec:\n  containers:\n  - image: x\n    command: [a]\n    resources:\n      limits: {cpu: 7, memory: 20Gi}\n      requests: {cpu: "500m"}`, `name: b\nspec:\n  containers:\n  - image: x\n    command: [a]\n    resources:\n      limits: {cpu: 2}`));
    expect(jobs.presubmits['org/repo']!.map((j) => j.container!.resources)).toEqual([{ cpu: '500m' }, { cpu: '2' }]);
  });

  it("keys with no meaning here are one warning that counts the jobs setting each", () => {
    const parsed = load(presubmits(`name: a\ncluster: eks\nhidden: true\nspec:\n  nodeSelector: {a: b}\n  containers:\n  - image: x\n    command: [a]\n    securityContext: {privileged: true}`, 'name: b\ncluster: eks'));
    expect(parsed.warnings).toContain('2 jobs set keys Skiff ignores: cluster (2), hidden (1), spec.containers[].securityContext (1), spec.nodeSelector (1)');
  });

  it.each([
    {
      name: 'a job',
      text: presubmits('name: a\nclone_uri: git@github.com:org/repo.git\nskip_submodules: true\nclone_depth: 1\nskip_fetch_head: true'),
      clone: { cloneUri: 'git@github.com:org/repo.git', skipSubmodules: true, cloneDepth: 1, skipFetchHead: true },
    },
    { name: 'a job with clone_depth 0 and false flags (Prow: nothing set)', text: presubmits('name: a\nskip_submodules: false\nclone_depth: 0'), clone: undefined },
  ])("$name: Prow's clone tuning is read, not ignored", ({ text, clone }) => {
    const parsed = load(text);
    expect(parsed.jobs.presubmits['org/repo']![0]!.clone).toEqual(clone);
    expect(parsed.warnings.filter((w) => w.includes('ignores'))).toEqual([]);
  });

  it("an extra ref's clone tuning is read; a negative clone_depth is an error naming it", () => {
    const ref = (depth: number) => periodics(`name: p\ninterval: 1h\nextra_refs:\n- org: o\n  repo: r\n  base_ref: main\n  clone_depth: ${depth}\n  skip_submodules: true`);
    expect(load(ref(5)).jobs.periodics[0]!.extraRefs).toEqual([{ org: 'o', repo: 'r', baseRef: 'main', cloneDepth: 5, skipSubmodules: true }]);
    expect(problems(presubmits('name: a\nclone_depth: -1'))).toEqual([expect.stringContaining('clone_depth: expected a number of commits (0 for the whole history), got -1')]);
  });

  it('a key neither Prow nor Skiff reads is a warning with a suggestion, an error under --strict', () => {
    const text = presubmits('name: a\nalways_rn: true');
    expect(load(text).warnings).toContain('config.yaml:4:5: presubmits["org/repo"][0].always_rn: presubmit job a: unknown key; did you mean "always_run"? Ignored');
    expect(() => parseConfig([{ path: 'config.yaml', text }], plugins, 'test', { strict: true })).toThrow(ConfigError);
  });

  it('the top-level job keys are no longer "a Prow key Skiff does not implement yet"', () => {
    const parsed = load(`${presubmits('name: a')}${periodics('name: p\ninterval: 1h')}presets: []\ndecorate_all_jobs: true\nin_repo_config:\n  enabled:\n    org: true\n`);
    expect(parsed.warnings.filter((w) => w.includes('does not implement'))).toEqual([]);
  });
});

describe("presets (Prow's resolvePresets / mergePreset, TestMergePreset)", () => {
  const presets = `presets:
- labels: {preset-a: "true"}
  env:
  - {name: A, value: from-preset}
  volumes: [{name: v}]
- env:
  - {name: EVERYONE, value: "1"}
`;
  it.each([
    { name: 'matching labels add the env after the job\'s own; a preset without labels applies to all', job: 'name: a\nlabels: {preset-a: "true"}', env: { OWN: 'x', A: 'from-preset', EVERYONE: '1' } },
    { name: 'wrong label', job: 'name: a\nlabels: {preset-a: "nope"}', env: { OWN: 'x', EVERYONE: '1' } },
    { name: 'no labels', job: 'name: a', env: { OWN: 'x', EVERYONE: '1' } },
  ])('$name', ({ job, env }) => {
    const { jobs, warnings } = load(`${presets}${presubmits(`${job}\nspec:\n  containers:\n  - image: x\n    command: [a]\n    env: [{name: OWN, value: x}]`)}`);
    expect(jobs.presubmits['org/repo']![0]!.container!.env).toEqual(env);
    expect(warnings).toContain('1 preset sets keys Skiff ignores: volumes (1)');
  });

  it('conflicting env is an error', () => {
    expect(problems(`${presets}${presubmits('name: a\nlabels: {preset-a: "true"}\nspec:\n  containers:\n  - image: x\n    command: [a]\n    env: [{name: A, value: mine}]')}`)).toContain(
      'config.yaml:13:7: presubmits["org/repo"][0].spec: job a failed to merge presets for podspec: env var duplicated in pod spec: A',
    );
  });

  it("the same label:value pair in two presets is Prow's error", () => {
    expect(problems(`presets:\n- labels: {x: "1"}\n- labels: {x: "1"}\n`)).toEqual(["config.yaml:3:15: presets[1].labels.x: duplicated preset 'label:value' pair : x:1"]);
  });
});

describe('validation with Prow\'s messages', () => {
  it.each([
    // TestValidatePresubmits
    {
      name: 'Duplicate context causes error',
      text: presubmits('name: a\ncontext: repeated', 'name: b\ncontext: repeated'),
      error: 'presubmits["org/repo"][1].context: jobs a and b report to the same GitHub context "repeated"',
    },
    { name: 'Duplicate jobname causes error', text: presubmits('name: a\ncontext: foo', 'name: a\ncontext: bar'), error: 'presubmits["org/repo"][1]: duplicated presubmit jobs (consider both inrepo and central config): [a]' },
    { name: 'Invalid JobBase causes error', text: presubmits('name: ""'), error: 'presubmits["org/repo"][0].name: invalid presubmit job : name: must match regex "^[A-Za-z0-9-._]+$"' },
    { name: 'invalid name (a slash)', text: presubmits('name: a/b'), error: 'presubmits["org/repo"][0].name: invalid presubmit job a/b: name: must match regex "^[A-Za-z0-9-._]+$"' },
    { name: 'a name with a space', text: presubmits('name: my job'), error: 'presubmits["org/repo"][0].name: invalid presubmit job my job: name: must match regex "^[A-Za-z0-9-._]+$"' },
    { name: 'Invalid triggering config causes error', text: presubmits('name: my-job\ntrigger: some-trigger'), error: 'presubmits["org/repo"][0].trigger: either both of job.Trigger and job.RerunCommand must be set, wasnt the case for job "my-job"' },
    { name: 'rerun_command without trigger', text: presubmits('name: my-job\nrerun_command: /test x'), error: 'presubmits["org/repo"][0].rerun_command: either both of job.Trigger and job.RerunCommand must be set, wasnt the case for job "my-job"' },
    {
      name: 'Mutually exclusive settings: always_run and run_if_changed',
      text: presubmits('name: a\nalways_run: true\nrun_if_changed: \\.go$'),
      error: 'presubmits["org/repo"][0].always_run: job a is set to always run but also declares run_if_changed targets, which are mutually exclusive',
    },
    {
      name: 'Mutually exclusive settings: always_run and skip_if_only_changed',
      text: presubmits('name: a\nalways_run: true\nskip_if_only_changed: \\.go$'),
      error: 'presubmits["org/repo"][0].always_run: job a is set to always run but also declares skip_if_only_changed targets, which are mutually exclusive',
    },
    {
      name: 'Mutually exclusive settings: run_if_changed and skip_if_only_changed',
      text: presubmits('name: a\nrun_if_changed: \\.go$\nskip_if_only_changed: \\.md'),
      error: 'presubmits["org/repo"][0].run_if_changed: job a declares run_if_changed and skip_if_only_changed, which are mutually exclusive',
    },
    // SetPresubmitRegexes
    {
      name: 'a rerun command its trigger does not match',
      text: presubmits("name: a\ntrigger: '(?m)^/test a$'\nrerun_command: /retest a"),
      error: 'presubmits["org/repo"][0].rerun_command: could not set regex: for job a, rerun command "/retest a" does not match trigger "(?m)^/test a$"',
    },
    { name: 'a trigger Go cannot compile', text: presubmits("name: a\ntrigger: '(a'\nrerun_command: '(a'"), error: 'presubmits["org/repo"][0].trigger: could not set regex: could not compile trigger regex for a: error parsing regexp: missing closing ): `(a`' },
    { name: 'a lookahead (RE2 has none)', text: presubmits("name: a\ntrigger: '/test (?=a)'\nrerun_command: /test a"), error: 'presubmits["org/repo"][0].trigger: could not set regex: could not compile trigger regex for a: error parsing regexp: invalid or unsupported Perl syntax: `(?=`' },
    { name: 'a bad branches regex', text: presubmits("name: a\nbranches: ['[']"), error: 'presubmits["org/repo"][0].branches: could not set regex: could not set branch regexes for a: could not compile positive branch regex: error parsing regexp: missing closing ]: `[`' },
    { name: 'a bad skip_branches regex', text: presubmits("name: a\nskip_branches: ['*']"), error: 'presubmits["org/repo"][0].skip_branches: could not set regex: could not set branch regexes for a: could not compile negative branch regex: error parsing regexp: missing argument to repetition operator: `*`' },
    { name: 'a bad run_if_changed regex', text: presubmits("name: a\nrun_if_changed: '('"), error: 'presubmits["org/repo"][0].run_if_changed: could not set regex: could not set change regexes for a: could not compile run_if_changed regex: error parsing regexp: missing closing ): `(`' },
    { name: 'a bad skip_if_only_changed regex', text: presubmits("name: a\nskip_if_only_changed: '('"), error: 'presubmits["org/repo"][0].skip_if_only_changed: could not set regex: could not set change regexes for a: could not compile skip_if_only_changed regex: error parsing regexp: missing closing ): `(`' },
    // validateJobBase
    { name: 'max_concurrency < 0', text: presubmits('name: a\nmax_concurrency: -1'), error: 'presubmits["org/repo"][0].max_concurrency: invalid presubmit job a: max_concurrency: -1 must be a non-negative number' },
    { name: 'a reserved label', text: presubmits('name: a\nlabels: {created-by-prow: "true"}'), error: 'presubmits["org/repo"][0].labels: invalid presubmit job a: label created-by-prow is reserved for decoration' },
    { name: 'an invalid label value', text: presubmits('name: a\nlabels: {foo: "bar baz"}'), error: "presubmits[\"org/repo\"][0].labels: invalid presubmit job a: label foo has invalid value bar baz: [a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]" },
    { name: 'an invalid annotation key', text: presubmits('name: a\nannotations: {"-x": "y"}'), error: /invalid presubmit job a: invalid annotation key "-x": \[name part must consist of/ },
    { name: 'jenkins', text: presubmits('name: a\nagent: jenkins'), error: 'presubmits["org/repo"][0].agent: invalid presubmit job a: agent: "jenkins" is not an agent Skiff runs jobs on (kubernetes or codebuild: CodeBuild; github-actions)' },
    { name: 'tekton-pipeline', text: presubmits('name: a\nagent: tekton-pipeline'), error: /invalid presubmit job a: agent: "tekton-pipeline" is not an agent Skiff runs jobs on/ },
    { name: 'github-actions without a workflow', text: presubmits('name: a\nagent: github-actions'), error: 'presubmits["org/repo"][0].agent: invalid presubmit job a: agent: github-actions jobs require github_actions.workflow' },
    { name: 'no spec', text: 'presubmits:\n  org/repo:\n  - name: a\n', error: 'config.yaml:3:5: presubmits["org/repo"][0]: invalid presubmit job a: kubernetes jobs require a spec' },
    { name: 'a spec without containers', text: 'presubmits:\n  org/repo:\n  - name: a\n    spec: {containers: []}\n', error: 'presubmits["org/repo"][0].spec.containers: invalid presubmit job a: pod spec must specify at least 1 container, found: 0' },
    { name: 'an env variable twice', text: presubmits('name: a\nspec:\n  containers:\n  - image: x\n    command: [a]\n    env: [{name: A, value: "1"}, {name: A, value: "2"}]'), error: 'presubmits["org/repo"][0].spec.containers[0].env[1]: invalid presubmit job a: env var named "A" is defined more than once' },
    { name: 'decorate_all_jobs: decorated unless the job says otherwise', text: `decorate_all_jobs: true\n${presubmits('name: a\nspec:\n  containers:\n  - image: x')}`, error: 'presubmits["org/repo"][0].spec: invalid presubmit job a: decorated job containers must specify command and/or args' },
    { name: 'decorated without command or args', text: presubmits('name: a\ndecorate: true\nspec:\n  containers:\n  - image: x'), error: 'presubmits["org/repo"][0].spec: invalid presubmit job a: decorated job containers must specify command and/or args' },
    { name: 'a type Go would not unmarshal', text: presubmits('name: a\nalways_run: "yes"'), error: 'presubmits["org/repo"][0].always_run: invalid presubmit job a: always_run: expected true or false, got "yes"' },
    { name: 'an unquoted label value', text: presubmits('name: a\nlabels: {preset-x: true}'), error: 'presubmits["org/repo"][0].labels["preset-x"]: invalid presubmit job a: labels.preset-x: expected a string (quote it: "true"), got true' },
    // TestValidatePostsubmits / TestValidateAlwaysRunPostsubmit
    { name: 'postsubmit: Duplicate jobname causes error', text: postsubmits('name: a\ncontext: foo', 'name: a\ncontext: bar'), error: 'postsubmits["org/repo"][1]: duplicated postsubmit jobs (consider both inrepo and central config): [a]' },
    { name: 'postsubmit: Duplicate context causes error', text: postsubmits('name: a\ncontext: repeated', 'name: b\ncontext: repeated'), error: 'postsubmits["org/repo"][1].context: jobs a and b report to the same GitHub context "repeated"' },
    { name: 'postsubmit: always_run and run_if_changed', text: postsubmits('name: a\nalways_run: true\nrun_if_changed: \\.go$'), error: 'postsubmits["org/repo"][0].always_run: job a is set to always run but also declares run_if_changed targets, which are mutually exclusive' },
    { name: 'postsubmit: run_if_changed and skip_if_only_changed', text: postsubmits('name: a\nrun_if_changed: \\.go$\nskip_if_only_changed: \\.md'), error: 'postsubmits["org/repo"][0].run_if_changed: job a declares run_if_changed and skip_if_only_changed, which are mutually exclusive' },
    // TestValidatePeriodics
    { name: 'periodic: Duplicate jobname causes error', text: periodics('name: a\ninterval: 6h', 'name: a\ninterval: 12h'), error: 'periodics[1].name: duplicated periodic job: a' },
    { name: 'periodic: Mutually exclusive settings: cron, interval, and minimal_interval', text: periodics('name: a\ninterval: 6h\nminimum_interval: 6h'), error: 'periodics[0].interval: cron, interval, and minimum_interval are mutually exclusive in periodic a' },
    { name: 'periodic: Required settings: cron, interval, or minimal_interval', text: periodics('name: a'), error: 'config.yaml:2:3: periodics[0]: at least one of cron, interval, or minimum_interval must be set in periodic a' },
    { name: 'periodic: Invalid cron string', text: periodics('name: a\ncron: hello'), error: 'periodics[0].cron: invalid cron string hello in periodic a: expected 5 to 6 fields, found 1: [hello]' },
    { name: 'periodic: Invalid interval', text: periodics('name: a\ninterval: hello'), error: 'periodics[0].interval: cannot parse duration for a: time: invalid duration "hello"' },
    { name: 'periodic: Invalid minimum_interval', text: periodics('name: a\nminimum_interval: hello'), error: 'periodics[0].minimum_interval: cannot parse duration for a: time: invalid duration "hello"' },
    { name: 'periodic: a day unit', text: periodics('name: a\ninterval: 1d'), error: 'periodics[0].interval: cannot parse duration for a: time: unknown unit "d" in duration "1d"' },
    // ValidateController, sinker
    { name: 'plank.max_concurrency < 0', text: 'plank:\n  max_concurrency: -1\n', error: 'config.yaml:2:20: plank.max_concurrency: validating plank config: controller has invalid max_concurrency (-1), it needs to be a non-negative number' },
    { name: 'sinker.max_prowjob_age', text: 'sinker:\n  max_prowjob_age: 7d\n', error: 'config.yaml:2:20: sinker.max_prowjob_age: time: unknown unit "d" in duration "7d"' },
  ])('$name', ({ text, error }) => {
    const found = problems(text);
    if (typeof error === 'string') expect(found.some((p) => p.endsWith(error)), `${found.join('\n')}\n---\n${error}`).toBe(true);
    else expect(found.some((p) => error.test(p)), found.join('\n')).toBe(true);
  });

  it.each([
    { name: 'Duplicate context on different branch doesn\'t cause error', text: presubmits('name: a\ncontext: repeated\nbranches: [master]', 'name: b\ncontext: repeated\nbranches: [next]') },
    { name: 'Duplicate jobname on different branches doesn\'t cause error', text: presubmits('name: a\nbranches: [master]', 'name: a\nbranches: [next]') },
    { name: 'one job per release branch (regex skip)', text: presubmits("name: a\nskip_branches: ['release-\\d+\\.\\d+']", "name: a\nbranches: ['release-1.14']") },
    { name: 'valid complex name', text: presubmits('name: a-b.c') },
    { name: 'Valid 5-field cron', text: periodics('name: a\ncron: 05 15 * * 1-5') },
    { name: 'Valid 6-field cron', text: periodics('name: a\ncron: 0 05 15 * * 1-5') },
    { name: 'the same name as a presubmit and a postsubmit', text: `${presubmits('name: a')}${postsubmits('name: a').replace('postsubmits:\n  org/repo:', 'postsubmits:\n  org/repo:')}` },
    { name: 'decorate_all_jobs with a job that opts out', text: `decorate_all_jobs: true\n${presubmits('name: a\ndecorate: false\nspec:\n  containers:\n  - image: x')}` },
    { name: "prow_ignored, Prow's field for what is not Prow's", text: `prow_ignored:\n  anything: [goes]\n${presubmits('name: a')}` },
    { name: 'a job relying on its image\'s entrypoint (args only, undecorated)', text: presubmits('name: a\nspec:\n  containers:\n  - image: x\n    args: [--flag]') },
  ])('$name loads', ({ text }) => {
    expect(problems(text)).toEqual([]);
  });

  it('reports every problem of every job at once, each with its file and line', () => {
    const found = problems(presubmits('name: a\nmax_concurrency: -1', 'name: b\nalways_run: true\nrun_if_changed: x'));
    expect(found).toEqual([
      'config.yaml:4:22: presubmits["org/repo"][0].max_concurrency: invalid presubmit job a: max_concurrency: -1 must be a non-negative number',
      'config.yaml:10:17: presubmits["org/repo"][1].always_run: job b is set to always run but also declares run_if_changed targets, which are mutually exclusive',
    ]);
  });

  it('a job in a job file is located in that file', () => {
    const files = [
      { path: 'config.yaml', text: 'plank:\n  max_concurrency: 10\n' },
      { path: 'jobs/a.yaml', text: presubmits('name: a') },
      { path: 'jobs/b.yaml', text: presubmits('name: a') },
    ];
    const error = (() => {
      try {
        parseConfig(files, plugins, 'test');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems).toEqual(['jobs/b.yaml:3:5: presubmits["org/repo"][1]: duplicated presubmit jobs (consider both inrepo and central config): [a]']);
    const ok = parseConfig(files.slice(0, 2), plugins, 'test');
    expect(ok.jobs.maxConcurrency).toBe(10);
    expect(ok.jobs.presubmits['org/repo']![0]!.source).toBe('jobs/a.yaml');
  });
});

describe("in_repo_config.enabled (Prow's TestInRepoConfigEnabled)", () => {
  it.each([
    { name: 'Exact match', enabled: '"org/repo": true', expected: true },
    { name: 'Orgname matches', enabled: 'org: true', expected: true },
    { name: 'Globally enabled', enabled: '"*": true', expected: true },
    { name: 'Disabled by default', enabled: '{}', expected: false },
    { name: 'the repository overrides its org', enabled: '"org/repo": false\n    org: true', expected: false },
    { name: 'another org', enabled: 'other: true', expected: false },
  ])('$name', ({ enabled, expected }) => {
    const { jobs } = load(`in_repo_config:\n  enabled:\n    ${enabled}\n`);
    expect(jobs.inRepoConfigEnabled('org', 'repo')).toBe(expected);
  });
});

describe('plank and sinker settings', () => {
  it('max_concurrency and max_prowjob_age are read; plank\'s other keys are one warning', () => {
    const parsed = load('plank:\n  max_concurrency: 5\n  job_url_template: x\nsinker:\n  max_prowjob_age: 48h\n');
    expect(parsed.jobs).toMatchObject({ maxConcurrency: 5, maxJobAgeMs: 48 * 3_600_000 });
    expect(parsed.warnings).toEqual(['config.yaml:1:1: plank: Skiff reads max_concurrency; keys it does not implement yet, ignored: job_url_template']);
  });
});
