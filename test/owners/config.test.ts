// The `owners:` section and `owners_dir_denylist`: Prow's defaults, the legacy labels_blacklist,
// per-repository file names (org/repo over org), ListIgnoredDirs order and the preconfigured
// patterns, and the RE2 translation the denylist and OWNERS filters go through.
import { describe, expect, it } from 'vitest';
import {
  ignoredDirPatterns,
  isSkipCollaborators,
  ownersDirDenylistSection,
  ownersSection,
  ownersSettingsFor,
  type OwnersConfig,
  type OwnersDirDenylist,
} from '../../shared/owners/config.js';
import { compileRe2 } from '../../shared/owners/re2.js';

const owners = (raw: unknown): OwnersConfig => ownersSection.schema.parse(raw);
const denylist = (raw: unknown): OwnersDirDenylist => ownersDirDenylistSection.schema.parse(raw);

describe('owners section', () => {
  const cases: { name: string; raw: unknown; expected: Partial<OwnersConfig> }[] = [
    { name: 'absent: Prow defaults', raw: undefined, expected: { mdYamlRepos: [], skipCollaborators: [], labelsDenylist: ['approved', 'lgtm'] } },
    { name: 'empty (owners: with nothing under it)', raw: null, expected: { labelsDenylist: ['approved', 'lgtm'] } },
    { name: 'labels_denylist replaces the default', raw: { labels_denylist: ['do-not-merge'] }, expected: { labelsDenylist: ['do-not-merge'] } },
    { name: 'an empty labels_denylist denies nothing', raw: { labels_denylist: [] }, expected: { labelsDenylist: [] } },
    { name: 'legacy labels_blacklist is read as the denylist', raw: { labels_blacklist: ['approved'] }, expected: { labelsDenylist: ['approved'] } },
    {
      name: 'lists as written',
      raw: { mdyamlrepos: ['kubernetes/website'], skip_collaborators: ['kubernetes-sigs'] },
      expected: { mdYamlRepos: ['kubernetes/website'], skipCollaborators: ['kubernetes-sigs'] },
    },
  ];
  it.each(cases)('$name', ({ raw, expected }) => {
    // Act
    const parsed = owners(raw);
    // Assess
    expect(parsed).toMatchObject(expected);
  });

  const errors: { name: string; raw: unknown; message: RegExp }[] = [
    { name: 'both denylist names', raw: { labels_denylist: ['a'], labels_blacklist: ['b'] }, message: /cannot be both supplied/ },
    { name: 'a typo is an error, not a silent default', raw: { skip_collaborator: ['acme'] }, message: /skip_collaborator/ },
    { name: 'a list where a list of strings belongs', raw: { mdyamlrepos: 'acme' }, message: /array/ },
  ];
  it.each(errors)('refuses $name', ({ raw, message }) => {
    // Act
    const result = ownersSection.schema.safeParse(raw);
    // Assess
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });

  const filenames: { name: string; repo: { owner: string; repo: string }; expected: { owners: string; ownersAliases: string } }[] = [
    { name: 'org/repo entry wins over the org', repo: { owner: 'acme', repo: 'widgets' }, expected: { owners: 'OWNERS_WIDGETS', ownersAliases: 'OWNERS_ALIASES_WIDGETS' } },
    { name: 'org entry for other repositories', repo: { owner: 'acme', repo: 'gadgets' }, expected: { owners: '.github/OWNERS_ACME', ownersAliases: 'OWNERS_ALIASES' } },
    { name: 'defaults elsewhere', repo: { owner: 'other', repo: 'thing' }, expected: { owners: 'OWNERS', ownersAliases: 'OWNERS_ALIASES' } },
    { name: 'a prototype name is only a repository name', repo: { owner: 'constructor', repo: 'x' }, expected: { owners: 'OWNERS', ownersAliases: 'OWNERS_ALIASES' } },
  ];
  it.each(filenames)('filenames: $name', ({ repo, expected }) => {
    // Prepare
    const config = owners({
      filenames: {
        acme: { owners: '.github/OWNERS_ACME' },
        'acme/widgets': { owners: 'OWNERS_WIDGETS', owners_aliases: 'OWNERS_ALIASES_WIDGETS' },
      },
    });
    // Act
    const settings = ownersSettingsFor(config, denylist(undefined), repo);
    // Assess
    expect(settings.filenames).toEqual(expected);
  });

  const skip: { name: string; org: string; repo: string; expected: boolean }[] = [
    { name: 'listed org', org: 'kubernetes-sigs', repo: 'prow', expected: true },
    { name: 'listed repository', org: 'kubernetes', repo: 'website', expected: true },
    { name: 'another repository of that org', org: 'kubernetes', repo: 'kubernetes', expected: false },
    { name: 'a prefix is not a match', org: 'kubernetes-sig', repo: 'prow', expected: false },
  ];
  it.each(skip)('skip_collaborators: $name', ({ org, repo, expected }) => {
    // Prepare
    const config = owners({ skip_collaborators: ['kubernetes-sigs', 'kubernetes/website'] });
    // Act & Assess
    expect(isSkipCollaborators(config, org, repo)).toBe(expected);
    expect(ownersSettingsFor(config, denylist(undefined), { owner: org, repo }).skipCollaborators).toBe(expected);
  });
});

