// The issue-management plugin: Prow's tables (issue_management_test.go, link-issue_test.go,
// pin-issue_test.go, transfer-issue_test.go) as facts, then the odd rows — quotes, code blocks,
// case, CRLF bodies, bots, unknown and foreign repositories, GraphQL refusals, failures worth a
// retry. Comments are real issue_comment payloads, generalised as the hook does, run through the
// command machinery against an in-memory GitHub (the fake GitHub server behind Octokit).
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { issueManagement, type IssueManagementGitHub } from '../../shared/plugins/issue-management/index.js';
import {
  errorsIntro,
  formatIssueRefParts,
  invalidFormatMessage,
  noIssueMessage,
  noRepoMessage,
  notMemberMessage,
  onlyPullRequestsMessage,
  parseCommentForLinkCommands,
  parseIssueRef,
  pullRequestMessage,
  updatedMessage,
  updateFixesLine,
  upToDateMessage,
} from '../../shared/plugins/issue-management/link-issue.js';
import { notApproverMessage, onlyIssuesMessage as pinOnlyIssues, ownersUnknownMessage, pinFailedMessage, pinnedMessage } from '../../shared/plugins/issue-management/pin-issue.js';
import { noDestinationMessage, notMemberMessage as transferNotMember, onceMessage, onlyIssuesMessage as transferOnlyIssues } from '../../shared/plugins/issue-management/transfer-issue.js';
import { replyTo } from '../../shared/plugins/respond.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

// The issue_comment example's repository and issue.
const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const full = 'Codertocat/Hello-World';
const ref = `${full}#1`;
const org = repo.owner;

const retryable = () => Object.assign(new Error('Bad Gateway'), { status: 502 });
const notFound = () => Object.assign(new Error('Not Found'), { status: 404 });

function commentEvent(body: string, options: { user?: string; pr?: boolean; action?: 'created' | 'edited' | 'deleted' } = {}): GenericCommentEvent {
  const payload = samplePayload('issue_comment', options.action === 'deleted' ? 'deleted' : options.action ?? 'created');
  payload.comment.body = body;
  payload.comment.user.login = options.user ?? 'alice';
  if (options.pr) payload.issue.pull_request = { url: `https://api.github.com/repos/${full}/pulls/1`, html_url: `https://github.com/${full}/pull/1` };
  return generalizeComment('issue_comment', payload)!;
}

/** A repository with members alice (and bob), and approver-user in the top-level OWNERS of main. */
function seeded(): MemoryGitHub {
  const github = new MemoryGitHub();
  github.setOrgMembers(org, ['alice', 'bob']);
  github.setFile(full, 'main', 'OWNERS', 'approvers:\n- approver-user\n- Other-Approver\n');
  github.setFile(full, 'main', 'docs/OWNERS', 'approvers:\n- docs-approver\n');
  for (const login of ['approver-user', 'other-approver', 'docs-approver', 'departed-approver']) github.setRole(full, login, 'write');
  return github;
}

async function run(github: MemoryGitHub, event: GenericCommentEvent) {
  const ctx = pluginContext<unknown, IssueManagementGitHub>({ github, config: undefined, repo });
  const outcome = await runCommands(issueManagement, ctx, event);
  return { outcome, ctx };
}

interface Row {
  name: string;
  body: string;
  user?: string;
  pr?: boolean;
  action?: 'created' | 'edited' | 'deleted';
  /** The pull request's body, when `pr`. */
  prBody?: string;
  seed?: (github: MemoryGitHub) => void;
  /** `undefined`: the comment holds none of the plugin's commands. */
  status: Outcome['status'] | undefined;
  /** The reply's message (after `@user: `); none when absent. */
  reply?: string;
  /** Writes other than the reply, in order. */
  writes?: string[];
  /** The pull request's body after, when `pr`. */
  bodyAfter?: string;
  after?: (github: MemoryGitHub) => void;
}

async function check(row: Row) {
  // Prepare
  const github = seeded();
  if (row.pr) github.setPullRequest(ref, { body: row.prBody ?? '' });
  row.seed?.(github);
  const event = commentEvent(row.body, { user: row.user, pr: row.pr, action: row.action });

  // Act
  const { outcome } = await run(github, event);

  // Assess
  expect(outcome?.status).toBe(row.status);
  expect(github.comments).toEqual(row.reply === undefined ? [] : [{ ref, body: replyTo(event, row.reply) }]);
  expect(github.writes.filter((w) => !w.startsWith('createComment '))).toEqual(row.writes ?? []);
  if (row.bodyAfter !== undefined) expect(github.issueOf(ref).body).toBe(row.bodyAfter);
  row.after?.(github);
}

