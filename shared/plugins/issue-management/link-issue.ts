// `/link-issue <issue(s)>` and `/unlink-issue <issue(s)>` (Prow's link-issue.go): org members add
// issues to, or take them off, the `Fixes` line of a pull request's body, so that GitHub closes
// them when it merges. An issue to link must exist and not be a pull request; one to unlink is
// taken off as written, even when it is no valid reference (to clean up a malformed line).
import { RE2JS } from 're2js';
import type { Issue } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import type { Outcome } from '../types.js';
import { reply, unlessRetryable, type Ctx } from './context.js';
import { goAtoi, goCompare, goFields } from './go-strings.js';

// Prow's regexes, compiled with Go's RE2 semantics: `\s+` may run over a line break
// (`/link-issue\n12` links 12), `.` stops only at `\n` (a `\r` before it is white space to Fields).
const linkIssueRe = RE2JS.compile('(?mi)^/link-issue\\s+(.+)$');
const unlinkIssueRe = RE2JS.compile('(?mi)^/unlink-issue\\s+(.+)$');
/** Applied to one line of the body at a time (no `m`: `$` is the line's end). */
const fixesRe = RE2JS.compile('(?i)^fixes\\s+(.*)$');

export const onlyPullRequestsMessage = '`/link-issue` and `/unlink-issue` can only be used on pull requests.';
export const notMemberMessage = 'You must be an org member to use this command.';
export const updatedMessage = 'Updated the `Fixes` line in the pull request body.';
export const upToDateMessage = 'The PR body is already up-to-date. No changes were made.';
export const errorsIntro = 'there are one or more errors with issue references provided. Please cross check and retry.\n';

export const invalidFormatMessage = (issue: string) =>
  `Invalid format for issue **${issue}**. Supported formats are **issue-number** (e.g., \`123\`) and **organization/repository#issue-number** (e.g., \`kubernetes/test-infra#456\`)`;
export const noRepoMessage = (org: string, repo: string) => `Repository **${org}/${repo}** does not exist.`;
export const noIssueMessage = (num: bigint | number, org: string, repo: string) => `Issue **#${num}** in repository **${org}/${repo}** does not exist.`;
export const pullRequestMessage = (num: number, org: string, repo: string) => `Skipped issue #${num} of **${org}/${repo}** as it is a ***pull request***.`;

export interface IssueRefParts {
  org: string;
  repo: string;
  /** Go's int: it may be 0 or negative (`/link-issue -1` parses, and then does not exist). */
  num: bigint;
}

/** Every `/link-issue` and `/unlink-issue` argument, split as strings.Fields splits (Prow's parseCommentForLinkCommands). */
export function parseCommentForLinkCommands(body: string): { toLink: string[]; toUnlink: string[] } {
  const extract = (re: RE2JS) => {
    const issues: string[] = [];
    const m = re.matcher(body);
    while (m.find()) issues.push(...goFields(m.group(1) ?? ''));
    return issues;
  };
  return { toLink: extract(linkIssueRe), toUnlink: extract(unlinkIssueRe) };
}

/** Prow's parseIssueRef: `123` (in the pull request's repository) or `org/repo#123`; anything else is undefined. */
export function parseIssueRef(issue: string, defaultOrg: string, defaultRepo: string): IssueRefParts | undefined {
  const single = goAtoi(issue);
  if (single !== undefined) return { org: defaultOrg, repo: defaultRepo, num: single };
  if (!issue.includes('/')) return undefined;
  const parts = issue.split('#');
  if (parts.length !== 2) return undefined;
  const orgRepo = parts[0]!.split('/');
  if (orgRepo.length !== 2) return undefined;
  const num = goAtoi(parts[1]!);
  if (num === undefined) return undefined;
  return { org: orgRepo[0]!, repo: orgRepo[1]!, num };
}

/** `#12` in the pull request's own repository (names compared as Prow compares them: exactly), `org/repo#12` elsewhere. */
export function formatIssueRefParts(ref: IssueRefParts, defaultOrg: string, defaultRepo: string): string {
  return ref.org === defaultOrg && ref.repo === defaultRepo ? `#${ref.num}` : `${ref.org}/${ref.repo}#${ref.num}`;
}

/**
 * Prow's updateFixesLine: the first line that starts with `Fixes ` (any case) lists the linked
 * issues; it becomes `Fixes ` and the set, sorted, after removing and adding. A line that would
 * be empty is deleted; a missing one is appended after a blank line.
 */
