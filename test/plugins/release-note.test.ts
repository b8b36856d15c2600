// The release-note plugin against real `pull_request` and `issue_comment` payloads and the
// in-memory GitHub. Prow's tables from releasenote_test.go row by row (TestReleaseNoteComment,
// TestReleaseNotePR, TestGetReleaseNote, TestShouldHandlePR, and Test_editReleaseNote's splice),
// then the odd rows: quoted and trailing-text commands, review bodies, stale comments, what an
// opened pull request costs, the parents comment, the config.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { defaultGuidelinesUrl, releaseNoteConfigSchema, type ReleaseNoteConfig } from '../../shared/plugins/release-note/config.js';
import {
  deprecatedCommandsReply,
  parentReleaseNoteBody,
  releaseNote,
  releaseNoteBody,
  releaseNoteDeprecationBody,
} from '../../shared/plugins/release-note/index.js';
import { determineReleaseNoteLabel, getReleaseNote, spliceReleaseNote } from '../../shared/plugins/release-note/note.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'org', repo: 'repo' };
const full = 'org/repo';

const RN = 'release-note';
const NONE = 'release-note-none';
const AR = 'release-note-action-required';
const NEEDED = 'do-not-merge/release-note-label-needed';
const DEPRECATION = 'kind/deprecation';
const LGTM = 'lgtm';

const config = (raw: unknown = undefined): ReleaseNoteConfig => releaseNoteConfigSchema.parse(raw);

const retarget = (payload: Record<string, any>) => {
  Object.assign(payload.repository, { name: repo.repo, full_name: full });
  payload.repository.owner.login = repo.owner;
  return payload;
};

const labelObjects = (names: readonly string[]) => names.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));

/** A real `pull_request` payload for #1 by cjwagner into `branch`, as Prow's newFakeClient builds it. */
function pullRequest(o: { action?: string; body?: string; branch?: string; labels?: string[]; merged?: boolean; label?: string } = {}): PullRequestEvent {
  const payload = retarget(structuredClone(samplePayload('pull_request', 'opened')) as Record<string, any>);
  payload.action = o.action ?? 'edited';
  payload.number = 1;
  Object.assign(payload.pull_request, { number: 1, body: o.body ?? '', merged: o.merged ?? false, labels: labelObjects(o.labels ?? []) });
  payload.pull_request.user.login = 'cjwagner';
  payload.pull_request.base.ref = o.branch ?? 'master';
  if (o.label !== undefined) payload.label = labelObjects([o.label])[0];
  if (payload.action === 'edited') payload.changes = { body: { from: '' } };
  return payload as PullRequestEvent;
}

