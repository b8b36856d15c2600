// trigger on comments (Prow's handleGenericComment, pkg/plugins/trigger/generic-comment.go): a new
// comment on an open pull request that holds one of trigger's commands or matches a job's
// `trigger` regex, outside code blocks.
// - An untrusted commenter on an untrusted pull request (author not trusted, no `ok-to-test`) is
//   told that testing waits for `/ok-to-test`.
// - `/ok-to-test` by a trusted user adds `ok-to-test`, drops `needs-ok-to-test` and runs what
//   `/test all` runs; `/ok-to-test cancel` undoes the labels (trusted users only).
// - `/test <job>`, `/test all`, `/retest`, `/retest-required`, `/test-manual-required` run what
//   Prow's filters select (presubmit-filter.ts); `/test ?`, a bare `/test`, `/retest <x>` and a
//   `/test` that selects nothing get Prow's help reply (help-message.ts), and a run prunes the
//   bot's earlier help replies.
// - The jobs test the base branch's head as GitHub says it now (base-head.ts), read where Prow's
//   RefGetterForGitHubPullRequest.BaseSHA is: first when `.prow.yaml` is read at it, otherwise
//   once the commenter and the pull request are trusted and before anything is selected.
//
// Where it differs from Prow:
// - with `.prow.yaml` on, a base head that cannot be read fails the event before the comment is
//   matched; Prow falls back to the central presubmits, fails at its second read, and drops a
//   comment that neither they nor trigger's own commands match;
// - `/retest` reads which contexts failed from the pull request's job records for the head SHA
//   (the latest run of each context), not from GitHub's combined status: a failure crier has not
//   reported yet counts, and a `skip_report` job that passed is not run again;
// - the filters read the comment without its code blocks too (Prow reads the raw body there), so
//   a `/test x` quoted in a code block never runs beside a real `/retest`;
// - `trigger_github_workflows` (approving and rerunning GitHub Actions runs) is read and not acted
//   on: Skiff's GitHub port dispatches and lists workflow runs (the github-actions agent) but
//   cannot yet approve or re-run a run it did not start.
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { triggerMatches } from '../../jobs/matching.js';
import { isFinished, type JobRecord, type Presubmit } from '../../jobs/types.js';
import { replyTo } from '../respond.js';
import type { Outcome } from '../types.js';
import { withBaseHead } from './base-head.js';
import { dropCodeBlock } from './code-block.js';
import { honorOkToTest, triggerOptions } from './config.js';
import { noJobsReason, type JobsContext, type TriggerContext } from './context.js';
import { availablePresubmits, filterPresubmits, okToTestCancelRe, okToTestRe, presubmitFilterFor, retestRe, retestRequiredRe, testAllRe, testManualRequiredRe, type PullContexts } from './presubmit-filter.js';
import { helpMessage, isHelpComment, mayNeedHelpComment, shouldPruneHelp, shouldRespondWithHelp } from './help-message.js';
import { needsOkToTestLabel, okToTestLabel, onlyTrustedCanCancelReply, untrustedIgnoreOkToTestReply, untrustedReply } from './messages.js';
import { presubmitsForPull } from './pull-presubmits.js';
import { changedFiles, names, pullFromApi, retestLabel, runRequested, type PullInfo } from './run-requested.js';
import { hasLabel, trustedPullRequest } from './trusted-pull.js';

/** Prow's commentMatchesTrigger, for trigger's own commands. */
const builtInCommand = (text: string): boolean =>
  [retestRe, retestRequiredRe, testManualRequiredRe, okToTestRe, okToTestCancelRe, testAllRe].some((re) => re.test(text)) || mayNeedHelpComment(text);

/** Prow's commentMatchesTrigger: one of trigger's commands, or any job's trigger. */
export const commentMatchesTrigger = (text: string, presubmits: readonly Presubmit[]): boolean => builtInCommand(text) || presubmits.some((ps) => triggerMatches(ps, text));

