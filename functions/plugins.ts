// SQS FIFO batch → shared/hook/worker.ts (dispatch per record, partial batch failures).
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { metricsNamespace, publishRateLimits } from '../shared/github/rate-limits.js';
import { processBatch } from '../shared/hook/worker.js';
import { createLogger } from '../shared/log.js';
import { dispatchDeps, workerOptions } from '../shared/runtime/dispatch-deps.js';
import { lazyS3Client } from '../shared/storage/s3-payloads.js';
import { lazySqsClient, SqsRedelivery } from '../shared/storage/sqs-redelivery.js';

const log = createLogger();
const deps = await dispatchDeps(process.env, { dynamodb: new DynamoDBClient({}), s3: lazyS3Client() }, log);
// Without the queue URL (a stack from before it was passed), rate-limited records simply come
// back after the queue's visibility timeout. A batch comes from one queue: the events' or the
// forwards' (to external plugins), told apart by the queue name ending its ARN.
const sqs = lazySqsClient();
const queueUrls = [process.env.SKIFF_QUEUE_URL, process.env.SKIFF_FORWARD_QUEUE_URL].filter((url): url is string => Boolean(url));
const redeliveries = new Map(queueUrls.map((url) => [url.split('/').pop(), new SqsRedelivery(sqs, url)]));
const redeliveryFor = (event: SQSEvent) => redeliveries.get(event.Records[0]?.eventSourceARN.split(':').pop());

const options = workerOptions(process.env);

// GitHub's remaining quota per credential, as CloudWatch metrics (EMF on stdout) after each
// batch: the stack alarms on it (shared/github/rate-limits.ts), by the `service` dimension.
const metrics = new Metrics({ namespace: metricsNamespace, serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'skiff' });

// The remaining time decides which records of the batch still start (shared/hook/worker.ts).
export const handler = async (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  try {
    return await processBatch(event, deps, redeliveryFor(event), { ...options, remainingTimeMs: context && (() => context.getRemainingTimeInMillis()) });
  } finally {
    try {
      publishRateLimits(deps.github.rateLimits.take(), metrics);
    } catch (error) {
      // Metrics are never a reason to fail (and retry) a batch that was processed.
      log.warn('could not publish the GitHub rate-limit metrics', { error: String(error) });
    }
  }
};
