// dispatch (shared/hook/dispatch.ts) in memory: real webhook payloads queued as the webhook queues
// them, the real hold and size plugins and config parser, an in-memory GitHub that records writes, and
// an in-memory claim and trace store with DynamoStore's semantics. Each row checks what the plugins
// did on GitHub and what the trace says about it, including why a plugin did not run.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { ConfigAgent, RepoConfigSource, type ConfigSource } from '../../shared/config/agent.js';
import type { ConfigFile } from '../../shared/config/parse.js';
import type { GitHubClient, RepoRef } from '../../shared/github/client.js';
import { dryRunClient, type ContentsReader } from '../../shared/github/connector.js';
import { gitHubDeadline } from '../../shared/github/deadline.js';
import { GitHubError, GitHubNetworkError, isRetryable, RetryableError } from '../../shared/github/errors.js';
import type { ContentResult } from '../../shared/github/octokit-client.js';
import { dispatch, MalformedEventError, type DispatchDeps, type GitHubProvider } from '../../shared/hook/dispatch.js';
import { encodeQueuedEvent, orgRepoOf } from '../../shared/hook/queued-event.js';
import { createLogger } from '../../shared/log.js';
import { size } from '../../shared/plugins/size/index.js';
import { hold, holdLabel } from '../../shared/plugins/hold/index.js';
import type { Plugin } from '../../shared/plugins/types.js';
import type { PluginRecord } from '../../shared/storage/ports.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { MemoryPayloads } from '../fakes/memory-queue.js';
import { MemoryStore } from '../fakes/memory-store.js';

const repo = 'Codertocat/Hello-World'; // the repository of every @octokit/webhooks-examples payload
const issue = `${repo}#1`; // the issue_comment and issues examples
const pr = `${repo}#2`; // the pull_request examples
const receivedAt = '2024-05-01T12:00:00.000Z';
const bot = 'skiff-bot';
const leaseMs = 60_000;
const log = createLogger({ logLevel: 'SILENT' });

const bothEnabled = `plugins:\n  ${repo}: [hold, size]\n`;
const addHold = (ref: string) => `addLabel ${ref} ${holdLabel}`;
const addXS = `addLabel ${pr} size/XS`;
// The pull_request example changes no files in the MemoryGitHub: zero lines.
const sizeXS = '0 lines changed → size/XS';

// ---- payloads (real examples, changed only where a row is about it) -------------------------

/** An issue_comment on #1, which is a pull request unless `onPR` is false. */
function comment(body: string, options: { login?: string; action?: 'created' | 'edited'; onPR?: boolean } = {}): Record<string, any> {
  const payload = samplePayload('issue_comment', options.action ?? 'created');
  payload.comment.body = body;
  if (options.login) payload.comment.user.login = options.login;
  if (options.onPR ?? true) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return payload;
}

/** A pull_request event on #2, by `login`, with `body` as its description. */
function pullRequest(action: string, body: string | null = null, login = 'Codertocat'): Record<string, any> {
  const payload = samplePayload('pull_request', action);
  payload.pull_request.body = body;
  payload.pull_request.user.login = login;
  return payload;
}

let deliveries = 0;

/**
 * The SQS body the webhook would queue, payload inline, with the target it verified the
 * signature for (`repository.full_name`, else the org); `target: null` leaves it out, as in
 * messages queued before it was recorded.
 */
function queued(event: string, payload: object, options: { delivery?: string; target?: string | null } = {}) {
  const delivery = options.delivery ?? `delivery-${++deliveries}`;
  const target = options.target === null ? undefined : (options.target ?? (orgRepoOf(payload) || undefined));
  return { delivery, body: encodeQueuedEvent({ delivery, event, receivedAt, ...(target ? { target } : {}) }, JSON.stringify(payload)) };
}

// ---- collaborators ---------------------------------------------------------------------------

/** plugins.yaml as a string the test can change; every fetch re-reads it. */
class YamlSource implements ConfigSource {
  readonly description = 'test:plugins.yaml';
  fetches = 0;
  constructor(public text: string) {}
  async fetch(): Promise<ConfigFile[]> {
    this.fetches++;
    return [{ path: 'plugins.yaml', text: this.text }];
  }
}

class TestProvider implements GitHubProvider {
  /** `owner/repo` (and ` installation <id>`) per forEvent call. */
  readonly forEventCalls: string[] = [];
  /** What the next botLogin call throws, if anything. */
  botLoginError: Error | undefined;
  /** `owner/repo` per repoLabelsChanged call. */
  readonly repoLabelsChangedCalls: string[] = [];
  constructor(
    private readonly client: GitHubClient,
    readonly dryRun = false,
  ) {}
  async forEvent(repo: RepoRef, installationId?: number): Promise<GitHubClient> {
    this.forEventCalls.push(`${repo.owner}/${repo.repo}${installationId === undefined ? '' : ` installation ${installationId}`}`);
    return this.client;
  }
  async botLogin(): Promise<string> {
    if (this.botLoginError) throw this.botLoginError;
    return bot;
  }
  repoLabelsChanged(repo: RepoRef): void {
    this.repoLabelsChangedCalls.push(`${repo.owner}/${repo.repo}`);
  }
}

interface SetupOptions {
  config?: string;
  source?: ConfigSource;
  registry?: readonly Plugin[];
  /** What the provider hands out for the MemoryGitHub; the MemoryGitHub itself by default. */
  client?: (gh: MemoryGitHub) => GitHubClient;
  dryRun?: boolean;
  afterPlugin?: DispatchDeps['afterPlugin'];
  recordGitHubMs?: number;
}

/** The plugins these rows are about; other plugins' records would only add noise. */
const registry: readonly Plugin[] = [hold, size];

