// The blunderbuss plugin: Prow's blunderbuss_test.go tables over a fake OWNERS client, as Prow
// tests it (which reviewers for which files), then through real OWNERS files at the base commit
// of a real pull_request payload, with an in-memory GitHub that refuses what GitHub refuses.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { PullRequestChange } from '../../shared/github/client.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import type { LayeredSet as OwnersLayers, RepoOwners } from '../../shared/owners/types.js';
import { blunderbuss, type BlunderbussConfig, type BlunderbussGitHub } from '../../shared/plugins/blunderbuss/index.js';
import { blunderbussConfigSchema, defaultWaitDescription } from '../../shared/plugins/blunderbuss/config.js';
import { LayeredSet } from '../../shared/plugins/blunderbuss/layered-set.js';
import { seededRandom, weightedIndex } from '../../shared/plugins/seeded-random.js';
import { runCommands } from '../../shared/plugins/commands.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { ownersSection } from '../../shared/owners/config.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

// Real payloads from @octokit/webhooks-examples: Codertocat/Hello-World#2.
const opened = samplePayload('pull_request', 'opened') as PullRequestEvent;
const repo = { owner: opened.repository.owner.login, repo: opened.repository.name };
const number = opened.pull_request.number;
const ref = `${repo.owner}/${repo.repo}#${number}`;

const config = (section: unknown = {}): BlunderbussConfig => blunderbussConfigSchema.parse(section);

/** The opened payload for a PR by `author` changing nothing in particular; `edit` changes the rest. */
function pullRequestEvent(edit: (pr: PullRequestEvent) => void = () => {}): PullRequestEvent {
  const event = structuredClone(opened);
  event.pull_request.user.login = 'author';
  event.pull_request.body = '';
  edit(event);
  return event;
}

const change = (filename: string, lines = 0): PullRequestChange => ({ filename, additions: lines, deletions: 0, changes: lines, status: 'modified' });

// ---- Prow's fakeOwnersClient -------------------------------------------------------------------

const layered = (...layers: string[][]): OwnersLayers => ({
  layers: layers.map((l) => new Set(l)),
  all: () => new Set(layers.flat()),
});

interface FakeOwners {
  owners?: Record<string, string>;
  approvers?: Record<string, OwnersLayers>;
  leafApprovers?: Record<string, string[]>;
  reviewers?: Record<string, OwnersLayers>;
  requiredReviewers?: Record<string, string[]>;
  leafReviewers?: Record<string, string[]>;
}

/** Prow's fakeOwnersClient: maps by file, and Go's zero values (empty) for files they lack. */
function fakeOwners(f: FakeOwners): RepoOwners {
  const get = <T>(map: Record<string, T> | undefined, path: string): T | undefined => (map && Object.hasOwn(map, path) ? map[path] : undefined);
  const partial: Partial<RepoOwners> = {
    findReviewersOwnersForFile: (path) => get(f.owners, path) ?? '',
    findApproverOwnersForFile: (path) => get(f.owners, path) ?? '',
    reviewers: (path) => get(f.reviewers, path) ?? layered(),
    approvers: (path) => get(f.approvers, path) ?? layered(),
    leafReviewers: (path) => new Set(get(f.leafReviewers, path) ?? []),
    leafApprovers: (path) => new Set(get(f.leafApprovers, path) ?? []),
    requiredReviewers: (path) => new Set(get(f.requiredReviewers, path) ?? []),
    warnings: () => [],
  };
  return partial as RepoOwners;
}

/** A GitHub where everyone named can review, and a context whose OWNERS are `owners`. */
function fakeOwnersSetup(owners: RepoOwners, section: unknown, files: string[], everyone: string[]) {
  const gh = new MemoryGitHub();
  for (const login of everyone) gh.setRole(repo, login, 'write');
  gh.setPullRequest(ref, { author: 'author' });
  gh.setChanges(ref, files.map((f) => change(f)));
  const base = pluginContext<BlunderbussConfig, BlunderbussGitHub>({ github: gh, config: config(section), repo });
  const ctx = { ...base, owners: { ...base.owners, at: async () => owners } };
  return { gh, ctx };
}

const requestedOf = (gh: MemoryGitHub) => gh.requestedOf(ref).reviewers.sort();

