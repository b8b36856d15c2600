// Local ack latency: how long GitHub would wait for Skiff's 2xx (which means "durably queued":
// the event is in SQS and the trace says queued) when signed ~25 KB deliveries arrive at a
// steady 200 per second. The load comes from a separate process (ack-load-generator.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoStore } from '../shared/storage/dynamo-store.js';
import { SqsQueue } from '../shared/storage/sqs-queue.js';
import type { LoadPlan, LoadResult } from './ack-load-generator.js';
import { benchSecret, startBenchStack } from './local-stack.js';
import type { MetricReport, Row } from './metric.js';
import { StageTimer } from './stage-timer.js';
import { ms, summarize, type Summary } from './stats.js';

const rate = 200;
const sequential = 200;
const warmup = 200;
const count = 2000;
const bodyBytes = 25_000;
const targetP99Ms = 20;

interface Variant {
  /** Stop the queue poller first, leaving the webhook path alone in the process. */
  pauseWorker: boolean;
  firstPullRequest: number;
}

/** Runs the load generator in a child process; kills it if it has not answered in time. */
function runGenerator(plan: LoadPlan, timeoutMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./ack-load-generator.ts', import.meta.url)), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const finish = (error: Error | undefined, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new Error(`load generator: no result within ${timeoutMs / 1000} s`)), timeoutMs);
    child.on('message', (message: { ok: boolean; result?: LoadResult; error?: string }) =>
      finish(message.ok ? undefined : new Error(`load generator failed: ${message.error}`), message.result),
    );
    child.on('error', (error) => finish(error));
    child.on('exit', (code) => finish(new Error(`load generator exited with code ${code} before reporting`)));
    child.send(plan);
  });
}

interface VariantResult {
  load: LoadResult;
  /** The webhook's two awaited writes during the measured requests. */
  sqsSend: Summary;
  traceWrite: Summary;
}

async function runVariant(variant: Variant): Promise<VariantResult> {
  const stack = await startBenchStack();
  const stages = new StageTimer();
  try {
    stages.wrap(SqsQueue.prototype, 'send', 'sqs');
    stages.wrap(DynamoStore.prototype, 'queued', 'trace');
    if (variant.pauseWorker) await stack.skiff.poller.stop();
    const plan: LoadPlan = {
      url: stack.skiff.url,
      secret: benchSecret,
      rate,
      sequential,
      warmup,
      count,
      bodyBytes,
      firstPullRequest: variant.firstPullRequest,
      command: '/hold',
      requestTimeoutMs: 10_000,
      deliveryPrefix: `ack-${variant.pauseWorker ? 'paused' : 'running'}`,
    };
    const scheduledSeconds = (warmup + count) / rate;
    const load = await runGenerator(plan, (scheduledSeconds + sequential * 0.1 + 60) * 1000);
    // Completions come back roughly in request order: the last `count` are the measured ones.
    const last = (label: string) => summarize((stages.samples.get(label) ?? []).slice(-count));
    return { load, sqsSend: last('sqs'), traceWrite: last('trace') };
  } finally {
    stages.restore();
    await stack.close();
  }
}

