// The `milestone_applier` section of plugins.yaml: per `org/repo`, the milestone (by title) for
// each base branch, as Prow's map[string]BranchToMilestone (kubernetes-sigs/prow
// pkg/plugins/config.go `MilestoneApplier`). Looked up as Prow does: the exact `org/repo`, then the
// exact branch name; no org-wide or default entry.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

/** `org/repo` → base branch → milestone title; without prototypes (keys come from YAML, names from payloads). */
export type MilestoneApplierConfig = Record<string, Record<string, string>>;

/**
 * A YAML number as Prow's decoder turns it into a Go string (sigs.k8s.io/yaml, when the target is
 * a string): integers in decimal, floats as strconv.FormatFloat(f, 'g', -1, 32) — the shortest
 * float32 digits, with an exponent from 1e+06 or below 1e-04. kubernetes' own config relies on it
 * (`kubernetes/website: {dev-1.37: 1.37}`); note that YAML has already read `1.20` as 1.2.
 */
export function goScalarString(value: number | boolean): string {
  if (typeof value === 'boolean') return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  const f = Math.fround(value);
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
  let shortest = f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) {
      shortest = candidate;
      break;
    }
  }
  const [mantissa, exponent] = shortest.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(shortest);
}

const title = z.union([z.string(), z.number().transform(goScalarString), z.boolean().transform(goScalarString)], {
  error: () => 'expected a milestone title',
});

const nullProto = <T>(entries: Record<string, T> | null | undefined): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, entries ?? {});

export const milestoneApplierConfigSchema: z.ZodType<MilestoneApplierConfig> = z
  // `org/repo:` with nothing under it: no branches.
  .record(z.string(), z.record(z.string(), title).nullish().transform(nullProto))
  .nullish()
  .transform(nullProto);

/** The milestone configured for `branch` of `org/repo`, if any. */
export function milestoneFor(config: MilestoneApplierConfig | undefined, org: string, repo: string, branch: string): string | undefined {
  const key = `${org}/${repo}`;
  const branches = config && Object.hasOwn(config, key) ? config[key]! : undefined;
  return branches && Object.hasOwn(branches, branch) ? branches[branch] : undefined;
}
