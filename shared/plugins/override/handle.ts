// `/override`, `/override-sticky` and `/override-cancel` (Prow's handle and handleOverrideCancel).
//
// An override turns a context that has not passed green with "Overridden by <user>" (sticky ones
// add Prow's `[prow:skip-retest]`) and the base branch's SHA, so tide knows which base it passed
// against. The contexts that may be named are those on the head that have not passed, the
// presubmit names behind them, and the base branch's required contexts (a required context that
// never reported can be overridden too). For a presubmit, a succeeded job record is made as Prow
// makes its ProwJob, so tide sees a passed run; where jobs are not set up the status alone is set
// and job names are not known.
//
// Where it differs from Prow:
// - check runs are not read or created (Prow does, with GitHub App auth): only commit statuses;
// - statuses are the latest of each context (GitHub's combined view), so `/override-cancel` never
//   acts on an override a later run already replaced.
import { RE2JS } from 're2js';
import type { CommitStatus, GitHubClient, PullRequest } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { contextDescriptionWithBaseSha } from '../../jobs/crier.js';
import type { Presubmit } from '../../jobs/types.js';
import { replyTo } from '../respond.js';
import { replyOnFailure } from '../reply-on-failure.js';
import { presubmitRefs, pullFromApi } from '../trigger/run-requested.js';
import type { Outcome, PluginContext } from '../types.js';
import { isAuthorized, type AuthorizeGitHub } from './authorize.js';
import type { OverrideConfig } from './config.js';
import {
  cancelledDescription,
  cancelledMessage,
  description,
  noTargetMessage,
  nothingToCancelMessage,
  overrideDescriptionPrefix,
  sortStrings,
  stickyDescription,
  successMessage,
  unknownContextsMessage,
  whoCanUse,
} from './messages.js';

export type OverrideGitHub = AuthorizeGitHub & Pick<GitHubClient, 'createComment' | 'createStatus' | 'getPullRequest' | 'listStatuses' | 'getBranchProtection' | 'getRef'>;
export type OverrideContext = PluginContext<OverrideConfig, OverrideGitHub>;

// Prow's regexes, with Go's RE2 semantics (`$` ends a line at `\n` only).
const overrideStickyRe = RE2JS.compile('(?mi)^/override-sticky( ([^\\r\\n]+))?[\\r\\n]?$');
const overrideCancelRe = RE2JS.compile('(?mi)^/override-cancel( ([^\\r\\n]+))?[\\r\\n]?$');
const overrideRe = RE2JS.compile('(?mi)^/override( ([^\\r\\n]+))?[\\r\\n]?$');

/** A status as listed, or a required context that has reported nothing (no state). */
type SeenStatus = Omit<CommitStatus, 'state'> & { state: CommitStatus['state'] | undefined };

/** Each match's argument text (group 2), or `undefined` for a bare command. */
function findAll(re: RE2JS, body: string): (string | undefined)[] {
  const found: (string | undefined)[] = [];
  const m = re.matcher(body);
  while (m.find()) found.push(m.group(1) ? (m.group(2) ?? undefined) : undefined);
  return found;
}

/** Prow's parseOverrideInput: space-separated names; a double-quoted one may hold spaces. */
export function parseOverrideInput(input: string): string[] {
  const fields: string[] = [];
  let quoted = false;
  let current = '';
  for (const ch of input) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ' ') {
      if (current) fields.push(current);
      current = '';
    } else current += ch;
  }
  if (current) fields.push(current);
  return fields.map((f) => trimQuotes(f.trim()));
}

const trimQuotes = (s: string): string => s.replace(/^"+/, '').replace(/"+$/, '');

/** Did the comment hold any of the three commands? */
export const mentionsOverride = (body: string): boolean => [overrideRe, overrideStickyRe, overrideCancelRe].some((re) => re.matcher(body).find());

/** The base branch's SHA now (Prow's shaGetterFactory: read once, on first use). */
function baseShaGetter(ctx: OverrideContext, branch: string): () => Promise<string> {
  let sha: Promise<string> | undefined;
  return () => (sha ??= ctx.github.getRef(ctx.repo, `heads/${branch}`));
}

const ref = (ctx: OverrideContext, event: GenericCommentEvent) => ({ ...ctx.repo, number: event.number });
const reply = async (ctx: OverrideContext, event: GenericCommentEvent, message: string, status: Outcome['status'] = 'refused'): Promise<Outcome> => {
  await ctx.github.createComment(ref(ctx, event), replyTo(event, message));
  return { status, reason: message };
};

