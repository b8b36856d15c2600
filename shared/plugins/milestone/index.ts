// milestone: `/milestone <name>` sets the milestone of an issue or pull request, `/milestone
// clear` takes it off, for members of the repository's milestone maintainers team (repo_milestone).
// Same command, regex, messages and config as Prow's milestone plugin (kubernetes-sigs/prow
// pkg/plugins/milestone/milestone.go): a name that is not one of the repository's open milestones
// gets the list of those that are.
//
// Differences from Prow:
// - `clear` needs no milestone list, so it is one write; Prow lists the milestones first anyway.
// - A failed write is retried (it throws); Prow logs it and gives up.
// - The refusal says why after Prow's sentence (not an active member of the team; the team does
//   not exist), and a repository with no team configured is told so, where Prow fails quietly.
// - A closed milestone's name is answered with the open ones, as Prow (it lists open ones only),
//   plus a note that it is closed.
import { formatIssueRef, type GitHubClient } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { repoMilestoneSection, type RepoMilestoneConfig } from './config.js';
import { maintainership, refusal, type MaintainersGitHub } from './maintainers.js';

export type { RepoMilestoneConfig } from './config.js';

export type MilestoneGitHub = MaintainersGitHub & Pick<GitHubClient, 'createComment' | 'updateIssue' | 'listMilestones'>;

type Ctx = PluginContext<RepoMilestoneConfig | undefined, MilestoneGitHub>;

/**
 * Prow's milestoneRegex, `(?m)^/milestone\s+(.+?)\s*$` (case-sensitive: no `(?i)`), written so
 * JavaScript reads it as Go's RE2 does: `^`/`$` at `\n` only, `\s` as `[\t\n\f\r ]`, `.` anything
 * but `\n`. The first match counts.
 */
export const milestoneRe = /(?:^|(?<=\n))\/milestone[\t\n\f\r ]+([^\n]+?)[\t\n\f\r ]*(?=\n|$)/u;

export const clearKeyword = 'clear';

/** Prow's invalidMilestone, with the repository's open milestones as Prow lists them: back-quoted, sorted. */
export function invalidMilestoneMessage(titles: readonly string[]): string {
  const listed = [...new Set(titles)].map((t) => `\`${t}\``).sort();
  return `The provided milestone is not valid for this repository. Milestones in this repository: [${listed.join(', ')}]\n\nUse \`/milestone ${clearKeyword}\` to clear the milestone.`;
}

async function reply(ctx: Ctx, event: GenericCommentEvent, message: string, reason: string): Promise<Outcome> {
  await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, message));
  return { status: 'refused', reason };
}

async function handleMilestone(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  // Prow's exact regex decides (the declared one serves help and matching, and ignores case).
  const match = milestoneRe.exec(event.body);
  if (!match) return { status: 'skipped', reason: "no /milestone line by Prow's regex (lower-case, with a milestone after it)" };
  const proposed = match[1]!;
  const login = event.user.login;
  const ref = { ...ctx.repo, number: event.number };

  const m = await maintainership(ctx, login);
  if (!m.member) {
    return reply(ctx, event, refusal(ctx.repo.owner, 'milestone', m), `/milestone by ${login}, who is not a milestone maintainer`);
  }

  if (proposed === clearKeyword) {
    await ctx.github.updateIssue(ref, { milestone: null });
    return { status: 'ran', reason: `/milestone clear by ${login} on ${formatIssueRef(ref)}` };
  }

  // Prow lists with GitHub's default state, open: a closed milestone is not valid.
  const all = await ctx.github.listMilestones(ctx.repo);
  const open = all.filter((ms) => ms.state === 'open');
  const found = open.find((ms) => ms.title === proposed);
  if (!found) {
    const closed = all.some((ms) => ms.title === proposed);
    const message = invalidMilestoneMessage(open.map((ms) => ms.title)) + (closed ? `\n\n\`${proposed}\` is closed.` : '');
    return reply(ctx, event, message, `/milestone ${proposed} by ${login}: no open milestone has that title`);
  }
  await ctx.github.updateIssue(ref, { milestone: found.number });
  return { status: 'ran', reason: `/milestone ${proposed} by ${login} on ${formatIssueRef(ref)} (milestone #${found.number})` };
}

export const milestone: Plugin<RepoMilestoneConfig | undefined, MilestoneGitHub> = {
  name: 'milestone',
  description:
    'Lets members of a configurable GitHub team (repo_milestone) set the milestone of an issue or pull request with /milestone, or clear it. ' +
    "A name that is not one of the repository's open milestones is answered with those that are.",
  config: repoMilestoneSection,
  commands: [
    {
      name: 'milestone',
      arg: { pattern: '.+', usage: '<version>|clear' },
      description: 'Updates the milestone for an issue or PR',
      examples: ['/milestone v1.10', '/milestone v1.9', '/milestone clear'],
      who: "Members of the milestone maintainers GitHub team can use the '/milestone' command.",
      only: { actions: ['created'] },
      run: (ctx, event) => handleMilestone(ctx, event),
    },
  ],
};
