// The `approve` section of plugins.yaml: a list of entries, each naming `org` or `org/repo` under
// `repos`, with Prow's keys, defaults and lookup (kubernetes-sigs/prow pkg/plugins/config.go
// `Approve`, `HasSelfApproval`, `ConsiderReviewState`, `ApproveFor`, and the duplicate check
// `validateRepoDupes`).
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { entryFor } from '../../config/repo-entries.js';

/** Prow's defaults for the two links of the notification (ApproveFor). */
export const defaultCommandHelpLink = 'https://go.k8s.io/bot-commands';
export const defaultPrProcessLink = 'https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process';

/**
 * Keys Prow removed in 2020 (commit bcaa8ba, "Remove deprecated args"): Prow has ignored them since
 * (Go's decoder drops unknown keys), so they are accepted and ignored here too; the plugin notes
 * each in its trace, since an old config may rely on them.
 */
export const removedKeys = {
  implicit_self_approve: 'require_self_approval (its inverse)',
  review_acts_as_approve: 'ignore_review_state (its inverse)',
} as const;

export type RemovedKey = keyof typeof removedKeys;

/** What one repository gets (Prow's *Approve after ApproveFor, with its methods applied). */
export interface ApproveOptions {
  /** A pull request needs an associated issue (`fixes #N`), or a `/approve no-issue`. */
  issueRequired: boolean;
  /** The author approves their own pull request implicitly (`require_self_approval` false or unset). */
  hasSelfApproval: boolean;
  /** `/lgtm` counts as `/approve` (and `/lgtm cancel` as `/approve cancel`). */
  lgtmActsAsApprove: boolean;
  /** An approving review approves and a changes-requested review cancels (`ignore_review_state` false or unset). */
  considerReviewState: boolean;
  commandHelpLink: string;
  prProcessLink: string;
  /** Removed keys the entry still carries (ignored, as Prow does). */
  ignoredKeys: RemovedKey[];
}

export interface ApproveEntry {
  repos: string[];
  issueRequired: boolean;
  /** Unset is Prow's nil: the default (self-approval on). */
  requireSelfApproval: boolean | undefined;
  lgtmActsAsApprove: boolean;
  /** Unset is Prow's nil: the default (review state considered). */
  ignoreReviewState: boolean | undefined;
  commandHelpLink: string;
  prProcessLink: string;
  ignoredKeys: RemovedKey[];
}

export type ApproveConfig = ApproveEntry[];

// Loose: a Prow config may carry keys Prow itself ignores, and such a config must load. The keys
// read here are typed, so `issue_required: "yes"` is an error rather than read as true, and an
// unknown key is never taken for a known one.
const entrySchema = z
  .looseObject({
    repos: z.array(z.string()).nullish(),
    issue_required: z.boolean().nullish(),
    require_self_approval: z.boolean().nullish(),
    lgtm_acts_as_approve: z.boolean().nullish(),
    ignore_review_state: z.boolean().nullish(),
    commandHelpLink: z.string().nullish(),
    pr_process_link: z.string().nullish(),
    implicit_self_approve: z.boolean().nullish(),
    review_acts_as_approve: z.boolean().nullish(),
  })
  .transform(
    (raw): ApproveEntry => ({
      repos: raw.repos ?? [],
      issueRequired: raw.issue_required ?? false,
      requireSelfApproval: raw.require_self_approval ?? undefined,
      lgtmActsAsApprove: raw.lgtm_acts_as_approve ?? false,
      ignoreReviewState: raw.ignore_review_state ?? undefined,
      commandHelpLink: raw.commandHelpLink ?? '',
      prProcessLink: raw.pr_process_link ?? '',
      ignoredKeys: (Object.keys(removedKeys) as RemovedKey[]).filter((k) => raw[k] !== undefined && raw[k] !== null),
    }),
  );

export const approveConfigSchema: z.ZodType<ApproveConfig> = z
  .array(entrySchema)
  // `approve:` with nothing under it, or no `approve:` at all: every repository gets the defaults.
  .nullish()
  .transform((entries) => entries ?? [])
  // Prow refuses a config naming one org or repository in two entries (validateRepoDupes), as only
  // the first would ever apply.
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      entry.repos.forEach((name, j) => {
        if (seen.has(name)) {
          const kind = name.includes('/') ? 'repo' : 'org';
          ctx.addIssue({ code: 'custom', path: [i, 'repos', j], message: `the ${kind} "${name}" is in more than one approve entry; only the first would apply` });
        }
        seen.add(name);
      });
    });
  });

/**
 * Prow's ApproveFor: the first entry naming `org/repo`, else the first naming `org`, else the
 * defaults; the links default when empty. Names match exactly, as in Prow.
 */
export function approveFor(config: ApproveConfig | undefined, org: string, repo: string): ApproveOptions {
  const entry = entryFor(config, org, repo);
  return {
    issueRequired: entry?.issueRequired ?? false,
    hasSelfApproval: entry?.requireSelfApproval === undefined ? true : !entry.requireSelfApproval,
    lgtmActsAsApprove: entry?.lgtmActsAsApprove ?? false,
    considerReviewState: entry?.ignoreReviewState === undefined ? true : !entry.ignoreReviewState,
    commandHelpLink: entry?.commandHelpLink || defaultCommandHelpLink,
    prProcessLink: entry?.prProcessLink || defaultPrProcessLink,
    ignoredKeys: entry?.ignoredKeys ?? [],
  };
}