async function readPull(ctx: OverrideContext, event: GenericCommentEvent) {
  const { owner, repo } = ctx.repo;
  return replyOnFailure(ctx, event, () => ctx.github.getPullRequest(ref(ctx, event)), () => `Cannot get PR #${event.number} in ${owner}/${repo}`);
}

/** Prow's handle: `/override` (sticky false) or `/override-sticky`. `undefined`: the command is not in the comment. */
export async function handleOverride(ctx: OverrideContext, event: GenericCommentEvent, sticky: boolean): Promise<Outcome | undefined> {
  const command = sticky ? '/override-sticky' : '/override';
  const describe = sticky ? stickyDescription : description;
  const matches = findAll(sticky ? overrideStickyRe : overrideRe, event.body);
  if (matches.length === 0) return undefined;
  const { owner, repo } = ctx.repo;
  const user = event.user.login;

  const overrides = new Set<string>();
  for (const arg of matches) {
    if (arg === undefined) return reply(ctx, event, noTargetMessage(command));
    for (const name of parseOverrideInput(arg)) overrides.add(name);
  }

  const read = await readPull(ctx, event);
  if (!read.ok) return read.outcome;
  const pr = read.value;
  const baseSha = baseShaGetter(ctx, pr.base.ref);
  if (!(await isAuthorized(ctx, user, baseSha))) return reply(ctx, event, `${user} unauthorized: ${command} is restricted to ${whoCanUse(ctx.config, owner, repo)}`);

  const sha = pr.head.sha;
  const listed = await replyOnFailure(ctx, event, () => ctx.github.listStatuses(ctx.repo, sha), () => `Cannot get commit statuses for PR #${event.number} in ${owner}/${repo}`);
  if (!listed.ok) return listed.outcome;
  const statuses: SeenStatus[] = [...listed.value];

  const presubmitsRead = await replyOnFailure(ctx, event, () => presubmitsOf(ctx, pr, baseSha), () => 'Failed to get presubmits');
  if (!presubmitsRead.ok) return presubmitsRead.outcome;
  const presubmits = presubmitsRead.value;
  const presubmitFor = (context: string) => presubmits.find((p) => p.context === context);

  const contexts = new Set<string>();
  for (const status of statuses) {
    if (status.state === 'success') continue;
    contexts.add(status.context);
    const job = presubmitFor(status.context);
    if (job) contexts.add(job.name);
  }

  const branch = pr.base.ref;
  const protection = await replyOnFailure(ctx, event, () => ctx.github.getBranchProtection(ctx.repo, branch), () => `Cannot get branch protection for branch ${branch} in ${owner}/${repo}`);
  if (!protection.ok) return protection.outcome;
  for (const context of protection.value?.requiredStatusChecks?.contexts ?? []) {
    if (contexts.has(context)) continue;
    contexts.add(context);
    // A required context that never reported: overridable, from no state at all.
    statuses.push({ context, state: undefined, description: '', targetUrl: '' });
  }

  const unknown = [...overrides].filter((o) => !contexts.has(o));
  if (unknown.length) return reply(ctx, event, unknownContextsMessage(command, sortStrings(unknown), sortStrings(contexts)));

  const base = await replyOnFailure(ctx, event, baseSha, () => 'Cannot get base ref of PR');
  if (!base.ok) return base.outcome;

  const done = new Set<string>();
  const withRecords = new Set<string>();
  let outcome: Outcome | undefined;
  try {
    for (const status of statuses) {
      const pre = presubmitFor(status.context);
      if (status.state === 'success' || !(overrides.has(status.context) || (pre !== undefined && overrides.has(pre.name))) || withRecords.has(status.context)) continue;
      if (pre) {
        const made = await recordOverride(ctx, event, pr, base.value, pre, describe(user));
        if (made === 'failed') {
          outcome = await reply(ctx, event, `Failed to create override job for ${status.context}`);
          return outcome;
        }
        withRecords.add(status.context);
      }
      const set = await replyOnFailure(
        ctx,
        event,
        () => ctx.github.createStatus(ctx.repo, sha, { ...status, state: 'success', description: contextDescriptionWithBaseSha(describe(user), base.value) }),
        () => `Cannot update PR status for context ${status.context}`,
      );
      if (!set.ok) {
        outcome = set.outcome;
        return outcome;
      }
      done.add(status.context);
    }
  } finally {
    // Prow says what it did even when a later context failed (its deferred comment).
    if (done.size) await ctx.github.createComment(ref(ctx, event), replyTo(event, successMessage(user, sortStrings(done), sticky)));
  }
  return { status: 'ran', reason: done.size ? `${command}: ${sortStrings(done).join(', ')}` : `${command}: nothing to override` };
}