export function updateFixesLine(body: string, toAdd: readonly string[], toRemove: readonly string[]): string {
  const lines = body.split('\n');
  const fixesIndex = lines.findIndex((line) => fixesRe.matcher(line).find());
  const issues = new Set<string>();
  if (fixesIndex >= 0) {
    const m = fixesRe.matcher(lines[fixesIndex]!);
    m.find();
    for (const issue of goFields(m.group(1) ?? '')) issues.add(issue);
  }
  for (const issue of toRemove) issues.delete(issue);
  for (const issue of toAdd) issues.add(issue);

  if (issues.size === 0) {
    // Every linked issue is gone: so is the line.
    if (fixesIndex >= 0) lines.splice(fixesIndex, 1);
    return lines.join('\n');
  }
  const fixesLine = `Fixes ${[...issues].sort(goCompare).join(' ')}`;
  if (fixesIndex >= 0) lines[fixesIndex] = fixesLine;
  else {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
    lines.push(fixesLine);
  }
  return lines.join('\n');
}

/** A number GitHub could have given an issue; any other is none, without asking. */
const asIssueNumber = (num: bigint): number | undefined => (num >= 1n && num <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(num) : undefined);

/** Prow's handleLinkIssue, for the arguments parseCommentForLinkCommands found. */
export async function handleLinkIssue(ctx: Ctx, event: GenericCommentEvent, linkIssues: readonly string[], unlinkIssues: readonly string[]): Promise<Outcome> {
  const { owner: org, repo } = ctx.repo;
  const login = event.user.login;
  if (event.action !== 'created') return { status: 'skipped', reason: `/link-issue and /unlink-issue act on new comments only; this one was ${event.action}` };
  if (!event.isPR) return reply(ctx, event, onlyPullRequestsMessage, 'refused', `/link-issue or /unlink-issue on ${org}/${repo}#${event.number}, an issue`);
  if (!(await ctx.trust.isOrgMember(login))) {
    return reply(ctx, event, notMemberMessage, 'refused', `/link-issue or /unlink-issue by ${login}, who is not a member of ${org}`);
  }

  const errors: string[] = [];
  const toLink: string[] = [];
  for (const issue of linkIssues) {
    const ref = parseIssueRef(issue, org, repo);
    if (!ref) {
      errors.push(invalidFormatMessage(issue));
      continue;
    }
    if (ref.org !== org || ref.repo !== repo) {
      let exists = false;
      if (ref.org !== '' && ref.repo !== '') {
        try {
          exists = (await ctx.github.getRepo({ owner: ref.org, repo: ref.repo })) !== undefined;
        } catch (error) {
          unlessRetryable(error);
        }
      }
      if (!exists) {
        errors.push(noRepoMessage(ref.org, ref.repo));
        continue;
      }
    }
    const number = asIssueNumber(ref.num);
    let fetched: Issue | undefined;
    if (number !== undefined) {
      try {
        fetched = await ctx.github.getIssue({ owner: ref.org, repo: ref.repo, number });
      } catch (error) {
        unlessRetryable(error);
      }
    }
    if (!fetched) {
      errors.push(noIssueMessage(ref.num, ref.org, ref.repo));
      continue;
    }
    if (fetched.isPullRequest) {
      errors.push(pullRequestMessage(fetched.number, ref.org, ref.repo));
      continue;
    }
    toLink.push(formatIssueRefParts(ref, org, repo));
  }
  // Unlinking takes a reference off as written when it is not one Prow can parse.
  const toUnlink = unlinkIssues.map((issue) => {
    const ref = parseIssueRef(issue, org, repo);
    return ref ? formatIssueRefParts(ref, org, repo) : issue;
  });

  let message = '';
  let changed = false;
  if (toLink.length || toUnlink.length) {
    const ref = { ...ctx.repo, number: event.number };
    const pr = await ctx.github.getPullRequest(ref);
    const body = updateFixesLine(pr.body, toLink, toUnlink);
    if (body !== pr.body) {
      await ctx.github.updateIssue(ref, { body });
      changed = true;
      message = updatedMessage;
    } else message = upToDateMessage;
  }
  if (errors.length) {
    if (message) message += '\n\nHowever, ';
    message += errorsIntro + errors.map((e) => `* ${e}\n`).join('');
  }
  await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, message));

  const what = `linking [${toLink.join(', ')}], unlinking [${toUnlink.join(', ')}]`;
  const reason = `/link-issue or /unlink-issue by ${login}: ${what}: ${changed ? 'Fixes line updated' : toLink.length || toUnlink.length ? 'already up to date' : 'nothing to change'}${errors.length ? `; ${errors.length} refused` : ''}`;
  return { status: changed || !errors.length ? 'ran' : 'refused', reason };
}
