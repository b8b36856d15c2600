// The fake GitHub server, driven through a real Octokit: if these pass, end-to-end tests can trust
// that what the pipeline sees is what GitHub would send (shapes, pagination, ETags, faults).
import { generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OctokitGitHub } from '../../shared/github/octokit-client.js';
import { FakeGitHub, faults } from './github-server.js';

const owner = 'acme';
const repo = 'widgets';
const full = `${owner}/${repo}`;
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let fake: FakeGitHub;
let octokit: Octokit;

beforeAll(async () => {
  fake = await FakeGitHub.start();
  octokit = new Octokit({ baseUrl: fake.url, auth: 'test-token', request: { retries: 0 }, log: quiet });
});
afterAll(() => fake.close());
beforeEach(() => fake.resetCalls());

const statuses = () => fake.calls.map((c) => c.status);

describe('labels', () => {
  it('adds labels, treating one already there as a no-op, and records one write per label', async () => {
    // Prepare
    fake.setLabels(full, 1, ['lgtm']);

    // Act
    const { status, data } = await octokit.rest.issues.addLabels({
      owner,
      repo,
      issue_number: 1,
      labels: ['lgtm', 'do-not-merge/hold'],
    });

    // Assess
    expect(status).toBe(200);
    expect(data.map((l) => l.name)).toEqual(['lgtm', 'do-not-merge/hold']);
    expect(data[0]).toMatchObject({ id: expect.any(Number), color: expect.any(String), default: false });
    expect(fake.labelsOf(full, 1)).toEqual(['lgtm', 'do-not-merge/hold']);
    expect(fake.writes()).toEqual([`addLabel ${full}#1 lgtm`, `addLabel ${full}#1 do-not-merge/hold`]);
    expect(fake.calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `/repos/${full}/issues/1/labels`,
        status: 200,
        auth: 'token test-token',
        body: { labels: ['lgtm', 'do-not-merge/hold'] },
      }),
    ]);
  });

  it('removes a URL-encoded label and answers with the labels left', async () => {
    fake.setLabels(full, 2, ['do-not-merge/hold', 'size/S']);

    const { data } = await octokit.rest.issues.removeLabel({ owner, repo, issue_number: 2, name: 'do-not-merge/hold' });

    expect(data.map((l) => l.name)).toEqual(['size/S']);
    expect(fake.labelsOf(full, 2)).toEqual(['size/S']);
    expect(fake.calls[0]?.path).toBe(`/repos/${full}/issues/2/labels/do-not-merge%2Fhold`);
    expect(fake.writes()).toEqual([`removeLabel ${full}#2 do-not-merge/hold`]);
  });

  it('answers 404 "Label does not exist" for an absent label, recorded as a call but not a write', async () => {
    fake.setLabels(full, 3, ['size/S']);

    const removal = octokit.rest.issues.removeLabel({ owner, repo, issue_number: 3, name: 'do-not-merge/hold' });

    await expect(removal).rejects.toMatchObject({
      name: 'HttpError',
      status: 404,
      response: { data: { message: 'Label does not exist', documentation_url: expect.any(String) } },
    });
    expect(fake.labelsOf(full, 3)).toEqual(['size/S']);
    expect(fake.writes()).toEqual([]);
    expect(fake.calls.map((c) => c.text)).toEqual([`removeLabel ${full}#3 do-not-merge/hold → 404`]);
  });

  it('matches label names case-insensitively, as GitHub does', async () => {
    fake.setLabels(full, 4, ['LGTM']);

    await octokit.rest.issues.addLabels({ owner, repo, issue_number: 4, labels: ['lgtm'] });
    expect(fake.labelsOf(full, 4)).toEqual(['LGTM']);
    await octokit.rest.issues.removeLabel({ owner, repo, issue_number: 4, name: 'lgtm' });

    expect(fake.labelsOf(full, 4)).toEqual([]);
  });

  it('rejects a body without labels with 422 and records no write', async () => {
    const bad = octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner,
      repo,
      issue_number: 5,
      data: { names: ['x'] },
    });

    await expect(bad).rejects.toMatchObject({ status: 422 });
    expect(fake.writes()).toEqual([]);
  });
});

describe('pagination', () => {
  const changes = Array.from({ length: 250 }, (_, i) => ({ filename: `src/file-${i}.ts`, additions: i, deletions: 1 }));

  it('walks 250 changed files with octokit.paginate, 100 a page', async () => {
    fake.setChanges(full, 7, changes);

    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner, repo, pull_number: 7, per_page: 100 });

    expect(files).toHaveLength(250);
    expect(files[249]).toMatchObject({
      filename: 'src/file-249.ts',
      status: 'modified',
      additions: 249,
      deletions: 1,
      changes: 250,
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(fake.calls.map((c) => c.path)).toEqual([
      `/repos/${full}/pulls/7/files?per_page=100`,
      `/repos/${full}/pulls/7/files?per_page=100&page=2`,
      `/repos/${full}/pulls/7/files?per_page=100&page=3`,
    ]);
  });

  it('defaults to 30 a page and caps per_page at 100, with GitHub-style Link headers', async () => {
    fake.setChanges(full, 7, changes);

    const first = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 7 });
    const middle = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: 7, per_page: 500, page: 2 });

    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toBe(
      `<${fake.url}/repos/${full}/pulls/7/files?page=2>; rel="next", <${fake.url}/repos/${full}/pulls/7/files?page=9>; rel="last"`,
    );
    expect(middle.data).toHaveLength(100);
    expect(middle.headers.link).toBe(
      [
        `<${fake.url}/repos/${full}/pulls/7/files?per_page=500&page=1>; rel="prev"`,
        `<${fake.url}/repos/${full}/pulls/7/files?per_page=500&page=3>; rel="next"`,
        `<${fake.url}/repos/${full}/pulls/7/files?per_page=500&page=3>; rel="last"`,
        `<${fake.url}/repos/${full}/pulls/7/files?per_page=500&page=1>; rel="first"`,
      ].join(', '),
    );
  });

  it('pages issue labels the same way', async () => {
    const many = Array.from({ length: 45 }, (_, i) => `label-${i}`);
    fake.setLabels(full, 8, many);

    const labels = await octokit.paginate(octokit.rest.issues.listLabelsOnIssue, { owner, repo, issue_number: 8 });

    expect(labels.map((l) => l.name)).toEqual(many);
    expect(fake.calls).toHaveLength(2);
  });

  it('sends no Link header when everything fits on one page', async () => {
    const { data, headers } = await octokit.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: 999 });

    expect(data).toEqual([]);
    expect(headers.link).toBeUndefined();
  });
});

