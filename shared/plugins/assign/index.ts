// assign: `/assign` and `/unassign` set an issue's or pull request's assignees, `/cc` and `/uncc`
// its requested reviewers (users or `org/team`s), as Prow's assign plugin
// (pkg/plugins/assign/assign.go). Without names, a command targets the commenter. Anyone may use
// them; GitHub decides who can be assigned or asked, and the plugin replies, in Prow's words,
// naming whom GitHub would not take, with why as far as the bot can tell.
//
// One comment may hold many of these lines (`/assign @a` and `/uncc @b`): every line counts, the
// last line naming a user wins, and removals are made before additions, as in Prow. The four
// commands are declared as data for help and matching; whichever matches first handles the whole
// comment, with Prow's own regexes, which are stricter than the generated ones (`/assign @bad$name`
// does nothing at all, rather than assigning the commenter).
import { formatIssueRef, type GitHubClient, type IssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { requestReviews, unrequestReviews } from './request-reviews.js';

export type AssignGitHub = Pick<GitHubClient, 'addAssignees' | 'removeAssignees' | 'requestReviewers' | 'removeReviewRequests' | 'createComment'>;

// Prow's regexes, with Go's `\s` spelled out ([\t\n\f\r ]: JavaScript's also takes Unicode
// spaces). Logins are separated by exactly one space for /assign and by spaces for /cc, as there.
const goSpace = '[\\t\\n\\f\\r ]';
/** Prow's assignRe: `(?mi)^/(un)?assign(( @?[-\w]+?)*)\s*$`. */
export const assignPattern = `^/(un)?assign((?: @?[-\\w]+?)*)${goSpace}*$`;
/** Prow's assign.CCRegexp, also what blunderbuss looks for in a new pull request's body. */
export const ccPattern = `^/(un)?cc((?: +@?[-/\\w]+?)*)${goSpace}*$`;

/** Whether `body` holds a `/cc` or `/uncc` line (blunderbuss leaves such a pull request alone). */
export const hasCcCommand = (body: string): boolean => new RegExp(ccPattern, 'im').test(body);

/** Prow's parseLogins: the names after the command, `@` and spaces trimmed from each end. */
export function parseLogins(text: string): string[] {
  return text
    .split(' ')
    .map((part) => part.replace(/^[@ ]+|[@ ]+$/g, ''))
    .filter((login) => login !== '');
}

export interface Targets {
  toAdd: string[];
  toRemove: string[];
}

/**
 * Who every matching line of `body` adds or removes; without names, the commenter. The last
 * line naming a user decides, and names are compared without case, as GitHub compares logins
 * (Prow keys them as typed, so `/assign @Al` then `/unassign @al` would do both).
 */
export function targetsIn(pattern: string, body: string, commenter: string): Targets {
  const users = new Map<string, { login: string; add: boolean }>();
  for (const match of body.matchAll(new RegExp(pattern, 'gim'))) {
    // Prow compares the prefix with "un" exactly, so `/UNASSIGN` (matched without case) would
    // assign; here it unassigns, as it reads.
    const add = (match[1] ?? '').toLowerCase() !== 'un';
    const logins = match[2] ? parseLogins(match[2]) : [commenter];
    for (const login of logins) users.set(login.toLowerCase(), { login, add });
  }
  const all = [...users.values()];
  return { toAdd: all.filter((u) => u.add).map((u) => u.login), toRemove: all.filter((u) => !u.add).map((u) => u.login) };
}

/** GitHub's limit on assignees per issue (https://docs.github.com/en/issues/tracking-your-work-with-issues/assigning-issues-and-pull-requests-to-other-github-users). */
export const maxAssignees = 10;

/** Prow's reply when GitHub leaves some of the users unassigned (newAssignHandler). */
export function assignFailureMessage(org: string, users: readonly string[]): string {
  return (
    `GitHub didn't allow me to assign the following users: ${users.join(', ')}.\n\n` +
    `Note that only [${org} members](https://github.com/orgs/${org}/people) with read permissions, repo collaborators and people who have commented on this issue/PR can be assigned. ` +
    `Additionally, issues/PRs can only have ${maxAssignees} assignees at the same time.\n` +
    'For more information please see [the contributor guide](https://git.k8s.io/community/contributors/guide/first-contribution.md#issue-assignment-in-github)'
  );
}

/** Prow's reply when GitHub would not request reviews from some of the users (newReviewHandler). */
export function reviewFailureMessage(org: string, users: readonly string[]): string {
  return (
    `GitHub didn't allow me to request PR reviews from the following users: ${users.join(', ')}.\n\n` +
    `Note that only [${org} members](https://github.com/orgs/${org}/people) and repo collaborators can review this PR, and authors cannot review their own PRs.`
  );
}

/** How many refused users the reply explains one by one (each may cost a role lookup). */
const explained = 10;

/** Prow's message, then one line per refused user saying why, as far as the bot can tell. */
async function failureReply(message: string, missing: readonly string[], why: (login: string) => Promise<string>): Promise<string> {
  const lines: string[] = [];
  for (const login of missing.slice(0, explained)) lines.push(`- ${login}: ${await why(login)}`);
  if (missing.length > explained) lines.push(`- and ${missing.length - explained} more`);
  return `${message}\n\nWhy, as far as I can tell:\n${lines.join('\n')}`;
}

type Ctx = PluginContext<void, AssignGitHub>;

interface Step {
  /** What was done and refused, for the outcome; empty when the comment asked nothing of this kind. */
  done: string[];
  /** Something was assigned, unassigned, requested or withdrawn. */
  changed: boolean;
  /** GitHub would not take some of the users. */
  refused: boolean;
}

async function handleAssignees(ctx: Ctx, e: GenericCommentEvent, ref: IssueRef): Promise<Step> {
  const { toAdd, toRemove } = targetsIn(assignPattern, e.body, e.user.login);
  const done: string[] = [];
  if (toRemove.length) {
    await ctx.github.removeAssignees(ref, toRemove);
    done.push(`unassigned ${toRemove.join(', ')}`);
  }
  if (!toAdd.length) return { done, changed: toRemove.length > 0, refused: false };
  // GitHub assigns whom it can and drops the rest without an error: the answer says who it kept.
  const assigned = new Set((await ctx.github.addAssignees(ref, toAdd)).map((l) => l.toLowerCase()));
  const missing = toAdd.filter((l) => !assigned.has(l.toLowerCase()));
  const added = toAdd.filter((l) => assigned.has(l.toLowerCase()));
  if (added.length) done.push(`assigned ${added.join(', ')}`);
  if (!missing.length) return { done, changed: true, refused: false };
  const where = `${ref.owner}/${ref.repo}`;
  const reply = await failureReply(assignFailureMessage(ref.owner, missing), missing, async (login) => {
    if (assigned.size >= maxAssignees) return `${formatIssueRef(ref)} has ${assigned.size} assignees, GitHub's limit is ${maxAssignees}`;
    if (!(await ctx.trust.isCollaborator(login))) return `not a collaborator of ${where} (nor, it seems, an org member or a commenter here)`;
    return 'a collaborator, yet GitHub did not say why it refused';
  });
  await ctx.github.createComment(ref, replyTo(e, reply));
  done.push(`GitHub would not assign ${missing.join(', ')} (replied)`);
  return { done, changed: added.length > 0 || toRemove.length > 0, refused: true };
}

async function handleReviewers(ctx: Ctx, e: GenericCommentEvent, ref: IssueRef): Promise<Step> {
  const { toAdd, toRemove } = targetsIn(ccPattern, e.body, e.user.login);
  const done: string[] = [];
  if (toRemove.length) {
    await unrequestReviews(ctx.github, ref, toRemove);
    done.push(`withdrew review requests from ${toRemove.join(', ')}`);
  }
  if (!toAdd.length) return { done, changed: toRemove.length > 0, refused: false };
  const { missing, foreignTeams } = await requestReviews(ctx.github, ref, toAdd);
  const requested = toAdd.filter((l) => !missing.includes(l));
  if (requested.length) done.push(`requested reviews from ${requested.join(', ')}`);
  if (!missing.length) return { done, changed: true, refused: false };
  const where = `${ref.owner}/${ref.repo}`;
  const reply = await failureReply(reviewFailureMessage(ref.owner, missing), missing, async (login) => {
    if (foreignTeams.includes(login)) return `a team of another organization; only teams of ${ref.owner} can review here`;
    if (login.includes('/')) return `no team of ${ref.owner} by that name can review ${where}`;
    if (login.toLowerCase() === e.issueAuthor.toLowerCase()) return 'the author of this pull request';
    if (!(await ctx.trust.isCollaborator(login))) return `not a collaborator of ${where}`;
    return 'a collaborator, yet GitHub did not say why it refused';
  });
  await ctx.github.createComment(ref, replyTo(e, reply));
  done.push(`GitHub would not request reviews from ${missing.join(', ')} (replied)`);
  return { done, changed: requested.length > 0 || toRemove.length > 0, refused: true };
}

/** The whole comment: assignees, then (on a pull request) reviewers, each even if the other failed. */
async function handleComment(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  const ref: IssueRef = { ...e.repo, number: e.number };
  const steps: Step[] = [];
  const errors: unknown[] = [];
  const handlers = e.isPR ? [handleAssignees, handleReviewers] : [handleAssignees];
  for (const handler of handlers) {
    try {
      steps.push(await handler(ctx, e, ref));
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new AggregateError(errors, `assign failed twice on ${formatIssueRef(ref)}: ${errors.map((x) => (x as Error).message).join('; ')}`);
  const done = steps.flatMap((s) => s.done);
  if (!done.length) {
    const reason = 'no /assign, /unassign, /cc or /uncc line Prow would read (names are letters, digits, - and _; one space between them after /assign)';
    ctx.note(reason);
    return { status: 'skipped', reason };
  }
  // Refused: GitHub took nobody the comment asked for, and the reply says why.
  const refused = steps.some((s) => s.refused) && !steps.some((s) => s.changed);
  return { status: refused ? 'refused' : 'ran', reason: done.join('; ') };
}

const only = { actions: ['created' as const] };
const run: CommandSpec<void, AssignGitHub>['run'] = (ctx, e) => handleComment(ctx, e);
const assignArg = { pattern: '@?[-\\w]+(?: @?[-\\w]+)*', optional: true, usage: '[[@]<username>...]' };
const ccArg = { pattern: '@?[-/\\w]+(?: +@?[-/\\w]+)*', optional: true, usage: '[[@]<username>...|[@]<org>/<team>...]' };

export const assign: Plugin<void, AssignGitHub> = {
  name: 'assign',
  description:
    "Assigns users to issues and pull requests with '/assign @user1', and requests reviews from users or teams with '/cc @user1' or '/cc @org/team'. " +
    "Without names, the commands target the commenter. '/unassign' and '/uncc' undo them. GitHub only assigns or asks collaborators (and, for assignment, org members and people who commented); " +
    'the bot replies naming anyone it would not take.',
  commands: [
    {
      name: 'assign',
      arg: assignArg,
      description: 'Assigns the named users (or the commenter) to the issue or pull request.',
      examples: ['/assign', '/assign @spongebob', '/assign spongebob patrick'],
      who: 'Anyone; the users must be org members, repository collaborators, or have commented on the issue or pull request.',
      only,
      run,
    },
    {
      name: 'unassign',
      arg: assignArg,
      description: 'Removes the named users (or the commenter) from the assignees.',
      examples: ['/unassign', '/unassign @spongebob'],
      who: 'Anyone',
      only,
      run,
    },
    {
      name: 'cc',
      arg: ccArg,
      description: 'Requests a review from the named users or teams (or the commenter).',
      examples: ['/cc', '/cc @spongebob', '/cc spongebob patrick', '/cc @kubernetes/sig-foo-bar'],
      who: "Anyone; the reviewers must be collaborators of the repository (teams, of its organization), and not the pull request's author.",
      only: { ...only, pullRequests: true },
      run,
    },
    {
      name: 'uncc',
      arg: ccArg,
      description: 'Withdraws the review requests of the named users or teams (or the commenter).',
      examples: ['/uncc', '/uncc @spongebob', '/uncc @kubernetes/sig-foo-bar'],
      who: 'Anyone',
      only: { ...only, pullRequests: true },
      run,
    },
  ],
};
