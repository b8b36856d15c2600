// Local mode without GitHub credentials works offline: events are served by the in-process
// GitHub of shared/local/offline-github.ts, seeded from the payloads, and every write is printed
// and traced as `dry-run: …`. Before, reads went to GITHUB_API_URL anonymously: offline, a pull
// request event failed ("HTTP 500") and was retried for minutes.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

// The config local mode uses when SKIFF_CONFIG is not set: a file, so no network for it either.
const defaultConfig = fileURLToPath(new URL('../../shared/local/default-config.yaml', import.meta.url));
const hold = 'do-not-merge/hold';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function offline(apiUrl?: string) {
  const printed: string[] = [];
  h = await startHarness({
    env: { GITHUB_TOKEN: '', SKIFF_CONFIG: defaultConfig, ...(apiUrl ? { GITHUB_API_URL: apiUrl } : {}) },
    skiff: { print: (line) => printed.push(line) },
  });
  return { h, printed };
}

describe('offline without credentials', () => {
  it('/hold then /hold cancel on the sample pull request: nothing reaches GitHub, the writes are printed and traced, and read back', async () => {
    // Prepare: GITHUB_API_URL is the fake GitHub, which records any request that reaches it.
    const { h, printed } = await offline();
    // Act
    const held = await h.post('issue_comment', prComment('/hold'));
    const heldTrace = await h.settled(held.delivery);
    const labelsWhileHeld = await h.skiff.offlineGitHub.getIssueLabels({ owner: 'Codertocat', repo: 'Hello-World', number: 1 });
    const cancelled = await h.post('issue_comment', prComment('/hold cancel'));
    const cancelTrace = await h.settled(cancelled.delivery);
    // Assess
    expect(h.skiff.offline).toBe(true);
    expect(h.github.calls).toEqual([]);
    expect(heldTrace.plugins.hold).toMatchObject({ status: 'ran', writes: [`dry-run: addLabel ${repo}#1 ${hold}`] });
    expect(cancelTrace.plugins.hold).toMatchObject({ status: 'ran', writes: [`dry-run: removeLabel ${repo}#1 ${hold}`] });
    expect(printed).toEqual([`dry-run: addLabel ${repo}#1 ${hold}`, `dry-run: removeLabel ${repo}#1 ${hold}`]);
    // The sample issue's own label comes from the payload; the hold from the write.
    expect(labelsWhileHeld).toEqual(['bug', hold]);
    expect(await h.skiff.offlineGitHub.getIssueLabels({ owner: 'Codertocat', repo: 'Hello-World', number: 1 })).toEqual(['bug']);
  });

  it.each([
    { name: 'the fake GitHub, which must see no request', apiUrl: undefined },
    // Port 9 (discard) on loopback: nothing listens there, so any request would fail at once.
    { name: 'a closed port', apiUrl: 'http://127.0.0.1:9' },
  ])('a pull request opened is sized from the payload’s totals, with GITHUB_API_URL at $name', async ({ apiUrl }) => {
    // Prepare: the sample pull request adds one line and deletes one.
    const { h, printed } = await offline(apiUrl);
    const payload = samplePayload('pull_request', 'opened');
    // Act
    const { delivery } = await h.post('pull_request', payload);
    const trace = await h.settled(delivery);
    // Assess
    expect(trace.attempts).toBe(1);
    expect(trace.plugins.size).toMatchObject({ status: 'ran', reason: '2 lines changed → size/XS', writes: [`dry-run: addLabel ${repo}#2 size/XS`] });
    expect(printed).toEqual([`dry-run: addLabel ${repo}#2 size/XS`]);
    expect(h.github.calls).toEqual([]);
  });
});