describe('conditional requests', () => {
  const labels = (headers: Record<string, string> = {}) => octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner, repo, issue_number: 40, headers });
  const remaining = (response: { headers: Record<string, unknown> }) => Number(response.headers['x-ratelimit-remaining']);

  it('gives every GET answer a weak ETag of its body; a matching If-None-Match gets a recorded 304 that costs no rate limit', async () => {
    // Prepare
    fake.setLabels(full, 40, ['lgtm']);
    const first = await labels();
    const etag = String(first.headers.etag);
    // Act
    const again = await labels({ 'if-none-match': etag }).catch((error: { status: number; response: { headers: Record<string, unknown>; data: unknown } }) => error);
    const later = await labels();
    // Assess
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/);
    expect(again).toMatchObject({ status: 304, response: { data: '', headers: { etag } } });
    expect(statuses()).toEqual([200, 304, 200]);
    expect(fake.notModified).toBe(1);
    expect(remaining(later)).toBe(remaining(first) - 1);
    expect(fake.calls[1]?.text).toBe(`listLabels ${full}#40 → 304`);
  });

  it.each([
    { name: 'its strong form', tag: (etag: string) => etag.replace(/^W\//, '') },
    { name: 'a list holding it', tag: (etag: string) => `"other", ${etag}` },
    { name: '*', tag: () => '*' },
  ])('matches $name', async ({ tag }) => {
    fake.setLabels(full, 40, ['lgtm']);
    const etag = String((await labels()).headers.etag);
    await expect(labels({ 'if-none-match': tag(etag) })).rejects.toMatchObject({ status: 304 });
  });

  it('answers 200 with a new ETag once the resource changed', async () => {
    // Prepare
    fake.setLabels(full, 40, ['lgtm']);
    const etag = String((await labels()).headers.etag);
    fake.setLabels(full, 40, ['lgtm', 'approved']);
    // Act
    const changed = await labels({ 'if-none-match': etag });
    // Assess
    expect(changed.status).toBe(200);
    expect(changed.data.map((l) => l.name)).toEqual(['lgtm', 'approved']);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('an unauthorized 304 counts against the rate limit, as on GitHub', async () => {
    // Prepare
    const anonymous = new Octokit({ baseUrl: fake.url, request: { retries: 0 }, log: quiet });
    const read = (headers: Record<string, string> = {}) => anonymous.request('GET /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner, repo, issue_number: 41, headers });
    const first = await read();
    // Act
    await read({ 'if-none-match': String(first.headers.etag) }).catch(() => undefined);
    const after = await read();
    // Assess
    expect(statuses()).toEqual([200, 304, 200]);
    expect(remaining(after)).toBe(remaining(first) - 2);
  });
});

describe('contents', () => {
  const path = 'docs/OWNERS';
  const getRaw = (ref?: string) =>
    octokit.rest.repos.getContent({ owner, repo, path, ...(ref ? { ref } : {}), mediaType: { format: 'raw' } });

  it('returns raw text with a strong ETag, and 304 with no body for the same ETag', async () => {
    fake.setFile(full, 'main', path, 'approvers:\n- alice\n');

    const first = await getRaw('main');
    const etag = first.headers.etag ?? '';
    const again = octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner,
      repo,
      path,
      ref: 'main',
      headers: { accept: 'application/vnd.github.raw+json', 'if-none-match': etag },
    });

    expect(first.data).toBe('approvers:\n- alice\n');
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    await expect(again).rejects.toMatchObject({ name: 'HttpError', status: 304, response: { data: '' } });
    expect(statuses()).toEqual([200, 304]);
  });

  it('changes the ETag when the file changes', async () => {
    fake.setFile(full, 'main', path, 'approvers:\n- alice\n');
    const before = (await getRaw()).headers.etag ?? '';

    fake.setFile(full, 'main', path, 'approvers:\n- bob\n');
    const after = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner,
      repo,
      path,
      headers: { accept: 'application/vnd.github.raw', 'if-none-match': before },
    });

    expect(after.status).toBe(200);
    expect(after.data).toBe('approvers:\n- bob\n');
    expect(after.headers.etag).not.toBe(before);
  });

  it('returns the JSON form with base64 content by default, and treats a missing ref as main', async () => {
    fake.setFile(full, 'main', path, 'approvers:\n- alice\n');

    const { data, headers } = await octokit.rest.repos.getContent({ owner, repo, path });
    const raw = await getRaw('main');

    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    // Each representation has its own ETag, as on GitHub, so a cached raw body never answers a JSON read.
    expect(headers.etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(headers.etag).not.toBe(raw.headers.etag);
    expect(data).toMatchObject({
      type: 'file',
      encoding: 'base64',
      path,
      name: 'OWNERS',
      size: 19,
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const content = 'content' in data ? data.content : '';
    expect(Buffer.from(content, 'base64').toString('utf8')).toBe('approvers:\n- alice\n');
  });

  it('keeps branches and SHAs apart, lists directories, and answers 404 for absent or deleted files', async () => {
    fake.setFile(full, 'main', path, 'approvers:\n- alice\n');
    fake.setFile(full, 'abc123', 'OWNERS', 'approvers: [carol]\n');
    fake.setFile(full, 'abc123', 'docs/README.md', '# docs\n');

    const dir = await octokit.rest.repos.getContent({ owner, repo, path: '', ref: 'abc123' });
    const get = (p: string, ref: string) => octokit.rest.repos.getContent({ owner, repo, path: p, ref });
    fake.deleteFile(full, 'abc123', 'OWNERS');

    expect(Array.isArray(dir.data) && dir.data.map((e) => [e.type, e.path])).toEqual([
      ['file', 'OWNERS'],
      ['dir', 'docs'],
    ]);
    await expect(get(path, 'abc123')).rejects.toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
    await expect(get('OWNERS', 'abc123')).rejects.toMatchObject({ status: 404 });
    await expect(get(path, 'no-such-branch')).rejects.toMatchObject({ status: 404 });
    expect(fake.writes()).toEqual([]);
  });
});

describe('comments and identity', () => {
  it('creates a comment (201) authored by the bot and records it', async () => {
    const body = '@alice: hello\n\n<details>x</details>';

    const { status, data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: 9, body });

    expect(status).toBe(201);
    expect(data).toMatchObject({ id: expect.any(Number), body, user: { login: 'skiff-bot' } });
    expect(fake.comments(full, 9)).toEqual([body]);
    expect(fake.writes()).toEqual([`createComment ${full}#9 ${body}`]);
    const listed = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: 9 });
    expect(listed.map((c) => c.id)).toEqual([data.id]);
  });

  it('answers GET /user with the bot login given at start', async () => {
    const other = await FakeGitHub.start({ botLogin: 'my-bot' });
    try {
      const client = new Octokit({ baseUrl: other.url, auth: 'test-token', log: quiet });
      const { data } = await client.rest.users.getAuthenticated();
      expect(data).toMatchObject({ login: 'my-bot', type: 'User', id: expect.any(Number) });
    } finally {
      await other.close();
    }
  });

  it('sends rate-limit and request-id headers, and answers /rate_limit', async () => {
    const { headers, data } = await octokit.rest.rateLimit.get();

    expect(data.resources.core).toMatchObject({ limit: 5000, remaining: expect.any(Number), reset: expect.any(Number) });
    expect(headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': expect.stringMatching(/^\d+$/),
      'x-ratelimit-reset': expect.stringMatching(/^\d+$/),
      'x-ratelimit-used': expect.stringMatching(/^\d+$/),
      'x-github-request-id': expect.any(String),
    });
  });

  it('answers an unknown route with 404 JSON and records it', async () => {
    await expect(octokit.request('GET /repos/{owner}/{repo}/branches', { owner, repo })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
    expect(fake.calls.map((c) => c.text)).toEqual([`unknown GET /repos/${full}/branches → 404`]);
  });
});

