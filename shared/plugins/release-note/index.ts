// release-note: every pull request says what its release note is, in a ```release-note block of
// its body. The block decides the label — `release-note`, `release-note-none` (NONE) or
// `release-note-action-required` (the note says "action required") — and without one the pull
// request gets `do-not-merge/release-note-label-needed` and a comment pointing at the guidelines.
// `/release-note-none` (by the author or an org member) marks a pull request that needs no note.
// Same labels, regexes, messages and events as Prow's release-note plugin (kubernetes-sigs/prow
// pkg/plugins/releasenote/releasenote.go): a cherry-pick into a branch other than master whose
// parents all have a note needs none of its own; a `kind/deprecation` pull request needs a real
// note; `/release-note` and `/release-note-action-required` are deprecated and answered with how
// to write the block instead.
//
// Where it differs from Prow:
// - the labels of an `opened` payload decide (nothing but its author can have labelled it yet);
//   an edit, a label or a ready-for-review reads them, as a label this plugin wrote for the
//   previous event may not show in that payload (and a second comment would follow);
// - whether a cherry-pick must follow the process is worked out once per event (Prow asks twice,
//   reading the parents' labels each time), and not at all when the note is already settled;
// - `/release-note-none` asks about org membership only when the commenter is not the author;
// - a failed comment or parent read that may succeed later fails the event (it is retried, and
//   the write journal keeps what was done); Prow logs it and carries on;
// - `/release-note-edit` (org members) replaces the body's release-note block with the comment's,
//   as Prow's editReleaseNote; the body is read from GitHub, since a comment's payload does not
//   carry it. A comment holding it and another release-note command does the edit alone, as Prow.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueComment, IssueRef } from '../../github/client.js';
import { isRetryable } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { formatResponse, formatSimpleResponse, replyTo } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { releaseNoteConfigSchema, type ReleaseNoteConfig } from './config.js';
import {
  allReleaseNoteLabels,
  cherryPickParents,
  deprecationLabel,
  determineReleaseNoteLabel,
  getReleaseNote,
  releaseNoteActionRequiredLabel,
  releaseNoteAlreadyAdded,
  releaseNoteLabel,
  releaseNoteLabelNeeded,
  releaseNoteNoneLabel,
  spliceReleaseNote,
} from './note.js';

export type { ReleaseNoteConfig } from './config.js';
export { releaseNoteActionRequiredLabel, releaseNoteLabel, releaseNoteLabelNeeded, releaseNoteNoneLabel } from './note.js';

export type ReleaseNoteGitHub = Pick<
  GitHubClient,
  'addLabel' | 'removeLabel' | 'getIssueLabels' | 'createComment' | 'listComments' | 'deleteComment' | 'getIssue' | 'updateIssue'
>;

type Ctx = PluginContext<ReleaseNoteConfig, ReleaseNoteGitHub>;

// Prow's command regexes: each command alone on its line.
const releaseNoteRe = /^\/release-note\s*$/im;
const releaseNoteEditRe = /^\/release-note-edit\s*$/im;
export const releaseNoteNoneRe = /^\/release-note-none\s*$/im;
const releaseNoteActionRequiredRe = /^\/release-note-action-required\s*$/im;

/** Prow's releaseNoteFormat. */
export const releaseNoteBody = (guidelinesUrl: string) =>
  `Adding the "${releaseNoteLabelNeeded}" label because no release-note block was detected, please follow our [release note process](${guidelinesUrl}) to remove it.`;
