// The `override` section of plugins.yaml (kubernetes-sigs/prow pkg/plugins/config.go `Override`,
// with its json tags): whether the approvers of the repository's top-level OWNERS may override,
// and, per org or `org/repo`, the GitHub team slugs whose members may. Repository admins always may.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import type { PluginConfigSpec } from '../types.js';

export interface OverrideConfig {
  allowTopLevelOwners: boolean;
  /** `org` or `org/repo` → team slugs; without a prototype (keys come from the YAML). */
  allowedGitHubTeams: Record<string, string[]>;
}

// Loose: Go's decoder drops keys it does not know, so a Prow config carrying one must load.
const schema: z.ZodType<OverrideConfig> = z
  .looseObject({
    allow_top_level_owners: z.boolean().nullish(),
    // `org:` with nothing under it is Go's nil slice: no teams.
    allowed_github_teams: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
  })
  .nullish()
  .transform((raw): OverrideConfig => {
    const teams = Object.create(null) as Record<string, string[]>;
    for (const [key, slugs] of Object.entries(raw?.allowed_github_teams ?? {})) teams[key] = [...(slugs ?? [])];
    return { allowTopLevelOwners: raw?.allow_top_level_owners ?? false, allowedGitHubTeams: teams };
  });

export const overrideConfig: PluginConfigSpec<OverrideConfig> = { key: 'override', schema };

/** The config when plugins.yaml has no `override:` section. */
export const defaultOverrideConfig = (): OverrideConfig => schema.parse(undefined);
