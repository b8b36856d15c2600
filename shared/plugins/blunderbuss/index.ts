// blunderbuss: when a pull request is opened (or leaves draft), asks `request_count` reviewers
// from the OWNERS of the files it changes, as Prow's blunderbuss plugin
// (pkg/plugins/blunderbuss/blunderbuss.go, pkg/reviewer/reviewer.go): leaf reviewers of each
// file's closest OWNERS first, then reviewers further up, then approvers unless
// `exclude_approvers`; never the author; required reviewers always. `/auto-cc` asks again (after
// an OWNERS change, say). A pull request whose body holds `/cc` is left alone: its author chose.
//
// Two departures, both about the random pick within a layer. Prow draws uniformly from
// math/rand; here the draw is seeded by the pull request (seeded-random.ts), so a retry, or a
// second `/auto-cc`, asks the same people, and the write journal recognises the request. And a
// candidate's chance is proportional to 1 + the changed lines of the files they are a leaf
// reviewer of, so the person who owns most of the change is the likeliest pick (blunderbuss
// weighed candidates by changed lines before Prow moved to layers).
//
// Not supported: `use_status_availability` (GitHub's busy status is GraphQL only; everyone
// counts as available, and the trace says so) and the status event of `wait_for_status` (it
// needs PRs found by commit); with `wait_for_status` set, opening a PR requests nobody, as in
// Prow, and `/auto-cc` still works.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueRef, type PullRequestChange } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { hasCcCommand } from '../assign/index.js';
import { requestReviews } from '../assign/request-reviews.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { blunderbussConfigSchema, type BlunderbussConfig } from './config.js';
import { approversAsReviewers, getReviewers, type ReviewerSelector, type ReviewersSource } from './reviewers.js';
import { seededRandom, weightedIndex } from '../seeded-random.js';

export type { BlunderbussConfig } from './config.js';

export type BlunderbussGitHub = Pick<GitHubClient, 'getPullRequest' | 'getPullRequestChanges' | 'requestReviewers'>;

type Ctx = PluginContext<BlunderbussConfig, BlunderbussGitHub>;

/** Prow's reviewer.AutoCCMatch: `/auto-cc` alone on its line. */
const autoCcPattern = /^\/auto-cc[\t\n\f\r ]*$/im;

interface PullInfo {
  number: number;
  author: string;
  body: string;
  draft: boolean;
  baseSha: string;
}

/** Why opening (or readying) this pull request asks nobody, or `undefined` when it should ask. */
function openSkipReason(config: BlunderbussConfig, pr: PullInfo): string | undefined {
  if (hasCcCommand(pr.body)) return 'the pull request body has a /cc line: its author chose the reviewers';
  if (config.waitForStatus) {
    return `wait_for_status is set: Prow requests reviews when the ${config.waitForStatus.context} status says reviews are missing, which Skiff does not implement; use /auto-cc`;
  }
  if (pr.draft && config.ignoreDrafts) return 'the pull request is a draft (ignore_drafts)';
  const author = pr.author.toLowerCase();
  if (config.ignoreAuthors.some((a) => a.toLowerCase() === author)) return `${pr.author} is in ignore_authors`;
  return undefined;
}

/**
 * Changed lines of the files each candidate is a leaf reviewer of (in the closest OWNERS file):
 * what they own of the change. Reviewers further up cover everything below them, so counting
 * them would weigh every candidate alike.
 */
function coverage(source: ReviewersSource, changes: readonly PullRequestChange[]): Map<string, number> {
  const lines = new Map<string, number>();
  for (const change of changes) {
    for (const person of source.leafReviewers(change.filename)) lines.set(person, (lines.get(person) ?? 0) + change.changes);
  }
  return lines;
}

function noteConfig(ctx: Ctx): void {
  const { unknownKeys, useStatusAvailability } = ctx.config;
  if (unknownKeys.length) ctx.note(`ignored blunderbuss keys that neither Skiff nor Prow reads: ${unknownKeys.join(', ')}`);
  if (useStatusAvailability) {
    ctx.note("use_status_availability is not supported (GitHub's busy status is GraphQL only): every candidate counts as available");
  }
}

