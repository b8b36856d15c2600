// GitHubClient over Octokit. Each method is one REST call (or one paginated listing, 100 a
// page), wraps failures with the call's context, and treats "already in that state" as success.
import type { Octokit } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';
import type {
  BranchProtection,
  Commit,
  CommitStatus,
  GitHubClient,
  GitHubUser,
  GitCommit,
  GitTree,
  Issue,
  IssueComment,
  IssueRef,
  IssueUpdate,
  Milestone,
  PullRequest,
  PullRequestChange,
  RepoLabel,
  RepoRef,
  RepoRole,
  Repository,
  Review,
  ReviewRequest,
  ReviewState,
  StatusState,
  Team,
  WorkflowDispatched,
  WorkflowRun,
} from './client.js';
import { formatIssueRef } from './client.js';
import { GitHubError } from './errors.js';

const status = (error: unknown) => (error as { status?: number }).status;
const repoName = (repo: RepoRef) => `${repo.owner}/${repo.repo}`;
const issueParams = (ref: IssueRef) => ({ owner: ref.owner, repo: ref.repo, issue_number: ref.number });
const pullParams = (ref: IssueRef) => ({ owner: ref.owner, repo: ref.repo, pull_number: ref.number });

/** Blobs per GraphQL query: OWNERS files are small, and a large answer is slower than two. */
export const blobsPerQuery = 50;

/** GitHub shows a deleted account as null; it is the `ghost` user on github.com. */
const userOf = (user: { login: string; type?: string } | null | undefined): GitHubUser => ({ login: user?.login ?? 'ghost', type: user?.type ?? 'User' });

/** The names in a label write's answer; `undefined` if it is not the list GitHub documents. */
const labelNames = (data: unknown): string[] | undefined =>
  Array.isArray(data) ? data.flatMap((l: { name?: unknown } | null) => (typeof l?.name === 'string' ? [l.name] : [])) : undefined;

/**
 * Any Octokit with `request` and pagination: production passes SkiffOctokit (with retries and
 * throttling), unit tests a plain one over the in-process fake GitHub. Calls name their REST
 * routes (`POST /repos/{owner}/{repo}/issues/{issue_number}/labels`) rather than going through
 * `octokit.rest`, whose table of every GitHub endpoint was 80 KiB of the plugins bundle.
 */
export type RestOctokit = Pick<Octokit, 'request' | 'graphql'> & { paginate: PaginateInterface };

export class OctokitGitHub implements GitHubClient {
  constructor(private readonly octokit: RestOctokit) {}

