// Which OWNERS reviewers to ask, as Prow's reviewer.GetReviewers (pkg/reviewer/reviewer.go):
// 1. for each changed file's closest OWNERS file (once per file), one of its leaf reviewers not
//    picked yet and not the author;
// 2. while short of the count, more of those leaf reviewers;
// 3. while still short, reviewers from further up the tree, file by file.
// Required reviewers of the OWNERS files met in step 1 are returned beside, to be asked always.
// The same walk over approvers (FallbackReviewersClient) fills a shortfall unless approvers are
// excluded. Who is picked from a layer is the selector's business (index.ts: seeded, weighted).
import type { LayeredSet as OwnersLayers, RepoOwners } from '../../owners/types.js';
import { LayeredSet } from './layered-set.js';

/** What GetReviewers reads of the OWNERS (Prow's reviewer.ReviewersClient). */
export type ReviewersSource = Pick<RepoOwners, 'findReviewersOwnersForFile' | 'reviewers' | 'requiredReviewers' | 'leafReviewers'>;

/** Approvers read as if they were reviewers (Prow's FallbackReviewersClient). */
export function approversAsReviewers(owners: Pick<RepoOwners, 'findApproverOwnersForFile' | 'approvers' | 'leafApprovers' | 'requiredReviewers'>): ReviewersSource {
  return {
    findReviewersOwnersForFile: (path) => owners.findApproverOwnersForFile(path),
    reviewers: (path) => owners.approvers(path),
    leafReviewers: (path) => owners.leafApprovers(path),
    requiredReviewers: (path) => owners.requiredReviewers(path),
  };
}

/** Takes one candidate out of `candidates` (from its first non-empty layer), or none. */
export type ReviewerSelector = (candidates: LayeredSet) => string | undefined;

export const toLayered = (owners: OwnersLayers): LayeredSet => new LayeredSet(owners.layers);

export interface Picked {
  /** Layer by layer: step 1's picks, then step 2's, then step 3's, each group sorted. */
  reviewers: string[];
  /** Sorted. */
  required: string[];
}

export function getReviewers(source: ReviewersSource, select: ReviewerSelector, author: string, files: readonly { filename: string }[], minReviewers: number): Picked {
  const authorSet: ReadonlySet<string> = new Set([author.toLowerCase()]);
  const reviewers = new LayeredSet();
  const required = new Set<string>();
  let leafReviewers = new LayeredSet();
  const ownersSeen = new Set<string>();
  if (minReviewers === 0) return { reviewers: [], required: [] };

  for (const { filename } of files) {
    const ownersFile = source.findReviewersOwnersForFile(filename);
    if (ownersSeen.has(ownersFile)) continue;
    ownersSeen.add(ownersFile);
    for (const r of source.requiredReviewers(filename)) required.add(r);

    const fileUnusedLeaves = new LayeredSet([source.leafReviewers(filename)]).difference(reviewers.toSet()).difference(authorSet);
    if (!fileUnusedLeaves.size) continue;
    leafReviewers = leafReviewers.union(fileUnusedLeaves);
    const r = select(fileUnusedLeaves);
    if (r) reviewers.insert(0, r);
  }

  const unusedLeaves = leafReviewers.difference(reviewers.toSet());
  while (reviewers.size < minReviewers && unusedLeaves.size > 0) {
    const r = select(unusedLeaves);
    if (!r) break;
    reviewers.insert(1, r);
  }

  for (const { filename } of files) {
    if (reviewers.size >= minReviewers) break;
    // Not less those already picked, as in Prow: picking one again adds nobody, and the loop
    // ends when the file's reviewers run out.
    const fileReviewers = toLayered(source.reviewers(filename)).difference(authorSet);
    while (reviewers.size < minReviewers && fileReviewers.size > 0) {
      const r = select(fileReviewers);
      if (!r) break;
      reviewers.insert(2, r);
    }
  }
  return { reviewers: reviewers.list(), required: [...required].sort() };
}
