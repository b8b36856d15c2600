// The `blunderbuss` section of plugins.yaml: Prow's keys, defaults and checks
// (pkg/plugins/config.go `Blunderbuss`, `ContextMatch`, setDefaults, validateBlunderbuss).
// Keys Prow does not know either (an old `file_weight_count`, a typo) are kept by name in
// `unknownKeys`, so the plugin can say in its trace that it ignored them, instead of a config
// Prow loads failing here or a typo silently meaning the default.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from '../../owners/re2.js';

/** Prow's defaultBlunderbussReviewerCount. */
export const defaultRequestCount = 2;

/** Prow's default for wait_for_status.description. */
export const defaultWaitDescription = 'Not mergeable. (PullRequest is missing sufficient approving GitHub review\\(s\\)|Needs (lgtm|approved|approved, lgtm) labels?)\\.?';

const knownKeys = ['request_count', 'max_request_count', 'exclude_approvers', 'use_status_availability', 'ignore_drafts', 'ignore_authors', 'wait_for_status'];

// Go reads absent and null alike as the zero value.
const flag = z.boolean().nullish().transform((v) => v ?? false);

const waitForStatus = z
  .looseObject({ context: z.string().nullish(), description: z.string().nullish(), state: z.string().nullish() })
  .transform((raw, ctx) => {
    const description = raw.description || defaultWaitDescription;
    const compiled = compileRe2(description);
    if (!compiled.ok) {
      // Prow: "failed to compile blunderbuss wait for context description regular expression".
      ctx.addIssue({ code: 'custom', path: ['description'], message: `failed to compile the wait_for_status description: ${compiled.error}` });
      return z.NEVER;
    }
    return { context: raw.context || 'tide', description, descriptionRe: compiled.regex, state: raw.state || 'pending' };
  });

export const blunderbussConfigSchema = z
  .looseObject({
    // A pointer in Prow: absent means 2, and a value must be positive (0 is an error, not "none").
    request_count: z
      .number()
      .int()
      .refine((n) => n >= 1, { error: (issue) => `invalid request_count: ${String(issue.input)} (needs to be positive)` })
      .nullish(),
    // Go's int: 0 (or absent, or negative) means no limit.
    max_request_count: z.number().int().nullish(),
    exclude_approvers: flag,
    use_status_availability: flag,
    ignore_drafts: flag,
    ignore_authors: z.array(z.string()).nullish(),
    wait_for_status: waitForStatus.nullish(),
  })
  // `blunderbuss:` with nothing under it, or no section at all, means all defaults.
  .nullish()
  .transform((raw) => ({
    requestCount: raw?.request_count ?? defaultRequestCount,
    maxRequestCount: raw?.max_request_count && raw.max_request_count > 0 ? raw.max_request_count : 0,
    excludeApprovers: raw?.exclude_approvers ?? false,
    useStatusAvailability: raw?.use_status_availability ?? false,
    ignoreDrafts: raw?.ignore_drafts ?? false,
    ignoreAuthors: raw?.ignore_authors ?? [],
    waitForStatus: raw?.wait_for_status ?? undefined,
    unknownKeys: Object.keys(raw ?? {}).filter((k) => !knownKeys.includes(k)),
  }));

export type BlunderbussConfig = z.output<typeof blunderbussConfigSchema>;
