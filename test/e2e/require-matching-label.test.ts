// require-matching-label through the whole pipeline: signed real payloads → local mode → the real
// Octokit → the fake GitHub, with kubernetes' own rules for kubernetes/kubernetes from its
// plugins.yaml, retargeted to the harness repository. A new issue gets needs-sig and
// needs-triage with their comments; a sig label takes needs-sig and its comment away.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

const [org, name] = repo.split('/') as [string, string];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** kubernetes' rules for kubernetes/kubernetes, naming the harness repository instead. */
function kubernetesRules() {
  const all = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  const rules = (all.require_matching_label as { org: string; repo?: string }[]).filter((r) => r.org === 'kubernetes' && r.repo === 'kubernetes');
  expect(rules.length).toBeGreaterThanOrEqual(4);
  return rules.map((r) => ({ ...r, org, repo: name }));
}

const label = (n: string) => ({ id: 1, node_id: 'x', url: '', name: n, color: 'ededed', default: false, description: '' });

describe('require-matching-label end to end', () => {
  it("kubernetes' rules: a new issue gets needs-sig and needs-triage with their comments; /sig's label takes needs-sig and its comment away", async () => {
    // Prepare
    h = await startHarness({ config: stringify({ plugins: { [repo]: { plugins: ['require-matching-label'] } }, require_matching_label: kubernetesRules() }) });
    const opened = samplePayload('issues', 'opened');
    const number = opened.issue.number as number;

    // Act 1: the issue is opened (long enough ago that the grace period is over).
    const first = await h.post('issues', opened);
    const trace = await h.settled(first.delivery);

    // Assess 1
    expect(h.github.labelsOf(repo, number).sort()).toEqual(['needs-sig', 'needs-triage']);
    const comments = h.github.commentsOf(repo, number);
    expect(comments.map((c) => c.body.split('\n')[0])).toEqual(['There are no sig labels on this issue. Please add an appropriate label by using one of the following commands:', 'This issue is currently awaiting triage.']);
    expect(comments.every((c) => c.user === 'skiff-bot' && c.body.includes('<details>'))).toBe(true);
    expect(trace.plugins['require-matching-label']).toMatchObject({ status: 'ran', reason: 'added needs-sig with its comment; added needs-triage with its comment' });

    // Act 2: someone adds sig/node (the labeled event carries the labels).
    h.github.setLabels(repo, number, ['needs-sig', 'needs-triage', 'sig/node']);
    const labeled = structuredClone(opened);
    labeled.action = 'labeled';
    labeled.label = label('sig/node');
    labeled.issue.labels = ['needs-sig', 'needs-triage', 'sig/node'].map(label);
    const second = await h.post('issues', labeled);
    await h.settled(second.delivery);

    // Assess 2
    expect(h.github.labelsOf(repo, number).sort()).toEqual(['needs-triage', 'sig/node']);
    expect(h.github.commentsOf(repo, number).map((c) => c.body.split('\n')[0])).toEqual(['This issue is currently awaiting triage.']);
  });

  it('a label event no rule cares about costs no call', async () => {
    // Prepare
    h = await startHarness({ config: stringify({ plugins: { [repo]: { plugins: ['require-matching-label'] } }, require_matching_label: kubernetesRules() }) });
    const labeled = samplePayload('issues', 'labeled');
    labeled.label = label('lifecycle/stale');

    // Act
    const { delivery } = await h.post('issues', labeled);
    const trace = await h.settled(delivery);

    // Assess
    expect(trace.plugins['require-matching-label']).toMatchObject({ status: 'skipped', reason: 'no rule for this issue cares about the label lifecycle/stale' });
    expect(h.github.writes()).toEqual([]);
  });
});
