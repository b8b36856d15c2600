// The GitHub adapter over HTTP: OctokitGitHub and GitHubConnector drive the production Octokit
// (buildOctokit: auth, retries, throttling) against the fake GitHub server on loopback, so what is
// checked is what goes over the wire: paths, auth headers, pagination, ETags, and how failures come
// back (GitHubError with the call's context and GitHub's status).
import { generateKeyPairSync } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dryRunClient, GitHubConnector } from '../../shared/github/connector.js';
import { withGitHubDeadline } from '../../shared/github/deadline.js';
import { describeError, GitHubError, GitHubNetworkError, GitHubTimeoutError, isRetryable } from '../../shared/github/errors.js';
import { OctokitGitHub } from '../../shared/github/octokit-client.js';
import { buildOctokit, type GitHubCredentials, type OctokitOptions } from '../../shared/github/octokit.js';
import { createLogger } from '../../shared/log.js';
import { FakeGitHub, faults, type FakeResponse } from '../fakes/github-server.js';
import { MemoryGitHub } from '../fakes/memory-github.js';

const owner = 'acme';
const name = 'widgets';
const full = `${owner}/${name}`;
const repo = { owner, repo: name };
const issue = (number: number) => ({ owner, repo: name, number });
const hold = 'do-not-merge/hold';
const log = createLogger({ logLevel: 'SILENT' });

let fake: FakeGitHub;
let options: OctokitOptions;
let privateKey: string;

beforeAll(async () => {
  fake = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  // No pause between writes, and backoffs of a millisecond per unit, so retries are instant.
  options = { baseUrl: fake.url, log, writeIntervalMs: 0, retryBaseMs: 1 };
  privateKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
});
afterAll(() => fake.close());
beforeEach(() => fake.resetCalls());

const client = (extra: Partial<OctokitOptions> = {}) => new OctokitGitHub(buildOctokit({ token: 'test-token' }, { ...options, ...extra }));
/** Readable calls: `addLabels acme/widgets#1 [lgtm] → 200`. */
const calls = () => fake.calls.map((c) => c.text);

describe('OctokitGitHub', () => {
  it('addLabel adds one label with the token', async () => {
    // Act
    await client().addLabel(issue(1), hold);

    // Assess
    expect(fake.writes()).toEqual([`addLabel ${full}#1 ${hold}`]);
    expect(fake.labelsOf(full, 1)).toEqual([hold]);
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'POST', path: `/repos/${full}/issues/1/labels`, auth: 'token test-token', body: { labels: [hold] } })]);
  });

  it('removeLabel removes a label with a slash in its name (URL-encoded)', async () => {
    // Prepare
    fake.setLabels(full, 2, [hold, 'size/S']);

    // Act
    await client().removeLabel(issue(2), hold);

    // Assess
    expect(fake.writes()).toEqual([`removeLabel ${full}#2 ${hold}`]);
    expect(fake.labelsOf(full, 2)).toEqual(['size/S']);
    expect(fake.calls[0]?.path).toBe(`/repos/${full}/issues/2/labels/do-not-merge%2Fhold`);
  });

  it('removeLabel of a label the issue does not have: GitHub answers 404, which is success', async () => {
    // Prepare
    fake.setLabels(full, 3, ['size/S']);

    // Act
    const removed = client().removeLabel(issue(3), hold);

    // Assess
    await expect(removed).resolves.toBeUndefined();
    expect(calls()).toEqual([`removeLabel ${full}#3 ${hold} → 404`]);
    expect(fake.writes()).toEqual([]);
  });

  it('getIssueLabels reads every page', async () => {
    // Prepare
    const labels = Array.from({ length: 130 }, (_, i) => `label-${i}`);
    fake.setLabels(full, 4, labels);

    // Act
    const read = await client().getIssueLabels(issue(4));

    // Assess
    expect(read).toEqual(labels);
    expect(calls()).toEqual([`listLabels ${full}#4 → 200`, `listLabels ${full}#4 page 2 → 200`]);
  });

  it('getPullRequestChanges reads every page, in the client’s shape', async () => {
    // Prepare
    const files = Array.from({ length: 150 }, (_, i) => ({ filename: `src/file-${i}.ts`, additions: i, deletions: 1, status: i === 0 ? 'added' : 'modified' }));
    fake.setChanges(full, 5, files);

    // Act
    const changes = await client().getPullRequestChanges(issue(5));

    // Assess
    expect(changes).toHaveLength(150);
    expect(changes[0]).toEqual({ filename: 'src/file-0.ts', additions: 0, deletions: 1, changes: 1, status: 'added' });
    expect(changes[149]).toEqual({ filename: 'src/file-149.ts', additions: 149, deletions: 1, changes: 150, status: 'modified' });
    expect(calls()).toEqual([`listFiles ${full}#5 → 200`, `listFiles ${full}#5 page 2 → 200`]);
  });

  it('getFile reads the raw text at a commit, and undefined for a file that is not there', async () => {
    // Prepare
    fake.setFile(full, 'abc123', '.generated_files', 'file-name=vendor/modules.txt\n');
    fake.setFile(full, 'main', '.gitattributes', '*.pb.go linguist-generated\n');

    // Act
    const atCommit = await client().getFile(repo, '.generated_files', 'abc123');
    const notAtCommit = await client().getFile(repo, '.gitattributes', 'abc123');

    // Assess
    expect(atCommit).toBe('file-name=vendor/modules.txt\n');
    expect(notAtCommit).toBeUndefined();
    expect(calls()).toEqual([`getContent ${full}@abc123 .generated_files (raw) → 200`, `getContent ${full}@abc123 .gitattributes (raw) → 404`]);
  });

  it('createComment posts the body as given', async () => {
    // Prepare
    const body = '@octocat: you can\'t `/hold` an issue.\n\n<details>\n\n> /hold\n</details>';

    // Act
    await client().createComment(issue(6), body);

    // Assess
    expect(fake.comments(full, 6)).toEqual([body]);
    expect(fake.writes()).toEqual([`createComment ${full}#6 ${body}`]);
  });

  it('getContent revalidates with the ETag: 304 → not-modified, a change → ok with a new ETag, 404 → not-found', async () => {
    // Prepare
    const github = client();
    fake.setFile('acme/prow-config', 'main', 'plugins.yaml', 'plugins: {}\n');

    // Act
    const first = await github.getContent({ owner, repo: 'prow-config' }, 'plugins.yaml', undefined);
    const etag = first.status === 'ok' ? first.etag : undefined;
    const unchanged = await github.getContent({ owner, repo: 'prow-config' }, 'plugins.yaml', undefined, etag);
    fake.setFile('acme/prow-config', 'main', 'plugins.yaml', 'plugins:\n  acme: [hold]\n');
    const changed = await github.getContent({ owner, repo: 'prow-config' }, 'plugins.yaml', undefined, etag);
    const missing = await github.getContent({ owner, repo: 'prow-config' }, 'config.yaml', 'main');

    // Assess
    expect(first).toEqual({ status: 'ok', text: 'plugins: {}\n', etag: expect.stringMatching(/^"[0-9a-f]+"$/) });
    expect(unchanged).toEqual({ status: 'not-modified' });
    expect(changed).toEqual({ status: 'ok', text: 'plugins:\n  acme: [hold]\n', etag: expect.not.stringMatching(etag!) });
    expect(missing).toEqual({ status: 'not-found' });
    expect(fake.calls.map((c) => c.status)).toEqual([200, 304, 200, 404]);
  });

  interface FailureRow {
    name: string;
    method: string;
    path: RegExp;
    response: FakeResponse;
    call: (github: OctokitGitHub) => Promise<unknown>;
    message: string;
    status: number;
  }

  const validation: FakeResponse = { status: 422, body: { message: 'Validation Failed' } };
  const forbidden: FakeResponse = { status: 403, body: { message: 'Resource not accessible by integration' } };
  const notFound: FakeResponse = { status: 404, body: { message: 'Not Found' } };
  const unauthorized: FakeResponse = { status: 401, body: { message: 'Bad credentials' } };

  const failures: FailureRow[] = [
    { name: 'addLabel 422', method: 'POST', path: /\/labels$/, response: validation, call: (g) => g.addLabel(issue(7), 'lgtm'), message: `failed to add label lgtm to ${full}#7`, status: 422 },
    { name: 'removeLabel 403', method: 'DELETE', path: /\/labels\//, response: forbidden, call: (g) => g.removeLabel(issue(7), 'lgtm'), message: `failed to remove label lgtm from ${full}#7`, status: 403 },
    { name: 'getIssueLabels 404 (no such issue)', method: 'GET', path: /\/labels$/, response: notFound, call: (g) => g.getIssueLabels(issue(7)), message: `failed to list labels of ${full}#7`, status: 404 },
    { name: 'getPullRequestChanges 404', method: 'GET', path: /\/files$/, response: notFound, call: (g) => g.getPullRequestChanges(issue(7)), message: `failed to list changed files of ${full}#7`, status: 404 },
    { name: 'getFile 403', method: 'GET', path: /\/contents\//, response: forbidden, call: (g) => g.getFile(repo, 'OWNERS', 'abc123'), message: `failed to read ${full}/OWNERS@abc123`, status: 403 },
    { name: 'getContent 401 without a ref', method: 'GET', path: /\/contents\//, response: unauthorized, call: (g) => g.getContent(repo, 'plugins.yaml', undefined), message: `failed to read ${full}/plugins.yaml`, status: 401 },
    { name: 'createComment 422', method: 'POST', path: /\/comments$/, response: validation, call: (g) => g.createComment(issue(7), 'hi'), message: `failed to comment on ${full}#7`, status: 422 },
  ];

  it.each(failures)('$name: a GitHubError with the call, the status and the cause; not retried', async ({ method, path, response, call, message, status }) => {
    // Prepare
    fake.failNext({ method, path }, response);

    // Act
    const failed = call(client());

    // Assess
    await expect(failed).rejects.toBeInstanceOf(GitHubError);
    await expect(failed).rejects.toMatchObject({ message, status, cause: { status } });
    expect(fake.calls).toHaveLength(1);
    expect(isRetryable(await failed.catch((e: unknown) => e))).toBe(false);
    expect(fake.writes()).toEqual([]);
  });

  it('a 502 once is retried by Octokit and succeeds', async () => {
    // Prepare
    fake.failNext({ method: 'POST', path: /\/labels$/ }, faults.serverError(502));

    // Act
    await client().addLabel(issue(8), 'lgtm');

    // Assess
    expect(calls()).toEqual([`addLabels ${full}#8 [lgtm] → 502 (injected)`, `addLabels ${full}#8 [lgtm] → 200`]);
    expect(fake.writes()).toEqual([`addLabel ${full}#8 lgtm`]);
  });

  it('a 502 that persists: three retries, then a retryable GitHubError', async () => {
    // Prepare
    fake.failNext({ method: 'POST', path: /\/labels$/ }, faults.serverError(502), 4);

    // Act
    const error = await client()
      .addLabel(issue(9), 'lgtm')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'GitHubError', message: `failed to add label lgtm to ${full}#9`, status: 502 });
    expect(isRetryable(error)).toBe(true);
    expect(fake.calls).toHaveLength(4);
  });

  it('a secondary rate limit within the wait budget is waited out', async () => {
    // Prepare
    fake.failNext({ method: 'POST', path: /\/labels$/ }, faults.secondaryRateLimit(1));

    // Act
    await client().addLabel(issue(10), 'lgtm');

    // Assess
    expect(fake.calls.map((c) => c.status)).toEqual([403, 200]);
    expect(fake.writes()).toEqual([`addLabel ${full}#10 lgtm`]);
  });

  it('a secondary rate limit beyond the wait budget fails the call with a retryable error', async () => {
    // Prepare: GitHub asks for 30 s; a worker will not wait more than 20.
    fake.failNext({ method: 'POST', path: /\/labels$/ }, faults.secondaryRateLimit(30));

    // Act
    const error = await client({ maxRateLimitWaitSeconds: 20 })
      .addLabel(issue(11), 'lgtm')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'GitHubError', status: 403, cause: { message: expect.stringContaining('secondary rate limit') } });
    expect(fake.calls).toHaveLength(1);
    expect(isRetryable(error)).toBe(true);
  });
});

