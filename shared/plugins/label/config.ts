// The `label` section of plugins.yaml, with Prow's keys (kubernetes-sigs/prow pkg/plugins/config.go
// `Label`, `RestrictedLabel`, `AssignOnLabel`) and Prow's RestrictedLabelsFor, which says which
// restricted labels apply to a repository: the entries under `*`, the org and `org/repo`, merged
// by lower-cased label name (users, teams and assign_on united).
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

export interface AssignOnLabel {
  label: string;
}

export interface RestrictedLabel {
  label: string;
  allowedTeams: string[];
  allowedUsers: string[];
  /** Adding one of these labels to a pull request assigns `allowedUsers` to it. */
  assignOn: AssignOnLabel[];
}

export interface LabelConfig {
  /** Labels `/label` and `/remove-label` may set, beside the restricted ones. */
  additionalLabels: string[];
  /** By `*`, an org or `org/repo`. */
  restrictedLabels: Record<string, RestrictedLabel[]>;
}

// Go reads absent and null alike as the zero value. Loose objects: a Prow config may carry keys
// Prow itself drops, and must load; the keys read here are typed, so none is misread.
const strings = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

const restrictedLabelSchema = z
  .looseObject({
    label: z.string(),
    allowed_teams: strings,
    allowed_users: strings,
    assign_on: z
      .array(z.looseObject({ label: z.string() }))
      .nullish()
      .transform((v) => (v ?? []).map((a) => ({ label: a.label }))),
  })
  .transform((raw): RestrictedLabel => ({ label: raw.label, allowedTeams: raw.allowed_teams, allowedUsers: raw.allowed_users, assignOn: raw.assign_on }));

export const labelConfigSchema: z.ZodType<LabelConfig> = z
  .looseObject({
    additional_labels: strings,
    restricted_labels: z
      .record(z.string(), z.array(restrictedLabelSchema).nullish())
      .nullish()
      .transform((v) => Object.fromEntries(Object.entries(v ?? {}).map(([key, list]) => [key, list ?? []]))),
  })
  // `label:` with nothing under it, or no section at all: no additional or restricted labels.
  .nullish()
  .transform((raw) => ({ additionalLabels: raw?.additional_labels ?? [], restrictedLabels: raw?.restricted_labels ?? {} }));

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])].sort();

/**
 * Prow's RestrictedLabelsFor: the restricted labels of `org/repo`, keyed by lower-cased label.
 * Entries for the same label under `*`, the org and the repository are merged, not overridden.
 */
export function restrictedLabelsFor(config: LabelConfig, org: string, repo: string): Map<string, RestrictedLabel> {
  const result = new Map<string, RestrictedLabel>();
  for (const key of ['*', org, `${org}/${repo}`]) {
    // `Object.hasOwn`: an org named `constructor` must find nothing, not Object's prototype.
    const entries = Object.hasOwn(config.restrictedLabels, key) ? config.restrictedLabels[key]! : [];
    for (const entry of entries) {
      const name = entry.label.toLowerCase();
      const existing = result.get(name);
      if (!existing) {
        result.set(name, entry);
        continue;
      }
      const assignOn = new Map([...existing.assignOn, ...entry.assignOn].map((a) => [a.label, a]));
      result.set(name, {
        label: existing.label,
        allowedUsers: union(existing.allowedUsers, entry.allowedUsers),
        allowedTeams: union(existing.allowedTeams, entry.allowedTeams),
        assignOn: [...assignOn.values()],
      });
    }
  }
  return result;
}
