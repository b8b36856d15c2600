// release-note through the whole pipeline: signed real payloads → local mode → the real Octokit →
// the fake GitHub server. Kubernetes enables release-note without a `release_note:` section, so
// Prow's default guidelines apply, as here. A pull request opened without a note gets the
// do-not-merge label and one comment (across a redelivery); its author's /release-note-none swaps
// the label; an edit that writes a note labels it release-note and deletes the bot's comment.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { defaultGuidelinesUrl } from '../../shared/plugins/release-note/config.js';
import { releaseNoteBody, releaseNoteLabel, releaseNoteLabelNeeded, releaseNoteNoneLabel } from '../../shared/plugins/release-note/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const number = 2; // the pull_request examples' number
const author = 'Codertocat'; // and their author

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Kubernetes' plugins.yaml: repositories that enable release-note, and its (absent) section. */
function kubernetes() {
  const all = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  const enabling = Object.entries(all.plugins as Record<string, { plugins?: string[] }>).filter(([, v]) => v.plugins?.includes('release-note'));
  return { enabling: enabling.map(([name]) => name), section: all.release_note as unknown };
}

function pullRequest(action: string, body: string, labels: string[] = []) {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.body = body;
  payload.pull_request.base.ref = 'master';
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));
  if (action === 'edited') payload.changes = { body: { from: '' } };
  return payload;
}

describe('release-note end to end', () => {
  it("kubernetes' setup: asked for a note once, /release-note-none by the author, then a note in the body", async () => {
    // Prepare: as kubernetes/cloud-provider-aws and the others enable it, with no release_note section.
    const k8s = kubernetes();
    expect(k8s.enabling).toContain('kubernetes/cloud-provider-aws');
    expect(k8s.section).toBeUndefined();
    h = await startHarness({ config: stringify({ plugins: { [repo]: { plugins: ['release-note'] } } }) });
    h.github.setPullRequest(repo, number, { author, body: 'Fixes a typo.', base: { ref: 'master' } });

    // Act: opened without a note, delivered twice.
    const opened = pullRequest('opened', 'Fixes a typo.');
    const first = await h.post('pull_request', opened);
    const firstTrace = await h.settled(first.delivery);
    const again = await h.post('pull_request', opened, first.delivery);
    await h.settled(again.delivery);

    // Assess
    expect(h.github.labelsOf(repo, number)).toEqual([releaseNoteLabelNeeded]);
    const asked = h.github.commentsOf(repo, number);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.body).toMatch(new RegExp(`^${releaseNoteBody(defaultGuidelinesUrl).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n\n<details>`));
    expect(firstTrace.plugins['release-note']).toMatchObject({ status: 'ran', reason: `${releaseNoteLabelNeeded}: ${releaseNoteLabelNeeded} added; asked for a release-note block` });

    // Act: the author says no note is needed.
    h.github.resetCalls();
    const none = await h.post('issue_comment', prComment('/release-note-none', { number, login: author }));
    const noneTrace = await h.settled(none.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#${number} ${releaseNoteNoneLabel}`, `removeLabel ${repo}#${number} ${releaseNoteLabelNeeded}`]);
    expect(noneTrace.plugins['release-note']).toMatchObject({ status: 'ran' });

    // Act: then writes a note after all.
    h.github.resetCalls();
    const body = 'Fixes a typo.\n\n```release-note\nThe --verbose flag is spelt correctly in its help.\n```';
    h.github.setPullRequest(repo, number, { body });
    const edited = await h.post('pull_request', pullRequest('edited', body, [releaseNoteNoneLabel]));
    await h.settled(edited.delivery);

    // Assess
    expect(h.github.labelsOf(repo, number)).toEqual([releaseNoteLabel]);
    expect(h.github.commentsOf(repo, number)).toEqual([]);
    expect(h.github.writes()).toEqual([
      `addLabel ${repo}#${number} ${releaseNoteLabel}`,
      `removeLabel ${repo}#${number} ${releaseNoteNoneLabel}`,
      `deleteComment ${repo} ${asked[0]!.id}`,
    ]);
  });

  it("a rando's /release-note-none is refused in Prow's words, saying who can", async () => {
    // Prepare
    h = await startHarness({ config: stringify({ plugins: { [repo]: { plugins: ['release-note'] } } }) });
    h.github.setPullRequest(repo, number, { author });
    h.github.setLabels(repo, number, [releaseNoteLabelNeeded]);

    // Act
    const { delivery } = await h.post('issue_comment', prComment('/release-note-none', { number, login: 'rando' }));
    const trace = await h.settled(delivery);

    // Assess
    const [reply] = h.github.commentsOf(repo, number);
    expect(reply!.body).toMatch(
      /^@rando: you can only set the release note label to release-note-none if you are the PR author or an org member\. @Codertocat \(the author\) or a member of the Codertocat organization can; @rando is neither\.\n/,
    );
    expect(h.github.labelsOf(repo, number)).toEqual([releaseNoteLabelNeeded]);
    expect(trace.plugins['release-note']).toMatchObject({ status: 'refused', checks: ['member rando of Codertocat: no'] });
  });
});
