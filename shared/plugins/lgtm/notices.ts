// The comments the lgtm plugin leaves on a pull request for itself, worded as Prow words them
// (kubernetes-sigs/prow pkg/plugins/lgtm/lgtm.go), so a repository moving from Prow keeps
// working: a tree-hash comment Prow left is read by Skiff, and the other way round.
import type { IssueComment } from '../../github/client.js';

export const lgtmLabel = 'lgtm';

/** Left when new commits took LGTM off; deleted when LGTM is given again. */
export const removedNotice = 'New changes are detected. LGTM label has been removed.';

/** Left when LGTM is added with `store_tree_hash`: the tree the LGTM was given to. */
export const treeHashNotice = (treeSha: string): string => `LGTM label has been added.  <details>Git tree hash: ${treeSha}</details>`;

// Prow builds this from the format string itself, so the `.` after "added" matches any character
// and the match may be anywhere in the comment; kept so, to read the same comments as Prow.
export const treeHashNoticeRe = /LGTM label has been added.  <details>Git tree hash: (.*)<\/details>/;

/** GitHub logins are case-insensitive. */
export const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The tree SHA of the newest tree-hash comment that the bot wrote and nobody edited since, as
 * Prow finds it: an edited comment could say anything, so it is passed over for an older one.
 */
export function storedTreeHash(comments: readonly IssueComment[], botLogin: string): string | undefined {
  for (let i = comments.length - 1; i >= 0; i--) {
    const comment = comments[i]!;
    const match = treeHashNoticeRe.exec(comment.body);
    if (match && sameLogin(comment.user.login, botLogin) && Date.parse(comment.createdAt) === Date.parse(comment.updatedAt)) return match[1];
  }
  return undefined;
}
