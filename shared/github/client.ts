// The narrow GitHub surface that plugins and the dispatcher see. Only shared/github/ talks to
// Octokit; everything else depends on this interface, so the in-memory fake, the offline client
// and the dry-run client can stand in for it.
//
// Every method is declared once more, as data, in `githubMethods` below: whether it writes, how
// a call reads in a trace, and how long a read's answer may be reused. The trace recorder,
// dry-run, the write journal, per-delivery memoisation and the one-repository guard are all
// built from that table by `wrapClient`, so a new method is one interface line, one table line
// and its Octokit call — never a wrapper per layer.

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IssueRef extends RepoRef {
  number: number;
}

/** One file of a pull request's diff, as `GET /repos/{o}/{r}/pulls/{n}/files` returns it. */
export interface PullRequestChange {
  filename: string;
  additions: number;
  deletions: number;
  changes: number;
  status: string;
  /** The old name of a renamed file. */
  previousFilename?: string;
}

export interface GitHubUser {
  login: string;
  /** `User`, `Bot` or `Organization`. */
  type: string;
}

/** A comment on an issue or pull request (the conversation, not a review's line comments). */
export interface IssueComment {
  id: number;
  body: string;
  user: GitHubUser;
  createdAt: string;
  updatedAt: string;
  htmlUrl: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface Review {
  id: number;
  state: ReviewState;
  body: string;
  user: GitHubUser;
  submittedAt: string;
  /** The head commit the review was made on. */
  commitId: string;
  htmlUrl: string;
}

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  state: string;
  draft: boolean;
  merged: boolean;
  /**
   * Whether it merges cleanly: `null` while GitHub is still computing it (it does so in the
   * background after a push to the head or the base; read again a little later).
   */
  mergeable: boolean | null;
  /** GitHub's `mergeable_state`: `clean`, `dirty` (conflicts), `blocked`, `behind`, `unstable`, `unknown`… */
  mergeableState: string;
  /** The milestone's title, when it has one. */
  milestone: string | undefined;
  user: GitHubUser;
  htmlUrl: string;
  head: { ref: string; sha: string };
  /** `cloneUrl`: the base repository's `clone_url`, what Prow's presubmit refs clone (GitHub Enterprise, a mirror). */
  base: { ref: string; sha: string; cloneUrl?: string };
  labels: string[];
  assignees: string[];
  requestedReviewers: string[];
  /** Team slugs. */
  requestedTeams: string[];
}

export interface TreeEntry {
  path: string;
  /** `blob`, `tree` or `commit` (a submodule). */
  type: string;
  sha: string;
}

export interface GitTree {
  /** The tree's own SHA: the same content has the same SHA whatever commit points to it. */
  sha: string;
  entries: TreeEntry[];
  /** GitHub lists at most 100,000 entries (7 MB) of a recursive tree and sets this past it. */
  truncated: boolean;
}

export interface GitCommit {
  sha: string;
  /** The SHA of the commit's root tree: equal for equal content. */
  treeSha: string;
}

export interface Team {
  id: number;
  name: string;
  slug: string;
}

export interface RepoLabel {
  name: string;
  color: string;
  description: string;
}

/**
 * A user's effective role on a repository, after every grant (direct, team, org base role,
 * enterprise): GitHub's `role_name`, or `none`. Custom roles come through by name.
 */
export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none' | (string & {});

/** An issue (or a pull request seen as an issue) as GitHub's issues API returns it. */
export interface Issue {
  number: number;
  /** GitHub's global node id, which GraphQL mutations take (pinIssue, transferIssue). */
  nodeId: string;
  title: string;
  body: string;
  /** `open` or `closed`. */
  state: string;
  /** Why it was closed: `completed`, `not_planned`, `reopened`, or `null`. */
  stateReason: string | null;
  isPullRequest: boolean;
  user: GitHubUser;
  labels: string[];
  assignees: string[];
  milestone: string | undefined;
  htmlUrl: string;
}

/** What `updateIssue` changes; fields left out stay as they are. */
export interface IssueUpdate {
  title?: string;
  /** The description (a pull request's body too: release-note's `/release-note-edit`). */
  body?: string;
  state?: 'open' | 'closed';
  stateReason?: 'completed' | 'not_planned' | 'reopened';
  /** A milestone's number, or `null` to clear it. */
  milestone?: number | null;
}

