// The assign plugin through the command machinery, against an in-memory GitHub that behaves as
// GitHub does (assigns only users with a role, at most 10; refuses a whole review request with
// 422 when one reviewer is not a collaborator). Rows are Prow's assign_test.go
// (TestParseLogins, TestAssignAndReview), then the odd cases.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { assign, assignFailureMessage, parseLogins, reviewFailureMessage, type AssignGitHub } from '../../shared/plugins/assign/index.js';
import { requestReviews } from '../../shared/plugins/assign/request-reviews.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { replyTo } from '../../shared/plugins/respond.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

// Prow's tests use org/repo#5 and a team of "kubernetes"; here the repository is kubernetes'
// own, so that team is the repository owner's (GitHub only takes those).
const repo = { owner: 'kubernetes', repo: 'test-infra' };
const number = 5;
const ref = `${repo.owner}/${repo.repo}#${number}`;
const author = 'pr-author';

/** A real issue_comment payload, generalised as the hook does, moved to kubernetes/test-infra#5. */
function comment(body: string, commenter: string, { isPR = true, action = 'created' } = {}): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.comment.user.login = commenter;
  payload.issue.number = number;
  payload.issue.user.login = author;
  payload.repository.owner.login = repo.owner;
  payload.repository.name = repo.repo;
  if (isPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

// Prow's fake client assigns anyone but "evil" and takes review requests from its contributors;
// on GitHub that is everyone with a role on the repository. Nobody else has one.
const people = [
  'rando', 'fejta', 'spxtr', 'hello-world', 'allow_underscore', 'bert', 'ernie', 'ashitaka', 'eboshi', 'san', 'merlin', 'innocent',
  'cjwagner', ...Array.from({ length: 13 }, (_, i) => `user${i + 1}`),
];

function github(): MemoryGitHub {
  const gh = new MemoryGitHub();
  for (const login of people) gh.setRole(repo, login, 'triage');
  gh.setTeam(repo.owner, { name: 'sig-testing-misc', slug: 'sig-testing-misc', members: ['cjwagner'] });
  gh.setPullRequest(ref, { author });
  return gh;
}

const list = (logins: string[]) => `[${logins.join(', ')}]`;
const assigned = (...logins: string[]) => `addAssignees ${ref} ${list(logins)}`;
const unassigned = (...logins: string[]) => `removeAssignees ${ref} ${list(logins)}`;
const requested = (...logins: string[]) => `requestReviewers ${ref} ${list(logins)}`;
const unrequested = (...logins: string[]) => `removeReviewRequests ${ref} ${list(logins)}`;

describe('parseLogins (Prow TestParseLogins)', () => {
  it.each([
    { name: 'empty', text: '', logins: [] },
    { name: 'one', text: ' @jungle', logins: ['jungle'] },
    { name: 'two', text: ' @erick @fejta', logins: ['erick', 'fejta'] },
    { name: 'one team', text: ' @kubernetes/sig-testing-misc', logins: ['kubernetes/sig-testing-misc'] },
    { name: 'two teams', text: ' @kubernetes/sig-testing-misc @kubernetes/sig-testing-bugs', logins: ['kubernetes/sig-testing-misc', 'kubernetes/sig-testing-bugs'] },
    { name: 'runs of spaces (cc allows them)', text: '  @a   b ', logins: ['a', 'b'] },
  ])('$name', ({ text, logins }) => {
    // Act / Assess
    expect(parseLogins(text)).toEqual(logins);
  });
});

interface Case {
  name: string;
  body: string;
  commenter: string;
  /** Every write but the reply, in order. */
  writes: string[];
  /** Users the reply names, in Prow's first sentence; none: no reply. */
  refusedAssign?: string[];
  refusedReview?: string[];
  isPR?: boolean;
}

const cases: Case[] = [
  // Prow's TestAssignAndReview, row by row. Its fake counts calls per user; here each row lists
  // the exact calls. "evil" has no role, so GitHub neither assigns nor asks them.
  { name: 'unrelated comment', body: 'uh oh', commenter: 'o', writes: [] },
  { name: 'assign on open', body: '/assign', commenter: 'rando', writes: [assigned('rando')] },
  { name: 'assign me', body: '/assign', commenter: 'rando', writes: [assigned('rando')] },
  { name: 'unassign myself', body: '/unassign', commenter: 'rando', writes: [unassigned('rando')] },
  { name: 'tab completion', body: '/assign @fejta ', commenter: 'rando', writes: [assigned('fejta')] },
  { name: 'no @ works too', body: '/assign fejta', commenter: 'rando', writes: [assigned('fejta')] },
  { name: 'multi commands', body: '/assign @fejta\n/unassign @spxtr', commenter: 'rando', writes: [unassigned('spxtr'), assigned('fejta')] },
  { name: 'interesting names', body: '/assign @hello-world @allow_underscore', commenter: 'rando', writes: [assigned('hello-world', 'allow_underscore')] },
  { name: 'bad login', body: '/assign @Invalid$User', commenter: 'rando', writes: [] },
  { name: 'bad login, no @', body: '/assign Invalid$User', commenter: 'rando', writes: [] },
  { name: 'assign friends', body: '/assign @bert @ernie', commenter: 'rando', writes: [assigned('bert', 'ernie')] },
  {
    name: 'assign greater than 10 users',
    body: '/assign @user1 @user2 @user3 @user4 @user5 @user6 @user7 @user8 @user9 @user10 @user11 @user12 @user13',
    commenter: 'rando',
    writes: [assigned(...Array.from({ length: 13 }, (_, i) => `user${i + 1}`))],
    refusedAssign: ['user11', 'user12', 'user13'],
  },
  { name: 'unassign buddies', body: '/unassign @ashitaka @eboshi', commenter: 'san', writes: [unassigned('ashitaka', 'eboshi')] },
  { name: 'unassign buddies, trailing space.', body: '/unassign @ashitaka @eboshi \r', commenter: 'san', writes: [unassigned('ashitaka', 'eboshi')] },
  { name: 'evil commenter', body: '/assign @merlin', commenter: 'evil', writes: [assigned('merlin')] },
  { name: 'evil commenter self assign', body: '/assign', commenter: 'evil', writes: [assigned('evil')], refusedAssign: ['evil'] },
  { name: 'evil assignee', body: '/assign @evil @evil @evil @evil @merlin', commenter: 'innocent', writes: [assigned('evil', 'merlin')], refusedAssign: ['evil'] },
  { name: 'evil unassignee', body: '/unassign @evil @merlin', commenter: 'innocent', writes: [unassigned('evil', 'merlin')] },
  { name: 'review on open', body: '/cc @merlin', commenter: 'rando', writes: [requested('merlin')] },
  { name: 'cc tab completion', body: '/cc @cjwagner ', commenter: 'rando', writes: [requested('cjwagner')] },
  { name: 'cc no @ works too', body: '/cc cjwagner ', commenter: 'rando', writes: [requested('cjwagner')] },
  { name: 'cc multi commands', body: '/cc @cjwagner\n/uncc @spxtr', commenter: 'rando', writes: [unrequested('spxtr'), requested('cjwagner')] },
  { name: 'cc interesting names', body: '/cc @hello-world @allow_underscore', commenter: 'rando', writes: [requested('hello-world', 'allow_underscore')] },
  { name: 'cc bad login', body: '/cc @Invalid$User', commenter: 'rando', writes: [] },
  { name: 'cc bad login, no @', body: '/cc Invalid$User', commenter: 'rando', writes: [] },
  { name: 'request multiple', body: '/cc @cjwagner @merlin', commenter: 'rando', writes: [requested('cjwagner', 'merlin')] },
  { name: 'unrequest buddies', body: '/uncc @ashitaka @eboshi', commenter: 'san', writes: [unrequested('ashitaka', 'eboshi')] },
  { name: 'cc evil commenter', body: '/cc @merlin', commenter: 'evil', writes: [requested('merlin')] },
  {
    // GitHub refuses [evil, merlin] as a whole (no write); then merlin alone is asked, evil refused.
    name: 'evil reviewer requested',
    body: '/cc @evil @merlin',
    commenter: 'innocent',
    writes: [requested('merlin')],
    refusedReview: ['evil'],
  },
  { name: 'evil reviewer unrequested', body: '/uncc @evil @merlin', commenter: 'innocent', writes: [unrequested('evil', 'merlin')] },
  {
    name: 'multi command types',
    body: '/assign @fejta\n/unassign @spxtr @cjwagner\n/uncc @merlin \n/cc @cjwagner',
    commenter: 'rando',
    writes: [unassigned('spxtr', 'cjwagner'), assigned('fejta'), unrequested('merlin'), requested('cjwagner')],
  },
  { name: 'request review self', body: '/cc', commenter: 'cjwagner', writes: [requested('cjwagner')] },
  { name: 'unrequest review self', body: '/uncc', commenter: 'cjwagner', writes: [unrequested('cjwagner')] },
  {
    name: 'request review self, with unrequest friend, with trailing space.',
    body: '/cc \n/uncc @spxtr ',
    commenter: 'cjwagner',
    writes: [unrequested('spxtr'), requested('cjwagner')],
  },
  { name: 'request team review', body: '/cc @kubernetes/sig-testing-misc', commenter: 'rando', writes: [`requestReviewers ${ref} [] teams [sig-testing-misc]`] },
  { name: 'unrequest team review', body: '/uncc @kubernetes/sig-testing-misc', commenter: 'rando', writes: [`removeReviewRequests ${ref} [] teams [sig-testing-misc]`] },

  // The odd cases.
  { name: 'quoted command does nothing', body: '> /assign @fejta', commenter: 'rando', writes: [] },
  { name: 'command in the middle of a line does nothing', body: 'please /assign @fejta', commenter: 'rando', writes: [] },
  { name: 'wrong case: /ASSIGN', body: '/ASSIGN @fejta', commenter: 'rando', writes: [assigned('fejta')] },
  // Prow compares the "un" it captured with "un" exactly, so there /UNASSIGN would assign.
  { name: 'wrong case: /UNASSIGN unassigns', body: '/UNASSIGN @fejta', commenter: 'rando', writes: [unassigned('fejta')] },
  { name: 'CRLF line endings', body: 'Taking this.\r\n/assign\r\nThanks\r\n', commenter: 'rando', writes: [assigned('rando')] },
  { name: 'two spaces after /assign: not a command (Prow)', body: '/assign  @fejta', commenter: 'rando', writes: [] },
  { name: 'two spaces between /cc names are fine (Prow)', body: '/cc  @merlin   @cjwagner', commenter: 'rando', writes: [requested('merlin', 'cjwagner')] },
  // Prow reads every word after the command as a login: "please" is one (GitHub will not assign them).
  { name: 'words after the names are names too (Prow)', body: '/assign @fejta please', commenter: 'rando', writes: [assigned('fejta', 'please')], refusedAssign: ['please'] },
  { name: 'punctuation after the names: not a command (Prow)', body: '/assign @fejta, thanks!', commenter: 'rando', writes: [] },
  { name: '/assignee is not /assign', body: '/assignee @fejta', commenter: 'rando', writes: [] },
  { name: 'the last line naming a user wins', body: '/assign @fejta\n/unassign @Fejta', commenter: 'rando', writes: [unassigned('Fejta')] },
  { name: 'names repeated across lines are asked once', body: '/cc @merlin\n/cc merlin @cjwagner', commenter: 'rando', writes: [requested('merlin', 'cjwagner')] },
  {
    name: "the PR's author cannot review it",
    body: `/cc @${author} @merlin`,
    commenter: 'rando',
    writes: [requested('merlin')],
    refusedReview: [author],
  },
  {
    name: 'a team of another organization is refused without asking GitHub',
    body: '/cc @other-org/reviewers @merlin',
    commenter: 'rando',
    writes: [requested('merlin')],
    refusedReview: ['other-org/reviewers'],
  },
  {
    name: 'a team the organization does not have is refused by GitHub',
    body: '/cc @kubernetes/no-such-team',
    commenter: 'rando',
    writes: [],
    refusedReview: ['kubernetes/no-such-team'],
  },
  { name: 'on an issue, /assign works', body: '/assign @fejta', commenter: 'rando', writes: [assigned('fejta')], isPR: false },
  { name: 'on an issue, /cc does nothing', body: '/cc @merlin', commenter: 'rando', writes: [], isPR: false },
  { name: 'on an issue, /cc beside /assign is ignored', body: '/cc @merlin\n/assign @fejta', commenter: 'rando', writes: [assigned('fejta')], isPR: false },
];

describe('assign and review (Prow TestAssignAndReview)', () => {
  it.each(cases)('$name', async ({ body, commenter, writes, refusedAssign, refusedReview, isPR = true }) => {
    // Prepare
    const gh = github();
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo });
    const event = comment(body, commenter, { isPR });

    // Act
    await runCommands(assign, ctx, event);

    // Assess
    expect(gh.writes.filter((w) => !w.startsWith('createComment'))).toEqual(writes);
    const replies = gh.comments.map((c) => c.body);
    const expected = [
      ...(refusedAssign ? [assignFailureMessage(repo.owner, refusedAssign)] : []),
      ...(refusedReview ? [reviewFailureMessage(repo.owner, refusedReview)] : []),
    ];
    expect(replies).toHaveLength(expected.length);
    // Prow's words first, then why, then the comment quoted (respond.go's format).
    expected.forEach((message, i) => {
      expect(replies[i]!.startsWith(`@${commenter}: ${message}\n\nWhy, as far as I can tell:\n`)).toBe(true);
      expect(replies[i]!.endsWith(replyTo(event, '').slice(`@${commenter}: `.length))).toBe(true);
    });
  });
});

