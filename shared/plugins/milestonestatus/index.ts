// milestonestatus: `/status approved-for-milestone|in-progress|in-review` adds the matching
// `status/…` label to an issue or pull request, for members of the repository's milestone
// maintainers team (repo_milestone, shared with the milestone plugin). Same command, regex, labels,
// messages and config as Prow's milestonestatus plugin (kubernetes-sigs/prow
// pkg/plugins/milestonestatus/milestonestatus.go): every /status line of a comment counts, and the
// labels are added, never taken off (several statuses may stand together, as in Prow).
//
// Differences from Prow:
// - A status Prow does not know is answered with the ones it does (Prow ignores it silently),
//   in the same single reply as nothing else is said.
// - The refusal is a reply in Prow's format (`@user: …` and the comment quoted), where Prow posts
//   the bare sentence; and it says why after Prow's sentence, as milestone's does.
// - A label named twice in one comment is added once; a failed write is retried (it throws),
//   where Prow logs it and carries on.
import { formatIssueRef, type GitHubClient } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { repoMilestoneSection, type RepoMilestoneConfig } from '../milestone/config.js';
import { maintainership, refusal, type MaintainersGitHub } from '../milestone/maintainers.js';
import { replyTo } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';

export type MilestoneStatusGitHub = MaintainersGitHub & Pick<GitHubClient, 'createComment' | 'addLabel'>;

type Ctx = PluginContext<RepoMilestoneConfig | undefined, MilestoneStatusGitHub>;

/** Prow's statusMap, in its help's order. A Map: the status comes from a comment, and "constructor" must find nothing. */
export const statusLabels: ReadonlyMap<string, string> = new Map([
  ['approved-for-milestone', 'status/approved-for-milestone'],
  ['in-progress', 'status/in-progress'],
  ['in-review', 'status/in-review'],
]);

/**
 * Prow's statusRegex, `(?m)^/status\s+(.+)$` (case-sensitive), every match, written so JavaScript
 * reads it as Go's RE2 does: `^`/`$` at `\n` only, `\s` as `[\t\n\f\r ]`, `.` anything but `\n`.
 * Prow trims the captured status before looking it up.
 */
export const statusRe = /(?:^|(?<=\n))\/status[\t\n\f\r ]+([^\n]+)(?=\n|$)/gu;

/** What an unknown status is answered with: the ones there are. */
export function unknownStatusMessage(unknown: readonly string[]): string {
  const names = unknown.map((s) => `\`${s}\``).join(', ');
  const valid = [...statusLabels.keys()].map((s) => `\`/status ${s}\``);
  return `${unknown.length === 1 ? `${names} is not a status` : `${names} are not statuses`} I can set. Use ${valid.slice(0, -1).join(', ')} or ${valid.at(-1)}.`;
}

async function handleStatus(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  // Prow's exact regex decides (the declared one serves help and matching, and ignores case).
  const statuses = [...event.body.matchAll(statusRe)].map((m) => m[1]!.trim());
  if (!statuses.length) return { status: 'skipped', reason: "no /status line by Prow's regex (lower-case, with a status after it)" };
  const login = event.user.login;
  const ref = { ...ctx.repo, number: event.number };

  const m = await maintainership(ctx, login);
  if (!m.member) {
    await ctx.github.createComment(ref, replyTo(event, refusal(ctx.repo.owner, 'status', m)));
    return { status: 'refused', reason: `/status by ${login}, who is not a milestone maintainer` };
  }

  const added = [...new Set(statuses.flatMap((s) => (statusLabels.has(s) ? [statusLabels.get(s)!] : [])))];
  for (const label of added) await ctx.github.addLabel(ref, label);
  const unknown = [...new Set(statuses.filter((s) => !statusLabels.has(s)))];
  if (unknown.length) {
    await ctx.github.createComment(ref, replyTo(event, unknownStatusMessage(unknown)));
    if (!added.length) return { status: 'refused', reason: `/status by ${login}: ${unknown.join(', ')} not a status` };
  }
  return { status: 'ran', reason: `/status by ${login} on ${formatIssueRef(ref)}: ${added.join(', ')}` };
}

export const milestonestatus: Plugin<RepoMilestoneConfig | undefined, MilestoneStatusGitHub> = {
  name: 'milestonestatus',
  description:
    "Lets members of the milestone maintainers GitHub team (repo_milestone) add a 'status/*' label (approved-for-milestone, in-progress, in-review) to an issue or pull request with /status.",
  config: repoMilestoneSection,
  commands: [
    {
      name: 'status',
      arg: { pattern: '.+', usage: '(approved-for-milestone|in-progress|in-review)' },
      description: "Applies the 'status/' label to a PR.",
      examples: ['/status approved-for-milestone', '/status in-progress', '/status in-review'],
      who: "Members of the milestone maintainers GitHub team can use the '/status' command.",
      only: { actions: ['created'] },
      run: (ctx, event) => handleStatus(ctx, event),
    },
  ],
};
