// needs-rebase: keeps the `needs-rebase` label on the open pull requests GitHub says no longer
// merge cleanly, with Prow's "PR needs rebase." comment, and takes both away once they merge
// again. Prow runs it as an external plugin (cmd/external-plugins/needs-rebase/plugin/plugin.go);
// here it is built in, with the same events, label, messages and decisions (`takeAction`).
//
// GitHub computes mergeability in the background after a push to the head or the base, and
// answers `mergeable: null` until it is done (reading the pull request starts the job):
// https://docs.github.com/en/rest/guides/using-the-rest-api-to-interact-with-your-git-database#checking-mergeability-of-pull-requests
// Prow sleeps 5 s, then polls up to three times (IsMergeable). Skiff does not sleep: it throws a
// RetryableError, and the queue brings the record back `mergeabilityRetrySeconds` later; writes
// already made are skipped on that retry (the write journal), so nothing is posted twice.
//
// When it runs:
// - `pull_request` opened, synchronize, reopened (Prow's HandlePullRequestEvent);
// - any `issue_comment` on an open pull request (Prow's HandleIssueCommentEvent), so a person can
//   ask for a re-check by commenting; the bot's own comments are not looked at;
// - beyond Prow's events, a `push` to a branch re-checks the open pull requests into it: a
//   change to the base is what makes a pull request conflict without anything happening on it.
//   Prow finds those with a periodic search of every open pull request (HandleAll, daily by
//   default); this is the event that search stands in for.
//
// The pull request is read from GitHub, not taken from the payload: the payload's `mergeable` is
// a snapshot taken as the event was sent (nearly always `null` after a push), and the same read
// carries the current labels, so no separate labels read is needed.
import type { PullRequestEvent, PushEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueRef, type PullRequest } from '../../github/client.js';
import { RetryableError } from '../../github/errors.js';
import { isBotLogin } from '../bot-login.js';
import { formatSimpleResponse } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';

export type NeedsRebaseGitHub = Pick<
  GitHubClient,
  'getPullRequest' | 'listPullRequests' | 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment'
>;

type Ctx = PluginContext<unknown, NeedsRebaseGitHub>;

// Prow's labels.NeedsRebase, needsRebaseMessage, dependabotRebaseMessage and dependabotUser.
export const needsRebaseLabel = 'needs-rebase';
export const needsRebaseMessage = 'PR needs rebase.';
export const dependabotRebaseMessage = 'rebase';
export const dependabotUser = 'dependabot[bot]';

/** How long GitHub usually takes to compute mergeability: Prow's initial wait before its first check. */
export const mergeabilityRetrySeconds = 5;

/**
 * At most this many pull requests are checked per push. Each costs one read (the listing leaves
 * `mergeable` out), and a record has a minute: 100 reads, four at a time, take a few seconds. Past
 * it, the newest ones are checked and the rest wait for their next event (see the trace note).
 */
export const maxPullRequestsPerPush = 100;
const readsInFlight = 4;

// Prow's HandlePullRequestEvent: the actions after which the head may merge differently.
const pullRequestActions: ReadonlySet<string> = new Set(['opened', 'synchronize', 'reopened']);

/** The comment Prow posts with the label: dependabot is told to rebase itself. */
export function needsRebaseComment(author: string): string {
  return formatSimpleResponse(author === dependabotUser ? dependabotRebaseMessage : needsRebaseMessage);
}

/** What Prow's takeAction does for one pull request, as a sentence for the trace. */
type Action = 'added' | 'removed' | 'kept' | 'none';

/**
 * Prow's takeAction: not mergeable and unlabelled → label and comment; mergeable and labelled →
 * remove the label and the bot's "PR needs rebase." comments. Otherwise nothing (a conflicting
 * pull request that already has the label is not told again).
 */
async function takeAction(ctx: Ctx, ref: IssueRef, pr: PullRequest): Promise<Action> {
  const hasLabel = pr.labels.includes(needsRebaseLabel);
  const mergeable = pr.mergeable === true;
  if (!mergeable && !hasLabel) {
    try {
      await ctx.github.addLabel(ref, needsRebaseLabel);
    } catch (cause) {
      throw new Error(`failed to add the ${needsRebaseLabel} label to ${formatIssueRef(ref)}`, { cause });
    }
    await ctx.github.createComment(ref, needsRebaseComment(pr.user.login));
    return 'added';
  }
  if (mergeable && hasLabel) {
    try {
      await ctx.github.removeLabel(ref, needsRebaseLabel);
    } catch (cause) {
      throw new Error(`failed to remove the ${needsRebaseLabel} label from ${formatIssueRef(ref)}`, { cause });
    }
    // Prow's shouldPrune: the bot's comments that contain the message, whatever else they say.
    const comments = await ctx.github.listComments(ref);
    for (const c of comments) {
      if (isOwnComment(ctx, c.user) && c.body.includes(needsRebaseMessage)) await ctx.github.deleteComment(ctx.repo, c.id);
    }
    return 'removed';
  }
  return mergeable ? 'none' : 'kept';
}

/** The bot's comment (Prow's BotUserChecker). Without a known login, only GitHub Apps' comments count. */
function isOwnComment(ctx: Ctx, user: { login: string; type: string }): boolean {
  if (!ctx.botLogin) return user.type === 'Bot';
  return user.login.toLowerCase() === ctx.botLogin.toLowerCase() || (user.type === 'Bot' && isBotLogin(ctx.botLogin, user.login));
}

