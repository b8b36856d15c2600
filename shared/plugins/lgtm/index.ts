// lgtm: collaborators put the `lgtm` label on a pull request with `/lgtm` (or an approving review,
// with `review_acts_as_lgtm`) and take it off with `/lgtm cancel` or `/remove-lgtm`; the author
// may take it off but not give it; new commits take it off. Same commands, replies, notices and
// config as Prow's lgtm plugin (kubernetes-sigs/prow pkg/plugins/lgtm/lgtm.go), in three entry
// points as there: comments (any comment-like event, review bodies included), review states, and
// pushes (`pull_request` synchronize).
//
// Where it differs from Prow, it is to spend fewer calls or to fail safe:
// - with neither `store_tree_hash` nor a sticky team, LGTM is added without reading the labels
//   first (the write is idempotent); what Prow does only on a change (deleting the "New changes
//   are detected" notice) is then done every time, which changes nothing when there is no notice;
// - the labels of a push are read before the sticky team, so most pushes (no LGTM) cost one call;
// - a failed read or write that may succeed later fails the event (it is retried, and the write
//   journal keeps what was done); Prow logs and carries on;
// - re-requesting review leaves out the pull request's author (GitHub refuses the whole request)
//   and a refusal is noted rather than ending the handler before its notice;
// - the label is written after the comments that go with it (see handle), so that a retry makes
//   the same decisions;
// - logins compare case-insensitively, as GitHub's do.
import type { PullRequestEvent, PullRequestReviewEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueComment, type IssueRef, type PullRequest } from '../../github/client.js';
import { isRetryable } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { isSkipCollaborators } from '../../owners/config.js';
import { replyTo } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { lgtmConfigSchema, lgtmFor, type LgtmConfig, type LgtmOptions } from './config.js';
import { lgtmCancelRe, lgtmIntent, lgtmRe } from './intent.js';
import { lgtmLabel, removedNotice, sameLogin, storedTreeHash, treeHashNotice, treeHashNoticeRe } from './notices.js';
import { collaboratorsOnlyReply, ownersOnlyReply, selfLgtmReply } from './refusals.js';

export type { LgtmConfig } from './config.js';
export { lgtmLabel, removedNotice, treeHashNotice } from './notices.js';

export type LgtmGitHub = Pick<
  GitHubClient,
  | 'addLabel'
  | 'removeLabel'
  | 'getIssueLabels'
  | 'createComment'
  | 'listComments'
  | 'deleteComment'
  | 'addAssignees'
  | 'requestReviewers'
  | 'getPullRequest'
  | 'getPullRequestChanges'
  | 'getCommit'
>;

type Ctx = PluginContext<LgtmConfig, LgtmGitHub>;

/** The comment or review that asked, for the reply to quote. */
type Asker = Pick<GenericCommentEvent, 'body' | 'htmlUrl' | 'user'>;

/** One request to change LGTM, from a comment or a review (Prow's reviewCtx). */
interface Request {
  /** Add (`true`) or remove. */
  want: boolean;
  asker: Asker;
  issueAuthor: string;
  number: number;
  /** Assignees when the event carries them; read from the pull request otherwise. */
  assignees: readonly string[] | undefined;
  /** `/lgtm`, `an approving review`…, for the trace. */
  what: string;
}

const hasLgtm = (labels: readonly string[]) => labels.some((l) => l.toLowerCase() === lgtmLabel);

const optionsOf = (ctx: Ctx): LgtmOptions => lgtmFor(ctx.config, ctx.repo.owner, ctx.repo.repo);

/** A failure that a retry could cure goes up (the event is retried); any other is only noted. */
async function bestEffort(ctx: Ctx, what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isRetryable(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    ctx.note(`${what} failed, carrying on as Prow does: ${message}`);
    ctx.log.warn(`lgtm: ${what} failed`, { error: message });
  }
}

/** Deletes the bot's own comments that `prune` picks (Prow's commentpruner only ever deletes those). */
async function pruneComments(ctx: Ctx, ref: IssueRef, prune: (comment: IssueComment) => boolean): Promise<number> {
  const bot = ctx.botLogin;
  if (!bot) {
    ctx.note('the bot login is unknown, so none of its comments can be told apart; nothing pruned');
    return 0;
  }
  const stale = (await ctx.github.listComments(ref)).filter((c) => sameLogin(c.user.login, bot) && prune(c));
  for (const comment of stale) await ctx.github.deleteComment(ctx.repo, comment.id);
  return stale.length;
}

