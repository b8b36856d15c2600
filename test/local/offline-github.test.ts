// The offline GitHub of local mode (shared/local/offline-github.ts) with real payloads: what it
// learns from events, what its own writes change, the one line it prints per write, and the
// clear errors for what it cannot know offline.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { githubMethodNames, type GitHubClient } from '../../shared/github/client.js';
import { OfflineGitHub } from '../../shared/local/offline-github.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const pr = { ...repo, number: 2 };
const issue = { ...repo, number: 1 };

function offline() {
  const printed: string[] = [];
  const offline = new OfflineGitHub((line) => void printed.push(line));
  // Seen as the port plugins see it (some methods take no arguments offline).
  const gh = offline as unknown as GitHubClient & Pick<OfflineGitHub, 'observe'>;
  return { gh, printed };
}

describe('OfflineGitHub', () => {
  it('answers every method of the port', () => {
    const { gh } = offline();
    for (const method of githubMethodNames) expect(typeof gh[method], method).toBe('function');
  });

  it('learns a pull request from its pull_request payload, with labels, author and SHAs', async () => {
    // Prepare
    const { gh } = offline();
    const payload = samplePayload('pull_request', 'opened');

    // Act
    gh.observe(payload);
    const read = await gh.getPullRequest(pr);

    // Assess
    expect(read).toMatchObject({ number: 2, user: { login: payload.pull_request.user.login }, head: { sha: payload.pull_request.head.sha }, base: { sha: payload.pull_request.base.sha } });
    expect(await gh.getIssueLabels(pr)).toEqual(payload.pull_request.labels.map((l: { name: string }) => l.name));
  });

  it('knows the repositories its payloads name, no others and no branches; transfers and pins are printed', async () => {
    // Prepare
    const { gh, printed } = offline();
    const payload = samplePayload('issue_comment', 'created');
    gh.observe(payload);

    // Act
    const known = await gh.getRepo(repo);
    const unknown = await gh.getRepo({ owner: 'Codertocat', repo: 'elsewhere' });
    await gh.pinIssue(issue, payload.issue.node_id);
    await gh.transferIssue(issue, payload.issue.node_id, known!);

    // Assess
    expect(known).toEqual({ ...repo, nodeId: payload.repository.node_id, defaultBranch: payload.repository.default_branch, private: false, archived: false });
    expect(unknown).toBeUndefined();
    await expect(gh.getBranchSha(repo, 'master')).rejects.toMatchObject({ status: 404 });
    expect(printed).toEqual([`dry-run: pinIssue ${repo.owner}/${repo.repo}#1`, `dry-run: transferIssue ${repo.owner}/${repo.repo}#1 to ${repo.owner}/${repo.repo}`]);
  });

  it.each([
    {
      name: "a pull_request payload: its base branch at the payload's base.sha",
      payloads: () => [samplePayload('pull_request', 'opened')],
      ref: 'heads/master',
      sha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    },
    {
      name: 'a later push to the branch moves it',
      payloads: () => [samplePayload('pull_request', 'opened'), { ...samplePayload('push'), ref: 'refs/heads/master', after: 'c0ffee'.padEnd(40, '0') }],
      ref: 'heads/master',
      sha: 'c0ffee'.padEnd(40, '0'),
    },
    { name: "a push's tag", payloads: () => [samplePayload('push')], ref: 'tags/simple-tag', sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
    { name: 'a deleted branch is known no more', payloads: () => [samplePayload('pull_request', 'opened'), { ...samplePayload('push'), ref: 'refs/heads/master', deleted: true, after: '0'.repeat(40) }], ref: 'heads/master', sha: undefined },
    { name: 'a branch no payload named', payloads: () => [samplePayload('pull_request', 'opened')], ref: 'heads/main', sha: undefined },
  ])("knows a ref's SHA from the payloads that said it: $name", async ({ payloads, ref, sha }) => {
    // Prepare
    const { gh } = offline();
    for (const payload of payloads()) gh.observe(payload);

    // Act
    const read = gh.getRef(repo, ref);
    const branch = ref.startsWith('heads/') ? gh.getBranchSha(repo, ref.slice('heads/'.length)) : undefined;

    // Assess
    if (sha === undefined) {
      await expect(read).rejects.toMatchObject({ status: 404, message: expect.stringContaining('offline') });
      await expect(branch).rejects.toMatchObject({ status: 404 });
    } else {
      expect(await read).toBe(sha);
      if (branch) expect(await branch).toBe(sha);
    }
  });

  it('a pull request never seen is an error that says it is offline', async () => {
    const { gh } = offline();
    await expect(gh.getPullRequest(pr)).rejects.toThrow(/offline, and no pull_request event for it has been seen/);
  });

  it('its own comments can be listed, edited and deleted; each write is one printed line', async () => {
    // Prepare
    const { gh, printed } = offline();

    // Act
    const id = await gh.createComment(pr, 'line one\nline two');
    await gh.editComment(repo, id, 'edited');
    const afterEdit = (await gh.listComments(pr)).map((c) => c.body);
    await gh.deleteComment(repo, id);

    // Assess
    expect(afterEdit).toEqual(['edited']);
    expect(await gh.listComments(pr)).toEqual([]);
    expect(printed).toEqual([
      'dry-run: createComment Codertocat/Hello-World#2 line one\\nline two',
      `dry-run: editComment Codertocat/Hello-World comment ${id} edited`,
      `dry-run: deleteComment Codertocat/Hello-World comment ${id}`,
    ]);
  });

  it('editing a comment it never saw is an error; deleting one is success, as on GitHub', async () => {
    const { gh } = offline();
    await expect(gh.editComment(repo, 999, 'x')).rejects.toThrow(/offline/);
    await expect(gh.deleteComment(repo, 999)).resolves.toBeUndefined();
  });

  it("the event's sender may write; anyone else reads, and nobody is in an org or team", async () => {
    // Prepare
    const { gh } = offline();
    const payload = samplePayload('issue_comment', 'created');
    gh.observe(payload);

    // Act / Assess
    expect(await gh.getRepoRole(repo, payload.sender.login)).toBe('write');
    expect(await gh.getRepoRole(repo, 'someone-else')).toBe('read');
    expect(await gh.isOrgMember(repo, payload.sender.login)).toBe(false);
    expect(await gh.listTeams(repo)).toEqual([]);
  });

  it('assignees and review requests follow its writes', async () => {
    // Prepare
    const { gh } = offline();
    gh.observe(samplePayload('pull_request', 'opened'));

    // Act
    const assigned = await gh.addAssignees(pr, ['alice', 'bob']);
    await gh.removeAssignees(pr, ['alice']);
    await gh.requestReviewers(pr, { reviewers: ['carol'] });

    // Assess
    expect(assigned).toEqual(expect.arrayContaining(['alice', 'bob']));
    const read = await gh.getPullRequest(pr);
    expect(read.assignees).toContain('bob');
    expect(read.assignees).not.toContain('alice');
    expect(read.requestedReviewers).toContain('carol');
  });

  it('learns an issue from its issues payload (with its milestone), and a pull request as an issue from its pull_request payload', async () => {
    // Prepare
    const { gh } = offline();
    const payload = samplePayload('issues', 'opened');
    gh.observe(payload);
    gh.observe(samplePayload('pull_request', 'opened'));

    // Act
    const read = await gh.getIssue(issue);
    const asIssue = await gh.getIssue(pr);

    // Assess
    expect(read).toEqual({
      number: 1,
      nodeId: payload.issue.node_id,
      title: payload.issue.title,
      body: payload.issue.body,
      state: 'open',
      stateReason: null,
      isPullRequest: false,
      user: { login: payload.issue.user.login, type: 'User' },
      labels: payload.issue.labels.map((l: { name: string }) => l.name),
      assignees: payload.issue.assignees.map((a: { login: string }) => a.login),
      milestone: 'v1.0',
      htmlUrl: payload.issue.html_url,
    });
    expect(asIssue).toMatchObject({ number: 2, isPullRequest: true, state: 'open' });
    expect(await gh.listMilestones(repo)).toEqual([{ number: 1, title: 'v1.0', state: 'closed' }]);
  });

  it('an issue never seen is an error that says it is offline', async () => {
    const { gh } = offline();
    await expect(gh.getIssue(issue)).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/offline, and no event for it has been seen/) });
  });

  it.each([
    { name: 'closed: GitHub says completed', update: { state: 'closed' as const }, after: { state: 'closed', stateReason: 'completed', milestone: 'v1.0' } },
    { name: 'closed as not planned', update: { state: 'closed' as const, stateReason: 'not_planned' as const }, after: { state: 'closed', stateReason: 'not_planned' } },
    { name: 'retitled', update: { title: 'Spelling' }, after: { title: 'Spelling', state: 'open' } },
    { name: 'milestone cleared', update: { milestone: null }, after: { milestone: undefined } },
    { name: 'milestone set (after clearing it) to one a payload showed', before: { milestone: null }, update: { milestone: 1 }, after: { milestone: 'v1.0' } },
  ])('updateIssue changes what getIssue answers, printed as one line, and a later payload does not undo it: $name', async ({ before, update, after }) => {
    // Prepare
    const { gh, printed } = offline();
    gh.observe(samplePayload('issues', 'opened'));
    if (before) await gh.updateIssue(issue, before);
    printed.length = 0;

    // Act
    await gh.updateIssue(issue, update);
    gh.observe(samplePayload('issues', 'opened'));

    // Assess
    expect(await gh.getIssue(issue)).toMatchObject(after);
    expect(printed).toEqual([`dry-run: updateIssue Codertocat/Hello-World#1 ${JSON.stringify(update)}`]);
  });

  it('updateIssue to a milestone no payload showed is refused, as GitHub refuses one the repository lacks', async () => {
    // Prepare
    const { gh, printed } = offline();
    gh.observe(samplePayload('issues', 'opened'));

    // Act
    const refused = gh.updateIssue(issue, { milestone: 7 });

    // Assess
    await expect(refused).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/milestone 7 was seen on no event/) });
    expect(printed).toEqual([]);
    expect((await gh.getIssue(issue)).milestone).toBe('v1.0');
  });

  it('a pull request closed and retitled through updateIssue: getPullRequest shows it, and it is no longer listed as open', async () => {
    // Prepare
    const { gh } = offline();
    const payload = samplePayload('pull_request', 'opened');
    gh.observe(payload);
    const base = payload.pull_request.base.ref as string;
    const before = (await gh.listPullRequests(repo, { base })).map((p) => p.number);
    const otherBase = await gh.listPullRequests(repo, { base: `not-${base}` });

    // Act
    await gh.updateIssue(pr, { state: 'closed', title: 'Closed offline' });

    // Assess
    expect(before).toEqual([2]);
    expect(otherBase).toEqual([]);
    expect(await gh.getPullRequest(pr)).toMatchObject({ state: 'closed', title: 'Closed offline', mergeable: null, mergeableState: 'unknown', milestone: undefined });
    expect(await gh.listPullRequests(repo, {})).toEqual([]);
  });

  it('statuses it set are listed, the latest per context; each is printed', async () => {
    // Prepare
    const { gh, printed } = offline();

    // Act
    await gh.createStatus(repo, 'ABC', { context: 'dco', state: 'failure', description: 'not signed off', targetUrl: '' });
    await gh.createStatus(repo, 'abc', { context: 'dco', state: 'success', description: 'signed off', targetUrl: '' });
    await gh.createStatus(repo, 'abc', { context: 'ci', state: 'pending', description: '', targetUrl: 'https://ci.example.com' });

    // Assess
    expect(await gh.listStatuses(repo, 'abc')).toEqual([
      { context: 'dco', state: 'success', description: 'signed off', targetUrl: '' },
      { context: 'ci', state: 'pending', description: '', targetUrl: 'https://ci.example.com' },
    ]);
    expect(await gh.listStatuses(repo, 'def')).toEqual([]);
    expect(printed).toEqual([
      'dry-run: createStatus Codertocat/Hello-World@ABC dco failure "not signed off"',
      'dry-run: createStatus Codertocat/Hello-World@abc dco success "signed off"',
      'dry-run: createStatus Codertocat/Hello-World@abc ci pending ""',
    ]);
  });

  it.each([
    { name: 'countIssues: nothing offline can search, so 0', act: (gh: GitHubClient) => gh.countIssues(repo, 'is:pr author:Codertocat'), answer: 0, line: undefined },
    { name: 'listPullRequestCommits: payloads carry no commits', act: (gh: GitHubClient) => gh.listPullRequestCommits(pr), answer: [], line: undefined },
    { name: 'listMilestones: none seen', act: (gh: GitHubClient) => gh.listMilestones({ owner: 'someone', repo: 'else' }), answer: [], line: undefined },
    { name: 'deleteBranch: success, printed', act: (gh: GitHubClient) => gh.deleteBranch(repo, 'patch-1'), answer: undefined, line: 'dry-run: deleteBranch Codertocat/Hello-World patch-1' },
  ])('$name', async ({ act, answer, line }) => {
    // Prepare
    const { gh, printed } = offline();
    gh.observe(samplePayload('pull_request', 'opened'));

    // Act
    const got = await act(gh);

    // Assess
    expect(got).toEqual(answer);
    expect(printed).toEqual(line ? [line] : []);
  });

  it('knows no files: an empty tree, no file, and a blob read is an error', async () => {
    const { gh } = offline();
    expect(await gh.getTree(repo, 'main')).toMatchObject({ entries: [], truncated: false });
    expect(await gh.getFile(repo, 'OWNERS', 'main')).toBeUndefined();
    await expect(gh.getBlob(repo, 'abc')).rejects.toThrow(/offline/);
  });
});
