// Which OWNERS files a change needs approval from, and whom to suggest: Prow's approvers.Owners
// (kubernetes-sigs/prow pkg/plugins/approve/approvers/owners.go), ported as is. Directories are
// named as RepoOwners names them ("" for the root); logins from OWNERS are lower-case, logins of
// people who approved keep their case and are compared case-insensitively.
import type { RepoOwners } from '../../owners/types.js';
import { goDir } from '../../owners/go-path.js';
import { seededPermutation } from '../seeded-random.js';

/** What the approvers algorithm reads from the OWNERS of a repository (Prow's approvers.Repo). */
export type ApproversRepo = Pick<
  RepoOwners,
  | 'approvers'
  | 'leafApprovers'
  | 'findApproverOwnersForFile'
  | 'isNoParentOwners'
  | 'isAutoApproveUnownedSubfolders'
  | 'filenames'
>;

/** Where Prow logs at debug level (a repository without OWNERS files, nobody to suggest). */
export type DebugLog = (message: string) => void;

/** OWNERS directory -> logins, or login -> OWNERS directories (the reverse map). */
export type SetMap = Map<string, Set<string>>;

const sorted = (items: Iterable<string>): string[] => [...items].sort();
const intersectionSize = (one: ReadonlySet<string> | undefined, other: ReadonlySet<string>): number => {
  let n = 0;
  for (const item of one ?? []) if (other.has(item)) n++;
  return n;
};

/**
 * The items of `one` (in their own case) that are in `other` regardless of case: `one` holds the
 * logins as people typed them on GitHub, `other` those from OWNERS files.
 */
export function caseInsensitiveIntersection(one: Iterable<string>, other: Iterable<string>): Set<string> {
  const lower = new Set([...other].map((item) => item.toLowerCase()));
  return new Set([...one].filter((item) => lower.has(item.toLowerCase())));
}

/**
 * The approver, among `allApprovers` not yet in `covered`, who can approve the most of the
 * `unapproved` OWNERS directories ("" when nobody can approve any). Kept as Prow has it: the
 * running maximum is the count of every directory the chosen one can approve, not only the
 * unapproved ones, so the choice is the first good one rather than always the best.
 */
export function findMostCoveringApprover(
  allApprovers: readonly string[],
  covered: ReadonlySet<string> | undefined,
  reverseMap: SetMap,
  unapproved: ReadonlySet<string>,
): string {
  let maxCovered = 0;
  let bestPerson = '';
  for (const approver of allApprovers) {
    const filesCanApprove = reverseMap.get(approver);
    if (intersectionSize(filesCanApprove, unapproved) > maxCovered && !covered?.has(approver)) {
      maxCovered = filesCanApprove?.size ?? 0;
      bestPerson = approver;
    }
  }
  return bestPerson;
}

/** The OWNERS side of one change: its files, the repository's OWNERS, and a seed for suggestions. */
export class Owners {
  /**
   * Prow keeps a second, "filtered" list of files without those auto-approved by
   * `auto_approve_unowned_subfolders`, but assigns it on a copy (a value receiver), so it always
   * equals the full list; those files are left out through getOwnersSet() instead, as here.
   */
  readonly filenames: readonly string[];

  constructor(
    filenames: readonly string[],
    readonly repo: ApproversRepo,
    readonly seed: number,
    private readonly log: DebugLog = () => {},
  ) {
    this.filenames = [...filenames];
  }

  /** OWNERS directory -> every approver (up the tree) of the changed files it covers. */
  getApprovers(): SetMap {
    return this.byOwnersFile((file) => this.repo.approvers(file).all());
  }

  /** OWNERS directory -> the approvers of the closest OWNERS file only, for the files it covers. */
  getLeafApprovers(): SetMap {
    return this.byOwnersFile((file) => this.repo.leafApprovers(file));
  }

  private byOwnersFile(approversOf: (file: string) => Iterable<string>): SetMap {
    const ownersToApprovers: SetMap = new Map();
    for (const file of this.filenames) {
      const ownersFile = this.repo.findApproverOwnersForFile(file);
      const set = ownersToApprovers.get(ownersFile) ?? new Set<string>();
      for (const approver of approversOf(file)) set.add(approver);
      ownersToApprovers.set(ownersFile, set);
    }
    const owners = this.getOwnersSet();
    for (const ownersFile of [...ownersToApprovers.keys()]) {
      if (!owners.has(ownersFile)) ownersToApprovers.delete(ownersFile);
    }
    return ownersToApprovers;
  }

  /** The leaf approvers of every OWNERS file needed, sorted; one login can appear more than once. */
  getAllPotentialApprovers(): string[] {
    const approversOnly: string[] = [];
    for (const approvers of this.getLeafApprovers().values()) approversOnly.push(...approvers);
    approversOnly.sort();
    if (approversOnly.length === 0) this.log('No potential approvers exist. Does the repo have OWNERS files?');
    return approversOnly;
  }

