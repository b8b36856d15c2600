// YAML files → a validated SkiffConfig. Top-level keys of all files are merged (Prow's
// config.yaml and plugins.yaml keys do not collide); a key in two files is an error rather
// than a silent override. Whatever a file holds — a YAML bomb, nesting too deep to walk — it
// ends as a problem naming the file, never as an exception from the parser.
import { parseDocument } from 'yaml';
import type { Plugin } from '../plugins/types.js';
import { formatIssues } from './format-error.js';
import { prowPluginSees, unneededProwPlugins } from './prow-plugins.js';
import { buildSchema, unsupportedKeys, type SkiffConfig } from './schema.js';

export interface ConfigFile {
  path: string;
  text: string;
}

export interface ParsedConfig {
  config: SkiffConfig;
  warnings: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly problems: string[],
    source: string,
  ) {
    super(`invalid config in ${source}:\n  ${problems.join('\n  ')}`);
  }
}

const schemas = new WeakMap<readonly Plugin[], ReturnType<typeof buildSchema>>();

/**
 * How far YAML aliases may expand: yaml counts, per anchor, its uses times the aliases inside it,
 * so a billion-laughs document (each level nine aliases of the one before) passes this after four
 * levels and fails in microseconds, while a config reusing one anchor up to a thousand times loads.
 * (yaml's own default, 100, would reject a Prow config that uses one anchor in 101 jobs.)
 * https://eemeli.org/yaml/#tojs-options
 */
export const maxAliasCount = 1000;

/** One file's top-level value, or the problems that kept it from loading. */
function load(file: ConfigFile): { value: unknown } | { problems: string[] } {
  try {
    const doc = parseDocument(file.text, { prettyErrors: true });
    if (doc.errors.length) return { problems: doc.errors.map((e) => `${file.path}: ${e.message.split('\n')[0]}`) };
    return { value: doc.toJS({ maxAliasCount }) };
  } catch (error) {
    // yaml throws ReferenceError for alias bombs, and deep nesting overflows the stack.
    return { problems: [`${file.path}: cannot load: ${(error as Error)?.message ?? String(error)}`] };
  }
}

export function parseConfig(files: ConfigFile[], registry: readonly Plugin[], source: string): ParsedConfig {
  const problems: string[] = [];
  // A Map: a top-level `__proto__:` key assigned into an object would set its prototype.
  const merged = new Map<string, unknown>();
  const origin = new Map<string, string>();
  for (const file of files) {
    const loaded = load(file);
    if ('problems' in loaded) {
      problems.push(...loaded.problems);
      continue;
    }
    const { value } = loaded;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${file.path}: expected a mapping of config keys at the top level`);
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      const previous = origin.get(key);
      if (previous) problems.push(`${file.path}: key "${key}" is already set in ${previous}`);
      origin.set(key, file.path);
      merged.set(key, v);
    }
  }
  if (problems.length) throw new ConfigError(problems, source);
  const doc: Record<string, unknown> = Object.fromEntries(merged);

  let schema = schemas.get(registry);
  if (!schema) schemas.set(registry, (schema = buildSchema(registry)));
  const result = schema.safeParse(doc);
  if (!result.success) throw new ConfigError(formatIssues(result.error, doc), source);

  const data = result.data as Record<string, unknown>;
  const sections: Record<string, unknown> = Object.create(null);
  for (const plugin of registry) {
    if (plugin.config) sections[plugin.config.key] = Object.hasOwn(data, plugin.config.key) ? data[plugin.config.key] : undefined;
  }
  const unsupported = unsupportedKeys(doc, registry);
  const warnings = unsupported.length ? [`keys Skiff does not implement yet (ignored): ${unsupported.join(', ')}`] : [];
  return { config: { plugins: result.data.plugins, sections }, warnings };
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
