// MemoryGitHub: the production OctokitGitHub over the in-process fake GitHub, recorded by one
// wrapClient layer. These prove the recording (calls, writes, reads, comments, failNext) for every
// method, and that what a plugin sees is GitHub's behaviour (404s as success, 422 refusals).
import { describe, expect, it } from 'vitest';
import { githubMethodNames, isWriteMethod, type GitHubClient, type GitHubMethod } from '../../shared/github/client.js';
import { GitHubError } from '../../shared/github/errors.js';
import { MemoryGitHub } from './memory-github.js';

const repo = { owner: 'acme', repo: 'widgets' };
const pr = { ...repo, number: 1 };
const full = 'acme/widgets';

interface Case<M extends GitHubMethod = GitHubMethod> {
  name: M;
  args: Parameters<GitHubClient[M]>;
  seed?: (gh: MemoryGitHub) => void;
  text: string;
  answer: unknown;
}

// The fake's node ids name what they stand for (see github-server.ts).
const issueNode = `I_${Buffer.from(`${full}#1`).toString('base64url')}`;
const other = { owner: 'acme', repo: 'other', nodeId: `R_${Buffer.from('acme/other').toString('base64url')}`, defaultBranch: 'main', private: false, archived: false };

const c = <M extends GitHubMethod>(x: Case<M>): Case => x as unknown as Case;

