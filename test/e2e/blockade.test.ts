// blockade through the whole pipeline, with kubernetes' own `blockades:` section (its
// kubernetes/kubernetes entries pointed at the harness repository): a signed real pull_request
// payload → local mode → the real Octokit → the fake GitHub server. A pull request touching
// examples/ gets the label and Prow's comment; a push that takes the file out removes both.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { blockedPathsBody, blockedPathsLabel } from '../../shared/plugins/blockade/index.js';
import { repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  blockades: { repos: string[] }[];
};

/** kubernetes' blockades, those of kubernetes/kubernetes pointed at the harness repository. */
const config = stringify({
  plugins: { [repo]: { plugins: ['blockade'] } },
  blockades: kubernetes.blockades.map((b) => ({ ...b, repos: b.repos.map((r) => (r === 'kubernetes/kubernetes' ? repo : r)) })),
});

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

describe('blockade through the pipeline, with the kubernetes blockades section', () => {
  it('blocks a pull request that changes examples/, and unblocks it when a push takes the file out', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 2, { author: 'Codertocat' });
    h.github.setChanges(repo, 2, [
      { filename: 'examples/guestbook/README.md', additions: 3, deletions: 0 },
      { filename: 'pkg/kubelet/kubelet.go', additions: 10, deletions: 2 },
    ]);

    // Act: opened.
    const opened = await h.post('pull_request', pullRequest('opened'));
    const openedTrace = await h.settled(opened.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 2)).toEqual([blockedPathsLabel]);
    const [comment] = h.github.commentsOf(repo, 2);
    expect(comment?.user).toBe('skiff-bot');
    expect(comment?.body).toContain(`@Codertocat: ${blockedPathsBody}`);
    expect(comment?.body).toContain('[examples/ has moved to https://github.com/kubernetes/examples/]\n- [examples/guestbook/README.md](https://github.com/Codertocat/Hello-World/blob/');
    expect(comment?.body).not.toContain('kubelet.go');
    expect(openedTrace.plugins.blockade).toMatchObject({ status: 'ran', reason: `${blockedPathsLabel} added, author told: blocked: examples/ has moved to https://github.com/kubernetes/examples/` });

    // Act: a push that leaves only the kubelet change.
    h.github.setChanges(repo, 2, [{ filename: 'pkg/kubelet/kubelet.go', additions: 10, deletions: 2 }]);
    h.github.resetCalls();
    const pushed = await h.post('pull_request', pullRequest('synchronize'));
    const pushedTrace = await h.settled(pushed.delivery);

    // Assess: the label and the comment are gone.
    expect(h.github.labelsOf(repo, 2)).toEqual([]);
    expect(h.github.commentsOf(repo, 2)).toEqual([]);
    expect(pushedTrace.plugins.blockade).toMatchObject({ status: 'ran', reason: `${blockedPathsLabel} removed, 1 comment(s) deleted: no protected file changed` });
  });
});
