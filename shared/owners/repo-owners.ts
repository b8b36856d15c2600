// RepoOwners built from parsed OWNERS files: Prow's pkg/repoowners RepoOwners, method for method
// (findOwnersForFile, entriesForFile, applyConfigToPath, ExpandAliases, filterCollaborators), with
// Go's path/filepath Dir/Rel/Clean semantics where Prow leans on them. Logins are lower-cased and
// stripped of a leading `@` (github.NormLogin), aliases expanded (one level, as Prow), labels kept
// as written. The owners_dir_denylist leaves out every OWNERS file in a matching directory or
// below it, as Prow's walk skips those directories.
import type { OwnersAliases, OwnersEntry, OwnersOptions, ParsedOwners } from './parse.js';
import { goDir, goRel } from './go-path.js';
import { compileRe2 } from './re2.js';
import type { LayeredSet, OwnersFilenames, RepoOwners } from './types.js';

/** One OWNERS (or markdown) file's contribution for a path: everyone, or only files its regex matches. */
interface Entry {
  /** As written in the OWNERS file; `null` for every file. */
  pattern: string | null;
  regex: RegExp | null;
  people: ReadonlySet<string>;
}

type PathMap = Map<string, Entry[]>;

export interface OwnersSnapshot {
  approvers: Record<string, Record<string, string[]>>;
  reviewers: Record<string, Record<string, string[]>>;
  requiredReviewers: Record<string, Record<string, string[]>>;
  labels: Record<string, Record<string, string[]>>;
  options: Record<string, OwnersOptions>;
}

export interface RepoOwnersInput {
  filenames: OwnersFilenames;
  /** `undefined` when the repository has no aliases file (Prow's nil RepoAliases: nothing expands). */
  aliases: OwnersAliases | undefined;
  /** OWNERS files by repository path (`OWNERS`, `src/OWNERS`). */
  files: readonly { path: string; parsed: ParsedOwners }[];
  /** Markdown files' headers (`mdyamlrepos`), each applying to its own file. */
  markdown?: readonly { path: string; parsed: ParsedOwners }[];
  mdYaml?: boolean;
  dirDenylist?: readonly RegExp[];
  warnings?: readonly string[];
}


/** github.NormLogin. */
export const normLogin = (login: string): string => {
  const lower = login.toLowerCase();
  return lower.startsWith('@') ? lower.slice(1) : lower;
};

/** Prow's canonicalize: `.` is the root, `""`; no trailing slash. */
export const canonicalize = (path: string): string => (path === '.' ? '' : path.endsWith('/') ? path.slice(0, -1) : path);

/**
 * Whether OWNERS in `dir` (repository-relative, `""` for the root) go unread: Prow's walk skips a
 * directory whose relative path (`.` for the root) a denylist pattern matches, and all below it.
 */