// Prow's shared table data (blunderbuss_test.go `owners`, `reviewers`, `requiredReviewers`, `leafReviewers`).
const owners = { 'a.go': '1', 'b.go': '2', 'bb.go': '3', 'c.go': '4', 'e.go': '5', 'ee.go': '5' };
const reviewers = {
  'a.go': layered(['al']),
  'b.go': layered(['al']),
  'c.go': layered(['charles'], ['ben']),
  'e.go': layered(['erick', 'evan']),
  'ee.go': layered(['erick', 'evan']),
  'f.go': layered(['author', 'non-author']),
};
const requiredReviewers = { 'a.go': ['ben'], 'ee.go': ['chris', 'charles'] };
const leafReviewers = {
  'a.go': ['alice'],
  'b.go': ['bob'],
  'bb.go': ['bob', 'ben'],
  'c.go': ['cole', 'carl', 'chad'],
  'e.go': ['erick', 'ellen'],
  'ee.go': ['erick', 'ellen'],
  'f.go': ['author'],
};
const everyoneInTables = ['al', 'alice', 'ben', 'bob', 'carl', 'chad', 'charles', 'chris', 'cole', 'ellen', 'erick', 'evan', 'non-author'];

interface TableCase {
  name: string;
  filesChanged: string[];
  reviewerCount: number;
  maxReviewerCount?: number;
  expectedRequested: string[];
  alternateExpectedRequested?: string[];
}

const testcases: TableCase[] = [
  { name: 'one file, 3 leaf reviewers, 1 parent reviewer, 1 top level reviewer, request 3', filesChanged: ['c.go'], reviewerCount: 3, expectedRequested: ['cole', 'carl', 'chad'] },
  { name: 'one file, 3 leaf reviewers, 1 parent reviewer, 1 top level reviewer, request 4', filesChanged: ['c.go'], reviewerCount: 4, expectedRequested: ['cole', 'carl', 'chad', 'charles'] },
  { name: 'one file, 3 leaf reviewers, 1 parent reviewer, 1 top level reviewer, request 5', filesChanged: ['c.go'], reviewerCount: 5, expectedRequested: ['cole', 'carl', 'chad', 'charles', 'ben'] },
  { name: 'two files, 2 leaf reviewers, 1 common parent, request 2', filesChanged: ['a.go', 'b.go'], reviewerCount: 2, expectedRequested: ['alice', 'ben', 'bob'] },
  { name: 'two files, 2 leaf reviewers, 1 common parent, request 3', filesChanged: ['a.go', 'b.go'], reviewerCount: 3, expectedRequested: ['alice', 'ben', 'bob', 'al'] },
  { name: 'one files, 1 leaf reviewers, request 1', filesChanged: ['a.go'], reviewerCount: 1, maxReviewerCount: 1, expectedRequested: ['alice', 'ben'] },
  { name: 'one file, 2 leaf reviewer, 2 parent reviewers (1 dup), request 3', filesChanged: ['e.go'], reviewerCount: 3, expectedRequested: ['erick', 'ellen', 'evan'] },
  {
    name: 'two files, 2 leaf reviewer, 2 parent reviewers (1 dup), request 1',
    filesChanged: ['e.go'],
    reviewerCount: 1,
    expectedRequested: ['erick'],
    alternateExpectedRequested: ['ellen'],
  },
  { name: 'two files, 1 common leaf reviewer, one additional leaf, one parent, request 1', filesChanged: ['b.go', 'bb.go'], reviewerCount: 1, expectedRequested: ['bob', 'ben'] },
  { name: 'two files, 2 leaf reviewers, 1 common parent, request 1', filesChanged: ['a.go', 'b.go'], reviewerCount: 1, expectedRequested: ['alice', 'ben', 'bob'] },
  {
    name: 'two files, 2 leaf reviewers, 1 common parent, request 1, limit 2',
    filesChanged: ['a.go', 'b.go'],
    reviewerCount: 1,
    maxReviewerCount: 1,
    expectedRequested: ['alice', 'ben'],
    alternateExpectedRequested: ['ben', 'bob'],
  },
  { name: 'exclude author', filesChanged: ['f.go'], reviewerCount: 1, expectedRequested: ['non-author'] },
];

/** Runs blunderbuss on the opened PR and compares as Prow does: sorted, the expected list or the alternate. */
async function assessTable(owners: RepoOwners, section: Record<string, unknown>, tc: TableCase, everyone = everyoneInTables) {
  // Prepare
  const { gh, ctx } = fakeOwnersSetup(owners, section, tc.filesChanged, everyone);
  // Act
  await blunderbuss.on!.pull_request!(ctx, pullRequestEvent());
  // Assess
  const got = requestedOf(gh);
  const options = [tc.expectedRequested, ...(tc.alternateExpectedRequested ? [tc.alternateExpectedRequested] : [])].map((o) => [...o].sort());
  expect(options).toContainEqual(got);
}