function setup(options: SetupOptions = {}) {
  const clock = { ms: Date.parse(receivedAt) };
  const github = new MemoryGitHub();
  const store = new MemoryStore(() => clock.ms);
  const payloads = new MemoryPayloads();
  const source = options.source ?? new YamlSource(options.config ?? bothEnabled);
  const provider = new TestProvider(options.client?.(github) ?? github, options.dryRun);
  const plugins = options.registry ?? registry;
  const deps: DispatchDeps = {
    config: new ConfigAgent(source, plugins, { now: () => clock.ms }),
    github: provider,
    claims: store,
    traces: store,
    payloads,
    registry: plugins,
    log,
    leaseMs,
    afterPlugin: options.afterPlugin,
    recordGitHubMs: options.recordGitHubMs,
    now: () => new Date(clock.ms),
  };
  return { clock, github, store, payloads, provider, deps, source };
}

const skipped = (reason: string): Partial<PluginRecord> => ({ status: 'skipped', reason, writes: [] });
const ran = (writes: string[], reason?: string): Partial<PluginRecord> => ({ status: 'ran', writes, ...(reason ? { reason } : {}) });
const notEnabled = skipped(`not enabled for ${repo}`);

/** An HTTP failure shaped like Octokit's RequestError. */
const httpError = (status: number, message: string) => Object.assign(new Error(message), { name: 'HttpError', status });

// ---- which plugins run, and why not ----------------------------------------------------------

interface Row {
  name: string;
  config?: string;
  event: string;
  payload: () => Record<string, any>;
  records: Record<string, Partial<PluginRecord>>;
  writes: string[];
}

const rows: Row[] = [
  {
    name: 'plugins enabled only for another repo: both skipped as not enabled',
    config: 'plugins:\n  Codertocat/Other: [hold, size]\n',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: notEnabled, size: notEnabled },
    writes: [],
  },
  {
    name: 'an empty plugins map: nothing enabled',
    config: 'plugins: {}\n',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: notEnabled, size: notEnabled },
    writes: [],
  },
  {
    name: 'enabled for the org: runs in its repos',
    config: 'plugins:\n  Codertocat: [hold]\n',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: ran([addHold(issue)], '/hold'), size: notEnabled },
    writes: [addHold(issue)],
  },
  {
    name: 'org names are matched as written: another org enables nothing here',
    config: 'plugins:\n  Codertocat-fork: [hold]\n',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: notEnabled, size: notEnabled },
    writes: [],
  },
  {
    name: "the org's excluded_repos lists this repo: not enabled",
    config: 'plugins:\n  Codertocat:\n    plugins: [hold, size]\n    excluded_repos: [Hello-World]\n',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: notEnabled, size: notEnabled },
    writes: [],
  },
  {
    name: "the org's excluded_repos lists another repo: enabled here",
    config: 'plugins:\n  Codertocat:\n    plugins: [hold]\n    excluded_repos: [Hello-World-2]\n',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: ran([addHold(issue)]) },
    writes: [addHold(issue)],
  },
  {
    name: "excluded from the org's list, enabled by the repo's own entry",
    config: `plugins:\n  Codertocat:\n    plugins: [hold, size]\n    excluded_repos: [Hello-World]\n  ${repo}: [hold]\n`,
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: ran([addHold(issue)]), size: notEnabled },
    writes: [addHold(issue)],
  },
  {
    name: 'issues labeled: an event neither plugin handles',
    event: 'issues',
    payload: () => samplePayload('issues', 'labeled'),
    records: { hold: skipped('does not handle issues/labeled events'), size: skipped('does not handle issues/labeled events') },
    writes: [],
  },
  {
    name: 'pull_request labeled: not a comment for hold; size runs and finds the diff unchanged',
    event: 'pull_request',
    payload: () => pullRequest('labeled'),
    records: {
      hold: skipped('does not handle pull_request/labeled events'),
      size: { status: 'skipped', reason: 'pull_request action "labeled" does not change the diff', writes: [] },
    },
    writes: [],
  },
  {
    name: '/hold on a pull request: hold runs and the write is in the trace',
    event: 'issue_comment',
    payload: () => comment('/hold'),
    records: { hold: ran([addHold(issue)], '/hold'), size: skipped('does not handle issue_comment/created events') },
    writes: [addHold(issue)],
  },
  {
    name: '/hold cancel on a pull request removes the label',
    event: 'issue_comment',
    payload: () => comment('/hold cancel'),
    records: { hold: ran([`removeLabel ${issue} ${holdLabel}`], '/hold cancel') },
    writes: [`removeLabel ${issue} ${holdLabel}`],
  },
  {
    name: '"> /hold" in a quote does not fire',
    event: 'issue_comment',
    payload: () => comment('> /hold\nI disagree'),
    records: { hold: skipped('no command for this plugin in the comment') },
    writes: [],
  },
  {
    name: '/hold on an issue: refused as skipped, with the reason',
    event: 'issue_comment',
    payload: () => comment('/hold', { onPR: false }),
    records: { hold: skipped(`/hold works on pull requests only; ${issue} is an issue`) },
    writes: [],
  },
  {
    name: '/hold in an edited comment: new comments only',
    event: 'issue_comment',
    payload: () => comment('/hold', { action: 'edited' }),
    records: { hold: skipped('/hold acts on new comments only; this one was edited') },
    writes: [],
  },
  {
    name: "the bot's own /hold comment: skipped",
    event: 'issue_comment',
    payload: () => comment('/hold', { login: bot }),
    records: { hold: skipped(`the comment is by the bot itself (${bot})`), size: skipped('does not handle issue_comment/created events') },
    writes: [],
  },
  {
    name: "the bot's login in another case is still the bot",
    event: 'issue_comment',
    payload: () => comment('/hold', { login: 'Skiff-Bot' }),
    records: { hold: skipped(`the comment is by the bot itself (${bot})`) },
    writes: [],
  },
  {
    name: "a user whose login merely contains the bot's is not the bot",
    event: 'issue_comment',
    payload: () => comment('/hold', { login: `${bot}-fan` }),
    records: { hold: ran([addHold(issue)]) },
    writes: [addHold(issue)],
  },
  {
    name: 'a bot-authored pull request with /hold in its body: hold skipped, size still runs',
    event: 'pull_request',
    payload: () => pullRequest('opened', '/hold', bot),
    records: { hold: skipped(`the comment is by the bot itself (${bot})`), size: ran([addXS], sizeXS) },
    writes: [addXS],
  },
  {
    name: "a person's pull request with /hold in its body: both run",
    event: 'pull_request',
    payload: () => pullRequest('opened', '/hold'),
    records: { hold: ran([addHold(pr)], '/hold'), size: ran([addXS], sizeXS) },
    writes: [addHold(pr), addXS],
  },
  {
    name: 'a pull request opened without a body: hold finds no command, size runs',
    event: 'pull_request',
    payload: () => pullRequest('opened'),
    records: { hold: skipped('no command for this plugin in the comment'), size: ran([addXS], sizeXS) },
    writes: [addXS],
  },
];