/** The presubmits behind the contexts, when jobs are set up; none otherwise (contexts only). */
async function presubmitsOf(ctx: OverrideContext, pr: PullRequest, baseSha: () => Promise<string>): Promise<Presubmit[]> {
  if (!ctx.jobs) {
    ctx.note('jobs are not set up here: contexts only, no job names, no job records');
    return [];
  }
  const { owner, repo } = ctx.repo;
  // Prow reads `.prow.yaml` at the base branch as it is now, and only when in-repo config is on.
  const base = ctx.jobs.config.inRepoConfigEnabled(owner, repo) ? await baseSha() : pr.base.sha;
  return (await ctx.jobs.presubmitsFor({ number: pr.number, baseRef: pr.base.ref, baseSha: base, headSha: pr.head.sha })).jobs;
}

/**
 * Prow creates a ProwJob in state success for an overridden presubmit (pjutil.NewPresubmit with
 * the event's GUID), so tide counts it as a passed run. The delivery id is its cause: a retried
 * delivery finds the same record.
 */
async function recordOverride(ctx: OverrideContext, event: GenericCommentEvent, pr: PullRequest, baseSha: string, job: Presubmit, text: string): Promise<'made' | 'skipped' | 'failed'> {
  const jobs = ctx.jobs;
  if (!jobs?.recordFinished) {
    if (jobs) ctx.note(`no job record for ${job.name}: this deployment's job access cannot record finished jobs`);
    return 'skipped';
  }
  const refs = presubmitRefs(ctx, { ...pullFromApi(pr), baseSha });
  try {
    await jobs.recordFinished({ definition: job, type: 'presubmit', refs, cause: ctx.delivery, requestedBy: event.user.login }, { state: 'success', description: text, url: event.htmlUrl });
    return 'made';
  } catch (error) {
    ctx.log.warn(`Failed to create override job for ${job.context}`, { error: error instanceof Error ? error.message : String(error) });
    return 'failed';
  }
}

/** Prow's handleOverrideCancel: overrides (regular or sticky) back to failure, all of them or those named. */
export async function handleOverrideCancel(ctx: OverrideContext, event: GenericCommentEvent): Promise<Outcome | undefined> {
  const matches = findAll(overrideCancelRe, event.body);
  if (matches.length === 0) return undefined;
  const { owner, repo } = ctx.repo;
  const user = event.user.login;

  const read = await readPull(ctx, event);
  if (!read.ok) return read.outcome;
  const pr = read.value;
  if (!(await isAuthorized(ctx, user, baseShaGetter(ctx, pr.base.ref)))) {
    return reply(ctx, event, `${user} unauthorized: /override-cancel is restricted to ${whoCanUse(ctx.config, owner, repo)}`);
  }

  let cancelAll = false;
  const named = new Set<string>();
  for (const arg of matches) {
    if (arg === undefined) {
      cancelAll = true;
      break;
    }
    for (const name of parseOverrideInput(arg)) named.add(name);
  }

  const sha = pr.head.sha;
  const listed = await replyOnFailure(ctx, event, () => ctx.github.listStatuses(ctx.repo, sha), () => `Cannot get commit statuses for PR #${event.number} in ${owner}/${repo}`);
  if (!listed.ok) return listed.outcome;

  const cancelled = new Set<string>();
  for (const status of listed.value) {
    if (!status.description.includes(overrideDescriptionPrefix)) continue;
    if (!cancelAll && !named.has(status.context)) continue;
    const set = await replyOnFailure(ctx, event, () => ctx.github.createStatus(ctx.repo, sha, { ...status, state: 'failure', description: cancelledDescription(user) }), () => `Cannot update PR status for context ${status.context}`);
    if (!set.ok) return set.outcome;
    cancelled.add(status.context);
  }
  if (cancelled.size === 0) return reply(ctx, event, nothingToCancelMessage, 'ran');
  return reply(ctx, event, cancelledMessage(user, sortStrings(cancelled)), 'ran');
}
