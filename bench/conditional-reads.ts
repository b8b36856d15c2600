// Conditional reads: 1,000 label reads of unchanged issues through the worker's GitHub client
// (GitHubConnector → buildOctokit with its ETag cache) against the fake GitHub over loopback,
// which answers a matching If-None-Match with 304 and, as GitHub, does not count an authorized
// 304 against the primary rate limit. The same reads without the cache, on the same run, are the
// comparison: every one a full answer and a point of quota.
import { GitHubConnector } from '../shared/github/connector.js';
import { createLogger } from '../shared/log.js';
import { FakeGitHub } from '../test/fakes/github-server.js';
import type { MetricReport } from './metric.js';

const reads = 1_000;
const issues = 10;
const owner = 'bench';
const name = 'reads';
const target = 0.95;

interface Run {
  notModified: number;
  requests: number;
  /** Primary quota points used, from the `x-ratelimit-remaining` the fake reported. */
  quotaUsed: number;
  ms: number;
}

async function readLabels(fake: FakeGitHub, cached: boolean): Promise<Run> {
  const log = createLogger({ logLevel: 'SILENT' });
  const connector = new GitHubConnector({ kind: 'token', token: `bench-token-${cached ? 'cached' : 'plain'}` }, { baseUrl: fake.url, log, writeIntervalMs: 0, retryBaseMs: 1, ...(cached ? {} : { etagCache: false }) });
  const github = await connector.forEvent({ owner, repo: name });
  const remaining = async () => {
    const response = await fetch(`${fake.url}/rate_limit`, { headers: { authorization: 'token bench' } });
    return ((await response.json()) as { rate: { remaining: number } }).rate.remaining;
  };
  fake.resetCalls();
  const before = await remaining();
  const started = performance.now();
  for (let i = 0; i < reads; i++) {
    const labels = await github.getIssueLabels({ owner, repo: name, number: 1 + (i % issues) });
    if (labels.length !== 2) throw new Error(`issue ${1 + (i % issues)} has ${labels.length} labels, not 2`);
  }
  const ms = performance.now() - started;
  const after = await remaining();
  const labelReads = fake.calls.filter((c) => c.method === 'GET' && c.path.includes('/labels'));
  return { notModified: labelReads.filter((c) => c.status === 304).length, requests: labelReads.length, quotaUsed: before - after, ms };
}

export async function measureConditionalReads(): Promise<MetricReport> {
  const fake = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  try {
    for (let n = 1; n <= issues; n++) fake.setLabels(`${owner}/${name}`, n, ['lgtm', 'size/S']);
    const plain = await readLabels(fake, false);
    const cached = await readLabels(fake, true);
    const share = cached.notModified / reads;
    const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
    return {
      title: 'Conditional reads',
      rows: [
        { metric: `Repeated label reads answered 304 (${reads} reads of ${issues} unchanged issues)`, value: percent(share), target: `≥ ${percent(target)}`, pass: share >= target },
        { metric: 'Primary quota used by those reads, with the ETag cache', value: `${cached.quotaUsed} points` },
        { metric: 'Primary quota used by the same reads without it', value: `${plain.quotaUsed} points` },
      ],
      how: [
        `${reads} calls of \`getIssueLabels\` in turn over ${issues} issues whose labels never change, through the client the worker gets ` +
          '(`GitHubConnector.forEvent` with a token: the production Octokit with retries, throttling and the per-container ETag cache of ' +
          'shared/github/etag-cache.ts), against the fake GitHub on loopback. The fake gives each answer an ETag (a hash of its body), ' +
          'answers a matching If-None-Match with 304 and no body, and, as GitHub does for an authorized request, does not count a 304 ' +
          'against the primary rate limit; the quota used is the drop in its `GET /rate_limit` remaining. The same reads with the cache ' +
          'off (a connector with `etagCache: false`, what each container did before) are the comparison.',
      ],
      findings: share >= target ? [] : [`Only ${percent(share)} of repeated label reads were answered 304.`],
      details: [
        `with the cache: ${cached.requests} requests, ${cached.notModified} answered 304, ${cached.quotaUsed} quota points, ${cached.ms.toFixed(0)} ms in all`,
        `without it: ${plain.requests} requests, ${plain.notModified} answered 304, ${plain.quotaUsed} quota points, ${plain.ms.toFixed(0)} ms in all`,
      ],
    };
  } finally {
    await fake.close();
  }
}
