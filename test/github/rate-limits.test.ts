// GitHub's rate-limit headers per credential and their EMF metrics, through Powertools' real
// Metrics writing to a captured stdout.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { publishRateLimits, RateLimitReadings, type RateLimitReading } from '../../shared/github/rate-limits.js';

const headers = (remaining: number, reset = 1_900_000_000, resource = 'core', limit = 5000) => ({
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
  'x-ratelimit-resource': resource,
});

describe('RateLimitReadings', () => {
  it.each([
    { name: 'the lowest remaining within one window, whatever order answers came in', seen: [headers(4000), headers(3990), headers(3995)], remaining: 3990 },
    { name: 'a newer window over an older one, though more remains in it', seen: [headers(10), headers(4999, 1_900_003_600)], remaining: 4999 },
    { name: 'an older window’s late answer is ignored', seen: [headers(4999, 1_900_003_600), headers(10)], remaining: 4999 },
  ])('keeps $name', ({ seen, remaining }) => {
    const readings = new RateLimitReadings();
    for (const h of seen) readings.observe('installation:1', h);
    expect(readings.take().map((r) => r.remaining)).toEqual([remaining]);
  });

  it('keeps credentials and resources apart, and forgets what it handed over', () => {
    const readings = new RateLimitReadings();
    readings.observe('installation:1', headers(100));
    readings.observe('installation:2', headers(200));
    readings.observe('installation:1', headers(20, 1_900_000_000, 'search', 30));
    expect(readings.take()).toEqual([
      { credential: 'installation:1', resource: 'core', limit: 5000, remaining: 100, reset: 1_900_000_000 },
      { credential: 'installation:2', resource: 'core', limit: 5000, remaining: 200, reset: 1_900_000_000 },
      { credential: 'installation:1', resource: 'search', limit: 30, remaining: 20, reset: 1_900_000_000 },
    ]);
    expect(readings.take()).toEqual([]);
  });

  it.each([
    { name: 'no headers', h: undefined },
    { name: 'no rate-limit headers (GitHub Enterprise with limits off)', h: { etag: 'x' } },
    { name: 'a limit of 0', h: headers(0, 1, 'core', 0) },
    { name: 'no number', h: { 'x-ratelimit-limit': 'many', 'x-ratelimit-remaining': '1' } },
  ])('ignores an answer with $name', ({ h }) => {
    const readings = new RateLimitReadings();
    readings.observe('token:abc', h);
    expect(readings.take()).toEqual([]);
  });

  it('takes an answer without a resource header as core', () => {
    const readings = new RateLimitReadings();
    readings.observe('token:abc', { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '5' });
    expect(readings.take()).toMatchObject([{ resource: 'core', remaining: 5 }]);
  });
});

describe('publishRateLimits', () => {
  afterEach(() => vi.restoreAllMocks());

  function published(readings: RateLimitReading[]): Record<string, unknown>[] {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    publishRateLimits(readings, new Metrics({ namespace: 'Skiff', serviceName: 'skiff' }));
    vi.restoreAllMocks();
    return lines.flatMap((l) => l.split('\n')).filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('one document per credential and resource, and the lowest primary share without the search quota', () => {
    // Prepare
    const readings: RateLimitReading[] = [
      { credential: 'installation:1', resource: 'core', limit: 5000, remaining: 1000, reset: 1_900_000_000 },
      { credential: 'installation:2', resource: 'graphql', limit: 5000, remaining: 250, reset: 1_900_000_000 },
      { credential: 'installation:1', resource: 'search', limit: 30, remaining: 0, reset: 1_900_000_000 },
    ];
    // Act
    const docs = published(readings);
    // Assess
    expect(docs).toHaveLength(4);
    expect(docs[0]).toMatchObject({
      service: 'skiff',
      Credential: 'installation:1',
      Resource: 'core',
      GitHubRateLimitRemaining: 1000,
      GitHubRateLimitRemainingPercent: 20,
      rateLimit: '5000',
      rateLimitReset: '2030-03-17T17:46:40.000Z',
      _aws: { CloudWatchMetrics: [{ Namespace: 'Skiff', Dimensions: [['service', 'Credential', 'Resource']] }] },
    });
    expect(docs[2]).toMatchObject({ Resource: 'search', GitHubRateLimitRemainingPercent: 0 });
    expect(docs[3]).toMatchObject({ GitHubQuotaLowestRemainingPercent: 5, _aws: { CloudWatchMetrics: [{ Dimensions: [['service']] }] } });
    expect(docs[3]).not.toHaveProperty('Credential');
  });

  it('publishes nothing without readings, and no lowest share with only the search quota', () => {
    expect(published([])).toEqual([]);
    const docs = published([{ credential: 'token:abc', resource: 'search', limit: 30, remaining: 1, reset: 0 }]);
    expect(docs.map((d) => 'GitHubQuotaLowestRemainingPercent' in d)).toEqual([false]);
  });
});