export async function measureAckLatency(): Promise<MetricReport> {
  const running = await runVariant({ pauseWorker: false, firstPullRequest: 10_000 });
  const paused = await runVariant({ pauseWorker: true, firstPullRequest: 20_000 });

  const describe = ({ load: result }: VariantResult) => {
    const latency = summarize(result.latencies);
    const corrected = summarize(result.fromSchedule);
    const lag = summarize(result.sendLag);
    const failed = count - (result.statuses['200'] ?? 0);
    const achieved = count / (result.elapsedMs / 1000);
    const oneAtATime = summarize(result.sequential);
    return { latency, corrected, lag, failed, achieved, oneAtATime };
  };
  const r = describe(running);
  const p = describe(paused);
  const statusText = ({ load: result }: VariantResult) => Object.entries(result.statuses).map(([s, n]) => `${s === '0' ? 'no response' : s}×${n}`).join(', ');
  const rows: Row[] = [
    { metric: `Webhook ack p99, ${rate} req/s, ~25 KB (pipeline running)`, value: ms(r.latency.p99), target: `≤ ${targetP99Ms} ms`, pass: r.latency.p99 <= targetP99Ms && r.failed === 0 },
    { metric: 'Webhook ack p50 / p90 / max (pipeline running)', value: `${ms(r.latency.p50)} / ${ms(r.latency.p90)} / ${ms(r.latency.max)}` },
    { metric: 'Webhook ack errors (pipeline running)', value: `${r.failed} of ${count}` },
    { metric: 'Webhook ack p50 / p99 (worker paused: webhook alone)', value: `${ms(p.latency.p50)} / ${ms(p.latency.p99)} (${p.failed} errors)` },
    { metric: 'Webhook ack, one request at a time, p50 / p99 (worker paused)', value: `${ms(p.oneAtATime.p50)} / ${ms(p.oneAtATime.p99)}` },
  ];
  const findings: string[] = [];
  if (r.failed) findings.push(`${r.failed} of ${count} deliveries at ${rate}/s were not answered 200 (${statusText(running)}); first errors: ${running.load.errors.join(' | ')}`);
  if (r.latency.p99 > targetP99Ms) {
    findings.push(
      `Ack p99 at ${rate} req/s is ${ms(r.latency.p99)} with the worker running (target ≤ ${targetP99Ms} ms) and ${ms(p.latency.p99)} with the worker paused; ` +
        `one request at a time an ack takes p50 ${ms(r.oneAtATime.p50)} (worker running) / ${ms(p.oneAtATime.p50)} (paused). ` +
        `Local mode serves the webhook and the queue poller from one event loop (the DynamoDB/SQS/S3 stand-ins run in a worker thread of the same process), on a 2-core machine shared with the load generator, so at ${rate} req/s requests queue: ` +
        `inside the ack the SQS send took p99 ${ms(running.sqsSend.p99)} and the trace write (made alongside it) p99 ${ms(running.traceWrite.p99)} with the worker running.`,
    );
  }
  return {
    title: 'Webhook ack latency',
    rows,
    how: [
      `A fresh stack per run. A separate Node process (bench/ack-load-generator.ts) sends signed \`issue_comment\` deliveries, real payloads padded to ${(running.load.bodyBytes / 1000).toFixed(1)} kB (the comment is \`/hold\` followed by prose), each on its own pull request and with its own X-GitHub-Delivery, over keep-alive connections (node:http Agent).`,
      `Open loop at ${rate} req/s: request i is sent at start + i × ${1000 / rate} ms whether or not earlier ones were answered. ${warmup} warm-up requests first (discarded), then ${count} measured. Latency is from just before the request is written to the end of the response; a 200 means the event is in SQS and its trace is written.`,
      `Before the open loop, ${sequential} requests are sent one at a time (each after the previous answer): their latency is the service time of one ack without queueing.`,
      'Inside the server, the two writes the webhook awaits (together) before answering, the SQS send (`SqsQueue.send`) and the trace write (`DynamoStore.queued`), are timed by wrapping those methods for the run (bench/stage-timer.ts).',
      'Two runs: with the whole local pipeline running (the queue poller processes the same events while they arrive, as `skiff local` does), and with the poller stopped, which leaves the webhook path (verify, SQS send, trace write) alone. Local mode serves both from one event loop; the DynamoDB/SQS/S3 stand-ins run in a worker thread of the same process. On AWS the webhook is its own Lambda.',
    ],
    findings,
    details: [
      `one at a time: pipeline running p50 ${ms(r.oneAtATime.p50)} / p99 ${ms(r.oneAtATime.p99)}; worker paused p50 ${ms(p.oneAtATime.p50)} / p99 ${ms(p.oneAtATime.p99)}`,
      `inside the ack at ${rate}/s, pipeline running: SQS send p50 ${ms(running.sqsSend.p50)} / p99 ${ms(running.sqsSend.p99)}, trace write p50 ${ms(running.traceWrite.p50)} / p99 ${ms(running.traceWrite.p99)}`,
      `inside the ack at ${rate}/s, worker paused: SQS send p50 ${ms(paused.sqsSend.p50)} / p99 ${ms(paused.sqsSend.p99)}, trace write p50 ${ms(paused.traceWrite.p50)} / p99 ${ms(paused.traceWrite.p99)}`,
      `pipeline running: p50 ${ms(r.latency.p50)}, p90 ${ms(r.latency.p90)}, p99 ${ms(r.latency.p99)}, max ${ms(r.latency.max)}; statuses ${statusText(running)}; measured from the scheduled send time p99 ${ms(r.corrected.p99)}; send lag p99 ${ms(r.lag.p99, 2)}; ${count} requests answered in ${(running.load.elapsedMs / 1000).toFixed(2)} s (${r.achieved.toFixed(0)} req/s)`,
      `worker paused: p50 ${ms(p.latency.p50)}, p90 ${ms(p.latency.p90)}, p99 ${ms(p.latency.p99)}, max ${ms(p.latency.max)}; statuses ${statusText(paused)}; measured from the scheduled send time p99 ${ms(p.corrected.p99)}; send lag p99 ${ms(p.lag.p99, 2)}; ${(paused.load.elapsedMs / 1000).toFixed(2)} s (${p.achieved.toFixed(0)} req/s)`,
    ],
  };
}
