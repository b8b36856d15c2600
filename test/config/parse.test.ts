// plugins.yaml / config.yaml → a validated config: a real-shaped Prow pair loads with one warning
// per key Skiff does not implement, both forms of `plugins:` mean the same, and every problem is
// reported at the file, line, column and path the user wrote
// (`plugins.yaml:2:26: plugins["org/repo"][2]: unknown plugin "hodl"; did you mean "hold"? …`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, pluginsFor, type ConfigFile } from '../../shared/config/parse.js';
import { formatPath } from '../../shared/config/format-error.js';
import type { RepoPlugins } from '../../shared/config/schema.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import { defaultSizes } from '../../shared/plugins/size/config.js';

const fixture = (name: string): ConfigFile => ({
  path: `config/prow/${name}`,
  text: readFileSync(new URL(`../fixtures/config/${name}`, import.meta.url), 'utf8'),
});

const source = 'kubernetes/test-infra:config/prow/plugins.yaml,config/prow/config.yaml';

/** Runs parseConfig and returns its ConfigError (failing the test when it does not throw one). */
function configError(files: ConfigFile[]): ConfigError {
  try {
    parseConfig(files, registry, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

/** The warning for a plugin name nothing knows, at `at` (file:line:col: path). */
const unknownPlugin = (at: string, name: string, suggestion: string | undefined, where: string) =>
  `${at}: unknown plugin "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ' (neither a Skiff nor a Prow plugin)'} Inactive (enabled for ${where})`;

/** Nine levels, each nine aliases of the one before: 9^9 strings if expanded. */
const billionLaughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat([...'bcdefghi'].map((level, i) => `${level}: &${level} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
  .join('\n');

describe('parseConfig with a Prow plugins.yaml and config.yaml', () => {
  // approve, lgtm, blunderbuss and triggers are read (their plugins, or trust, are Skiff's); this one is not yet.
  const inPlugins = ['config_updater'];
  // in_repo_config, plank and sinker are read in part (the job config); the rest of each is one warning.
  const inConfig = ['prowjob_namespace', 'pod_namespace', 'log_level', 'in_repo_config', 'plank', 'sinker', 'deck', 'branch-protection', 'tide'];
  const fixturePlugins: Record<string, RepoPlugins> = {
    kubernetes: { plugins: ['hold', 'size'], excluded_repos: ['kubernetes-template-project', 'sig-release'] },
    'kubernetes/test-infra': { plugins: ['size'], excluded_repos: [] },
    'kubernetes/sig-release': { plugins: ['hold'], excluded_repos: [] },
    'kubernetes-sigs': { plugins: ['hold'], excluded_repos: [] },
    'kubernetes-sigs/kind': { plugins: ['size', 'hold'], excluded_repos: [] },
    'kubernetes-client': { plugins: [], excluded_repos: [] },
  };
  /** The paths the warnings are about: one per Prow key Skiff does not implement, each in its own line. */
  const warnedKeys = (warnings: string[]) =>
    warnings.map((w) => /^config\/prow\/\w+\.yaml:\d+:1: ([^:]+): (?:a Prow key Skiff does not implement yet; ignored|Skiff reads [^;]+; keys it does not implement yet, ignored: .+)$/.exec(w)?.[1] ?? w).sort();
  const paths = (keys: string[]) => keys.map((k) => (k.includes('-') ? `["${k}"]` : k)).sort();

  const cases = [
    { name: 'both files, as Prow reads them', files: ['plugins.yaml', 'config.yaml'], keys: [...inPlugins, ...inConfig] },
    { name: 'the other order gives the same config', files: ['config.yaml', 'plugins.yaml'], keys: [...inConfig, ...inPlugins] },
    { name: 'plugins.yaml alone', files: ['plugins.yaml'], keys: inPlugins },
  ];

  it.each(cases)('$name', ({ files, keys }) => {
    // Prepare
    const input = files.map(fixture);

    // Act
    const parsed = parseConfig(input, registry, source);

    // Assess
    expect(warnedKeys(parsed.warnings)).toEqual(paths(keys));
    expect(parsed.config.plugins).toEqual(fixturePlugins);
    expect(parsed.config.sections.size).toEqual({ s: 10, m: 30, l: 100, xl: 500, xxl: 1000 });
    // Both entries of each per-repository list, as test-infra writes them.
    expect(parsed.config.sections.lgtm).toHaveLength(2);
    expect(parsed.config.sections.approve).toHaveLength(2);
  });

  it('names the file, line and column of each key it ignores', () => {
    // Act
    const { warnings } = parseConfig([fixture('plugins.yaml'), fixture('config.yaml')], registry, source);

    // Assess
    expect(warnings.some((w) => w.includes('triggers:'))).toBe(false);
    expect(warnings).toContain('config/prow/plugins.yaml:43:1: config_updater: a Prow key Skiff does not implement yet; ignored');
    expect(warnings).toContain('config/prow/config.yaml:56:1: ["branch-protection"]: a Prow key Skiff does not implement yet; ignored');
  });

  it('config.yaml alone has no plugins and warns about every key', () => {
    // Act
    const parsed = parseConfig([fixture('config.yaml')], registry, source);

    // Assess
    expect(warnedKeys(parsed.warnings)).toEqual(paths(inConfig));
    expect(parsed.config.plugins).toEqual({});
    expect(parsed.config.sections.size).toEqual(defaultSizes);
  });
});

interface Case {
  name: string;
  /** File path → YAML text, parsed in this order. */
  files: Record<string, string>;
  plugins?: Record<string, RepoPlugins>;
  sizes?: Record<string, number>;
  warnings?: string[];
  /** The ConfigError's problems, one line each, exactly (or a pattern where the YAML library words it). */
  problems?: (string | RegExp)[];
}

const cases: Case[] = [
  // What loads.
  {
    name: 'map form with excluded_repos',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [hold, size]\n    excluded_repos: [legacy]\n' },
    plugins: { acme: { plugins: ['hold', 'size'], excluded_repos: ['legacy'] } },
  },
  {
    name: 'list form for an org and a repo',
    files: { 'plugins.yaml': 'plugins:\n  acme: [hold]\n  acme/widgets:\n  - size\n' },
    plugins: {
      acme: { plugins: ['hold'], excluded_repos: [] },
      'acme/widgets': { plugins: ['size'], excluded_repos: [] },
    },
  },
  {
    name: 'plugins: and excluded_repos: left empty',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins:\n    excluded_repos:\n' },
    plugins: { acme: { plugins: [], excluded_repos: [] } },
  },
  {
    // Prow (sigs.k8s.io/yaml into map[string]OrgPlugins) reads `acme:` with no value as an org
    // that enables nothing; a Prow plugins.yaml must load without edits.
    name: 'an org key with no value, as Prow accepts it',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n  acme/widgets: [hold]\n' },
    plugins: { acme: { plugins: [], excluded_repos: [] }, 'acme/widgets': { plugins: ['hold'], excluded_repos: [] } },
  },
  { name: 'plugins: null', files: { 'plugins.yaml': 'plugins:\n' }, plugins: {} },
  { name: 'plugins: {}', files: { 'plugins.yaml': 'plugins: {}\n' }, plugins: {} },
  { name: 'an empty file', files: { 'plugins.yaml': '' }, plugins: {} },
  { name: 'a file with only comments', files: { 'plugins.yaml': '# nothing enabled yet\n---\n' }, plugins: {} },
  { name: 'no files', files: {}, plugins: {} },
  {
    name: 'keys of several files are merged',
    files: {
      'plugins.yaml': 'plugins:\n  acme: [hold]\n',
      'size.yaml': 'size:\n  m: 40\n',
      'config.yaml': 'prowjob_namespace: prow\n',
    },
    plugins: { acme: { plugins: ['hold'], excluded_repos: [] } },
    sizes: { ...defaultSizes, m: 40 },
    warnings: ['config.yaml:1:1: prowjob_namespace: a Prow key Skiff does not implement yet; ignored'],
  },
  {
    name: 'unknown keys inside an org entry are ignored, as Prow does',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [hold]\n    comment: enabled by infra team\n' },
    plugins: { acme: { plugins: ['hold'], excluded_repos: [] } },
  },

  // The size section.
  { name: 'no size section: Prow defaults', files: { 'plugins.yaml': 'plugins: {}\n' }, sizes: { ...defaultSizes } },
  { name: 'size: with nothing under it: Prow defaults', files: { 'plugins.yaml': 'size:\n' }, sizes: { ...defaultSizes } },
  {
    name: 'custom thresholds, the rest defaulted',
    files: { 'plugins.yaml': 'size:\n  s: 5\n  xxl: 2000\n' },
    sizes: { s: 5, m: 30, l: 100, xl: 500, xxl: 2000 },
  },
  {
    name: 'all thresholds custom',
    files: { 'plugins.yaml': 'size:\n  s: 20\n  m: 50\n  l: 200\n  xl: 800\n  xxl: 1600\n' },
    sizes: { s: 20, m: 50, l: 200, xl: 800, xxl: 1600 },
  },
  {
    name: 'a threshold of 0 means the default, as in Prow',
    files: { 'plugins.yaml': 'size:\n  s: 0\n  l: 150\n' },
    sizes: { ...defaultSizes, l: 150 },
  },
  {
    name: 'size thresholds out of order',
    files: { 'plugins.yaml': 'size:\n  m: 5\n' },
    problems: [
      'plugins.yaml:2:6: size.m: size thresholds must increase (s < m < l < xl < xxl, after 0 or absent becomes the default); m must be greater than s, got s=10, m=5, l=100, xl=500, xxl=1000',
    ],
  },
  {
    name: 'a size threshold that is not a number',
    files: { 'plugins.yaml': 'size:\n  m: thirty\n' },
    problems: ['plugins.yaml:2:6: size.m: Invalid input: expected number, received string'],
  },
  {
    name: 'a negative size threshold',
    files: { 'plugins.yaml': 'size:\n  xl: -1\n' },
    problems: ['plugins.yaml:2:7: size.xl: Too small: expected number to be >=0'],
  },
  {
    name: 'an unknown size key',
    files: { 'plugins.yaml': 'size:\n  xxxl: 5000\n' },
    problems: ['plugins.yaml:2:3: size: Unrecognized key: "xxxl"'],
  },

  // Plugins Skiff does not implement: inactive, one warning each, at the path the user wrote.
  {
    name: 'hodl typo, list form for a repo',
    files: { 'plugins.yaml': 'plugins:\n  org/repo: [size, hold, hodl]\n' },
    plugins: { 'org/repo': { plugins: ['size', 'hold', 'hodl'], excluded_repos: [] } },
    warnings: [unknownPlugin('plugins.yaml:2:26: plugins["org/repo"][2]', 'hodl', 'hold', 'org/repo')],
  },
  {
    name: 'hodl typo, map form for a repo',
    files: { 'plugins.yaml': 'plugins:\n  org/repo:\n    plugins: [size, hold, hodl]\n' },
    warnings: [unknownPlugin('plugins.yaml:3:27: plugins["org/repo"].plugins[2]', 'hodl', 'hold', 'org/repo')],
  },
  {
    name: 'hodl typo, list form for an org',
    files: { 'plugins.yaml': 'plugins:\n  acme: [size, hold, hodl]\n' },
    warnings: [unknownPlugin('plugins.yaml:2:22: plugins.acme[2]', 'hodl', 'hold', 'acme')],
  },
  {
    name: 'an org name with a dash is quoted',
    files: { 'plugins.yaml': 'plugins:\n  kubernetes-sigs: [hodl]\n' },
    warnings: [unknownPlugin('plugins.yaml:2:21: plugins["kubernetes-sigs"][0]', 'hodl', 'hold', 'kubernetes-sigs')],
  },
  {
    name: 'a Prow plugin Skiff does not have yet is a warning, not an error',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [hold, pony]\n' },
    plugins: { acme: { plugins: ['hold', 'pony'], excluded_repos: [] } },
    warnings: ['plugins.yaml:3:21: plugins.acme.plugins[1]: "pony" is a Prow plugin Skiff does not implement yet; inactive (enabled for acme)'],
  },
  {
    name: 'one warning per name, listing every place it is enabled',
    files: { 'plugins.yaml': 'plugins:\n  acme: [pony]\n  acme/widgets: [hold, pony]\n', 'shard.yaml': 'plugins:\n  other: [pony, yuks]\n' },
    warnings: [
      'plugins.yaml:2:10: plugins.acme[0]: "pony" is a Prow plugin Skiff does not implement yet; inactive (enabled for acme, acme/widgets and other)',
      'shard.yaml:2:17: plugins.other[1]: "yuks" is a Prow plugin Skiff does not implement yet; inactive (enabled for other)',
    ],
  },
  {
    name: 'config-updater gets its own note',
    files: { 'plugins.yaml': 'plugins:\n  acme/prow-config: [config-updater]\n' },
    warnings: ['plugins.yaml:2:22: plugins["acme/prow-config"][0]: "config-updater" is not needed: Skiff reads the config straight from the repository (enabled for acme/prow-config)'],
  },
  {
    name: 'a plugin Prow folded into another',
    files: { 'plugins.yaml': 'plugins:\n  kubeflow: [transfer-issue]\n' },
    warnings: ['plugins.yaml:2:14: plugins.kubeflow[0]: "transfer-issue" is a Prow plugin that Prow has folded into "issue-management"; inactive (enabled for kubeflow)'],
  },
  {
    name: 'a typo of a Prow plugin Skiff does not have',
    files: { 'plugins.yaml': 'plugins:\n  acme: [lgmt]\n' },
    warnings: [unknownPlugin('plugins.yaml:2:10: plugins.acme[0]', 'lgmt', 'lgtm', 'acme')],
  },
  {
    name: 'a name nothing is close to',
    files: { 'plugins.yaml': 'plugins:\n  acme: [our-own-bot]\n' },
    warnings: [unknownPlugin('plugins.yaml:2:10: plugins.acme[0]', 'our-own-bot', undefined, 'acme')],
  },
  {
    name: 'plugin names are case-sensitive',
    files: { 'plugins.yaml': 'plugins:\n  acme: [Hold]\n' },
    warnings: [unknownPlugin('plugins.yaml:2:10: plugins.acme[0]', 'Hold', 'hold', 'acme')],
  },
  {
    name: 'a wrong section is an error even beside unknown plugins',
    files: { 'plugins.yaml': 'plugins:\n  acme: [hodl]\n  acme/widgets:\n    plugins: [size, sise]\nsize:\n  m: -3\n' },
    problems: ['plugins.yaml:6:6: size.m: Too small: expected number to be >=0'],
  },
  {
    name: 'a plugin name that is not a string',
    files: { 'plugins.yaml': 'plugins:\n  acme: [hold, 3]\n' },
    problems: ['plugins.yaml:2:16: plugins.acme[1]: Invalid input: expected string, received number'],
  },
  {
    name: 'excluded_repos that is not a list',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [hold]\n    excluded_repos: legacy\n' },
    problems: ['plugins.yaml:4:21: plugins.acme.excluded_repos: Invalid input: expected array, received string'],
  },
  {
    name: 'plugins: as a list',
    files: { 'plugins.yaml': 'plugins:\n- hold\n- size\n' },
    problems: ['plugins.yaml:2:1: plugins: expected a mapping of org or org/repo to plugins, got a list'],
  },

  // The skiff: section.
  { name: 'skiff.unknown_commands alone: no warning', files: { 'plugins.yaml': 'skiff:\n  unknown_commands: reply\n' }, warnings: [] },
  {
    // The stack's setting is the one that decides (the bucket's lifecycle); the config still loads.
    name: 'the removed skiff.job_log_retention_days: a warning at the key naming the stack setting',
    files: { 'plugins.yaml': 'skiff:\n  unknown_commands: reply\n  job_log_retention_days: 14\n' },
    warnings: ["plugins.yaml:3:3: skiff.job_log_retention_days: removed; set the stack's jobLogRetentionDays context instead (npx cdk deploy -c jobLogRetentionDays=N). Ignored"],
  },
  {
    name: 'skiff.job_log_retention_days is warned about whatever its value',
    files: { 'plugins.yaml': 'skiff:\n  job_log_retention_days: forever\n' },
    warnings: ["plugins.yaml:2:3: skiff.job_log_retention_days: removed; set the stack's jobLogRetentionDays context instead (npx cdk deploy -c jobLogRetentionDays=N). Ignored"],
  },
  {
    name: 'an unknown skiff key is still an error',
    files: { 'plugins.yaml': 'skiff:\n  job_log_retention: 14\n' },
    problems: ['plugins.yaml:2:3: skiff: Unrecognized key: "job_log_retention"'],
  },

  // Keys.
  {
    name: 'a misspelt key: did you mean',
    files: { 'plugins.yaml': 'plugin:\n  acme: [hold]\nsise: {}\n' },
    warnings: ['plugins.yaml:1:1: plugin: unknown key; did you mean "plugins"? Ignored', 'plugins.yaml:3:1: sise: unknown key; did you mean "size"? Ignored'],
  },
  {
    name: 'an unknown key in each file that has it',
    files: { 'a.yaml': 'our_notes: x\n', 'b.yaml': 'our_notes: y\n' },
    warnings: ['a.yaml:1:1: our_notes: unknown key (neither Skiff nor Prow reads it); ignored', 'b.yaml:1:1: our_notes: unknown key (neither Skiff nor Prow reads it); ignored'],
  },
  {
    name: 'a Prow key in several files is one warning',
    files: { 'a.yaml': 'tide: {}\n', 'b.yaml': 'tide: {}\n', 'c.yaml': 'tide:\n' },
    warnings: ['a.yaml:1:1: tide: a Prow key Skiff does not implement yet; ignored; also set in 2 more files (b.yaml and c.yaml)'],
  },

  // Broken files.
  {
    name: 'YAML syntax error names the file',
    files: { 'plugins.yaml': 'plugins: {}\n', 'config.yaml': 'tide:\n  queries: [\n' },
    problems: ['config.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'a tab for indentation',
    files: { 'plugins.yaml': 'plugins:\n\tacme: [hold]\n' },
    problems: ['plugins.yaml:2:1: Tabs are not allowed as indentation'],
  },
  {
    name: 'a billion-laughs YAML bomb names the file instead of hanging or throwing past the loader',
    files: { 'plugins.yaml': 'plugins: {}\n', 'config.yaml': billionLaughs },
    problems: ['config.yaml: cannot load: its aliases expand to more than 1,000,000 nodes (a YAML bomb?)'],
  },
  {
    name: 'a key twice in one file',
    files: { 'plugins.yaml': 'plugins: {}\nsize: {}\nplugins: {}\n' },
    problems: ['plugins.yaml:3:1: Map keys must be unique'],
  },
  {
    name: 'a top-level list',
    files: { 'plugins.yaml': '- hold\n- size\n' },
    problems: ['plugins.yaml:1:1: expected a mapping of config keys at the top level'],
  },
  {
    name: 'a top-level scalar',
    files: { 'plugins.yaml': 'hold\n' },
    problems: ['plugins.yaml:1:1: expected a mapping of config keys at the top level'],
  },
  {
    name: 'the same org entry in two files names both',
    files: { 'config/prow/plugins.yaml': 'plugins:\n  acme: [hold]\n', 'config/prow/config.yaml': 'plugins:\n  acme: [size]\n' },
    problems: ['config/prow/config.yaml:2:3: plugins.acme: also set in config/prow/plugins.yaml:2:3 (each entry may be set in one file only)'],
  },
  {
    name: 'a key Prow does not merge, in two files',
    files: { 'a.yaml': 'size:\n  s: 5\n', 'b.yaml': 'size:\n  s: 6\n' },
    problems: ['b.yaml:1:1: size: also set in a.yaml:1:1 (Prow does not merge it across files)'],
  },
  {
    name: 'a tide setting in two files, beside queries that merge',
    files: { 'a.yaml': 'tide:\n  sync_period: 1m\n  queries: [{repos: [a/b]}]\n', 'b.yaml': 'tide:\n  sync_period: 2m\n  queries: [{repos: [c/d]}]\n' },
    problems: ['b.yaml:2:3: tide.sync_period: also set in a.yaml:2:3 (Prow does not merge it across files)'],
  },
  {
    name: 'problems in several files are all reported before validation',
    files: { 'a.yaml': '[oops\n', 'b.yaml': '- x\n', 'c.yaml': 'plugins:\n  acme: [hodl]\n' },
    problems: ['a.yaml:2:1: Flow sequence must end with a ]', 'b.yaml:1:1: expected a mapping of config keys at the top level'],
  },
];

describe('parseConfig', () => {
  it.each(cases)('$name', ({ files, plugins, sizes, warnings, problems }) => {
    // Prepare
    const input = Object.entries(files).map(([path, text]) => ({ path, text }));

    // Act
    const act = () => parseConfig(input, registry, source);

    // Assess
    if (problems) {
      const error = configError(input);
      const expected = problems.map((p) => (typeof p === 'string' ? p : expect.stringMatching(p)));
      expect(error.problems).toEqual(expected);
      expect(error.message).toBe(`invalid config in ${source}:\n  ${error.problems.join('\n  ')}`);
      return;
    }
    const parsed = act();
    if (plugins) expect(parsed.config.plugins).toEqual(plugins);
    if (sizes) expect(parsed.config.sections.size).toEqual(sizes);
    expect(parsed.warnings).toEqual(warnings ?? []);
  });
});

describe('the two forms of plugins:', () => {
  const pairs = [
    {
      name: 'a repo',
      list: 'plugins:\n  acme/widgets: [size, hold]\n',
      map: 'plugins:\n  acme/widgets:\n    plugins:\n    - size\n    - hold\n',
    },
    { name: 'an org', list: 'plugins:\n  acme:\n  - hold\n', map: 'plugins:\n  acme: {plugins: [hold]}\n' },
    { name: 'an empty list', list: 'plugins:\n  acme: []\n', map: 'plugins:\n  acme:\n    plugins: []\n' },
  ];

  it.each(pairs)('list and map form mean the same for $name', ({ list, map }) => {
    // Act
    const fromList = parseConfig([{ path: 'list.yaml', text: list }], registry, source);
    const fromMap = parseConfig([{ path: 'map.yaml', text: map }], registry, source);

    // Assess: the job config holds functions (made per load), so it is compared by what it holds.
    const { jobs: listJobs, ...list2 } = fromList;
    const { jobs: mapJobs, ...map2 } = fromMap;
    expect(list2).toEqual(map2);
    expect({ ...listJobs, inRepoConfigEnabled: undefined }).toEqual({ ...mapJobs, inRepoConfigEnabled: undefined });
  });
});

describe('formatPath', () => {
  const rows = [
    { name: 'an org name that is an identifier', path: ['plugins', 'acme', 2], text: 'plugins.acme[2]' },
    { name: 'org/repo is quoted', path: ['plugins', 'org/repo', 2], text: 'plugins["org/repo"][2]' },
    { name: 'a nested key after a quoted one', path: ['plugins', 'org/repo', 'plugins', 2], text: 'plugins["org/repo"].plugins[2]' },
    { name: 'a key with a dash is quoted', path: ['plugins', 'kubernetes-sigs'], text: 'plugins["kubernetes-sigs"]' },
    { name: 'a key starting with a digit is quoted', path: ['plugins', '3scale', 0], text: 'plugins["3scale"][0]' },
    { name: 'a quoted first key', path: ['branch-protection', 'orgs'], text: '["branch-protection"].orgs' },
    { name: 'a quote inside a key is escaped', path: ['plugins', 'a"b'], text: 'plugins["a\\"b"]' },
    { name: 'the top level', path: [], text: '(top level)' },
  ];

  it.each(rows)('$name', ({ path, text }) => {
    // Act + Assess
    expect(formatPath(path)).toBe(text);
  });
});

describe('pluginsFor', () => {
  const { config } = parseConfig(
    [
      {
        path: 'plugins.yaml',
        text: [
          'plugins:',
          '  acme:',
          '    plugins: [hold]',
          '    excluded_repos: [legacy, archive]',
          '  acme/widgets: [size, hold]',
          '  acme/legacy: [size]',
          '  solo/tool:',
          '    plugins: [size]',
          '  solo/empty: []',
          '',
        ].join('\n'),
      },
    ],
    registry,
    source,
  );

  const rows = [
    { name: 'org only', owner: 'acme', repo: 'gadgets', enabled: ['hold'] },
    { name: 'repo only', owner: 'solo', repo: 'tool', enabled: ['size'] },
    { name: 'org and repo merged, org first, without duplicates', owner: 'acme', repo: 'widgets', enabled: ['hold', 'size'] },
    { name: 'excluded repo keeps only its own list', owner: 'acme', repo: 'legacy', enabled: ['size'] },
    { name: 'excluded repo without its own list', owner: 'acme', repo: 'archive', enabled: [] },
    { name: 'a repo with an empty list', owner: 'solo', repo: 'empty', enabled: [] },
    { name: 'an org with no entry', owner: 'other', repo: 'widgets', enabled: [] },
    { name: 'org/repo is not an org prefix match', owner: 'acme-labs', repo: 'widgets', enabled: [] },
    // Prow looks orgs and repos up in a Go map and excluded_repos in a set: exact case.
    { name: 'org in another case matches nothing', owner: 'Acme', repo: 'widgets', enabled: [] },
    { name: 'repo in another case gets only the org list', owner: 'acme', repo: 'Widgets', enabled: ['hold'] },
    { name: 'excluded_repos is case-sensitive', owner: 'acme', repo: 'Archive', enabled: ['hold'] },
  ];

  it.each(rows)('$name', ({ owner, repo, enabled }) => {
    // Act + Assess
    expect(pluginsFor(config, owner, repo)).toEqual(enabled);
  });

  const fixtureRows = [
    { name: 'kubernetes/kubernetes: the org list', owner: 'kubernetes', repo: 'kubernetes', enabled: ['hold', 'size'] },
    { name: 'kubernetes/test-infra: org and repo, deduplicated', owner: 'kubernetes', repo: 'test-infra', enabled: ['hold', 'size'] },
    { name: 'kubernetes/sig-release: excluded, own list', owner: 'kubernetes', repo: 'sig-release', enabled: ['hold'] },
    { name: 'kubernetes/kubernetes-template-project: excluded', owner: 'kubernetes', repo: 'kubernetes-template-project', enabled: [] },
    { name: 'kubernetes-sigs/kind: list forms merged', owner: 'kubernetes-sigs', repo: 'kind', enabled: ['hold', 'size'] },
    { name: 'kubernetes-client/python: org with nothing', owner: 'kubernetes-client', repo: 'python', enabled: [] },
  ];

  const fixtureConfig = parseConfig([fixture('plugins.yaml'), fixture('config.yaml')], registry, source).config;

  it.each(fixtureRows)('fixture: $name', ({ owner, repo, enabled }) => {
    // Act + Assess
    expect(pluginsFor(fixtureConfig, owner, repo)).toEqual(enabled);
  });
});

// Org and repository names come from payloads and are data: `constructor` and friends are valid
// GitHub names that must find their own entry or nothing, never Object.prototype's members.
describe('names that are Object.prototype members', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
  const own = (name: string) => `  ${JSON.stringify(name)}: [hold]\n  ${JSON.stringify(`acme/${name}`)}: [size]\n`;
  const { config } = parseConfig([{ path: 'plugins.yaml', text: `plugins:\n  acme: [hold]\n${names.map(own).join('')}` }], registry, source);
  const { config: none } = parseConfig([{ path: 'plugins.yaml', text: 'plugins:\n  acme: [hold]\n' }], registry, source);

  it.each(names)('%s: as an org, its own entry or nothing', (name) => {
    expect(pluginsFor(config, name, 'widgets')).toEqual(['hold']);
    expect(pluginsFor(none, name, 'widgets')).toEqual([]);
  });

  it.each(names)('%s: as a repo, the org list plus its own entry', (name) => {
    expect(pluginsFor(config, 'acme', name)).toEqual(['hold', 'size']);
    expect(pluginsFor(none, 'acme', name)).toEqual(['hold']);
  });

  it('keeps a `__proto__` key as an entry (not dropped, not a prototype)', () => {
    expect(Object.keys(config.plugins)).toContain('__proto__');
    expect(Object.getPrototypeOf(config.plugins)).toBeNull();
  });

  it('a top-level `__proto__` key is an unknown key, not a way to set plugins', () => {
    // Prepare: assigned into a plain object, it would make `plugins` inherited from it.
    const text = '__proto__:\n  plugins:\n    acme: [hold]\n';

    // Act
    const parsed = parseConfig([{ path: 'plugins.yaml', text }], registry, source);

    // Assess
    expect(pluginsFor(parsed.config, 'acme', 'widgets')).toEqual([]);
    expect(parsed.warnings).toEqual(['plugins.yaml:1:1: __proto__: unknown key (neither Skiff nor Prow reads it); ignored']);
  });

  it('an unknown plugin under such an org is reported at its path', () => {
    const { warnings } = parseConfig([{ path: 'plugins.yaml', text: 'plugins:\n  constructor: [hodl]\n' }], registry, source);
    expect(warnings).toEqual([unknownPlugin('plugins.yaml:2:17: plugins.constructor[0]', 'hodl', 'hold', 'constructor')]);
  });
});

describe('YAML as Prow reads it', () => {
  it.each([150, 5000])('a config that reuses one anchor %i times loads (no alias count limit)', (count) => {
    // Prepare: yaml's default limit was 100, and the loader's own 1000 before the size bound.
    const text = `size: &sizes {s: 5}\nplugins:\n${Array.from({ length: count }, (_, i) => `  acme/repo-${i}: &r${i} [hold]\n  other/repo-${i}: *r${i}`).join('\n')}\n`;

    // Act
    const { config } = parseConfig([{ path: 'plugins.yaml', text }], registry, source);

    // Assess
    expect(pluginsFor(config, 'other', `repo-${count - 1}`)).toEqual(['hold']);
  });

  it('`<<` merges a mapping in, any number of times, as istio uses it', () => {
    // Prepare: the shape of istio's branch-protection release anchors.
    const text = [
      'base: &base {plugins: [hold], excluded_repos: [legacy]}',
      'plugins:',
      '  acme:',
      '    <<: *base',
      '  acme/widgets:',
      '    <<: *base',
      '    plugins: [size]',
      '',
    ].join('\n');

    // Act
    const { config, warnings } = parseConfig([{ path: 'plugins.yaml', text }], registry, source);

    // Assess: merged (the entry's own key wins), and no `<<` key anywhere.
    expect(config.plugins).toEqual({ acme: { plugins: ['hold'], excluded_repos: ['legacy'] }, 'acme/widgets': { plugins: ['size'], excluded_repos: ['legacy'] } });
    expect(pluginsFor(config, 'acme', 'widgets')).toEqual(['hold', 'size']);
    expect(warnings).toEqual(['plugins.yaml:1:1: base: unknown key (neither Skiff nor Prow reads it); ignored']);
  });

  it.each([
    { name: 'a billion laughs', text: billionLaughs, problem: 'config.yaml: cannot load: its aliases expand to more than 1,000,000 nodes (a YAML bomb?)' },
    {
      name: 'a bomb of aliased mappings',
      text: ['a: &a {x0: 1, x1: 1}'].concat([...'bcdefghijklmnopqrstu'].map((l, i) => `${l}: &${l} [*${'abcdefghijklmnopqrstu'[i]}, *${'abcdefghijklmnopqrstu'[i]}]`)).join('\n'),
      problem: 'config.yaml: cannot load: its aliases expand to more than 1,000,000 nodes (a YAML bomb?)',
    },
    { name: 'an alias inside its own anchor', text: 'a: &a {b: *a}\n', problem: 'config.yaml: cannot load: an alias refers to a node that contains it, so it never ends' },
  ])('$name is an error naming the file, not a hang', ({ text, problem }) => {
    expect(configError([{ path: 'config.yaml', text }]).problems).toEqual([problem]);
  });
});

describe('strict (checkconfig --strict)', () => {
  const files = [{ path: 'plugins.yaml', text: 'plugins:\n  acme: [hold, hodl, pony]\nsise: {}\ntide: {}\n' }];

  it('without it, names nothing knows are warnings', () => {
    expect(parseConfig(files, registry, source).warnings).toHaveLength(4);
  });

  it('makes them errors, and only them: a Prow plugin or key Skiff does not implement stays a warning', () => {
    expect(() => parseConfig(files, registry, source, { strict: true })).toThrow(ConfigError);
    const error = (() => {
      try {
        parseConfig(files, registry, source, { strict: true });
      } catch (e) {
        return e as ConfigError;
      }
    })()!;
    expect(error.problems).toEqual(['plugins.yaml:3:1: sise: unknown key; did you mean "size"? Ignored', unknownPlugin('plugins.yaml:2:16: plugins.acme[1]', 'hodl', 'hold', 'acme')]);
  });
});

describe('a plugin both built in and external', () => {
  it.each([
    { name: 'the same repository', plugins: 'acme/widgets: [needs-rebase]', external: 'acme/widgets', warned: true },
    { name: 'enabled for the org, forwarded for a repository of it', plugins: 'acme: [needs-rebase]', external: 'acme/widgets', warned: true },
    { name: 'another repository', plugins: 'acme/gadgets: [needs-rebase]', external: 'acme/widgets', warned: false },
  ])('$name', ({ plugins: entry, external, warned }) => {
    const text = `plugins:\n  ${entry}\nexternal_plugins:\n  ${external}:\n  - name: needs-rebase\n    endpoint: http://needs-rebase.example\n`;
    const { warnings } = parseConfig([{ path: 'plugins.yaml', text }], registry, source);
    const twice = warnings.filter((w) => w.includes('both as Skiff\'s built-in plugin and as an external plugin'));
    expect(twice).toHaveLength(warned ? 1 : 0);
    if (warned) expect(twice[0]).toMatch(/^plugins\.yaml:\d+:\d+: external_plugins\["acme\/widgets"\]\[0\]: "needs-rebase" is enabled for acme\/widgets/);
  });
});
