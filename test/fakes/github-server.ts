// A stateful fake of the slice of GitHub's REST API that Skiff uses, served over real HTTP on
// loopback. End-to-end tests point a production Octokit at `fake.url`, so auth, pagination,
// conditional requests, retries and throttling all run for real; only GitHub is pretend. Like
// Prow's fakegithub (kubernetes-sigs/prow pkg/github/fakegithub/fakegithub.go) it records what the
// code under test changed as readable strings: `addLabel acme/widgets#1 do-not-merge/hold`.
//
// Where it knowingly differs from GitHub, to keep tests short:
// - Every issue exists: unknown ones have no labels, files, comments, assignees or reviews (GitHub
//   answers 404). A pull request exists once `setPullRequest` seeded it: `GET pulls/{n}` and
//   review requests answer 404 before that. Any installation id gets a token; any Bearer JWT is
//   accepted unverified. Every login is a user that exists.
// - Branches and SHAs are independent names for file trees (`setFile(repo, ref, ...)`); a ref that
//   was never set is an empty tree. `git/trees/{sha}` takes such a name or a (sub)tree's SHA; blob
//   and tree SHAs are git's own, so the same content has the same SHA under any name.
// - The authenticated user is always `botLogin`, whatever the credentials; with an installation
//   token GitHub would refuse `GET /user` (403) and author comments as `<app>[bot]`.
// - Label names match case-insensitively, as on GitHub, where labels are repository-wide and unique
//   regardless of case; adding a label the repository lacks creates it, as GitHub does.
// - Issues: `setIssue` seeds one; an issue never seeded reads as an open `Issue <n>` by octocat,
//   and `PATCH issues/{n}` creates it from that. Search (`GET /search/issues`) sees only seeded
//   issues and pull requests, and understands `is:`/`type:`/`state:`/`author:`/`repo:`/`label:`
//   qualifiers (negated with `-`) and plain words in the title or body; anything else is a 422
//   that names it. Milestones are what `setMilestones` says (a title seeded on an issue or pull
//   request that no milestone has creates one).
// - A pull request merges cleanly unless seeded otherwise (`mergeable: true`, `mergeable_state`
//   `clean`, or `draft` for a draft). Its commits are what `setCommits` says, by default one commit
//   at the head SHA by its author; GitHub lists at most 250.
// - Commit statuses may be set on any SHA (GitHub wants the commit to exist). Branches are those
//   given to `setBranches` or `setBranchSha`, the head and base branches of seeded pull requests,
//   any name given files with `setFile`, and the default branch; any other is GitHub's 404. A
//   branch's head, as `GET branches/{b}` and `GET git/ref/heads/{b}` both answer it, is the SHA
//   `setBranchSha` gave it; else the `base.sha` of the pull request last seeded into it as its base
//   (so a seeded pull request's base is its branch's head until a test moves the branch, the way
//   a base moves on GitHub when something merges); else a commit SHA made from the branch's files
//   as they are then. The git and contents routes read that SHA as a snapshot of the branch's
//   files when it was first answered, unless files were set under the SHA itself (a commit does
//   not change when its branch moves on). `git/ref` knows branches only (`heads/…`).
// - Every repository exists (public, default branch `main`) unless `setRepo` says otherwise;
//   one that does not answers 404 to `GET /repos/{o}/{r}` and to its issue reads.
//   `deleteIssue` makes an issue read 410 Gone, as GitHub answers for a deleted one.
// - GraphQL: the blob query, and the mutations `transferIssue`, `pinIssue` and `unpinIssue`
//   (with `$input`, as Prow and Skiff send them). Node ids name what they stand for (`I_…` an
//   issue, `PR_…` a pull request, `R_…` a repository). A transferred issue moves with its
//   comments and assignees, and the labels the destination has, to the destination's next
//   number; its old number then answers `301 Moved Permanently` to the new one, as GitHub's
//   issues API does. A transfer between owners, from a private repository into a public one,
//   or into an archived one is refused with GraphQL `errors`. At most three issues are pinned
//   per repository, as on GitHub; pinning one twice, or unpinning one not pinned, changes
//   nothing.
// - Roles are what `setRole` says; anyone else has `read` on a public repository (the default) and
//   `none` on a private one. Assignable means at least `triage`; a reviewer must have been given a
//   role (a collaborator). Organization membership is public unless listed as concealed; the bot
//   sees concealed members only when it is a member itself, otherwise GitHub redirects (302) the
//   members check to the public one.
//
// - Workflows (GitHub Actions): every workflow file exists; `setWorkflow` may give one a name, an
//   id and its declared `workflow_dispatch` inputs (then others are GitHub's 422). A dispatch
//   creates a queued run whose title is `run <prow_job_id>` when that input is given (standing in
//   for the `run-name` template Skiff asks workflows to have), else the workflow's name. Runs change
//   only by `setWorkflowRun` or a cancel, which completes a run at once (GitHub takes a moment).
//   `rejectRunDetails` makes dispatch refuse `return_run_details`, as GitHub Enterprise Server
//   before February 2026 does.
// Two transports share one handler: `FakeGitHub.start()` listens on loopback (real HTTP, for
// end-to-end tests), `FakeGitHub.inProcess()` only offers `fetch` (for Octokit's `request.fetch`,
// for unit tests that want GitHub's behaviour without a socket).
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
import { SecondaryLimiter, type SecondaryLimitReport, type SecondaryLimits } from './secondary-limits.js';

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
  /** Defaults to additions + deletions. */
  changes?: number;
  status?: string;
  /** The old name of a renamed file. */
  previousFilename?: string;
}

export interface FakeGitHubOptions {
  botLogin?: string;
}

/** What `setPullRequest` may set; anything left out keeps its current (or default) value. */
export interface PullRequestSeed {
  author?: string;
  /** `User` unless the login ends in `[bot]`. */
  authorType?: string;
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  draft?: boolean;
  merged?: boolean;
  head?: { sha?: string; ref?: string };
  base?: { sha?: string; ref?: string };
  /** When it was opened (`2024-01-02T03:04:05Z`); default now. Search's `created:` compares it. */
  createdAt?: string;
  /** `null`: GitHub is still computing it. */
  mergeable?: boolean | null;
  /** GitHub's `mergeable_state` (`clean`, `dirty`, `blocked`, `behind`, `unstable`, `unknown`, `draft`). */
  mergeableState?: string;
  /** A milestone's number or title (see `setMilestones`); `null` clears it. */
  milestone?: number | string | null;
}

/** What `setIssue` may set; anything left out keeps its current (or default) value. */
export interface IssueSeed {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  /** Defaults to `completed` for a closed issue. */
  stateReason?: 'completed' | 'not_planned' | 'reopened' | null;
  author?: string;
  /** `User` unless the login ends in `[bot]`. */
  authorType?: string;
  /** A milestone's number or title (see `setMilestones`); `null` clears it. */
  milestone?: number | string | null;
}

/** What `setRepo` may set; anything left out keeps its current (or default) value. */
export interface RepoSeed {
  /** `false`: GitHub answers 404 for it. */
  exists?: boolean;
  defaultBranch?: string;
  archived?: boolean;
}

export interface MilestoneSeed {
  number: number;
  title: string;
  state?: 'open' | 'closed';
}

/** One commit of a pull request, oldest first in `setCommits`. */
export interface CommitSeed {
  /** Defaults to a SHA derived from the message and position. */
  sha?: string;
  message: string;
  /** The GitHub account GitHub matched the author's email to; `null` for none. Defaults to the pull request's author. */
  author?: string | null;
  /** Defaults to the author's login. */
  authorName?: string;
  /** Defaults to `<login>@users.noreply.github.com`. */
  authorEmail?: string;
  /** Default to the author's. */
  committerName?: string;
  committerEmail?: string;
  /** Defaults to the previous commit (the base SHA for the first). */
  parents?: string[];
}

export type FakeStatusState = 'error' | 'failure' | 'pending' | 'success';

export interface StatusSeed {
  context: string;
  state: FakeStatusState;
  description?: string;
  targetUrl?: string;
}

/** An issue or pull request as its issue fields stand now, for assertions. */
export interface IssueView {
  title: string;
  body: string;
  state: string;
  stateReason: string | null;
  author: string;
  /** The milestone's title. */
  milestone: string | undefined;
  isPullRequest: boolean;
}

/** What `setWorkflow` declares about a workflow file. */
export interface WorkflowSeed {
  /** Defaults to the file's path, as GitHub names a workflow without `name:`. */
  name?: string;
  id?: number;
  /** Its `workflow_dispatch` inputs; undeclared, any input is accepted. */
  inputs?: string[];
}

/** A workflow run as it stands, for assertions and seeding. */
export interface WorkflowRunView {
  id: number;
  /** The workflow file name (`ci.yaml`). */
  workflow: string;
  displayTitle: string;
  status: string;
  conclusion: string | null;
  event: string;
  headBranch: string;
  inputs: Record<string, string>;
  createdAt: string;
}

export interface CommentSeed {
  user: string;
  body: string;
  /** `User` unless the login ends in `[bot]`. */
  type?: string;
  createdAt?: string;
}

export type ReviewSeedState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewSeed {
  user: string;
  state: ReviewSeedState;
  body?: string;
  /** Defaults to the pull request's head SHA. */
  commitId?: string;
  submittedAt?: string;
  type?: string;
}

export interface RepoLabelSeed {
  name: string;
  color?: string;
  description?: string;
}

export interface TeamSeed {
  name: string;
  slug: string;
  members: string[];
  /** Invited, not yet active: the membership check says `pending`. */
  pending?: string[];
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
// "Lists a maximum of 250 commits for a pull request":
// https://docs.github.com/en/rest/pulls/pulls#list-commits-on-a-pull-request
const maxPullRequestCommits = 250;
// "The description ... is too long (maximum is 140 characters)": GitHub's 422 for a longer one.
const maxStatusDescription = 140;
// The search API's own limit: https://docs.github.com/en/rest/search/search#rate-limit
const searchRateLimit = 30;
const statusStates: readonly string[] = ['error', 'failure', 'pending', 'success'];
const stateReasons: readonly string[] = ['completed', 'not_planned', 'reopened'];
const installationPermissions = { contents: 'read', issues: 'write', metadata: 'read', pull_requests: 'write', members: 'read' };
/** Where `FakeGitHub.inProcess()` pretends to be: `.test` never resolves (RFC 2606), so nothing can leak to a real host. */
const inProcessUrl = 'https://api.github.test';
// "Issues can have a maximum of 10 assignees":
// https://docs.github.com/en/rest/issues/assignees#add-assignees-to-an-issue
const maxAssignees = 10;
/** git's empty tree. */
const emptyTreeSha = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const roleRank: Record<string, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };
/** The permission endpoint's legacy `permission` for a role. */
const legacyPermission: Record<string, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read', none: 'none' };

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
  number: number;
  body: string;
  user: string;
  userType: string;
  createdAt: string;
  updatedAt: string;
}

interface PullState {
  author: string;
  authorType: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  head: { sha: string; ref: string };
  base: { sha: string; ref: string };
  createdAt: string;
  stateReason: string | null;
  milestone: number | undefined;
  mergeable: boolean | null;
  /** Undefined: derived (`draft` for a draft, else `clean`). */
  mergeableState: string | undefined;
}

interface IssueState {
  author: string;
  authorType: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  milestone: number | undefined;
  createdAt: string;
}

interface MilestoneRecord {
  number: number;
  title: string;
  state: 'open' | 'closed';
}

interface CommitRecord {
  sha: string;
  message: string;
  author: string | null;
  authorName: string;
  authorEmail: string;
  committerName: string;
  committerEmail: string;
  parents: string[];
}

interface StatusRecord {
  id: number;
  context: string;
  state: FakeStatusState;
  description: string;
  targetUrl: string;
  createdAt: string;
}

interface ReviewRecord {
  id: number;
  user: string;
  userType: string;
  state: ReviewSeedState;
  body: string;
  commitId: string;
  submittedAt: string;
}

interface TeamRecord {
  id: number;
  name: string;
  slug: string;
  members: string[];
  pending: string[];
}

interface Requested {
  users: string[];
  teams: string[];
}

