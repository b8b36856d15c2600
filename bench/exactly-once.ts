// Exactly-once under duplicates: 1,000 `/hold` commands on 1,000 pull requests, plus 10%
// duplicates of two kinds — GitHub redelivering a delivery (same X-GitHub-Delivery, posted
// again) and SQS delivering a message twice (the same event sent to the queue again under
// another deduplication id, as at-least-once delivery can) — must end in exactly one
// `addLabel` per pull request: none lost, none doubled.
import { benchSecret, holdLabel, startBenchStack } from './local-stack.js';
import type { MetricReport } from './metric.js';
import { pollUntil } from './waiting.js';
import { prCommentPayload } from './payloads.js';
import { readTraces } from './traces.js';
import { mapPool } from './map-pool.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

const events = 1000;
const firstPullRequest = 1;
const timeoutMs = 120_000;

type Duplicate = 'redelivery' | 'sqs' | undefined;
/** Every 10th event gets a duplicate, alternating between the two kinds: 50 + 50. */
const duplicateOf = (i: number): Duplicate => (i % 20 === 0 ? 'redelivery' : i % 20 === 10 ? 'sqs' : undefined);

export async function measureExactlyOnce(): Promise<MetricReport> {
  const stack = await startBenchStack();
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    const deliveries: Delivery[] = [];
    for (let i = 0; i < events; i++) {
      const body = JSON.stringify(prCommentPayload(firstPullRequest + i, '/hold'));
      deliveries.push({ event: 'issue_comment', delivery: `once-${i}`, body, signature: await client.sign(body) });
    }

    const start = performance.now();
    const acks = { original: 0, redelivery: 0, failed: [] as string[] };
    let sqsInjected = 0;
    // A duplicate follows its original at once, so it can meet the original still queued or in flight.
    await mapPool(deliveries, 8, async (delivery, i) => {
      const first = await client.post(delivery);
      if (first.status === 200) acks.original++;
      else acks.failed.push(`${delivery.delivery}: ${first.status} ${first.text.trim()}`);
      const duplicate = duplicateOf(i);
      if (duplicate === 'redelivery') {
        const again = await client.post(delivery);
        if (again.status === 200) acks.redelivery++;
        else acks.failed.push(`${delivery.delivery} (redelivery): ${again.status} ${again.text.trim()}`);
      } else if (duplicate === 'sqs') {
        await stack.injectSqsDuplicate(delivery);
        sqsInjected++;
      }
    });
    const postedAt = performance.now();

    // Done when every pull request has its label, every SQS duplicate was picked up by a worker
    // (its trace counts a second attempt) and the queue is empty; bounded by timeoutMs.
    const sqsDuplicates = deliveries.filter((_, i) => duplicateOf(i) === 'sqs').map((d) => d.delivery);
    const remaining = () => timeoutMs - (performance.now() - start);
    const allWritten = await pollUntil(() => stack.github.writes().length >= events, remaining(), 20);
    const duplicatesSeen = await pollUntil(async () => {
      const traces = await readTraces(stack, sqsDuplicates);
      return [...traces.values()].every((t) => t?.status === 'processed' && t.attempts >= 2);
    }, Math.max(0, remaining()), 250);
    const drained = await pollUntil(async () => {
      const depth = await stack.queueDepth();
      return depth.visible === 0 && depth.inFlight === 0;
    }, Math.max(0, remaining()), 100);
    const settledAt = performance.now();
    // Anything still to come (a late duplicate) would show up in this second.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const traces = await readTraces(stack, deliveries.map((d) => d.delivery));
    const processed = [...traces.values()].filter((t) => t?.status === 'processed').length;
    const attempts = new Map<number, number>();
    for (const trace of traces.values()) attempts.set(trace?.attempts ?? 0, (attempts.get(trace?.attempts ?? 0) ?? 0) + 1);
    const redeliveredToWorker = deliveries.filter((d, i) => duplicateOf(i) === 'redelivery' && (traces.get(d.delivery)?.attempts ?? 0) >= 2).length;
    const sqsToWorker = sqsDuplicates.filter((d) => (traces.get(d)?.attempts ?? 0) >= 2).length;

    // Per pull request: successful label writes, and label POSTs sent at all (a doubled send
    // would show here even if GitHub deduplicated the label).
    const written = new Map<number, number>();
    for (const write of stack.github.writes()) {
      const match = /^addLabel .+#(\d+) (.+)$/.exec(write);
      if (match && match[2] === holdLabel) written.set(Number(match[1]), (written.get(Number(match[1])) ?? 0) + 1);
    }
    const posts = new Map<number, number>();
    for (const call of stack.github.calls) {
      const match = /\/issues\/(\d+)\/labels$/.exec(call.path);
      if (call.method === 'POST' && match) posts.set(Number(match[1]), (posts.get(Number(match[1])) ?? 0) + 1);
    }
    let lost = 0;
    let duplicated = 0;
    let extraPosts = 0;
    for (let i = 0; i < events; i++) {
      const n = written.get(firstPullRequest + i) ?? 0;
      if (n === 0) lost++;
      duplicated += Math.max(0, n - 1);
      extraPosts += Math.max(0, (posts.get(firstPullRequest + i) ?? 0) - 1);
    }
    const dead = await stack.deadLetterDepth();
    const unprocessed = events - processed;

    return {
      title: 'Exactly-once under duplicates',
      rows: [
        { metric: `Exactly-once: events lost (of ${events})`, value: String(lost), target: '0', pass: lost === 0 && unprocessed === 0 },
        { metric: 'Exactly-once: duplicated GitHub writes', value: String(duplicated + extraPosts), target: '0', pass: duplicated === 0 && extraPosts === 0 },
        {
          metric: 'Duplicates injected / reaching a worker',
          value: `${acks.redelivery} redeliveries / ${redeliveredToWorker}; ${sqsInjected} SQS duplicates / ${sqsToWorker}`,
        },
      ],
      how: [
        `A fresh stack. ${events} signed \`/hold\` comments (real payloads) on ${events} different pull requests, posted by 8 concurrent connections. Right after every 10th original is acknowledged, a duplicate follows: for half of them GitHub's redelivery (the same body and X-GitHub-Delivery posted again), for the other half an SQS at-least-once duplicate (the same queued event sent straight to the FIFO queue with another MessageDeduplicationId, as test/e2e/pipeline.test.ts does).`,
        'Waited for (bounded, 120 s in all): all label writes, a second attempt recorded in the trace of every SQS duplicate, and an empty queue; then one more second for stragglers. Counted: `addLabel … do-not-merge/hold` writes per pull request in the fake GitHub (lost = none, duplicated = more than one), label POSTs per pull request (a second POST counts as a duplicate even though GitHub would ignore the repeated label), every trace `processed`, and the dead-letter queue empty.',
        'Redeliveries within 5 minutes are dropped by the FIFO queue\'s deduplication (the delivery id is the deduplication id), so they test the queue; the SQS duplicates reach a worker and test the DynamoDB claims. Local mode has one poller, so a duplicate is processed after its original, never concurrently with it; concurrent workers racing on one claim are not exercised here.',
      ],
      findings: [
        ...(lost ? [`${lost} of ${events} pull requests never got the hold label.`] : []),
        ...(duplicated || extraPosts ? [`${duplicated} duplicated label writes and ${extraPosts} repeated label POSTs.`] : []),
        ...(unprocessed ? [`${unprocessed} of ${events} traces are not \`processed\`.`] : []),
        ...(acks.failed.length ? [`${acks.failed.length} POSTs were not answered 200, e.g. ${acks.failed.slice(0, 3).join(' | ')}`] : []),
        ...(!allWritten || !duplicatesSeen || !drained ? [`Not settled within ${timeoutMs / 1000} s: all written ${allWritten}, SQS duplicates processed ${duplicatesSeen}, queue drained ${drained}.`] : []),
        ...(dead ? [`${dead} messages in the dead-letter queue.`] : []),
      ],
      details: [
        `${acks.original}/${events} originals and ${acks.redelivery}/50 redeliveries answered 200; ${sqsInjected} SQS duplicates sent; posting took ${((postedAt - start) / 1000).toFixed(1)} s, settled after ${((settledAt - start) / 1000).toFixed(1)} s`,
        `traces: ${processed}/${events} processed; attempts ${[...attempts].sort(([a], [b]) => a - b).map(([a, n]) => `${a}×${n}`).join(', ')}; dead-letter queue: ${dead}`,
        `label writes: ${[...written.values()].reduce((a, b) => a + b, 0)} for ${events} pull requests; label POSTs: ${[...posts.values()].reduce((a, b) => a + b, 0)}`,
      ],
    };
  } finally {
    client.close();
    await stack.close();
  }
}
