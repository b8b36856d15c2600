// Local mode without GitHub credentials: a GitHub that lives in this process, so nothing leaves
// the machine. Before, local mode made anonymous reads to api.github.com: offline, a sample pull
// request event failed as "HTTP 500" and was retried for minutes, holding up the events behind
// it. (In AWS, no credentials still means dry-run against the real API, as documented.)
//
// What it knows comes from the events themselves (`observe`, called by the poller before each
// batch) and from its own writes:
// - Labels: those of the issue or pull request in the first payload that names it. Later
//   payloads do not replace them: `skiff phony` sends the same sample payload every time, so
//   its labels would undo the writes (`/hold`, then `/hold cancel`, must read consistently).
//   The repository's labels are those seen on any of its issues (they exist there).
//   Assignees and requested reviewers likewise: first from the payload, then from the writes.
// - A pull request: the last pull_request payload seen for it (with the labels, assignees and
//   review requests as they are now). One never seen is an error that says so.
// - A pull request's changed files: GitHub's payload has only the totals (`additions`,
//   `deletions`, `changed_files`), so they stand in as one file carrying those totals; `size`
//   then labels the pull request as GitHub would without generated files. A pull request never
//   seen in a pull_request payload has no known changes.
// - Comments: the one an issue_comment payload carries, and those written here (which can be
//   listed, edited and deleted). Reviews: none.
// - Files, trees and blobs in the repository (`.gitattributes`, OWNERS): none. An empty tree.
// - People: the payload's sender may write to the repository, everyone else may read (see
//   getRepoRole); nobody is in an organization or team, as nothing here can say otherwise.
// - An issue (getIssue): the last issue or pull_request payload that names it, with the title,
//   state and milestone its own updateIssue writes set (those stay over later payloads, as
//   labels do); getPullRequest shows the same. One never seen is an error that says so.
// - Milestones: those seen on the payloads' issues and pull requests (they exist there);
//   updateIssue to a milestone never seen is refused, as GitHub refuses one that does not exist.
// - Open pull requests (listPullRequests): those seen in pull_request payloads and still open.
// - A pull request's commits: none (payloads carry only the head SHA). Mergeability: the
//   payload's `mergeable` and `mergeable_state`, which GitHub often sends as null and `unknown`.
// - Issue searches (countIssues): 0, since nothing offline can search a repository; welcome
//   therefore greets everyone, as it would a first pull request.
// - Commit statuses: those set here, the latest per context. Branches: deleting one is success.
//   A branch's head (getBranchSha, getRef `heads/<b>`) is what the last payload that said it
//   says: a pull_request's `base.sha` for its base branch, a push's `after` for its branch. Any
//   other branch, and any other ref, is an error that says so (GitHub's 404).
// - Repositories (getRepo): those the payloads name, as their `repository` says; any other is
//   none. Transferring, pinning and unpinning an issue are printed and change nothing here.
// - Workflows: a dispatch is printed and starts nothing; there are no runs; cancelling is success.
// Each write changes that state and is printed as one line, e.g.
// `dry-run: addLabel Codertocat/Hello-World#2 do-not-merge/hold`.
import {
  describeCall,
  formatIssueRef,
  type GitHubClient,
  type GitHubMethod,
  type GitCommit,
  type Commit,
  type BranchProtection,
  type CommitStatus,
  type GitTree,
  type Issue,
  type IssueComment,
  type IssueRef,
  type IssueUpdate,
  type Milestone,
  type PullRequest,
  type PullRequestChange,
  type RepoLabel,
  type RepoRef,
  type RepoRole,
  type Repository,
  type Review,
  type ReviewRequest,
  type Team,
  type WorkflowDispatched,
  type WorkflowRun,
} from '../github/client.js';
import { GitHubError } from '../github/errors.js';

interface PayloadUser {
  login?: string;
  type?: string;
}

interface PayloadMilestone {
  number?: number;
  title?: string;
  state?: string;
}

