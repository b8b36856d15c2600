// RepoOwners against Prow's repoowners_test.go tables: TestLoadRepoOwners (through the real
// loader, over a fake tree of Prow's testFiles, with Prow's collaborator filter), the dir
// denylist, regexp filters, TestGetApprovers (leaf / layered / owners path, no_parent_owners),
// labels, top-level approvers, All*, alias expansion and canonicalize; then layers, case and the
// options lookups Prow keys exactly.
import { describe, expect, it } from 'vitest';
import { ownersDirDenylistSection, ownersSection, ownersSettingsFor } from '../../shared/owners/config.js';
import { loadRepoOwners, OwnersMemo } from '../../shared/owners/load.js';
import type { OwnersOptions, ParsedOwners } from '../../shared/owners/parse.js';
import { buildRepoOwners, canonicalize, type OwnersSnapshot } from '../../shared/owners/repo-owners.js';
import { fakeTree } from '../fixtures/owners/fake-tree.js';

const repo = { owner: 'org', repo: 'repo' };

// Prow's testFiles and testFilesRe (pkg/repoowners/repoowners_test.go).
const testFiles: Record<string, string> = {
  foo: 'approvers:\n- bob',
  OWNERS: 'approvers:\n- cjwagner\nreviewers:\n- Alice\n- bob\nrequired_reviewers:\n- chris\nlabels:\n- EVERYTHING',
  'src/OWNERS': 'approvers:\n- Best-Approvers',
  'src/dir/OWNERS': 'approvers:\n- bob\nreviewers:\n- alice\n- "@CJWagner"\n- jakub\nrequired_reviewers:\n- ben\nlabels:\n- src-code',
  'src/dir/subdir/OWNERS': 'approvers:\n- bob\n- alice\nreviewers:\n- bob\n- alice',
  'src/dir/conformance/OWNERS': 'options:\n  no_parent_owners: true\n  auto_approve_unowned_subfolders: true\napprovers:\n- mml',
  'docs/file.md': '---\napprovers:\n- ALICE\n\nlabels:\n- docs\n---',
  'vendor/OWNERS': 'approvers:\n- alice',
  'vendor/k8s.io/client-go/OWNERS': 'approvers:\n- bob',
};
const testAliases = 'aliases:\n  Best-approvers:\n  - carl\n  - cjwagner\n  best-reviewers:\n  - Carl\n  - BOB';
const testFilesRe: Record<string, string> = {
  're/OWNERS': 'filters:\n  ".*":\n    labels:\n    - re/all\n  "\\\\.go$":\n    labels:\n    - re/go',
  're/a/OWNERS': 'filters:\n  "\\\\.md$":\n    labels:\n    - re/md-in-a\n  "\\\\.go$":\n    labels:\n    - re/go-in-a',
};
const collaborators = ['cjwagner', 'k8s-ci-robot', 'alice', 'bob', 'carl', 'mml', 'maggie'];

async function load(
  files: Record<string, string>,
  options: { mdyaml?: boolean; skipCollaborators?: boolean; aliases?: boolean; denylist?: unknown } = {},
) {
  const owners = ownersSection.schema.parse({ mdyamlrepos: options.mdyaml ? ['org/repo'] : [], skip_collaborators: options.skipCollaborators ? ['org'] : [] });
  const denylist = ownersDirDenylistSection.schema.parse(options.denylist);
  const settings = ownersSettingsFor(owners, denylist, repo);
  const github = fakeTree(options.aliases ? { ...files, OWNERS_ALIASES: testAliases } : files);
  const loaded = await loadRepoOwners({ github, memo: new OwnersMemo() }, repo, 'HEAD', settings);
  // Prow's LoadRepoOwnersSha filters by collaborators unless skip_collaborators lists the repository.
  return settings.skipCollaborators ? loaded : loaded.withCollaborators(collaborators);
}

const all = (...people: string[]) => ({ '': people.sort() });
const conformanceOptions = { 'src/dir/conformance': { noParentOwners: true, autoApproveUnownedSubfolders: true } };
const baseReviewers = { '': all('alice', 'bob'), 'src/dir': all('alice', 'cjwagner'), 'src/dir/subdir': all('alice', 'bob') };
const baseRequired = { '': all('chris'), 'src/dir': all('ben') };
const baseLabels = { '': all('EVERYTHING'), 'src/dir': all('src-code') };
const approversWith = (src: string[], extra: Record<string, { '': string[] }> = {}) => ({
  '': all('cjwagner'),
  ...extra,
  src: all(...src),
  'src/dir': all('bob'),
  'src/dir/conformance': all('mml'),
  'src/dir/subdir': all('alice', 'bob'),
  vendor: all('alice'),
});

