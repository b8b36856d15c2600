// approve: the `approved` label and the `[APPROVALNOTIFIER]` comment, as Prow's approve plugin
// (kubernetes-sigs/prow pkg/plugins/approve/approve.go). A pull request is approved once the people
// who approved it can, between them, approve every changed file (an approver in the OWNERS file of
// the file's directory or one above it), and, where `issue_required`, it names an issue or someone
// approved with `no-issue`. Each relevant event recomputes that from the whole conversation —
// every comment and review in time order — and the OWNERS at the base commit, so the result never
// depends on which events were seen.
//
// Entry points, as in Prow: comments carrying an approval command (`/approve [no-issue|cancel]`,
// `/remove-approve`, and `/lgtm [cancel]` with `lgtm_acts_as_approve`); reviews submitted or
// dismissed whose state counts (and whose body has no command: that one arrives as a comment);
// pull requests opened, reopened, pushed to, or given the `approved` label by a human.
//
// Where it differs from Prow (each for a reason given where it is done):
// - the notification is edited in place instead of deleted and posted again (notification.ts);
// - a human-added `approved` label is recognised from the `labeled` event and recorded in the
//   notification, since the GitHub port cannot list issue events (notification.ts);
// - review comments (on lines of the diff) cannot be listed, so a command there is not counted:
//   the commenter is told so once;
// - failed writes fail the event, to be retried (the write journal keeps what was done); Prow logs
//   them and carries on;
// - the pull request's labels come with the pull request (one read fewer than Prow's).
import type { PullRequestEvent, PullRequestReviewEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { matchCommand } from '../commands.js';
import { replyTo } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { Approvers, getMessage } from './approvers.js';
import { approveConfigSchema, approveFor, removedKeys, type ApproveConfig, type ApproveOptions } from './config.js';
import { addApprovers, conversation, findAssociatedIssue, isApprovalCommand, isApprovalState } from './conversation.js';
import { isBotLogin } from '../bot-login.js';
import { notificationText, notificationWrites, ownNotifications, recordedLabelAdder } from './notification.js';
import { Owners } from './owners.js';

export type { ApproveConfig } from './config.js';

/** Prow's labels.Approved. */
export const approvedLabel = 'approved';

export type ApproveGitHub = Pick<
  GitHubClient,
  'getPullRequest' | 'getPullRequestChanges' | 'listComments' | 'listReviews' | 'createComment' | 'editComment' | 'deleteComment' | 'addLabel' | 'removeLabel'
>;

type Ctx = PluginContext<ApproveConfig | undefined, ApproveGitHub>;

/** Who added the `approved` label, when the event is that label being added. */
export interface LabelEvent {
  login: string;
  /** `User`, `Bot`, … */
  type: string;
}

export interface HandleOptions {
  /** The event is the `approved` label being added by this sender (not the bot, as far as it can tell). */
  labeledBy?: LabelEvent;
  /** Who asked with a command, for the trace's OWNERS check. */
  commenter?: string;
}

const isApprovedLabel = (name: string) => name.toLowerCase() === approvedLabel;
const optionsOf = (ctx: Ctx): ApproveOptions => approveFor(ctx.config, ctx.repo.owner, ctx.repo.repo);

/** GitHub's web root, from the pull request's own URL (Prow's github.link_url, which defaults to https://github.com). */
export function linkRoot(htmlUrl: string): string {
  try {
    return new URL(htmlUrl).origin;
  } catch {
    return 'https://github.com';
  }
}

/**
 * Whether a human added the `approved` label (Prow's humanAddedApproved): the label is on the pull
 * request, and this event is a person adding it, or the bot's latest notification recorded that a
 * person did and the bot has not added it since. Returns who, for the record.
 */
function labelAdder(ctx: Ctx, hasLabel: boolean, requirementsMet: boolean, recorded: string | undefined, labeledBy: LabelEvent | undefined): string | undefined {
  if (!hasLabel) return undefined;
  if (!labeledBy) return recorded;
  if (ctx.botLogin) return labeledBy.login;
  // Without the bot's login, a GitHub App's label is taken as the bot's; a user's is taken as a
  // person's only when the bot could not have added it (the requirements are not met), so a
  // token-authenticated bot's own label is never mistaken for a manual approval.
  if (labeledBy.type === 'Bot') {
    ctx.note(`the approved label was added by ${labeledBy.login}, a GitHub App: taken as the bot (its login is not known for this event)`);
    return recorded;
  }
  if (requirementsMet) {
    ctx.note(`the approved label was added by ${labeledBy.login} while the approval requirements are met: not taken as a manual approval (the bot's login is not known for this event)`);
    return recorded;
  }
  return labeledBy.login;
}

/**
 * Prow's handle: approvals from every comment and review, against the OWNERS of every changed file
 * at the base commit; then the notification and the label brought in line with them.
 */
export async function handle(ctx: Ctx, number: number, options: HandleOptions = {}): Promise<Outcome> {
  const ref: IssueRef = { ...ctx.repo, number };
  const opts = optionsOf(ctx);
  for (const key of opts.ignoredKeys) ctx.note(`approve: ${key} is a key Prow removed in 2020 and ignores; use ${removedKeys[key]}`);

  const [pr, changes, comments, reviews] = await Promise.all([
    ctx.github.getPullRequest(ref),
    ctx.github.getPullRequestChanges(ref),
    ctx.github.listComments(ref),
    ctx.github.listReviews(ref),
  ]);
  const repoOwners = await ctx.owners.at(pr.base.sha);
  const filenames = changes.map((c) => c.filename);
  const author = pr.user.login;

  const approvers = new Approvers(new Owners(filenames, repoOwners, pr.number));
  const associated = findAssociatedIssue(pr.body, ctx.repo.owner);
  if (associated.error) ctx.note(associated.error);
  approvers.associatedIssue = associated.issue;
  approvers.requireIssue = opts.issueRequired;
  if (opts.hasSelfApproval) approvers.addAuthorSelfApprover(author, `${pr.htmlUrl}#`, false);

  // Prow's isBot in handle: the bot, and GitHub Apps that left a review.
  const appReviewers = new Set(reviews.filter((r) => r.user.type === 'Bot').map((r) => r.user.login));
  const isBot = (login: string) => isBotLogin(ctx.botLogin, login) || appReviewers.has(login);
  const approvals = conversation(comments, reviews).filter(
    (c) => isApprovalCommand(isBot, opts.lgtmActsAsApprove, c) || isApprovalState(isBot, opts.considerReviewState, c),
  );
  addApprovers(approvers, approvals, author, opts.considerReviewState);
  approvers.addAssignees(...pr.assignees);

  if (options.commenter && filenames.length) ctx.trust.ownsAny(repoOwners, options.commenter, filenames, 'approvers');

  const hasLabel = pr.labels.some(isApprovedLabel);
  if (!ctx.botLogin) ctx.note("the bot's login is not known (no GitHub credentials): notifications by GitHub Apps are taken as its own");
  const notifications = ownNotifications(comments, ctx.botLogin);
  const addedBy = labelAdder(ctx, hasLabel, approvers.requirementsMet(), recordedLabelAdder(notifications.at(-1)), options.labeledBy);
  // Decided before the message is built: getMessage and isApproved ask it several times.
  approvers.manuallyApproved = () => addedBy !== undefined;
  if (addedBy) ctx.note(`the approved label was added by ${addedBy}, not by the bot: approval requirements are bypassed`);

  const message = getMessage(approvers, {
    linkURL: linkRoot(pr.htmlUrl),
    commandHelpLink: opts.commandHelpLink,
    prProcessLink: opts.prProcessLink,
    org: ctx.repo.owner,
    repo: ctx.repo.repo,
    branch: pr.base.ref,
  });
  const done: string[] = [];
  for (const write of notificationWrites(notifications, notificationText(message, addedBy))) {
    if (write.kind === 'delete') await ctx.github.deleteComment(ctx.repo, write.id);
    else if (write.kind === 'edit') await ctx.github.editComment(ctx.repo, write.id, write.body);
    else await ctx.github.createComment(ref, write.body);
    done.push(write.kind === 'delete' ? 'stale notification deleted' : `notification ${write.kind === 'edit' ? 'edited' : 'posted'}`);
  }

  const approved = approvers.isApproved();
  if (!approved && hasLabel) {
    await ctx.github.removeLabel(ref, approvedLabel);
    done.push(`${approvedLabel} removed`);
  } else if (approved && !hasLabel) {
    await ctx.github.addLabel(ref, approvedLabel);
    done.push(`${approvedLabel} added`);
  }
  const who = [...approvers.getCurrentApproversSetCased()].sort().join(', ') || 'nobody';
  // Directories whose OWNERS still need an approver; the root one by its file's name.
  const unapproved = [...approvers.unapprovedFiles()].sort().map((d) => `${d ? `${d}/` : ''}${ctx.owners.settings.filenames.owners}`);
  const state = approved ? 'APPROVED' : `NOT APPROVED${unapproved.length ? ` (needs an approver in ${unapproved.join(', ')})` : ''}`;
  return { status: 'ran', reason: `${state}; approved by ${who}; ${done.join(', ') || 'notification and label already up to date'}` };
}

/** Review comments are not listed (the GitHub port has no method for them), so a command there would silently not count. */
const reviewCommentReply =
  'approval commands in review comments on the diff are not counted by this bot. Write `/approve` in a comment on the pull request, or in the body of a review, instead.';

/**
 * Prow's handleGenericComment, for a comment known to carry an approval command: new comments on
 * open pull requests only.
 */
async function onApprovalComment(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  if (e.action !== 'created') return { status: 'skipped', reason: `approval commands act on new comments only; this one was ${e.action}` };
  if (!e.isPR) return { status: 'skipped', reason: 'approval commands work on pull requests only' };
  if (e.issueState === 'closed') return { status: 'skipped', reason: 'the pull request is closed' };
  // Prow does not count the pull request's body as an approval either; the opened event itself is
  // recomputed by the pull_request handler.
  if (e.source === 'pull_request') return { status: 'skipped', reason: 'a command in the pull request body is not an approval (as in Prow); the pull_request handler recomputed' };
  if (e.source === 'pull_request_review_comment') {
    await ctx.github.createComment({ ...ctx.repo, number: e.number }, replyTo(e, reviewCommentReply));
    return { status: 'refused', reason: `a command in a review comment by ${e.user.login}: review comments cannot be listed, so it would not count` };
  }
  return handle(ctx, e.number, { commenter: e.user.login });
}

const only = { actions: ['created' as const], pullRequests: true };
const who = "Users listed as 'approvers' in appropriate OWNERS files";

const commands: CommandSpec<ApproveConfig | undefined, ApproveGitHub>[] = [
  {
    name: 'approve',
    arg: { pattern: 'no-issue|cancel', optional: true, usage: '[no-issue|cancel]' },
    description: 'Approves a pull request (for the OWNERS files you are an approver in); `no-issue` also waives the associated issue, `cancel` withdraws your approval.',
    examples: ['/approve', '/approve no-issue', '/approve cancel'],
    who,
    only,
    run: (ctx, e) => onApprovalComment(ctx, e),
  },
  {
    name: 'remove-approve',
    description: 'Withdraws your approval of a pull request.',
    examples: ['/remove-approve'],
    who,
    only,
    run: (ctx, e) => onApprovalComment(ctx, e),
  },
];

export const approve: Plugin<ApproveConfig | undefined, ApproveGitHub> = {
  name: 'approve',
  description: `Manages the '${approvedLabel}' label and an approval notification: a pull request is approved once approvers from the OWNERS files of every changed file have approved it.`,
  config: { key: 'approve', schema: approveConfigSchema },
  commands,
  // The commands above run for `/approve` and `/remove-approve`; this catches what else Prow takes
  // as an approval command: `/lgtm [cancel]` with `lgtm_acts_as_approve`.
  async comment(ctx, e) {
    if (commands.some((spec) => matchCommand(spec, e.body).length > 0)) return { status: 'skipped', reason: 'handled by the approve command' };
    const opts = optionsOf(ctx);
    if (!isApprovalCommand((login) => isBotLogin(ctx.botLogin, login), opts.lgtmActsAsApprove, { author: e.user.login, body: e.body })) {
      return { status: 'skipped', reason: opts.lgtmActsAsApprove ? 'no approval command in the comment' : 'no approval command in the comment (/lgtm does not act as approval here)' };
    }
    return onApprovalComment(ctx, e);
  },
  on: {
    async pull_request_review(ctx, event: PullRequestReviewEvent) {
      const action: string = event.action;
      if (action !== 'submitted' && action !== 'dismissed') return { status: 'skipped', reason: `reviews ${action} do not change approval` };
      const { review } = event;
      const reviewer = review.user?.login ?? '';
      const isBot = (login: string) => isBotLogin(ctx.botLogin, login) || review.user?.type === 'Bot';
      const opts = optionsOf(ctx);
      // Approval commands override the review state; a body with one is handled as a comment.
      if (isApprovalCommand(isBot, opts.lgtmActsAsApprove, { author: reviewer, body: review.body ?? '' })) {
        return { status: 'skipped', reason: 'the review body carries an approval command, handled as a comment' };
      }
      if (!isApprovalState(isBot, opts.considerReviewState, { author: reviewer, reviewState: String(review.state ?? '') })) {
        const why = !opts.considerReviewState ? 'review state is ignored here (ignore_review_state)' : isBot(reviewer) ? `${reviewer} is a bot` : `a ${review.state} review does not change approval`;
        return { status: 'skipped', reason: why };
      }
      return handle(ctx, event.pull_request.number);
    },
    async pull_request(ctx, event: PullRequestEvent) {
      const action: string = event.action;
      if (action !== 'opened' && action !== 'reopened' && action !== 'synchronize' && action !== 'labeled') {
        return { status: 'skipped', reason: `pull requests ${action} do not change approval` };
      }
      if (action !== 'labeled') return handle(ctx, event.pull_request.number);
      const label = (event as { label?: { name?: string } }).label?.name ?? '';
      if (!isApprovedLabel(label)) return { status: 'skipped', reason: `the ${label} label does not change approval` };
      if (event.pull_request.state === 'closed') return { status: 'skipped', reason: 'the pull request is closed' };
      const sender = { login: event.sender.login, type: event.sender.type };
      if (isBotLogin(ctx.botLogin, sender.login)) return { status: 'skipped', reason: `the ${approvedLabel} label was added by the bot itself` };
      return handle(ctx, event.pull_request.number, { labeledBy: sender });
    },
  },
};