/** A repository as `GET /repos/{owner}/{repo}` describes it. */
export interface Repository {
  /** As GitHub spells them (a renamed repository answers under its new name). */
  owner: string;
  repo: string;
  /** GitHub's global node id, which GraphQL mutations take (transferIssue's destination). */
  nodeId: string;
  defaultBranch: string;
  private: boolean;
  archived: boolean;
}

export interface Milestone {
  number: number;
  title: string;
  /** `open` or `closed`. */
  state: string;
}

export interface Commit {
  sha: string;
  message: string;
  /** The GitHub account of the author, when GitHub could match the commit's email to one. */
  authorLogin: string | undefined;
  authorName: string;
  authorEmail: string;
  committerName: string;
  committerEmail: string;
  /** Parent SHAs: more than one is a merge commit. */
  parents: string[];
}

export type StatusState = 'error' | 'failure' | 'pending' | 'success';

export interface CommitStatus {
  context: string;
  state: StatusState;
  description: string;
  targetUrl: string;
}

/** A GitHub Actions workflow run, as the runs listing and the `workflow_run` webhook show it. */
export interface WorkflowRun {
  id: number;
  /** The workflow's name. */
  name: string;
  /** The run's title: the workflow's `run-name` as evaluated for this run. */
  displayTitle: string;
  /** `requested`, `queued`, `pending`, `waiting`, `in_progress` or `completed`. */
  status: string;
  /** Once completed: `success`, `failure`, `cancelled`, `timed_out`, `action_required`, `neutral`, `skipped`, `stale`, `startup_failure`. */
  conclusion: string | null;
  /** What started it: `workflow_dispatch`, `push`, `pull_request`… */
  event: string;
  headBranch: string | null;
  headSha: string;
  /** The workflow file, `.github/workflows/ci.yaml`. */
  path: string;
  htmlUrl: string;
  createdAt: string;
  updatedAt: string;
}

/** What a workflow dispatch answers: the run, where GitHub says which (github.com since February 2026). */
export interface WorkflowDispatched {
  runId?: number;
  htmlUrl?: string;
}

/** What a branch's protection asks of a pull request before it merges (the part plugins read). */
export interface BranchProtection {
  /** The status contexts that must pass; absent when none are required. */
  requiredStatusChecks?: { contexts: string[] };
}

export interface ReviewRequest {
  reviewers?: string[];
  /** Team slugs. */
  teamReviewers?: string[];
}

export interface GitHubClient {
  // Labels.
  /**
   * Idempotent: adding a label the issue already has changes nothing on GitHub. Answers the
   * issue's labels afterwards, as GitHub does, or `undefined` when they are not known (the write
   * was not sent: journaled by an earlier attempt, dry-run).
   */
  addLabel(ref: IssueRef, label: string): Promise<string[] | undefined>;
  /**
   * Idempotent: removing a label the issue does not have is success (GitHub answers 404). Answers
   * the labels left, as GitHub does, or `undefined` when they are not known (a 404 says none; not
   * sent, as for addLabel).
   */
  removeLabel(ref: IssueRef, label: string): Promise<string[] | undefined>;
  getIssueLabels(ref: IssueRef): Promise<string[]>;
  /**
   * The repository's labels (those that can be added without creating one), every page. A
   * container may reuse the list for a short while (github/etag-cache.ts); `revalidate` asks
   * GitHub again, for when an answer without a label would refuse a command.
   */
  getRepoLabels(repo: RepoRef, options?: { revalidate?: boolean }): Promise<RepoLabel[]>;

  // Comments.
  /** Returns the new comment's id. */
  createComment(ref: IssueRef, body: string): Promise<number>;
  /** All comments, oldest first, every page. */
  listComments(ref: IssueRef): Promise<IssueComment[]>;
  editComment(repo: RepoRef, id: number, body: string): Promise<void>;
  /** Idempotent: a comment that is already gone is success. */
  deleteComment(repo: RepoRef, id: number): Promise<void>;

