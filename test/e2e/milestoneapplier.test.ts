// milestoneapplier through the whole pipeline: signed real pull_request payloads → local mode →
// the real Octokit → the fake GitHub server, with kubernetes' own `milestone_applier:` section,
// its kubernetes/kubernetes entry retargeted at the harness repository. A merge into master gets
// v1.37; a pull request opened against release-1.36 gets v1.36 at once; one opened against master
// waits for its merge.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  milestone_applier: Record<string, unknown>;
};

const config = stringify({
  plugins: { [repo]: { plugins: ['milestoneapplier'] } },
  milestone_applier: { ...kubernetes.milestone_applier, [repo]: kubernetes.milestone_applier['kubernetes/kubernetes'] },
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The pull_request example (#2, default branch master) with `action`, its base branch, and whether it merged. */
function pullRequest(action: string, base: string, merged = false) {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.base.ref = base;
  payload.pull_request.merged = merged;
  payload.pull_request.state = action === 'closed' ? 'closed' : 'open';
  payload.pull_request.milestone = null;
  return payload;
}

async function seeded(base: string): Promise<Harness> {
  const harness = await startHarness({ config });
  harness.github.setMilestones(repo, [
    { number: 36, title: 'v1.36' },
    { number: 37, title: 'v1.37' },
  ]);
  harness.github.setPullRequest(repo, 2, { base: { ref: base } });
  return harness;
}

describe('milestoneapplier through the pipeline, with the kubernetes milestone_applier section', () => {
  it('a pull request opened against master waits; its merge gets v1.37', async () => {
    // Prepare
    h = await seeded('master');

    // Act
    const opened = await h.post('pull_request', pullRequest('opened', 'master'));
    const openedTrace = await h.settled(opened.delivery);
    const merged = await h.post('pull_request', pullRequest('closed', 'master', true));
    const mergedTrace = await h.settled(merged.delivery);

    // Assess
    expect(openedTrace.plugins.milestoneapplier).toMatchObject({ status: 'skipped' });
    expect(mergedTrace.plugins.milestoneapplier).toMatchObject({ status: 'ran' });
    expect(h.github.writes()).toEqual([`updateIssue ${repo}#2 {"milestone":37}`]);
    expect(h.github.issueOf(repo, 2).milestone).toBe('v1.37');
  });

  it('a pull request opened against a release branch gets its milestone at once', async () => {
    // Prepare
    h = await seeded('release-1.36');

    // Act
    const opened = await h.post('pull_request', pullRequest('opened', 'release-1.36'));
    await h.settled(opened.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`updateIssue ${repo}#2 {"milestone":36}`]);
    expect(h.github.issueOf(repo, 2).milestone).toBe('v1.36');
  });
});
