// A stateful fake of the slice of GitHub's REST API that Skiff uses, served over real HTTP on
// loopback. End-to-end tests point a production Octokit at `fake.url`, so auth, pagination,
// conditional requests, retries and throttling all run for real; only GitHub is pretend. Like
// Prow's fakegithub (kubernetes-sigs/prow pkg/github/fakegithub/fakegithub.go) it records what the
// code under test changed as readable strings: `addLabel acme/widgets#1 do-not-merge/hold`.
//
// Where it knowingly differs from GitHub, to keep tests short:
// - Every issue and pull request exists: unknown ones have no labels, files or comments (GitHub
//   answers 404). Any installation id gets a token; any Bearer JWT is accepted unverified.
// - Branches and SHAs are independent names for file trees (`setFile(repo, ref, ...)`); a ref that
//   was never set is an empty tree.
// - The authenticated user is always `botLogin`, whatever the credentials; with an installation
//   token GitHub would refuse `GET /user` (403) and author comments as `<app>[bot]`.
// - Label names match case-insensitively, as on GitHub, where labels are repository-wide and unique
//   regardless of case.
//
// Fault injection. `failNext` answers the next N matching requests with a canned response and no
// state change. The builders in `faults` give GitHub's shapes, for example:
//
//   // a secondary rate limit on the next label read, which plugin-throttling waits out and retries
//   fake.failNext({ method: 'GET', path: /\/labels$/ }, faults.secondaryRateLimit(1));
//   const octokit = new (Octokit.plugin(throttling))({
//     baseUrl: fake.url,
//     auth: 'test-token',
//     // retry-after is in seconds; plugin-throttling multiplies it by retryAfterBaseValue (ms).
//     throttle: { retryAfterBaseValue: 1, onSecondaryRateLimit: () => true, onRateLimit: () => true },
//   });
//
//   // a 502 once, which plugin-retry retries after (retryCount + 1)² × retryAfterBaseValue ms
//   fake.failNext({ method: 'POST', path: /\/comments$/ }, faults.serverError(502));
//   new (Octokit.plugin(retry))({ baseUrl: fake.url, auth: 't', retry: { retryAfterBaseValue: 1 } });
//
// plugin-throttling recognises a secondary limit (403 or 429) by the words "secondary rate" in the
// message and waits `retry-after` seconds; it reads `retry-after: 0` as absent and falls back to
// 60 s, so the builders default to 1. It also spaces writes 1 s apart (3 s for comments and other
// notifying writes) through process-wide Bottleneck groups, even without faults: a fast test either
// disables throttling or passes its own `throttle.write` / `throttle.notifications` groups.
import { createHash } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  /** As sent: still URL-encoded, with the query string (`/repos/a/b/issues/1/labels/x%2Fy`). */
  path: string;
  status: number;
  /** The parsed JSON request body, when there was one. */
  body?: unknown;
  /** The `Authorization` header as sent (`token test-token`, `bearer eyJ…`), when there was one. */
  auth?: string;
  /** Readable form, e.g. `addLabels acme/widgets#1 [lgtm] → 200`, `... → 502 (injected)`. */
  text: string;
}

export interface CallMatch {
  method: string;
  /** Tested against the path without and with its query string (see `RecordedCall.path`). */
  path: RegExp;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; a string is sent verbatim. Defaults to `{ message: <reason phrase> }`. */
  body?: unknown;
}

export interface FileChange {
  filename: string;
  additions: number;
  deletions: number;
  status?: string;
}

export interface FakeGitHubOptions {
  botLogin?: string;
}

const docs = 'https://docs.github.com/rest';
const rateLimit = 5000;
const defaultBranch = 'main';
const app = { id: 1, slug: 'skiff-test', name: 'skiff-test' };
const installationId = 4242;
// "Responses include a maximum of 3000 files":
// https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files
const maxPullRequestFiles = 3000;
const defaultPerPage = 30;
const maxPerPage = 100;
const installationPermissions = { contents: 'read', issues: 'write', metadata: 'read', pull_requests: 'write' };