describe('dispatch: which plugins run', () => {
  it.each(rows)('$name', async ({ config, event, payload, records, writes }) => {
    // Prepare
    const { github, store, deps } = setup({ config });
    const message = queued(event, payload());

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes).toMatchObject(records);
    expect(github.writes).toEqual(writes);
    const trace = await store.get(message.delivery);
    expect(trace).toMatchObject({ status: 'processed', attempts: 1, plugins: records });
  });

  it('records the summary, and asks for a GitHub client only when a plugin runs, for the installation in the payload', async () => {
    // Prepare
    const { provider, store, deps } = setup();
    const commented = comment('/hold');
    commented.installation = { id: 77, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' };
    const hold = queued('issue_comment', commented);
    const labeled = queued('issues', samplePayload('issues', 'labeled'));

    // Act
    await dispatch(hold.body, deps);
    await dispatch(labeled.body, deps);

    // Assess
    expect(provider.forEventCalls).toEqual([`${repo} installation 77`]);
    expect(await store.get(hold.delivery)).toMatchObject({
      delivery: hold.delivery,
      event: 'issue_comment',
      action: 'created',
      repo,
      number: 1,
      receivedAt,
      status: 'processed',
    });
  });

  it('an invalid newest config: the last valid one is served and the error is in the trace', async () => {
    // Prepare
    const source = new YamlSource(bothEnabled);
    const { clock, github, store, deps } = setup({ source });
    await deps.config.get();
    // Not a plugin name at all: an error (an unknown name such as hodl is only a warning).
    source.text = `plugins:\n  ${repo}: [3]\n`;
    clock.ms += 61_000; // past the agent's revalidation interval
    const message = queued('issue_comment', comment('/hold'));

    // Act
    await dispatch(message.body, deps);

    // Assess
    expect(github.writes).toEqual([addHold(issue)]);
    expect((await store.get(message.delivery))?.configError).toContain(`plugins.yaml:2:28: plugins["${repo}"][0]: Invalid input: expected string, received number`);
  });

  // MemoryGitHub keeps its state in private fields: a read that reached it with the wrong `this`
  // (the write recorder not binding reads) would throw.
  it('reads pass through the write recorder to a client with private state', async () => {
    // Prepare
    const { github, deps } = setup();
    const message = queued('pull_request', pullRequest('opened'));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes.size?.error).toBeUndefined();
    expect(result.outcomes.size).toMatchObject(ran([addXS], sizeXS));
    expect(github.writes).toEqual([addXS]);
  });
});

// ---- claims: exactly once over an at-least-once queue ----------------------------------------

describe('dispatch: claims', () => {
  it('a plugin whose claim is already done is not run again', async () => {
    // Prepare
    const { github, store, deps } = setup();
    const message = queued('issue_comment', comment('/hold'));
    await store.claim(message.delivery, 'hold', leaseMs);
    await store.complete(message.delivery, 'hold');

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes.hold).toBeUndefined();
    expect(store.calls).toContain(`claim ${message.delivery}#hold → done`);
    expect(github.calls).toEqual([]);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed' });
  });

  it('a plugin another worker holds: RetryableError and no run; once its lease runs out, the retry runs it', async () => {
    // Prepare
    const { clock, github, store, deps } = setup();
    const message = queued('issue_comment', comment('/hold'));
    await store.claim(message.delivery, 'hold', leaseMs); // the other worker

    // Act
    const held = dispatch(message.body, deps);

    // Assess
    await expect(held).rejects.toBeInstanceOf(RetryableError);
    await expect(held).rejects.toThrow(`delivery ${message.delivery} will be retried: hold: another worker is running it`);
    expect(github.calls).toEqual([]);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'failed', attempts: 1 });

    // Act: still within the lease, then just past it (the other worker died).
    clock.ms += leaseMs;
    await expect(dispatch(message.body, deps)).rejects.toBeInstanceOf(RetryableError);
    clock.ms += 1;
    const retried = await dispatch(message.body, deps);

    // Assess
    expect(retried.outcomes.hold).toMatchObject(ran([addHold(issue)]));
    expect(github.writes).toEqual([addHold(issue)]);
    expect(store.claimOf(message.delivery, 'hold')).toEqual({ state: 'done' });
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed', attempts: 3 });
  });

  it('a redelivery of a processed event changes nothing on GitHub', async () => {
    // Prepare
    const { github, deps } = setup();
    const message = queued('pull_request', pullRequest('opened', '/hold'));
    await dispatch(message.body, deps);
    const callsAfterFirst = github.calls.length;

    // Act
    const again = await dispatch(message.body, deps);

    // Assess
    expect(again.outcomes).toEqual({});
    expect(github.calls).toHaveLength(callsAfterFirst);
    expect(github.writes).toEqual([addHold(pr), addXS]);
  });
});

