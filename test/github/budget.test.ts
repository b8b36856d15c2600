// The shared GitHub budget: its buckets against GitHub's numbers, the request classifier, and
// both implementations (in-memory, and DynamoDB on dynalite) driven by greedy workers on a virtual
// clock while the fake GitHub's own secondary-limit checker (test/fakes/secondary-limits.ts) counts
// what GitHub would have refused. Then the Octokit gate: short waits slept and metered, long ones
// handed back as a retryable error with the wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIns, type StandIns } from '../../shared/local/stand-ins.js';
import {
  bucketsOf,
  budgetKindOf,
  credentialKey,
  githubLimits,
  MemoryBudget,
  type BudgetGrant,
  type BudgetKind,
  type BudgetLimits,
  type GitHubBudget,
} from '../../shared/github/budget.js';
import { BudgetWaitError, meteredBudget, throughBudget } from '../../shared/github/budget-gate.js';
import { BudgetSettings, githubSection } from '../../shared/github/budget-settings.js';
import { isRetryable, retryAfterSeconds } from '../../shared/github/errors.js';
import { buildOctokit } from '../../shared/github/octokit.js';
import { createLogger } from '../../shared/log.js';
import { DynamoBudget, budgetUsage } from '../../shared/storage/dynamo-budget.js';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { githubBudget } from '../../shared/runtime/dispatch-deps.js';
import { FakeGitHub } from '../fakes/github-server.js';
import { SecondaryLimiter, scaledSecondaryLimits } from '../fakes/secondary-limits.js';

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns?.close();
});

const t0 = Date.parse('2024-05-01T12:00:00.000Z');

describe('buckets', () => {
  const b = bucketsOf(githubLimits);
  it.each([
    { name: 'content per minute', bucket: b.contentMinute, limit: 80, atLeast: 72 },
    { name: 'points per minute', bucket: b.points, limit: 900, atLeast: 810 },
  ])('$name: rate + burst stays under the limit less the margin, the rate is at least 90% of it', ({ bucket, limit, atLeast }) => {
    expect(bucket!.rate + bucket!.burst).toBeLessThanOrEqual(Math.floor(limit * 0.95));
    expect(bucket!.rate).toBeGreaterThanOrEqual(atLeast);
  });

  it('content per hour: any hour stays under 500 less the margin, with a minute’s allowance as its burst', () => {
    expect(b.contentHour!.rate + b.contentHour!.burst).toBeLessThanOrEqual(475);
    expect(b.contentHour!.burst).toBe(b.contentMinute!.rate + b.contentMinute!.burst);
  });

  it.each([
    { name: 'off altogether', limits: { ...githubLimits, enabled: false }, expected: [] },
    { name: 'no hourly limit (0)', limits: { ...githubLimits, contentPerHour: 0 }, expected: ['contentMinute', 'points'] },
    { name: 'only points', limits: { ...githubLimits, contentPerHour: 0, contentPerMinute: 0 }, expected: ['points'] },
  ])('a limit of 0 is not kept: $name', ({ limits, expected }) => {
    expect(Object.keys(bucketsOf(limits)).sort()).toEqual(expected);
  });
});

describe('which budget a request draws from', () => {
  it.each([
    { method: 'GET', url: '/repos/{owner}/{repo}/issues/{issue_number}/labels', kind: 'read' },
    { method: 'HEAD', url: '/repos/{owner}/{repo}', kind: 'read' },
    { method: 'POST', url: '/graphql', kind: 'read' },
    { method: 'POST', url: '/repos/{owner}/{repo}/issues/{issue_number}/comments', kind: 'content-write' },
    { method: 'POST', url: '/repos/{owner}/{repo}/issues/{issue_number}/labels', kind: 'content-write' },
    { method: 'PATCH', url: '/repos/{owner}/{repo}/issues/{issue_number}', kind: 'content-write' },
    { method: 'PUT', url: '/repos/{owner}/{repo}/pulls/{pull_number}/merge', kind: 'content-write' },
    { method: 'post', url: '/repos/{owner}/{repo}/statuses/{sha}', kind: 'content-write' },
    { method: 'DELETE', url: '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', kind: 'write' },
    { method: 'POST', url: '/app/installations/{installation_id}/access_tokens', kind: 'write' },
  ])('$method $url → $kind', ({ method, url, kind }) => {
    expect(budgetKindOf(method, url)).toBe(kind);
  });
});