describe('replies say why', () => {
  it('names the user who is not a collaborator, and who the bot asked about', async () => {
    // Prepare
    const gh = github();
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo });

    // Act
    const outcome = await runCommands(assign, ctx, comment('/assign @evil @merlin', 'innocent'));

    // Assess
    expect(gh.comments).toHaveLength(1);
    const reply = gh.comments[0]!;
    expect(reply.ref).toBe(ref);
    expect(reply.body.startsWith(`@innocent: ${assignFailureMessage(repo.owner, ['evil'])}\n\nWhy, as far as I can tell:\n- evil: not a collaborator of ${repo.owner}/${repo.repo}`)).toBe(true);
    expect(reply.body).toContain('>/assign @evil @merlin');
    expect(ctx.checks).toContain(`collaborator evil on ${repo.owner}/${repo.repo}: no (role read)`);
    expect(outcome).toEqual({ status: 'ran', reason: 'assigned merlin; GitHub would not assign evil (replied)' });
  });

  it('says the issue has reached GitHub\'s limit of 10 assignees', async () => {
    // Prepare
    const gh = github();
    gh.setAssignees(ref, Array.from({ length: 10 }, (_, i) => `user${i + 1}`));
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo });

    // Act
    const outcome = await runCommands(assign, ctx, comment('/assign @fejta', 'rando'));

    // Assess
    expect(gh.comments[0]!.body).toContain(`- fejta: ${ref} has 10 assignees, GitHub's limit is 10`);
    expect(outcome?.status).toBe('refused');
  });

  it.each([
    { name: 'the author', body: `/cc @${author}`, why: `- ${author}: the author of this pull request` },
    { name: 'a foreign team', body: '/cc @other-org/reviewers', why: '- other-org/reviewers: a team of another organization; only teams of kubernetes can review here' },
    { name: 'an unknown team', body: '/cc @kubernetes/nope', why: '- kubernetes/nope: no team of kubernetes by that name can review kubernetes/test-infra' },
    { name: 'a rando', body: '/cc @evil', why: '- evil: not a collaborator of kubernetes/test-infra' },
  ])('a refused review request from $name says why', async ({ body, why }) => {
    // Prepare
    const gh = github();
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo });

    // Act
    const outcome = await runCommands(assign, ctx, comment(body, 'rando'));

    // Assess
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain(why);
    expect(outcome?.status).toBe('refused');
  });
});