/** Asks the assignees to review again (`store_tree_hash` only, as in Prow). */
async function rerequestReviews(ctx: Ctx, ref: IssueRef, assignees: readonly string[], author: string): Promise<void> {
  const reviewers = assignees.filter((a) => !sameLogin(a, author));
  if (!reviewers.length) return;
  await bestEffort(ctx, `re-requesting review from ${reviewers.join(', ')}`, () => ctx.github.requestReviewers(ref, { reviewers }));
}

/**
 * Whether the pull request's author is in the sticky team. A lookup GitHub refuses (no such
 * permission) counts as "not in it", as in Prow: the LGTM then goes on a push, which is the safe
 * side.
 */
async function isSticky(ctx: Ctx, options: LgtmOptions, author: string): Promise<boolean> {
  if (!options.stickyLgtmTeam) return false;
  try {
    return await ctx.trust.isTeamMember(options.stickyLgtmTeam, author);
  } catch (error) {
    if (isRetryable(error)) throw error;
    ctx.note(`could not check team ${options.stickyLgtmTeam} (${error instanceof Error ? error.message : String(error)}); LGTM is not sticky`);
    return false;
  }
}

async function refuse(ctx: Ctx, ref: IssueRef, asker: Asker, reply: string, reason: string): Promise<Outcome> {
  await ctx.github.createComment(ref, replyTo(asker, reply));
  return { status: 'refused', reason };
}

/** Prow's `handle`: who may, then the label, then what goes with it. */
async function handle(ctx: Ctx, request: Request): Promise<Outcome> {
  const { want, asker, issueAuthor } = request;
  const author = asker.user.login;
  const ref: IssueRef = { ...ctx.repo, number: request.number };
  const where = `${ctx.repo.owner}/${ctx.repo.repo}`;
  const options = optionsOf(ctx);
  const skipCollaborators = isSkipCollaborators(ctx.owners.config, ctx.repo.owner, ctx.repo.repo);
  const isAuthor = sameLogin(author, issueAuthor);

  if (isAuthor && want) {
    return refuse(ctx, ref, asker, selfLgtmReply(where, skipCollaborators), `${request.what} by ${author}, the pull request's author`);
  }

  // Read at most once, and only when something needs it.
  let pr: PullRequest | undefined;
  const pullRequest = async () => (pr ??= await ctx.github.getPullRequest(ref));

  if (!isAuthor && !skipCollaborators) {
    if (!(await ctx.trust.isCollaborator(author))) {
      return refuse(ctx, ref, asker, collaboratorsOnlyReply(where), `${request.what} by ${author}, who is not a collaborator on ${where}`);
    }
    // Prow assigns a collaborator who is not yet assigned, so that they can be asked to review
    // again later; a refusal (not assignable) does not stop the LGTM, as in Prow.
    const assignees = request.assignees ?? (await pullRequest()).assignees;
    if (!assignees.some((a) => sameLogin(a, author))) {
      await bestEffort(ctx, `assigning ${author}`, async () => {
        const now = await ctx.github.addAssignees(ref, [author]);
        if (!now.some((a) => sameLogin(a, author))) ctx.note(`GitHub did not assign ${author} to ${formatIssueRef(ref)}`);
      });
    }
  } else if (!isAuthor) {
    // skip_collaborators: the OWNERS of the changed files decide, at the base commit.
    const owners = await ctx.owners.at((await pullRequest()).base.sha);
    const files = (await ctx.github.getPullRequestChanges(ref)).map((c) => c.filename);
    const answer = ctx.trust.ownsAny(owners, author, files, 'reviewers or approvers');
    if (!answer.owns) {
      return refuse(ctx, ref, asker, ownersOnlyReply(owners, files, answer.who), `${request.what} by ${author}, who is not a reviewer or approver of the changed files`);
    }
  }

  // Whether the label is there decides whether anything goes with the change. Adding it with
  // neither a tree hash nor a sticky team brings only the notice pruning, harmless to repeat, so
  // the add is made without a read (unless the pull request was read anyway); a removal always
  // looks first, as a "request changes" review on a pull request without LGTM is common.
  let labelled: boolean | undefined = pr ? hasLgtm(pr.labels) : undefined;
  if (labelled === undefined && (!want || options.storeTreeHash || options.stickyLgtmTeam)) labelled = hasLgtm(await ctx.github.getIssueLabels(ref));

  // The label is written last, after what goes with it: a retry after a partial failure reads
  // the labels again, and only an unchanged label leads it down the same path (where the journal
  // skips the writes already made). With the label first, a retry would find its own write and
  // stop short of the rest.
  if (!want) {
    if (!labelled) return { status: 'ran', reason: `${request.what} by ${author}: no ${lgtmLabel} label to remove` };
    if (options.storeTreeHash) {
      await rerequestReviews(ctx, ref, request.assignees ?? (await pullRequest()).assignees, issueAuthor);
      // The LGTM it recorded is going, so a later push must not find its tree hash.
      await pruneComments(ctx, ref, (c) => treeHashNoticeRe.test(c.body));
    }
    await ctx.github.removeLabel(ref, lgtmLabel);
    return { status: 'ran', reason: `${request.what} by ${author}: ${lgtmLabel} removed` };
  }

  if (labelled === true) return { status: 'ran', reason: `${request.what} by ${author}: already has ${lgtmLabel}` };
  // A sticky LGTM survives pushes without a tree hash, and keeps the last removal notice.
  if (await isSticky(ctx, options, issueAuthor)) {
    await ctx.github.addLabel(ref, lgtmLabel);
    return { status: 'ran', reason: `${request.what} by ${author}: ${lgtmLabel} added (sticky: ${issueAuthor} is in ${options.stickyLgtmTeam})` };
  }
  let stored = '';
  if (options.storeTreeHash) {
    // Prow reads the head commit's tree SHA; a tree read by the commit SHA gives the same SHA.
    // The commit's tree SHA, not the tree: a recursive listing of a large repository runs to megabytes.
    const { treeSha } = await ctx.github.getCommit(ctx.repo, (await pullRequest()).head.sha);
    await ctx.github.createComment(ref, treeHashNotice(treeSha));
    stored = `, tree ${treeSha} stored`;
  }
  const pruned = await pruneComments(ctx, ref, (c) => c.body.includes(removedNotice));
  await ctx.github.addLabel(ref, lgtmLabel);
  return { status: 'ran', reason: `${request.what} by ${author}: ${lgtmLabel} added${stored}${pruned ? `, ${pruned} removal notice(s) deleted` : ''}` };
}

