// Config files → a validated SkiffConfig, loading what Prow loads: each file's YAML as Prow reads
// it (yaml-file.ts), the files merged as Prow merges split configs (merge.ts), the keys Skiff
// reads validated, and everything Skiff leaves out reported as one warning each — a Prow
// plugin or key not implemented yet, or a name nothing knows ("did you mean …", an error under
// `--strict`). Every issue names its file, line, column and key path.
import type { Plugin } from '../plugins/types.js';
import { closest } from './did-you-mean.js';
import { formatPath, zodIssues } from './format-error.js';
import { ConfigError, formatIssue, type ConfigIssue } from './issues.js';
import { mergeFiles, type Merged } from './merge.js';
import { allProwKeys, isProwKey } from './prow-keys.js';
import { isProwPlugin, prowPluginNames, prowPluginSees, renamedProwPlugins, unneededProwPlugins } from './prow-plugins.js';
import { jobConfigKeys, loadJobConfig } from '../jobs/config/load.js';
import type { JobConfig } from '../jobs/types.js';
import { buildSchema, sectionsOf, skiffKeys, type SkiffConfig } from './schema.js';
import { removedSkiffKeys, skiffSection } from './skiff-section.js';
import { loadYamlFile, positionIn, type ConfigFile, type LoadedFile } from './yaml-file.js';

export { ConfigError, type ConfigIssue } from './issues.js';
export type { ConfigFile } from './yaml-file.js';

export interface ParsedConfig {
  config: SkiffConfig;
  /** Prow's job config (presubmits, postsubmits, periodics, presets, plank, sinker, in_repo_config), loaded. */
  jobs: JobConfig;
  /** The warning issues, one line each. */
  warnings: string[];
  /** Every warning, with where it is. */
  issues: ConfigIssue[];
}

export interface ParseOptions {
  /** checkconfig --strict: warnings about names nothing knows (likely typos) are errors. */
  strict?: boolean;
  /** Keeps each file's parsed YAML while its text is unchanged, so a change re-parses one file. */
  cache?: ParseCache;
}

/** Parsed files by path, reused while the text is the same (the text is what the ETag stands for). */
export class ParseCache {
  private readonly files = new Map<string, { text: string; loaded: LoadedFile | ConfigIssue[] }>();

  load(file: ConfigFile): LoadedFile | ConfigIssue[] {
    const hit = this.files.get(file.path);
    if (hit?.text === file.text) return hit.loaded;
    const loaded = loadYamlFile(file);
    this.files.set(file.path, { text: file.text, loaded });
    return loaded;
  }

  /** Forgets files no longer part of the config (a shard deleted from a directory). */
  keepOnly(paths: Iterable<string>): void {
    const keep = new Set(paths);
    for (const path of this.files.keys()) if (!keep.has(path)) this.files.delete(path);
  }
}

const schemas = new WeakMap<readonly Plugin[], ReturnType<typeof buildSchema>>();

/** How many places a warning lists before it says "and N more". */
const listed = 10;

