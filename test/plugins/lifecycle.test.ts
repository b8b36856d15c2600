// The lifecycle plugin through the command machinery: real issue_comment payloads, generalised as
// the hook generalises them, matched by lifecycle's declarations and run against MemoryGitHub.
// Rows follow Prow's lifecycle_test.go (TestAddLifecycleLabels), close_test.go (TestCloseComment)
// and reopen_test.go (TestReopenComment), plus quoted, glued, CRLF, case and Unicode rows.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { closeRefusal, frozenOnPR, lifecycle, notPlannedOnPR, reopenRefusal } from '../../shared/plugins/lifecycle/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = 'Codertocat/Hello-World';
const ref = `${repo}#1`; // the issue_comment example's issue

interface EventSeed {
  body: string;
  action?: 'created' | 'edited' | 'deleted';
  state?: 'open' | 'closed';
  commenter?: string;
  isPR?: boolean;
  /** The payload's `issue.labels`: the issue's labels when the comment was made. */
  labels?: readonly string[];
}

/** A real issue_comment payload on issue #1, opened by `author`. */
function event({ body, action = 'created', state = 'open', commenter = 'author', isPR = false, labels = [] }: EventSeed): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  const template = payload.issue.labels[0];
  payload.issue.labels = labels.map((name, i) => ({ ...template, id: 1000 + i, name, default: false }));
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login: commenter };
  payload.issue.user = { ...payload.issue.user, login: 'author' };
  payload.issue.state = state;
  if (isPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

/** MemoryGitHub with `collaborator` holding write access, the issue (or pull request) in `state`, and `labels`. */
function github(options: { labels?: string[]; state?: 'open' | 'closed'; isPR?: boolean } = {}): MemoryGitHub {
  const gh = new MemoryGitHub().setRole(repo, 'collaborator', 'write');
  if (options.isPR) gh.setPullRequest(ref, { author: 'author', state: options.state ?? 'open' });
  else gh.fake.setIssue(repo, 1, { state: options.state ?? 'open' });
  if (options.labels) gh.setLabels(ref, options.labels);
  return gh;
}

async function run(gh: MemoryGitHub, e: GenericCommentEvent) {
  const ctx = pluginContext({ github: gh, config: undefined, repo: e.repo });
  const outcome = await runCommands(lifecycle, ctx, e);
  return { outcome, ctx };
}

const labelWrites = (gh: MemoryGitHub) => gh.writes.filter((w) => w.startsWith('addLabel') || w.startsWith('removeLabel'));
const added = (gh: MemoryGitHub) => labelWrites(gh).filter((w) => w.startsWith('addLabel')).map((w) => w.split(' ').slice(2).join(' '));
const removed = (gh: MemoryGitHub) => labelWrites(gh).filter((w) => w.startsWith('removeLabel')).map((w) => w.split(' ').slice(2).join(' '));

describe('lifecycle labels (Prow TestAddLifecycleLabels)', () => {
  interface Case {
    name: string;
    isPR?: boolean;
    body: string;
    added: string[];
    removed: string[];
    labels: string[];
    /** The payload's labels, when a command handled after the comment was made changed them; by default `labels`. */
    payloadLabels?: string[];
    /** The GitHub reads the row costs, when it says. */
    reads?: string[];
    expectComment?: boolean;
  }
  const cases: Case[] = [
    { name: 'random command -> no-op', body: '/random-command', added: [], removed: [], labels: [] },
    { name: "remove lifecycle but don't specify state -> no-op", body: '/remove-lifecycle', added: [], removed: [], labels: [] },
    { name: "add lifecycle but don't specify state -> no-op", body: '/lifecycle', added: [], removed: [], labels: [] },
    { name: 'add lifecycle random -> no-op', body: '/lifecycle random', added: [], removed: [], labels: [] },
    { name: 'remove lifecycle random -> no-op', body: '/remove-lifecycle random', added: [], removed: [], labels: [] },
    { name: 'add frozen and stale with single command -> no-op', body: '/lifecycle frozen stale', added: [], removed: [], labels: [] },
    { name: 'add frozen and random with single command -> no-op', body: '/lifecycle frozen random', added: [], removed: [], labels: [] },
    { name: "add frozen, don't have it -> frozen added", body: '/lifecycle frozen', added: ['lifecycle/frozen'], removed: [], labels: [] },
    { name: "add stale, don't have it -> stale added", body: '/lifecycle stale', added: ['lifecycle/stale'], removed: [], labels: [] },
    { name: "add rotten, don't have it -> rotten added", body: '/lifecycle rotten', added: ['lifecycle/rotten'], removed: [], labels: [] },
    { name: 'remove frozen, have it -> frozen removed', body: '/remove-lifecycle frozen', added: [], removed: ['lifecycle/frozen'], labels: ['lifecycle/frozen'] },
    { name: 'remove stale, have it -> stale removed', body: '/remove-lifecycle stale', added: [], removed: ['lifecycle/stale'], labels: ['lifecycle/stale'] },
    { name: 'remove rotten, have it -> rotten removed', body: '/remove-lifecycle rotten', added: [], removed: ['lifecycle/rotten'], labels: ['lifecycle/rotten'] },
    { name: 'add frozen but have it -> no-op', body: '/lifecycle frozen', added: [], removed: [], labels: ['lifecycle/frozen'] },
    { name: 'add stale, have active -> stale added, remove active', body: '/lifecycle stale', added: ['lifecycle/stale'], removed: ['lifecycle/active'], labels: ['lifecycle/active'] },
    { name: 'add frozen, have rotten -> frozen added, rotten removed', body: '/lifecycle frozen', added: ['lifecycle/frozen'], removed: ['lifecycle/rotten'], labels: ['lifecycle/rotten'] },
    { name: 'add rotten, have stale -> rotten added, stale removed', body: '/lifecycle rotten', added: ['lifecycle/rotten'], removed: ['lifecycle/stale'], labels: ['lifecycle/stale'] },
    {
      name: 'add frozen, have stale and rotten -> frozen added, stale and rotten removed',
      body: '/lifecycle frozen',
      added: ['lifecycle/frozen'],
      removed: ['lifecycle/stale', 'lifecycle/rotten'],
      labels: ['lifecycle/stale', 'lifecycle/rotten'],
    },
    {
      name: 'remove stale, then remove rotten and then add frozen -> stale and rotten removed, frozen added',
      body: '/remove-lifecycle stale\n/remove-lifecycle rotten\n/lifecycle frozen',
      added: ['lifecycle/frozen'],
      removed: ['lifecycle/stale', 'lifecycle/rotten'],
      labels: ['lifecycle/stale', 'lifecycle/rotten'],
    },
    { name: 'add frozen on PR -> add comment', isPR: true, body: '/lifecycle frozen', added: [], removed: [], labels: [], expectComment: true },
    { name: 'remove frozen on PR, have it -> frozen removed', isPR: true, body: '/remove-lifecycle frozen', added: [], removed: ['lifecycle/frozen'], labels: ['lifecycle/frozen'] },
    { name: "add stale on PR, don't have it -> stale added", isPR: true, body: '/lifecycle stale', added: ['lifecycle/stale'], removed: [], labels: [] },

    // Beyond Prow's table.
    { name: '> /lifecycle stale in a quote -> no-op', body: '> /lifecycle stale', added: [], removed: [], labels: [] },
    { name: '/lifecycle stale, trailing space and CRLF', body: 'Old.\r\n/lifecycle stale \t\r\n', added: ['lifecycle/stale'], removed: [], labels: [] },
    { name: '/LIFECYCLE STALE (case does not matter)', body: '/LIFECYCLE STALE', added: ['lifecycle/stale'], removed: [], labels: [] },
    { name: '/lifecycle FROZEN on a PR is refused too (Prow compares the state as typed)', isPR: true, body: '/lifecycle FROZEN', added: [], removed: [], labels: [], expectComment: true },
    { name: '/lifecycle  stale (two spaces: Prow wants one) -> no-op', body: '/lifecycle  stale', added: [], removed: [], labels: [] },
    { name: '/lifecycle stale please (free text after) -> no-op', body: '/lifecycle stale please', added: [], removed: [], labels: [] },
    { name: '/lifecycle stale\\rfoo (a lone CR does not end a line in Go) -> no-op', body: '/lifecycle stale\rfoo', added: [], removed: [], labels: [] },
    { name: '/lifecycle stale then /lifecycle rotten: rotten replaces stale', body: '/lifecycle stale\n\n/lifecycle rotten', added: ['lifecycle/stale', 'lifecycle/rotten'], removed: ['lifecycle/stale'], labels: [] },
    { name: 'an existing label in another case counts as there', body: '/lifecycle frozen', added: [], removed: [], labels: ['Lifecycle/Frozen'] },
    // The payload against GitHub: reads only where the payload would have the plugin do nothing.
    { name: 'payload: /lifecycle stale with no lifecycle label shown is one write, no read', body: '/lifecycle stale', added: ['lifecycle/stale'], removed: [], labels: ['area/api'], reads: [] },
    {
      name: 'payload: the other lifecycle label it shows goes first, with no read',
      body: '/lifecycle stale',
      added: ['lifecycle/stale'],
      removed: ['lifecycle/active'],
      labels: ['lifecycle/active'],
      reads: [],
    },
    {
      name: "payload stale: a lifecycle label put on after it, shown by the add's answer, is removed with no read",
      body: '/lifecycle rotten',
      added: ['lifecycle/rotten'],
      removed: ['lifecycle/stale'],
      labels: ['lifecycle/stale'],
      payloadLabels: [],
      reads: [],
    },
    {
      name: 'payload stale: it shows the label another command removed; one read, then the add',
      body: '/lifecycle stale',
      added: ['lifecycle/stale'],
      removed: [],
      labels: [],
      payloadLabels: ['lifecycle/stale'],
      reads: [`getIssueLabels ${ref}`],
    },
    { name: 'payload and GitHub agree the label is there: one read, no write', body: '/lifecycle stale', added: [], removed: [], labels: ['lifecycle/stale'], reads: [`getIssueLabels ${ref}`] },
    {
      name: 'payload stale: /remove-lifecycle of a label it lacks but GitHub has reads, then removes',
      body: '/remove-lifecycle stale',
      added: [],
      removed: ['lifecycle/stale'],
      labels: ['lifecycle/stale'],
      payloadLabels: [],
      reads: [`getIssueLabels ${ref}`],
    },
    { name: '/remove-lifecycle of a label neither shows: one read, nothing written', body: '/remove-lifecycle stale', added: [], removed: [], labels: [], reads: [`getIssueLabels ${ref}`] },
    {
      name: '/remove-lifecycle of a label the payload shows is sent with no read (a 404 when gone is done)',
      body: '/remove-lifecycle stale',
      added: [],
      removed: ['lifecycle/stale'],
      labels: [],
      payloadLabels: ['lifecycle/stale'],
      reads: [],
    },
  ];

  it.each(cases)('$name', async (tc) => {
    // Prepare
    const gh = github({ labels: tc.labels, isPR: tc.isPR });

    // Act
    await run(gh, event({ body: tc.body, isPR: tc.isPR, labels: tc.payloadLabels ?? tc.labels }));

    // Assess
    expect(added(gh)).toEqual(tc.added);
    expect(removed(gh)).toEqual(tc.removed);
    if (tc.reads) expect(gh.reads).toEqual(tc.reads);
    expect(gh.comments).toHaveLength(tc.expectComment ? 1 : 0);
    if (tc.expectComment) expect(gh.comments[0]!.body).toContain(`@author: ${frozenOnPR}`);
  });

  it('three lifecycle lines cost no label read: the payload, then what each write answered', async () => {
    // Prepare
    const gh = github({ labels: ['lifecycle/stale', 'lifecycle/rotten'] });

    // Act
    const { outcome } = await run(gh, event({ body: '/remove-lifecycle stale\n/remove-lifecycle rotten\n/lifecycle frozen', labels: ['lifecycle/stale', 'lifecycle/rotten'] }));

    // Assess
    expect(gh.reads).toEqual([]);
    expect(gh.labelsOf(ref)).toEqual(['lifecycle/frozen']);
    expect(outcome).toEqual({
      status: 'ran',
      reason: '/remove-lifecycle stale: lifecycle/stale removed; /remove-lifecycle rotten: lifecycle/rotten removed; /lifecycle frozen: lifecycle/frozen added',
    });
  });

  it('a failed label read is thrown for the queue to retry, with nothing written', async () => {
    // Prepare: the payload shows stale, so the plugin asks GitHub before doing nothing.
    const gh = github({ labels: ['lifecycle/stale'] }).failNext('getIssueLabels', Object.assign(new Error('Bad gateway'), { status: 502 }));

    // Act
    const outcome = run(gh, event({ body: '/lifecycle stale', labels: ['lifecycle/stale'] }));

    // Assess
    await expect(outcome).rejects.toThrow('Bad gateway');
    expect(gh.writes).toEqual([]);
  });
});

describe('/close (Prow TestCloseComment)', () => {
  interface Case {
    name: string;
    action: 'created' | 'edited';
    state: 'open' | 'closed';
    stateReason?: 'completed' | 'not_planned';
    body: string;
    commenter: string;
    labels?: string[];
    shouldClose: boolean;
    shouldComment: boolean;
    isPr?: boolean;
  }
  const cases: Case[] = [
    { name: 'non-close comment', action: 'created', state: 'open', body: 'uh oh', commenter: 'random-person', shouldClose: false, shouldComment: false },
    { name: 'close by author', action: 'created', state: 'open', stateReason: 'completed', body: '/close', commenter: 'author', shouldClose: true, shouldComment: true },
    { name: 'close by author, trailing space.', action: 'created', state: 'open', stateReason: 'completed', body: '/close \r', commenter: 'author', shouldClose: true, shouldComment: true },
    { name: 'close by collaborator', action: 'created', state: 'open', stateReason: 'completed', body: '/close', commenter: 'collaborator', shouldClose: true, shouldComment: true },
    { name: 'close edited by author', action: 'edited', state: 'open', body: '/close', commenter: 'author', shouldClose: false, shouldComment: false },
    { name: 'close by author on closed issue', action: 'created', state: 'closed', body: '/close', commenter: 'author', shouldClose: false, shouldComment: false },
    { name: 'close by non-collaborator on active issue, cannot close', action: 'created', state: 'open', body: '/close', commenter: 'non-collaborator', shouldClose: false, shouldComment: true },
    {
      name: 'close by non-collaborator on stale issue',
      action: 'created',
      state: 'open',
      stateReason: 'completed',
      body: '/close',
      commenter: 'non-collaborator',
      labels: ['lifecycle/stale'],
      shouldClose: true,
      shouldComment: true,
    },
    {
      name: 'close by non-collaborator on rotten issue',
      action: 'created',
      state: 'open',
      stateReason: 'completed',
      body: '/close',
      commenter: 'non-collaborator',
      labels: ['lifecycle/rotten'],
      shouldClose: true,
      shouldComment: true,
    },
    {
      name: 'cannot close stale issue by non-collaborator when list issue fails',
      action: 'created',
      state: 'open',
      body: '/close',
      commenter: 'non-collaborator',
      labels: ['error'],
      shouldClose: false,
      shouldComment: true,
    },
    { name: 'close by author as not planned', action: 'created', state: 'open', stateReason: 'not_planned', body: '/close not-planned', commenter: 'author', shouldClose: true, shouldComment: true },
    {
      name: 'close by author as not planned, trailing space.',
      action: 'created',
      state: 'open',
      stateReason: 'not_planned',
      body: '/close not-planned \r',
      commenter: 'author',
      shouldClose: true,
      shouldComment: true,
    },
    {
      name: 'close by author, multiple spaces in between.',
      action: 'created',
      state: 'open',
      stateReason: 'not_planned',
      body: '/close not-planned',
      commenter: 'author',
      shouldClose: true,
      shouldComment: true,
    },
    {
      name: 'close as not planned by non-collaborator on active issue, cannot close',
      action: 'created',
      state: 'open',
      body: '/close not-planned',
      commenter: 'non-collaborator',
      shouldClose: false,
      shouldComment: true,
    },
    {
      name: 'close as not planned by non-collaborator on stale issue',
      action: 'created',
      state: 'open',
      stateReason: 'not_planned',
      body: '/close not-planned',
      commenter: 'non-collaborator',
      labels: ['lifecycle/stale'],
      shouldClose: true,
      shouldComment: true,
    },
    {
      name: 'close as not planned by non-collaborator on rotten issue',
      action: 'created',
      state: 'open',
      stateReason: 'not_planned',
      body: '/close not-planned',
      commenter: 'non-collaborator',
      labels: ['lifecycle/rotten'],
      shouldClose: true,
      shouldComment: true,
    },
    {
      name: 'cannot close stale issue as not planned by non-collaborator when list issue fails',
      action: 'created',
      state: 'open',
      body: '/close not-planned',
      commenter: 'non-collaborator',
      labels: ['error'],
      shouldClose: false,
      shouldComment: true,
    },
    {
      name: 'cannot close PR as not planned',
      action: 'created',
      state: 'open',
      body: '/close not-planned',
      commenter: 'author',
      labels: ['error'],
      shouldClose: false,
      shouldComment: true,
      isPr: true,
    },

    // Beyond Prow's table.
    { name: 'close PR by author', action: 'created', state: 'open', body: '/close', commenter: 'author', shouldClose: true, shouldComment: true, isPr: true },
    { name: '> /close in a quote', action: 'created', state: 'open', body: '> /close', commenter: 'author', shouldClose: false, shouldComment: false },
    { name: '/close now (free text after: Prow wants the command alone)', action: 'created', state: 'open', body: '/close now', commenter: 'author', shouldClose: false, shouldComment: false },
    { name: '/closed', action: 'created', state: 'open', body: '/closed', commenter: 'author', shouldClose: false, shouldComment: false },
    { name: '/CLOSE (case does not matter)', action: 'created', state: 'open', stateReason: 'completed', body: '/CLOSE', commenter: 'author', shouldClose: true, shouldComment: true },
    { name: '/close in CRLF text', action: 'created', state: 'open', stateReason: 'completed', body: 'Done here.\r\n/close\r\n', commenter: 'collaborator', shouldClose: true, shouldComment: true },
    { name: '/close\\u2028 is no line end in Go', action: 'created', state: 'open', body: '/close\u2028x', commenter: 'author', shouldClose: false, shouldComment: false },
    { name: '/close not-planned and /close: not planned wins, as in Prow', action: 'created', state: 'open', stateReason: 'not_planned', body: '/close\n/close not-planned', commenter: 'author', shouldClose: true, shouldComment: true },
  ];

  it.each(cases)('$name', async (tc) => {
    // Prepare
    const gh = github({ isPR: tc.isPr, labels: (tc.labels ?? []).filter((l) => l !== 'error') });
    // Prow's fake fails the label read on a label named "error"; here, a failure that is not a transient one.
    if (tc.labels?.includes('error')) gh.failNext('getIssueLabels', new Error('issue label 500'));

    // Act
    await run(gh, event({ body: tc.body, action: tc.action, state: tc.state, commenter: tc.commenter, isPR: tc.isPr }));

    // Assess
    const closes = gh.writes.filter((w) => w.startsWith('updateIssue'));
    expect(closes).toHaveLength(tc.shouldClose ? 1 : 0);
    expect(gh.comments).toHaveLength(tc.shouldComment ? 1 : 0);
    const issue = gh.fake.issueOf(repo, 1);
    expect(issue.state).toBe(tc.shouldClose ? 'closed' : 'open');
    if (!tc.isPr && tc.shouldClose) expect(issue.stateReason).toBe(tc.stateReason);
    if (tc.isPr && tc.shouldClose) expect(closes).toEqual([`updateIssue ${ref} {"state":"closed"}`]);
  });

  it('the replies, in Prow words, after the close (an audit trail)', async () => {
    // Prepare
    const issue = github();
    const pr = github({ isPR: true });
    const notPlanned = github();

    // Act
    await run(issue, event({ body: '/close' }));
    await run(pr, event({ body: '/close', isPR: true }));
    await run(notPlanned, event({ body: '/close not-planned' }));

    // Assess
    expect(issue.writes).toEqual([`updateIssue ${ref} {"state":"closed","stateReason":"completed"}`, expect.stringMatching(/^createComment .*@author: Closing this issue\.\n/)]);
    expect(pr.comments[0]!.body).toMatch(/^@author: Closed this PR\.\n/);
    expect(notPlanned.comments[0]!.body).toMatch(/^@author: Closing this issue, marking it as "Not Planned"\.\n/);
    expect(notPlanned.comments[0]!.body).toContain('>/close not-planned');
  });

  it("a refusal keeps Prow's words, then says who can and why not", async () => {
    // Prepare: mallory has read access only, as everyone has on a public repository.
    const gh = github();

    // Act
    const { outcome, ctx } = await run(gh, event({ body: '/close', commenter: 'mallory' }));

    // Assess
    expect(gh.comments[0]!.body).toMatch(
      new RegExp(
        `^@mallory: ${closeRefusal.replace(/[.'/]/g, '\\$&')}\n\n` +
          'An active issue may be closed by its author \\(@author\\) or by a collaborator of Codertocat/Hello-World; a stale or rotten one, by anyone\\. ' +
          'This issue is not marked `lifecycle/stale` or `lifecycle/rotten`, and you are neither its author nor a collaborator of Codertocat/Hello-World\\.\n',
      ),
    );
    expect(outcome?.status).toBe('refused');
    expect(ctx.checks).toContain(`collaborator mallory on ${repo}: no (role read)`);
  });

  it('a refusal on unreadable labels says so', async () => {
    // Prepare
    const gh = github().failNext('getIssueLabels', Object.assign(new Error('Not Found'), { status: 404 }));

    // Act
    await run(gh, event({ body: '/close', commenter: 'mallory' }));

    // Assess
    expect(gh.comments[0]!.body).toContain('I could not read the labels of this issue to tell whether it is stale or rotten (Not Found), so I took it to be active.');
  });

  it('a transient failure reading the labels is thrown for a retry, not a refusal', async () => {
    // Prepare
    const gh = github().failNext('getIssueLabels', Object.assign(new Error('Bad gateway'), { status: 502 }));

    // Act
    const outcome = run(gh, event({ body: '/close', commenter: 'mallory' }));

    // Assess
    await expect(outcome).rejects.toThrow('Bad gateway');
    expect(gh.writes).toEqual([]);
  });

  it('/close not-planned on a PR says why', async () => {
    // Prepare
    const gh = github({ isPR: true });

    // Act
    const { outcome } = await run(gh, event({ body: '/close not-planned', isPR: true }));

    // Assess
    expect(gh.comments[0]!.body).toMatch(new RegExp(`^@author: ${notPlannedOnPR}\n\nGitHub closes only issues as not planned; \`/close\` closes this pull request\\.\n`));
    expect(outcome?.status).toBe('refused');
  });

  it('costs: the author 0 reads, a collaborator 1 (the role), anyone else 2 (role, labels)', async () => {
    // Prepare
    const byAuthor = github();
    const byCollaborator = github();
    const byAnyone = github({ labels: ['lifecycle/rotten'] });

    // Act
    await run(byAuthor, event({ body: '/close' }));
    await run(byCollaborator, event({ body: '/close', commenter: 'collaborator' }));
    await run(byAnyone, event({ body: '/close', commenter: 'anyone' }));

    // Assess
    expect(byAuthor.reads).toEqual([]);
    expect(byCollaborator.reads).toEqual([`getRepoRole ${repo} collaborator`]);
    expect(byAnyone.reads).toEqual([`getRepoRole ${repo} anyone`, `getIssueLabels ${ref}`]);
    for (const gh of [byAuthor, byCollaborator, byAnyone]) expect(gh.writes).toHaveLength(2);
  });
});

describe('/reopen (Prow TestReopenComment)', () => {
  interface Case {
    name: string;
    action: 'created' | 'edited';
    state: 'open' | 'closed';
    body: string;
    commenter: string;
    shouldReopen: boolean;
    shouldComment: boolean;
    isPR?: boolean;
  }
  const cases: Case[] = [
    { name: 'non-open comment', action: 'created', state: 'open', body: 'does not matter', commenter: 'random-person', shouldReopen: false, shouldComment: false },
    { name: 're-open by author', action: 'created', state: 'closed', body: '/reopen', commenter: 'author', shouldReopen: true, shouldComment: true },
    { name: 're-open by collaborator', action: 'created', state: 'closed', body: '/reopen', commenter: 'collaborator', shouldReopen: true, shouldComment: true },
    { name: 're-open by collaborator, trailing space.', action: 'created', state: 'closed', body: '/reopen \r', commenter: 'collaborator', shouldReopen: true, shouldComment: true },
    { name: 're-open edited by author', action: 'edited', state: 'closed', body: '/reopen', commenter: 'author', shouldReopen: false, shouldComment: false },
    { name: 'open by author on already open issue', action: 'created', state: 'open', body: '/reopen', commenter: 'author', shouldReopen: false, shouldComment: false },
    { name: 're-open by non-collaborator, cannot reopen', action: 'created', state: 'closed', body: '/reopen', commenter: 'non-collaborator', shouldReopen: false, shouldComment: true },

    // Beyond Prow's table.
    { name: 're-open a PR by its author', action: 'created', state: 'closed', body: '/reopen', commenter: 'author', shouldReopen: true, shouldComment: true, isPR: true },
    { name: '> /reopen in a quote', action: 'created', state: 'closed', body: '> /reopen', commenter: 'author', shouldReopen: false, shouldComment: false },
    { name: '/reopen please', action: 'created', state: 'closed', body: '/reopen please', commenter: 'author', shouldReopen: false, shouldComment: false },
    { name: '/REOPEN', action: 'created', state: 'closed', body: '/REOPEN', commenter: 'author', shouldReopen: true, shouldComment: true },
    { name: 're-open stale issue by non-collaborator: still refused', action: 'created', state: 'closed', body: '/reopen', commenter: 'non-collaborator', shouldReopen: false, shouldComment: true },
  ];

  it.each(cases)('$name', async (tc) => {
    // Prepare
    const gh = github({ state: tc.state, isPR: tc.isPR, labels: ['lifecycle/stale'] });

    // Act
    await run(gh, event({ body: tc.body, action: tc.action, state: tc.state, commenter: tc.commenter, isPR: tc.isPR }));

    // Assess
    expect(gh.writes.filter((w) => w.startsWith('updateIssue'))).toEqual(tc.shouldReopen ? [`updateIssue ${ref} {"state":"open"}`] : []);
    expect(gh.comments).toHaveLength(tc.shouldComment ? 1 : 0);
    expect(gh.fake.issueOf(repo, 1).state).toBe(tc.shouldReopen ? 'open' : tc.state);
  });

  it('replies: reopened, or refused in Prow words with who can', async () => {
    // Prepare
    const issue = github({ state: 'closed' });
    const pr = github({ state: 'closed', isPR: true });
    const refused = github({ state: 'closed' });

    // Act
    await run(issue, event({ body: '/reopen', state: 'closed' }));
    await run(pr, event({ body: '/reopen', state: 'closed', isPR: true }));
    const { outcome } = await run(refused, event({ body: '/reopen', state: 'closed', commenter: 'mallory' }));

    // Assess
    expect(issue.comments[0]!.body).toMatch(/^@author: Reopened this issue\.\n/);
    expect(pr.comments[0]!.body).toMatch(/^@author: Reopened this PR\.\n/);
    expect(refused.comments[0]!.body).toMatch(
      new RegExp(`^@mallory: ${reopenRefusal.replace(/[.'/]/g, '\\$&')}\n\nA closed issue may be reopened by its author \\(@author\\) or by a collaborator of Codertocat/Hello-World; you are neither\\.\n`),
    );
    expect(outcome?.status).toBe('refused');
  });

  it("GitHub's 'state cannot be changed' is replied in Prow's words; other failures are thrown", async () => {
    // Prepare: GitHub's 422 for a pull request whose head repository is gone.
    const message = 'state cannot be changed. The repository that submitted this pull request has been deleted.';
    const gone = github({ state: 'closed', isPR: true });
    gone.fake.failNext(
      { method: 'PATCH', path: /\/issues\/1$/ },
      { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'custom', field: 'state', message }], documentation_url: 'https://docs.github.com' } },
    );
    const down = github({ state: 'closed' });
    down.fake.failNext({ method: 'PATCH', path: /\/issues\/1$/ }, { status: 502, body: { message: 'Bad Gateway' } });

    // Act
    const { outcome } = await run(gone, event({ body: '/reopen', state: 'closed', isPR: true }));
    const failed = run(down, event({ body: '/reopen', state: 'closed' }));

    // Assess
    expect(gone.comments[0]!.body).toMatch(new RegExp(`^@author: Failed to re-open PR: ${message.replace(/\./g, '\\.')}\n`));
    expect(outcome?.status).toBe('refused');
    await expect(failed).rejects.toThrow(/failed to update/);
    expect(down.comments).toEqual([]);
  });
});

describe('one comment, several commands', () => {
  it('reopen, then the lifecycle lines, as Prow orders them (close sees the payload: closed)', async () => {
    // Prepare
    const gh = github({ state: 'closed', labels: ['lifecycle/rotten'] });

    // Act
    const { outcome } = await run(gh, event({ body: '/reopen\n/close\n/remove-lifecycle rotten', state: 'closed' }));

    // Assess
    expect(gh.writes).toEqual([
      `updateIssue ${ref} {"state":"open"}`,
      expect.stringMatching(/^createComment .*Reopened this issue/),
      `removeLabel ${ref} lifecycle/rotten`,
    ]);
    expect(outcome?.status satisfies Outcome['status'] | undefined).toBe('ran');
  });

  it('a comment with no command for lifecycle is not handled', async () => {
    // Prepare
    const gh = github();

    // Act
    const { outcome } = await run(gh, event({ body: 'just words /close' }));

    // Assess
    expect(outcome).toBeUndefined();
    expect(gh.calls).toEqual([]);
  });
});