describe('issue-management: Prow’s TestHandleIssues (routing)', () => {
  const rows: Row[] = [
    { name: 'Routes to link-issue handler when /link-issue command is present', body: '/link-issue 123', pr: true, status: 'ran', reply: updatedMessage, writes: [`updateIssue ${ref} {"body":"\\nFixes #123"}`] },
    { name: 'Routes to unlink-issue handler when /unlink-issue command is present', body: '/unlink-issue 456', pr: true, prBody: 'Fixes #456', status: 'ran', reply: updatedMessage, writes: [`updateIssue ${ref} {"body":""}`] },
    { name: 'Routes to pin-issue handler when /pin-issue command is present', body: '/pin-issue', user: 'approver-user', status: 'ran', reply: pinnedMessage(true, 1), writes: [`pinIssue ${ref}`] },
    { name: 'Routes to unpin-issue handler when /unpin-issue command is present', body: '/unpin-issue', user: 'approver-user', status: 'ran', reply: pinnedMessage(false, 1), writes: [`unpinIssue ${ref}`] },
    { name: 'Returns nil when no matching command is found', body: 'Just a regular comment', status: undefined },
    { name: 'Handles case insensitive commands', body: '/PIN-ISSUE', user: 'approver-user', status: 'ran', reply: pinnedMessage(true, 1), writes: [`pinIssue ${ref}`] },
    { name: 'Routes to transfer-issue handler when /transfer-issue command is present', body: '/transfer-issue test-repo', status: 'ran', writes: [`transferIssue ${ref} to ${org}/test-repo`] },
    { name: 'Routes to transfer handler when /transfer command is present', body: '/transfer another-repo', status: 'ran', writes: [`transferIssue ${ref} to ${org}/another-repo`] },
    { name: 'Returns with comment when transfer command has multiple destinations', body: '/transfer-issue repo1\n/transfer repo2', status: 'refused', reply: onceMessage },
    { name: 'Returns with comment when transfer command has no destination', body: '/transfer', status: 'refused', reply: onceMessage },
  ];
  it.each(rows)('$name', check);
});

