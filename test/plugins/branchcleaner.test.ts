// The branchcleaner plugin against real `pull_request` payloads and an in-memory GitHub: Prow's
// TestBranchCleaner rows (branchcleaner_test.go, with its my-org/repo as the example payload's
// Codertocat/Hello-World), then the odd ones: a deleted fork, a branch already gone, a failure.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { branchCleanerConfigSchema, type BranchCleanerConfig } from '../../shared/plugins/branchcleaner/config.js';
import { branchcleaner, type BranchCleanerGitHub } from '../../shared/plugins/branchcleaner/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const org = 'Codertocat';
const baseRepo = `${org}/Hello-World`;

interface Event {
  action: string;
  merged: boolean;
  /** `null`: the fork was deleted. */
  headRepo?: string | null;
  branch: string;
}

function pullRequest({ action, merged, headRepo = baseRepo, branch }: Event): PullRequestEvent {
  const payload = samplePayload('pull_request', 'closed');
  payload.action = action;
  payload.pull_request.merged = merged;
  payload.pull_request.head.ref = branch;
  if (headRepo === null) payload.pull_request.head.repo = null;
  else payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: headRepo };
  return payload as PullRequestEvent;
}

async function run(event: PullRequestEvent, preserved?: Record<string, string[]>, github = new MemoryGitHub()) {
  github.setBranches(baseRepo, ['master', event.pull_request.head.ref]);
  const config = branchCleanerConfigSchema.parse(preserved ? { preserved_branches: preserved } : undefined);
  const ctx = pluginContext<BranchCleanerConfig, BranchCleanerGitHub>({ github, config, repo: { owner: org, repo: 'Hello-World' } });
  const outcome = (await branchcleaner.on!.pull_request!(ctx, event)) as Outcome;
  return { github, outcome, ctx };
}

interface Case {
  name: string;
  event: Event;
  preserved?: Record<string, string[]>;
  deleted: boolean;
}

const prowRows: Case[] = [
  { name: 'Opened PR nothing to do', event: { action: 'opened', branch: 'my-feature1', merged: false }, deleted: false },
  { name: 'Closed PR unmerged nothing to do', event: { action: 'closed', branch: 'my-feature2', merged: false }, deleted: false },
  { name: 'PR from different repo nothing to do', event: { action: 'closed', branch: 'my-fix1', merged: true, headRepo: 'different-org/repo' }, deleted: false },
  { name: 'PR from same repo with preserved branch in repo', event: { action: 'closed', branch: 'betatest', merged: true }, preserved: { [org]: ['release', 'betatest'] }, deleted: false },
  { name: 'PR from same repo with preserved branch regex match', event: { action: 'closed', branch: 'betatest-1', merged: true }, preserved: { [org]: ['release', 'betatest-.*'] }, deleted: false },
  { name: 'PR from same repo without preserved branch regex match', event: { action: 'closed', branch: 'betatest1', merged: true }, preserved: { [org]: ['release', 'betatest-.*'] }, deleted: true },
  { name: 'PR from same repo with preserved branch in org', event: { action: 'closed', branch: 'betatest', merged: true }, preserved: { [baseRepo]: ['release', 'betatest'] }, deleted: false },
  { name: 'PR from same repo with other repo preserved branch', event: { action: 'closed', branch: 'release', merged: true }, preserved: { [`${org}/other-repo`]: ['release', 'betatest'] }, deleted: true },
  { name: 'PR from same repo without preserved branch', event: { action: 'closed', branch: 'release', merged: true }, deleted: true },
  { name: 'PR from same repo delete head ref', event: { action: 'closed', branch: 'my-chore1', merged: true }, deleted: true },
];

const moreRows: Case[] = [
  { name: 'a deleted fork is not this repository', event: { action: 'closed', branch: 'patch-1', merged: true, headRepo: null }, deleted: false },
  { name: 'preserved regexps are unanchored, as Go MatchString', event: { action: 'closed', branch: 'hotfix/release-2', merged: true }, preserved: { [org]: ['release'] }, deleted: false },
  { name: 'names match the branch case-sensitively', event: { action: 'closed', branch: 'Main', merged: true }, preserved: { [org]: ['^main$'] }, deleted: true },
  { name: 'an org named like another does not count', event: { action: 'closed', branch: 'keep', merged: true }, preserved: { codertocat: ['keep'] }, deleted: true },
];

describe('branchcleaner (Prow TestBranchCleaner)', () => {
  it.each([...prowRows, ...moreRows])('$name', async ({ event, preserved, deleted }) => {
    // Act
    const { github, outcome } = await run(pullRequest(event), preserved);

    // Assess: the only call, if any, is the delete.
    expect(github.calls).toEqual(deleted ? [`deleteBranch ${baseRepo} ${event.branch}`] : []);
    expect(github.branchesOf(baseRepo).includes(event.branch)).toBe(!deleted);
    expect(outcome.status).toBe(deleted ? 'ran' : 'skipped');
  });
});

describe('branchcleaner, beyond Prow', () => {
  it('a branch already deleted (by GitHub\'s own setting, say) is success', async () => {
    // Prepare
    const github = new MemoryGitHub();
    const event = pullRequest({ action: 'closed', branch: 'gone', merged: true });
    github.setBranches(baseRepo, ['master']);
    const ctx = pluginContext<BranchCleanerConfig, BranchCleanerGitHub>({ github, config: branchCleanerConfigSchema.parse(undefined), repo: { owner: org, repo: 'Hello-World' } });

    // Act
    const outcome = await branchcleaner.on!.pull_request!(ctx, event);

    // Assess
    expect(outcome).toEqual({ status: 'ran', reason: 'deleted gone, merged in #2' });
  });

  it("a failed delete fails the event in Prow's words, with the cause", async () => {
    // Prepare
    const github = new MemoryGitHub().failNext('deleteBranch', new Error('502 Bad Gateway'));

    // Act
    const failed = run(pullRequest({ action: 'closed', branch: 'feature', merged: true }), undefined, github);

    // Assess
    await expect(failed).rejects.toThrow('failed to delete branch feature on repo Codertocat/Hello-World after Pull Request #2 got merged');
    await expect(failed).rejects.toMatchObject({ cause: new Error('502 Bad Gateway') });
  });

  it('a preserved entry that is no usable regexp still preserves its exact name, and is said', async () => {
    // Act: `release-(` does not compile.
    const kept = await run(pullRequest({ action: 'closed', branch: 'release-(', merged: true }), { [org]: ['release-('] });
    const gone = await run(pullRequest({ action: 'closed', branch: 'release-1', merged: true }), { [org]: ['release-('] });

    // Assess
    expect(kept.github.calls).toEqual([]);
    expect(gone.github.calls).toEqual([`deleteBranch ${baseRepo} release-1`]);
    expect(gone.ctx.checks).toEqual([expect.stringContaining('preserved_branches Codertocat: invalid regular expression "release-("')]);
  });

  it('kubernetes-like config: a map of lists, and a __proto__ key kept as data', () => {
    // Act
    const config = branchCleanerConfigSchema.parse(JSON.parse('{"preserved_branches":{"__proto__":["x"],"a/b":["main"]}}'));

    // Assess
    expect(Object.keys(config.preservedBranches)).toEqual(['__proto__', 'a/b']);
    expect(branchCleanerConfigSchema.safeParse({ preserved_branches: ['main'] }).success).toBe(false);
  });
});