export function isDeniedDir(dir: string, denylist: readonly RegExp[]): boolean {
  if (!denylist.length) return false;
  const parts = dir === '' ? [] : dir.split('/');
  const candidates = ['.', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
  return candidates.some((d) => denylist.some((re) => re.test(d)));
}

class LayeredStringSet implements LayeredSet {
  readonly layers: Set<string>[] = [];

  /** layeredsets.String.Insert: an item already in any layer stays where it is. */
  insert(layer: number, items: Iterable<string>): void {
    while (this.layers.length < layer + 1) this.layers.push(new Set());
    for (const item of items) if (!this.has(item)) this.layers[layer]!.add(item);
  }

  has(item: string): boolean {
    return this.layers.some((l) => l.has(item));
  }

  get size(): number {
    return this.layers.reduce((n, l) => n + l.size, 0);
  }

  all(): Set<string> {
    return new Set(this.layers.flatMap((l) => [...l].sort()));
  }
}

const defaultOptions: OwnersOptions = { noParentOwners: false, autoApproveUnownedSubfolders: false };

export class ParsedRepoOwners implements RepoOwners {
  readonly #approvers: PathMap = new Map();
  readonly #reviewers: PathMap = new Map();
  readonly #requiredReviewers: PathMap = new Map();
  readonly #labels: PathMap = new Map();
  readonly #options = new Map<string, OwnersOptions>();
  readonly #aliases: Map<string, Set<string>> | undefined;
  readonly #filenames: OwnersFilenames;
  readonly #mdYaml: boolean;
  readonly #files: string[] = [];
  readonly #warnings: string[];

  constructor(input: RepoOwnersInput) {
    this.#filenames = { ...input.filenames };
    this.#mdYaml = input.mdYaml ?? false;
    this.#warnings = [...(input.warnings ?? [])];
    if (input.aliases) {
      this.#aliases = new Map();
      for (const [name, members] of input.aliases) this.#aliases.set(normLogin(name), new Set(members.map(normLogin)));
    }
    const denylist = input.dirDenylist ?? [];
    for (const { path, parsed } of input.files) {
      const dir = canonicalize(goDir(path));
      if (isDeniedDir(dir, denylist)) continue;
      this.#files.push(path);
      for (const filter of parsed.filters) {
        let regex: RegExp | null = null;
        if (filter.pattern !== null) {
          const compiled = compileRe2(filter.pattern);
          // parseOwnersFile refused such a file already; Prow skips the one filter.
          if (!compiled.ok) continue;
          regex = compiled.regex;
        }
        this.#apply(dir, filter.pattern, regex, filter.entry);
      }
      this.#applyOptions(dir, parsed.options);
    }
    if (this.#mdYaml) {
      for (const { path, parsed } of input.markdown ?? []) {
        if (isDeniedDir(canonicalize(goDir(path)), denylist)) continue;
        for (const filter of parsed.filters) this.#apply(path, null, null, filter.entry);
        this.#applyOptions(path, parsed.options);
      }
    }
    this.#files.sort();
  }

  /** ExpandAliases over NormLogins. */
  #expand(logins: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const login of logins.map(normLogin)) {
      const members = this.#aliases?.get(login);
      if (members) for (const m of members) out.add(m);
      else out.add(login);
    }
    return out;
  }

  /** applyConfigToPath: each non-empty list replaces what `path` had for the same regex. */
  #apply(path: string, pattern: string | null, regex: RegExp | null, entry: OwnersEntry): void {
    const set = (map: PathMap, people: ReadonlySet<string>) => {
      const entries = map.get(path) ?? [];
      const at = entries.findIndex((e) => e.pattern === pattern);
      if (at >= 0) entries[at] = { pattern, regex, people };
      else entries.push({ pattern, regex, people });
      map.set(path, entries);
    };
    if (entry.approvers.length) set(this.#approvers, this.#expand(entry.approvers));
    if (entry.reviewers.length) set(this.#reviewers, this.#expand(entry.reviewers));
    if (entry.requiredReviewers.length) set(this.#requiredReviewers, this.#expand(entry.requiredReviewers));
    if (entry.labels.length) set(this.#labels, new Set(entry.labels));
  }

  #applyOptions(path: string, options: OwnersOptions): void {
    if (options.noParentOwners !== defaultOptions.noParentOwners || options.autoApproveUnownedSubfolders !== defaultOptions.autoApproveUnownedSubfolders) {
      this.#options.set(path, { ...options });
    }
  }

  /** findOwnersForFile: the deepest directory (never the root, which is the fallback) with someone for `path`. */
  #findOwners(path: string, map: PathMap): string {
    for (let d = path; d !== ''; d = canonicalize(goDir(d))) {
      const relative = goRel(d, path);
      if (relative === undefined) return '';
      for (const { regex, people } of map.get(d) ?? []) {
        if (regex && !regex.test(relative)) continue;
        if (people.size) return d;
      }
    }
    return '';
  }

  /**
   * entriesForFile: from `path` itself up to the root, each step one layer (so a file's own
   * directory is layer 1, and layer 0 holds only a markdown file's own header); stops at the
   * first layer with anyone when `leafOnly`, and at a `no_parent_owners` directory once anyone
   * was found.
   */
  #entries(path: string, map: PathMap, leafOnly: boolean): LayeredStringSet {
    let d = path;
    if (!this.#mdYaml || !path.endsWith('.md')) d = canonicalize(d);
    const out = new LayeredStringSet();
    for (let layer = 0; ; layer++) {
      const relative = goRel(d, path);
      if (relative === undefined) return new LayeredStringSet();
      for (const { regex, people } of map.get(d) ?? []) {
        if (regex === null || regex.test(relative)) out.insert(layer, [...people].sort());
      }
      if (leafOnly && out.size > 0) break;
      if (d === '') break;
      if (this.#options.get(d)?.noParentOwners && out.size > 0) break;
      d = canonicalize(goDir(d));
    }
    return out;
  }

  findApproverOwnersForFile(path: string): string {
    return this.#findOwners(path, this.#approvers);
  }

  findReviewersOwnersForFile(path: string): string {
    return this.#findOwners(path, this.#reviewers);
  }

  findLabelsForFile(path: string): Set<string> {
    return this.#entries(path, this.#labels, false).all();
  }

  isNoParentOwners(path: string): boolean {
    return this.#options.get(path)?.noParentOwners ?? false;
  }

  isAutoApproveUnownedSubfolders(directory: string): boolean {
    return this.#options.get(directory)?.autoApproveUnownedSubfolders ?? false;
  }

  leafApprovers(path: string): Set<string> {
    return this.#entries(path, this.#approvers, true).all();
  }

  approvers(path: string): LayeredSet {
    return this.#entries(path, this.#approvers, false);
  }

  leafReviewers(path: string): Set<string> {
    return this.#entries(path, this.#reviewers, true).all();
  }

  reviewers(path: string): LayeredSet {
    return this.#entries(path, this.#reviewers, false);
  }

  requiredReviewers(path: string): Set<string> {
    return this.#entries(path, this.#requiredReviewers, false).all();
  }

  topLevelApprovers(): Set<string> {
    return this.#entries('.', this.#approvers, true).all();
  }

  filenames(): OwnersFilenames {
    return { ...this.#filenames };
  }

  allOwners(): Set<string> {
    return new Set([...this.allApprovers(), ...this.allReviewers()]);
  }

  allApprovers(): Set<string> {
    return union(this.#approvers);
  }

  allReviewers(): Set<string> {
    return union(this.#reviewers);
  }

  ownersFiles(): string[] {
    return [...this.#files];
  }

  warnings(): string[] {
    return [...this.#warnings];
  }

  /**
   * Everything as Prow's RepoOwners holds it: per path, per filter pattern (`""` for every file,
   * as Prow's tests write nil), the sorted people or labels; and the non-default options. For
   * tests and for explaining a decision, not for deciding.
   */
  snapshot(): OwnersSnapshot {
    const view = (map: PathMap) =>
      Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, entries]) => [path, Object.fromEntries(entries.map((e) => [e.pattern ?? '', [...e.people].sort()]))]));
    return {
      approvers: view(this.#approvers),
      reviewers: view(this.#reviewers),
      requiredReviewers: view(this.#requiredReviewers),
      labels: view(this.#labels),
      options: Object.fromEntries([...this.#options].map(([path, o]) => [path, { ...o }])),
    };
  }

  /**
   * Prow's filterCollaborators: approvers and reviewers who are not among `collaborators` are
   * dropped (required reviewers and labels are kept). Not needed where `skip_collaborators`
   * lists the repository.
   */
  withCollaborators(collaborators: Iterable<string>): ParsedRepoOwners {
    const keep = new Set([...collaborators].map(normLogin));
    const filter = (map: PathMap): PathMap =>
      new Map([...map].map(([path, entries]) => [path, entries.map((e) => ({ ...e, people: new Set([...e.people].filter((p) => keep.has(p))) }))]));
    return ParsedRepoOwners.#copy(this, filter(this.#approvers), filter(this.#reviewers));
  }

  static #copy(source: ParsedRepoOwners, approvers: PathMap, reviewers: PathMap): ParsedRepoOwners {
    // Private fields exist only on instances the constructor made, so fill an empty one.
    const target = new ParsedRepoOwners({ filenames: source.#filenames, aliases: undefined, files: [], mdYaml: source.#mdYaml, warnings: source.#warnings });
    for (const [k, v] of approvers) target.#approvers.set(k, v);
    for (const [k, v] of reviewers) target.#reviewers.set(k, v);
    for (const [k, v] of source.#requiredReviewers) target.#requiredReviewers.set(k, v);
    for (const [k, v] of source.#labels) target.#labels.set(k, v);
    for (const [k, v] of source.#options) target.#options.set(k, v);
    target.#files.push(...source.#files);
    return target;
  }
}

function union(map: PathMap): Set<string> {
  const out = new Set<string>();
  for (const entries of map.values()) for (const { people } of entries) for (const p of people) out.add(p);
  return out;
}

export function buildRepoOwners(input: RepoOwnersInput): ParsedRepoOwners {
  return new ParsedRepoOwners(input);
}
