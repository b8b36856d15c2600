// loadRepoOwners over a fake git data API that counts calls, with MemoryStore as the shared
// cache: cold = one listing + each OWNERS blob once, warm = no call (in process and in a "new
// process" with the same store), settings that change what is read re-read, broken files and
// truncated trees are warnings, the cache never fails a load; then kubernetes/test-infra's own
// OWNERS files, loaded as one tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownersDirDenylistSection, ownersSection, ownersSettingsFor, type OwnersSettings } from '../../shared/owners/config.js';
import { loadRepoOwners, maxCachedBytes, OwnersLoadError, OwnersMemo } from '../../shared/owners/load.js';
import type { PluginLogger } from '../../shared/plugins/types.js';
import { MemoryStore } from '../fakes/memory-store.js';
import { fakeTree } from '../fixtures/owners/fake-tree.js';

const repo = { owner: 'acme', repo: 'widgets' };
const sha = 'c0ffee0000000000000000000000000000000001';

const files: Record<string, string> = {
  OWNERS: 'approvers:\n- Root\nreviewers:\n- team-reviewers\n',
  OWNERS_ALIASES: 'aliases:\n  team-reviewers:\n  - Rita\n  - rob\n',
  'README.md': '# widgets\n',
  'src/OWNERS': 'approvers:\n- sam\n',
  'src/main.go': 'package main\n',
  'docs/OWNERS': 'approvers:\n- sam\n', // the same blob as src/OWNERS: read once
  'vendor/lib/x/OWNERS': 'approvers:\n- vendored\n', // preconfigured denylist: never read
  'src/nested/OWNERS_ALIASES': 'aliases:\n  x: [y]\n', // aliases count at the root only
};

function settingsOf(owners: unknown = undefined, denylist: unknown = undefined): OwnersSettings {
  return ownersSettingsFor(ownersSection.schema.parse(owners), ownersDirDenylistSection.schema.parse(denylist), repo);
}

function recordingLog(): PluginLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(`info: ${m}`), warn: (m) => void lines.push(`warn: ${m}`) };
}

