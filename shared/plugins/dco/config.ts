// The `dco` section of plugins.yaml: a map from `org/repo`, `org` or `*` to options, with Prow's
// keys (kubernetes-sigs/prow pkg/plugins/config.go `Dco`), resolved as Prow's DcoFor does: the
// repository's entry, else its org's, else `*`'s, else all off. An entry left empty (`org/repo:`
// with nothing under it) is a nil pointer in Go, which DcoFor passes over; so does this.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

export interface DcoOptions {
  /** Unsigned commits by members of the repository's org (or `trustedOrg`) pass. */
  skipForMembers: boolean;
  /** Unsigned commits by the repository's collaborators pass too. */
  skipForCollaborators: boolean;
  /** GitHub Apps (logins without `[bot]`) whose unsigned commits pass. */
  trustedApps: string[];
  /** A second org whose members' commits pass; `''` for the repository's own org only. */
  trustedOrg: string;
  /** Where the contributing guide the failure comment links to lives: `org/repo`, branch and path. */
  contributingRepo: string;
  contributingBranch: string;
  contributingPath: string;
}

// Loose: Go's decoder drops unknown keys, so a Prow config carrying one must load; the keys Skiff
// reads are typed, so `skip_dco_check_for_members: "yes"` is an error rather than read as true.
const entrySchema = z
  .looseObject({
    skip_dco_check_for_members: z.boolean().nullish(),
    trusted_apps: z.array(z.string()).nullish(),
    trusted_org: z.string().nullish(),
    skip_dco_check_for_collaborators: z.boolean().nullish(),
    contributing_repo: z.string().nullish(),
    contributing_branch: z.string().nullish(),
    contributing_path: z.string().nullish(),
  })
  .transform(
    (raw): DcoOptions => ({
      skipForMembers: raw.skip_dco_check_for_members ?? false,
      skipForCollaborators: raw.skip_dco_check_for_collaborators ?? false,
      trustedApps: raw.trusted_apps ?? [],
      trustedOrg: raw.trusted_org ?? '',
      contributingRepo: raw.contributing_repo ?? '',
      contributingBranch: raw.contributing_branch ?? '',
      contributingPath: raw.contributing_path ?? '',
    }),
  );

/** Keyed by `org/repo`, `org` or `*`; `null` where the YAML leaves an entry empty. */
export type DcoConfig = Record<string, DcoOptions | null>;

export const dcoConfigSchema: z.ZodType<DcoConfig> = z
  .record(z.string(), entrySchema.nullable())
  .nullish()
  .transform((entries) => entries ?? {});

const off: DcoOptions = {
  skipForMembers: false,
  skipForCollaborators: false,
  trustedApps: [],
  trustedOrg: '',
  contributingRepo: '',
  contributingBranch: '',
  contributingPath: '',
};

/** Prow's DcoFor: `org/repo`, then `org`, then `*`; names match exactly, as in Prow. */
export function dcoFor(config: DcoConfig, org: string, repo: string): DcoOptions {
  const entry = [`${org}/${repo}`, org, '*'].map((key) => (Object.hasOwn(config, key) ? config[key] : null)).find((e) => e != null);
  return entry ? { ...entry, trustedApps: [...entry.trustedApps] } : { ...off, trustedApps: [] };
}

/** The contributing guide the failure comment links to (Prow's defaults: this repository, `master`, `CONTRIBUTING.md`). */
export function contributingUrl(options: DcoOptions, org: string, repo: string): string {
  const where = options.contributingRepo || `${org}/${repo}`;
  return `https://github.com/${where}/blob/${options.contributingBranch || 'master'}/${options.contributingPath || 'CONTRIBUTING.md'}`;
}
