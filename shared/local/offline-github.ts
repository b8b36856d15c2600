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
// - A pull request's changed files: GitHub's payload has only the totals (`additions`,
//   `deletions`, `changed_files`), so they stand in as one file carrying those totals; `size`
//   then labels the pull request as GitHub would without generated files. A pull request never
//   seen in a pull_request payload has no known changes.
// - Files in the repository (`.gitattributes`, `.generated_files`): none.
// Each write changes that state and is printed as one line, e.g.
// `dry-run: addLabel Codertocat/Hello-World#2 do-not-merge/hold`.
import { formatIssueRef, type GitHubClient, type IssueRef, type PullRequestChange } from '../github/client.js';

interface Payload {
  repository?: { name?: string; owner?: { login?: string } } | null;
  issue?: { number?: number; labels?: { name?: string }[] } | null;
  pull_request?: { number?: number; labels?: { name?: string }[]; additions?: number; deletions?: number; changed_files?: number } | null;
}

// Owners and repository names are case-insensitive on GitHub.
const key = (ref: IssueRef): string => formatIssueRef(ref).toLowerCase();

export class OfflineGitHub implements GitHubClient {
  private readonly labels = new Map<string, string[]>();
  private readonly changes = new Map<string, PullRequestChange[]>();
  /** Comments written, in order, as `owner/repo#n: body`. */
  readonly comments: string[] = [];

  /** `print` receives each write as one line (local mode prints it on stdout). */
  constructor(private readonly print: (line: string) => void) {}

  /** Learns what a webhook payload says about its issue or pull request. */
  observe(payload: Payload): void {
    const owner = payload.repository?.owner?.login;
    const repo = payload.repository?.name;
    const item = payload.pull_request ?? payload.issue;
    if (!owner || !repo || !item || !Number.isSafeInteger(item.number)) return;
    const ref = key({ owner, repo, number: item.number! });
    if (!this.labels.has(ref)) this.labels.set(ref, (item.labels ?? []).map((l) => l.name).filter((n): n is string => Boolean(n)));
    const pr = payload.pull_request;
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
  }

  async getIssueLabels(ref: IssueRef): Promise<string[]> {
    return [...(this.labels.get(key(ref)) ?? [])];
  }

  async getPullRequestChanges(ref: IssueRef): Promise<PullRequestChange[]> {
    return (this.changes.get(key(ref)) ?? []).map((c) => ({ ...c }));
  }

  async getFile(): Promise<string | undefined> {
    return undefined;
  }

  async addLabel(ref: IssueRef, label: string): Promise<void> {
    const current = this.labels.get(key(ref)) ?? [];
    // Label names are unique regardless of case on GitHub.
    if (!current.some((l) => l.toLowerCase() === label.toLowerCase())) this.labels.set(key(ref), [...current, label]);
    this.print(`dry-run: addLabel ${formatIssueRef(ref)} ${label}`);
  }

  async removeLabel(ref: IssueRef, label: string): Promise<void> {
    const current = this.labels.get(key(ref)) ?? [];
    this.labels.set(
      key(ref),
      current.filter((l) => l.toLowerCase() !== label.toLowerCase()),
    );
    this.print(`dry-run: removeLabel ${formatIssueRef(ref)} ${label}`);
  }

  async createComment(ref: IssueRef, body: string): Promise<void> {
    this.comments.push(`${formatIssueRef(ref)}: ${body}`);
    // One line: a comment's own line breaks are shown as \n.
    this.print(`dry-run: createComment ${formatIssueRef(ref)} ${JSON.stringify(body)}`);
  }
}
