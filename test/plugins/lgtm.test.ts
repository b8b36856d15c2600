// The lgtm plugin against an in-memory GitHub, fed real webhook payloads (retargeted to
// acme/widgets#5) the way the hook feeds them: the event's handler, then the commands over the
// generalised comment. The tables are Prow's lgtm_test.go row by row (TestLGTMComment,
// TestLGTMCommentWithLGTMNoti, TestLGTMFromApproveReview, TestHandlePullRequest,
// TestAddTreeHashComment, TestRemoveTreeHashComment), in its world: collaborators collab1 and
// collab2, assignees collab1 and assignee1 (who is not a collaborator), author `author`, OWNERS of
// doc/ naming approvers cjwagner, jessica and reviewers alice, bob, mark, sam. Prow's boolean
// columns become the exact writes; the odd rows follow each table.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { GitHubClient } from '../../shared/github/client.js';
import { generalizeComment } from '../../shared/hook/generic-comment.js';
import { journaledClient } from '../../shared/hook/plugin-client.js';
import { ownersSection } from '../../shared/owners/config.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { lgtmConfigSchema, lgtmFor, type LgtmConfig } from '../../shared/plugins/lgtm/config.js';
import { lgtmIntent } from '../../shared/plugins/lgtm/intent.js';
import { lgtm, removedNotice, treeHashNotice } from '../../shared/plugins/lgtm/index.js';
import { storedTreeHash } from '../../shared/plugins/lgtm/notices.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { MemoryStore } from '../fakes/memory-store.js';
import { pluginContext, type TestContext } from '../fakes/plugin-context.js';

const repo = { owner: 'acme', repo: 'widgets' };
const pr = 'acme/widgets#5';
const head = '0bd3ed50c88cd53a09316bf7a298f900e9371652';
const base = '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b';
const bot = 'skiff-bot';
const ownersFile = 'approvers:\n- cjwagner\n- jessica\nreviewers:\n- alice\n- bob\n- mark\n- sam\n';

/** The tree SHA of the head commit's files (content-addressed: the same in every MemoryGitHub). */
const tree = (await new MemoryGitHub().setFile(repo, head, 'doc/README.md', 'hello\n').getTree(repo, head)).sha;

// The writes, as MemoryGitHub records them.
const addLabel = `addLabel ${pr} lgtm`;
const removeLabel = `removeLabel ${pr} lgtm`;
const assign = (login: string) => `addAssignees ${pr} [${login}]`;
const request = (...logins: string[]) => `requestReviewers ${pr} [${logins.join(', ')}]`;
const hashComment = (sha = tree) => `createComment ${pr} ${treeHashNotice(sha)}`;
const removedComment = `createComment ${pr} ${removedNotice}`;
const deleted = (id: number) => `deleteComment acme/widgets comment ${id}`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A reply in Prow's format to `login`, starting with Prow's sentence. */
const reply = (login: string, sentence: string) => expect.stringMatching(new RegExp(`^createComment ${escape(pr)} @${escape(login)}: ${escape(sentence)}`));
const selfRefusal = (login = 'author') => reply(login, 'you cannot LGTM your own PR.');
const collabRefusal = (login: string) => reply(login, 'changing LGTM is restricted to collaborators');
const ownersRefusal = (login: string) => reply(login, 'adding LGTM is restricted to approvers and reviewers in OWNERS files.');

interface World {
  hasLGTM?: boolean;
  assignees?: string[];
  author?: string;
  config?: Record<string, unknown>;
  skipCollaborators?: boolean;
}

/** Prow's test world on a MemoryGitHub, and a context for the plugin with its config. */
function world(w: World = {}): { gh: MemoryGitHub; ctx: TestContext<LgtmConfig, MemoryGitHub> } {
  const gh = new MemoryGitHub({ botLogin: bot })
    .setPullRequest(pr, { author: w.author ?? 'author', head: { sha: head }, base: { sha: base, ref: 'main' } })
    .setChanges(pr, [{ filename: 'doc/README.md', additions: 1, deletions: 0, changes: 1, status: 'modified' }])
    .setAssignees(pr, w.assignees ?? ['collab1', 'assignee1'])
    .setRole(repo, 'collab1', 'write')
    .setRole(repo, 'collab2', 'write')
    // Can be asked to review (GitHub wants some role) but is no collaborator to Skiff.
    .setRole(repo, 'assignee1', 'read')
    .setRole(repo, 'TestReviewer', 'write')
    .setRole(repo, 'alice', 'write')
    .setFile(repo, head, 'doc/README.md', 'hello\n')
    .setFile(repo, base, 'doc/README.md', 'hi\n')
    .setFile(repo, base, 'doc/OWNERS', ownersFile)
    .setTeam('acme', { name: 'Leads', slug: 'leads', members: ['sig-lead'] })
    .setTeam('acme', { name: 'Admins', slug: 'admins', members: ['default-sig-lead'] })
    .setTeam('acme', { name: 'Sig Release Leads', slug: 'release-leads', members: ['sig-lead'] });
  if (w.hasLGTM) gh.setLabels(pr, ['lgtm']);
  const config = lgtmConfigSchema.parse([{ repos: ['acme/widgets'], ...w.config }]);
  const sections = { owners: ownersSection.schema.parse(w.skipCollaborators ? { skip_collaborators: ['acme/widgets'] } : {}) };
  return { gh, ctx: pluginContext({ github: gh, config, repo, sections, botLogin: bot }) };
}

function retarget(payload: Record<string, any>): void {
  payload.repository.owner.login = repo.owner;
  payload.repository.name = repo.repo;
  payload.repository.full_name = `${repo.owner}/${repo.repo}`;
}

