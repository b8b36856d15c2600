// issue-management through the whole pipeline: signed real issue_comment payloads
// (@octokit/webhooks-examples) → local mode → the real Octokit → the fake GitHub server, REST and
// GraphQL. An org member moves an issue to another repository of the organization (GraphQL
// transferIssue with the node ids GitHub's REST answers gave); a top-level OWNERS approver pins
// one; a member links issues on a pull request's Fixes line; a transfer GitHub refuses fails in
// the trace, terminally, with no reply.
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const config = `plugins:\n  ${repo}:\n    plugins: [issue-management]\n`;
const org = 'Codertocat';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A comment on the example's issue #1 (an issue, not a pull request). */
function issueComment(body: string, login: string) {
  const payload = samplePayload('issue_comment', 'created');
  payload.comment.body = body;
  payload.comment.user.login = login;
  return payload;
}

async function seeded(): Promise<Harness> {
  const harness = await startHarness({ config });
  harness.github.setOrgMembers(org, ['alice']);
  harness.github.setIssue(repo, 1, { title: 'Spelling mistake in the docs' });
  harness.github.setFile(repo, 'main', 'OWNERS', 'approvers:\n- carol\n');
  harness.github.setRole(repo, 'carol', 'maintain');
  return harness;
}

describe('issue-management through the pipeline', () => {
  it('an org member transfers an issue: REST for the destination and the issue, GraphQL for the move', async () => {
    // Prepare
    h = await seeded();
    h.github.setIssue(`${org}/docs`, 7);

    // Act
    const sent = await h.post('issue_comment', issueComment('This belongs with the docs.\n/transfer-issue docs', 'alice'));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`transferIssue ${repo}#1 to ${org}/docs`]);
    expect(h.github.transferredTo(repo, 1)).toBe(`${org}/docs#8`);
    expect(h.github.issueOf(`${org}/docs`, 8).title).toBe('Spelling mistake in the docs');
    expect(trace.plugins['issue-management']).toMatchObject({
      status: 'ran',
      reason: `/transfer-issue by alice: ${repo}#1 moved to ${org}/docs (https://github.com/${org}/docs/issues/8)`,
      writes: [`transferIssue ${repo}#1 to ${org}/docs`],
      checks: [`member alice of ${org}: yes`],
    });
    const graphql = h.github.calls.filter((c) => c.path === '/graphql').map((c) => c.text);
    expect(graphql).toEqual([expect.stringMatching(/^graphql transferIssue \{"issueId":"I_[\w-]+","repositoryId":"R_[\w-]+"\} → 200$/)]);
  });

  it('an approver in the top-level OWNERS pins the issue, and the reply says so', async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', issueComment('/pin-issue', 'carol'));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.pinnedOf(repo)).toEqual([1]);
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@carol: Issue #1 has been pinned to the repository\.\n\n<details>\n\nIn response to \[this\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/issues\/1#issuecomment-\d+\):\n\n>\/pin-issue\n/);
    expect(trace.plugins['issue-management']).toMatchObject({ status: 'ran', checks: [expect.stringMatching(/^top-level OWNERS approvers of Codertocat\/Hello-World@main \([0-9a-f]{12}\): carol is one$/)] });
  });

  it('someone who is not a top-level approver is refused in Prow’s words, and nothing is pinned', async () => {
    h = await seeded();

    const sent = await h.post('issue_comment', issueComment('/pin-issue', 'alice'));
    const trace = await h.settled(sent.delivery);

    expect(h.github.pinnedOf(repo)).toEqual([]);
    expect(h.github.comments(repo, 1)[0]).toContain(
      '@alice: You are not authorized to pin or unpin issues on this repository. Only approvers from the top-level OWNERS file can use this command.',
    );
    expect(trace.plugins['issue-management']).toMatchObject({ status: 'refused' });
  });

  it('a member links issues on a pull request: the Fixes line is written, and the pull request among them is named', async () => {
    // Prepare
    h = await seeded();
    h.github.setPullRequest(repo, 2, { body: 'Fix the spelling.' });
    h.github.setPullRequest(repo, 3);

    // Act
    const sent = await h.post('issue_comment', prComment('/link-issue 1 3 Codertocat/docs#4', { login: 'alice', number: 2 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.issueOf(repo, 2).body).toBe('Fix the spelling.\n\nFixes #1 Codertocat/docs#4');
    const replies = h.github.comments(repo, 2);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      '@alice: Updated the `Fixes` line in the pull request body.\n\nHowever, there are one or more errors with issue references provided. Please cross check and retry.\n' +
        '* Skipped issue #3 of **Codertocat/Hello-World** as it is a ***pull request***.\n',
    );
    expect(trace.plugins['issue-management']).toMatchObject({ status: 'ran' });
  });

  it('a transfer GitHub refuses (a private issue into a public repository) fails in the trace, not retried, with no reply', async () => {
    // Prepare
    h = await seeded();
    h.github.setVisibility(repo, 'private');

    // Act
    const sent = await h.post('issue_comment', issueComment('/transfer docs', 'alice'));
    // A terminal failure is recorded and the delivery is done with: processed, not failed.
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(trace.plugins['issue-management']).toMatchObject({
      status: 'failed',
      retrying: false,
      error: expect.stringContaining(`failed to transfer ${repo}#1 to ${org}/docs: Request failed due to following response errors:\n - You can't transfer an issue from a private repository to a public repository.`),
    });
    expect(trace.status).toBe('processed');
    expect(h.github.writes()).toEqual([]);
    expect(h.github.transferredTo(repo, 1)).toBeUndefined();
  });
});
