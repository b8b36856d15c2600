// The mergecommitblocker plugin against real `pull_request` payloads and an in-memory GitHub:
// Prow's TestHandle rows (mergecommitblocker_test.go: a branch that merged master, or rebased on
// it, with and without the label and the comment), here from the pull request's commits as
// GitHub lists them instead of a clone; then the reads it makes and its refusals to guess.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { mergeCommitsBody, mergeCommitsLabel, mergecommitblocker, type MergeCommitBlockerGitHub } from '../../shared/plugins/mergecommitblocker/index.js';
import { formatSimpleResponse } from '../../shared/plugins/respond.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import type { CommitSeed } from '../fakes/github-server.js';
import { pluginContext } from '../fakes/plugin-context.js';

const ref = 'Codertocat/Hello-World#2';
const said = formatSimpleResponse(mergeCommitsBody);

// Prow's history: the pull request branched off at 'wow'; master moved on with 'ouch'.
const wow = 'a'.repeat(40);
const ouch = 'b'.repeat(40);
/** The branch's own commit, then master merged in (two parents). */
const merged: CommitSeed[] = [
  { sha: 'c'.repeat(40), message: 'my change', parents: [wow] },
  { sha: 'd'.repeat(40), message: "Merge branch 'master'", parents: ['c'.repeat(40), ouch] },
];
/** The branch's commit rebased on master. */
const rebased: CommitSeed[] = [{ sha: 'e'.repeat(40), message: 'my change', parents: [ouch] }];

function pullRequest(action: string, labels: string[] = []): PullRequestEvent {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));
  return payload as PullRequestEvent;
}

async function run(event: PullRequestEvent, seed: { commits: CommitSeed[]; labels?: string[]; comments?: { user: string; body: string }[] }) {
  const github = new MemoryGitHub();
  github.setPullRequest(ref, {});
  github.setCommits(ref, seed.commits);
  github.setLabels(ref, seed.labels ?? event.pull_request.labels.map((l) => l.name));
  for (const c of seed.comments ?? []) github.addComment(ref, c);
  const ctx = pluginContext<void, MergeCommitBlockerGitHub>({ github, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });
  const outcome = (await mergecommitblocker.on!.pull_request!(ctx, event)) as Outcome;
  return { github, outcome, ctx };
}

interface Case {
  name: string;
  action?: string;
  labels: string[];
  comments: string[];
  commits: CommitSeed[];
  wantLabel: boolean;
  wantComment: boolean;
  writes: number;
}

const rows: Case[] = [
  // Prow's rows.
  { name: 'merge commit label not exist, PR has merge commits', labels: [], comments: [], commits: merged, wantLabel: true, wantComment: true, writes: 2 },
  { name: 'merge commit label exists, PR has merge commits', labels: [mergeCommitsLabel], comments: [said], commits: merged, wantLabel: true, wantComment: true, writes: 0 },
  { name: "merge commit label not exists, PR doesn't have merge commits", labels: [], comments: [], commits: rebased, wantLabel: false, wantComment: false, writes: 0 },
  { name: "merge commit label exists, PR doesn't have merge commits", labels: [mergeCommitsLabel], comments: [said], commits: rebased, wantLabel: false, wantComment: false, writes: 2 },
  // Beyond Prow's rows.
  { name: 'reopened with a merge commit', action: 'reopened', labels: [], comments: [], commits: merged, wantLabel: true, wantComment: true, writes: 2 },
  { name: 'a push that rebases takes it off', action: 'synchronize', labels: [mergeCommitsLabel], comments: [said], commits: rebased, wantLabel: false, wantComment: false, writes: 2 },
  { name: 'an octopus merge counts', labels: [], comments: [], commits: [{ sha: 'f'.repeat(40), message: 'octopus', parents: [wow, ouch, 'c'.repeat(40)] }], wantLabel: true, wantComment: true, writes: 2 },
  { name: 'closed is skipped', action: 'closed', labels: [], comments: [], commits: merged, wantLabel: false, wantComment: false, writes: 0 },
  { name: 'the label in another case counts as there', labels: ['Do-Not-Merge/Contains-Merge-Commits'], comments: [], commits: merged, wantLabel: true, wantComment: false, writes: 0 },
];

describe('mergecommitblocker (Prow TestHandle)', () => {
  it.each(rows)('$name', async ({ action = 'opened', labels, comments, commits, wantLabel, wantComment, writes }) => {
    // Act
    const { github } = await run(pullRequest(action, labels), { commits, comments: comments.map((body) => ({ user: 'skiff-bot', body })) });

    // Assess
    expect(github.labelsOf(ref).some((l) => l.toLowerCase() === mergeCommitsLabel)).toBe(wantLabel);
    expect(github.commentsOf(ref).some((c) => c.body === said)).toBe(wantComment);
    expect(github.writes).toHaveLength(writes);
  });
});

describe('mergecommitblocker, beyond Prow', () => {
  it('opened: reads only the commits (the payload carries the labels)', async () => {
    // Act
    const { github, outcome } = await run(pullRequest('opened'), { commits: merged });

    // Assess
    expect(github.reads).toEqual([`listPullRequestCommits ${ref}`]);
    expect(github.writes).toEqual([`addLabel ${ref} ${mergeCommitsLabel}`, `createComment ${ref} ${said}`]);
    expect(outcome).toEqual({ status: 'ran', reason: `${mergeCommitsLabel} added, with the comment: merge commit(s) ddddddd` });
  });

  it('after a push, reads the labels: a label added for the push before is not added (nor said) twice', async () => {
    // Act: the payload shows no label; GitHub has it.
    const { github } = await run(pullRequest('synchronize'), { commits: merged, labels: [mergeCommitsLabel] });

    // Assess
    expect(github.reads).toEqual([`listPullRequestCommits ${ref}`, `getIssueLabels ${ref}`]);
    expect(github.writes).toEqual([]);
  });

  it("deletes only the bot's own comments that said it", async () => {
    // Act
    const { github } = await run(pullRequest('synchronize'), {
      commits: rebased,
      labels: [mergeCommitsLabel],
      comments: [
        { user: 'someone', body: `quoting the bot: ${mergeCommitsBody}` },
        { user: 'skiff-bot', body: said },
      ],
    });

    // Assess
    expect(github.commentsOf(ref).map((c) => c.user)).toEqual(['someone']);
  });

  it('says in the trace when GitHub may have left commits out', async () => {
    // Prepare: 250 commits, GitHub's most.
    const commits = Array.from({ length: 250 }, (_, i) => ({ message: `commit ${i}` }));

    // Act
    const { ctx } = await run(pullRequest('opened'), { commits });

    // Assess
    expect(ctx.checks).toContain('GitHub lists only the first 250 commits of a pull request; merge commits after them are not seen');
  });

  it('a failed label write fails the event, to be retried', async () => {
    // Prepare
    const github = new MemoryGitHub().failNext('addLabel', new Error('502 Bad Gateway'));
    github.setPullRequest(ref, {});
    github.setCommits(ref, merged);
    const ctx = pluginContext<void, MergeCommitBlockerGitHub>({ github, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act / Assess
    await expect(mergecommitblocker.on!.pull_request!(ctx, pullRequest('opened'))).rejects.toThrow('502 Bad Gateway');
    expect(github.comments).toEqual([]);
  });
});
