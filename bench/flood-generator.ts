// The load for the signature-flood benchmark, in its own process (forked by signature-flood.ts):
// valid small deliveries sent one at a time, first alone, then while `floodSenders` connections
// keep posting 6 MB bodies of nested arrays with a bad signature, as an attacker who knows the
// URL but not the secret would. The flood comes from a third process (this module, forked with
// the argument `flood`), so writing it does not delay the measuring process's own event loop.
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { answerParent } from './child-process.js';
import { paddedCommentJson } from './payloads.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

export interface FloodPlan {
  url: string;
  secret: string;
  floodSenders: number;
  floodBodyBytes: number;
  /** Valid deliveries per phase, after `warmup` discarded ones. */
  count: number;
  warmup: number;
  validBodyBytes: number;
  deliveryPrefix: string;
}

export interface FloodResult {
  unloaded: number[];
  flooded: number[];
  /** Valid deliveries not answered 200, per phase. */
  failures: string[];
  /** Flood requests answered, by status ('0' = no response). */
  floodStatuses: Record<string, number>;
  floodBytesSent: number;
}

/** `{"x":[[[…]]]}` of exactly `bytes` bytes (± 1), the costliest shape for a recursive parser. */
export function nestedArrays(bytes: number): Buffer {
  const depth = Math.floor((bytes - 8) / 2);
  return Buffer.from(`{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

function postRaw(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        timeout: 60_000,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'x-github-event': 'issue_comment',
          'x-github-delivery': `flood-${Math.random().toString(36).slice(2)}`,
          'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export async function runFlood(plan: FloodPlan): Promise<FloodResult> {
  const client = new WebhookClient(plan.url, plan.secret, { maxSockets: 4, timeoutMs: 30_000 });
  const failures: string[] = [];
  const deliveries: Delivery[] = [];
  for (let i = 0; i < 2 * (plan.warmup + plan.count); i++) {
    const body = paddedCommentJson(50_000 + i, '/hold', plan.validBodyBytes);
    deliveries.push({ event: 'issue_comment', delivery: `${plan.deliveryPrefix}-${i}`, body, signature: await client.sign(body) });
  }
  const phase = async (batch: Delivery[], label: string) => {
    const latencies: number[] = [];
    for (const [i, delivery] of batch.entries()) {
      const sent = performance.now();
      const result = await client.post(delivery);
      const took = performance.now() - sent;
      if (result.status !== 200) failures.push(`${label}: ${result.status} ${result.text.trim().slice(0, 120)}`);
      else if (i >= plan.warmup) latencies.push(took);
    }
    return latencies;
  };
  try {
    const half = plan.warmup + plan.count;
    const unloaded = await phase(deliveries.slice(0, half), 'unloaded');

    const flood = fork(fileURLToPath(import.meta.url), ['flood'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const stopped = new Promise<{ floodStatuses: Record<string, number>; floodBytesSent: number }>((resolve, reject) => {
      flood.once('message', resolve);
      flood.once('exit', (code) => reject(new Error(`the flood process exited with code ${code}`)));
    });
    flood.send(plan);
    // Let every sender get a body in flight before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const flooded = await phase(deliveries.slice(half), 'flooded');
    flood.send('stop');
    const { floodStatuses, floodBytesSent } = await stopped;
    return { unloaded, flooded, failures, floodStatuses, floodBytesSent };
  } finally {
    client.close();
  }
}

/** The flood process: posts bad-signature bodies until told to stop, then reports what it sent. */
async function flood(plan: FloodPlan): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.floodSenders });
  const hook = new URL('/hook', plan.url);
  const body = nestedArrays(plan.floodBodyBytes);
  const floodStatuses: Record<string, number> = {};
  let floodBytesSent = 0;
  let flooding = true;
  process.once('message', () => (flooding = false));
  const sender = async () => {
    while (flooding) {
      const status = await postRaw(agent, hook, body);
      floodBytesSent += body.length;
      floodStatuses[String(status)] = (floodStatuses[String(status)] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: plan.floodSenders }, sender));
  agent.destroy();
  process.send!({ floodStatuses, floodBytesSent }, () => process.exit(0));
}

if (process.send && process.argv[2] === 'flood') process.once('message', (plan: FloodPlan) => void flood(plan));
else answerParent(runFlood);
