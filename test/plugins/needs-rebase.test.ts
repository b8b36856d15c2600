// needs-rebase against real payloads and an in-memory GitHub: Prow's three test tables
// (TestHandleIssueCommentEvent, TestHandlePullRequestEvent, TestHandleAll — the last one as the
// push to a base branch that stands in for Prow's periodic search), then the rows Prow has no
// need for: GitHub still computing mergeability (a retry, not a sleep), a head that moved,
// dependabot, whose comments are pruned, and which events are not looked at.
// TestConstructQueries and TestCache have no counterpart: there is no search query or cache here.
import type { PullRequestEvent, PushEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { RetryableError } from '../../shared/github/errors.js';
import { generalizeComment } from '../../shared/hook/generic-comment.js';
import {
  maxPullRequestsPerPush,
  mergeabilityRetrySeconds,
  needsRebase,
  needsRebaseComment,
  type NeedsRebaseGitHub,
} from '../../shared/plugins/needs-rebase/index.js';
import { formatSimpleResponse } from '../../shared/plugins/respond.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const full = `${repo.owner}/${repo.repo}`;
const at = (n: number) => `${full}#${n}`;
const bot = 'skiff-bot';
const comment = needsRebaseComment('Codertocat');

const contextFor = (github: NeedsRebaseGitHub, botLogin = bot) => pluginContext<unknown, NeedsRebaseGitHub>({ github, config: undefined, repo, botLogin });

/** A real issue_comment payload, on pull request `number` unless `onIssue`. */
function commentEvent(number: number, options: { onIssue?: boolean; state?: string; body?: string; source?: 'pull_request_review_comment' } = {}) {
  if (options.source) {
    const payload = samplePayload('pull_request_review_comment', 'created');
    payload.pull_request.number = number;
    return generalizeComment('pull_request_review_comment', payload)!;
  }
  const payload = samplePayload('issue_comment', 'created');
  payload.issue.number = number;
  payload.issue.state = options.state ?? 'open';
  payload.comment.body = options.body ?? 'ready for another look';
  if (!options.onIssue) payload.issue.pull_request = { url: `https://api.github.com/repos/${full}/pulls/${number}` };
  return generalizeComment('issue_comment', payload)!;
}

/** A real pull_request payload (#2 in the examples), with `action` and the head SHA GitHub has. */
function pullRequestEvent(action: string, options: { number?: number; head?: string; state?: string } = {}): PullRequestEvent {
  const payload = samplePayload('pull_request', action === 'closed' ? 'closed' : 'opened');
  payload.action = action;
  if (options.number !== undefined) payload.number = payload.pull_request.number = options.number;
  if (options.head) payload.pull_request.head.sha = options.head;
  if (options.state) payload.pull_request.state = options.state;
  return payload as PullRequestEvent;
}

/** A real push payload to `ref` (the example pushes a new `refs/heads/master`). */
function pushEvent(ref = 'refs/heads/master', deleted = false): PushEvent {
  const payload = samplePayload('push');
  payload.ref = ref;
  payload.deleted = deleted;
  return payload as PushEvent;
}

const head = pullRequestEvent('opened').pull_request.head.sha;

interface PrSeed {
  mergeable: boolean | null;
  labels?: string[];
  state?: 'open' | 'closed';
  merged?: boolean;
  author?: string;
}

function seed(gh: MemoryGitHub, number: number, pr: PrSeed) {
  gh.setPullRequest(at(number), {
    mergeable: pr.mergeable,
    state: pr.state ?? 'open',
    merged: pr.merged ?? false,
    author: pr.author ?? 'Codertocat',
    head: { sha: head },
    base: { ref: 'master' },
  });
  gh.setLabels(at(number), pr.labels ?? []);
}

/** Prow's rows (labels.LGTM, labels.Approved and the rest), shared by its comment and pull request tables. */
interface ProwRow {
  name: string;
  pr: PrSeed;
  added?: boolean;
  removed?: boolean;
}

const prowRows: ProwRow[] = [
  { name: 'mergeable no-op', pr: { mergeable: true, labels: ['lgtm', 'approved'] } },
  { name: 'unmergeable no-op', pr: { mergeable: false, labels: ['lgtm', 'approved', 'needs-rebase'] } },
  { name: 'mergeable -> unmergeable', pr: { mergeable: false, labels: ['lgtm', 'approved'] }, added: true },
  { name: 'unmergeable -> mergeable', pr: { mergeable: true, labels: ['lgtm', 'approved', 'needs-rebase'] }, removed: true },
  { name: 'merged pr is ignored', pr: { mergeable: false, state: 'closed', merged: true } },
  { name: 'closed pr is ignored', pr: { mergeable: false, state: 'closed' } },
];

/** What Prow's compareExpected checks: labels added and removed, a comment created, comments deleted. */
function expectProw(gh: MemoryGitHub, number: number, row: ProwRow, staleComment: number) {
  const expected = [
    ...(row.added ? [`addLabel ${at(number)} needs-rebase`, `createComment ${at(number)} ${comment}`] : []),
    ...(row.removed ? [`removeLabel ${at(number)} needs-rebase`, `deleteComment ${full} comment ${staleComment}`] : []),
  ];
  expect(gh.writes).toEqual(expected);
}

/** A "PR needs rebase." comment by the bot from earlier, and a person quoting it (never pruned). */
function seedComments(gh: MemoryGitHub, number: number): number {
  const stale = gh.addComment(at(number), { user: bot, body: comment });
  gh.addComment(at(number), { user: 'alice', body: `> ${'PR needs rebase.'}\nOn it.` });
  return stale;
}

describe('needs-rebase: Prow TestHandleIssueCommentEvent', () => {
  it('No pull request, ignoring', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    const ctx = contextFor(gh);

    // Act
    const outcome = await needsRebase.comment!(ctx, commentEvent(1, { onIssue: true }));

    // Assess
    expect(outcome).toEqual({ status: 'skipped', reason: 'not a pull request' });
    expect(gh.calls).toEqual([]);
  });

  it.each(prowRows)('$name', async (row) => {
    // Prepare
    const gh = new MemoryGitHub();
    seed(gh, 5, row.pr);
    const stale = seedComments(gh, 5);
    const ctx = contextFor(gh);

    // Act: the payload says open, as it would for a PR closed since (Prow reads the PR's state).
    await needsRebase.comment!(ctx, commentEvent(5));

    // Assess
    expectProw(gh, 5, row, stale);
  });
});

