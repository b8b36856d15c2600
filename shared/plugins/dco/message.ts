// What the dco plugin says: the status descriptions and the comment listing the commits that
// lack a sign-off, in Prow's words (kubernetes-sigs/prow pkg/plugins/dco/dco.go), so the comment
// reads the same and Prow's own pruning text still finds it.
import type { Commit } from '../../github/client.js';
import { aboutThisBotWithCommands } from '../respond.js';

export const dcoContext = 'dco';
export const dcoYesLabel = 'dco-signoff: yes';
export const dcoNoLabel = 'dco-signoff: no';
export const dcoFailedDescription = 'Commits in PR missing Signed-off-by';
export const dcoSuccessDescription = 'All commits have Signed-off-by';

/** The comment's first sentence: a bot comment containing it is this plugin's, and is pruned. */
export const dcoPruneMatch = "Thanks for your pull request. Before we can look at it, you'll need to add a 'DCO signoff' to your commits.";

/** Prow's AboutThisBot: the note respond.ts uses, plus the pointer to the command list. */

/** Prow's MarkdownSHAList: one line per commit, its short SHA linking to it, then its subject. */
export function markdownShaList(org: string, repo: string, commits: readonly Pick<Commit, 'sha' | 'message'>[]): string {
  return commits
    .map((commit) => {
      // Prow leaves a line empty for a commit without a SHA rather than dropping it.
      if (!commit.sha) return '';
      const subject = commit.message.split('\n', 1)[0] ?? '';
      return `- [${commit.sha.slice(0, 7)}](https://github.com/${org}/${repo}/commits/${commit.sha}) ${subject}`;
    })
    .join('\n');
}

/** Prow's dcoNotFoundMessage. */
export function dcoNotFoundMessage(contributingUrl: string, shaList: string): string {
  return `${dcoPruneMatch}

:memo: **Please follow instructions in the [contributing guide](${contributingUrl}) to update your commits with the DCO**

Full details of the Developer Certificate of Origin can be found at [developercertificate.org](https://developercertificate.org/).

**The list of commits missing DCO signoff**:

${shaList}

<details>

${aboutThisBotWithCommands}
</details>
`;
}