describe('credential keys', () => {
  it('a token is keyed by a SHA-256 prefix, never itself', () => {
    const key = credentialKey({ token: 'ghp_secretsecretsecret' });
    expect(key).toMatch(/^token:[0-9a-f]{16}$/);
    expect(key).not.toContain('secret');
    expect(credentialKey({ token: 'ghp_other' })).not.toBe(key);
  });
  it.each([
    { auth: { appId: '7', privateKey: 'k', installationId: 42 }, key: 'installation:42' },
    { auth: { appId: '7', privateKey: 'k' }, key: 'app:7' },
    { auth: undefined, key: 'anonymous' },
  ])('$key', ({ auth, key }) => {
    expect(credentialKey(auth)).toBe(key);
  });
});

// ---- the implementations under load ------------------------------------------------------------

interface Implementation {
  name: string;
  /** `workers` budgets sharing one state (one per worker process), on the virtual clock. */
  make(workers: number, limits: () => BudgetLimits, now: () => number): GitHubBudget[];
}

const implementations: Implementation[] = [
  {
    name: 'MemoryBudget',
    make: (workers, limits, now) => {
      const shared = new MemoryBudget(limits, now);
      return Array.from({ length: workers }, () => shared);
    },
  },
  {
    name: 'DynamoBudget',
    make: (workers, limits, now) => Array.from({ length: workers }, () => new DynamoBudget(standIns.clients.dynamodb, standIns.table, limits, { now })),
  },
];

describe.each(implementations)('$name', (impl) => {
  it('five greedy workers never break a secondary limit, and sustain at least 90% of the content limit', async () => {
    // Past the first minute's burst; the hourly limit is off here (the next test keeps it).
    const limits = { ...githubLimits, contentPerHour: 0 };
    const clock = { ms: t0 };
    const budgets = impl.make(5, () => limits, () => clock.ms);
    const run = await greedyWith(budgets, clock, `installation:${impl.name}-greedy`, 2, limits);
    expect(run.report.refusedTotal).toBe(0);
    expect(run.lastMinuteWrites).toBeGreaterThanOrEqual(72);
    expect(run.report.peakContentPerSlidingMinute).toBeLessThanOrEqual(80);
  }, 60_000);

  it('the hourly limit holds over a busy hour, and a burst of a minute’s allowance is still served', async () => {
    // A fifth of GitHub's numbers, so the hour is a hundred writes, not five hundred.
    const limits = { ...githubLimits, contentPerMinute: 20, contentPerHour: 100 };
    const clock = { ms: t0 };
    const budgets = impl.make(3, () => limits, () => clock.ms);
    const run = await greedyWith(budgets, clock, `installation:${impl.name}-hour`, 60, limits);
    expect(run.report.refusedTotal).toBe(0);
    expect(run.writes).toBeLessThanOrEqual(100);
    // At least 80% of the hour: its rate plus its burst.
    expect(run.writes).toBeGreaterThanOrEqual(80);
    // The first minute is served at the per-minute pace (19 after the margin), not the hour's.
    expect(run.report.contentPerWindow[0]).toBeGreaterThanOrEqual(18);
  }, 60_000);

  it('turned off, it grants everything at once', async () => {
    const [budget] = impl.make(1, () => ({ ...githubLimits, enabled: false }), () => t0);
    for (let i = 0; i < 200; i++) expect((await budget!.acquire(`installation:${impl.name}-off`, 'content-write')).granted).toBe(true);
  });
});

/**
 * Greedy workers on a virtual clock: each makes a read then a content-creating write per event, as
 * soon as its budget allows, for `minutes` minutes; every granted request goes through GitHub's checker.
 */