/** A real `issue_comment` payload on pull request #5 by `a` (Prow's TestReleaseNoteComment issue). */
function comment(body: string, login: string, o: { action?: string; onPR?: boolean } = {}): GenericCommentEvent {
  const payload = retarget(structuredClone(samplePayload('issue_comment', o.action ?? 'created')) as Record<string, any>);
  payload.comment.body = body;
  payload.comment.user.login = login;
  payload.issue.number = 5;
  payload.issue.user.login = 'a';
  if (o.onPR ?? true) {
    const url = `https://api.github.com/repos/${full}/pulls/5`;
    payload.issue.pull_request = { url, html_url: `https://github.com/${full}/pull/5`, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

const writesTo = (github: MemoryGitHub, verb: 'addLabel' | 'removeLabel', number: number) =>
  github.writes
    .filter((w) => w.startsWith(`${verb} ${full}#${number} `))
    .map((w) => w.slice(`${verb} ${full}#${number} `.length))
    .sort();

// ---- TestReleaseNoteComment -------------------------------------------------------------------

interface CommentRow {
  name: string;
  commentBody: string;
  issueBody?: string;
  isMember?: boolean;
  isAuthor?: boolean;
  currentLabels?: string[];
  deletedLabels?: string[];
  addedLabel?: string;
  shouldComment?: boolean;
  /** Beyond Prow's table: the first sentence of the reply. */
  reply?: string;
  action?: string;
}

const commentRows: CommentRow[] = [
  { name: 'unrelated comment', commentBody: 'oh dear', currentLabels: [NEEDED, 'other'] },
  { name: 'author release-note-none with missing block', isAuthor: true, commentBody: '/release-note-none', currentLabels: [NEEDED, 'other'], deletedLabels: [NEEDED], addedLabel: NONE },
  {
    name: 'author release-note-none with empty block',
    isAuthor: true,
    commentBody: '/release-note-none',
    issueBody: 'bologna ```release-note \n ```',
    currentLabels: [NEEDED, 'other'],
    deletedLabels: [NEEDED],
    addedLabel: NONE,
  },
  {
    name: 'author release-note-none with "none" block',
    isAuthor: true,
    commentBody: '/release-note-none',
    issueBody: 'bologna ```release-note \nnone \n ```',
    currentLabels: [NEEDED, 'other'],
    deletedLabels: [NEEDED],
    addedLabel: NONE,
  },
  {
    name: 'author release-note-none with "no" block',
    isAuthor: true,
    commentBody: '/release-note-none',
    issueBody: 'bologna ```release-note \nno \n ```',
    currentLabels: [NEEDED, 'other'],
    deletedLabels: [NEEDED],
    addedLabel: NONE,
  },
  { name: 'author release-note-none, trailing space.', isAuthor: true, commentBody: '/release-note-none ', currentLabels: [NEEDED, 'other'], deletedLabels: [NEEDED], addedLabel: NONE },
  { name: 'author release-note-none, no op.', isAuthor: true, commentBody: '/release-note-none', currentLabels: [NONE, 'other'] },
  { name: 'member release-note', isMember: true, commentBody: '/release-note', currentLabels: [NEEDED, 'other'], shouldComment: true, reply: deprecatedCommandsReply },
  { name: 'someone else release-note, trailing space.', commentBody: '/release-note \r', currentLabels: [NEEDED, 'other'], shouldComment: true, reply: deprecatedCommandsReply },
  {
    name: 'someone else release-note-none',
    commentBody: '/release-note-none',
    currentLabels: [NEEDED, 'other'],
    shouldComment: true,
    reply: 'you can only set the release note label to release-note-none if you are the PR author or an org member. @a (the author) or a member of the org organization can; @x is neither.',
  },
  { name: 'author release-note-action-required', isAuthor: true, commentBody: '/release-note-action-required', currentLabels: [NEEDED, 'other'], shouldComment: true, reply: deprecatedCommandsReply },
  {
    name: 'release-note-none, delete multiple labels',
    isMember: true,
    commentBody: '/release-note-none',
    currentLabels: [RN, NEEDED, AR, NONE, 'other'],
    deletedLabels: [NEEDED, AR, RN],
  },
  { name: 'no label present', isMember: true, commentBody: '/release-note-none', addedLabel: NONE },
  {
    name: 'member release-note-none, PR has kind/deprecation label',
    isMember: true,
    commentBody: '/release-note-none',
    currentLabels: [DEPRECATION],
    shouldComment: true,
    reply: 'you can not set the release note label to "release-note-none" because the PR has the label "kind/deprecation".',
  },

  // Beyond Prow's table.
  {
    name: 'author release-note-none with a real note in the body',
    isAuthor: true,
    commentBody: '/release-note-none',
    issueBody: '```release-note\nAdds a flag.\n```',
    currentLabels: [RN],
    shouldComment: true,
    reply: 'you can only set the release note label to release-note-none if the release-note block in the PR body text is empty or "none".',
  },
  { name: '/RELEASE-NOTE-NONE with CRLF', isAuthor: true, commentBody: 'No note needed.\r\n/RELEASE-NOTE-NONE\r\n', currentLabels: [NEEDED], deletedLabels: [NEEDED], addedLabel: NONE },
  { name: '/release-note-none with words after it is not the command', isAuthor: true, commentBody: '/release-note-none please', currentLabels: [NEEDED] },
  { name: '> /release-note-none in a quote', isAuthor: true, commentBody: '> /release-note-none', currentLabels: [NEEDED] },
  { name: 'an edited comment', isAuthor: true, commentBody: '/release-note-none', currentLabels: [NEEDED], action: 'edited' },
];

function commentGitHub(row: Pick<CommentRow, 'issueBody' | 'currentLabels'>) {
  const github = new MemoryGitHub();
  github.setOrgMembers('org', ['m']);
  github.setPullRequest(`${full}#5`, { author: 'a', body: row.issueBody ?? '' });
  github.setLabels(`${full}#5`, row.currentLabels ?? []);
  return github;
}

describe('release-note commands (Prow TestReleaseNoteComment)', () => {
  it.each(commentRows)('$name', async (row) => {
    // Prepare
    const github = commentGitHub(row);
    const login = row.isAuthor ? 'a' : row.isMember ? 'm' : 'x';
    const ctx = pluginContext({ github, config: config(), repo });

    // Act
    await runCommands(releaseNote, ctx, comment(row.commentBody, login, { action: row.action }));

    // Assess
    expect(github.comments.length > 0).toBe(Boolean(row.shouldComment));
    if (row.reply) expect(github.comments[0]!.body).toMatch(new RegExp(`^@${login}: ${row.reply.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n\n<details>`));
    expect(writesTo(github, 'addLabel', 5)).toEqual(row.addedLabel ? [row.addedLabel] : []);
    expect(writesTo(github, 'removeLabel', 5)).toEqual([...(row.deletedLabels ?? [])].sort());
  });

  it.each([
    { name: 'a pull request body', source: 'pull_request' as const, action: 'opened' },
    { name: 'a review body', source: 'pull_request_review' as const, action: 'submitted' },
  ])("/release-note-none in $name is not read, as Prow's plugin reads issue comments only", async ({ source, action }) => {
    // Prepare
    const github = commentGitHub({ currentLabels: [NEEDED] });
    const payload = retarget(structuredClone(samplePayload(source, action)) as Record<string, any>);
    if (source === 'pull_request') payload.pull_request.body = '/release-note-none';
    else payload.review.body = '/release-note-none';
    const ctx = pluginContext({ github, config: config(), repo });

    // Act
    const outcome = await runCommands(releaseNote, ctx, generalizeComment(source, payload)!);

    // Assess
    expect(outcome).toMatchObject({ status: 'skipped' });
    expect(github.calls).toEqual([]);
  });

  it("the author's /release-note-none asks nobody about membership; it reads the pull request once", async () => {
    // Prepare
    const github = commentGitHub({ currentLabels: [NEEDED] });
    const ctx = pluginContext({ github, config: config(), repo });

    // Act
    const outcome = await runCommands(releaseNote, ctx, comment('/release-note-none', 'a'));

    // Assess
    expect(github.reads).toEqual([`getIssue ${full}#5`]);
    expect(github.writes).toEqual([`addLabel ${full}#5 ${NONE}`, `removeLabel ${full}#5 ${NEEDED}`]);
    expect(outcome).toEqual({ status: 'ran', reason: `/release-note-none by a: ${NONE} added, ${NEEDED} removed` });
  });

  it('/release-note-edit on the same comment comes first, as in Prow, and alone', async () => {
    // Prepare: m is an org member; the description has a block to replace.
    const github = commentGitHub({ currentLabels: [NEEDED], issueBody: 'Top\r\n```release-note\r\nOld\r\n```\r\n' });
    const ctx = pluginContext({ github, config: config(), repo });

    // Act
    const outcome = await runCommands(releaseNote, ctx, comment('/release-note-edit\r\n```release-note\r\nNONE\r\n```\r\n/release-note-none', 'm'));

    // Assess: the edit only; the label follows from the edited description's own pull_request event.
    expect(outcome?.status).toBe('ran');
    expect(github.writes).toHaveLength(1);
    expect((await github.getIssue({ ...repo, number: 5 })).body).toBe('Top\r\n```release-note\r\nNONE\r\n```\r\n');
  });
});

// Prow's Test_editReleaseNote rows.
describe('/release-note-edit (Prow Test_editReleaseNote)', () => {
  it.each([
    { name: 'is not an org member', login: 'x', body: '/release-note-edit\r\n```release-note\r\nThe new note\r\n```\r\n', issueBody: 'Top\r\n```release-note\r\nNONE\r\n```\r\n', reply: 'org member', note: undefined },
    { name: 'no release note block', login: 'm', body: '/release-note-edit\r\nNew note', issueBody: 'Top\r\n```release-note\r\nNONE\r\n```\r\n', reply: 'release note block', note: undefined },
    { name: 'no block in the description to replace', login: 'm', body: '/release-note-edit\r\n```release-note\r\nThe new note\r\n```\r\n', issueBody: '', reply: 'single release note block', note: undefined },
    {
      name: 'happy path',
      login: 'm',
      body: '/release-note-edit\r\n```release-note\r\nThe new note\r\n```\r\n',
      issueBody: 'Top\r\n```release-note\r\nNONE\r\n```\r\nBelow\r\n',
      reply: undefined,
      note: 'The new note',
    },
  ])('$name', async ({ login, body, issueBody, reply, note }) => {
    // Prepare
    const github = commentGitHub({ currentLabels: [NEEDED], issueBody });
    const ctx = pluginContext({ github, config: config(), repo });

    // Act
    await runCommands(releaseNote, ctx, comment(body, login));

    // Assess
    if (reply) {
      expect(github.comments).toHaveLength(1);
      expect(github.comments[0]!.body).toContain(reply);
    } else expect(github.comments).toEqual([]);
    const edits = github.writes.filter((w) => w.startsWith('updateIssue'));
    expect(edits).toHaveLength(note ? 1 : 0);
    if (note) expect((await github.getIssue({ ...repo, number: 5 })).body).toContain(`\r\n${note}\r\n`);
  });
});

// ---- TestReleaseNotePR ------------------------------------------------------------------------

interface PrRow {
  name: string;
  initialLabels?: string[];
  body?: string;
  branch?: string;
  parentPRs?: Record<number, string>;
  issueComments?: string[];
  added?: string[];
  removed?: string[];
  merged?: boolean;
  guidelinesUrl?: string;
}

const prRows: PrRow[] = [
  { name: 'LGTM with release-note', initialLabels: [LGTM, RN], body: '```release-note\n note note note.\n```' },
  { name: 'LGTM with release-note, arbitrary comment', initialLabels: [LGTM, RN], body: '```release-note\n note note note.\n```', issueComments: ['Release notes are great fun.'] },
  { name: 'LGTM with release-note-none', initialLabels: [LGTM, NONE], body: '```release-note\nnone\n```' },
  { name: 'LGTM with release-note-none, /release-note-none comment, empty block', initialLabels: [LGTM, NONE], body: '```release-note\n```', issueComments: ['/release-note-none '] },
  { name: 'LGTM with release-note-action-required', initialLabels: [LGTM, AR], body: '```release-note\n Action required.\n```' },
  {
    name: 'LGTM with release-note-action-required, /release-note-none comment',
    initialLabels: [LGTM, AR],
    body: '```release-note\n Action required.\n```',
    issueComments: ['Release notes are great fun.', 'Especially \n/release-note-none'],
  },
  { name: 'LGTM with do-not-merge/release-note-label-needed', initialLabels: [LGTM, NEEDED] },
  {
    name: 'LGTM with do-not-merge/release-note-label-needed, /release-note-none comment',
    initialLabels: [LGTM, NEEDED],
    issueComments: ['Release notes are great fun.', 'Especially \n/release-note-none'],
    added: [NONE],
    removed: [NEEDED],
  },
  { name: 'LGTM only', initialLabels: [LGTM], added: [NEEDED] },
  { name: 'No labels', initialLabels: [], added: [NEEDED] },
  { name: 'release-note', initialLabels: [RN], body: '```release-note normal note.```' },
  { name: 'release-note, /release-note-none comment', initialLabels: [RN], body: '```release-note normal note.```', issueComments: ['/release-note-none '] },
  { name: 'release-note-none', initialLabels: [NONE], body: '```release-note\nnone\n```' },
  { name: 'release-note-action-required', initialLabels: [AR], body: '```release-note\n action required```' },
  { name: 'release-note and do-not-merge/release-note-label-needed with no note', initialLabels: [RN, NEEDED], removed: [RN] },
  { name: 'release-note and do-not-merge/release-note-label-needed with note', initialLabels: [RN, NEEDED], body: '```release-note note  ```', removed: [NEEDED] },
  { name: 'release-note-none and do-not-merge/release-note-label-needed', initialLabels: [NONE, NEEDED], body: '```release-note\nnone\n```', removed: [NEEDED] },
  {
    name: 'release-note-action-required and do-not-merge/release-note-label-needed',
    initialLabels: [AR, NEEDED],
    body: '```release-note\nSomething something dark side. Something something ACTION REQUIRED.```',
    removed: [NEEDED],
  },
  { name: 'do not add needs label when parent PR has releaseNote label', branch: 'release-1.2', initialLabels: [], body: 'Cherry pick of #2 on release-1.2.', parentPRs: { 2: RN } },
  {
    name: 'do not touch LGTM on non-master when parent PR has releaseNote label, but remove releaseNoteNeeded',
    branch: 'release-1.2',
    initialLabels: [LGTM, NEEDED],
    body: 'Cherry pick of #2 on release-1.2.',
    parentPRs: { 2: RN },
    removed: [NEEDED],
  },
  {
    name: 'do nothing when PR has releaseNoteActionRequired, but parent PR does not have releaseNote label',
    branch: 'release-1.2',
    initialLabels: [AR],
    body: 'Cherry pick of #2 on release-1.2.\n```release-note note action required note\n```',
    parentPRs: { 2: NONE },
  },
  {
    name: 'add releaseNoteNeeded on non-master when parent PR has releaseNoteNone label',
    branch: 'release-1.2',
    initialLabels: [LGTM],
    body: 'Cherry pick of #2 on release-1.2.',
    parentPRs: { 2: NONE },
    added: [NEEDED],
  },
  {
    name: 'add releaseNoteNeeded on non-master when 1 of 2 parent PRs has releaseNoteNone',
    branch: 'release-1.2',
    initialLabels: [LGTM],
    body: 'Other text.\nCherry pick of #2 on release-1.2.\nCherry pick of #4 on release-1.2.\n',
    parentPRs: { 2: RN, 4: NONE },
    added: [NEEDED],
  },
  {
    name: 'remove releaseNoteNeeded on non-master when both parent PRs have a release note',
    branch: 'release-1.2',
    initialLabels: [LGTM, NEEDED],
    body: 'Other text.\nCherry pick of #2 on release-1.2.\nCherry pick of #4 on release-1.2.\n',
    parentPRs: { 2: RN, 4: AR },
    removed: [NEEDED],
  },
  {
    name: 'add releaseNoteActionRequired on non-master when body contains note even though both parent PRs have a release note (non-mandatory RN)',
    branch: 'release-1.2',
    initialLabels: [LGTM, NEEDED],
    body: 'Other text.\nCherry pick of #2 on release-1.2.\nCherry pick of #4 on release-1.2.\n```release-note\nSome changes were made but there still is action required.\n```',
    parentPRs: { 2: RN, 4: AR },
    added: [AR],
    removed: [NEEDED],
  },
  {
    name: 'add releaseNoteNeeded, remove release-note on non-master when release-note block is removed and parent PR has releaseNoteNone label',
    branch: 'release-1.2',
    initialLabels: [LGTM, RN],
    body: 'Cherry pick of #2 on release-1.2.\n```release-note\n```\n/cc @cjwagner',
    parentPRs: { 2: NONE },
    added: [NEEDED],
    removed: [RN],
  },
  {
    name: 'add ReleaseNoteLabelNeeded, remove ReleaseNoteNone when kind/deprecation label is added',
    initialLabels: [DEPRECATION, NONE],
    body: '```release-note\nnone\n```',
    added: [NEEDED],
    removed: [NONE],
  },
  { name: 'release-note-none command cannot override deprecation label', issueComments: ['/release-note-none '], initialLabels: [DEPRECATION], body: '', added: [NEEDED] },
  { name: 'Add do-not-merge/release-note-label-needed', body: '```release-note\n```', initialLabels: [], added: [NEEDED] },
  { name: 'Release note edited after merge, do not add do-not-merge/release-note-label-needed', body: '```release-note\n```', merged: true, initialLabels: [], added: [] },
  {
    name: 'do-not-merge/release-note-label-needed, converted from draft to ready for review',
    body: '```release-note\nnone\n```',
    initialLabels: [NEEDED],
    added: [NONE],
    removed: [NEEDED],
  },
  { name: 'release-note-none, with custom release note URL', body: '', initialLabels: [], added: [NEEDED], guidelinesUrl: 'https://example.com/release-notes' },
];

function prGitHub(row: Pick<PrRow, 'initialLabels' | 'issueComments' | 'parentPRs'>) {
  const github = new MemoryGitHub();
  github.setLabels(`${full}#1`, row.initialLabels ?? []);
  for (const [parent, label] of Object.entries(row.parentPRs ?? {})) github.setLabels(`${full}#${parent}`, [label]);
  for (const body of row.issueComments ?? []) github.addComment(`${full}#1`, { user: 'someone', body });
  return github;
}

async function runPullRequest(github: MemoryGitHub, event: PullRequestEvent, raw?: unknown) {
  const ctx = pluginContext({ github, config: config(raw), repo });
  const outcome = (await releaseNote.on!.pull_request!(ctx, event)) as Outcome;
  return { ctx, outcome };
}

describe('release-note on pull requests (Prow TestReleaseNotePR)', () => {
  it.each(prRows)('$name', async (row) => {
    // Prepare
    const github = prGitHub(row);
    const url = row.guidelinesUrl ?? defaultGuidelinesUrl;

    // Act
    await runPullRequest(github, pullRequest({ body: row.body, branch: row.branch, labels: row.initialLabels, merged: row.merged }), row.guidelinesUrl ? { guidelines_url: url } : undefined);

    // Assess
    expect(writesTo(github, 'addLabel', 1)).toEqual([...(row.added ?? [])].sort());
    expect(writesTo(github, 'removeLabel', 1)).toEqual([...(row.removed ?? [])].sort());
    // Only the pull request's labels change, never a parent's.
    expect(github.writes.filter((w) => /Label /.test(w) && !w.includes(`${full}#1 `))).toEqual([]);
    if (!row.initialLabels?.includes(DEPRECATION) && row.added?.includes(NEEDED)) {
      expect(github.comments.some((c) => c.body.includes(url))).toBe(true);
    }
  });
});

describe('release-note on pull requests, beyond Prow', () => {
  it('an opened pull request without a note: the comment, then the label, and no label read', async () => {
    // Prepare
    const github = prGitHub({});

    // Act
    const { outcome } = await runPullRequest(github, pullRequest({ action: 'opened', body: 'Fixes #1.' }));

    // Assess
    expect(github.reads).toEqual([`listComments ${full}#1`]);
    expect(github.writes).toEqual([`createComment ${full}#1 ${expectedAsking(defaultGuidelinesUrl)}`, `addLabel ${full}#1 ${NEEDED}`]);
    expect(outcome).toEqual({ status: 'ran', reason: `${NEEDED}: ${NEEDED} added; asked for a release-note block` });
  });

  it('the label it added comes back as a labeled event: no second comment', async () => {
    // Prepare
    const github = prGitHub({ initialLabels: [NEEDED] });
    github.addComment(`${full}#1`, { user: 'skiff-bot', body: expectedAsking(defaultGuidelinesUrl) });

    // Act
    await runPullRequest(github, pullRequest({ action: 'labeled', label: NEEDED, labels: [NEEDED] }));

    // Assess
    expect(github.writes).toEqual([]);
  });

  it("once the note is written, the bot's request for it goes; a quote of it by someone else stays", async () => {
    // Prepare
    const github = prGitHub({ initialLabels: [NEEDED] });
    const ours = github.addComment(`${full}#1`, { user: 'skiff-bot', body: expectedAsking(defaultGuidelinesUrl) });
    github.addComment(`${full}#1`, { user: 'alice', body: `> ${releaseNoteBody(defaultGuidelinesUrl)}\nDone.` });

    // Act
    const { outcome } = await runPullRequest(github, pullRequest({ body: '```release-note\nAdds --verbose.\n```', labels: [NEEDED] }));

    // Assess
    expect(github.writes).toEqual([`addLabel ${full}#1 ${RN}`, `removeLabel ${full}#1 ${NEEDED}`, `deleteComment ${full} comment ${ours}`]);
    expect(outcome.reason).toBe(`${RN}: ${RN} added, ${NEEDED} removed, 1 stale comment(s) deleted`);
  });

  it('a kind/deprecation pull request without a note: the deprecation comment in Prow\'s words', async () => {
    // Prepare
    const github = prGitHub({ initialLabels: [DEPRECATION, NONE] });

    // Act
    await runPullRequest(github, pullRequest({ labels: [DEPRECATION, NONE] }));

    // Assess
    expect(github.comments.map((c) => c.body)).toEqual([
      `${releaseNoteDeprecationBody}\n\n<details>\n\nInstructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.\n</details>`,
    ]);
  });

  it('a cherry-pick whose parent has no note: the parents comment to the author, naming it', async () => {
    // Prepare
    const github = prGitHub({ parentPRs: { 2: RN, 4: NONE } });

    // Act
    await runPullRequest(github, pullRequest({ branch: 'release-1.2', body: 'Cherry pick of #2 on release-1.2.\nCherry pick of #4 on release-1.2.' }));

    // Assess
    expect(github.comments[0]!.body).toBe(
      `@cjwagner: ${parentReleaseNoteBody}\n\n<details>\n\nThe following parent PRs have neither the "release-note" nor the "release-note-action-required" labels: #4.\n\n` +
        'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.\n</details>',
    );
    expect(github.comments[1]!.body).toContain(releaseNoteBody(defaultGuidelinesUrl));
    expect(github.reads.filter((r) => r.startsWith('getIssueLabels'))).toEqual([`getIssueLabels ${full}#1`, `getIssueLabels ${full}#2`, `getIssueLabels ${full}#4`]);
  });

  it('only master is special: a cherry-pick into main whose parent has a note needs none, into master it does, as in Prow', async () => {
    // Prepare
    const intoMain = prGitHub({ parentPRs: { 2: RN } });
    const intoMaster = prGitHub({ parentPRs: { 2: RN } });

    // Act
    await runPullRequest(intoMain, pullRequest({ branch: 'main', body: 'Cherry pick of #2 on release-1.2.' }));
    await runPullRequest(intoMaster, pullRequest({ branch: 'master', body: 'Cherry pick of #2 on release-1.2.' }));

    // Assess
    expect(intoMain.writes).toEqual([]);
    expect(intoMaster.labelsOf(`${full}#1`)).toEqual([NEEDED]);
  });
});

const expectedAsking = (url: string) =>
  `${releaseNoteBody(url)}\n\n<details>\n\nInstructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.\n</details>`;

// ---- TestGetReleaseNote -----------------------------------------------------------------------

describe('getReleaseNote and determineReleaseNoteLabel (Prow TestGetReleaseNote)', () => {
  it.each([
    { body: '**Release note**:  ```NONE```', note: 'NONE', label: NONE },
    { body: '**Release note**:\n\n ```\nNONE\n```', note: 'NONE', label: NONE },
    { body: '**Release note**:\n<!--  Steps to write your release note:\n...\n-->\n```NONE\n```', note: 'NONE', label: NONE },
    { body: '**Release note**:\n\n  ```This is a description of my feature```', note: 'This is a description of my feature', label: RN },
    { body: '**Release note**: ```This is my feature. There is some action required for my feature.```', note: 'This is my feature. There is some action required for my feature.', label: AR },
    { body: '```release-note\nsomething great.\n```', note: 'something great.', label: RN },
    { body: '```release-note\nNONE\n```', note: 'NONE', label: NONE },
    { body: '```release-note\n`NONE`\n```', note: '`NONE`', label: NONE },
    { body: '```release-note\n`"NONE"`\n```', note: '`"NONE"`', label: NONE },
    { body: '**Release note**:\n```release-note\nNONE\n```\n', note: 'NONE', label: NONE },
    { body: '', note: '', label: NEEDED },
    { body: '', labels: [NONE], note: '', label: NONE },
    { body: '', labels: [DEPRECATION], note: '', label: NEEDED },
    { body: '', labels: [NONE, DEPRECATION], note: '', label: NEEDED },
    { body: '```release-note\nNONE\n```', labels: [DEPRECATION], note: 'NONE', label: NEEDED },
    // Beyond Prow's table.
    { body: '```release-note\r\nAdds a flag.\r\n```\r\n', note: 'Adds a flag.', label: RN },
    { body: '```Release-Note\nNONE\n```', note: '', label: NEEDED },
    { body: '```release-note\nfirst\n```\n```release-note\nsecond\n```', note: 'first', label: RN },
    { body: '```release-note\nnone of the above applies\n```', note: 'none of the above applies', label: RN },
  ])('$body → $label', ({ body, labels, note, label }) => {
    // Act / Assess
    expect(getReleaseNote(body)).toBe(note);
    expect(determineReleaseNoteLabel(body, new Set(labels ?? []))).toBe(label);
  });
});

// ---- TestShouldHandlePR -----------------------------------------------------------------------

describe('which pull_request events count (Prow TestShouldHandlePR)', () => {
  it.each([
    { name: 'Pull Request Action: Opened', action: 'opened', handled: true },
    { name: 'Pull Request Action: Edited', action: 'edited', handled: true },
    { name: 'Pull Request Action: Release Note label', action: 'labeled', label: NEEDED, handled: true },
    { name: 'Pull Request Action: Non Release Note label', action: 'labeled', label: 'do-not-merge/cherry-pick-not-approved', handled: false },
    { name: 'Pull Request Action: Ready for review', action: 'ready_for_review', label: NEEDED, handled: true },
    { name: 'synchronize', action: 'synchronize', handled: false },
    { name: 'unlabeled', action: 'unlabeled', label: NEEDED, handled: false },
  ])('$name', async ({ action, label, handled }) => {
    // Prepare
    const github = prGitHub({ initialLabels: [RN] });

    // Act
    const { outcome } = await runPullRequest(github, pullRequest({ action, label, labels: [RN], body: '```release-note\nA note.\n```' }));

    // Assess
    expect(outcome.status).toBe(handled ? 'ran' : 'skipped');
  });
});

// ---- Test_editReleaseNote (the splice) --------------------------------------------------------

describe("/release-note-edit's splice (Prow Test_editReleaseNote)", () => {
  it.each([
    { name: 'happy path', body: 'Top\r\n```release-note\r\nNONE\r\n```\r\nBelow\r\n', note: 'The new note', expected: 'Top\r\n```release-note\r\nThe new note\r\n```\r\nBelow\r\n' },
    { name: 'the older **Release note**: block', body: '**Release note**:\n```\nNONE\n```', note: ' Adds a flag. ', expected: '**Release note**:\n```\r\nAdds a flag.\r\n```' },
    { name: 'no block to replace', body: 'Just words.', note: 'x', expected: undefined },
  ])('$name', ({ body, note, expected }) => {
    // Act / Assess
    expect(spliceReleaseNote(body, getReleaseNote(`/release-note-edit\r\n\`\`\`release-note\r\n${note}\r\n\`\`\``) || note)).toBe(expected);
  });
});

describe('release_note config', () => {
  it.each([
    { name: 'absent: Prow\'s default guidelines', raw: undefined, url: defaultGuidelinesUrl },
    { name: 'empty: the default', raw: { guidelines_url: '' }, url: defaultGuidelinesUrl },
    { name: 'set', raw: { guidelines_url: 'https://example.com/rn' }, url: 'https://example.com/rn' },
    { name: 'an unknown key is accepted and ignored', raw: { guidelines_url: 'https://example.com/rn', other: 1 }, url: 'https://example.com/rn' },
  ])('$name', ({ raw, url }) => {
    // Act / Assess
    expect(config(raw).guidelinesUrl).toBe(url);
  });

  it('a wrong type is refused', () => {
    // Act / Assess
    expect(releaseNoteConfigSchema.safeParse({ guidelines_url: ['x'] }).success).toBe(false);
  });
});