  // Both label writes answer with the issue's labels afterwards (all of them: GitHub does not
  // page these answers), https://docs.github.com/en/rest/issues/labels#add-labels-to-an-issue and
  // #remove-a-label-from-an-issue, so a plugin needs no read to know what is left.
  async addLabel(ref: IssueRef, label: string): Promise<string[] | undefined> {
    try {
      const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { owner: ref.owner, repo: ref.repo, issue_number: ref.number, labels: [label] });
      return labelNames(data);
    } catch (cause) {
      throw new GitHubError(`failed to add label ${label} to ${formatIssueRef(ref)}`, { cause });
    }
  }

  async removeLabel(ref: IssueRef, label: string): Promise<string[] | undefined> {
    try {
      const { data } = await this.octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', { owner: ref.owner, repo: ref.repo, issue_number: ref.number, name: label });
      return labelNames(data);
    } catch (cause) {
      // 404: the label is not on the issue (any more), which is the state we wanted; the 404 does
      // not say which labels are.
      if (status(cause) === 404) return undefined;
      throw new GitHubError(`failed to remove label ${label} from ${formatIssueRef(ref)}`, { cause });
    }
  }

  async getIssueLabels(ref: IssueRef): Promise<string[]> {
    try {
      const labels = await this.octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner: ref.owner,
        repo: ref.repo,
        issue_number: ref.number,
        per_page: 100,
      });
      return labels.map((l) => l.name);
    } catch (cause) {
      throw new GitHubError(`failed to list labels of ${formatIssueRef(ref)}`, { cause });
    }
  }

  async getPullRequestChanges(ref: IssueRef): Promise<PullRequestChange[]> {
    try {
      const files = await this.octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.number,
        per_page: 100,
      });
      return files.map((f) => ({
        filename: f.filename,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.changes,
        status: f.status,
        ...(f.previous_filename === undefined ? {} : { previousFilename: f.previous_filename }),
      }));
    } catch (cause) {
      throw new GitHubError(`failed to list changed files of ${formatIssueRef(ref)}`, { cause });
    }
  }

  async getFile(repo: RepoRef, path: string, commit: string): Promise<string | undefined> {
    const fetched = await this.getContent(repo, path, commit);
    return fetched.status === 'ok' ? fetched.text : undefined;
  }

  /**
   * A file's raw text, revalidated with its ETag: a 304 answer costs no rate limit
   * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
   */
  async getContent(repo: RepoRef, path: string, ref: string | undefined, etag?: string): Promise<ContentResult> {
    try {
      const response = await this.octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
        owner: repo.owner,
        repo: repo.repo,
        path,
        ...(ref ? { ref } : {}),
        mediaType: { format: 'raw' },
        headers: etag ? { 'if-none-match': etag } : {},
      });
      // A directory: GitHub ignores the raw media type and lists its children as JSON.
      if (Array.isArray(response.data)) {
        const entries = response.data.map(({ name, path, type, sha }) => ({ name, path, type, sha }));
        return { status: 'directory', entries, etag: response.headers.etag };
      }
      return { status: 'ok', text: String(response.data), etag: response.headers.etag };
    } catch (cause) {
      if (status(cause) === 304) return { status: 'not-modified' };
      if (status(cause) === 404) return { status: 'not-found' };
      throw new GitHubError(`failed to read ${repo.owner}/${repo.repo}/${path}${ref ? `@${ref}` : ''}`, { cause });
    }
  }

  async getRepoLabels(repo: RepoRef, options: { revalidate?: boolean } = {}): Promise<RepoLabel[]> {
    try {
      // `Cache-Control: no-cache` (RFC 9111 §5.2.1.4) tells the container's cache (etag-cache.ts)
      // to ask GitHub, conditionally, rather than reuse its copy; pagination sends the header with
      // every page.
      const labels = await this.octokit.paginate('GET /repos/{owner}/{repo}/labels', {
        owner: repo.owner,
        repo: repo.repo,
        per_page: 100,
        ...(options.revalidate ? { headers: { 'cache-control': 'no-cache' } } : {}),
      });
      return labels.map((l) => ({ name: l.name, color: l.color, description: l.description ?? '' }));
    } catch (cause) {
      throw new GitHubError(`failed to list the labels of ${repoName(repo)}`, { cause });
    }
  }

  async createComment(ref: IssueRef, body: string): Promise<number> {
    try {
      const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...issueParams(ref), body });
      return Number(data.id);
    } catch (cause) {
      throw new GitHubError(`failed to comment on ${formatIssueRef(ref)}`, { cause });
    }
  }

  async listComments(ref: IssueRef): Promise<IssueComment[]> {
    try {
      const comments = await this.octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...issueParams(ref), per_page: 100 });
      return comments.map((c) => ({
        id: c.id,
        body: c.body ?? '',
        user: userOf(c.user),
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        htmlUrl: c.html_url,
      }));
    } catch (cause) {
      throw new GitHubError(`failed to list comments of ${formatIssueRef(ref)}`, { cause });
    }
  }

  async editComment(repo: RepoRef, id: number, body: string): Promise<void> {
    try {
      await this.octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: repo.owner, repo: repo.repo, comment_id: id, body });
    } catch (cause) {
      throw new GitHubError(`failed to edit comment ${id} in ${repoName(repo)}`, { cause });
    }
  }

  async deleteComment(repo: RepoRef, id: number): Promise<void> {
    try {
      await this.octokit.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: repo.owner, repo: repo.repo, comment_id: id });
    } catch (cause) {
      // 404: already deleted (by someone else, or by an earlier attempt of this delivery).
      if (status(cause) === 404) return;
      throw new GitHubError(`failed to delete comment ${id} in ${repoName(repo)}`, { cause });
    }
  }

  async addAssignees(ref: IssueRef, logins: string[]): Promise<string[]> {
    try {
      const { data } = await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/assignees', { ...issueParams(ref), assignees: logins });
      return (data.assignees ?? []).map((a) => a.login);
    } catch (cause) {
      throw new GitHubError(`failed to assign ${logins.join(', ')} to ${formatIssueRef(ref)}`, { cause });
    }
  }

  /** Removing someone who is not assigned is success: GitHub answers 200 and changes nothing. */
  async removeAssignees(ref: IssueRef, logins: string[]): Promise<void> {
    try {
      await this.octokit.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees', { ...issueParams(ref), assignees: logins });
    } catch (cause) {
      throw new GitHubError(`failed to unassign ${logins.join(', ')} from ${formatIssueRef(ref)}`, { cause });
    }
  }

  async requestReviewers(ref: IssueRef, request: ReviewRequest): Promise<void> {
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { ...pullParams(ref), reviewers: request.reviewers ?? [], team_reviewers: request.teamReviewers ?? [] });
    } catch (cause) {
      throw new GitHubError(`failed to request reviews from ${describeRequest(request)} on ${formatIssueRef(ref)}`, { cause });
    }
  }

  async removeReviewRequests(ref: IssueRef, request: ReviewRequest): Promise<void> {
    try {
      await this.octokit.request('DELETE /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', { ...pullParams(ref), reviewers: request.reviewers ?? [], team_reviewers: request.teamReviewers ?? [] });
    } catch (cause) {
      throw new GitHubError(`failed to remove review requests for ${describeRequest(request)} on ${formatIssueRef(ref)}`, { cause });
    }
  }

  async listReviews(ref: IssueRef): Promise<Review[]> {
    try {
      const reviews = await this.octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { ...pullParams(ref), per_page: 100 });
      return reviews.map((r) => ({
        id: r.id,
        // GitHub sends the state upper-case (APPROVED, CHANGES_REQUESTED, ...).
        state: r.state as ReviewState,
        body: r.body ?? '',
        user: userOf(r.user),
        submittedAt: r.submitted_at ?? '',
        commitId: r.commit_id ?? '',
        htmlUrl: r.html_url,
      }));
    } catch (cause) {
      throw new GitHubError(`failed to list reviews of ${formatIssueRef(ref)}`, { cause });
    }
  }

  async getPullRequest(ref: IssueRef): Promise<PullRequest> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', pullParams(ref));
      return pullRequestOf(data);
    } catch (cause) {
      throw new GitHubError(`failed to read pull request ${formatIssueRef(ref)}`, { cause });
    }
  }

  /**
   * GitHub's listing leaves out `merged`, `mergeable` and `mergeable_state` (it computes them
   * only for one pull request at a time): they come back as `merged_at` set, `null` and `unknown`.
   */
  async listPullRequests(repo: RepoRef, options: { base?: string }): Promise<PullRequest[]> {
    try {
      const pulls = await this.octokit.paginate('GET /repos/{owner}/{repo}/pulls', {
        owner: repo.owner,
        repo: repo.repo,
        state: 'open',
        ...(options.base === undefined ? {} : { base: options.base }),
        per_page: 100,
      });
      return pulls.map(pullRequestOf);
    } catch (cause) {
      throw new GitHubError(`failed to list the open pull requests of ${repoName(repo)}${options.base === undefined ? '' : ` into ${options.base}`}`, { cause });
    }
  }

  async listPullRequestCommits(ref: IssueRef): Promise<Commit[]> {
    try {
      const commits = await this.octokit.paginate('GET /repos/{owner}/{repo}/pulls/{pull_number}/commits', { ...pullParams(ref), per_page: 100 });
      return commits.map((c) => ({
        sha: c.sha,
        message: c.commit.message,
        // null when GitHub matched the commit's email to no account.
        authorLogin: c.author?.login ?? undefined,
        authorName: c.commit.author?.name ?? '',
        authorEmail: c.commit.author?.email ?? '',
        committerName: c.commit.committer?.name ?? '',
        committerEmail: c.commit.committer?.email ?? '',
        parents: c.parents.map((p) => p.sha),
      }));
    } catch (cause) {
      throw new GitHubError(`failed to list the commits of ${formatIssueRef(ref)}`, { cause });
    }
  }

  async getIssue(ref: IssueRef): Promise<Issue> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', issueParams(ref));
      return {
        number: data.number,
        nodeId: data.node_id,
        title: data.title,
        body: data.body ?? '',
        state: data.state,
        stateReason: data.state_reason ?? null,
        // The issues API answers for pull requests too, marking them with this link.
        isPullRequest: data.pull_request !== undefined && data.pull_request !== null,
        user: userOf(data.user),
        labels: data.labels.flatMap((l) => (typeof l === 'string' ? [l] : l.name ? [l.name] : [])),
        assignees: (data.assignees ?? []).map((a) => a.login),
        milestone: data.milestone?.title ?? undefined,
        htmlUrl: data.html_url,
      };
    } catch (cause) {
      throw new GitHubError(`failed to read issue ${formatIssueRef(ref)}`, { cause });
    }
  }

  /** Sends only the fields given: an absent field is left as it is, `milestone: null` clears it. */
  async updateIssue(ref: IssueRef, update: IssueUpdate): Promise<void> {
    try {
      await this.octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...issueParams(ref),
        ...(update.title === undefined ? {} : { title: update.title }),
        ...(update.body === undefined ? {} : { body: update.body }),
        ...(update.state === undefined ? {} : { state: update.state }),
        ...(update.stateReason === undefined ? {} : { state_reason: update.stateReason }),
        ...(update.milestone === undefined ? {} : { milestone: update.milestone }),
      });
    } catch (cause) {
      throw new GitHubError(`failed to update ${formatIssueRef(ref)} (${Object.keys(update).join(', ') || 'nothing'})`, { cause });
    }
  }

  /** GitHub lists only open milestones unless asked for `all`. */
  async listMilestones(repo: RepoRef): Promise<Milestone[]> {
    try {
      const milestones = await this.octokit.paginate('GET /repos/{owner}/{repo}/milestones', { owner: repo.owner, repo: repo.repo, state: 'all', per_page: 100 });
      return milestones.map((m) => ({ number: m.number, title: m.title, state: m.state }));
    } catch (cause) {
      throw new GitHubError(`failed to list the milestones of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * GraphQL is the only API for moving an issue
   * (https://docs.github.com/en/graphql/reference/mutations#transferissue). GitHub answers a
   * refusal (no access, a private issue into a public repository) as 200 with `errors`, which
   * Octokit throws as a GraphqlResponseError: no HTTP status, so terminal, as it should be.
   */
  async transferIssue(ref: IssueRef, issueNodeId: string, destination: Repository): Promise<string> {
    const mutation = 'mutation($input: TransferIssueInput!) { transferIssue(input: $input) { issue { url } } }';
    try {
      const data = await this.octokit.graphql<{ transferIssue: { issue: { url: string } | null } | null }>(mutation, {
        input: { issueId: issueNodeId, repositoryId: destination.nodeId },
      });
      return data.transferIssue?.issue?.url ?? '';
    } catch (cause) {
      throw new GitHubError(`failed to transfer ${formatIssueRef(ref)} to ${repoName(destination)}`, { cause });
    }
  }

  /** https://docs.github.com/en/graphql/reference/mutations#pinissue */
  async pinIssue(ref: IssueRef, issueNodeId: string): Promise<void> {
    await this.pinMutation('pinIssue', 'PinIssueInput', ref, issueNodeId);
  }

  /** https://docs.github.com/en/graphql/reference/mutations#unpinissue */
  async unpinIssue(ref: IssueRef, issueNodeId: string): Promise<void> {
    await this.pinMutation('unpinIssue', 'UnpinIssueInput', ref, issueNodeId);
  }

  private async pinMutation(name: 'pinIssue' | 'unpinIssue', input: string, ref: IssueRef, issueNodeId: string): Promise<void> {
    try {
      await this.octokit.graphql(`mutation($input: ${input}!) { ${name}(input: $input) { issue { id } } }`, { input: { issueId: issueNodeId } });
    } catch (cause) {
      throw new GitHubError(`failed to ${name === 'pinIssue' ? 'pin' : 'unpin'} ${formatIssueRef(ref)}`, { cause });
    }
  }

  /** 404 is no repository, or one the bot may not see: GitHub does not tell them apart. */
  async getRepo(repo: RepoRef): Promise<Repository | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}', { owner: repo.owner, repo: repo.repo });
      return {
        owner: data.owner.login,
        repo: data.name,
        nodeId: data.node_id,
        defaultBranch: data.default_branch,
        private: data.private,
        archived: data.archived,
      };
    } catch (cause) {
      if (status(cause) === 404) return undefined;
      throw new GitHubError(`failed to read the repository ${repoName(repo)}`, { cause });
    }
  }

  async getBranchSha(repo: RepoRef, branch: string): Promise<string> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/branches/{branch}', { owner: repo.owner, repo: repo.repo, branch });
      return data.commit.sha;
    } catch (cause) {
      throw new GitHubError(`failed to read the branch ${branch} of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * `git/ref/{ref}` (singular) matches the ref exactly, where Prow's `git/refs/{ref}` does a
   * prefix match and must pick the exact one out of a list
   * (https://docs.github.com/en/rest/git/refs#get-a-reference). The ref's slashes are sent as
   * slashes (`{+ref}`, each segment encoded on its own): GitHub Enterprise Server answers 404 to
   * `heads%2Fmain` (google/go-github#1432). A ref that does not exist is GitHub's 404, thrown like
   * any other failure: a caller that asks for a branch's head has no SHA to go on without it.
   */
  async getRef(repo: RepoRef, ref: string): Promise<string> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/ref/{+ref}', { owner: repo.owner, repo: repo.repo, ref: ref.split('/').map(encodeURIComponent).join('/') });
      return (data as { object: { sha: string } }).object.sha;
    } catch (cause) {
      throw new GitHubError(`failed to read the ref ${ref} of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * Prow's GetBranchProtection: 404 is an unprotected branch (or one the token may not see the
   * protection of: reading it needs admin rights on the repository, as in Prow).
   */
  async getBranchProtection(repo: RepoRef, branch: string): Promise<BranchProtection | undefined> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/branches/{branch}/protection', { owner: repo.owner, repo: repo.repo, branch });
      const checks = data.required_status_checks;
      return checks ? { requiredStatusChecks: { contexts: [...(checks.contexts ?? [])] } } : {};
    } catch (cause) {
      if (status(cause) === 404) return undefined;
      throw new GitHubError(`failed to read the protection of the branch ${branch} of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * One search request for its `total_count` (one result a page, since only the count is
   * wanted). Search has its own rate limit, 30 requests a minute
   * (https://docs.github.com/en/rest/search/search#rate-limit), so a plugin asks it sparingly.
   */
  async countIssues(repo: RepoRef, query: string): Promise<number> {
    const q = `${query} repo:${repo.owner}/${repo.repo}`;
    try {
      const { data } = await this.octokit.request('GET /search/issues', { q, per_page: 1 });
      return data.total_count;
    } catch (cause) {
      throw new GitHubError(`failed to search ${repoName(repo)} for ${JSON.stringify(query)}`, { cause });
    }
  }

  /** An empty target URL is left out: GitHub refuses one that is no URL. */
  async createStatus(repo: RepoRef, sha: string, status: CommitStatus): Promise<void> {
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        owner: repo.owner,
        repo: repo.repo,
        sha,
        state: status.state,
        context: status.context,
        description: status.description,
        ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      });
    } catch (cause) {
      throw new GitHubError(`failed to set the status ${status.context} of ${repoName(repo)}@${sha} to ${status.state}`, { cause });
    }
  }

  /**
   * The combined status: GitHub keeps only the latest status of each context in it (the plain
   * statuses listing has every one ever set). Its `statuses` array is paged like a list, so
   * every page is read, as Prow's GetCombinedStatus does.
   */
  async listStatuses(repo: RepoRef, sha: string): Promise<CommitStatus[]> {
    try {
      const statuses: CommitStatus[] = [];
      const pages = this.octokit.paginate.iterator('GET /repos/{owner}/{repo}/commits/{ref}/status', { owner: repo.owner, repo: repo.repo, ref: sha, per_page: 100 });
      for await (const response of pages) {
        // The combined status has a `url`, so the paginator leaves it an object (it only unwraps
        // search-like answers); its 409 answer (an empty repository) comes as an empty array.
        const data = response.data as unknown as { statuses?: CombinedStatusEntry[] } | [];
        for (const s of Array.isArray(data) ? [] : (data.statuses ?? [])) {
          statuses.push({ context: s.context, state: s.state as StatusState, description: s.description ?? '', targetUrl: s.target_url ?? '' });
        }
      }
      return statuses;
    } catch (cause) {
      throw new GitHubError(`failed to list the statuses of ${repoName(repo)}@${sha}`, { cause });
    }
  }

  /** 404, or 422 "Reference does not exist": the branch is already gone, which is what we wanted. */
  async deleteBranch(repo: RepoRef, branch: string): Promise<void> {
    try {
      await this.octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { owner: repo.owner, repo: repo.repo, ref: `heads/${branch}` });
    } catch (cause) {
      if (status(cause) === 404) return;
      if (status(cause) === 422 && /reference does not exist/i.test(String((cause as { message?: unknown }).message))) return;
      throw new GitHubError(`failed to delete the branch ${branch} of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * Asks for the run's id (`return_run_details`, github.com since February 2026:
   * https://github.blog/changelog/2026-02-19-workflow-dispatch-api-now-returns-run-ids); a GitHub
   * Enterprise Server that does not know the parameter refuses it, and is asked again without.
   */
  async dispatchWorkflow(repo: RepoRef, workflow: string, ref: string, inputs: Record<string, string>): Promise<WorkflowDispatched> {
    const route = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches' as const;
    const params = { owner: repo.owner, repo: repo.repo, workflow_id: workflow, ref, inputs };
    try {
      let response;
      try {
        response = await this.octokit.request(route, { ...params, return_run_details: true });
      } catch (cause) {
        const refused = (status(cause) === 400 || status(cause) === 422) && /return_run_details/.test(String((cause as { message?: unknown }).message));
        if (!refused) throw cause;
        response = await this.octokit.request(route, params);
      }
      const data = response.data as { workflow_run_id?: number | bigint; html_url?: string } | undefined;
      return {
        ...(data?.workflow_run_id === undefined ? {} : { runId: Number(data.workflow_run_id) }),
        ...(data?.html_url === undefined ? {} : { htmlUrl: data.html_url }),
      };
    } catch (cause) {
      throw new GitHubError(`failed to dispatch the workflow ${workflow} of ${repoName(repo)} on ${ref}`, { cause });
    }
  }

  async listWorkflowRuns(repo: RepoRef, workflow: string, options: { event?: string; branch?: string; createdSince?: string }): Promise<WorkflowRun[]> {
    try {
      const runs = await this.octokit.paginate('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
        owner: repo.owner,
        repo: repo.repo,
        workflow_id: workflow,
        ...(options.event === undefined ? {} : { event: options.event }),
        ...(options.branch === undefined ? {} : { branch: options.branch }),
        ...(options.createdSince === undefined ? {} : { created: `>=${options.createdSince}` }),
        per_page: 100,
      });
      return runs.map(workflowRunOf);
    } catch (cause) {
      throw new GitHubError(`failed to list the runs of the workflow ${workflow} of ${repoName(repo)}`, { cause });
    }
  }

  /** 409: the run already completed, which is as stopped as it gets. */
  async cancelWorkflowRun(repo: RepoRef, runId: number): Promise<void> {
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', { owner: repo.owner, repo: repo.repo, run_id: runId });
    } catch (cause) {
      if (status(cause) === 409) return;
      throw new GitHubError(`failed to cancel the workflow run ${runId} of ${repoName(repo)}`, { cause });
    }
  }

  /** GitHub takes a tree SHA, a commit SHA or a ref name; `recursive` lists every level. */
  async getTree(repo: RepoRef, sha: string): Promise<GitTree> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner: repo.owner, repo: repo.repo, tree_sha: sha, recursive: '1' });
      const entries = data.tree.flatMap((e) => (e.path !== undefined && e.type !== undefined && e.sha !== undefined ? [{ path: e.path, type: e.type, sha: e.sha }] : []));
      return { sha: data.sha, entries, truncated: data.truncated };
    } catch (cause) {
      throw new GitHubError(`failed to read the tree ${sha} of ${repoName(repo)}`, { cause });
    }
  }

  /** A commit by SHA (GET git/commits/{sha}): its tree's SHA without the tree. */
  async getCommit(repo: RepoRef, sha: string): Promise<GitCommit> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { owner: repo.owner, repo: repo.repo, commit_sha: sha });
      return { sha: data.sha, treeSha: data.tree.sha };
    } catch (cause) {
      throw new GitHubError(`failed to read the commit ${sha} of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * One GraphQL query per `blobsPerQuery` blobs, each an aliased `object(oid:)`: GitHub counts a
   * query by the nodes it may return, so 50 blobs cost about one point of the 5,000 an hour
   * (https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api).
   */
  async getBlobs(repo: RepoRef, shas: readonly string[]): Promise<Record<string, string>> {
    const texts: Record<string, string> = {};
    const unique = [...new Set(shas)];
    for (let i = 0; i < unique.length; i += blobsPerQuery) {
      const chunk = unique.slice(i, i + blobsPerQuery);
      const fields = chunk.map((_, j) => `b${j}: object(oid: $o${j}) { ... on Blob { text isBinary } }`).join(' ');
      const params = chunk.map((_, j) => `$o${j}: GitObjectID!`).join(', ');
      const query = `query($owner: String!, $name: String!, ${params}) { repository(owner: $owner, name: $name) { ${fields} } }`;
      const variables = Object.fromEntries(chunk.map((sha, j) => [`o${j}`, sha]));
      try {
        const data = await this.octokit.graphql<{ repository: Record<string, { text?: string | null; isBinary?: boolean } | null> | null }>(query, {
          owner: repo.owner,
          name: repo.repo,
          ...variables,
        });
        chunk.forEach((sha, j) => {
          const blob = data.repository?.[`b${j}`];
          if (blob && !blob.isBinary && typeof blob.text === 'string') texts[sha] = blob.text;
        });
      } catch (cause) {
        throw new GitHubError(`failed to read ${chunk.length} blobs of ${repoName(repo)}`, { cause });
      }
    }
    return texts;
  }

  async getBlob(repo: RepoRef, sha: string): Promise<string> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner: repo.owner, repo: repo.repo, file_sha: sha });
      // JSON with base64 content (line-wrapped), or utf-8 for a raw media type set on the client.
      if (typeof data === 'string') return data;
      return data.encoding === 'base64' ? Buffer.from(data.content, 'base64').toString('utf8') : data.content;
    } catch (cause) {
      throw new GitHubError(`failed to read the blob ${sha} of ${repoName(repo)}`, { cause });
    }
  }

  /**
   * `role_name` is the effective role after every grant, custom roles included; `permission`
   * (admin, write, read, none) is the older name for it. GitHub answers 404 for a login that is
   * no user, which has no role.
   */
  async listCollaborators(repo: RepoRef): Promise<string[]> {
    try {
      const users = await this.octokit.paginate('GET /repos/{owner}/{repo}/collaborators', { owner: repo.owner, repo: repo.repo, affiliation: 'all', per_page: 100 });
      return users.map((u) => u.login);
    } catch (cause) {
      throw new GitHubError(`failed to list the collaborators of ${repoName(repo)}`, { cause });
    }
  }

  async getRepoRole(repo: RepoRef, login: string): Promise<RepoRole> {
    try {
      const { data } = await this.octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner: repo.owner, repo: repo.repo, username: login });
      return (data as { role_name?: string }).role_name || data.permission;
    } catch (cause) {
      if (status(cause) === 404) return 'none';
      throw new GitHubError(`failed to read the role of ${login} in ${repoName(repo)}`, { cause });
    }
  }

  /**
   * 204 a member, 404 not. When the bot is no member itself GitHub answers 302 to the public
   * check; fetch follows it, so the answer is then whether the membership is public
   * (https://docs.github.com/en/rest/orgs/members#check-organization-membership-for-a-user).
   * A 302 that reaches us anyway (a fetch told not to follow) is followed here.
   */
  async isOrgMember(repo: RepoRef, login: string): Promise<boolean> {
    const org = repo.owner;
    try {
      const response = await this.octokit.request('GET /orgs/{org}/members/{username}', { org, username: login });
      if ((response.status as number) !== 302) return (response.status as number) === 204;
      const pub = await this.octokit.request('GET /orgs/{org}/public_members/{username}', { org, username: login });
      return (pub.status as number) === 204;
    } catch (cause) {
      if (status(cause) === 404) return false;
      throw new GitHubError(`failed to check whether ${login} is a member of ${org}`, { cause });
    }
  }

  async listTeams(repo: RepoRef): Promise<Team[]> {
    try {
      const teams = await this.octokit.paginate('GET /orgs/{org}/teams', { org: repo.owner, per_page: 100 });
      return teams.map((t) => ({ id: t.id, name: t.name, slug: t.slug }));
    } catch (cause) {
      throw new GitHubError(`failed to list the teams of ${repo.owner}`, { cause });
    }
  }

  /** A pending invitation is not membership yet. 404: not a member, or no such team. */
  async isTeamMember(repo: RepoRef, teamSlug: string, login: string): Promise<boolean> {
    try {
      const { data } = await this.octokit.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org: repo.owner, team_slug: teamSlug, username: login });
      return data.state === 'active';
    } catch (cause) {
      if (status(cause) === 404) return false;
      throw new GitHubError(`failed to check whether ${login} is in the team ${repo.owner}/${teamSlug}`, { cause });
    }
  }
}

