// Several config files → one document, merged key by key as Prow merges split configs:
// plugins.Configuration.mergeFrom (kubernetes-sigs/prow pkg/plugins/config.go) for plugin shards,
// ProwConfig.mergeFrom (pkg/config/config.go, tide.go, branch_protection.go) for config shards,
// and mergeJobConfigs for job files. An org/repo entry, or any value, set in two files is a
// conflict naming both; lists of per-repository entries are appended. Each merged value keeps
// where it came from, so a later problem can name its file, line and column.
import { formatPath } from './format-error.js';
import type { ConfigIssue } from './issues.js';
import { positionIn, type LoadedFile } from './yaml-file.js';

/**
 * How a key's values from several files combine.
 * - once: only one file may set it.
 * - entries: a mapping whose entries (org, org/repo, …) may each be set by one file only.
 * - append: a list; the files' lists are concatenated in file order.
 * - object: a mapping merged key by key with these rules (others: once).
 * - each: a mapping whose entries are each merged with one rule.
 */
type Rule = { kind: 'once' } | { kind: 'entries' } | { kind: 'append' } | { kind: 'object'; keys: Record<string, Rule> } | { kind: 'each'; rule: Rule };

const once: Rule = { kind: 'once' };
const entries: Rule = { kind: 'entries' };
const append: Rule = { kind: 'append' };
const object = (keys: Record<string, Rule>): Rule => ({ kind: 'object', keys });
const each = (rule: Rule): Rule => ({ kind: 'each', rule });

/** Top-level keys with more than `once`; Prow merges only these across files. */
const rules: Record<string, Rule> = {
  // plugins.yaml and _pluginconfig.yaml shards
  plugins: entries,
  external_plugins: entries,
  approve: append,
  lgtm: append,
  triggers: append,
  welcome: append,
  label: object({ additional_labels: append, restricted_labels: each(append) }),
  bugzilla: object({ orgs: each(object({ repos: entries })) }),
  // config.yaml and _prowconfig.yaml shards
  tide: object({ queries: append, merge_method: entries }),
  'branch-protection': object({ orgs: each(object({ repos: each(object({ branches: entries })) })) }),
  slack_reporter_configs: entries,
  // job files
  presubmits: each(append),
  postsubmits: each(append),
  periodics: append,
  presets: append,
};

/** Where a merged value came from: a file and the path of the value inside it. */
export interface Origin {
  file: LoadedFile;
  path: PropertyKey[];
}

