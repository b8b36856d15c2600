// `npm run bench`: runs every benchmark in turn, prints the numbers and rewrites BENCHMARKS.md.
// A missed target is a result (the table says FAIL) and exits 0; only a benchmark that could
// not produce its numbers (it threw or timed out) makes the exit code non-zero.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../infra/bundle.js';
import { measureAckLatency } from './ack-latency.js';
import { buildBundles, reportBundleSizes, type Bundles } from './bundle-size.js';
import { measureExactlyOnce } from './exactly-once.js';
import { measureGithubCalls } from './github-calls.js';
import { measureGithubBudget } from './github-budget.js';
import { measureReviewCommands } from './review-commands.js';
import { measureTriageCommands } from './triage-commands.js';
import { describeMachine } from './machine.js';
import type { MetricReport } from './metric.js';
import { withTimeout } from './waiting.js';
import { measureModuleInit } from './module-init.js';
import { measurePipelineThroughput } from './pipeline-throughput.js';
import { measureSignatureFlood } from './signature-flood.js';
import { measureDurableAck } from './durable-ack.js';
import { measureConfigLoad } from './config-load.js';
import { measureConditionalReads } from './conditional-reads.js';
import { measureKillNine } from './kill-nine.js';
import { measureHorologium } from './horologium.js';
import { measureJobLatency } from './job-latency.js';
import { markdown, textTable } from './report.js';

// The AWS SDK warns once per process that Node 20 support ends in 2027 (vitest.config.ts turns
// the same warning off); Lambda runs node22, so it says nothing about what is measured here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Last resort: if a step ignores its own timeout, the run still ends. (The GitHub budget's
// benchmark alone takes about three minutes: 600 writes at GitHub's pace, scaled.)
const watchdogMs = 1_200_000;

const started = performance.now();
const machine = describeMachine();
const reports: MetricReport[] = [];
let broken = 0;

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${watchdogMs / 1000} s; giving up without writing BENCHMARKS.md`);
  process.exit(2);
}, watchdogMs);
watchdog.unref();

async function step(title: string, limitMs: number, run: () => Promise<MetricReport> | MetricReport): Promise<void> {
  console.log(`\n== ${title}`);
  const t = performance.now();
  let report: MetricReport;
  try {
    report = await withTimeout(title, limitMs, Promise.resolve().then(run));
  } catch (error) {
    broken++;
    const message = (error as Error)?.message ?? String(error);
    console.error((error as Error)?.stack ?? message);
    report = { title, rows: [{ metric: title, value: `ERROR: ${message.split('\n')[0]}`, target: 'a number', pass: false }], how: [], findings: [`The benchmark failed: ${message}`] };
  }
  reports.push(report);
  console.log(textTable(report.rows));
  for (const detail of report.details ?? []) console.log(`  ${detail}`);
  for (const finding of report.findings) console.log(`  ! ${finding}`);
  console.log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

console.log(`Skiff benchmarks — ${machine.cpu} × ${machine.cores}, ${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node}, load ${machine.loadAtStart.toFixed(2)}, ${machine.date}`);

let bundles: Bundles | undefined;
try {
  await step('Bundle size', 120_000, () => {
    bundles = buildBundles();
    return reportBundleSizes(bundles);
  });
  await step('Module init', 150_000, () => {
    if (!bundles) throw new Error('no bundles to import: bundling failed');
    return measureModuleInit(bundles.results);
  });
} finally {
  bundles?.remove();
}
await step('Config load', 120_000, measureConfigLoad);
await step('GitHub calls per /hold', 60_000, measureGithubCalls);
await step('Conditional reads', 150_000, measureConditionalReads);
await step('Review commands: GitHub calls and exactly-once', 180_000, measureReviewCommands);
await step('Triage commands: GitHub calls', 60_000, measureTriageCommands);
await step('Webhook ack latency', 150_000, measureAckLatency);
await step('Webhook ack under a bad-signature flood', 150_000, measureSignatureFlood);
await step('Durable local ack under 20 senders', 150_000, measureDurableAck);
await step('Pipeline throughput', 150_000, measurePipelineThroughput);
await step('Exactly-once under duplicates', 180_000, measureExactlyOnce);
await step('Acknowledged events across kill -9', 200_000, measureKillNine);
await step('One GitHub budget for all workers', 300_000, measureGithubBudget);
await step('Horologium tick cost', 240_000, measureHorologium);
await step('Job latency and GitHub calls per /test and /retest', 120_000, measureJobLatency);

const wallSeconds = (performance.now() - started) / 1000;
reports.push({
  title: 'Whole bench',
  rows: [{ metric: 'Wall time of the whole bench', value: `${wallSeconds.toFixed(1)} s` }],
  how: ['From the start of bench/run.ts to the last benchmark closing its servers, bundling and child processes included.'],
  findings: [],
});

const rows = reports.flatMap((r) => r.rows);
console.log('\n== Summary');
console.log(textTable(rows));
const file = path.join(repoRoot, 'BENCHMARKS.md');
writeFileSync(file, markdown(machine, reports, wallSeconds, os.loadavg()[0] ?? Number.NaN));
console.log(`\nWrote ${path.relative(process.cwd(), file) || file}. ${rows.filter((r) => r.pass === false).length} target(s) missed; ${broken} benchmark(s) broken.`);
// Servers are closed by each step; exit explicitly so a stray handle in a stand-in cannot keep the process alive.
process.exit(broken ? 1 : 0);
