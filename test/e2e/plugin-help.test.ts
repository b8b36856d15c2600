// GET /api/plugin-help through local mode: once the plugins have served an event, the read API
// lists the plugins and commands enabled for a repository, from the config as it was loaded.
import { afterEach, describe, expect, it } from 'vitest';
import { prComment, repo, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /api/plugin-help', () => {
  it('lists what is enabled for the repository after the first event, and what Skiff does not run', async () => {
    // Prepare
    h = await startHarness({ config: `plugins:\n  Codertocat:\n    plugins: [hold, cat]\n  ${repo}:\n    plugins: [lgtm]\n` });
    const sent = await h.post('issue_comment', prComment('/hold', { number: 1 }));
    await h.settled(sent.delivery);

    // Act
    const response = await fetch(`${h.skiff.url}/api/plugin-help?repo=${repo}`);
    const body = (await response.json()) as { plugins: { name: string; commands: { usage: string }[] }[]; notImplemented: string[] };

    // Assess
    expect(response.status).toBe(200);
    expect(body.plugins.map((p) => p.name)).toEqual(['hold', 'lgtm']);
    expect(body.plugins[1]!.commands.map((c) => c.usage)).toEqual(['/lgtm [no-issue|cancel]', '/remove-lgtm']);
    expect(body.notImplemented).toEqual(['cat']);
  });
});