describe('needs-rebase: Prow TestHandlePullRequestEvent', () => {
  it.each(prowRows)('$name', async (row) => {
    // Prepare
    const gh = new MemoryGitHub();
    seed(gh, 5, row.pr);
    const stale = seedComments(gh, 5);
    const ctx = contextFor(gh);

    // Act: Prow's rows use action synchronize.
    await needsRebase.on!.pull_request!(ctx, pullRequestEvent('synchronize', { number: 5 }));

    // Assess
    expectProw(gh, 5, row, stale);
  });
});

describe('needs-rebase: Prow TestHandleAll, as the push to the base branch', () => {
  // Prow's rows, numbered from 0 as Prow numbers them; closed and merged ones are not listed by
  // GitHub (state=open), which is what Prow's check of pr.State amounts to.
  const rows: (ProwRow & { number: number })[] = [
    { number: 1, name: 'PR State Merged', pr: { mergeable: false, state: 'closed', merged: true, labels: ['lgtm', 'approved'] } },
    { number: 2, name: 'PR State Closed', pr: { mergeable: false, state: 'closed', labels: ['lgtm', 'approved'] } },
    { number: 3, name: 'PR State Closed with need-rebase label', pr: { mergeable: false, state: 'closed', labels: ['lgtm', 'approved', 'needs-rebase'] } },
    { number: 4, name: 'PR State Open with non-mergeable', pr: { mergeable: false, labels: ['lgtm', 'approved'] }, added: true },
    { number: 5, name: 'PR State Open with mergeable', pr: { mergeable: true, labels: ['lgtm', 'approved', 'needs-rebase'] }, removed: true },
  ];

  it('labels the open one that conflicts, unlabels the one that merges again, leaves closed ones alone', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    for (const row of rows) seed(gh, row.number, row.pr);
    const stale = gh.addComment(at(5), { user: bot, body: comment });
    const ctx = contextFor(gh);

    // Act
    const outcome = await needsRebase.on!.push!(ctx, pushEvent());

    // Assess
    expect([...gh.writes].sort()).toEqual(
      [`addLabel ${at(4)} needs-rebase`, `createComment ${at(4)} ${comment}`, `removeLabel ${at(5)} needs-rebase`, `deleteComment ${full} comment ${stale}`].sort(),
    );
    for (const row of rows.slice(0, 3)) expect(gh.labelsOf(at(row.number)), row.name).toEqual(row.pr.labels);
    expect(outcome).toEqual({ status: 'ran', reason: '2 open into master: 1 labelled needs-rebase, 1 unlabelled, 0 unchanged' });
    expect(gh.calls[0]).toBe(`listPullRequests ${full} base master`);
  });
});

