// The cherry-pick-unapproved plugin against real `pull_request` payloads and an in-memory GitHub:
// Prow's TestCherryPickUnapprovedLabel rows (cherrypick-unapproved_test.go), with the labels in
// the payload (the plugin reads none), then the comment it posts and deletes, and its config.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { cherryPickUnapprovedConfigSchema, defaultComment, type CherryPickUnapprovedConfig } from '../../shared/plugins/cherry-pick-unapproved/config.js';
import { cherryPickUnapproved, cpApprovedLabel, cpUnapprovedLabel, type CherryPickUnapprovedGitHub } from '../../shared/plugins/cherry-pick-unapproved/index.js';
import { formatSimpleResponse } from '../../shared/plugins/respond.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const ref = 'Codertocat/Hello-World#2'; // the pull_request examples' pull request
const comment = 'dummy cumment'; // Prow's test comment

interface Event {
  action: string;
  branch: string;
  labels?: string[];
  /** The label of a labeled/unlabeled event. */
  label?: string;
  changes?: Record<string, unknown>;
}

function pullRequest({ action, branch, labels = [], label, changes }: Event): PullRequestEvent {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.base.ref = branch;
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));
  if (label !== undefined) payload.label = { id: 99, node_id: 'L99', url: '', name: label, color: 'ededed', default: false, description: null };
  if (changes) payload.changes = changes;
  return payload as PullRequestEvent;
}

const config = (raw: unknown = { comment }): CherryPickUnapprovedConfig => cherryPickUnapprovedConfigSchema.parse(raw);

async function run(event: PullRequestEvent, options: { config?: CherryPickUnapprovedConfig; comments?: { user: string; body: string }[] } = {}) {
  const github = new MemoryGitHub();
  github.setPullRequest(ref, { base: { ref: event.pull_request.base.ref } });
  github.setLabels(ref, event.pull_request.labels.map((l) => l.name));
  for (const c of options.comments ?? []) github.addComment(ref, c);
  const ctx = pluginContext<CherryPickUnapprovedConfig, CherryPickUnapprovedGitHub>({ github, config: options.config ?? config(), repo: { owner: 'Codertocat', repo: 'Hello-World' } });
  const outcome = (await cherryPickUnapproved.on!.pull_request!(ctx, event)) as Outcome;
  return { github, outcome };
}

interface Case {
  name: string;
  event: Event;
  added: string[];
  removed: string[];
  expectComment: boolean;
}

const prowRows: Case[] = [
  { name: 'unsupported PR action -> no-op', event: { action: 'closed', branch: 'release-1.10' }, added: [], removed: [], expectComment: false },
  { name: 'branch that does match regexp -> no-op', event: { action: 'opened', branch: 'master' }, added: [], removed: [], expectComment: false },
  { name: 'has cpUnapproved -> no-op', event: { action: 'opened', branch: 'release-1.10', labels: [cpUnapprovedLabel] }, added: [], removed: [], expectComment: false },
  {
    name: 'has both cpApproved and cpUnapproved -> remove cpUnapproved',
    event: { action: 'opened', branch: 'release-1.10', labels: [cpApprovedLabel, cpUnapprovedLabel] },
    added: [],
    removed: [cpUnapprovedLabel],
    expectComment: false,
  },
  {
    name: 'does not have any labels, PR opened against a release branch -> add cpUnapproved and comment',
    event: { action: 'opened', branch: 'release-1.10' },
    added: [cpUnapprovedLabel],
    removed: [],
    expectComment: true,
  },
  {
    name: 'does not have any labels, PR reopened against a release branch -> add cpUnapproved and comment',
    event: { action: 'reopened', branch: 'release-1.10' },
    added: [cpUnapprovedLabel],
    removed: [],
    expectComment: true,
  },
  {
    name: 'PR base branch master edited to release -> add cpUnapproved and comment',
    event: { action: 'edited', branch: 'release-1.10', changes: { base: { ref: { from: 'master' }, sha: { from: 'sha' } } } },
    added: [cpUnapprovedLabel],
    removed: [],
    expectComment: true,
  },
  {
    name: 'PR base branch edited from release to master -> remove cpApproved and cpUnapproved',
    event: { action: 'edited', branch: 'master', labels: [cpApprovedLabel, cpUnapprovedLabel], changes: { base: { ref: { from: 'release-1.10' }, sha: { from: 'sha' } } } },
    added: [],
    removed: [cpApprovedLabel, cpUnapprovedLabel],
    expectComment: false,
  },
  {
    name: 'PR title changed -> no-op',
    event: { action: 'edited', branch: 'release-1.10', labels: [cpApprovedLabel, cpUnapprovedLabel], changes: { title: { from: 'Update README.md' } } },
    added: [],
    removed: [],
    expectComment: false,
  },
];