  // Assignees and reviews.
  /** Returns who is assigned afterwards: GitHub silently leaves out users it cannot assign. */
  addAssignees(ref: IssueRef, logins: string[]): Promise<string[]>;
  removeAssignees(ref: IssueRef, logins: string[]): Promise<void>;
  /** GitHub refuses (422) the whole request if one reviewer is not a collaborator. */
  requestReviewers(ref: IssueRef, request: ReviewRequest): Promise<void>;
  removeReviewRequests(ref: IssueRef, request: ReviewRequest): Promise<void>;
  /** All reviews, oldest first, every page. */
  listReviews(ref: IssueRef): Promise<Review[]>;

  // Pull requests and code.
  getPullRequest(ref: IssueRef): Promise<PullRequest>;
  /** Open pull requests into `base` (a branch name), every page. */
  listPullRequests(repo: RepoRef, options: { base?: string }): Promise<PullRequest[]>;
  /** The pull request's commits, oldest first (GitHub lists at most 250). */
  listPullRequestCommits(ref: IssueRef): Promise<Commit[]>;
  getIssue(ref: IssueRef): Promise<Issue>;
  /** Edits an issue or pull request (GitHub's issues API works on both): title, state, milestone. */
  updateIssue(ref: IssueRef, update: IssueUpdate): Promise<void>;
  /** Milestones of the repository, open and closed, every page. */
  listMilestones(repo: RepoRef): Promise<Milestone[]>;
  /**
   * Moves an issue to another repository of the same owner (GraphQL `transferIssue`, the only
   * API GitHub has for it); returns the issue's URL there. GitHub gives it a new number.
   */
  transferIssue(ref: IssueRef, issueNodeId: string, destination: Repository): Promise<string>;
  /** Pins the issue to its repository (GraphQL `pinIssue`; GitHub pins at most three). */
  pinIssue(ref: IssueRef, issueNodeId: string): Promise<void>;
  /** GraphQL `unpinIssue`. */
  unpinIssue(ref: IssueRef, issueNodeId: string): Promise<void>;
  /**
   * How many issues and pull requests a search finds (GitHub's issue search syntax, within the
   * repository: `repo:` is added): welcome's "is this the author's first pull request".
   */
  countIssues(repo: RepoRef, query: string): Promise<number>;
  /** Sets a commit status (one per context: a new one replaces the last). */
  createStatus(repo: RepoRef, sha: string, status: CommitStatus): Promise<void>;
  /** The latest status of each context on a commit. */
  listStatuses(repo: RepoRef, sha: string): Promise<CommitStatus[]>;
  /** Deletes a branch; one already gone is success. */
  deleteBranch(repo: RepoRef, branch: string): Promise<void>;

  // GitHub Actions (the github-actions job agent).
  /**
   * Runs a workflow (file name or id) on a ref with `workflow_dispatch` inputs. GitHub refuses
   * (422) inputs the workflow does not declare.
   */
  dispatchWorkflow(repo: RepoRef, workflow: string, ref: string, inputs: Record<string, string>): Promise<WorkflowDispatched>;
  /** A workflow's runs, newest first, every page; `createdSince` is an ISO time. */
  listWorkflowRuns(repo: RepoRef, workflow: string, options: { event?: string; branch?: string; createdSince?: string }): Promise<WorkflowRun[]>;
  /** Cancels a run; one already completed is success. */
  cancelWorkflowRun(repo: RepoRef, runId: number): Promise<void>;
  /** All changed files, every page. */
  getPullRequestChanges(ref: IssueRef): Promise<PullRequestChange[]>;
  /** A file's text at a commit, or `undefined` when it does not exist there. */
  getFile(repo: RepoRef, path: string, commit: string): Promise<string | undefined>;
  /** The tree of a commit (or tree) SHA, recursively. */
  getTree(repo: RepoRef, sha: string): Promise<GitTree>;
  /** A commit's own tree SHA, without listing the tree (lgtm's tree hash on a large repository). */
  getCommit(repo: RepoRef, sha: string): Promise<GitCommit>;
  /** A blob's text by its SHA. */
  getBlob(repo: RepoRef, sha: string): Promise<string>;
  /**
   * Many blobs' texts by SHA, in as few requests as GitHub allows (GraphQL, one query per
   * `blobsPerQuery`): the OWNERS files of a tree cost one call, not one each. A SHA that is not a
   * text blob of the repository is left out of the answer.
   */
  getBlobs(repo: RepoRef, shas: readonly string[]): Promise<Record<string, string>>;

