// A RepoOwners built from plain maps, for tests of code that reads OWNERS (Prow's FakeRepo and
// createFakeRepo in pkg/plugins/approve/approvers/owners_test.go). Keys are OWNERS directories
// ("" for the root; a file path stands for an OWNERS filter on that file); logins are lower-cased.
// The closest key at or above a path owns it; approvers() adds every key above it, nearest first,
// without stopping at no_parent_owners, as Prow's fake does.
import type { LayeredSet, OwnersFilenames, RepoOwners } from '../../shared/owners/types.js';
import { goDir } from '../../shared/owners/go-path.js';

export interface FakeRepoOwnersOptions {
  /** Directory -> reviewers of its OWNERS file. */
  reviewers?: Record<string, readonly string[]>;
  noParentOwners?: Record<string, boolean>;
  autoApproveUnownedSubfolders?: Record<string, boolean>;
  filenames?: OwnersFilenames;
}

const canonicalize = (path: string) => (path === '.' ? '' : path.replace(/\/$/, ''));
const parent = (path: string) => canonicalize(goDir(path));
const lower = (logins: Iterable<string>) => new Set([...logins].map((l) => l.toLowerCase()));

function layered(layers: ReadonlySet<string>[]): LayeredSet {
  return { layers, all: () => new Set(layers.flatMap((l) => [...l])) };
}

class FakeRepoOwners implements RepoOwners {
  private readonly leafApproversMap: Map<string, Set<string>>;
  private readonly leafReviewersMap: Map<string, Set<string>>;

  constructor(
    leafApprovers: Record<string, readonly string[]>,
    private readonly options: FakeRepoOwnersOptions,
  ) {
    this.leafApproversMap = new Map(Object.entries(leafApprovers).map(([dir, logins]) => [dir, lower(logins)]));
    this.leafReviewersMap = new Map(Object.entries(options.reviewers ?? {}).map(([dir, logins]) => [dir, lower(logins)]));
  }

  /** The closest key at or above `path` ("" when none): Prow's FakeRepo.FindApproverOwnersForFile. */
  private closest(map: Map<string, Set<string>>, path: string): string {
    for (let dir = path; dir !== '.' && dir !== ''; dir = goDir(dir)) {
      if (map.has(dir)) return dir;
    }
    return '';
  }

  /** Keys from `dir` up to the root, nearest first. */
  private keysUp(map: Map<string, Set<string>>, dir: string): string[] {
    const keys: string[] = [];
    for (let d = dir; ; d = parent(d)) {
      if (map.has(d)) keys.push(d);
      if (d === '') return keys;
    }
  }

  /**
   * Like Prow's fake: the entry at `path` if it has anyone, else its parent's, up to the root; an
   * entry is its own logins and those of every key above it.
   */
  private layeredFor(map: Map<string, Set<string>>, path: string): LayeredSet {
    for (let p = path; ; p = parent(p)) {
      if (map.has(p)) {
        const layers = this.keysUp(map, p).map((k) => map.get(k)!);
        if (layers.some((l) => l.size > 0) || p === '') return layered(layers);
      } else if (p === '') {
        return layered([]);
      }
    }
  }

  private leafFor(map: Map<string, Set<string>>, path: string): Set<string> {
    for (let p = path; ; p = parent(p)) {
      const set = map.get(p);
      if ((set && set.size > 0) || p === '') return new Set(set ?? []);
    }
  }

  findApproverOwnersForFile(path: string): string {
    return this.closest(this.leafApproversMap, path);
  }

  findReviewersOwnersForFile(path: string): string {
    return this.closest(this.leafReviewersMap, path);
  }

  findLabelsForFile(): Set<string> {
    return new Set();
  }

  isNoParentOwners(path: string): boolean {
    return this.options.noParentOwners?.[path] ?? false;
  }

  isAutoApproveUnownedSubfolders(directory: string): boolean {
    return this.options.autoApproveUnownedSubfolders?.[directory] ?? false;
  }

  leafApprovers(path: string): Set<string> {
    return this.leafFor(this.leafApproversMap, path);
  }

  approvers(path: string): LayeredSet {
    return this.layeredFor(this.leafApproversMap, path);
  }

  leafReviewers(path: string): Set<string> {
    return this.leafFor(this.leafReviewersMap, path);
  }

  reviewers(path: string): LayeredSet {
    return this.layeredFor(this.leafReviewersMap, path);
  }

  requiredReviewers(): Set<string> {
    return new Set();
  }

  topLevelApprovers(): Set<string> {
    return new Set(this.leafApproversMap.get('') ?? []);
  }

  filenames(): OwnersFilenames {
    return this.options.filenames ?? { owners: 'OWNERS', ownersAliases: 'OWNERS_ALIASES' };
  }

  allOwners(): Set<string> {
    return new Set([...this.allApprovers(), ...this.allReviewers()]);
  }

  allApprovers(): Set<string> {
    return new Set([...this.leafApproversMap.values()].flatMap((s) => [...s]));
  }

  allReviewers(): Set<string> {
    return new Set([...this.leafReviewersMap.values()].flatMap((s) => [...s]));
  }

  ownersFiles(): string[] {
    const dirs = new Set([...this.leafApproversMap.keys(), ...this.leafReviewersMap.keys()]);
    const owners = this.filenames().owners;
    return [...dirs].map((d) => (d === '' ? owners : `${d}/${owners}`)).sort();
  }

  warnings(): string[] {
    return [];
  }
}

/** A RepoOwners whose OWNERS files are `leafApprovers` (directory -> approvers), like createFakeRepo. */
export function fakeRepoOwners(leafApprovers: Record<string, readonly string[]>, options: FakeRepoOwnersOptions = {}): RepoOwners {
  return new FakeRepoOwners(leafApprovers, options);
}
