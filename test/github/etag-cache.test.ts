// Conditional reads through the production Octokit (buildOctokit: retries, throttling, the time
// limit) against the fake GitHub, which answers If-None-Match with 304 as GitHub does: what is
// checked is what goes over the wire (how many requests, which were 304) and what the caller
// gets back, plus the cache's own bounds and policies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialKey, EtagCache, readPolicy, type CachedResponse } from '../../shared/github/etag-cache.js';
import { emptyUsage, withGitHubUsage, type GitHubUsage } from '../../shared/github/github-usage.js';
import { OctokitGitHub } from '../../shared/github/octokit-client.js';
import { buildOctokit, type OctokitOptions } from '../../shared/github/octokit.js';
import { RateLimitReadings } from '../../shared/github/rate-limits.js';
import { createLogger } from '../../shared/log.js';
import { FakeGitHub, faults } from '../fakes/github-server.js';

const owner = 'acme';
const full = `${owner}/widgets`;
const repo = { owner, repo: 'widgets' };
const issue = (number: number) => ({ ...repo, number });
const log = createLogger({ logLevel: 'SILENT' });

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start({ botLogin: 'skiff-bot' });
});
afterAll(() => fake.close());
beforeEach(() => fake.resetCalls());

/** A clock the short-lived entries read, moved by hand. */
let clock = 1_000_000;
const now = () => clock;

function setup(options: { token?: string; cache?: EtagCache; extra?: Partial<OctokitOptions> } = {}) {
  const cache = options.cache ?? new EtagCache({ now });
  const rateLimits = new RateLimitReadings();
  const octokit = buildOctokit(
    { token: options.token ?? 'test-token' },
    { baseUrl: fake.url, log, writeIntervalMs: 0, retryBaseMs: 1, conditionalReads: { cache, rateLimits }, ...options.extra },
  );
  return { github: new OctokitGitHub(octokit), cache, rateLimits };
}

/** Runs `work` in a usage scope, as dispatch runs a plugin; returns what it counted. */
async function counted<T>(work: () => Promise<T>): Promise<{ result: T; usage: GitHubUsage }> {
  const usage = emptyUsage();
  const result = await withGitHubUsage(usage, work);
  return { result, usage };
}

const statuses = () => fake.calls.map((c) => c.status);

