// The `retitle` section of plugins.yaml, with Prow's one key (kubernetes-sigs/prow
// pkg/plugins/config.go `Retitle`): whether closed and merged issues and pull requests may be
// re-titled too. One setting for every repository, as in Prow.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

export interface RetitleConfig {
  allowClosedIssues: boolean;
}

// Loose: Go's decoder drops keys it does not know, so a Prow config with extra keys must load;
// the one key read is typed, so `allow_closed_issues: "yes"` is an error rather than read as true.
export const retitleConfigSchema: z.ZodType<RetitleConfig> = z
  .looseObject({ allow_closed_issues: z.boolean().nullish() })
  // `retitle:` with nothing under it, or no section at all: Prow's default, open ones only.
  .nullish()
  .transform((raw): RetitleConfig => ({ allowClosedIssues: raw?.allow_closed_issues ?? false }));
