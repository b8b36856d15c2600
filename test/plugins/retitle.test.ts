// The retitle plugin through the command machinery: real issue_comment payloads, generalised as
// the hook generalises them, against an in-memory GitHub. Rows follow Prow's
// TestHandleGenericComment (retitle_test.go), then the odd ones: quotes, case, a title on the next
// line, keywords Prow's regex does and does not catch, the config section.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { retitleConfigSchema } from '../../shared/plugins/retitle/config.js';
import {
  closeIssueRe,
  closingKeywordMessage,
  emptyTitleMessage,
  retitle,
  untrustedMessage,
  type RetitleConfig,
  type RetitleGitHub,
} from '../../shared/plugins/retitle/index.js';
import { aboutThisBot } from '../../shared/plugins/respond.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const ref = 'Codertocat/Hello-World#1'; // the issue_comment example's issue

type Trust = 'member' | 'collaborator' | 'reader' | 'nobody' | 'error';

interface Case {
  name: string;
  body: string;
  state?: 'open' | 'closed';
  allowClosedIssues?: boolean;
  action?: 'created' | 'edited';
  isPR?: boolean;
  /** Who `user` is; unasked when the plugin should not get that far. */
  trust?: Trust;
  expectedTitle?: string;
  expectedErr?: boolean;
  /** The reply's message (after `@user: `), when there is one. */
  expectedComment?: string;
  status?: Outcome['status'];
}

