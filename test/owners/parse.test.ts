// Parsing one OWNERS, OWNERS_ALIASES or markdown header as Prow does: simple vs full config, the
// sigs.k8s.io/yaml type rules, errors that name the file and line, and Prow's
// TestParseAliasesConfig rows.
import { describe, expect, it } from 'vitest';
import { parseMarkdownOwners, parseOwnersAliases, parseOwnersFile, type ParsedOwners } from '../../shared/owners/parse.js';

const entry = (e: Partial<ParsedOwners['filters'][number]['entry']>) => ({ approvers: [], reviewers: [], requiredReviewers: [], labels: [], ...e });
const noOptions = { noParentOwners: false, autoApproveUnownedSubfolders: false };

describe('parseOwnersFile', () => {
  const cases: { name: string; text: string; expected: ParsedOwners }[] = [
    {
      name: 'simple config',
      text: 'approvers:\n- cjwagner\nreviewers:\n- Alice\n- bob\nrequired_reviewers:\n- chris\nlabels:\n- EVERYTHING\n',
      expected: {
        kind: 'simple',
        options: noOptions,
        filters: [{ pattern: null, entry: entry({ approvers: ['cjwagner'], reviewers: ['Alice', 'bob'], requiredReviewers: ['chris'], labels: ['EVERYTHING'] }) }],
        emeritusApprovers: [],
      },
    },
    {
      name: 'options (conformance OWNERS)',
      text: 'options:\n  no_parent_owners: true\n  auto_approve_unowned_subfolders: true\napprovers:\n- mml\n',
      expected: {
        kind: 'simple',
        options: { noParentOwners: true, autoApproveUnownedSubfolders: true },
        filters: [{ pattern: null, entry: entry({ approvers: ['mml'] }) }],
        emeritusApprovers: [],
      },
    },
    {
      name: 'full config: ".*" applies to all, others keep their pattern',
      text: 'filters:\n  ".*":\n    labels:\n    - re/all\n  "\\\\.go$":\n    labels:\n    - re/go\n',
      expected: {
        kind: 'full',
        options: noOptions,
        filters: [
          { pattern: null, entry: entry({ labels: ['re/all'] }) },
          { pattern: '\\.go$', entry: entry({ labels: ['re/go'] }) },
        ],
        emeritusApprovers: [],
      },
    },
    {
      name: 'emeritus_approvers are kept apart and give no rights',
      text: 'approvers:\n- alice\nemeritus_approvers:\n- old-timer\n',
      expected: { kind: 'simple', options: noOptions, filters: [{ pattern: null, entry: entry({ approvers: ['alice'] }) }], emeritusApprovers: ['old-timer'] },
    },
    {
      name: 'unknown keys are ignored, as Go decoding ignores them',
      text: 'approvers:\n- alice\nsomething_else: [1, 2]\n',
      expected: { kind: 'simple', options: noOptions, filters: [{ pattern: null, entry: entry({ approvers: ['alice'] }) }], emeritusApprovers: [] },
    },
    {
      name: 'a number where a login belongs becomes its text (sigs.k8s.io/yaml)',
      text: 'approvers:\n- 1234\n- true\n',
      expected: { kind: 'simple', options: noOptions, filters: [{ pattern: null, entry: entry({ approvers: ['1234', 'true'] }) }], emeritusApprovers: [] },
    },
    {
      name: 'YAML 1.1 yes is true for an option',
      text: 'options:\n  no_parent_owners: yes\napprovers:\n- a\n',
      expected: { kind: 'simple', options: { noParentOwners: true, autoApproveUnownedSubfolders: false }, filters: [{ pattern: null, entry: entry({ approvers: ['a'] }) }], emeritusApprovers: [] },
    },
    {
      name: 'an empty file is an empty full config',
      text: '',
      expected: { kind: 'full', options: noOptions, filters: [], emeritusApprovers: [] },
    },
    {
      name: 'options only, no people (simple is empty, so full)',
      text: 'options:\n  no_parent_owners: true\n',
      expected: { kind: 'full', options: { noParentOwners: true, autoApproveUnownedSubfolders: false }, filters: [], emeritusApprovers: [] },
    },
    {
      name: 'a simple config that names people wins over filters in the same file (Prow reads it as simple)',
      text: 'approvers:\n- alice\nfilters:\n  "\\\\.go$":\n    approvers:\n    - bob\n',
      expected: { kind: 'simple', options: noOptions, filters: [{ pattern: null, entry: entry({ approvers: ['alice'] }) }], emeritusApprovers: [] },
    },
  ];
  it.each(cases)('$name', ({ text, expected }) => {
    // Act
    const result = parseOwnersFile('dir/OWNERS', text);
    // Assess
    expect(result).toEqual({ ok: true, value: expected });
  });

  const errors: { name: string; text: string; error: RegExp; line?: number }[] = [
    { name: 'bad YAML, with its line', text: 'approvers:\n- a\n  - b: [\n', error: /^dir\/OWNERS:2:\d+: cannot parse: /, line: 2 },
    { name: 'a string where a list belongs', text: 'filters:\n  ".*":\n    approvers: alice\n', error: /^dir\/OWNERS:3:16: filters\.\.\*\.approvers: expected a list of strings, got a string$/, line: 3 },
    { name: 'a top-level string where a list belongs (Prow reads it as naming nobody)', text: 'options:\n  no_parent_owners: true\napprovers: alice\n', error: /^dir\/OWNERS:3:12: approvers: expected a list of strings, got a string$/, line: 3 },
    { name: 'a mapping as a login', text: 'filters:\n  ".*":\n    reviewers:\n    - {a: b}\n', error: /filters\.\.\*\.reviewers\.0: expected a string, got a mapping/, line: 4 },
    { name: 'an option that is not a boolean', text: 'options:\n  no_parent_owners: 3\n', error: /^dir\/OWNERS:2:21: options\.no_parent_owners: expected true or false, got a number$/, line: 2 },
    { name: 'a list at the top', text: '- alice\n', error: /^dir\/OWNERS:1:1: expected a mapping, got a list$/, line: 1 },
    { name: 'a filter regex that does not compile', text: 'filters:\n  "(unclosed":\n    approvers:\n    - a\n', error: /^dir\/OWNERS:2:\d+: filters\.\(unclosed: filter invalid regular expression "\(unclosed"/, line: 2 },
    { name: 'a filter regex RE2 would refuse', text: 'filters:\n  "a(?=b)":\n    approvers:\n    - a\n', error: /lookahead and lookbehind are not RE2 syntax/ },
    { name: 'a key twice (go-yaml refuses it)', text: 'approvers:\n- a\napprovers:\n- b\n', error: /cannot parse: .*[Mm]ap keys must be unique/, line: 3 },
  ];
  it.each(errors)('error: $name', ({ text, error, line }) => {
    // Act
    const result = parseOwnersFile('dir/OWNERS', text);
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(error);
    if (line !== undefined) expect(result.line).toBe(line);
  });

  it('never throws on a YAML bomb', () => {
    // Prepare
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'approvers: *i'].join('\n');
    // Act
    const result = parseOwnersFile('OWNERS', bomb);
    // Assess
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/YAML bomb/) });
  });
});