const countSection = (tc: TableCase) => ({ request_count: tc.reviewerCount, max_request_count: tc.maxReviewerCount ?? 0 });

describe('Prow TestHandleWithExcludeApproversOnlyReviewers', () => {
  const source = fakeOwners({ owners, reviewers, requiredReviewers, leafReviewers });
  it.each(testcases)('$name', (tc) => assessTable(source, { ...countSection(tc), exclude_approvers: true }, tc));
});

describe('Prow TestHandleWithoutExcludeApproversNoReviewers', () => {
  // The same tables with the reviewers as approvers: the fallback finds them.
  const source = fakeOwners({ owners, approvers: reviewers, leafApprovers: leafReviewers, requiredReviewers });
  it.each(testcases)('$name', (tc) => assessTable(source, countSection(tc), tc));
});

describe('Prow TestHandleWithoutExcludeApproversMixed', () => {
  const source = fakeOwners({
    owners: { 'a.go': '1', 'b.go': '2', 'bb.go': '3', 'c.go': '4', 'e.go': '5', 'ee.go': '5', 'f.go': '6', 'g.go': '7' },
    approvers: {
      'a.go': layered(['al']),
      'b.go': layered(['jeff']),
      'c.go': layered(['jeff']),
      'e.go': layered(),
      'ee.go': layered(['larry']),
      'f.go': layered(['approver1']),
      // Prow's row has "Approver1": Skiff's OWNERS lower-case every login, so this stands for it.
      'g.go': layered(['approver1']),
    },
    leafApprovers: {
      'a.go': ['alice'],
      'b.go': ['brad'],
      'c.go': ['evan'],
      'e.go': ['erick', 'evan'],
      'ee.go': ['erick', 'evan'],
      'f.go': ['leafapprover1', 'leafapprover2'],
      'g.go': ['leafapprover1', 'leafapprover2'],
    },
    reviewers: { 'a.go': layered(['al']), 'b.go': layered(), 'c.go': layered(['charles']), 'e.go': layered(['erick', 'evan']), 'ee.go': layered(['erick', 'evan']) },
    leafReviewers: { 'a.go': ['alice'], 'b.go': ['bob'], 'bb.go': ['bob', 'ben'], 'c.go': ['cole', 'carl', 'chad'], 'e.go': ['erick', 'ellen'], 'ee.go': ['erick', 'ellen'] },
  });
  const everyone = ['al', 'alice', 'bob', 'brad', 'jeff', 'erick', 'ellen', 'evan', 'larry', 'leafapprover1', 'leafapprover2', 'approver1'];
  const mixed: TableCase[] = [
    { name: '1 file, 1 leaf reviewer, 1 leaf approver, 1 approver, request 3', filesChanged: ['b.go'], reviewerCount: 3, expectedRequested: ['bob', 'brad', 'jeff'] },
    { name: '1 file, 1 leaf reviewer, 1 leaf approver, 1 approver, request 1, limit 1', filesChanged: ['b.go'], reviewerCount: 1, expectedRequested: ['bob'] },
    {
      name: '2 file, 2 leaf reviewers, 1 parent reviewers, 1 leaf approver, 1 approver, request 5',
      filesChanged: ['a.go', 'b.go'],
      reviewerCount: 5,
      expectedRequested: ['alice', 'bob', 'al', 'brad', 'jeff'],
    },
    { name: '1 file, 1 leaf reviewer+approver, 1 reviewer+approver, request 3', filesChanged: ['a.go'], reviewerCount: 3, expectedRequested: ['alice', 'al'] },
    { name: '1 file, 2 leaf reviewers, request 2', filesChanged: ['e.go'], reviewerCount: 2, expectedRequested: ['erick', 'ellen'] },
    {
      name: '2 files, 2 leaf+parent reviewers, 1 parent reviewer, 1 parent approver, request 4',
      filesChanged: ['e.go', 'ee.go'],
      reviewerCount: 4,
      expectedRequested: ['erick', 'ellen', 'evan', 'larry'],
    },
    { name: '1 file, 2 leaf approvers, 1 approver, request 3, max 2', filesChanged: ['f.go'], reviewerCount: 3, maxReviewerCount: 2, expectedRequested: ['leafapprover1', 'leafapprover2'] },
    {
      name: '1 file, 2 leaf approvers, 1 approver (capitalized), request 3, max 2',
      filesChanged: ['g.go'],
      reviewerCount: 3,
      maxReviewerCount: 2,
      expectedRequested: ['leafapprover1', 'leafapprover2'],
    },
  ];
  it.each(mixed)('$name', (tc) => assessTable(source, countSection(tc), tc, everyone));
});

