// invalidcommitmsg: labels a pull request `do-not-merge/invalid-commit-message` and explains why in
// one comment when a commit message or the title holds a keyword that would close an issue
// (`fixes #12`, `Closes org/repo#3`), or a commit is a temporary one (`fixup!`, `amend!`,
// `squash!`); once fixed, the label goes and so does the comment. Same checks, regexes, label,
// comment and config as Prow's plugin (pkg/plugins/invalidcommitmsg), from the pull request's
// commits as GitHub lists them: no clone.
//
// Where it differs from Prow:
// - the labels come from the payload (Prow reads them again);
// - when the bot's last comment already says exactly this, it is kept; Prow deletes and posts
//   it again on every push, notifying everyone each time;
// - a failed write fails the event, which is retried (the write journal keeps what was done).
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { Commit, GitHubClient, IssueRef } from '../../github/client.js';
import { aboutThisBotWithCommands } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { invalidCommitMsgConfigSchema, isCheckDisabled, type InvalidCommitMsgConfig } from './config.js';

export type InvalidCommitMsgGitHub = Pick<GitHubClient, 'addLabel' | 'removeLabel' | 'listPullRequestCommits' | 'createComment' | 'listComments' | 'deleteComment'>;

type Ctx = PluginContext<InvalidCommitMsgConfig | undefined, InvalidCommitMsgGitHub>;

export const invalidCommitMsgLabel = 'do-not-merge/invalid-commit-message';
export const invalidCommitMsgCommentMarker = '<!-- [prow:invalid-commit-message] -->';

// Prow's CloseIssueRegex, `((?i)(clos(?:e[sd]?))|(fix(?:(es|ed)?))|(resolv(?:e[sd]?)))[\s:]+(\w+/\w+)?#(\d+)`:
// its (?i) covers only the keywords, but nothing after them has a letter to fold, so /i is the
// same; RE2's \s is [\t\n\f\r ].
export const closeIssueRegex = /((clos(?:e[sd]?))|(fix(?:(es|ed)?))|(resolv(?:e[sd]?)))[\t\n\f\r :]+(\w+\/\w+)?#(\d+)/i;
const fixupCommitRegex = /^(fixup!|amend!|squash!)/;

// Prow's AboutThisBot: the note with the link to the commands.

// The actions after which the commits or the title may differ.
const changedActions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize', 'edited']);

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const subjectOf = (message: string) => message.split('\n', 1)[0]!;

/** Prow's dco.MarkdownSHAList. */
function shaList(org: string, repo: string, commits: readonly Commit[]): string {
  return commits.map((c) => `- [${c.sha.slice(0, 7)}](https://github.com/${org}/${repo}/commits/${c.sha}) ${subjectOf(c.message)}`).join('\n');
}

/** Prow's comment, or undefined when every check passes. */
export function commentFor(org: string, repo: string, found: { invalid: Commit[]; fixups: Commit[]; invalidTitle: boolean }): string | undefined {
  const sections: string[] = [];
  if (found.invalid.length) {
    sections.push(
      `### Invalid commit messages\n\n[Keywords](https://help.github.com/articles/closing-issues-using-keywords) which can automatically close issues and hashtag(#) mentions are not allowed.\n\n${shaList(org, repo, found.invalid)}`,
    );
  }
  if (found.fixups.length) {
    sections.push(
      `### Fixup/amend/squash commits\n\nTemporary commits like fixup!, amend!, or squash! are not allowed.\n\nUse [git rebase --autosquash](https://git-scm.com/docs/git-rebase#Documentation/git-rebase.txt---autosquash) to fix them.\n\n${shaList(org, repo, found.fixups)}`,
    );
  }
  if (found.invalidTitle) {
    sections.push('### Invalid PR title\n\n[Keywords](https://help.github.com/articles/closing-issues-using-keywords) are not allowed in PR titles.\n\nUse `/retitle <new-title>` to fix it.');
  }
  if (!sections.length) return undefined;
  return `${invalidCommitMsgCommentMarker}\n\nInvalid commit message issues detected\n\n${sections.join('\n\n')}\n\n${aboutThisBotWithCommands}`;
}

/** The bot's comments of this plugin, legacy ones included (Prow prunes those too until August 2026). */
const isOurs = (body: string) =>
  body.includes(invalidCommitMsgCommentMarker) || body.includes('**The list of commits with invalid commit messages**:') || body.includes('not allowed in the title of a Pull Request');

async function handle(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (!changedActions.has(event.action)) return { status: 'skipped', reason: `pull_request action "${event.action}" changes neither commits nor title` };
  const pr = event.pull_request;
  const { owner: org, repo } = ctx.repo;
  const ref: IssueRef = { ...ctx.repo, number: pr.number };
  const checkFixup = !isCheckDisabled(ctx.config, org, repo, 'fixupPrefix');
  const checkIssueClosing = !isCheckDisabled(ctx.config, org, repo, 'issueClosingKeywords');
  const hasLabel = pr.labels.some((l) => eq(l.name, invalidCommitMsgLabel));

  const commits = await ctx.github.listPullRequestCommits(ref);
  const invalid = checkIssueClosing ? commits.filter((c) => closeIssueRegex.test(c.message)) : [];
  const fixups = checkFixup ? commits.filter((c) => fixupCommitRegex.test(subjectOf(c.message))) : [];
  const invalidTitle = checkIssueClosing && closeIssueRegex.test(pr.title);
  const body = commentFor(org, repo, { invalid, fixups, invalidTitle });

  if (hasLabel && !body) await ctx.github.removeLabel(ref, invalidCommitMsgLabel);
  else if (!hasLabel && body) await ctx.github.addLabel(ref, invalidCommitMsgLabel);

  let said = 'no comment';
  const bot = ctx.botLogin;
  if (!bot) {
    ctx.note('the bot login is unknown, so its comments cannot be told apart; none pruned');
  } else {
    const ours = (await ctx.github.listComments(ref)).filter((c) => eq(c.user.login, bot) && isOurs(c.body));
    const kept = body === undefined ? undefined : ours.findLast((c) => c.body === body);
    for (const c of ours) if (c !== kept) await ctx.github.deleteComment(ctx.repo, c.id);
    if (kept) said = `comment ${kept.id} already says so`;
  }
  if (body && said === 'no comment') {
    await ctx.github.createComment(ref, body);
    said = 'commented';
  }
  const problems = [
    invalid.length ? `${invalid.length} commit(s) with closing keywords` : '',
    fixups.length ? `${fixups.length} fixup/amend/squash commit(s)` : '',
    invalidTitle ? 'closing keywords in the title' : '',
  ].filter(Boolean);
  return { status: 'ran', reason: problems.length ? `${problems.join(', ')}: ${said}` : `${commits.length} commit(s) and the title are fine` };
}

export const invalidcommitmsg: Plugin<InvalidCommitMsgConfig | undefined, InvalidCommitMsgGitHub> = {
  name: 'invalidcommitmsg',
  description: `Adds the '${invalidCommitMsgLabel}' label to pull requests whose commit messages or title hold keywords that would close an issue, or that have fixup!, amend! or squash! commits, with a comment listing them.`,
  config: { key: 'invalid_commit_msg', schema: invalidCommitMsgConfigSchema },
  on: { pull_request: handle },
};
