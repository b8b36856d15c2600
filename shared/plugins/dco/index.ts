// dco: every commit of a pull request must carry a `Signed-off-by:` line (the Developer
// Certificate of Origin, https://developercertificate.org/). The plugin keeps the `dco` status
// context and the `dco-signoff: yes` / `dco-signoff: no` labels in step with the commits, and
// comments with the list of commits that lack a sign-off; `/check-dco` checks again. Same
// context, labels, messages, command and config as Prow's dco plugin (kubernetes-sigs/prow
// pkg/plugins/dco/dco.go), on the same events: a pull request opened, reopened or pushed to, and
// `/check-dco` on an open pull request. Merge commits need no sign-off. Per repository, unsigned
// commits by org members, collaborators, trusted GitHub Apps or members of `trusted_org` pass
// (Prow's trigger.TrustedUser, with the dco section's options).
//
// Where it differs from Prow:
// - the labels of an `opened` payload decide (nothing can have changed them yet), and
//   `/check-dco` takes them from the pull request it reads anyway; only a push or a reopen reads
//   them, as a label this plugin wrote for the previous event may not show in that payload;
// - a commit whose author GitHub could not match to an account is not trusted (Prow asks GitHub
//   about the empty login);
// - trusted apps are matched before any membership is asked (the same answer, one call fewer);
// - a failed comment that may succeed later fails the event (it is retried, and the write journal
//   keeps what was done); Prow logs it and carries on.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { Commit, GitHubClient, IssueRef } from '../../github/client.js';
import { isRetryable } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { contributingUrl, dcoConfigSchema, dcoFor, type DcoConfig, type DcoOptions } from './config.js';
import {
  dcoContext,
  dcoFailedDescription,
  dcoNoLabel,
  dcoNotFoundMessage,
  dcoPruneMatch,
  dcoSuccessDescription,
  dcoYesLabel,
  markdownShaList,
} from './message.js';

export type { DcoConfig } from './config.js';
export { dcoContext, dcoNoLabel, dcoYesLabel } from './message.js';

export type DcoGitHub = Pick<
  GitHubClient,
  | 'addLabel'
  | 'removeLabel'
  | 'getIssueLabels'
  | 'createComment'
  | 'listComments'
  | 'deleteComment'
  | 'createStatus'
  | 'listStatuses'
  | 'listPullRequestCommits'
  | 'getPullRequest'
  | 'isOrgMember'
>;

type Ctx = PluginContext<DcoConfig, DcoGitHub>;

/** Prow's checkDCORe: `/check-dco` alone on its line. */
export const checkDcoRe = /^\/check-dco\s*$/im;
/** Prow's testRe: a line of the commit message starting with `Signed-off-by:`, any case. */
export const signedOffRe = /^signed-off-by:/im;

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const shortSha = (sha: string) => sha.slice(0, 7);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Prow's checkCommitMessages: the commits lacking a sign-off, merge commits excepted. */
export const commitsMissingSignOff = (commits: readonly Commit[]): Commit[] => commits.filter((c) => c.parents.length <= 1 && !signedOffRe.test(c.message));

/** Prow's trigger.TrustedUser for a commit's author, with onlyOrgMembers = !skip_dco_check_for_collaborators. */
async function isTrustedAuthor(ctx: Ctx, options: DcoOptions, login: string | undefined): Promise<boolean> {
  if (!login) return false;
  if (ctx.botLogin && sameLogin(login, ctx.botLogin)) return true;
  if (login.endsWith('[bot]') && options.trustedApps.includes(login.slice(0, -'[bot]'.length))) return true;
  if (await ctx.trust.isOrgMember(login)) return true;
  if (options.skipForCollaborators && (await ctx.trust.isCollaborator(login))) return true;
  // The second org, when it is another one (Prow asks it last). ctx.trust asks the repository's
  // org only, so this one is asked here, and written down the same way.
  const secondary = options.trustedOrg;
  if (!secondary || sameLogin(secondary, ctx.repo.owner)) return false;
  const member = await ctx.github.isOrgMember({ owner: secondary, repo: ctx.repo.repo }, login);
  ctx.note(`member ${login} of ${secondary} (dco trusted_org): ${member ? 'yes' : 'no'}`);
  return member;
}

/** Prow's filterTrustedUsers: the commits whose authors are not trusted, each author asked once. */
async function untrustedCommits(ctx: Ctx, options: DcoOptions, commits: readonly Commit[]): Promise<Commit[]> {
  const trusted = new Map<string, boolean>();
  const untrusted: Commit[] = [];
  for (const commit of commits) {
    const login = commit.authorLogin;
    if (!login) ctx.note(`commit ${shortSha(commit.sha)} has no GitHub account as its author (${commit.authorEmail}), so it cannot be trusted`);
    const key = login?.toLowerCase() ?? '';
    let ok = trusted.get(key);
    if (ok === undefined) {
      ok = await isTrustedAuthor(ctx, options, login);
      trusted.set(key, ok);
    }
    if (ok) ctx.note(`commit ${shortSha(commit.sha)} lacks a sign-off, but ${login} is trusted`);
    else untrusted.push(commit);
  }
  return untrusted;
}

/** Deletes the bot's own earlier DCO comments (Prow's commentpruner only ever deletes the bot's). */
async function pruneComments(ctx: Ctx, ref: IssueRef): Promise<number> {
  const bot = ctx.botLogin;
  if (!bot) {
    ctx.note('the bot login is unknown, so none of its comments can be told apart; nothing pruned');
    return 0;
  }
  const stale = (await ctx.github.listComments(ref)).filter((c) => sameLogin(c.user.login, bot) && c.body.includes(dcoPruneMatch));
  for (const comment of stale) await ctx.github.deleteComment(ctx.repo, comment.id);
  return stale.length;
}