// ---- Prow TestHandlePullRequest and TestHandleGenericComment --------------------------------------

const alOwnsA = fakeOwners({ owners: { 'a.go': '1' }, leafReviewers: { 'a.go': ['al'] } });

interface EventCase {
  name: string;
  action?: string;
  body?: string;
  draft?: boolean;
  section?: Record<string, unknown>;
  author?: string;
  expectedRequested: string[];
  status: Outcome['status'];
}

const pullRequestCases: EventCase[] = [
  { name: 'PR opened', body: '/auto-cc', expectedRequested: ['al'], status: 'ran' },
  { name: 'PR opened with /cc command', body: '/cc', expectedRequested: [], status: 'skipped' },
  { name: 'PR opened with /cc @someone among other lines', body: 'Fixes #1.\r\n/cc @al\r\n', expectedRequested: [], status: 'skipped' },
  { name: 'PR opened with a quoted /cc still asks (not a command)', body: '> /cc @al', expectedRequested: ['al'], status: 'ran' },
  { name: 'PR opened but config has WaitForStatus set', body: '/auto-cc', section: { wait_for_status: {} }, expectedRequested: [], status: 'skipped' },
  { name: 'PR closed', action: 'closed', body: '/auto-cc', expectedRequested: [], status: 'skipped' },
  { name: 'PR synchronized', action: 'synchronize', expectedRequested: [], status: 'skipped' },
  { name: 'draft pr opened, ignoreDrafts true, do not assign review to PR', draft: true, section: { ignore_drafts: true }, expectedRequested: [], status: 'skipped' },
  { name: 'draft pr opened, ignoreDrafts false, assign review to PR', draft: true, expectedRequested: ['al'], status: 'ran' },
  { name: 'non-draft pr opened, ignoreDrafts true, assign review to PR', section: { ignore_drafts: true }, expectedRequested: ['al'], status: 'ran' },
  { name: 'draft is ready for review, ignoreDrafts true, assign review to PR', action: 'ready_for_review', section: { ignore_drafts: true }, expectedRequested: ['al'], status: 'ran' },
  { name: 'PR opened by ignored author, do not assign review to PR', section: { ignore_authors: ['author'] }, expectedRequested: [], status: 'skipped' },
  { name: 'ignore_authors matches without case', section: { ignore_authors: ['AUTHOR'] }, expectedRequested: [], status: 'skipped' },
  { name: 'the author is never asked, even as the only reviewer', author: 'al', expectedRequested: [], status: 'skipped' },
];

describe('Prow TestHandlePullRequest', () => {
  it.each(pullRequestCases)('$name', async ({ action = 'opened', body = '', draft = false, section = { request_count: 1 }, author = 'author', expectedRequested, status }) => {
    // Prepare
    const { gh, ctx } = fakeOwnersSetup(alOwnsA, { request_count: 1, ...section }, ['a.go'], ['al']);
    gh.setPullRequest(ref, { author });
    const event = pullRequestEvent((e) => {
      (e as { action: string }).action = action;
      e.pull_request.body = body;
      e.pull_request.draft = draft;
      e.pull_request.user.login = author;
    });

    // Act
    const outcome = await blunderbuss.on!.pull_request!(ctx, event);

    // Assess
    expect(requestedOf(gh)).toEqual(expectedRequested);
    expect(outcome?.status).toBe(status);
  });
});

