// Who may use /milestone and /status: the members of the repository's milestone maintainers team
// (repo_milestone), found as Prow finds it — by slug with maintainers_team, else by the deprecated
// maintainers_id — and the refusal both plugins give everyone else, in Prow's words followed by why.
import type { GitHubClient, Team } from '../../github/client.js';
import type { PluginContext } from '../types.js';
import { milestoneTeamFor, type MilestoneTeam, type RepoMilestoneConfig } from './config.js';

export type MaintainersGitHub = Pick<GitHubClient, 'listTeams'>;

/** Prow's github.DefaultHost, in the team link of the refusal. */
const host = 'github.com';

export type Maintainership =
  | { member: true; team: Team }
  /** `team` is undefined when repo_milestone names none, or names one the organization does not have. */
  | { member: false; team: Team | undefined; config: MilestoneTeam };

/** Whether `login` is an active member of the repository's milestone maintainers team. */
export async function maintainership(ctx: PluginContext<RepoMilestoneConfig | undefined, MaintainersGitHub>, login: string): Promise<Maintainership> {
  const config = milestoneTeamFor(ctx.config, ctx.repo.owner, ctx.repo.repo);
  if (!config.team && !config.teamId) {
    ctx.note(`repo_milestone names no team for ${ctx.repo.owner}/${ctx.repo.repo} and has no '' default`);
    return { member: false, team: undefined, config };
  }
  // listTeams is memoised (and trust.isTeamMember asks it too), so resolving costs no extra call.
  const teams = await ctx.github.listTeams(ctx.repo);
  const wanted = config.team.toLowerCase();
  const team = config.team ? teams.find((t) => t.slug.toLowerCase() === wanted || t.name.toLowerCase() === wanted) : teams.find((t) => t.id === config.teamId);
  if (!team) {
    ctx.note(`team ${config.team ? `${ctx.repo.owner}/${config.team}` : `with id ${config.teamId}`}: not found in ${ctx.repo.owner}`);
    return { member: false, team: undefined, config };
  }
  const member = await ctx.trust.isTeamMember(team.slug, login);
  return member ? { member, team } : { member, team, config };
}

/**
 * Prow's mustBeAuthorized for `/milestone` (`to set the milestone`) or `/status` (`to add status
 * labels`), then why this user cannot.
 */
export function refusal(org: string, command: 'milestone' | 'status', m: Extract<Maintainership, { member: false }>): string {
  if (!m.config.team && !m.config.teamId) {
    return `Nobody can use \`/${command}\` here yet: \`repo_milestone\` in plugins.yaml names no milestone maintainers team for this repository and has no \`''\` default.`;
  }
  if (!m.team && !m.config.team) {
    return `Nobody can use \`/${command}\` here yet: the team with id ${m.config.teamId} that \`repo_milestone\` names (maintainers_id) does not exist in ${org}, or the bot cannot see it.`;
  }
  const slug = m.team?.slug ?? m.config.team;
  const doing = command === 'milestone' ? 'to set the milestone' : 'to add status labels';
  const prow =
    `You must be a member of the [${org}/${slug}](https://${host}/orgs/${org}/teams/${slug}/members) GitHub team ${doing}. ` +
    `If you believe you should be able to issue the /${command} command, please contact your ${m.config.friendlyName} and have them propose you as an additional delegate for this responsibility.`;
  if (!m.team) {
    return `${prow} The team \`${org}/${m.config.team}\` named in \`repo_milestone\` does not exist in ${org} (or the bot cannot see it), so nobody can until the config names one that does.`;
  }
  return `${prow} You are not an active member of ${org}/${m.team.slug}.`;
}
