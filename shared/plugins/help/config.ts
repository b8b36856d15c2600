// The `help` section of plugins.yaml, as Prow's (pkg/plugins/config.go `Help`): where the
// guidelines for help-wanted and good-first-issue issues are, and an optional summary of them to
// put in the bot's comment. Both keys are Prow's and both are read.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales.
import * as z from 'zod';

/** Prow's default for `help_guidelines_url` (Help.setDefaults). */
export const defaultHelpGuidelinesUrl = 'https://git.k8s.io/community/contributors/guide/help-wanted.md';

export const helpConfigSchema = z
  // Strict: Prow has only these two keys, so anything else is a typo that would otherwise be ignored.
  .strictObject({
    help_guidelines_url: z.string().optional(),
    help_guidelines_summary: z.string().optional(),
  })
  .nullish()
  .transform((raw) => ({
    // Go's empty string is "unset": Prow defaults it.
    guidelinesUrl: raw?.help_guidelines_url || defaultHelpGuidelinesUrl,
    guidelinesSummary: raw?.help_guidelines_summary ?? '',
  }));

export type HelpConfig = z.output<typeof helpConfigSchema>;