  /** The repository, or `undefined` when GitHub says there is none (404: also one the bot may not see). */
  getRepo(repo: RepoRef): Promise<Repository | undefined>;
  /** The commit SHA a branch points at now. */
  getBranchSha(repo: RepoRef, branch: string): Promise<string>;
  /**
   * The SHA a fully qualified ref points at now (`heads/main`, `tags/v1.0`): GitHub's
   * `git/ref/{ref}`, which matches the name exactly and answers only the ref, lighter than a
   * branch with its commit. Prow's GetRef, which trigger reads a pull request's base through.
   */
  getRef(repo: RepoRef, ref: string): Promise<string>;
  /** A branch's protection, or `undefined` when it is not protected (GitHub's 404 "Branch not protected"). */
  getBranchProtection(repo: RepoRef, branch: string): Promise<BranchProtection | undefined>;

  // People.
  getRepoRole(repo: RepoRef, login: string): Promise<RepoRole>;
  /**
   * Everyone with access to the repository, of any role and from any grant (GitHub's
   * `affiliation=all`), every page: Prow keeps only them among a repository's OWNERS.
   */
  listCollaborators(repo: RepoRef): Promise<string[]>;
  /** Public or private membership of the repository owner's organization (the bot must be able to see it). */
  isOrgMember(repo: RepoRef, login: string): Promise<boolean>;
  /** Teams of the repository owner's organization, every page. */
  listTeams(repo: RepoRef): Promise<Team[]>;
  /** An active member of the team with this slug, in the repository owner's organization. */
  isTeamMember(repo: RepoRef, teamSlug: string, login: string): Promise<boolean>;
}

export type GitHubMethod = keyof GitHubClient;

/**
 * How long a read's answer may be reused within one delivery. `delivery`: until any write in the
 * delivery (a label read after a label write must see it). `stable`: for the whole delivery —
 * content addressed by SHA, or facts (roles, memberships) that a plugin's own writes cannot change.
 */
export type ReadReuse = 'delivery' | 'stable';

interface MethodSpec<M extends GitHubMethod> {
  write: boolean;
  /**
   * The first argument names an organization to ask about, not the repository acted on: the
   * one-repository guard lets it be another org (Prow's `trusted_org`). Reads only.
   */
  anyOrg?: boolean;
  /**
   * The first argument may be another repository than the event's: a read that looks elsewhere
   * without acting there (issue-management's link to an issue in another repository, a
   * transfer's destination). The one-repository guard lets it through. Reads only.
   */
  anyRepo?: boolean;
  /** Reads only. */
  reuse?: ReadReuse;
  /**
   * Writes only: the answer describes GitHub's state right after the write (an issue's labels),
   * not the write itself. The journal keeps no such answer, and a write it skips answers
   * `undefined`: what GitHub said on an earlier attempt is older than the retry.
   */
  answersState?: boolean;
  /** The call's arguments after the first, as one readable line (the first is the repository or issue). */
  describe(...args: Parameters<GitHubClient[M]>): string;
}

const quote = (text: string) => JSON.stringify(text);
const list = (names: readonly string[] | undefined) => `[${(names ?? []).join(', ')}]`;
const request = (r: ReviewRequest) => `${list(r.reviewers)}${r.teamReviewers?.length ? ` teams ${list(r.teamReviewers)}` : ''}`;
const repoName = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;
const issue = (ref: IssueRef) => formatIssueRef(ref);

