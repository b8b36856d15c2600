// help: Prow's help plugin (pkg/plugins/help/help.go). On an open issue, `/help` adds the
// `help wanted` label and `/good-first-issue` adds `good first issue` (and `help wanted` with
// it), each with a comment pointing at the guidelines (`help.help_guidelines_url`, and
// `help.help_guidelines_summary` when set). `/remove-help` takes `help wanted` off (and `good
// first issue` with it), `/remove-good-first-issue` only the latter; the bot's comments about a
// label that goes are deleted. Anyone may use them; pull requests and closed issues are left alone.
//
// A comment holding several of these acts once, on the first that applies in Prow's order:
// /remove-help, /good-first-issue, /help, /remove-good-first-issue. The commands are declared as
// data for help and matching; whichever matches first handles the comment with Prow's regexes,
// which want the command alone on its line.
import type { GitHubClient, IssueComment, IssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { prowLine } from '../prow-line.js';
import { formatResponseRaw } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { helpConfigSchema, type HelpConfig } from './config.js';
import { goodFirstIssueMessage, goodFirstIssuePruneMatch, helpMessage, helpPruneMatch } from './messages.js';

export { goodFirstIssueMessage, helpMessage } from './messages.js';

export const helpLabel = 'help wanted';
export const goodFirstIssueLabel = 'good first issue';

export type HelpGitHub = Pick<GitHubClient, 'getIssueLabels' | 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment'>;

type Ctx = PluginContext<HelpConfig, HelpGitHub>;

// Prow's helpRe, helpRemoveRe, helpGoodFirstIssueRe and helpGoodFirstIssueRemoveRe.
const helpRe = prowLine('help');
const helpRemoveRe = prowLine('remove-help');
const goodFirstIssueRe = prowLine('good-first-issue');
const goodFirstIssueRemoveRe = prowLine('remove-good-first-issue');

/**
 * The bot's own comments, as Prow's BotUserChecker tells them: its login, or a GitHub App's
 * `<slug>[bot]`. Without a known login (no credentials), GitHub Apps' comments.
 */
function isOwn(ctx: Ctx, comment: IssueComment): boolean {
  const login = comment.user.login.toLowerCase();
  const bot = ctx.botLogin?.toLowerCase().replace(/\[bot\]$/, '');
  if (!bot) return comment.user.type === 'Bot';
  return login === bot || (comment.user.type === 'Bot' && login === `${bot}[bot]`);
}

/** Prow's PruneComments with shouldPrune: deletes the bot's comments that contain `match`. */
async function prune(ctx: Ctx, ref: IssueRef, match: string): Promise<number> {
  if (!ctx.botLogin) ctx.note("the bot's login is not known: comments by GitHub Apps are taken as its own");
  const own = (await ctx.github.listComments(ref)).filter((c) => isOwn(ctx, c) && c.body.includes(match));
  for (const comment of own) await ctx.github.deleteComment(ref, comment.id);
  return own.length;
}

const deleted = (n: number) => (n ? `, ${n} bot comment${n === 1 ? '' : 's'} deleted` : '');

/** Prow's handle. */
async function handleComment(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  if (e.isPR || e.issueState !== 'open') {
    const reason = e.isPR ? 'help and good-first-issue labels are for issues, not pull requests' : `the issue is ${e.issueState}`;
    ctx.note(reason);
    return { status: 'skipped', reason };
  }
  const ref: IssueRef = { ...e.repo, number: e.number };
  const labels = new Set((await ctx.github.getIssueLabels(ref)).map((l) => l.toLowerCase()));
  const hasHelp = labels.has(helpLabel);
  const hasGoodFirstIssue = labels.has(goodFirstIssueLabel);
  // Prow quotes the comment under a link to the issue (IssueHTMLURL), not to the comment.
  const reply = (message: string) => formatResponseRaw(e.body, e.issueHtmlUrl, e.user.login, message);

  if (hasHelp && helpRemoveRe.test(e.body)) {
    await ctx.github.removeLabel(ref, helpLabel);
    const done = [`/remove-help: ${helpLabel} removed${deleted(await prune(ctx, ref, helpPruneMatch))}`];
    if (hasGoodFirstIssue) {
      await ctx.github.removeLabel(ref, goodFirstIssueLabel);
      done.push(`${goodFirstIssueLabel} removed${deleted(await prune(ctx, ref, goodFirstIssuePruneMatch))}`);
    }
    return { status: 'ran', reason: done.join(', ') };
  }

  if (!hasGoodFirstIssue && goodFirstIssueRe.test(e.body)) {
    await ctx.github.createComment(ref, reply(goodFirstIssueMessage(ctx.config)));
    await ctx.github.addLabel(ref, goodFirstIssueLabel);
    if (!hasHelp) await ctx.github.addLabel(ref, helpLabel);
    return { status: 'ran', reason: `/good-first-issue: ${goodFirstIssueLabel}${hasHelp ? '' : ` and ${helpLabel}`} added` };
  }

  if (!hasHelp && helpRe.test(e.body)) {
    await ctx.github.createComment(ref, reply(helpMessage(ctx.config)));
    await ctx.github.addLabel(ref, helpLabel);
    return { status: 'ran', reason: `/help: ${helpLabel} added` };
  }

  if (hasGoodFirstIssue && goodFirstIssueRemoveRe.test(e.body)) {
    await ctx.github.removeLabel(ref, goodFirstIssueLabel);
    return { status: 'ran', reason: `/remove-good-first-issue: ${goodFirstIssueLabel} removed${deleted(await prune(ctx, ref, goodFirstIssuePruneMatch))}` };
  }

  const reason = `nothing to change (labels: ${[hasHelp && helpLabel, hasGoodFirstIssue && goodFirstIssueLabel].filter(Boolean).join(', ') || 'neither'}), or no command alone on its line`;
  ctx.note(reason);
  return { status: 'skipped', reason };
}

const only = { actions: ['created' as const] };
const run: CommandSpec<HelpConfig, HelpGitHub>['run'] = (ctx, e) => handleComment(ctx, e);
const who = 'Anyone, on an open issue.';

export const help: Plugin<HelpConfig, HelpGitHub> = {
  name: 'help',
  description: `Adds or removes the '${helpLabel}' and '${goodFirstIssueLabel}' labels on issues, with a comment pointing at the guidelines for such issues.`,
  config: { key: 'help', schema: helpConfigSchema },
  commands: [
    {
      name: 'help',
      description: `Adds the '${helpLabel}' label, with a comment linking to the guidelines.`,
      examples: ['/help'],
      who,
      only,
      run,
    },
    {
      name: 'remove-help',
      description: `Removes the '${helpLabel}' label, and '${goodFirstIssueLabel}' with it.`,
      examples: ['/remove-help'],
      who,
      only,
      run,
    },
    {
      name: 'good-first-issue',
      description: `Adds the '${goodFirstIssueLabel}' label (and '${helpLabel}'), with a comment linking to the guidelines.`,
      examples: ['/good-first-issue'],
      who,
      only,
      run,
    },
    {
      name: 'remove-good-first-issue',
      description: `Removes the '${goodFirstIssueLabel}' label.`,
      examples: ['/remove-good-first-issue'],
      who,
      only,
      run,
    },
  ],
};