// ---- failures: retryable or terminal, and isolated per plugin --------------------------------

interface FailureRow {
  name: string;
  error: () => Error;
  retrying: boolean;
  /** The error as the trace describes it. */
  described: string;
}

const failures: FailureRow[] = [
  { name: '502 from GitHub: retryable', error: () => httpError(502, 'Bad Gateway'), retrying: true, described: 'Bad Gateway (HTTP 502)' },
  { name: '429 from GitHub: retryable', error: () => httpError(429, 'Too Many Requests'), retrying: true, described: 'Too Many Requests (HTTP 429)' },
  {
    name: '503 wrapped by the GitHub client: retryable, with the status in the trace',
    error: () => new GitHubError(`failed to add label ${holdLabel} to ${pr}`, { cause: httpError(503, 'Service Unavailable') }),
    retrying: true,
    described: `failed to add label ${holdLabel} to ${pr}: Service Unavailable (HTTP 503)`,
  },
  {
    name: 'GitHub unreachable: retryable, and the trace says so without an HTTP status',
    error: () =>
      new GitHubError(`failed to add label ${holdLabel} to ${pr}`, {
        cause: new GitHubNetworkError('POST /repos/{owner}/{repo}/issues/{issue_number}/labels: getaddrinfo ENOTFOUND api.github.com'),
      }),
    retrying: true,
    described: `failed to add label ${holdLabel} to ${pr}: POST /repos/{owner}/{repo}/issues/{issue_number}/labels: getaddrinfo ENOTFOUND api.github.com`,
  },
  {
    name: 'a network error: retryable',
    error: () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    retrying: true,
    described: 'read ECONNRESET',
  },
  { name: '422 from GitHub: terminal', error: () => httpError(422, 'Validation Failed'), retrying: false, described: 'Validation Failed (HTTP 422)' },
  { name: '404 from GitHub: terminal', error: () => httpError(404, 'Not Found'), retrying: false, described: 'Not Found (HTTP 404)' },
];

describe('dispatch: a failing plugin', () => {
  it.each(failures)('$name', async ({ error, retrying, described }) => {
    // Prepare: both plugins run on this event; hold's write fails, size's does not.
    const { github, store, deps } = setup();
    const message = queued('pull_request', pullRequest('opened', '/hold'));
    github.failNext('addLabel', error());

    // Act
    const first = dispatch(message.body, deps);

    // Assess
    if (retrying) {
      await expect(first).rejects.toBeInstanceOf(RetryableError);
      await expect(first).rejects.toThrow(`delivery ${message.delivery} will be retried: hold: ${described}`);
    } else {
      expect((await first).outcomes.hold).toMatchObject({ status: 'failed', retrying: false });
    }
    const failedHold = { status: 'failed', error: described, retrying, writes: [] };
    expect(await store.get(message.delivery)).toMatchObject({
      status: retrying ? 'failed' : 'processed',
      plugins: { hold: failedHold, size: ran([addXS], sizeXS) },
    });
    // Isolation: size ran and is done either way.
    expect(github.writes).toEqual([addXS]);
    expect(store.claimOf(message.delivery, 'size')).toEqual({ state: 'done' });
    // A retryable failure gives the claim up so the retry can take it at once.
    expect(store.claimOf(message.delivery, 'hold')).toEqual(retrying ? undefined : { state: 'done' });

    // Act: SQS delivers the record again.
    const second = await dispatch(message.body, deps);

    // Assess: only the retryable failure runs again, and size does not.
    expect(Object.keys(second.outcomes)).toEqual(retrying ? ['hold'] : []);
    expect(github.writes).toEqual(retrying ? [addXS, addHold(pr)] : [addXS]);
    expect(github.calls.filter((c) => c.startsWith('getPullRequestChanges'))).toHaveLength(1);
    expect(await store.get(message.delivery)).toMatchObject({
      status: 'processed',
      attempts: 2,
      plugins: { hold: retrying ? ran([addHold(pr)], '/hold') : failedHold, size: ran([addXS], sizeXS) },
    });
  });

  it('a plugin that throws a plain TypeError (a bug): terminal, the others still run', async () => {
    // Prepare
    const boom: Plugin = {
      name: 'boom',
      description: 'Throws a TypeError on /boom, as a buggy plugin would.',
      commands: [
        {
          name: 'boom',
          description: 'Throws.',
          examples: ['/boom'],
          who: 'Anyone',
          async run() {
            const user = undefined as unknown as { login: string };
            return { status: 'ran', reason: user.login };
          },
        },
      ],
    };
    const plugins = [boom, ...registry];
    const { github, store, deps } = setup({ registry: plugins, config: `plugins:\n  ${repo}: [boom, hold]\n` });
    const message = queued('issue_comment', comment('/boom\n/hold'));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes.boom).toMatchObject({ status: 'failed', retrying: false, error: expect.stringContaining("reading 'login'") });
    expect(result.outcomes.hold).toMatchObject(ran([addHold(issue)]));
    expect(store.claimOf(message.delivery, 'boom')).toEqual({ state: 'done' });
    expect(github.writes).toEqual([addHold(issue)]);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed', plugins: { boom: { status: 'failed', retrying: false } } });
  });

  it('afterPlugin throwing (a crash after the claim was done): dispatch rejects, and the redelivery runs only the rest', async () => {
    // Prepare
    let crash = true;
    const { github, store, deps } = setup({
      afterPlugin: (_delivery, plugin) => {
        if (crash && plugin === 'hold') throw new Error('worker crashed');
      },
    });
    const message = queued('pull_request', pullRequest('opened', '/hold'));

    // Act
    await expect(dispatch(message.body, deps)).rejects.toThrow('worker crashed');

    // Assess: hold is done and recorded; size never started; the delivery never finished.
    expect(github.writes).toEqual([addHold(pr)]);
    expect(store.claimOf(message.delivery, 'hold')).toEqual({ state: 'done' });
    expect(store.claimOf(message.delivery, 'size')).toBeUndefined();
    expect(await store.get(message.delivery)).toMatchObject({ status: 'queued', plugins: { hold: ran([addHold(pr)]) } });

    // Act
    crash = false;
    const second = await dispatch(message.body, deps);

    // Assess
    expect(Object.keys(second.outcomes)).toEqual(['size']);
    expect(github.writes).toEqual([addHold(pr), addXS]);
    expect(await store.get(message.delivery)).toMatchObject({
      status: 'processed',
      attempts: 2,
      plugins: { hold: ran([addHold(pr)]), size: ran([addXS]) },
    });
  });
});