describe('fault injection', () => {
  it('fails the next matching request with a 502 that plugin-retry retries, without changing state', async () => {
    // retryAfterBaseValue is the milliseconds per retry step ((retryCount + 1)² steps); 1 keeps it fast.
    const RetryingOctokit = Octokit.plugin(retry);
    const client = new RetryingOctokit({ baseUrl: fake.url, auth: 'test-token', retry: { retryAfterBaseValue: 1 }, log: quiet });
    fake.setLabels(full, 10, []);
    fake.failNext({ method: 'POST', path: /\/issues\/10\/labels$/ }, faults.serverError(502));

    await client.rest.issues.addLabels({ owner, repo, issue_number: 10, labels: ['lgtm'] });

    expect(statuses()).toEqual([502, 200]);
    expect(fake.calls[0]?.text).toBe(`addLabels ${full}#10 [lgtm] → 502 (injected)`);
    expect(fake.writes()).toEqual([`addLabel ${full}#10 lgtm`]);
    expect(fake.labelsOf(full, 10)).toEqual(['lgtm']);
  });

  it('reports the fault to a client without retries, and spends it', async () => {
    fake.failNext({ method: 'post', path: /\/comments$/ }, faults.serverError(503), 2);

    const attempt = () => octokit.rest.issues.createComment({ owner, repo, issue_number: 11, body: 'hi' });

    await expect(attempt()).rejects.toMatchObject({ status: 503 });
    await expect(attempt()).rejects.toMatchObject({ status: 503 });
    await expect(attempt()).resolves.toMatchObject({ status: 201 });
    expect(fake.comments(full, 11)).toEqual(['hi']);
    expect(fake.writes()).toEqual([`createComment ${full}#11 hi`]);
  });

  it.each([
    { name: '403 secondary rate limit', response: faults.secondaryRateLimit(1), status: 403, limit: 'secondary' },
    { name: '429 too many requests', response: faults.tooManyRequests(1), status: 429, limit: 'secondary' },
    // Resets "now": plugin-throttling waits (reset - now) + 1 s, i.e. 1 × retryAfterBaseValue.
    { name: '403 primary rate limit', response: faults.primaryRateLimit(0), status: 403, limit: 'primary' },
  ])('$name is waited out by plugin-throttling', async ({ response, status, limit }) => {
    const seen: string[] = [];
    const ThrottledOctokit = Octokit.plugin(throttling);
    const client = new ThrottledOctokit({
      baseUrl: fake.url,
      auth: 'test-token',
      log: quiet,
      // Waits are retry-after (seconds) × retryAfterBaseValue (ms): about 1 ms here.
      throttle: {
        retryAfterBaseValue: 1,
        onSecondaryRateLimit: () => seen.push('secondary') > 0,
        onRateLimit: () => seen.push('primary') > 0,
      },
    });
    fake.setLabels(full, 12, ['lgtm']);
    fake.failNext({ method: 'GET', path: /\/issues\/12\/labels$/ }, response);

    const { data } = await client.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: 12 });

    expect(data.map((l) => l.name)).toEqual(['lgtm']);
    expect(seen).toEqual([limit]);
    expect(statuses()).toEqual([status, 200]);
  });

  it('sends the retry-after header and secondary-limit message', async () => {
    fake.failNext({ method: 'GET', path: /\/user$/ }, faults.secondaryRateLimit(7));

    const error: unknown = await octokit.rest.users.getAuthenticated().catch((e: unknown) => e);

    expect(error).toMatchObject({
      status: 403,
      message: expect.stringContaining('secondary rate limit'),
      response: { headers: { 'retry-after': '7', 'content-type': 'application/json; charset=utf-8' } },
    });
  });
});

describe('GitHub App installation tokens', () => {
  // A throwaway key: the fake accepts any JWT, but auth-app must still be able to sign one.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  it('mints a token once and reuses it across requests', async () => {
    const client = new Octokit({
      baseUrl: fake.url,
      authStrategy: createAppAuth,
      auth: { appId: 1, privateKey, installationId: 4242 },
      log: quiet,
    });

    const installation = await client.rest.apps.getRepoInstallation({ owner, repo });
    const app = await client.rest.apps.getAuthenticated();
    await client.rest.issues.addLabels({ owner, repo, issue_number: 13, labels: ['approved'] });
    await client.rest.issues.createComment({ owner, repo, issue_number: 13, body: 'done' });

    expect(installation.data).toMatchObject({ id: 4242, account: { login: owner } });
    expect(app.data).toMatchObject({ id: 1, slug: 'skiff-test', name: 'skiff-test' });
    expect(fake.tokensIssued).toBe(1);
    const byPath = (suffix: string) => fake.calls.find((c) => c.path.endsWith(suffix));
    expect(byPath('/installation')?.auth).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(byPath('/app/installations/4242/access_tokens')).toMatchObject({ method: 'POST', status: 201 });
    expect(byPath('/issues/13/labels')?.auth).toBe('token ghs_fake_1');
    expect(byPath('/issues/13/comments')?.auth).toBe('token ghs_fake_1');
  });
});

describe('pull requests, assignees and review requests', () => {
  it('answers 404 for a pull request never seeded, and GitHub’s shape for one that was', async () => {
    fake.setPullRequest(full, 60, { author: 'alice', head: { sha: 'h60' }, merged: true, state: 'closed' });
    fake.setLabels(full, 60, ['lgtm']);
    fake.setTeam(owner, { name: 'Core', slug: 'core', members: [] });
    fake.setRequestedReviewers(full, 60, { reviewers: ['bob'], teams: ['core'] });

    const missing = await octokit.rest.pulls.get({ owner, repo, pull_number: 61 }).catch((e: unknown) => e);
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: 60 });

    expect(missing).toMatchObject({ status: 404 });
    expect(data).toMatchObject({
      number: 60,
      state: 'closed',
      merged: true,
      draft: false,
      user: { login: 'alice', type: 'User' },
      head: { sha: 'h60', ref: 'feature-60', label: `${owner}:feature-60` },
      base: { ref: 'main', sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
      labels: [{ name: 'lgtm', color: 'ededed' }],
      requested_reviewers: [{ login: 'bob' }],
      requested_teams: [{ slug: 'core', name: 'Core' }],
    });
    expect(fake.calls.map((c) => c.text)).toEqual([`getPullRequest ${full}#61 → 404`, `getPullRequest ${full}#60 → 200`]);
  });

  it('assigns only those with triage or more, at most 10, and answers with the issue', async () => {
    fake.setRole(full, 'tri', 'triage');
    fake.setRole(full, 'reader', 'read');
    const many = Array.from({ length: 12 }, (_, i) => `dev${i}`);
    for (const login of many) fake.setRole(full, login, 'write');

    const { status, data } = await octokit.rest.issues.addAssignees({ owner, repo, issue_number: 62, assignees: ['tri', 'reader', 'stranger'] });
    await octokit.rest.issues.addAssignees({ owner, repo, issue_number: 62, assignees: many });

    expect(status).toBe(201);
    expect(data.assignees?.map((a) => a.login)).toEqual(['tri']);
    expect(fake.assigneesOf(full, 62)).toEqual(['tri', ...many.slice(0, 9)]);
    expect(fake.writes()).toEqual([`addAssignees ${full}#62 [tri, reader, stranger]`, `addAssignees ${full}#62 [${many.join(', ')}]`]);
  });

  it('refuses a review request from a non-collaborator with 422, changing nothing; a review fulfils a request', async () => {
    fake.setPullRequest(full, 63, { author: 'alice', head: { sha: 'h63' } });
    fake.setRole(full, 'bob', 'write');

    const refused = octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: 63, reviewers: ['bob', 'stranger'] });
    await expect(refused).rejects.toMatchObject({ status: 422, response: { data: { message: expect.stringContaining(`not a collaborator of the ${full} repository`) } } });
    await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: 63, reviewers: ['bob'] });
    const requested = fake.requestedOf(full, 63);
    fake.addReview(full, 63, { user: 'bob', state: 'APPROVED' });
    fake.addReview(full, 63, { user: 'carol', state: 'PENDING' });
    const { data: reviews } = await octokit.rest.pulls.listReviews({ owner, repo, pull_number: 63 });

    expect(requested).toEqual({ reviewers: ['bob'], teams: [] });
    expect(fake.requestedOf(full, 63)).toEqual({ reviewers: [], teams: [] });
    expect(reviews.map((r) => [r.user?.login, r.state, r.commit_id, r.submitted_at === undefined])).toEqual([
      ['bob', 'APPROVED', 'h63', false],
      ['carol', 'PENDING', 'h63', true],
    ]);
    expect(fake.writes()).toEqual([`requestReviewers ${full}#63 [bob]`]);
  });
});

