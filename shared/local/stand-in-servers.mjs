// The embedded AWS stand-ins' HTTP servers — dynalite (DynamoDB), local-aws-sqs (SQS) and
// s3rver (S3) — run in a worker thread of the local-mode process, so they have an event loop
// (and a core) of their own instead of competing with the webhook and the workers for one.
// Plain JavaScript: a worker thread gets no TypeScript loader from tsx or vitest.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';

const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
const close = (server) => new Promise((resolve) => server.close(() => resolve()));

const { dynamoPath, s3Dir } = workerData;
const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dynamoPath ? { path: dynamoPath } : {}) });
const dynamoPort = await listen(dynamo);
const sqs = await createSqsServer({ port: 0, hostname: '127.0.0.1' });
const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir });
const { port: s3Port } = await s3.run();

parentPort.on('message', async (message) => {
  if (message !== 'close') return;
  sqs.closeAllConnections?.();
  await Promise.all([close(dynamo), close(sqs), s3.close()]);
  parentPort.postMessage({ closed: true });
  parentPort.close();
});
parentPort.postMessage({ ports: { dynamodb: dynamoPort, sqs: sqs.address().port, s3: s3Port } });