async function greedyWith(budgets: GitHubBudget[], clock: { ms: number }, credential: string, minutes: number, limits: BudgetLimits) {
  const checker = new SecondaryLimiter(scaledSecondaryLimits(limits.minuteMs, { contentPerHour: limits.contentPerHour, hourMs: limits.hourMs }), () => clock.ms);
  clock.ms = t0;
  const next = budgets.map((_, i) => ({ at: t0 + i, step: 0 }));
  const end = t0 + minutes * limits.minuteMs;
  let writes = 0;
  let lastMinuteWrites = 0;
  for (;;) {
    const worker = next.reduce((a, b) => (b.at < a.at ? b : a));
    if (worker.at >= end) break;
    clock.ms = worker.at;
    const i = next.indexOf(worker);
    const kind: BudgetKind = worker.step % 2 === 0 ? 'read' : 'content-write';
    const grant = await budgets[i]!.acquire(credential, kind);
    if (!grant.granted) {
      worker.at = clock.ms + grant.waitMs;
      continue;
    }
    const path = kind === 'read' ? '/repos/acme/widgets/issues/1/labels' : '/repos/acme/widgets/issues/1/comments';
    checker.started(credential);
    const admitted = checker.admit(credential, kind === 'read' ? 'GET' : 'POST', path);
    checker.finished(credential);
    grant.release();
    if (!admitted.ok) throw new Error(`GitHub would have refused ${kind} at +${clock.ms - t0} ms: ${admitted.limit}`);
    if (kind === 'content-write') {
      writes++;
      if (clock.ms >= end - limits.minuteMs) lastMinuteWrites++;
    }
    worker.step++;
    worker.at = clock.ms + 5;
  }
  return { writes, lastMinuteWrites, report: checker.report() };
}

describe('concurrency', () => {
  it('MemoryBudget: slots beyond the limit wait, and free again on release', async () => {
    const budget = new MemoryBudget(() => ({ ...githubLimits, concurrent: 3, safetyMargin: 0 }), () => t0);
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await budget.acquire('installation:c', 'read'));
    expect(held.every((g) => g.granted)).toBe(true);
    expect((await budget.acquire('installation:c', 'read')).granted).toBe(false);
    (held[0] as Extract<BudgetGrant, { granted: true }>).release();
    expect((await budget.acquire('installation:c', 'read')).granted).toBe(true);
  });

  it('DynamoBudget: workers lease blocks of slots; a block a dead worker held frees when its lease runs out', async () => {
    const clock = { ms: t0 };
    const limits = () => ({ ...githubLimits, concurrent: 4, safetyMargin: 0 });
    const options = { now: () => clock.ms, slotsPerBlock: 2, blockLeaseMs: 30_000 };
    const [a, b, c] = [0, 1, 2].map(() => new DynamoBudget(standIns.clients.dynamodb, standIns.table, limits, options));
    const credential = 'installation:blocks';
    const first = await a!.acquire(credential, 'read');
    const second = await a!.acquire(credential, 'read');
    expect([first.granted, second.granted]).toEqual([true, true]);
    // a's block holds two: a third request of a's waits for one of them.
    expect((await a!.acquire(credential, 'read')).granted).toBe(false);
    expect((await b!.acquire(credential, 'read')).granted).toBe(true);
    // Two blocks of two: c finds none free until a lease runs out.
    const refused = await c!.acquire(credential, 'read');
    expect(refused.granted).toBe(false);
    // a "dies" holding its block; 30 s later it is c's.
    clock.ms += 30_001;
    expect((await c!.acquire(credential, 'read')).granted).toBe(true);
  });
});

