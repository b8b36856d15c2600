// dco through the whole pipeline: signed real payloads → local mode → the real Octokit → the fake
// GitHub server, with a real `dco:` section (openshift's plugins.yaml: trusted_apps, as
// kubernetes' has no dco section) retargeted to the harness's repository. A new pull request with
// an unsigned commit gets `dco-signoff: no`, a failing `dco` status and one comment listing that
// commit only (the trusted app's unsigned commit passes), however often GitHub redelivers; once
// the commits are signed off, `/check-dco` turns it to `dco-signoff: yes`, success, and deletes
// the comment.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { dcoNoLabel, dcoYesLabel } from '../../shared/plugins/dco/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const number = 2; // the pull_request examples' number
const head = 'c0ffee0000000000000000000000000000000000';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** openshift's `dco:` section, its first entry (trusted_apps) naming the harness's repository. */
function openshiftDco() {
  const all = parse(readFileSync(new URL('../fixtures/prow-configs/openshift/02_config/_plugins.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  const entry = all.dco['stolostron/config-policy-controller'] as { trusted_apps: string[] };
  expect(entry.trusted_apps).toEqual(['red-hat-trusted-app-pipeline']);
  return { [repo]: entry };
}

const config = stringify({ plugins: { [repo]: { plugins: ['dco'] } }, dco: openshiftDco() });

function opened() {
  const payload = samplePayload('pull_request', 'opened');
  payload.pull_request.head.sha = head;
  payload.pull_request.labels = [];
  return payload;
}

describe('dco end to end', () => {
  it("openshift's section: an unsigned commit fails with one comment across a redelivery; /check-dco after signing passes and prunes it", async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, number, { head: { sha: head } });
    h.github.setCommits(repo, number, [
      { sha: 'a1'.padEnd(40, '0'), message: 'Add the feature\n\nSigned-off-by: Codertocat <octocat@github.com>', author: 'Codertocat' },
      { sha: 'b2'.padEnd(40, '0'), message: 'Fix a typo', author: 'Codertocat' },
      { sha: head, message: 'Bump the pipeline', author: 'red-hat-trusted-app-pipeline[bot]' },
    ]);

    // Act: GitHub delivers the same event twice.
    const first = await h.post('pull_request', opened());
    const firstTrace = await h.settled(first.delivery);
    const again = await h.post('pull_request', opened(), first.delivery);
    await h.settled(again.delivery);

    // Assess
    expect(h.github.labelsOf(repo, number)).toEqual([dcoNoLabel]);
    expect(h.github.statusesOf(repo, head)).toEqual([expect.objectContaining({ context: 'dco', state: 'failure', description: 'Commits in PR missing Signed-off-by' })]);
    const comments = h.github.commentsOf(repo, number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user).toBe('skiff-bot');
    expect(comments[0]!.body).toContain(`**The list of commits missing DCO signoff**:\n\n- [b200000](https://github.com/${repo}/commits/${'b2'.padEnd(40, '0')}) Fix a typo\n\n<details>`);
    expect(comments[0]!.body).toContain(`[contributing guide](https://github.com/${repo}/blob/master/CONTRIBUTING.md)`);
    expect(firstTrace.plugins.dco).toMatchObject({ status: 'ran', reason: `pull_request opened: 1 of 3 commits lack a sign-off (b200000)` });

    // Act: the commits are signed off (same head, for the test), and someone asks again.
    h.github.setCommits(repo, number, [
      { sha: 'a1'.padEnd(40, '0'), message: 'Add the feature\n\nSigned-off-by: Codertocat <octocat@github.com>', author: 'Codertocat' },
      { sha: head, message: 'Fix a typo\n\nSigned-off-by: Codertocat <octocat@github.com>', author: 'Codertocat' },
    ]);
    h.github.resetCalls();
    const asked = await h.post('issue_comment', prComment('/check-dco', { number, login: 'someone' }));
    const askedTrace = await h.settled(asked.delivery);

    // Assess
    expect(h.github.labelsOf(repo, number)).toEqual([dcoYesLabel]);
    expect(h.github.statusesOf(repo, head)).toEqual([expect.objectContaining({ context: 'dco', state: 'success', description: 'All commits have Signed-off-by' })]);
    expect(h.github.commentsOf(repo, number)).toEqual([]);
    expect(h.github.writes()).toEqual([
      `removeLabel ${repo}#${number} ${dcoNoLabel}`,
      `addLabel ${repo}#${number} ${dcoYesLabel}`,
      `createStatus ${repo}@${head} dco success "All commits have Signed-off-by"`,
      `deleteComment ${repo} ${comments[0]!.id}`,
    ]);
    expect(askedTrace.plugins.dco).toMatchObject({ status: 'ran', reason: '/check-dco: 2 commits, none lacking a sign-off from an untrusted author; 1 old DCO comment deleted' });
  });
});