describe('which events', () => {
  it.each([
    { name: 'an edited comment', action: 'edited' },
    { name: 'a deleted comment', action: 'deleted' },
  ])('$name does nothing (Prow acts on new comments only)', async ({ action }) => {
    // Prepare
    const gh = github();
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo });

    // Act
    const outcome = await runCommands(assign, ctx, comment('/assign @fejta', 'rando', { action }));

    // Assess
    expect(gh.calls).toEqual([]);
    expect(outcome?.status).toBe('skipped');
  });

  it('a pull request body with /cc requests the reviews when it is opened', async () => {
    // Prepare: the real pull_request opened payload, as the hook generalises it.
    const payload = samplePayload('pull_request', 'opened');
    payload.pull_request.body = 'Fixes the widget.\n\n/cc @merlin\n';
    const event = generalizeComment('pull_request', payload)!;
    const prRepo = event.repo;
    const gh = new MemoryGitHub();
    gh.setRole(prRepo, 'merlin', 'write');
    gh.setPullRequest(`${prRepo.owner}/${prRepo.repo}#${event.number}`, { author: event.issueAuthor });
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo: prRepo });

    // Act
    await runCommands(assign, ctx, event);

    // Assess
    expect(gh.writes).toEqual([`requestReviewers ${prRepo.owner}/${prRepo.repo}#${event.number} [merlin]`]);
  });
});

