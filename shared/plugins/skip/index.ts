// skip: `/skip` on a pull request turns the failed and pending statuses of its non-blocking
// presubmits green, Prow's skip plugin (pkg/plugins/skip/). A presubmit is non-blocking when its
// context is not required (Prow's ContextRequired: `optional`, or `skip_report`); required ones
// are never touched, whatever their state. Only contexts that already reported count, nothing is
// done when the combined status is already success, and a job the same comment asks trigger to run
// (`/skip` with `/test foo`) is left for trigger, so it is tested rather than skipped.
//
// The combined state is derived from the latest status of each context (GitHub's own rule: any
// error or failure fails it, any pending or none at all leaves it pending), which is what
// `listStatuses` already reads from the combined-status endpoint. Like trigger, the comment is
// read without its code blocks when deciding what trigger will run, so the two agree.
import type { GitHubClient } from '../../github/client.js';
import { replyOnFailure } from '../reply-on-failure.js';
import { compileRe2 } from '../../jobs/re2.js';
import type { Presubmit } from '../../jobs/types.js';
import { triggerFor, triggersSection, type TriggerEntry } from '../../config/triggers-section.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { dropCodeBlock } from '../trigger/code-block.js';
import { honorOkToTest } from '../trigger/config.js';
import { filterPresubmits, presubmitFilterFor, type PullContexts } from '../trigger/presubmit-filter.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';

/** Prow's skipRe: `/skip` alone on its line, any case. */
export const skipRe = compileRe2('(?mi)^/skip\\s*$');

/** Prow's status description for a skipped context. */
export const skippedDescription = 'Skipped';

export const noJobsReason = 'jobs are not set up for this deployment (no job config): skip cannot tell which contexts belong to non-blocking presubmits';

export type SkipGitHub = Pick<GitHubClient, 'createComment' | 'createStatus' | 'getPullRequest' | 'listStatuses' | 'getPullRequestChanges' | 'getRef'>;
type Ctx = PluginContext<TriggerEntry[] | undefined, SkipGitHub>;

/** Prow's ContextRequired: a context that must pass to merge. */
export const contextRequired = (ps: Presubmit): boolean => !ps.optional && !ps.skipReport;

async function handle(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  if (event.issueState !== 'open') return { status: 'skipped', reason: `#${event.number} is ${event.issueState}` };
  if (!skipRe.test(event.body)) return { status: 'skipped', reason: '/skip is not alone on its line' };
  if (!ctx.jobs) return { status: 'refused', reason: noJobsReason };
  const jobs = ctx.jobs;
  const { owner, repo } = ctx.repo;
  const number = event.number;
  const ref = { ...ctx.repo, number };

  const pr = await replyOnFailure(ctx, event, () => ctx.github.getPullRequest(ref), (e) => `Cannot get PR #${number} in ${owner}/${repo}: ${e}`);
  if (!pr.ok) return pr.outcome;
  const pull = pr.value;
  // Prow reads `.prow.yaml` at the base branch as it is now (GetRef heads/<base>), not at the PR's
  // base SHA, and asks for it only when in-repo config is on.
  const baseSha = jobs.config.inRepoConfigEnabled(owner, repo) ? await ctx.github.getRef(ctx.repo, `heads/${pull.base.ref}`) : pull.base.sha;
  const { jobs: presubmits } = await jobs.presubmitsFor({ number, baseRef: pull.base.ref, baseSha, headSha: pull.head.sha });

  const listed = await replyOnFailure(ctx, event, () => ctx.github.listStatuses(ctx.repo, pull.head.sha), (e) => `Cannot get combined commit statuses for PR #${number} in ${owner}/${repo}: ${e}`);
  if (!listed.ok) return listed.outcome;
  const statuses = listed.value;
  if (combinedState(statuses.map((s) => s.state)) === 'success') return { status: 'skipped', reason: 'the combined status is already success' };

  const contexts: PullContexts = {
    failed: new Set(statuses.filter((s) => s.state === 'error' || s.state === 'failure').map((s) => s.context)),
    all: new Set(statuses.map((s) => s.context)),
  };
  let changes: Promise<readonly string[]> | undefined;
  const changed = () => (changes ??= ctx.github.getPullRequestChanges(ref).then((files) => files.map((f) => f.filename)));
  const text = dropCodeBlock(event.body);
  const filter = await presubmitFilterFor(honorOkToTest(triggerFor(ctx.config, owner, repo)), async () => contexts, text);
  const filtered = await replyOnFailure(ctx, event, () => filterPresubmits(filter, changed, pull.base.ref, presubmits), (e) => `Cannot get combined status for PR #${number} in ${owner}/${repo}: ${e}`);
  if (!filtered.ok) return filtered.outcome;
  const triggerWillHandle = (ps: Presubmit) => filtered.value.some((t) => t.name === ps.name && t.context === ps.context);

  const skipped: string[] = [];
  for (const job of presubmits) {
    const reported = statuses.filter((s) => s.context === job.context);
    // Only contexts that have reported and not passed.
    if (reported.length === 0 || reported.some((s) => s.state === 'success')) continue;
    if (triggerWillHandle(job)) {
      ctx.note(`${job.context}: left to trigger, which this comment asks to run ${job.name}`);
      continue;
    }
    if (contextRequired(job)) continue;
    const status = { context: job.context, state: 'success' as const, description: skippedDescription, targetUrl: '' };
    const set = await replyOnFailure(ctx, event, () => ctx.github.createStatus(ctx.repo, pull.head.sha, status), (e) => `Cannot update PR status for context ${job.context}: ${e}`);
    if (!set.ok) return set.outcome;
    skipped.push(job.context);
  }
  return { status: 'ran', reason: skipped.length ? `skipped ${skipped.join(', ')}` : 'no failed or pending non-blocking context to skip' };
}

/** GitHub's combined state over the latest status of each context. */
export function combinedState(states: readonly string[]): 'success' | 'failure' | 'pending' {
  if (states.some((s) => s === 'error' || s === 'failure')) return 'failure';
  if (states.length === 0 || states.includes('pending')) return 'pending';
  return 'success';
}

const commands: CommandSpec<TriggerEntry[] | undefined, SkipGitHub>[] = [
  {
    name: 'skip',
    description: 'Cleans up GitHub stale commit statuses for non-blocking jobs on a PR.',
    examples: ['/skip'],
    who: 'Anyone can trigger this command on a PR.',
    only: { actions: ['created'], pullRequests: true },
    run: (ctx, event) => handle(ctx, event),
  },
];

export const skip: Plugin<TriggerEntry[] | undefined, SkipGitHub> = {
  name: 'skip',
  description: 'The skip plugin allows users to clean up GitHub stale commit statuses for non-blocking jobs on a PR.',
  // Read for `/ok-to-test` in the same comment (Prow's HonorOkToTest): trigger will run what it selects.
  config: triggersSection,
  commands,
};