/** Canned responses for `failNext`, in GitHub's shapes. */
export const faults = {
  /**
   * GitHub's secondary rate limit, 403 (or 429) with `retry-after` in seconds:
   * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
   */
  secondaryRateLimit(retryAfterSeconds = 1, status: 403 | 429 = 403): FakeResponse {
    return {
      status,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
          'If you reach out to GitHub Support for help, please include the request ID FAKE:0000.',
        documentation_url:
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
    };
  },
  /** 429 Too Many Requests, which GitHub also sends for secondary limits. */
  tooManyRequests(retryAfterSeconds = 1): FakeResponse {
    return faults.secondaryRateLimit(retryAfterSeconds, 429);
  },
  /** Primary limit used up: 403 with `x-ratelimit-remaining: 0`, resetting `resetInSeconds` from now. */
  primaryRateLimit(resetInSeconds = 0): FakeResponse {
    return {
      status: 403,
      headers: {
        'x-ratelimit-limit': String(rateLimit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(rateLimit),
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds),
      },
      body: { message: `API rate limit exceeded for installation ID ${installationId}.`, documentation_url: docs },
    };
  },
  serverError(status = 502): FakeResponse {
    return { status, body: { message: STATUS_CODES[status] ?? 'Server Error' } };
  },
} as const;

/** A request as a route sees it. `params` are the route's captures, URL-decoded. */
interface Req {
  params: string[];
  /** Raw pathname, for building `Link` headers. */
  pathname: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface Reply {
  status: number;
  json?: unknown;
  /** A text body (raw media type); wins over `json`. */
  raw?: string;
  headers?: Record<string, string>;
  /** Readable writes, kept only when `status` is 2xx. */
  writes?: string[];
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Readable form of the request, without the outcome. */
  describe(req: Req): string;
  handle(req: Req): Reply;
}

interface Comment {
  id: number;
  body: string;
  createdAt: string;
}

interface Fault {
  match: CallMatch;
  response: FakeResponse;
  remaining: number;
}

export class FakeGitHub {
  readonly url: string;
  /** Every request, in order, including injected faults and unknown routes. */
  readonly calls: RecordedCall[] = [];
  /** Installation tokens handed out; a test checks this to see tokens are cached. */
  tokensIssued = 0;

  readonly #server: Server;
  readonly #botLogin: string;
  readonly #writes: string[] = [];
  readonly #faults: Fault[] = [];
  readonly #labels = new Map<string, string[]>();
  readonly #labelIds = new Map<string, number>();
  /** `owner/repo@ref` (repo lower-cased) → path → text. */
  readonly #trees = new Map<string, Map<string, string>>();
  readonly #changes = new Map<string, FileChange[]>();
  readonly #comments = new Map<string, Comment[]>();
  readonly #routes: Route[];
  readonly #rateLimitReset = Math.floor(Date.now() / 1000) + 3600;
  #rateLimitUsed = 0;
  #requestSeq = 0;
  #nextId = 1000;

  static async start(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new FakeGitHub(server, `http://127.0.0.1:${port}`, opts.botLogin ?? 'skiff-bot');
  }

