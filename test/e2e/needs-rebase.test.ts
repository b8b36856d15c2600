// needs-rebase through the whole pipeline: signed real payloads → local mode → the real Octokit →
// the fake GitHub server. GitHub still computing mergeability puts the record back on the queue
// (no sleeping worker) and the retry labels the pull request; a push to the base branch re-checks
// the pull requests into it; a comment on a pull request that merges again takes the label and
// the bot's comment away. kubernetes' plugins.yaml has no needs-rebase section (it is an external
// plugin there, listed under external_plugins): the built-in one is enabled under `plugins`.
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { mergeabilityRetrySeconds, needsRebaseComment } from '../../shared/plugins/needs-rebase/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const config = stringify({ plugins: { [repo]: { plugins: ['needs-rebase'] } } });
const comment = needsRebaseComment('Codertocat');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('needs-rebase through the pipeline', () => {
  it('mergeability not computed yet: the record comes back later, and the retry labels and comments once', async () => {
    // Prepare: the example pull request (#2) was just opened; GitHub has not computed mergeability.
    h = await startHarness({ config });
    const payload = samplePayload('pull_request', 'opened');
    h.github.setPullRequest(repo, 2, { author: 'Codertocat', head: { sha: payload.pull_request.head.sha }, mergeable: null });

    // Act: the first attempt finds `mergeable: null`; GitHub then finds a conflict.
    const sent = await h.post('pull_request', payload);
    const first = await h.settled(sent.delivery, 'failed', (t) => t.plugins['needs-rebase']?.status === 'failed');
    const writesAfterFirst = h.github.writes();
    h.github.setPullRequest(repo, 2, { mergeable: false });
    const trace = await h.settled(sent.delivery, 'processed', (t) => t.plugins['needs-rebase']?.status === 'ran');

    // Assess
    expect(first.plugins['needs-rebase']).toMatchObject({ retrying: true, retryAfterSeconds: mergeabilityRetrySeconds });
    expect(writesAfterFirst).toEqual([]);
    expect(h.github.writes()).toEqual([`addLabel ${repo}#2 needs-rebase`, `createComment ${repo}#2 ${comment}`]);
    expect(h.github.labelsOf(repo, 2)).toEqual(['needs-rebase']);
    expect(trace.plugins['needs-rebase']).toMatchObject({ status: 'ran', reason: 'not mergeable: needs-rebase added, author told' });
  }, 30_000);

  it('a push to the base branch labels the pull request that conflicts now and unlabels the one that merges again', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 3, { author: 'Codertocat', base: { ref: 'master' }, mergeable: false });
    h.github.setPullRequest(repo, 4, { author: 'Codertocat', base: { ref: 'master' }, mergeable: true });
    h.github.setLabels(repo, 4, ['needs-rebase']);
    const stale = h.github.addComment(repo, 4, { user: 'skiff-bot', body: comment });
    h.github.setPullRequest(repo, 5, { author: 'Codertocat', base: { ref: 'release-1.0' }, mergeable: false });
    const push = samplePayload('push');
    push.ref = 'refs/heads/master';
    push.deleted = false;

    // Act
    const sent = await h.post('push', push);
    const trace = await h.settled(sent.delivery);

    // Assess: newest first, as GitHub lists them; #5 is into another branch and is not looked at.
    expect(h.github.writes()).toEqual([
      `removeLabel ${repo}#4 needs-rebase`,
      `deleteComment ${repo} ${stale}`,
      `addLabel ${repo}#3 needs-rebase`,
      `createComment ${repo}#3 ${comment}`,
    ]);
    expect(h.github.labelsOf(repo, 5)).toEqual([]);
    expect(trace.plugins['needs-rebase']).toMatchObject({ status: 'ran', reason: '2 open into master: 1 labelled needs-rebase, 1 unlabelled, 0 unchanged' });
  });

  it("a comment on a pull request that merges again removes the label and the bot's comment, not a person's", async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 1, { author: 'Codertocat', mergeable: true });
    h.github.setLabels(repo, 1, ['needs-rebase', 'lgtm']);
    const stale = h.github.addComment(repo, 1, { user: 'skiff-bot', body: comment });
    h.github.addComment(repo, 1, { user: 'alice', body: '> PR needs rebase.\n\nRebased.' });

    // Act
    const sent = await h.post('issue_comment', prComment('Rebased, PTAL', { login: 'Codertocat', number: 1 }));
    await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`removeLabel ${repo}#1 needs-rebase`, `deleteComment ${repo} ${stale}`]);
    expect(h.github.labelsOf(repo, 1)).toEqual(['lgtm']);
    expect(h.github.comments(repo, 1)).toEqual(['> PR needs rebase.\n\nRebased.']);
  });
});