// One call of every method, with the line it is recorded as and what it answers.
const cases: Case[] = [
  // A label write answers the issue's labels afterwards, as GitHub does.
  c({ name: 'addLabel', args: [pr, 'lgtm'], seed: (gh) => gh.setLabels(`${full}#1`, ['bug']), text: `addLabel ${full}#1 lgtm`, answer: ['bug', 'lgtm'] }),
  c({ name: 'removeLabel', args: [pr, 'lgtm'], seed: (gh) => gh.setLabels(`${full}#1`, ['bug', 'lgtm']), text: `removeLabel ${full}#1 lgtm`, answer: ['bug'] }),
  c({ name: 'getIssueLabels', args: [pr], seed: (gh) => gh.setLabels(`${full}#1`, ['bug']), text: `getIssueLabels ${full}#1`, answer: ['bug'] }),
  c({
    name: 'getRepoLabels',
    args: [repo],
    seed: (gh) => gh.setRepoLabels(full, [{ name: 'bug', color: 'd73a4a', description: 'broken' }]),
    text: `getRepoLabels ${full}`,
    answer: [{ name: 'bug', color: 'd73a4a', description: 'broken' }],
  }),
  c({ name: 'createComment', args: [pr, 'hi'], text: `createComment ${full}#1 hi`, answer: expect.any(Number) }),
  c({
    name: 'listComments',
    args: [pr],
    seed: (gh) => gh.addComment(`${full}#1`, { user: 'alice', body: '/lgtm' }),
    text: `listComments ${full}#1`,
    answer: [expect.objectContaining({ body: '/lgtm', user: { login: 'alice', type: 'User' } })],
  }),
  // A fresh fake numbers its first comment 1000.
  c({ name: 'editComment', args: [repo, 1000, 'edited'], seed: (gh) => gh.addComment(`${full}#1`, { user: 'alice', body: 'x' }), text: `editComment ${full} comment 1000 edited`, answer: undefined }),
  c({ name: 'deleteComment', args: [repo, 4242], text: `deleteComment ${full} comment 4242`, answer: undefined }),
  c({ name: 'addAssignees', args: [pr, ['alice', 'mallory']], seed: (gh) => gh.setRole(full, 'alice', 'write'), text: `addAssignees ${full}#1 [alice, mallory]`, answer: ['alice'] }),
  c({ name: 'removeAssignees', args: [pr, ['alice']], text: `removeAssignees ${full}#1 [alice]`, answer: undefined }),
  c({
    name: 'requestReviewers',
    args: [pr, { reviewers: ['bob'], teamReviewers: ['core'] }],
    seed: (gh) => gh.setPullRequest(`${full}#1`).setRole(full, 'bob', 'read').setTeam('acme', { name: 'Core', slug: 'core', members: [] }),
    text: `requestReviewers ${full}#1 [bob] teams [core]`,
    answer: undefined,
  }),
  c({ name: 'removeReviewRequests', args: [pr, { reviewers: ['bob'] }], seed: (gh) => gh.setPullRequest(`${full}#1`), text: `removeReviewRequests ${full}#1 [bob]`, answer: undefined }),
  c({
    name: 'listReviews',
    args: [pr],
    seed: (gh) => gh.setPullRequest(`${full}#1`, { head: { sha: 'abc' } }).addReview(`${full}#1`, { user: 'bob', state: 'APPROVED' }),
    text: `listReviews ${full}#1`,
    answer: [expect.objectContaining({ state: 'APPROVED', commitId: 'abc', user: { login: 'bob', type: 'User' } })],
  }),
  c({
    name: 'getPullRequest',
    args: [pr],
    seed: (gh) => gh.setPullRequest(`${full}#1`, { author: 'carol', draft: true }),
    text: `getPullRequest ${full}#1`,
    answer: expect.objectContaining({ number: 1, draft: true, user: { login: 'carol', type: 'User' } }),
  }),
  c({
    name: 'listPullRequests',
    args: [repo, { base: 'release' }],
    seed: (gh) => gh.setPullRequest(`${full}#1`).setPullRequest(`${full}#2`, { base: { ref: 'release' } }),
    text: `listPullRequests ${full} base release`,
    answer: [expect.objectContaining({ number: 2, base: expect.objectContaining({ ref: 'release' }), mergeable: null })],
  }),
  c({
    name: 'listPullRequestCommits',
    args: [pr],
    seed: (gh) => gh.setPullRequest(`${full}#1`, { author: 'carol', base: { sha: 'b1' } }).setCommits(`${full}#1`, [{ sha: 'c1', message: 'Fix\n\nSigned-off-by: Carol <c@example.com>' }]),
    text: `listPullRequestCommits ${full}#1`,
    answer: [{ sha: 'c1', message: 'Fix\n\nSigned-off-by: Carol <c@example.com>', authorLogin: 'carol', authorName: 'carol', authorEmail: 'carol@users.noreply.github.com', committerName: 'carol', committerEmail: 'carol@users.noreply.github.com', parents: ['b1'] }],
  }),
  c({
    name: 'getIssue',
    args: [pr],
    seed: (gh) => gh.setIssue(`${full}#1`, { title: 'Crash', author: 'dave', state: 'closed' }),
    text: `getIssue ${full}#1`,
    answer: expect.objectContaining({ number: 1, title: 'Crash', state: 'closed', stateReason: 'completed', isPullRequest: false, user: { login: 'dave', type: 'User' } }),
  }),
  c({
    name: 'updateIssue',
    args: [pr, { state: 'closed', stateReason: 'not_planned' }],
    text: `updateIssue ${full}#1 {"state":"closed","stateReason":"not_planned"}`,
    answer: undefined,
  }),
  c({
    name: 'listMilestones',
    args: [repo],
    seed: (gh) => gh.setMilestones(full, [{ number: 1, title: 'v1.0', state: 'closed' }, { number: 2, title: 'v2.0' }]),
    text: `listMilestones ${full}`,
    answer: [{ number: 1, title: 'v1.0', state: 'closed' }, { number: 2, title: 'v2.0', state: 'open' }],
  }),
  c({
    name: 'countIssues',
    args: [repo, 'is:pr author:carol'],
    seed: (gh) => gh.setPullRequest(`${full}#1`, { author: 'carol' }).setPullRequest(`${full}#2`, { author: 'dave' }).setPullRequest('acme/other#1', { author: 'carol' }),
    text: `countIssues ${full} is:pr author:carol`,
    answer: 1,
  }),
  c({
    name: 'createStatus',
    args: [repo, 'abc', { context: 'dco', state: 'success', description: 'all signed off', targetUrl: '' }],
    text: `createStatus ${full}@abc dco success "all signed off"`,
    answer: undefined,
  }),
  c({
    name: 'listStatuses',
    args: [repo, 'abc'],
    seed: (gh) => gh.addStatus(full, 'abc', { context: 'ci', state: 'pending' }).addStatus(full, 'abc', { context: 'ci', state: 'success', targetUrl: 'https://ci.example.com/1' }),
    text: `listStatuses ${full}@abc`,
    answer: [{ context: 'ci', state: 'success', description: '', targetUrl: 'https://ci.example.com/1' }],
  }),
  c({ name: 'deleteBranch', args: [repo, 'feature'], seed: (gh) => gh.setBranches(full, ['main', 'feature']), text: `deleteBranch ${full} feature`, answer: undefined }),
  c({
    name: 'dispatchWorkflow',
    args: [repo, 'ci.yaml', 'main', { prow_job_id: 'j1' }],
    text: `dispatchWorkflow ${full} ci.yaml@main {"prow_job_id":"j1"}`,
    // A fresh fake numbers its first run 1000.
    answer: { runId: 1000, htmlUrl: 'https://github.com/acme/widgets/actions/runs/1000' },
  }),
  c({
    name: 'listWorkflowRuns',
    args: [repo, 'ci.yaml', { event: 'workflow_dispatch' }],
    seed: (gh) => (gh.fake.addWorkflowRun(full, 'ci.yaml', { event: 'push' }), gh.fake.addWorkflowRun(full, 'ci.yaml', { event: 'workflow_dispatch', displayTitle: 'run j1' })),
    text: `listWorkflowRuns ${full} ci.yaml event workflow_dispatch`,
    answer: [expect.objectContaining({ id: 1001, displayTitle: 'run j1', status: 'queued', conclusion: null, event: 'workflow_dispatch', path: '.github/workflows/ci.yaml' })],
  }),
  c({ name: 'cancelWorkflowRun', args: [repo, 1000], seed: (gh) => gh.fake.addWorkflowRun(full, 'ci.yaml'), text: `cancelWorkflowRun ${full} run 1000`, answer: undefined }),
  c({
    name: 'getPullRequestChanges',
    args: [pr],
    seed: (gh) => gh.setChanges(`${full}#1`, [{ filename: 'a.go', additions: 1, deletions: 2, changes: 3, status: 'modified' }]),
    text: `getPullRequestChanges ${full}#1`,
    answer: [{ filename: 'a.go', additions: 1, deletions: 2, changes: 3, status: 'modified' }],
  }),
  c({ name: 'getFile', args: [repo, 'OWNERS', 'abc'], seed: (gh) => gh.setFile(full, 'abc', 'OWNERS', 'approvers: [a]\n'), text: `getFile ${full}@abc:OWNERS`, answer: 'approvers: [a]\n' }),
  c({
    name: 'getTree',
    args: [repo, 'abc'],
    seed: (gh) => gh.setFile(full, 'abc', 'docs/OWNERS', 'x\n'),
    text: `getTree ${full}@abc`,
    answer: expect.objectContaining({ entries: [expect.objectContaining({ path: 'docs', type: 'tree' }), expect.objectContaining({ path: 'docs/OWNERS', type: 'blob' })] }),
  }),
  c({
    name: 'getBlobs',
    args: [repo, ['f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f', '0000000000000000000000000000000000000000']],
    seed: (gh) => gh.setFile(full, 'main', 'f', 'abc'),
    text: `getBlobs ${full} 2 blobs`,
    answer: { f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f: 'abc' },
  }),
  c({
    name: 'getCommit',
    args: [repo, 'abc'],
    seed: (gh) => gh.setFile(full, 'abc', 'README.md', 'hi\n'),
    text: `getCommit ${full}@abc`,
    answer: { sha: 'abc', treeSha: expect.stringMatching(/^[0-9a-f]{40}$/) },
  }),
  c({
    name: 'getBlob',
    args: [repo, 'f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f'], // `printf abc | git hash-object --stdin`
    seed: (gh) => gh.setFile(full, 'main', 'f', 'abc'),
    text: `getBlob ${full} f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f`,
    answer: 'abc',
  }),
  c({
    name: 'transferIssue',
    args: [pr, issueNode, other],
    text: `transferIssue ${full}#1 to acme/other`,
    answer: 'https://github.com/acme/other/issues/1',
  }),
  c({ name: 'pinIssue', args: [pr, issueNode], text: `pinIssue ${full}#1`, answer: undefined }),
  c({ name: 'unpinIssue', args: [pr, issueNode], text: `unpinIssue ${full}#1`, answer: undefined }),
  c({
    name: 'getRepo',
    args: [{ owner: 'acme', repo: 'other' }],
    seed: (gh) => gh.fake.setRepo('acme/other', { defaultBranch: 'trunk' }),
    text: 'getRepo acme/other',
    answer: { ...other, defaultBranch: 'trunk' },
  }),
  c({ name: 'getBranchSha', args: [repo, 'main'], seed: (gh) => gh.setFile(full, 'main', 'OWNERS', 'approvers: [a]\n'), text: `getBranchSha ${full} main`, answer: expect.stringMatching(/^[0-9a-f]{40}$/) }),
  c({ name: 'getRef', args: [repo, 'heads/main'], seed: (gh) => gh.setBranchSha(full, 'main', 'a'.repeat(40)), text: `getRef ${full} heads/main`, answer: 'a'.repeat(40) }),
  c({
    name: 'getBranchProtection',
    args: [repo, 'main'],
    seed: (gh) => gh.setBranchProtection(full, 'main', ['ci/unit', 'dco']),
    text: `getBranchProtection ${full} main`,
    answer: { requiredStatusChecks: { contexts: ['ci/unit', 'dco'] } },
  }),
  c({ name: 'getRepoRole', args: [repo, 'dave'], seed: (gh) => gh.setRole(full, 'dave', 'maintain'), text: `getRepoRole ${full} dave`, answer: 'maintain' }),
  c({
    name: 'listCollaborators',
    args: [repo],
    seed: (gh) => (gh.setRole(full, 'dave', 'maintain'), gh.setRole(full, 'gone', 'none')),
    text: `listCollaborators ${full}`,
    answer: ['dave'],
  }),
  c({ name: 'isOrgMember', args: [repo, 'erin'], seed: (gh) => gh.setOrgMembers('acme', ['erin']), text: 'isOrgMember acme erin', answer: true }),
  c({ name: 'listTeams', args: [repo], seed: (gh) => gh.setTeam('acme', { name: 'Core', slug: 'core', members: [] }), text: 'listTeams acme', answer: [{ id: expect.any(Number), name: 'Core', slug: 'core' }] }),
  c({ name: 'isTeamMember', args: [repo, 'core', 'frank'], seed: (gh) => gh.setTeam('acme', { name: 'Core', slug: 'core', members: ['frank'] }), text: 'isTeamMember acme/core frank', answer: true }),
];