describe('conditional reads', () => {
  it('revalidates an unchanged issue’s labels: the second read is a 304 and answers the same labels', async () => {
    // Prepare
    fake.setLabels(full, 1, ['lgtm', 'size/S']);
    const { github } = setup();
    // Act
    const first = await counted(() => github.getIssueLabels(issue(1)));
    const second = await counted(() => github.getIssueLabels(issue(1)));
    // Assess
    expect(first.result).toEqual(['lgtm', 'size/S']);
    expect(second.result).toEqual(['lgtm', 'size/S']);
    expect(statuses()).toEqual([200, 304]);
    expect(fake.notModified).toBe(1);
    expect(first.usage).toEqual({ reads: 1, writes: 0, notModified: 0, cached: 0 });
    expect(second.usage).toEqual({ reads: 1, writes: 0, notModified: 1, cached: 0 });
  });

  it('a 304 costs no primary rate limit: the remaining quota GitHub reports does not move', async () => {
    // Prepare
    fake.setLabels(full, 2, ['lgtm']);
    const { github, rateLimits } = setup();
    await github.getIssueLabels(issue(2));
    const [before] = rateLimits.take();
    // Act
    for (let i = 0; i < 5; i++) await github.getIssueLabels(issue(2));
    // Assess: five 304s, and the headers of the last still show the quota left after the first read.
    expect(statuses()).toEqual([200, 304, 304, 304, 304, 304]);
    expect(rateLimits.take()).toEqual([{ ...before, remaining: before!.remaining }]);
  });

  it.each([
    { name: 'someone else changed them', change: () => fake.setLabels(full, 3, ['lgtm', 'approved']), byUs: false },
    { name: 'the previous command added one', change: undefined, byUs: true },
  ])('labels are always revalidated, so a read sees the change when $name', async ({ change, byUs }) => {
    // Prepare
    fake.setLabels(full, 3, ['lgtm']);
    const { github } = setup();
    await github.getIssueLabels(issue(3));
    // Act
    if (byUs) await github.addLabel(issue(3), 'approved');
    change?.();
    const after = await github.getIssueLabels(issue(3));
    // Assess
    expect(after).toEqual(['lgtm', 'approved']);
    expect(fake.calls.filter((c) => c.method === 'GET').map((c) => c.status)).toEqual([200, 200]);
  });

  it('a pull request is revalidated too: a new head is seen at once', async () => {
    // Prepare
    fake.setPullRequest(full, 4, { head: { sha: 'a'.repeat(40) } });
    const { github } = setup();
    const before = await github.getPullRequest(issue(4));
    // Act
    const unchanged = await github.getPullRequest(issue(4));
    fake.setPullRequest(full, 4, { head: { sha: 'b'.repeat(40) } });
    const pushed = await github.getPullRequest(issue(4));
    // Assess
    expect([before.head.sha, unchanged.head.sha, pushed.head.sha]).toEqual(['a'.repeat(40), 'a'.repeat(40), 'b'.repeat(40)]);
    expect(statuses()).toEqual([200, 304, 200]);
  });

  it('every page of a listing is revalidated on its own', async () => {
    // Prepare: 150 labels are two pages of 100.
    const many = Array.from({ length: 150 }, (_, i) => `label-${i}`);
    fake.setLabels(full, 5, many);
    const { github } = setup();
    await github.getIssueLabels(issue(5));
    // Act
    const again = await counted(() => github.getIssueLabels(issue(5)));
    // Assess
    expect(again.result).toEqual(many);
    expect(statuses()).toEqual([200, 200, 304, 304]);
    expect(again.usage).toEqual({ reads: 2, writes: 0, notModified: 2, cached: 0 });
  });

  it('git objects by SHA are answered from the cache with no request; a tree named by a branch is not', async () => {
    // Prepare
    fake.setFile(full, 'main', 'OWNERS', 'approvers: [alice]\n');
    const { github } = setup();
    const byBranch = await github.getTree(repo, 'main');
    const blobSha = byBranch.entries.find((e) => e.path === 'OWNERS')!.sha;
    fake.resetCalls();
    // Act
    const first = await counted(async () => [await github.getTree(repo, byBranch.sha), await github.getBlob(repo, blobSha)]);
    const second = await counted(async () => [await github.getTree(repo, byBranch.sha), await github.getBlob(repo, blobSha), await github.getTree(repo, 'main')]);
    // Assess
    expect(second.result.slice(0, 2)).toEqual(first.result);
    expect(second.result[1]).toBe('approvers: [alice]\n');
    expect(fake.calls.map((c) => c.text)).toEqual([
      `getTree ${full} ${byBranch.sha} (recursive) → 200`,
      `getBlob ${full} ${blobSha} → 200`,
      `getTree ${full} main (recursive) → 304`,
    ]);
    expect(second.usage).toEqual({ reads: 1, writes: 0, notModified: 1, cached: 2 });
  });

  it('recognises routes under a GitHub Enterprise base URL (/api/v3)', async () => {
    // Prepare: the fake serves the same routes at its root; a fetch strips the prefix on the way.
    fake.setFile(full, 'main', 'OWNERS', 'approvers: [alice]\n');
    const ghe = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => fake.fetch(String(input instanceof Request ? input.url : input).replace('/api/v3/', '/'), init);
    const { github } = setup({ extra: { baseUrl: `${fake.url}/api/v3`, fetch: ghe as typeof fetch } });
    const { sha } = await github.getTree(repo, 'main');
    // Act
    const twice = await counted(async () => [await github.getTree(repo, sha), await github.getTree(repo, sha)]);
    // Assess
    expect(twice.usage).toEqual({ reads: 1, writes: 0, notModified: 0, cached: 1 });
  });

  it('a file at a commit SHA is immutable; at a branch it is revalidated', async () => {
    // Prepare
    const sha = 'c'.repeat(40);
    fake.setFile(full, sha, '.prow.yaml', 'presubmits: []\n');
    fake.setFile(full, 'main', '.prow.yaml', 'presubmits: []\n');
    const { github } = setup();
    // Act
    for (let i = 0; i < 3; i++) {
      expect(await github.getFile(repo, '.prow.yaml', sha)).toBe('presubmits: []\n');
      expect(await github.getFile(repo, '.prow.yaml', 'main')).toBe('presubmits: []\n');
    }
    // Assess: one read at the SHA; at main a read and two 304s.
    expect(fake.calls.map((c) => `${c.path.includes(sha) ? 'sha' : 'main'} ${c.status}`)).toEqual(['sha 200', 'main 200', 'main 304', 'main 304']);
  });

  it.each([
    {
      name: 'collaborator permission',
      read: (g: OctokitGitHub): Promise<unknown> => g.getRepoRole(repo, 'alice'),
      seed: () => fake.setRole(full, 'alice', 'write'),
      change: () => fake.setRole(full, 'alice', 'admin'),
      before: 'write',
      after: 'admin',
      last: 200,
    },
    {
      name: 'team membership',
      read: (g: OctokitGitHub): Promise<unknown> => g.isTeamMember(repo, 'reviewers', 'alice'),
      seed: () => fake.setTeam(owner, { name: 'Reviewers', slug: 'reviewers', members: ['alice'] }),
      change: () => fake.setTeam(owner, { name: 'Reviewers', slug: 'reviewers', members: ['bob'] }),
      before: true,
      after: false,
      // Not a member: GitHub answers 404.
      last: 404,
    },
    {
      name: "the repository's labels",
      read: async (g: OctokitGitHub): Promise<unknown> => (await g.getRepoLabels(repo)).map((l) => l.name),
      seed: () => fake.setRepoLabels(full, ['kind/bug']),
      change: () => fake.setRepoLabels(full, ['kind/bug', 'kind/feature']),
      before: ['kind/bug'],
      after: ['kind/bug', 'kind/feature'],
      last: 200,
    },
  ])('$name is reused for the TTL without a request, then revalidated', async ({ read, seed, change, before, after, last }) => {
    // Prepare
    seed();
    const { github } = setup();
    const ttlMs = 120_000;
    // Act
    const first = await counted(() => read(github));
    clock += ttlMs - 1;
    const reused = await counted(() => read(github));
    clock += 1;
    const revalidated = await counted(() => read(github));
    change();
    clock += ttlMs;
    const changed = await read(github);
    // Assess
    expect([first.result, reused.result, revalidated.result, changed]).toEqual([before, before, before, after]);
    expect(reused.usage).toEqual({ reads: 0, writes: 0, notModified: 0, cached: 1 });
    expect(revalidated.usage).toEqual({ reads: 1, writes: 0, notModified: 1, cached: 0 });
    expect(statuses()).toEqual([200, 304, last]);
  });

  it("a revalidating read of the repository's labels asks GitHub within the TTL, conditionally, and refreshes the kept answer", async () => {
    // Prepare
    fake.setRepoLabels(full, ['kind/bug']);
    const { github } = setup();
    await github.getRepoLabels(repo);
    // Act: a label created on GitHub a moment later.
    fake.setRepoLabels(full, ['kind/bug', 'kind/feature']);
    const cached = await counted(() => github.getRepoLabels(repo));
    const changed = await counted(() => github.getRepoLabels(repo, { revalidate: true }));
    const again = await counted(() => github.getRepoLabels(repo, { revalidate: true }));
    const after = await counted(() => github.getRepoLabels(repo));
    // Assess: the TTL's answer is the old list; a revalidation reads the new one, and is conditional
    // (the next one is a 304); what it read is kept for the next TTL.
    expect(cached.result.map((l) => l.name)).toEqual(['kind/bug']);
    expect(cached.usage).toEqual({ reads: 0, writes: 0, notModified: 0, cached: 1 });
    expect(changed.result.map((l) => l.name)).toEqual(['kind/bug', 'kind/feature']);
    expect(again.result.map((l) => l.name)).toEqual(['kind/bug', 'kind/feature']);
    expect(again.usage).toEqual({ reads: 1, writes: 0, notModified: 1, cached: 0 });
    expect(after.result.map((l) => l.name)).toEqual(['kind/bug', 'kind/feature']);
    expect(after.usage).toEqual({ reads: 0, writes: 0, notModified: 0, cached: 1 });
    expect(statuses()).toEqual([200, 200, 304]);
  });

  it('never shares answers across credentials: another token reads afresh, with no If-None-Match', async () => {
    // Prepare: one cache, as the connector shares it between its clients.
    fake.setLabels(full, 6, ['lgtm']);
    const cache = new EtagCache({ now });
    const a = setup({ token: 'token-a', cache }).github;
    const b = setup({ token: 'token-b', cache }).github;
    // Act
    await a.getIssueLabels(issue(6));
    await b.getIssueLabels(issue(6));
    await a.getIssueLabels(issue(6));
    await b.getIssueLabels(issue(6));
    // Assess
    expect(fake.calls.map((c) => `${c.auth} ${c.status}`)).toEqual(['token token-a 200', 'token token-b 200', 'token token-a 304', 'token token-b 304']);
  });

  it('a caller with its own ETag (the config loader) gets GitHub’s 304 itself', async () => {
    // Prepare
    fake.setFile(full, 'main', 'plugins.yaml', 'plugins: {}\n');
    const { github } = setup();
    const first = await github.getContent(repo, 'plugins.yaml', 'main');
    // Act
    const again = await counted(() => github.getContent(repo, 'plugins.yaml', 'main', first.status === 'ok' ? first.etag : undefined));
    // Assess
    expect(again.result).toEqual({ status: 'not-modified' });
    expect(again.usage).toEqual({ reads: 1, writes: 0, notModified: 1, cached: 0 });
  });

  it('retries and throttling see the 304 as GitHub’s answer, not a failure: one request, no retry', async () => {
    // Prepare: the first revalidation meets a 502, which plugin-retry retries; the retry is a 304.
    fake.setLabels(full, 7, ['lgtm']);
    const { github } = setup();
    await github.getIssueLabels(issue(7));
    fake.failNext({ method: 'GET', path: /\/issues\/7\/labels$/ }, faults.serverError(502));
    // Act
    const labels = await github.getIssueLabels(issue(7));
    const again = await github.getIssueLabels(issue(7));
    // Assess
    expect([labels, again]).toEqual([['lgtm'], ['lgtm']]);
    expect(statuses()).toEqual([200, 502, 304, 304]);
  });

  it('a cached answer is the caller’s own copy: changing it changes no later answer', async () => {
    // Prepare
    fake.setFile(full, 'main', 'OWNERS', 'approvers: [alice]\n');
    const { github } = setup();
    const tree = await github.getTree(repo, 'main');
    const first = await github.getTree(repo, tree.sha);
    const paths = first.entries.map((e) => e.path);
    // Act
    first.entries.length = 0;
    const second = await github.getTree(repo, tree.sha);
    // Assess
    expect(second.entries.map((e) => e.path)).toEqual(paths);
    expect(paths).toContain('OWNERS');
  });

  it('counts writes, and GraphQL queries as reads, into the scope they were made in', async () => {
    // Prepare
    fake.setFile(full, 'main', 'OWNERS', 'approvers: [alice]\n');
    const { github } = setup();
    const blobSha = (await github.getTree(repo, 'main')).entries.find((e) => e.path === 'OWNERS')!.sha;
    // Act
    const outside = github.addLabel(issue(8), 'x');
    const inside = await counted(async () => {
      await github.addLabel(issue(8), 'lgtm');
      await github.createComment(issue(8), 'hello');
      return github.getBlobs(repo, [blobSha]);
    });
    await outside;
    // Assess
    expect(inside.result).toEqual({ [blobSha]: 'approvers: [alice]\n' });
    expect(inside.usage).toEqual({ reads: 1, writes: 2, notModified: 0, cached: 0 });
  });

  it('a deleted resource’s entry goes: its 404 is answered as a 404 again, never from the cache', async () => {
    // Prepare
    fake.setPullRequest(full, 9, {});
    const { github, cache } = setup();
    await github.getPullRequest(issue(9));
    const kept = cache.size;
    fake.failNext({ method: 'GET', path: /\/pulls\/9$/ }, { status: 404 });
    // Act
    const gone = github.getPullRequest(issue(9));
    // Assess
    await expect(gone).rejects.toMatchObject({ name: 'GitHubError', message: expect.stringContaining('failed to read pull request') });
    expect(cache.size).toBe(kept - 1);
  });
});

