// YAML files → a validated SkiffConfig. Top-level keys of all files are merged (Prow's
// config.yaml and plugins.yaml keys do not collide); a key in two files is an error rather
// than a silent override.
import { parseDocument } from 'yaml';
import type { Plugin } from '../plugins/types.js';
import { formatIssues } from './format-error.js';
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

export function parseConfig(files: ConfigFile[], registry: readonly Plugin[], source: string): ParsedConfig {
  const problems: string[] = [];
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const file of files) {
    const doc = parseDocument(file.text, { prettyErrors: true });
    if (doc.errors.length) {
      problems.push(...doc.errors.map((e) => `${file.path}: ${e.message.split('\n')[0]}`));
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${file.path}: expected a mapping of config keys at the top level`);
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      const previous = origin.get(key);
      if (previous) problems.push(`${file.path}: key "${key}" is already set in ${previous}`);
      origin.set(key, file.path);
      merged[key] = v;
    }
  }
  if (problems.length) throw new ConfigError(problems, source);

  let schema = schemas.get(registry);
  if (!schema) schemas.set(registry, (schema = buildSchema(registry)));
  const result = schema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(result.error, merged), source);

  const sections: Record<string, unknown> = {};
  for (const plugin of registry) {
    if (plugin.config) sections[plugin.config.key] = (result.data as Record<string, unknown>)[plugin.config.key];
  }
  const unsupported = unsupportedKeys(merged, registry);
  const warnings = unsupported.length ? [`keys Skiff does not implement yet (ignored): ${unsupported.join(', ')}`] : [];
  return { config: { plugins: result.data.plugins, sections }, warnings };
}

/**
 * Plugins enabled for a repository, with Prow's semantics: the org's list (unless the repo is
 * in the org's `excluded_repos`) followed by the repo's own list, without duplicates.
 */
export function pluginsFor(config: SkiffConfig, owner: string, repo: string): string[] {
  const names: string[] = [];
  const org = config.plugins[owner];
  if (org && !org.excluded_repos.includes(repo)) names.push(...org.plugins);
  names.push(...(config.plugins[`${owner}/${repo}`]?.plugins ?? []));
  return [...new Set(names)];
}
