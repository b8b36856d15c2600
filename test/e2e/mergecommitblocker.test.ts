// mergecommitblocker through the whole pipeline, enabled by name as kubernetes enables it (it has
// no section): a pull request whose branch merged master gets the label and Prow's comment, from
// its commits as GitHub lists them (no clone); a push that rebases takes both off.
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { mergeCommitsBody, mergeCommitsLabel } from '../../shared/plugins/mergecommitblocker/index.js';
import { repo, startHarness, type Harness } from './harness.js';

const config = stringify({ plugins: { [repo]: { plugins: ['mergecommitblocker'] } } });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function pullRequest(action: string) {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.labels = [];
  return payload;
}

describe('mergecommitblocker through the pipeline', () => {
  it('labels a pull request with a merge commit, and unlabels it after a rebase', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 2, {});
    h.github.setCommits(repo, 2, [
      { sha: '1'.repeat(40), message: 'my change' },
      { sha: '2'.repeat(40), message: "Merge branch 'master' into changes", parents: ['1'.repeat(40), '3'.repeat(40)] },
    ]);

    // Act: opened.
    const opened = await h.post('pull_request', pullRequest('opened'));
    const openedTrace = await h.settled(opened.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 2)).toEqual([mergeCommitsLabel]);
    expect(h.github.commentsOf(repo, 2).map((c) => c.body.startsWith(mergeCommitsBody))).toEqual([true]);
    expect(openedTrace.plugins.mergecommitblocker).toMatchObject({ status: 'ran', reason: `${mergeCommitsLabel} added, with the comment: merge commit(s) 2222222` });

    // Act: rebased and pushed.
    h.github.setCommits(repo, 2, [{ sha: '4'.repeat(40), message: 'my change', parents: ['3'.repeat(40)] }]);
    const pushed = await h.post('pull_request', pullRequest('synchronize'));
    const pushedTrace = await h.settled(pushed.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 2)).toEqual([]);
    expect(h.github.commentsOf(repo, 2)).toEqual([]);
    expect(pushedTrace.plugins.mergecommitblocker).toMatchObject({ status: 'ran', reason: `${mergeCommitsLabel} removed, 1 comment(s) deleted: no merge commit in 1 commit(s)` });
  });
});
