// trigger on `pull_request` events (Prow's handlePR, pkg/plugins/trigger/pull-request.go):
// - opened: a trusted author's pull request runs its presubmits (a draft gets Prow's "Skipping CI
//   for Draft Pull Request." instead); an untrusted author's gets `needs-ok-to-test` and Prow's
//   "Hi @user. Thanks for your PR." comment;
// - reopened, ready_for_review, edited with a new base: runs them again if trusted (author or
//   `ok-to-test`), dropping a stale `needs-ok-to-test`;
// - synchronize (a push to the head): aborts the older running presubmits, then runs them again
//   if trusted;
// - labeled `lgtm` on an untrusted pull request, or `ok-to-test` by someone other than the bot
//   (the bot's own label comes with its `/ok-to-test` comment, which runs the jobs): runs them;
// - closed, converted_to_draft: aborts the running presubmits.
//
// The jobs test the base branch's head as GitHub says it now (base-head.ts), read only once there
// are presubmits to run, or first when `.prow.yaml` is to be read at it, as Prow's handlePR does.
//
// Where it differs from Prow:
// - with `.prow.yaml` on, a base head that cannot be read fails the event; Prow falls back to
//   the central presubmits there, and drops the event silently when there are none (with some,
//   it reads the head again and fails as Skiff does);
// - closing or converting to draft aborts even where no presubmits are configured any more, and
//   reads no job config to do it;
// - the repeat contributor's prominent "join the org" line counts merged pull requests in this
//   repository; Prow searches the whole org.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { Presubmit } from '../../jobs/types.js';
import type { Outcome } from '../types.js';
import { withBaseHead } from './base-head.js';
import { triggerOptions, type TriggerOptions } from './config.js';
import { noJobsReason, type JobsContext, type TriggerContext } from './context.js';
import { draftMessage, lgtmLabel, needsOkToTestLabel, okToTestLabel, orgInvitationGuidance, welcomeMessage } from './messages.js';
import { filterPresubmits, testAllFilter } from './presubmit-filter.js';
import { presubmitsForPull } from './pull-presubmits.js';
import { abortJobs, changedFiles, names, pullFromPayload, runRequested, type PullInfo } from './run-requested.js';
import { hasLabel, trustedPullRequest } from './trusted-pull.js';

/** The actions trigger acts on; the others are skipped before any job config is read. */
const handled = new Set(['opened', 'reopened', 'edited', 'synchronize', 'labeled', 'closed', 'ready_for_review', 'converted_to_draft']);

interface Event {
  ctx: JobsContext;
  options: TriggerOptions;
  pull: PullInfo;
  payload: PullRequestEvent;
}

export async function handlePullRequest(ctx: TriggerContext, payload: PullRequestEvent): Promise<Outcome> {
  const action = payload.action;
  if (!handled.has(action)) return { status: 'skipped', reason: `pull_request action "${action}" starts and stops no jobs` };
  if (!ctx.jobs) return { status: 'refused', reason: noJobsReason };
  const jctx = ctx as JobsContext;
  let pull = pullFromPayload(payload.pull_request, payload.repository.clone_url);

  if (action === 'closed' || action === 'converted_to_draft') {
    const aborted = await abortJobs(jctx, pull.number);
    return { status: 'ran', reason: aborted.length ? `${action}: aborted ${names(aborted)}` : `${action}: no running presubmits to abort` };
  }
  if (action === 'edited' && !baseChanged(payload)) return { status: 'skipped', reason: 'edited without a change of base: nothing to retest' };
  if (action === 'labeled') {
    const label = (payload as { label?: { name?: string } }).label?.name ?? '';
    if (!hasLabel([label], lgtmLabel) && !hasLabel([label], okToTestLabel)) return { status: 'skipped', reason: `label "${label}" starts no jobs` };
  }

  // `.prow.yaml` is read at the base's head, so that comes first; otherwise the head is read only
  // for a repository with presubmits (Prow's baseSHAGetter, then `if baseSHA == ""`).
  const inRepo = jctx.jobs.config.inRepoConfigEnabled(ctx.repo.owner, ctx.repo.repo);
  if (inRepo) pull = await withBaseHead(jctx, pull);
  const presubmits = await presubmitsForPull(jctx, pull);
  if (!presubmits.length) return { status: 'skipped', reason: `no presubmits for ${ctx.repo.owner}/${ctx.repo.repo}` };
  if (!inRepo) pull = await withBaseHead(jctx, pull);
  const event: Event = { ctx: jctx, options: triggerOptions(ctx.config, ctx.repo.owner, ctx.repo.repo), pull, payload };

  switch (action) {
    case 'opened':
      return opened(event, presubmits);
    case 'synchronize': {
      // The jobs of the new head are spared: a retry of this delivery may already have made them.
      const aborted = await abortJobs(jctx, pull.number, (job) => job.refs?.pulls[0]?.sha === pull.headSha);
      const outcome = await buildAllIfTrusted(event, presubmits);
      return aborted.length ? { ...outcome, reason: `aborted ${names(aborted)}; ${outcome.reason}` } : outcome;
    }
    case 'labeled':
      return labeled(event, presubmits);
    default:
      // reopened, ready_for_review, edited with a new base.
      return buildAllIfTrusted(event, presubmits);
  }
}