async function onComment(ctx: Ctx, event: GenericCommentEvent, line: string): Promise<Outcome> {
  if (event.issueState !== 'open') return { status: 'skipped', reason: `${formatIssueRef({ ...event.repo, number: event.number })} is ${event.issueState}` };
  const want = lgtmIntent(event.body);
  if (want === undefined) {
    return { status: 'skipped', reason: `"${line}" is not an lgtm command: /lgtm [no-issue], /lgtm cancel and /remove-lgtm take nothing after them` };
  }
  return handle(ctx, {
    want,
    asker: event,
    issueAuthor: event.issueAuthor,
    number: event.number,
    assignees: event.assignees,
    what: want ? '/lgtm' : '/lgtm cancel',
  });
}

async function onReview(ctx: Ctx, event: PullRequestReviewEvent): Promise<Outcome> {
  const options = optionsOf(ctx);
  if (!options.reviewActsAsLgtm) return { status: 'skipped', reason: `review_acts_as_lgtm is off for ${ctx.repo.owner}/${ctx.repo.repo}` };
  if (event.action !== 'submitted') return { status: 'skipped', reason: `a review ${event.action} does not change LGTM; only a submitted one does` };
  const { review, pull_request: pr } = event;
  const reviewer = review.user;
  // A GitHub App cannot be a collaborator, and the bot's own reviews are not approvals.
  if (reviewer.type === 'Bot' || (ctx.botLogin && sameLogin(reviewer.login, ctx.botLogin))) {
    return { status: 'skipped', reason: `review by ${reviewer.login}, a bot` };
  }
  const body = review.body ?? '';
  // The body goes through the comment path: one review must not act twice.
  if (lgtmRe.test(body) || lgtmCancelRe.test(body)) return { status: 'skipped', reason: 'the review body holds an lgtm command, which acts as a comment' };
  // Webhooks send the state in lower case, the REST API in upper case.
  const state = review.state.toUpperCase();
  if (state !== 'APPROVED' && state !== 'CHANGES_REQUESTED') return { status: 'skipped', reason: `a ${review.state} review does not change LGTM` };
  const want = state === 'APPROVED';
  return handle(ctx, {
    want,
    asker: { body, htmlUrl: review.html_url, user: { login: reviewer.login, type: reviewer.type } },
    issueAuthor: pr.user.login,
    number: pr.number,
    assignees: pr.assignees.map((a) => a.login),
    what: want ? 'an approving review' : 'a review requesting changes',
  });
}

