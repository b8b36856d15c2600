// The narrow GitHub surface that plugins and the dispatcher see. Only shared/github/ talks to
// Octokit; everything else depends on this interface, so the in-memory fake and the dry-run
// client can stand in for it.

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
}

export interface GitHubClient {
  /** Idempotent: adding a label the issue already has changes nothing on GitHub. */
  addLabel(ref: IssueRef, label: string): Promise<void>;
  /** Idempotent: removing a label the issue does not have is success (GitHub answers 404). */
  removeLabel(ref: IssueRef, label: string): Promise<void>;
  getIssueLabels(ref: IssueRef): Promise<string[]>;
  /** All changed files, every page. */
  getPullRequestChanges(ref: IssueRef): Promise<PullRequestChange[]>;
  /** A file's text at a commit, or `undefined` when it does not exist there. */
  getFile(repo: RepoRef, path: string, commit: string): Promise<string | undefined>;
  createComment(ref: IssueRef, body: string): Promise<void>;
}

/** Methods that change GitHub; the dispatcher records each call into the delivery's trace. */
export const writeMethods = ['addLabel', 'removeLabel', 'createComment'] as const satisfies readonly (keyof GitHubClient)[];

export const formatIssueRef = (ref: IssueRef): string => `${ref.owner}/${ref.repo}#${ref.number}`;

export type WriteMethod = (typeof writeMethods)[number];

/**
 * A client whose reads go straight to `inner` and whose writes go through `around`, which
 * decides whether to `send` them (dry-run does not; the trace recorder does, then notes them).
 * Methods are bound, so an implementation with private state works behind it.
 */
export function interceptWrites(
  inner: GitHubClient,
  around: (method: WriteMethod, ref: IssueRef, arg: string, send: () => Promise<void>) => Promise<void>,
): GitHubClient {
  const write =
    (method: WriteMethod) =>
    (ref: IssueRef, arg: string): Promise<void> =>
      around(method, ref, arg, () => inner[method](ref, arg));
  return {
    getIssueLabels: inner.getIssueLabels.bind(inner),
    getPullRequestChanges: inner.getPullRequestChanges.bind(inner),
    getFile: inner.getFile.bind(inner),
    addLabel: write('addLabel'),
    removeLabel: write('removeLabel'),
    createComment: write('createComment'),
  };
}
