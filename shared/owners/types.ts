// What the OWNERS of one repository at one commit answer, as Prow's repoowners.RepoOwner
// (kubernetes-sigs/prow pkg/repoowners/repoowners.go). Logins are lower-cased; paths are
// repository-relative with `/` separators and no leading slash (the root directory is `""`).
// Plugins and the approvers algorithm depend on this interface only; loading (from the tree at a
// base SHA, cached by tree SHA) lives beside it in this folder.

/**
 * Sets by distance from the path, as Prow's layeredsets.String: `layers[i]` holds who the OWNERS
 * `i` steps up from the path add (for a file, `layers[0]` is only a markdown header of its own and
 * `layers[1]` its directory's OWNERS); someone already in a closer layer is not repeated, so
 * layers may be empty. Walk them in order and skip the empty ones. `all()` is their union.
 */
export interface LayeredSet {
  readonly layers: readonly ReadonlySet<string>[];
  all(): Set<string>;
}

export interface OwnersFilenames {
  /** `OWNERS` unless `owners.filenames` says otherwise for the repository. */
  owners: string;
  /** `OWNERS_ALIASES` unless `owners.filenames` says otherwise. */
  ownersAliases: string;
}

export interface RepoOwners {
  /** The directory of the closest OWNERS file with approvers that covers `path` (`""` for the root). */
  findApproverOwnersForFile(path: string): string;
  /** The directory of the closest OWNERS file with reviewers that covers `path`. */
  findReviewersOwnersForFile(path: string): string;
  /** Labels of every OWNERS file (and matching filter) covering `path`. */
  findLabelsForFile(path: string): Set<string>;
  /**
   * Whether the OWNERS file in directory `path` (as findApproverOwnersForFile returns it) sets
   * `no_parent_owners`; an exact lookup, as Prow's, so a file path answers false.
   */
  isNoParentOwners(path: string): boolean;
  isAutoApproveUnownedSubfolders(directory: string): boolean;
  /** Approvers of the closest OWNERS file with approvers only. */
  leafApprovers(path: string): Set<string>;
  /** Approvers of every OWNERS file from `path` up, stopping at `no_parent_owners`. */
  approvers(path: string): LayeredSet;
  leafReviewers(path: string): Set<string>;
  reviewers(path: string): LayeredSet;
  requiredReviewers(path: string): Set<string>;
  topLevelApprovers(): Set<string>;
  filenames(): OwnersFilenames;
  allOwners(): Set<string>;
  allApprovers(): Set<string>;
  allReviewers(): Set<string>;
  /** Repository paths of the OWNERS files that were read (and parsed), sorted. */
  ownersFiles(): string[];
  /** One line per OWNERS or OWNERS_ALIASES file that could not be used, naming it and why; those files are skipped. */
  warnings(): string[];
}
