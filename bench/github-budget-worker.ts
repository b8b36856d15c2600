// One worker process of the GitHub budget benchmark (github-budget.ts): what one plugins Lambda
// container is — the plugins function's dispatch deps (shared/runtime/dispatch-deps.ts) and a queue
// poller in place of the SQS event source — pointed at the parent's DynamoDB/SQS/S3 stand-ins and
// fake GitHub. The parent sends the plan, the child answers `ready` once it polls, and on `stop` it
// stops polling and answers what it saw.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { pathToFileURL } from 'node:url';
import { QueuePoller } from '../shared/local/queue-poller.js';
import { createLogger } from '../shared/log.js';
import { dispatchDeps } from '../shared/runtime/dispatch-deps.js';

export interface WorkerPlan {
  endpoints: { dynamodb: string; sqs: string; s3: string };
  table: string;
  bucket: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  visibilityTimeoutSeconds: number;
  env: Record<string, string>;
  /** Today's per-container pacing: a pause between writes (the budget is off then). */
  writeIntervalMs?: number;
}

export type WorkerMessage = { ready: true } | { ok: true; stopped: true } | { ok: false; error: string };

/** Builds the worker and starts polling (also used in-process, by the end-to-end test). */
export async function startWorker(plan: WorkerPlan): Promise<QueuePoller> {
  const config = (endpoint: string, credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) => ({ endpoint, region: 'us-east-1', credentials });
  const dynamodb = new DynamoDBClient(config(plan.endpoints.dynamodb));
  const sqs = new SQSClient(config(plan.endpoints.sqs));
  const s3 = new S3Client({ ...config(plan.endpoints.s3, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), forcePathStyle: true });
  const log = createLogger({ logLevel: process.env.BENCH_LOG_LEVEL ?? 'SILENT' });
  const deps = await dispatchDeps({ ...plan.env, SKIFF_TABLE: plan.table, SKIFF_PAYLOAD_BUCKET: plan.bucket }, { dynamodb, s3 }, log, {
    octokit: { ...(plan.writeIntervalMs === undefined ? {} : { writeIntervalMs: plan.writeIntervalMs }) },
  });
  await deps.config.get();
  const poller = new QueuePoller(sqs, plan.queueUrl, deps, log, {
    waitSeconds: 0,
    idleMs: 50,
    maxReceiveCount: 5,
    deadLetterQueueUrl: plan.deadLetterQueueUrl,
    visibilityTimeoutSeconds: plan.visibilityTimeoutSeconds,
  });
  poller.start();
  return poller;
}

// Only as a forked process's own module: a test runner's worker process has an IPC channel too.
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let poller: Promise<QueuePoller> | undefined;
  process.on('message', (message: WorkerPlan | 'stop') => {
    if (message !== 'stop') {
      poller = startWorker(message);
      poller.then(
        () => process.send!({ ready: true } satisfies WorkerMessage),
        (error: unknown) => process.send!({ ok: false, error: String((error as Error)?.stack ?? error) } satisfies WorkerMessage, () => process.exit(1)),
      );
      return;
    }
    void (async () => {
      await (await poller)?.stop(5_000);
      process.send!({ ok: true, stopped: true } satisfies WorkerMessage, () => process.exit(0));
    })();
  });
}