describe('OctokitGitHub: comments, assignees and reviews', () => {
  it('getRepoLabels reads every page, descriptions as strings', async () => {
    // Prepare
    const labels = Array.from({ length: 130 }, (_, i) => ({ name: `area/${i}`, color: 'c0ffee', ...(i === 0 ? { description: 'the first' } : {}) }));
    fake.setRepoLabels(full, labels);

    // Act
    const read = await client().getRepoLabels(repo);

    // Assess
    expect(read).toHaveLength(130);
    expect(read[0]).toEqual({ name: 'area/0', color: 'c0ffee', description: 'the first' });
    expect(read[129]).toEqual({ name: 'area/129', color: 'c0ffee', description: '' });
    expect(calls()).toEqual([`listRepoLabels ${full} → 200`, `listRepoLabels ${full} page 2 → 200`]);
  });

  it('createComment returns the new id; listComments reads every page, oldest first, in the client’s shape', async () => {
    // Prepare
    for (let i = 0; i < 120; i++) fake.addComment(full, 30, { user: i % 2 ? 'alice' : 'ci[bot]', body: `comment ${i}` });

    // Act
    const id = await client().createComment(issue(30), 'mine');
    const comments = await client().listComments(issue(30));

    // Assess
    expect(comments).toHaveLength(121);
    expect(comments[0]).toEqual({
      id: expect.any(Number),
      body: 'comment 0',
      user: { login: 'ci[bot]', type: 'Bot' },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updatedAt: expect.any(String),
      htmlUrl: expect.stringContaining(`/${full}/issues/30#issuecomment-`),
    });
    expect(comments[120]).toMatchObject({ id, body: 'mine', user: { login: 'skiff-bot' } });
    expect(calls()).toEqual([expect.stringMatching(/^createComment .* → 201$/), `listComments ${full}#30 → 200`, `listComments ${full}#30 page 2 → 200`]);
  });

  it('editComment changes the body; a comment that is gone is a GitHubError with the call’s context', async () => {
    // Prepare
    const id = fake.addComment(full, 31, { user: 'skiff-bot', body: 'old' });

    // Act
    await client().editComment(repo, id, 'new');
    const gone = client().editComment(repo, 99_999, 'new');

    // Assess
    expect(fake.commentsOf(full, 31)).toEqual([{ id, user: 'skiff-bot', body: 'new' }]);
    await expect(gone).rejects.toMatchObject({ name: 'GitHubError', status: 404, message: `failed to edit comment 99999 in ${full}` });
    expect(fake.writes()).toEqual([`editComment ${full} ${id} new`]);
  });

  it('deleteComment deletes; deleting it again (GitHub answers 404) is success', async () => {
    // Prepare
    const id = fake.addComment(full, 32, { user: 'skiff-bot', body: 'bye' });

    // Act
    await client().deleteComment(repo, id);
    const again = client().deleteComment(repo, id);

    // Assess
    await expect(again).resolves.toBeUndefined();
    expect(fake.commentsOf(full, 32)).toEqual([]);
    expect(calls()).toEqual([`deleteComment ${full} ${id} → 204`, `deleteComment ${full} ${id} → 404`]);
    expect(fake.writes()).toEqual([`deleteComment ${full} ${id}`]);
  });

  it('addAssignees answers who is assigned afterwards: GitHub drops, silently, those it cannot assign', async () => {
    // Prepare: triage and up can be assigned; bob only reads (anyone can, on a public repository).
    fake.setRole(full, 'alice', 'triage');
    fake.setRole(full, 'carol', 'admin');
    fake.setAssignees(full, 33, ['carol']);

    // Act
    const assigned = await client().addAssignees(issue(33), ['alice', 'bob']);

    // Assess
    expect(assigned).toEqual(['carol', 'alice']);
    expect(fake.assigneesOf(full, 33)).toEqual(['carol', 'alice']);
    expect(fake.calls[0]).toMatchObject({ method: 'POST', path: `/repos/${full}/issues/33/assignees`, status: 201, body: { assignees: ['alice', 'bob'] } });
    expect(fake.writes()).toEqual([`addAssignees ${full}#33 [alice, bob]`]);
  });

  it('removeAssignees of someone who is not assigned is success', async () => {
    // Prepare
    fake.setAssignees(full, 34, ['carol']);

    // Act
    await client().removeAssignees(issue(34), ['carol', 'nobody']);

    // Assess
    expect(fake.assigneesOf(full, 34)).toEqual([]);
    expect(fake.calls[0]).toMatchObject({ method: 'DELETE', path: `/repos/${full}/issues/34/assignees`, status: 200, body: { assignees: ['carol', 'nobody'] } });
  });

  it('requestReviewers sends users and teams; removeReviewRequests takes them back', async () => {
    // Prepare
    fake.setPullRequest(full, 35, { author: 'alice' });
    fake.setRole(full, 'bob', 'write');
    fake.setTeam(owner, { name: 'Core', slug: 'core', members: ['bob'] });

    // Act
    await client().requestReviewers(issue(35), { reviewers: ['bob'], teamReviewers: ['core'] });
    const requested = fake.requestedOf(full, 35);
    await client().removeReviewRequests(issue(35), { reviewers: ['bob'] });

    // Assess
    expect(requested).toEqual({ reviewers: ['bob'], teams: ['core'] });
    expect(fake.requestedOf(full, 35)).toEqual({ reviewers: [], teams: ['core'] });
    expect(fake.calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', `/repos/${full}/pulls/35/requested_reviewers`, { reviewers: ['bob'], team_reviewers: ['core'] }],
      ['DELETE', `/repos/${full}/pulls/35/requested_reviewers`, { reviewers: ['bob'], team_reviewers: [] }],
    ]);
  });

  it.each([
    { name: 'a user who is not a collaborator', request: { reviewers: ['bob', 'mallory'] }, message: 'Reviews may only be requested from collaborators' },
    { name: 'a team the organization does not have', request: { teamReviewers: ['ghosts'] }, message: 'Reviews may only be requested from collaborators' },
    { name: 'the pull request’s author', request: { reviewers: ['alice'] }, message: 'Review cannot be requested from pull request author.' },
  ])('requestReviewers refuses the whole request (422, terminal) for $name', async ({ request, message }) => {
    // Prepare
    fake.setPullRequest(full, 36, { author: 'alice' });
    fake.setRole(full, 'alice', 'write');
    fake.setRole(full, 'bob', 'write');

    // Act
    const refused = client().requestReviewers(issue(36), request);

    // Assess
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ status: 422, message: expect.stringMatching(new RegExp(`^failed to request reviews from .* on ${full}#36$`)) });
    expect(describeError(error)).toContain(message);
    expect(isRetryable(error)).toBe(false);
    expect(fake.requestedOf(full, 36)).toEqual({ reviewers: [], teams: [] });
    expect(fake.writes()).toEqual([]);
  });

  it('listReviews reads every page, states upper-case as GitHub sends them', async () => {
    // Prepare
    fake.setPullRequest(full, 37, { head: { sha: 'head37' } });
    const states = ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED'] as const;
    for (let i = 0; i < 105; i++) fake.addReview(full, 37, { user: `user${i}`, state: states[i % 4]!, body: i === 0 ? 'lgtm' : '', submittedAt: '2024-01-02T03:04:05Z' });

    // Act
    const reviews = await client().listReviews(issue(37));

    // Assess
    expect(reviews).toHaveLength(105);
    expect(reviews[0]).toEqual({
      id: expect.any(Number),
      state: 'APPROVED',
      body: 'lgtm',
      user: { login: 'user0', type: 'User' },
      submittedAt: '2024-01-02T03:04:05Z',
      commitId: 'head37',
      htmlUrl: expect.stringContaining(`/${full}/pull/37#pullrequestreview-`),
    });
    expect(reviews.slice(0, 4).map((r) => r.state)).toEqual([...states]);
    expect(calls()).toEqual([`listReviews ${full}#37 → 200`, `listReviews ${full}#37 page 2 → 200`]);
  });
});

