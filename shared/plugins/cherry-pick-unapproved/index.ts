// cherry-pick-unapproved: a pull request into a release branch (`branchregexp`, `^release-.*$` by
// default) without `cherry-pick-approved` gets `do-not-merge/cherry-pick-not-approved` and the
// configured comment; when `cherry-pick-approved` is added, the label and the comment go. A base
// changed from a release branch to another takes both labels and the comment off. Same labels,
// events and config as Prow's cherry-pick-unapproved plugin
// (kubernetes-sigs/prow pkg/plugins/cherrypickunapproved/cherrypick-unapproved.go).
//
// Labels come from the payload, with no read (Prow reads them on every event). That is safe here
// because every write this plugin makes is a label change, which GitHub answers with a `labeled`
// or `unlabeled` event for one of the two labels, and that event runs the plugin again with the
// labels as they then are: a decision made on labels a few seconds old is corrected by the next.
//
// Difference from Prow: a failed write fails the event, to be retried (the journal skips what was
// done), where Prow logs it and carries on.
import type { PullRequestEditedEvent, PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueComment, IssueRef } from '../../github/client.js';
import { formatSimpleResponse } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { cherryPickUnapprovedConfigSchema, type CherryPickUnapprovedConfig } from './config.js';

export type { CherryPickUnapprovedConfig } from './config.js';

/** Prow's labels.CpApproved. */
export const cpApprovedLabel = 'cherry-pick-approved';
/** Prow's labels.CpUnapproved. */
export const cpUnapprovedLabel = 'do-not-merge/cherry-pick-not-approved';

export type CherryPickUnapprovedGitHub = Pick<GitHubClient, 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment'>;

type Ctx = PluginContext<CherryPickUnapprovedConfig, CherryPickUnapprovedGitHub>;

/** Prow's github.HasLabel: GitHub's label names are unique regardless of case. */
const hasLabel = (labels: readonly string[], label: string) => labels.some((l) => l.toLowerCase() === label.toLowerCase());

/** The bot's own comments (Prow's comment pruner deletes only those); without a known login, GitHub Apps' ones. */
function isOwn(ctx: Ctx, comment: IssueComment): boolean {
  const login = comment.user.login.toLowerCase();
  if (!ctx.botLogin) return comment.user.type === 'Bot';
  const bot = ctx.botLogin.toLowerCase();
  return login === bot || (comment.user.type === 'Bot' && login.replace(/\[bot\]$/, '') === bot.replace(/\[bot\]$/, ''));
}

/** Deletes the bot's comments that contain the configured comment (Prow's shouldPrune); how many. */
async function pruneComments(ctx: Ctx, ref: IssueRef): Promise<number> {
  const stale = (await ctx.github.listComments(ref)).filter((c) => isOwn(ctx, c) && c.body.includes(ctx.config.comment));
  for (const comment of stale) await ctx.github.deleteComment(ctx.repo, comment.id);
  return stale.length;
}

const deleted = (n: number) => (n ? `, ${n} comment(s) deleted` : '');

/** Prow's ensureLabels: the unapproved label (and the comment) exactly when the approved one is missing. */
async function ensureLabels(ctx: Ctx, ref: IssueRef, labels: readonly string[]): Promise<Outcome> {
  const approved = hasLabel(labels, cpApprovedLabel);
  const unapproved = hasLabel(labels, cpUnapprovedLabel);
  if (approved) {
    if (unapproved) await ctx.github.removeLabel(ref, cpUnapprovedLabel);
    const pruned = await pruneComments(ctx, ref);
    return { status: 'ran', reason: `${cpApprovedLabel}: ${unapproved ? `${cpUnapprovedLabel} removed` : 'nothing to remove'}${deleted(pruned)}` };
  }
  if (unapproved) return { status: 'ran', reason: `${cpUnapprovedLabel} already there` };
  await ctx.github.addLabel(ref, cpUnapprovedLabel);
  await ctx.github.createComment(ref, formatSimpleResponse(ctx.config.comment));
  return { status: 'ran', reason: `not ${cpApprovedLabel}: ${cpUnapprovedLabel} added, with the comment` };
}

/** Prow's pruneLabels: no longer a cherry-pick, so neither label nor the comment. */
async function pruneLabels(ctx: Ctx, ref: IssueRef, labels: readonly string[]): Promise<Outcome> {
  const removed: string[] = [];
  for (const label of [cpApprovedLabel, cpUnapprovedLabel]) {
    if (!hasLabel(labels, label)) continue;
    await ctx.github.removeLabel(ref, label);
    removed.push(label);
  }
  const pruned = await pruneComments(ctx, ref);
  return { status: 'ran', reason: `no longer a cherry-pick: ${removed.length ? `removed ${removed.join(', ')}` : 'no label to remove'}${deleted(pruned)}` };
}

async function onPullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  const pr = event.pull_request;
  const ref: IssueRef = { owner: event.repository.owner.login, repo: event.repository.name, number: pr.number };
  const branch = pr.base.ref;
  const re = ctx.config.branchRe;
  const labels = pr.labels.map((l) => l.name);
  const notCherryPick: Outcome = { status: 'skipped', reason: `base branch ${branch} does not match ${ctx.config.branchRegexp}: not a cherry-pick` };

  switch (event.action) {
    case 'opened':
    case 'reopened':
      return re.test(branch) ? ensureLabels(ctx, ref, labels) : notCherryPick;
    case 'labeled':
    case 'unlabeled': {
      if (!re.test(branch)) return notCherryPick;
      // Prow compares the label's name exactly here.
      const name = event.label?.name;
      if (name !== cpApprovedLabel && name !== cpUnapprovedLabel) return { status: 'skipped', reason: `${event.action} ${name ?? 'a label'}: neither cherry-pick label` };
      return ensureLabels(ctx, ref, labels);
    }
    case 'edited': {
      // A new base branch shows as changes.base.ref.from (Prow reads it the same way).
      const from = (event as PullRequestEditedEvent).changes.base?.ref?.from;
      if (!from) return { status: 'skipped', reason: 'edited, but not the base branch' };
      if (re.test(branch) && !re.test(from)) return ensureLabels(ctx, ref, labels);
      if (!re.test(branch) && re.test(from)) return pruneLabels(ctx, ref, labels);
      return { status: 'skipped', reason: `base branch changed from ${from} to ${branch}: still ${re.test(branch) ? '' : 'not '}a cherry-pick` };
    }
    default:
      return { status: 'skipped', reason: `pull_request ${event.action} changes neither the base branch nor the cherry-pick labels` };
  }
}

export const cherryPickUnapproved: Plugin<CherryPickUnapprovedConfig, CherryPickUnapprovedGitHub> = {
  name: 'cherry-pick-unapproved',
  description: `Adds the '${cpUnapprovedLabel}' label, with a comment, to pull requests into a release branch that do not have the '${cpApprovedLabel}' label, and removes it once they do.`,
  config: { key: 'cherry_pick_unapproved', schema: cherryPickUnapprovedConfigSchema },
  on: { pull_request: onPullRequest },
};
