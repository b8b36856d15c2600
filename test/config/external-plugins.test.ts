import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { externalPluginsFor, externalPluginsSchema, type ExternalPluginsSection } from '../../shared/config/external-plugins.js';
import { formatIssues } from '../../shared/config/format-error.js';

const load = (value: unknown): ExternalPluginsSection => externalPluginsSchema.parse(value);

const problemsOf = (value: unknown): string[] => {
  const result = externalPluginsSchema.safeParse(value);
  return result.success ? [] : formatIssues(result.error, undefined);
};

describe('externalPluginsSchema', () => {
  it('defaults the endpoint to http://<name> and events to every event, as Prow does', () => {
    const section = load({ acme: [{ name: 'needs-rebase' }, { name: 'cherrypicker', endpoint: 'https://cp.example/hook', events: ['issue_comment'] }] });
    expect(section.acme).toEqual([
      { name: 'needs-rebase', endpoint: 'http://needs-rebase', events: [] },
      { name: 'cherrypicker', endpoint: 'https://cp.example/hook', events: ['issue_comment'] },
    ]);
  });

  it.each([
    { name: 'absent', value: undefined },
    { name: 'empty', value: null },
  ])('$name is no external plugins', ({ value }) => {
    expect(Object.keys(load(value))).toEqual([]);
  });

  it('an org with nothing under it is an empty list', () => {
    expect(load({ acme: null }).acme).toEqual([]);
  });

  it('keeps names like Object.prototype members as entries, without a prototype', () => {
    const section = load(JSON.parse('{"__proto__": [{"name": "a"}], "constructor": [{"name": "b"}]}'));
    expect(Object.getPrototypeOf(section)).toBeNull();
    expect(Object.keys(section).sort()).toEqual(['__proto__', 'constructor']);
  });

  it.each([
    { name: 'a list at the top', value: [{ name: 'x' }], problem: '(top level): expected a mapping of org or org/repo to a list of external plugins, got a list' },
    { name: 'a plugin without a name', value: { acme: [{ endpoint: 'http://x' }] }, problem: 'acme[0].name:' },
    { name: 'a name with a space', value: { acme: [{ name: 'needs rebase', endpoint: 'http://x' }] }, problem: 'acme[0].name: an external plugin name is 1 to 100 printable characters without spaces' },
    { name: 'a typo in a key', value: { acme: [{ name: 'x', event: ['push'] }] }, problem: 'acme[0]: Unrecognized key: "event"' },
    { name: 'events as a string', value: { acme: [{ name: 'x', events: 'push' }] }, problem: 'acme[0].events:' },
    { name: 'a non-http endpoint', value: { acme: [{ name: 'x', endpoint: 'file:///etc/passwd' }] }, problem: 'acme[0].endpoint: endpoint "file:///etc/passwd" of external plugin "x" is not an http or https URL' },
    { name: 'a relative endpoint', value: { acme: [{ name: 'x', endpoint: '/hook' }] }, problem: 'acme[0].endpoint: endpoint "/hook"' },
    { name: 'a name twice in one list', value: { acme: [{ name: 'x' }, { name: 'x' }] }, problem: 'acme[1].name: external plugin "x" is listed twice for acme' },
    {
      name: 'a repo repeating its org (Prow: duplicated)',
      value: { acme: [{ name: 'x' }], 'acme/widgets': [{ name: 'y' }, { name: 'x' }] },
      problem: 'acme/widgets"][1].name: external plugin "x" is duplicated for acme/widgets and acme',
    },
  ])('rejects $name', ({ value, problem }) => {
    const problems = problemsOf(value);
    expect(problems.join('\n')).toContain(problem);
  });

  it('lets another org and another repository of the org use the same name', () => {
    expect(problemsOf({ acme: [{ name: 'x' }], other: [{ name: 'x' }], 'other/widgets': [{ name: 'y' }], 'acme/a': [{ name: 'y' }] })).toEqual([]);
  });

  // Every real config's external_plugins loads unchanged (each file on its own here; merging
  // split files is the config loader's part).
  const fixtures = join(import.meta.dirname, '../fixtures/prow-configs');
  const yamlFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
  const withExternal = yamlFiles(fixtures)
    .map((path) => ({ file: relative(fixtures, path), doc: parse(readFileSync(path, 'utf8'), { maxAliasCount: -1 }) as Record<string, unknown> | null }))
    .filter(({ doc }) => doc && Object.hasOwn(doc, 'external_plugins'));

  it('finds the fixtures that use external plugins', () => {
    expect(withExternal.length).toBeGreaterThanOrEqual(5);
  });

  it.each(withExternal)('loads $file', ({ doc }) => {
    expect(problemsOf(doc!.external_plugins)).toEqual([]);
  });
});

describe('externalPluginsFor', () => {
  const section = load({
    acme: [
      { name: 'all-events' },
      { name: 'comments', endpoint: 'http://comments.local/hook', events: ['issue_comment'] },
    ],
    'acme/widgets': [{ name: 'pr-only', events: ['pull_request', 'pull_request_review'] }],
    'acme/gadgets': [{ name: 'gadget-bot' }],
    constructor: [{ name: 'ctor' }],
  });
  const names = (owner: string, repo: string, event: string) => externalPluginsFor(section, owner, repo, event).map((p) => p.name);

  it.each([
    { name: 'org entries then repo entries', owner: 'acme', repo: 'widgets', event: 'pull_request', expected: ['all-events', 'pr-only'] },
    { name: 'the event filter', owner: 'acme', repo: 'widgets', event: 'issue_comment', expected: ['all-events', 'comments'] },
    { name: 'no events means every event, even unhandled ones', owner: 'acme', repo: 'gadgets', event: 'check_run', expected: ['all-events', 'gadget-bot'] },
    { name: 'only the org for other repositories', owner: 'acme', repo: 'other', event: 'pull_request', expected: ['all-events'] },
    { name: 'another org gets none', owner: 'other', repo: 'widgets', event: 'pull_request', expected: [] },
    { name: 'names compare exactly, as Prow does', owner: 'ACME', repo: 'widgets', event: 'pull_request', expected: [] },
    { name: 'an event named like a prototype member', owner: 'acme', repo: 'other', event: 'constructor', expected: ['all-events'] },
    { name: 'an org named constructor is its own entry', owner: 'constructor', repo: 'x', event: 'push', expected: ['ctor'] },
    { name: 'an org named toString finds nothing', owner: 'toString', repo: 'x', event: 'push', expected: [] },
    { name: 'a repo named __proto__ finds nothing', owner: 'other', repo: '__proto__', event: 'push', expected: [] },
  ])('$name', ({ owner, repo, event, expected }) => {
    expect(names(owner, repo, event)).toEqual(expected);
  });

  it('is empty without a section', () => {
    expect(externalPluginsFor(undefined, 'acme', 'widgets', 'push')).toEqual([]);
  });

  it('gives the endpoint each plugin is forwarded to', () => {
    expect(externalPluginsFor(section, 'acme', 'widgets', 'issue_comment').map((p) => p.endpoint)).toEqual(['http://all-events', 'http://comments.local/hook']);
  });
});