describe('comments by others, edits and deletions', () => {
  it('edits and deletes a comment by id within its repository, 404 elsewhere, and records the writes', async () => {
    const id = fake.addComment(full, 64, { user: 'alice', body: '/lgtm' });
    const other = fake.addComment('acme/other', 1, { user: 'alice', body: 'elsewhere' });

    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body: '/lgtm cancel' });
    const wrongRepo = await octokit.rest.issues.deleteComment({ owner, repo, comment_id: other }).catch((e: unknown) => e);
    const deleted = await octokit.rest.issues.deleteComment({ owner, repo, comment_id: id });
    const again = await octokit.rest.issues.deleteComment({ owner, repo, comment_id: id }).catch((e: unknown) => e);

    expect(data).toMatchObject({ id, body: '/lgtm cancel', user: { login: 'alice' } });
    expect(deleted.status).toBe(204);
    expect(wrongRepo).toMatchObject({ status: 404 });
    expect(again).toMatchObject({ status: 404 });
    expect(fake.commentsOf(full, 64)).toEqual([]);
    expect(fake.commentsOf('acme/other', 1)).toEqual([{ id: other, user: 'alice', body: 'elsewhere' }]);
    expect(fake.writes()).toEqual([`editComment ${full} ${id} /lgtm cancel`, `deleteComment ${full} ${id}`]);
  });

  it('types a [bot] login as a Bot', async () => {
    fake.addComment(full, 65, { user: 'ci[bot]', body: 'green' });

    const { data } = await octokit.rest.issues.listComments({ owner, repo, issue_number: 65 });

    expect(data.map((c) => c.user?.type)).toEqual(['Bot']);
  });
});

describe('repository labels, roles and organizations', () => {
  it('creates a repository label when an issue gets one the repository lacks, as GitHub does', async () => {
    fake.setRepoLabels('acme/labels', [{ name: 'bug', color: 'd73a4a', description: 'Something is broken' }]);

    await octokit.rest.issues.addLabels({ owner, repo: 'labels', issue_number: 1, labels: ['BUG', 'new-one'] });
    const { data } = await octokit.rest.issues.listLabelsForRepo({ owner, repo: 'labels' });

    expect(data.map((l) => [l.name, l.color, l.description])).toEqual([
      ['bug', 'd73a4a', 'Something is broken'],
      ['new-one', 'ededed', null],
    ]);
  });

  it.each([
    { role: 'admin', permission: 'admin' },
    { role: 'maintain', permission: 'write' },
    { role: 'write', permission: 'write' },
    { role: 'triage', permission: 'read' },
    { role: 'read', permission: 'read' },
  ])('reports role $role with the legacy permission $permission', async ({ role, permission }) => {
    fake.setRole(full, `has-${role}`, role);

    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username: `has-${role}` });

    expect(data).toMatchObject({ permission, role_name: role, user: { login: `has-${role}` } });
  });

  it('redirects the members check to the public one when the bot is not a member', async () => {
    fake.setOrgMembers('org2', ['alice']);

    const manual = await octokit.request('GET /orgs/{org}/members/{username}', { org: 'org2', username: 'alice', request: { redirect: 'manual' } });

    expect(manual.status).toBe(302);
    expect(manual.headers.location).toBe(`${fake.url}/orgs/org2/public_members/alice`);
  });
});

describe('git trees and blobs', () => {
  it('lists one level without recursive, the same SHAs as the contents route, and git’s empty tree for an unknown name', async () => {
    fake.setFile(full, 'tree1', 'a/b/c.txt', 'c\n');
    fake.setFile(full, 'tree1', 'top.txt', 'top\n');

    const { data: top } = await octokit.rest.git.getTree({ owner, repo, tree_sha: 'tree1' });
    const { data: dir } = await octokit.rest.repos.getContent({ owner, repo, path: '', ref: 'tree1' });
    const { data: empty } = await octokit.rest.git.getTree({ owner, repo, tree_sha: 'never-set', recursive: '1' });

    expect(top.tree.map((e) => [e.path, e.type, e.mode])).toEqual([
      ['a', 'tree', '040000'],
      ['top.txt', 'blob', '100644'],
    ]);
    expect(Array.isArray(dir) && dir.map((e) => e.sha)).toEqual(top.tree.map((e) => e.sha));
    expect(empty).toMatchObject({ sha: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', tree: [], truncated: false });
  });

  it('serves a blob as base64 JSON by default and as text with the raw media type; 404 for an unknown SHA', async () => {
    fake.setFile(full, 'blob1', 'f.txt', 'hello\n');
    const sha = 'ce013625030ba8dba906f756967f9e9ca394464a'; // printf 'hello\n' | git hash-object --stdin

    const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha });
    const raw = await octokit.rest.git.getBlob({ owner, repo, file_sha: sha, mediaType: { format: 'raw' } });
    const unknown = await octokit.rest.git.getBlob({ owner, repo, file_sha: '1'.repeat(40) }).catch((e: unknown) => e);

    expect(data).toMatchObject({ sha, size: 6, encoding: 'base64', content: 'aGVsbG8K\n' });
    expect(raw.data).toBe('hello\n');
    expect(unknown).toMatchObject({ status: 404 });
  });
});

describe('the in-process transport', () => {
  it('serves Octokit through fetch without a socket, with the same routes, state, recording and faults', async () => {
    const local = FakeGitHub.inProcess();
    const client = new Octokit({ baseUrl: local.url, auth: 'test-token', request: { fetch: local.fetch, retries: 0 }, log: quiet });
    local.setLabels(full, 1, ['lgtm']);
    local.failNext({ method: 'GET', path: /\/labels$/ }, faults.serverError(503));

    const failed = client.rest.issues.listLabelsOnIssue({ owner, repo, issue_number: 1 });
    await expect(failed).rejects.toMatchObject({ status: 503 });
    const labels = await client.paginate(client.rest.issues.listLabelsOnIssue, { owner, repo, issue_number: 1, per_page: 1 });
    await client.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'hi' });

    expect(labels.map((l) => l.name)).toEqual(['lgtm']);
    expect(local.calls.map((c) => c.text)).toEqual([`listLabels ${full}#1 → 503 (injected)`, `listLabels ${full}#1 → 200`, `createComment ${full}#1 hi → 201`]);
    expect(local.calls[2]).toMatchObject({ auth: 'token test-token', body: { body: 'hi' } });
    expect(local.writes()).toEqual([`createComment ${full}#1 hi`]);
    await expect(local.close()).resolves.toBeUndefined();
  });

  it('follows a redirect as fetch does, or hands it back with redirect: manual', async () => {
    const local = FakeGitHub.inProcess();
    local.setOrgMembers('org3', ['alice']);

    const followed = await local.fetch(`${local.url}/orgs/org3/members/alice`);
    const manual = await local.fetch(`${local.url}/orgs/org3/members/alice`, { redirect: 'manual' });

    expect(followed.status).toBe(204);
    expect(manual.status).toBe(302);
    expect(local.calls.map((c) => c.text)).toEqual(['checkMembership org3 alice → 302', 'checkPublicMembership org3 alice → 204', 'checkMembership org3 alice → 302']);
  });

  it('refuses a request for any other host, so nothing can reach a real GitHub', async () => {
    const local = FakeGitHub.inProcess();

    const elsewhere = local.fetch('https://api.github.com/user');

    await expect(elsewhere).rejects.toThrow(/serves only https:\/\/api\.github\.test/);
    expect(local.calls).toEqual([]);
  });
});

