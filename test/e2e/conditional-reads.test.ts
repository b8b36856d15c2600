// Conditional reads through the whole pipeline: signed issue_comment payloads → local mode → the
// real Octokit with its ETag cache → the fake GitHub, which answers If-None-Match with 304. Each
// delivery's trace says, per plugin, what it cost GitHub: reads, writes, 304s, cache hits.
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
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

describe('conditional reads through the pipeline', () => {
  it('a repeated /shrug reads the unchanged labels as a 304, and each trace counts the plugin’s calls', async () => {
    // Prepare
    h = await startHarness({ config });
    const usage = [];

    // Act: shrug, shrug again (the labels changed), again (unchanged), then unshrug (unchanged).
    for (const body of ['/shrug', '/shrug', '/shrug', '/unshrug']) {
      const { delivery } = await h.post('issue_comment', issueComment(body));
      usage.push((await h.settled(delivery)).plugins.shrug?.github);
    }

    // Assess
    expect(usage).toEqual([
      { reads: 1, writes: 1, notModified: 0, cached: 0 },
      { reads: 1, writes: 0, notModified: 0, cached: 0 },
      { reads: 1, writes: 0, notModified: 1, cached: 0 },
      { reads: 1, writes: 2, notModified: 1, cached: 0 },
    ]);
    const labelReads = h.github.calls.filter((c) => c.method === 'GET' && /\/issues\/1\/labels/.test(c.path)).map((c) => c.status);
    expect(labelReads).toEqual([200, 200, 304, 304]);
    expect(h.github.labelsOf(repo, 1)).toEqual([]);
  });
});