describe('TestLoadRepoOwners', () => {
  const cases: { name: string; mdyaml?: boolean; aliases?: boolean; skipCollaborators?: boolean; expected: OwnersSnapshot }[] = [
    {
      name: 'no alias, no md',
      expected: { approvers: approversWith([]), reviewers: baseReviewers, requiredReviewers: baseRequired, labels: baseLabels, options: conformanceOptions },
    },
    {
      name: 'alias, no md',
      aliases: true,
      expected: { approvers: approversWith(['carl', 'cjwagner']), reviewers: baseReviewers, requiredReviewers: baseRequired, labels: baseLabels, options: conformanceOptions },
    },
    {
      name: 'alias, md',
      aliases: true,
      mdyaml: true,
      expected: {
        approvers: approversWith(['carl', 'cjwagner'], { 'docs/file.md': all('alice') }),
        reviewers: baseReviewers,
        requiredReviewers: baseRequired,
        labels: { ...baseLabels, 'docs/file.md': all('docs') },
        options: conformanceOptions,
      },
    },
    {
      name: 'Skip collaborator checks, use only OWNERS files',
      skipCollaborators: true,
      expected: {
        approvers: approversWith(['best-approvers']),
        reviewers: { ...baseReviewers, 'src/dir': all('alice', 'cjwagner', 'jakub') },
        requiredReviewers: baseRequired,
        labels: baseLabels,
        options: conformanceOptions,
      },
    },
  ];
  it.each(cases)('$name', async ({ expected, ...options }) => {
    // Act
    const owners = await load(testFiles, options);
    // Assess: snapshot keys are sorted; compare as Prow's reflect.DeepEqual on maps would.
    const snapshot = owners.snapshot();
    for (const field of ['approvers', 'reviewers', 'requiredReviewers', 'labels'] as const) expect(snapshot[field], field).toEqual(expected[field]);
    expect(snapshot.options).toEqual(expected.options);
    expect(owners.warnings()).toEqual([]);
  });
});

