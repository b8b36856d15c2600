// The fake GitHub's secondary limits (secondary-limits.ts), over real HTTP: beyond a limit it
// answers as GitHub does — 403, "You have exceeded a secondary rate limit", `retry-after` in
// seconds — per credential, creating nothing, and it reports refusals, peak concurrency and the
// content-creating writes of each window.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from './github-server.js';
import { scaledSecondaryLimits } from './secondary-limits.js';

let github: FakeGitHub | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
});

const send = (method: string, path: string, token = 'one', body?: unknown) =>
  fetch(`${github!.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const addLabel = (n: number, token?: string) => send('POST', `/repos/acme/widgets/issues/${n}/labels`, token, { labels: ['x'] });

describe('secondary limits', () => {
  it('the content limit: the request past it is refused as GitHub refuses it, and creates nothing', async () => {
    github = await FakeGitHub.start();
    github.enforceSecondaryLimits(scaledSecondaryLimits(60_000, { contentPerMinute: 2 }));
    expect((await addLabel(1)).status).toBe(200);
    expect((await addLabel(2)).status).toBe(200);
    const refused = await addLabel(3);
    expect(refused.status).toBe(403);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { message: string }).message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(github.labelsOf('acme/widgets', 3)).toEqual([]);
    // Reads are not content; another credential has its own limits.
    expect((await send('GET', '/repos/acme/widgets/issues/1/labels')).status).toBe(200);
    expect((await addLabel(4, 'two')).status).toBe(200);
    expect(github.secondaryLimitReport()).toMatchObject({ refused: { 'content per minute': 1 }, refusedTotal: 1, contentPerWindow: [3], peakContentPerSlidingMinute: 2 });
  });

  it('the points limit: a write costs 5, a read 1', async () => {
    github = await FakeGitHub.start();
    github.enforceSecondaryLimits(scaledSecondaryLimits(60_000, { pointsPerMinute: 7 }));
    expect((await addLabel(1)).status).toBe(200);
    expect((await send('GET', '/repos/acme/widgets/issues/1/labels')).status).toBe(200);
    expect((await send('GET', '/repos/acme/widgets/issues/1/labels')).status).toBe(200);
    expect((await send('GET', '/repos/acme/widgets/issues/1/labels')).status).toBe(403);
    expect(github.secondaryLimitReport()?.refused).toEqual({ 'points per minute': 1 });
  });

  it('concurrency: requests past the limit in flight at once are refused, and the peak is recorded', async () => {
    github = await FakeGitHub.start();
    github.enforceSecondaryLimits(scaledSecondaryLimits(60_000, { concurrent: 2 }), { latencyMs: 1_000 });
    const statuses = (await Promise.all([1, 2, 3].map(() => send('GET', '/repos/acme/widgets/issues/1/labels')))).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 200, 403]);
    expect(github.secondaryLimitReport()).toMatchObject({ peakConcurrency: 3, refused: { 'concurrent requests': 1 } });
  });

  it('not asked for: no limits', async () => {
    github = await FakeGitHub.start();
    for (let i = 0; i < 100; i++) expect((await addLabel(i)).status).toBe(200);
    expect(github.secondaryLimitReport()).toBeUndefined();
  });
});