function commentEvent({ body, state = 'open', action = 'created', isPR = false }: Case): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.comment.user.login = 'user';
  payload.issue.state = state;
  if (isPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

function seed(trust: Trust | undefined, isPR: boolean): MemoryGitHub {
  const github = new MemoryGitHub();
  if (isPR) github.setPullRequest(ref, { title: 'Old', author: 'Codertocat' });
  else github.setIssue(ref, { title: 'Old', author: 'Codertocat' });
  if (trust === 'member') github.setOrgMembers('Codertocat', ['user']);
  if (trust === 'collaborator') github.setRole(repo, 'user', 'triage');
  if (trust === 'reader') github.setRole(repo, 'user', 'read');
  if (trust === 'error') github.failNext('isOrgMember', new Error('oops'));
  return github;
}

const allowed = (config: Partial<RetitleConfig> = {}): RetitleConfig => ({ allowClosedIssues: false, ...config });

// Prow's rows; `trusted: true` is an org member here, `false` someone with no access.
const prowRows: Case[] = [
  { name: 'when closed issues are not allowed, comment on closed issue is ignored', state: 'closed', body: '/retitle foobar', status: 'skipped' },
  {
    name: 'when closed issues are allowed, trusted user edits PR title on closed issue',
    state: 'closed',
    allowClosedIssues: true,
    body: '/retitle foobar',
    isPR: true,
    trust: 'member',
    expectedTitle: 'foobar',
  },
  { name: 'edited comment on open issue is ignored', action: 'edited', body: '/retitle foobar', status: 'skipped' },
  { name: 'new unrelated comment on open issue is ignored', body: 'whatever else', status: undefined },
  { name: 'new comment on open issue returns error when failing to check trusted', body: '/retitle foobar', trust: 'error', expectedErr: true },
  { name: 'new comment on open issue comments when user is not trusted', body: '/retitle foobar', trust: 'nobody', expectedComment: untrustedMessage, status: 'refused' },
  { name: 'new comment on open issue comments with no title', body: '/retitle     ', trust: 'member', expectedComment: emptyTitleMessage, status: 'refused' },
  { name: 'new comment on open issue comments with a title with invalid keyword', body: '/retitle Fixes #9999', trust: 'member', expectedComment: closingKeywordMessage, status: 'refused' },
  { name: 'trusted user edits PR title', body: '/retitle foobar', isPR: true, trust: 'member', expectedTitle: 'foobar' },
  { name: 'trusted user edits issue title', body: '/retitle foobar', trust: 'member', expectedTitle: 'foobar' },
  { name: 'carriage return is stripped', body: '/retitle foobar\r', trust: 'member', expectedTitle: 'foobar' },
];

const moreRows: Case[] = [
  { name: 'a collaborator (triage) may retitle', body: '/retitle New title', trust: 'collaborator', expectedTitle: 'New title' },
  { name: 'read access is not trust', body: '/retitle New title', trust: 'reader', expectedComment: untrustedMessage, status: 'refused' },
  { name: '/RETITLE in capitals', body: '/RETITLE Loud title', trust: 'member', expectedTitle: 'Loud title' },
  { name: 'a later line, with CRLF', body: 'Better name:\r\n/retitle  Spaced  title \r\nthanks', trust: 'member', expectedTitle: 'Spaced  title' },
  { name: 'the title on the next line, as Prow\'s \\s* allows', body: '/retitle\nNext-line title', trust: 'member', expectedTitle: 'Next-line title' },
  { name: '/retitle alone has no title', body: '/retitle', trust: 'member', expectedComment: emptyTitleMessage, status: 'refused' },
  { name: 'a quoted /retitle is not a command', body: '> /retitle foobar', status: undefined },
  { name: '/retitlefoo is not /retitle', body: '/retitlefoo', status: undefined },
  { name: 'closes org/repo#3 is refused', body: '/retitle Closes: acme/widgets#3', trust: 'member', expectedComment: closingKeywordMessage, status: 'refused' },
  { name: 'resolved #1, any case, is refused', body: '/retitle Bug RESOLVED #1', trust: 'member', expectedComment: closingKeywordMessage, status: 'refused' },
  { name: 'a reference without a keyword is fine', body: '/retitle Follow-up to #12', trust: 'member', expectedTitle: 'Follow-up to #12' },
  { name: 'an untrusted user is refused before the title is looked at', body: '/retitle', trust: 'nobody', expectedComment: untrustedMessage, status: 'refused' },
];

describe('retitle', () => {
  it.each([...prowRows, ...moreRows])('$name', async (c) => {
    // Prepare
    const isPR = c.isPR ?? false;
    const github = seed(c.trust, isPR);
    const ctx = pluginContext<RetitleConfig, RetitleGitHub>({ github, config: allowed({ allowClosedIssues: c.allowClosedIssues ?? false }), repo });
    const event = commentEvent(c);

    // Act
    const run = runCommands(retitle, ctx, event);

    // Assess
    if (c.expectedErr) {
      await expect(run).rejects.toThrow('oops');
      expect(github.writes).toEqual([]);
      return;
    }
    const outcome = await run;
    expect(outcome?.status).toBe('status' in c ? c.status : 'ran');
    expect(github.issueOf(ref).title).toBe(c.expectedTitle ?? 'Old');
    expect(github.comments.length).toBe(c.expectedComment ? 1 : 0);
    if (c.expectedComment) expect(github.comments[0]!.body.startsWith(`@user: ${c.expectedComment}`)).toBe(true);
    // One write at most, and no read of the issue: the payload says what it is.
    expect(github.writes.length).toBeLessThanOrEqual(1);
    expect(github.reads.filter((r) => r.startsWith('getIssue') || r.startsWith('getPullRequest'))).toEqual([]);
  });

  it("replies in Prow's exact format", async () => {
    // Prepare: Prow's expected comment for the empty title, with the example comment's link.
    const github = seed('member', false);
    const ctx = pluginContext<RetitleConfig, RetitleGitHub>({ github, config: allowed(), repo });
    const event = commentEvent({ name: '', body: '/retitle     ' });

    // Act
    await runCommands(retitle, ctx, event);

    // Assess
    expect(github.comments[0]!.body).toBe(
      `@user: Titles may not be empty.\n\n<details>\n\nIn response to [this](${event.htmlUrl}):\n\n>/retitle     \n\n\n${aboutThisBot}\n</details>`,
    );
  });

  it('the refusal says who can and why this user cannot, and the trace has both checks', async () => {
    // Prepare
    const github = seed('nobody', false);
    const ctx = pluginContext<RetitleConfig, RetitleGitHub>({ github, config: allowed(), repo });

    // Act
    await runCommands(retitle, ctx, commentEvent({ name: '', body: '/retitle foobar' }));

    // Assess
    expect(github.comments[0]!.body).toContain(
      'You are neither a member of the Codertocat organization nor a collaborator on Codertocat/Hello-World (that takes triage, write, maintain or admin access, given directly or through a team). Members of Codertocat and collaborators on Codertocat/Hello-World can use `/retitle`.',
    );
    expect(ctx.checks).toEqual(['member user of Codertocat: no', 'collaborator user on Codertocat/Hello-World: no (role read)']);
  });
});

describe('the closing-keyword regex (Prow\'s invalidcommitmsg.CloseIssueRegex)', () => {
  it.each([
    { title: 'Fixes #9999', expected: true },
    { title: 'fix #1', expected: true },
    { title: 'Fixed: #1', expected: true },
    { title: 'close #2', expected: true },
    { title: 'Closed org/repo#2', expected: true },
    { title: 'resolves #3', expected: true },
    { title: 'prefix #4 (no word boundary in Prow either)', expected: true },
    { title: 'Fixes kubernetes-sigs/prow#1 (Prow\'s \\w+/\\w+ stops at the hyphen)', expected: false },
    { title: 'Fix the #1 bug', expected: false },
    { title: 'See #5', expected: false },
  ])('$title → $expected', ({ title, expected }) => {
    expect(closeIssueRe.test(title)).toBe(expected);
  });
});

describe('the retitle section', () => {
  it.each([
    { name: 'absent', raw: undefined, expected: { allowClosedIssues: false } },
    { name: 'empty', raw: null, expected: { allowClosedIssues: false } },
    { name: "kubernetes' allow_closed_issues: true", raw: { allow_closed_issues: true }, expected: { allowClosedIssues: true } },
    { name: 'an unknown key is kept out', raw: { allow_closed_issues: false, other: 1 }, expected: { allowClosedIssues: false } },
  ])('$name', ({ raw, expected }) => {
    expect(retitleConfigSchema.parse(raw)).toEqual(expected);
  });

  it('a string is an error, not true', () => {
    expect(retitleConfigSchema.safeParse({ allow_closed_issues: 'yes' }).success).toBe(false);
  });
});
