// GitHubClient over Octokit. Each method is one REST call (or one paginated listing), wraps
// failures with the call's context, and treats "already in that state" as success.
import type { GitHubClient, IssueRef, PullRequestChange, RepoRef } from './client.js';
import { formatIssueRef } from './client.js';
import { GitHubError } from './errors.js';
import type { SkiffOctokit } from './octokit.js';

const status = (error: unknown) => (error as { status?: number }).status;

export class OctokitGitHub implements GitHubClient {
  constructor(private readonly octokit: SkiffOctokit) {}

  async addLabel(ref: IssueRef, label: string): Promise<void> {
    try {
      await this.octokit.rest.issues.addLabels({ owner: ref.owner, repo: ref.repo, issue_number: ref.number, labels: [label] });
    } catch (cause) {
      throw new GitHubError(`failed to add label ${label} to ${formatIssueRef(ref)}`, { cause });
    }
  }

  async removeLabel(ref: IssueRef, label: string): Promise<void> {
    try {
      await this.octokit.rest.issues.removeLabel({ owner: ref.owner, repo: ref.repo, issue_number: ref.number, name: label });
    } catch (cause) {
      // 404: the label is not on the issue (any more), which is the state we wanted.
      if (status(cause) === 404) return;
      throw new GitHubError(`failed to remove label ${label} from ${formatIssueRef(ref)}`, { cause });
    }
  }

  async getIssueLabels(ref: IssueRef): Promise<string[]> {
    try {
      const labels = await this.octokit.paginate(this.octokit.rest.issues.listLabelsOnIssue, {
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
      const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
        owner: ref.owner,
        repo: ref.repo,
        pull_number: ref.number,
        per_page: 100,
      });
      return files.map((f) => ({ filename: f.filename, additions: f.additions, deletions: f.deletions, changes: f.changes, status: f.status }));
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
      const response = await this.octokit.rest.repos.getContent({
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

  async createComment(ref: IssueRef, body: string): Promise<void> {
    try {
      await this.octokit.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: ref.number, body });
    } catch (cause) {
      throw new GitHubError(`failed to comment on ${formatIssueRef(ref)}`, { cause });
    }
  }
}

export type ContentResult =
  | { status: 'ok'; text: string; etag: string | undefined }
  | { status: 'directory'; entries: { name: string; path: string; type: string; sha: string }[]; etag: string | undefined }
  | { status: 'not-modified' }
  | { status: 'not-found' };