const userNamed = (template: Record<string, any>, login: string, type = login.endsWith('[bot]') ? 'Bot' : 'User') => ({ ...template, login, type });

/** A real issue_comment payload: `commenter` says `body` on pull request #5 by `author`. */
function commentPayload(body: string, commenter: string, o: { action?: string; state?: string; onPR?: boolean; author?: string; assignees?: string[] } = {}) {
  const payload = samplePayload('issue_comment', o.action ?? 'created');
  retarget(payload);
  payload.issue.number = 5;
  payload.issue.state = o.state ?? 'open';
  payload.issue.user = userNamed(payload.issue.user, o.author ?? 'author');
  // As world() seeds the pull request: the payload carries its assignees, as GitHub's does.
  payload.issue.assignees = (o.assignees ?? ['collab1', 'assignee1']).map((l) => userNamed(payload.issue.user, l));
  payload.comment.body = body;
  payload.comment.user = userNamed(payload.comment.user, commenter);
  if (o.onPR ?? true) {
    const url = 'https://api.github.com/repos/acme/widgets/pulls/5';
    payload.issue.pull_request = { url, html_url: 'https://github.com/acme/widgets/pull/5', diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return payload;
}

/** A real pull_request_review payload (`edited` relabels a submitted one: the examples have none). */
function reviewPayload(state: string, reviewer: string, o: { action?: string; body?: string; assignees?: string[] } = {}) {
  const action = o.action ?? 'submitted';
  const payload = samplePayload('pull_request_review', action === 'dismissed' ? 'dismissed' : 'submitted');
  payload.action = action;
  retarget(payload);
  payload.review.state = state;
  payload.review.body = o.body ?? null;
  payload.review.user = userNamed(payload.review.user, reviewer);
  payload.pull_request.number = 5;
  payload.pull_request.user = userNamed(payload.pull_request.user, 'author');
  payload.pull_request.assignees = (o.assignees ?? ['collab1', 'assignee1']).map((l) => userNamed(payload.pull_request.user, l));
  return payload;
}

/** A real pull_request payload, `synchronize` unless `action` says otherwise. */
function pushPayload(o: { action?: string; author?: string; assignees?: string[]; merged?: boolean } = {}) {
  const payload = samplePayload('pull_request', 'synchronize');
  payload.action = o.action ?? 'synchronize';
  retarget(payload);
  payload.number = 5;
  payload.pull_request.number = 5;
  payload.pull_request.merged = o.merged ?? false;
  payload.pull_request.head.sha = head;
  payload.pull_request.user = userNamed(payload.pull_request.user, o.author ?? 'author');
  payload.pull_request.assignees = (o.assignees ?? ['TestReviewer']).map((l) => userNamed(payload.pull_request.user, l));
  return payload;
}

type EventName = 'issue_comment' | 'pull_request' | 'pull_request_review';

/** As dispatch runs a plugin: the event's handler, then the commands over the generalised comment. */
async function deliver(ctx: TestContext<LgtmConfig, MemoryGitHub>, event: EventName, payload: Record<string, any>): Promise<Outcome | undefined> {
  const outcomes: Outcome[] = [];
  if (event === 'pull_request') outcomes.push((await lgtm.on!.pull_request!(ctx, payload as never)) ?? { status: 'ran' });
  if (event === 'pull_request_review') outcomes.push((await lgtm.on!.pull_request_review!(ctx, payload as never)) ?? { status: 'ran' });
  const comment = generalizeComment(event, payload);
  if (comment) {
    const outcome = await runCommands(lgtm, ctx, comment);
    if (outcome) outcomes.push(outcome);
  }
  return outcomes.find((o) => o.status !== 'skipped') ?? outcomes[0];
}

describe('lgtm comments (Prow TestLGTMComment, store_tree_hash on)', () => {
  interface Case {
    name: string;
    body: string;
    commenter: string;
    hasLGTM?: boolean;
    skipCollaborators?: boolean;
    writes: unknown[];
    /** `undefined`: no lgtm command in the comment at all. */
    status: Outcome['status'] | undefined;
  }
  const requestAll = request('collab1', 'assignee1');
  const cases: Case[] = [
    { name: 'non-lgtm comment', body: 'uh oh', commenter: 'collab2', writes: [], status: undefined },
    { name: 'lgtm comment by reviewer, no lgtm on pr', body: '/lgtm', commenter: 'collab1', writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'LGTM comment by reviewer, no lgtm on pr', body: '/LGTM', commenter: 'collab1', writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'lgtm comment by reviewer, lgtm on pr', body: '/lgtm', commenter: 'collab1', hasLGTM: true, writes: [], status: 'ran' },
    { name: 'lgtm comment by author', body: '/lgtm', commenter: 'author', writes: [selfRefusal()], status: 'refused' },
    { name: 'lgtm cancel by author', body: '/lgtm cancel', commenter: 'author', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'remove lgtm by author', body: '/remove-lgtm', commenter: 'author', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'lgtm comment by non-reviewer', body: '/lgtm', commenter: 'collab2', writes: [assign('collab2'), hashComment(), addLabel], status: 'ran' },
    { name: 'lgtm comment by non-reviewer, with trailing space', body: '/lgtm ', commenter: 'collab2', writes: [assign('collab2'), hashComment(), addLabel], status: 'ran' },
    { name: 'lgtm comment by non-reviewer, with no-issue', body: '/lgtm no-issue', commenter: 'collab2', writes: [assign('collab2'), hashComment(), addLabel], status: 'ran' },
    {
      name: 'lgtm comment by non-reviewer, with no-issue and trailing space',
      body: '/lgtm no-issue \r',
      commenter: 'collab2',
      writes: [assign('collab2'), hashComment(), addLabel],
      status: 'ran',
    },
    { name: 'lgtm comment by rando', body: '/lgtm', commenter: 'not-in-the-org', writes: [collabRefusal('not-in-the-org')], status: 'refused' },
    { name: 'lgtm cancel by non-reviewer', body: '/lgtm cancel', commenter: 'collab2', hasLGTM: true, writes: [assign('collab2'), requestAll, removeLabel], status: 'ran' },
    { name: 'remove lgtm by non-reviewer', body: '/remove-lgtm', commenter: 'collab2', hasLGTM: true, writes: [assign('collab2'), requestAll, removeLabel], status: 'ran' },
    { name: 'lgtm cancel by rando', body: '/lgtm cancel', commenter: 'not-in-the-org', hasLGTM: true, writes: [collabRefusal('not-in-the-org')], status: 'refused' },
    { name: 'remove lgtm by rando', body: '/remove-lgtm', commenter: 'not-in-the-org', hasLGTM: true, writes: [collabRefusal('not-in-the-org')], status: 'refused' },
    { name: 'lgtm cancel comment by reviewer', body: '/lgtm cancel', commenter: 'collab1', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'remove-lgtm comment by reviewer', body: '/remove-lgtm', commenter: 'collab1', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'lgtm cancel comment by reviewer, with trailing space', body: '/lgtm cancel \r', commenter: 'collab1', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'remove lgtm comment by reviewer, with trailing space', body: '/remove-lgtm \r', commenter: 'collab1', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'lgtm cancel comment by reviewer, no lgtm', body: '/lgtm cancel', commenter: 'collab1', writes: [], status: 'ran' },
    { name: 'remove lgtm comment by reviewer, no lgtm', body: '/remove-lgtm', commenter: 'collab1', writes: [], status: 'ran' },
    { name: 'lgtm comment, based off OWNERS only', body: '/lgtm', commenter: 'sam', skipCollaborators: true, writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'lgtm comment by assignee, but not collab', body: '/lgtm', commenter: 'assignee1', writes: [collabRefusal('assignee1')], status: 'refused' },

    // The odd rows.
    { name: 'a quoted /lgtm does nothing', body: '> /lgtm', commenter: 'collab1', writes: [], status: undefined },
    { name: 'an indented /lgtm does nothing (the command must start the line)', body: '  /lgtm', commenter: 'collab1', writes: [], status: undefined },
    { name: '/lgtmx is not /lgtm', body: '/lgtmx', commenter: 'collab1', writes: [], status: undefined },
    // Prow's regex takes nothing after /lgtm but `no-issue` and whitespace, unlike /hold.
    { name: '/lgtm with text after it does nothing, as in Prow', body: '/lgtm thanks!', commenter: 'collab1', writes: [], status: 'skipped' },
    { name: '/lgtm  cancel with two spaces is neither, as in Prow', body: '/lgtm  cancel', commenter: 'collab1', hasLGTM: true, writes: [], status: 'skipped' },
    { name: '/remove-lgtm with text after it does nothing', body: '/remove-lgtm please', commenter: 'collab1', hasLGTM: true, writes: [], status: 'skipped' },
    { name: '/lgtm with CRLF line endings, on a later line', body: 'Nice work.\r\n/lgtm\r\nThanks!\r\n', commenter: 'collab1', writes: [hashComment(), addLabel], status: 'ran' },
    { name: '/lgtm with trailing tabs', body: '/lgtm\t\t', commenter: 'collab1', writes: [hashComment(), addLabel], status: 'ran' },
    { name: '/Lgtm Cancel (case does not matter)', body: '/Lgtm Cancel', commenter: 'collab1', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    // Go folds case by Unicode: the long s (U+017F) is an s.
    { name: '/lgtm no-iſſue (Unicode case folding, as in Go)', body: '/lgtm no-iſſue', commenter: 'collab1', writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'both /lgtm and /lgtm cancel: /lgtm wins, as in Prow', body: '/lgtm cancel\n/lgtm', commenter: 'collab1', writes: [hashComment(), addLabel], status: 'ran' },
    { name: '/lgtm with text, then /lgtm cancel: cancel', body: '/lgtm great\n/lgtm cancel', commenter: 'collab1', hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'the author, in other case, still cannot /lgtm', body: '/lgtm', commenter: 'AUTHOR', writes: [selfRefusal('AUTHOR')], status: 'refused' },
    { name: 'a bot account is refused like anyone without access', body: '/lgtm', commenter: 'some-app[bot]', writes: [collabRefusal('some-app[bot]')], status: 'refused' },
    { name: 'OWNERS only: an approver of the file may /lgtm', body: '/lgtm', commenter: 'cjwagner', skipCollaborators: true, writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'OWNERS only: a collaborator not in OWNERS is refused', body: '/lgtm', commenter: 'collab1', skipCollaborators: true, writes: [ownersRefusal('collab1')], status: 'refused' },
    { name: 'OWNERS only: the author may still cancel', body: '/lgtm cancel', commenter: 'author', skipCollaborators: true, hasLGTM: true, writes: [requestAll, removeLabel], status: 'ran' },
    { name: 'OWNERS only: the author cannot /lgtm', body: '/lgtm', commenter: 'author', skipCollaborators: true, writes: [selfRefusal()], status: 'refused' },
  ];

  it.each(cases)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({ hasLGTM: c.hasLGTM, skipCollaborators: c.skipCollaborators, config: { store_tree_hash: true } });

    // Act
    const outcome = await deliver(ctx, 'issue_comment', commentPayload(c.body, c.commenter));

    // Assess
    expect(gh.writes).toEqual(c.writes);
    expect(outcome?.status).toBe(c.status);
  });

  it('the self-LGTM reply says who can and that the author may still cancel', async () => {
    // Prepare
    const { gh, ctx } = world();

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'author'));

    // Assess
    expect(gh.comments).toHaveLength(1);
    const body = gh.comments[0]!.body;
    expect(body).toMatch(/^@author: you cannot LGTM your own PR\. /);
    expect(body).toContain("a collaborator on acme/widgets other than the pull request's author has to give it");
    expect(body).toContain('`/lgtm cancel`');
    // Prow's format: the comment quoted in the details.
    expect(body).toContain('In response to [this](https://github.com/');
    expect(body).toContain('>/lgtm');
  });

  it("a rando's reply says what a collaborator is, and the check is in the trace", async () => {
    // Prepare
    const { gh, ctx } = world();

    // Act
    const outcome = await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'not-in-the-org'));

    // Assess
    expect(gh.comments[0]!.body).toMatch(/^@not-in-the-org: changing LGTM is restricted to collaborators\. You are not a collaborator on acme\/widgets \(that takes triage/);
    expect(ctx.checks).toEqual(['collaborator not-in-the-org on acme/widgets: no (role read)']);
    expect(outcome).toEqual({ status: 'refused', reason: '/lgtm by not-in-the-org, who is not a collaborator on acme/widgets' });
  });

  it('the OWNERS refusal names the OWNERS directory and two people who are in it', async () => {
    // Prepare
    const { gh, ctx } = world({ skipCollaborators: true });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab1'));

    // Assess
    expect(gh.comments[0]!.body).toMatch(
      /^@collab1: adding LGTM is restricted to approvers and reviewers in OWNERS files\. You are not a reviewer or approver in the OWNERS of `doc\/`, which cover the changed files; alice and bob are\./,
    );
    expect(ctx.checks).toContain('OWNERS reviewers or approvers of doc/README.md: collab1 is not one (alice, bob are)');
  });

  it.each([
    { name: 'an edited comment', payload: commentPayload('/lgtm', 'collab1', { action: 'edited' }) },
    { name: 'a comment on an issue', payload: commentPayload('/lgtm', 'collab1', { onPR: false }) },
    { name: 'a comment on a closed pull request', payload: commentPayload('/lgtm', 'collab1', { state: 'closed' }) },
  ])('$name is skipped without a call', async ({ payload }) => {
    // Prepare
    const { gh, ctx } = world();

    // Act
    const outcome = await deliver(ctx, 'issue_comment', payload);

    // Assess
    expect(outcome?.status).toBe('skipped');
    expect(gh.calls).toEqual([]);
  });

  it('a collaborator GitHub will not assign still gives LGTM, and the trace says so', async () => {
    // Prepare: collab2 has access, but GitHub silently leaves them out (as for a full assignee list).
    const { gh, ctx } = world({ config: {} });
    gh.addAssignees = async () => gh.assigneesOf(pr);

    // Act
    const outcome = await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab2'));

    // Assess
    expect(outcome?.status).toBe('ran');
    expect(gh.labelsOf(pr)).toEqual(['lgtm']);
    expect(ctx.checks).toContain('GitHub did not assign collab2 to acme/widgets#5');
  });

  it('a failed label write fails the event, to be retried', async () => {
    // Prepare
    const { gh, ctx } = world({ config: {} });
    gh.failNext('addLabel', Object.assign(new Error('Bad gateway'), { status: 502 }));

    // Act
    const act = deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab1'));

    // Assess
    await expect(act).rejects.toThrow('Bad gateway');
  });
});

