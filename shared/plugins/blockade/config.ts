// The `blockades` section of plugins.yaml: a list of blockades, each with Prow's keys
// (kubernetes-sigs/prow pkg/plugins/config.go `Blockade`). Prow compiles `branchregexp` when it
// loads the config and refuses a bad one; so does this schema. A bad block or exception regexp
// Prow only logs on each event and leaves out; here it is compiled at load too, and kept with its
// error so the plugin can leave it out as Prow does and say so in the trace.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from '../../owners/re2.js';

/** A pattern as compiled at load: the RegExp, or why it cannot be used. */
export type CompiledPattern = { pattern: string; regex: RegExp } | { pattern: string; error: string };

export interface BlockadeEntry {
  /** `org` or `org/repo`, matched exactly. */
  repos: string[];
  /** Only pull requests into a matching base branch are checked; all branches when absent. */
  branchRe: RegExp | undefined;
  block: CompiledPattern[];
  exceptions: CompiledPattern[];
  /** As written; `''` when absent (the plugin says Prow's "Files are protected" then). */
  explanation: string;
}

export type BlockadeConfig = BlockadeEntry[];

const compile = (pattern: string): CompiledPattern => {
  const compiled = compileRe2(pattern);
  return compiled.ok ? { pattern, regex: compiled.regex } : { pattern, error: compiled.error };
};

const patterns = z
  .array(z.string())
  .nullish()
  .transform((v) => (v ?? []).map(compile));

// Loose: Go's decoder drops keys it does not know, so a Prow config with extra keys must load; the
// keys read are typed, so `blockregexps: docs/` (a string, not a list) is an error, not ignored.
const entrySchema = z
  .looseObject({
    repos: z.array(z.string()).nullish(),
    branchregexp: z.string().nullish(),
    blockregexps: patterns,
    exceptionregexps: patterns,
    explanation: z.string().nullish(),
  })
  .transform((raw, ctx): BlockadeEntry => {
    let branchRe: RegExp | undefined;
    if (raw.branchregexp !== null && raw.branchregexp !== undefined) {
      const compiled = compileRe2(raw.branchregexp);
      if (compiled.ok) branchRe = compiled.regex;
      // Prow: "failed to compile blockade branchregexp: %q, error: %w".
      else ctx.addIssue({ code: 'custom', path: ['branchregexp'], message: `failed to compile blockade branchregexp: ${compiled.error}` });
    }
    return { repos: raw.repos ?? [], branchRe, block: raw.blockregexps, exceptions: raw.exceptionregexps, explanation: raw.explanation ?? '' };
  });

export const blockadeConfigSchema: z.ZodType<BlockadeConfig> = z
  .array(entrySchema)
  // `blockades:` with nothing under it, or no section at all: no blockades.
  .nullish()
  .transform((entries) => entries ?? []);