  private constructor(server: Server, url: string, botLogin: string) {
    this.#server = server;
    this.url = url;
    this.#botLogin = botLogin;
    this.#routes = this.#buildRoutes();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#serve(req, res).catch((error: unknown) => {
        // Only reachable if the socket died mid-request; there is no one left to answer.
        res.destroy(error instanceof Error ? error : undefined);
      });
    });
  }

  close(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      // Octokit's fetch keeps connections alive; without this, close() waits for them to idle out.
      this.#server.closeAllConnections();
    });
  }

  // ---- state -------------------------------------------------------------------------------

  setLabels(repo: string, number: number, labels: string[]): void {
    this.#labels.set(issueKey(repo, number), dedupeLabels(labels));
  }

  labelsOf(repo: string, number: number): string[] {
    return [...(this.#labels.get(issueKey(repo, number)) ?? [])];
  }

  /** Sets a file's text on a branch or SHA; its ETag follows the content. */
  setFile(repo: string, ref: string, path: string, text: string): void {
    const key = treeKey(repo, ref);
    const tree = this.#trees.get(key) ?? new Map<string, string>();
    tree.set(normalisePath(path), text);
    this.#trees.set(key, tree);
  }

  deleteFile(repo: string, ref: string, path: string): void {
    this.#trees.get(treeKey(repo, ref))?.delete(normalisePath(path));
  }

  setChanges(repo: string, number: number, changes: FileChange[]): void {
    this.#changes.set(issueKey(repo, number), changes.map((c) => ({ ...c })));
  }

  /** Bodies of the comments on an issue or pull request, oldest first. */
  comments(repo: string, number: number): string[] {
    return (this.#comments.get(issueKey(repo, number)) ?? []).map((c) => c.body);
  }

  // ---- recording ---------------------------------------------------------------------------

  /** Successful writes, readably, in order: `addLabel o/r#1 lgtm`, `removeLabel …`, `createComment o/r#1 <body>`. */
  writes(): string[] {
    return [...this.#writes];
  }

  resetCalls(): void {
    this.calls.length = 0;
    this.#writes.length = 0;
  }

  // ---- fault injection ---------------------------------------------------------------------

  /** Answers the next `times` requests matching `match` with `response`, changing no state. */
  failNext(match: CallMatch, response: FakeResponse, times = 1): void {
    // A global or sticky regex would carry lastIndex from one test() to the next.
    const path = new RegExp(match.path.source, match.path.flags.replace(/[gy]/g, ''));
    this.#faults.push({ match: { method: match.method.toUpperCase(), path }, response, remaining: times });
  }

  // ---- HTTP --------------------------------------------------------------------------------

  async #serve(request: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const path = request.url ?? '/';
    const url = new URL(path, this.url);
    const parsed = parseJson(await readBody(request));
    const auth = request.headers.authorization;

    const found = this.#match(method, url.pathname);
    const req: Req = {
      params: found?.params ?? [],
      pathname: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: parsed.ok ? parsed.value : undefined,
    };
    const described = found ? found.route.describe(req) : `unknown ${method} ${url.pathname}`;

    let reply: Reply;
    let injected = false;
    const fault = this.#takeFault(method, url.pathname, path);
    if (fault) {
      injected = true;
      reply = faultReply(fault);
    } else if (!parsed.ok) {
      reply = { status: 400, json: { message: 'Problems parsing JSON', documentation_url: docs } };
    } else if (!found) {
      reply = { status: 404, json: { message: 'Not Found', documentation_url: docs } };
    } else {
      try {
        reply = found.route.handle(req);
      } catch (error) {
        reply = { status: 500, json: { message: `fake GitHub failed: ${String(error)}` } };
      }
    }

    this.calls.push({
      method,
      path,
      status: reply.status,
      ...(req.body === undefined ? {} : { body: req.body }),
      ...(auth === undefined ? {} : { auth }),
      text: `${described} → ${reply.status}${injected ? ' (injected)' : ''}`,
    });
    if (!injected && reply.status >= 200 && reply.status < 300) this.#writes.push(...(reply.writes ?? []));
    this.#send(res, reply, url.pathname !== '/rate_limit');
  }

  #match(method: string, pathname: string): { route: Route; params: string[] } | undefined {
    for (const route of this.#routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(pathname);
      if (m) return { route, params: m.slice(1).map((p) => safeDecode(p ?? '')) };
    }
    return undefined;
  }

  #takeFault(method: string, pathname: string, path: string): FakeResponse | undefined {
    const i = this.#faults.findIndex(
      (f) => f.match.method === method && (f.match.path.test(pathname) || f.match.path.test(path)),
    );
    const fault = this.#faults[i];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.#faults.splice(i, 1);
    return fault.response;
  }

  #send(res: ServerResponse, reply: Reply, counts: boolean): void {
    // GitHub does not count calls to /rate_limit against the limit.
    if (counts) this.#rateLimitUsed++;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(rateLimit),
      'x-ratelimit-remaining': String(Math.max(0, rateLimit - this.#rateLimitUsed)),
      'x-ratelimit-reset': String(this.#rateLimitReset),
      'x-ratelimit-used': String(this.#rateLimitUsed),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `FAKE:${(++this.#requestSeq).toString(16).toUpperCase().padStart(6, '0')}`,
      ...(reply.raw === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' }),
      ...reply.headers,
    };
    res.writeHead(reply.status, headers);
    if (reply.status === 204 || reply.status === 304) res.end();
    else if (reply.raw !== undefined) res.end(reply.raw);
    else res.end(reply.json === undefined ? '' : JSON.stringify(reply.json));
  }

  // ---- routes ------------------------------------------------------------------------------

  #buildRoutes(): Route[] {
    const repo = '/repos/([^/]+)/([^/]+)';
    const issue = `${repo}/issues/(\\d+)`;
    return [
      {
        method: 'POST',
        pattern: re(`${issue}/labels`),
        describe: (req) => `addLabels ${issueRef(req)} [${(labelNames(req.body) ?? []).join(', ')}]`,
        handle: (req) => this.#addLabels(req),
      },
      {
        method: 'GET',
        pattern: re(`${issue}/labels`),
        describe: (req) => `listLabels ${issueRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, this.#labelObjects(req)),
      },
      {
        method: 'DELETE',
        pattern: re(`${issue}/labels/([^/]+)`),
        describe: (req) => `removeLabel ${issueRef(req)} ${req.params[3] ?? ''}`,
        handle: (req) => this.#removeLabel(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/pulls/(\\d+)/files`),
        describe: (req) => `listFiles ${issueRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, this.#fileObjects(req)),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/contents(?:/(.*))?`),
        describe: (req) => `getContent ${repoRef(req)}@${contentRef(req)} ${contentPath(req)}${rawSuffix(req)}`,
        handle: (req) => this.#getContent(req),
      },
      {
        method: 'POST',
        pattern: re(`${issue}/comments`),
        describe: (req) => `createComment ${issueRef(req)} ${commentBody(req.body) ?? ''}`,
        handle: (req) => this.#createComment(req),
      },
      {
        method: 'GET',
        pattern: re(`${issue}/comments`),
        describe: (req) => `listComments ${issueRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, this.#commentObjects(req)),
      },
      {
        method: 'GET',
        pattern: re('/user'),
        describe: () => 'getAuthenticated',
        handle: () => ({ status: 200, json: this.#user() }),
      },
      {
        method: 'GET',
        pattern: re('/app'),
        describe: () => 'getApp',
        handle: () => ({
          status: 200,
          json: {
            ...app,
            node_id: 'A_fake1',
            owner: { login: 'skiff', id: 2, type: 'Organization' },
            permissions: installationPermissions,
            events: [],
          },
        }),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/installation`),
        describe: (req) => `getRepoInstallation ${repoRef(req)}`,
        handle: (req) => ({
          status: 200,
          json: {
            id: installationId,
            account: { login: req.params[0], id: 3, type: 'Organization' },
            app_id: app.id,
            app_slug: app.slug,
            target_type: 'Organization',
            repository_selection: 'all',
            permissions: installationPermissions,
          },
        }),
      },
      {
        method: 'POST',
        pattern: re('/app/installations/(\\d+)/access_tokens'),
        describe: (req) => `createInstallationAccessToken ${req.params[0] ?? ''}`,
        handle: () => this.#createToken(),
      },
      {
        method: 'GET',
        pattern: re('/rate_limit'),
        describe: () => 'getRateLimit',
        handle: () => {
          const core = {
            limit: rateLimit,
            used: this.#rateLimitUsed,
            remaining: Math.max(0, rateLimit - this.#rateLimitUsed),
            reset: this.#rateLimitReset,
          };
          const other = (limit: number) => ({ limit, used: 0, remaining: limit, reset: this.#rateLimitReset });
          return { status: 200, json: { resources: { core, search: other(30), graphql: other(5000) }, rate: core } };
        },
      },
    ];
  }

  #addLabels(req: Req): Reply {
    const names = labelNames(req.body);
    if (!names) {
      return { status: 422, json: { message: `Invalid request.\n\n"labels" wasn't supplied.`, documentation_url: docs } };
    }
    const key = issueKey(repoRef(req), issueNumber(req));
    this.#labels.set(key, dedupeLabels([...(this.#labels.get(key) ?? []), ...names]));
    return {
      status: 200,
      json: this.#labelObjects(req),
      writes: names.map((name) => `addLabel ${issueRef(req)} ${name}`),
    };
  }

  #removeLabel(req: Req): Reply {
    const name = req.params[3] ?? '';
    const key = issueKey(repoRef(req), issueNumber(req));
    const current = this.#labels.get(key) ?? [];
    const remaining = current.filter((l) => !sameLabel(l, name));
    if (remaining.length === current.length) {
      return {
        status: 404,
        json: {
          message: 'Label does not exist',
          documentation_url: 'https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue',
          status: '404',
        },
      };
    }
    this.#labels.set(key, remaining);
    return { status: 200, json: this.#labelObjects(req), writes: [`removeLabel ${issueRef(req)} ${name}`] };
  }

  #labelObjects(req: Req): object[] {
    const [owner = '', repo = ''] = req.params;
    return (this.#labels.get(issueKey(repoRef(req), issueNumber(req))) ?? []).map((name) => {
      const id = this.#labelId(name);
      return {
        id,
        node_id: `LA_fake${id}`,
        url: `${this.url}/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`,
        name,
        color: 'ededed',
        default: false,
        description: null,
      };
    });
  }

  #labelId(name: string): number {
    const key = name.toLowerCase();
    let id = this.#labelIds.get(key);
    if (id === undefined) {
      id = this.#nextId++;
      this.#labelIds.set(key, id);
    }
    return id;
  }

  #fileObjects(req: Req): object[] {
    const [owner = '', repo = ''] = req.params;
    const changes = this.#changes.get(issueKey(repoRef(req), issueNumber(req))) ?? [];
    return changes.slice(0, maxPullRequestFiles).map((c) => {
      const sha = sha1(`${c.filename}\0${c.additions}\0${c.deletions}`);
      return {
        sha,
        filename: c.filename,
        status: c.status ?? 'modified',
        additions: c.additions,
        deletions: c.deletions,
        changes: c.additions + c.deletions,
        blob_url: `https://github.com/${owner}/${repo}/blob/${sha}/${c.filename}`,
        raw_url: `https://github.com/${owner}/${repo}/raw/${sha}/${c.filename}`,
        contents_url: `${this.url}/repos/${owner}/${repo}/contents/${c.filename}?ref=${sha}`,
      };
    });
  }

  #getContent(req: Req): Reply {
    const [owner = '', repo = ''] = req.params;
    const ref = contentRef(req);
    const path = contentPath(req);
    const tree = this.#trees.get(treeKey(repoRef(req), ref)) ?? new Map<string, string>();
    const text = tree.get(path);
    const raw = wantsRaw(req);
    const links = (p: string, type: 'file' | 'dir', sha: string) => ({
      url: `${this.url}/repos/${owner}/${repo}/contents/${p}?ref=${encodeURIComponent(ref)}`,
      html_url: `https://github.com/${owner}/${repo}/${type === 'file' ? 'blob' : 'tree'}/${ref}/${p}`,
      git_url: `${this.url}/repos/${owner}/${repo}/git/${type === 'file' ? 'blobs' : 'trees'}/${sha}`,
      download_url: type === 'file' ? `https://raw.githubusercontent.com/${owner}/${repo}/${ref}/${p}` : null,
    });

    let body: { raw: string } | { json: unknown };
    let tag: string;
    if (text !== undefined) {
      const sha = blobSha(text);
      tag = `${raw ? 'raw' : 'json'}\0${sha}`;
      body = raw
        ? { raw: text }
        : {
            json: {
              type: 'file',
              encoding: 'base64',
              size: Buffer.byteLength(text),
              name: path.split('/').pop() ?? path,
              path,
              content: wrapBase64(Buffer.from(text).toString('base64')),
              sha,
              ...links(path, 'file', sha),
            },
          };
    } else {
      // A directory: GitHub lists its immediate children, and ignores the raw media type.
      const prefix = path === '' ? '' : `${path}/`;
      const children = new Map<string, { type: 'file' | 'dir'; text?: string }>();
      for (const [p, t] of tree) {
        if (!p.startsWith(prefix)) continue;
        const [name = '', ...rest] = p.slice(prefix.length).split('/');
        children.set(name, rest.length === 0 ? { type: 'file', text: t } : { type: 'dir' });
      }
      if (children.size === 0) {
        return {
          status: 404,
          json: { message: 'Not Found', documentation_url: `${docs}/repos/contents#get-repository-content`, status: '404' },
        };
      }
      // Byte order, as git sorts a tree.
      const entries = [...children].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, child]) => {
        const p = `${prefix}${name}`;
        const sha = child.text === undefined ? treeSha(tree, p) : blobSha(child.text);
        const size = child.text === undefined ? 0 : Buffer.byteLength(child.text);
        return { type: child.type, size, name, path: p, sha, ...links(p, child.type, sha) };
      });
      tag = `dir\0${JSON.stringify(entries)}`;
      body = { json: entries };
    }

    const etag = `"${sha1(tag)}"`;
    const headers = { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization' };
    if (ifNoneMatch(req.headers['if-none-match'], etag)) return { status: 304, headers };
    return { status: 200, headers, ...body };
  }

  #createComment(req: Req): Reply {
    const body = commentBody(req.body);
    if (body === undefined) {
      return { status: 422, json: { message: `Invalid request.\n\n"body" wasn't supplied.`, documentation_url: docs } };
    }
    const key = issueKey(repoRef(req), issueNumber(req));
    const comment: Comment = { id: this.#nextId++, body, createdAt: githubTime(new Date()) };
    this.#comments.set(key, [...(this.#comments.get(key) ?? []), comment]);
    return { status: 201, json: this.#commentObject(req, comment), writes: [`createComment ${issueRef(req)} ${body}`] };
  }

  #commentObjects(req: Req): object[] {
    return (this.#comments.get(issueKey(repoRef(req), issueNumber(req))) ?? []).map((c) => this.#commentObject(req, c));
  }

  #commentObject(req: Req, c: Comment): object {
    const [owner = '', repo = '', n = ''] = req.params;
    return {
      id: c.id,
      node_id: `IC_fake${c.id}`,
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${owner}/${repo}/issues/${n}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${n}`,
      body: c.body,
      user: this.#user(),
      created_at: c.createdAt,
      updated_at: c.createdAt,
      author_association: 'NONE',
    };
  }

  #user(): object {
    return { login: this.#botLogin, id: 100, node_id: 'U_fake100', type: 'User', site_admin: false };
  }

  #createToken(): Reply {
    this.tokensIssued++;
    return {
      status: 201,
      json: {
        token: `ghs_fake_${this.tokensIssued}`,
        expires_at: githubTime(new Date(Date.now() + 3600_000)),
        permissions: installationPermissions,
        repository_selection: 'all',
      },
    };
  }

  /**
   * GitHub's pagination: `per_page` (default 30, at most 100) and `page`, with a `Link` header:
   * https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
   */
  #paginate(req: Req, items: object[]): Reply {
    const requested = Number.parseInt(req.query.get('per_page') ?? '', 10);
    const perPage = Number.isNaN(requested) || requested < 1 ? defaultPerPage : Math.min(requested, maxPerPage);
    const page = Math.max(1, Number.parseInt(req.query.get('page') ?? '', 10) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const query = new URLSearchParams(req.query);
      query.set('page', String(p));
      return `<${this.url}${req.pathname}?${query.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    return {
      status: 200,
      json: items.slice((page - 1) * perPage, page * perPage),
      ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
    };
  }
}

// ---- helpers -------------------------------------------------------------------------------

const re = (pattern: string): RegExp => new RegExp(`^${pattern}$`);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function checkRepo(repo: string): string {
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) throw new Error(`fake GitHub: repo must be "owner/repo", got "${repo}"`);
  // Owner and repository names are case-insensitive on GitHub.
  return repo.toLowerCase();
}

