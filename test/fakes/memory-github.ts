// An in-memory GitHub for plugin unit tests, in the spirit of Prow's fakegithub: it keeps the
// state a plugin can see (labels, files at a commit, a pull request's changed files, comments)
// and records every call as a readable line, so a test asserts on exactly what a plugin did,
// e.g. `addLabel acme/widgets#1 do-not-merge/hold`.
import {
  formatIssueRef,
  writeMethods,
  type GitHubClient,
  type IssueRef,
  type PullRequestChange,
  type RepoRef,
} from '../../shared/github/client.js';

type Method = keyof GitHubClient;

/** `acme/widgets#1` or `{ owner, repo, number }`. */
export type IssueKey = IssueRef | string;
/** `acme/widgets` or `{ owner, repo }`. */
export type RepoKey = RepoRef | string;

const issueKey = (ref: IssueKey): string => (typeof ref === 'string' ? ref : formatIssueRef(ref));
const repoKey = (repo: RepoKey): string => (typeof repo === 'string' ? repo : `${repo.owner}/${repo.repo}`);
const fileKey = (repo: RepoKey, commit: string, path: string): string => `${repoKey(repo)}@${commit}:${path}`;

const isWrite = (method: Method): boolean => (writeMethods as readonly string[]).includes(method);

export class MemoryGitHub implements GitHubClient {
  /** Every call in order, reads and writes, including calls made to fail by `failNext`. */
  readonly calls: string[] = [];
  /** Only the calls that changed state, in order: what GitHub would show afterwards. */
  readonly writes: string[] = [];
  /** Comments posted, in order. */
  readonly comments: { ref: string; body: string }[] = [];

  // Labels keep insertion order, like an issue's label list on GitHub.
  readonly #labels = new Map<string, string[]>();
  readonly #files = new Map<string, string>();
  readonly #changes = new Map<string, PullRequestChange[]>();
  readonly #failures = new Map<Method, Error[]>();

  // Seeding and inspection.

  setLabels(ref: IssueKey, labels: readonly string[]): this {
    this.#labels.set(issueKey(ref), [...labels]);
    return this;
  }

  labelsOf(ref: IssueKey): string[] {
    return [...(this.#labels.get(issueKey(ref)) ?? [])];
  }

  setFile(repo: RepoKey, commit: string, path: string, text: string): this {
    this.#files.set(fileKey(repo, commit, path), text);
    return this;
  }

  setChanges(ref: IssueKey, changes: readonly PullRequestChange[]): this {
    this.#changes.set(issueKey(ref), changes.map((c) => ({ ...c })));
    return this;
  }

  /** The next call of `method` throws `error` (after being recorded in `calls`); queued per method. */
  failNext(method: Method, error: Error): this {
    const queue = this.#failures.get(method) ?? [];
    queue.push(error);
    this.#failures.set(method, queue);
    return this;
  }

  /** Calls that only read, for asserting that a plugin did (or did not) look before writing. */
  get reads(): string[] {
    return this.calls.filter((c) => !isWrite(c.slice(0, c.indexOf(' ')) as Method));
  }

  // GitHubClient.

  async addLabel(ref: IssueRef, label: string): Promise<void> {
    this.#record('addLabel', `${formatIssueRef(ref)} ${label}`);
    const labels = this.#labels.get(formatIssueRef(ref)) ?? [];
    // GitHub compares label names case-insensitively; adding one the issue has changes nothing.
    if (!labels.some((l) => l.toLowerCase() === label.toLowerCase())) labels.push(label);
    this.#labels.set(formatIssueRef(ref), labels);
  }

  async removeLabel(ref: IssueRef, label: string): Promise<void> {
    // Recorded even when the label is absent: the call was made, and GitHub's 404 counts as done.
    this.#record('removeLabel', `${formatIssueRef(ref)} ${label}`);
    const labels = this.#labels.get(formatIssueRef(ref)) ?? [];
    this.#labels.set(
      formatIssueRef(ref),
      labels.filter((l) => l.toLowerCase() !== label.toLowerCase()),
    );
  }

  async getIssueLabels(ref: IssueRef): Promise<string[]> {
    this.#record('getIssueLabels', formatIssueRef(ref));
    return this.labelsOf(ref);
  }

  async getPullRequestChanges(ref: IssueRef): Promise<PullRequestChange[]> {
    this.#record('getPullRequestChanges', formatIssueRef(ref));
    return (this.#changes.get(formatIssueRef(ref)) ?? []).map((c) => ({ ...c }));
  }

  async getFile(repo: RepoRef, path: string, commit: string): Promise<string | undefined> {
    this.#record('getFile', fileKey(repo, commit, path));
    return this.#files.get(fileKey(repo, commit, path));
  }

  async createComment(ref: IssueRef, body: string): Promise<void> {
    this.#record('createComment', `${formatIssueRef(ref)} ${body}`);
    this.comments.push({ ref: formatIssueRef(ref), body });
  }

  /** Logs the call, then throws if a failure was queued; writes are logged only if they happen. */
  #record(method: Method, args: string): void {
    const line = `${method} ${args}`;
    this.calls.push(line);
    const failure = this.#failures.get(method)?.shift();
    if (failure) throw failure;
    if (isWrite(method)) this.writes.push(line);
  }
}
