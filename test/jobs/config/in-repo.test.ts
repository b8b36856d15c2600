// `.prow.yaml` and `.prow/*.yaml` read through the fake GitHub, defaulted with the central
// config's presets and validated with its static jobs, as Prow's DefaultAndValidateProwYAML does.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/parse.js';
import { loadInRepoJobs, loadInRepoPresubmits } from '../../../shared/jobs/config/in-repo.js';
import type { JobConfig } from '../../../shared/jobs/types.js';
import { plugins } from '../../../shared/plugins/registry.js';
import { MemoryGitHub } from '../../fakes/memory-github.js';

const repo = { owner: 'acme', repo: 'widgets' };
const sha = 'abc123';

const central = (enabled = 'acme/widgets: true'): JobConfig =>
  parseConfig(
    [
      {
        path: 'config.yaml',
        text: `in_repo_config:
  enabled:
    ${enabled}
presets:
- labels: {preset-go: "true"}
  env: [{name: GOPROXY, value: https://proxy.golang.org}]
plank:
  default_decoration_config_entries:
  - config: {timeout: 1h}
presubmits:
  acme/widgets:
  - name: static-unit
    spec: {containers: [{image: golang, command: [make, test]}]}
`,
      },
    ],
    plugins,
    'test',
  ).jobs;

const job = (name: string, extra = '') => `- name: ${name}\n${extra}  spec: {containers: [{image: golang, command: [make, ${name}]}]}\n`;

const github = (files: Record<string, string>) => {
  const gh = new MemoryGitHub();
  for (const [path, text] of Object.entries(files)) gh.setFile('acme/widgets', sha, path, text);
  return gh;
};

describe('loadInRepoJobs', () => {
  it('.prow.yaml: presubmits and postsubmits, defaulted with the central presets and decoration timeout', async () => {
    // Prepare
    const gh = github({ '.prow.yaml': `presubmits:\n${job('lint', '  labels: {preset-go: "true"}\n')}postsubmits:\n${job('publish')}`, 'README.md': '# widgets\n' });

    // Act
    const result = await loadInRepoJobs(gh, repo, sha, central());

    // Assess
    if ('error' in result) throw new Error(result.error);
    expect(result.files).toEqual(['.prow.yaml']);
    expect(result.presubmits.map((j) => [j.name, j.context, j.rerunCommand, j.timeoutSeconds, j.source, j.container?.env])).toEqual([['lint', 'lint', '/test lint', 3600, '.prow.yaml', { GOPROXY: 'https://proxy.golang.org' }]]);
    expect(result.postsubmits.map((j) => j.name)).toEqual(['publish']);
  });

  it('.prow/*.yaml: every YAML file below it, in path order, its presets applying across files; .prow.yaml beside it is not read', async () => {
    const gh = github({
      '.prow/b/second.yml': `presubmits:\n${job('second', '  labels: {preset-local: "true"}\n')}`,
      '.prow/a.yaml': `presets:\n- labels: {preset-local: "true"}\n  env: [{name: LOCAL, value: "1"}]\npresubmits:\n${job('first')}`,
      '.prow/notes.txt': 'not config\n',
      '.prow.yaml': 'presubmits: not even a list\n',
    });
    const result = await loadInRepoJobs(gh, repo, sha, central());
    if ('error' in result) throw new Error(result.error);
    expect(result.files).toEqual(['.prow/a.yaml', '.prow/b/second.yml']);
    expect(result.presubmits.map((j) => j.name)).toEqual(['first', 'second']);
    expect(result.presubmits[1]!.container!.env).toEqual({ LOCAL: '1' });
  });

  it('periodics in .prow.yaml are not read (Prow reads presubmits and postsubmits only), with a warning', async () => {
    const result = await loadInRepoJobs(github({ '.prow.yaml': `presubmits:\n${job('lint')}periodics:\n${job('nightly', '  interval: 1h\n')}` }), repo, sha, central());
    expect(result).toMatchObject({ presubmits: [{ name: 'lint' }], postsubmits: [], warnings: ['.prow.yaml:4:1: periodics: .prow.yaml may hold presubmits, postsubmits and presets only; periodics is not read'] });
  });

  it('a repository without in-repo config has none', async () => {
    const result = await loadInRepoJobs(github({ 'main.go': 'package main\n' }), repo, sha, central());
    expect(result).toEqual({ presubmits: [], postsubmits: [], files: [], warnings: [] });
  });

  it("GitHub is not asked when in_repo_config does not enable the repository (Prow's TestGetProwYAMLDoesNotCallRefGettersWhenInrepoconfigIsDisabled)", async () => {
    const gh = github({ '.prow.yaml': `presubmits:\n${job('lint')}` });
    const result = await loadInRepoJobs(gh, repo, sha, central('other/repo: true'));
    expect(result).toEqual({ presubmits: [], postsubmits: [], files: [], warnings: [] });
    expect(gh.calls).toEqual([]);
  });

  it.each([
    {
      name: "a static job's name on the same branches (Prow's message)",
      files: { '.prow.yaml': `presubmits:\n${job('static-unit')}` },
      error: '.prow.yaml:2:3: presubmits[0]: duplicated presubmit jobs (consider both inrepo and central config): [static-unit]',
    },
    {
      name: "a static job's context",
      files: { '.prow.yaml': `presubmits:\n${job('other', '  context: static-unit\n')}` },
      error: '.prow.yaml:3:12: presubmits[0].context: jobs static-unit and other report to the same GitHub context "static-unit"',
    },
    {
      name: 'a validation error, located in its file',
      files: { '.prow/jobs.yaml': `presubmits:\n${job('lint', '  always_run: true\n  run_if_changed: x\n')}` },
      error: '.prow/jobs.yaml:3:15: presubmits[0].always_run: job lint is set to always run but also declares run_if_changed targets, which are mutually exclusive',
    },
    {
      name: 'YAML that does not parse',
      files: { '.prow.yaml': 'presubmits:\n- name: [lint\n' },
      error: /^\.prow\.yaml:\d+:\d+: /,
    },
    {
      name: 'the central form (keyed by org/repo) instead of a list',
      files: { '.prow.yaml': `presubmits:\n  acme/widgets:\n  ${job('lint').replace(/\n(?=.)/g, '\n  ')}` },
      error: '.prow.yaml:2:3: presubmits: expected a list of presubmits (in .prow.yaml they belong to this repository, with no org/repo key), got a mapping',
    },
  ] as { name: string; files: Record<string, string>; error: string | RegExp }[])('refuses $name with a message for the pull request', async ({ files, error }) => {
    const result = await loadInRepoJobs(github(files), repo, sha, central());
    expect('error' in result).toBe(true);
    const message = (result as { error: string }).error;
    if (typeof error === 'string') expect(message).toBe(error);
    else expect(message).toMatch(error);
  });

  it('the same name as a static job on branches that never meet is fine', async () => {
    // Prepare: the static job runs on main only.
    const jobs = parseConfig([{ path: 'config.yaml', text: `in_repo_config: {enabled: {acme: true}}\npresubmits:\n  acme/widgets:\n${job('unit', '  branches: [main]\n').replace(/^/gm, '  ')}` }], plugins, 'test').jobs;

    // Act
    const result = await loadInRepoPresubmits(github({ '.prow.yaml': `presubmits:\n${job('unit', '  branches: [release-1.0]\n')}` }), repo, sha, jobs);

    // Assess
    expect(result).toMatchObject({ jobs: [{ name: 'unit', brancher: { branches: ['release-1.0'] } }] });
  });
});