const issueKey = (repo: string, number: number): string => `${checkRepo(repo)}#${number}`;
const treeKey = (repo: string, ref: string): string => `${checkRepo(repo)}@${ref}`;
const normalisePath = (path: string): string => path.replace(/^\/+|\/+$/g, '');

const repoRef = (req: Req): string => `${req.params[0] ?? ''}/${req.params[1] ?? ''}`;
const issueNumber = (req: Req): number => Number(req.params[2]);
const issueRef = (req: Req): string => `${repoRef(req)}#${req.params[2] ?? ''}`;
const contentRef = (req: Req): string => req.query.get('ref') || defaultBranch;
const contentPath = (req: Req): string => normalisePath(req.params[2] ?? '');

function pageSuffix(req: Req): string {
  const page = req.query.get('page');
  return page === null ? '' : ` page ${page}`;
}

/** Octokit's `mediaType: { format: 'raw' }` sends `application/vnd.github.v3.raw`; docs name `.raw(+json)`. */
const wantsRaw = (req: Req): boolean => /application\/vnd\.github(?:\.v3)?\.raw/i.test(req.headers.accept ?? '');
const rawSuffix = (req: Req): string => (wantsRaw(req) ? ' (raw)' : '');

const sameLabel = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function dedupeLabels(labels: string[]): string[] {
  const out: string[] = [];
  for (const l of labels) if (!out.some((o) => sameLabel(o, l))) out.push(l);
  return out;
}