describe('needs-rebase: mergeability GitHub has not computed yet', () => {
  it('a pull_request event throws a RetryableError with a few seconds to wait, and writes nothing', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    seed(gh, 2, { mergeable: null });
    const ctx = contextFor(gh);

    // Act
    const error = await needsRebase.on!.pull_request!(ctx, pullRequestEvent('opened')).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ retryAfterSeconds: mergeabilityRetrySeconds, message: expect.stringContaining(`${at(2)} can be merged`) });
    expect(mergeabilityRetrySeconds).toBeGreaterThanOrEqual(1);
    expect(mergeabilityRetrySeconds).toBeLessThanOrEqual(15);
    expect(gh.writes).toEqual([]);
  });

  it('the retry, once GitHub knows, labels and comments', async () => {
    // Prepare: the first attempt saw null; GitHub has answered since.
    const gh = new MemoryGitHub();
    seed(gh, 2, { mergeable: null });
    await expect(needsRebase.on!.pull_request!(contextFor(gh), pullRequestEvent('opened'))).rejects.toBeInstanceOf(RetryableError);
    gh.setPullRequest(at(2), { mergeable: false });

    // Act
    const outcome = await needsRebase.on!.pull_request!(contextFor(gh), pullRequestEvent('opened'));

    // Assess
    expect(outcome).toEqual({ status: 'ran', reason: 'not mergeable: needs-rebase added, author told' });
    expect(gh.writes).toEqual([`addLabel ${at(2)} needs-rebase`, `createComment ${at(2)} ${comment}`]);
  });

  it('a push acts on the pull requests GitHub knows about, then retries for the others', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    seed(gh, 1, { mergeable: false });
    seed(gh, 2, { mergeable: null });
    seed(gh, 3, { mergeable: null });
    const ctx = contextFor(gh);

    // Act
    const error = await needsRebase.on!.push!(ctx, pushEvent()).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(RetryableError);
    // GitHub lists the newest first.
    expect(error).toMatchObject({ retryAfterSeconds: mergeabilityRetrySeconds, message: expect.stringContaining(`${at(3)}, ${at(2)}`) });
    expect(gh.writes).toEqual([`addLabel ${at(1)} needs-rebase`, `createComment ${at(1)} ${comment}`]);
    expect(ctx.checks).toEqual(['3 open into master: 1 labelled needs-rebase, 0 unlabelled, 0 unchanged; 2 still being computed']);
  });
});