describe('owners_dir_denylist', () => {
  const cases: { name: string; raw: unknown; expected: string[] }[] = [
    { name: 'absent: the preconfigured patterns', raw: undefined, expected: ['\\.git$', '_output$', 'vendor/.*/.*'] },
    {
      name: 'default, org, repo, then preconfigured (ListIgnoredDirs order)',
      raw: { default: ['docs'], repos: { acme: ['hack'], 'acme/widgets': ['third_party'], other: ['x'] } },
      expected: ['docs', 'hack', 'third_party', '\\.git$', '_output$', 'vendor/.*/.*'],
    },
    { name: 'ignore_preconfigured_defaults', raw: { default: ['docs'], ignore_preconfigured_defaults: true }, expected: ['docs'] },
  ];
  it.each(cases)('$name', ({ raw, expected }) => {
    // Act
    const list = denylist(raw);
    const settings = ownersSettingsFor(owners(undefined), list, { owner: 'acme', repo: 'widgets' });
    // Assess
    expect(ignoredDirPatterns(list, 'acme', 'widgets')).toEqual(expected);
    expect(settings.dirDenylistPatterns).toEqual(expected);
    expect(settings.dirDenylist.map((r) => r instanceof RegExp)).toEqual(expected.map(() => true));
  });

  it('compiles each pattern once across settings', () => {
    // Prepare
    const list = denylist({ default: ['^docs/'] });
    // Act
    const a = ownersSettingsFor(owners(undefined), list, { owner: 'acme', repo: 'a' });
    const b = ownersSettingsFor(owners(undefined), list, { owner: 'acme', repo: 'b' });
    // Assess
    expect(a.dirDenylist[0]).toBe(b.dirDenylist[0]);
  });

  it('refuses a pattern that does not compile, naming it', () => {
    // Act
    const result = ownersDirDenylistSection.schema.safeParse({ repos: { acme: ['ok', '(unclosed'] } });
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['repos', 'acme', 1] });
    expect(result.error?.issues[0]?.message).toMatch(/invalid regular expression "\(unclosed"/);
  });
});

describe('RE2 patterns', () => {
  const cases: { name: string; pattern: string; matches: string[]; misses: string[] }[] = [
    { name: 'plain', pattern: '\\.go$', matches: ['a.go'], misses: ['a.gox'] },
    { name: 'leading (?i)', pattern: '(?i)\\.md$', matches: ['README.MD'], misses: ['md.txt'] },
    { name: '\\A and \\z', pattern: '\\Adocs/.*\\.md\\z', matches: ['docs/a.md'], misses: ['x/docs/a.md', 'docs/a.md\n'] },
    { name: 'POSIX class', pattern: '^[[:digit:]]+$', matches: ['123'], misses: ['12a'] },
    { name: '(?P<name>…)', pattern: '^(?P<dir>[a-z]+)/', matches: ['abc/x'], misses: ['1/x'] },
    { name: '\\Q…\\E literal', pattern: '\\Qa.b(c)\\E$', matches: ['xa.b(c)'], misses: ['aXb(c)'] },
    { name: 'escaped punctuation', pattern: '^BUILD(\\.bazel)?\\-x$', matches: ['BUILD.bazel-x', 'BUILD-x'], misses: ['BUILDxbazel-x'] },
    { name: 'Unicode class', pattern: '^\\pL+$', matches: ['ñandú'], misses: ['a1'] },
    { name: 'a literal brace', pattern: 'a{b', matches: ['a{b'], misses: ['ab'] },
    { name: 'many repetitions side by side', pattern: `^${'a*'.repeat(40)}$`, matches: ['aaa'], misses: ['b'] },
  ];
  it.each(cases)('$name', ({ pattern, matches, misses }) => {
    // Act
    const compiled = compileRe2(pattern);
    // Assess
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    for (const m of matches) expect(compiled.regex.test(m), m).toBe(true);
    for (const m of misses) expect(compiled.regex.test(m), m).toBe(false);
  });

  const refused: { name: string; pattern: string; message: RegExp }[] = [
    { name: 'lookahead (not RE2)', pattern: 'a(?=b)', message: /lookahead/ },
    { name: 'backreference (not RE2)', pattern: '(a)\\1', message: /backreference/ },
    { name: 'inline flags after the start', pattern: 'a(?i)b', message: /only at the very start/ },
    { name: 'ungreedy flag', pattern: '(?U)a+', message: /\(\?U\)/ },
    { name: 'broken syntax', pattern: '[a-', message: /missing closing \]/ },
    // RE2 matches these in linear time; JavaScript can take exponential time on a crafted path.
    { name: 'a repeated repetition', pattern: '(a+)+$', message: /repeats a repetition/ },
    { name: 'a repeated repetition in a group', pattern: '^(?:docs/.*)*\.md$', message: /repeats a repetition/ },
    { name: 'a repeated repetition after \A', pattern: '\A(\w*)*\z', message: /repeats a repetition/ },
  ];
  it.each(refused)('refuses $name', ({ pattern, message }) => {
    // Act
    const compiled = compileRe2(pattern);
    // Assess
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.error).toMatch(message);
  });
});