describe('the "New changes are detected" notice (Prow TestLGTMCommentWithLGTMNoti, no config)', () => {
  const cases = [
    { name: 'non-lgtm comment', body: 'uh oh', commenter: 'collab2', shouldDelete: false },
    { name: 'lgtm comment by reviewer, no lgtm on pr', body: '/lgtm', commenter: 'collab1', shouldDelete: true },
    { name: 'LGTM comment by reviewer, no lgtm on pr', body: '/LGTM', commenter: 'collab1', shouldDelete: true },
    { name: 'lgtm comment by author', body: '/lgtm', commenter: 'author', shouldDelete: false },
    { name: 'lgtm comment by non-reviewer', body: '/lgtm', commenter: 'collab2', shouldDelete: true },
    { name: 'lgtm comment by non-reviewer, with trailing space', body: '/lgtm ', commenter: 'collab2', shouldDelete: true },
    { name: 'lgtm comment by non-reviewer, with no-issue', body: '/lgtm no-issue', commenter: 'collab2', shouldDelete: true },
    { name: 'lgtm comment by non-reviewer, with no-issue and trailing space', body: '/lgtm no-issue \r', commenter: 'collab2', shouldDelete: true },
    { name: 'lgtm comment by rando', body: '/lgtm', commenter: 'not-in-the-org', shouldDelete: false },
    { name: 'lgtm cancel comment by reviewer, no lgtm', body: '/lgtm cancel', commenter: 'collab1', shouldDelete: false },
    { name: 'remove-lgtm comment by reviewer, no lgtm', body: '/remove-lgtm', commenter: 'collab1', shouldDelete: false },
  ];

  it.each(cases)('$name', async (c) => {
    // Prepare: the bot's notice from an earlier push, and the same words from someone else.
    const { gh, ctx } = world({ config: {} });
    const notice = gh.addComment(pr, { user: bot, body: removedNotice });
    const quote = gh.addComment(pr, { user: 'collab2', body: `> ${removedNotice}\nwhy?` });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload(c.body, c.commenter));

    // Assess: only the bot's own comment is ever deleted.
    const left = gh.commentsOf(pr).map((x) => x.id);
    expect(left.includes(notice)).toBe(!c.shouldDelete);
    expect(left).toContain(quote);
    expect(gh.writes.includes(deleted(notice))).toBe(c.shouldDelete);
  });
});