/** Every method, declared once. The first argument of each is the repository (or issue) it acts on. */
export const githubMethods: { [M in GitHubMethod]: MethodSpec<M> } = {
  addLabel: { write: true, answersState: true, describe: (ref, label) => `${issue(ref)} ${label}` },
  removeLabel: { write: true, answersState: true, describe: (ref, label) => `${issue(ref)} ${label}` },
  getIssueLabels: { write: false, reuse: 'delivery', describe: (ref) => issue(ref) },
  getRepoLabels: { write: false, reuse: 'delivery', describe: (repo, o) => `${repoName(repo)}${o?.revalidate ? ' (revalidated)' : ''}` },
  createComment: { write: true, describe: (ref, body) => `${issue(ref)} ${body}` },
  listComments: { write: false, reuse: 'delivery', describe: (ref) => issue(ref) },
  editComment: { write: true, describe: (repo, id, body) => `${repoName(repo)} comment ${id} ${body}` },
  deleteComment: { write: true, describe: (repo, id) => `${repoName(repo)} comment ${id}` },
  addAssignees: { write: true, describe: (ref, logins) => `${issue(ref)} ${list(logins)}` },
  removeAssignees: { write: true, describe: (ref, logins) => `${issue(ref)} ${list(logins)}` },
  requestReviewers: { write: true, describe: (ref, r) => `${issue(ref)} ${request(r)}` },
  removeReviewRequests: { write: true, describe: (ref, r) => `${issue(ref)} ${request(r)}` },
  listReviews: { write: false, reuse: 'delivery', describe: (ref) => issue(ref) },
  getPullRequest: { write: false, reuse: 'delivery', describe: (ref) => issue(ref) },
  listPullRequests: { write: false, reuse: 'delivery', describe: (repo, o) => `${repoName(repo)}${o.base ? ` base ${o.base}` : ''}` },
  listPullRequestCommits: { write: false, reuse: 'delivery', describe: (ref) => issue(ref) },
  getIssue: { write: false, reuse: 'delivery', anyRepo: true, describe: (ref) => issue(ref) },
  updateIssue: { write: true, describe: (ref, u) => `${issue(ref)} ${JSON.stringify(u)}` },
  listMilestones: { write: false, reuse: 'delivery', describe: (repo) => repoName(repo) },
  transferIssue: { write: true, describe: (ref, _id, destination) => `${issue(ref)} to ${repoName(destination)}` },
  pinIssue: { write: true, describe: (ref) => issue(ref) },
  unpinIssue: { write: true, describe: (ref) => issue(ref) },
  countIssues: { write: false, reuse: 'delivery', describe: (repo, query) => `${repoName(repo)} ${query}` },
  createStatus: { write: true, describe: (repo, sha, s) => `${repoName(repo)}@${sha} ${s.context} ${s.state} ${quote(s.description)}` },
  listStatuses: { write: false, reuse: 'delivery', describe: (repo, sha) => `${repoName(repo)}@${sha}` },
  deleteBranch: { write: true, describe: (repo, branch) => `${repoName(repo)} ${branch}` },
  dispatchWorkflow: { write: true, describe: (repo, workflow, ref, inputs) => `${repoName(repo)} ${workflow}@${ref} ${JSON.stringify(inputs)}` },
  listWorkflowRuns: {
    write: false,
    reuse: 'delivery',
    describe: (repo, workflow, o) => `${repoName(repo)} ${workflow}${o.event ? ` event ${o.event}` : ''}${o.branch ? ` branch ${o.branch}` : ''}${o.createdSince ? ` since ${o.createdSince}` : ''}`,
  },
  cancelWorkflowRun: { write: true, describe: (repo, runId) => `${repoName(repo)} run ${runId}` },
  getPullRequestChanges: { write: false, reuse: 'delivery', describe: (ref) => issue(ref) },
  getFile: { write: false, reuse: 'stable', describe: (repo, path, commit) => `${repoName(repo)}@${commit}:${path}` },
  getTree: { write: false, reuse: 'stable', describe: (repo, sha) => `${repoName(repo)}@${sha}` },
  getCommit: { write: false, reuse: 'stable', describe: (repo, sha) => `${repoName(repo)}@${sha}` },
  getBlob: { write: false, reuse: 'stable', describe: (repo, sha) => `${repoName(repo)} ${sha}` },
  getBlobs: { write: false, reuse: 'stable', describe: (repo, shas) => `${repoName(repo)} ${shas.length === 1 ? shas[0] : `${shas.length} blobs`}` },
  getRepo: { write: false, reuse: 'stable', anyRepo: true, describe: (repo) => repoName(repo) },
  getBranchSha: { write: false, reuse: 'delivery', describe: (repo, branch) => `${repoName(repo)} ${branch}` },
  getRef: { write: false, reuse: 'delivery', describe: (repo, ref) => `${repoName(repo)} ${ref}` },
  getBranchProtection: { write: false, reuse: 'delivery', describe: (repo, branch) => `${repoName(repo)} ${branch}` },
  getRepoRole: { write: false, reuse: 'stable', describe: (repo, login) => `${repoName(repo)} ${login}` },
  listCollaborators: { write: false, reuse: 'stable', describe: (repo) => repoName(repo) },
  isOrgMember: { write: false, reuse: 'stable', anyOrg: true, describe: (repo, login) => `${repo.owner} ${login}` },
  listTeams: { write: false, reuse: 'stable', describe: (repo) => repo.owner },
  isTeamMember: { write: false, reuse: 'stable', describe: (repo, team, login) => `${repo.owner}/${team} ${login}` },
};

