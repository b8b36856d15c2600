// The `repo_milestone` section of plugins.yaml, read by the milestone and milestonestatus plugins:
// per `org/repo`, or `''` for every other repository, the GitHub team whose members may set
// milestones and status labels (kubernetes-sigs/prow pkg/plugins/config.go `Milestone`, with its
// json tags). Looked up as Prow does: the repository's exact `org/repo` entry, else `''`'s.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

/** Prow's default for maintainers_friendly_name (config.go setDefaults). */
export const defaultFriendlyName = 'SIG Chairs/TLs';

export interface MilestoneTeam {
  /** The team's slug (or name), `maintainers_team`; `''` when only the deprecated id is given. */
  team: string;
  /** `maintainers_id`, deprecated in Prow in favour of the team's slug; `0` when absent. */
  teamId: number;
  /** Who to ask to be added to the team, as the refusal names them. */
  friendlyName: string;
}

/** Keyed by `org/repo` or `''`, without a prototype (keys come from the YAML, names from payloads). */
export type RepoMilestoneConfig = Record<string, MilestoneTeam>;

// Loose: Go's decoder drops keys it does not know, so a Prow config carrying one must load; the
// keys read are typed, so `maintainers_id: "123"` is an error rather than read as no team.
const entrySchema = z
  .looseObject({
    maintainers_id: z.number().int().nonnegative().nullish(),
    maintainers_team: z.string().nullish(),
    maintainers_friendly_name: z.string().nullish(),
  })
  // `org/repo:` with nothing under it: Go's zero value, no team.
  .nullish()
  .transform(
    (raw): MilestoneTeam => ({
      team: raw?.maintainers_team ?? '',
      teamId: raw?.maintainers_id ?? 0,
      // Prow means to default this (setDefaults), but its loop assigns to a copy of each entry, so a
      // Prow refusal reads "contact your  and have them…"; Skiff applies the default it meant.
      friendlyName: raw?.maintainers_friendly_name || defaultFriendlyName,
    }),
  );

export const repoMilestoneConfigSchema: z.ZodType<RepoMilestoneConfig> = z
  .record(z.string(), entrySchema)
  .nullish()
  .transform((entries): RepoMilestoneConfig => Object.assign(Object.create(null) as RepoMilestoneConfig, entries ?? {}));

/** The section spec both plugins declare: one key, one schema. */
export const repoMilestoneSection = { key: 'repo_milestone', schema: repoMilestoneConfigSchema };

/** Prow's lookup: `org/repo` exactly, else the `''` default; no team at all when neither is there. */
export function milestoneTeamFor(config: RepoMilestoneConfig | undefined, org: string, repo: string): MilestoneTeam {
  const entries = config ?? {};
  const key = `${org}/${repo}`;
  if (Object.hasOwn(entries, key)) return entries[key]!;
  if (Object.hasOwn(entries, '')) return entries['']!;
  return { team: '', teamId: 0, friendlyName: defaultFriendlyName };
}