describe('reviews (Prow TestLGTMFromApproveReview, review_acts_as_lgtm on)', () => {
  interface Case {
    name: string;
    state: string;
    action?: string;
    body?: string;
    reviewer: string;
    hasLGTM?: boolean;
    storeTreeHash?: boolean;
    writes: unknown[];
    status: Outcome['status'];
  }
  const cases: Case[] = [
    { name: 'Edit approve review by reviewer, no lgtm on pr', state: 'approved', action: 'edited', reviewer: 'collab1', storeTreeHash: true, writes: [], status: 'skipped' },
    { name: 'Dismiss approve review by reviewer, no lgtm on pr', state: 'approved', action: 'dismissed', reviewer: 'collab1', storeTreeHash: true, writes: [], status: 'skipped' },
    { name: 'Request changes review by reviewer, no lgtm on pr', state: 'changes_requested', reviewer: 'collab1', writes: [], status: 'ran' },
    { name: 'Request changes review by reviewer, lgtm on pr', state: 'changes_requested', reviewer: 'collab1', hasLGTM: true, writes: [removeLabel], status: 'ran' },
    { name: 'Approve review by reviewer, no lgtm on pr', state: 'approved', reviewer: 'collab1', storeTreeHash: true, writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'Approve review by reviewer, no lgtm on pr, do not store tree_hash', state: 'approved', reviewer: 'collab1', writes: [addLabel], status: 'ran' },
    // Prow reads the labels first and does nothing; without a tree hash Skiff adds without
    // reading (GitHub changes nothing), one call fewer on the common path.
    { name: 'Approve review by reviewer, lgtm on pr (the add is a no-op)', state: 'approved', reviewer: 'collab1', hasLGTM: true, writes: [addLabel], status: 'ran' },
    { name: 'Approve review by non-reviewer, no lgtm on pr', state: 'approved', reviewer: 'collab2', storeTreeHash: true, writes: [assign('collab2'), hashComment(), addLabel], status: 'ran' },
    { name: 'Request changes review by non-reviewer, no lgtm on pr', state: 'changes_requested', reviewer: 'collab2', writes: [assign('collab2')], status: 'ran' },
    { name: 'Approve review by rando', state: 'approved', reviewer: 'not-in-the-org', writes: [collabRefusal('not-in-the-org')], status: 'refused' },
    { name: 'Comment review by issue author, no lgtm on pr', state: 'commented', reviewer: 'author', writes: [], status: 'skipped' },
    { name: 'Approve review by GitHub App bot, no lgtm on pr', state: 'approved', reviewer: 'some-app[bot]', writes: [], status: 'skipped' },
    { name: 'Request changes review by GitHub App bot, lgtm on pr', state: 'changes_requested', reviewer: 'some-app[bot]', hasLGTM: true, writes: [], status: 'skipped' },

    // The odd rows, and the review body, which goes through the comment path as in Prow.
    { name: 'Approve review by the bot itself', state: 'approved', reviewer: bot, writes: [], status: 'skipped' },
    { name: 'Approve review by the author', state: 'approved', reviewer: 'author', writes: [selfRefusal()], status: 'refused' },
    { name: 'Request changes review by the author, lgtm on pr', state: 'changes_requested', reviewer: 'author', hasLGTM: true, writes: [removeLabel], status: 'ran' },
    { name: 'Comment body has /lgtm on Comment Review: the body adds, once', state: 'commented', body: '/lgtm', reviewer: 'collab1', writes: [addLabel], status: 'ran' },
    { name: 'Comment body has /lgtm cancel on Approve Review: the body cancels', state: 'approved', body: '/lgtm cancel', reviewer: 'collab1', hasLGTM: true, writes: [removeLabel], status: 'ran' },
    { name: 'Approve review with /lgtm in the body acts once', state: 'approved', body: 'Nice.\n/lgtm', reviewer: 'collab1', storeTreeHash: true, writes: [hashComment(), addLabel], status: 'ran' },
    { name: 'Approve review with "/lgtm thanks" in the body: the approval adds', state: 'approved', body: '/lgtm thanks', reviewer: 'collab1', writes: [addLabel], status: 'ran' },
    { name: 'Approve review with a quoted /lgtm: the approval adds', state: 'approved', body: '> /lgtm', reviewer: 'collab1', writes: [addLabel], status: 'ran' },
    { name: 'Edited review with /lgtm in the body does nothing', state: 'commented', action: 'edited', body: '/lgtm', reviewer: 'collab1', writes: [], status: 'skipped' },
  ];

  it.each(cases)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({ hasLGTM: c.hasLGTM, config: { review_acts_as_lgtm: true, store_tree_hash: c.storeTreeHash ?? false } });

    // Act
    const outcome = await deliver(ctx, 'pull_request_review', reviewPayload(c.state, c.reviewer, { action: c.action, body: c.body }));

    // Assess
    expect(gh.writes).toEqual(c.writes);
    expect(outcome?.status).toBe(c.status);
    const kept = c.hasLGTM && !c.writes.includes(removeLabel);
    expect(gh.labelsOf(pr)).toEqual(kept || c.writes.includes(addLabel) ? ['lgtm'] : []);
  });

  it('with review_acts_as_lgtm off, an approval changes nothing and costs no call', async () => {
    // Prepare
    const { gh, ctx } = world({ config: { store_tree_hash: true } });

    // Act
    const outcome = await deliver(ctx, 'pull_request_review', reviewPayload('approved', 'collab1'));

    // Assess
    expect(outcome).toEqual({ status: 'skipped', reason: 'review_acts_as_lgtm is off for acme/widgets' });
    expect(gh.calls).toEqual([]);
  });
});