const moreRows: Case[] = [
  { name: 'cpApproved added -> remove cpUnapproved', event: { action: 'labeled', branch: 'release-1.10', label: cpApprovedLabel, labels: [cpUnapprovedLabel, cpApprovedLabel] }, added: [], removed: [cpUnapprovedLabel], expectComment: false },
  { name: 'cpUnapproved removed by hand -> added back, with the comment', event: { action: 'unlabeled', branch: 'release-1.10', label: cpUnapprovedLabel }, added: [cpUnapprovedLabel], removed: [], expectComment: true },
  { name: 'cpApproved removed -> cpUnapproved added', event: { action: 'unlabeled', branch: 'release-1.10', label: cpApprovedLabel }, added: [cpUnapprovedLabel], removed: [], expectComment: true },
  { name: 'another label added -> no-op', event: { action: 'labeled', branch: 'release-1.10', label: 'lgtm', labels: ['lgtm'] }, added: [], removed: [], expectComment: false },
  { name: 'the label named in another case -> no-op (Prow compares exactly)', event: { action: 'labeled', branch: 'release-1.10', label: 'Cherry-Pick-Approved', labels: ['Cherry-Pick-Approved'] }, added: [], removed: [], expectComment: false },
  { name: 'labeled off a release branch -> no-op', event: { action: 'labeled', branch: 'master', label: cpApprovedLabel, labels: [cpApprovedLabel] }, added: [], removed: [], expectComment: false },
  { name: 'the labels in another case count', event: { action: 'opened', branch: 'release-1.10', labels: ['Do-Not-Merge/Cherry-Pick-Not-Approved'] }, added: [], removed: [], expectComment: false },
  {
    name: 'base edited from one release branch to another -> no-op',
    event: { action: 'edited', branch: 'release-1.11', changes: { base: { ref: { from: 'release-1.10' }, sha: { from: 'sha' } } } },
    added: [],
    removed: [],
    expectComment: false,
  },
  { name: 'synchronize -> no-op', event: { action: 'synchronize', branch: 'release-1.10' }, added: [], removed: [], expectComment: false },
];

describe('cherry-pick-unapproved (Prow TestCherryPickUnapprovedLabel)', () => {
  it.each([...prowRows, ...moreRows])('$name', async ({ event, added, removed, expectComment }) => {
    // Act
    const { github } = await run(pullRequest(event));

    // Assess: the payload's labels decide; no label is read.
    const labelWrites = github.writes.filter((w) => /^(add|remove)Label /.test(w));
    expect(labelWrites).toEqual([...added.map((l) => `addLabel ${ref} ${l}`), ...removed.map((l) => `removeLabel ${ref} ${l}`)]);
    expect(github.comments).toEqual(expectComment ? [{ ref, body: formatSimpleResponse(comment) }] : []);
    expect(github.reads.filter((r) => r.startsWith('getIssueLabels'))).toEqual([]);
  });
});

describe('cherry-pick-unapproved: the comment', () => {
  it('approved: deletes the bot comments that say the configured comment, and no one else', async () => {
    // Prepare
    const comments = [
      { user: 'skiff-bot', body: formatSimpleResponse(comment) },
      { user: 'someone', body: `> ${comment}\nwhy?` },
      { user: 'skiff-bot', body: 'another notice' },
    ];

    // Act
    const { github, outcome } = await run(pullRequest({ action: 'labeled', branch: 'release-1.10', label: cpApprovedLabel, labels: [cpApprovedLabel, cpUnapprovedLabel] }), { comments });

    // Assess
    expect(github.commentsOf(ref).map((c) => c.body)).toEqual([`> ${comment}\nwhy?`, 'another notice']);
    expect(outcome).toEqual({ status: 'ran', reason: `${cpApprovedLabel}: ${cpUnapprovedLabel} removed, 1 comment(s) deleted` });
  });

  it("by default says Prow's default comment", async () => {
    // Act
    const { github } = await run(pullRequest({ action: 'opened', branch: 'release-1.10' }), { config: cherryPickUnapprovedConfigSchema.parse(undefined) });

    // Assess
    expect(github.comments).toEqual([{ ref, body: formatSimpleResponse(defaultComment) }]);
  });

  it('a failed label write fails the event, to be retried (Prow logs it and carries on)', async () => {
    // Prepare
    const github = new MemoryGitHub().failNext('addLabel', new Error('502 Bad Gateway'));
    github.setPullRequest(ref, {});
    const ctx = pluginContext<CherryPickUnapprovedConfig, CherryPickUnapprovedGitHub>({ github, config: config(), repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act / Assess
    await expect(cherryPickUnapproved.on!.pull_request!(ctx, pullRequest({ action: 'opened', branch: 'release-1.10' }))).rejects.toThrow('502 Bad Gateway');
  });
});

describe('cherry-pick-unapproved: config', () => {
  it.each([
    { name: 'no section: Prow defaults', raw: undefined, regexp: '^release-.*$', comment: defaultComment },
    { name: 'empty strings take the defaults, as Go zero values', raw: { branchregexp: '', comment: '' }, regexp: '^release-.*$', comment: defaultComment },
    { name: 'both set', raw: { branchregexp: '^release-1\\.', comment: 'nope' }, regexp: '^release-1\\.', comment: 'nope' },
  ])('$name', ({ raw, regexp, comment: said }) => {
    // Act
    const parsed = cherryPickUnapprovedConfigSchema.parse(raw);

    // Assess
    expect(parsed).toMatchObject({ branchRegexp: regexp, comment: said });
  });

  it('a branchregexp that does not compile fails the config, as in Prow', () => {
    // Act
    const result = cherryPickUnapprovedConfigSchema.safeParse({ branchregexp: 'release-(' });

    // Assess
    expect(result.error?.issues[0]).toMatchObject({ path: ['branchregexp'], message: expect.stringContaining('failed to compile cherry_pick_unapproved branchregexp') });
  });
});