describe('OctokitGitHub: pull requests and code', () => {
  it('getPullRequest maps GitHub’s pull request: label names, team slugs, draft and merged as booleans', async () => {
    // Prepare
    fake.setPullRequest(full, 40, { author: 'alice', title: 'Fix it', body: 'Fixes #1', draft: true, head: { ref: 'fix', sha: 'h40' }, base: { sha: 'b40' } });
    fake.setLabels(full, 40, ['lgtm', 'size/S']);
    fake.setAssignees(full, 40, ['carol']);
    fake.setTeam(owner, { name: 'Core Team', slug: 'core', members: [] });
    fake.setRequestedReviewers(full, 40, { reviewers: ['bob'], teams: ['core'] });

    // Act
    const pr = await client().getPullRequest(issue(40));

    // Assess
    expect(pr).toEqual({
      number: 40,
      title: 'Fix it',
      body: 'Fixes #1',
      state: 'open',
      draft: true,
      merged: false,
      mergeable: true,
      mergeableState: 'draft',
      milestone: undefined,
      user: { login: 'alice', type: 'User' },
      htmlUrl: `https://github.com/${full}/pull/40`,
      head: { ref: 'fix', sha: 'h40' },
      base: { ref: 'main', sha: 'b40', cloneUrl: `https://github.com/${full}.git` },
      labels: ['lgtm', 'size/S'],
      assignees: ['carol'],
      requestedReviewers: ['bob'],
      requestedTeams: ['core'],
    });
  });

  it('getPullRequest of one that does not exist: a terminal GitHubError naming it', async () => {
    // Act
    const missing = client().getPullRequest(issue(4040));

    // Assess
    await expect(missing).rejects.toMatchObject({ name: 'GitHubError', status: 404, message: `failed to read pull request ${full}#4040` });
  });

  it('getPullRequestChanges keeps a renamed file’s old name', async () => {
    // Prepare
    fake.setChanges(full, 41, [{ filename: 'new.go', previousFilename: 'old.go', additions: 0, deletions: 0, status: 'renamed' }]);

    // Act
    const changes = await client().getPullRequestChanges(issue(41));

    // Assess
    expect(changes).toEqual([{ filename: 'new.go', previousFilename: 'old.go', additions: 0, deletions: 0, changes: 0, status: 'renamed' }]);
  });

  it('getTree lists every level with git’s SHAs (known answer from git write-tree), directories before their contents', async () => {
    // Prepare: `docs-a` sorts before `docs`, since git compares a directory as `docs/`.
    for (const ref of ['t1', 't2']) {
      fake.setFile(full, ref, 'OWNERS', 'approvers:\n- alice\n');
      fake.setFile(full, ref, 'docs/README.md', '# docs\n');
      fake.setFile(full, ref, 'docs-a', 'x');
    }

    // Act
    const tree = await client().getTree(repo, 't1');
    const again = await client().getTree(repo, 't2');
    const docs = await client().getTree(repo, 'abf2d0ce15c7f5c1673c5372cbe44083b309e4f4');

    // Assess
    expect(tree).toEqual({
      sha: 'aab73d5610d8f6002277f8c7f6d97083330b80f1',
      truncated: false,
      entries: [
        { path: 'OWNERS', type: 'blob', sha: '58c3a732c86d7be16df6ac0ead868786a58603e7' },
        { path: 'docs-a', type: 'blob', sha: 'c1b0730e0133447badcfd47fd144e254807b06e1' },
        { path: 'docs', type: 'tree', sha: 'abf2d0ce15c7f5c1673c5372cbe44083b309e4f4' },
        { path: 'docs/README.md', type: 'blob', sha: '9b693281560ca6be7cb405a08f9268819adefefd' },
      ],
    });
    expect(again.sha).toBe(tree.sha);
    expect(docs).toEqual({ sha: 'abf2d0ce15c7f5c1673c5372cbe44083b309e4f4', truncated: false, entries: [{ path: 'README.md', type: 'blob', sha: '9b693281560ca6be7cb405a08f9268819adefefd' }] });
    expect(fake.calls[0]?.path).toBe(`/repos/${full}/git/trees/t1?recursive=1`);
  });

  it('getBlobs reads many blobs in one GraphQL query per 50, leaving out SHAs that are no blob here', async () => {
    // Prepare: 60 distinct files, so two queries.
    const texts = Array.from({ length: 60 }, (_, i) => `approvers:\n- user${i}\n`);
    texts.forEach((text, i) => fake.setFile(full, 'many', `d${i}/OWNERS`, text));
    const { entries } = await client().getTree(repo, 'many');
    const shas = entries.filter((e) => e.type === 'blob').map((e) => e.sha);
    fake.resetCalls();

    // Act
    const blobs = await client().getBlobs(repo, [...shas, '0000000000000000000000000000000000000000']);

    // Assess
    expect(Object.keys(blobs)).toHaveLength(60);
    expect(new Set(Object.values(blobs))).toEqual(new Set(texts));
    expect(fake.calls.map((c) => c.text)).toEqual([`graphql getBlobs ${full} ×50 → 200`, `graphql getBlobs ${full} ×11 → 200`]);
  });

  it('getCommit gives the commit’s tree SHA, the one getTree lists, without the tree', async () => {
    // Prepare
    fake.setFile(full, 'c1', 'OWNERS', 'approvers:\n- alice\n');
    fake.setFile(full, 'c1', 'docs/README.md', '# docs\n');

    // Act
    const commit = await client().getCommit(repo, 'c1');
    const tree = await client().getTree(repo, 'c1');

    // Assess
    expect(commit).toEqual({ sha: 'c1', treeSha: tree.sha });
    expect(fake.calls[0]?.path).toBe(`/repos/${full}/git/commits/c1`);
  });

  it('getBlob decodes GitHub’s line-wrapped base64 to UTF-8; an unknown SHA is a GitHubError', async () => {
    // Prepare: longer than one 60-character base64 line, and not ASCII.
    const text = `${'ünïcødé '.repeat(20)}\n`;
    fake.setFile(full, 'blobs', 'README', text);
    const { entries } = await client().getTree(repo, 'blobs');

    // Act
    const read = await client().getBlob(repo, entries[0]!.sha);
    const unknown = client().getBlob(repo, '0000000000000000000000000000000000000000');

    // Assess
    expect(read).toBe(text);
    await expect(unknown).rejects.toMatchObject({ name: 'GitHubError', status: 404, message: `failed to read the blob 0000000000000000000000000000000000000000 of ${full}` });
  });
});

