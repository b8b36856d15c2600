// One OWNERS file, one OWNERS_ALIASES file, or one markdown file's YAML header, parsed as Prow
// parses them (pkg/repoowners/repoowners.go: LoadSimpleConfig, LoadFullConfig, the walk's "simple,
// else full" rule, ParseAliasesConfig, decodeOwnersMdConfig). Prow decodes through
// sigs.k8s.io/yaml into Go structs, so unknown keys (`emeritus_approvers`, comments' friends) are
// ignored, a scalar where a string is expected becomes that string, and anything else of the wrong
// type is an error. Each function returns a value or an error naming the file, line and problem;
// none throws. Logins and aliases are kept as written here; RepoOwners normalises them.
import type { LoadedFile } from '../config/yaml-file.js';
import { loadYamlFile, positionIn } from '../config/yaml-file.js';
import { compileRe2 } from './re2.js';

export interface OwnersOptions {
  noParentOwners: boolean;
  autoApproveUnownedSubfolders: boolean;
}

/** Prow's repoowners.Config: who and what one OWNERS file (or one of its filters) names. */
export interface OwnersEntry {
  approvers: string[];
  reviewers: string[];
  requiredReviewers: string[];
  labels: string[];
}

export interface OwnersFilter {
  /**
   * The filter's Go regular expression as written, matched against paths relative to the OWNERS
   * file's directory; `null` for a simple config and for `.*`, which apply to every file (Prow
   * stores both as a nil regexp).
   */
  pattern: string | null;
  entry: OwnersEntry;
}

export interface ParsedOwners {
  /** `simple`: top-level approvers/reviewers/…; `full`: a `filters:` mapping. */
  kind: 'simple' | 'full';
  options: OwnersOptions;
  /** A simple config is one filter with a `null` pattern; a full config's filters in file order. */
  filters: OwnersFilter[];
  /** Listed for people's benefit; Prow gives them no rights, and neither does Skiff. */
  emeritusApprovers: string[];
}

/** Alias name → members, as written (RepoOwners lower-cases both). */
export type OwnersAliases = Map<string, string[]>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; line?: number };

class DecodeError extends Error {
  constructor(
    message: string,
    readonly at: readonly PropertyKey[],
    /** Point at the key of the last step (a filter's pattern) rather than its value. */
    readonly key = false,
  ) {
    super(message);
  }
}

const kindOf = (value: unknown): string =>
  value === null || value === undefined ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Go `string` field: sigs.k8s.io/yaml turns any scalar into its text; null leaves "". */
function stringField(value: unknown, at: PropertyKey[]): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '';
  throw new DecodeError(`expected a string, got ${kindOf(value)}`, at);
}

/** A Go `[]string` field. */
function stringList(value: unknown, at: PropertyKey[]): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new DecodeError(`expected a list of strings, got ${kindOf(value)}`, at);
  return value.map((item, i) => stringField(item, [...at, i]));
}

// go-yaml v2 reads YAML 1.1, where these words are booleans too.
const yaml11True = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const yaml11False = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

function boolField(value: unknown, at: PropertyKey[]): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && yaml11True.has(value)) return true;
  if (typeof value === 'string' && yaml11False.has(value)) return false;
  throw new DecodeError(`expected true or false, got ${kindOf(value)}`, at);
}

function structField(value: unknown, at: PropertyKey[]): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) throw new DecodeError(`expected a mapping, got ${kindOf(value)}`, at);
  return value;
}

function decodeOptions(value: unknown): OwnersOptions {
  const options = structField(value, ['options']);
  return {
    noParentOwners: boolField(options.no_parent_owners, ['options', 'no_parent_owners']),
    autoApproveUnownedSubfolders: boolField(options.auto_approve_unowned_subfolders, ['options', 'auto_approve_unowned_subfolders']),
  };
}

function decodeEntry(value: Record<string, unknown>, at: PropertyKey[]): OwnersEntry {
  return {
    approvers: stringList(value.approvers, [...at, 'approvers']),
    reviewers: stringList(value.reviewers, [...at, 'reviewers']),
    requiredReviewers: stringList(value.required_reviewers, [...at, 'required_reviewers']),
    labels: stringList(value.labels, [...at, 'labels']),
  };
}

const isEmpty = (e: OwnersEntry) => !e.approvers.length && !e.reviewers.length && !e.requiredReviewers.length && !e.labels.length;

/** emeritus_approvers is not in Prow's structs: never an error, kept only when it is a list of strings. */
function emeritus(value: unknown): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : [];
}

function decodeSimple(root: unknown): ParsedOwners {
  const top = structField(root, []);
  const options = decodeOptions(top.options);
  const entry = decodeEntry(top, []);
  return { kind: 'simple', options, filters: [{ pattern: null, entry }], emeritusApprovers: emeritus(top.emeritus_approvers) };
}