  /** Login -> the OWNERS directories of `approvers` they are an approver in. */
  getReverseMap(approvers: SetMap): SetMap {
    const reverse: SetMap = new Map();
    for (const [ownersFile, logins] of approvers) {
      for (const login of logins) {
        const set = reverse.get(login) ?? new Set<string>();
        set.add(ownersFile);
        reverse.set(login, set);
      }
    }
    return reverse;
  }

  /**
   * The OWNERS directories still unapproved if `approvers` (any case) had approved: Prow's
   * temporaryUnapprovedFiles, and the whole of Approvers.UnapprovedFiles.
   */
  unapprovedFilesFor(approvers: Iterable<string>): Set<string> {
    const current = [...approvers];
    const ownersSet = this.getOwnersSet();
    const unapproved = new Set<string>();
    for (const file of this.filenames) {
      const ownersFile = this.repo.findApproverOwnersForFile(file);
      if (!ownersSet.has(ownersFile)) continue;
      if (caseInsensitiveIntersection(this.repo.approvers(file).all(), current).size === 0) unapproved.add(ownersFile);
    }
    return unapproved;
  }

  /** Whether `approvers` would approve every OWNERS file needed (a change with no files never is). */
  areFilesApprovedBy(approvers: Iterable<string>): boolean {
    return this.filenames.length !== 0 && this.unapprovedFilesFor(approvers).size === 0;
  }

  /**
   * Of the approvers suggested from `potentialApprovers`, those still useful once `knownApprovers`
   * (who have approved, or are assigned) have approved.
   */
  keepCoveringApprovers(reverseMap: SetMap, knownApprovers: Iterable<string>, potentialApprovers: readonly string[]): Set<string> {
    if (potentialApprovers.length === 0) {
      this.log('No potential approvers exist to filter for relevance. Does this repo have OWNERS files?');
    }
    const unapproved = this.unapprovedFilesFor(knownApprovers);
    const kept = new Set<string>();
    for (const suggested of sorted(this.getSuggestedApprovers(reverseMap, potentialApprovers))) {
      if (intersectionSize(reverseMap.get(suggested), unapproved) !== 0) kept.add(suggested);
    }
    return kept;
  }

  /**
   * A greedy set cover: approvers from `potentialApprovers`, in their order, until every OWNERS
   * file needed is approved (or nobody left can approve what is missing). Logins are lower-cased.
   */
  getSuggestedApprovers(reverseMap: SetMap, potentialApprovers: readonly string[]): Set<string> {
    const current = new Set<string>();
    while (!this.areFilesApprovedBy(current)) {
      const unapproved = this.unapprovedFilesFor(current);
      const next = findMostCoveringApprover(potentialApprovers, current, reverseMap, unapproved);
      if (next === '') {
        this.log(`Couldn't find/suggest approvers for each files. Unapproved: [${sorted(unapproved).map((f) => JSON.stringify(f)).join(' ')}]`);
        return current;
      }
      current.add(next.toLowerCase());
    }
    return current;
  }

  /**
   * The OWNERS directories whose approval the change needs: the closest one with approvers for each
   * file, except files in a subfolder without OWNERS of a directory with
   * `auto_approve_unowned_subfolders`, and without directories below another one in the set.
   */
  getOwnersSet(): Set<string> {
    const owners = new Set<string>();
    for (const file of this.filenames) {
      const ownersFile = this.repo.findApproverOwnersForFile(file);
      // Prow's test is a substring one (strings.Contains), so the root ("") contains every path.
      if (goDir(goDir(file)).includes(ownersFile) && this.repo.isAutoApproveUnownedSubfolders(ownersFile)) continue;
      owners.add(ownersFile);
    }
    this.removeSubdirs(owners);
    return owners;
  }

  /** The potential approvers in an order fixed by the seed, so suggestions vary between changes. */
  getShuffledApprovers(): string[] {
    const approvers = this.getAllPotentialApprovers();
    return seededPermutation(approvers.length, this.seed).map((i) => approvers[i]!);
  }

  /**
   * Removes, in place, every directory below another one in `dirs` ([a, a/b/c, d/e, d/e/f] ->
   * [a, d/e]), except where an OWNERS file on the way up sets `no_parent_owners`.
   */
  removeSubdirs(dirs: Set<string>): void {
    const canonicalize = (p: string) => (p === '.' ? '' : p);
    for (const dir of sorted(dirs)) {
      let path = dir;
      while (!this.repo.isNoParentOwners(path) && canonicalize(path) !== '') {
        const parent = goDir(path);
        // Prow would spin on an absolute path (Dir("/") is "/"); RepoOwners paths have none, but stop anyway.
        if (parent === path) break;
        path = parent;
        if (dirs.has(canonicalize(path))) {
          dirs.delete(dir);
          break;
        }
      }
    }
  }
}
