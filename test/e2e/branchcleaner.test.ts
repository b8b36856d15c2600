// branchcleaner through the whole pipeline, with kubernetes' own `branch_cleaner:` section (its
// kubernetes-sigs/cloud-provider-azure entry pointed at the harness repository): the head branch
// of a merged pull request is deleted; a preserved one (release-1.1) and a fork's are not.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  branch_cleaner: { preserved_branches: Record<string, string[]> };
};

const config = stringify({
  plugins: { [repo]: { plugins: ['branchcleaner'] } },
  branch_cleaner: { preserved_branches: { [repo]: kubernetes.branch_cleaner.preserved_branches['kubernetes-sigs/cloud-provider-azure'] } },
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The pull_request closed example (#2), merged, from `branch` of `headRepo`. */
function merged(branch: string, headRepo = repo) {
  const payload = samplePayload('pull_request', 'closed');
  payload.pull_request.merged = true;
  payload.pull_request.head.ref = branch;
  payload.pull_request.head.repo = { ...payload.pull_request.head.repo, full_name: headRepo };
  return payload;
}

describe('branchcleaner through the pipeline, with the kubernetes branch_cleaner section', () => {
  it("deletes a merged pull request's branch, but not a preserved one nor a fork's", async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setBranches(repo, ['master', 'changes', 'release-1.1', 'patch-1']);

    // Act
    const deleted = await h.post('pull_request', merged('changes'));
    const deletedTrace = await h.settled(deleted.delivery);
    const preserved = await h.post('pull_request', merged('release-1.1'));
    const preservedTrace = await h.settled(preserved.delivery);
    const fork = await h.post('pull_request', merged('patch-1', 'someone/Hello-World'));
    const forkTrace = await h.settled(fork.delivery);

    // Assess
    expect(h.github.writes()).toEqual([expect.stringMatching(/changes$/)]);
    expect(h.github.branchesOf(repo).sort()).toEqual(['master', 'patch-1', 'release-1.1']);
    expect(deletedTrace.plugins.branchcleaner).toMatchObject({ status: 'ran', reason: 'deleted changes, merged in #2' });
    expect(preservedTrace.plugins.branchcleaner).toMatchObject({ status: 'skipped', reason: `release-1.1 is preserved (${repo}: release-1.1)` });
    expect(forkTrace.plugins.branchcleaner).toMatchObject({ status: 'skipped', reason: `the head branch is in someone/Hello-World, not ${repo}` });
  });
});