export async function handleGenericComment(ctx: TriggerContext, event: GenericCommentEvent): Promise<Outcome> {
  if (event.action !== 'created') return { status: 'skipped', reason: `only new comments start jobs; this one was ${event.action}` };
  if (!event.isPR) return { status: 'skipped', reason: `#${event.number} is an issue, not a pull request` };
  if (event.issueState !== 'open') return { status: 'skipped', reason: `#${event.number} is ${event.issueState}` };
  const commenter = event.user.login;
  if (ctx.botLogin && commenter.toLowerCase() === ctx.botLogin.toLowerCase()) return { status: 'skipped', reason: 'the comment is by the bot itself' };
  const text = dropCodeBlock(event.body);
  const { owner, repo } = ctx.repo;
  if (!ctx.jobs) return builtInCommand(text) ? { status: 'refused', reason: noJobsReason } : { status: 'skipped', reason: 'no trigger command in the comment' };
  const jctx = ctx as JobsContext;

  // The pull request (and so `.prow.yaml`) is read only when the comment could be for trigger:
  // most comments are not, and the central config's triggers say so at no cost.
  const central = jctx.jobs.config.presubmits[`${owner}/${repo}`] ?? [];
  const inRepo = jctx.jobs.config.inRepoConfigEnabled(owner, repo);
  if (!commentMatchesTrigger(text, central) && !inRepo) {
    return { status: 'skipped', reason: 'the comment matches no trigger command and no job trigger' };
  }
  const ref = { ...ctx.repo, number: event.number };
  let pull = pullFromApi(await ctx.github.getPullRequest(ref));
  if (inRepo) pull = await withBaseHead(jctx, pull);
  const presubmits = await presubmitsForPull(jctx, pull);
  if (!commentMatchesTrigger(text, presubmits)) return { status: 'skipped', reason: 'the comment matches no trigger command and no job trigger' };

  const options = triggerOptions(ctx.config, owner, repo);
  const honor = honorOkToTest(options);
  const commenterTrust = await ctx.trust.isTrustedUser(commenter);
  let labels: string[] | undefined;
  if (!commenterTrust.trusted) {
    const pullTrust = await trustedPullRequest(ctx, event.issueAuthor, event.number);
    labels = pullTrust.labels;
    if (!pullTrust.trusted) {
      await ctx.github.createComment(ref, replyTo(event, options.ignoreOkToTest ? untrustedIgnoreOkToTestReply : untrustedReply));
      return { status: 'refused', reason: `${commenter} is not trusted (${commenterTrust.reason}) and the pull request by ${event.issueAuthor} has no ${okToTestLabel}` };
    }
  }

  labels ??= await ctx.github.getIssueLabels(ref);
  const isOkToTest = honor && okToTestRe.test(text);
  if (isOkToTest && !hasLabel(labels, okToTestLabel)) await ctx.github.addLabel(ref, okToTestLabel);
  if ((isOkToTest || hasLabel(labels, okToTestLabel)) && hasLabel(labels, needsOkToTestLabel)) await ctx.github.removeLabel(ref, needsOkToTestLabel);

  if (honor && okToTestCancelRe.test(text)) {
    if (!commenterTrust.trusted) {
      await ctx.github.createComment(ref, replyTo(event, onlyTrustedCanCancelReply));
      return { status: 'refused', reason: `${commenter} is not trusted: only trusted users can revoke /ok-to-test` };
    }
    if (hasLabel(labels, okToTestLabel)) await ctx.github.removeLabel(ref, okToTestLabel);
    if (!hasLabel(labels, needsOkToTestLabel)) await ctx.github.addLabel(ref, needsOkToTestLabel);
    return { status: 'ran', reason: `/ok-to-test cancel: ${needsOkToTestLabel} restored` };
  }

  if (!inRepo) pull = await withBaseHead(jctx, pull);
  const changes = changedFiles(ctx, pull.number);
  const filter = await presubmitFilterFor(honor, () => contextsOf(jctx, pull), text);
  const toTest = await filterPresubmits(filter, changes, pull.baseRef, presubmits);
  const { help, note } = shouldRespondWithHelp(text, toTest.length);
  if (help) {
    const available = await availablePresubmits(changes, pull.baseRef, presubmits);
    await ctx.github.createComment(ref, replyTo(event, helpMessage(owner, repo, pull.baseRef, note, available)));
    return { status: 'ran', reason: note ? `replied with the list of jobs: ${note.trim()}` : 'replied with the list of jobs' };
  }
  if (shouldPruneHelp(text)) await pruneHelpComments(ctx, event.number);
  const retest = retestRe.test(text) || retestRequiredRe.test(text);
  const made = await runRequested(jctx, pull, toTest, { requestedBy: commenter, ...(retest ? { labels: { [retestLabel]: 'true' } } : {}) });
  return { status: 'ran', reason: made.length ? `started ${names(made)}` : toTest.length ? `selected ${names(toTest)}, started none` : 'no job selected' };
}

/**
 * The head's contexts as `/retest` sees them: each context's latest run on the head SHA, failed
 * when that run ended other than in success (crier reports failure, aborted and error all as a
 * failed status, which is what Prow's `/retest` reads). Runs on older SHAs do not count.
 */
export async function contextsOf(ctx: JobsContext, pull: PullInfo): Promise<PullContexts> {
  const latest = new Map<string, JobRecord>();
  // forPull is newest first: the first record of a context is its latest run.
  for (const job of await ctx.jobs.forPull(pull.number)) {
    if (job.type !== 'presubmit' || !job.context || job.refs?.pulls[0]?.sha !== pull.headSha) continue;
    if (!latest.has(job.context)) latest.set(job.context, job);
  }
  const failed = new Set<string>();
  for (const [context, job] of latest) if (isFinished(job.state) && job.state !== 'success') failed.add(context);
  return { failed, all: new Set(latest.keys()) };
}

/** Prow's PruneComments with IsHelpComment: the bot's earlier help replies go once something runs. */
async function pruneHelpComments(ctx: TriggerContext, number: number): Promise<void> {
  if (!ctx.botLogin) return;
  const bot = ctx.botLogin.toLowerCase();
  const ref = { ...ctx.repo, number };
  for (const comment of await ctx.github.listComments(ref)) {
    if (comment.user.login.toLowerCase() === bot && isHelpComment(comment.body)) await ctx.github.deleteComment(ctx.repo, comment.id);
  }
}
