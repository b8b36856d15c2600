// Embedded stand-ins for the AWS services Skiff uses, started in this process (in a worker
// thread, see stand-in-servers.mjs): dynalite (DynamoDB), local-aws-sqs (SQS) and s3rver (S3). The same AWS SDK code as in Lambda talks to
// them over HTTP on 127.0.0.1. Resources mirror the CDK stack: the table, the jobs table, a FIFO queue of events
// and one of forwards to external plugins, with a dead-letter queue after 5 receives, a payload bucket.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { jobTableDefinition } from '../jobs/store/dynamo-job-store.js';

export interface LocalEndpoints {
  dynamodb: string;
  sqs: string;
  s3: string;
}

export interface AwsClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
}

/** SDK clients for the stand-ins: they accept any credentials, but s3rver wants its own pair. */
function localClients(endpoints: LocalEndpoints): AwsClients {
  const config = (endpoint: string, credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) => ({ endpoint, region: 'us-east-1', credentials });
  return {
    dynamodb: new DynamoDBClient(config(endpoints.dynamodb)),
    sqs: new SQSClient(config(endpoints.sqs)),
    s3: new S3Client({ ...config(endpoints.s3, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), forcePathStyle: true }),
  };
}

export interface StandIns {
  endpoints: LocalEndpoints;
  clients: AwsClients;
  table: string;
  /** Job records (SKIFF_JOBS_TABLE): their own table, with the indexes of dynamo-job-store.ts. */
  jobsTable: string;
  queueUrl: string;
  /** Forwards to external plugins (hook/forward.ts): their own queue, so they never hold up events. */
  forwardQueueUrl: string;
  deadLetterQueueUrl: string;
  bucket: string;
  /** The queue's: how long a received message stays invisible before it is delivered again. */
  visibilityTimeoutSeconds: number;
  close(): Promise<void>;
}

export interface StandInOptions {
  /**
   * Keep DynamoDB and S3 state here between runs. SQS is always in memory: local mode journals
   * the queue in the same directory (event-journal.ts).
   */
  dataDir?: string;
  /** Seconds a received message stays invisible before it is retried. */
  visibilityTimeoutSeconds?: number;
}

/** Starts the servers in a worker thread (stand-in-servers.mjs) and returns their ports. */
async function startServers(workerData: { dynamoPath?: string; s3Dir: string }) {
  const worker = new Worker(new URL('./stand-in-servers.mjs', import.meta.url), { workerData });
  const ports = await new Promise<LocalPorts>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the AWS stand-ins stopped before starting (exit ${code})`)));
    worker.once('message', (message: { ports: LocalPorts }) => resolve(message.ports));
  });
  const close = async () => {
    const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
    worker.postMessage('close');
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await worker.terminate();
  };
  return { ports, close };
}

interface LocalPorts {
  dynamodb: number;
  sqs: number;
  s3: number;
}

export async function startStandIns(options: StandInOptions = {}): Promise<StandIns> {
  const table = 'skiff';
  const jobsTable = 'skiff-jobs';
  const bucket = 'skiff-payloads';
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  if (options.dataDir) mkdirSync(join(options.dataDir, 's3'), { recursive: true });
  const s3Dir = options.dataDir ? join(options.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'skiff-s3-'));
  const servers = await startServers({ s3Dir, ...(options.dataDir ? { dynamoPath: join(options.dataDir, 'dynamodb') } : {}) });
  const { dynamodb: dynamoPort, sqs: sqsPort, s3: s3Port } = servers.ports;

  const endpoints = { dynamodb: `http://127.0.0.1:${dynamoPort}`, sqs: `http://127.0.0.1:${sqsPort}`, s3: `http://127.0.0.1:${s3Port}` };
  const clients = localClients(endpoints);

  const tables = [
    { TableName: table, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }] },
    { TableName: jobsTable, ...jobTableDefinition },
  ];
  for (const definition of tables) {
    try {
      await clients.dynamodb.send(new CreateTableCommand({ ...definition, BillingMode: 'PAY_PER_REQUEST' }));
    } catch (error) {
      // Kept from an earlier run (dataDir).
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await clients.dynamodb.send(new DescribeTableCommand({ TableName: definition.TableName }));
  }
  const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'skiff-dlq.fifo', Attributes: { FifoQueue: 'true' } }));
  const fifoQueue = (QueueName: string) =>
    new CreateQueueCommand({
      QueueName,
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        // A backstop only: local mode's poller dead-letters after 5 failed attempts itself,
        // because local-aws-sqs counts a held-back message's returns as receives.
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:skiff-dlq.fifo',
          maxReceiveCount: 1000,
        }),
      },
    });
  const queue = await clients.sqs.send(fifoQueue('skiff-events.fifo'));
  const forwardQueue = await clients.sqs.send(fifoQueue('skiff-forwards.fifo'));
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });

  return {
    endpoints,
    clients,
    table,
    jobsTable,
    queueUrl: queue.QueueUrl!,
    forwardQueueUrl: forwardQueue.QueueUrl!,
    deadLetterQueueUrl: dlq.QueueUrl!,
    bucket,
    visibilityTimeoutSeconds,
    async close() {
      for (const client of Object.values(clients)) client.destroy();
      await servers.close();
      if (!options.dataDir) rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}