describe('parseOwnersAliases (Prow TestParseAliasesConfig)', () => {
  const cases: { name: string; input: string; expected?: Record<string, string[]>; error?: RegExp }[] = [
    { name: 'valid aliases', input: '\naliases:\n  team1:\n    - alice\n    - bob\n  team2:\n    - nikhilnishad\n', expected: { team1: ['alice', 'bob'], team2: ['nikhilnishad'] } },
    { name: 'valid aliases in flow style mapping syntax', input: '\naliases:\n  team1: {alice, bob}\n', expected: { team1: ['alice', 'bob'] } },
    { name: 'empty alias group with braces', input: '\naliases:\n  empty-alias-group-with-braces: {}\n', expected: { 'empty-alias-group-with-braces': [] } },
    { name: 'empty alias group', input: '\naliases:\n  empty-alias-group:\n', expected: { 'empty-alias-group': [] } },
    { name: 'incorrect indentation in alias groups', input: '\naliases:\n  alias-group-1:\n    - user1\n    alias-group-2:\n    - user2\n', error: /^OWNERS_ALIASES:5:\d+: cannot parse/ },
    { name: 'incorrect representation of alias group list', input: '\naliases:\n  alias-group-1: ""\n', error: /alias group 'alias-group-1' must contain a list of members/ },
    { name: 'a member that is not a string', input: 'aliases:\n  team: [alice, 42]\n', error: /^OWNERS_ALIASES:2:\d+: aliases\.team\.1: unexpected type for alias group member: a number$/ },
    { name: 'no aliases key', input: 'other: 1\n', expected: {} },
    { name: 'case is kept as written (RepoOwners lower-cases)', input: 'aliases:\n  Best-Approvers: [Carl, "@CJWagner"]\n', expected: { 'Best-Approvers': ['Carl', '@CJWagner'] } },
  ];
  it.each(cases)('$name', ({ input, expected, error }) => {
    // Act
    const result = parseOwnersAliases('OWNERS_ALIASES', input);
    // Assess
    if (expected) expect(result).toEqual({ ok: true, value: new Map(Object.entries(expected)) });
    else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(error!);
    }
  });
});

describe('parseMarkdownOwners', () => {
  const cases: { name: string; text: string; approvers?: string[]; labels?: string[]; none?: boolean }[] = [
    { name: 'Prow test header', text: '---\napprovers:\n- ALICE\n\nlabels:\n- docs\n---', approvers: ['ALICE'], labels: ['docs'] },
    { name: 'header then body', text: '---\napprovers:\n- bob\n---\n# Title\n\nText.\n', approvers: ['bob'] },
    { name: 'no header', text: '# Title\n---\n', none: true },
    { name: 'an opening line without a closing one', text: '---\napprovers:\n- bob\n', none: true },
  ];
  it.each(cases)('$name', ({ text, approvers, labels, none }) => {
    // Act
    const result = parseMarkdownOwners('docs/file.md', text);
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    if (none) return expect(result.value).toBeUndefined();
    expect(result.value?.filters[0]?.entry).toMatchObject({ approvers: approvers ?? [], labels: labels ?? [] });
  });

  it('points an error at the markdown file line', () => {
    // Act
    const result = parseMarkdownOwners('docs/file.md', '---\ntitle: x\napprovers: bob\n---\n');
    // Assess
    expect(result).toMatchObject({ ok: false, line: 3, error: expect.stringMatching(/^docs\/file\.md:3:\d+: approvers: expected a list of strings/) });
  });
});
