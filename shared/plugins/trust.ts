// Who may do what, asked once and written down. Every plugin that restricts a command asks here,
// so the questions cost one GitHub call each per delivery (the client memoises them) and every
// answer lands in the plugin's trace record: `GET /api/deliveries/{id}` says why `/lgtm` did
// nothing ("collaborator alice on acme/widgets: no (role read)").
import type { TriggerOptions } from '../config/triggers-section.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import type { RepoOwners } from '../owners/types.js';

export type TrustGitHub = Pick<GitHubClient, 'getRepoRole' | 'isOrgMember' | 'listTeams' | 'isTeamMember'>;

/**
 * Roles that make a collaborator. `read` does not: on a public repository GitHub reports `read`
 * for every user (the permission API cannot tell an invited reader from anyone), so counting it
 * would trust the whole world. Custom roles are granted explicitly and count.
 */
const untrustedRoles: ReadonlySet<string> = new Set(['read', 'none']);

export interface OwnersAnswer {
  owns: boolean;
  /** Up to two people who do own the files, for a refusal to name. */
  who: string[];
}

/** Prow's TrustedUserResponse: `reason` in Prow's words when not trusted (its notMember, notCollaborator, …). */
export interface TrustedAnswer {
  trusted: boolean;
  reason: string;
}

// Prow's trigger reasons (pkg/plugins/trigger/trigger.go), joined as its String() joins them.
const notMember = 'User is not a member of the org.';
const notCollaborator = 'User is not a collaborator.';
const notSecondaryMember = 'User is not a member of the trusted secondary org.';

export interface Trust {
  /** Write access of any kind (admin, maintain, write, triage, or a custom role), counting team and org grants. */
  isCollaborator(login: string): Promise<boolean>;
  /** A member of the repository owner's organization. */
  isOrgMember(login: string): Promise<boolean>;
  /** A member of the team named `team` (its name or its slug) in the repository owner's organization. */
  isTeamMember(team: string, login: string): Promise<boolean>;
  /**
   * Prow's TrustedUser, with the repository's `triggers:` entry: the bot itself, an org member, a
   * collaborator (unless `only_org_members`), a GitHub App in `trusted_apps`, or a member of
   * `trusted_org`.
   */
  isTrustedUser(login: string): Promise<TrustedAnswer>;
  /** Among the OWNERS reviewers or approvers (`kind`) of at least one of `files`. */
  ownsAny(owners: RepoOwners, login: string, files: readonly string[], kind: 'reviewers' | 'approvers' | 'reviewers or approvers'): OwnersAnswer;
  /** Every check so far, one line each, for the trace. */
  readonly checks: readonly string[];
}

const yesNo = (answer: boolean) => (answer ? 'yes' : 'no');

export interface TrustOptions {
  /** The repository's `triggers:` entry (triggerFor); Prow's defaults without one. */
  trigger?: TriggerOptions;
  botLogin?: string;
}

export function createTrust(github: TrustGitHub, repo: RepoRef, note: (line: string) => void, options: TrustOptions = {}): Trust {
  const checks: string[] = [];
  const record = (line: string) => {
    checks.push(line);
    note(line);
  };
  const where = `${repo.owner}/${repo.repo}`;
  const trust: Trust = {
    checks,
    async isCollaborator(login) {
      const role = await github.getRepoRole(repo, login);
      const answer = !untrustedRoles.has(role);
      record(`collaborator ${login} on ${where}: ${yesNo(answer)} (role ${role})`);
      return answer;
    },
    async isOrgMember(login) {
      const answer = await github.isOrgMember(repo, login);
      record(`member ${login} of ${repo.owner}: ${yesNo(answer)}`);
      return answer;
    },
    async isTeamMember(team, login) {
      // Prow's configs name teams by name ("Sig Foo") in some places and by slug in others.
      const wanted = team.toLowerCase();
      const teams = await github.listTeams(repo);
      const found = teams.find((t) => t.slug.toLowerCase() === wanted || t.name.toLowerCase() === wanted);
      if (!found) {
        record(`member ${login} of team ${repo.owner}/${team}: no (no such team)`);
        return false;
      }
      const answer = await github.isTeamMember(repo, found.slug, login);
      record(`member ${login} of team ${repo.owner}/${found.slug}: ${yesNo(answer)}`);
      return answer;
    },
    async isTrustedUser(login) {
      const trigger = options.trigger;
      const lower = login.toLowerCase();
      if (options.botLogin && lower === options.botLogin.toLowerCase()) {
        record(`trusted ${login}: yes (the bot itself)`);
        return { trusted: true, reason: '' };
      }
      if (await trust.isOrgMember(login)) return { trusted: true, reason: '' };
      const onlyOrgMembers = trigger?.onlyOrgMembers ?? false;
      if (!onlyOrgMembers && (await trust.isCollaborator(login))) return { trusted: true, reason: '' };
      const app = lower.endsWith('[bot]') ? lower.slice(0, -'[bot]'.length) : undefined;
      if (app !== undefined && (trigger?.trustedApps ?? []).some((a) => a.toLowerCase() === app)) {
        record(`trusted ${login}: yes (in triggers.trusted_apps)`);
        return { trusted: true, reason: '' };
      }
      const secondary = trigger?.trustedOrg ?? '';
      const reasons = [notMember];
      if (secondary && secondary.toLowerCase() !== repo.owner.toLowerCase()) {
        const member = await github.isOrgMember({ owner: secondary, repo: repo.repo }, login);
        record(`member ${login} of ${secondary} (triggers.trusted_org): ${yesNo(member)}`);
        if (member) return { trusted: true, reason: '' };
        reasons.push(notSecondaryMember);
      }
      if (!onlyOrgMembers) reasons.push(notCollaborator);
      return { trusted: false, reason: reasons.join(' ') };
    },
    ownsAny(owners, login, files, kind) {
      const people = new Set<string>();
      for (const file of files) {
        if (kind !== 'approvers') for (const p of owners.reviewers(file).all()) people.add(p);
        if (kind !== 'reviewers') for (const p of owners.approvers(file).all()) people.add(p);
      }
      const owns = people.has(login.toLowerCase());
      const who = [...people].sort().slice(0, 2);
      const sample = files.length === 1 ? files[0] : `${files.length} changed files`;
      record(`OWNERS ${kind} of ${sample}: ${login} ${owns ? 'is one' : `is not one${who.length ? ` (${who.join(', ')} ${who.length === 1 ? 'is' : 'are'})` : ' (nobody is)'}`}`);
      return { owns, who };
    },
  };
  return trust;
}