describe('loadRepoOwners: GitHub calls and caching', () => {
  it('cold: one tree listing, then each OWNERS / root OWNERS_ALIASES blob once', async () => {
    // Prepare
    const github = fakeTree(files);
    // Act
    const owners = await loadRepoOwners({ github, cache: new MemoryStore(), memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(github.calls).toEqual([`getTree acme/widgets@${sha}`, 'getBlobs OWNERS, docs/OWNERS, OWNERS_ALIASES']);
    expect(owners.ownersFiles()).toEqual(['OWNERS', 'docs/OWNERS', 'src/OWNERS']);
    expect([...owners.leafReviewers('README.md')].sort()).toEqual(['rita', 'rob']);
    expect([...owners.leafApprovers('src/main.go')]).toEqual(['sam']);
    expect(owners.warnings()).toEqual([]);
  });

  const warm: { name: string; secondMemo: 'same' | 'new' }[] = [
    { name: 'warm in the same container: no GitHub call', secondMemo: 'same' },
    { name: 'warm in a new container with the same cache store: no GitHub call', secondMemo: 'new' },
  ];
  it.each(warm)('$name', async ({ secondMemo }) => {
    // Prepare
    const github = fakeTree(files);
    const cache = new MemoryStore();
    const memo = new OwnersMemo();
    await loadRepoOwners({ github, cache, memo }, repo, sha, settingsOf());
    github.calls.length = 0;
    // Act
    const owners = await loadRepoOwners({ github, cache, memo: secondMemo === 'same' ? memo : new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(github.calls).toEqual([]);
    expect([...owners.leafApprovers('src/main.go')]).toEqual(['sam']);
    expect([...owners.topLevelApprovers()]).toEqual(['root']);
  });

  it('another commit with the same tree lists the tree again but reads no blob', async () => {
    // Prepare
    const github = fakeTree(files);
    const cache = new MemoryStore();
    await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, sha, settingsOf());
    github.calls.length = 0;
    // Act
    await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, 'beef', settingsOf());
    // Assess
    expect(github.calls).toEqual(['getTree acme/widgets@beef']);
  });

  const changes: { name: string; owners?: unknown; denylist?: unknown; expectFiles: string[] }[] = [
    { name: 'other file names', owners: { filenames: { acme: { owners: 'OWNERS_ALIASES' } } }, expectFiles: ['OWNERS_ALIASES', 'src/nested/OWNERS_ALIASES'] },
    { name: 'a new dir denylist', denylist: { default: ['^docs$'] }, expectFiles: ['OWNERS', 'src/OWNERS'] },
    { name: 'no preconfigured denylist', denylist: { ignore_preconfigured_defaults: true }, expectFiles: ['OWNERS', 'docs/OWNERS', 'src/OWNERS', 'vendor/lib/x/OWNERS'] },
  ];
  it.each(changes)('settings change ($name): re-read and re-parsed, without listing the commit again', async ({ owners, denylist, expectFiles }) => {
    // Prepare
    const github = fakeTree(files);
    const cache = new MemoryStore();
    await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, sha, settingsOf());
    github.calls.length = 0;
    // Act
    const loaded = await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, sha, settingsOf(owners, denylist));
    // Assess: the commit's tree SHA came from the cache, so the listing asked for the tree itself.
    expect(github.calls[0]).toBe(`getTree acme/widgets@${github.treeSha}`);
    expect(github.calls.length).toBeGreaterThan(1);
    expect(loaded.ownersFiles()).toEqual(expectFiles);
  });

  it('skip_collaborators and labels_denylist do not change what is read: still cached', async () => {
    // Prepare
    const github = fakeTree(files);
    const cache = new MemoryStore();
    await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, sha, settingsOf());
    github.calls.length = 0;
    // Act
    await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, sha, settingsOf({ skip_collaborators: ['acme'], labels_denylist: ['x'] }));
    // Assess
    expect(github.calls).toEqual([]);
  });

  it('reads every OWNERS file in one call, and a blob GitHub does not return is an error naming the file', async () => {
    // Prepare
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`d${i}/OWNERS`, `approvers:\n- user${i}\n`]));
    const github = fakeTree(many);
    const forgetful = { getTree: github.getTree, getBlobs: async (r: typeof repo, shas: readonly string[]) => ({ ...(await github.getBlobs(r, shas.slice(1))) }) };

    // Act
    const owners = await loadRepoOwners({ github, memo: new OwnersMemo() }, repo, sha, settingsOf());
    const lost = loadRepoOwners({ github: forgetful, memo: new OwnersMemo() }, repo, sha, settingsOf());

    // Assess
    expect(github.calls.filter((c) => c.startsWith('getBlobs'))).toHaveLength(1);
    expect(owners.ownersFiles()).toHaveLength(30);
    await expect(lost).rejects.toThrow(/GitHub did not return d0\/OWNERS \(blob [0-9a-f]{40}\) of acme\/widgets/);
  });
});

