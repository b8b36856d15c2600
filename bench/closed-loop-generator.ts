// Closed-loop load, in its own process: `senders` connections each post signed deliveries one
// after another (the next as soon as the previous is answered), as a busy GitHub does. Used to
// compare Skiff's ack with a floor server under the same load (bench/durable-ack.ts).
import { answerParent } from './child-process.js';
import { paddedCommentJson } from './payloads.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

export interface ClosedLoopPlan {
  url: string;
  secret: string;
  senders: number;
  /** Per sender: discarded first, then measured. */
  warmup: number;
  count: number;
  bodyBytes: number;
  deliveryPrefix: string;
  firstPullRequest: number;
}

export interface ClosedLoopResult {
  latencies: number[];
  failures: string[];
  elapsedMs: number;
}

export async function runClosedLoop(plan: ClosedLoopPlan): Promise<ClosedLoopResult> {
  const client = new WebhookClient(plan.url, plan.secret, { maxSockets: plan.senders, timeoutMs: 30_000 });
  const perSender = plan.warmup + plan.count;
  const deliveries: Delivery[][] = [];
  for (let s = 0; s < plan.senders; s++) {
    const mine: Delivery[] = [];
    for (let i = 0; i < perSender; i++) {
      const n = plan.firstPullRequest + s * perSender + i;
      const body = paddedCommentJson(n, '/hold', plan.bodyBytes);
      mine.push({ event: 'issue_comment', delivery: `${plan.deliveryPrefix}-${n}`, body, signature: await client.sign(body) });
    }
    deliveries.push(mine);
  }
  const latencies: number[] = [];
  const failures: string[] = [];
  const start = performance.now();
  try {
    await Promise.all(
      deliveries.map(async (mine) => {
        for (const [i, delivery] of mine.entries()) {
          const sent = performance.now();
          const result = await client.post(delivery);
          if (result.status !== 200) failures.push(`${result.status} ${result.text.trim().slice(0, 120)}`);
          else if (i >= plan.warmup) latencies.push(performance.now() - sent);
        }
      }),
    );
    return { latencies, failures, elapsedMs: performance.now() - start };
  } finally {
    client.close();
  }
}

// Forked: the plan comes as the first message, the result goes back the same way.
answerParent(runClosedLoop);