describe('DynamoBudget leases', () => {
  it('read points are taken in growing lots while they are used up; after a second, what is left is dropped', async () => {
    const clock = { ms: t0 };
    const budget = new DynamoBudget(standIns.clients.dynamodb, standIns.table, () => githubLimits, { now: () => clock.ms });
    const credential = 'installation:lots';
    const doc = DynamoDBDocumentClient.from(standIns.clients.dynamodb);
    const usage = async () => (await budgetUsage(doc, standIns.table, githubLimits, clock.ms)).find((u) => u.credential === credential)!;
    const read = async () => {
      const grant = await budget.acquire(credential, 'read');
      if (grant.granted) grant.release();
      return grant.granted;
    };
    // Lots of 2, 4, 8, 10 and 10 reads: five updates for thirty reads, 34 points taken.
    for (let i = 0; i < 30; i++) expect(await read()).toBe(true);
    expect((await usage()).granted.read).toBe(5);
    expect((await usage()).buckets.points?.used).toBe(34);
    // Four reads' points left; a second later they are not spent, and the next lot is half as large.
    clock.ms += 1_001;
    const before = (await usage()).buckets.points!.used;
    expect(await read()).toBe(true);
    expect((await usage()).granted.read).toBe(6);
    expect((await usage()).buckets.points!.used - before).toBe(5);
  });

  it('GET /api/budget’s view: each credential with its buckets, counts and leased slots', async () => {
    const clock = { ms: t0 };
    const budget = new DynamoBudget(standIns.clients.dynamodb, standIns.table, () => githubLimits, { now: () => clock.ms });
    for (let i = 0; i < 3; i++) await budget.acquire('installation:usage', 'content-write');
    const usage = (await budget.usage()).find((u) => u.credential === 'installation:usage');
    expect(usage).toMatchObject({
      credential: 'installation:usage',
      granted: { 'content-write': 3, write: 0, read: 0 },
      leasedSlots: 5,
      buckets: { contentMinute: { limit: 80, used: 3 }, contentHour: { limit: 500, used: 3 }, points: { limit: 900, used: 15 } },
    });
  });
});

// ---- the gate in front of Octokit --------------------------------------------------------------

/** A budget that answers from a script, for the gate's decisions. */
function scripted(answers: number[]): GitHubBudget & { released: number } {
  const state = {
    released: 0,
    async acquire(): Promise<BudgetGrant> {
      const wait = answers.shift() ?? 0;
      return wait ? { granted: false, waitMs: wait } : { granted: true, release: () => void state.released++ };
    },
    async usage() {
      return [];
    },
  };
  return state;
}

