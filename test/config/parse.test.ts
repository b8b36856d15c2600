// plugins.yaml / config.yaml → a validated config: a real-shaped Prow pair loads with one warning
// for the keys Skiff does not implement, both forms of `plugins:` mean the same, and every
// problem is reported at the path the user wrote (`plugins["org/repo"][2]: unknown plugin "hodl"`).
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

const known = 'known: hold, size';

/** Nine levels, each nine aliases of the one before: 9^9 strings if expanded. */
const billionLaughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat([...'bcdefghi'].map((level, i) => `${level}: &${level} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`))
  .join('\n');

describe('parseConfig with a Prow plugins.yaml and config.yaml', () => {
  const unsupportedInPlugins = ['approve', 'blunderbuss', 'config_updater', 'external_plugins', 'lgtm', 'triggers'];
  const unsupportedInConfig = [
    'branch-protection',
    'deck',
    'in_repo_config',
    'log_level',
    'periodics',
    'plank',
    'pod_namespace',
    'postsubmits',
    'presubmits',
    'prowjob_namespace',
    'sinker',
    'tide',
  ];
  const fixturePlugins: Record<string, RepoPlugins> = {
    kubernetes: { plugins: ['hold', 'size'], excluded_repos: ['kubernetes-template-project', 'sig-release'] },
    'kubernetes/test-infra': { plugins: ['size'], excluded_repos: [] },
    'kubernetes/sig-release': { plugins: ['hold'], excluded_repos: [] },
    'kubernetes-sigs': { plugins: ['hold'], excluded_repos: [] },
    'kubernetes-sigs/kind': { plugins: ['size', 'hold'], excluded_repos: [] },
    'kubernetes-client': { plugins: [], excluded_repos: [] },
  };
  const warning = (keys: string[]) => `keys Skiff does not implement yet (ignored): ${[...keys].sort().join(', ')}`;

  const cases = [
    {
      name: 'both files, as Prow reads them',
      files: ['plugins.yaml', 'config.yaml'],
      warnings: [warning([...unsupportedInPlugins, ...unsupportedInConfig])],
    },
    {
      name: 'the other order gives the same config',
      files: ['config.yaml', 'plugins.yaml'],
      warnings: [warning([...unsupportedInPlugins, ...unsupportedInConfig])],
    },
    { name: 'plugins.yaml alone', files: ['plugins.yaml'], warnings: [warning(unsupportedInPlugins)] },
  ];

  it.each(cases)('$name', ({ files, warnings }) => {
    // Prepare
    const input = files.map(fixture);

    // Act
    const parsed = parseConfig(input, registry, source);

    // Assess
    expect(parsed.warnings).toEqual(warnings);
    expect(parsed.config.plugins).toEqual(fixturePlugins);
    expect(parsed.config.sections).toEqual({ size: { s: 10, m: 30, l: 100, xl: 500, xxl: 1000 } });
  });

  it('config.yaml alone has no plugins and warns about every key', () => {
    // Act
    const parsed = parseConfig([fixture('config.yaml')], registry, source);

    // Assess
    expect(parsed.warnings).toEqual([warning(unsupportedInConfig)]);
    expect(parsed.config.plugins).toEqual({});
    expect(parsed.config.sections).toEqual({ size: defaultSizes });
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
    warnings: ['keys Skiff does not implement yet (ignored): prowjob_namespace'],
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
      'size.m: size thresholds must increase (s < m < l < xl < xxl, after 0 or absent becomes the default); m must be greater than s, got s=10, m=5, l=100, xl=500, xxl=1000',
    ],
  },
  {
    name: 'a size threshold that is not a number',
    files: { 'plugins.yaml': 'size:\n  m: thirty\n' },
    problems: ['size.m: Invalid input: expected number, received string'],
  },
  {
    name: 'a negative size threshold',
    files: { 'plugins.yaml': 'size:\n  xl: -1\n' },
    problems: ['size.xl: Too small: expected number to be >=0'],
  },
  {
    name: 'an unknown size key',
    files: { 'plugins.yaml': 'size:\n  xxxl: 5000\n' },
    problems: ['size: Unrecognized key: "xxxl"'],
  },

  // Unknown plugins, at the path the user wrote.
  {
    name: 'hodl typo, list form for a repo',
    files: { 'plugins.yaml': 'plugins:\n  org/repo: [size, hold, hodl]\n' },
    problems: [`plugins["org/repo"][2]: unknown plugin "hodl" (${known})`],
  },
  {
    name: 'hodl typo, map form for a repo',
    files: { 'plugins.yaml': 'plugins:\n  org/repo:\n    plugins: [size, hold, hodl]\n' },
    problems: [`plugins["org/repo"].plugins[2]: unknown plugin "hodl" (${known})`],
  },
  {
    name: 'hodl typo, list form for an org',
    files: { 'plugins.yaml': 'plugins:\n  acme: [size, hold, hodl]\n' },
    problems: [`plugins.acme[2]: unknown plugin "hodl" (${known})`],
  },
  {
    name: 'hodl typo, map form for an org',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [size, hold, hodl]\n' },
    problems: [`plugins.acme.plugins[2]: unknown plugin "hodl" (${known})`],
  },
  {
    name: 'an org name with a dash is quoted',
    files: { 'plugins.yaml': 'plugins:\n  kubernetes-sigs: [hodl]\n' },
    problems: [`plugins["kubernetes-sigs"][0]: unknown plugin "hodl" (${known})`],
  },
  {
    name: 'a Prow plugin Skiff does not have yet is an error, not a warning',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [hold, lgtm]\n' },
    problems: [`plugins.acme.plugins[1]: unknown plugin "lgtm" (${known})`],
  },
  {
    name: 'plugin names are case-sensitive',
    files: { 'plugins.yaml': 'plugins:\n  acme: [Hold]\n' },
    problems: [`plugins.acme[0]: unknown plugin "Hold" (${known})`],
  },
  {
    name: 'every problem is reported, in order',
    files: { 'plugins.yaml': 'plugins:\n  acme: [hodl]\n  acme/widgets:\n    plugins: [size, sise]\nsize:\n  m: -3\n' },
    problems: [
      `plugins.acme[0]: unknown plugin "hodl" (${known})`,
      `plugins["acme/widgets"].plugins[1]: unknown plugin "sise" (${known})`,
      'size.m: Too small: expected number to be >=0',
    ],
  },
  {
    name: 'a plugin name that is not a string',
    files: { 'plugins.yaml': 'plugins:\n  acme: [hold, 3]\n' },
    problems: ['plugins.acme[1]: Invalid input: expected string, received number'],
  },
  {
    name: 'excluded_repos that is not a list',
    files: { 'plugins.yaml': 'plugins:\n  acme:\n    plugins: [hold]\n    excluded_repos: legacy\n' },
    problems: ['plugins.acme.excluded_repos: Invalid input: expected array, received string'],
  },
  {
    name: 'plugins: as a list',
    files: { 'plugins.yaml': 'plugins:\n- hold\n- size\n' },
    problems: ['plugins: expected a mapping of org or org/repo to plugins, got a list'],
  },

  // Broken files.
  {
    name: 'YAML syntax error names the file',
    files: { 'plugins.yaml': 'plugins: {}\n', 'config.yaml': 'tide:\n  queries: [\n' },
    problems: [/^config\.yaml: Flow sequence in block collection must be sufficiently indented and end with a \] at line 3, column 1:$/],
  },
  {
    name: 'a tab for indentation',
    files: { 'plugins.yaml': 'plugins:\n\tacme: [hold]\n' },
    problems: [/^plugins\.yaml: Tabs are not allowed as indentation at line 2, column 1/],
  },
  {
    name: 'a billion-laughs YAML bomb names the file instead of hanging or throwing past the loader',
    files: { 'plugins.yaml': 'plugins: {}\n', 'config.yaml': billionLaughs },
    problems: ['config.yaml: cannot load: Excessive alias count indicates a resource exhaustion attack'],
  },
  {
    name: 'a key twice in one file',
    files: { 'plugins.yaml': 'plugins: {}\nsize: {}\nplugins: {}\n' },
    problems: [/^plugins\.yaml: Map keys must be unique at line 3, column 1/],
  },
  {
    name: 'a top-level list',
    files: { 'plugins.yaml': '- hold\n- size\n' },
    problems: ['plugins.yaml: expected a mapping of config keys at the top level'],
  },
  {
    name: 'a top-level scalar',
    files: { 'plugins.yaml': 'hold\n' },
    problems: ['plugins.yaml: expected a mapping of config keys at the top level'],
  },
  {
    name: 'a key in two files names both',
    files: { 'config/prow/plugins.yaml': 'plugins:\n  acme: [hold]\n', 'config/prow/config.yaml': 'plugins:\n  acme: [size]\n' },
    problems: ['config/prow/config.yaml: key "plugins" is already set in config/prow/plugins.yaml'],
  },
  {
    name: 'problems in several files are all reported before validation',
    files: { 'a.yaml': '[oops\n', 'b.yaml': '- x\n', 'c.yaml': 'plugins:\n  acme: [hodl]\n' },
    problems: [/^a\.yaml: /, 'b.yaml: expected a mapping of config keys at the top level'],
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

    // Assess
    expect(fromList).toEqual(fromMap);
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
    expect(parsed.warnings).toEqual(['keys Skiff does not implement yet (ignored): __proto__']);
  });

  it('an unknown plugin under such an org is reported at its path', () => {
    expect(configError([{ path: 'plugins.yaml', text: 'plugins:\n  constructor: [hodl]\n' }]).problems).toEqual([`plugins.constructor[0]: unknown plugin "hodl" (${known})`]);
  });
});

describe('YAML aliases', () => {
  it('a config that reuses one anchor more often than yaml allows by default (100) loads', () => {
    // Prepare
    const text = `hold-only: &hold [hold]\nplugins:\n${Array.from({ length: 150 }, (_, i) => `  acme/repo-${i}: *hold`).join('\n')}\n`;

    // Act
    const { config } = parseConfig([{ path: 'plugins.yaml', text }], registry, source);

    // Assess
    expect(pluginsFor(config, 'acme', 'repo-149')).toEqual(['hold']);
  });
});