interface CombinedStatusEntry {
  context: string;
  state: string;
  description: string | null;
  target_url: string | null;
}

/** The fields of a pull request that both `pulls.get` and `pulls.list` answer; the rest may be missing. */
interface PullRequestData {
  number: number;
  title: string;
  body: string | null;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at: string | null;
  mergeable?: boolean | null;
  mergeable_state?: string;
  milestone: { title: string } | null;
  user: { login: string; type?: string } | null;
  html_url: string;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string; repo?: { clone_url?: string } | null };
  labels: { name: string }[];
  assignees?: { login: string }[] | null;
  requested_reviewers?: { login: string }[] | null;
  requested_teams?: { slug: string }[] | null;
}

/** The fields of a workflow run that Skiff reads, as the REST API and the `workflow_run` webhook send them. */
export interface WorkflowRunData {
  id: number;
  name?: string | null;
  display_title: string;
  status: string | null;
  conclusion: string | null;
  event: string;
  head_branch: string | null;
  head_sha: string;
  path: string;
  html_url: string;
  created_at: string;
  updated_at: string;
}

export function workflowRunOf(run: WorkflowRunData): WorkflowRun {
  return {
    id: run.id,
    name: run.name ?? '',
    displayTitle: run.display_title,
    status: run.status ?? 'queued',
    conclusion: run.conclusion,
    event: run.event,
    headBranch: run.head_branch,
    headSha: run.head_sha,
    path: run.path,
    htmlUrl: run.html_url,
    createdAt: run.created_at,
    updatedAt: run.updated_at,
  };
}

