// Who approved, read from the whole conversation as Prow's approve plugin reads it
// (kubernetes-sigs/prow pkg/plugins/approve/approve.go: commandRegex, isApprovalCommand,
// isApprovalState, addApprovers, findAssociatedIssue): comments and reviews in time order, each
// `/approve`, `/approve no-issue`, `/approve cancel`, `/remove-approve` (and `/lgtm` when it acts
// as approval) applied in turn, after the review's own state.
import type { IssueComment, Review } from '../../github/client.js';
import type { Approvers } from './approvers.js';

/** One comment or review, as Prow's `comment` struct holds them. */
export interface ConversationItem {
  body: string;
  author: string;
  createdAt: string;
  htmlUrl: string;
  id: number;
  /** Upper-case, as the REST API gives it; `''` for a comment. */
  reviewState: string;
}

export const approveCommand = 'APPROVE';
export const removeApproveCommand = 'REMOVE-APPROVE';
export const lgtmCommand = 'LGTM';
const cancelArgument = 'cancel';
const noIssueArgument = 'no-issue';

// Prow's `(?m)^/([^\s]+)[\t ]*([^\n\r]*)`. RE2's \s is ASCII only ([\t\n\f\r ]) and its (?m) `^`
// starts a line after `\n` only, so the text is split on `\n` and the classes are spelled out,
// where JavaScript's \s and multiline `^` would also take Unicode spaces and a lone `\r`.
const commandLine = /^\/([^\t\n\f\r ]+)[\t ]*([^\n\r]*)/;

export interface CommandOnLine {
  /** Upper-cased, as Prow compares it. */
  name: string;
  /** Everything after the command on its line, untrimmed. */
  args: string;
}

/** Every line of `body` that starts with a slash command, in order. */
export function commandsIn(body: string): CommandOnLine[] {
  const found: CommandOnLine[] = [];
  for (const line of body.split('\n')) {
    const m = commandLine.exec(line);
    if (m) found.push({ name: m[1]!.toUpperCase(), args: m[2]! });
  }
  return found;
}

/** Prow's isApprovalCommand: `/approve`, `/remove-approve`, or `/lgtm` when it acts as approval, by someone not a bot. */
export function isApprovalCommand(isBot: (login: string) => boolean, lgtmActsAsApprove: boolean, item: Pick<ConversationItem, 'author' | 'body'>): boolean {
  if (isBot(item.author)) return false;
  return commandsIn(item.body).some(({ name }) => (name === lgtmCommand && lgtmActsAsApprove) || name === approveCommand || name === removeApproveCommand);
}

/**
 * Prow's isApprovalState: a review whose state approves (APPROVED), cancels (CHANGES_REQUESTED)
 * or undoes either (DISMISSED), when review state counts. Webhooks give the state in lower case,
 * the API in upper case.
 */
export function isApprovalState(isBot: (login: string) => boolean, considerReviewState: boolean, item: Pick<ConversationItem, 'author' | 'reviewState'>): boolean {
  if (isBot(item.author)) return false;
  const state = item.reviewState.toUpperCase();
  return considerReviewState && (state === 'APPROVED' || state === 'CHANGES_REQUESTED' || state === 'DISMISSED');
}

export const fromIssueComment = (c: IssueComment): ConversationItem => ({
  body: c.body,
  author: c.user.login,
  createdAt: c.createdAt,
  htmlUrl: c.htmlUrl,
  id: c.id,
  reviewState: '',
});

export const fromReview = (r: Review): ConversationItem => ({
  body: r.body,
  author: r.user.login,
  createdAt: r.submittedAt,
  htmlUrl: r.htmlUrl,
  id: r.id,
  reviewState: r.state,
});

// A review without a time (a pending one) sorts first, as Go's zero time does.
const timeOf = (item: ConversationItem) => {
  const t = Date.parse(item.createdAt);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
};

/**
 * Comments, then reviews, sorted stably by time (Prow puts review comments first, which Skiff
 * cannot list; see index.ts).
 */
export function conversation(comments: readonly IssueComment[], reviews: readonly Review[]): ConversationItem[] {
  const items = [...comments.map(fromIssueComment), ...reviews.map(fromReview)];
  // Array.prototype.sort is stable (ES2019), as Go's sort.SliceStable.
  return items.sort((a, b) => timeOf(a) - timeOf(b));
}

/**
 * Prow's addApprovers: for each approval comment in order, the review state first (approve or
 * cancel), then each command line. `author` is the pull request's author, compared as Prow does
 * (exactly), for the self-approval kind.
 */
export function addApprovers(approvers: Approvers, items: readonly ConversationItem[], author: string, considerReviewState: boolean): void {
  for (const c of items) {
    if (c.author === '') continue;
    if (considerReviewState && c.reviewState === 'APPROVED') approvers.addApprover(c.author, c.htmlUrl, false);
    if (considerReviewState && c.reviewState === 'CHANGES_REQUESTED') approvers.removeApprover(c.author);

    for (const { name, args: rawArgs } of commandsIn(c.body)) {
      if (name === removeApproveCommand) {
        approvers.removeApprover(c.author);
        continue;
      }
      if (name !== approveCommand && name !== lgtmCommand) continue;
      const args = rawArgs.trim().toLowerCase();
      // Prow's test is a substring one: `/approve cancelled` cancels too.
      if (args.includes(cancelArgument)) {
        approvers.removeApprover(c.author);
        continue;
      }
      const noIssue = args === noIssueArgument;
      if (c.author === author) approvers.addAuthorSelfApprover(c.author, c.htmlUrl, noIssue);
      if (name === approveCommand) approvers.addApprover(c.author, c.htmlUrl, noIssue);
      else approvers.addLGTMer(c.author, c.htmlUrl, noIssue);
    }
  }
}

/**
 * Prow's findAssociatedIssue: the first `#N` or `<org>/<repo>/issues/N` in the body, 0 for none.
 * A number past Go's int is Prow's Atoi error, and 0 too (noted by the caller).
 */
export function findAssociatedIssue(body: string, org: string): { issue: number; error?: string } {
  const escaped = org.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?:${escaped}/[^/]+/issues/|#)(\\d+)`).exec(body);
  if (!m) return { issue: 0 };
  const digits = m[1]!;
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) return { issue: 0, error: `the issue number ${digits} in the pull request body is out of range` };
  return { issue: value };
}
