// The milestoneapplier plugin against real pull_request payloads and an in-memory GitHub: Prow's
// TestMilestoneApplier rows (milestoneapplier_test.go: default branch master, milestones v1.0 and
// v2.0), then the config lookup, closed and missing milestones, and what it reads.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { milestoneApplierConfigSchema, milestoneFor, type MilestoneApplierConfig } from '../../shared/plugins/milestoneapplier/config.js';
import { milestoneapplier, type MilestoneApplierGitHub } from '../../shared/plugins/milestoneapplier/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const ref = 'Codertocat/Hello-World#2'; // the pull_request examples' pull request
const milestones = [
  { number: 1, title: 'v1.0' },
  { number: 2, title: 'v2.0' },
];
const titleOf = (n: number) => milestones.find((m) => m.number === n)?.title;

interface Case {
  name: string;
  baseBranch: string;
  prAction: string;
  merged?: boolean;
  previousMilestone?: number;
  configuredMilestone: number;
  expectedMilestone: number;
}

function pullRequest(c: Pick<Case, 'baseBranch' | 'prAction' | 'merged' | 'previousMilestone'>): PullRequestEvent {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = c.prAction;
  payload.pull_request.base.ref = c.baseBranch;
  payload.pull_request.base.repo.default_branch = 'master';
  payload.pull_request.merged = c.merged ?? false;
  payload.pull_request.state = c.prAction === 'closed' ? 'closed' : 'open';
  payload.pull_request.milestone = c.previousMilestone ? { number: c.previousMilestone, title: titleOf(c.previousMilestone), state: 'open' } : null;
  return payload as PullRequestEvent;
}

function seed(previous = 0): MemoryGitHub {
  const github = new MemoryGitHub();
  github.setMilestones(repo, milestones);
  github.setPullRequest(ref, { milestone: previous || null });
  return github;
}

async function run(github: MemoryGitHub, event: PullRequestEvent, config: MilestoneApplierConfig | undefined) {
  const ctx = pluginContext<MilestoneApplierConfig | undefined, MilestoneApplierGitHub>({ github, config, repo });
  return (await milestoneapplier.on!.pull_request!(ctx, event)) as Outcome;
}

// Prow's rows, word for word; the branch maps to the configured milestone's title.
const prowRows: Case[] = [
  { name: 'opened PR on default branch => do nothing', baseBranch: 'master', prAction: 'opened', expectedMilestone: 0, configuredMilestone: 1 },
  { name: 'closed (not merged) PR on default branch => do nothing', baseBranch: 'master', prAction: 'closed', merged: false, expectedMilestone: 0, configuredMilestone: 1 },
  { name: 'merged PR but has existing milestone on default branch => apply configured milestone', baseBranch: 'master', prAction: 'closed', merged: true, previousMilestone: 1, configuredMilestone: 2, expectedMilestone: 2 },
  { name: 'merged PR but already has configured milestone on default branch => do nothing', baseBranch: 'master', prAction: 'closed', merged: true, previousMilestone: 2, configuredMilestone: 2, expectedMilestone: 2 },
  { name: 'merged PR but does not have existing milestone on default branch => add milestone', prAction: 'closed', baseBranch: 'master', merged: true, previousMilestone: 0, configuredMilestone: 2, expectedMilestone: 2 },
  { name: 'opened PR on non-default branch => add milestone', baseBranch: 'release-1.0', prAction: 'opened', configuredMilestone: 1, expectedMilestone: 1 },
  { name: 'synced PR on non-default branch => do nothing', baseBranch: 'release-1.0', prAction: 'synchronize', previousMilestone: 0, configuredMilestone: 1, expectedMilestone: 0 },
  { name: 'closed (not merged) PR on non-default branch => do nothing', baseBranch: 'release-1.0', prAction: 'closed', merged: false, expectedMilestone: 0, configuredMilestone: 1 },
  { name: 'merged PR but has existing milestone on non-default branch => add configured milestone', baseBranch: 'release-1.0', prAction: 'closed', merged: true, previousMilestone: 1, configuredMilestone: 2, expectedMilestone: 2 },
  { name: 'merged PR but already has configured milestone on non-default branch => do nothing', baseBranch: 'release-1.0', prAction: 'closed', merged: true, previousMilestone: 2, configuredMilestone: 2, expectedMilestone: 2 },
  { name: 'merged PR but does not have existing milestone on non-default branch => add milestone', prAction: 'closed', baseBranch: 'release-1.0', merged: true, previousMilestone: 0, configuredMilestone: 1, expectedMilestone: 1 },
];