export const githubMethodNames = Object.keys(githubMethods) as GitHubMethod[];

/** Methods that change GitHub. */
export const writeMethods: readonly GitHubMethod[] = githubMethodNames.filter((m) => githubMethods[m].write);

export const isWriteMethod = (method: string): boolean => Object.hasOwn(githubMethods, method) && githubMethods[method as GitHubMethod].write;

export const formatIssueRef = (ref: IssueRef): string => `${ref.owner}/${ref.repo}#${ref.number}`;

/** One call, readably: `addLabel acme/widgets#1 do-not-merge/hold`. */
export function describeCall<M extends GitHubMethod>(method: M, args: Parameters<GitHubClient[M]>): string {
  const describe = githubMethods[method].describe as (...a: unknown[]) => string;
  return `${method} ${describe(...args)}`;
}

/** One call as a layer sees it. `send` makes it on the layer below; a layer may skip it or answer itself. */
export interface Call<M extends GitHubMethod = GitHubMethod> {
  method: M;
  args: Parameters<GitHubClient[M]>;
  write: boolean;
  reuse: ReadReuse | undefined;
  /** See MethodSpec.anyOrg. */
  anyOrg: boolean;
  /** See MethodSpec.anyRepo. */
  anyRepo: boolean;
  /** See MethodSpec.answersState. */
  answersState: boolean;
  /** `describeCall(method, args)`. */
  text: string;
  send(): Promise<Awaited<ReturnType<GitHubClient[M]>>>;
}

/**
 * A client whose every call goes through `around`, which decides what to do with it: pass it on
 * (`call.send()`), record it, refuse it, answer from a cache or a journal. Methods of `inner`
 * are called bound, so an implementation with private state works behind it.
 */
export function wrapClient(inner: GitHubClient, around: (call: Call) => Promise<unknown>): GitHubClient {
  const client = {} as Record<GitHubMethod, (...args: unknown[]) => Promise<unknown>>;
  for (const method of githubMethodNames) {
    const spec = githubMethods[method];
    client[method] = (...args: unknown[]) => {
      let text: string | undefined;
      return around({
        method,
        args: args as never,
        write: spec.write,
        reuse: spec.reuse,
        anyOrg: spec.anyOrg === true,
        anyRepo: spec.anyRepo === true,
        answersState: spec.answersState === true,
        // Described when a layer asks: most calls pass through layers that never need the text.
        get text() {
          return (text ??= describeCall(method, args as never));
        },
        send: () => (inner[method] as (...a: unknown[]) => Promise<never>).apply(inner, args),
      });
    };
  }
  return client as unknown as GitHubClient;
}

/** A client whose reads go through and whose writes go to `write` instead (dry-run, offline). */
export function interceptWrites(inner: GitHubClient, write: (call: Call) => Promise<unknown>): GitHubClient {
  return wrapClient(inner, (call) => (call.write ? write(call) : call.send()));
}

/** What a write that is not sent answers, so plugins carry on as if it were (dry-run). */
export function unsentAnswer(method: GitHubMethod, args: readonly unknown[]): unknown {
  switch (method) {
    case 'createComment':
      return 0;
    case 'addAssignees':
      return [...(args[1] as string[])];
    case 'transferIssue':
      // Where it would have gone is not known until GitHub numbers it there.
      return '';
    case 'dispatchWorkflow':
      // Dispatched, but no run to name.
      return {};
    default:
      return undefined;
  }
}