function pullRequestOf(pr: PullRequestData): PullRequest {
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    state: pr.state,
    draft: pr.draft === true,
    merged: pr.merged ?? pr.merged_at !== null,
    mergeable: pr.mergeable ?? null,
    mergeableState: pr.mergeable_state ?? 'unknown',
    milestone: pr.milestone?.title ?? undefined,
    user: userOf(pr.user),
    htmlUrl: pr.html_url,
    head: { ref: pr.head.ref, sha: pr.head.sha },
    base: { ref: pr.base.ref, sha: pr.base.sha, ...(pr.base.repo?.clone_url ? { cloneUrl: pr.base.repo.clone_url } : {}) },
    labels: pr.labels.map((l) => l.name),
    assignees: (pr.assignees ?? []).map((a) => a.login),
    requestedReviewers: (pr.requested_reviewers ?? []).map((u) => u.login),
    requestedTeams: (pr.requested_teams ?? []).map((t) => t.slug),
  };
}

const describeRequest = (r: ReviewRequest): string =>
  [...(r.reviewers ?? []), ...(r.teamReviewers ?? []).map((t) => `team ${t}`)].join(', ') || 'nobody';

export type ContentResult =
  | { status: 'ok'; text: string; etag: string | undefined }
  | { status: 'directory'; entries: { name: string; path: string; type: string; sha: string }[]; etag: string | undefined }
  | { status: 'not-modified' }
  | { status: 'not-found' };
