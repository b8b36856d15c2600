// Exactly once per write, through the whole pipeline: a plugin that posts a comment and then
// writes a label, where the label write fails past Octokit's own retries (a 502 four times), is
// retried by the queue — and ends with one comment and the label, not two comments. The
// delivery's trace shows the comment as done on the earlier attempt.
import { afterEach, describe, expect, it } from 'vitest';
import { faults } from '../fakes/github-server.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const base = 'cccccccccccccccccccccccccccccccccccccccc';
const number = 7;
const ref = `${repo}#${number}`;
// plugin-retry makes 3 retries after the first try: 4 failures fail the attempt.
const failuresPastOctokit = 4;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(config: string): Promise<Harness> {
  const started = await startHarness({ config });
  const gh = started.github;
  gh.setFile(repo, base, 'OWNERS', 'approvers:\n- alice\n');
  gh.setRole(repo, 'alice', 'write');
  gh.setRole(repo, 'bob', 'write');
  gh.setPullRequest(repo, number, { author: 'Codertocat', base: { sha: base }, head: { sha: 'dddddddddddddddddddddddddddddddddddddddd' } });
  gh.setChanges(repo, number, [{ filename: 'README.md', additions: 1, deletions: 0 }]);
  gh.setAssignees(repo, number, ['bob']);
  return started;
}

describe('a 502 between a comment and a label write', () => {
  it('approve: the retry adds the label and the notification is posted once', async () => {
    // Prepare
    h = await harness(`plugins:\n  ${repo}: [approve]\napprove:\n- repos: [${repo}]\n  require_self_approval: true\n`);
    h.github.failNext({ method: 'POST', path: new RegExp(`/issues/${number}/labels$`) }, faults.serverError(502), failuresPastOctokit);
    // approve reads the conversation from GitHub, where the comment the webhook tells of is.
    h.github.addComment(repo, number, { user: 'alice', body: '/approve' });

    // Act
    const sent = await h.post('issue_comment', prComment('/approve', { login: 'alice', number }));
    const trace = await h.settled(sent.delivery, 'processed', (t) => t.attempts >= 2);

    // Assess
    const posted = h.github.writes().filter((w) => w.startsWith(`createComment ${ref}`));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('[APPROVALNOTIFIER] This PR is **APPROVED**');
    expect(h.github.labelsOf(repo, number)).toContain('approved');
    // The retry finds its notification already there (approve reads the conversation), so it writes the label only.
    expect(trace.plugins.approve).toMatchObject({ status: 'ran', attempt: 2, writes: [`addLabel ${ref} approved`] });
  });

  it('lgtm with store_tree_hash: the label is written once and the tree-hash comment posted once', async () => {
    // Prepare: lgtm writes the label last, so the 502 is on its comment's successor — the label.
    h = await harness(`plugins:\n  ${repo}: [lgtm]\nlgtm:\n- repos: [${repo}]\n  store_tree_hash: true\n`);
    h.github.setFile(repo, 'dddddddddddddddddddddddddddddddddddddddd', 'README.md', 'hello\n');
    h.github.failNext({ method: 'POST', path: new RegExp(`/issues/${number}/labels$`) }, faults.serverError(502), failuresPastOctokit);

    // Act
    const sent = await h.post('issue_comment', prComment('/lgtm', { login: 'bob', number }));
    const trace = await h.settled(sent.delivery, 'processed', (t) => t.attempts >= 2);

    // Assess
    const posted = h.github.writes().filter((w) => w.startsWith(`createComment ${ref}`));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('LGTM label has been added.');
    expect(h.github.labelsOf(repo, number)).toEqual(['lgtm']);
    // Nothing on GitHub says the comment was posted for this delivery: the journal does.
    expect(trace.plugins.lgtm).toMatchObject({ status: 'ran', attempt: 2 });
    // bob is not among the payload's assignees, so he was assigned too, also once.
    expect(trace.plugins.lgtm!.writes).toEqual([`addAssignees ${ref} [bob] (done on an earlier attempt)`, `${posted[0]} (done on an earlier attempt)`, `addLabel ${ref} lgtm`]);
    expect(h.github.writes().filter((w) => w.startsWith('addAssignees'))).toHaveLength(1);
  });
});