/** Prow's handlePullRequest: a push takes LGTM off, unless the tree is the one LGTM was given to. */
async function onPush(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (event.action !== 'synchronize') return { status: 'skipped', reason: `pull_request ${event.action} does not change the code` };
  const pr = event.pull_request;
  if (pr.merged) return { status: 'skipped', reason: 'the pull request is merged' };
  const ref: IssueRef = { ...ctx.repo, number: pr.number };
  const options = optionsOf(ctx);

  if (!hasLgtm(await ctx.github.getIssueLabels(ref))) return { status: 'skipped', reason: `no ${lgtmLabel} label to remove` };
  if (await isSticky(ctx, options, pr.user.login)) {
    return { status: 'skipped', reason: `${pr.user.login} is in ${options.stickyLgtmTeam}, whose LGTM is sticky` };
  }

  if (options.storeTreeHash) {
    const bot = ctx.botLogin;
    // Without the bot's login its comments cannot be trusted over anyone's: the label goes.
    const stored = bot ? storedTreeHash(await ctx.github.listComments(ref), bot) : undefined;
    if (!bot) ctx.note('the bot login is unknown, so no tree-hash comment can be trusted');
    if (stored) {
      const { treeSha } = await ctx.github.getCommit(ctx.repo, pr.head.sha);
      if (treeSha === stored) return { status: 'ran', reason: `${lgtmLabel} kept: the tree is still ${treeSha}` };
      ctx.note(`tree ${treeSha} at ${pr.head.sha}; ${lgtmLabel} was given to tree ${stored}`);
    }
  }

  // The label last, as in handle: a retry must still find it to post what the first attempt did not.
  if (options.storeTreeHash) await rerequestReviews(ctx, ref, pr.assignees.map((a) => a.login), pr.user.login);
  await ctx.github.createComment(ref, removedNotice);
  await ctx.github.removeLabel(ref, lgtmLabel);
  return { status: 'ran', reason: `${lgtmLabel} removed: new commits (head ${pr.head.sha})` };
}

const only = { actions: ['created' as const], pullRequests: true };
const who = "Collaborators on the repository. '/lgtm cancel' can be used additionally by the PR author.";

const commands: CommandSpec<LgtmConfig, LgtmGitHub>[] = [
  {
    name: 'lgtm',
    arg: { pattern: 'no-issue|cancel', optional: true, usage: '[no-issue|cancel]' },
    description: `Adds the '${lgtmLabel}' label, which is typically used to gate merging (\`/lgtm no-issue\` too); \`/lgtm cancel\` removes it.`,
    examples: ['/lgtm', '/lgtm no-issue', '/lgtm cancel'],
    who,
    only,
    run: (ctx, event, match) => onComment(ctx, event, match.line),
  },
  {
    name: 'remove-lgtm',
    description: `Removes the '${lgtmLabel}' label.`,
    examples: ['/remove-lgtm'],
    who,
    only,
    run: (ctx, event, match) => onComment(ctx, event, match.line),
  },
];

export const lgtm: Plugin<LgtmConfig, LgtmGitHub> = {
  name: 'lgtm',
  description:
    "Manages the 'lgtm' (Looks Good To Me) label, which is typically used to gate merging: collaborators add it with /lgtm and remove it with /lgtm cancel; new commits remove it. " +
    "Per repository: reviews of 'approve' or 'request changes' act as /lgtm and /lgtm cancel (review_acts_as_lgtm), squashing commits does not remove it (store_tree_hash), and commits from a trusted team do not remove it (trusted_team_for_sticky_lgtm).",
  config: { key: 'lgtm', schema: lgtmConfigSchema },
  commands,
  on: {
    pull_request: onPush,
    pull_request_review: onReview,
  },
};