export function parseConfig(files: ConfigFile[], registry: readonly Plugin[], source: string, options: ParseOptions = {}): ParsedConfig {
  const errors: ConfigIssue[] = [];
  const loaded: LoadedFile[] = [];
  for (const file of files) {
    const result = options.cache ? options.cache.load(file) : loadYamlFile(file);
    if (Array.isArray(result)) errors.push(...result);
    else loaded.push(result);
  }
  options.cache?.keepOnly(files.map((f) => f.path));
  // The files that parsed are merged even when others did not, so every problem is reported at once.
  const known = [...skiffKeys(registry), ...jobConfigKeys];
  const merged = mergeFiles(loaded, (key) => known.includes(key) || isProwKey(key));
  errors.push(...merged.issues);
  if (errors.length) throw new ConfigError(errors, source);

  // Only the keys Skiff reads are validated; the rest are reported below and left alone.
  const subset: Record<string, unknown> = Object.create(null);
  for (const key of known) if (Object.hasOwn(merged.doc, key)) subset[key] = merged.doc[key];
  let schema = schemas.get(registry);
  if (!schema) schemas.set(registry, (schema = buildSchema(registry)));
  const result = schema.safeParse(subset);
  if (!result.success) {
    throw new ConfigError(
      zodIssues(result.error, subset).map(({ path, message }) => ({ severity: 'error', ...merged.locate(path), path: formatPath(path), message })),
      source,
    );
  }

  // Job config is read from the merged document itself: its errors are located per job and key.
  const jobs = loadJobConfig(merged.doc, merged.locate);
  if (jobs.errors.length) throw new ConfigError(jobs.errors, source);

  const data = result.data as Record<string, unknown>;
  const sections: Record<string, unknown> = Object.create(null);
  for (const { key } of sectionsOf(registry)) sections[key] = Object.hasOwn(data, key) ? data[key] : undefined;
  const config: SkiffConfig = { plugins: result.data.plugins, externalPlugins: result.data.external_plugins, sections };

  const warnings = [
    ...keyWarnings(merged, known),
    ...removedKeyWarnings(merged),
    ...jobs.warnings,
    ...pluginWarnings(config, merged, registry),
    ...twiceEnabledWarnings(config, merged, registry),
  ];
  if (options.strict) {
    const strictErrors = warnings.filter((w) => w.strict).map((w): ConfigIssue => ({ ...w, severity: 'error' }));
    if (strictErrors.length) throw new ConfigError(strictErrors, source);
  }
  return { config, jobs: jobs.jobs, warnings: warnings.map(formatIssue), issues: warnings };
}

/** Top-level keys Skiff does not read: one warning per Prow key, and one per unknown key and file. */
function keyWarnings(merged: Merged, skiff: readonly string[]): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  const skiffSet = new Set(skiff);
  for (const key of Object.keys(merged.doc)) {
    if (skiffSet.has(key)) continue;
    const files = merged.filesWith(key);
    // Where the key is written in that file (each file that sets it has its own place).
    const at = (file: LoadedFile) => ({ file: file.path, ...positionIn(file, [key], { key: true }) });
    if (isProwKey(key)) {
      const others = files.slice(1).map((f) => f.path);
      const also = others.length ? `; also set in ${others.length} more ${others.length === 1 ? 'file' : 'files'} (${list(others, 3)})` : '';
      warnings.push({ severity: 'warning', kind: 'prow-key', ...at(files[0]!), path: formatPath([key]), message: `a Prow key Skiff does not implement yet; ignored${also}` });
      continue;
    }
    const suggestion = closest(key, [...skiff, ...allProwKeys]);
    const message = suggestion ? `unknown key; did you mean "${suggestion}"? Ignored` : 'unknown key (neither Skiff nor Prow reads it); ignored';
    for (const file of files) warnings.push({ severity: 'warning', kind: 'unknown-key', ...at(file), path: formatPath([key]), message, strict: true });
  }
  return warnings;
}

/** Keys of the `skiff:` section that were removed: one warning each, saying what replaced it. */
function removedKeyWarnings(merged: Merged): ConfigIssue[] {
  const section = merged.doc[skiffSection.key];
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return [];
  return Object.keys(removedSkiffKeys)
    .filter((key) => Object.hasOwn(section, key))
    .map((key) => {
      const path = [skiffSection.key, key];
      return { severity: 'warning', ...merged.locate(path, { key: true }), path: formatPath(path), message: removedSkiffKeys[key]! };
    });
}

/**
 * A plugin Skiff builds in that the same org or repository also forwards to as an external plugin
 * (needs-rebase, external in Prow): both would act on each event, twice the labels and comments.
 */
function twiceEnabledWarnings(config: SkiffConfig, merged: Merged, registry: readonly Plugin[]): ConfigIssue[] {
  const builtIn = new Set(registry.map((p) => p.name));
  const warnings: ConfigIssue[] = [];
  for (const [where, external] of Object.entries(config.externalPlugins)) {
    for (const [i, plugin] of external.entries()) {
      if (!builtIn.has(plugin.name)) continue;
      const [owner = '', repo] = where.split('/');
      const enabledHere = repo === undefined ? (Object.hasOwn(config.plugins, owner) ? config.plugins[owner]!.plugins : []) : pluginsFor(config, owner, repo);
      if (!enabledHere.includes(plugin.name)) continue;
      const path: PropertyKey[] = ['external_plugins', where, i];
      warnings.push({
        severity: 'warning',
        kind: 'prow-plugin',
        ...merged.locate(path),
        path: formatPath(path),
        message: `"${plugin.name}" is enabled for ${where} both as Skiff's built-in plugin and as an external plugin: both would act on each event; keep one`,
      });
    }
  }
  return warnings;
}