function issueComment(body: string, { action = 'created', isPR = true, state = 'open' } = {}): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.issue.number = number;
  payload.issue.state = state;
  if (isPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

describe('Prow TestHandleGenericComment', () => {
  it.each([
    { name: 'comment with a valid command in an open PR triggers auto-assignment', event: issueComment('/auto-cc'), expectedRequested: ['al'] },
    { name: 'comment with an invalid command in an open PR will not trigger auto-assignment', event: issueComment('/automatic-review'), expectedRequested: [] },
    { name: 'comment with a valid command in a closed PR will not trigger auto-assignment', event: issueComment('/auto-cc', { state: 'closed' }), expectedRequested: [] },
    { name: 'comment deleted from an open PR will not trigger auto-assignment', event: issueComment('/auto-cc', { action: 'deleted' }), expectedRequested: [] },
    { name: 'comment with valid command in an open issue will not trigger auto-assignment', event: issueComment('/auto-cc', { isPR: false }), expectedRequested: [] },
    { name: '/AUTO-CC (case does not matter)', event: issueComment('/AUTO-CC'), expectedRequested: ['al'] },
    { name: '/auto-cc with trailing whitespace and CRLF', event: issueComment('thanks\r\n/auto-cc \t\r\n'), expectedRequested: ['al'] },
    { name: '/auto-cc with words after it does nothing (Prow)', event: issueComment('/auto-cc please'), expectedRequested: [] },
    { name: 'a quoted /auto-cc does nothing', event: issueComment('> /auto-cc'), expectedRequested: [] },
    { name: 'an edited comment does nothing', event: issueComment('/auto-cc', { action: 'edited' }), expectedRequested: [] },
  ])('$name', async ({ event, expectedRequested }) => {
    // Prepare
    const { gh, ctx } = fakeOwnersSetup(alOwnsA, { request_count: 1 }, ['a.go'], ['al']);

    // Act
    await runCommands(blunderbuss, ctx, event);

    // Assess
    expect(requestedOf(gh)).toEqual(expectedRequested);
  });

  it('/auto-cc in the body of a PR being opened leaves the asking to the opened event', async () => {
    // Prepare: the hook gives the opened PR to the pull_request handler and its body to the commands.
    const { gh, ctx } = fakeOwnersSetup(alOwnsA, { request_count: 1 }, ['a.go'], ['al']);
    const event = pullRequestEvent((e) => (e.pull_request.body = '/auto-cc'));
    const body = generalizeComment('pull_request', event as unknown as Record<string, unknown>)!;

    // Act
    const onOpen = await blunderbuss.on!.pull_request!(ctx, event);
    const fromBody = await runCommands(blunderbuss, ctx, body);

    // Assess
    expect(onOpen?.status).toBe('ran');
    expect(fromBody?.status).toBe('skipped');
    expect(gh.writes).toEqual([`requestReviewers ${ref} [al]`]);
  });

  it('/auto-cc in the body of a new draft still asks when drafts are ignored on open (as Prow)', async () => {
    // Prepare
    const { gh, ctx } = fakeOwnersSetup(alOwnsA, { request_count: 1, ignore_drafts: true }, ['a.go'], ['al']);
    gh.setPullRequest(ref, { author: 'author', draft: true });
    const event = pullRequestEvent((e) => {
      e.pull_request.body = '/auto-cc';
      e.pull_request.draft = true;
    });

    // Act
    const onOpen = await blunderbuss.on!.pull_request!(ctx, event);
    const fromBody = await runCommands(blunderbuss, ctx, generalizeComment('pull_request', event as unknown as Record<string, unknown>)!);

    // Assess
    expect([onOpen?.status, fromBody?.status]).toEqual(['skipped', 'ran']);
    expect(requestedOf(gh)).toEqual(['al']);
  });
});

// ---- Real OWNERS files at the base commit ---------------------------------------------------------

/**
 * A repository with OWNERS at the PR's base commit, and the PR changing `changes`. The base SHA
 * is derived from the files: OWNERS are cached by commit across a process, as a commit's files
 * never change, so two tests must not give different files the same commit.
 */
function realOwners(files: Record<string, string>, changes: PullRequestChange[], section: unknown = {}, ownersSectionText?: unknown) {
  const sha = createHash('sha1').update(JSON.stringify(files)).digest('hex');
  const gh = new MemoryGitHub();
  for (const [path, text] of Object.entries(files)) gh.setFile(repo, sha, path, text);
  gh.setPullRequest(ref, { author: 'author', base: { sha } });
  gh.setChanges(ref, changes);
  const sections = { owners: ownersSection.schema.parse(ownersSectionText) };
  const ctx = pluginContext<BlunderbussConfig, BlunderbussGitHub>({ github: gh, config: config(section), repo, sections });
  const event = (edit: (pr: PullRequestEvent) => void = () => {}) =>
    pullRequestEvent((e) => {
      e.pull_request.base.sha = sha;
      edit(e);
    });
  return { gh, ctx, event };
}

const tree = {
  OWNERS: 'approvers:\n- root-approver\nreviewers:\n- root-reviewer\n',
  'api/OWNERS': 'approvers:\n- api-approver\nreviewers:\n- api-reviewer-1\n- api-reviewer-2\n- api-reviewer-3\n- Author\n',
  'docs/OWNERS': 'approvers:\n- docs-approver\n',
  'api/v1/types.go': 'package v1\n',
};
const collaborators = ['root-approver', 'root-reviewer', 'api-approver', 'api-reviewer-1', 'api-reviewer-2', 'api-reviewer-3', 'docs-approver'];

describe('through OWNERS files at the base commit', () => {
  it('asks two of the closest reviewers, never the author, the same two on every run', async () => {
    // Prepare
    const runs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const { gh, ctx, event } = realOwners(tree, [change('api/v1/types.go', 40)]);
      for (const login of collaborators) gh.setRole(repo, login, 'write');
      // Act
      const outcome = await blunderbuss.on!.pull_request!(ctx, event());
      expect(outcome?.status).toBe('ran');
      runs.push(requestedOf(gh));
    }
    // Assess
    expect(runs[0]).toHaveLength(2);
    for (const login of runs[0]!) expect(['api-reviewer-1', 'api-reviewer-2', 'api-reviewer-3']).toContain(login);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('reads OWNERS at the base commit, not at the head', async () => {
    // Prepare: the head adds its author as the only reviewer; the base has root-reviewer.
    const { gh, ctx, event } = realOwners({ OWNERS: 'reviewers:\n- root-reviewer\n' }, [change('main.go', 3)], { request_count: 1 });
    gh.setFile(repo, opened.pull_request.head.sha, 'OWNERS', 'reviewers:\n- sneaky\n');
    gh.setRole(repo, 'root-reviewer', 'write').setRole(repo, 'sneaky', 'write');

    // Act
    await blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    expect(gh.writes).toEqual([`requestReviewers ${ref} [root-reviewer]`]);
  });

  it('falls back to approvers when reviewers run short, unless exclude_approvers', async () => {
    // Prepare: docs/ has an approver only; the root has a reviewer.
    const files = { OWNERS: 'reviewers:\n- root-reviewer\n', 'docs/OWNERS': 'approvers:\n- docs-approver\n' };
    const withFallback = realOwners(files, [change('docs/guide.md', 10)]);
    const without = realOwners(files, [change('docs/guide.md', 10)], { exclude_approvers: true });
    for (const { gh } of [withFallback, without]) gh.setRole(repo, 'root-reviewer', 'write').setRole(repo, 'docs-approver', 'write');

    // Act
    await blunderbuss.on!.pull_request!(withFallback.ctx, withFallback.event());
    await blunderbuss.on!.pull_request!(without.ctx, without.event());

    // Assess
    expect(requestedOf(withFallback.gh)).toEqual(['docs-approver', 'root-reviewer']);
    expect(requestedOf(without.gh)).toEqual(['root-reviewer']);
  });

  it('asks required reviewers beyond max_request_count', async () => {
    // Prepare
    const files = { OWNERS: 'reviewers:\n- r1\n- r2\n- r3\nrequired_reviewers:\n- security\n' };
    const { gh, ctx, event } = realOwners(files, [change('main.go', 5)], { request_count: 3, max_request_count: 1 });
    for (const login of ['r1', 'r2', 'r3', 'security']) gh.setRole(repo, login, 'write');

    // Act
    await blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    const asked = requestedOf(gh);
    expect(asked).toHaveLength(2);
    expect(asked).toContain('security');
    expect(ctx.checks.some((c) => c.startsWith('max_request_count 1: not asking'))).toBe(true);
  });

  it('nobody in OWNERS but the author: skipped, and says so', async () => {
    // Prepare
    const { gh, ctx, event } = realOwners({ OWNERS: 'approvers:\n- author\n' }, [change('main.go', 5)]);

    // Act
    const outcome = await blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    expect(gh.writes).toEqual([]);
    expect(outcome).toEqual({ status: 'skipped', reason: 'no OWNERS reviewers or approvers other than the author for the 1 changed file' });
  });

  it('an OWNERS reviewer without access is not asked: only collaborators count (Prow: unless skip_collaborators)', async () => {
    // Prepare: r2 is in OWNERS but has no role on the repository.
    const { gh, ctx, event } = realOwners({ OWNERS: 'reviewers:\n- r1\n- r2\n' }, [change('main.go', 5)]);
    gh.setRole(repo, 'r1', 'write');

    // Act
    const outcome = await blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    expect(requestedOf(gh)).toEqual(['r1']);
    expect(outcome).toEqual({ status: 'ran', reason: 'requested reviews from r1' });
  });

  it('with skip_collaborators, a reviewer GitHub refuses is left out, and the rest are asked', async () => {
    // Prepare: OWNERS alone decide, so r2 is drawn, and GitHub refuses to ask someone without access.
    const { gh, ctx, event } = realOwners({ OWNERS: 'reviewers:\n- r1\n- r2\n' }, [change('main.go', 5)], {}, { skip_collaborators: [`${repo.owner}/${repo.repo}`] });
    gh.setRole(repo, 'r1', 'write');

    // Act
    const outcome = await blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    expect(requestedOf(gh)).toEqual(['r1']);
    expect(gh.comments).toEqual([]);
    expect(outcome).toEqual({ status: 'ran', reason: 'requested reviews from r1; GitHub would not ask r2' });
    expect(ctx.checks).toContain('GitHub would not request reviews from r2 (not collaborators, or the author)');
  });

  it('a 5xx from GitHub is thrown, to be retried', async () => {
    // Prepare
    const { gh, ctx, event } = realOwners({ OWNERS: 'reviewers:\n- r1\n' }, [change('main.go', 5)]);
    gh.setRole(repo, 'r1', 'write');
    gh.failNext('requestReviewers', Object.assign(new Error('Bad Gateway'), { status: 502 }));

    // Act
    const run = blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    await expect(run).rejects.toThrow('Bad Gateway');
  });

  it('says use_status_availability is unsupported and ignored keys by name', async () => {
    // Prepare
    const { gh, ctx, event } = realOwners({ OWNERS: 'reviewers:\n- r1\n' }, [change('main.go', 5)], { use_status_availability: true, file_weight_count: 10 });
    gh.setRole(repo, 'r1', 'write');

    // Act
    await blunderbuss.on!.pull_request!(ctx, event());

    // Assess
    expect(requestedOf(gh)).toEqual(['r1']);
    expect(ctx.checks).toContain("use_status_availability is not supported (GitHub's busy status is GraphQL only): every candidate counts as available");
    expect(ctx.checks).toContain('ignored blunderbuss keys that neither Skiff nor Prow reads: file_weight_count');
  });
});

// ---- The pick: seeded and weighted --------------------------------------------------------------------

describe('the pick', () => {
  it('a weighted pick from a seed: 1000 lines against none is picked nearly always', () => {
    // Prepare
    const weights = { big: 1 + 1000, small: 1 };
    let big = 0;
    // Act: one pick for each of 200 pull requests.
    for (let n = 1; n <= 200; n++) {
      const random = seededRandom(`acme/widgets#${n}`);
      const layer = new LayeredSet([['big', 'small']]);
      if (layer.pop((sorted) => weightedIndex(sorted.map((l) => weights[l as 'big' | 'small']), random)) === 'big') big++;
    }
    // Assess: expected 200 × 1001/1002; a uniform pick would give about 100.
    expect(big).toBeGreaterThan(190);
  });

  it('through the plugin, the one who owns most of the change is picked over one who owns a line', async () => {
    // Prepare: the root OWNERS has light and heavy; heavy is also the closest reviewer of a
    // 500-line change, beside other. One pick per OWNERS file: README.md's, then core/'s.
    const files = { OWNERS: 'reviewers:\n- light\n- heavy\n', 'core/OWNERS': 'reviewers:\n- heavy\n- other\n' };
    const sha = createHash('sha1').update(JSON.stringify(files)).digest('hex');
    let light = 0;
    for (let n = 1; n <= 40; n++) {
      const gh = new MemoryGitHub();
      for (const [path, text] of Object.entries(files)) gh.setFile(repo, sha, path, text);
      const prRef = `${repo.owner}/${repo.repo}#${n}`;
      gh.setPullRequest(prRef, { author: 'author' });
      gh.setChanges(prRef, [change('README.md', 1), change('core/engine.go', 500)]);
      for (const login of ['light', 'heavy', 'other']) gh.setRole(repo, login, 'write');
      const ctx = pluginContext<BlunderbussConfig, BlunderbussGitHub>({ github: gh, config: config({ request_count: 1 }), repo });
      // Act
      await blunderbuss.on!.pull_request!(
        ctx,
        pullRequestEvent((e) => {
          e.pull_request.number = n;
          e.pull_request.base.sha = sha;
        }),
      );
      if (gh.requestedOf(prRef).reviewers.includes('light')) light++;
    }
    // Assess: weights light 2, heavy 502, other 501: light is asked for about 0.2 of 40 pull
    // requests; a uniform pick (Prow's) asks light for about half of them.
    expect(light).toBeLessThan(4);
  });

  it('seededRandom repeats for a seed and differs between seeds', () => {
    // Act
    const a = seededRandom('acme/widgets#1');
    const b = seededRandom('acme/widgets#1');
    const c = seededRandom('acme/widgets#2');
    const first = [a(), a(), a()];
    // Assess
    expect([b(), b(), b()]).toEqual(first);
    expect(c()).not.toBe(first[0]);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });

  it.each([
    { name: 'all weight on the last', weights: [0, 0, 5], at: 0.99, index: 2 },
    { name: 'the first at zero', weights: [1, 1], at: 0, index: 0 },
    { name: 'the boundary goes to the next', weights: [1, 1], at: 0.5, index: 1 },
  ])('weightedIndex: $name', ({ weights, at, index }) => {
    // Act / Assess
    expect(weightedIndex(weights, () => at)).toBe(index);
  });
});

describe('LayeredSet (Prow layeredsets.String)', () => {
  it('keeps an item in its first layer, lists layer by layer sorted, pops from the first non-empty layer', () => {
    // Prepare
    const set = new LayeredSet([['b', 'a'], ['c', 'a']]);
    set.insert(2, 'd', 'b');
    // Act
    const listed = set.list();
    const popped = set.pop(() => 0);
    // Assess
    expect(listed).toEqual(['a', 'b', 'c', 'd']);
    expect(popped).toBe('a');
    expect(set.list()).toEqual(['b', 'c', 'd']);
    expect(set.difference(new Set(['b'])).list()).toEqual(['c', 'd']);
    expect(set.union(new LayeredSet([['z']])).list()).toEqual(['b', 'z', 'c', 'd']);
  });
});

// ---- Config ------------------------------------------------------------------------------------------------

describe('config (Prow Blunderbuss, setDefaults, validateBlunderbuss)', () => {
  it.each([
    { name: 'no section', section: undefined, want: { requestCount: 2, maxRequestCount: 0, excludeApprovers: false, ignoreDrafts: false, ignoreAuthors: [], waitForStatus: undefined } },
    { name: 'an empty section', section: null, want: { requestCount: 2 } },
    { name: 'kubernetes', section: { max_request_count: 2, use_status_availability: true }, want: { requestCount: 2, maxRequestCount: 2, useStatusAvailability: true } },
    { name: 'negative max means no limit', section: { max_request_count: -1 }, want: { maxRequestCount: 0 } },
    { name: 'every key', section: { request_count: 3, exclude_approvers: true, ignore_drafts: true, ignore_authors: ['dependabot[bot]'] }, want: { requestCount: 3, excludeApprovers: true, ignoreDrafts: true, ignoreAuthors: ['dependabot[bot]'] } },
    { name: 'unknown keys are kept by name', section: { file_weight_count: 10 }, want: { unknownKeys: ['file_weight_count'] } },
  ])('$name', ({ section, want }) => {
    // Act / Assess
    expect(blunderbussConfigSchema.parse(section)).toMatchObject(want);
  });

  it('wait_for_status gets Prow\'s defaults, its description compiled', () => {
    // Act
    const parsed = blunderbussConfigSchema.parse({ wait_for_status: {} });
    // Assess
    expect(parsed.waitForStatus).toMatchObject({ context: 'tide', state: 'pending', description: defaultWaitDescription });
    expect(parsed.waitForStatus!.descriptionRe.test('Not mergeable. Needs approved, lgtm labels.')).toBe(true);
  });

  it.each([
    { name: 'request_count 0', section: { request_count: 0 }, message: 'invalid request_count: 0 (needs to be positive)' },
    { name: 'request_count negative', section: { request_count: -2 }, message: 'invalid request_count: -2 (needs to be positive)' },
    { name: 'a description that does not compile', section: { wait_for_status: { description: '(unclosed' } }, message: 'failed to compile the wait_for_status description' },
    { name: 'a string count', section: { request_count: 'two' }, message: 'expected number' },
  ])('rejects $name', ({ section, message }) => {
    // Act
    const result = blunderbussConfigSchema.safeParse(section);
    // Assess
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});