// The triage plugins' calls, on repositories of their own so listings see only what each test seeded.
describe('OctokitGitHub: issues, milestones, searches, commits, statuses and branches', () => {
  // plugin-throttling spaces searches 2 s apart, process-wide, and buildOctokit cannot lower that
  // for tests; the search rows use an Octokit without it, the one row in the error table with it.
  const unthrottled = () => new OctokitGitHub(new Octokit({ baseUrl: fake.url, auth: 'test-token', request: { retries: 0 }, log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } }));
  let n = 0;
  /** A repository no other test has touched. */
  const fresh = () => {
    const name = `triage-${++n}`;
    return { ref: { owner, repo: name }, full: `${owner}/${name}`, issue: (number: number) => ({ owner, repo: name, number }) };
  };

  it.each([
    { name: 'conflicts', seed: { mergeable: false, mergeableState: 'dirty', milestone: 'v1.2' }, want: { mergeable: false, mergeableState: 'dirty', milestone: 'v1.2' } },
    { name: 'still being computed', seed: { mergeable: null, mergeableState: 'unknown' }, want: { mergeable: null, mergeableState: 'unknown', milestone: undefined } },
    { name: 'clean by default', seed: {}, want: { mergeable: true, mergeableState: 'clean', milestone: undefined } },
  ])('getPullRequest carries mergeability and the milestone’s title: $name', async ({ seed, want }) => {
    // Prepare
    const r = fresh();
    fake.setPullRequest(r.full, 1, seed);

    // Act
    const pr = await client().getPullRequest(r.issue(1));

    // Assess
    expect({ mergeable: pr.mergeable, mergeableState: pr.mergeableState, milestone: pr.milestone }).toEqual(want);
  });

  it('listPullRequests reads every page of the open pull requests into the base; merged comes from merged_at', async () => {
    // Prepare: 120 open into main, 2 into release, 3 closed into main.
    const r = fresh();
    for (let i = 1; i <= 120; i++) fake.setPullRequest(r.full, i, { base: { ref: 'main' } });
    fake.setPullRequest(r.full, 121, { base: { ref: 'release' } });
    fake.setPullRequest(r.full, 122, { base: { ref: 'release' } });
    for (let i = 123; i <= 125; i++) fake.setPullRequest(r.full, i, { base: { ref: 'main' }, state: 'closed', merged: i === 123 });
    fake.resetCalls();

    // Act
    const open = await client().listPullRequests(r.ref, { base: 'main' });
    const all = await client().listPullRequests(r.ref, {});

    // Assess
    expect(open.map((p) => p.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(all).toHaveLength(122);
    // The listing has no mergeability: GitHub computes it for one pull request at a time.
    expect(open[0]).toMatchObject({ state: 'open', merged: false, mergeable: null, mergeableState: 'unknown', base: { ref: 'main' } });
    expect(calls()).toEqual([
      `listPullRequests ${r.full} state=open base=main → 200`,
      `listPullRequests ${r.full} state=open base=main page 2 → 200`,
      `listPullRequests ${r.full} state=open → 200`,
      `listPullRequests ${r.full} state=open page 2 → 200`,
    ]);
    expect(fake.calls[0]?.path).toBe(`/repos/${r.full}/pulls?state=open&base=main&per_page=100`);
  });

  it('listPullRequestCommits reads every page, oldest first: logins (none when GitHub matched no account), names, emails, parents', async () => {
    // Prepare
    const r = fresh();
    fake.setPullRequest(r.full, 1, { author: 'alice', base: { sha: 'base0' } });
    const seeds = Array.from({ length: 130 }, (_, i) => ({ sha: `c${i}`, message: `commit ${i}\n\nSigned-off-by: Alice <alice@example.com>` }));
    fake.setCommits(r.full, 1, [...seeds, { sha: 'merge', message: 'Merge main', author: null, authorName: 'Someone', authorEmail: 'someone@example.com', committerName: 'GitHub', committerEmail: 'noreply@github.com', parents: ['c129', 'base0'] }]);
    fake.resetCalls();

    // Act
    const commits = await client().listPullRequestCommits(r.issue(1));

    // Assess
    expect(commits).toHaveLength(131);
    expect(commits[0]).toEqual({
      sha: 'c0',
      message: 'commit 0\n\nSigned-off-by: Alice <alice@example.com>',
      authorLogin: 'alice',
      authorName: 'alice',
      authorEmail: 'alice@users.noreply.github.com',
      committerName: 'alice',
      committerEmail: 'alice@users.noreply.github.com',
      parents: ['base0'],
    });
    expect(commits[1]?.parents).toEqual(['c0']);
    expect(commits[130]).toEqual({
      sha: 'merge',
      message: 'Merge main',
      authorLogin: undefined,
      authorName: 'Someone',
      authorEmail: 'someone@example.com',
      committerName: 'GitHub',
      committerEmail: 'noreply@github.com',
      parents: ['c129', 'base0'],
    });
    expect(calls()).toEqual([`listPullRequestCommits ${r.full}#1 → 200`, `listPullRequestCommits ${r.full}#1 page 2 → 200`]);
  });

  it('getIssue maps an issue (closed as not planned, with a milestone) and a pull request seen as an issue', async () => {
    // Prepare
    const r = fresh();
    fake.setMilestones(r.full, [{ number: 3, title: 'v1.0' }]);
    fake.setIssue(r.full, 1, { title: 'Crash', body: 'It crashes', author: 'bob', state: 'closed', stateReason: 'not_planned', milestone: 3 });
    fake.setLabels(r.full, 1, ['kind/bug']);
    fake.setAssignees(r.full, 1, ['carol']);
    fake.setPullRequest(r.full, 2, { author: 'alice', title: 'Fix the crash' });

    // Act
    const issue = await client().getIssue(r.issue(1));
    const pr = await client().getIssue(r.issue(2));

    // Assess
    expect(issue).toEqual({
      number: 1,
      nodeId: expect.stringMatching(/^I_/),
      title: 'Crash',
      body: 'It crashes',
      state: 'closed',
      stateReason: 'not_planned',
      isPullRequest: false,
      user: { login: 'bob', type: 'User' },
      labels: ['kind/bug'],
      assignees: ['carol'],
      milestone: 'v1.0',
      htmlUrl: `https://github.com/${r.full}/issues/1`,
    });
    expect(pr).toMatchObject({ number: 2, title: 'Fix the crash', state: 'open', stateReason: null, isPullRequest: true, user: { login: 'alice' }, milestone: undefined });
  });

  it.each([
    { name: 'a title only', update: { title: 'New title' }, body: { title: 'New title' }, after: { title: 'New title', state: 'open', stateReason: null, milestone: 'v1.0' } },
    { name: 'closed as not planned', update: { state: 'closed' as const, stateReason: 'not_planned' as const }, body: { state: 'closed', state_reason: 'not_planned' }, after: { state: 'closed', stateReason: 'not_planned', milestone: 'v1.0' } },
    { name: 'closed without a reason: GitHub says completed', update: { state: 'closed' as const }, body: { state: 'closed' }, after: { state: 'closed', stateReason: 'completed' } },
    { name: 'a milestone set by number', update: { milestone: 4 }, body: { milestone: 4 }, after: { milestone: 'v2.0', state: 'open' } },
    { name: 'the milestone cleared with null', update: { milestone: null }, body: { milestone: null }, after: { milestone: undefined, title: 'Issue 1' } },
  ])('updateIssue sends only the fields given: $name', async ({ update, body, after }) => {
    // Prepare
    const r = fresh();
    fake.setMilestones(r.full, [{ number: 3, title: 'v1.0' }, { number: 4, title: 'v2.0' }]);
    fake.setIssue(r.full, 1, { milestone: 'v1.0' });
    fake.resetCalls();

    // Act
    await client().updateIssue(r.issue(1), update);

    // Assess
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'PATCH', path: `/repos/${r.full}/issues/1`, status: 200, body })]);
    expect(fake.issueOf(r.full, 1)).toMatchObject(after);
    expect(fake.writes()).toEqual([`updateIssue ${r.full}#1 ${JSON.stringify(update)}`]);
  });

  it('updateIssue reopens and retitles a pull request through the issues API; getPullRequest shows it', async () => {
    // Prepare
    const r = fresh();
    fake.setPullRequest(r.full, 7, { state: 'closed', title: 'WIP: thing' });

    // Act
    await client().updateIssue(r.issue(7), { state: 'open', title: 'thing' });
    const pr = await client().getPullRequest(r.issue(7));

    // Assess
    expect(pr).toMatchObject({ state: 'open', title: 'thing' });
    expect(fake.issueOf(r.full, 7)).toMatchObject({ isPullRequest: true, stateReason: 'reopened' });
  });

  it('updateIssue to a milestone the repository does not have: GitHub’s 422, as a GitHubError naming the fields', async () => {
    // Prepare
    const r = fresh();

    // Act
    const error = await client().updateIssue(r.issue(1), { milestone: 99 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ message: `failed to update ${r.full}#1 (milestone)`, status: 422 });
    expect(fake.writes()).toEqual([]);
  });

  it('listMilestones reads open and closed milestones, every page', async () => {
    // Prepare
    const r = fresh();
    const milestones = Array.from({ length: 105 }, (_, i) => ({ number: i + 1, title: `v${i + 1}`, state: i % 3 === 0 ? ('closed' as const) : ('open' as const) }));
    fake.setMilestones(r.full, milestones);
    fake.resetCalls();

    // Act
    const read = await client().listMilestones(r.ref);

    // Assess
    expect(read).toEqual(milestones);
    expect(fake.calls.map((c) => c.path)).toEqual([`/repos/${r.full}/milestones?state=all&per_page=100`, `/repos/${r.full}/milestones?state=all&per_page=100&page=2`]);
  });

  it.each([
    { name: 'an author’s pull requests, open or closed', query: 'is:pr author:alice', count: 3 },
    { name: 'an author’s merged pull requests', query: 'is:pr is:merged author:alice', count: 1 },
    { name: 'open issues', query: 'is:issue state:open', count: 1 },
    { name: 'someone with none', query: 'is:pr author:nobody', count: 0 },
  ])('countIssues: $name, within the repository (repo: added), one result a page', async ({ query, count }) => {
    // Prepare: alice has 3 pull requests here (one merged) and one elsewhere.
    const r = fresh();
    const other = fresh();
    fake.setPullRequest(r.full, 1, { author: 'alice' });
    fake.setPullRequest(r.full, 2, { author: 'alice', state: 'closed', merged: true });
    fake.setPullRequest(r.full, 3, { author: 'alice', state: 'closed' });
    fake.setPullRequest(r.full, 4, { author: 'bob' });
    fake.setIssue(r.full, 5, { author: 'alice' });
    fake.setIssue(r.full, 6, { author: 'alice', state: 'closed' });
    fake.setPullRequest(other.full, 1, { author: 'alice' });
    fake.resetCalls();

    // Act
    const found = await unthrottled().countIssues(r.ref, query);

    // Assess
    expect(found).toBe(count);
    const sent = new URL(fake.calls[0]?.path ?? '', fake.url);
    expect(sent.pathname).toBe('/search/issues');
    expect(sent.searchParams.get('q')).toBe(`${query} repo:${r.full}`);
    expect(sent.searchParams.get('per_page')).toBe('1');
    expect(fake.calls).toHaveLength(1);
  });

  it('countIssues: a query GitHub refuses is a GitHubError with the query', async () => {
    // Act
    const r = fresh();
    const error = await unthrottled().countIssues(r.ref, 'is:nonsense').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'GitHubError', status: 422, message: `failed to search ${r.full} for "is:nonsense"` });
  });

  it('createStatus sends state, context, description and target URL (none when empty); listStatuses has the latest per context', async () => {
    // Prepare
    const r = fresh();

    // Act
    await client().createStatus(r.ref, 'abc', { context: 'dco', state: 'pending', description: 'checking', targetUrl: '' });
    await client().createStatus(r.ref, 'abc', { context: 'dco', state: 'failure', description: 'Commits not signed off', targetUrl: 'https://example.com/dco' });
    await client().createStatus(r.ref, 'abc', { context: 'ci', state: 'success', description: '', targetUrl: '' });
    const statuses = await client().listStatuses(r.ref, 'abc');

    // Assess
    expect(fake.calls[0]).toMatchObject({ method: 'POST', path: `/repos/${r.full}/statuses/abc`, body: { state: 'pending', context: 'dco', description: 'checking' } });
    expect(fake.calls[1]?.body).toEqual({ state: 'failure', context: 'dco', description: 'Commits not signed off', target_url: 'https://example.com/dco' });
    expect(statuses).toEqual([
      { context: 'dco', state: 'failure', description: 'Commits not signed off', targetUrl: 'https://example.com/dco' },
      { context: 'ci', state: 'success', description: '', targetUrl: '' },
    ]);
    expect(fake.writes()).toEqual([
      `createStatus ${r.full}@abc dco pending "checking"`,
      `createStatus ${r.full}@abc dco failure "Commits not signed off"`,
      `createStatus ${r.full}@abc ci success ""`,
    ]);
  });

  it('listStatuses reads every page of the combined status', async () => {
    // Prepare: 130 contexts, each set twice.
    const r = fresh();
    for (let i = 0; i < 130; i++) {
      fake.addStatus(r.full, 'def', { context: `ctx-${i}`, state: 'pending' });
      fake.addStatus(r.full, 'def', { context: `ctx-${i}`, state: 'success' });
    }
    fake.resetCalls();

    // Act
    const statuses = await client().listStatuses(r.ref, 'def');

    // Assess
    expect(statuses).toHaveLength(130);
    expect(new Set(statuses.map((s) => s.state))).toEqual(new Set(['success']));
    expect(calls()).toEqual([`getCombinedStatus ${r.full}@def → 200`, `getCombinedStatus ${r.full}@def page 2 → 200`]);
  });

  it('deleteBranch deletes refs/heads/<branch>, a slash in the name URL-encoded', async () => {
    // Prepare
    const r = fresh();
    fake.setBranches(r.full, ['main', 'feature/x']);
    fake.resetCalls();

    // Act
    await client().deleteBranch(r.ref, 'feature/x');

    // Assess
    expect(fake.branchesOf(r.full)).toEqual(['main']);
    expect(fake.calls).toEqual([expect.objectContaining({ method: 'DELETE', path: `/repos/${r.full}/git/refs/heads%2Ffeature%2Fx`, status: 204 })]);
    expect(fake.writes()).toEqual([`deleteBranch ${r.full} feature/x`]);
  });

  it.each([
    { name: '422 "Reference does not exist" (already deleted)', inject: undefined, status: 422 },
    { name: '404 (no such repository, or no access to it)', inject: { status: 404, body: { message: 'Not Found' } }, status: 404 },
  ])('deleteBranch of a branch already gone is success: $name', async ({ inject, status }) => {
    // Prepare
    const r = fresh();
    if (inject) fake.failNext({ method: 'DELETE', path: /\/git\/refs\// }, inject);

    // Act
    const deleted = client().deleteBranch(r.ref, 'gone');

    // Assess
    await expect(deleted).resolves.toBeUndefined();
    expect(fake.calls.map((c) => c.status)).toEqual([status]);
    expect(fake.writes()).toEqual([]);
  });

  it('deleteBranch: any other 422 (a protected branch) is a GitHubError', async () => {
    // Prepare
    const r = fresh();
    fake.failNext({ method: 'DELETE', path: /\/git\/refs\// }, { status: 422, body: { message: 'Cannot delete this protected branch' } });

    // Act
    const error = await client().deleteBranch(r.ref, 'main').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'GitHubError', status: 422, message: `failed to delete the branch main of ${r.full}` });
  });
});

