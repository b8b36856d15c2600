// The config schema: Prow's `plugins:` map, `external_plugins`, and each plugin's own section
// (its schema lives in the plugin's folder and is composed here from the registry). Plugin names
// are any strings here: a name Skiff does not implement is a warning (see parse.ts), as are keys
// Skiff does not read, so a real Prow plugins.yaml / config.yaml loads unchanged.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import type { Plugin, PluginConfigSpec } from '../plugins/types.js';
import { ownersDirDenylistSection, ownersSection } from '../owners/config.js';
import { skiffSection } from './skiff-section.js';
import { githubSection } from '../github/budget-settings.js';
import { triggersSection } from './triggers-section.js';
import { externalPluginsSchema, type ExternalPluginsSection } from './external-plugins.js';

/**
 * Sections several plugins read, beside each plugin's own: plugins.yaml's `owners:` and
 * config.yaml's `owners_dir_denylist` (lgtm, approve, blunderbuss, owners-label, verify-owners); and
 * `triggers:`, whom Prow trusts (retitle, verify-owners, and trigger to come); and `skiff:`, what
 * Skiff does beyond Prow (skiff-section.ts); and config.yaml's `github:`, of which Skiff reads
 * `budget` (github/budget-settings.ts).
 */
export const sharedSections: readonly PluginConfigSpec<unknown>[] = [ownersSection, ownersDirDenylistSection, triggersSection, skiffSection, githubSection];

/** Every section's spec: the shared ones, then each plugin's own. */
export const sectionsOf = (registry: readonly Plugin[]): PluginConfigSpec<unknown>[] => [
  ...sharedSections,
  ...registry.flatMap((p) => (p.config ? [p.config] : [])),
];

export interface RepoPlugins {
  plugins: string[];
  excluded_repos: string[];
}

export interface SkiffConfig {
  /**
   * Keyed by `org` or `org/repo`, as in Prow. Without a prototype, and to be read with own-property
   * lookups (pluginsFor): org and repository names come from payloads, and `constructor` is a
   * valid GitHub login that must find nothing rather than Object.prototype.constructor.
   */
  plugins: Record<string, RepoPlugins>;
  /** `external_plugins`, with Prow's default endpoints, keyed like `plugins` (also without a prototype). */
  externalPlugins: ExternalPluginsSection;
  /** Each section's parsed value, by its key (also without a prototype): the shared ones and each plugin's. */
  sections: Record<string, unknown>;
}

/** `{…}` → Map, so that every key is validated as data: z.record drops a `__proto__` key silently. */
const entriesOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? new Map(Object.entries(value)) : value;

/** The keys Skiff reads, with what they hold; `plugins` and `external_plugins` and each plugin's section. */
export function skiffKeys(registry: readonly Plugin[]): string[] {
  return ['plugins', 'external_plugins', ...new Set(sectionsOf(registry).map((s) => s.key))];
}

export function buildSchema(registry: readonly Plugin[]) {
  const list = z.array(z.string()).nullish().transform((v) => v ?? []);
  // Prow's current form is `org/repo: {plugins: [...], excluded_repos: [...]}`; its early guides
  // used a bare list `org/repo: [size, hold]`. Both mean the same.
  const entry = z.preprocess(
    // `acme:` with nothing under it is an empty entry, as Prow's YAML decoding makes it.
    (value) => (Array.isArray(value) ? { plugins: value } : (value ?? {})),
    z.object({
      plugins: list,
      excluded_repos: z.array(z.string()).nullish().transform((v) => v ?? []),
    }),
  );
  const sections: Record<string, z.ZodType> = {};
  for (const section of sectionsOf(registry)) sections[section.key] = section.schema;
  return z.looseObject({
    plugins: z
      .preprocess(
        entriesOf,
        z.map(z.string(), entry, {
          error: (issue) => (issue.code === 'invalid_type' ? `expected a mapping of org or org/repo to plugins, got ${kindOf(issue.input)}` : undefined),
        }),
      )
      .nullish()
      // Object.fromEntries defines `__proto__` as an own key, where assignment would set the prototype.
      .transform((v): Record<string, RepoPlugins> => Object.setPrototypeOf(Object.fromEntries(v ?? []), null)),
    external_plugins: externalPluginsSchema,
    ...sections,
  });
}

const kindOf = (value: unknown): string => (Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`);