/** Enabled plugins Skiff does not implement: one warning per name, listing where it is enabled. */
function pluginWarnings(config: SkiffConfig, merged: Merged, registry: readonly Plugin[]): ConfigIssue[] {
  const implemented = new Set(registry.map((p) => p.name));
  const places = new Map<string, { where: string; path: PropertyKey[] }[]>();
  const raw = merged.doc.plugins as Record<string, unknown> | undefined;
  for (const [where, entry] of Object.entries(config.plugins)) {
    // The list form `org/repo: [a, b]` has no `plugins:` key in between.
    const base: PropertyKey[] = Array.isArray(raw?.[where]) ? ['plugins', where] : ['plugins', where, 'plugins'];
    entry.plugins.forEach((name, i) => {
      if (implemented.has(name)) return;
      const seen = places.get(name);
      const place = { where, path: [...base, i] };
      if (seen) seen.push(place);
      else places.set(name, [place]);
    });
  }
  const warnings: ConfigIssue[] = [];
  for (const [name, at] of places) {
    const first = at[0]!;
    const enabled = `enabled for ${list(at.map((p) => p.where), listed)}`;
    let message: string;
    let strict = false;
    let kind: ConfigIssue['kind'] = 'prow-plugin';
    const unneeded = unneededProwPlugins.get(name);
    const renamed = renamedProwPlugins.get(name);
    if (unneeded) {
      message = `"${name}" is not needed: ${unneeded} (${enabled})`;
      kind = 'not-needed';
    }
    else if (isProwPlugin(name)) message = `"${name}" is a Prow plugin Skiff does not implement yet; inactive (${enabled})`;
    else if (renamed) message = `"${name}" is a Prow plugin that Prow has folded into "${renamed}"; inactive (${enabled})`;
    else {
      strict = true;
      kind = 'unknown-plugin';
      const suggestion = closest(name, [...implemented, ...prowPluginNames]);
      message = `unknown plugin "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ' (neither a Skiff nor a Prow plugin)'} Inactive (${enabled})`;
    }
    warnings.push({ severity: 'warning', kind, ...merged.locate(first.path), path: formatPath(first.path), message, ...(strict ? { strict } : {}) });
  }
  return warnings;
}

/** `a, b, c and 4 more`. */
function list(items: string[], max: number): string {
  if (items.length <= max) return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/**
 * Plugins enabled for a repository, with Prow's semantics: the org's list (unless the repo is
 * in the org's `excluded_repos`) followed by the repo's own list, without duplicates.
 */
export function pluginsFor(config: SkiffConfig, owner: string, repo: string): string[] {
  const names: string[] = [];
  const org = entryFor(config, owner);
  if (org && !org.excluded_repos.includes(repo)) names.push(...org.plugins);
  names.push(...(entryFor(config, `${owner}/${repo}`)?.plugins ?? []));
  return [...new Set(names)];
}

/** `org` or `org/repo`'s own entry: names are data, never a way into the prototype. */
const entryFor = (config: SkiffConfig, key: string) => (Object.hasOwn(config.plugins, key) ? config.plugins[key] : undefined);

/**
 * Plugins enabled for the repository that Skiff does not implement and that Prow would have run
 * on `event`, for the delivery's trace. Plugins Skiff does without on purpose are left out.
 */
export function notImplementedFor(config: SkiffConfig, owner: string, repo: string, event: string, registry: readonly Plugin[]): string[] {
  const implemented = new Set(registry.map((p) => p.name));
  return pluginsFor(config, owner, repo).filter((name) => !implemented.has(name) && !unneededProwPlugins.has(name) && prowPluginSees(name, event));
}