describe('loadRepoOwners: what cannot be used', () => {
  const broken: { name: string; files: Record<string, string>; warning: RegExp; still: string[] }[] = [
    { name: 'bad YAML', files: { ...files, 'src/OWNERS': 'approvers: [sam\n' }, warning: /^src\/OWNERS:2:1: cannot parse: .*\(file skipped\)$/, still: ['OWNERS', 'docs/OWNERS'] },
    { name: 'wrong type', files: { ...files, 'docs/OWNERS': 'approvers: sam\n' }, warning: /^docs\/OWNERS:1:12: approvers: expected a list of strings, got a string \(file skipped\)$/, still: ['OWNERS', 'src/OWNERS'] },
    { name: 'a filter regex that does not compile', files: { ...files, 'src/OWNERS': 'filters:\n  "([a-":\n    approvers: [sam]\n' }, warning: /^src\/OWNERS:2:3: filters\.\(\[a-: filter invalid regular expression/, still: ['OWNERS', 'docs/OWNERS'] },
    { name: 'broken aliases', files: { ...files, OWNERS_ALIASES: 'aliases:\n  team-reviewers: rita\n' }, warning: /^OWNERS_ALIASES:2:\d+: aliases\.team-reviewers: alias group 'team-reviewers' must contain a list of members \(no aliases are expanded\)$/, still: ['OWNERS', 'docs/OWNERS', 'src/OWNERS'] },
  ];
  it.each(broken)('$name: a warning naming the file, the rest loaded', async ({ files: tree, warning, still }) => {
    // Prepare
    const github = fakeTree(tree);
    // Act
    const owners = await loadRepoOwners({ github, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(owners.warnings()).toHaveLength(1);
    expect(owners.warnings()[0]).toMatch(warning);
    expect(owners.ownersFiles()).toEqual(still);
  });

  it('broken aliases: their names are taken as logins, as Prow goes on with an empty alias map', async () => {
    // Prepare
    const github = fakeTree({ ...files, OWNERS_ALIASES: 'aliases: [1]\n' });
    // Act
    const owners = await loadRepoOwners({ github, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect([...owners.leafReviewers('x')]).toEqual(['team-reviewers']);
  });

  it('a truncated tree is a warning', async () => {
    // Prepare
    const github = fakeTree(files, { truncated: true });
    // Act
    const owners = await loadRepoOwners({ github, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(owners.warnings()).toEqual([`the tree of acme/widgets at ${sha} is larger than GitHub lists in one response (truncated): OWNERS files past the cut are not read`]);
    expect(owners.ownersFiles()).toHaveLength(3);
  });

  it('blobs GitHub fails to give fail the load, saying what was being read, and nothing is cached', async () => {
    // Prepare
    const github = fakeTree(files, { failBlob: 'docs/OWNERS' });
    const cache = new MemoryStore();
    const memo = new OwnersMemo();
    // Act
    const failed = loadRepoOwners({ github, cache, memo }, repo, sha, settingsOf());
    // Assess
    await expect(failed).rejects.toThrow(OwnersLoadError);
    await expect(failed).rejects.toThrow(`failed to read 3 OWNERS files of acme/widgets`);
    github.calls.length = 0;
    await expect(loadRepoOwners({ github, cache, memo }, repo, sha, settingsOf())).rejects.toThrow(OwnersLoadError);
    expect(github.calls.filter((c) => c.startsWith('getBlobs')).length).toBeGreaterThan(0);
  });

  const cacheFailures: { name: string; method: 'getCached' | 'putCached'; times: number }[] = [
    { name: 'a cache that cannot be read', method: 'getCached', times: 2 },
    { name: 'a cache that cannot be written', method: 'putCached', times: 2 },
  ];
  it.each(cacheFailures)('$name is logged and ignored', async ({ method, times }) => {
    // Prepare
    const github = fakeTree(files);
    const cache = new MemoryStore();
    for (let i = 0; i < times; i++) cache.failNext(method, new Error('DynamoDB: ProvisionedThroughputExceededException'));
    const log = recordingLog();
    // Act
    const owners = await loadRepoOwners({ github, cache, log, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(owners.ownersFiles()).toEqual(['OWNERS', 'docs/OWNERS', 'src/OWNERS']);
    expect(log.lines.filter((l) => l.startsWith('warn: OWNERS cache'))).toHaveLength(times);
  });

  it('an unreadable cache entry is a miss', async () => {
    // Prepare
    const github = fakeTree(files);
    const cache = new MemoryStore();
    await loadRepoOwners({ github, cache, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Overwrite every owners-tree entry with bytes that are not gzip.
    const keys = cache.calls.filter((c) => c.startsWith('putCached owners-tree#')).map((c) => c.slice('putCached '.length));
    for (const key of keys) await cache.putCached(key, new TextEncoder().encode('not gzip'), 60);
    github.calls.length = 0;
    const log = recordingLog();
    // Act
    const owners = await loadRepoOwners({ github, cache, log, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(keys).toHaveLength(1);
    expect(owners.ownersFiles()).toHaveLength(3);
    expect(github.calls.some((c) => c.startsWith('getBlobs'))).toBe(true);
    expect(log.lines.some((l) => /unreadable/.test(l))).toBe(true);
  });

  it(`parsed OWNERS over ${maxCachedBytes / 1024} KB compressed are not cached, and said once`, async () => {
    // Prepare: random logins do not compress.
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed.toString(36));
    const logins = Array.from({ length: 80_000 }, () => `- u${random()}${random()}`).join('\n');
    const big = { ...files, OWNERS: `approvers:\n${logins}\n` };
    const github = fakeTree(big);
    const cache = new MemoryStore();
    const log = recordingLog();
    // Act
    await loadRepoOwners({ github, cache, log, memo: new OwnersMemo() }, repo, sha, settingsOf());
    await loadRepoOwners({ github, cache, log, memo: new OwnersMemo() }, repo, sha, settingsOf());
    // Assess
    expect(cache.calls.filter((c) => c.startsWith('putCached owners-tree#'))).toEqual([]);
    expect(log.lines.filter((l) => /over the 350 KB cache limit; not cached/.test(l))).toHaveLength(1);
  });
});

describe('kubernetes/test-infra OWNERS', () => {
  const root = new URL('../fixtures/owners/test-infra/', import.meta.url).pathname;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  const tree = Object.fromEntries(walk(root).map((p) => [relative(root, p), readFileSync(p, 'utf8')]));
  const load = () => loadRepoOwners({ github: fakeTree(tree), memo: new OwnersMemo() }, { owner: 'kubernetes', repo: 'test-infra' }, sha, settingsOf());

  const cases: { name: string; ask: (o: Awaited<ReturnType<typeof load>>) => unknown; expected: unknown }[] = [
    { name: 'top-level approvers, lower-cased', ask: (o) => [...o.topLevelApprovers()].sort(), expected: ['aojea', 'bentheelder', 'dims', 'michelle192837', 'upodroid'] },
    { name: 'emeritus approvers are nobody (root and inside a filter)', ask: (o) => ['cjwagner', 'fejta', 'spiffxp'].filter((u) => o.allOwners().has(u)), expected: [] },
    {
      name: 'trusted jobs: the alias, and no parent owners',
      ask: (o) => [...o.approvers('config/jobs/kubernetes/sig-k8s-infra/trusted/a.yaml').all()].sort(),
      expected: ['ameukam', 'genpage', 'hakman', 'upodroid', 'xmudrii'],
    },
    {
      name: 'trusted jobs: a filter adds required reviewers by file name',
      ask: (o) => [...o.requiredReviewers('config/jobs/kubernetes/sig-k8s-infra/trusted/sig-contribex-k8s-triage-robot.yaml')].sort(),
      expected: ['madhavjivrajani', 'priyankasaggu11929'],
    },
    {
      name: 'labels stop at no_parent_owners once a label is found there',
      ask: (o) => [...o.findLabelsForFile('config/jobs/kubernetes/sig-k8s-infra/trusted/sig-contribex-k8s-triage-robot.yaml')].sort(),
      expected: ['sig/contributor-experience'],
    },
    {
      name: 'labels go up past no_parent_owners when none is found there',
      ask: (o) => [...o.findLabelsForFile('config/jobs/kubernetes/sig-k8s-infra/trusted/other.yaml')].sort(),
      expected: ['area/config', 'area/jobs', 'sig/k8s-infra', 'sig/testing'],
    },
    { name: 'prow config: required reviewers for config.yaml', ask: (o) => [...o.requiredReviewers('config/prow/config.yaml')].sort(), expected: ['cblecker', 'madhavjivrajani', 'priyankasaggu11929'] },
    { name: 'prow config: none for other files', ask: (o) => [...o.requiredReviewers('config/prow/README.md')], expected: [] },
    { name: 'prow config approvers come from config/OWNERS', ask: (o) => o.findApproverOwnersForFile('config/prow/config.yaml'), expected: 'config' },
    { name: 'label_sync: ".*" filter approvers', ask: (o) => [...o.leafApprovers('label_sync/labels.yaml')].sort(), expected: ['cblecker', 'madhavjivrajani', 'priyankasaggu11929'] },
    { name: 'policy tests: no_parent_owners', ask: (o) => [...o.approvers('config/tests/jobs/policy/x_test.go').all()].sort(), expected: ['aojea', 'bentheelder', 'pohly'] },
    { name: 'no warnings', ask: (o) => o.warnings(), expected: [] },
    { name: 'every OWNERS file read', ask: (o) => o.ownersFiles().length, expected: 11 },
  ];
  it.each(cases)('$name', async ({ ask, expected }) => {
    // Act
    const owners = await load();
    // Assess
    expect(ask(owners)).toEqual(expected);
  });
});
