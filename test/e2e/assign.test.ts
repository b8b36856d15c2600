// assign through the whole pipeline: signed real issue_comment payloads → local mode → the real
// Octokit → the fake GitHub server, which assigns only users with a role and refuses a whole
// review request (422) when one reviewer is not a collaborator. Assign has no plugins.yaml
// section of its own; it is enabled as kubernetes enables it, by name.
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { assignFailureMessage, reviewFailureMessage } from '../../shared/plugins/assign/index.js';
import { faults } from '../fakes/github-server.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const owner = repo.split('/')[0]!;
const config = `plugins:\n  ${repo}:\n    plugins: [assign]\n`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(): Promise<Harness> {
  const started = await startHarness({ config });
  started.github.setPullRequest(repo, 1, { author: 'Codertocat' });
  started.github.setRole(repo, 'alice', 'triage');
  started.github.setRole(repo, 'bob', 'write');
  return started;
}

describe('assign through the pipeline', () => {
  it('/assign and /cc with a non-collaborator: the others are taken, and Prow\'s replies name the rest', async () => {
    // Prepare
    h = await harness();

    // Act
    const sent = await h.post('issue_comment', prComment('/assign @alice @rando\n/cc @bob @rando', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.assigneesOf(repo, 1)).toEqual(['alice']);
    expect(h.github.requestedOf(repo, 1).reviewers).toEqual(['bob']);
    const writes = h.github.writes();
    expect(writes.filter((w) => !w.startsWith('createComment'))).toEqual([`addAssignees ${repo}#1 [alice, rando]`, `requestReviewers ${repo}#1 [bob]`]);
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain(`@alice: ${assignFailureMessage(owner, ['rando'])}\n\nWhy, as far as I can tell:\n- rando: not a collaborator of ${repo}`);
    expect(replies[1]).toContain(`@alice: ${reviewFailureMessage(owner, ['rando'])}\n\nWhy, as far as I can tell:\n- rando: not a collaborator of ${repo}`);
    expect(replies[0]).toContain('>/assign @alice @rando');
    expect(trace.plugins.assign).toMatchObject({
      status: 'ran',
      reason: 'assigned alice; GitHub would not assign rando (replied); requested reviews from bob; GitHub would not request reviews from rando (replied)',
    });
    expect(trace.plugins.assign!.checks).toContain(`collaborator rando on ${repo}: no (role read)`);
  });

  it('/assign on an issue assigns; /cc there does nothing', async () => {
    // Prepare: the real issue_comment payload, on an issue.
    h = await harness();
    const payload = samplePayload('issue_comment', 'created');
    payload.comment.body = '/cc @bob\n/assign';
    payload.comment.user.login = 'alice';
    const number = payload.issue.number as number;

    // Act
    const sent = await h.post('issue_comment', payload);
    await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addAssignees ${repo}#${number} [alice]`]);
  });

  it('a reply that fails past the client retries is retried by the queue, without assigning twice', async () => {
    // Prepare: the reply fails 4 times (every attempt of the first delivery), then goes through.
    h = await harness();
    h.github.failNext({ method: 'POST', path: /\/issues\/1\/comments$/ }, faults.serverError(502), 4);

    // Act
    const sent = await h.post('issue_comment', prComment('/assign @rando', { login: 'alice', number: 1 }));
    const failed = await h.settled(sent.delivery, 'failed');
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(failed.plugins.assign).toMatchObject({ status: 'failed', retrying: true });
    expect(trace.attempts).toBe(2);
    const writes = h.github.writes();
    expect(writes.filter((w) => w.startsWith('addAssignees'))).toEqual([`addAssignees ${repo}#1 [rando]`]);
    expect(h.github.comments(repo, 1)).toHaveLength(1);
    expect(trace.plugins.assign!.writes).toContain(`addAssignees ${repo}#1 [rando] (done on an earlier attempt)`);
  });
});