describe('EtagCache', () => {
  const response = (data: unknown): CachedResponse => ({ status: 200, url: 'u', headers: {}, data });
  const entry = (bytes: number) => ({ etag: '"x"', response: response('x'), bytes, immutable: false, expiresAt: undefined });

  it("forgetRepoLabels drops one repository's label list, every page and credential, and nothing else", () => {
    // Prepare: keys as the hook makes them, `<credential> <accept> <url>`.
    const cache = new EtagCache();
    const keys = [
      'token:aaaa application/vnd.github.v3+json https://api.github.com/repos/acme/widgets/labels?per_page=100',
      'token:aaaa application/vnd.github.v3+json https://api.github.com/repos/acme/widgets/labels?per_page=100&page=2',
      'installation:7 application/vnd.github.v3+json https://ghe.example/api/v3/repos/Acme/Widgets/labels?per_page=100',
      'token:aaaa application/vnd.github.v3+json https://api.github.com/repos/acme/widgets/issues/1/labels?per_page=100',
      'token:aaaa application/vnd.github.v3+json https://api.github.com/repos/acme/gadgets/labels?per_page=100',
      'token:aaaa application/vnd.github.v3+json https://api.github.com/repos/acme/widgets/labels/kind%2Fbug',
    ];
    for (const key of keys) cache.set(key, entry(10));

    // Act
    const dropped = cache.forgetRepoLabels({ owner: 'acme', repo: 'widgets' });

    // Assess
    expect(dropped).toBe(3);
    expect(keys.map((key) => cache.get(key) !== undefined)).toEqual([false, false, false, true, true, true]);
    expect(cache.bytes).toBe(30);
  });

  it('evicts the least recently used entry past its count', () => {
    // Prepare
    const cache = new EtagCache({ maxEntries: 2 });
    cache.set('a', entry(1));
    cache.set('b', entry(1));
    // Act: reading a makes b the least recently used.
    cache.get('a');
    cache.set('c', entry(1));
    // Assess
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it('evicts past its bytes, and does not keep an answer larger than an eighth of them', () => {
    // Prepare
    const cache = new EtagCache({ maxBytes: 800 });
    cache.set('a', entry(100));
    cache.set('b', entry(100));
    cache.set('huge', entry(101));
    // Act
    for (const key of ['c', 'd', 'e', 'f', 'g', 'h', 'i']) cache.set(key, entry(100));
    // Assess
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    expect(cache.bytes).toBe(800);
  });

  it('replacing an entry counts its bytes once', () => {
    const cache = new EtagCache();
    cache.set('a', entry(100));
    cache.set('a', entry(50));
    expect([cache.size, cache.bytes]).toEqual([1, 50]);
  });
});

describe('readPolicy', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  it.each([
    { path: `/repos/o/r/git/blobs/${sha}`, policy: 'immutable' },
    { path: `/repos/o/r/git/trees/${sha}`, query: 'recursive=1', policy: 'immutable' },
    { path: `/repos/o/r/git/commits/${sha}`, policy: 'immutable' },
    { path: `/repos/o/r/git/trees/${'a'.repeat(64)}`, policy: 'immutable' },
    { path: '/repos/o/r/git/trees/main', policy: 'revalidate' },
    { path: `/repos/o/r/git/trees/${sha.slice(0, 7)}`, policy: 'revalidate' },
    { path: '/repos/o/r/contents/OWNERS', query: `ref=${sha}`, policy: 'immutable' },
    { path: '/repos/o/r/contents/OWNERS', query: 'ref=main', policy: 'revalidate' },
    { path: '/repos/o/r/contents/plugins.yaml', policy: 'revalidate' },
    { path: '/repos/o/r/collaborators/alice/permission', policy: 'short-lived' },
    { path: '/orgs/o/teams/t/memberships/alice', policy: 'short-lived' },
    { path: '/repos/o/r/issues/1/labels', policy: 'revalidate' },
    { path: '/repos/o/r/labels', query: 'per_page=100&page=2', policy: 'short-lived' },
    { path: '/repos/o/r/pulls/1', policy: 'revalidate' },
    { path: `/repos/o/r/commits/${sha}/status`, policy: 'revalidate' },
  ])('$path?$query → $policy', ({ path, query, policy }) => {
    expect(readPolicy(path, new URLSearchParams(query ?? ''))).toBe(policy);
  });
});

describe('credentialKey', () => {
  it.each([
    { name: 'a token, hashed', auth: { token: 'ghp_secret' }, key: /^token:[0-9a-f]{16}$/ },
    { name: 'an installation', auth: { appId: '1', privateKey: 'k', installationId: 42 }, key: /^installation:42$/ },
    { name: 'the App itself', auth: { appId: '7', privateKey: 'k' }, key: /^app:7$/ },
    { name: 'no credentials', auth: undefined, key: /^anonymous$/ },
  ])('$name', ({ auth, key }) => {
    expect(credentialKey(auth)).toMatch(key);
    expect(credentialKey(auth)).not.toContain('secret');
  });

  it('tells tokens apart', () => {
    expect(credentialKey({ token: 'a' })).not.toBe(credentialKey({ token: 'b' }));
  });
});
