// invalidcommitmsg through the whole pipeline: signed real payloads → local mode → the real
// Octokit → the fake GitHub. A pull request with a fixup! commit and a closing keyword gets the
// label and one comment; after a push that fixes both, the label and the comment are gone.
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

const label = 'do-not-merge/invalid-commit-message';
const number = 2; // the pull_request examples' number

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function pullRequest(action: string, labels: string[]) {
  const payload = structuredClone(samplePayload('pull_request', 'opened'));
  payload.action = action;
  payload.pull_request.labels = labels.map((name) => ({ id: 1, node_id: 'x', url: '', name, color: 'ededed', default: false, description: '' }));
  return payload;
}

describe('invalidcommitmsg end to end', () => {
  it('bad commits: the label and one comment naming them; fixed by a push: both gone', async () => {
    // Prepare
    h = await startHarness({ config: stringify({ plugins: { [repo]: { plugins: ['invalidcommitmsg'] } } }) });
    h.github.setPullRequest(repo, number, {});
    h.github.setCommits(repo, number, [{ sha: 'c'.repeat(40), message: 'fixup! tidy' }, { sha: 'd'.repeat(40), message: 'Fixes #1' }]);

    // Act 1
    const opened = await h.post('pull_request', pullRequest('opened', []));
    const trace = await h.settled(opened.delivery);

    // Assess 1
    expect(h.github.labelsOf(repo, number)).toEqual([label]);
    const [comment, ...more] = h.github.commentsOf(repo, number);
    expect(more).toEqual([]);
    expect(comment!.body).toContain('### Invalid commit messages');
    expect(comment!.body).toContain(`- [ddddddd](https://github.com/${repo}/commits/${'d'.repeat(40)}) Fixes #1`);
    expect(comment!.body).toContain(`- [ccccccc](https://github.com/${repo}/commits/${'c'.repeat(40)}) fixup! tidy`);
    expect(trace.plugins.invalidcommitmsg).toMatchObject({ status: 'ran', reason: '1 commit(s) with closing keywords, 1 fixup/amend/squash commit(s): commented' });

    // Act 2: a push squashes them into one good commit.
    h.github.setCommits(repo, number, [{ sha: 'e'.repeat(40), message: 'Tidy the widget' }]);
    const pushed = await h.post('pull_request', pullRequest('synchronize', [label]));
    await h.settled(pushed.delivery);

    // Assess 2
    expect(h.github.labelsOf(repo, number)).toEqual([]);
    expect(h.github.commentsOf(repo, number)).toEqual([]);
  });
});
