// What verify-owners says, in Prow's words, as one comment: Prow posts up to three things per
// event (a review on the invalid files, a comment on untrusted users, a comment on empty aliases)
// and posts them again on every push. Here all of it is one reply in Prow's format, posted only
// when what it says changes, and the bot's earlier ones are deleted (Prow prunes its
// untrusted-users comment the same way, with pkg/commentpruner).
import type { IssueComment } from '../../github/client.js';
import type { OwnersFilenames } from '../../owners/types.js';
import { formatResponseRaw } from '../respond.js';
import type { Findings } from './check.js';

/** Prow's labels.InvalidOwners. */
export const invalidOwnersLabel = 'do-not-merge/invalid-owners-file';

/** Prow's message, word for word: it names OWNERS_ALIASES whatever the file is called. */
export const invalidAliasesMessage = 'The content of OWNERS_ALIASES is invalid.';

/** Prow's message, word for word (OWNER_ALIASES included). */
export const emptyAliasesMessage = 'There are empty aliases in OWNER_ALIASES, cleanup is advised.';

const untrustedHead = 'The OWNERS file contains untrusted users, which makes it INVALID.';

/** Prow's untrustedResponseFormat. */
export const untrustedMessage = (ownersFile: string, joinOrgUrl: string, org: string) =>
  `${untrustedHead} The following users are mentioned in ${ownersFile} file(s) but are untrusted for the following reasons. ` +
  `One way to make the user trusted is to add them as [members](${joinOrgUrl}) of the ${org} org. ` +
  'You can then trigger verification by writing `/verify-owners` in a comment.';

/** A path as inline code, whatever characters it holds. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${flat} ${fence}` : `${fence}${flat}${fence}`;
}

export interface MessageContext {
  filenames: OwnersFilenames;
  org: string;
  joinOrgUrl: string;
}

/** The reply's text for these findings, `undefined` when there is nothing to say. Stable: same findings, same text. */
export function problemText(findings: Findings, c: MessageContext): string | undefined {
  const sections: string[] = [];
  if (findings.aliasesError !== undefined) {
    sections.push(`${invalidAliasesMessage}\n\n- ${code(c.filenames.ownersAliases)}: ${findings.aliasesError}`);
  }
  if (findings.invalidFiles.length) {
    const n = findings.invalidFiles.length;
    const lines = findings.invalidFiles.map((f) => `- ${code(f.path)}: ${f.message}`);
    sections.push(`${n} invalid ${c.filenames.owners} file${n === 1 ? '' : 's'}\n\n${lines.join('\n')}`);
  }
  if (findings.untrusted.length) {
    // Prow's markdownFriendlyComment.
    const lines = [untrustedMessage(c.filenames.owners, c.joinOrgUrl, c.org)];
    for (const user of findings.untrusted) {
      lines.push(`- ${user.login}`, `  - ${user.reason}`, ...user.files.map((f) => `  - ${f}`));
    }
    sections.push(lines.join('\n'));
  }
  if (findings.emptyAliases) sections.push(emptyAliasesMessage);
  return sections.length ? sections.join('\n\n') : undefined;
}

export interface PullRequestFacts {
  number: number;
  author: string;
  body: string;
  htmlUrl: string;
}

/** The comment, as Prow's review body: addressed to the author, quoting the pull request. */
export const commentBody = (problem: string, pr: PullRequestFacts): string => formatResponseRaw(pr.body, pr.htmlUrl, pr.author, problem);

/** Whether an earlier comment says exactly `problem` (whatever the pull request's description was then). */
export const says = (comment: IssueComment, problem: string, pr: PullRequestFacts): boolean =>
  comment.body.startsWith(`@${pr.author}: ${problem}\n\n<details>`);

const heads = [/^\d+ invalid \S+ files?$/, new RegExp(`^${escape(invalidAliasesMessage)}$`), new RegExp(`^${escape(untrustedHead)} `), new RegExp(`^${escape(emptyAliasesMessage)}$`)];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a comment is one of verify-owners' own: a reply whose first line is one of its
 * messages, or Prow's bare untrusted-users comment (so moving from Prow cleans up after it too).
 */
export function isVerifyOwnersComment(body: string): boolean {
  const first = body.slice(0, body.indexOf('\n') === -1 ? undefined : body.indexOf('\n'));
  if (first.startsWith(`${untrustedHead} `)) return true;
  const reply = /^@[^\s:]+: (.*)$/.exec(first.trimEnd());
  return Boolean(reply && heads.some((h) => h.test(reply[1]!)));
}
