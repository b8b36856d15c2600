// The offline GitHub of local mode (shared/local/offline-github.ts) with real payloads: what it
// learns from events, what its own writes change, the one line it prints per write, and the
// clear errors for what it cannot know offline.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { githubMethodNames, type GitHubClient } from '../../shared/github/client.js';
import { OfflineGitHub } from '../../shared/local/offline-github.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const pr = { ...repo, number: 2 };

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

  it('knows no files: an empty tree, no file, and a blob read is an error', async () => {
    const { gh } = offline();
    expect(await gh.getTree(repo, 'main')).toMatchObject({ entries: [], truncated: false });
    expect(await gh.getFile(repo, 'OWNERS', 'main')).toBeUndefined();
    await expect(gh.getBlob(repo, 'abc')).rejects.toThrow(/offline/);
  });
});