// ---- the event and the config ------------------------------------------------------------------

/** The config repository's contents API: files by path, every read recorded. */
class ConfigRepo implements ContentsReader {
  readonly reads: string[] = [];
  readonly files = new Map<string, string>();
  async getContent(repo: RepoRef, path: string, ref: string | undefined): Promise<ContentResult> {
    this.reads.push(`${repo.owner}/${repo.repo}:${path}${ref ? `@${ref}` : ''}`);
    const text = this.files.get(path);
    return text === undefined ? { status: 'not-found' } : { status: 'ok', text, etag: undefined };
  }
}

/** A push of one commit to acme/prow-config's main branch that changed `files`. */
function push(files: string[]): Record<string, any> {
  const payload = samplePayload('push');
  payload.ref = 'refs/heads/main';
  payload.repository.full_name = 'acme/prow-config';
  payload.repository.name = 'prow-config';
  payload.repository.owner.login = 'acme';
  payload.repository.default_branch = 'main';
  payload.commits = [{ id: 'c0ffee', message: 'update', added: [], removed: [], modified: files }];
  return payload;
}

describe('dispatch: the event and the config', () => {
  it('reads the payload from the payload store when the message carries a pointer', async () => {
    // Prepare
    const { github, payloads, store, deps } = setup();
    const delivery = 'large-delivery';
    const payloadRef = await payloads.put(`${delivery}.json`, JSON.stringify(comment('/hold')));
    const body = encodeQueuedEvent({ delivery, event: 'issue_comment', receivedAt, target: repo, payloadRef });

    // Act
    const result = await dispatch(body, deps);

    // Assess
    expect(result.outcomes.hold).toMatchObject(ran([addHold(issue)]));
    expect(github.writes).toEqual([addHold(issue)]);
    expect(await store.get(delivery)).toMatchObject({ repo, number: 1, action: 'created', status: 'processed' });
  });

  const pushes = [
    {
      name: 'a push that touches plugins.yaml: the new config is loaded before the plugins are chosen',
      files: ['plugins.yaml'],
      pushRecords: { hold: skipped('does not handle push events'), size: skipped('does not handle push events') },
      holdAfter: ran([addHold(issue)]),
      reads: 2,
    },
    {
      name: 'a push that touches another file: the config is not reloaded',
      files: ['README.md'],
      pushRecords: { hold: skipped('not enabled for acme/prow-config'), size: skipped('not enabled for acme/prow-config') },
      holdAfter: notEnabled,
      reads: 1,
    },
  ];

  it.each(pushes)('$name', async ({ files, pushRecords, holdAfter, reads }) => {
    // Prepare: the agent has loaded a config that enables nothing, then the file changes.
    const configRepo = new ConfigRepo();
    configRepo.files.set('plugins.yaml', 'plugins: {}\n');
    const location = { kind: 'repo' as const, owner: 'acme', repo: 'prow-config', paths: ['plugins.yaml'] };
    const { github, store, deps } = setup({ source: new RepoConfigSource(location, async () => configRepo) });
    await deps.config.get();
    configRepo.files.set('plugins.yaml', `plugins:\n  acme/prow-config: [hold, size]\n  ${repo}: [hold]\n`);
    const pushed = queued('push', push(files));
    const hold = queued('issue_comment', comment('/hold'));

    // Act
    const pushResult = await dispatch(pushed.body, deps);
    const holdResult = await dispatch(hold.body, deps);

    // Assess
    expect(pushResult.outcomes).toMatchObject(pushRecords);
    expect((await store.get(pushed.delivery))?.plugins).toMatchObject(pushRecords);
    expect(holdResult.outcomes.hold).toMatchObject(holdAfter);
    expect(github.writes).toEqual(holdAfter.status === 'ran' ? [addHold(issue)] : []);
    expect(configRepo.reads).toHaveLength(reads);
  });

  it.each([
    { name: "a label event (a repository label created) drops the container's kept list of the repository's labels", event: 'label', payload: () => samplePayload('label', 'created'), calls: [repo] },
    { name: 'an issue being labelled is no repository label change: nothing dropped', event: 'issues', payload: () => samplePayload('issues', 'labeled'), calls: [] },
  ])('$name', async ({ event, payload, calls }) => {
    // Prepare
    const { provider, store, deps } = setup();
    const message = queued(event, payload());

    // Act
    await dispatch(message.body, deps);

    // Assess
    expect(provider.repoLabelsChangedCalls).toEqual(calls);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed' });
  });

  it('a dry-run provider: writes are not sent, and the trace shows them prefixed "dry-run: "', async () => {
    // Prepare
    const { github, store, deps } = setup({ dryRun: true, client: (gh) => dryRunClient(gh, log) });
    const message = queued('pull_request', pullRequest('opened', '/hold'));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    const records = { hold: ran([`dry-run: ${addHold(pr)}`]), size: ran([`dry-run: ${addXS}`], sizeXS) };
    expect(result.outcomes).toMatchObject(records);
    expect(github.writes).toEqual([]);
    expect(github.reads.length).toBeGreaterThan(0);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed', plugins: records });
  });

  it('a message that is not a queued event is rejected before anything is recorded', async () => {
    // Prepare
    const { store, deps } = setup();

    // Act
    const run = dispatch('{"delivery":"x","event":"issue_comment"}', deps);

    // Assess
    await expect(run).rejects.toThrow('malformed queue message');
    expect(store.calls).toEqual([]);
  });

  it('an organization-level event: processed with a note, no plugin considered', async () => {
    // Prepare
    const { provider, store, deps } = setup();
    const message = queued('organization', { action: 'member_added', organization: { login: 'acme' } });

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes).toEqual({});
    expect(provider.forEventCalls).toEqual([]);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed', repo: 'acme', note: 'an organization event (acme): no repository to act on', plugins: {} });
  });

  it('the record runs under its GitHub deadline, when one is set', async () => {
    // Prepare: a client that notes the deadline each call sees.
    const seen: (number | undefined)[] = [];
    const client = (gh: MemoryGitHub): GitHubClient =>
      Object.assign(Object.create(gh) as GitHubClient, {
        addLabel: async (ref: Parameters<GitHubClient['addLabel']>[0], label: string) => {
          seen.push(gitHubDeadline()?.ms);
          return gh.addLabel(ref, label);
        },
      });
    const bounded = setup({ client, recordGitHubMs: 30_000 });
    const unbounded = setup({ client });

    // Act
    await dispatch(queued('issue_comment', comment('/hold')).body, bounded.deps);
    await dispatch(queued('issue_comment', comment('/hold')).body, unbounded.deps);

    // Assess
    expect(seen).toEqual([30_000, undefined]);
  });
});