/** Prow's parentReleaseNoteBody. */
export const parentReleaseNoteBody = `All 'parent' PRs of a cherry-pick PR must have one of the "${releaseNoteLabel}" or "${releaseNoteActionRequiredLabel}" labels, or this PR must follow the standard/parent release note labeling requirement.`;
/** Prow's releaseNoteDeprecationBody. */
export const releaseNoteDeprecationBody = `Adding the "${releaseNoteLabelNeeded}" label and removing any existing "${releaseNoteNoneLabel}" label because there is a "${deprecationLabel}" label on the PR.`;
/** Prow's reply to the deprecated commands. */
export const deprecatedCommandsReply =
  'the `/release-note` and `/release-note-action-required` commands have been deprecated.\nPlease edit the `release-note` block in the PR body text to include the release note. If the release note requires additional action include the string `action required` in the release note. For example:\n````\n```release-note\nSome release note with action required.\n```\n````';

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A comment that may succeed later fails the event; any other failure is noted, as Prow logs it. */
async function bestEffortComment(ctx: Ctx, ref: IssueRef, body: string, what: string): Promise<void> {
  try {
    await ctx.github.createComment(ref, body);
  } catch (error) {
    if (isRetryable(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    ctx.note(`${what} failed, carrying on as Prow does: ${message}`);
    ctx.log.warn(`release-note: ${what} failed`, { error: message });
  }
}

interface PullRequestFacts {
  number: number;
  body: string;
  author: string;
  baseRef: string;
}

/**
 * Prow's prMustFollowRelNoteProcess: every pull request into master must, and so must one that is
 * not a cherry-pick or whose parents do not all have a release note (said in a comment, once,
 * when `comment`).
 */
async function mustFollowProcess(ctx: Ctx, pr: PullRequestFacts, labels: ReadonlySet<string>, comment: boolean): Promise<boolean> {
  if (pr.baseRef === 'master') return true;
  const parents = cherryPickParents(pr.body);
  if (!parents.length) return true;
  const noteless: string[] = [];
  for (const parent of parents) {
    let parentLabels: string[];
    try {
      parentLabels = await ctx.github.getIssueLabels({ ...ctx.repo, number: parent });
    } catch (error) {
      // Prow logs and passes over a parent it cannot read.
      if (isRetryable(error)) throw error;
      ctx.note(`could not read the labels of #${parent} (parent of #${pr.number}): ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (!parentLabels.includes(releaseNoteLabel) && !parentLabels.includes(releaseNoteActionRequiredLabel)) noteless.push(`#${parent}`);
  }
  if (!noteless.length) {
    ctx.note(`a cherry-pick whose parents (${parents.map((p) => `#${p}`).join(', ')}) all have a release note`);
    return false;
  }
  if (comment && !labels.has(releaseNoteLabelNeeded)) {
    const reason = `The following parent PRs have neither the "${releaseNoteLabel}" nor the "${releaseNoteActionRequiredLabel}" labels: ${noteless.join(', ')}.`;
    await bestEffortComment(ctx, { ...ctx.repo, number: pr.number }, formatResponse(pr.author, parentReleaseNoteBody, reason), 'the parents comment');
  }
  return true;
}

/**
 * Prow's clearStaleComments: once the note is settled (or none is needed), the bot's comments
 * asking for one go. Only the bot's own: anyone may quote them.
 */
async function clearStaleComments(ctx: Ctx, ref: IssueRef, labels: ReadonlySet<string>, mustFollow: () => Promise<boolean>, listed: IssueComment[] | undefined): Promise<number> {
  if (!releaseNoteAlreadyAdded(labels) && (await mustFollow())) return 0;
  const bot = ctx.botLogin;
  if (!bot) {
    ctx.note('the bot login is unknown, so none of its comments can be told apart; nothing pruned');
    return 0;
  }
  const asking = releaseNoteBody(ctx.config.guidelinesUrl);
  const comments = listed ?? (await ctx.github.listComments(ref));
  const stale = comments.filter((c) => sameLogin(c.user.login, bot) && (c.body.includes(asking) || c.body.includes(parentReleaseNoteBody)));
  for (const c of stale) await ctx.github.deleteComment(ctx.repo, c.id);
  return stale.length;
}

/** Prow's shouldHandlePR: events that change the body, a release-note label, or make a draft ready. */
function shouldHandle(event: PullRequestEvent): string | undefined {
  const { action } = event;
  if (action === 'labeled') {
    const name = event.label?.name ?? '';
    return allReleaseNoteLabels.includes(name) ? undefined : `pull_request labeled ${name}, not a release-note label`;
  }
  return action === 'opened' || action === 'edited' || action === 'ready_for_review' ? undefined : `pull_request ${action} does not change the release note`;
}

/** Prow's handlePR. */
async function onPullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  const skip = shouldHandle(event);
  if (skip) return { status: 'skipped', reason: skip };
  const payload = event.pull_request;
  const pr: PullRequestFacts = { number: payload.number, body: payload.body ?? '', author: payload.user.login, baseRef: payload.base.ref };
  const ref: IssueRef = { ...ctx.repo, number: pr.number };
  const labels = new Set(event.action === 'opened' ? payload.labels.map((l) => l.name) : await ctx.github.getIssueLabels(ref));

  let mustFollow: boolean | undefined;
  const mustFollowQuietly = async () => (mustFollow ??= await mustFollowProcess(ctx, pr, labels, false));
  let comments: IssueComment[] | undefined;
  let labelToAdd = determineReleaseNoteLabel(pr.body, labels);
  let said = '';

  if (labelToAdd === releaseNoteLabelNeeded) {
    // A merged pull request's body edited: no do-not-merge label.
    if (payload.merged) return { status: 'ran', reason: `no release note, but #${pr.number} is merged: ${releaseNoteLabelNeeded} not added` };
    mustFollow = await mustFollowProcess(ctx, pr, labels, true);
    if (!mustFollow) {
      if (labels.has(releaseNoteLabelNeeded)) {
        await ctx.github.removeLabel(ref, releaseNoteLabelNeeded);
        labels.delete(releaseNoteLabelNeeded);
      }
      const pruned = await clearStaleComments(ctx, ref, labels, mustFollowQuietly, undefined);
      return { status: 'ran', reason: `no release note needed: every parent of the cherry-pick has one${pruned ? `; ${pruned} stale comment(s) deleted` : ''}` };
    }
    if (labels.has(deprecationLabel)) {
      if (!labels.has(releaseNoteLabelNeeded)) {
        await bestEffortComment(ctx, ref, formatSimpleResponse(releaseNoteDeprecationBody), 'the deprecation comment');
        said = `; said why (${deprecationLabel})`;
      }
    } else {
      comments = await ctx.github.listComments(ref);
      // Anyone's /release-note-none in the conversation counts, as in Prow.
      if (comments.some((c) => releaseNoteNoneRe.test(c.body))) {
        labelToAdd = releaseNoteNoneLabel;
        said = '; a comment says /release-note-none';
      } else if (!labels.has(releaseNoteLabelNeeded)) {
        await bestEffortComment(ctx, ref, formatSimpleResponse(releaseNoteBody(ctx.config.guidelinesUrl)), 'the release note comment');
        said = '; asked for a release-note block';
      }
    }
  }

  const changes: string[] = [];
  if (!labels.has(labelToAdd)) {
    await ctx.github.addLabel(ref, labelToAdd);
    labels.add(labelToAdd);
    changes.push(`${labelToAdd} added`);
  }
  for (const other of allReleaseNoteLabels) {
    if (other === labelToAdd || !labels.has(other)) continue;
    await ctx.github.removeLabel(ref, other);
    labels.delete(other);
    changes.push(`${other} removed`);
  }
  const pruned = await clearStaleComments(ctx, ref, labels, mustFollowQuietly, comments);
  if (pruned) changes.push(`${pruned} stale comment(s) deleted`);
  return { status: 'ran', reason: `${labelToAdd}: ${changes.length ? changes.join(', ') : 'labels already right'}${said}` };
}

async function refuse(ctx: Ctx, event: GenericCommentEvent, reply: string, reason: string): Promise<Outcome> {
  await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, reply));
  return { status: 'refused', reason };
}

/** Prow's handleComment: `/release-note-none` by the author or an org member, unless the body has a real note. */
async function releaseNoteNone(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  const login = event.user.login;
  const ref: IssueRef = { ...ctx.repo, number: event.number };
  const isAuthor = sameLogin(login, event.issueAuthor);
  if (!isAuthor && !(await ctx.trust.isOrgMember(login))) {
    return refuse(
      ctx,
      event,
      `you can only set the release note label to ${releaseNoteNoneLabel} if you are the PR author or an org member. ` +
        `@${event.issueAuthor} (the author) or a member of the ${ctx.repo.owner} organization can; @${login} is neither.`,
      `/release-note-none by ${login}, neither the author nor a member of ${ctx.repo.owner}`,
    );
  }
  // The body and the labels as they are now: the comment's payload carries neither for its pull request.
  const issue = await ctx.github.getIssue(ref);
  const labels = new Set(issue.labels);
  const blockLabel = determineReleaseNoteLabel(issue.body, labels);
  if (blockLabel === releaseNoteLabel || blockLabel === releaseNoteActionRequiredLabel) {
    return refuse(
      ctx,
      event,
      `you can only set the release note label to ${releaseNoteNoneLabel} if the release-note block in the PR body text is empty or "none".`,
      `/release-note-none, but the body's release note calls for ${blockLabel}`,
    );
  }
  if (labels.has(deprecationLabel)) {
    return refuse(
      ctx,
      event,
      `you can not set the release note label to "${releaseNoteNoneLabel}" because the PR has the label "${deprecationLabel}".`,
      `/release-note-none on a pull request labelled ${deprecationLabel}`,
    );
  }
  const changes: string[] = [];
  if (!labels.has(releaseNoteNoneLabel)) {
    await ctx.github.addLabel(ref, releaseNoteNoneLabel);
    changes.push(`${releaseNoteNoneLabel} added`);
  }
  for (const other of allReleaseNoteLabels) {
    if (other === releaseNoteNoneLabel || !labels.has(other)) continue;
    await ctx.github.removeLabel(ref, other);
    changes.push(`${other} removed`);
  }
  return { status: 'ran', reason: `/release-note-none by ${login}: ${changes.length ? changes.join(', ') : `already ${releaseNoteNoneLabel}`}` };
}

/** Prow's editReleaseNote: an org member's comment with a release-note block replaces the body's block. */
async function editReleaseNote(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  const login = event.user.login;
  if (!(await ctx.trust.isOrgMember(login))) {
    return refuse(ctx, event, `You must be an org member to edit the release note. ${login} is not a member of ${ctx.repo.owner}; a member can make the edit, or the author can change the block in the pull request's description.`, `/release-note-edit by ${login}: not an org member`);
  }
  const note = getReleaseNote(event.body);
  if (note === '') return refuse(ctx, event, '/release-note-edit must be used with a release note block.', '/release-note-edit without a release-note block');
  const ref: IssueRef = { ...ctx.repo, number: event.number };
  const current = await ctx.github.getIssue(ref);
  const replaced = spliceReleaseNote(current.body, note);
  if (replaced === undefined) {
    return refuse(ctx, event, '/release-note-edit must be used with a single release note block.', "/release-note-edit: the pull request's description has no release-note block to replace");
  }
  await ctx.github.updateIssue(ref, { body: replaced });
  return { status: 'ran', reason: `/release-note-edit by ${login}: the release note in the description replaced` };
}

/** Every release-note command comes here, so Prow's precedence and exact regexes decide, whichever declaration matched. */
async function onComment(ctx: Ctx, event: GenericCommentEvent, line: string): Promise<Outcome> {
  // Prow's plugin handles issue comments only: not pull request bodies, reviews or review comments.
  if (event.source !== 'issue_comment') return { status: 'skipped', reason: `release-note commands are read from conversation comments only, not a ${event.source}` };
  const body = event.body;
  if (releaseNoteEditRe.test(body)) return editReleaseNote(ctx, event);
  if (releaseNoteRe.test(body) || (!releaseNoteNoneRe.test(body) && releaseNoteActionRequiredRe.test(body))) {
    return refuse(ctx, event, deprecatedCommandsReply, 'a deprecated release-note command: replied with how to write the block');
  }
  if (releaseNoteNoneRe.test(body)) return releaseNoteNone(ctx, event);
  return { status: 'skipped', reason: `"${line}" is not a release-note command: it takes nothing after it` };
}

const only = { actions: ['created' as const], pullRequests: true };
const run: CommandSpec<ReleaseNoteConfig, ReleaseNoteGitHub>['run'] = (ctx, event, match) => onComment(ctx, event, match.line);
const deprecated = 'Deprecated: replies with how to write the release note in the `release-note` block of the pull request body instead.';

const commands: CommandSpec<ReleaseNoteConfig, ReleaseNoteGitHub>[] = [
  { name: 'release-note', description: deprecated, examples: ['/release-note'], who: 'Anyone', only, run },
  {
    name: 'release-note-none',
    description: `Adds the '${releaseNoteNoneLabel}' label to indicate that the PR does not warrant a release note. This is deprecated and ideally the release note process should be followed in the PR body instead.`,
    examples: ['/release-note-none'],
    who: 'PR Authors and Org Members.',
    only,
    run,
  },
  { name: 'release-note-action-required', description: deprecated, examples: ['/release-note-action-required'], who: 'Anyone', only, run },
  {
    name: 'release-note-edit',
    description: 'Replaces the release note block in the top level comment with the provided one.',
    examples: ['/release-note-edit\r\n```release-note\r\nThe new release note\r\n```'],
    who: 'Org Members.',
    only,
    run,
  },
];

export const releaseNote: Plugin<ReleaseNoteConfig, ReleaseNoteGitHub> = {
  name: 'release-note',
  description: `Asks every pull request for a release note in a \`release-note\` block of its body, and labels it '${releaseNoteLabel}', '${releaseNoteNoneLabel}' or '${releaseNoteActionRequiredLabel}' from the block. Without one it gets '${releaseNoteLabelNeeded}' and a comment pointing at the guidelines (release_note.guidelines_url); the author or an org member may say /release-note-none instead.`,
  config: { key: 'release_note', schema: releaseNoteConfigSchema },
  commands,
  on: { pull_request: onPullRequest },
};
