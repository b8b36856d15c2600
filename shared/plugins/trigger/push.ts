// trigger on `push` events (Prow's handlePE, pkg/plugins/trigger/push.go): the postsubmits of the
// pushed branch (or tag) whose branch and change filters match run at the pushed SHA. The changed
// files are those the payload's commits added, removed or modified. A deleted branch, or a push
// whose `after` is the zero SHA, runs nothing.
import type { PushEvent } from '@octokit/webhooks-types';
import { postsubmitShouldRun } from '../../jobs/matching.js';
import type { Refs } from '../../jobs/types.js';
import type { Outcome } from '../types.js';
import { noJobsReason, type JobsContext, type TriggerContext } from './context.js';
import { names } from './run-requested.js';

const zeroSha = '0000000000000000000000000000000000000000';

/** Prow's PushEvent.Branch: the ref without `refs/heads/` (or `refs/tags/`). */
export const pushedBranch = (ref: string): string => ref.replace(/^refs\/heads\//, '').replace(/^refs\/tags\//, '');

/** Prow's listPushEventChanges: every path the pushed commits touched, once. */
export function pushChanges(payload: Pick<PushEvent, 'commits'>): string[] {
  const changed = new Set<string>();
  for (const commit of payload.commits ?? []) for (const path of [...(commit.added ?? []), ...(commit.removed ?? []), ...(commit.modified ?? [])]) changed.add(path);
  return [...changed];
}

/** Prow's createRefs for a push: the branch at the pushed SHA, no pulls; the clone URL from the payload. */
export function pushRefs(ctx: TriggerContext, payload: PushEvent): Refs {
  return {
    org: ctx.repo.owner,
    repo: ctx.repo.repo,
    repoLink: payload.repository.html_url,
    baseRef: pushedBranch(payload.ref),
    baseSha: payload.after,
    baseLink: payload.compare,
    pulls: [],
    ...(payload.repository.clone_url ? { cloneUri: payload.repository.clone_url } : {}),
  };
}

export async function handlePush(ctx: TriggerContext, payload: PushEvent): Promise<Outcome> {
  if (payload.deleted || payload.after === zeroSha) return { status: 'skipped', reason: `${payload.ref} was deleted: no postsubmits run` };
  if (!ctx.jobs) return { status: 'refused', reason: noJobsReason };
  const jctx = ctx as JobsContext;
  const branch = pushedBranch(payload.ref);
  const postsubmits = await jctx.jobs.postsubmitsFor(branch, payload.after);
  const changes = pushChanges(payload);
  const toRun = [];
  for (const ps of postsubmits) if (await postsubmitShouldRun(ps, branch, async () => changes)) toRun.push(ps);
  if (!toRun.length) return { status: 'skipped', reason: postsubmits.length ? `no postsubmit matches ${branch} and the changed files` : `no postsubmits for ${ctx.repo.owner}/${ctx.repo.repo}` };
  const refs = pushRefs(ctx, payload);
  const installation = payload.installation?.id;
  // One batch: unlike a pull request's presubmits, Prow stops at the first postsubmit it cannot
  // make, and a retry makes none of them twice.
  const made = await jctx.jobs.trigger(
    toRun.map((definition) => ({
      definition,
      type: 'postsubmit' as const,
      refs,
      cause: ctx.delivery,
      requestedBy: payload.sender?.login ?? payload.pusher.name,
      ...(installation === undefined ? {} : { installation }),
    })),
  );
  return { status: 'ran', reason: `started ${names(made)} at ${payload.after.slice(0, 12)} on ${branch}` };
}
