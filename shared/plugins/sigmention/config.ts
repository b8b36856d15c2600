// The `sigmention` section of plugins.yaml, with Prow's one key and its default
// (kubernetes-sigs/prow pkg/plugins/config.go `SigMention` and setDefaults): the regexp that finds
// team mentions, whose first group is the SIG's name and whose second, when the pattern has one,
// the team's suffix (`bugs` → kind/bug). One setting for every repository, as in Prow. Go RE2,
// translated by owners/re2.ts; a regexp that does not compile fails the config, as in Prow's
// compileRegexpsAndDurations.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from '../../owners/re2.js';

/** Prow's default regexp, the one kubernetes runs with (its plugins.yaml has no `sigmention:` section). */
export const defaultRegexp = '(?m)@kubernetes/sig-([\\w-]*)-(misc|test-failures|bugs|feature-requests|proposals|pr-reviews|api-reviews)';

export interface SigMentionConfig {
  /** As written (or Prow's default), for help and the trace. */
  regexp: string;
  /** Compiled with the `g` flag: every mention in a comment counts, as Go's FindAllStringSubmatch finds them. */
  re: RegExp;
}

/** How many capture groups a compiled pattern has (an alternation with the empty string always matches). */
const groupsOf = (re: RegExp): number => new RegExp(`${re.source}|`, re.flags.replace('g', '')).exec('')!.length - 1;

// Loose: Go's decoder drops keys it does not know, so a Prow config with extra keys must load;
// the key read is typed, so `regexp: [a, b]` is an error rather than ignored.
export const sigMentionConfigSchema: z.ZodType<SigMentionConfig> = z
  .looseObject({ regexp: z.string().nullish() })
  // `sigmention:` with nothing under it, or no section at all: Prow's default.
  .nullish()
  .transform((raw, ctx): SigMentionConfig => {
    // Go's zero value: an empty string takes the default too.
    const regexp = raw?.regexp || defaultRegexp;
    const compiled = compileRe2(regexp);
    if (!compiled.ok) {
      ctx.addIssue({ code: 'custom', path: ['regexp'], message: `failed to compile sigmention regexp: ${compiled.error}` });
      return z.NEVER;
    }
    // Prow reads the first group of every match without checking it is there (and panics when it is
    // not); a pattern without one could never name a SIG, so it is refused when the config loads.
    if (groupsOf(compiled.regex) < 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['regexp'],
        message: `sigmention regexp ${JSON.stringify(regexp)} has no capture group: its first group must capture the SIG's name (as ([\\w-]*) does in Prow's default)`,
      });
      return z.NEVER;
    }
    const flags = compiled.regex.flags.includes('g') ? compiled.regex.flags : `${compiled.regex.flags}g`;
    return { regexp, re: new RegExp(compiled.regex.source, flags) };
  });
