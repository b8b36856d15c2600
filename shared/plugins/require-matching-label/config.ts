// The `require_matching_label` section of plugins.yaml: a list of rules, each with Prow's keys
// (pkg/plugins/config.go `RequireMatchingLabel`): `org`, `repo`, `branch`, `prs`, `issues`,
// `regexp`, `missing_label`, `missing_comment`, `grace_period` (default 5s). Checked as Prow's
// validate() checks them, in its words, when the config loads; `regexp` is Go RE2, translated
// (owners/re2.ts) or refused with why, and `grace_period` a Go duration.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from '../../owners/re2.js';

export interface RequireMatchingLabelRule {
  org: string;
  /** `''`: every repository of the org. */
  repo: string;
  /** `''`: every branch (pull requests only). */
  branch: string;
  prs: boolean;
  issues: boolean;
  regexp: string;
  re: RegExp;
  missingLabel: string;
  /** `''`: no comment. */
  missingComment: string;
  gracePeriodMs: number;
}

export type RequireMatchingLabelConfig = RequireMatchingLabelRule[];

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds (`1m30s`, `500ms`, `0`), or undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const part of text.slice(m[1]!.length).matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(part[1]) * units[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

const ruleSchema = z.looseObject({
  org: z.string().nullish(),
  repo: z.string().nullish(),
  branch: z.string().nullish(),
  prs: z.boolean().nullish(),
  issues: z.boolean().nullish(),
  regexp: z.string().nullish(),
  missing_label: z.string().nullish(),
  missing_comment: z.string().nullish(),
  grace_period: z.string().nullish(),
});

export const requireMatchingLabelConfigSchema: z.ZodType<RequireMatchingLabelConfig> = z
  .array(ruleSchema)
  .nullish()
  .transform((raw, ctx): RequireMatchingLabelConfig => {
    const rules: RequireMatchingLabelConfig = [];
    (raw ?? []).forEach((r, i) => {
      // Prow's words: "error validating require_matching_label config #%d: %v".
      const fail = (message: string, key?: string) => {
        ctx.addIssue({ code: 'custom', path: key ? [i, key] : [i], message: `error validating require_matching_label config #${i}: ${message}` });
      };
      const gracePeriod = r.grace_period || '5s';
      const compiled = r.regexp ? compileRe2(r.regexp) : undefined;
      const duration = parseGoDuration(gracePeriod);
      if (!r.org) return fail("must specify 'org'");
      if (r.repo?.includes('/')) return fail("'repo' may not contain '/'; specify the organization with 'org'", 'repo');
      if (!r.regexp || !compiled) return fail("must specify 'regexp'", 'regexp');
      if (!compiled.ok) return fail(`failed to compile label regexp: ${compiled.error}`, 'regexp');
      if (!r.missing_label) return fail("must specify 'missing_label'", 'missing_label');
      if (!r.prs && !r.issues) return fail("must specify 'prs: true' and/or 'issues: true'");
      if (!r.prs && r.branch) return fail("branch cannot be specified without `prs: true'", 'branch');
      if (compiled.regex.test(r.missing_label)) return fail("'regexp' must not match 'missing_label'", 'regexp');
      if (duration === undefined) return fail(`failed to compile grace period duration: ${JSON.stringify(gracePeriod)}`, 'grace_period');
      rules.push({
        org: r.org,
        repo: r.repo ?? '',
        branch: r.branch ?? '',
        prs: r.prs ?? false,
        issues: r.issues ?? false,
        regexp: r.regexp,
        re: compiled.regex,
        missingLabel: r.missing_label,
        missingComment: r.missing_comment ?? '',
        gracePeriodMs: Math.max(0, duration),
      });
    });
    return rules;
  });

/** Prow's Describe(): one sentence per rule, for the plugin's help. */
export function describeRule(r: RequireMatchingLabelRule): string {
  let s = `Applies the '${r.missingLabel}' label ${r.missingComment ? 'and comments on ' : 'to '}`;
  if (r.issues) s += `Issues ${r.prs ? 'and ' : ''}`;
  if (r.prs) s += `${r.branch ? `'${r.branch}' branch ` : ''}PRs `;
  s += r.repo ? `in the '${r.org}/${r.repo}' GitHub repo ` : `in the '${r.org}' GitHub org `;
  return `${s}that have no labels matching the regular expression '${r.regexp}'.`;
}