describe('OctokitGitHub: people', () => {
  it('listCollaborators lists everyone with a role, every page, and nobody who only reads a public repository', async () => {
    // Prepare: 120 people with roles on a repository of their own, so two pages.
    const crowd = { owner: 'acme', repo: 'crowd' };
    for (let i = 0; i < 120; i++) fake.setRole('acme/crowd', `user${i}`, i % 2 ? 'write' : 'triage');
    fake.resetCalls();

    // Act
    const logins = await client().listCollaborators(crowd);

    // Assess
    expect(logins).toHaveLength(120);
    expect(logins).not.toContain('passer-by');
    expect(fake.calls.map((c) => c.path)).toEqual(['/repos/acme/crowd/collaborators?affiliation=all&per_page=100', '/repos/acme/crowd/collaborators?affiliation=all&per_page=100&page=2']);
  });

  it.each([
    { name: 'a custom role comes through by name', login: 'dana', setup: () => fake.setRole('acme/people', 'dana', 'release-manager'), role: 'release-manager' },
    { name: 'maintain (permission says write)', login: 'mia', setup: () => fake.setRole('acme/people', 'mia', 'maintain'), role: 'maintain' },
    { name: 'triage (permission says read)', login: 'tom', setup: () => fake.setRole('acme/people', 'tom', 'triage'), role: 'triage' },
    { name: 'no role on a public repository: read', login: 'pat', setup: () => {}, role: 'read' },
    { name: 'no role on a private repository: none', login: 'pat', setup: () => fake.setVisibility('acme/people', 'private'), role: 'none' },
    {
      name: 'no role_name (an older GitHub Enterprise): permission',
      login: 'old',
      setup: () => fake.failNext({ method: 'GET', path: /\/permission$/ }, { status: 200, body: { permission: 'write', user: { login: 'old' } } }),
      role: 'write',
    },
    { name: 'a login that is no user (404): none', login: 'ghost-user', setup: () => fake.failNext({ method: 'GET', path: /\/permission$/ }, { status: 404 }), role: 'none' },
  ])('getRepoRole: $name', async ({ login, setup, role }) => {
    // Prepare
    fake.setVisibility('acme/people', 'public');
    setup();

    // Act
    const got = await client().getRepoRole({ owner: 'acme', repo: 'people' }, login);

    // Assess
    expect(got).toBe(role);
    expect(fake.calls.map((c) => c.path)).toEqual([`/repos/acme/people/collaborators/${login}/permission`]);
  });

  it.each([
    { name: 'the bot is a member: a member', bot: true, login: 'alice', member: true, calls: ['checkMembership org1 alice → 204'] },
    { name: 'the bot is a member: a concealed member', bot: true, login: 'carol', member: true, calls: ['checkMembership org1 carol → 204'] },
    { name: 'the bot is a member: not a member', bot: true, login: 'zed', member: false, calls: ['checkMembership org1 zed → 404'] },
    { name: 'the bot is not a member: a public member, through the 302', bot: false, login: 'alice', member: true, calls: ['checkMembership org1 alice → 302', 'checkPublicMembership org1 alice → 204'] },
    { name: 'the bot is not a member: a concealed member cannot be seen', bot: false, login: 'carol', member: false, calls: ['checkMembership org1 carol → 302', 'checkPublicMembership org1 carol → 404'] },
    { name: 'the bot is not a member: not a member', bot: false, login: 'zed', member: false, calls: ['checkMembership org1 zed → 302', 'checkPublicMembership org1 zed → 404'] },
  ])('isOrgMember: $name', async ({ bot, login, member, calls: expected }) => {
    // Prepare
    fake.setOrgMembers('org1', ['alice', 'carol', ...(bot ? ['skiff-bot'] : [])], { concealed: ['carol'] });

    // Act
    const got = await client().isOrgMember({ owner: 'org1', repo: 'any' }, login);

    // Assess
    expect(got).toBe(member);
    expect(calls()).toEqual(expected);
  });

  it('isOrgMember: a failure that is not an answer is a GitHubError', async () => {
    // Prepare
    fake.failNext({ method: 'GET', path: /\/members\// }, { status: 403, body: { message: 'Resource not accessible by integration' } });

    // Act
    const failed = client().isOrgMember(repo, 'alice');

    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'GitHubError', status: 403, message: `failed to check whether alice is a member of ${owner}` });
  });

  it('listTeams reads every page', async () => {
    // Prepare
    for (let i = 0; i < 120; i++) fake.setTeam('teams-org', { name: `Team ${i}`, slug: `team-${i}`, members: [] });

    // Act
    const teams = await client().listTeams({ owner: 'teams-org', repo: 'any' });

    // Assess
    expect(teams).toHaveLength(120);
    expect(teams[119]).toEqual({ id: expect.any(Number), name: 'Team 119', slug: 'team-119' });
    expect(calls()).toEqual(['listTeams teams-org → 200', 'listTeams teams-org page 2 → 200']);
  });

  it.each([
    { name: 'an active member', login: 'alice', slug: 'core', member: true, status: 200 },
    { name: 'a pending invitation is not membership', login: 'ivy', slug: 'core', member: false, status: 200 },
    { name: 'not in the team (404)', login: 'zed', slug: 'core', member: false, status: 404 },
    { name: 'no such team (404)', login: 'alice', slug: 'nope', member: false, status: 404 },
  ])('isTeamMember: $name', async ({ login, slug, member, status }) => {
    // Prepare
    fake.setTeam(owner, { name: 'Core', slug: 'core', members: ['alice'], pending: ['ivy'] });

    // Act
    const got = await client().isTeamMember(repo, slug, login);

    // Assess
    expect(got).toBe(member);
    expect(fake.calls.map((c) => [c.path, c.status])).toEqual([[`/orgs/${owner}/teams/${slug}/memberships/${login}`, status]]);
  });
});