describe('failures', () => {
  it('a GitHub error other than 422 is thrown (to be retried), and the review part still runs', async () => {
    // Prepare
    const gh = github();
    const boom = Object.assign(new Error('Service Unavailable'), { status: 503 });
    gh.failNext('addAssignees', boom);
    const ctx = pluginContext<void, AssignGitHub>({ github: gh, config: undefined, repo });

    // Act
    const run = runCommands(assign, ctx, comment('/assign @fejta\n/cc @merlin', 'rando'));

    // Assess
    await expect(run).rejects.toBe(boom);
    expect(gh.writes).toEqual([requested('merlin')]);
  });

  it('a 5xx while asking reviewers one by one is thrown, naming the reviewer', async () => {
    // Prepare: the first request is refused as a whole, the one-by-one one fails.
    const gh = github();
    const refused = Object.assign(new Error('Unprocessable'), { status: 422 });
    const down = Object.assign(new Error('Bad Gateway'), { status: 502 });
    gh.failNext('requestReviewers', refused).failNext('requestReviewers', down);

    // Act
    const result = requestReviews(gh, { ...repo, number }, ['merlin', 'evil']);

    // Assess
    await expect(result).rejects.toThrow('failed to request a review from merlin');
  });
});

describe('help', () => {
  it('declares the four commands, /cc and /uncc on pull requests only', () => {
    // Act
    const commands = assign.commands!.map((c) => ({ name: c.name, prOnly: Boolean(c.only?.pullRequests) }));

    // Assess
    expect(commands).toEqual([
      { name: 'assign', prOnly: false },
      { name: 'unassign', prOnly: false },
      { name: 'cc', prOnly: true },
      { name: 'uncc', prOnly: true },
    ]);
  });
});