export interface Merged {
  /** The merged document, without a prototype (top-level keys are YAML data, `__proto__` too). */
  doc: Record<string, unknown>;
  /** Where `path` of the merged document is written: its file, line and column. */
  locate(path: readonly PropertyKey[], options?: { key?: boolean }): { file?: string; line?: number; column?: number };
  /** The files that set top-level `key`, in order. */
  filesWith(key: string): LoadedFile[];
  issues: ConfigIssue[];
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `known`: whether a top-level key is one Skiff or Prow reads. Other keys are ignored (and
 * reported once per file), so the same unknown key in two files is no conflict: the first is kept.
 */
export function mergeFiles(files: LoadedFile[], known: (key: string) => boolean): Merged {
  const doc: Record<string, unknown> = Object.create(null);
  const origins = new Map<string, Origin>();
  const byKey = new Map<string, LoadedFile[]>();
  const issues: ConfigIssue[] = [];
  const keyOf = (path: readonly PropertyKey[]) => JSON.stringify(path);

  const locate: Merged['locate'] = (path, options = {}) => {
    for (let n = path.length; n >= 0; n--) {
      const origin = origins.get(keyOf(path.slice(0, n)));
      if (!origin) continue;
      return { file: origin.file.path, ...positionIn(origin.file, [...origin.path, ...path.slice(n)], options) };
    }
    return {};
  };

  const conflict = (path: PropertyKey[], file: LoadedFile, filePath: PropertyKey[], why: string) => {
    const first = locate(path, { key: true });
    const firstAt = first.file === undefined ? 'another file' : `${first.file}${first.line === undefined ? '' : `:${first.line}:${first.column}`}`;
    issues.push({ severity: 'error', file: file.path, ...positionIn(file, filePath, { key: true }), path: formatPath(path), message: `also set in ${firstAt} (${why})` });
  };

  /** Merges `value` (at `filePath` in `file`) into `target[key]`, at `path` of the merged document. */
  const mergeInto = (target: Record<string, unknown>, key: string, value: unknown, rule: Rule, path: PropertyKey[], file: LoadedFile, filePath: PropertyKey[]) => {
    const present = Object.hasOwn(target, key);
    const current = present ? target[key] : undefined;
    // A key written with no value (`postsubmits:`) contributes nothing, as in Prow, where it is
    // the zero value; it only counts as set when no file sets it otherwise.
    if (value === null || value === undefined) {
      if (!present) {
        target[key] = value;
        origins.set(keyOf(path), { file, path: filePath });
      }
      return;
    }
    if (!present || current === null || current === undefined) {
      target[key] = rule.kind === 'once' ? value : copy(value, rule);
      origins.set(keyOf(path), { file, path: filePath });
      if (rule.kind !== 'once') recordChildren(value, rule, path, file, filePath, 0);
      return;
    }
    switch (rule.kind) {
      case 'append':
        if (Array.isArray(current) && Array.isArray(value)) {
          recordChildren(value, rule, path, file, filePath, current.length);
          current.push(...value);
          return;
        }
        break;
      case 'entries':
        if (isMapping(current) && isMapping(value)) {
          for (const [entry, v] of Object.entries(value)) {
            if (Object.hasOwn(current, entry)) conflict([...path, entry], file, [...filePath, entry], 'each entry may be set in one file only');
            else {
              current[entry] = v;
              origins.set(keyOf([...path, entry]), { file, path: [...filePath, entry] });
            }
          }
          return;
        }
        break;
      case 'object':
      case 'each':
        if (isMapping(current) && isMapping(value)) {
          for (const [sub, v] of Object.entries(value)) {
            const subRule = rule.kind === 'each' ? rule.rule : (Object.hasOwn(rule.keys, sub) ? rule.keys[sub]! : once);
            mergeInto(current, sub, v, subRule, [...path, sub], file, [...filePath, sub]);
          }
          return;
        }
        break;
      case 'once':
        break;
    }
    conflict(path, file, filePath, rule.kind === 'once' ? 'Prow does not merge it across files' : 'the two values cannot be merged');
  };

  /** Origins of the children of a value taken whole from one file, so appended items keep theirs. */
  const recordChildren = (value: unknown, rule: Rule, path: PropertyKey[], file: LoadedFile, filePath: PropertyKey[], offset: number) => {
    if (rule.kind === 'append' && Array.isArray(value)) {
      value.forEach((_, i) => origins.set(keyOf([...path, offset + i]), { file, path: [...filePath, i] }));
    } else if ((rule.kind === 'object' || rule.kind === 'each') && isMapping(value)) {
      for (const [sub, v] of Object.entries(value)) {
        const subRule = rule.kind === 'each' ? rule.rule : (Object.hasOwn(rule.keys, sub) ? rule.keys[sub]! : once);
        origins.set(keyOf([...path, sub]), { file, path: [...filePath, sub] });
        recordChildren(v, subRule, [...path, sub], file, [...filePath, sub], 0);
      }
    }
  };

  for (const file of files) {
    const { value } = file;
    if (value === null || value === undefined) continue;
    if (!isMapping(value)) {
      issues.push({ severity: 'error', file: file.path, ...positionIn(file, []), message: 'expected a mapping of config keys at the top level' });
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      const seen = byKey.get(key);
      if (seen) seen.push(file);
      else byKey.set(key, [file]);
      if (!known(key) && Object.hasOwn(doc, key)) continue;
      mergeInto(doc, key, v, Object.hasOwn(rules, key) ? rules[key]! : once, [key], file, [key]);
    }
  }
  return { doc, locate, filesWith: (key) => byKey.get(key) ?? [], issues };
}

/**
 * A copy of the containers a later file may add to (the files' own values are cached and reused,
 * so they are never changed); values below what the rule merges are shared, not copied.
 */
function copy(value: unknown, rule: Rule): unknown {
  switch (rule.kind) {
    case 'append':
      return Array.isArray(value) ? [...value] : value;
    case 'entries':
      return isMapping(value) ? withoutPrototype(Object.entries(value)) : value;
    case 'object':
    case 'each': {
      if (!isMapping(value)) return value;
      return withoutPrototype(
        Object.entries(value).map(([sub, v]) => [sub, copy(v, rule.kind === 'each' ? rule.rule : (Object.hasOwn(rule.keys, sub) ? rule.keys[sub]! : once))]),
      );
    }
    case 'once':
      return value;
  }
}

/** Object.fromEntries defines `__proto__` as an own key, where assignment would set the prototype. */
const withoutPrototype = (pairs: [string, unknown][]): Record<string, unknown> => Object.setPrototypeOf(Object.fromEntries(pairs), null);