// ---- errors that end: tried once, recorded, not retried -------------------------------------

describe('dispatch: an error retrying cannot fix ends the delivery with the error in its trace', () => {
  const rows: { name: string; message: () => { delivery: string; body: string }; prepare?: (t: ReturnType<typeof setup>) => void; error: string | RegExp }[] = [
    {
      name: 'a signed issue_comment without `comment` (a TypeError in the generalizer before)',
      message: () => {
        const payload = comment('/hold');
        delete payload.comment;
        return queued('issue_comment', payload);
      },
      error: 'a issue_comment event without comment (object)',
    },
    {
      name: 'an issue_comment without `issue`',
      message: () => {
        const payload = comment('/hold');
        delete payload.issue;
        return queued('issue_comment', payload);
      },
      error: 'a issue_comment event without issue (object), issue.number (integer)',
    },
    {
      name: 'an issue_comment without a repository',
      message: () => {
        const payload = comment('/hold');
        delete payload.repository;
        return queued('issue_comment', payload);
      },
      error: /^a issue_comment event without repository \(object\), repository\.full_name \(string\)/,
    },
    {
      name: 'a payload that is not an object',
      message: () => ({ delivery: 'not-an-object', body: encodeQueuedEvent({ delivery: 'not-an-object', event: 'issue_comment', receivedAt }, '[1, 2]') }),
      error: 'the payload of delivery not-an-object is not a JSON object',
    },
    {
      name: 'a target that is neither org nor owner/repo',
      message: () => queued('issue_comment', comment('/hold'), { target: 'a/b/c' }),
      error: 'the event\'s target "a/b/c" is neither an org nor owner/repo',
    },
    {
      name: "GitHub refusing the bot's login lookup (401), outside any plugin",
      message: () => queued('issue_comment', comment('/hold')),
      prepare: ({ provider }) => {
        provider.botLoginError = new GitHubError('failed to look up the bot', { cause: httpError(401, 'Bad credentials') });
      },
      error: 'failed to look up the bot: Bad credentials (HTTP 401)',
    },
  ];

  it.each(rows)('$name', async ({ message, prepare, error }) => {
    // Prepare
    const t = setup();
    prepare?.(t);
    const { delivery, body } = message();

    // Act
    const failure = await dispatch(body, t.deps).catch((e: unknown) => e);

    // Assess: a terminal error, tried once, in the trace; no plugin ran.
    expect(failure).toBeInstanceOf(Error);
    expect(isRetryable(failure)).toBe(false);
    expect(await t.store.get(delivery)).toMatchObject({ status: 'failed', attempts: 1, error: typeof error === 'string' ? error : expect.stringMatching(error) });
    expect(t.github.calls).toEqual([]);
  });

  it('a message that is not JSON at all: a MalformedEventError, and nothing to record it under', async () => {
    // Prepare
    const { store, deps } = setup();

    // Act
    const failure = await dispatch('not json', deps).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(MalformedEventError);
    expect(isRetryable(failure)).toBe(false);
    expect(store.calls).toEqual([]);
  });

  it("a network failure outside any plugin is retried, and the trace carries no error", async () => {
    // Prepare
    const t = setup();
    t.provider.botLoginError = new GitHubNetworkError('GET /user: getaddrinfo ENOTFOUND api.github.com');
    const message = queued('issue_comment', comment('/hold'));

    // Act
    const failure = await dispatch(message.body, t.deps).catch((e: unknown) => e);

    // Assess
    expect(isRetryable(failure)).toBe(true);
    const trace = await t.store.get(message.delivery);
    expect(trace?.error).toBeUndefined();
  });
});

// ---- one identity per event --------------------------------------------------------------------

/** An issue_comment `/hold` on PR #1 whose repository fields all say `owner/name`. */
function commentIn(owner: string, name: string, body = '/hold'): Record<string, any> {
  const payload = comment(body);
  payload.repository.full_name = `${owner}/${name}`;
  payload.repository.name = name;
  payload.repository.owner.login = owner;
  return payload;
}