describe('throughBudget', () => {
  it('sleeps a short wait, sends, releases, and meters the wait for the plugin', async () => {
    const budget = scripted([30, 0]);
    const metered = await meteredBudget(() => throughBudget({ budget, maxWaitMs: 1_000 }, 'installation:1', { method: 'POST', url: '/x' }, async () => 'sent'));
    expect(metered).toMatchObject({ result: 'sent' });
    expect(metered.budgetWaitMs).toBeGreaterThanOrEqual(25);
    expect(budget.released).toBe(1);
  });

  it.each([
    { name: 'a wait longer than a worker waits', answers: [5_000], maxWaitMs: 3_000, endsAt: undefined, seconds: 5 },
    { name: 'a wait past the request’s deadline', answers: [1_500], maxWaitMs: 3_000, endsAt: Date.now() + 2_000, seconds: 2 },
  ])('hands the record back on $name: a retryable error with the wait', async ({ answers, maxWaitMs, endsAt, seconds }) => {
    const budget = scripted(answers);
    const sent: string[] = [];
    const error = await throughBudget({ budget, maxWaitMs }, 'installation:1', { method: 'POST', url: '/x', endsAt }, async () => void sent.push('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetWaitError);
    expect(isRetryable(error)).toBe(true);
    expect(retryAfterSeconds(error)).toBe(seconds);
    expect(sent).toEqual([]);
  });

  it("requests that find the budget spent wait in line: served in turn, none handed back; a request of another kind is not held behind them", async () => {
    // Prepare: writes get one token every 40 ms (as a spent GCRA bucket answers: the wait until
    // the next one, nothing reserved); reads always. A worker waits at most 100 ms for a grant.
    let next = Date.now();
    const asked: string[] = [];
    const budget: GitHubBudget = {
      async acquire(_credential, kind) {
        asked.push(kind);
        if (kind !== 'content-write') return { granted: true, release: () => {} };
        const now = Date.now();
        if (now < next) return { granted: false, waitMs: next - now };
        next = now + 40;
        return { granted: true, release: () => {} };
      },
      async usage() {
        return [];
      },
    };
    const gate = { budget, maxWaitMs: 100 };
    const sent: string[] = [];
    const write = (n: number) => throughBudget(gate, 'installation:1', { method: 'POST', url: `/w${n}` }, async () => void sent.push(`w${n}`));

    // Act: eight writes at once (eight pull requests' records side by side), then a read.
    const writes = Promise.allSettled(Array.from({ length: 8 }, (_, n) => write(n)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await throughBudget(gate, 'installation:1', { method: 'GET', url: '/r' }, async () => void sent.push('r'));
    const results = await writes;

    // Assess: all eight sent, each after the one before (asked on its turn, not all at once); the
    // read went ahead of the writes still in line. Without the line, all eight ask every 40 ms and
    // the later ones pass 100 ms of waiting and are handed back.
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('fulfilled'));
    expect(sent.filter((s) => s.startsWith('w'))).toHaveLength(8);
    expect(sent.indexOf('r')).toBeLessThan(sent.indexOf('w7'));
    expect(asked.filter((k) => k === 'content-write').length).toBeLessThanOrEqual(8 + 8 * 2);
  });

  it('through Octokit: the budget error reaches the caller as it is, and nothing was sent', async () => {
    const github = FakeGitHub.inProcess();
    const octokit = buildOctokit({ token: 't' }, {
      baseUrl: github.url,
      fetch: github.fetch,
      log: createLogger({ logLevel: 'SILENT' }),
      retryBaseMs: 1,
      budget: { budget: scripted([60_000]) },
    });
    const error = await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: 'acme', repo: 'widgets', issue_number: 1, body: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetWaitError);
    expect(retryAfterSeconds(error)).toBe(60);
    expect(github.calls).toEqual([]);
  });
});

describe('github.budget in the config', () => {
  it.each([
    { name: 'absent: GitHub’s numbers', raw: undefined, expected: { contentPerMinute: 80, enabled: true } },
    { name: 'Prow’s own keys beside it are kept', raw: { link_url: 'https://github.com' }, expected: { contentPerMinute: 80 } },
    { name: 'a GitHub Enterprise Server’s own limits', raw: { budget: { content_per_minute: 200, content_per_hour: 0 } }, expected: { contentPerMinute: 200, contentPerHour: 0, pointsPerMinute: 900 } },
    { name: 'turned off', raw: { budget: { enabled: false } }, expected: { enabled: false } },
  ])('$name', ({ raw, expected }) => {
    const settings = new BudgetSettings({ ...githubLimits, minuteMs: 1_000 });
    settings.use(githubSection.schema.parse(raw));
    expect(settings.limits()).toMatchObject({ ...expected, minuteMs: 1_000 });
  });

  it.each([
    { name: 'an unknown key', raw: { budget: { content_per_minut: 80 } } },
    { name: 'a negative limit', raw: { budget: { concurrent: -1 } } },
    { name: 'a margin of everything', raw: { budget: { safety_margin: 1 } } },
  ])('refuses $name', ({ raw }) => {
    expect(githubSection.schema.safeParse(raw).success).toBe(false);
  });
});


describe('SKIFF_GITHUB_BUDGET', () => {
  it.each([
    { value: undefined, kind: 'DynamoBudget' },
    { value: 'shared', kind: 'DynamoBudget' },
    { value: 'memory', kind: 'MemoryBudget' },
    { value: 'off', kind: 'none' },
  ])('$value → $kind', ({ value, kind }) => {
    const budget = githubBudget({ SKIFF_GITHUB_BUDGET: value }, standIns.clients.dynamodb, standIns.table, new BudgetSettings());
    expect(budget?.constructor.name ?? 'none').toBe(kind);
  });

  it('refuses anything else, naming the choices', () => {
    expect(() => githubBudget({ SKIFF_GITHUB_BUDGET: 'dynamo' }, standIns.clients.dynamodb, standIns.table, new BudgetSettings())).toThrow(
      'SKIFF_GITHUB_BUDGET must be shared, memory or off, got "dynamo"',
    );
  });
});