describe('pushes (Prow TestHandlePullRequest, store_tree_hash on, lgtm on the pull request)', () => {
  interface Case {
    name: string;
    payload: Record<string, any>;
    trustedTeam?: string;
    storeTreeHash?: boolean;
    hasLGTM?: boolean;
    /** Comments on the pull request before the push. */
    comments?: { user: string; body: string; edited?: boolean }[];
    writes: unknown[];
    status: Outcome['status'];
  }
  const notice = (sha: string) => treeHashNotice(sha);
  const removal = [request('TestReviewer'), removedComment, removeLabel];
  const cases: Case[] = [
    { name: 'pr_synchronize, no RemoveLabel error', payload: pushPayload(), comments: [{ user: bot, body: removedNotice }], writes: removal, status: 'ran' },
    { name: 'Sticky LGTM for trusted team members', payload: pushPayload({ author: 'sig-lead' }), trustedTeam: 'Leads', writes: [], status: 'skipped' },
    { name: 'LGTM not sticky for trusted user if disabled', payload: pushPayload({ author: 'sig-lead' }), writes: removal, status: 'ran' },
    { name: 'LGTM not sticky for non trusted user', payload: pushPayload({ author: 'sig-lead' }), trustedTeam: 'Committers', writes: removal, status: 'ran' },
    { name: 'pr_assigned', payload: pushPayload({ action: 'assigned' }), writes: [], status: 'skipped' },
    { name: 'pr_synchronize, same tree-hash, keep label', payload: pushPayload(), comments: [{ user: bot, body: notice(tree) }], writes: [], status: 'ran' },
    { name: 'pr_synchronize, same tree-hash, keep label, edited comment', payload: pushPayload(), comments: [{ user: bot, body: notice(tree), edited: true }], writes: removal, status: 'ran' },
    {
      name: 'pr_synchronize, 2 tree-hash comments, keep label',
      payload: pushPayload(),
      comments: [
        { user: bot, body: notice('older_treeSHA') },
        { user: bot, body: notice(tree) },
      ],
      writes: [],
      status: 'ran',
    },
    {
      name: 'pr_synchronize, no RemoveLabel error, no assignees; no requested reviewers',
      payload: pushPayload({ assignees: [] }),
      comments: [{ user: bot, body: removedNotice }],
      writes: [removedComment, removeLabel],
      status: 'ran',
    },

    // The odd rows.
    { name: 'a different tree: the label goes', payload: pushPayload(), comments: [{ user: bot, body: notice('f'.repeat(40)) }], writes: removal, status: 'ran' },
    { name: 'the same tree in a comment by someone else: the label goes', payload: pushPayload(), comments: [{ user: 'collab1', body: notice(tree) }], writes: removal, status: 'ran' },
    {
      name: 'the newest tree-hash comment edited, an older one unedited and matching: kept, as in Prow',
      payload: pushPayload(),
      comments: [
        { user: bot, body: notice(tree) },
        { user: bot, body: notice('f'.repeat(40)), edited: true },
      ],
      writes: [],
      status: 'ran',
    },
    { name: 'a merged pull request is left alone', payload: pushPayload({ merged: true }), writes: [], status: 'skipped' },
    { name: 'no lgtm label: nothing to do', payload: pushPayload(), hasLGTM: false, writes: [], status: 'skipped' },
    { name: 'without store_tree_hash: removed, no review re-requested', payload: pushPayload(), storeTreeHash: false, comments: [{ user: bot, body: notice(tree) }], writes: [removedComment, removeLabel], status: 'ran' },
    { name: 'sticky team named by its name, unlike its slug', payload: pushPayload({ author: 'sig-lead' }), trustedTeam: 'Sig Release Leads', writes: [], status: 'skipped' },
    {
      name: 'the author among the assignees is not asked to review their own pull request',
      payload: pushPayload({ assignees: ['author', 'TestReviewer'] }),
      writes: removal,
      status: 'ran',
    },
  ];

  it.each(cases)('$name', async (c) => {
    // Prepare
    const config = { store_tree_hash: c.storeTreeHash ?? true, ...(c.trustedTeam ? { trusted_team_for_sticky_lgtm: c.trustedTeam } : {}) };
    const { gh, ctx } = world({ hasLGTM: c.hasLGTM ?? true, config });
    for (const comment of c.comments ?? []) {
      const id = gh.addComment(pr, { user: comment.user, body: comment.body, createdAt: '2024-01-01T00:00:00Z' });
      // Edited through the API, which moves updated_at past created_at.
      if (comment.edited) await gh.editComment(repo, id, comment.body);
    }
    gh.calls.length = 0;
    gh.writes.length = 0;

    // Act
    const outcome = await deliver(ctx, 'pull_request', c.payload);

    // Assess
    expect(gh.writes).toEqual(c.writes);
    expect(outcome?.status).toBe(c.status);
  });

  it('a push to a pull request without LGTM costs one call', async () => {
    // Prepare
    const { gh, ctx } = world({ config: { store_tree_hash: true, trusted_team_for_sticky_lgtm: 'Leads' } });

    // Act
    await deliver(ctx, 'pull_request', pushPayload());

    // Assess
    expect(gh.calls).toEqual([`getIssueLabels ${pr}`]);
  });

  it('without the bot login no tree-hash comment is trusted, and the trace says why', async () => {
    // Prepare
    const { gh } = world({ hasLGTM: true });
    gh.addComment(pr, { user: bot, body: treeHashNotice(tree) });
    const config = lgtmConfigSchema.parse([{ repos: ['acme/widgets'], store_tree_hash: true }]);
    const ctx = pluginContext({ github: gh, config, repo });
    ctx.botLogin = undefined;

    // Act
    await deliver(ctx, 'pull_request', pushPayload());

    // Assess
    expect(gh.writes).toEqual([request('TestReviewer'), removedComment, removeLabel]);
    expect(ctx.checks).toContain('the bot login is unknown, so no tree-hash comment can be trusted');
  });

  it('a sticky team GitHub will not show (no permission) counts as not sticky', async () => {
    // Prepare
    const { gh, ctx } = world({ hasLGTM: true, config: { trusted_team_for_sticky_lgtm: 'Leads' } });
    gh.failNext('listTeams', Object.assign(new Error('Must have admin rights'), { status: 403 }));

    // Act
    await deliver(ctx, 'pull_request', pushPayload({ author: 'sig-lead' }));

    // Assess
    expect(gh.writes).toEqual([removedComment, removeLabel]);
    expect(ctx.checks.join('\n')).toContain('could not check team Leads');
  });
});

