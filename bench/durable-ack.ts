// Local mode's ack under 20 concurrent senders, next to a floor measured in the same run: a bare
// node:http server that verifies the signature and appends the body to a file with an fsync
// before answering — the least any server that acks only what it has made durable must do.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runChild } from './child-process.js';
import type { ClosedLoopPlan, ClosedLoopResult } from './closed-loop-generator.js';
import { benchSecret, startBenchStack } from './local-stack.js';
import type { MetricReport } from './metric.js';
import { ms, summarize } from './stats.js';

const senders = 20;
const warmup = 10;
const count = 50;
const bodyBytes = 25_000;
const targetRatio = 2;

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The floor: verify, append, fsync, answer. Appends are serialised, as one file's must be. */
async function startFloor(dir: string) {
  const file = await open(path.join(dir, 'floor.log'), 'a');
  let tail: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const expected = createHmac('sha256', benchSecret).update(body).digest();
      const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? '').slice(7), 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(403).end('bad signature');
        return;
      }
      const write = tail.then(async () => {
        await file.appendFile(body);
        await file.datasync();
      });
      tail = write.catch(() => {});
      await write;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await file.close();
    },
  };
}

const plan = (url: string, prefix: string, firstPullRequest: number): ClosedLoopPlan => ({
  url,
  secret: benchSecret,
  senders,
  warmup,
  count,
  bodyBytes,
  deliveryPrefix: prefix,
  firstPullRequest,
});
const load = (p: ClosedLoopPlan) => runChild<ClosedLoopPlan, ClosedLoopResult>(new URL('./closed-loop-generator.ts', import.meta.url), p, 120_000);

export async function measureDurableAck(): Promise<MetricReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-floor-'));
  let floorResult: ClosedLoopResult;
  let skiffResult: ClosedLoopResult;
  try {
    const floor = await startFloor(dir);
    try {
      floorResult = await load(plan(floor.url, 'floor', 1));
    } finally {
      await floor.close();
    }
    // With a data directory, as `skiff local` runs by default: each ack waits for the journal's fsync.
    const stack = await startBenchStack({ dataDir: path.join(dir, 'skiff') });
    try {
      // The webhook path alone, as the floor has no worker either.
      await stack.skiff.poller.stop();
      skiffResult = await load(plan(stack.skiff.url, 'durable', 100_000));
    } finally {
      await stack.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const f = summarize(floorResult.latencies);
  const s = summarize(skiffResult.latencies);
  const ratio = s.p50 / f.p50;
  const findings: string[] = [];
  if (skiffResult.failures.length) findings.push(`${skiffResult.failures.length} Skiff acks were not 200: ${skiffResult.failures.slice(0, 3).join(' | ')}`);
  const floorRate = (senders * (warmup + count)) / (floorResult.elapsedMs / 1000);
  const skiffRate = (senders * (warmup + count)) / (skiffResult.elapsedMs / 1000);
  if (ratio > targetRatio) {
    findings.push(
      `Skiff's ack p50 is ${ratio.toFixed(2)}× the floor's (target ≤ ${targetRatio}×). With ${senders} closed-loop senders the latency is the senders over the throughput (Little's law): ` +
        `the floor serves ${floorRate.toFixed(0)} req/s (${(1000 / floorRate).toFixed(2)} ms of work per request), local mode ${skiffRate.toFixed(0)} req/s (${(1000 / skiffRate).toFixed(2)} ms). ` +
        "Beyond the floor's work, each ack costs a JSON parse, the journal's fsync (shared by the acks of one group commit), the SQS send to local-aws-sqs and the trace write to dynalite, each through the AWS SDK over HTTP to the stand-ins' thread: the same two writes the ack-latency section measures alone. " +
        'Answering before the trace is written (local mode does) shortens an unloaded ack, but under a closed loop the work is the same and so is the latency.',
    );
  }
  return {
    title: 'Durable local ack under 20 senders',
    rows: [
      {
        metric: `Local ack p50, ${senders} concurrent senders, ~25 KB ÷ floor p50`,
        value: `${ratio.toFixed(2)}× (${ms(s.p50)} vs ${ms(f.p50)})`,
        target: `≤ ${targetRatio}×`,
        pass: ratio <= targetRatio && skiffResult.failures.length === 0,
      },
      { metric: 'Local ack p99 / floor p99', value: `${ms(s.p99)} / ${ms(f.p99)}` },
    ],
    how: [
      `${senders} keep-alive connections from a separate process (bench/closed-loop-generator.ts), each posting signed ~${(bodyBytes / 1000).toFixed(0)} kB issue_comment deliveries one after another (${warmup} discarded, then ${count} measured per connection).`,
      'The floor, in the same run and the same process as local mode runs in: node:http, the HMAC checked over the body, the body appended to a file and fsync\'d (appends serialised), then 200. Local mode: the webhook with the worker paused — its ack means journalled (fsync), queued in SQS and traced.',
    ],
    findings,
    details: [
      `floor: p50 ${ms(f.p50)}, p90 ${ms(f.p90)}, p99 ${ms(f.p99)}, max ${ms(f.max)}, ${((senders * (warmup + count)) / (floorResult.elapsedMs / 1000)).toFixed(0)} req/s`,
      `local mode: p50 ${ms(s.p50)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, ${((senders * (warmup + count)) / (skiffResult.elapsedMs / 1000)).toFixed(0)} req/s`,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureDurableAck(), null, 2));
  process.exit(0);
}
