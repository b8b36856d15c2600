// The fake GitHub server, driven through a real Octokit: if these pass, end-to-end tests can trust
// that what the pipeline sees is what GitHub would send (shapes, pagination, ETags, faults).
import { generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