function decodeFull(root: unknown): ParsedOwners {
  const top = structField(root, []);
  const options = decodeOptions(top.options);
  const filters: OwnersFilter[] = [];
  for (const [pattern, value] of Object.entries(structField(top.filters, ['filters']))) {
    const entry = decodeEntry(structField(value, ['filters', pattern]), ['filters', pattern]);
    if (pattern !== '.*') {
      const compiled = compileRe2(pattern);
      if (!compiled.ok) throw new DecodeError(`filter ${compiled.error}`, ['filters', pattern], true);
    }
    filters.push({ pattern: pattern === '.*' ? null : pattern, entry });
  }
  return { kind: 'full', options, filters, emeritusApprovers: emeritus(top.emeritus_approvers) };
}

function load(path: string, text: string): { ok: true; file: LoadedFile } | { ok: false; error: string; line?: number } {
  const loaded = loadYamlFile({ path, text });
  if (Array.isArray(loaded)) {
    const issue = loaded[0]!;
    return { ok: false, error: `${where(path, issue.line, issue.column)}cannot parse: ${issue.message}`, ...(issue.line ? { line: issue.line } : {}) };
  }
  return { ok: true, file: loaded };
}

const where = (path: string, line?: number, column?: number) => (line === undefined ? `${path}: ` : `${path}:${line}:${column ?? 1}: `);

function failure(path: string, file: LoadedFile, error: DecodeError): { ok: false; error: string; line?: number } {
  const { line, column } = positionIn(file, error.at, { key: error.key });
  const field = error.at.length ? `${error.at.map(String).join('.')}: ` : '';
  return { ok: false, error: `${where(path, line, column)}${field}${error.message}`, ...(line ? { line } : {}) };
}

/**
 * An OWNERS file. As Prow's walk: a simple config unless it does not decode as one or names
 * nobody and no label, then a full config (`filters:`); when neither decodes, the full config's
 * error is the file's. Unlike Prow, a file that is no simple config for a type error and has no
 * filters is an error too (Prow quietly reads it as naming nobody), and so is a filter whose
 * regular expression does not compile (Prow skips that filter with a debug line).
 */
export function parseOwnersFile(path: string, text: string): ParseResult<ParsedOwners> {
  const loaded = load(path, text);
  if (!loaded.ok) return loaded;
  const root = loaded.file.value;
  let simpleError: DecodeError | undefined;
  try {
    const simple = decodeSimple(root);
    if (!isEmpty(simple.filters[0]!.entry)) return { ok: true, value: simple };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    simpleError = error;
  }
  let full: ParsedOwners;
  try {
    full = decodeFull(root);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return failure(path, loaded.file, error);
  }
  // `approvers: alice` fails as a simple config and then decodes as a full config with no
  // filters, which Prow applies without a word: the file names nobody. Say why instead.
  if (simpleError && !full.filters.length) return failure(path, loaded.file, simpleError);
  return { ok: true, value: full };
}

/** An OWNERS_ALIASES file: `aliases:` mapping each name to a list of logins (Prow's ParseAliasesConfig). */
export function parseOwnersAliases(path: string, text: string): ParseResult<OwnersAliases> {
  const loaded = load(path, text);
  if (!loaded.ok) return loaded;
  try {
    const top = structField(loaded.file.value, []);
    const aliases: OwnersAliases = new Map();
    for (const [name, members] of Object.entries(structField(top.aliases, ['aliases']))) {
      const at = ['aliases', name];
      if (Array.isArray(members)) {
        aliases.set(
          name,
          members.map((m, i) => {
            if (typeof m !== 'string') throw new DecodeError(`unexpected type for alias group member: ${kindOf(m)}`, [...at, i]);
            return m;
          }),
        );
      } else if (typeof members === 'string') {
        throw new DecodeError(`alias group '${name}' must contain a list of members`, at);
      } else if (isMapping(members)) {
        // Flow style `team: {alice, bob}` is a mapping of the names to nothing.
        aliases.set(name, Object.keys(members));
      } else if (members === null || members === undefined) {
        aliases.set(name, []);
      } else {
        throw new DecodeError(`unexpected type for alias group: ${kindOf(members)}`, at);
      }
    }
    return { ok: true, value: aliases };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return failure(path, loaded.file, error);
  }
}

/**
 * A markdown file's OWNERS header (`mdyamlrepos`), which applies to that file only. Prow takes
 * from the `---` on the first line to the last line starting with `---` and decodes its first
 * YAML document as a simple config; a file without such a header has none (`undefined`).
 */
export function parseMarkdownOwners(path: string, text: string): ParseResult<ParsedOwners | undefined> {
  if (!text.startsWith('---\n')) return { ok: true, value: undefined };
  const end = text.lastIndexOf('\n---');
  if (end < 4) return { ok: true, value: undefined };
  const header = text.slice(4, end + 1);
  // go-yaml decodes the first document of the header only.
  const next = /^---(?:[ \t]|$)/m.exec(header);
  const first = next ? header.slice(0, next.index) : header;
  // Offset by the opening line, so errors point at the markdown file's own lines.
  const loaded = load(path, `\n${first}`);
  if (!loaded.ok) return loaded;
  try {
    return { ok: true, value: decodeSimple(loaded.file.value) };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return failure(path, loaded.file, error);
  }
}
