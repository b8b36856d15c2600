// The `cherry_pick_unapproved` section of plugins.yaml, with Prow's two keys and defaults
// (kubernetes-sigs/prow pkg/plugins/config.go `CherryPickUnapproved` and setDefaults): which base
// branches make a pull request a cherry-pick, and what the bot says when it adds the label. One
// setting for every repository, as in Prow; a branchregexp that does not compile fails the config,
// as in Prow's compileRegexpsAndDurations.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from '../../owners/re2.js';

/** Prow's default branchregexp. */
export const defaultBranchRegexp = '^release-.*$';

/** Prow's default comment, word for word (its two spaces before "label" and "Adding" included). */
export const defaultComment =
  'This PR is not for the master branch but does not have the `cherry-pick-approved`  label. Adding the `do-not-merge/cherry-pick-not-approved`  label.';

export interface CherryPickUnapprovedConfig {
  branchRegexp: string;
  branchRe: RegExp;
  comment: string;
}

// Loose: Go's decoder drops keys it does not know, so a Prow config with extra keys must load;
// the keys read are typed, so `branchregexp: [release]` is an error rather than ignored.
export const cherryPickUnapprovedConfigSchema: z.ZodType<CherryPickUnapprovedConfig> = z
  .looseObject({ branchregexp: z.string().nullish(), comment: z.string().nullish() })
  // `cherry_pick_unapproved:` with nothing under it, or no section at all: Prow's defaults.
  .nullish()
  .transform((raw, ctx): CherryPickUnapprovedConfig => {
    // Go's zero value: an empty string takes the default too.
    const branchRegexp = raw?.branchregexp || defaultBranchRegexp;
    const compiled = compileRe2(branchRegexp);
    if (!compiled.ok) {
      ctx.addIssue({ code: 'custom', path: ['branchregexp'], message: `failed to compile cherry_pick_unapproved branchregexp: ${compiled.error}` });
      return z.NEVER;
    }
    return { branchRegexp, branchRe: compiled.regex, comment: raw?.comment || defaultComment };
  });
