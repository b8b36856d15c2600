// A GitHub for plugin unit tests, in the spirit of Prow's fakegithub: the production
// OctokitGitHub over an in-process FakeGitHub (no socket), so a plugin sees GitHub's behaviour
// (404 on removing an absent label, 422 for a reviewer who is not a collaborator, pagination)
// and not a hand-written imitation of it. Every call is recorded as a readable line from
// `describeCall`, e.g. `addLabel acme/widgets#1 do-not-merge/hold`, by one `wrapClient` layer:
// a method added to GitHubClient is recorded here with no change to this file.
import { Octokit } from '@octokit/rest';
import {
  formatIssueRef,
  githubMethodNames,
  wrapClient,
  type GitHubClient,
  type GitHubMethod,
  type IssueRef,
  type PullRequestChange,
  type RepoRef,
} from '../../shared/github/client.js';
import { OctokitGitHub } from '../../shared/github/octokit-client.js';
import {
  FakeGitHub,
  type CommentSeed,
  type CommitSeed,
  type FakeGitHubOptions,
  type IssueSeed,
  type IssueView,
  type MilestoneSeed,
  type PullRequestSeed,
  type RepoLabelSeed,
  type ReviewSeed,
  type StatusSeed,
  type TeamSeed,
} from './github-server.js';

/** `acme/widgets#1` or `{ owner, repo, number }`. */
export type IssueKey = IssueRef | string;
/** `acme/widgets` or `{ owner, repo }`. */
export type RepoKey = RepoRef | string;