describe('needs-rebase: beyond Prow’s tables', () => {
  interface Case {
    name: string;
    prs?: Record<number, PrSeed>;
    comments?: { user: string; body: string; type?: string }[];
    botLogin?: string;
    act(ctx: ReturnType<typeof contextFor>): Promise<Outcome | void>;
    outcome: Outcome;
    /** Writes, `#` standing for the first seeded comment's id. */
    writes: string[];
    calls?: string[];
  }

  const cases: Case[] = [
    {
      name: "dependabot is told Prow's dependabot message",
      prs: { 2: { mergeable: false, author: 'dependabot[bot]' } },
      act: (ctx) => needsRebase.on!.pull_request!(ctx, pullRequestEvent('opened')),
      outcome: { status: 'ran', reason: 'not mergeable: needs-rebase added, author told' },
      writes: [`addLabel ${at(2)} needs-rebase`, `createComment ${at(2)} ${formatSimpleResponse('rebase')}`],
    },
    {
      name: 'the head moved since the event: left to the newer event',
      prs: { 2: { mergeable: false } },
      act: (ctx) => needsRebase.on!.pull_request!(ctx, pullRequestEvent('synchronize', { head: '1111111111111111111111111111111111111111' })),
      outcome: { status: 'skipped', reason: 'the head moved since the event' },
      writes: [],
    },
    {
      name: 'a labeled action is not looked at (Prow: opened, synchronize, reopened only)',
      prs: { 2: { mergeable: false } },
      act: (ctx) => needsRebase.on!.pull_request!(ctx, pullRequestEvent('labeled')),
      outcome: { status: 'skipped', reason: 'pull_request action "labeled" does not change what merges' },
      writes: [],
      calls: [],
    },
    {
      name: 'reopened is checked',
      prs: { 2: { mergeable: false } },
      act: (ctx) => needsRebase.on!.pull_request!(ctx, pullRequestEvent('reopened')),
      outcome: { status: 'ran', reason: 'not mergeable: needs-rebase added, author told' },
      writes: [`addLabel ${at(2)} needs-rebase`, `createComment ${at(2)} ${comment}`],
    },
    {
      name: 'a comment on a closed pull request: the payload says so, nothing is read',
      prs: { 5: { mergeable: false, state: 'closed' } },
      act: (ctx) => needsRebase.comment!(ctx, commentEvent(5, { state: 'closed' })),
      outcome: { status: 'skipped', reason: 'the pull request is closed' },
      writes: [],
      calls: [],
    },
    {
      name: 'a review comment is not looked at (Prow subscribes to issue_comment only)',
      prs: { 1: { mergeable: false } },
      act: (ctx) => needsRebase.comment!(ctx, commentEvent(1, { source: 'pull_request_review_comment' })),
      outcome: { status: 'skipped', reason: 'pull_request_review_comment events are not checked' },
      writes: [],
      calls: [],
    },
    {
      name: 'mergeable again: only the bot’s comments with the message go, not a person quoting it nor the bot’s others',
      prs: { 5: { mergeable: true, labels: ['needs-rebase'] } },
      comments: [
        { user: bot, body: comment },
        { user: 'alice', body: '> PR needs rebase.\nrebased' },
        { user: bot, body: 'Some other notice' },
        { user: 'Skiff-Bot', body: `${comment}\nagain` },
      ],
      act: (ctx) => needsRebase.comment!(ctx, commentEvent(5)),
      outcome: { status: 'ran', reason: 'mergeable again: needs-rebase removed with its comments' },
      writes: [`removeLabel ${at(5)} needs-rebase`, `deleteComment ${full} comment #0`, `deleteComment ${full} comment #3`],
    },
    {
      name: "a GitHub App bot's comment counts as the bot's without the [bot] suffix in the login",
      prs: { 5: { mergeable: true, labels: ['needs-rebase'] } },
      botLogin: 'skiff',
      comments: [
        { user: 'skiff[bot]', body: comment, type: 'Bot' },
        { user: 'skiff', body: comment, type: 'User' },
      ],
      act: (ctx) => needsRebase.comment!(ctx, commentEvent(5)),
      outcome: { status: 'ran', reason: 'mergeable again: needs-rebase removed with its comments' },
      writes: [`removeLabel ${at(5)} needs-rebase`, `deleteComment ${full} comment #0`, `deleteComment ${full} comment #1`],
    },
    {
      name: 'a push of a tag is not a base branch',
      act: (ctx) => needsRebase.on!.push!(ctx, pushEvent('refs/tags/simple-tag')),
      outcome: { status: 'skipped', reason: 'refs/tags/simple-tag is not a branch' },
      writes: [],
      calls: [],
    },
    {
      name: 'a deleted branch has no pull requests to check',
      act: (ctx) => needsRebase.on!.push!(ctx, pushEvent('refs/heads/master', true)),
      outcome: { status: 'skipped', reason: 'refs/heads/master was deleted' },
      writes: [],
      calls: [],
    },
    {
      name: 'a push to a branch no pull request is into: one listing',
      prs: { 1: { mergeable: false } },
      act: (ctx) => needsRebase.on!.push!(ctx, pushEvent('refs/heads/release-1.0')),
      outcome: { status: 'skipped', reason: 'no open pull requests into release-1.0' },
      writes: [],
      calls: [`listPullRequests ${full} base release-1.0`],
    },
  ];

  it.each(cases)('$name', async (c) => {
    // Prepare
    const gh = new MemoryGitHub();
    for (const [n, pr] of Object.entries(c.prs ?? {})) seed(gh, Number(n), pr);
    const target = Number(Object.keys(c.prs ?? { 5: 0 })[0]);
    const ids = (c.comments ?? []).map((x) => gh.addComment(at(target), x));
    const ctx = contextFor(gh, c.botLogin);

    // Act
    const outcome = await c.act(ctx);

    // Assess
    expect(outcome).toEqual(c.outcome);
    expect(gh.writes).toEqual(c.writes.map((w) => w.replace(/#(\d+)$/, (_, i: string) => String(ids[Number(i)]))));
    if (c.calls) expect(gh.calls).toEqual(c.calls);
  });

  it(`a push checks at most ${maxPullRequestsPerPush} pull requests, the newest, and says so`, async () => {
    // Prepare
    const gh = new MemoryGitHub();
    const total = maxPullRequestsPerPush + 2;
    for (let n = 1; n <= total; n++) seed(gh, n, { mergeable: n > 2 });
    const ctx = contextFor(gh);

    // Act
    const outcome = await needsRebase.on!.push!(ctx, pushEvent());

    // Assess: the two oldest (conflicting) ones are the ones left out.
    expect(gh.writes).toEqual([]);
    expect(gh.reads.filter((r) => r.startsWith('getPullRequest '))).toHaveLength(maxPullRequestsPerPush);
    expect(outcome).toEqual({ status: 'ran', reason: `${maxPullRequestsPerPush} open into master: 0 labelled needs-rebase, 0 unlabelled, ${maxPullRequestsPerPush} unchanged` });
    expect(ctx.checks).toEqual([`${total} open pull requests into master: the newest ${maxPullRequestsPerPush} checked, the others at their next event`]);
  });

  it('a failed label write is raised with what it was for, so the record is retried', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    seed(gh, 2, { mergeable: false });
    gh.failNext('addLabel', Object.assign(new Error('Bad gateway'), { status: 502 }));

    // Act
    const act = needsRebase.on!.pull_request!(contextFor(gh), pullRequestEvent('opened'));

    // Assess
    await expect(act).rejects.toThrow(`failed to add the needs-rebase label to ${at(2)}`);
    expect(gh.comments).toEqual([]);
  });
});