describe('issue-management: /link-issue and /unlink-issue', () => {
  const prowRows: Row[] = [
    { name: 'should return if the plugin is triggered on an issue', body: '/link-issue 1', status: 'refused', reply: onlyPullRequestsMessage },
    { name: 'should silently ignore when action is not comment created', body: '/link-issue 1', pr: true, action: 'edited', status: 'skipped' },
    { name: 'should deny request if user who is not a part of the org', body: '/link-issue 1', user: 'mallory', pr: true, status: 'refused', reply: notMemberMessage },
    // Prow calls handleLinkIssue directly here; through handleIssues a bare /link-issue is no link command.
    { name: 'comment without issue numbers has no action', body: '/link-issue', pr: true, status: 'skipped' },
    {
      name: 'should error when linking an issue from a different repo which does not exist',
      body: '/link-issue other/repo#12',
      pr: true,
      seed: (gh) => gh.fake.setRepo('other/repo', { exists: false }),
      status: 'refused',
      reply: errorsIntro + `* ${noRepoMessage('other', 'repo')}\n`,
    },
    {
      name: 'should fail if issue does not exist',
      body: '/link-issue 99',
      pr: true,
      seed: (gh) => gh.fake.deleteIssue(full, 99),
      status: 'refused',
      reply: errorsIntro + `* ${noIssueMessage(99, org, 'Hello-World')}\n`,
    },
    { name: 'link issue should update the PR body successfully', body: '/link-issue 10', pr: true, prBody: 'Initial body', status: 'ran', reply: updatedMessage, bodyAfter: 'Initial body\n\nFixes #10', writes: [`updateIssue ${ref} {"body":"Initial body\\n\\nFixes #10"}`] },
    { name: 'unlink issue should update the PR body successfully', body: '/unlink-issue 11', pr: true, prBody: 'Fixes #11', status: 'ran', reply: updatedMessage, bodyAfter: '' , writes: [`updateIssue ${ref} {"body":""}`] },
    { name: 'both link and unlink issue should update the PR body successfully', body: '/unlink-issue 11\n/link-issue 12', pr: true, prBody: 'Fixes #11', status: 'ran', reply: updatedMessage, bodyAfter: 'Fixes #12', writes: [`updateIssue ${ref} {"body":"Fixes #12"}`] },
    { name: 'should not update the PR body when provided issue is already linked', body: '/link-issue 12', pr: true, prBody: 'Fixes #12', status: 'ran', reply: upToDateMessage },
  ];

  const moreRows: Row[] = [
    {
      name: 'a pull request is not linked, and the valid ones still are; the reply says both',
      body: '/link-issue 2 abc 7',
      pr: true,
      prBody: 'Body',
      seed: (gh) => gh.setPullRequest(`${full}#2`),
      status: 'ran',
      reply: `${updatedMessage}\n\nHowever, ${errorsIntro}* ${pullRequestMessage(2, org, 'Hello-World')}\n* ${invalidFormatMessage('abc')}\n`,
      bodyAfter: 'Body\n\nFixes #7',
      writes: [`updateIssue ${ref} {"body":"Body\\n\\nFixes #7"}`],
    },
    {
      name: 'an issue in another existing repository is linked by its full reference',
      body: '/link-issue Codertocat/other#3',
      pr: true,
      status: 'ran',
      reply: updatedMessage,
      bodyAfter: '\nFixes Codertocat/other#3',
      writes: [`updateIssue ${ref} {"body":"\\nFixes Codertocat/other#3"}`],
    },
    { name: 'a quoted command does not fire', body: '> /link-issue 5', pr: true, status: undefined },
    { name: 'a command in the middle of a line does not fire', body: 'I want to /link-issue 55 but this should fail', pr: true, status: undefined },
    // Prow's regexes are line-anchored and know no Markdown: a fenced line is a command to them.
    { name: 'a command inside a code block fires, as in Prow', body: '```\n/link-issue 5\n```', pr: true, status: 'ran', reply: updatedMessage, bodyAfter: '\nFixes #5', writes: [`updateIssue ${ref} {"body":"\\nFixes #5"}`] },
    // Go's `\s+` runs over the line break.
    { name: 'the issues may start on the next line, as Go reads Prow’s regex', body: '/link-issue\n5', pr: true, status: 'ran', reply: updatedMessage, bodyAfter: '\nFixes #5', writes: [`updateIssue ${ref} {"body":"\\nFixes #5"}`] },
    {
      name: 'a CRLF body keeps its other lines; the Fixes line is rewritten, sorted as Go sorts',
      body: '/link-issue 10 2\r\n',
      pr: true,
      prBody: 'Summary\r\nFixes #3\r\nMore',
      status: 'ran',
      reply: updatedMessage,
      bodyAfter: 'Summary\r\nFixes #10 #2 #3\nMore',
      writes: [`updateIssue ${ref} {"body":"Summary\\r\\nFixes #10 #2 #3\\nMore"}`],
    },
    {
      name: 'Prow compares names exactly: another spelling of this repository is a full reference',
      body: '/link-issue codertocat/hello-world#5',
      pr: true,
      status: 'ran',
      reply: updatedMessage,
      bodyAfter: '\nFixes codertocat/hello-world#5',
      writes: [`updateIssue ${ref} {"body":"\\nFixes codertocat/hello-world#5"}`],
    },
    { name: 'a sign and leading zeros are a number to Go’s Atoi', body: '/link-issue +007', pr: true, status: 'ran', reply: updatedMessage, bodyAfter: '\nFixes #7', writes: [`updateIssue ${ref} {"body":"\\nFixes #7"}`] },
    { name: 'issue 0 does not exist (GitHub is not asked)', body: '/link-issue 0', pr: true, status: 'refused', reply: `${errorsIntro}* ${noIssueMessage(0, org, 'Hello-World')}\n` },
    { name: 'an empty org and repository do not exist', body: '/link-issue /#4', pr: true, status: 'refused', reply: `${errorsIntro}* ${noRepoMessage('', '')}\n` },
    { name: 'unlinking takes off a malformed reference as written', body: '/unlink-issue #9x', pr: true, prBody: 'Fixes #1 #9x', status: 'ran', reply: updatedMessage, bodyAfter: 'Fixes #1', writes: [`updateIssue ${ref} {"body":"Fixes #1"}`] },
    { name: 'unlinking one not linked changes nothing', body: '/unlink-issue 4', pr: true, prBody: 'Fixes #1', status: 'ran', reply: upToDateMessage },
    { name: 'a bot that is no member is refused like anyone', body: '/link-issue 5', user: 'renovate[bot]', pr: true, status: 'refused', reply: notMemberMessage },
    { name: 'a deleted comment does nothing', body: '/link-issue 5', pr: true, action: 'deleted', status: 'skipped' },
  ];

  it.each([...prowRows, ...moreRows])('$name', check);

  it('a transferred issue is followed where it went (GitHub answers 301) and linked by the number asked for, as Prow does', async () => {
    // Prepare
    const github = seeded();
    github.setPullRequest(ref, { body: '' });
    const moved = await github.getIssue({ ...repo, number: 5 });
    await github.transferIssue({ ...repo, number: 5 }, moved.nodeId, (await github.getRepo({ owner: org, repo: 'elsewhere' }))!);
    const event = commentEvent('/link-issue 5', { pr: true });

    // Act
    const { outcome } = await run(github, event);

    // Assess
    expect(outcome?.status).toBe('ran');
    expect(github.issueOf(ref).body).toBe('\nFixes #5');
    expect(github.fake.calls.map((c) => c.text)).toContain(`getIssue ${full}#5 → 301`);
  });

  it('a lookup GitHub fails to answer (502) fails the delivery for a retry, with no answer', async () => {
    // Prepare
    const github = seeded();
    github.setPullRequest(ref, { body: '' });
    github.failNext('getIssue', retryable());

    // Act
    const outcome = run(github, commentEvent('/link-issue 5', { pr: true }));

    // Assess
    await expect(outcome).rejects.toMatchObject({ status: 502 });
    expect(github.writes).toEqual([]);
  });

  it('a repository lookup refused for another reason (403) reads as "does not exist", as in Prow', async () => {
    const github = seeded();
    github.setPullRequest(ref, { body: '' });
    github.failNext('getRepo', Object.assign(new Error('Forbidden'), { status: 403 }));
    const event = commentEvent('/link-issue private-org/secret#1', { pr: true });

    const { outcome } = await run(github, event);

    expect(outcome?.status).toBe('refused');
    expect(github.comments).toEqual([{ ref, body: replyTo(event, `${errorsIntro}* ${noRepoMessage('private-org', 'secret')}\n`) }]);
  });
});

