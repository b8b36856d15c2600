// Ack latency of a valid delivery while unauthenticated 6 MB bodies flood the webhook. The
// signature is checked over the raw bytes before anything is parsed, and the secret is chosen
// by a linear scan, so a body that fails verification should cost a hash and a scan, not a
// JSON parse. Measured with Prow's hierarchical HMAC file, the case where the scan runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runChild } from './child-process.js';
import type { FloodPlan, FloodResult } from './flood-generator.js';
import { startBenchStack } from './local-stack.js';
import type { MetricReport } from './metric.js';
import { benchRepo } from './payloads.js';
import { ms, summarize } from './stats.js';

const floodSenders = 8;
const floodBodyBytes = 6_000_000;
const count = 100;
const warmup = 20;
const validBodyBytes = 8_000;
const targetRatio = 2;
const repoSecret = 'bench-repo-secret';

export async function measureSignatureFlood(): Promise<MetricReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-flood-'));
  const hmacFile = path.join(dir, 'hmac.yaml');
  writeFileSync(hmacFile, `'*':\n  - value: bench-global-secret\n${benchRepo}:\n  - value: ${repoSecret}\n`);
  const stack = await startBenchStack({ env: { SKIFF_HMAC_FILE: hmacFile } });
  let result: FloodResult;
  try {
    // The webhook alone: the worker would otherwise process the valid events meanwhile.
    await stack.skiff.poller.stop();
    const plan: FloodPlan = { url: stack.skiff.url, secret: repoSecret, floodSenders, floodBodyBytes, count, warmup, validBodyBytes, deliveryPrefix: 'flood' };
    result = await runChild<FloodPlan, FloodResult>(new URL('./flood-generator.ts', import.meta.url), plan, 120_000);
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const unloaded = summarize(result.unloaded);
  const flooded = summarize(result.flooded);
  const ratio = flooded.p50 / unloaded.p50;
  const floodCount = Object.values(result.floodStatuses).reduce((a, b) => a + b, 0);
  const statuses = Object.entries(result.floodStatuses).map(([s, n]) => `${s === '0' ? 'no response' : s}×${n}`).join(', ');
  const findings: string[] = [];
  if (result.failures.length) findings.push(`${result.failures.length} valid deliveries were not answered 200: ${result.failures.slice(0, 3).join(' | ')}`);
  if (Object.keys(result.floodStatuses).some((s) => s !== '403')) findings.push(`Flood requests were answered other than 403: ${statuses}`);
  if (ratio > targetRatio) findings.push(`Under the flood a valid ack's p50 is ${ratio.toFixed(2)}× its unloaded p50 (target ≤ ${targetRatio}×).`);
  return {
    title: 'Webhook ack under a bad-signature flood',
    rows: [
      {
        metric: `Valid ack p50 under ${floodSenders} × ${(floodBodyBytes / 1e6).toFixed(0)} MB bad-signature senders ÷ unloaded p50`,
        value: `${ratio.toFixed(2)}× (${ms(flooded.p50)} vs ${ms(unloaded.p50)})`,
        target: `≤ ${targetRatio}×`,
        pass: ratio <= targetRatio && result.failures.length === 0,
      },
      { metric: 'Valid ack p99 / max under the flood (unloaded p99)', value: `${ms(flooded.p99)} / ${ms(flooded.max)} (${ms(unloaded.p99)})` },
      { metric: 'Flood bodies answered (all 403 expected)', value: `${floodCount} (${statuses}), ${(result.floodBytesSent / 1e9).toFixed(2)} GB` },
    ],
    how: [
      `Local mode with the worker paused and Prow's hierarchical HMAC file (a global and a repository secret), so the secret is chosen by scanning each body (bench/signature-flood.ts, load from bench/flood-generator.ts in its own process).`,
      `${count} valid ~${(validBodyBytes / 1000).toFixed(0)} kB issue_comment deliveries (after ${warmup} discarded), one at a time, first alone, then while ${floodSenders} keep-alive connections each post, back to back, a ${(floodBodyBytes / 1e6).toFixed(0)} MB body of nested arrays (\`{"x":[[[…]]]}\`) with a wrong X-Hub-Signature-256. Compared at p50, the same statistic for both phases.`,
    ],
    findings,
    details: [`unloaded: p50 ${ms(unloaded.p50)}, p99 ${ms(unloaded.p99)}, max ${ms(unloaded.max)}; flooded: p50 ${ms(flooded.p50)}, p90 ${ms(flooded.p90)}, p99 ${ms(flooded.p99)}, max ${ms(flooded.max)}`],
  };
}

// Run alone: `npx tsx bench/signature-flood.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureSignatureFlood();
  console.log(JSON.stringify(report, null, 2));
  process.exit(0);
}