describe('the tree-hash comment (Prow TestAddTreeHashComment, TestRemoveTreeHashComment)', () => {
  it.each([
    { name: 'Tree SHA added', author: 'Bob', trustedTeam: '', expectTreeSha: true },
    { name: 'Tree SHA if sticky lgtm off', author: 'sig-lead', trustedTeam: '', expectTreeSha: true },
    { name: 'No Tree SHA if sticky lgtm', author: 'sig-lead', trustedTeam: 'Leads', expectTreeSha: false },
  ])('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({ author: c.author, config: { store_tree_hash: true, trusted_team_for_sticky_lgtm: c.trustedTeam } });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab1', { author: c.author }));

    // Assess: the notice carries the tree of the head commit.
    expect(gh.writes).toEqual(c.expectTreeSha ? [hashComment(tree), addLabel] : [addLabel]);
  });

  it('a sticky LGTM keeps the last removal notice', async () => {
    // Prepare
    const { gh, ctx } = world({ author: 'sig-lead', config: { trusted_team_for_sticky_lgtm: 'Leads' } });
    const notice = gh.addComment(pr, { user: bot, body: removedNotice });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab1', { author: 'sig-lead' }));

    // Assess
    expect(gh.commentsOf(pr).map((c) => c.id)).toEqual([notice]);
  });

  it('Remove tree hash comment on /lgtm cancel', async () => {
    // Prepare: Prow's world for this test: collab1 cancels, alice is the one assignee.
    const { gh, ctx } = world({ hasLGTM: true, author: 'bob', assignees: ['alice'], config: { store_tree_hash: true } });
    const hash = gh.addComment(pr, { user: bot, body: treeHashNotice(tree) });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm cancel', 'collab1', { author: 'bob', assignees: ['alice'] }));

    // Assess
    expect(gh.writes).toEqual([assign('collab1'), request('alice'), deleted(hash), removeLabel]);
  });

  it('a later push finds the tree the LGTM was given to, written by the plugin itself', async () => {
    // Prepare
    const { gh, ctx } = world({ config: { store_tree_hash: true } });
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab1'));

    // Act
    const outcome = await deliver(ctx, 'pull_request', pushPayload());

    // Assess
    expect(outcome).toEqual({ status: 'ran', reason: `lgtm kept: the tree is still ${tree}` });
    expect(gh.labelsOf(pr)).toEqual(['lgtm']);
  });

  it('a refused review re-request (not a collaborator) is noted and the notice still posted', async () => {
    // Prepare: nobody gave the assignee a role, so GitHub answers 422.
    const { gh, ctx } = world({ hasLGTM: true, config: { store_tree_hash: true } });

    // Act
    const outcome = await deliver(ctx, 'pull_request', pushPayload({ assignees: ['stranger'] }));

    // Assess
    expect(outcome?.status).toBe('ran');
    expect(gh.writes).toEqual([removedComment, removeLabel]);
    expect(ctx.checks.join('\n')).toMatch(/re-requesting review from stranger failed, carrying on as Prow does/);
  });

  it.each([
    { name: 'the newest unedited bot comment wins', comments: [c(bot, 'a'), c(bot, 'b')], want: 'b' },
    { name: 'an edited one is passed over', comments: [c(bot, 'a'), c(bot, 'b', true)], want: 'a' },
    { name: "someone else's is not the bot's", comments: [c('mallory', 'a')], want: undefined },
    { name: 'the bot login matches in any case', comments: [c('Skiff-Bot', 'a')], want: 'a' },
    { name: 'a comment Prow left reads the same', comments: [c(bot, 'x', false, 'LGTM label has been added.  <details>Git tree hash: 6dcb09b5b57875f334f61aebed695e2e4193db5e</details>')], want: '6dcb09b5b57875f334f61aebed695e2e4193db5e' },
  ])('storedTreeHash: $name', ({ comments, want }) => {
    // Act / Assess
    expect(storedTreeHash(comments, bot)).toBe(want);
  });
});

