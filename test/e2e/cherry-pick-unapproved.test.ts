// cherry-pick-unapproved through the whole pipeline, with kubernetes' own
// `cherry_pick_unapproved:` section: a pull request opened into release-1.30 gets the label and
// kubernetes' comment; the bot's own `labeled` event that follows changes nothing; a
// release manager's cherry-pick-approved takes the label and the comment off.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { cpApprovedLabel, cpUnapprovedLabel } from '../../shared/plugins/cherry-pick-unapproved/index.js';
import { repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  cherry_pick_unapproved: { comment: string };
};

const config = stringify({ plugins: { [repo]: { plugins: ['cherry-pick-unapproved'] } }, cherry_pick_unapproved: kubernetes.cherry_pick_unapproved });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The pull_request example (#2) into release-1.30, with `labels` and the event's `label`. */
function pullRequest(action: string, labels: string[], label?: string) {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.base.ref = 'release-1.30';
  const named = (name: string, i: number) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null });
  payload.pull_request.labels = labels.map(named);
  if (label) payload.label = named(label, 99);
  return payload;
}

describe('cherry-pick-unapproved through the pipeline, with the kubernetes section', () => {
  it('labels a cherry-pick with kubernetes comment, and takes both off when it is approved', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 2, { base: { ref: 'release-1.30' } });

    // Act: opened.
    const opened = await h.post('pull_request', pullRequest('opened', []));
    await h.settled(opened.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 2)).toEqual([cpUnapprovedLabel]);
    const [said] = h.github.commentsOf(repo, 2);
    expect(said?.user).toBe('skiff-bot');
    expect(said?.body.startsWith(kubernetes.cherry_pick_unapproved.comment)).toBe(true);

    // Act: the bot's own labeled event.
    h.github.resetCalls();
    const own = await h.post('pull_request', pullRequest('labeled', [cpUnapprovedLabel], cpUnapprovedLabel));
    const ownTrace = await h.settled(own.delivery);

    // Assess: nothing to do, and nothing read.
    expect(h.github.calls.map((c) => c.text)).toEqual([]);
    expect(ownTrace.plugins['cherry-pick-unapproved']).toMatchObject({ status: 'ran', reason: `${cpUnapprovedLabel} already there` });

    // Act: a release manager approves it.
    h.github.setLabels(repo, 2, [cpUnapprovedLabel, cpApprovedLabel]);
    const approved = await h.post('pull_request', pullRequest('labeled', [cpUnapprovedLabel, cpApprovedLabel], cpApprovedLabel));
    const approvedTrace = await h.settled(approved.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 2)).toEqual([cpApprovedLabel]);
    expect(h.github.commentsOf(repo, 2)).toEqual([]);
    expect(approvedTrace.plugins['cherry-pick-unapproved']).toMatchObject({ status: 'ran', reason: `${cpApprovedLabel}: ${cpUnapprovedLabel} removed, 1 comment(s) deleted` });
  });
});