interface PayloadItem {
  number?: number;
  node_id?: string;
  labels?: { name?: string }[];
  assignees?: PayloadUser[] | null;
  title?: string;
  body?: string | null;
  state?: string;
  state_reason?: string | null;
  user?: PayloadUser | null;
  html_url?: string;
  milestone?: PayloadMilestone | null;
  /** Set on an issue payload's issue when it is a pull request. */
  pull_request?: object | null;
}

interface PayloadPullRequest extends PayloadItem {
  additions?: number;
  deletions?: number;
  changed_files?: number;
  draft?: boolean;
  merged?: boolean | null;
  mergeable?: boolean | null;
  mergeable_state?: string;
  head?: { ref?: string; sha?: string };
  base?: { ref?: string; sha?: string };
  requested_reviewers?: PayloadUser[];
  requested_teams?: { slug?: string }[];
}

interface Payload {
  repository?: { name?: string; owner?: { login?: string }; node_id?: string; default_branch?: string; private?: boolean; archived?: boolean } | null;
  sender?: PayloadUser | null;
  issue?: PayloadItem | null;
  pull_request?: PayloadPullRequest | null;
  comment?: { id?: number; body?: string; user?: PayloadUser | null; created_at?: string; updated_at?: string; html_url?: string } | null;
  /** A push's: `refs/heads/<branch>` (or a tag) and the SHA it points at now. */
  ref?: string;
  after?: string;
  deleted?: boolean;
}

/** Who the comments written here are by: no credentials, so no bot account to name. */
export const offlineBotLogin = 'skiff-offline[bot]';

/** git's empty tree. */
const emptyTreeSha = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