// The triage plugins' routes. Each test has a repository of its own, since the fake is shared.
describe('issues, milestones, search, commits, statuses and branches', () => {
  let n = 0;
  const fresh = () => {
    const name = `triage-${++n}`;
    return { owner, repo: name, full: `${owner}/${name}` };
  };

  it('an issue never seeded is an open "Issue <n>" by octocat; a seeded one has its fields, state_reason and milestone', async () => {
    const r = fresh();
    fake.setMilestones(r.full, [{ number: 2, title: 'v1.0' }]);
    fake.setIssue(r.full, 1, { title: 'Crash', body: 'It crashes', author: 'bob', state: 'closed', milestone: 'v1.0' });

    const { data: unseeded } = await octokit.rest.issues.get({ owner, repo: r.repo, issue_number: 9 });
    const { data: seeded } = await octokit.rest.issues.get({ owner, repo: r.repo, issue_number: 1 });

    expect(unseeded).toMatchObject({ number: 9, title: 'Issue 9', state: 'open', state_reason: null, user: { login: 'octocat' }, milestone: null, body: null });
    expect(unseeded).not.toHaveProperty('pull_request');
    expect(seeded).toMatchObject({ title: 'Crash', body: 'It crashes', state: 'closed', state_reason: 'completed', user: { login: 'bob' }, milestone: { number: 2, title: 'v1.0', state: 'open', closed_issues: 1, open_issues: 0 } });
    expect(fake.calls.map((c) => c.text)).toEqual([`getIssue ${r.full}#9 → 200`, `getIssue ${r.full}#1 → 200`]);
  });

  it('PATCH changes a pull request’s issue fields: pulls.get shows the new title, state and milestone; reopening says reopened', async () => {
    const r = fresh();
    fake.setMilestones(r.full, [{ number: 1, title: 'v1.0' }]);
    fake.setPullRequest(r.full, 3, { title: 'WIP: thing' });

    const { data: closed } = await octokit.rest.issues.update({ owner, repo: r.repo, issue_number: 3, title: 'thing', state: 'closed', milestone: 1 });
    const { data: pr } = await octokit.rest.pulls.get({ owner, repo: r.repo, pull_number: 3 });
    await octokit.rest.issues.update({ owner, repo: r.repo, issue_number: 3, state: 'open', milestone: null });

    expect(closed).toMatchObject({ title: 'thing', state: 'closed', state_reason: 'completed', pull_request: expect.any(Object) });
    expect(pr).toMatchObject({ title: 'thing', state: 'closed', merged: false, milestone: { number: 1, title: 'v1.0' } });
    expect(fake.issueOf(r.full, 3)).toEqual({ title: 'thing', body: '', state: 'open', stateReason: 'reopened', author: 'octocat', milestone: undefined, isPullRequest: true });
    expect(fake.writes()).toEqual([`updateIssue ${r.full}#3 {"title":"thing","state":"closed","milestone":1}`, `updateIssue ${r.full}#3 {"state":"open","milestone":null}`]);
  });

  it.each([
    { name: 'a milestone the repository does not have', body: { milestone: 7 }, field: 'milestone' },
    { name: 'a state GitHub does not know', body: { state: 'merged' }, field: 'state' },
    { name: 'a reason GitHub does not know', body: { state: 'closed', state_reason: 'wontfix' }, field: 'state_reason' },
    { name: 'an empty title', body: { title: ' ' }, field: 'title' },
  ])('PATCH refuses $name with 422 Validation Failed naming the field, changing nothing', async ({ body, field }) => {
    const r = fresh();
    fake.setIssue(r.full, 1, { title: 'Keep' });

    // A route that is a plain string: Octokit's types would refuse the wrong values on purpose.
    const route: string = `PATCH /repos/${owner}/${r.repo}/issues/1`;
    const error = await octokit.request(route, body).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 422, response: { data: { message: 'Validation Failed', errors: [{ resource: 'Issue', field }] } } });
    expect(fake.issueOf(r.full, 1)).toMatchObject({ title: 'Keep', state: 'open', milestone: undefined });
    expect(fake.writes()).toEqual([]);
  });

  it('lists milestones open by default, closed or all on request; a title seeded that no milestone has makes one', async () => {
    const r = fresh();
    fake.setMilestones(r.full, [{ number: 1, title: 'v1.0', state: 'closed' }, { number: 2, title: 'v2.0' }]);
    fake.setIssue(r.full, 1, { milestone: 'v3.0' });

    const titles = async (state?: 'open' | 'closed' | 'all') =>
      (await octokit.rest.issues.listMilestones({ owner, repo: r.repo, ...(state ? { state } : {}) })).data.map((m) => `${m.number} ${m.title} ${m.state}`);

    expect(await titles()).toEqual(['2 v2.0 open', '3 v3.0 open']);
    expect(await titles('closed')).toEqual(['1 v1.0 closed']);
    expect(await titles('all')).toEqual(['1 v1.0 closed', '2 v2.0 open', '3 v3.0 open']);
    expect(() => fake.setIssue(r.full, 2, { milestone: 99 })).toThrow(/has no milestone 99/);
  });

  describe('search', () => {
    const r = { owner, repo: 'searched', full: `${owner}/searched` };
    // `sally` is in no other test: a search without repo: sees the whole fake.
    beforeAll(() => {
      fake.setPullRequest(r.full, 1, { author: 'sally', title: 'Add the widget' });
      fake.setPullRequest(r.full, 2, { author: 'sally', state: 'closed', merged: true, title: 'Fix the widget' });
      fake.setPullRequest(r.full, 3, { author: 'sally', state: 'closed', title: 'Abandoned idea' });
      fake.setPullRequest(r.full, 4, { author: 'Bob', title: 'Docs' });
      fake.setIssue(r.full, 5, { author: 'sally', title: 'The widget crashes', body: 'on start' });
      fake.setIssue(r.full, 6, { author: 'carol', state: 'closed', title: 'Question' });
      fake.setLabels(r.full, 5, ['kind/bug', 'needs review']);
      fake.setPullRequest('acme/elsewhere', 1, { author: 'sally' });
    });

    it.each([
      { q: `is:pr author:sally repo:${r.full}`, numbers: [3, 2, 1] },
      { q: `type:pr author:SALLY repo:${r.full}`, numbers: [3, 2, 1] },
      { q: `is:pr author:sally`, numbers: [3, 2, 1, 1] },
      { q: `is:pr is:merged repo:${r.full}`, numbers: [2] },
      { q: `is:pr is:unmerged is:closed repo:${r.full}`, numbers: [3] },
      { q: `is:issue repo:${r.full}`, numbers: [6, 5] },
      { q: `is:issue state:open repo:${r.full}`, numbers: [5] },
      { q: `repo:${r.full} -author:sally`, numbers: [6, 4] },
      { q: `repo:${r.full} label:"needs review"`, numbers: [5] },
      { q: `repo:${r.full} -label:kind/bug is:issue`, numbers: [6] },
      { q: `widget repo:${r.full}`, numbers: [5, 2, 1] },
      { q: `"on start" repo:${r.full}`, numbers: [5] },
      { q: `is:pr author:nobody repo:${r.full}`, numbers: [] },
    ])('$q', async ({ q, numbers }) => {
      const { data, headers } = await octokit.rest.search.issuesAndPullRequests({ q });

      expect(data.total_count).toBe(numbers.length);
      expect(data.incomplete_results).toBe(false);
      expect(data.items.map((i) => i.number)).toEqual(numbers);
      expect(headers['x-ratelimit-resource']).toBe('search');
      expect(headers['x-ratelimit-limit']).toBe('30');
    });

    it('gives the count of all and the items of one page; search items are issues, pull requests marked', async () => {
      const { data } = await octokit.rest.search.issuesAndPullRequests({ q: `author:sally repo:${r.full}`, per_page: 1 });

      expect(data.total_count).toBe(4);
      expect(data.items).toHaveLength(1);
      expect(data.items[0]).toMatchObject({ number: 5, title: 'The widget crashes', state: 'open', user: { login: 'sally' }, labels: [{ name: 'kind/bug' }, { name: 'needs review' }] });
      expect(data.items[0]).not.toHaveProperty('pull_request');
    });

    it.each([
      { q: 'is:pr involves:sally', message: /does not understand the search qualifier "involves:"/ },
      { q: 'is:draft', message: /does not understand "is:draft"/ },
      { q: '   ', message: /Validation Failed/ },
    ])('refuses $q with 422, so a test cannot pass on a search the fake ignored', async ({ q, message }) => {
      const error = await octokit.rest.search.issuesAndPullRequests({ q }).catch((e: unknown) => e);

      expect(error).toMatchObject({ status: 422, response: { data: { message: expect.stringMatching(message) } } });
    });
  });

  it('commits of a pull request: one at the head by its author by default; setCommits replaces them; at most 250; 404 for none seeded', async () => {
    const r = fresh();
    fake.setPullRequest(r.full, 1, { author: 'alice', title: 'One commit', head: { sha: 'h1' }, base: { sha: 'b1' } });
    fake.setPullRequest(r.full, 2, { author: 'bob', base: { sha: 'b2' } });
    fake.setCommits(r.full, 2, Array.from({ length: 260 }, (_, i) => ({ message: `commit ${i}`, ...(i === 0 ? { author: null, authorName: 'Ghost', authorEmail: 'ghost@example.com' } : {}) })));

    const { data: single } = await octokit.rest.pulls.listCommits({ owner, repo: r.repo, pull_number: 1 });
    const many = await octokit.paginate(octokit.rest.pulls.listCommits, { owner, repo: r.repo, pull_number: 2, per_page: 100 });
    const missing = await octokit.rest.pulls.listCommits({ owner, repo: r.repo, pull_number: 3 }).catch((e: unknown) => e);

    expect(single).toEqual([
      expect.objectContaining({
        sha: 'h1',
        author: expect.objectContaining({ login: 'alice' }),
        commit: expect.objectContaining({ message: 'One commit', author: expect.objectContaining({ name: 'alice', email: 'alice@users.noreply.github.com' }) }),
        parents: [expect.objectContaining({ sha: 'b1' })],
      }),
    ]);
    expect(many).toHaveLength(250);
    expect(many[0]).toMatchObject({ author: null, commit: { author: { name: 'Ghost', email: 'ghost@example.com' } }, parents: [{ sha: 'b2' }] });
    expect(many[1]?.parents[0]?.sha).toBe(many[0]?.sha);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('lists pull requests open by default, newest first, by base or head, without what GitHub computes per pull request', async () => {
    const r = fresh();
    fake.setPullRequest(r.full, 1, { base: { ref: 'main' } });
    fake.setPullRequest(r.full, 2, { base: { ref: 'release' }, head: { ref: 'backport' } });
    fake.setPullRequest(r.full, 3, { base: { ref: 'main' }, mergeable: false });
    fake.setPullRequest(r.full, 4, { base: { ref: 'main' }, state: 'closed' });

    const numbers = async (query: { state?: 'open' | 'closed' | 'all'; base?: string; head?: string }) =>
      (await octokit.rest.pulls.list({ owner, repo: r.repo, ...query })).data.map((p) => p.number);
    const { data } = await octokit.rest.pulls.list({ owner, repo: r.repo });

    expect(await numbers({})).toEqual([3, 2, 1]);
    expect(await numbers({ base: 'main' })).toEqual([3, 1]);
    expect(await numbers({ head: `${owner}:backport` })).toEqual([2]);
    expect(await numbers({ state: 'all', base: 'main' })).toEqual([4, 3, 1]);
    expect(data[0]).not.toHaveProperty('mergeable');
    expect(data[0]).not.toHaveProperty('merged');
    expect(data[0]).toMatchObject({ merged_at: null, base: { ref: 'main' } });
  });

  it.each([
    { name: 'merges cleanly by default', seed: {}, mergeable: true, state: 'clean' },
    { name: 'a draft', seed: { draft: true }, mergeable: true, state: 'draft' },
    { name: 'conflicts', seed: { mergeable: false, mergeableState: 'dirty' }, mergeable: false, state: 'dirty' },
    { name: 'still being computed', seed: { mergeable: null, mergeableState: 'unknown' }, mergeable: null, state: 'unknown' },
  ])('a pull request’s mergeability: $name', async ({ seed, mergeable, state }) => {
    const r = fresh();
    fake.setPullRequest(r.full, 1, seed);

    const { data } = await octokit.rest.pulls.get({ owner, repo: r.repo, pull_number: 1 });

    expect({ mergeable: data.mergeable, state: data.mergeable_state }).toEqual({ mergeable, state });
  });

  it('statuses: 201 per status, the latest per context in the combined status, GitHub’s default context', async () => {
    const r = fresh();

    const { status } = await octokit.rest.repos.createCommitStatus({ owner, repo: r.repo, sha: 'ABC', state: 'pending', context: 'dco', description: 'checking' });
    await octokit.rest.repos.createCommitStatus({ owner, repo: r.repo, sha: 'abc', state: 'success', context: 'dco', description: 'signed off', target_url: 'https://example.com' });
    await octokit.rest.repos.createCommitStatus({ owner, repo: r.repo, sha: 'abc', state: 'pending' });
    const { data } = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo: r.repo, ref: 'abc' });

    expect(status).toBe(201);
    expect(data).toMatchObject({ state: 'pending', sha: 'abc', total_count: 2 });
    expect(data.statuses.map((s) => [s.context, s.state, s.description, s.target_url])).toEqual([
      ['dco', 'success', 'signed off', 'https://example.com'],
      ['default', 'pending', null, null],
    ]);
    expect(fake.statusesOf(r.full, 'abc')).toEqual([
      { context: 'dco', state: 'success', description: 'signed off', targetUrl: 'https://example.com' },
      { context: 'default', state: 'pending', description: '', targetUrl: '' },
    ]);
    expect(fake.writes()).toEqual([`createStatus ${r.full}@ABC dco pending "checking"`, `createStatus ${r.full}@abc dco success "signed off"`, `createStatus ${r.full}@abc default pending ""`]);
  });

  it.each([
    { name: 'none: pending', states: [], combined: 'pending' },
    { name: 'all success: success', states: ['success', 'success'], combined: 'success' },
    { name: 'a pending one: pending', states: ['success', 'pending'], combined: 'pending' },
    { name: 'a failure: failure', states: ['success', 'failure', 'pending'], combined: 'failure' },
    { name: 'an error: failure', states: ['error', 'success'], combined: 'failure' },
  ] as const)('the combined state, $name', async ({ states, combined }) => {
    const r = fresh();
    states.forEach((state, i) => fake.addStatus(r.full, 'sha1', { context: `c${i}`, state }));

    const { data } = await octokit.rest.repos.getCombinedStatusForRef({ owner, repo: r.repo, ref: 'sha1' });

    expect(data.state).toBe(combined);
  });

  it.each([
    { name: 'a state GitHub does not know', body: { state: 'green', context: 'ci' }, message: 'Validation Failed' },
    { name: 'a description over 140 characters', body: { state: 'success', context: 'ci', description: 'x'.repeat(141) }, message: 'Validation Failed: description is too long (maximum is 140 characters)' },
  ])('statuses: refuses $name with 422, setting nothing', async ({ body, message }) => {
    const r = fresh();

    const route: string = `POST /repos/${owner}/${r.repo}/statuses/abc`;
    const error = await octokit.request(route, body).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 422, response: { data: { message } } });
    expect(fake.statusesOf(r.full, 'abc')).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it('deletes a branch (204), then 422 "Reference does not exist"; a seeded pull request brings its head and base branches', async () => {
    const r = fresh();
    fake.setBranches(r.full, ['main', 'feature/x']);
    fake.setPullRequest(r.full, 1, { head: { ref: 'fix' }, base: { ref: 'release' } });

    const first = await octokit.rest.git.deleteRef({ owner, repo: r.repo, ref: 'heads/feature/x' });
    const again = await octokit.rest.git.deleteRef({ owner, repo: r.repo, ref: 'heads/feature/x' }).catch((e: unknown) => e);
    const tag = await octokit.rest.git.deleteRef({ owner, repo: r.repo, ref: 'tags/main' }).catch((e: unknown) => e);
    const branchesAfter = fake.branchesOf(r.full);

    expect(first.status).toBe(204);
    expect(again).toMatchObject({ status: 422, response: { data: { message: 'Reference does not exist' } } });
    expect(tag).toMatchObject({ status: 422 });
    expect(branchesAfter).toEqual(['fix', 'main', 'release']);
    expect(fake.writes()).toEqual([`deleteBranch ${r.full} feature/x`]);
  });

  it('failNext answers the new routes too, changing nothing', async () => {
    const r = fresh();
    fake.setBranches(r.full, ['feature']);
    fake.failNext({ method: 'DELETE', path: /\/git\/refs\// }, faults.serverError(502));
    fake.failNext({ method: 'PATCH', path: /\/issues\/\d+$/ }, faults.serverError(503));

    const deleted = await octokit.rest.git.deleteRef({ owner, repo: r.repo, ref: 'heads/feature' }).catch((e: unknown) => e);
    const updated = await octokit.rest.issues.update({ owner, repo: r.repo, issue_number: 1, state: 'closed' }).catch((e: unknown) => e);

    expect(deleted).toMatchObject({ status: 502 });
    expect(updated).toMatchObject({ status: 503 });
    expect(fake.branchesOf(r.full)).toEqual(['feature']);
    expect(fake.issueOf(r.full, 1).state).toBe('open');
    expect(fake.calls.map((c) => c.text)).toEqual([`deleteRef ${r.full} heads/feature → 502 (injected)`, `updateIssue ${r.full}#1 {"state":"closed"} → 503 (injected)`]);
  });
});

