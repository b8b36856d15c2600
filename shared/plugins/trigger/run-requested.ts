// Turning the chosen presubmits into job records, and aborting a pull request's running ones
// (Prow's runRequested, pjutil.NewPresubmit's Refs, abortAllJobs). Records are made through
// `ctx.jobs`, with the delivery id as their cause: a redelivered event, or the same delivery
// reaching trigger twice (a pull request opened with `/test all` in its body), makes each record
// once.
import type { PullRequest as PullRequestPayload } from '@octokit/webhooks-types';
import type { PullRequest } from '../../github/client.js';
import { isFinished, type JobRecord, type Presubmit, type Refs } from '../../jobs/types.js';
import type { ChangedFiles } from '../../jobs/matching.js';
import type { JobsContext, TriggerContext } from './context.js';
import { abortedDescription } from './messages.js';

/** What trigger needs to know of a pull request, from a payload or from the API. */
export interface PullInfo {
  number: number;
  author: string;
  authorLink?: string;
  title: string;
  htmlUrl: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  /** `false` when GitHub says it does not merge; `null` while unknown. */
  mergeable: boolean | null;
  repoLink: string;
  cloneUri?: string;
}

/** From a `pull_request` event's payload; the clone URL is the repository's, so GitHub Enterprise works. */
export function pullFromPayload(pr: PullRequestPayload, cloneUrl: string | undefined): PullInfo {
  return {
    number: pr.number,
    author: pr.user.login,
    authorLink: pr.user.html_url,
    title: pr.title,
    htmlUrl: pr.html_url,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    draft: pr.draft ?? false,
    mergeable: pr.mergeable ?? null,
    repoLink: pr.base.repo.html_url,
    cloneUri: cloneUrl ?? pr.base.repo.clone_url,
  };
}

/**
 * From the API's pull request (a comment's): its page is `<repo>/pull/<n>`, so the repository's
 * page follows from it on github.com and GitHub Enterprise alike. The clone URL is the base
 * repository's `clone_url`, as Prow's createRefs takes it (`pr.Base.Repo.CloneURL`), and is
 * derived from the page only when the API gave none.
 */
export function pullFromApi(pr: PullRequest): PullInfo {
  const repoLink = pr.htmlUrl.replace(/\/pull\/\d+\/?$/, '');
  return {
    number: pr.number,
    author: pr.user.login,
    authorLink: `${new URL(repoLink).origin}/${pr.user.login}`,
    title: pr.title,
    htmlUrl: pr.htmlUrl,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    baseSha: pr.base.sha,
    draft: pr.draft,
    mergeable: pr.mergeable,
    repoLink,
    cloneUri: pr.base.cloneUrl ?? `${repoLink}.git`,
  };
}

/** Prow's createRefs for a presubmit: the base at its SHA with the pull request's head on top. */
export function presubmitRefs(ctx: Pick<TriggerContext, 'repo'>, pull: PullInfo): Refs {
  return {
    org: ctx.repo.owner,
    repo: ctx.repo.repo,
    repoLink: pull.repoLink,
    baseRef: pull.baseRef,
    baseSha: pull.baseSha,
    baseLink: `${pull.repoLink}/commit/${pull.baseSha}`,
    pulls: [
      {
        number: pull.number,
        author: pull.author,
        sha: pull.headSha,
        title: pull.title,
        headRef: pull.headRef,
        link: pull.htmlUrl,
        commitLink: `${pull.repoLink}/pull/${pull.number}/commits/${pull.headSha}`,
        ...(pull.authorLink ? { authorLink: pull.authorLink } : {}),
      },
    ],
    ...(pull.cloneUri ? { cloneUri: pull.cloneUri } : {}),
  };
}

/** Prow's kube.RetestLabel: the run was asked for by `/retest` or `/retest-required`. */
export const retestLabel = 'prow.k8s.io/retest';

export interface RunOptions {
  requestedBy: string;
  installation?: number;
  /** Added to the jobs' own labels (Prow's RunRequestedWithLabels). */
  labels?: Record<string, string>;
}

/**
 * Prow's runRequested: one record per job, each on its own so that one that cannot be made does
 * not keep the others from starting; the failures are thrown together afterwards (retryable when
 * any is: the records already made are not made twice on the retry). Nothing runs for a pull
 * request GitHub says does not merge (Prow: no load, no noise, until it is rebased).
 */
export async function runRequested(ctx: JobsContext, pull: PullInfo, jobs: readonly Presubmit[], options: RunOptions): Promise<JobRecord[]> {
  if (pull.mergeable === false) {
    if (jobs.length) ctx.note(`not starting ${jobs.map((j) => j.name).join(', ')}: the pull request does not merge cleanly`);
    return [];
  }
  const refs = presubmitRefs(ctx, pull);
  const made: JobRecord[] = [];
  const errors: unknown[] = [];
  for (const job of jobs) {
    const definition: Presubmit = options.labels ? { ...job, labels: { ...job.labels, ...options.labels } } : job;
    try {
      made.push(
        ...(await ctx.jobs.trigger([
          { definition, type: 'presubmit', refs, cause: ctx.delivery, requestedBy: options.requestedBy, ...(options.installation === undefined ? {} : { installation: options.installation }) },
        ])),
      );
    } catch (error) {
      ctx.log.warn(`could not make the job record for ${job.name}`, { error: error instanceof Error ? error.message : String(error) });
      errors.push(error);
    }
  }
  if (errors.length) throw new AggregateError(errors, `failed to start ${errors.length} of ${jobs.length} jobs for #${pull.number}`);
  return made;
}

/**
 * Prow's abortAllJobs: the pull request's presubmits that have not finished become `aborted`
 * (`keep` spares some: a synchronize spares the jobs of the new head, which a retry of the same
 * delivery may already have made).
 */
export async function abortJobs(ctx: JobsContext, number: number, keep: (job: JobRecord) => boolean = () => false): Promise<JobRecord[]> {
  const running = (await ctx.jobs.forPull(number)).filter((job) => job.type === 'presubmit' && !isFinished(job.state) && !keep(job));
  if (running.length) await ctx.jobs.abort(running, abortedDescription);
  return running;
}

/** The pull request's changed files, read once and only when a job's change filters ask (Prow's deferred provider). */
export function changedFiles(ctx: TriggerContext, number: number): ChangedFiles {
  let files: Promise<readonly string[]> | undefined;
  return () => (files ??= ctx.github.getPullRequestChanges({ ...ctx.repo, number }).then((changes) => changes.map((c) => c.filename)));
}

/** `a, b and c` for a trace line. */
export const names = (jobs: readonly { name: string }[]): string => jobs.map((j) => j.name).join(', ');
