// lifecycle through the whole pipeline: signed real issue_comment payloads → local mode → the
// real Octokit → the fake GitHub server. /close and /close not-planned close the issue with
// GitHub's state reason and reply, /reopen reopens it, a stranger's /close on an active issue is
// refused in Prow's words, and /lifecycle swaps the labels. Prow's kubernetes config enables
// lifecycle with no section of its own (the plugin has no settings), so the config is the list.
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { closeRefusal } from '../../shared/plugins/lifecycle/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const config = `plugins:\n  ${repo}:\n    plugins: [lifecycle]\n`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A real comment on issue #1 (opened by Codertocat) by `login`, with the issue `state` in the payload. */
function issueComment(body: string, { login = 'Codertocat', state = 'open' }: { login?: string; state?: 'open' | 'closed' } = {}) {
  const payload = samplePayload('issue_comment', 'created');
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login };
  payload.issue.state = state;
  return payload;
}

describe('lifecycle through the pipeline', () => {
  it('/close not-planned by the author closes the issue as not planned, then /reopen reopens it', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setIssue(repo, 1, { state: 'open' });

    // Act
    const closed = await h.post('issue_comment', issueComment('/close not-planned'));
    const closeTrace = await h.settled(closed.delivery);
    const afterClose = h.github.issueOf(repo, 1);
    const reopened = await h.post('issue_comment', issueComment('/reopen', { state: 'closed' }));
    const reopenTrace = await h.settled(reopened.delivery);

    // Assess
    expect(afterClose).toMatchObject({ state: 'closed', stateReason: 'not_planned' });
    expect(h.github.issueOf(repo, 1)).toMatchObject({ state: 'open', stateReason: 'reopened' });
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatch(/^@Codertocat: Closing this issue, marking it as "Not Planned"\.\n/);
    expect(replies[1]).toMatch(/^@Codertocat: Reopened this issue\.\n/);
    expect(closeTrace.plugins.lifecycle).toMatchObject({ status: 'ran', reason: '/close not-planned by Codertocat: closed as not planned' });
    expect(reopenTrace.plugins.lifecycle).toMatchObject({ status: 'ran', reason: '/reopen by Codertocat: reopened' });
  });

  it("a stranger's /close on an active issue is refused once, in Prow's words; on a rotten one it closes", async () => {
    // Prepare: mallory has read access only, as anyone on a public repository.
    h = await startHarness({ config });
    h.github.setIssue(repo, 1, { state: 'open' });

    // Act
    const refused = await h.post('issue_comment', issueComment('/close', { login: 'mallory' }));
    const refusedTrace = await h.settled(refused.delivery);
    h.github.setLabels(repo, 1, ['lifecycle/rotten']);
    const closed = await h.post('issue_comment', issueComment('/close', { login: 'mallory' }));
    await h.settled(closed.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies[0]).toMatch(new RegExp(`^@mallory: ${closeRefusal.replace(/[.'/]/g, '\\$&')}\n\nAn active issue may be closed by its author \\(@Codertocat\\)`));
    expect(refusedTrace.plugins.lifecycle).toMatchObject({ status: 'refused', checks: [`collaborator mallory on ${repo}: no (role read)`] });
    expect(h.github.issueOf(repo, 1)).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(replies[1]).toMatch(/^@mallory: Closing this issue\.\n/);
  });

  it('/close on a pull request by a collaborator closes it; /lifecycle stale replaces lifecycle/active', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 1, { author: 'Codertocat' });
    h.github.setRole(repo, 'alice', 'write');
    h.github.setLabels(repo, 1, ['lifecycle/active']);

    // Act
    const payload = prComment('/lifecycle stale\n/close', { login: 'alice' });
    payload.issue.labels = [{ ...payload.issue.labels[0]!, name: 'lifecycle/active' }];
    const sent = await h.post('issue_comment', payload);
    const trace = await h.settled(sent.delivery);

    // Assess: the payload shows lifecycle/active, so no label read.
    expect(h.github.calls.filter((c) => c.text.startsWith('listLabels'))).toEqual([]);
    expect(h.github.writes()).toEqual([
      `updateIssue ${repo}#1 {"state":"closed"}`,
      expect.stringMatching(new RegExp(`^createComment ${repo}#1 @alice: Closed this PR\\.`)),
      `removeLabel ${repo}#1 lifecycle/active`,
      `addLabel ${repo}#1 lifecycle/stale`,
    ]);
    expect(h.github.issueOf(repo, 1).state).toBe('closed');
    expect(trace.plugins.lifecycle).toMatchObject({ status: 'ran' });
  });

  it("/lifecycle rotten on a payload from before stale was put on: the add's answer shows stale, which goes, with no read", async () => {
    // Prepare: the payload (as GitHub sent it with the comment) has no lifecycle label; stale came after.
    h = await startHarness({ config });
    h.github.setIssue(repo, 1, { state: 'open' });
    h.github.setLabels(repo, 1, ['lifecycle/stale']);
    const payload = issueComment('/lifecycle rotten', { login: 'mallory' });
    payload.issue.labels = [];

    // Act
    const sent = await h.post('issue_comment', payload);
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 1)).toEqual(['lifecycle/rotten']);
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 lifecycle/rotten`, `removeLabel ${repo}#1 lifecycle/stale`]);
    expect(h.github.calls.filter((c) => c.text.startsWith('listLabels'))).toEqual([]);
    expect(trace.plugins.lifecycle).toMatchObject({ status: 'ran', reason: '/lifecycle rotten: lifecycle/rotten added, lifecycle/stale removed' });
  });
});