describe('OctokitGitHub: errors keep the call’s context and GitHub’s answer', () => {
  const forbidden: FakeResponse = { status: 403, body: { message: 'Resource not accessible by integration' } };
  it.each([
    { name: 'getRepoLabels', method: 'GET', path: /\/labels$/, act: (g: OctokitGitHub) => g.getRepoLabels(repo), message: `failed to list the labels of ${full}` },
    { name: 'listComments', method: 'GET', path: /\/comments$/, act: (g: OctokitGitHub) => g.listComments(issue(50)), message: `failed to list comments of ${full}#50` },
    { name: 'deleteComment', method: 'DELETE', path: /\/comments\/\d+$/, act: (g: OctokitGitHub) => g.deleteComment(repo, 7), message: `failed to delete comment 7 in ${full}` },
    { name: 'addAssignees', method: 'POST', path: /\/assignees$/, act: (g: OctokitGitHub) => g.addAssignees(issue(50), ['a', 'b']), message: `failed to assign a, b to ${full}#50` },
    { name: 'removeAssignees', method: 'DELETE', path: /\/assignees$/, act: (g: OctokitGitHub) => g.removeAssignees(issue(50), ['a']), message: `failed to unassign a from ${full}#50` },
    { name: 'removeReviewRequests', method: 'DELETE', path: /\/requested_reviewers$/, act: (g: OctokitGitHub) => g.removeReviewRequests(issue(50), { teamReviewers: ['core'] }), message: `failed to remove review requests for team core on ${full}#50` },
    { name: 'listReviews', method: 'GET', path: /\/reviews$/, act: (g: OctokitGitHub) => g.listReviews(issue(50)), message: `failed to list reviews of ${full}#50` },
    { name: 'getTree', method: 'GET', path: /\/git\/trees\//, act: (g: OctokitGitHub) => g.getTree(repo, 'abc'), message: `failed to read the tree abc of ${full}` },
    { name: 'getCommit', method: 'GET', path: /\/git\/commits\//, act: (g: OctokitGitHub) => g.getCommit(repo, 'abc'), message: `failed to read the commit abc of ${full}` },
    { name: 'listCollaborators', method: 'GET', path: /\/collaborators$/, act: (g: OctokitGitHub) => g.listCollaborators(repo), message: `failed to list the collaborators of ${full}` },
    { name: 'getRepoRole', method: 'GET', path: /\/permission$/, act: (g: OctokitGitHub) => g.getRepoRole(repo, 'alice'), message: `failed to read the role of alice in ${full}` },
    { name: 'listTeams', method: 'GET', path: /\/teams$/, act: (g: OctokitGitHub) => g.listTeams(repo), message: `failed to list the teams of ${owner}` },
    { name: 'isTeamMember', method: 'GET', path: /\/memberships\//, act: (g: OctokitGitHub) => g.isTeamMember(repo, 'core', 'alice'), message: `failed to check whether alice is in the team ${owner}/core` },
    { name: 'listPullRequests', method: 'GET', path: /\/pulls$/, act: (g: OctokitGitHub) => g.listPullRequests(repo, { base: 'main' }), message: `failed to list the open pull requests of ${full} into main` },
    { name: 'listPullRequestCommits', method: 'GET', path: /\/commits$/, act: (g: OctokitGitHub) => g.listPullRequestCommits(issue(50)), message: `failed to list the commits of ${full}#50` },
    { name: 'getIssue', method: 'GET', path: /\/issues\/\d+$/, act: (g: OctokitGitHub) => g.getIssue(issue(50)), message: `failed to read issue ${full}#50` },
    { name: 'updateIssue', method: 'PATCH', path: /\/issues\/\d+$/, act: (g: OctokitGitHub) => g.updateIssue(issue(50), { state: 'closed', stateReason: 'not_planned' }), message: `failed to update ${full}#50 (state, stateReason)` },
    { name: 'listMilestones', method: 'GET', path: /\/milestones$/, act: (g: OctokitGitHub) => g.listMilestones(repo), message: `failed to list the milestones of ${full}` },
    { name: 'countIssues', method: 'GET', path: /^\/search\/issues$/, act: (g: OctokitGitHub) => g.countIssues(repo, 'is:pr author:a'), message: `failed to search ${full} for "is:pr author:a"` },
    { name: 'createStatus', method: 'POST', path: /\/statuses\//, act: (g: OctokitGitHub) => g.createStatus(repo, 'abc', { context: 'dco', state: 'success', description: '', targetUrl: '' }), message: `failed to set the status dco of ${full}@abc to success` },
    { name: 'listStatuses', method: 'GET', path: /\/status$/, act: (g: OctokitGitHub) => g.listStatuses(repo, 'abc'), message: `failed to list the statuses of ${full}@abc` },
    { name: 'deleteBranch', method: 'DELETE', path: /\/git\/refs\//, act: (g: OctokitGitHub) => g.deleteBranch(repo, 'feature'), message: `failed to delete the branch feature of ${full}` },
  ])('$name: a 403 is a terminal GitHubError', async ({ method, path, act, message }) => {
    // Prepare
    fake.failNext({ method, path }, forbidden);

    // Act
    const error = await act(client()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ message, status: 403 });
    expect(describeError(error)).toContain('Resource not accessible by integration');
    expect(isRetryable(error)).toBe(false);
  });
});

// Time limits and network failures, with an injected fetch (probot's way): one that never answers
// until its signal aborts, or one that fails as undici does when the network does.
describe('OctokitGitHub: time limits and network failures', () => {
  /** Fetches that record every call Octokit made, and whether its signal had aborted by then. */
  function recorder() {
    const fetches: { url: string; abortedAtStart: boolean }[] = [];
    const hanging: typeof fetch = (url, init) => {
      fetches.push({ url: String(url), abortedAtStart: Boolean(init?.signal?.aborted) });
      return new Promise((_, reject) => {
        if (init?.signal?.aborted) reject(init.signal.reason);
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
      });
    };
    const failing =
      (code: string, message: string): typeof fetch =>
      async (url) => {
        fetches.push({ url: String(url), abortedAtStart: false });
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
      };
    return { fetches, hanging, failing };
  }

  it('a request GitHub never answers times out: a retryable timeout that says after how long', async () => {
    // Prepare
    const { fetches, hanging } = recorder();

    // Act
    const error = await client({ fetch: hanging, requestTimeoutMs: 50 })
      .addLabel(issue(30), 'lgtm')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GitHubError);
    expect(error).toMatchObject({ status: undefined, cause: { name: 'GitHubTimeoutError', timeoutMs: 50 } });
    expect((error as GitHubError).cause).toBeInstanceOf(GitHubTimeoutError);
    expect(describeError(error)).toBe(`failed to add label lgtm to ${full}#30: POST /repos/{owner}/{repo}/issues/{issue_number}/labels timed out after 50 ms`);
    expect(isRetryable(error)).toBe(true);
    // Sent once: an attempt after the limit is neither sent nor retried.
    expect(fetches).toEqual([{ url: `${fake.url}/repos/${full}/issues/30/labels`, abortedAtStart: false }]);
  });

  it.each([
    { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND github.example' },
    { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:443' },
  ])('$code: reported as the network error, never as an HTTP 500 GitHub did not send', async ({ code, message }) => {
    // Prepare
    const { fetches, failing } = recorder();

    // Act
    const error = await client({ fetch: failing(code, message) })
      .getIssueLabels(issue(31))
      .catch((e: unknown) => e);

    // Assess: Octokit still retried it (4 attempts), and what comes out has no status.
    expect(fetches).toHaveLength(4);
    expect(error).toMatchObject({ name: 'GitHubError', status: undefined, cause: { name: 'GitHubNetworkError', code } });
    expect((error as GitHubError).cause).toBeInstanceOf(GitHubNetworkError);
    expect(describeError(error)).toContain(message);
    expect(describeError(error)).not.toContain('HTTP');
    expect(isRetryable(error)).toBe(true);
  });

  it("a connection refused by a real closed port on loopback is a network error too", async () => {
    // Prepare: a port nothing listens on.
    const closed = await FakeGitHub.start();
    const url = closed.url;
    await closed.close();

    // Act
    const error = await client({ baseUrl: url })
      .getIssueLabels(issue(32))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'GitHubError', status: undefined, cause: { name: 'GitHubNetworkError', code: 'ECONNREFUSED' } });
    expect(describeError(error)).not.toContain('HTTP 500');
  });

  it("the record's deadline stops a request in flight, and a request after it is not sent", async () => {
    // Prepare
    const { fetches, hanging } = recorder();
    const github = client({ fetch: hanging, requestTimeoutMs: 60_000 });

    // Act
    const errors = await withGitHubDeadline(50, async () => {
      const inFlight = await github.addLabel(issue(33), 'lgtm').catch((e: unknown) => e);
      const fetchesBefore = fetches.length;
      const after = await github.addLabel(issue(33), 'lgtm').catch((e: unknown) => e);
      return { inFlight, after, sentAfter: fetches.slice(fetchesBefore).filter((f) => !f.abortedAtStart) };
    });

    // Assess
    expect(describeError(errors.inFlight)).toBe(`failed to add label lgtm to ${full}#33: POST /repos/{owner}/{repo}/issues/{issue_number}/labels stopped: the record's 50 ms for GitHub ran out`);
    expect(describeError(errors.after)).toContain("stopped: the record's 50 ms for GitHub ran out");
    expect(errors.sentAfter).toEqual([]);
    expect(isRetryable(errors.after)).toBe(true);
  });

  it("a rate-limit wait that would outlast the request's time limit is not spent: it fails with GitHub's wait", async () => {
    // Prepare: GitHub asks for 30 units of 100 ms (3 s); the request has 1 s in all.
    fake.failNext({ method: 'POST', path: /\/labels$/ }, faults.secondaryRateLimit(30));

    // Act
    const error = await client({ requestTimeoutMs: 1000, retryBaseMs: 100, maxRateLimitWaitSeconds: 100 })
      .addLabel(issue(34), 'lgtm')
      .catch((e: unknown) => e);

    // Assess: one call, the 403 with its retry-after (so the worker can put the record off).
    expect(fake.calls).toHaveLength(1);
    expect(error).toMatchObject({ name: 'GitHubError', status: 403 });
    expect(isRetryable(error)).toBe(true);
  });
});

describe('GitHubConnector', () => {
  const app = () => new GitHubConnector({ kind: 'app', appId: '1', privateKey }, options);
  const token = (extra: { botLogin?: string } = {}) => new GitHubConnector({ kind: 'token', token: 'pat-token' }, { ...options, ...extra });

  it('App: one installation token is minted for two events of the installation', async () => {
    // Prepare
    const connector = app();
    const before = fake.tokensIssued;

    // Act
    const first = await connector.forEvent(repo, 4242);
    await first.addLabel(issue(20), 'lgtm');
    const second = await connector.forEvent(repo, 4242);
    await second.addLabel(issue(21), 'lgtm');

    // Assess
    expect(fake.tokensIssued - before).toBe(1);
    expect(calls()).toEqual(['createInstallationAccessToken 4242 → 201', `addLabels ${full}#20 [lgtm] → 200`, `addLabels ${full}#21 [lgtm] → 200`]);
    expect(fake.calls[0]?.auth).toMatch(/^bearer /i);
    expect(fake.calls[1]?.auth).toBe(fake.calls[2]?.auth);
    expect(fake.calls[1]?.auth).toMatch(/^token ghs_fake_/);
    expect(connector.dryRun).toBe(false);
  });

  it("App: a clone token is newly created each time, never the events' cached one, and lives an hour", async () => {
    // Prepare: an event's client has minted (and auth-app cached) the installation's token.
    const connector = app();
    const before = fake.tokensIssued;
    await (await connector.forEvent(repo, 4242)).addLabel(issue(26), 'lgtm');
    const eventsToken = fake.calls[1]?.auth;

    // Act
    const first = await connector.cloneToken(repo, 4242);
    const second = await connector.cloneToken(repo, 4242);

    // Assess
    expect(fake.tokensIssued - before).toBe(3);
    expect(new Set([eventsToken, `token ${first?.token}`, `token ${second?.token}`]).size).toBe(3);
    expect(Date.parse(second!.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
  });

  it('App: without an installation id in the payload, it is looked up for the repository', async () => {
    // Prepare
    const connector = app();

    // Act
    const github = await connector.forEvent(repo);
    await github.addLabel(issue(22), 'lgtm');

    // Assess
    expect(calls()).toEqual([`getRepoInstallation ${full} → 200`, 'createInstallationAccessToken 4242 → 201', `addLabels ${full}#22 [lgtm] → 200`]);
    expect(fake.calls[0]?.auth).toMatch(/^bearer /i);
  });

  it('App: not installed on the repository → a GitHubError that says so', async () => {
    // Prepare
    fake.failNext({ method: 'GET', path: /\/installation$/ }, { status: 404, body: { message: 'Not Found' } });

    // Act
    const github = app().forEvent({ owner, repo: 'private-thing' });

    // Assess
    await expect(github).rejects.toMatchObject({ name: 'GitHubError', message: `the GitHub App is not installed on ${owner}/private-thing`, status: 404 });
  });

  // The app-level (JWT) client is built with `installationId: undefined`, which auth-app rejects.
  it("App: the bot's login is the app's slug as a bot", async () => {
    // Act
    const login = await app().botLogin();

    // Assess
    expect(login).toBe('skiff-test[bot]');
    expect(calls()).toEqual(['getApp → 200']);
  });

  // botLogin says "Resolved once"; the first lookup also loads the credentials, which clears the
  // login being resolved, so the second call asks GitHub again.
  it("token: the bot's login comes from GET /user, once", async () => {
    // Prepare
    const connector = token();

    // Act
    const logins = [await connector.botLogin(), await connector.botLogin()];

    // Assess
    expect(logins).toEqual(['skiff-bot', 'skiff-bot']);
    expect(calls()).toEqual(['getAuthenticated → 200']);
    expect(fake.calls[0]?.auth).toBe('token pat-token');
  });

  it("token: a failed login lookup is not cached; the next call asks again", async () => {
    // Prepare
    const connector = token();
    fake.failNext({ method: 'GET', path: /^\/user$/ }, { status: 401, body: { message: 'Bad credentials' } });

    // Act
    const first = connector.botLogin();
    await expect(first).rejects.toMatchObject({ status: 401 });
    const second = await connector.botLogin();

    // Assess
    expect(second).toBe('skiff-bot');
    expect(calls()).toEqual(['getAuthenticated → 401 (injected)', 'getAuthenticated → 200']);
  });

  it("a configured bot login is used as is, without asking GitHub", async () => {
    // Act
    const login = await token({ botLogin: 'my-bot' }).botLogin();

    // Assess
    expect(login).toBe('my-bot');
    expect(fake.calls).toEqual([]);
  });

  it('token: forEvent and contentsFor use the token', async () => {
    // Prepare
    const connector = token();
    fake.setFile(full, 'main', 'plugins.yaml', 'plugins: {}\n');

    // Act
    const github = await connector.forEvent(repo, 4242);
    await github.createComment(issue(23), 'hello');
    const contents = await (await connector.contentsFor(repo)).getContent(repo, 'plugins.yaml', undefined);

    // Assess
    expect(contents).toMatchObject({ status: 'ok', text: 'plugins: {}\n' });
    expect(fake.calls.map((c) => c.auth)).toEqual(['token pat-token', 'token pat-token']);
  });

  it('credentials from a loader are re-read per event: a token filled in after the deploy ends the dry run', async () => {
    // Prepare
    let credentials: GitHubCredentials = { kind: 'none' };
    const connector = new GitHubConnector(async () => credentials, options);

    // Act
    const before = await connector.forEvent(repo);
    await before.addLabel(issue(25), 'lgtm');
    const wasDryRun = connector.dryRun;
    credentials = { kind: 'token', token: 'filled-in' };
    const after = await connector.forEvent(repo);
    await after.addLabel(issue(25), 'lgtm');

    // Assess
    expect(wasDryRun).toBe(true);
    expect(connector.dryRun).toBe(false);
    expect(fake.writes()).toEqual([`addLabel ${full}#25 lgtm`]);
    expect(fake.calls.map((c) => c.auth)).toEqual(['token filled-in']);
  });

  it('no credentials: a dry run that reads anonymously and sends no writes', async () => {
    // Prepare
    const connector = new GitHubConnector({ kind: 'none' }, options);
    fake.setLabels(full, 24, ['size/S']);

    // Act
    const github = await connector.forEvent(repo);
    await github.addLabel(issue(24), hold);
    await github.removeLabel(issue(24), 'size/S');
    await github.createComment(issue(24), 'hello');
    const labels = await github.getIssueLabels(issue(24));
    const login = await connector.botLogin();

    // Assess
    expect(connector.dryRun).toBe(true);
    expect(labels).toEqual(['size/S']);
    expect(login).toBeUndefined();
    expect(fake.writes()).toEqual([]);
    expect(fake.calls.map((c) => `${c.method} ${c.auth ?? 'anonymous'}`)).toEqual(['GET anonymous']);
  });
});

describe('dryRunClient', () => {
  it('logs each write in full and forwards only reads', async () => {
    // Prepare
    const inner = new MemoryGitHub().setLabels(`${full}#1`, ['lgtm']);
    const logged: { message: string; extra: Record<string, unknown>[] }[] = [];
    const github = dryRunClient(inner, { info: (message, ...extra) => logged.push({ message, extra }) });

    // Act
    await github.addLabel(issue(1), hold);
    await github.removeLabel(issue(1), 'lgtm');
    await github.createComment(issue(1), 'hello');
    const labels = await github.getIssueLabels(issue(1));

    // Assess
    expect(labels).toEqual(['lgtm']);
    expect(inner.calls).toEqual([`getIssueLabels ${full}#1`]);
    expect(logged).toEqual([
      { message: 'dry-run: not sending addLabel', extra: [{ method: 'addLabel', call: `addLabel ${full}#1 ${hold}` }] },
      { message: 'dry-run: not sending removeLabel', extra: [{ method: 'removeLabel', call: `removeLabel ${full}#1 lgtm` }] },
      { message: 'dry-run: not sending createComment', extra: [{ method: 'createComment', call: `createComment ${full}#1 hello` }] },
    ]);
  });
});