describe('TestOwnersDirDenylist', () => {
  const cases: { name: string; denylist: unknown; includeDirs: string[]; excludeDirs?: string[] }[] = [
    { name: 'denylist by org', denylist: { repos: { org: ['src'] } }, includeDirs: [''], excludeDirs: ['src', 'src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    { name: 'denylist by org/repo', denylist: { repos: { 'org/repo': ['src'] } }, includeDirs: [''], excludeDirs: ['src', 'src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    { name: 'denylist by default', denylist: { default: ['src'] }, includeDirs: [''], excludeDirs: ['src', 'src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    { name: 'subdir denylist', denylist: { default: ['dir'] }, includeDirs: ['', 'src'], excludeDirs: ['src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    { name: 'no denylist setup', denylist: undefined, includeDirs: ['', 'src', 'src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    {
      name: 'denylist setup but not matching this repo',
      denylist: { repos: { 'not_org/not_repo': ['src'], not_org: ['src'] } },
      includeDirs: ['', 'src', 'src/dir', 'src/dir/conformance', 'src/dir/subdir'],
    },
    { name: 'non-matching denylist', denylist: { default: ['sr$'] }, includeDirs: ['', 'src', 'src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    { name: 'path denylist', denylist: { default: ['src/dir'] }, includeDirs: ['', 'src'], excludeDirs: ['src/dir', 'src/dir/conformance', 'src/dir/subdir'] },
    { name: 'regexp denylist path', denylist: { default: ['src/dir/.'] }, includeDirs: ['', 'src', 'src/dir'], excludeDirs: ['src/dir/conformance', 'src/dir/subdir'] },
    { name: 'path substring', denylist: { default: ['/c'] }, includeDirs: ['', 'src', 'src/dir', 'src/dir/subdir'], excludeDirs: ['src/dir/conformance'] },
    { name: 'exclude preconfigured defaults', denylist: undefined, includeDirs: ['', 'src', 'src/dir', 'src/dir/subdir', 'vendor'], excludeDirs: ['vendor/k8s.io/client-go'] },
    {
      name: 'ignore preconfigured defaults',
      denylist: { ignore_preconfigured_defaults: true },
      includeDirs: ['', 'src', 'src/dir', 'src/dir/subdir', 'vendor', 'vendor/k8s.io/client-go'],
    },
    { name: 'a pattern matching the root (".") skips the whole repository, as the walk does', denylist: { default: ['^\\.$'] }, includeDirs: [], excludeDirs: ['', 'src', 'vendor'] },
  ];
  it.each(cases)('$name', async ({ denylist, includeDirs, excludeDirs = [] }) => {
    // Act
    const owners = await load(testFiles, { mdyaml: true, aliases: true, denylist });
    // Assess
    const { approvers, reviewers } = owners.snapshot();
    const found = new Set([...Object.keys(approvers), ...Object.keys(reviewers)]);
    for (const dir of excludeDirs) expect(found.has(dir), `${dir} excluded`).toBe(false);
    for (const dir of includeDirs) expect(found.has(dir), `${dir} included`).toBe(true);
  });
});

describe('TestOwnersRegexpFiltering', () => {
  const cases = [
    { file: 're/a/go.go', labels: ['re/all', 're/go', 're/go-in-a'] },
    { file: 're/a/md.md', labels: ['re/all', 're/md-in-a'] },
    { file: 're/a/txt.txt', labels: ['re/all'] },
    { file: 're/go.go', labels: ['re/all', 're/go'] },
    { file: 're/txt.txt', labels: ['re/all'] },
    { file: 're/b/md.md', labels: ['re/all'] },
  ];
  it.each(cases)('$file', async ({ file, labels }) => {
    // Prepare
    const owners = await load(testFilesRe, { mdyaml: true, aliases: true });
    // Act & Assess
    expect([...owners.findLabelsForFile(file)].sort()).toEqual(labels);
  });
});

// Hand-built RepoOwners, as Prow's tests build the struct directly.
const owned = (
  dirs: Record<string, { approvers?: string[]; reviewers?: string[]; labels?: string[]; filters?: Record<string, string[]>; options?: Partial<OwnersOptions> }>,
  aliases?: Record<string, string[]>,
) =>
  buildRepoOwners({
    filenames: { owners: 'OWNERS', ownersAliases: 'OWNERS_ALIASES' },
    aliases: aliases && new Map(Object.entries(aliases)),
    files: Object.entries(dirs).map(([dir, d]) => {
      const entry = (approvers: string[] = []) => ({ approvers, reviewers: d.reviewers ?? [], requiredReviewers: [], labels: d.labels ?? [] });
      const parsed: ParsedOwners = {
        kind: d.filters ? 'full' : 'simple',
        options: { noParentOwners: false, autoApproveUnownedSubfolders: false, ...d.options },
        filters: d.filters ? Object.entries(d.filters).map(([pattern, approvers]) => ({ pattern, entry: entry(approvers) })) : [{ pattern: null, entry: entry(d.approvers) }],
        emeritusApprovers: [],
      };
      return { path: dir === '' ? 'OWNERS' : `${dir}/OWNERS`, parsed };
    }),
  });

describe('TestGetApprovers', () => {
  const ro = owned({
    '': { approvers: ['alice', 'bob'] },
    'a/b/c': { approvers: ['carl', 'dave'] },
    'a/b/e': { filters: { '.*\\.md': ['carl', 'dave'], '.*\\.txt': ['elic'] } },
    d: { approvers: ['mml'], options: { noParentOwners: true } },
    f: { filters: { '.*\\.md': ['carl', 'dave'], '.*\\.txt': ['flex'] }, options: { noParentOwners: true } },
  });
  const cases = [
    { name: 'Modified Base Dir Only', filePath: 'testFile.md', ownersPath: '', leaf: ['alice', 'bob'], all: ['alice', 'bob'] },
    { name: 'Modified Leaf Dir Only', filePath: 'a/b/c/testFile.md', ownersPath: 'a/b/c', leaf: ['carl', 'dave'], all: ['alice', 'bob', 'carl', 'dave'] },
    { name: 'Modified regexp matched file in Leaf Dir Only', filePath: 'a/b/e/testFile.md', ownersPath: 'a/b/e', leaf: ['carl', 'dave'], all: ['alice', 'bob', 'carl', 'dave'] },
    { name: 'Modified not regexp matched file in Leaf Dir Only', filePath: 'a/b/e/testFile.dat', ownersPath: '', leaf: ['alice', 'bob'], all: ['alice', 'bob'] },
    { name: 'Modified NoParentOwners Dir Only', filePath: 'd/testFile.go', ownersPath: 'd', leaf: ['mml'], all: ['mml'] },
    { name: 'Modified regexp matched file NoParentOwners Dir Only', filePath: 'f/testFile.txt', ownersPath: 'f', leaf: ['flex'], all: ['flex'] },
    { name: 'Modified regexp not matched file in NoParentOwners Dir Only', filePath: 'f/testFile.go_to_parent', ownersPath: '', leaf: ['alice', 'bob'], all: ['alice', 'bob'] },
    { name: 'Modified Nonexistent Dir (Default to Base)', filePath: 'DELETED_DIR/testFile.md', ownersPath: '', leaf: ['alice', 'bob'], all: ['alice', 'bob'] },
  ];
  it.each(cases)('$name', ({ filePath, ownersPath, leaf, all: everyone }) => {
    // Act & Assess
    expect([...ro.leafApprovers(filePath)].sort()).toEqual(leaf);
    expect([...ro.approvers(filePath).all()].sort()).toEqual(everyone);
    expect(ro.findApproverOwnersForFile(filePath)).toBe(ownersPath);
  });
});

describe('TestFindLabelsForPath', () => {
  const ro = owned({ '': { labels: ['sig/godzilla'] }, 'a/b/c': { labels: ['wg/save-tokyo'] } });
  const cases = [
    { name: 'base 1', path: 'foo.txt', labels: ['sig/godzilla'] },
    { name: 'base 2', path: './foo.txt', labels: ['sig/godzilla'] },
    { name: 'base 3', path: '', labels: ['sig/godzilla'] },
    { name: 'base 4', path: '.', labels: ['sig/godzilla'] },
    { name: 'leaf 1', path: 'a/b/c/foo.txt', labels: ['sig/godzilla', 'wg/save-tokyo'] },
    { name: 'leaf 2', path: 'a/b/foo.txt', labels: ['sig/godzilla'] },
  ];
  it.each(cases)('$name', ({ path, labels }) => {
    expect([...ro.findLabelsForFile(path)].sort()).toEqual(labels);
  });
});

describe('TestCanonicalize', () => {
  const cases = [
    { name: 'Empty String', path: '', expected: '' },
    { name: 'Dot (.) as Path', path: '.', expected: '' },
    { name: 'GitHub Style Input (No Root)', path: 'a/b/c/d.txt', expected: 'a/b/c/d.txt' },
    { name: 'Preceding Slash and Trailing Slash', path: '/a/b/', expected: '/a/b' },
    { name: 'Trailing Slash', path: 'foo/bar/baz/', expected: 'foo/bar/baz' },
  ];
  it.each(cases)('$name', ({ path, expected }) => {
    expect(canonicalize(path)).toBe(expected);
  });
});

describe('TestExpandAliases', () => {
  const aliases = { 'team/t1': ['u1', 'u2'], 'team/t2': ['u1', 'u3'], 'team/t3': [] };
  const cases = [
    { name: 'No expansions.', unexpanded: ['abc', 'def'], expected: ['abc', 'def'] },
    { name: 'One alias to be expanded', unexpanded: ['abc', 'team/t1'], expected: ['abc', 'u1', 'u2'] },
    { name: 'Duplicates inside and outside alias.', unexpanded: ['u1', 'team/t1'], expected: ['u1', 'u2'] },
    { name: 'Duplicates in multiple aliases.', unexpanded: ['u1', 'team/t1', 'team/t2'], expected: ['u1', 'u2', 'u3'] },
    { name: 'Mixed casing in aliases.', unexpanded: ['Team/T1'], expected: ['u1', 'u2'] },
    // Prow keeps the directory with an empty set: nobody approves there, so the root does.
    { name: 'Empty team.', unexpanded: ['Team/T3'], expected: [] },
    { name: 'Aliases expand one level only, as Prow', unexpanded: ['team/t4'], expected: ['team/t1'] },
  ];
  it.each(cases)('$name', ({ unexpanded, expected }) => {
    // Prepare
    const ro = owned({ '': { approvers: ['root'] }, x: { approvers: unexpanded } }, { ...aliases, 'team/t4': ['team/t1'] });
    // Act & Assess
    expect(ro.snapshot().approvers.x).toEqual({ '': expected });
  });
});

describe('top-level and all owners', () => {
  const ro = owned({
    '': { approvers: ['cjwagner'], reviewers: ['alice', 'bob'] },
    src: { approvers: [] },
    'src/dir': { approvers: ['bob'], reviewers: ['alice', 'matthyx'] },
    'src/dir/conformance': { approvers: ['mml'] },
    'src/dir/subdir': { approvers: ['alice', 'bob'], reviewers: ['alice', 'bob'] },
    vendor: { approvers: ['alice'] },
  });
  const cases = [
    { name: 'TestTopLevelApprovers', got: () => owned({ '': { approvers: ['alice', 'bob'] }, 'a/b/c': { approvers: ['carl', 'dave'] } }).topLevelApprovers(), expected: ['alice', 'bob'] },
    { name: 'TestRepoOwners_AllOwners', got: () => ro.allOwners(), expected: ['alice', 'bob', 'cjwagner', 'matthyx', 'mml'] },
    { name: 'TestRepoOwners_AllApprovers', got: () => ro.allApprovers(), expected: ['alice', 'bob', 'cjwagner', 'mml'] },
    { name: 'TestRepoOwners_AllReviewers', got: () => ro.allReviewers(), expected: ['alice', 'bob', 'matthyx'] },
  ];
  it.each(cases)('$name', ({ got, expected }) => {
    expect([...got()].sort()).toEqual(expected);
  });
});

describe('layers, options and case', () => {
  it('layers count path steps from the file, as layeredsets.String (empty layers kept)', async () => {
    // Prepare
    const owners = await load(testFiles, { aliases: true, skipCollaborators: true });
    // Act
    const layers = owners.approvers('src/dir/subdir/file.go').layers.map((l) => [...l].sort());
    // Assess: the file itself, subdir, dir (bob already counted), src (alias), root (cjwagner already counted).
    expect(layers).toEqual([[], ['alice', 'bob'], [], ['carl', 'cjwagner'], []]);
    expect(owners.reviewers('src/dir/subdir').layers.map((l) => [...l].sort())).toEqual([['alice', 'bob'], ['cjwagner', 'jakub'], [], []]);
  });

  const cases = [
    { name: 'no_parent_owners stops the walk', run: (o: Awaited<ReturnType<typeof load>>) => [...o.approvers('src/dir/conformance/x/y.go').all()], expected: ['mml'] },
    { name: 'isNoParentOwners on the OWNERS directory', run: (o: Awaited<ReturnType<typeof load>>) => o.isNoParentOwners('src/dir/conformance'), expected: true },
    { name: 'isNoParentOwners is an exact directory lookup, as Prow', run: (o: Awaited<ReturnType<typeof load>>) => o.isNoParentOwners('src/dir/conformance/file.go'), expected: false },
    { name: 'isAutoApproveUnownedSubfolders', run: (o: Awaited<ReturnType<typeof load>>) => o.isAutoApproveUnownedSubfolders('src/dir/conformance'), expected: true },
    { name: 'not set elsewhere', run: (o: Awaited<ReturnType<typeof load>>) => o.isAutoApproveUnownedSubfolders('src/dir'), expected: false },
    { name: 'required reviewers from every level', run: (o: Awaited<ReturnType<typeof load>>) => [...o.requiredReviewers('src/dir/subdir/a.go')].sort(), expected: ['ben', 'chris'] },
    { name: '"@CJWagner" is cjwagner', run: (o: Awaited<ReturnType<typeof load>>) => [...o.leafReviewers('src/dir/a.go')].sort(), expected: ['alice', 'cjwagner', 'jakub'] },
    { name: 'an alias named in another case expands', run: (o: Awaited<ReturnType<typeof load>>) => [...o.leafApprovers('src/a.go')].sort(), expected: ['carl', 'cjwagner'] },
    { name: 'reviewers owners path', run: (o: Awaited<ReturnType<typeof load>>) => o.findReviewersOwnersForFile('src/dir/conformance/a.go'), expected: 'src/dir' },
    { name: 'the files read, sorted', run: (o: Awaited<ReturnType<typeof load>>) => o.ownersFiles(), expected: ['OWNERS', 'src/OWNERS', 'src/dir/OWNERS', 'src/dir/conformance/OWNERS', 'src/dir/subdir/OWNERS', 'vendor/OWNERS'] },
    { name: 'a file named like OWNERS elsewhere is not one ("foo")', run: (o: Awaited<ReturnType<typeof load>>) => [...o.leafApprovers('foo')], expected: ['cjwagner'] },
  ];
  it.each(cases)('$name', async ({ run, expected }) => {
    // Prepare
    const owners = await load(testFiles, { aliases: true, skipCollaborators: true });
    // Act & Assess
    expect(run(owners)).toEqual(expected);
  });

  it('markdown headers apply to their own file only, and only with mdyamlrepos', async () => {
    // Prepare
    const withMd = await load(testFiles, { mdyaml: true, skipCollaborators: true });
    const withoutMd = await load(testFiles, { skipCollaborators: true });
    // Act & Assess
    expect([...withMd.leafApprovers('docs/file.md')]).toEqual(['alice']);
    expect([...withMd.leafApprovers('docs/other.md')]).toEqual(['cjwagner']);
    expect([...withoutMd.leafApprovers('docs/file.md')]).toEqual(['cjwagner']);
    expect([...withMd.findLabelsForFile('docs/file.md')].sort()).toEqual(['EVERYTHING', 'docs']);
  });
});