describe('issue-management: Prow’s parseIssueRef, formatIssueRef, updateFixesLine, parseCommentForLinkCommands', () => {
  it.each([
    { name: 'User provided an issue number', issue: '42', defOrg: 'kubernetes', defRepo: 'test-infra', want: { org: 'kubernetes', repo: 'test-infra', num: 42n } },
    { name: 'User provided an issue in format org/repo#num', issue: 'foo/bar#77', defOrg: 'org', defRepo: 'repo', want: { org: 'foo', repo: 'bar', num: 77n } },
    { name: 'User provided an invalid issue number', issue: 'x42', defOrg: 'org', defRepo: 'repo', want: undefined },
    { name: 'Invalid issue format with slash but missing #', issue: 'foo/bar', defOrg: '', defRepo: '', want: undefined },
    { name: 'Invalid org repo format', issue: 'foo/bar/baz#1', defOrg: '', defRepo: '', want: undefined },
    { name: 'Invalid issue number after #', issue: 'foo/bar#x', defOrg: '', defRepo: '', want: undefined },
    { name: 'Invalid issue reference', issue: 'abc', defOrg: '', defRepo: '', want: undefined },
    { name: 'two #s', issue: 'foo/bar#1#2', defOrg: '', defRepo: '', want: undefined },
    { name: '#12 alone is no reference', issue: '#12', defOrg: 'o', defRepo: 'r', want: undefined },
    { name: 'a negative number parses (and then does not exist)', issue: '-3', defOrg: 'o', defRepo: 'r', want: { org: 'o', repo: 'r', num: -3n } },
    { name: 'past 64 bits is not a number to Atoi', issue: '9223372036854775808', defOrg: 'o', defRepo: 'r', want: undefined },
    { name: 'underscores are not digits to Atoi', issue: '1_000', defOrg: 'o', defRepo: 'r', want: undefined },
  ])('parseIssueRef: $name', ({ issue, defOrg, defRepo, want }) => {
    expect(parseIssueRef(issue, defOrg, defRepo)).toEqual(want);
  });

  it.each([
    { name: 'Issue within the same repo', ref: { org: 'kubernetes', repo: 'test-infra', num: 12n }, want: '#12' },
    { name: 'Issue in a different repo', ref: { org: 'foo', repo: 'bar', num: 33n }, want: 'foo/bar#33' },
  ])('formatIssueRef: $name', ({ ref: r, want }) => {
    expect(formatIssueRefParts(r, 'kubernetes', 'test-infra')).toBe(want);
  });

  it.each([
    { name: "should add fixes line when it doesn't exist", body: 'This is a PR body.', toLink: ['#12'], toUnlink: [], want: 'This is a PR body.\n\nFixes #12' },
    { name: 'should unlink an issue but keep fixes line', body: 'Fixes #1 #2', toLink: [], toUnlink: ['#2'], want: 'Fixes #1' },
    { name: 'should remove last issue and delete fixes line', body: 'line1\nFixes #99\nline2', toLink: [], toUnlink: ['#99'], want: 'line1\nline2' },
    { name: 'should do not add duplicate issue if it is already present in the PR body', body: 'Fixes #7', toLink: ['#7'], toUnlink: [], want: 'Fixes #7' },
    { name: 'should ensure the fixes line is added at end of the body', body: 'line1\nline2', toLink: ['foo/bar#10'], toUnlink: [], want: 'line1\nline2\n\nFixes foo/bar#10' },
    { name: 'should append issue to existing fixes line', body: 'line1\nFixes #1\nline3', toLink: ['#2', 'foo/bar#10'], toUnlink: [], want: 'line1\nFixes #1 #2 foo/bar#10\nline3' },
    // Go splits "" into one empty line, so the line comes after it.
    { name: 'an empty body gets a blank line first, as in Prow', body: '', toLink: ['#1'], toUnlink: [], want: '\nFixes #1' },
    { name: 'a body ending in a newline gets no second blank line', body: 'text\n', toLink: ['#1'], toUnlink: [], want: 'text\n\nFixes #1' },
    { name: 'only the first Fixes line counts, in any case', body: 'FIXES #1\nfixes #2', toLink: ['#3'], toUnlink: [], want: 'Fixes #1 #3\nfixes #2' },
    { name: '"Fixes:" is not a Fixes line', body: 'Fixes: #1', toLink: ['#2'], toUnlink: [], want: 'Fixes: #1\n\nFixes #2' },
    { name: 'a CRLF Fixes line is read whole (Go’s . takes the \\r)', body: 'a\r\nFixes #1\r\nb', toLink: ['#2'], toUnlink: [], want: 'a\r\nFixes #1 #2\nb' },
    { name: 'no change, no line: the body stays as it is', body: 'text', toLink: [], toUnlink: ['#4'], want: 'text' },
  ])('updateFixesLine: $name', ({ body, toLink, toUnlink, want }) => {
    expect(updateFixesLine(body, toLink, toUnlink)).toBe(want);
  });

  it.each([
    { name: 'Single link-issue comment', body: '/link-issue 12', toLink: ['12'], toUnlink: [] },
    { name: 'Single unlink-issue comment', body: '/unlink-issue 10', toLink: [], toUnlink: ['10'] },
    { name: 'Link multiple issues', body: '/link-issue 101 102 103', toLink: ['101', '102', '103'], toUnlink: [] },
    { name: 'Multiple linking commands on different lines', body: '/link-issue 1\nRandom text in the body\n/unlink-issue 2\n/link-issue 3 4', toLink: ['1', '3', '4'], toUnlink: ['2'] },
    { name: 'Case insensitivity check', body: '/LINK-ISSUE 7\n/Unlink-Issue 1', toLink: ['7'], toUnlink: ['1'] },
    { name: "Ignore comments with  don't start with linking commands ", body: 'I want to /link-issue 55 but this should fail', toLink: [], toUnlink: [] },
    { name: 'Handles org/repo#number format', body: '/link-issue kubernetes/kubernetes#12', toLink: ['kubernetes/kubernetes#12'], toUnlink: [] },
    { name: 'Comment with no linking commands', body: 'Just a regular comment with no linking commands.', toLink: [], toUnlink: [] },
    { name: 'a \\r before the line break is white space', body: '/link-issue 1 2\r\n', toLink: ['1', '2'], toUnlink: [] },
    { name: 'Go’s \\s+ runs over blank lines to the next line', body: '/link-issue \n/pin-issue', toLink: ['/pin-issue'], toUnlink: [] },
    { name: 'a quoted line is not a command', body: '> /link-issue 1', toLink: [], toUnlink: [] },
    { name: 'glued on is not the command', body: '/link-issues 1', toLink: [], toUnlink: [] },
    { name: 'a no-break space separates issues, as Go’s Fields reads it', body: '/link-issue 1\u00a02', toLink: ['1', '2'], toUnlink: [] },
  ])('parseCommentForLinkCommands: $name', ({ body, toLink, toUnlink }) => {
    expect(parseCommentForLinkCommands(body)).toEqual({ toLink, toUnlink });
  });
});