/** `{ labels: ['a'] }`, `{ labels: [{ name: 'a' }] }` or `['a']`, as GitHub accepts. */
function labelNames(body: unknown): string[] | undefined {
  const list: unknown = Array.isArray(body) ? body : isObject(body) ? body['labels'] : undefined;
  if (!Array.isArray(list)) return undefined;
  const names = list.map((l: unknown) => {
    if (typeof l === 'string') return l;
    return isObject(l) && typeof l['name'] === 'string' ? l['name'] : undefined;
  });
  return names.every((n): n is string => n !== undefined) ? names : undefined;
}

function commentBody(body: unknown): string | undefined {
  return isObject(body) && typeof body['body'] === 'string' ? body['body'] : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

/** The SHA git gives a file's content, as GitHub reports in `sha`. */
const blobSha = (text: string): string =>
  createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest('hex');

/**
 * A directory's SHA, from the paths and blob SHAs of everything below it: like git's tree SHA, it
 * changes exactly when something under the directory does, so a caller may skip a subtree whose
 * SHA it has seen.
 */
const treeSha = (tree: Map<string, string>, dir: string): string =>
  sha1(`tree\0${[...tree].filter(([p]) => p.startsWith(`${dir}/`)).map(([p, t]) => `${p}\0${blobSha(t)}`).sort().join('\n')}`);

/** GitHub wraps base64 content at 60 characters with a trailing newline. */
const wrapBase64 = (b64: string): string => (b64.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');

/** GitHub's timestamps have no milliseconds: `2011-04-14T16:00:49Z`. */
const githubTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

function faultReply(response: FakeResponse): Reply {
  const { status, headers, body } = response;
  if (typeof body === 'string') return { status, raw: body, ...(headers ? { headers } : {}) };
  return {
    status,
    json: body ?? { message: STATUS_CODES[status] ?? 'Error', documentation_url: docs },
    ...(headers ? { headers } : {}),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