interface Check {
  number: number;
  headSha: string;
  /** The pull request's labels when they are known to be current; read otherwise. */
  labels: readonly string[] | undefined;
  /** Post the list of unsigned commits when some fail (opened, pushed to, `/check-dco`). */
  addComment: boolean;
  what: string;
}

/** Prow's handle and takeAction: commits, trust, the current status and labels, then what changes. */
async function check(ctx: Ctx, request: Check): Promise<Outcome> {
  const { owner, repo } = ctx.repo;
  const ref: IssueRef = { owner, repo, number: request.number };
  const options = dcoFor(ctx.config, owner, repo);

  const commits = await ctx.github.listPullRequestCommits(ref);
  let missing = commitsMissingSignOff(commits);
  if (missing.length && (options.skipForMembers || options.skipForCollaborators || options.trustedApps.length)) {
    missing = await untrustedCommits(ctx, options, missing);
  }
  const statuses = await ctx.github.listStatuses(ctx.repo, request.headSha);
  const existing = statuses.find((s) => s.context === dcoContext)?.state ?? '';
  const labels = (request.labels ?? (await ctx.github.getIssueLabels(ref))).map((l) => l.toLowerCase());
  const hasYes = labels.includes(dcoYesLabel);
  const hasNo = labels.includes(dcoNoLabel);
  const targetUrl = contributingUrl(options, owner, repo);

  if (!missing.length) {
    if (hasNo) await ctx.github.removeLabel(ref, dcoNoLabel);
    if (!hasYes) await ctx.github.addLabel(ref, dcoYesLabel);
    if (existing !== 'success') await ctx.github.createStatus(ctx.repo, request.headSha, { context: dcoContext, state: 'success', description: dcoSuccessDescription, targetUrl });
    const pruned = await pruneComments(ctx, ref);
    return { status: 'ran', reason: `${request.what}: ${plural(commits.length, 'commit')}, none lacking a sign-off from an untrusted author${pruned ? `; ${plural(pruned, 'old DCO comment')} deleted` : ''}` };
  }

  if (!hasNo) await ctx.github.addLabel(ref, dcoNoLabel);
  if (hasYes) await ctx.github.removeLabel(ref, dcoYesLabel);
  if (existing !== 'failure') await ctx.github.createStatus(ctx.repo, request.headSha, { context: dcoContext, state: 'failure', description: dcoFailedDescription, targetUrl });
  const reason = `${request.what}: ${missing.length} of ${plural(commits.length, 'commit')} lack a sign-off (${missing.map((c) => shortSha(c.sha)).join(', ')})`;
  if (!request.addComment) return { status: 'ran', reason };
  // The list of failing commits replaces the last one.
  await pruneComments(ctx, ref);
  try {
    await ctx.github.createComment(ref, dcoNotFoundMessage(targetUrl, markdownShaList(owner, repo, missing)));
  } catch (error) {
    if (isRetryable(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    ctx.note(`the DCO comment failed, carrying on as Prow does: ${message}`);
    ctx.log.warn('dco: could not create the DCO comment', { error: message });
  }
  return { status: 'ran', reason };
}

/** Prow reprocesses on these only; a push and a new pull request also get the comment. */
const prActions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize']);

async function onPullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (!prActions.has(event.action)) return { status: 'skipped', reason: `pull_request ${event.action} changes no commit` };
  const pr = event.pull_request;
  return check(ctx, {
    number: pr.number,
    headSha: pr.head.sha,
    // Nothing has labelled a pull request being opened but its author, whose labels the payload shows.
    labels: event.action === 'opened' ? pr.labels.map((l) => l.name) : undefined,
    addComment: event.action !== 'reopened',
    what: `pull_request ${event.action}`,
  });
}

async function onCheckDco(ctx: Ctx, event: GenericCommentEvent, line: string): Promise<Outcome> {
  if (!checkDcoRe.test(event.body)) return { status: 'skipped', reason: `"${line}" is not /check-dco: it takes nothing after it` };
  if (event.issueState !== 'open') return { status: 'skipped', reason: `the pull request is ${event.issueState}` };
  const pr = await ctx.github.getPullRequest({ ...ctx.repo, number: event.number });
  return check(ctx, { number: pr.number, headSha: pr.head.sha, labels: pr.labels, addComment: true, what: '/check-dco' });
}

const commands: CommandSpec<DcoConfig, DcoGitHub>[] = [
  {
    name: 'check-dco',
    description: 'Forces rechecking of the DCO status.',
    examples: ['/check-dco'],
    who: 'Anyone',
    only: { actions: ['created'], pullRequests: true },
    run: (ctx, event, match) => onCheckDco(ctx, event, match.line),
  },
];

export const dco: Plugin<DcoConfig, DcoGitHub> = {
  name: 'dco',
  description: `Checks that every commit of a pull request is signed off ('Signed-off-by:', the Developer Certificate of Origin), and keeps the '${dcoContext}' status and the '${dcoYesLabel}' / '${dcoNoLabel}' labels up to date. Per repository, commits by org members, collaborators or trusted apps may skip the check.`,
  config: { key: 'dco', schema: dcoConfigSchema },
  commands,
  on: { pull_request: onPullRequest },
};
