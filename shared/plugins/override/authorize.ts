// Who may override (Prow's isAuthorized): a repository admin; else, when `allowed_github_teams`
// names teams for the repository or its org, a member of one of them; else, with
// `allow_top_level_owners`, an approver in the repository's root OWNERS at the base branch. Each
// check fails closed: a GitHub error answers "no" (and is logged), as in Prow.
import type { GitHubClient } from '../../github/client.js';
import { normLogin } from '../../owners/repo-owners.js';
import type { PluginContext } from '../types.js';
import type { OverrideConfig } from './config.js';
import { errorMessage } from '../reply-on-failure.js';
import { sortStrings } from './messages.js';

export type AuthorizeGitHub = Pick<GitHubClient, 'getRepoRole' | 'listTeams' | 'isTeamMember'>;
type Ctx = PluginContext<OverrideConfig, AuthorizeGitHub>;

/** Prow's authorizedUser: the admin role on the repository. */
export async function authorizedUser(ctx: Ctx, user: string): Promise<boolean> {
  try {
    const role = await ctx.github.getRepoRole(ctx.repo, user);
    ctx.note(`admin ${user} on ${ctx.repo.owner}/${ctx.repo.repo}: ${role === 'admin' ? 'yes' : 'no'} (role ${role})`);
    return role === 'admin';
  } catch (error) {
    ctx.log.warn(`cannot determine whether ${user} is an admin of ${ctx.repo.owner}/${ctx.repo.repo}`, { error: errorMessage(error) });
    return false;
  }
}

/** Prow's validateGitHubTeamSlugs: the repository's slugs that are no team of the org. */
export function invalidTeamSlugs(config: OverrideConfig, org: string, repo: string, teams: readonly { slug: string }[]): string[] {
  const valid = new Set(teams.map((t) => t.slug));
  return sortStrings(new Set((config.allowedGitHubTeams[`${org}/${repo}`] ?? []).filter((slug) => !valid.has(slug))));
}

/** Prow's authorizedGitHubTeamMember: a member of a team listed for `org/repo` or for `org`. */
export async function authorizedGitHubTeamMember(ctx: Ctx, user: string): Promise<boolean> {
  const { owner: org, repo } = ctx.repo;
  let teams;
  try {
    teams = await ctx.github.listTeams(ctx.repo);
  } catch (error) {
    ctx.log.warn(`cannot get list of teams for org ${org}`, { error: errorMessage(error) });
    return false;
  }
  const invalid = invalidTeamSlugs(ctx.config, org, repo, teams);
  if (invalid.length) ctx.log.warn(`invalid team slug(s): ${invalid.join(',')}`);
  const slugs = [...(ctx.config.allowedGitHubTeams[`${org}/${repo}`] ?? []), ...(ctx.config.allowedGitHubTeams[org] ?? [])];
  for (const slug of slugs) {
    try {
      if (await ctx.github.isTeamMember(ctx.repo, slug, user)) {
        ctx.note(`member ${user} of team ${org}/${slug}: yes`);
        return true;
      }
    } catch (error) {
      ctx.log.warn(`cannot find members of team ${slug} in org ${org}`, { error: errorMessage(error) });
    }
  }
  return false;
}

/** Prow's authorizedTopLevelOwner: an approver in the root OWNERS at `baseSha()` (the base branch now). */
export async function authorizedTopLevelOwner(ctx: Ctx, user: string, baseSha: () => Promise<string>): Promise<boolean> {
  if (!ctx.config.allowTopLevelOwners) return false;
  try {
    const owners = await ctx.owners.at(await baseSha());
    const answer = owners.topLevelApprovers().has(normLogin(user));
    ctx.note(`top-level OWNERS approver ${user}: ${answer ? 'yes' : 'no'}`);
    return answer;
  } catch (error) {
    ctx.log.warn(`cannot determine whether ${user} is a top level owner of ${ctx.repo.owner}/${ctx.repo.repo}`, { error: errorMessage(error) });
    return false;
  }
}

export async function isAuthorized(ctx: Ctx, user: string, baseSha: () => Promise<string>): Promise<boolean> {
  if (await authorizedUser(ctx, user)) return true;
  if (Object.keys(ctx.config.allowedGitHubTeams).length > 0 && (await authorizedGitHubTeamMember(ctx, user))) return true;
  return authorizedTopLevelOwner(ctx, user, baseSha);
}
