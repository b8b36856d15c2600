// /close, /close not-planned and /reopen, as Prow's lifecycle plugin (pkg/plugins/lifecycle/close.go,
// reopen.go): on new comments only, /close on open issues and pull requests, /reopen on closed
// ones. The author or a collaborator may do either; anyone may close an issue or pull request
// marked `lifecycle/stale` or `lifecycle/rotten`. "Not planned" is a reason GitHub has for issues
// only, so a pull request refuses it. The bot replies after closing or reopening, as an audit
// trail of who asked. Refusals keep Prow's first sentence and then say who can and why this
// user cannot.
import { formatIssueRef } from '../../github/client.js';
import { isRetryable } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import { prowLine } from '../prow-line.js';
import { kindOf, refOf, sameLogin, type Ctx, type Step } from './steps.js';

/** Prow's closeRe, `(?mi)^/close\s*$`. */
export const closeRe = prowLine('close');
/** Prow's closeNotPlannedRe, `(?mi)^/close not-planned\s*$`. */
export const closeNotPlannedRe = prowLine('close not-planned');
/** Prow's reopenRe, `(?mi)^/reopen\s*$`. */
export const reopenRe = prowLine('reopen');

export const inactiveLabels = ['lifecycle/stale', 'lifecycle/rotten'] as const;

export const closeRefusal = "You can't close an active issue/PR unless you authored it or you are a collaborator.";
export const reopenRefusal = "You can't reopen an issue/PR unless you authored it or you are a collaborator.";
export const notPlannedOnPR = 'PRs cannot be closed as Not Planned.';

/** GitHub's message when an issue's or pull request's state cannot change (Prow's stateCannotBeChangedMessagePrefix). */
const stateCannotBeChangedPrefix = 'state cannot be changed.';

type ErrorLike = { message?: unknown; cause?: unknown; response?: { data?: { errors?: unknown } } };

/**
 * GitHub's "state cannot be changed." message when a reopen was refused (a pull request whose
 * head branch or fork is gone, for one), as Prow's StateCannotBeChanged reads it from the 422's
 * `errors`; `undefined` for any other failure.
 */
export function stateCannotBeChanged(error: unknown): string | undefined {
  for (let e = error as ErrorLike | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as ErrorLike | undefined, depth++) {
    const errors = e.response?.data?.errors;
    for (const item of Array.isArray(errors) ? errors : []) {
      const message = (item as { message?: unknown } | null)?.message;
      if (typeof message === 'string' && message.includes(stateCannotBeChangedPrefix)) return message;
    }
  }
  return undefined;
}

/** Whether the issue is marked stale or rotten, or why that could not be told. */
type Activity = { active: boolean; unreadable?: string };

