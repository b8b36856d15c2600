// Embedded stand-ins for the AWS services Skiff uses, started in this process: dynalite
// (DynamoDB), local-aws-sqs (SQS) and s3rver (S3). The same AWS SDK code as in Lambda talks to
// them over HTTP on 127.0.0.1. Resources mirror the CDK stack: one table, a FIFO queue with a
// dead-letter queue after 5 receives, a payload bucket.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';
import { awsClients, type AwsClients, type LocalEndpoints } from '../runtime/aws-clients.js';

export interface StandIns {
  endpoints: LocalEndpoints;
  clients: AwsClients;
  table: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  bucket: string;
  close(): Promise<void>;
}

export interface StandInOptions {
  /** Keep DynamoDB and S3 state here between runs (SQS is always in memory). */
  dataDir?: string;
  /** Seconds a received message stays invisible before it is retried. */
  visibilityTimeoutSeconds?: number;
}

const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startStandIns(options: StandInOptions = {}): Promise<StandIns> {
  const table = 'skiff';
  const bucket = 'skiff-payloads';
  if (options.dataDir) mkdirSync(join(options.dataDir, 's3'), { recursive: true });
  const s3Dir = options.dataDir ? join(options.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'skiff-s3-'));

  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}) });
  const dynamoPort = await listen(dynamo);
  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1' });
  const sqsPort = (sqsServer.address() as AddressInfo).port;
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir });
  const { port: s3Port } = await s3.run();

  const endpoints = { dynamodb: `http://127.0.0.1:${dynamoPort}`, sqs: `http://127.0.0.1:${sqsPort}`, s3: `http://127.0.0.1:${s3Port}` };
  const clients = awsClients(endpoints);

  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await clients.dynamodb.send(new DescribeTableCommand({ TableName: table }));
  const dlq = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'skiff-dlq.fifo', Attributes: { FifoQueue: 'true' } }));
  const queue = await clients.sqs.send(
    new CreateQueueCommand({
      QueueName: 'skiff-events.fifo',
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        // A backstop only: local mode's poller dead-letters after 5 failed attempts itself,
        // because local-aws-sqs counts a held-back message's returns as receives.
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:skiff-dlq.fifo',
          maxReceiveCount: 1000,
        }),
      },
    }),
  );
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });

  return {
    endpoints,
    clients,
    table,
    queueUrl: queue.QueueUrl!,
    deadLetterQueueUrl: dlq.QueueUrl!,
    bucket,
    async close() {
      for (const client of Object.values(clients)) client.destroy();
      await Promise.all([closeServer(dynamo), closeServer(sqsServer), s3.close()]);
      if (!options.dataDir) rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}