// Owners and repository names (and logins) are case-insensitive on GitHub.
const key = (ref: IssueRef): string => formatIssueRef(ref).toLowerCase();
const repoKey = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`.toLowerCase();
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const names = (items: { name?: string }[] | undefined): string[] => (items ?? []).map((l) => l.name).filter((n): n is string => Boolean(n));
const logins = (users: PayloadUser[] | null | undefined): string[] => (users ?? []).map((u) => u.login).filter((l): l is string => Boolean(l));
const union = (current: string[], more: readonly string[]): string[] => [...current, ...more.filter((m) => !current.some((c) => same(c, m)))];
const without = (current: string[], less: readonly string[]): string[] => current.filter((c) => !less.some((l) => same(c, l)));

/** An error as GitHub's 404 would be: terminal, so the event is not retried for minutes over it. */
function offlineNotFound(message: string): GitHubError {
  return new GitHubError(message, { cause: Object.assign(new Error('offline: not known from the payloads seen'), { status: 404 }) });
}

export class OfflineGitHub implements GitHubClient {
  private readonly labels = new Map<string, string[]>();
  private readonly assignees = new Map<string, string[]>();
  private readonly requested = new Map<string, { users: string[]; teams: string[] }>();
  private readonly changes = new Map<string, PullRequestChange[]>();
  private readonly pulls = new Map<string, PayloadPullRequest>();
  /** Issue or pull request → its last payload (`isPullRequest` from which kind it was). */
  private readonly issues = new Map<string, { item: PayloadItem; isPullRequest: boolean }>();
  /** Issue → what updateIssue set, over whatever a payload says. */
  private readonly updates = new Map<string, { title?: string; body?: string; state?: string; stateReason?: string | null; milestone?: string | null }>();
  /** Repository → milestones seen, by number. */
  private readonly milestones = new Map<string, Map<number, Milestone>>();
  /** `owner/repo@sha` → context → its latest status. */
  private readonly statuses = new Map<string, Map<string, CommitStatus>>();
  /** Issue → its comments, oldest first. */
  private readonly issueComments = new Map<string, IssueComment[]>();
  /** Repository → the last payload's sender. */
  private readonly senders = new Map<string, string>();
  /** Repository → as its last payload described it. */
  private readonly repositories = new Map<string, Repository>();
  /** `owner/repo heads/<branch>` → the SHA the last payload that said it gave it. */
  private readonly refs = new Map<string, string>();
  private nextCommentId = 1;
  /** Comments written, in order, as `owner/repo#n: body`. */
  readonly comments: string[] = [];

  /** `print` receives each write as one line (local mode prints it on stdout). */
  constructor(private readonly print: (line: string) => void) {}

  /** Learns what a webhook payload says about its repository, issue or pull request. */
  observe(payload: Payload): void {
    const owner = payload.repository?.owner?.login;
    const repo = payload.repository?.name;
    if (!owner || !repo) return;
    if (payload.sender?.login) this.senders.set(repoKey({ owner, repo }), payload.sender.login);
    const r = payload.repository!;
    this.repositories.set(repoKey({ owner, repo }), {
      owner,
      repo,
      nodeId: r.node_id ?? '',
      defaultBranch: r.default_branch ?? 'main',
      private: r.private === true,
      archived: r.archived === true,
    });
    this.observeRefs({ owner, repo }, payload);
    const item = payload.pull_request ?? payload.issue;
    if (!item || !Number.isSafeInteger(item.number)) return;
    const ref = key({ owner, repo, number: item.number! });
    this.issues.set(ref, { item, isPullRequest: payload.pull_request != null || item.pull_request != null });
    const milestone = item.milestone;
    if (milestone && Number.isSafeInteger(milestone.number) && milestone.title) {
      const known = this.milestones.get(repoKey({ owner, repo })) ?? new Map<number, Milestone>();
      known.set(milestone.number!, { number: milestone.number!, title: milestone.title, state: milestone.state ?? 'open' });
      this.milestones.set(repoKey({ owner, repo }), known);
    }
    if (!this.labels.has(ref)) this.labels.set(ref, names(item.labels));
    if (!this.assignees.has(ref)) this.assignees.set(ref, logins(item.assignees));
    const pr = payload.pull_request;
    if (pr) {
      this.pulls.set(ref, pr);
      if (!this.requested.has(ref)) {
        this.requested.set(ref, { users: logins(pr.requested_reviewers), teams: (pr.requested_teams ?? []).map((t) => t.slug).filter((s): s is string => Boolean(s)) });
      }
    }
    if (pr && Number.isSafeInteger(pr.additions) && Number.isSafeInteger(pr.deletions)) {
      const files = pr.changed_files ?? 1;
      const additions = pr.additions!;
      const deletions = pr.deletions!;
      this.changes.set(ref, [
        {
          filename: `(offline: ${files} changed ${files === 1 ? 'file' : 'files'}, totals from the payload)`,
          additions,
          deletions,
          changes: additions + deletions,
          status: 'modified',
        },
      ]);
    }
    const comment = payload.comment;
    if (comment && Number.isSafeInteger(comment.id) && typeof comment.body === 'string') {
      const list = this.issueComments.get(ref) ?? [];
      if (!list.some((c) => c.id === comment.id)) {
        list.push({
          id: comment.id!,
          body: comment.body,
          user: { login: comment.user?.login ?? 'ghost', type: comment.user?.type ?? 'User' },
          createdAt: comment.created_at ?? '',
          updatedAt: comment.updated_at ?? comment.created_at ?? '',
          htmlUrl: comment.html_url ?? '',
        });
        this.issueComments.set(ref, list);
      }
    }
  }

  /** A pull request's base branch was at its `base.sha` when GitHub sent it; a push says where its branch is now. */
  private observeRefs(repo: RepoRef, payload: Payload): void {
    const base = payload.pull_request?.base;
    if (base?.ref && base.sha) this.refs.set(`${repoKey(repo)} heads/${base.ref}`, base.sha);
    if (payload.ref?.startsWith('refs/') && payload.after) {
      const name = `${repoKey(repo)} ${payload.ref.slice('refs/'.length)}`;
      if (payload.deleted || /^0+$/.test(payload.after)) this.refs.delete(name);
      else this.refs.set(name, payload.after);
    }
  }

  // ---- labels ------------------------------------------------------------------------------

  async getIssueLabels(ref: IssueRef): Promise<string[]> {
    return [...(this.labels.get(key(ref)) ?? [])];
  }

  async getRepoLabels(repo: RepoRef): Promise<RepoLabel[]> {
    const prefix = `${repoKey(repo)}#`;
    let all: string[] = [];
    for (const [ref, labels] of this.labels) if (ref.startsWith(prefix)) all = union(all, labels);
    return all.map((name) => ({ name, color: 'ededed', description: '' }));
  }

  // As GitHub, each answers the issue's labels afterwards.
  async addLabel(ref: IssueRef, label: string): Promise<string[]> {
    // Label names are unique regardless of case on GitHub.
    this.labels.set(key(ref), union(this.labels.get(key(ref)) ?? [], [label]));
    this.wrote('addLabel', [ref, label]);
    return [...(this.labels.get(key(ref)) ?? [])];
  }

  async removeLabel(ref: IssueRef, label: string): Promise<string[]> {
    this.labels.set(key(ref), without(this.labels.get(key(ref)) ?? [], [label]));
    this.wrote('removeLabel', [ref, label]);
    return [...(this.labels.get(key(ref)) ?? [])];
  }

  // ---- comments ----------------------------------------------------------------------------

  async createComment(ref: IssueRef, body: string): Promise<number> {
    const id = this.nextCommentId++;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const list = this.issueComments.get(key(ref)) ?? [];
    list.push({
      id,
      body,
      user: { login: offlineBotLogin, type: 'Bot' },
      createdAt: now,
      updatedAt: now,
      htmlUrl: `https://github.com/${ref.owner}/${ref.repo}/issues/${ref.number}#issuecomment-${id}`,
    });
    this.issueComments.set(key(ref), list);
    this.comments.push(`${formatIssueRef(ref)}: ${body}`);
    this.wrote('createComment', [ref, body]);
    return id;
  }

  async listComments(ref: IssueRef): Promise<IssueComment[]> {
    return (this.issueComments.get(key(ref)) ?? []).map((c) => ({ ...c, user: { ...c.user } }));
  }

  async editComment(repo: RepoRef, id: number, body: string): Promise<void> {
    const found = this.findComment(repo, id);
    if (!found) throw offlineNotFound(`failed to edit comment ${id} in ${repo.owner}/${repo.repo}: offline, and it is no comment this process wrote or saw`);
    found.comment.body = body;
    found.comment.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.wrote('editComment', [repo, id, body]);
  }

  /** A comment that is not there is success, as on GitHub through OctokitGitHub. */
  async deleteComment(repo: RepoRef, id: number): Promise<void> {
    const found = this.findComment(repo, id);
    if (found) this.issueComments.set(found.ref, (this.issueComments.get(found.ref) ?? []).filter((c) => c !== found.comment));
    this.wrote('deleteComment', [repo, id]);
  }

  private findComment(repo: RepoRef, id: number): { ref: string; comment: IssueComment } | undefined {
    const prefix = `${repoKey(repo)}#`;
    for (const [ref, list] of this.issueComments) {
      if (!ref.startsWith(prefix)) continue;
      const comment = list.find((c) => c.id === id);
      if (comment) return { ref, comment };
    }
    return undefined;
  }

  // ---- assignees and reviews ---------------------------------------------------------------

  /** Everyone can be assigned: who GitHub would leave out is not known offline. */
  async addAssignees(ref: IssueRef, add: string[]): Promise<string[]> {
    const now = union(this.assignees.get(key(ref)) ?? [], add);
    this.assignees.set(key(ref), now);
    this.wrote('addAssignees', [ref, add]);
    return [...now];
  }

  async removeAssignees(ref: IssueRef, remove: string[]): Promise<void> {
    this.assignees.set(key(ref), without(this.assignees.get(key(ref)) ?? [], remove));
    this.wrote('removeAssignees', [ref, remove]);
  }

  async requestReviewers(ref: IssueRef, request: ReviewRequest): Promise<void> {
    const current = this.requested.get(key(ref)) ?? { users: [], teams: [] };
    this.requested.set(key(ref), { users: union(current.users, request.reviewers ?? []), teams: union(current.teams, request.teamReviewers ?? []) });
    this.wrote('requestReviewers', [ref, request]);
  }

  async removeReviewRequests(ref: IssueRef, request: ReviewRequest): Promise<void> {
    const current = this.requested.get(key(ref)) ?? { users: [], teams: [] };
    this.requested.set(key(ref), { users: without(current.users, request.reviewers ?? []), teams: without(current.teams, request.teamReviewers ?? []) });
    this.wrote('removeReviewRequests', [ref, request]);
  }

  async listReviews(): Promise<Review[]> {
    return [];
  }

  // ---- pull requests and code --------------------------------------------------------------

  async getPullRequest(ref: IssueRef): Promise<PullRequest> {
    const pr = this.pulls.get(key(ref));
    if (!pr) throw offlineNotFound(`failed to read pull request ${formatIssueRef(ref)}: offline, and no pull_request event for it has been seen`);
    const requested = this.requested.get(key(ref)) ?? { users: [], teams: [] };
    const issue = this.issueOf(key(ref), pr);
    return {
      number: ref.number,
      title: issue.title,
      body: issue.body ?? pr.body ?? '',
      state: issue.state,
      draft: pr.draft === true,
      merged: pr.merged === true,
      mergeable: pr.mergeable ?? null,
      mergeableState: pr.mergeable_state ?? 'unknown',
      milestone: issue.milestone,
      user: { login: pr.user?.login ?? 'ghost', type: pr.user?.type ?? 'User' },
      htmlUrl: pr.html_url ?? `https://github.com/${ref.owner}/${ref.repo}/pull/${ref.number}`,
      head: { ref: pr.head?.ref ?? '', sha: pr.head?.sha ?? '' },
      base: { ref: pr.base?.ref ?? '', sha: pr.base?.sha ?? '' },
      labels: [...(this.labels.get(key(ref)) ?? [])],
      assignees: [...(this.assignees.get(key(ref)) ?? [])],
      requestedReviewers: [...requested.users],
      requestedTeams: [...requested.teams],
    };
  }

  /** Pull requests seen in pull_request payloads that are open now, into `base` if given. */
  async listPullRequests(repo: RepoRef, options: { base?: string }): Promise<PullRequest[]> {
    const prefix = `${repoKey(repo)}#`;
    const open: PullRequest[] = [];
    for (const [ref, pr] of this.pulls) {
      if (!ref.startsWith(prefix) || !Number.isSafeInteger(pr.number)) continue;
      const read = await this.getPullRequest({ ...repo, number: pr.number! });
      if (read.state === 'open' && (options.base === undefined || read.base.ref === options.base)) open.push(read);
    }
    return open.sort((a, b) => a.number - b.number);
  }

  /** Payloads carry a pull request's head SHA but not its commits, so none are known. */
  async listPullRequestCommits(): Promise<Commit[]> {
    return [];
  }

  async getIssue(ref: IssueRef): Promise<Issue> {
    const seen = this.issues.get(key(ref));
    if (!seen) throw offlineNotFound(`failed to read issue ${formatIssueRef(ref)}: offline, and no event for it has been seen`);
    const { item, isPullRequest } = seen;
    const issue = this.issueOf(key(ref), item);
    return {
      number: ref.number,
      nodeId: item.node_id ?? '',
      title: issue.title,
      body: issue.body ?? item.body ?? '',
      state: issue.state,
      stateReason: issue.stateReason,
      isPullRequest,
      user: { login: item.user?.login ?? 'ghost', type: item.user?.type ?? 'User' },
      labels: [...(this.labels.get(key(ref)) ?? [])],
      assignees: [...(this.assignees.get(key(ref)) ?? [])],
      milestone: issue.milestone,
      htmlUrl: item.html_url ?? `https://github.com/${ref.owner}/${ref.repo}/${isPullRequest ? 'pull' : 'issues'}/${ref.number}`,
    };
  }

  /**
   * Changes what getIssue and getPullRequest answer. A milestone number must be one seen on a
   * payload: GitHub answers 422 for one the repository does not have.
   */
  async updateIssue(ref: IssueRef, update: IssueUpdate): Promise<void> {
    const next = { ...this.updates.get(key(ref)) };
    if (update.milestone !== undefined) {
      if (update.milestone === null) next.milestone = null;
      else {
        const milestone = this.milestones.get(repoKey(ref))?.get(update.milestone);
        if (!milestone) {
          throw new GitHubError(`failed to update ${formatIssueRef(ref)}: offline, and milestone ${update.milestone} was seen on no event`, {
            cause: Object.assign(new Error('offline: milestone not known from the payloads seen'), { status: 422 }),
          });
        }
        next.milestone = milestone.title;
      }
    }
    if (update.title !== undefined) next.title = update.title;
    if (update.body !== undefined) next.body = update.body;
    if (update.state !== undefined) {
      next.state = update.state;
      // GitHub says `completed` for a close without a reason, and `reopened` for a reopen.
      next.stateReason = update.stateReason ?? (update.state === 'closed' ? 'completed' : 'reopened');
    } else if (update.stateReason !== undefined) next.stateReason = update.stateReason;
    this.updates.set(key(ref), next);
    this.wrote('updateIssue', [ref, update]);
  }

  /** Milestones seen on the payloads' issues and pull requests, by number. */
  async listMilestones(repo: RepoRef): Promise<Milestone[]> {
    return [...(this.milestones.get(repoKey(repo))?.values() ?? [])].sort((a, b) => a.number - b.number).map((m) => ({ ...m }));
  }

  /** Printed only: the issue stays where the payloads put it (GitHub would number it anew there). */
  async transferIssue(ref: IssueRef, issueNodeId: string, destination: Repository): Promise<string> {
    this.wrote('transferIssue', [ref, issueNodeId, destination]);
    return '';
  }

  async pinIssue(ref: IssueRef, issueNodeId: string): Promise<void> {
    this.wrote('pinIssue', [ref, issueNodeId]);
  }

  async unpinIssue(ref: IssueRef, issueNodeId: string): Promise<void> {
    this.wrote('unpinIssue', [ref, issueNodeId]);
  }

  /** Nothing offline can search a repository (see the header). */
  async countIssues(): Promise<number> {
    return 0;
  }

  async createStatus(repo: RepoRef, sha: string, status: CommitStatus): Promise<void> {
    const commit = `${repoKey(repo)}@${sha.toLowerCase()}`;
    const contexts = this.statuses.get(commit) ?? new Map<string, CommitStatus>();
    contexts.set(status.context, { ...status });
    this.statuses.set(commit, contexts);
    this.wrote('createStatus', [repo, sha, status]);
  }

  /** The statuses set here, the latest per context. */
  async listStatuses(repo: RepoRef, sha: string): Promise<CommitStatus[]> {
    return [...(this.statuses.get(`${repoKey(repo)}@${sha.toLowerCase()}`)?.values() ?? [])].map((s) => ({ ...s }));
  }

  /** No branches are known; deleting one is success, as deleting one already gone is on GitHub. */
  async deleteBranch(repo: RepoRef, branch: string): Promise<void> {
    this.wrote('deleteBranch', [repo, branch]);
  }

  /** Printed, and no run follows: nothing offline runs workflows (local mode runs jobs on the local agent). */
  async dispatchWorkflow(repo: RepoRef, workflow: string, ref: string, inputs: Record<string, string>): Promise<WorkflowDispatched> {
    this.wrote('dispatchWorkflow', [repo, workflow, ref, inputs]);
    return {};
  }

  async listWorkflowRuns(): Promise<WorkflowRun[]> {
    return [];
  }

  /** No run exists offline; cancelling one is success, as cancelling a completed run is. */
  async cancelWorkflowRun(repo: RepoRef, runId: number): Promise<void> {
    this.wrote('cancelWorkflowRun', [repo, runId]);
  }

  /** The payload's title, body, state and milestone, under what updateIssue set. */
  private issueOf(ref: string, item: PayloadItem): { title: string; body: string | undefined; state: string; stateReason: string | null; milestone: string | undefined } {
    const update = this.updates.get(ref) ?? {};
    const milestone = update.milestone === undefined ? item.milestone?.title : update.milestone;
    return {
      title: update.title ?? item.title ?? '',
      body: update.body,
      state: update.state ?? item.state ?? 'open',
      stateReason: update.stateReason !== undefined ? update.stateReason : (item.state_reason ?? null),
      milestone: milestone ?? undefined,
    };
  }

  async getPullRequestChanges(ref: IssueRef): Promise<PullRequestChange[]> {
    return (this.changes.get(key(ref)) ?? []).map((c) => ({ ...c }));
  }

  async getFile(): Promise<string | undefined> {
    return undefined;
  }

  /** No files are known, so every tree is git's empty tree. */
  async getTree(): Promise<GitTree> {
    return { sha: emptyTreeSha, entries: [], truncated: false };
  }

  /** No blobs are known offline (every tree is empty), so none are answered. */
  async getBlobs(): Promise<Record<string, string>> {
    return {};
  }

  /** Every commit has git's empty tree, as getTree answers. */
  async getCommit(_repo: RepoRef, sha: string): Promise<GitCommit> {
    return { sha, treeSha: emptyTreeSha };
  }

  async getBlob(repo: RepoRef, sha: string): Promise<string> {
    throw offlineNotFound(`failed to read the blob ${sha} of ${repo.owner}/${repo.repo}: offline, no repository contents are known`);
  }

  /** A repository a payload named; any other is none, as GitHub's 404 would say. */
  async getRepo(repo: RepoRef): Promise<Repository | undefined> {
    const seen = this.repositories.get(repoKey(repo));
    return seen && { ...seen };
  }

  async getBranchSha(repo: RepoRef, branch: string): Promise<string> {
    const sha = this.refs.get(`${repoKey(repo)} heads/${branch}`);
    if (sha === undefined) throw offlineNotFound(`failed to read the branch ${branch} of ${repo.owner}/${repo.repo}: offline, and no pull_request or push event has said where it is`);
    return sha;
  }

  async getRef(repo: RepoRef, ref: string): Promise<string> {
    const sha = this.refs.get(`${repoKey(repo)} ${ref}`);
    if (sha === undefined) throw offlineNotFound(`failed to read the ref ${ref} of ${repo.owner}/${repo.repo}: offline, and no pull_request or push event has said where it is`);
    return sha;
  }

  /** No branch is known to be protected: nothing here could say it is. */
  async getBranchProtection(): Promise<BranchProtection | undefined> {
    return undefined;
  }

  // ---- people ------------------------------------------------------------------------------

  /**
   * `write` for the sender of the last event on the repository, `read` for anyone else. Offline
   * means someone trying Skiff on their own events (`skiff phony`, a sample payload): treating
   * its sender as a collaborator lets commands that need write access (`/lgtm`, `/approve`) be
   * tried, while everyone else gets what anyone has on a public repository.
   */
  async getRepoRole(repo: RepoRef, login: string): Promise<RepoRole> {
    const sender = this.senders.get(repoKey(repo));
    return sender !== undefined && same(sender, login) ? 'write' : 'read';
  }

  /** The one person known to have access: the latest event's sender (see getRepoRole). */
  async listCollaborators(repo: RepoRef): Promise<string[]> {
    const sender = this.senders.get(repoKey(repo));
    return sender === undefined ? [] : [sender];
  }

  /** Nothing offline says who is in an organization or team, so nobody is. */
  async isOrgMember(): Promise<boolean> {
    return false;
  }

  async listTeams(): Promise<Team[]> {
    return [];
  }

  async isTeamMember(): Promise<boolean> {
    return false;
  }

  /** One line per write: a comment's own line breaks are shown as `\n`. */
  private wrote<M extends GitHubMethod>(method: M, args: Parameters<GitHubClient[M]>): void {
    this.print(`dry-run: ${describeCall(method, args).replace(/\r\n|\r|\n/g, '\\n')}`);
  }
}