/** Prow's blunderbuss handle: pick and request. */
async function requestFor(ctx: Ctx, pr: PullInfo): Promise<Outcome> {
  noteConfig(ctx);
  const { requestCount, maxRequestCount, excludeApprovers } = ctx.config;
  const ref: IssueRef = { ...ctx.repo, number: pr.number };
  const [owners, changes] = await Promise.all([ctx.owners.at(pr.baseSha), ctx.github.getPullRequestChanges(ref)]);

  // One stream for the whole pick (reviewers, then approvers), seeded by the pull request.
  const random = seededRandom(formatIssueRef(ref).toLowerCase());
  const selectorFor = (source: ReviewersSource): ReviewerSelector => {
    const lines = coverage(source, changes);
    return (candidates) => candidates.pop((sorted) => weightedIndex(sorted.map((login) => 1 + (lines.get(login) ?? 0)), random));
  };

  const picked = getReviewers(owners, selectorFor(owners), pr.author, changes, requestCount);
  const reviewers = [...picked.reviewers];
  if (reviewers.length < requestCount && !excludeApprovers) {
    const fallback = approversAsReviewers(owners);
    // The full count, as Prow asks for it: with approvers added, more than request_count may be asked.
    const approvers = getReviewers(fallback, selectorFor(fallback), pr.author, changes, requestCount).reviewers;
    const added = approvers.filter((a) => !reviewers.includes(a));
    reviewers.push(...added);
    ctx.note(`${picked.reviewers.length} of ${requestCount} reviewers found in OWNERS; added approvers: ${added.join(', ') || 'none'}`);
  }
  if (maxRequestCount > 0 && reviewers.length > maxRequestCount) {
    ctx.note(`max_request_count ${maxRequestCount}: not asking ${reviewers.slice(maxRequestCount).join(', ')}`);
    reviewers.length = maxRequestCount;
  }
  // Required reviewers are asked beyond any limit, as in Prow, but never the author (GitHub
  // refuses that, and with it the whole request).
  const author = pr.author.toLowerCase();
  if (picked.required.includes(author)) ctx.note(`${pr.author} is a required reviewer but the author; not asked`);
  const everyone = [...reviewers, ...picked.required.filter((r) => r !== author && !reviewers.includes(r))];

  if (!everyone.length) {
    const whom = excludeApprovers ? 'reviewers' : 'reviewers or approvers';
    const reason = `no OWNERS ${whom} other than the author for the ${changes.length} changed ${changes.length === 1 ? 'file' : 'files'}`;
    ctx.note(reason);
    return { status: 'skipped', reason };
  }
  const { missing } = await requestReviews(ctx.github, ref, everyone);
  const asked = everyone.filter((login) => !missing.includes(login));
  if (missing.length) {
    // Prow logs this (a MissingUsers error) and says nothing on the pull request; so does Skiff.
    ctx.note(`GitHub would not request reviews from ${missing.join(', ')} (not collaborators, or the author)`);
    ctx.log.warn('GitHub refused some review requests', { pullRequest: formatIssueRef(ref), refused: missing });
  }
  const refused = missing.length ? `; GitHub would not ask ${missing.join(', ')}` : '';
  if (!asked.length) return { status: 'refused', reason: `GitHub would not ask any of ${missing.join(', ')}` };
  return { status: 'ran', reason: `requested reviews from ${asked.join(', ')}${refused}` };
}

const pullInfo = (pr: { number: number; user: { login: string } | null; body?: string | null; draft?: boolean; base: { sha: string } }): PullInfo => ({
  number: pr.number,
  author: pr.user?.login ?? '',
  body: pr.body ?? '',
  draft: pr.draft ?? false,
  baseSha: pr.base.sha,
});

const openActions: ReadonlySet<string> = new Set(['opened', 'ready_for_review']);

async function autoCc(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  if (!autoCcPattern.test(e.body)) return { status: 'skipped', reason: '/auto-cc takes nothing after it on its line' };
  if (e.issueState === 'closed') return { status: 'skipped', reason: `${formatIssueRef({ ...e.repo, number: e.number })} is closed` };
  const pr = await ctx.github.getPullRequest({ ...ctx.repo, number: e.number });
  const info = pullInfo(pr);
  // `/auto-cc` in the body of a pull request being opened: the opened event asks already (the
  // same people, as the pick is seeded), unless it was skipped.
  if (e.source === 'pull_request' && !openSkipReason(ctx.config, info)) {
    return { status: 'skipped', reason: '/auto-cc in the body of a new pull request: the opened event requests the reviews' };
  }
  return requestFor(ctx, info);
}

export const blunderbuss: Plugin<BlunderbussConfig, BlunderbussGitHub> = {
  name: 'blunderbuss',
  description:
    'Requests reviews from reviewers when a new pull request is opened, chosen from the OWNERS files of the files it changes: ' +
    'the closest reviewers first, weighted by the lines of the change they review, never the author, approvers when reviewers run short (unless exclude_approvers). ' +
    'The choice is seeded by the pull request, so it is the same on every run. A pull request whose body has /cc is left alone.',
  config: { key: 'blunderbuss', schema: blunderbussConfigSchema },
  commands: [
    {
      name: 'auto-cc',
      description: 'Requests reviews from OWNERS reviewers again, as when the pull request was opened; useful after the OWNERS files changed.',
      examples: ['/auto-cc'],
      who: 'Anyone',
      only: { actions: ['created'], pullRequests: true },
      run: autoCc,
    },
  ],
  on: {
    async pull_request(ctx, event: PullRequestEvent) {
      if (!openActions.has(event.action)) return { status: 'skipped', reason: `pull_request action "${event.action}" is neither opened nor ready_for_review` };
      const info = pullInfo(event.pull_request);
      const skip = openSkipReason(ctx.config, info);
      if (skip) {
        ctx.note(skip);
        return { status: 'skipped', reason: skip };
      }
      return requestFor(ctx, info);
    },
  },
};