describe('milestoneapplier', () => {
  it.each(prowRows)('$name', async (c) => {
    // Prepare
    const github = seed(c.previousMilestone);
    const config = milestoneApplierConfigSchema.parse({ 'Codertocat/Hello-World': { [c.baseBranch]: titleOf(c.configuredMilestone) } });

    // Act
    const outcome = await run(github, pullRequest(c), config);

    // Assess
    expect(github.issueOf(ref).milestone).toBe(c.expectedMilestone ? titleOf(c.expectedMilestone) : undefined);
    const wrote = c.expectedMilestone !== (c.previousMilestone ?? 0);
    expect(github.writes).toEqual(wrote ? [`updateIssue ${ref} {"milestone":${c.expectedMilestone}}`] : []);
    // No read unless it writes: the payload carries everything else.
    expect(github.reads).toEqual(wrote ? ['listMilestones Codertocat/Hello-World'] : []);
    expect(outcome.status).toBe(wrote ? 'ran' : 'skipped');
  });

  it.each([
    { name: 'no entry for the repository', config: { 'Codertocat/Other': { master: 'v1.0' } } },
    { name: 'no entry for the branch', config: { 'Codertocat/Hello-World': { main: 'v1.0' } } },
    { name: 'an org is not a repository entry', config: { Codertocat: { master: 'v1.0' } } },
    { name: 'the repository name matches exactly', config: { 'codertocat/hello-world': { master: 'v1.0' } } },
    { name: 'an empty repository entry', config: { 'Codertocat/Hello-World': null } },
    { name: 'no section at all', config: undefined },
  ])('does nothing when $name', async ({ config }) => {
    // Prepare
    const github = seed();

    // Act
    const outcome = await run(github, pullRequest({ baseBranch: 'master', prAction: 'closed', merged: true }), milestoneApplierConfigSchema.parse(config));

    // Assess
    expect(outcome.status).toBe('skipped');
    expect(github.calls).toEqual([]);
  });

  it.each([
    { name: 'missing', title: 'v3.0' },
    { name: 'closed (Prow lists open ones only)', title: 'v0.9' },
  ])("a configured milestone that is $name fails the event with Prow's error", async ({ title }) => {
    // Prepare
    const github = seed();
    github.setMilestones(repo, [...milestones, { number: 9, title: 'v0.9', state: 'closed' }]);
    const config = milestoneApplierConfigSchema.parse({ 'Codertocat/Hello-World': { master: title } });

    // Act
    const act = run(github, pullRequest({ baseBranch: 'master', prAction: 'closed', merged: true }), config);

    // Assess
    await expect(act).rejects.toThrow(`The configured milestone ${title} for master branch does not exist in the Codertocat/Hello-World repo`);
    expect(github.writes).toEqual([]);
  });
});

describe('milestone_applier', () => {
  it('reads branches per repository, with no prototype to fall back on', () => {
    // Act
    const config = milestoneApplierConfigSchema.parse({ 'kubernetes/kubernetes': { master: 'v1.37', 'release-1.36': 'v1.36' } });

    // Assess
    expect(milestoneFor(config, 'kubernetes', 'kubernetes', 'release-1.36')).toBe('v1.36');
    expect(milestoneFor(config, 'kubernetes', 'kubernetes', 'constructor')).toBeUndefined();
    expect(milestoneFor(config, 'kubernetes', 'constructor', 'master')).toBeUndefined();
  });

  it('reads a number as Prow reads it into a string, as kubernetes/website relies on', () => {
    // Act
    const config = milestoneApplierConfigSchema.parse({
      'kubernetes/website': { 'dev-1.37': 1.37, 'release-1.20': 1.2, main: 2, odd: true, tiny: 0.00001, huge: 1234567.5 },
    });

    // Assess: Go's strconv.FormatFloat(f, 'g', -1, 32).
    expect(config['kubernetes/website']).toEqual({ 'dev-1.37': '1.37', 'release-1.20': '1.2', main: '2', odd: 'true', tiny: '1e-05', huge: '1.2345675e+06' });
  });

  it.each([
    { name: 'a list of titles', raw: { 'acme/widgets': { main: ['v1'] } } },
    { name: 'a mapping as a title', raw: { 'acme/widgets': { main: { title: 'v1' } } } },
    { name: 'branches as a list', raw: { 'acme/widgets': ['main'] } },
  ])('refuses $name', ({ raw }) => {
    expect(milestoneApplierConfigSchema.safeParse(raw).success).toBe(false);
  });
});
