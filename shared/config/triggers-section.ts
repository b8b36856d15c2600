// plugins.yaml's `triggers:` section (Prow's `Trigger`, pkg/plugins/config.go): per repository or
// org, whom Prow trusts — org members, and collaborators unless `only_org_members`; GitHub Apps in
// `trusted_apps`; members of `trusted_org`. Prow's trigger reads it to decide whose pull requests
// run tests; its TrustedUser is also what retitle and verify-owners trust, so it is shared.
// Keys only trigger uses (ignore_ok_to_test, trigger_github_workflows, org_invite) are read as
// Prow writes them.
import * as z from 'zod';
import { entryFor } from './repo-entries.js';

/** Prow's OrgInviteConfig.Prominent: the louder "join the org" line for repeat contributors. */
export interface ProminentOrgInvite {
  disabled: boolean;
  /** Merged pull requests after which the prominent line is shown; Prow's default 3. */
  mergedPrThreshold: number;
  /** Replaces Prow's default line; `{join_org_url}` is replaced by the join URL. */
  message: string;
}

export interface TriggerOptions {
  trustedApps: string[];
  trustedOrg: string;
  joinOrgUrl: string;
  onlyOrgMembers: boolean;
  ignoreOkToTest: boolean;
  triggerGitHubWorkflows: boolean;
  orgInvite: { prominent: ProminentOrgInvite };
}

export interface TriggerEntry extends TriggerOptions {
  repos: string[];
}

const list = z.array(z.string()).nullish().transform((v) => v ?? []);

const defaultOrgInvite = (): TriggerOptions['orgInvite'] => ({ prominent: { disabled: false, mergedPrThreshold: 3, message: '' } });

const orgInviteSchema = z
  .looseObject({
    prominent: z
      .looseObject({
        disabled: z.boolean().nullish(),
        // Prow keeps "not set" (3) apart from an explicit 0 (always prominent).
        merged_pr_threshold: z.number().int().nullish(),
        message: z.string().nullish(),
      })
      .nullish(),
  })
  .nullish()
  .transform((raw): TriggerOptions['orgInvite'] => ({
    prominent: {
      disabled: raw?.prominent?.disabled ?? false,
      mergedPrThreshold: raw?.prominent?.merged_pr_threshold ?? 3,
      message: raw?.prominent?.message ?? '',
    },
  }));

// Loose: Prow's struct has keys Skiff does not read yet (org_invite), and they must load.
const entrySchema = z
  .looseObject({
    repos: list,
    trusted_apps: list,
    trusted_org: z.string().nullish(),
    join_org_url: z.string().nullish(),
    only_org_members: z.boolean().nullish(),
    ignore_ok_to_test: z.boolean().nullish(),
    trigger_github_workflows: z.boolean().nullish(),
    org_invite: orgInviteSchema,
    // An older Prow key (skipped jobs once got a status of their own); accepted, and has no effect.
    elide_skipped_contexts: z.boolean().nullish(),
  })
  .transform(
    (raw): TriggerEntry => ({
      repos: raw.repos,
      trustedApps: raw.trusted_apps,
      trustedOrg: raw.trusted_org ?? '',
      joinOrgUrl: raw.join_org_url ?? '',
      onlyOrgMembers: raw.only_org_members ?? false,
      ignoreOkToTest: raw.ignore_ok_to_test ?? false,
      triggerGitHubWorkflows: raw.trigger_github_workflows ?? false,
      orgInvite: raw.org_invite,
    }),
  );

const schema: z.ZodType<TriggerEntry[]> = z
  .array(entrySchema)
  .nullish()
  .transform((entries) => entries ?? []);

export const triggersSection = { key: 'triggers', schema };

/**
 * Prow's TriggerFor: the entry naming `org/repo`, else the one naming `org`, else the defaults;
 * `join_org_url` defaults to the trusted org's people page (SetDefaults), else the org's.
 */
export function triggerFor(entries: readonly TriggerEntry[] | undefined, org: string, repo: string): TriggerOptions {
  const entry = entryFor(entries, org, repo);
  const options: TriggerOptions = entry
    ? { ...entry }
    : { trustedApps: [], trustedOrg: '', joinOrgUrl: '', onlyOrgMembers: false, ignoreOkToTest: false, triggerGitHubWorkflows: false, orgInvite: defaultOrgInvite() };
  if (!options.joinOrgUrl) options.joinOrgUrl = `https://github.com/orgs/${options.trustedOrg || org}/people`;
  return options;
}