function c(login: string, sha: string, edited = false, body = treeHashNotice(sha)) {
  const at = '2024-01-01T00:00:00Z';
  return { id: 1, body, user: { login, type: 'User' }, createdAt: at, updatedAt: edited ? '2024-01-02T00:00:00Z' : at, htmlUrl: '' };
}

describe('retries after a partial failure (the write journal, as dispatch wires it)', () => {
  const retryable = () => Object.assign(new Error('Bad gateway'), { status: 502 });

  /** Runs `payload` until it succeeds (at most 3 attempts), each attempt under the same claim and journal. */
  async function withRetries(gh: MemoryGitHub, event: EventName, payload: Record<string, any>, config: Record<string, unknown>) {
    const store = new MemoryStore();
    await store.claim('d1', 'lgtm', 60_000);
    const parsed = lgtmConfigSchema.parse([{ repos: ['acme/widgets'], ...config }]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const journal = await store.journaled('d1', 'lgtm');
      const github = journaledClient(gh, { claims: store, delivery: 'd1', plugin: 'lgtm', journal, writes: [], prefix: '' });
      const ctx = pluginContext<LgtmConfig, GitHubClient>({ github, config: parsed, repo, botLogin: bot });
      try {
        return { attempt, outcome: await deliver(ctx as never, event, payload) };
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    throw new Error('unreachable');
  }

  it('a failed notice pruning after the tree hash: the retry posts nothing twice and adds the label', async () => {
    // Prepare
    const { gh } = world();
    const notice = gh.addComment(pr, { user: bot, body: removedNotice });
    gh.failNext('listComments', retryable());

    // Act
    const { attempt } = await withRetries(gh, 'issue_comment', commentPayload('/lgtm', 'collab1'), { store_tree_hash: true });

    // Assess
    expect(attempt).toBe(2);
    expect(gh.writes).toEqual([hashComment(), deleted(notice), addLabel]);
  });

  it('a failed removal notice on a push: the retry still finds the label and finishes', async () => {
    // Prepare
    const { gh } = world({ hasLGTM: true });
    gh.failNext('createComment', retryable());

    // Act
    const { attempt } = await withRetries(gh, 'pull_request', pushPayload(), { store_tree_hash: true });

    // Assess: the review request of the first attempt is not made again.
    expect(attempt).toBe(2);
    expect(gh.writes).toEqual([request('TestReviewer'), removedComment, removeLabel]);
    expect(gh.labelsOf(pr)).toEqual([]);
  });
});

describe('cost (issue §5): /lgtm by an assigned collaborator, store_tree_hash off', () => {
  it('from a comment, which carries its assignees (as Prow\'s GenericCommentEvent does): 3 calls, 1 write', async () => {
    // Prepare
    const { gh, ctx } = world({ config: {} });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm', 'collab1'));

    // Assess
    expect(gh.calls).toEqual([`getRepoRole acme/widgets collab1`, `listComments ${pr}`, addLabel]);
    expect(gh.writes).toEqual([addLabel]);
  });

  it('from an approving review (the payload has the assignees): 3 calls, 1 write', async () => {
    // Prepare
    const { gh, ctx } = world({ config: { review_acts_as_lgtm: true } });

    // Act
    await deliver(ctx, 'pull_request_review', reviewPayload('approved', 'collab1'));

    // Assess
    expect(gh.calls).toEqual([`getRepoRole acme/widgets collab1`, `listComments ${pr}`, addLabel]);
    expect(gh.writes).toEqual([addLabel]);
  });
});

describe('the lgtm section', () => {
  it.each([
    { name: 'the repository entry wins over an earlier org entry', org: 'acme', repo: 'widgets', want: { reviewActsAsLgtm: false, storeTreeHash: true, stickyLgtmTeam: '' } },
    { name: 'the org entry for another repository', org: 'acme', repo: 'gadgets', want: { reviewActsAsLgtm: true, storeTreeHash: false, stickyLgtmTeam: 'Leads' } },
    { name: 'nothing for another org', org: 'other', repo: 'widgets', want: { reviewActsAsLgtm: false, storeTreeHash: false, stickyLgtmTeam: '' } },
  ])('lgtmFor: $name', ({ org, repo: name, want }) => {
    // Prepare
    const config = lgtmConfigSchema.parse([
      { repos: ['acme'], review_acts_as_lgtm: true, trusted_team_for_sticky_lgtm: 'Leads' },
      { repos: ['acme/widgets'], store_tree_hash: true },
      { repos: ['acme/widgets'], review_acts_as_lgtm: true },
    ]);

    // Act / Assess
    expect(lgtmFor(config, org, name)).toEqual(want);
  });

  it.each([
    { name: 'absent', raw: undefined, ok: true },
    { name: 'empty', raw: null, ok: true },
    { name: 'a key Prow ignores is accepted, and not read', raw: [{ repos: ['acme'], sticky_lgtm_team: 'Leads' }], ok: true },
    { name: 'a string for a boolean is an error, not true', raw: [{ repos: ['acme'], store_tree_hash: 'yes' }], ok: false },
    { name: 'repos must be a list', raw: [{ repos: 'acme' }], ok: false },
    { name: 'the section must be a list', raw: { repos: ['acme'] }, ok: false },
  ])('schema: $name', ({ raw, ok }) => {
    // Act
    const result = lgtmConfigSchema.safeParse(raw);

    // Assess
    expect(result.success).toBe(ok);
    if (result.success && Array.isArray(raw)) expect(lgtmFor(result.data, 'acme', 'x').stickyLgtmTeam).toBe('');
  });

  it.each([
    { body: '/lgtm', want: true },
    { body: '/lgtm no-issue', want: true },
    { body: '/lgtm cancel', want: false },
    { body: '/remove-lgtm', want: false },
    { body: 'x\r/lgtm', want: undefined }, // Go's ^ follows \n only
    { body: '/lgtm\u00a0', want: undefined }, // Go's \s has no no-break space
    { body: '/lgtm\u2028', want: undefined }, // nor does its $ stop at a line separator
    { body: '/lgtm\n\n', want: true },
  ])('lgtmIntent($body) is $want, as Go reads the regex', ({ body, want }) => {
    expect(lgtmIntent(body)).toBe(want);
  });
});
