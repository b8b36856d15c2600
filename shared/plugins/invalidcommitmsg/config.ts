// The `invalid_commit_msg` section of plugins.yaml: a list of entries naming `org` or `org/repo`
// under `repos`, each with `checks` (`name`, `disabled`) that turn Prow's two checks off
// (pkg/plugins/config.go `InvalidCommitMsg`, validateInvalidCommitMsg); a repository gets the
// entry naming it, else its org's (InvalidCommitMsgFor), else every check on.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { entryFor } from '../../config/repo-entries.js';

export const checkNames = ['fixupPrefix', 'issueClosingKeywords'] as const;
export type CheckName = (typeof checkNames)[number];

export interface InvalidCommitMsgEntry {
  repos: string[];
  checks: { name: string; disabled: boolean }[];
}

export type InvalidCommitMsgConfig = InvalidCommitMsgEntry[];

const entrySchema = z.looseObject({
  repos: z.array(z.string()).nullish(),
  checks: z.array(z.looseObject({ name: z.string().nullish(), disabled: z.boolean().nullish() })).nullish(),
});

export const invalidCommitMsgConfigSchema: z.ZodType<InvalidCommitMsgConfig> = z
  .array(entrySchema)
  .nullish()
  .transform((raw, ctx): InvalidCommitMsgConfig =>
    (raw ?? []).map((e, i) => {
      // Prow's words (validateInvalidCommitMsg).
      for (const repo of e.repos ?? []) {
        if (!repo.trim()) ctx.addIssue({ code: 'custom', path: [i, 'repos'], message: `error validating invalid_commit_msg config #${i}: repo ${JSON.stringify(repo)} must be of form org or org/repo` });
      }
      (e.checks ?? []).forEach((c, j) => {
        const name = c.name ?? '';
        if (!name.trim()) ctx.addIssue({ code: 'custom', path: [i, 'checks', j], message: `error validating invalid_commit_msg config #${i} check #${j}: check name cannot be empty` });
        else if (!(checkNames as readonly string[]).includes(name)) {
          ctx.addIssue({ code: 'custom', path: [i, 'checks', j, 'name'], message: `error validating invalid_commit_msg config #${i} check #${j}: unknown check name ${JSON.stringify(name)} (valid: [${checkNames.join(' ')}])` });
        }
      });
      return { repos: e.repos ?? [], checks: (e.checks ?? []).map((c) => ({ name: c.name ?? '', disabled: c.disabled ?? false })) };
    }),
  );

/** Prow's IsCheckDisabled on InvalidCommitMsgFor: the first check of that name decides. */
export function isCheckDisabled(config: InvalidCommitMsgConfig | undefined, org: string, repo: string, check: CheckName): boolean {
  return entryFor(config, org, repo)?.checks.find((c) => c.name === check)?.disabled ?? false;
}
