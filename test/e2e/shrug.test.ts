// shrug through the whole pipeline: signed real issue_comment payloads → local mode → the real
// Octokit → the fake GitHub server. Enabled as kubernetes enables it (no section: the plugin has
// no settings). The label's backslash and slash travel through the label URLs unharmed.
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { shrugLabel } from '../../shared/plugins/shrug/index.js';
import { repo, startHarness, type Harness } from './harness.js';

const config = `plugins:\n  ${repo}:\n    plugins: [shrug]\n`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function issueComment(body: string) {
  const payload = samplePayload('issue_comment', 'created');
  payload.comment.body = body;
  return payload;
}

describe('shrug through the pipeline', () => {
  it('/shrug adds ¯\\_(ツ)_/¯, /unshrug shrugs back and removes it', async () => {
    // Prepare
    h = await startHarness({ config });

    // Act
    const shrugged = await h.post('issue_comment', issueComment('/shrug'));
    const shrugTrace = await h.settled(shrugged.delivery);
    const afterShrug = h.github.labelsOf(repo, 1);
    const unshrugged = await h.post('issue_comment', issueComment('/unshrug'));
    const unshrugTrace = await h.settled(unshrugged.delivery);

    // Assess
    expect(afterShrug).toEqual([shrugLabel]);
    expect(h.github.labelsOf(repo, 1)).toEqual([]);
    expect(h.github.comments(repo, 1)[0]).toMatch(/^@Codertocat: ¯\\\\\\_\(ツ\)\\_\/¯\n/);
    expect(shrugTrace.plugins.shrug).toMatchObject({ status: 'ran', reason: `/shrug: ${shrugLabel} added` });
    expect(unshrugTrace.plugins.shrug).toMatchObject({ status: 'ran', reason: `/unshrug: ${shrugLabel} removed` });
  });
});