async function activity(ctx: Ctx, e: GenericCommentEvent): Promise<Activity> {
  try {
    const labels = (await ctx.github.getIssueLabels(refOf(e))).map((l) => l.toLowerCase());
    return { active: !inactiveLabels.some((l) => labels.includes(l)) };
  } catch (error) {
    // A transient failure is retried by the queue. Anything else fails closed, as Prow's
    // isActive does: the issue is taken to be active, so only its author or a collaborator may close it.
    if (isRetryable(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    ctx.note(`labels of ${formatIssueRef(refOf(e))} unreadable (${reason}): taken as active, as Prow does`);
    return { active: true, unreadable: reason };
  }
}

/** Prow's handleClose. `undefined`: the comment asks no close of this issue. */
export async function handleClose(ctx: Ctx, e: GenericCommentEvent): Promise<Step | undefined> {
  const notPlanned = closeNotPlannedRe.test(e.body);
  if (!notPlanned && !closeRe.test(e.body)) return undefined;
  const command = notPlanned ? '/close not-planned' : '/close';
  const kind = kindOf(e);
  if (e.issueState !== 'open') {
    ctx.note(`${command}: the ${kind} is already ${e.issueState}`);
    return undefined;
  }
  const ref = refOf(e);
  const login = e.user.login;

  // Cheapest first: the author needs no lookup, a collaborator no label read. Prow asks both every
  // time; the answer is the same.
  let labels: Activity | undefined;
  const allowed = sameLogin(e.issueAuthor, login) || (await ctx.trust.isCollaborator(login)) || !(labels = await activity(ctx, e)).active;
  if (!allowed) {
    const unreadable = labels?.unreadable;
    const where = `${ref.owner}/${ref.repo}`;
    const why = unreadable
      ? `I could not read the labels of this ${kind} to tell whether it is stale or rotten (${unreadable}), so I took it to be active.`
      : `This ${kind} is not marked \`lifecycle/stale\` or \`lifecycle/rotten\`, and you are neither its author nor a collaborator of ${where}.`;
    const who = `An active ${kind} may be closed by its author (@${e.issueAuthor}) or by a collaborator of ${where}; a stale or rotten one, by anyone.`;
    await ctx.github.createComment(ref, replyTo(e, `${closeRefusal}\n\n${who} ${why}`));
    return { done: `${command} by ${login}: refused (not the author, not a collaborator, ${unreadable ? 'labels unreadable' : 'not stale or rotten'})`, refused: true };
  }

  if (e.isPR) {
    if (notPlanned) {
      const why = `GitHub closes only issues as not planned; \`/close\` closes this pull request.`;
      await ctx.github.createComment(ref, replyTo(e, `${notPlannedOnPR}\n\n${why}`));
      return { done: `${command} by ${login}: refused (a pull request cannot be closed as not planned)`, refused: true };
    }
    await ctx.github.updateIssue(ref, { state: 'closed' });
    await ctx.github.createComment(ref, replyTo(e, 'Closed this PR.'));
    return { done: `${command} by ${login}: closed`, refused: false };
  }

  await ctx.github.updateIssue(ref, { state: 'closed', stateReason: notPlanned ? 'not_planned' : 'completed' });
  const reply = notPlanned ? 'Closing this issue, marking it as "Not Planned".' : 'Closing this issue.';
  await ctx.github.createComment(ref, replyTo(e, reply));
  return { done: `${command} by ${login}: closed as ${notPlanned ? 'not planned' : 'completed'}`, refused: false };
}

/** Prow's handleReopen. `undefined`: the comment asks no reopen of this issue. */
export async function handleReopen(ctx: Ctx, e: GenericCommentEvent): Promise<Step | undefined> {
  if (!reopenRe.test(e.body)) return undefined;
  const kind = kindOf(e);
  if (e.issueState !== 'closed') {
    ctx.note(`/reopen: the ${kind} is ${e.issueState}`);
    return undefined;
  }
  const ref = refOf(e);
  const login = e.user.login;
  const where = `${ref.owner}/${ref.repo}`;

  if (!sameLogin(e.issueAuthor, login) && !(await ctx.trust.isCollaborator(login))) {
    const who = `A closed ${kind} may be reopened by its author (@${e.issueAuthor}) or by a collaborator of ${where}; you are neither.`;
    await ctx.github.createComment(ref, replyTo(e, `${reopenRefusal}\n\n${who}`));
    return { done: `/reopen by ${login}: refused (not the author, not a collaborator)`, refused: true };
  }

  try {
    await ctx.github.updateIssue(ref, { state: 'open' });
  } catch (error) {
    const message = stateCannotBeChanged(error);
    if (message === undefined) throw error;
    await ctx.github.createComment(ref, replyTo(e, `Failed to re-open ${e.isPR ? 'PR' : 'Issue'}: ${message}`));
    return { done: `/reopen by ${login}: GitHub refused (${message})`, refused: true };
  }
  await ctx.github.createComment(ref, replyTo(e, e.isPR ? 'Reopened this PR.' : 'Reopened this issue.'));
  return { done: `/reopen by ${login}: reopened`, refused: false };
}
