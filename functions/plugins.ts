// SQS FIFO batch → shared/hook/worker.ts (dispatch per record, partial batch failures).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { processBatch } from '../shared/hook/worker.js';
import { createLogger } from '../shared/log.js';
import { dispatchDeps } from '../shared/runtime/dispatch-deps.js';
import { lazyS3Client } from '../shared/storage/s3-payloads.js';

const log = createLogger();
const deps = await dispatchDeps(process.env, { dynamodb: new DynamoDBClient({}), s3: lazyS3Client() }, log);

export const handler = (event: SQSEvent) => processBatch(event, deps);
