// The `branch_cleaner` section of plugins.yaml, with Prow's one key (kubernetes-sigs/prow
// pkg/plugins/config.go `BranchCleaner`): `preserved_branches`, by `org` or `org/repo`, the head
// branches never deleted. Each entry is a branch name or a regexp (Prow's IsPreservedBranch
// tries both, the regexp unanchored). Compiled at load; one that cannot be compiled still
// preserves the branch of exactly that name, as in Prow (which ignores the match error), and the
// plugin says so in its trace.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from '../../owners/re2.js';

export interface PreservedBranch {
  /** As written: a branch name, or a regexp. */
  pattern: string;
  regex: RegExp | undefined;
  /** Why `pattern` cannot be used as a regexp. */
  error?: string;
}

export interface BranchCleanerConfig {
  /** By `org` or `org/repo`; without a prototype (org and repository names come from payloads). */
  preservedBranches: Record<string, PreservedBranch[]>;
}

const compile = (pattern: string): PreservedBranch => {
  const compiled = compileRe2(pattern);
  return compiled.ok ? { pattern, regex: compiled.regex } : { pattern, regex: undefined, error: compiled.error };
};

// Loose: Go's decoder drops keys it does not know, so a Prow config with extra keys must load;
// the key read is typed, so `preserved_branches: [main]` is an error rather than ignored.
export const branchCleanerConfigSchema: z.ZodType<BranchCleanerConfig> = z
  .looseObject({
    // A Map, so a key such as `__proto__` is kept as data (z.record would drop it silently).
    preserved_branches: z
      .preprocess((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? new Map(Object.entries(v)) : v), z.map(z.string(), z.array(z.string()).nullish()))
      .nullish(),
  })
  // `branch_cleaner:` with nothing under it, or no section at all: nothing is preserved.
  .nullish()
  .transform((raw): BranchCleanerConfig => {
    const preservedBranches: Record<string, PreservedBranch[]> = Object.create(null);
    for (const [key, patterns] of raw?.preserved_branches ?? []) preservedBranches[key] = (patterns ?? []).map(compile);
    return { preservedBranches };
  });