describe('dispatch: acts on the queued target only', () => {
  it("a payload whose owner.login/name say acme/widgets but whose target is evilorg/x acts on evilorg/x only", async () => {
    // Prepare: both are enabled; the signature was checked for evilorg/x.
    const { github, provider, store, deps } = setup({ config: 'plugins:\n  acme/widgets: [hold]\n  evilorg/x: [hold]\n' });
    const message = queued('issue_comment', commentIn('acme', 'widgets'), { target: 'evilorg/x' });

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes.hold).toMatchObject(ran([addHold('evilorg/x#1')]));
    expect(github.writes).toEqual([addHold('evilorg/x#1')]);
    expect(provider.forEventCalls).toEqual(['evilorg/x']);
    expect(await store.get(message.delivery)).toMatchObject({ repo: 'evilorg/x', status: 'processed' });
  });

  it('the target decides what is enabled: acme/widgets enabled, evilorg/x not, nothing happens', async () => {
    // Prepare
    const { github, provider, deps } = setup({ config: 'plugins:\n  acme/widgets: [hold, size]\n' });
    const message = queued('issue_comment', commentIn('acme', 'widgets'), { target: 'evilorg/x' });

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes).toMatchObject({ hold: skipped('not enabled for evilorg/x'), size: skipped('not enabled for evilorg/x') });
    expect(github.calls).toEqual([]);
    expect(provider.forEventCalls).toEqual([]);
  });

  it("a plugin that takes the repository from the payload (size: the pull request's base) is refused elsewhere", async () => {
    // Prepare: the base repository says acme/widgets; the target is evilorg/x.
    const { github, deps } = setup({ config: 'plugins:\n  evilorg/x: [size]\n' });
    const payload = pullRequest('opened');
    const message = queued('pull_request', payload, { target: 'evilorg/x' });

    // Act
    const result = await dispatch(message.body, deps);

    // Assess: no call reached another repository; the refusal is size's terminal failure.
    expect(github.calls).toEqual([]);
    expect(result.outcomes.size).toMatchObject({
      status: 'failed',
      retrying: false,
      error: `size tried to act on ${repo}, but this event is for evilorg/x`,
    });
  });

  it('a message queued before the target was recorded acts on repository.full_name, never on owner.login/name', async () => {
    // Prepare
    const { github, provider, deps } = setup({ config: 'plugins:\n  acme/widgets: [hold]\n  evilorg/x: [hold]\n' });
    const payload = commentIn('evilorg', 'x');
    payload.repository.full_name = 'acme/widgets';
    const message = queued('issue_comment', payload, { target: null });

    // Act
    await dispatch(message.body, deps);

    // Assess
    expect(github.writes).toEqual([addHold('acme/widgets#1')]);
    expect(provider.forEventCalls).toEqual(['acme/widgets']);
  });
});

// ---- names from payloads are data --------------------------------------------------------------

describe('dispatch: org and repository names that are Object.prototype members', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
  const rows = names.flatMap((name) => [
    { name: `org ${name}, not in the config: nothing enabled`, owner: name, repoName: 'widgets', config: 'plugins:\n  acme: [hold]\n', hold: 'skipped' },
    { name: `org ${name} with its own entry: enabled`, owner: name, repoName: 'widgets', config: `plugins:\n  ${JSON.stringify(name)}: [hold]\n`, hold: 'ran' },
    { name: `repo acme/${name}, enabled by the org`, owner: 'acme', repoName: name, config: 'plugins:\n  acme: [hold]\n', hold: 'ran' },
    { name: `repo acme/${name}, not in the config: nothing enabled`, owner: 'acme', repoName: name, config: 'plugins:\n  other: [hold]\n', hold: 'skipped' },
  ]);

  it.each(rows)('$name', async ({ owner, repoName, config, hold }) => {
    // Prepare
    const { github, store, deps } = setup({ config });
    const message = queued('issue_comment', commentIn(owner, repoName));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    const where = `${owner}/${repoName}`;
    expect(result.outcomes.hold).toMatchObject(hold === 'ran' ? ran([addHold(`${where}#1`)]) : skipped(`not enabled for ${where}`));
    expect(github.writes).toEqual(hold === 'ran' ? [addHold(`${where}#1`)] : []);
    expect(await store.get(message.delivery)).toMatchObject({ status: 'processed', repo: where, attempts: 1 });
  });
});

// ---- the grown contract: event handlers, the write journal, shared reads, checks -----------------