describe('issue-management: /pin-issue and /unpin-issue', () => {
  const prowRows: Row[] = [
    { name: 'successfully pins issue to repository', body: '/pin-issue', user: 'approver-user', status: 'ran', reply: 'Issue #1 has been pinned to the repository.', writes: [`pinIssue ${ref}`], after: (gh) => expect(gh.fake.pinnedOf(full)).toEqual([1]) },
    { name: 'successfully unpins issue from repository', body: '/unpin-issue', user: 'approver-user', status: 'ran', reply: 'Issue #1 has been unpinned from the repository.', writes: [`unpinIssue ${ref}`] },
    { name: 'skip pull request posts error comment', body: '/pin-issue', user: 'approver-user', pr: true, status: 'refused', reply: pinOnlyIssues },
    { name: 'skip non-created action returns nil without comment', body: '/pin-issue', user: 'approver-user', action: 'edited', status: 'skipped' },
    { name: 'unauthorized user posts error comment', body: '/pin-issue', user: 'alice', status: 'refused', reply: notApproverMessage },
  ];
  const moreRows: Row[] = [
    { name: 'an approver’s login in another case is an approver', body: '/pin-issue', user: 'OTHER-approver', status: 'ran', reply: pinnedMessage(true, 1), writes: [`pinIssue ${ref}`] },
    { name: 'an approver of a subdirectory only is no top-level approver', body: '/pin-issue', user: 'docs-approver', status: 'refused', reply: notApproverMessage },
    {
      name: 'an approver who is no longer a collaborator is no approver (as Prow filters OWNERS)',
      body: '/pin-issue',
      user: 'gone-approver',
      seed: (gh) => gh.setFile(full, 'main', 'OWNERS', 'approvers:\n- gone-approver\n'),
      status: 'refused',
      reply: notApproverMessage,
    },
    {
      name: 'OWNERS are read on the default branch, whatever it is called',
      body: '/pin-issue',
      user: 'trunk-approver',
      seed: (gh) => {
        gh.fake.setRepo(full, { defaultBranch: 'trunk' });
        gh.setFile(full, 'trunk', 'OWNERS', 'approvers:\n- trunk-approver\n');
        gh.setRole(full, 'trunk-approver', 'write');
      },
      status: 'ran',
      reply: pinnedMessage(true, 1),
      writes: [`pinIssue ${ref}`],
    },
    { name: 'text after the command is not Prow’s /pin-issue', body: '/pin-issue please', user: 'approver-user', status: 'skipped' },
    { name: 'both in one comment: pinning wins, as in Prow', body: '/unpin-issue\n/pin-issue', user: 'approver-user', status: 'ran', reply: pinnedMessage(true, 1), writes: [`pinIssue ${ref}`] },
    { name: 'a link command on an issue comes first, as in Prow', body: '/link-issue 3\n/pin-issue', user: 'approver-user', status: 'refused', reply: onlyPullRequestsMessage },
    { name: 'a quoted command does not fire', body: '> /pin-issue', user: 'approver-user', status: undefined },
    { name: 'a deleted comment on an issue does nothing', body: '/pin-issue', user: 'approver-user', action: 'deleted', status: 'skipped' },
    { name: 'on a pull request the reply comes even for an edited comment, as in Prow', body: '/unpin-issue', user: 'approver-user', pr: true, action: 'edited', status: 'refused', reply: pinOnlyIssues },
  ];
  it.each([...prowRows, ...moreRows])('$name', check);

  it('pin mutation failure posts error comment: GitHub refuses a fourth pin (GraphQL errors)', async () => {
    // Prepare
    const github = seeded();
    for (const n of [11, 12, 13]) {
      const issue = await github.getIssue({ ...repo, number: n });
      await github.pinIssue({ ...repo, number: n }, issue.nodeId);
    }
    const event = commentEvent('/pin-issue', { user: 'approver-user' });

    // Act
    const { outcome } = await run(github, event);

    // Assess
    expect(outcome).toMatchObject({ status: 'refused', reason: expect.stringContaining('GitHub refused') });
    expect(github.comments).toEqual([{ ref, body: replyTo(event, pinFailedMessage('pin', 1)) }]);
    expect(github.fake.pinnedOf(full)).toEqual([11, 12, 13]);
  });

  it('unpin mutation failure posts error comment', async () => {
    const github = seeded();
    github.failNext('unpinIssue', new Error('unpin error'));
    const event = commentEvent('/unpin-issue', { user: 'approver-user' });

    const { outcome } = await run(github, event);

    expect(outcome?.status).toBe('refused');
    expect(github.comments).toEqual([{ ref, body: replyTo(event, 'Unable to unpin issue #1. Please try again later.') }]);
  });

  it('GetIssue returns error: the delivery fails, with no reply (as Prow returns the error)', async () => {
    const github = seeded();
    github.failNext('getIssue', notFound());

    await expect(run(github, commentEvent('/pin-issue', { user: 'approver-user' }))).rejects.toMatchObject({ status: 404 });
    expect(github.writes).toEqual([]);
  });

  it('LoadRepoOwners returns error: the reply says whether could not be told (TestIsRepoOwner)', async () => {
    const github = seeded();
    // OWNERS at a commit are cached across deliveries; the branch's head is read each time.
    github.failNext('getBranchSha', notFound());
    const event = commentEvent('/pin-issue', { user: 'approver-user' });

    const { outcome } = await run(github, event);

    expect(outcome?.status).toBe('refused');
    expect(github.comments).toEqual([{ ref, body: replyTo(event, ownersUnknownMessage('approver-user', org, 'Hello-World')) }]);
  });

  it('a failure worth retrying (502 on the pin) fails the delivery instead of "try again later"', async () => {
    const github = seeded();
    github.failNext('pinIssue', retryable());

    await expect(run(github, commentEvent('/pin-issue', { user: 'approver-user' }))).rejects.toMatchObject({ status: 502 });
    expect(github.comments).toEqual([]);
  });

  it('the trace says who the top-level approvers were asked about, at which commit', async () => {
    const github = seeded();
    const { ctx } = await run(github, commentEvent('/pin-issue', { user: 'alice' }));
    expect(ctx.checks).toEqual([expect.stringMatching(/^top-level OWNERS approvers of Codertocat\/Hello-World@main \([0-9a-f]{12}\): alice is not one$/)]);
  });
});

