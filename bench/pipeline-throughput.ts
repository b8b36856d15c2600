// Events per second through the whole local pipeline: signed webhook → embedded SQS → the
// queue poller → dispatch (claims and traces in dynalite) → Octokit → the fake GitHub.
import { OctokitGitHub } from '../shared/github/octokit-client.js';
import { DynamoStore } from '../shared/storage/dynamo-store.js';
import type { Trace } from '../shared/storage/ports.js';
import { benchSecret, startBenchStack } from './local-stack.js';
import type { MetricReport } from './metric.js';
import { benchRepo, prCommentPayload } from './payloads.js';
import { StageTimer } from './stage-timer.js';
import { ms, summarize } from './stats.js';
import { queueToProcessedMs, readTraces } from './traces.js';
import { mapPool } from './map-pool.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

const pullRequests = 250;
const events = pullRequests * 2;
const postConcurrency = 8;
const timeoutMs = 90_000;

export async function measurePipelineThroughput(): Promise<MetricReport> {
  const stack = await startBenchStack({ octokit: { writeIntervalMs: 0, retryBaseMs: 5 } });
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  // What the worker awaits for each event, one after another: the trace and claim writes, and the GitHub call.
  const stages = new StageTimer();
  for (const method of ['started', 'plugins', 'claim', 'complete', 'finish'] as const) stages.wrap(DynamoStore.prototype, method, `DynamoDB ${method}`);
  stages.wrap(OctokitGitHub.prototype, 'addLabel', 'GitHub addLabel');
  stages.wrap(OctokitGitHub.prototype, 'removeLabel', 'GitHub removeLabel');
  try {
    // `/hold` on every pull request first, then `/hold cancel` on each: a cancel is posted only
    // after its hold was acknowledged (at most 8 requests are in flight, 250 apart), so each
    // pull request's FIFO group holds its two commands in order.
    const deliveries: Delivery[] = [];
    for (const command of ['/hold', '/hold cancel']) {
      for (let i = 0; i < pullRequests; i++) {
        const body = JSON.stringify(prCommentPayload(1000 + i, command));
        deliveries.push({ event: 'issue_comment', delivery: `throughput-${command === '/hold' ? 'hold' : 'cancel'}-${i}`, body, signature: await client.sign(body) });
      }
    }

    const samples: { at: number; writes: number }[] = [];
    const start = performance.now();
    let postsDoneAt = Number.NaN;
    const posting = mapPool(deliveries, postConcurrency, (d) => client.post(d)).then((results) => {
      postsDoneAt = performance.now();
      return results;
    });
    // The fake GitHub is in this process: counting its writes costs no I/O.
    let writes = 0;
    while (writes < events && performance.now() - start < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      writes = stack.github.writes().length;
      samples.push({ at: performance.now(), writes });
    }
    const lastWriteAt = samples.find((s) => s.writes >= events)?.at ?? Number.NaN;
    const results = await posting;
    const rejected = results.filter((r) => r.status !== 200).length;

    const traces = await readTraces(stack, deliveries.map((d) => d.delivery));
    const processed = [...traces.values()].filter((t): t is Trace => t?.status === 'processed');
    const firstAt = (fraction: number) => samples.find((s) => s.writes >= events * fraction)?.at ?? Number.NaN;
    const steady = (events * 0.8) / ((firstAt(0.9) - firstAt(0.1)) / 1000);
    const overall = events / ((lastWriteAt - start) / 1000);
    const latency = summarize(processed.map(queueToProcessedMs));
    const stillHeld = Array.from({ length: pullRequests }, (_, i) => stack.github.labelsOf(benchRepo, 1000 + i)).filter((l) => l.length > 0).length;
    const perStage = [...stages.samples].map(([label, times]) => ({ label, n: times.length, p50: summarize(times).p50 }));
    const awaited = perStage.reduce((sum, s) => sum + (s.p50 * s.n) / events, 0);
    const github = perStage.filter((s) => s.label.startsWith('GitHub')).reduce((sum, s) => sum + (s.p50 * s.n) / events, 0);
    const complete = writes >= events && processed.length === events && rejected === 0;

    return {
      title: 'Pipeline throughput',
      rows: [
        {
          metric: `Local pipeline throughput (${events} events)`,
          value: complete ? `${overall.toFixed(1)} events/s` : `incomplete: ${writes}/${events} writes, ${processed.length} processed in ${((performance.now() - start) / 1000).toFixed(1)} s`,
          ...(complete ? {} : { pass: false, target: 'all processed' }),
        },
        { metric: 'Local pipeline throughput, steady state (10%→90% of writes)', value: Number.isFinite(steady) ? `${steady.toFixed(1)} events/s` : 'n/a' },
        { metric: 'Queue → processed per event, p50 / p99 (under this backlog)', value: `${ms(latency.p50, 0)} / ${ms(latency.p99, 0)}` },
      ],
      how: [
        `A fresh stack. ${events} signed issue_comment deliveries (real payloads, ~${(Buffer.byteLength(deliveries[0]!.body) / 1024).toFixed(1)} KiB each): \`/hold\` on ${pullRequests} pull requests, then \`/hold cancel\` on each, posted by ${postConcurrency} concurrent keep-alive connections. Bodies and signatures are built before the clock starts.`,
        `Timed from the first POST to the moment the fake GitHub has recorded all ${events} writes (its write count is polled every 5 ms); then every trace is checked to be \`processed\`. "Steady state" is the write rate between 10% and 90% of the writes, leaving out the start and the last partial poll.`,
        "GitHub's one-write-per-second pacing (production's default `writeIntervalMs` of 1000 ms) is disabled here (`writeIntervalMs: 0`, `retryBaseMs: 5`): this measures Skiff's own overhead, not GitHub's rate limits. With the pacing on, one container makes at most 1 write/s.",
        'Local mode has one queue poller: it receives up to 10 messages and Powertools\' FIFO processor runs them one after another, so pull requests do not actually proceed in parallel here (in AWS, SQS spreads message groups over concurrent Lambda invocations).',
        "The worker's awaited steps (DynamoStore's trace and claim writes, OctokitGitHub's label calls) are timed by wrapping those methods for the run (bench/stage-timer.ts); their medians, weighted by calls per event, add up to the time one event holds the single poller.",
        '"Queue → processed" is each trace\'s `updatedAt − receivedAt` (millisecond timestamps written by the webhook and the worker): the time an event waited behind the backlog plus its own processing.',
      ],
      findings: [
        ...(!complete ? [`Throughput run incomplete after ${timeoutMs / 1000} s: ${writes}/${events} writes, ${processed.length}/${events} traces processed, ${rejected} POSTs not answered 200.`] : []),
        ...(stillHeld ? [`${stillHeld} pull requests still carry the hold label after /hold then /hold cancel: commands applied out of order.`] : []),
      ],
      details: [
        `per event, the worker awaits (medians): ${perStage.map((s) => `${s.label} ${ms(s.p50)}${s.n > events * 1.5 ? ` ×${(s.n / events).toFixed(0)}` : ''}`).join(', ')}; in all ≈ ${ms(awaited)} per event (${ms(github)} of it the GitHub call), i.e. ≈ ${(1000 / awaited).toFixed(0)} events/s for one sequential poller`,
        `posting all ${events} took ${((postsDoneAt - start) / 1000).toFixed(2)} s (${(events / ((postsDoneAt - start) / 1000)).toFixed(0)} acks/s); all writes done after ${((lastWriteAt - start) / 1000).toFixed(2)} s`,
        `queue → processed: p50 ${ms(latency.p50, 0)}, p90 ${ms(latency.p90, 0)}, p99 ${ms(latency.p99, 0)}, max ${ms(latency.max, 0)}`,
      ],
    };
  } finally {
    stages.restore();
    client.close();
    await stack.close();
  }
}
