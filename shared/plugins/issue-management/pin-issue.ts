// `/pin-issue` and `/unpin-issue` (Prow's pin-issue.go): approvers in the repository's top-level
// OWNERS file (read at the head of its default branch) pin an issue to the repository, or unpin
// it, through GitHub's GraphQL pinIssue and unpinIssue.
import { formatIssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { Outcome } from '../types.js';
import { reply, unlessRetryable, type Ctx } from './context.js';

export const onlyIssuesMessage = '`/pin-issue` and `/unpin-issue` can only be triggered on GitHub issues.';
export const notApproverMessage =
  'You are not authorized to pin or unpin issues on this repository. Only approvers from the top-level OWNERS file can use this command.';
export const ownersUnknownMessage = (user: string, org: string, repo: string) =>
  `Unable to determine whether ${user} is an approver from the top-level OWNERS of ${org}/${repo}.`;
export const pinFailedMessage = (action: 'pin' | 'unpin', number: number) => `Unable to ${action} issue #${number}. Please try again later.`;
export const pinnedMessage = (pin: boolean, number: number) => `Issue #${number} has been ${pin ? 'pinned to' : 'unpinned from'} the repository.`;

/** Prow's github.NormLogin: OWNERS hold logins lower-cased, without an `@`. */
const normLogin = (login: string) => login.replace(/^@/, '').toLowerCase();

/**
 * Prow's isRepoOwner: `undefined` when the user is a top-level approver, else the reply. The
 * default branch is resolved to its SHA first: OWNERS are cached by commit, and a branch moves.
 */
async function refusal(ctx: Ctx, user: string): Promise<{ message: string; reason: string } | undefined> {
  const { owner: org, repo } = ctx.repo;
  let approvers: Set<string>;
  let where: string;
  try {
    const repository = await ctx.github.getRepo(ctx.repo);
    if (!repository) throw new Error(`GitHub says ${org}/${repo} does not exist`);
    const sha = await ctx.github.getBranchSha(ctx.repo, repository.defaultBranch);
    where = `${org}/${repo}@${repository.defaultBranch} (${sha.slice(0, 12)})`;
    approvers = (await ctx.owners.at(sha)).topLevelApprovers();
  } catch (error) {
    unlessRetryable(error);
    return { message: ownersUnknownMessage(user, org, repo), reason: `could not read the top-level OWNERS of ${org}/${repo}: ${String(error)}` };
  }
  const approver = approvers.has(normLogin(user));
  ctx.note(`top-level OWNERS approvers of ${where}: ${user} ${approver ? 'is one' : 'is not one'}`);
  if (!approver) return { message: notApproverMessage, reason: `${user} is not a top-level approver` };
  return undefined;
}

export async function handlePinOrUnpinIssue(ctx: Ctx, event: GenericCommentEvent, pin: boolean): Promise<Outcome> {
  const command = pin ? '/pin-issue' : '/unpin-issue';
  const action = pin ? 'pin' : 'unpin';
  const ref = { ...ctx.repo, number: event.number };
  const login = event.user.login;
  // As Prow, a pull request is told so whatever the action (an edited comment too).
  if (event.isPR) return reply(ctx, event, onlyIssuesMessage, 'refused', `${command} on ${formatIssueRef(ref)}, a pull request`);
  if (event.action !== 'created') return { status: 'skipped', reason: `${command} acts on new comments only; this one was ${event.action}` };

  const refused = await refusal(ctx, login);
  if (refused) return reply(ctx, event, refused.message, 'refused', `${command} by ${login}: ${refused.reason}`);

  // Prow fails the event when the issue cannot be read: no reply.
  const issue = await ctx.github.getIssue(ref);
  try {
    await (pin ? ctx.github.pinIssue(ref, issue.nodeId) : ctx.github.unpinIssue(ref, issue.nodeId));
  } catch (error) {
    unlessRetryable(error);
    return reply(ctx, event, pinFailedMessage(action, event.number), 'refused', `${command} by ${login}: GitHub refused: ${String(error)}`);
  }
  return reply(ctx, event, pinnedMessage(pin, event.number), 'ran', `${command} by ${login}: ${formatIssueRef(ref)} ${pin ? 'pinned' : 'unpinned'}`);
}
