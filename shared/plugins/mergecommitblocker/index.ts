// mergecommitblocker: `do-not-merge/contains-merge-commits` on a pull request that contains a
// merge commit, with Prow's comment on how to rebase; taken off (and the comment deleted) when no
// merge commit is left. Same label, message and events as Prow's mergecommitblocker plugin
// (kubernetes-sigs/prow pkg/plugins/mergecommitblocker/mergecommitblocker.go).
//
// Prow clones the repository and runs `git log --merges base..head`. The pull request's commits
// as GitHub lists them are the same set (those of the head not in the base), and a merge commit
// is one with more than one parent, so one API read replaces the clone. GitHub lists at most 250
// commits of a pull request (https://docs.github.com/en/rest/pulls/pulls#list-commits-on-a-pull-request):
// a merge commit past the 250th is not seen, which the trace says when it happens.
//
// Labels: an opened or reopened pull request's payload is as fresh as GitHub's labels; after a
// push the payload may predate the label this plugin added for the push before, so
// `synchronize` reads them (Prow reads them on every event).
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueComment, IssueRef } from '../../github/client.js';
import { formatSimpleResponse } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';

/** Prow's labels.MergeCommits. */
export const mergeCommitsLabel = 'do-not-merge/contains-merge-commits';

/** Prow's commentBody, word for word: also how the plugin's own comment is recognised to delete it. */
export const mergeCommitsBody =
  `Adding label \`${mergeCommitsLabel}\` because PR contains merge commits, which are not allowed in this repository.\n` +
  'Use `git rebase` to reapply your commits on top of the target branch. Detailed instructions for doing so can be found [here](https://git.k8s.io/community/contributors/guide/github-workflow.md#4-keep-your-branch-in-sync).';

/** GitHub's limit on a pull request's listed commits. */
const listedCommitsLimit = 250;

export type MergeCommitBlockerGitHub = Pick<GitHubClient, 'listPullRequestCommits' | 'getIssueLabels' | 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment'>;

type Ctx = PluginContext<void, MergeCommitBlockerGitHub>;

const actions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize']);

const hasLabel = (labels: readonly string[]) => labels.some((l) => l.toLowerCase() === mergeCommitsLabel);

/** The bot's own comments (Prow's comment pruner deletes only those); without a known login, GitHub Apps' ones. */
function isOwn(ctx: Ctx, comment: IssueComment): boolean {
  const login = comment.user.login.toLowerCase();
  if (!ctx.botLogin) return comment.user.type === 'Bot';
  const bot = ctx.botLogin.toLowerCase();
  return login === bot || (comment.user.type === 'Bot' && login.replace(/\[bot\]$/, '') === bot.replace(/\[bot\]$/, ''));
}

async function pruneComments(ctx: Ctx, ref: IssueRef): Promise<number> {
  const stale = (await ctx.github.listComments(ref)).filter((c) => isOwn(ctx, c) && c.body.includes(mergeCommitsBody));
  for (const comment of stale) await ctx.github.deleteComment(ctx.repo, comment.id);
  return stale.length;
}

async function onPullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (!actions.has(event.action)) return { status: 'skipped', reason: `pull_request ${event.action} does not change the commits` };
  const pr = event.pull_request;
  const ref: IssueRef = { owner: pr.base.repo.owner.login, repo: pr.base.repo.name, number: pr.number };

  const commits = await ctx.github.listPullRequestCommits(ref);
  if (commits.length >= listedCommitsLimit) ctx.note(`GitHub lists only the first ${listedCommitsLimit} commits of a pull request; merge commits after them are not seen`);
  const merges = commits.filter((c) => c.parents.length > 1);
  const labels = event.action === 'synchronize' ? await ctx.github.getIssueLabels(ref) : pr.labels.map((l) => l.name);
  const labelled = hasLabel(labels);
  const why = merges.length ? `merge commit(s) ${merges.map((c) => c.sha.slice(0, 7)).join(', ')}` : `no merge commit in ${commits.length} commit(s)`;

  if (labelled && !merges.length) {
    await ctx.github.removeLabel(ref, mergeCommitsLabel);
    const pruned = await pruneComments(ctx, ref);
    return { status: 'ran', reason: `${mergeCommitsLabel} removed${pruned ? `, ${pruned} comment(s) deleted` : ''}: ${why}` };
  }
  if (!labelled && merges.length) {
    await ctx.github.addLabel(ref, mergeCommitsLabel);
    await ctx.github.createComment(ref, formatSimpleResponse(mergeCommitsBody));
    return { status: 'ran', reason: `${mergeCommitsLabel} added, with the comment: ${why}` };
  }
  return { status: 'ran', reason: `${mergeCommitsLabel} ${labelled ? 'already there' : 'not there'}: ${why}` };
}

export const mergecommitblocker: Plugin<void, MergeCommitBlockerGitHub> = {
  name: 'mergecommitblocker',
  description: `Adds the '${mergeCommitsLabel}' label, with a comment on how to rebase, to pull requests that contain merge commits, and removes it when they no longer do.`,
  on: { pull_request: onPullRequest },
};