describe('dispatch: the plugin contract', () => {
  const ref = { owner: 'Codertocat', repo: 'Hello-World', number: 2 };
  /** Comments, then labels: the order where a failure in between used to repeat the comment. */
  const greeter: Plugin = {
    name: 'greeter',
    description: 'test plugin: greets, then labels',
    on: {
      async pull_request(ctx) {
        await ctx.github.createComment(ref, 'hello');
        await ctx.github.addLabel(ref, 'greeted');
      },
    },
  };
  const reader = (name: string): Plugin => ({
    name,
    description: 'test plugin: reads the labels and the collaborator check',
    on: {
      async pull_request(ctx) {
        await ctx.github.getIssueLabels(ref);
        await ctx.trust.isCollaborator('octocat');
      },
    },
  });
  const config = (...names: string[]) => `plugins:\n  ${repo}: [${names.join(', ')}]\n`;

  it('a 502 between a comment and a label: the retry adds the label and posts no second comment', async () => {
    // Prepare
    const { github, store, deps } = setup({ registry: [greeter], config: config('greeter') });
    const message = queued('pull_request', pullRequest('opened'));
    github.failNext('addLabel', httpError(502, 'Bad Gateway'));

    // Act
    await expect(dispatch(message.body, deps)).rejects.toBeInstanceOf(RetryableError);
    const second = await dispatch(message.body, deps);

    // Assess
    expect(github.writes).toEqual([`createComment ${pr} hello`, `addLabel ${pr} greeted`]);
    expect(second.outcomes.greeter).toMatchObject(ran([`createComment ${pr} hello (done on an earlier attempt)`, `addLabel ${pr} greeted`]));
    expect(store.calls.filter((c) => c.startsWith('journal'))).toEqual([`journal ${message.delivery}#greeter#0`, `journal ${message.delivery}#greeter#1`]);
  });

  it('a journal write that fails after the comment: the retry repeats nothing else and ends with one comment and the label', async () => {
    // Prepare: the comment is sent, its journal entry is not written (the store failed); at worst
    // that one write can repeat, which is why it is journaled before the plugin goes on.
    const { github, store, deps } = setup({ registry: [greeter], config: config('greeter') });
    const message = queued('pull_request', pullRequest('opened'));
    store.failNext('journal', new RetryableError('DynamoDB throttled'));

    // Act
    await expect(dispatch(message.body, deps)).rejects.toBeInstanceOf(RetryableError);
    await dispatch(message.body, deps);

    // Assess: the label was never attempted on the first try.
    expect(github.writes.filter((w) => w.startsWith('addLabel'))).toEqual([`addLabel ${pr} greeted`]);
  });

  it('two plugins asking the same questions in one delivery cost one GitHub call each', async () => {
    // Prepare
    const { github, deps } = setup({ registry: [reader('first'), reader('second')], config: config('first', 'second') });
    const message = queued('pull_request', pullRequest('opened'));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(github.reads).toEqual([`getIssueLabels ${pr}`, `getRepoRole ${repo} octocat`]);
    expect(result.outcomes.first!.checks).toEqual([`collaborator octocat on ${repo}: no (role read)`]);
    expect(result.outcomes.second!.checks).toEqual(result.outcomes.first!.checks);
  });

  it('a write between two reads makes the changeable one stale, not the stable one', async () => {
    // Prepare
    const labeller: Plugin = { name: 'labeller', description: 'test plugin', on: { pull_request: async (ctx) => void (await ctx.github.addLabel(ref, 'x')) } };
    const { github, deps } = setup({ registry: [reader('first'), labeller, reader('second')], config: config('first', 'labeller', 'second') });
    const message = queued('pull_request', pullRequest('opened'));

    // Act
    await dispatch(message.body, deps);

    // Assess
    expect(github.reads).toEqual([`getIssueLabels ${pr}`, `getRepoRole ${repo} octocat`, `getIssueLabels ${pr}`]);
  });

  it('handlers by event: a pull_request_review handler gets the review event; a plugin without one is skipped with why', async () => {
    // Prepare
    const seen: string[] = [];
    const reviewer: Plugin = {
      name: 'reviewer',
      description: 'test plugin',
      on: { pull_request_review: async (_ctx, event) => void seen.push(`${event.action} ${event.review.state}`) },
    };
    const { deps } = setup({ registry: [reviewer, greeter], config: config('reviewer', 'greeter') });
    const message = queued('pull_request_review', samplePayload('pull_request_review', 'submitted'));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^submitted /);
    expect(result.outcomes.reviewer).toMatchObject({ status: 'ran' });
    expect(result.outcomes.greeter).toMatchObject(skipped('does not handle pull_request_review/submitted events'));
  });

  it.each([
    { name: 'a read of another repository', call: 'getIssueLabels' as const },
    { name: 'a write to another repository', call: 'createComment' as const },
  ])('every method is confined to the event repository: $name is refused', async ({ call }) => {
    // Prepare
    const elsewhere = { owner: 'evilorg', repo: 'x', number: 1 };
    const stray: Plugin = {
      name: 'stray',
      description: 'test plugin',
      on: {
        async pull_request(ctx) {
          if (call === 'getIssueLabels') await ctx.github.getIssueLabels(elsewhere);
          else await ctx.github.createComment(elsewhere, 'hi');
        },
      },
    };
    const { github, deps } = setup({ registry: [stray], config: config('stray') });
    const message = queued('pull_request', pullRequest('opened'));

    // Act
    const result = await dispatch(message.body, deps);

    // Assess
    expect(result.outcomes.stray).toMatchObject({ status: 'failed', retrying: false, error: `stray tried to act on evilorg/x, but this event is for ${repo}` });
    expect(github.calls).toEqual([]);
  });
});

describe('dispatch: the plugin catalog for GET /api/plugin-help', () => {
  it('is published once per config version a container serves, and a failure to publish fails nothing', async () => {
    // Prepare
    const { clock, store, deps, source } = setup();
    deps.pluginHelp = store;

    // Act: two events on one config, then a changed config (revalidated after a minute).
    await dispatch(queued('issue_comment', comment('/hold')).body, deps);
    await dispatch(queued('issue_comment', comment('/hold cancel')).body, deps);
    (source as YamlSource).text = `plugins:\n  ${repo}: [hold]\n`;
    clock.ms += 61_000;
    store.failNext('publishPluginHelp', new Error('DynamoDB throttled'));
    const failedToPublish = await dispatch(queued('issue_comment', comment('/hold')).body, deps);
    await dispatch(queued('issue_comment', comment('/hold cancel')).body, deps);

    // Assess
    expect(store.calls.filter((c) => c === 'publishPluginHelp')).toHaveLength(3);
    expect(failedToPublish.outcomes.hold).toMatchObject({ status: 'ran' });
    expect((await store.getPluginHelp())?.repos).toEqual({ [repo]: { plugins: ['hold'], excluded_repos: [] } });
    expect((await store.getPluginHelp())?.catalog.map((p) => p.name)).toEqual(['hold', 'size']);
  });
});
