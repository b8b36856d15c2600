// retitle: `/retitle <title>` lets trusted users (members of the organization, collaborators on
// the repository) change the title of an issue or pull request where GitHub's permissions do not
// let them. Same command, refusals and config as Prow's retitle plugin (kubernetes-sigs/prow
// pkg/plugins/retitle/retitle.go): empty titles and titles with an issue-closing keyword are
// refused in Prow's words, and closed or merged ones are left alone unless allow_closed_issues.
//
// Differences from Prow:
// - Prow decides who is trusted with trigger's settings (`triggers:` only_org_members,
//   trusted_apps, trusted_org); Skiff does not read that section yet, so trusted is Prow's
//   default: the bot, a member of the repository's organization, or a collaborator (triage access
//   or more; see trust.ts for why read access does not count).
// - An issue is re-titled with one write; Prow reads it first and writes the whole issue back.
// - Prow's `\s*` lets `/retitlefoo` retitle to "foo"; here the command must be followed by
//   whitespace or the end of the line, as every other command is.
// - The refusal says who can and why this user cannot, after Prow's sentence.
import { formatIssueRef, type GitHubClient } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { retitleConfigSchema, type RetitleConfig } from './config.js';

export type { RetitleConfig } from './config.js';

export type RetitleGitHub = Pick<GitHubClient, 'createComment' | 'updateIssue' | 'getRepoRole' | 'isOrgMember'>;

type Ctx = PluginContext<RetitleConfig, RetitleGitHub>;

/** Prow's retitleRe, `(?mi)^/retitle\s*(.*)$`; `[^\n]` because Go's `.` stops only at `\n` (JavaScript's also at `\r`). */
export const retitleRe = /^\/retitle\s*([^\n]*)$/im;

/**
 * Prow's invalidcommitmsg.CloseIssueRegex: a GitHub closing keyword before an issue reference
 * (`Fixes #12`, `closes org/repo#3`), which would close that issue when the pull request merges.
 * Go's `(?i)` there sits inside the keyword group and so covers all three keywords.
 */
export const closeIssueRe = /(clos(?:e[sd]?)|fix(?:es|ed)?|resolv(?:e[sd]?))[\s:]+(\w+\/\w+)?#(\d+)/i;

export const untrustedMessage = 'Re-titling can only be requested by trusted users, like repository collaborators.';
export const emptyTitleMessage = 'Titles may not be empty.';
export const closingKeywordMessage = 'Titles may not contain [keywords](https://help.github.com/articles/closing-issues-using-keywords) which can automatically close issues.';


/** Prow's trigger.TrustedUser, with the repository's `triggers:` entry (trust.ts). */
async function isTrusted(ctx: Ctx, login: string): Promise<boolean> {
  return (await ctx.trust.isTrustedUser(login)).trusted;
}

async function reply(ctx: Ctx, event: GenericCommentEvent, message: string, status: 'ran' | 'refused', reason: string): Promise<Outcome> {
  await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, message));
  return { status, reason };
}

async function handleRetitle(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  const ref = { ...ctx.repo, number: event.number };
  const where = `${ctx.repo.owner}/${ctx.repo.repo}`;
  if (!ctx.config.allowClosedIssues && event.issueState !== 'open') {
    return { status: 'skipped', reason: `${formatIssueRef(ref)} is ${event.issueState}, and allow_closed_issues is off` };
  }
  // Prow's exact regex decides (the declared one serves help and matching).
  const match = retitleRe.exec(event.body);
  if (!match) return { status: 'skipped', reason: 'no /retitle line by Prow\'s regex' };
  const login = event.user.login;

  if (!(await isTrusted(ctx, login))) {
    const why =
      ` You are neither a member of the ${ctx.repo.owner} organization nor a collaborator on ${where} (that takes triage, write, maintain or admin access, given directly or through a team).` +
      ` Members of ${ctx.repo.owner} and collaborators on ${where} can use \`/retitle\`.`;
    return reply(ctx, event, untrustedMessage + why, 'refused', `/retitle by ${login}, who is neither an org member nor a collaborator`);
  }

  const title = (match[1] ?? '').trim();
  if (!title) return reply(ctx, event, emptyTitleMessage, 'refused', `/retitle by ${login} with no title`);
  if (closeIssueRe.test(title)) {
    return reply(ctx, event, closingKeywordMessage, 'refused', `/retitle by ${login}: "${title}" holds an issue-closing keyword`);
  }

  // The issues API re-titles pull requests as well.
  await ctx.github.updateIssue(ref, { title });
  return { status: 'ran', reason: `/retitle by ${login}: "${event.issueTitle}" → "${title}"` };
}

export const retitle: Plugin<RetitleConfig, RetitleGitHub> = {
  name: 'retitle',
  description:
    "Lets trusted users (members of the organization and collaborators on the repository) re-title pull requests and issues with /retitle where GitHub's permissions don't allow them to. " +
    'Closed and merged ones only with allow_closed_issues.',
  config: { key: 'retitle', schema: retitleConfigSchema },
  commands: [
    {
      name: 'retitle',
      arg: { pattern: '.*', optional: true, usage: '<title>' },
      description: 'Edits the pull request or issue title.',
      examples: ['/retitle New Title'],
      who: 'Collaborators on the repository and members of its organization.',
      only: { actions: ['created'] },
      run: (ctx, event) => handleRetitle(ctx, event),
    },
  ],
};