/** Prow reads `changes.base.ref.from` / `changes.base.sha.from`: either means a new base. */
function baseChanged(payload: PullRequestEvent): boolean {
  const base = (payload as { changes?: { base?: { ref?: { from?: string }; sha?: { from?: string } } } }).changes?.base;
  return Boolean(base?.ref?.from || base?.sha?.from);
}

async function opened(event: Event, presubmits: Presubmit[]): Promise<Outcome> {
  const { ctx, pull } = event;
  // Nobody has said `/ok-to-test` on a pull request that was just opened: only the author counts.
  if ((await ctx.trust.isTrustedUser(pull.author)).trusted) {
    if (pull.draft) {
      await ctx.github.createComment({ ...ctx.repo, number: pull.number }, draftMessage);
      return { status: 'ran', reason: 'a draft: CI skipped, said so' };
    }
    return buildAll(event, presubmits, 'opened by a trusted author');
  }
  return welcome(event);
}

async function welcome(event: Event): Promise<Outcome> {
  const { ctx, pull, options, payload } = event;
  const ref = { ...ctx.repo, number: pull.number };
  const org = ctx.repo.owner;
  const fullName = `${ctx.repo.owner}/${ctx.repo.repo}`;
  let labelled = false;
  let body: string;
  if (options.ignoreOkToTest) {
    body = welcomeMessage(pull.author, org, fullName, options, '');
  } else {
    body = welcomeMessage(pull.author, org, fullName, options, orgInvitationGuidance(options, await isRepeatContributor(event, payload.pull_request.user.type)));
    // Automation may have added `ok-to-test` already; then there is nothing to wait for.
    if (!hasLabel(await ctx.github.getIssueLabels(ref), okToTestLabel)) {
      await ctx.github.addLabel(ref, needsOkToTestLabel);
      labelled = true;
    }
  }
  await ctx.github.createComment(ref, body);
  return { status: 'ran', reason: `${pull.author} is not trusted: welcomed${labelled ? ` and labelled ${needsOkToTestLabel}` : ''}` };
}

/** Prow's shouldHighlightJoinOrgMessage: a person (not a bot) with enough merged pull requests; a failed search is a no. */
async function isRepeatContributor(event: Event, userType: string): Promise<boolean> {
  const { ctx, pull, options } = event;
  const prominent = options.orgInvite.prominent;
  if (prominent.disabled || userType === 'Bot') return false;
  try {
    const merged = await ctx.github.countIssues(ctx.repo, `type:pr is:merged author:${pull.author}`);
    return merged >= prominent.mergedPrThreshold;
  } catch (error) {
    ctx.log.warn('could not count the author\'s merged pull requests; the regular "join the org" line is used', { error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

async function labeled(event: Event, presubmits: Presubmit[]): Promise<Outcome> {
  const { ctx, pull, payload } = event;
  const label = (payload as { label?: { name?: string } }).label?.name ?? '';
  if (hasLabel([label], lgtmLabel)) {
    // An untrusted pull request that a reviewer approved is tested once.
    if ((await trustedPullRequest(ctx, pull.author, pull.number)).trusted) return { status: 'skipped', reason: 'lgtm on a trusted pull request: its jobs ran already' };
    return buildAllButDrafts(event, presubmits, 'lgtm on an untrusted pull request');
  }
  const sender = payload.sender.login.toLowerCase();
  if (ctx.botLogin && sender === ctx.botLogin.toLowerCase()) return { status: 'skipped', reason: `${okToTestLabel} added by the bot: its /ok-to-test comment runs the jobs` };
  return buildAllButDrafts(event, presubmits, `${okToTestLabel} added by ${payload.sender.login}`);
}

/** Prow's buildAllIfTrusted: the author, or `ok-to-test`; a stale `needs-ok-to-test` goes. */
async function buildAllIfTrusted(event: Event, presubmits: Presubmit[]): Promise<Outcome> {
  const { ctx, pull } = event;
  const { trusted, labels } = await trustedPullRequest(ctx, pull.author, pull.number);
  if (!trusted) return { status: 'skipped', reason: `${pull.author} is not trusted and the pull request has no ${okToTestLabel}` };
  // Only known when the labels were read, i.e. the author is not trusted themselves (as in Prow).
  if (labels && hasLabel(labels, needsOkToTestLabel)) await ctx.github.removeLabel({ ...ctx.repo, number: pull.number }, needsOkToTestLabel);
  return buildAllButDrafts(event, presubmits, `${event.payload.action}, trusted`);
}

async function buildAllButDrafts(event: Event, presubmits: Presubmit[], why: string): Promise<Outcome> {
  if (event.pull.draft) return { status: 'skipped', reason: `${why}, but a draft: no jobs until it is ready for review` };
  return buildAll(event, presubmits, why);
}

/** Prow's buildAll: what `/test all` would run. */
async function buildAll(event: Event, presubmits: Presubmit[], why: string): Promise<Outcome> {
  const { ctx, pull, payload } = event;
  const toTest = await filterPresubmits(testAllFilter, changedFiles(ctx, pull.number), pull.baseRef, presubmits);
  const installation = payload.installation?.id;
  const made = await runRequested(ctx, pull, toTest, { requestedBy: payload.sender.login, ...(installation === undefined ? {} : { installation }) });
  return { status: 'ran', reason: made.length ? `${why}: started ${names(made)}` : `${why}: no job should run` };
}
