// Why someone may not change LGTM, in words. Each reply starts with Prow's sentence
// (kubernetes-sigs/prow pkg/plugins/lgtm/lgtm.go), so it reads as Prow's does, and goes on to
// say who can do it instead and why this user cannot.
import type { RepoOwners } from '../../owners/types.js';

export const selfLgtmMessage = 'you cannot LGTM your own PR.';
export const collaboratorsOnlyMessage = 'changing LGTM is restricted to collaborators';
export const ownersOnlyMessage = 'adding LGTM is restricted to approvers and reviewers in OWNERS files.';

const and = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** `skipCollaborators`: the repository lets OWNERS alone decide who may LGTM. */
export function selfLgtmReply(where: string, skipCollaborators: boolean): string {
  const who = skipCollaborators
    ? 'a reviewer or approver in the OWNERS files of the changed files'
    : `a collaborator on ${where}`;
  return `${selfLgtmMessage} LGTM is a second pair of eyes: ${who} other than the pull request's author has to give it. You can still take it off with \`/lgtm cancel\`.`;
}

export function collaboratorsOnlyReply(where: string): string {
  return (
    `${collaboratorsOnlyMessage}. You are not a collaborator on ${where} (that takes triage, write, maintain or admin access, given directly or through a team). ` +
    "Collaborators can `/lgtm` and `/lgtm cancel`; the pull request's author can `/lgtm cancel`."
  );
}

/** The OWNERS directories that cover `files`, as `dir/` (the root as `/`), closest first per file. */
function ownersDirectories(owners: RepoOwners, files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    for (const dir of [owners.findReviewersOwnersForFile(file), owners.findApproverOwnersForFile(file)]) dirs.add(dir === '' ? '/' : `${dir}/`);
  }
  return [...dirs];
}

/** `who`: up to two people who are reviewers or approvers of the files (Trust.ownsAny). */
export function ownersOnlyReply(owners: RepoOwners, files: readonly string[], who: readonly string[]): string {
  if (!files.length) return `${ownersOnlyMessage} This pull request changes no files, so no OWNERS file covers it and nobody can.`;
  const dirs = ownersDirectories(owners, files);
  const shown = dirs.slice(0, 2).map((d) => `\`${d}\``);
  if (dirs.length > 2) shown.push(`${dirs.length - 2} more`);
  const people = who.length ? `${and(who)} ${who.length === 1 ? 'is' : 'are'}` : 'those files name nobody';
  return `${ownersOnlyMessage} You are not a reviewer or approver in the OWNERS of ${and(shown)}, which cover the changed files; ${people}.`;
}
