// The webhook function's composition root (also used by local mode). Deliberately light: no
// config, no Octokit, no plugins — which events to queue comes in as a list (in AWS, the
// SKIFF_HANDLED_EVENTS variable the stack derives from the plugin registry).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ReceiveDeps } from '../hook/receive.js';
import type { Logger } from '../log.js';
import { DynamoStore } from '../storage/dynamo-store.js';
import { S3Payloads, type S3ClientSource } from '../storage/s3-payloads.js';
import { SqsQueue } from '../storage/sqs-queue.js';
import { required, type Env } from './env.js';
import { hmacSecretsFromEnv } from './secrets.js';

export function receiveDeps(
  env: Env,
  aws: { sqs: SQSClient; s3: S3ClientSource; dynamodb: DynamoDBClient },
  log: Logger,
  handledEvents: ReadonlySet<string> = new Set(required(env, 'SKIFF_HANDLED_EVENTS').split(',').filter(Boolean)),
): ReceiveDeps {
  return {
    secrets: hmacSecretsFromEnv(env),
    queue: new SqsQueue(aws.sqs, required(env, 'SKIFF_QUEUE_URL')),
    payloads: new S3Payloads(aws.s3, required(env, 'SKIFF_PAYLOAD_BUCKET')),
    traces: new DynamoStore(aws.dynamodb, required(env, 'SKIFF_TABLE')),
    handledEvents,
    log,
  };
}