describe('repositories, branches, and the issue mutations (GraphQL)', () => {
  let n = 0;
  const fresh = (prefix = 'im') => {
    const name = `${prefix}-${++n}`;
    return { repo: name, full: `${owner}/${name}` };
  };
  const mutate = (name: string, input: Record<string, string>) =>
    octokit.graphql<Record<string, unknown>>(`mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { issue { id } } }`, { input });
  const transfer = (input: Record<string, string>) =>
    octokit.graphql<{ transferIssue: { issue: { url: string } } }>('mutation($input: TransferIssueInput!) { transferIssue(input: $input) { issue { url } } }', { input });
  const nodeOf = async (r: { repo: string }, number: number) => (await octokit.rest.issues.get({ owner, repo: r.repo, issue_number: number })).data.node_id;
  const repoNode = async (r: { repo: string }) => (await octokit.rest.repos.get({ owner, repo: r.repo })).data.node_id;

  it('every repository exists unless setRepo says not, with its default branch; a name GitHub cannot have is 404', async () => {
    const r = fresh();
    const gone = fresh();
    fake.setRepo(r.full, { defaultBranch: 'trunk', archived: true });
    fake.setRepo(gone.full, { exists: false });

    const { data } = await octokit.rest.repos.get({ owner, repo: r.repo });
    const missing = await octokit.rest.repos.get({ owner, repo: gone.repo }).catch((e: unknown) => e);
    const odd = await octokit.rest.repos.get({ owner, repo: 'a b' }).catch((e: unknown) => e);
    const issueThere = await octokit.rest.issues.get({ owner, repo: gone.repo, issue_number: 1 }).catch((e: unknown) => e);

    expect(data).toMatchObject({ name: r.repo, full_name: r.full, default_branch: 'trunk', archived: true, private: false, node_id: expect.stringMatching(/^R_/) });
    expect(missing).toMatchObject({ status: 404 });
    expect(odd).toMatchObject({ status: 404 });
    expect(issueThere).toMatchObject({ status: 404 });
  });

  it("a branch's SHA names its files as they were then, and an unknown branch is 404", async () => {
    const r = fresh();
    fake.setFile(r.full, 'main', 'OWNERS', 'approvers: [a]\n');

    const before = (await octokit.rest.repos.getBranch({ owner, repo: r.repo, branch: 'main' })).data.commit.sha;
    fake.setFile(r.full, 'main', 'OWNERS', 'approvers: [b]\n');
    const after = (await octokit.rest.repos.getBranch({ owner, repo: r.repo, branch: 'main' })).data.commit.sha;
    const old = await octokit.rest.repos.getContent({ owner, repo: r.repo, path: 'OWNERS', ref: before, mediaType: { format: 'raw' } });
    const unknown = await octokit.rest.repos.getBranch({ owner, repo: r.repo, branch: 'nope' }).catch((e: unknown) => e);

    expect(before).toMatch(/^[0-9a-f]{40}$/);
    expect(after).not.toBe(before);
    expect(String(old.data)).toBe('approvers: [a]\n');
    expect(unknown).toMatchObject({ status: 404 });
  });

  const sha = (c: string) => c.repeat(40);
  const refOf = async (r: { repo: string }, ref: string) =>
    (await new OctokitGitHub(octokit).getRef({ owner, repo: r.repo }, ref).catch((e: { cause?: { status?: number } }) => `HTTP ${e.cause?.status}`)) as string;

  it.each([
    { name: 'a seeded pull request: its base branch is at its base.sha', seed: (f: FakeGitHub, full: string) => f.setPullRequest(full, 1, { base: { ref: 'main', sha: sha('b') } }), ref: 'heads/main', want: sha('b') },
    {
      name: 'setBranchSha moves the branch on from the pull request’s base',
      seed: (f: FakeGitHub, full: string) => (f.setPullRequest(full, 1, { base: { sha: sha('b') } }), f.setBranchSha(full, 'main', sha('c'))),
      ref: 'heads/main',
      want: sha('c'),
    },
    {
      name: 'setBranchSha wins over a pull request seeded after it',
      seed: (f: FakeGitHub, full: string) => (f.setBranchSha(full, 'main', sha('c')), f.setPullRequest(full, 1, { base: { sha: sha('b') } })),
      ref: 'heads/main',
      want: sha('c'),
    },
    {
      name: 'a pull request re-seeded with a new base.sha moves an unset branch',
      seed: (f: FakeGitHub, full: string) => (f.setPullRequest(full, 1, { base: { sha: sha('b') } }), f.setPullRequest(full, 2, { base: { sha: sha('d') } }), f.setPullRequest(full, 1, { title: 'only the title' })),
      ref: 'heads/main',
      want: sha('d'),
    },
    { name: 'a branch with slashes, sent with its slashes', seed: (f: FakeGitHub, full: string) => f.setBranchSha(full, 'release/1.0', sha('e')), ref: 'heads/release/1.0', want: sha('e') },
    { name: 'a branch never heard of is 404', seed: () => {}, ref: 'heads/nope', want: 'HTTP 404' },
    { name: 'a deleted branch is 404', seed: (f: FakeGitHub, full: string) => (f.setBranchSha(full, 'gone', sha('f')), f.setBranches(full, [])), ref: 'heads/gone', want: 'HTTP 404' },
    { name: 'refs other than branches are 404 (the fake has no tags)', seed: (f: FakeGitHub, full: string) => f.setBranchSha(full, 'v1', sha('a')), ref: 'tags/v1', want: 'HTTP 404' },
  ])("GET git/ref/{ref}: $name", async ({ seed, ref, want }) => {
    const r = fresh('ref');
    seed(fake, r.full);

    expect(await refOf(r, ref)).toBe(want);
    // The port's client sends the ref's slashes as slashes (GitHub Enterprise 404s on %2F).
    expect(fake.calls[0]!.path).toBe(`/repos/${r.full}/git/ref/${ref}`);
    if (want.startsWith('HTTP')) return;
    // GET branches/{b} answers the same head, and so does git/ref with the slashes encoded.
    const branch = ref.slice('heads/'.length);
    expect((await octokit.rest.repos.getBranch({ owner, repo: r.repo, branch })).data.commit.sha).toBe(want);
    expect((await octokit.rest.git.getRef({ owner, repo: r.repo, ref })).data.object.sha).toBe(want);
    expect(fake.calls.map((c) => c.text)).toContain(`getRef ${r.full} ${ref} → 200`);
  });

  it('a head set with setBranchSha reads as the branch’s files when first answered, unless files were set under the SHA itself', async () => {
    const r = fresh('ref');
    fake.setFile(r.full, 'main', 'OWNERS', 'approvers: [a]\n');
    fake.setBranchSha(r.full, 'main', sha('1'));
    fake.setFile(r.full, sha('2'), 'OWNERS', 'approvers: [own]\n');

    const first = await refOf(r, 'heads/main');
    fake.setFile(r.full, 'main', 'OWNERS', 'approvers: [b]\n');
    const read = async (ref: string) => String((await octokit.rest.repos.getContent({ owner, repo: r.repo, path: 'OWNERS', ref, mediaType: { format: 'raw' } })).data);
    const atFirst = await read(first);
    fake.setBranchSha(r.full, 'main', sha('2'));
    const second = await refOf(r, 'heads/main');

    expect(first).toBe(sha('1'));
    expect(atFirst).toBe('approvers: [a]\n');
    expect(await read(second)).toBe('approvers: [own]\n');
  });

  it('pins at most three issues per repository; pinning twice and unpinning one not pinned change nothing', async () => {
    const r = fresh();
    const ids = await Promise.all([1, 2, 3, 4].map((i) => nodeOf(r, i)));

    for (const id of ids.slice(0, 3)) await mutate('pinIssue', { issueId: id });
    await mutate('pinIssue', { issueId: ids[0]! });
    const fourth = await mutate('pinIssue', { issueId: ids[3]! }).catch((e: unknown) => e);
    await mutate('unpinIssue', { issueId: ids[1]! });
    await mutate('unpinIssue', { issueId: ids[1]! });

    expect(fourth).toMatchObject({ errors: [expect.objectContaining({ type: 'UNPROCESSABLE' })] });
    expect(fake.pinnedOf(r.full)).toEqual([1, 3]);
    expect(fake.writes()).toEqual([
      `pinIssue ${r.full}#1`,
      `pinIssue ${r.full}#2`,
      `pinIssue ${r.full}#3`,
      `pinIssue ${r.full}#1`,
      `unpinIssue ${r.full}#2`,
      `unpinIssue ${r.full}#2`,
    ]);
  });

  it('a pull request, or an id that names nothing, cannot be pinned', async () => {
    const r = fresh();
    fake.setPullRequest(r.full, 5);
    const prId = await nodeOf(r, 5);

    const asPr = await mutate('pinIssue', { issueId: prId }).catch((e: unknown) => e);
    const nothing = await mutate('pinIssue', { issueId: 'I_bm9wZQ' }).catch((e: unknown) => e);

    expect(prId).toMatch(/^PR_/);
    expect(asPr).toMatchObject({ errors: [expect.objectContaining({ type: 'NOT_FOUND' })] });
    expect(nothing).toMatchObject({ errors: [expect.objectContaining({ type: 'NOT_FOUND' })] });
    expect(fake.pinnedOf(r.full)).toEqual([]);
  });

  it('a transfer moves the issue, its comments and assignees to the next number there; the old number answers 301 to it', async () => {
    const src = fresh();
    const dst = fresh();
    fake.setIssue(src.full, 7, { title: 'Belongs elsewhere', author: 'dave' });
    fake.addComment(src.full, 7, { user: 'erin', body: 'agreed' });
    fake.setAssignees(src.full, 7, ['erin']);
    fake.setIssue(dst.full, 3);

    const { transferIssue } = await transfer({ issueId: await nodeOf(src, 7), repositoryId: await repoNode(dst) });
    const old = await octokit.rest.issues.get({ owner, repo: src.repo, issue_number: 7 });

    expect(transferIssue.issue.url).toBe(`https://github.com/${dst.full}/issues/4`);
    expect(fake.transferredTo(src.full, 7)).toBe(`${dst.full}#4`);
    expect(fake.issueOf(dst.full, 4)).toMatchObject({ title: 'Belongs elsewhere', author: 'dave' });
    expect(fake.comments(dst.full, 4)).toEqual(['agreed']);
    expect(fake.assigneesOf(dst.full, 4)).toEqual(['erin']);
    expect(old.data).toMatchObject({ number: 4, title: 'Belongs elsewhere', html_url: `https://github.com/${dst.full}/issues/4` });
    expect(fake.calls.map((c) => c.text)).toContain(`getIssue ${src.full}#7 → 301`);
    expect(fake.writes()).toEqual([`transferIssue ${src.full}#7 to ${dst.full}`]);
  });

  it.each([
    { name: 'into another owner', seed: () => {}, to: () => ({ owner: 'other-org', repo: 'x' }), type: 'UNPROCESSABLE' },
    { name: 'from a private repository into a public one', seed: (src: string) => fake.setVisibility(src, 'private'), to: () => ({ owner, repo: fresh('pub').repo }), type: 'UNPROCESSABLE' },
    { name: 'into an archived repository', seed: () => {}, to: () => { const r = fresh('arch'); fake.setRepo(r.full, { archived: true }); return { owner, repo: r.repo }; }, type: 'UNPROCESSABLE' },
  ])('a transfer $name is refused with GraphQL errors, changing nothing', async ({ seed, to, type }) => {
    const src = fresh();
    seed(src.full);
    const target = to();
    const repositoryId = (await octokit.rest.repos.get(target)).data.node_id;

    const refused = await transfer({ issueId: await nodeOf(src, 1), repositoryId }).catch((e: unknown) => e);

    expect(refused).toMatchObject({ errors: [expect.objectContaining({ type })] });
    expect(fake.transferredTo(src.full, 1)).toBeUndefined();
    expect(fake.writes()).toEqual([]);
  });

  it('a deleted issue answers 410 Gone', async () => {
    const r = fresh();
    fake.deleteIssue(r.full, 2);
    const read = await octokit.rest.issues.get({ owner, repo: r.repo, issue_number: 2 }).catch((e: unknown) => e);
    expect(read).toMatchObject({ status: 410 });
  });
});
