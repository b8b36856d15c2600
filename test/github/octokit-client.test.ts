// The GitHub adapter over HTTP: OctokitGitHub and GitHubConnector drive the production Octokit
// (buildOctokit: auth, retries, throttling) against the fake GitHub server on loopback, so what is
// checked is what goes over the wire: paths, auth headers, pagination, ETags, and how failures come
// back (GitHubError with the call's context and GitHub's status).
import { generateKeyPairSync } from 'node:crypto';
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
      { message: 'dry-run: not sending addLabel', extra: [{ method: 'addLabel', ref: `${full}#1`, arg: hold }] },
      { message: 'dry-run: not sending removeLabel', extra: [{ method: 'removeLabel', ref: `${full}#1`, arg: 'lgtm' }] },
      { message: 'dry-run: not sending createComment', extra: [{ method: 'createComment', ref: `${full}#1`, arg: 'hello' }] },
    ]);
  });
});