const said: Record<Action, string> = {
  added: `not mergeable: ${needsRebaseLabel} added, author told`,
  removed: `mergeable again: ${needsRebaseLabel} removed with its comments`,
  kept: `not mergeable, already labelled ${needsRebaseLabel}`,
  none: 'mergeable',
};

/** The record comes back later: GitHub has not computed mergeability yet. */
function stillComputing(refs: IssueRef[]): RetryableError {
  const which = refs.map(formatIssueRef).join(', ');
  return new RetryableError(`GitHub is still computing whether ${which} can be merged; checking again in ${mergeabilityRetrySeconds} s`, {
    retryAfterSeconds: mergeabilityRetrySeconds,
  });
}

/**
 * Prow's handle: only open pull requests, and (for a pull_request event) only the head the event
 * is about — Prow's IsMergeable fails when the head moved; the newer head has its own event.
 */
async function check(ctx: Ctx, ref: IssueRef, expectedHead?: string): Promise<Outcome> {
  const pr = await ctx.github.getPullRequest(ref);
  if (pr.state !== 'open' || pr.merged) return { status: 'skipped', reason: `${formatIssueRef(ref)} is ${pr.merged ? 'merged' : pr.state}` };
  if (expectedHead !== undefined && pr.head.sha !== expectedHead) {
    ctx.note(`the head of ${formatIssueRef(ref)} moved from ${expectedHead} to ${pr.head.sha}; the event for the new head checks it`);
    return { status: 'skipped', reason: 'the head moved since the event' };
  }
  if (pr.mergeable === null) throw stillComputing([ref]);
  return { status: 'ran', reason: said[await takeAction(ctx, ref, pr)] };
}

/** Runs `read` over `items`, `limit` at a time, keeping their order. */
async function pooled<T, R>(items: readonly T[], limit: number, read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await read(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A push to a branch: every open pull request into it may merge differently now. */
async function checkBase(ctx: Ctx, event: PushEvent): Promise<Outcome> {
  if (!event.ref.startsWith('refs/heads/')) return { status: 'skipped', reason: `${event.ref} is not a branch` };
  if (event.deleted) return { status: 'skipped', reason: `${event.ref} was deleted` };
  const base = event.ref.slice('refs/heads/'.length);
  const listed = await ctx.github.listPullRequests(ctx.repo, { base });
  if (!listed.length) return { status: 'skipped', reason: `no open pull requests into ${base}` };
  // GitHub lists the newest first; those are the likeliest to be worked on.
  const checked = listed.slice(0, maxPullRequestsPerPush);
  if (listed.length > checked.length) {
    ctx.note(`${listed.length} open pull requests into ${base}: the newest ${checked.length} checked, the others at their next event`);
  }
  const refs = checked.map((p): IssueRef => ({ ...ctx.repo, number: p.number }));
  const prs = await pooled(refs, readsInFlight, (ref) => ctx.github.getPullRequest(ref));

  // Writes one pull request at a time, in listing order, so a retry makes the same ones.
  const pending: IssueRef[] = [];
  const counts: Record<Action, number> = { added: 0, removed: 0, kept: 0, none: 0 };
  for (const [i, pr] of prs.entries()) {
    const ref = refs[i]!;
    if (pr.state !== 'open' || pr.merged) continue;
    if (pr.mergeable === null) {
      pending.push(ref);
      continue;
    }
    counts[await takeAction(ctx, ref, pr)]++;
  }
  const summary = `${checked.length} open into ${base}: ${counts.added} labelled ${needsRebaseLabel}, ${counts.removed} unlabelled, ${counts.kept + counts.none} unchanged`;
  if (pending.length) {
    ctx.note(`${summary}; ${pending.length} still being computed`);
    throw stillComputing(pending);
  }
  return { status: 'ran', reason: summary };
}

export const needsRebase: Plugin<unknown, NeedsRebaseGitHub> = {
  name: 'needs-rebase',
  description: `Adds the '${needsRebaseLabel}' label and a comment to pull requests that no longer merge cleanly, and removes them once they do; checked when a pull request is opened, pushed to or commented on, and when its base branch moves.`,

  async comment(ctx, e) {
    // Prow's needs-rebase subscribes to issue_comment only; review comments and bodies are left out.
    if (e.source !== 'issue_comment') return { status: 'skipped', reason: `${e.source} events are not checked` };
    if (!e.isPR) return { status: 'skipped', reason: 'not a pull request' };
    // The payload says the state: a comment on a closed pull request needs no read.
    if (e.issueState !== 'open') return { status: 'skipped', reason: `the pull request is ${e.issueState}` };
    return check(ctx, { ...ctx.repo, number: e.number });
  },

  on: {
    async pull_request(ctx, event: PullRequestEvent) {
      if (!pullRequestActions.has(event.action)) return { status: 'skipped', reason: `pull_request action "${event.action}" does not change what merges` };
      if (event.pull_request.state !== 'open') return { status: 'skipped', reason: `the pull request is ${event.pull_request.state}` };
      return check(ctx, { ...ctx.repo, number: event.pull_request.number }, event.pull_request.head.sha);
    },
    push: checkBase,
  },
};