describe('issue-management: /transfer-issue', () => {
  const prowRows: Row[] = [
    // Prow's row expects no comment on issue 1 because its event has no number: the reply goes to #0.
    { name: 'Skips transfer when event is on a pull request (it says why)', body: '/transfer-issue test-repo', pr: true, status: 'refused', reply: transferOnlyIssues },
    { name: 'Skips transfer when comment action is not created', body: '/transfer-issue test-repo', action: 'deleted', status: 'skipped' },
    {
      name: 'Returns error comment when destination repo does not exist',
      body: '/transfer-issue fake',
      seed: (gh) => gh.fake.setRepo(`${org}/fake`, { exists: false }),
      status: 'refused',
      reply: noDestinationMessage(`${org}/fake`),
    },
    { name: 'Returns error comment when user is not an org member', body: '/transfer-issue test-infra', user: 'mallory', status: 'refused', reply: transferNotMember },
    {
      name: 'Successfully transfers issue and trims whitespace from destination repo',
      body: '/transfer-issue test-infra\r',
      status: 'ran',
      writes: [`transferIssue ${ref} to ${org}/test-infra`],
      after: (gh) => expect(gh.fake.transferredTo(full, 1)).toBe(`${org}/test-infra#1`),
    },
    { name: 'Successfully transfers issue to destination repo', body: 'This belongs elsewhere\n/transfer-issue test-infra\nThanks!', status: 'ran', writes: [`transferIssue ${ref} to ${org}/test-infra`] },
  ];
  const moreRows: Row[] = [
    { name: 'another org’s repository is no repository of this org', body: '/transfer other-org/repo', status: 'refused', reply: noDestinationMessage(`${org}/other-org/repo`) },
    { name: 'a destination with a space is one name, which does not exist', body: '/transfer-issue test infra', status: 'refused', reply: noDestinationMessage(`${org}/test infra`) },
    { name: 'only white space after it does nothing, silently, as in Prow', body: '/transfer \r', status: 'skipped' },
    { name: 'glued on is not the command', body: '/transferx test-infra', status: undefined },
    { name: 'a tab is not the space Prow’s regex wants', body: '/transfer\ttest-infra', status: 'skipped' },
    { name: 'a quoted command does not fire', body: '> /transfer test-infra', status: undefined },
    { name: 'an edited comment does nothing', body: '/transfer test-infra', action: 'edited', status: 'skipped' },
    { name: 'on a pull request the reply comes even for an edited comment, as in Prow', body: '/transfer test-infra', pr: true, action: 'edited', status: 'refused', reply: transferOnlyIssues },
    { name: 'a link command comes first, as in Prow: on an issue, the link refusal', body: '/transfer test-infra\n/link-issue 3', status: 'refused', reply: onlyPullRequestsMessage },
    { name: 'upper case is the same command', body: '/TRANSFER-ISSUE test-infra', status: 'ran', writes: [`transferIssue ${ref} to ${org}/test-infra`] },
    { name: 'a bot that is no member is refused', body: '/transfer test-infra', user: 'dependabot[bot]', status: 'refused', reply: transferNotMember },
    { name: 'the destination is checked before the membership, as in Prow', body: '/transfer gone', user: 'mallory', seed: (gh) => gh.fake.setRepo(`${org}/gone`, { exists: false }), status: 'refused', reply: noDestinationMessage(`${org}/gone`) },
  ];
  it.each([...prowRows, ...moreRows])('$name', check);

  it('the issue moves with its comments, and its old number leads there', async () => {
    // Prepare
    const github = seeded();
    github.setIssue(ref, { title: 'Belongs in test-infra' });
    github.fake.setIssue(`${org}/test-infra`, 4);

    // Act
    const { outcome } = await run(github, commentEvent('/transfer-issue test-infra'));

    // Assess
    expect(outcome).toEqual({ status: 'ran', reason: `/transfer-issue by alice: ${ref} moved to ${org}/test-infra (https://github.com/${org}/test-infra/issues/5)` });
    expect(github.fake.issueOf(`${org}/test-infra`, 5).title).toBe('Belongs in test-infra');
    expect((await github.getIssue({ ...repo, number: 1 })).htmlUrl).toBe(`https://github.com/${org}/test-infra/issues/5`);
  });

  it('GitHub refusing (a private issue into a public repository, GraphQL errors) fails the delivery, terminally, with no reply', async () => {
    const github = seeded();
    github.fake.setVisibility(full, 'private');

    const failed = run(github, commentEvent('/transfer-issue test-infra'));

    await expect(failed).rejects.toThrow(`failed to transfer ${ref} to ${org}/test-infra`);
    expect(github.comments).toEqual([]);
    expect(github.fake.transferredTo(full, 1)).toBeUndefined();
  });

  it('a destination lookup GitHub fails to answer (502) is retried, not answered "does not exist"', async () => {
    const github = seeded();
    github.failNext('getRepo', retryable());

    await expect(run(github, commentEvent('/transfer-issue test-infra'))).rejects.toMatchObject({ status: 502 });
    expect(github.comments).toEqual([]);
  });

  it('the reads and writes, in order: destination, membership, the issue for its node id, the transfer', async () => {
    const github = seeded();
    await run(github, commentEvent('/transfer test-infra'));
    expect(github.calls).toEqual([`getRepo ${org}/test-infra`, `isOrgMember ${org} alice`, `getIssue ${ref}`, `transferIssue ${ref} to ${org}/test-infra`]);
  });
});