/** One request as either transport hands it to the shared handler. */
interface WireRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** Undefined for 204 and 304, which have no body. */
  body: string | undefined;
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
  /**
   * Serves a request through the same routes without a socket: pass it as Octokit's
   * `request.fetch`. Redirects are followed as fetch follows them (`redirect: 'follow'`).
   */
  readonly fetch: typeof fetch = (input, init) => this.#fetch(input, init);

  readonly #server: Server | undefined;
  readonly #botLogin: string;
  readonly #writes: string[] = [];
  readonly #faults: Fault[] = [];
  readonly #labels = new Map<string, string[]>();
  readonly #labelIds = new Map<string, number>();
  /** `owner/repo@ref` (repo lower-cased) → path → text. */
  readonly #trees = new Map<string, Map<string, string>>();
  readonly #changes = new Map<string, FileChange[]>();
  readonly #comments = new Map<string, Comment[]>();
  readonly #pulls = new Map<string, PullState>();
  readonly #issues = new Map<string, IssueState>();
  /** Repository (lower-cased) → its milestones, by number. */
  readonly #milestones = new Map<string, MilestoneRecord[]>();
  readonly #commits = new Map<string, CommitRecord[]>();
  /** `owner/repo@sha` (lower-cased) → every status set, oldest first. */
  readonly #statuses = new Map<string, StatusRecord[]>();
  /** Repository (lower-cased) → its branches. */
  readonly #branches = new Map<string, Set<string>>();
  /** `owner/repo:branch` (repository lower-cased) → the status contexts its protection requires. */
  readonly #protection = new Map<string, string[] | undefined>();
  /** `owner/repo:branch` (repository lower-cased) → the head `setBranchSha` gave it. */
  readonly #heads = new Map<string, string>();
  /** `owner/repo:branch` (repository lower-cased) → the base SHA of the pull request last seeded into it. */
  readonly #pullBases = new Map<string, string>();
  /** Repository (lower-cased) → as it was first spelled, for search results. */
  readonly #repoNames = new Map<string, string>();
  readonly #reviews = new Map<string, ReviewRecord[]>();
  readonly #assignees = new Map<string, string[]>();
  readonly #requested = new Map<string, Requested>();
  /** Repository (lower-cased) → its labels, in creation order. */
  readonly #repoLabels = new Map<string, Required<RepoLabelSeed>[]>();
  /** Repository → lower-cased login → role. */
  readonly #roles = new Map<string, Map<string, string>>();
  readonly #private = new Set<string>();
  /** Repository (lower-cased) → what `setRepo` said. */
  readonly #repos = new Map<string, Required<RepoSeed>>();
  /** Repository (lower-cased) → the `clone_url` its pull requests answer (default github.com's). */
  readonly #cloneUrls = new Map<string, string>();
  /** Issues pinned to their repository (issue keys). */
  readonly #pinned = new Set<string>();
  /** Issue key → where a transfer moved it (the new key, as spelled). */
  readonly #moved = new Map<string, string>();
  /** Issue keys deleted by `deleteIssue`. */
  readonly #deleted = new Set<string>();
  /** Organization (lower-cased) → lower-cased login → whether the membership is public. */
  readonly #orgMembers = new Map<string, Map<string, boolean>>();
  readonly #teams = new Map<string, TeamRecord[]>();
  readonly #userIds = new Map<string, number>();
  /** Repository (lower-cased) → workflow file → what was declared about it. */
  readonly #workflows = new Map<string, Map<string, Required<Omit<WorkflowSeed, 'inputs'>> & { inputs?: string[] }>>();
  /** Repository (lower-cased) → its workflow runs, oldest first. */
  readonly #runs = new Map<string, WorkflowRunView[]>();
  /** Dispatch refuses `return_run_details` (GitHub Enterprise Server before February 2026). */
  rejectRunDetails = false;
  /** Workflow ids have a counter of their own, so declaring a workflow does not shift run or comment ids. */
  #nextWorkflowId = 161_000;
  readonly #routes: Route[];
  readonly #rateLimitReset = Math.floor(Date.now() / 1000) + 3600;
  #rateLimitUsed = 0;
  #searchUsed = 0;
  /** GitHub's secondary limits, when a test asks for them (enforceSecondaryLimits). */
  #secondary: SecondaryLimiter | undefined;
  /** How long each HTTP answer is held back, so concurrent requests overlap as they do on GitHub. */
  #latencyMs = 0;
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

  /** A FakeGitHub that does not listen: requests reach it only through `fetch`, at `url`. */
  static inProcess(opts: FakeGitHubOptions = {}): FakeGitHub {
    return new FakeGitHub(undefined, inProcessUrl, opts.botLogin ?? 'skiff-bot');
  }

  private constructor(server: Server | undefined, url: string, botLogin: string) {
    this.#server = server;
    this.url = url;
    this.#botLogin = botLogin;
    this.#routes = this.#buildRoutes();
    server?.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#serveHttp(req, res).catch((error: unknown) => {
        // Only reachable if the socket died mid-request; there is no one left to answer.
        res.destroy(error instanceof Error ? error : undefined);
      });
    });
  }

  close(): Promise<void> {
    const server = this.#server;
    if (!server?.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Octokit's fetch keeps connections alive; without this, close() waits for them to idle out.
      server.closeAllConnections();
    });
  }

  // ---- state -------------------------------------------------------------------------------

  setLabels(repo: string, number: number, labels: string[]): void {
    this.#labels.set(issueKey(repo, number), dedupeLabels(labels));
  }

  labelsOf(repo: string, number: number): string[] {
    return [...(this.#labels.get(issueKey(repo, number)) ?? [])];
  }

  /** The repository's labels, replacing any; `color` defaults to `ededed`. */
  setRepoLabels(repo: string, labels: (RepoLabelSeed | string)[]): void {
    const seeds = labels.map((l) => (typeof l === 'string' ? { name: l } : l));
    this.#repoLabels.set(
      checkRepo(repo),
      seeds.map((l) => ({ name: l.name, color: l.color ?? 'ededed', description: l.description ?? '' })),
    );
  }

  repoLabelsOf(repo: string): string[] {
    return (this.#repoLabels.get(checkRepo(repo)) ?? []).map((l) => l.name);
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

  /**
   * Creates the pull request, or changes the fields given. Defaults: author `octocat`, open, not a
   * draft, head `feature-<n>` and base `main` at SHAs derived from the repository and number.
   */
  setPullRequest(repo: string, number: number, seed: PullRequestSeed = {}): void {
    const key = issueKey(repo, number);
    const isNew = !this.#pulls.has(key);
    const current = this.#pulls.get(key) ?? {
      author: 'octocat',
      authorType: 'User',
      title: `Pull request ${number}`,
      body: '',
      state: 'open',
      draft: false,
      merged: false,
      head: { ref: `feature-${number}`, sha: sha1(`head\0${key}`) },
      base: { ref: defaultBranch, sha: sha1(`base\0${checkRepo(repo)}`) },
      createdAt: githubTime(new Date()),
      stateReason: null,
      milestone: undefined,
      mergeable: true,
      mergeableState: undefined,
    };
    const author = seed.author ?? current.author;
    const pr: PullState = {
      ...current,
      ...definedOnly({ title: seed.title, body: seed.body, state: seed.state, draft: seed.draft, merged: seed.merged, mergeableState: seed.mergeableState, createdAt: seed.createdAt }),
      author,
      authorType: seed.authorType ?? (seed.author === undefined ? current.authorType : userType(author)),
      head: { ...current.head, ...definedOnly(seed.head ?? {}) },
      base: { ...current.base, ...definedOnly(seed.base ?? {}) },
      mergeable: seed.mergeable === undefined ? current.mergeable : seed.mergeable,
      milestone: seed.milestone === undefined ? current.milestone : this.#seedMilestone(repo, seed.milestone),
    };
    this.#pulls.set(key, pr);
    this.#nameRepo(repo);
    // A pull request has a head and a base branch (a fork's head would be in another repository).
    this.#branchSet(repo).add(pr.head.ref).add(pr.base.ref);
    // A new pull request, or a new base, says where its base branch is (see the header).
    if (isNew || seed.base?.sha !== undefined || seed.base?.ref !== undefined) this.#pullBases.set(`${checkRepo(repo)}:${pr.base.ref}`, pr.base.sha);
  }

  /**
   * Creates the issue, or changes the fields given. Defaults: `Issue <n>` by `octocat`, open. On a
   * seeded pull request, use `setPullRequest`: its issue fields are the pull request's.
   */
  setIssue(repo: string, number: number, seed: IssueSeed = {}): void {
    const key = issueKey(repo, number);
    if (this.#pulls.has(key)) throw new Error(`fake GitHub: ${key} is a pull request; seed it with setPullRequest`);
    const current = this.#issues.get(key) ?? defaultIssue(number);
    const author = seed.author ?? current.author;
    const state = seed.state ?? current.state;
    this.#issues.set(key, {
      ...current,
      ...definedOnly({ title: seed.title, body: seed.body }),
      state,
      stateReason: seed.stateReason !== undefined ? seed.stateReason : seed.state === undefined ? current.stateReason : state === 'closed' ? 'completed' : null,
      author,
      authorType: seed.authorType ?? (seed.author === undefined ? current.authorType : userType(author)),
      milestone: seed.milestone === undefined ? current.milestone : this.#seedMilestone(repo, seed.milestone),
    });
    this.#nameRepo(repo);
  }

  /** The issue fields of an issue or pull request as they are now (after `PATCH issues/{n}`). */
  issueOf(repo: string, number: number): IssueView {
    const key = issueKey(repo, number);
    const item = this.#itemOf(key);
    const milestone = this.#milestones.get(checkRepo(repo))?.find((m) => m.number === item.milestone);
    return {
      title: item.title,
      body: item.body,
      state: item.state,
      stateReason: item.stateReason,
      author: item.author,
      milestone: milestone?.title,
      isPullRequest: this.#pulls.has(key),
    };
  }

  /** The repository's milestones, replacing any. */
  setMilestones(repo: string, milestones: MilestoneSeed[]): void {
    this.#milestones.set(
      checkRepo(repo),
      milestones.map((m) => ({ number: m.number, title: m.title, state: m.state ?? 'open' })),
    );
  }

  milestonesOf(repo: string): MilestoneSeed[] {
    return (this.#milestones.get(checkRepo(repo)) ?? []).map((m) => ({ ...m }));
  }

  /** A pull request's commits, oldest first, replacing the default one. The head SHA stays as seeded. */
  setCommits(repo: string, number: number, commits: CommitSeed[]): void {
    const key = issueKey(repo, number);
    const pr = this.#pulls.get(key);
    let parent = pr?.base.sha ?? sha1(`base\0${checkRepo(repo)}`);
    this.#commits.set(
      key,
      commits.map((c, i) => {
        const login = c.author === undefined ? (pr?.author ?? 'octocat') : c.author;
        const name = c.authorName ?? login ?? 'Someone';
        const email = c.authorEmail ?? `${login ?? 'someone'}@users.noreply.github.com`;
        const record: CommitRecord = {
          sha: c.sha ?? sha1(`commit\0${key}\0${i}\0${c.message}`),
          message: c.message,
          author: login,
          authorName: name,
          authorEmail: email,
          committerName: c.committerName ?? name,
          committerEmail: c.committerEmail ?? email,
          parents: c.parents ?? [parent],
        };
        parent = record.sha;
        return record;
      }),
    );
  }

  /** A status set by someone else (a CI system), as `POST statuses/{sha}` would. */
  addStatus(repo: string, sha: string, status: StatusSeed): void {
    const key = statusKey(repo, sha);
    const record: StatusRecord = {
      id: this.#nextId++,
      context: status.context,
      state: status.state,
      description: status.description ?? '',
      targetUrl: status.targetUrl ?? '',
      createdAt: githubTime(new Date()),
    };
    this.#statuses.set(key, [...(this.#statuses.get(key) ?? []), record]);
  }

  /** The latest status of each context on a commit, in the order the contexts first appeared. */
  statusesOf(repo: string, sha: string): StatusSeed[] {
    return latestStatuses(this.#statuses.get(statusKey(repo, sha)) ?? []).map(({ context, state, description, targetUrl }) => ({ context, state, description, targetUrl }));
  }

  /** The repository's branches, replacing any (seeded pull requests add theirs). */
  setBranches(repo: string, branches: string[]): void {
    this.#branches.set(checkRepo(repo), new Set(branches));
  }

  /**
   * Points a branch (which makes it exist) at a commit SHA: what `GET branches/{b}` and
   * `GET git/ref/heads/{b}` answer from now on, over any seeded pull request's base (see the
   * header). End-to-end tests over a real git repository give it the repository's own SHAs, so a
   * job checks out the base the fake said.
   */
  setBranchSha(repo: string, branch: string, sha: string): void {
    this.#branchSet(repo).add(branch);
    this.#heads.set(`${checkRepo(repo)}:${branch}`, sha);
  }

  branchesOf(repo: string): string[] {
    return [...(this.#branches.get(checkRepo(repo)) ?? [])].sort();
  }

  /** A comment by someone else (a bot's own come through the API); returns its id. */
  addComment(repo: string, number: number, seed: CommentSeed): number {
    const key = issueKey(repo, number);
    const at = seed.createdAt ?? githubTime(new Date());
    const comment: Comment = { id: this.#nextId++, number, body: seed.body, user: seed.user, userType: seed.type ?? userType(seed.user), createdAt: at, updatedAt: at };
    this.#comments.set(key, [...(this.#comments.get(key) ?? []), comment]);
    return comment.id;
  }

  /** Bodies of the comments on an issue or pull request, oldest first. */
  comments(repo: string, number: number): string[] {
    return (this.#comments.get(issueKey(repo, number)) ?? []).map((c) => c.body);
  }

  /** The comments as they are now (after edits and deletions through the API), oldest first. */
  commentsOf(repo: string, number: number): { id: number; user: string; body: string }[] {
    return (this.#comments.get(issueKey(repo, number)) ?? []).map(({ id, user, body }) => ({ id, user, body }));
  }

  /** A submitted review; returns its id. A user's review request is fulfilled by their review, as on GitHub. */
  addReview(repo: string, number: number, seed: ReviewSeed): number {
    const key = issueKey(repo, number);
    const review: ReviewRecord = {
      id: this.#nextId++,
      user: seed.user,
      userType: seed.type ?? userType(seed.user),
      state: seed.state,
      body: seed.body ?? '',
      commitId: seed.commitId ?? this.#pulls.get(key)?.head.sha ?? sha1(`head\0${key}`),
      submittedAt: seed.submittedAt ?? githubTime(new Date()),
    };
    this.#reviews.set(key, [...(this.#reviews.get(key) ?? []), review]);
    const requested = this.#requested.get(key);
    if (requested && seed.state !== 'PENDING') requested.users = requested.users.filter((u) => !sameLogin(u, seed.user));
    return review.id;
  }

  setAssignees(repo: string, number: number, logins: string[]): void {
    this.#assignees.set(issueKey(repo, number), dedupeLogins(logins));
  }

  assigneesOf(repo: string, number: number): string[] {
    return [...(this.#assignees.get(issueKey(repo, number)) ?? [])];
  }

  setRequestedReviewers(repo: string, number: number, requested: { reviewers?: string[]; teams?: string[] }): void {
    this.#requested.set(issueKey(repo, number), { users: dedupeLogins(requested.reviewers ?? []), teams: dedupeLogins(requested.teams ?? []) });
  }

  /** Requested reviewers and team slugs, in request order. */
  requestedOf(repo: string, number: number): { reviewers: string[]; teams: string[] } {
    const r = this.#requested.get(issueKey(repo, number));
    return { reviewers: [...(r?.users ?? [])], teams: [...(r?.teams ?? [])] };
  }

  /** A collaborator's role (`admin`, `maintain`, `write`, `triage`, `read`, `none` or a custom role's name). */
  setRole(repo: string, login: string, role: string): void {
    const key = checkRepo(repo);
    const roles = this.#roles.get(key) ?? new Map<string, string>();
    roles.set(login.toLowerCase(), role);
    this.#roles.set(key, roles);
  }

  /** Public by default: then anyone without a role can read it. */
  setVisibility(repo: string, visibility: 'public' | 'private'): void {
    if (visibility === 'private') this.#private.add(checkRepo(repo));
    else this.#private.delete(checkRepo(repo));
  }

  /** Whether the repository exists, its default branch, whether it is archived. */
  setRepo(repo: string, seed: RepoSeed): void {
    const current = this.#repos.get(checkRepo(repo)) ?? { exists: true, defaultBranch, archived: false };
    this.#repos.set(checkRepo(repo), { ...current, ...definedOnly(seed) });
    this.#nameRepo(repo);
  }

  /** The `clone_url` the repository's pull requests answer: a local bare repository for tests that clone. */
  setCloneUrl(repo: string, url: string): void {
    this.#cloneUrls.set(checkRepo(repo), url);
  }

  /** Deletes the issue: reading it answers 410 Gone. */
  deleteIssue(repo: string, number: number): void {
    this.#deleted.add(issueKey(repo, number));
  }

  /** Numbers of the repository's pinned issues, ascending. */
  pinnedOf(repo: string): number[] {
    const prefix = `${checkRepo(repo)}#`;
    return [...this.#pinned].filter((k) => k.startsWith(prefix)).map((k) => Number(k.slice(prefix.length))).sort((a, b) => a - b);
  }

  /** Where a transfer moved the issue (`owner/repo#n`), if one did. */
  transferredTo(repo: string, number: number): string | undefined {
    return this.#moved.get(issueKey(repo, number));
  }

  /**
   * The organization's members, replacing any. `concealed` members are private: only a member
   * (the bot, if listed) sees them through the members check.
   */
  setOrgMembers(org: string, logins: string[], options: { concealed?: string[] } = {}): void {
    const concealed = new Set((options.concealed ?? []).map((l) => l.toLowerCase()));
    this.#orgMembers.set(org.toLowerCase(), new Map(logins.map((l) => [l.toLowerCase(), !concealed.has(l.toLowerCase())])));
  }

  /**
   * Protects a branch (which makes it exist), requiring these status contexts (`undefined`: a
   * protection without required status checks).
   */
  setBranchProtection(repo: string, branch: string, requiredContexts: string[] | undefined): void {
    const key = checkRepo(repo);
    this.#branches.set(key, new Set([...(this.#branches.get(key) ?? []), branch]));
    this.#protection.set(`${key}:${branch}`, requiredContexts && [...requiredContexts]);
  }

  /** Adds the team, or replaces the one with that slug. */
  setTeam(org: string, team: TeamSeed): void {
    const key = org.toLowerCase();
    const teams = this.#teams.get(key) ?? [];
    const existing = teams.find((t) => t.slug === team.slug);
    const record: TeamRecord = { id: existing?.id ?? this.#nextId++, name: team.name, slug: team.slug, members: [...team.members], pending: [...(team.pending ?? [])] };
    this.#teams.set(key, existing ? teams.map((t) => (t === existing ? record : t)) : [...teams, record]);
  }

  /** Declares a workflow file's name, id and `workflow_dispatch` inputs. */
  setWorkflow(repo: string, file: string, seed: WorkflowSeed = {}): void {
    const workflows = this.#workflows.get(checkRepo(repo)) ?? new Map();
    workflows.set(file, { name: seed.name ?? `.github/workflows/${file}`, id: seed.id ?? this.#nextWorkflowId++, ...(seed.inputs ? { inputs: [...seed.inputs] } : {}) });
    this.#workflows.set(checkRepo(repo), workflows);
  }

  /** A run made some other way than a dispatch here (a push, another dispatcher); returns its id. */
  addWorkflowRun(repo: string, workflow: string, seed: Partial<Omit<WorkflowRunView, 'id' | 'workflow'>> = {}): number {
    const run: WorkflowRunView = {
      id: this.#nextId++,
      workflow,
      displayTitle: seed.displayTitle ?? this.#workflowName(repo, workflow),
      status: seed.status ?? 'queued',
      conclusion: seed.conclusion ?? null,
      event: seed.event ?? 'push',
      headBranch: seed.headBranch ?? defaultBranch,
      inputs: { ...seed.inputs },
      createdAt: seed.createdAt ?? githubTime(new Date()),
    };
    this.#runs.set(checkRepo(repo), [...(this.#runs.get(checkRepo(repo)) ?? []), run]);
    return run.id;
  }

  /** Moves a run on, as GitHub would as it runs: `{ status: 'completed', conclusion: 'success' }`. */
  setWorkflowRun(repo: string, id: number, change: { status?: string; conclusion?: string | null }): void {
    const run = this.#runs.get(checkRepo(repo))?.find((r) => r.id === id);
    if (!run) throw new Error(`FakeGitHub: no workflow run ${id} in ${repo}`);
    Object.assign(run, definedOnly(change));
  }

  workflowRunsOf(repo: string): WorkflowRunView[] {
    return (this.#runs.get(checkRepo(repo)) ?? []).map((r) => ({ ...r, inputs: { ...r.inputs } }));
  }

  // ---- recording ---------------------------------------------------------------------------

  /**
   * Successful writes, readably, in order: `addLabel o/r#1 lgtm`, `removeLabel …`, `createComment
   * o/r#1 <body>`, `updateIssue o/r#1 {"state":"closed"}`, `createStatus o/r@<sha> dco success
   * "…"`, `deleteBranch o/r feature` — as `describeCall` writes the port's calls.
   */
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

  /**
   * From now on, answers as GitHub does beyond its secondary limits (test/fakes/secondary-limits.ts),
   * with "a minute" scaled to `limits.minuteMs`. `latencyMs` holds each HTTP answer back that long.
   */
  enforceSecondaryLimits(limits: SecondaryLimits, options: { latencyMs?: number } = {}): void {
    this.#secondary = new SecondaryLimiter(limits);
    this.#latencyMs = options.latencyMs ?? 0;
  }

  /** Refusals, peak concurrency and writes per window since enforceSecondaryLimits. */
  secondaryLimitReport(): SecondaryLimitReport | undefined {
    return this.#secondary?.report();
  }

  // ---- transports --------------------------------------------------------------------------

  async #serveHttp(request: IncomingMessage, res: ServerResponse): Promise<void> {
    const limiter = this.#secondary;
    const credential = request.headers.authorization ?? 'anonymous';
    limiter?.started(credential);
    try {
      const body = await readBody(request);
      const answer = this.#handle({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body });
      if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body ?? '');
    } finally {
      limiter?.finished(credential);
    }
  }

  async #fetch(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): Promise<Response> {
    let request = new Request(input, init);
    // As fetch follows redirects (https://fetch.spec.whatwg.org/#http-redirect-fetch), at most 20.
    for (let hops = 0; ; hops++) {
      if (request.signal.aborted) throw request.signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
      const url = new URL(request.url);
      if (url.origin !== new URL(this.url).origin) {
        throw new TypeError(`fetch failed: the in-process fake GitHub serves only ${this.url}, not ${url.origin}`);
      }
      const headers: IncomingHttpHeaders = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = await request.text();
      const answer = this.#handle({ method: request.method, path: `${url.pathname}${url.search}`, headers, body });
      const location = answer.headers['location'];
      if (answer.status >= 300 && answer.status < 400 && answer.status !== 304 && location !== undefined && request.redirect !== 'manual') {
        if (request.redirect === 'error' || hops >= 20) throw new TypeError(`fetch failed: redirect to ${location}`);
        // 301/302/303 turn into a GET without a body; 307/308 repeat the request as it was.
        const again = answer.status === 307 || answer.status === 308;
        const target = new URL(location, url).toString();
        request = new Request(target, {
          method: again || request.method === 'HEAD' ? request.method : 'GET',
          headers: request.headers,
          ...(again && body !== '' ? { body } : {}),
          signal: request.signal,
        });
        continue;
      }
      // 204 and 304 are null-body statuses: a Response refuses a body for them.
      const response = new Response(answer.body ?? null, { status: answer.status, headers: answer.headers });
      // A fetched Response knows its URL; one built by hand has ''. Octokit's paginate reads it
      // for namespaced listings (`{ total_count, workflow_runs }`).
      Object.defineProperty(response, 'url', { value: request.url });
      return response;
    }
  }

  /** The one handler both transports use: route, inject faults, record, answer. */
  #handle(wire: WireRequest): WireResponse {
    const method = wire.method.toUpperCase();
    const url = new URL(wire.path, this.url);
    const parsed = parseJson(wire.body);
    const auth = wire.headers.authorization;

    const found = this.#match(method, url.pathname);
    const req: Req = {
      params: found?.params ?? [],
      pathname: url.pathname,
      query: url.searchParams,
      headers: wire.headers,
      body: parsed.ok ? parsed.value : undefined,
    };
    const described = found ? found.route.describe(req) : `unknown ${method} ${url.pathname}`;

    let reply: Reply;
    let injected = false;
    const fault = this.#takeFault(method, url.pathname, wire.path);
    const admitted = fault ? undefined : this.#secondary?.admit(auth ?? 'anonymous', method, url.pathname);
    if (fault) {
      injected = true;
      reply = faultReply(fault);
    } else if (admitted && !admitted.ok) {
      reply = faultReply(faults.secondaryRateLimit(admitted.retryAfterSeconds));
    } else if (!parsed.ok) {
      reply = { status: 400, json: { message: 'Problems parsing JSON', documentation_url: docs } };
    } else if (!found) {
      reply = notFound();
    } else {
      try {
        reply = found.route.handle(req);
      } catch (error) {
        reply = { status: 500, json: { message: `fake GitHub failed: ${String(error)}` } };
      }
    }

    // Conditional requests, as GitHub answers them: every GET answer has an ETag (a hash of its
    // body, weak as GitHub's JSON answers' are, unless the route sets its own), and a matching
    // If-None-Match gets 304 with no body, which costs an authorized caller no rate limit.
    if (!injected && method === 'GET' && reply.status === 200) reply = withEtag(reply, wire.headers['if-none-match']);

    this.calls.push({
      method,
      path: wire.path,
      status: reply.status,
      ...(req.body === undefined ? {} : { body: req.body }),
      ...(auth === undefined ? {} : { auth }),
      text: `${described} → ${reply.status}${injected ? ' (injected)' : admitted && !admitted.ok ? ` (secondary limit: ${admitted.limit})` : ''}`,
    });
    if (!injected && reply.status >= 200 && reply.status < 300) this.#writes.push(...(reply.writes ?? []));
    const resource = url.pathname === '/rate_limit' ? 'none' : url.pathname === '/search/issues' ? 'search' : 'core';
    return this.#answer(reply, resource, !(reply.status === 304 && auth !== undefined));
  }

  /** How many requests were answered 304 Not Modified. */
  get notModified(): number {
    return this.calls.filter((c) => c.status === 304).length;
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

  /**
   * `resource`: which limit the request counts against; GitHub does not count /rate_limit, nor
   * (`counted` false) an authorized request answered 304.
   */
  #answer(reply: Reply, resource: 'core' | 'search' | 'none', counted = true): WireResponse {
    if (counted && resource === 'core') this.#rateLimitUsed++;
    if (counted && resource === 'search') this.#searchUsed++;
    const [limit, used] = resource === 'search' ? [searchRateLimit, this.#searchUsed] : [rateLimit, this.#rateLimitUsed];
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-reset': String(this.#rateLimitReset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': resource === 'search' ? 'search' : 'core',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `FAKE:${(++this.#requestSeq).toString(16).toUpperCase().padStart(6, '0')}`,
      ...(reply.raw === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' }),
      ...reply.headers,
    };
    let body: string | undefined;
    if (reply.status === 204 || reply.status === 304) body = undefined;
    else if (reply.raw !== undefined) body = reply.raw;
    else body = reply.json === undefined ? '' : JSON.stringify(reply.json);
    return { status: reply.status, headers, body };
  }

  // ---- routes ------------------------------------------------------------------------------

  #buildRoutes(): Route[] {
    const repo = '/repos/([^/]+)/([^/]+)';
    const issue = `${repo}/issues/(\\d+)`;
    const pull = `${repo}/pulls/(\\d+)`;
    const org = '/orgs/([^/]+)';
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
        pattern: re(`${repo}/labels`),
        describe: (req) => `listRepoLabels ${repoRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, (this.#repoLabels.get(checkRepo(repoRef(req))) ?? []).map((l) => this.#labelObject(req, l))),
      },
      {
        method: 'GET',
        pattern: re(`${pull}/files`),
        describe: (req) => `listFiles ${issueRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, this.#fileObjects(req)),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/pulls`),
        describe: (req) => `listPullRequests ${repoRef(req)}${queryText(req, ['state', 'base', 'head'])}${pageSuffix(req)}`,
        handle: (req) => this.#listPullRequests(req),
      },
      {
        method: 'GET',
        pattern: re(`${pull}/commits`),
        describe: (req) => `listPullRequestCommits ${issueRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#withPull(req, (pr) => this.#paginate(req, this.#commitObjects(req, pr))),
      },
      {
        method: 'GET',
        pattern: re(issue),
        describe: (req) => `getIssue ${issueRef(req)}`,
        handle: (req) => this.#getIssue(req),
      },
      {
        method: 'GET',
        pattern: re(repo),
        describe: (req) => `getRepo ${repoRef(req)}`,
        handle: (req) => this.#getRepo(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/branches/([^/]+)/protection`),
        describe: (req) => `getBranchProtection ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#getBranchProtection(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/branches/([^/]+)`),
        describe: (req) => `getBranch ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#getBranch(req),
      },
      {
        method: 'PATCH',
        pattern: re(issue),
        describe: (req) => `updateIssue ${issueRef(req)} ${JSON.stringify(req.body ?? {})}`,
        handle: (req) => this.#updateIssue(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/milestones`),
        describe: (req) => `listMilestones ${repoRef(req)}${queryText(req, ['state'])}${pageSuffix(req)}`,
        handle: (req) => this.#listMilestones(req),
      },
      {
        method: 'GET',
        pattern: re('/search/issues'),
        describe: (req) => `searchIssues ${JSON.stringify(req.query.get('q') ?? '')}${pageSuffix(req)}`,
        handle: (req) => this.#searchIssues(req),
      },
      {
        method: 'POST',
        pattern: re(`${repo}/statuses/([^/]+)`),
        describe: (req) => `createStatus ${repoRef(req)}@${req.params[2] ?? ''} ${statusText(req.body)}`,
        handle: (req) => this.#createStatus(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/commits/([^/]+)/status`),
        describe: (req) => `getCombinedStatus ${repoRef(req)}@${req.params[2] ?? ''}${pageSuffix(req)}`,
        handle: (req) => this.#combinedStatus(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/git/ref/(.+)`),
        describe: (req) => `getRef ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#getRef(req),
      },
      {
        method: 'DELETE',
        pattern: re(`${repo}/git/refs/(.+)`),
        describe: (req) => `deleteRef ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#deleteRef(req),
      },
      {
        method: 'GET',
        pattern: re(pull),
        describe: (req) => `getPullRequest ${issueRef(req)}`,
        handle: (req) => this.#withPull(req, () => ({ status: 200, json: this.#pullObject(req) })),
      },
      {
        method: 'GET',
        pattern: re(`${pull}/reviews`),
        describe: (req) => `listReviews ${issueRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, this.#reviewObjects(req)),
      },
      {
        method: 'POST',
        pattern: re(`${pull}/requested_reviewers`),
        describe: (req) => `requestReviewers ${issueRef(req)} ${reviewRequestText(req.body)}`,
        handle: (req) => this.#withPull(req, () => this.#requestReviewers(req)),
      },
      {
        method: 'DELETE',
        pattern: re(`${pull}/requested_reviewers`),
        describe: (req) => `removeRequestedReviewers ${issueRef(req)} ${reviewRequestText(req.body)}`,
        handle: (req) => this.#withPull(req, () => this.#removeRequestedReviewers(req)),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/contents(?:/(.*))?`),
        describe: (req) => `getContent ${repoRef(req)}@${contentRef(req)} ${contentPath(req)}${rawSuffix(req)}`,
        handle: (req) => this.#getContent(req),
      },
      {
        method: 'POST',
        pattern: re('/graphql'),
        describe: (req) => `graphql ${graphqlSummary(req.body)}`,
        handle: (req) => this.#graphql(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/git/commits/([^/]+)`),
        describe: (req) => `getCommit ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#getCommit(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/git/trees/([^/]+)`),
        describe: (req) => `getTree ${repoRef(req)} ${req.params[2] ?? ''}${req.query.get('recursive') ? ' (recursive)' : ''}`,
        handle: (req) => this.#getTree(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/git/blobs/([^/]+)`),
        describe: (req) => `getBlob ${repoRef(req)} ${req.params[2] ?? ''}${rawSuffix(req)}`,
        handle: (req) => this.#getBlob(req),
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
        pattern: re(`${repo}/issues/comments/(\\d+)`),
        describe: (req) => `getComment ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#withComment(req, (c) => ({ status: 200, json: this.#commentObject(req, c) })),
      },
      {
        method: 'PATCH',
        pattern: re(`${repo}/issues/comments/(\\d+)`),
        describe: (req) => `updateComment ${repoRef(req)} ${req.params[2] ?? ''} ${commentBody(req.body) ?? ''}`,
        handle: (req) => this.#withComment(req, (c) => this.#updateComment(req, c)),
      },
      {
        method: 'DELETE',
        pattern: re(`${repo}/issues/comments/(\\d+)`),
        describe: (req) => `deleteComment ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#withComment(req, (c) => this.#deleteComment(req, c)),
      },
      {
        method: 'POST',
        pattern: re(`${issue}/assignees`),
        describe: (req) => `addAssignees ${issueRef(req)} ${list(loginList(req.body, 'assignees'))}`,
        handle: (req) => this.#addAssignees(req),
      },
      {
        method: 'DELETE',
        pattern: re(`${issue}/assignees`),
        describe: (req) => `removeAssignees ${issueRef(req)} ${list(loginList(req.body, 'assignees'))}`,
        handle: (req) => this.#removeAssignees(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/collaborators`),
        describe: (req) => `listCollaborators ${repoRef(req)}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, this.#collaboratorObjects(req)),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/collaborators/([^/]+)/permission`),
        describe: (req) => `getCollaboratorPermission ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#permission(req),
      },
      {
        method: 'GET',
        pattern: re(`${org}/members/([^/]+)`),
        describe: (req) => `checkMembership ${req.params[0] ?? ''} ${req.params[1] ?? ''}`,
        handle: (req) => this.#checkMembership(req),
      },
      {
        method: 'GET',
        pattern: re(`${org}/public_members/([^/]+)`),
        describe: (req) => `checkPublicMembership ${req.params[0] ?? ''} ${req.params[1] ?? ''}`,
        handle: (req) => (this.#orgMembers.get(lower(req.params[0]))?.get(lower(req.params[1])) === true ? { status: 204 } : notFound()),
      },
      {
        method: 'GET',
        pattern: re(`${org}/teams`),
        describe: (req) => `listTeams ${req.params[0] ?? ''}${pageSuffix(req)}`,
        handle: (req) => this.#paginate(req, (this.#teams.get(lower(req.params[0])) ?? []).map((t) => this.#teamObject(req.params[0] ?? '', t))),
      },
      {
        method: 'GET',
        pattern: re(`${org}/teams/([^/]+)/memberships/([^/]+)`),
        describe: (req) => `getTeamMembership ${req.params[0] ?? ''}/${req.params[1] ?? ''} ${req.params[2] ?? ''}`,
        handle: (req) => this.#teamMembership(req),
      },
      {
        method: 'POST',
        pattern: re(`${repo}/actions/workflows/([^/]+)/dispatches`),
        describe: (req) => `createWorkflowDispatch ${repoRef(req)} ${req.params[2] ?? ''}@${isObject(req.body) ? String(req.body['ref']) : ''}`,
        handle: (req) => this.#dispatch(req),
      },
      {
        method: 'GET',
        pattern: re(`${repo}/actions/workflows/([^/]+)/runs`),
        describe: (req) => `listWorkflowRuns ${repoRef(req)} ${req.params[2] ?? ''}${queryText(req, ['event', 'branch', 'status', 'created'])}${pageSuffix(req)}`,
        handle: (req) => this.#listRuns(req),
      },
      {
        method: 'POST',
        pattern: re(`${repo}/actions/runs/(\\d+)/cancel`),
        describe: (req) => `cancelWorkflowRun ${repoRef(req)} ${req.params[2] ?? ''}`,
        handle: (req) => this.#cancelRun(req),
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
          const other = (limit: number, used = 0) => ({ limit, used, remaining: Math.max(0, limit - used), reset: this.#rateLimitReset });
          return { status: 200, json: { resources: { core, search: other(searchRateLimit, this.#searchUsed), graphql: other(5000) }, rate: core } };
        },
      },
    ];
  }

  // ---- labels ------------------------------------------------------------------------------

  #addLabels(req: Req): Reply {
    const names = labelNames(req.body);
    if (!names) {
      return { status: 422, json: { message: `Invalid request.\n\n"labels" wasn't supplied.`, documentation_url: docs } };
    }
    const key = issueKey(repoRef(req), issueNumber(req));
    this.#labels.set(key, dedupeLabels([...(this.#labels.get(key) ?? []), ...names]));
    // GitHub creates a label the repository does not have yet.
    const repoKey = checkRepo(repoRef(req));
    const known = this.#repoLabels.get(repoKey) ?? [];
    const created = names.filter((n) => !known.some((l) => sameLabel(l.name, n))).map((name) => ({ name, color: 'ededed', description: '' }));
    if (created.length > 0) this.#repoLabels.set(repoKey, [...known, ...dedupeBy(created, (l) => l.name.toLowerCase())]);
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

  /** The labels of the issue in `req`. */
  #labelObjects(req: Req): object[] {
    const known = this.#repoLabels.get(checkRepo(repoRef(req))) ?? [];
    return (this.#labels.get(issueKey(repoRef(req), issueNumber(req))) ?? []).map((name) =>
      this.#labelObject(req, known.find((l) => sameLabel(l.name, name)) ?? { name, color: 'ededed', description: '' }),
    );
  }

  #labelObject(req: Req, label: Required<RepoLabelSeed>): object {
    const [owner = '', repo = ''] = req.params;
    const id = this.#labelId(label.name);
    return {
      id,
      node_id: `LA_fake${id}`,
      url: `${this.url}/repos/${owner}/${repo}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description === '' ? null : label.description,
    };
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

  // ---- pull requests and code --------------------------------------------------------------

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
        changes: c.changes ?? c.additions + c.deletions,
        blob_url: `https://github.com/${owner}/${repo}/blob/${sha}/${c.filename}`,
        raw_url: `https://github.com/${owner}/${repo}/raw/${sha}/${c.filename}`,
        contents_url: `${this.url}/repos/${owner}/${repo}/contents/${c.filename}?ref=${sha}`,
        ...(c.previousFilename === undefined ? {} : { previous_filename: c.previousFilename }),
      };
    });
  }

  /** Answers 404 for a pull request that was never seeded. */
  #withPull(req: Req, handle: (pr: PullState) => Reply): Reply {
    const pr = this.#pulls.get(issueKey(repoRef(req), issueNumber(req)));
    return pr ? handle(pr) : notFound(`${docs}/pulls/pulls#get-a-pull-request`);
  }

  #pullObject(req: Req): object {
    const [owner = '', repo = '', n = ''] = req.params;
    const key = issueKey(repoRef(req), issueNumber(req));
    const pr = this.#pulls.get(key);
    if (!pr) throw new Error(`no pull request ${key}`);
    const assignees = (this.#assignees.get(key) ?? []).map((l) => this.#userObject(l));
    const requested = this.#requested.get(key) ?? { users: [], teams: [] };
    const teams = this.#teams.get(owner.toLowerCase()) ?? [];
    const branch = (b: { ref: string; sha: string }) => ({
      label: `${owner}:${b.ref}`,
      ref: b.ref,
      sha: b.sha,
      user: this.#userObject(owner, 'Organization'),
      repo: {
        name: repo,
        full_name: `${owner}/${repo}`,
        private: this.#private.has(checkRepo(repoRef(req))),
        owner: this.#userObject(owner, 'Organization'),
        clone_url: this.#cloneUrls.get(checkRepo(repoRef(req))) ?? `https://github.com/${owner}/${repo}.git`,
      },
    });
    return {
      url: `${this.url}/repos/${owner}/${repo}/pulls/${n}`,
      id: this.#userId(`pr\0${key}`),
      node_id: `PR_fake${n}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${n}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${n}`,
      number: issueNumber(req),
      state: pr.state,
      locked: false,
      title: pr.title,
      user: this.#userObject(pr.author, pr.authorType),
      body: pr.body === '' ? null : pr.body,
      labels: this.#labelObjects(req),
      assignee: assignees[0] ?? null,
      assignees,
      requested_reviewers: requested.users.map((l) => this.#userObject(l)),
      requested_teams: requested.teams.map((slug) => {
        const team = teams.find((t) => t.slug === slug) ?? { id: 0, name: slug, slug, members: [], pending: [] };
        return this.#teamObject(owner, team);
      }),
      head: branch(pr.head),
      base: branch(pr.base),
      milestone: this.#milestoneObject(req, pr.milestone),
      draft: pr.draft,
      merged: pr.merged,
      merged_at: pr.merged ? pr.createdAt : null,
      closed_at: pr.state === 'closed' ? pr.createdAt : null,
      mergeable: pr.mergeable,
      mergeable_state: pr.mergeableState ?? (pr.draft ? 'draft' : 'clean'),
      created_at: pr.createdAt,
      updated_at: pr.createdAt,
      author_association: 'CONTRIBUTOR',
    };
  }

  #reviewObjects(req: Req): object[] {
    const [owner = '', repo = '', n = ''] = req.params;
    return (this.#reviews.get(issueKey(repoRef(req), issueNumber(req))) ?? []).map((r) => ({
      id: r.id,
      node_id: `PRR_fake${r.id}`,
      user: this.#userObject(r.user, r.userType),
      body: r.body,
      state: r.state,
      html_url: `https://github.com/${owner}/${repo}/pull/${n}#pullrequestreview-${r.id}`,
      pull_request_url: `${this.url}/repos/${owner}/${repo}/pulls/${n}`,
      // A pending review has not been submitted.
      ...(r.state === 'PENDING' ? {} : { submitted_at: r.submittedAt }),
      commit_id: r.commitId,
      author_association: 'CONTRIBUTOR',
    }));
  }

  /**
   * All or nothing, as GitHub: one reviewer who is not a collaborator (or a team the organization
   * does not have) refuses the whole request with 422.
   */
  #requestReviewers(req: Req): Reply {
    const key = issueKey(repoRef(req), issueNumber(req));
    const users = loginList(req.body, 'reviewers') ?? [];
    const teams = loginList(req.body, 'team_reviewers') ?? [];
    const pr = this.#pulls.get(key);
    if (pr && users.some((u) => sameLogin(u, pr.author))) {
      return unprocessable('Review cannot be requested from pull request author.', `${docs}/pulls/review-requests#request-reviewers-for-a-pull-request`);
    }
    const roles = this.#roles.get(checkRepo(repoRef(req)));
    const orgTeams = this.#teams.get(lower(req.params[0])) ?? [];
    const collaborator = (login: string) => (roleRank[roles?.get(login.toLowerCase()) ?? 'none'] ?? 1) > 0;
    if (!users.every(collaborator) || !teams.every((slug) => orgTeams.some((t) => t.slug === slug))) {
      return unprocessable(
        `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repoRef(req)} repository.`,
        `${docs}/pulls/review-requests#request-reviewers-for-a-pull-request`,
      );
    }
    const current = this.#requested.get(key) ?? { users: [], teams: [] };
    this.#requested.set(key, { users: dedupeLogins([...current.users, ...users]), teams: dedupeLogins([...current.teams, ...teams]) });
    return { status: 201, json: this.#pullObject(req), writes: [`requestReviewers ${issueRef(req)} ${reviewRequestText(req.body)}`] };
  }

  #removeRequestedReviewers(req: Req): Reply {
    const key = issueKey(repoRef(req), issueNumber(req));
    const users = loginList(req.body, 'reviewers');
    if (users === undefined) return unprocessable(`Invalid request.\n\n"reviewers" wasn't supplied.`, docs);
    const teams = loginList(req.body, 'team_reviewers') ?? [];
    const current = this.#requested.get(key) ?? { users: [], teams: [] };
    this.#requested.set(key, {
      users: current.users.filter((u) => !users.some((r) => sameLogin(u, r))),
      teams: current.teams.filter((t) => !teams.some((r) => sameLogin(t, r))),
    });
    return { status: 200, json: this.#pullObject(req), writes: [`removeReviewRequests ${issueRef(req)} ${reviewRequestText(req.body)}`] };
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
      const dir = gitTree(tree).get(path);
      if (!dir || dir.entries.length === 0) return notFound(`${docs}/repos/contents#get-repository-content`);
      const entries = dir.entries.map((e) => {
        const p = path === '' ? e.name : `${path}/${e.name}`;
        const type = e.type === 'blob' ? 'file' : 'dir';
        return { type, size: e.size ?? 0, name: e.name, path: p, sha: e.sha, ...links(p, type, e.sha) };
      });
      tag = `dir\0${JSON.stringify(entries)}`;
      body = { json: entries };
    }

    const etag = `"${sha1(tag)}"`;
    const headers = { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization' };
    if (ifNoneMatch(req.headers['if-none-match'], etag)) return { status: 304, headers };
    return { status: 200, headers, ...body };
  }

  /** The file trees of a repository, by ref, each with its directories' git SHAs. */
  #gitTrees(repo: string): Map<string, GitDir>[] {
    const prefix = `${checkRepo(repo)}@`;
    return [...this.#trees].filter(([key]) => key.startsWith(prefix)).map(([, files]) => gitTree(files));
  }

  /**
   * `tree_sha` is a ref or a tree's SHA (https://docs.github.com/en/rest/git/trees#get-a-tree);
   * `recursive` (any value) lists everything below, directories before their contents.
   */
  #getTree(req: Req): Reply {
    const [owner = '', repo = '', name = ''] = req.params;
    const named = this.#trees.get(treeKey(repoRef(req), name));
    let dirs: Map<string, GitDir> | undefined;
    let path = '';
    if (named) dirs = gitTree(named);
    else {
      for (const candidate of this.#gitTrees(repoRef(req))) {
        const found = [...candidate].find(([, d]) => d.sha === name);
        if (found) {
          dirs = candidate;
          path = found[0];
          break;
        }
      }
    }
    // A name that was never set is an empty tree, as in the contents route.
    dirs ??= gitTree(new Map());
    const root = dirs.get(path) ?? { sha: emptyTreeSha, entries: [] };
    const recursive = req.query.has('recursive');
    const entries: object[] = [];
    const walk = (dir: GitDir, at: string) => {
      for (const e of dir.entries) {
        const p = at === '' ? e.name : `${at}/${e.name}`;
        const url = `${this.url}/repos/${owner}/${repo}/git/${e.type === 'blob' ? 'blobs' : 'trees'}/${e.sha}`;
        entries.push({ path: p, mode: e.mode, type: e.type, sha: e.sha, ...(e.size === undefined ? {} : { size: e.size }), url });
        const full = path === '' ? p : `${path}/${p}`;
        const sub = dirs.get(full);
        if (recursive && e.type === 'tree' && sub) walk(sub, p);
      }
    };
    walk(root, '');
    return { status: 200, json: { sha: root.sha, url: `${this.url}/repos/${owner}/${repo}/git/trees/${root.sha}`, tree: entries, truncated: false } };
  }

  /**
   * A commit is one of the names given to `setFile` (or any name: an empty tree, as the other
   * git routes answer); its tree is that name's root tree
   * (https://docs.github.com/en/rest/git/commits#get-a-commit-object).
   */
  #getCommit(req: Req): Reply {
    const [owner = '', repo = '', sha = ''] = req.params;
    const named = this.#trees.get(treeKey(repoRef(req), sha));
    const root = gitTree(named ?? new Map()).get('') ?? { sha: emptyTreeSha, entries: [] };
    const url = `${this.url}/repos/${owner}/${repo}/git`;
    return { status: 200, json: { sha, url: `${url}/commits/${sha}`, tree: { sha: root.sha, url: `${url}/trees/${root.sha}` }, message: 'fake commit', parents: [] } };
  }

  /** The blob with this SHA in any tree of `repo` (`owner/repo`, lower-cased as trees are keyed). */
  #blobText(repo: string, sha: string): string | undefined {
    const prefix = `${checkRepo(repo)}@`;
    for (const [key, files] of this.#trees) {
      if (!key.startsWith(prefix)) continue;
      const text = [...files.values()].find((t) => blobSha(t) === sha);
      if (text !== undefined) return text;
    }
    return undefined;
  }

  /**
   * The one GraphQL query Skiff sends: blobs by SHA, `bN: object(oid: $oN) { ... on Blob { text
   * isBinary } }` inside `repository(owner: $owner, name: $name)`. Anything else is answered as
   * GitHub answers a query it cannot run: 200 with `errors`.
   */
  #graphql(req: Req): Reply {
    const body = (req.body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    const query = typeof body.query === 'string' ? body.query : '';
    const variables = body.variables ?? {};
    const mutation = mutationOf(query);
    if (mutation) return this.#mutate(mutation, isObject(variables.input) ? variables.input : {});
    const fields = [...query.matchAll(/(\w+): object\(oid: \$(\w+)\) \{ \.\.\. on Blob \{ text isBinary \} \}/g)];
    if (!/repository\(owner: \$owner, name: \$name\)/.test(query) || !fields.length) {
      return { status: 200, json: { errors: [{ type: 'UNSUPPORTED', message: 'the fake GitHub answers only blob queries' }] } };
    }
    const repo = `${String(variables.owner)}/${String(variables.name)}`;
    const repository: Record<string, unknown> = {};
    for (const [, alias = '', variable = ''] of fields) {
      const text = this.#blobText(repo, String(variables[variable]));
      repository[alias] = text === undefined ? null : { text, isBinary: false };
    }
    return { status: 200, json: { data: { repository } } };
  }

  // ---- repositories, branches, and the issue mutations ------------------------------------

  #repoState(repo: string): Required<RepoSeed> {
    return this.#repos.get(checkRepo(repo)) ?? { exists: true, defaultBranch, archived: false };
  }

  /** A name GitHub could give a repository: anything else is no repository (404), not a fake failure. */
  #repoExists(repo: string): boolean {
    return /^[\w.-]+\/[\w.-]+$/.test(repo) && this.#repoState(repo).exists;
  }

  #getRepo(req: Req): Reply {
    const [owner = '', name = ''] = req.params;
    const full = repoRef(req);
    if (!this.#repoExists(full)) return notFound(`${docs}/repos/repos#get-a-repository`);
    const state = this.#repoState(full);
    const isPrivate = this.#private.has(checkRepo(full));
    return {
      status: 200,
      json: {
        id: this.#userId(`repo\0${checkRepo(full)}`),
        node_id: nodeId('R', full),
        name,
        full_name: full,
        owner: this.#userObject(owner, 'Organization'),
        private: isPrivate,
        visibility: isPrivate ? 'private' : 'public',
        archived: state.archived,
        default_branch: state.defaultBranch,
        html_url: `https://github.com/${full}`,
        url: `${this.url}/repos/${full}`,
      },
    };
  }

  /**
   * See the header: the SHA `setBranchSha` gave the branch, else its last seeded pull request's
   * base, else one made from its files now; it names a snapshot of the files. `undefined`: no
   * such branch.
   */
  #branchHead(full: string, branch: string): string | undefined {
    const files = this.#trees.get(treeKey(full, branch));
    const known = branch === this.#repoState(full).defaultBranch || this.#branches.get(checkRepo(full))?.has(branch) || files !== undefined;
    if (!this.#repoExists(full) || !known) return undefined;
    const key = `${checkRepo(full)}:${branch}`;
    const sha = this.#heads.get(key) ?? this.#pullBases.get(key) ?? sha1(`commit\0${checkRepo(full)}@${branch}\0${gitTree(files ?? new Map()).get('')?.sha ?? emptyTreeSha}`);
    if (!this.#trees.has(treeKey(full, sha))) this.#trees.set(treeKey(full, sha), new Map(files ?? []));
    return sha;
  }

  #getBranch(req: Req): Reply {
    const full = repoRef(req);
    const branch = req.params[2] ?? '';
    const sha = this.#branchHead(full, branch);
    if (sha === undefined) return notFound(`${docs}/branches/branches#get-a-branch`);
    return {
      status: 200,
      json: { name: branch, commit: { sha, url: `${this.url}/repos/${full}/commits/${sha}` }, protected: false },
    };
  }

  /** https://docs.github.com/en/rest/git/refs#get-a-reference: branches only; any other ref is a 404, as a ref that does not exist is on GitHub. */
  #getRef(req: Req): Reply {
    const full = repoRef(req);
    const ref = req.params[2] ?? '';
    const sha = ref.startsWith('heads/') ? this.#branchHead(full, ref.slice('heads/'.length)) : undefined;
    if (sha === undefined) return notFound(`${docs}/git/refs#get-a-reference`);
    return {
      status: 200,
      json: {
        ref: `refs/${ref}`,
        node_id: `REF_${Buffer.from(`${full}:${ref}`).toString('base64url')}`,
        url: `${this.url}/repos/${full}/git/refs/${ref}`,
        object: { type: 'commit', sha, url: `${this.url}/repos/${full}/git/commits/${sha}` },
      },
    };
  }

  /** https://docs.github.com/en/rest/branches/branch-protection#get-branch-protection: 404 "Branch not protected" for one that is not. */
  #getBranchProtection(req: Req): Reply {
    const full = repoRef(req);
    const branch = req.params[2] ?? '';
    const key = `${checkRepo(full)}:${branch}`;
    const protectionDocs = `${docs}/branches/branch-protection#get-branch-protection`;
    if (!this.#repoExists(full) || !this.#protection.has(key)) return { status: 404, json: { message: 'Branch not protected', documentation_url: protectionDocs, status: '404' } };
    const contexts = this.#protection.get(key);
    const url = `${this.url}/repos/${full}/branches/${encodeURIComponent(branch)}/protection`;
    return {
      status: 200,
      json: {
        url,
        ...(contexts === undefined
          ? {}
          : {
              required_status_checks: {
                url: `${url}/required_status_checks`,
                strict: false,
                contexts,
                checks: contexts.map((context) => ({ context, app_id: null })),
              },
            }),
      },
    };
  }

  #getIssue(req: Req): Reply {
    const key = issueKey(repoRef(req), issueNumber(req));
    if (!this.#repoState(repoRef(req)).exists) return notFound(`${docs}/issues/issues#get-an-issue`);
    if (this.#deleted.has(key)) return { status: 410, json: { message: 'This issue was deleted', documentation_url: `${docs}/issues/issues#get-an-issue` } };
    const moved = this.#moved.get(key);
    if (moved) {
      const [to = '', number = ''] = moved.split('#');
      return { status: 301, headers: { location: `${this.url}/repos/${to}/issues/${number}` }, json: { message: 'Moved Permanently', url: `${this.url}/repos/${to}/issues/${number}`, documentation_url: docs } };
    }
    return { status: 200, json: this.#issueObject(req) };
  }

  /** The issue a node id names, where it is now (following transfers), or why not. */
  #issueByNode(id: unknown): { ref: string; key: string } | { error: string } {
    const named = parseNodeId(id);
    const unresolved = { error: `Could not resolve to an Issue with the global id of '${String(id)}'.` };
    if (!named || named.kind !== 'I') return unresolved;
    let ref = named.name;
    for (let hops = 0; hops < 20 && this.#moved.has(keyOfRef(ref)); hops++) ref = this.#moved.get(keyOfRef(ref))!;
    const key = keyOfRef(ref);
    if (!this.#repoExists(repoOfRef(ref)) || this.#deleted.has(key) || this.#pulls.has(key)) return unresolved;
    return { ref, key };
  }

  #mutate(name: Mutation, input: Record<string, unknown>): Reply {
    const refused = (type: string, message: string): Reply => ({ status: 200, json: { data: { [name]: null }, errors: [{ type, path: [name], message }] } });
    const found = this.#issueByNode(input['issueId']);
    if ('error' in found) return refused('NOT_FOUND', found.error);
    const from = repoOfRef(found.ref);
    if (name === 'pinIssue' || name === 'unpinIssue') {
      if (name === 'pinIssue' && !this.#pinned.has(found.key) && this.pinnedOf(from).length >= 3) {
        return refused('UNPROCESSABLE', `the fake GitHub pins at most 3 issues per repository, as GitHub does; ${from} has 3`);
      }
      if (name === 'pinIssue') this.#pinned.add(found.key);
      else this.#pinned.delete(found.key);
      return { status: 200, json: { data: { [name]: { issue: { id: nodeId('I', found.ref) } } } }, writes: [`${name} ${found.ref}`] };
    }
    const target = parseNodeId(input['repositoryId']);
    if (!target || target.kind !== 'R' || !this.#repoExists(target.name)) {
      return refused('NOT_FOUND', `Could not resolve to a Repository with the global id of '${String(input['repositoryId'])}'.`);
    }
    const to = target.name;
    if (lower(to.split('/')[0]) !== lower(from.split('/')[0])) {
      return refused('UNPROCESSABLE', `the fake GitHub transfers issues between repositories of one owner only, as GitHub does; ${from} and ${to} differ`);
    }
    if (this.#private.has(checkRepo(from)) && !this.#private.has(checkRepo(to))) {
      return refused('UNPROCESSABLE', "You can't transfer an issue from a private repository to a public repository.");
    }
    if (this.#repoState(to).archived) return refused('UNPROCESSABLE', `${to} is archived and cannot receive issues.`);
    if (checkRepo(to) === checkRepo(from)) {
      return { status: 200, json: { data: { transferIssue: { issue: { url: `https://github.com/${found.ref.replace('#', '/issues/')}` } } } }, writes: [`transferIssue ${found.ref} to ${to}`] };
    }
    const number = this.#nextNumber(to);
    const newRef = `${to}#${number}`;
    const newKey = issueKey(to, number);
    // The milestone stays behind: milestones belong to a repository.
    const item = this.#issues.get(found.key) ?? defaultIssue(Number(found.ref.slice(found.ref.lastIndexOf('#') + 1)));
    this.#issues.set(newKey, { ...item, milestone: undefined });
    this.#issues.delete(found.key);
    this.#comments.set(newKey, (this.#comments.get(found.key) ?? []).map((c) => ({ ...c, number })));
    this.#comments.delete(found.key);
    const destinationLabels = this.#repoLabels.get(checkRepo(to)) ?? [];
    this.#labels.set(newKey, (this.#labels.get(found.key) ?? []).filter((l) => destinationLabels.some((d) => sameLabel(d.name, l))));
    this.#labels.delete(found.key);
    this.#assignees.set(newKey, this.#assignees.get(found.key) ?? []);
    this.#assignees.delete(found.key);
    this.#pinned.delete(found.key);
    this.#moved.set(found.key, newRef);
    this.#nameRepo(to);
    return {
      status: 200,
      json: { data: { transferIssue: { issue: { url: `https://github.com/${to}/issues/${number}` } } } },
      writes: [`transferIssue ${found.ref} to ${to}`],
    };
  }

  /** The number GitHub would give the next issue or pull request of `repo`. */
  #nextNumber(repo: string): number {
    const prefix = `${checkRepo(repo)}#`;
    let max = 0;
    for (const key of [...this.#issues.keys(), ...this.#pulls.keys(), ...this.#moved.keys()]) {
      if (key.startsWith(prefix)) max = Math.max(max, Number(key.slice(prefix.length)));
    }
    return max + 1;
  }

  #getBlob(req: Req): Reply {
    const [owner = '', repo = '', sha = ''] = req.params;
    const text = this.#blobText(repoRef(req), sha);
    if (text === undefined) return notFound(`${docs}/git/blobs#get-a-blob`);
    if (wantsRaw(req)) return { status: 200, raw: text };
    return {
      status: 200,
      json: {
        sha,
        node_id: `B_fake${sha.slice(0, 8)}`,
        size: Buffer.byteLength(text),
        url: `${this.url}/repos/${owner}/${repo}/git/blobs/${sha}`,
        content: wrapBase64(Buffer.from(text).toString('base64')),
        encoding: 'base64',
      },
    };
  }

  // ---- comments ----------------------------------------------------------------------------

  #createComment(req: Req): Reply {
    const body = commentBody(req.body);
    if (body === undefined) {
      return { status: 422, json: { message: `Invalid request.\n\n"body" wasn't supplied.`, documentation_url: docs } };
    }
    const key = issueKey(repoRef(req), issueNumber(req));
    const at = githubTime(new Date());
    const comment: Comment = { id: this.#nextId++, number: issueNumber(req), body, user: this.#botLogin, userType: 'User', createdAt: at, updatedAt: at };
    this.#comments.set(key, [...(this.#comments.get(key) ?? []), comment]);
    return { status: 201, json: this.#commentObject(req, comment), writes: [`createComment ${issueRef(req)} ${body}`] };
  }

  #commentObjects(req: Req): object[] {
    return (this.#comments.get(issueKey(repoRef(req), issueNumber(req))) ?? []).map((c) => this.#commentObject(req, c));
  }

  /** Finds the comment with the id in `req.params[2]` in the repository, or answers 404. */
  #withComment(req: Req, handle: (c: Comment, key: string) => Reply): Reply {
    const prefix = `${checkRepo(repoRef(req))}#`;
    const id = Number(req.params[2]);
    for (const [key, comments] of this.#comments) {
      if (!key.startsWith(prefix)) continue;
      const found = comments.find((c) => c.id === id);
      if (found) return handle(found, key);
    }
    return notFound(`${docs}/issues/comments#get-an-issue-comment`);
  }

  #updateComment(req: Req, c: Comment): Reply {
    const body = commentBody(req.body);
    if (body === undefined) return unprocessable(`Invalid request.\n\n"body" wasn't supplied.`, docs);
    c.body = body;
    c.updatedAt = githubTime(new Date());
    return { status: 200, json: this.#commentObject(req, c), writes: [`editComment ${repoRef(req)} ${c.id} ${body}`] };
  }

  #deleteComment(req: Req, c: Comment): Reply {
    const key = issueKey(repoRef(req), c.number);
    this.#comments.set(key, (this.#comments.get(key) ?? []).filter((x) => x !== c));
    return { status: 204, writes: [`deleteComment ${repoRef(req)} ${c.id}`] };
  }

  #commentObject(req: Req, c: Comment): object {
    const [owner = '', repo = ''] = req.params;
    return {
      id: c.id,
      node_id: `IC_fake${c.id}`,
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${owner}/${repo}/issues/${c.number}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${c.number}`,
      body: c.body,
      user: c.user === this.#botLogin ? this.#user() : this.#userObject(c.user, c.userType),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: 'NONE',
    };
  }

  // ---- assignees ---------------------------------------------------------------------------

  /** GitHub leaves out, silently, anyone who cannot be assigned, and stops at 10 assignees. */
  #addAssignees(req: Req): Reply {
    const logins = loginList(req.body, 'assignees');
    if (logins === undefined) return unprocessable(`Invalid request.\n\n"assignees" wasn't supplied.`, docs);
    const key = issueKey(repoRef(req), issueNumber(req));
    const assignable = logins.filter((l) => (roleRank[this.#roleOf(repoRef(req), l)] ?? 1) >= (roleRank['triage'] ?? 2));
    this.#assignees.set(key, dedupeLogins([...(this.#assignees.get(key) ?? []), ...assignable]).slice(0, maxAssignees));
    return { status: 201, json: this.#issueObject(req), writes: [`addAssignees ${issueRef(req)} ${list(logins)}`] };
  }

  /** Removing someone who is not assigned changes nothing, and is no error. */
  #removeAssignees(req: Req): Reply {
    const logins = loginList(req.body, 'assignees');
    if (logins === undefined) return unprocessable(`Invalid request.\n\n"assignees" wasn't supplied.`, docs);
    const key = issueKey(repoRef(req), issueNumber(req));
    this.#assignees.set(key, (this.#assignees.get(key) ?? []).filter((a) => !logins.some((l) => sameLogin(a, l))));
    return { status: 200, json: this.#issueObject(req), writes: [`removeAssignees ${issueRef(req)} ${list(logins)}`] };
  }

  /** The issue fields of a pull request, a seeded issue, or an issue never seeded. */
  #itemOf(key: string): PullState | IssueState {
    return this.#pulls.get(key) ?? this.#issues.get(key) ?? defaultIssue(Number(key.slice(key.lastIndexOf('#') + 1)));
  }

  #issueObject(req: Req): object {
    const [owner = '', repo = '', n = ''] = req.params;
    const key = issueKey(repoRef(req), issueNumber(req));
    const pr = this.#pulls.get(key);
    const item = this.#itemOf(key);
    const assignees = (this.#assignees.get(key) ?? []).map((l) => this.#userObject(l));
    return {
      id: this.#userId(`issue\0${key}`),
      node_id: nodeId(pr ? 'PR' : 'I', `${owner}/${repo}#${n}`),
      url: `${this.url}/repos/${owner}/${repo}/issues/${n}`,
      repository_url: `${this.url}/repos/${owner}/${repo}`,
      html_url: `https://github.com/${owner}/${repo}/${pr ? 'pull' : 'issues'}/${n}`,
      number: issueNumber(req),
      state: item.state,
      state_reason: item.stateReason,
      title: item.title,
      body: item.body === '' ? null : item.body,
      user: this.#userObject(item.author, item.authorType),
      labels: this.#labelObjects(req),
      assignee: assignees[0] ?? null,
      assignees,
      milestone: this.#milestoneObject(req, item.milestone),
      comments: (this.#comments.get(key) ?? []).length,
      created_at: item.createdAt,
      updated_at: item.createdAt,
      closed_at: item.state === 'closed' ? item.createdAt : null,
      author_association: 'CONTRIBUTOR',
      ...(pr ? { pull_request: { url: `${this.url}/repos/${owner}/${repo}/pulls/${n}`, html_url: `https://github.com/${owner}/${repo}/pull/${n}` } } : {}),
    };
  }

  // ---- issues, milestones and search ------------------------------------------------------

  /**
   * `PATCH issues/{n}`, for issues and pull requests alike: `title`, `state`, `state_reason` and
   * `milestone` (a number, or null to clear), each only when sent
   * (https://docs.github.com/en/rest/issues/issues#update-an-issue). A milestone the repository
   * does not have, or a state or reason GitHub does not know, is GitHub's 422.
   */
  #updateIssue(req: Req): Reply {
    if (!isObject(req.body)) return unprocessable(`Invalid request.\n\nFor 'links/0/schema', nil is not an object.`, `${docs}/issues/issues#update-an-issue`);
    const body = req.body;
    const key = issueKey(repoRef(req), issueNumber(req));
    const invalid = (field: string) => validationFailed('Issue', field, `${docs}/issues/issues#update-an-issue`);
    if (body['title'] !== undefined && (typeof body['title'] !== 'string' || body['title'].trim() === '')) return invalid('title');
    if (body['state'] !== undefined && body['state'] !== 'open' && body['state'] !== 'closed') return invalid('state');
    if (body['state_reason'] !== undefined && body['state_reason'] !== null && !stateReasons.includes(String(body['state_reason']))) return invalid('state_reason');
    let milestone: number | undefined | null;
    if (body['milestone'] !== undefined) {
      if (body['milestone'] === null) milestone = null;
      else {
        const number = Number(body['milestone']);
        if (!(this.#milestones.get(checkRepo(repoRef(req))) ?? []).some((m) => m.number === number)) return invalid('milestone');
        milestone = number;
      }
    }
    const pr = this.#pulls.get(key);
    const item: PullState | IssueState = pr ?? this.#issues.get(key) ?? defaultIssue(issueNumber(req));
    if (!pr && !this.#issues.has(key)) this.#issues.set(key, item as IssueState);
    this.#nameRepo(repoRef(req));
    if (typeof body['title'] === 'string') item.title = body['title'];
    if (typeof body['body'] === 'string') item.body = body['body'];
    const state = body['state'] as 'open' | 'closed' | undefined;
    const reason = body['state_reason'] as string | null | undefined;
    if (state !== undefined && state !== item.state) {
      item.state = state;
      // GitHub says why on every change: `completed` unless told, `reopened` when reopened.
      item.stateReason = state === 'closed' ? (reason ?? 'completed') : 'reopened';
    } else if (reason !== undefined) item.stateReason = reason;
    if (milestone !== undefined) item.milestone = milestone ?? undefined;
    return { status: 200, json: this.#issueObject(req), writes: [`updateIssue ${issueRef(req)} ${updateText(body)}`] };
  }

  /** `state`: `open` (GitHub's default), `closed` or `all`. */
  #listMilestones(req: Req): Reply {
    const state = req.query.get('state') ?? 'open';
    const milestones = (this.#milestones.get(checkRepo(repoRef(req))) ?? []).filter((m) => state === 'all' || m.state === state);
    return this.#paginate(req, milestones.map((m) => this.#milestoneObject(req, m.number) ?? {}));
  }

  #milestoneObject(req: Req, number: number | undefined): object | null {
    const [owner = '', repo = ''] = req.params;
    const m = number === undefined ? undefined : this.#milestones.get(checkRepo(repoRef(req)))?.find((x) => x.number === number);
    if (!m) return null;
    const items = [...this.#pulls, ...this.#issues].filter(([key, item]) => key.startsWith(`${checkRepo(repoRef(req))}#`) && item.milestone === m.number);
    return {
      url: `${this.url}/repos/${owner}/${repo}/milestones/${m.number}`,
      html_url: `https://github.com/${owner}/${repo}/milestone/${m.number}`,
      id: this.#userId(`milestone\0${checkRepo(repoRef(req))}\0${m.number}`),
      node_id: `MI_fake${m.number}`,
      number: m.number,
      title: m.title,
      description: null,
      state: m.state,
      open_issues: items.filter(([, i]) => i.state === 'open').length,
      closed_issues: items.filter(([, i]) => i.state === 'closed').length,
      creator: this.#userObject('octocat'),
      due_on: null,
    };
  }

  /** A seed's milestone: a number it must have, or a title (a new milestone when none has it). */
  #seedMilestone(repo: string, milestone: number | string | null): number | undefined {
    if (milestone === null) return undefined;
    const milestones = this.#milestones.get(checkRepo(repo)) ?? [];
    if (typeof milestone === 'number') {
      if (!milestones.some((m) => m.number === milestone)) throw new Error(`fake GitHub: ${repo} has no milestone ${milestone}; setMilestones first, or seed it by title`);
      return milestone;
    }
    const found = milestones.find((m) => m.title === milestone);
    if (found) return found.number;
    const number = Math.max(0, ...milestones.map((m) => m.number)) + 1;
    this.#milestones.set(checkRepo(repo), [...milestones, { number, title: milestone, state: 'open' }]);
    return number;
  }

  /**
   * GitHub's issue search over the seeded issues and pull requests, most recent (highest number)
   * first, `total_count` for all of them and the page's `items`
   * (https://docs.github.com/en/search-github/searching-on-github/searching-issues-and-pull-requests).
   */
  #searchIssues(req: Req): Reply {
    const q = req.query.get('q') ?? '';
    const searchDocs = `${docs}/search/search#search-issues-and-pull-requests`;
    if (q.trim() === '') return validationFailed('Search', 'q', searchDocs);
    let match: (item: SearchItem) => boolean;
    try {
      match = searchMatcher(q);
    } catch (error) {
      return unprocessable(`Validation Failed: ${error instanceof Error ? error.message : String(error)}`, searchDocs);
    }
    const found: { req: Req; number: number }[] = [];
    for (const [key, item] of [...this.#pulls, ...this.#issues]) {
      const at = key.lastIndexOf('#');
      const repo = this.#repoNames.get(key.slice(0, at)) ?? key.slice(0, at);
      const number = Number(key.slice(at + 1));
      const pr = this.#pulls.get(key);
      const candidate: SearchItem = {
        repo,
        isPullRequest: pr !== undefined,
        state: item.state,
        merged: pr?.merged === true,
        author: item.author,
        labels: this.#labels.get(key) ?? [],
        text: `${item.title}\n${item.body}`,
        createdAt: item.createdAt,
      };
      const [owner = '', name = ''] = repo.split('/');
      if (match(candidate)) found.push({ req: { ...req, params: [owner, name, String(number)] }, number });
    }
    found.sort((a, b) => b.number - a.number);
    const page = this.#paginate(req, found.map((f) => ({ ...this.#issueObject(f.req), score: 1 })));
    return { ...page, json: { total_count: found.length, incomplete_results: false, items: page.json } };
  }

  // ---- pull requests: listing and commits ---------------------------------------------------

  /**
   * `state` (`open` by default, `closed`, `all`), `base` (a branch) and `head` (`owner:branch`),
   * newest first. The listing leaves out what GitHub computes per pull request: `merged`,
   * `mergeable`, `mergeable_state`.
   */
  #listPullRequests(req: Req): Reply {
    const state = req.query.get('state') ?? 'open';
    const base = req.query.get('base');
    const head = req.query.get('head');
    const prefix = `${checkRepo(repoRef(req))}#`;
    const [owner = '', repo = ''] = req.params;
    const items = [...this.#pulls]
      .filter(([key, pr]) => key.startsWith(prefix) && (state === 'all' || pr.state === state))
      .filter(([, pr]) => base === null || pr.base.ref === base)
      .filter(([, pr]) => head === null || pr.head.ref === head.slice(head.indexOf(':') + 1))
      .map(([key]) => Number(key.slice(prefix.length)))
      .sort((a, b) => b - a)
      .map((number) => {
        const { merged: _merged, mergeable: _mergeable, mergeable_state: _state, ...listed } = this.#pullObject({ ...req, params: [owner, repo, String(number)] }) as Record<string, unknown>;
        return listed;
      });
    return this.#paginate(req, items);
  }

  #commitObjects(req: Req, pr: PullState): object[] {
    const [owner = '', repo = ''] = req.params;
    const key = issueKey(repoRef(req), issueNumber(req));
    const commits = this.#commits.get(key) ?? [
      {
        sha: pr.head.sha,
        message: pr.title,
        author: pr.author,
        authorName: pr.author,
        authorEmail: `${pr.author}@users.noreply.github.com`,
        committerName: pr.author,
        committerEmail: `${pr.author}@users.noreply.github.com`,
        parents: [pr.base.sha],
      },
    ];
    return commits.slice(0, maxPullRequestCommits).map((c) => ({
      sha: c.sha,
      node_id: `C_fake${c.sha.slice(0, 8)}`,
      url: `${this.url}/repos/${owner}/${repo}/commits/${c.sha}`,
      html_url: `https://github.com/${owner}/${repo}/commit/${c.sha}`,
      commit: {
        url: `${this.url}/repos/${owner}/${repo}/git/commits/${c.sha}`,
        author: { name: c.authorName, email: c.authorEmail, date: pr.createdAt },
        committer: { name: c.committerName, email: c.committerEmail, date: pr.createdAt },
        message: c.message,
        tree: { sha: sha1(`tree\0${c.sha}`), url: `${this.url}/repos/${owner}/${repo}/git/trees/${sha1(`tree\0${c.sha}`)}` },
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null },
      },
      author: c.author === null ? null : this.#userObject(c.author),
      committer: c.author === null ? null : this.#userObject(c.author),
      parents: c.parents.map((sha) => ({ sha, url: `${this.url}/repos/${owner}/${repo}/commits/${sha}`, html_url: `https://github.com/${owner}/${repo}/commit/${sha}` })),
    }));
  }

  // ---- statuses and branches ---------------------------------------------------------------

  /** https://docs.github.com/en/rest/commits/statuses#create-a-commit-status */
  #createStatus(req: Req): Reply {
    const statusDocs = `${docs}/commits/statuses#create-a-commit-status`;
    const body = isObject(req.body) ? req.body : {};
    const state = body['state'];
    if (typeof state !== 'string' || !statusStates.includes(state)) return validationFailed('Status', 'state', statusDocs);
    const description = typeof body['description'] === 'string' ? body['description'] : '';
    if ([...description].length > maxStatusDescription) {
      return unprocessable(`Validation Failed: description is too long (maximum is ${maxStatusDescription} characters)`, statusDocs);
    }
    const record: StatusRecord = {
      id: this.#nextId++,
      // GitHub's default context.
      context: typeof body['context'] === 'string' && body['context'] !== '' ? body['context'] : 'default',
      state: state as FakeStatusState,
      description,
      targetUrl: typeof body['target_url'] === 'string' ? body['target_url'] : '',
      createdAt: githubTime(new Date()),
    };
    const key = statusKey(repoRef(req), req.params[2] ?? '');
    this.#statuses.set(key, [...(this.#statuses.get(key) ?? []), record]);
    return {
      status: 201,
      json: this.#statusObject(req, record),
      writes: [`createStatus ${repoRef(req)}@${req.params[2] ?? ''} ${record.context} ${record.state} ${JSON.stringify(record.description)}`],
    };
  }

  /**
   * The combined status: the latest status per context, paged like a list, and one state for
   * all (https://docs.github.com/en/rest/commits/statuses#get-the-combined-status-for-a-specific-reference).
   */
  #combinedStatus(req: Req): Reply {
    const [owner = '', repo = '', sha = ''] = req.params;
    const latest = latestStatuses(this.#statuses.get(statusKey(repoRef(req), sha)) ?? []);
    const page = this.#paginate(req, latest.map((s) => this.#statusObject(req, s)));
    const states = latest.map((s) => s.state);
    const state = states.some((s) => s === 'error' || s === 'failure') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
    return {
      ...page,
      json: {
        state,
        statuses: page.json,
        sha,
        total_count: latest.length,
        repository: { name: repo, full_name: `${owner}/${repo}`, owner: this.#userObject(owner, 'Organization') },
        commit_url: `${this.url}/repos/${owner}/${repo}/commits/${sha}`,
        url: `${this.url}/repos/${owner}/${repo}/commits/${sha}/status`,
      },
    };
  }

  #statusObject(req: Req, s: StatusRecord): object {
    const [owner = '', repo = '', sha = ''] = req.params;
    return {
      url: `${this.url}/repos/${owner}/${repo}/statuses/${sha}`,
      id: s.id,
      node_id: `SC_fake${s.id}`,
      state: s.state,
      description: s.description === '' ? null : s.description,
      target_url: s.targetUrl === '' ? null : s.targetUrl,
      context: s.context,
      avatar_url: null,
      created_at: s.createdAt,
      updated_at: s.createdAt,
      creator: this.#user(),
    };
  }

  /** Only branches (`heads/…`); one that does not exist is GitHub's 422 "Reference does not exist". */
  #deleteRef(req: Req): Reply {
    const ref = req.params[2] ?? '';
    const branches = this.#branches.get(checkRepo(repoRef(req)));
    const branch = ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined;
    if (branch === undefined || !branches?.has(branch)) {
      return unprocessable('Reference does not exist', `${docs}/git/refs#delete-a-reference`);
    }
    branches.delete(branch);
    const key = `${checkRepo(repoRef(req))}:${branch}`;
    this.#heads.delete(key);
    this.#pullBases.delete(key);
    return { status: 204, writes: [`deleteBranch ${repoRef(req)} ${branch}`] };
  }

  #branchSet(repo: string): Set<string> {
    const key = checkRepo(repo);
    let set = this.#branches.get(key);
    if (!set) {
      set = new Set<string>();
      this.#branches.set(key, set);
    }
    return set;
  }

  #nameRepo(repo: string): void {
    if (!this.#repoNames.has(checkRepo(repo))) this.#repoNames.set(checkRepo(repo), repo);
  }

  // ---- actions -----------------------------------------------------------------------------

  /** A workflow id (number) or file name → the file name. */
  #workflowFile(repo: string, idOrFile: string): string {
    if (!/^\d+$/.test(idOrFile)) return idOrFile;
    for (const [file, w] of this.#workflows.get(checkRepo(repo)) ?? []) if (String(w.id) === idOrFile) return file;
    return idOrFile;
  }

  #workflowName(repo: string, file: string): string {
    return this.#workflows.get(checkRepo(repo))?.get(file)?.name ?? `.github/workflows/${file}`;
  }

  /** https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event */
  #dispatch(req: Req): Reply {
    const dispatchDocs = `${docs}/actions/workflows#create-a-workflow-dispatch-event`;
    const repo = repoRef(req);
    const file = this.#workflowFile(repo, req.params[2] ?? '');
    const body = isObject(req.body) ? req.body : {};
    if (typeof body['ref'] !== 'string' || body['ref'] === '') return unprocessable(`Invalid request.\n\n"ref" wasn't supplied.`, dispatchDocs);
    if (body['return_run_details'] !== undefined && this.rejectRunDetails) {
      return unprocessable(`Invalid request.\n\n"return_run_details" is not a permitted key.`, dispatchDocs);
    }
    const inputs = isObject(body['inputs']) ? body['inputs'] : {};
    if (Object.values(inputs).some((v) => typeof v !== 'string')) return unprocessable('Invalid request.\n\nFor "properties/inputs", values must be strings.', dispatchDocs);
    const declared = this.#workflows.get(checkRepo(repo))?.get(file)?.inputs;
    const unexpected = declared ? Object.keys(inputs).filter((k) => !declared.includes(k)) : [];
    if (unexpected.length > 0) return unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`, dispatchDocs);
    const given = inputs as Record<string, string>;
    const ref = body['ref'].replace(/^refs\/heads\//, '');
    const jobId = given['prow_job_id'];
    const id = this.addWorkflowRun(repo, file, {
      displayTitle: jobId ? `run ${jobId}` : this.#workflowName(repo, file),
      event: 'workflow_dispatch',
      headBranch: ref,
      inputs: given,
    });
    const writes = [`dispatchWorkflow ${repo} ${file}@${body['ref']} ${JSON.stringify(given)}`];
    if (body['return_run_details'] !== true) return { status: 204, writes };
    const [owner = '', name = ''] = req.params;
    return {
      status: 200,
      json: { workflow_run_id: id, run_url: `${this.url}/repos/${owner}/${name}/actions/runs/${id}`, html_url: `https://github.com/${owner}/${name}/actions/runs/${id}` },
      writes,
    };
  }

  /** Newest first, with GitHub's `event`, `branch`, `status` and `created` filters. */
  #listRuns(req: Req): Reply {
    const repo = repoRef(req);
    const file = this.#workflowFile(repo, req.params[2] ?? '');
    const event = req.query.get('event');
    const branch = req.query.get('branch');
    const status = req.query.get('status');
    const created = req.query.get('created');
    const since = created ? createdTest(created) : () => true;
    const runs = (this.#runs.get(checkRepo(repo)) ?? [])
      .filter((r) => r.workflow === file)
      .filter((r) => (event ? r.event === event : true) && (branch ? r.headBranch === branch : true))
      .filter((r) => (status ? r.status === status || r.conclusion === status : true))
      .filter((r) => since({ createdAt: r.createdAt } as SearchItem))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
    const page = this.#paginate(req, runs.map((r) => this.#runObject(req, r)));
    return { ...page, json: { total_count: runs.length, workflow_runs: page.json } };
  }

  /** https://docs.github.com/en/rest/actions/workflow-runs#cancel-a-workflow-run */
  #cancelRun(req: Req): Reply {
    const repo = repoRef(req);
    const run = this.#runs.get(checkRepo(repo))?.find((r) => String(r.id) === req.params[2]);
    if (!run) return notFound(`${docs}/actions/workflow-runs#cancel-a-workflow-run`);
    if (run.status === 'completed') {
      return { status: 409, json: { message: 'Cannot cancel a workflow run that is completed.', documentation_url: `${docs}/actions/workflow-runs#cancel-a-workflow-run`, status: '409' } };
    }
    run.status = 'completed';
    run.conclusion = 'cancelled';
    return { status: 202, json: {}, writes: [`cancelWorkflowRun ${repo} run ${run.id}`] };
  }

  #runObject(req: Req, r: WorkflowRunView): object {
    const [owner = '', name = ''] = req.params;
    const workflow = this.#workflows.get(checkRepo(repoRef(req)))?.get(r.workflow);
    return {
      id: r.id,
      name: this.#workflowName(repoRef(req), r.workflow),
      node_id: `WFR_fake${r.id}`,
      head_branch: r.headBranch,
      head_sha: sha1(`${owner}/${name}@${r.headBranch}`),
      path: `.github/workflows/${r.workflow}`,
      display_title: r.displayTitle,
      run_number: r.id,
      event: r.event,
      status: r.status,
      conclusion: r.conclusion,
      workflow_id: workflow?.id ?? 0,
      url: `${this.url}/repos/${owner}/${name}/actions/runs/${r.id}`,
      html_url: `https://github.com/${owner}/${name}/actions/runs/${r.id}`,
      created_at: r.createdAt,
      updated_at: r.createdAt,
      run_attempt: 1,
      run_started_at: r.createdAt,
    };
  }

  // ---- people ------------------------------------------------------------------------------

  #roleOf(repo: string, login: string): string {
    const explicit = this.#roles.get(checkRepo(repo))?.get(login.toLowerCase());
    if (explicit !== undefined) return explicit;
    return this.#private.has(checkRepo(repo)) ? 'none' : 'read';
  }

  /**
   * The users given a role with `setRole` (any but `none`), in the order they were given one: on a
   * public repository everyone else reads, but only these are collaborators
   * (https://docs.github.com/en/rest/collaborators/collaborators#list-repository-collaborators).
   */
  #collaboratorObjects(req: Req): object[] {
    const roles = this.#roles.get(checkRepo(repoRef(req))) ?? new Map<string, string>();
    return [...roles]
      .filter(([, role]) => role !== 'none')
      .map(([login, role]) => ({ ...this.#userObject(login), role_name: role, permissions: { pull: true, triage: role !== 'read', push: ['write', 'maintain', 'admin'].includes(role), maintain: ['maintain', 'admin'].includes(role), admin: role === 'admin' } }));
  }

  /** `role_name` is the effective role; `permission` the older four-level name for it. */
  #permission(req: Req): Reply {
    const login = req.params[2] ?? '';
    const role = this.#roleOf(repoRef(req), login);
    return {
      status: 200,
      json: { permission: legacyPermission[role] ?? 'read', role_name: role, user: { ...this.#userObject(login), role_name: role } },
    };
  }

  /**
   * 204 a member, 404 not one; but when the requester is not a member itself, GitHub redirects
   * to the public check (https://docs.github.com/en/rest/orgs/members#check-organization-membership-for-a-user).
   */
  #checkMembership(req: Req): Reply {
    const [org = '', login = ''] = req.params;
    const members = this.#orgMembers.get(org.toLowerCase());
    if (!members?.has(this.#botLogin.toLowerCase())) {
      return { status: 302, headers: { location: `${this.url}/orgs/${encodeURIComponent(org)}/public_members/${encodeURIComponent(login)}` } };
    }
    if (members.has(login.toLowerCase())) return { status: 204 };
    return { status: 404, json: { message: 'User does not exist or is not a member of the organization', documentation_url: `${docs}/orgs/members#check-organization-membership-for-a-user` } };
  }

  #teamMembership(req: Req): Reply {
    const [org = '', slug = '', login = ''] = req.params;
    const team = (this.#teams.get(org.toLowerCase()) ?? []).find((t) => t.slug === slug);
    const state = team?.members.some((m) => sameLogin(m, login)) ? 'active' : team?.pending.some((m) => sameLogin(m, login)) ? 'pending' : undefined;
    if (!team || !state) return notFound(`${docs}/teams/members#get-team-membership-for-a-user`);
    return {
      status: 200,
      json: { url: `${this.url}/teams/${team.id}/memberships/${login}`, role: 'member', state },
    };
  }

  #teamObject(org: string, t: Pick<TeamRecord, 'id' | 'name' | 'slug'>): object {
    return {
      id: t.id,
      node_id: `T_fake${t.id}`,
      url: `${this.url}/teams/${t.id}`,
      html_url: `https://github.com/orgs/${org}/teams/${t.slug}`,
      name: t.name,
      slug: t.slug,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'pull',
      members_url: `${this.url}/teams/${t.id}/members{/member}`,
      repositories_url: `${this.url}/teams/${t.id}/repos`,
      parent: null,
    };
  }

  #user(): object {
    return { login: this.#botLogin, id: 100, node_id: 'U_fake100', type: 'User', site_admin: false };
  }

  #userObject(login: string, type = userType(login)): object {
    const id = this.#userId(login.toLowerCase());
    return { login, id, node_id: `U_fake${id}`, type, site_admin: false, html_url: `https://github.com/${login}` };
  }

  /** A stable id per name (logins, and issues and pull requests, which have ids of their own). */
  #userId(name: string): number {
    let id = this.#userIds.get(name);
    if (id === undefined) {
      id = 5000 + this.#userIds.size;
      this.#userIds.set(name, id);
    }
    return id;
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

const mutations = ['transferIssue', 'pinIssue', 'unpinIssue'] as const;
type Mutation = (typeof mutations)[number];

/** The mutation a GraphQL document runs (`pinIssue(input: $input)`), if it is one of those the fake knows. */
function mutationOf(query: string): Mutation | undefined {
  if (!/^\s*mutation\b/.test(query)) return undefined;
  return mutations.find((m) => new RegExp(`\\b${m}\\(input: \\$input\\)`).test(query));
}

/** `I_<name>`: the fake's node ids say what they name (GitHub's are opaque). */
function nodeId(kind: 'I' | 'PR' | 'R', name: string): string {
  return `${kind}_${Buffer.from(name).toString('base64url')}`;
}

function parseNodeId(id: unknown): { kind: string; name: string } | undefined {
  const m = typeof id === 'string' ? /^(I|PR|R)_([\w-]+)$/.exec(id) : null;
  if (!m) return undefined;
  const name = Buffer.from(m[2]!, 'base64url').toString('utf8');
  const valid = m[1] === 'R' ? /^[^/\s#]+\/[^/\s#]+$/ : /^[^/\s#]+\/[^/\s#]+#\d+$/;
  return valid.test(name) ? { kind: m[1]!, name } : undefined;
}

/** `blobs Codertocat/Hello-World ×3`, or the mutation and its input, for the call log. */
function graphqlSummary(body: unknown): string {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
  const mutation = typeof query === 'string' ? mutationOf(query) : undefined;
  if (mutation) return `${mutation} ${JSON.stringify(variables?.input ?? {})}`;
  const blobs = typeof query === 'string' ? (query.match(/: object\(oid:/g) ?? []).length : 0;
  return blobs ? `getBlobs ${String(variables?.owner)}/${String(variables?.name)} ×${blobs}` : 'query';
}

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
/** `owner/repo` of `owner/repo#n`. */
const repoOfRef = (ref: string): string => ref.slice(0, ref.lastIndexOf('#'));
const keyOfRef = (ref: string): string => issueKey(repoOfRef(ref), Number(ref.slice(ref.lastIndexOf('#') + 1)));
// SHAs are hexadecimal: any case names the same commit.
const statusKey = (repo: string, sha: string): string => `${checkRepo(repo)}@${sha.toLowerCase()}`;

function defaultIssue(number: number): IssueState {
  return { author: 'octocat', authorType: 'User', title: `Issue ${number}`, body: '', state: 'open', stateReason: null, milestone: undefined, createdAt: githubTime(new Date()) };
}

/** The latest status of each context, in the order the contexts first appeared. */
function latestStatuses(all: StatusRecord[]): StatusRecord[] {
  const latest = new Map<string, StatusRecord>();
  for (const s of all) latest.set(s.context, s);
  return [...latest.values()];
}

/** ` state=open base=main`: the listed query parameters that were sent. */
function queryText(req: Req, names: string[]): string {
  return names.map((n) => (req.query.has(n) ? ` ${n}=${req.query.get(n) ?? ''}` : '')).join('');
}

/** `dco success "…"`, as describeCall shows a status. */
function statusText(body: unknown): string {
  const b = isObject(body) ? body : {};
  return `${String(b['context'] ?? 'default')} ${String(b['state'] ?? '')} ${JSON.stringify(typeof b['description'] === 'string' ? b['description'] : '')}`;
}

/** The PATCH body as describeCall shows an IssueUpdate: `{"state":"closed","stateReason":"not_planned"}`. */
function updateText(body: Record<string, unknown>): string {
  const known = ['title', 'state', 'state_reason', 'milestone'];
  return JSON.stringify(Object.fromEntries(Object.entries(body).filter(([k]) => known.includes(k)).map(([k, v]) => [k === 'state_reason' ? 'stateReason' : k, v])));
}

/** GitHub's 422 for a field it refuses: `Validation Failed` with the field named in `errors`. */
function validationFailed(resource: string, field: string, documentation: string): Reply {
  return { status: 422, json: { message: 'Validation Failed', errors: [{ resource, code: 'invalid', field }], documentation_url: documentation, status: '422' } };
}

/** What search qualifiers are tested against. */
interface SearchItem {
  /** `owner/repo` as spelled. */
  repo: string;
  isPullRequest: boolean;
  state: string;
  merged: boolean;
  author: string;
  labels: string[];
  /** Title and body. */
  text: string;
  createdAt: string;
}

/** `created:<2024-01-02T03:04:05+00:00` and the like (https://docs.github.com/en/search-github/getting-started-with-searching-on-github/understanding-the-search-syntax#query-for-dates). */
function createdTest(value: string): (item: SearchItem) => boolean {
  const m = /^(<=|>=|<|>)?(.+)$/.exec(value)!;
  const op = m[1] ?? '';
  const text = m[2]!;
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new Error(`the fake GitHub does not understand the date "${text}" in created:`);
  // A bare date is its whole day.
  const end = /^\d{4}-\d{2}-\d{2}$/.test(text) ? at + 86_400_000 : at + 1000;
  return (item) => {
    const t = Date.parse(item.createdAt);
    if (op === '<') return t < at;
    if (op === '<=') return t < end;
    if (op === '>') return t >= end;
    if (op === '>=') return t >= at;
    return t >= at && t < end;
  };
}

/**
 * A predicate for a GitHub issue search: every term must hold (GitHub ANDs them); `-` negates a
 * term; `"quoted values"` may hold spaces. Qualifiers: `is:` pr, issue, open, closed, merged,
 * unmerged; `type:` pr, issue; `state:` open, closed; `author:`, `repo:`, `label:`; `created:`
 * with `<`, `<=`, `>`, `>=` or none before an ISO time (or a date, its whole day). Any other
 * word is searched for in the title and body, case-insensitively. Throws for a qualifier it does
 * not know, so a test cannot pass on a search the fake silently ignored.
 */
function searchMatcher(q: string): (item: SearchItem) => boolean {
  const tokens = q.match(/-?(?:[\w-]+:)?(?:"[^"]*"|\S+)/g) ?? [];
  const tests = tokens.map((token): ((item: SearchItem) => boolean) => {
    const negated = token.startsWith('-') && token.length > 1;
    const body = negated ? token.slice(1) : token;
    const m = /^([\w-]+):(.*)$/.exec(body);
    const unquote = (v: string) => v.replace(/^"(.*)"$/, '$1');
    let test: (item: SearchItem) => boolean;
    if (!m) {
      const word = unquote(body).toLowerCase();
      test = (item) => item.text.toLowerCase().includes(word);
    } else {
      const key = m[1]!.toLowerCase();
      const value = unquote(m[2]!);
      const v = value.toLowerCase();
      const kinds: Record<string, (item: SearchItem) => boolean> = {
        pr: (item) => item.isPullRequest,
        issue: (item) => !item.isPullRequest,
        open: (item) => item.state === 'open',
        closed: (item) => item.state === 'closed',
        merged: (item) => item.merged,
        unmerged: (item) => item.isPullRequest && !item.merged,
      };
      if (key === 'is' || key === 'type' || key === 'state') {
        const allowed = key === 'is' ? Object.keys(kinds) : key === 'type' ? ['pr', 'issue'] : ['open', 'closed'];
        const kind = kinds[v];
        if (!kind || !allowed.includes(v)) throw new Error(`the fake GitHub does not understand "${key}:${value}"`);
        test = kind;
      } else if (key === 'author') test = (item) => sameLogin(item.author, value);
      else if (key === 'repo') test = (item) => item.repo.toLowerCase() === v;
      else if (key === 'label') test = (item) => item.labels.some((l) => sameLabel(l, value));
      else if (key === 'created') test = createdTest(value);
      else throw new Error(`the fake GitHub does not understand the search qualifier "${key}:"`);
    }
    return negated ? (item) => !test(item) : test;
  });
  return (item) => tests.every((t) => t(item));
}
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
/** Logins (and team slugs) are case-insensitive on GitHub. */
const sameLogin = sameLabel;
const lower = (s: string | undefined): string => (s ?? '').toLowerCase();
/** GitHub types an account whose login ends in `[bot]` as a `Bot`. */
const userType = (login: string): string => (login.endsWith('[bot]') ? 'Bot' : 'User');
const list = (names: readonly string[] | undefined): string => `[${(names ?? []).join(', ')}]`;

function dedupeBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && Boolean(seen.add(key(item))));
}

const dedupeLogins = (logins: string[]): string[] => dedupeBy(logins, (l) => l.toLowerCase());

/** The fields of `o` that are not undefined, so a spread keeps what they would have replaced. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `body[field]` when it is a list of strings (`{ assignees: ['a'] }`); undefined when absent or malformed. */
function loginList(body: unknown, field: string): string[] | undefined {
  const value = isObject(body) ? body[field] : undefined;
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** `[bob]`, or `[bob] teams [core]` when teams were named, as describeCall shows a review request. */
function reviewRequestText(body: unknown): string {
  const teams = loginList(body, 'team_reviewers') ?? [];
  return `${list(loginList(body, 'reviewers'))}${teams.length > 0 ? ` teams ${list(teams)}` : ''}`;
}

function notFound(documentation = docs): Reply {
  return { status: 404, json: { message: 'Not Found', documentation_url: documentation, status: '404' } };
}

function unprocessable(message: string, documentation: string): Reply {
  return { status: 422, json: { message, documentation_url: documentation, status: '422' } };
}

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

interface GitEntry {
  name: string;
  /** As the trees API shows it: `100644` for a file, `040000` for a directory. */
  mode: string;
  type: 'blob' | 'tree';
  sha: string;
  size?: number;
}

interface GitDir {
  sha: string;
  /** In git's order. */
  entries: GitEntry[];
}

/**
 * Every directory of a file tree, by path (`''` is the root), with git's own tree SHAs: a tree
 * object is `<mode> <name>\0<20-byte SHA>` per entry, sorted by name with a directory's name
 * compared as if it ended in `/`, hashed as `tree <length>\0<content>`
 * (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects). So identical content has the
 * identical SHA under any branch or commit name, and a caller may skip a subtree it has seen.
 */
function gitTree(files: Map<string, string>): Map<string, GitDir> {
  // Directory → name → the file's text, or null for a subdirectory.
  const children = new Map<string, Map<string, string | null>>([['', new Map()]]);
  for (const [path, text] of files) {
    const parts = path.split('/');
    parts.forEach((name, i) => {
      const dir = parts.slice(0, i).join('/');
      const here = children.get(dir) ?? new Map<string, string | null>();
      children.set(dir, here);
      if (i === parts.length - 1) here.set(name, text);
      else if (!here.has(name)) here.set(name, null);
    });
  }
  const dirs = new Map<string, GitDir>();
  const build = (dir: string): GitDir => {
    const entries = [...(children.get(dir) ?? [])].map(([name, text]): GitEntry => {
      if (text !== null) return { name, mode: '100644', type: 'blob', sha: blobSha(text), size: Buffer.byteLength(text) };
      return { name, mode: '040000', type: 'tree', sha: build(dir === '' ? name : `${dir}/${name}`).sha };
    });
    const sortKey = (e: GitEntry) => Buffer.from(e.type === 'tree' ? `${e.name}/` : e.name);
    entries.sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
    const content = Buffer.concat(entries.flatMap((e) => [Buffer.from(`${e.mode.replace(/^0/, '')} ${e.name}\0`), Buffer.from(e.sha, 'hex')]));
    const sha = createHash('sha1').update(`tree ${content.length}\0`).update(content).digest('hex');
    const built = { sha, entries };
    dirs.set(dir, built);
    return built;
  };
  build('');
  return dirs;
}

/** GitHub wraps base64 content at 60 characters with a trailing newline. */
const wrapBase64 = (b64: string): string => (b64.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');

/** GitHub's timestamps have no milliseconds: `2011-04-14T16:00:49Z`. */
const githubTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`; compared weakly, as GETs are. */
function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const wanted = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === wanted;
  });
}

/** A 200 GET answer with its ETag, or 304 when the request's If-None-Match names it. */
function withEtag(reply: Reply, ifNoneMatchHeader: string | string[] | undefined): Reply {
  if (reply.headers?.etag !== undefined) return reply;
  const body = reply.raw ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  const etag = `W/"${sha1(body)}"`;
  const headers = { ...reply.headers, etag };
  const header = Array.isArray(ifNoneMatchHeader) ? ifNoneMatchHeader.join(',') : ifNoneMatchHeader;
  if (ifNoneMatch(header, etag)) return { status: 304, headers };
  return { ...reply, headers };
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