function parseIssue(ref: IssueKey): { repo: string; number: number } {
  if (typeof ref !== 'string') return { repo: `${ref.owner}/${ref.repo}`, number: ref.number };
  const m = /^([^/#\s]+\/[^/#\s]+)#(\d+)$/.exec(ref);
  if (!m) throw new Error(`MemoryGitHub: an issue is "owner/repo#number", got "${ref}"`);
  return { repo: m[1]!, number: Number(m[2]) };
}

const repoKey = (repo: RepoKey): string => (typeof repo === 'string' ? repo : `${repo.owner}/${repo.repo}`);

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

// The GitHubClient methods are own properties, set in the constructor from `wrapClient`; this
// declaration tells the compiler they are there. Own closures (not prototype methods) keep
// working when a test derives an object with `Object.create(gh)` and overrides one of them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface MemoryGitHub extends GitHubClient {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class MemoryGitHub implements GitHubClient {
  /** The GitHub behind it, for seeding and inspection beyond the shortcuts below. */
  readonly fake: FakeGitHub;
  /** Every call in order, reads and writes, including calls made to fail by `failNext`. */
  readonly calls: string[] = [];
  /** Only the write calls that succeeded, in order. */
  readonly writes: string[] = [];
  /** Comments posted, in order. */
  readonly comments: { ref: string; body: string }[] = [];

  readonly #writeCalls = new Set<number>();
  readonly #failures = new Map<GitHubMethod, Error[]>();

  constructor(options: FakeGitHubOptions = {}) {
    this.fake = FakeGitHub.inProcess(options);
    const octokit = new Octokit({
      baseUrl: this.fake.url,
      auth: 'test-token',
      log: quiet,
      // @octokit/rest has neither retries nor throttling; `retries: 0` keeps it so if it ever does.
      request: { fetch: this.fake.fetch, retries: 0 },
    });
    const recorded = wrapClient(new OctokitGitHub(octokit), async (call) => {
      if (call.write) this.#writeCalls.add(this.calls.length);
      this.calls.push(call.text);
      const failure = this.#failures.get(call.method)?.shift();
      if (failure) throw failure;
      const answer = await call.send();
      if (call.write) this.writes.push(call.text);
      if (call.method === 'createComment') {
        const [ref, body] = call.args as Parameters<GitHubClient['createComment']>;
        this.comments.push({ ref: formatIssueRef(ref), body });
      }
      return answer;
    });
    // Writable, so a test may still replace one on an object derived from this one.
    for (const method of githubMethodNames) Object.defineProperty(this, method, { value: recorded[method], writable: true, configurable: true });
  }

  /** The next call of `method` is recorded, then throws `error`; queued per method. */
  failNext(method: GitHubMethod, error: Error): this {
    const queue = this.#failures.get(method) ?? [];
    queue.push(error);
    this.#failures.set(method, queue);
    return this;
  }

  /** Calls that only read, for asserting that a plugin did (or did not) look before writing. */
  get reads(): string[] {
    return this.calls.filter((_, i) => !this.#writeCalls.has(i));
  }

  // Seeding and inspection, with issues as `owner/repo#n` (or refs) and repositories as `owner/repo`.

  setLabels(ref: IssueKey, labels: readonly string[]): this {
    const { repo, number } = parseIssue(ref);
    this.fake.setLabels(repo, number, [...labels]);
    return this;
  }

  labelsOf(ref: IssueKey): string[] {
    const { repo, number } = parseIssue(ref);
    return this.fake.labelsOf(repo, number);
  }

  setRepoLabels(repo: RepoKey, labels: (RepoLabelSeed | string)[]): this {
    this.fake.setRepoLabels(repoKey(repo), labels);
    return this;
  }

  setFile(repo: RepoKey, commit: string, path: string, text: string): this {
    this.fake.setFile(repoKey(repo), commit, path, text);
    return this;
  }

  setChanges(ref: IssueKey, changes: readonly PullRequestChange[]): this {
    const { repo, number } = parseIssue(ref);
    this.fake.setChanges(repo, number, changes.map((c) => ({ ...c })));
    return this;
  }

  setPullRequest(ref: IssueKey, seed: PullRequestSeed = {}): this {
    const { repo, number } = parseIssue(ref);
    this.fake.setPullRequest(repo, number, seed);
    return this;
  }

  setIssue(ref: IssueKey, seed: IssueSeed = {}): this {
    const { repo, number } = parseIssue(ref);
    this.fake.setIssue(repo, number, seed);
    return this;
  }

  /** Title, state, reason and milestone of an issue or pull request as they are now. */
  issueOf(ref: IssueKey): IssueView {
    const { repo, number } = parseIssue(ref);
    return this.fake.issueOf(repo, number);
  }

  setMilestones(repo: RepoKey, milestones: MilestoneSeed[]): this {
    this.fake.setMilestones(repoKey(repo), milestones);
    return this;
  }

  setCommits(ref: IssueKey, commits: CommitSeed[]): this {
    const { repo, number } = parseIssue(ref);
    this.fake.setCommits(repo, number, commits);
    return this;
  }

  addStatus(repo: RepoKey, sha: string, status: StatusSeed): this {
    this.fake.addStatus(repoKey(repo), sha, status);
    return this;
  }

  statusesOf(repo: RepoKey, sha: string): StatusSeed[] {
    return this.fake.statusesOf(repoKey(repo), sha);
  }

  setBranches(repo: RepoKey, branches: string[]): this {
    this.fake.setBranches(repoKey(repo), branches);
    return this;
  }

  /** See FakeGitHub.setBranchSha: the branch's head from now on, over a seeded pull request's base. */
  setBranchSha(repo: RepoKey, branch: string, sha: string): this {
    this.fake.setBranchSha(repoKey(repo), branch, sha);
    return this;
  }

  /** See FakeGitHub.setBranchProtection. */
  setBranchProtection(repo: RepoKey, branch: string, requiredContexts: string[] | undefined): this {
    this.fake.setBranchProtection(repoKey(repo), branch, requiredContexts);
    return this;
  }

  branchesOf(repo: RepoKey): string[] {
    return this.fake.branchesOf(repoKey(repo));
  }

  /** A comment by someone else; returns its id. */
  addComment(ref: IssueKey, seed: CommentSeed): number {
    const { repo, number } = parseIssue(ref);
    return this.fake.addComment(repo, number, seed);
  }

  commentsOf(ref: IssueKey): { id: number; user: string; body: string }[] {
    const { repo, number } = parseIssue(ref);
    return this.fake.commentsOf(repo, number);
  }

  addReview(ref: IssueKey, seed: ReviewSeed): number {
    const { repo, number } = parseIssue(ref);
    return this.fake.addReview(repo, number, seed);
  }

  setAssignees(ref: IssueKey, logins: string[]): this {
    const { repo, number } = parseIssue(ref);
    this.fake.setAssignees(repo, number, logins);
    return this;
  }

  assigneesOf(ref: IssueKey): string[] {
    const { repo, number } = parseIssue(ref);
    return this.fake.assigneesOf(repo, number);
  }

  requestedOf(ref: IssueKey): { reviewers: string[]; teams: string[] } {
    const { repo, number } = parseIssue(ref);
    return this.fake.requestedOf(repo, number);
  }

  setRole(repo: RepoKey, login: string, role: string): this {
    this.fake.setRole(repoKey(repo), login, role);
    return this;
  }

  setOrgMembers(org: string, logins: string[], options?: { concealed?: string[] }): this {
    this.fake.setOrgMembers(org, logins, options);
    return this;
  }

  setTeam(org: string, team: TeamSeed): this {
    this.fake.setTeam(org, team);
    return this;
  }
}
