// The real Prow configs under test/fixtures/prow-configs/ (see the README there) load as Prow
// loads them: no errors, one warning per Prow key and per Prow plugin Skiff does not implement yet,
// and the right plugins and external plugins active where they are enabled. Each also goes through
// `skiff checkconfig` with Prow's own flags, as a child process, as a CI job would run it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readConfigPaths } from '../../shared/config/agent.js';
import { externalPluginsFor } from '../../shared/config/external-plugins.js';
import { mergeFiles } from '../../shared/config/merge.js';
import { ConfigError, notImplementedFor, parseConfig, pluginsFor, type ParsedConfig } from '../../shared/config/parse.js';
import { loadYamlFile, type LoadedFile } from '../../shared/config/yaml-file.js';
import { plugins as registry } from '../../shared/plugins/registry.js';

const root = fileURLToPath(new URL('../fixtures/prow-configs/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const os = 'openshift/02_config';
// A ViaQ/vector shard from another commit than the ViaQ org shard (see the fixtures' README).
const older = 'openshift/older-shards';

interface Fixture {
  name: string;
  /** Prow's flags for it, relative to the fixtures directory. */
  flags: Record<string, string | string[]>;
  /** Paths given beside the flags, in Skiff's form. */
  positional?: string[];
  /** The same files as SKIFF_CONFIG paths. */
  paths: string[];
  warnings: number;
  /** Some exact warnings (the fixtures directory left out of the file names). */
  some: string[];
  /** org/repo → the Skiff plugins that run there. */
  active: Record<string, string[]>;
}

const fixtures: Fixture[] = [
  {
    name: 'kubernetes (plugins.yaml, config.yaml and the jobs directory)',
    flags: { 'plugin-config': 'kubernetes/plugins.yaml', 'config-path': 'kubernetes/config.yaml', 'job-config-path': 'kubernetes/jobs' },
    paths: ['kubernetes/plugins.yaml', 'kubernetes/config.yaml', 'kubernetes/jobs'],
    warnings: 34,
    some: [
      'kubernetes/plugins.yaml:1284:1: cherry_pick_approved: a Prow key Skiff does not implement yet; ignored',
      'kubernetes/config.yaml:207:1: ["branch-protection"]: a Prow key Skiff does not implement yet; ignored',
      'kubernetes/config.yaml:61:1: sinker: Skiff reads max_prowjob_age; keys it does not implement yet, ignored: resync_period, max_pod_age, terminated_pod_ttl',
      '19 jobs set keys Skiff ignores: cluster (19), spec.containers[].securityContext (5)',
      '11 presets set keys Skiff ignores: volumeMounts (11), volumes (11)',
      'kubernetes/plugins.yaml:1446:7: plugins["kubernetes/test-infra"].plugins[1]: "config-updater" is not needed: Skiff reads the config straight from the repository (enabled for kubernetes/test-infra)',
      'kubernetes/plugins.yaml:1406:7: plugins["kubernetes/kubernetes"].plugins[1]: "cherry-pick-approved" is a Prow plugin Skiff does not implement yet; inactive (enabled for kubernetes/kubernetes)',
    ],
    active: {
      'kubernetes/kubernetes': ['approve', 'assign', 'blunderbuss', 'help', 'hold', 'invalidcommitmsg', 'issue-management', 'label', 'lgtm', 'lifecycle', 'milestoneapplier', 'owners-label', 'retitle', 'shrug', 'sigmention', 'size', 'skip', 'trigger', 'verify-owners', 'welcome', 'wip', 'blockade', 'cherry-pick-unapproved', 'mergecommitblocker', 'milestone', 'milestonestatus', 'override', 'release-note', 'require-matching-label'],
      'kubernetes-sigs/kind': ['approve', 'assign', 'blunderbuss', 'help', 'hold', 'invalidcommitmsg', 'issue-management', 'label', 'lgtm', 'lifecycle', 'milestoneapplier', 'owners-label', 'retitle', 'shrug', 'size', 'skip', 'trigger', 'verify-owners', 'welcome', 'wip', 'override'],
    },
  },
  {
    name: 'istio on GCP (merge keys)',
    flags: { 'plugin-config': 'istio/gcp/plugins.yaml', 'config-path': 'istio/gcp/config.yaml' },
    paths: ['istio/gcp/plugins.yaml', 'istio/gcp/config.yaml'],
    warnings: 12,
    some: ['istio/gcp/plugins.yaml:39:7: plugins["istio/test-infra"].plugins[0]: "config-updater" is not needed: Skiff reads the config straight from the repository (enabled for istio/test-infra)'],
    active: {
      'istio/istio': ['trigger'],
    },
  },
  {
    name: 'istio on AWS (merge keys)',
    flags: { 'plugin-config': 'istio/aws/plugins.yaml', 'config-path': 'istio/aws/config.yaml' },
    paths: ['istio/aws/plugins.yaml', 'istio/aws/config.yaml'],
    warnings: 15,
    some: ['istio/aws/plugins.yaml:57:7: plugins["istio/test-infra"].plugins[1]: "config-updater" is not needed: Skiff reads the config straight from the repository (enabled for istio/test-infra)'],
    active: {
      'istio/test-infra': ['size', 'trigger', 'wip', 'assign', 'hold', 'lifecycle', 'skip'],
      'istio-ecosystem/sail-operator': ['size', 'trigger', 'wip', 'assign', 'hold'],
    },
  },
  {
    name: 'knative (with its job config directory: (?m) triggers inside alternations)',
    flags: { 'plugin-config': 'knative/plugins.yaml', 'config-path': 'knative/config.yaml', 'job-config-path': 'knative/jobs' },
    paths: ['knative/plugins.yaml', 'knative/config.yaml', 'knative/jobs'],
    warnings: 24,
    some: [
      'knative/config.yaml:15:1: plank: Skiff reads default_decoration_config_entries; keys it does not implement yet, ignored: job_url_template, report_templates, job_url_prefix_config, pod_pending_timeout',
      'knative/jobs/custom/label-sync.yaml:88:9: periodics[11].spec.containers[0].env[0]: job ci-knative-infra-label-sync: env GITHUB_APP_ID comes from secretKeyRef (a Kubernetes secret or field), which Skiff cannot read; the variable is left unset',
      '178 jobs set keys Skiff ignores: cluster (178), spec.containers[].securityContext (157), spec.nodeSelector (157), spec.containers[].volumeMounts (135), spec.volumes (135), spec.serviceAccountName (73), reporter_config (18), spec.containers[].imagePullPolicy (8), rerun_auth_config (2)',
    ],
    active: {
      'knative/infra': ['approve', 'assign', 'blunderbuss', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'milestone', 'override', 'owners-label', 'retitle', 'shrug', 'size', 'skip', 'trigger', 'verify-owners', 'welcome', 'wip'],
      'knative/serving': ['approve', 'assign', 'blunderbuss', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'milestone', 'override', 'owners-label', 'retitle', 'shrug', 'size', 'skip', 'trigger', 'verify-owners', 'welcome', 'wip'],
      'knative-extensions/anything': ['approve', 'assign', 'blunderbuss', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'milestone', 'override', 'owners-label', 'shrug', 'size', 'skip', 'trigger', 'verify-owners', 'welcome', 'wip'],
    },
  },
  {
    name: 'jetstack (the bare-list plugins form, a jobs directory)',
    flags: { 'plugin-config': 'jetstack/plugins.yaml', 'config-path': 'jetstack/config.yaml', 'job-config-path': 'jetstack/jobs' },
    paths: ['jetstack/plugins.yaml', 'jetstack/config.yaml', 'jetstack/jobs'],
    warnings: 15,
    some: ['jetstack/plugins.yaml:148:5: plugins.jetstack[3]: "golint" is a Prow plugin Skiff does not implement yet; inactive (enabled for jetstack and cert-manager)'],
    active: {
      'jetstack/cert-manager': ['assign', 'blockade', 'cherry-pick-unapproved', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'milestone', 'milestonestatus', 'milestoneapplier', 'override', 'require-matching-label', 'shrug', 'size', 'skip', 'trigger', 'wip', 'approve', 'blunderbuss', 'dco', 'owners-label', 'release-note', 'verify-owners'],
      'jetstack/testing': ['assign', 'blockade', 'cherry-pick-unapproved', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'milestone', 'milestonestatus', 'milestoneapplier', 'override', 'require-matching-label', 'shrug', 'size', 'skip', 'trigger', 'wip', 'approve', 'blunderbuss', 'dco', 'owners-label', 'release-note', 'verify-owners'],
    },
  },
  {
    name: 'oss-test-infra (a plugin Prow folded into another)',
    flags: { 'plugin-config': 'oss-test-infra/plugins.yaml', 'config-path': 'oss-test-infra/config.yaml' },
    paths: ['oss-test-infra/plugins.yaml', 'oss-test-infra/config.yaml'],
    warnings: 23,
    some: ['oss-test-infra/plugins.yaml:419:7: plugins.kubeflow.plugins[17]: "transfer-issue" is a Prow plugin that Prow has folded into "issue-management"; inactive (enabled for kubeflow)'],
    active: {
      'GoogleCloudPlatform/oss-test-infra': ['assign', 'hold', 'label', 'shrug', 'trigger', 'approve', 'blunderbuss', 'lgtm', 'lifecycle', 'override', 'owners-label', 'size', 'verify-owners', 'wip'],
      'GoogleCloudPlatform/gke-enterprise-mt': ['assign', 'hold', 'label', 'shrug', 'trigger', 'approve', 'help', 'lgtm', 'verify-owners'],
    },
  },
  {
    name: 'openshift: the global files and the whole shard tree (the ViaQ org shard, the Azure/ARO-HCP repo shards)',
    flags: {
      'plugin-config': `${os}/_plugins.yaml`,
      'config-path': `${os}/_config.yaml`,
      'supplemental-plugin-config-dir': [os],
      'supplemental-prow-config-dir': [os],
    },
    paths: [os],
    warnings: 40,
    some: [`${os}/_config.yaml:6:1: deck: a Prow key Skiff does not implement yet; ignored`],
    active: {
      'ViaQ/anything': ['assign', 'blunderbuss', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'override', 'retitle', 'shrug', 'sigmention', 'skip', 'trigger', 'verify-owners', 'owners-label', 'wip'],
      'Azure/ARO-HCP': ['assign', 'approve', 'blunderbuss', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'override', 'retitle', 'shrug', 'sigmention', 'skip', 'trigger', 'verify-owners', 'owners-label', 'wip'],
    },
  },
  {
    name: 'openshift: the global files with an older ViaQ/vector repo shard and the Azure/ARO-HCP repo shards',
    flags: {
      'plugin-config': `${os}/_plugins.yaml`,
      'config-path': `${os}/_config.yaml`,
      'supplemental-plugin-config-dir': [`${older}/ViaQ/vector`, `${os}/Azure`],
      'supplemental-prow-config-dir': [`${older}/ViaQ/vector`, `${os}/Azure`],
    },
    paths: [`${os}/_plugins.yaml`, `${os}/_config.yaml`, `${older}/ViaQ/vector`, `${os}/Azure`],
    warnings: 41,
    some: [],
    active: {
      'ViaQ/vector': ['approve', 'assign', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'override', 'retitle', 'shrug', 'skip', 'trigger', 'verify-owners', 'owners-label', 'wip'],
      'Azure/ARO-HCP': ['assign', 'approve', 'blunderbuss', 'help', 'hold', 'label', 'lgtm', 'lifecycle', 'override', 'retitle', 'shrug', 'sigmention', 'skip', 'trigger', 'verify-owners', 'owners-label', 'wip'],
      'ViaQ/other': [],
    },
  },
];

const load = async (paths: string[]): Promise<ParsedConfig> => parseConfig(await readConfigPaths(paths.map((p) => root + p)), registry, 'fixtures');
const relative = (lines: string[]) => lines.map((l) => l.replaceAll(root, ''));
const active = (parsed: ParsedConfig, where: string) => {
  const [owner = '', repo = ''] = where.split('/');
  return pluginsFor(parsed.config, owner, repo).filter((name) => registry.some((p) => p.name === name));
};

describe('real Prow configs load with warnings only', () => {
  it.each(fixtures)('$name', async ({ paths, warnings, some, active: expected }) => {
    // Act
    const parsed = await load(paths);

    // Assess
    expect(parsed.warnings).toHaveLength(warnings);
    for (const warning of some) expect(relative(parsed.warnings)).toContain(warning);
    // One warning per Prow plugin name: never two for the same name.
    const named = parsed.warnings.map((w) => /: "([^"]+)" is (?:a Prow plugin|not needed)/.exec(w)?.[1]).filter(Boolean);
    expect(new Set(named).size).toBe(named.length);
    for (const [where, names] of Object.entries(expected)) expect(active(parsed, where), where).toEqual(names);
  });

  it('external plugins get their endpoint, Prow\'s http://<name> when none is written', async () => {
    // Act
    const kubernetes = await load(['kubernetes/plugins.yaml']);
    const istio = await load(['istio/aws/plugins.yaml']);

    // Assess
    const forwards = (parsed: ParsedConfig, owner: string, repo: string, event: string) =>
      externalPluginsFor(parsed.config.externalPlugins, owner, repo, event).map((p) => `${p.name} ${p.endpoint}`);
    expect(forwards(kubernetes, 'kubernetes', 'autoscaler', 'issue_comment')).toEqual(['needs-rebase http://needs-rebase', 'cherrypicker http://cherrypicker']);
    expect(forwards(kubernetes, 'kubernetes', 'kubernetes', 'pull_request')).toEqual(['needs-rebase http://needs-rebase']);
    expect(forwards(istio, 'istio', 'istio', 'issue_comment')).toEqual(['cherrypicker http://cherrypicker']);
    expect(Object.getPrototypeOf(kubernetes.config.externalPlugins)).toBeNull();
  });

  it("a delivery's trace can say which enabled Prow plugins Skiff left out", async () => {
    // Act
    const { config } = await load(['kubernetes/plugins.yaml']);

    // Assess: what an issue comment on kubernetes/kubernetes would have reached in Prow.
    const missing = notImplementedFor(config, 'kubernetes', 'kubernetes', 'issue_comment', registry);
    expect(missing).toEqual(expect.arrayContaining(['pony']));
    for (const implemented of ['trigger', 'issue-management', 'hold', 'lgtm', 'approve', 'assign', 'label', 'lifecycle', 'sigmention', 'skip', 'override']) expect(missing).not.toContain(implemented);
    expect(missing).not.toContain('cherry-pick-approved'); // reviews only
    expect(notImplementedFor(config, 'kubernetes', 'kubernetes', 'pull_request_review', registry)).toContain('cherry-pick-approved');
    expect(notImplementedFor(config, 'kubernetes', 'test-infra', 'pull_request', registry)).not.toContain('config-updater'); // not needed
  });

  it("istio's << merge keys are merged, not kept as keys", async () => {
    // Prepare
    const file = loadYamlFile({ path: 'config.yaml', text: (await readConfigPaths([`${root}istio/gcp/config.yaml`]))[0]!.text }) as LoadedFile;

    // Act
    const { doc } = mergeFiles([file], () => true);

    // Assess
    const branches = (doc['branch-protection'] as any).orgs.istio.repos.api.branches;
    expect(branches['release-1.1']).toEqual({ required_status_checks: { contexts: ['merges-blocked-needs-admin'] }, protect: true, restrictions: { teams: ['release-managers-1-1'] } });
    expect(JSON.stringify(doc)).not.toContain('"<<"');
  });

  it('openshift: the older ViaQ/vector shard beside the newer org shard repeats external plugins at org and repo level, which Prow rejects too', async () => {
    // Act
    const error = await load([os, `${older}/ViaQ/vector`]).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess: the org shard lists the external plugins the older repo shard still lists.
    expect(error).toBeInstanceOf(ConfigError);
    expect(relative((error as ConfigError).problems)).toEqual(
      ['refresh', 'cherrypick', 'needs-rebase', 'backport-verifier'].map(
        (name, i) => `${older}/ViaQ/vector/_pluginconfig.yaml:${41 + 5 * i}:11: external_plugins["ViaQ/vector"][${i}].name: external plugin "${name}" is duplicated for ViaQ/vector and ViaQ`,
      ),
    );
  });
});

const run = promisify(execFile);

describe('skiff checkconfig with Prow\'s flags, as a child process', () => {
  const args = (flags: Fixture['flags']) => Object.entries(flags).flatMap(([flag, value]) => (Array.isArray(value) ? value : [value]).flatMap((v) => [`--${flag}`, root + v]));

  it.each(fixtures)('$name', async ({ flags, positional = [], warnings }) => {
    // Act
    const { stdout } = await run(process.execPath, ['bin/skiff.js', 'checkconfig', ...args(flags), ...positional.map((p) => root + p), '--strict'], { cwd: repoRoot });

    // Assess: exit 0 (execFile rejects otherwise), the same warnings as the loader's.
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`: valid, \\d+ files, ${warnings} warnings$`));
    expect(lines.filter((l) => l.startsWith('warning: '))).toHaveLength(warnings);
  });

  it('the openshift tree with the older ViaQ/vector shard as supplemental directories: exit 1, each error with its file and line', async () => {
    // Act
    const dirs = [os, `${older}/ViaQ/vector`];
    const failure = await run(process.execPath, ['bin/skiff.js', 'checkconfig', ...args({ 'plugin-config': `${os}/_plugins.yaml`, 'config-path': `${os}/_config.yaml`, 'supplemental-plugin-config-dir': dirs, 'supplemental-prow-config-dir': dirs })], {
      cwd: repoRoot,
    }).then(
      () => undefined,
      (e: { code?: number; stdout?: string }) => e,
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(`${root}${older}/ViaQ/vector/_pluginconfig.yaml:41:11: external_plugins["ViaQ/vector"][0].name: external plugin "refresh" is duplicated for ViaQ/vector and ViaQ`);
  });

  it.each([
    { name: 'an unknown flag', args: ['--warnings=mismatched-tide'], code: 2, stderr: 'skiff checkconfig: unknown option --warnings (skiff checkconfig --help shows the options)\n' },
    { name: '--help', args: ['--help'], code: 0, stderr: '' },
  ])('$name', async ({ args: extra, code, stderr }) => {
    // Act
    const result = await run(process.execPath, ['bin/skiff.js', 'checkconfig', ...extra], { cwd: repoRoot }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

    // Assess
    expect(result.code).toBe(code);
    expect(result.stderr).toBe(stderr);
  });
});
