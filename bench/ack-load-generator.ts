// The load generator for the ack-latency benchmark, run in its own process (forked by
// ack-latency.ts) so its work does not share an event loop with the server it measures.
// Open loop: request i is sent at start + i / rate whatever happened to earlier ones, as GitHub
// sends deliveries when events happen, not when Skiff is ready for them.
import { answerParent } from './child-process.js';
import { paddedCommentJson } from './payloads.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

export interface LoadPlan {
  url: string;
  secret: string;
  /** Requests per second. */
  rate: number;
  /** Sent first, one at a time (each after the previous answer): the service time of one ack. */
  sequential: number;
  /** Sent next at the open-loop rate; their timings are discarded. */
  warmup: number;
  count: number;
  /** Size of each payload's JSON text. */
  bodyBytes: number;
  /** Pull request numbers used: firstPullRequest, firstPullRequest + 1, … (one per request). */
  firstPullRequest: number;
  command: string;
  /** Per-request timeout. */
  requestTimeoutMs: number;
  deliveryPrefix: string;
}

export interface LoadResult {
  /** Latencies of the sequential requests, ms. */
  sequential: number[];
  /** Response received − request sent, ms, one per measured request that got a response. */
  latencies: number[];
  /** Response received − scheduled send time: includes any delay in sending (coordinated omission check). */
  fromSchedule: number[];
  /** Actual − scheduled send time, ms. */
  sendLag: number[];
  statuses: Record<string, number>;
  errors: string[];
  /** Scheduled span and the time until the last response, ms. */
  scheduledMs: number;
  elapsedMs: number;
  bodyBytes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openLoop(client: WebhookClient, deliveries: Delivery[], rate: number): Promise<Omit<LoadResult, 'sequential'>> {
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const fromSchedule: number[] = [];
  const sendLag: number[] = [];
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 10;
  const fire = async (delivery: Delivery, scheduled: number) => {
    const sent = performance.now();
    sendLag.push(sent - scheduled);
    const result = await client.post(delivery);
    const done = performance.now();
    statuses[String(result.status)] = (statuses[String(result.status)] ?? 0) + 1;
    if (result.status === 200) {
      latencies.push(done - sent);
      fromSchedule.push(done - scheduled);
    } else if (errors.length < 5) errors.push(`${result.status}: ${result.text.trim().slice(0, 200)}`);
  };
  let next = 0;
  while (next < deliveries.length) {
    const now = performance.now();
    while (next < deliveries.length && start + next * interval <= now) {
      inFlight.push(fire(deliveries[next]!, start + next * interval));
      next++;
    }
    if (next < deliveries.length) await sleep(Math.max(0, start + next * interval - performance.now()));
  }
  // Each request has its own timeout, so this wait is bounded.
  await Promise.all(inFlight);
  return {
    latencies,
    fromSchedule,
    sendLag,
    statuses,
    errors,
    scheduledMs: (deliveries.length - 1) * interval,
    elapsedMs: performance.now() - start,
    bodyBytes: Buffer.byteLength(deliveries[0]?.body ?? ''),
  };
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const client = new WebhookClient(plan.url, plan.secret, { maxSockets: 256, timeoutMs: plan.requestTimeoutMs });
  try {
    // Bodies and signatures first: building and signing 25 KB payloads is the sender's work, not Skiff's.
    const deliveries: Delivery[] = [];
    for (let i = 0; i < plan.sequential + plan.warmup + plan.count; i++) {
      const body = paddedCommentJson(plan.firstPullRequest + i, plan.command, plan.bodyBytes);
      deliveries.push({ event: 'issue_comment', delivery: `${plan.deliveryPrefix}-${i}`, body, signature: await client.sign(body) });
    }
    const sequential: number[] = [];
    for (const delivery of deliveries.slice(0, plan.sequential)) {
      const sent = performance.now();
      const result = await client.post(delivery);
      if (result.status === 200) sequential.push(performance.now() - sent);
    }
    await openLoop(client, deliveries.slice(plan.sequential, plan.sequential + plan.warmup), plan.rate);
    return { sequential, ...(await openLoop(client, deliveries.slice(plan.sequential + plan.warmup), plan.rate)) };
  } finally {
    client.close();
  }
}

// Forked: the plan comes as the first message, the result goes back the same way.
answerParent(runLoad);