const call = (gh: GitHubClient, x: Case) => (gh[x.name] as (...a: unknown[]) => Promise<unknown>)(...x.args);

describe('MemoryGitHub', () => {
  it('has a case for every GitHubClient method', () => {
    expect(cases.map((x) => x.name).sort()).toEqual([...githubMethodNames].sort());
  });

  it.each(cases)('$name: recorded as describeCall says, answered by the fake GitHub', async (x) => {
    // Prepare
    const gh = new MemoryGitHub();
    x.seed?.(gh);

    // Act
    const answer = await call(gh, x);

    // Assess
    expect(answer).toEqual(x.answer);
    expect(gh.calls).toEqual([x.text]);
    const write = isWriteMethod(x.name);
    expect(gh.writes).toEqual(write ? [x.text] : []);
    expect(gh.reads).toEqual(write ? [] : [x.text]);
  });

  it.each(cases)('$name: failNext records the call, throws, and the next call goes through', async (x) => {
    // Prepare
    const gh = new MemoryGitHub();
    x.seed?.(gh);
    const error = new Error('injected');
    gh.failNext(x.name, error);

    // Act
    const first = call(gh, x);
    await expect(first).rejects.toBe(error);
    const second = await call(gh, x);

    // Assess
    expect(second).toEqual(x.answer);
    expect(gh.calls).toEqual([x.text, x.text]);
    expect(gh.writes.length).toBeLessThanOrEqual(1);
  });

  it('keeps the state plugins rely on: labels case-insensitively, comments posted, writes only when they succeed', async () => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(`${full}#1`, ['LGTM']);

    // Act
    const afterAdd = await gh.addLabel(pr, 'lgtm');
    const afterRemove = await gh.removeLabel(pr, 'do-not-merge/hold'); // absent: GitHub's 404 is success, and says no labels
    await gh.createComment(pr, 'line one\nline two');
    const refused = gh.requestReviewers(pr, { reviewers: ['mallory'] }); // no such pull request: 404

    // Assess
    await expect(refused).rejects.toBeInstanceOf(GitHubError);
    expect(gh.labelsOf(`${full}#1`)).toEqual(['LGTM']);
    // Spelled as the repository's label, which the add created (GitHub answers label objects of the repository).
    expect(afterAdd).toEqual(['lgtm']);
    expect(afterRemove).toBeUndefined();
    expect(gh.comments).toEqual([{ ref: `${full}#1`, body: 'line one\nline two' }]);
    expect(gh.commentsOf(`${full}#1`)).toEqual([{ id: expect.any(Number), user: 'skiff-bot', body: 'line one\nline two' }]);
    expect(gh.writes).toEqual([`addLabel ${full}#1 lgtm`, `removeLabel ${full}#1 do-not-merge/hold`, `createComment ${full}#1 line one\nline two`]);
    expect(gh.calls.at(-1)).toBe(`requestReviewers ${full}#1 [mallory]`);
  });

  it('keeps the triage state: an update shows in getPullRequest, statuses per context, a deleted branch is gone', async () => {
    // Prepare
    const gh = new MemoryGitHub()
      .setMilestones(full, [{ number: 5, title: 'v1.5' }])
      .setPullRequest(`${full}#1`, { title: 'WIP: thing', head: { ref: 'thing', sha: 'h1' } });

    // Act
    await gh.updateIssue(pr, { title: 'thing', milestone: 5 });
    await gh.createStatus(repo, 'h1', { context: 'dco', state: 'failure', description: 'not signed off', targetUrl: '' });
    await gh.createStatus(repo, 'h1', { context: 'dco', state: 'success', description: 'signed off', targetUrl: '' });
    await gh.deleteBranch(repo, 'thing');
    await gh.deleteBranch(repo, 'thing'); // already gone: GitHub's 422, which is success
    const read = await gh.getPullRequest(pr);

    // Assess
    expect(read).toMatchObject({ title: 'thing', milestone: 'v1.5' });
    expect(gh.issueOf(`${full}#1`)).toMatchObject({ title: 'thing', milestone: 'v1.5', isPullRequest: true });
    expect(gh.statusesOf(full, 'h1')).toEqual([{ context: 'dco', state: 'success', description: 'signed off', targetUrl: '' }]);
    expect(gh.branchesOf(full)).toEqual(['main']);
    expect(gh.writes).toEqual([
      `updateIssue ${full}#1 {"title":"thing","milestone":5}`,
      `createStatus ${full}@h1 dco failure "not signed off"`,
      `createStatus ${full}@h1 dco success "signed off"`,
      `deleteBranch ${full} thing`,
      `deleteBranch ${full} thing`,
    ]);
    expect(gh.fake.writes()).toEqual(gh.writes.slice(0, 4));
  });

  it('a reviewer who is not a collaborator: GitHub’s 422, with its message, and no write', async () => {
    // Prepare
    const gh = new MemoryGitHub().setPullRequest(`${full}#1`).setRole(full, 'bob', 'write');

    // Act
    const refused = gh.requestReviewers(pr, { reviewers: ['bob', 'mallory'] });

    // Assess
    await expect(refused).rejects.toMatchObject({ name: 'GitHubError', status: 422, cause: { message: expect.stringContaining('Reviews may only be requested from collaborators') } });
    expect(gh.writes).toEqual([]);
    expect(gh.requestedOf(`${full}#1`)).toEqual({ reviewers: [], teams: [] });
  });

  it('an object derived with Object.create may override one method; the others still work', async () => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(`${full}#1`, ['bug']);
    const seen: string[] = [];
    const derived = Object.assign(Object.create(gh) as MemoryGitHub, {
      addLabel: async (...args: Parameters<GitHubClient['addLabel']>) => {
        seen.push(args[1]);
        return gh.addLabel(...args);
      },
    });

    // Act
    await derived.addLabel(pr, 'lgtm');
    const labels = await derived.getIssueLabels(pr);

    // Assess
    expect(seen).toEqual(['lgtm']);
    expect(labels).toEqual(['bug', 'lgtm']);
    expect(gh.calls).toEqual([`addLabel ${full}#1 lgtm`, `getIssueLabels ${full}#1`]);
  });

  it('never opens a socket: the fake behind it is in-process', () => {
    // Act
    const gh = new MemoryGitHub();

    // Assess
    expect(gh.fake.url).toBe('https://api.github.test');
  });
});

describe('branch protection', () => {
  it.each([
    { name: 'an unprotected branch is undefined (GitHub’s 404 "Branch not protected")', seed: undefined, answer: undefined },
    { name: 'a protection without required status checks has none', seed: null, answer: {} },
    { name: 'required contexts, as set', seed: ['a', 'b'], answer: { requiredStatusChecks: { contexts: ['a', 'b'] } } },
  ])('$name', async ({ seed, answer }) => {
    const gh = new MemoryGitHub();
    if (seed !== undefined) gh.setBranchProtection('acme/widgets', 'main', seed ?? undefined);

    expect(await gh.getBranchProtection({ owner: 'acme', repo: 'widgets' }, 'main')).toEqual(answer);
  });
});
