// The Lambda entry points themselves, as API Gateway and the SQS event source call them: the
// webhook decodes base64 bodies and queues, the plugins handler turns an SQS batch into
// partial failures, the api handler serves traces and job logs. AWS is the embedded stand-ins; GitHub is the
// fake HTTP server.
import { createHmac } from 'node:crypto';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { sign } from '@octokit/webhooks-methods';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handledEvents } from '../../shared/hook/events.js';
import { parseHmacSecrets } from '../../shared/hook/hmac.js';
import { jobLogLinks } from '../../shared/jobs/job-log-link.js';
import { jobId } from '../../shared/jobs/plank.js';
import { DynamoJobStore } from '../../shared/jobs/store/dynamo-job-store.js';
import { startStandIns, type StandIns } from '../../shared/local/stand-ins.js';
import { plugins } from '../../shared/plugins/registry.js';
import { FakeGitHub, faults } from '../fakes/github-server.js';
import { prComment } from '../e2e/harness.js';
import { jobRecord } from '../fakes/plank-job-record.js';

const secret = 'handler-secret';
let aws: StandIns;
let github: FakeGitHub;
let handlers: {
  webhook: (e: APIGatewayProxyEventV2) => Promise<{ statusCode?: number; body?: string }>;
  plugins: (e: SQSEvent, context?: { getRemainingTimeInMillis(): number }) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  api: (e: APIGatewayProxyEventV2) => Promise<{ statusCode?: number; body?: string; headers?: Record<string, unknown>; isBase64Encoded?: boolean }>;
};

const httpEvent = (method: string, path: string, headers: Record<string, string>, body?: string, base64 = false, query = ''): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers,
    body: body === undefined ? undefined : base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'GitHub-Hookshot/test' } },
  }) as unknown as APIGatewayProxyEventV2;

/** A received message as the SQS event source hands it to the function. */
const sqsRecord = (m: Message): SQSRecord => ({
  messageId: m.MessageId!,
  receiptHandle: m.ReceiptHandle!,
  body: m.Body!,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0', MessageGroupId: m.Attributes?.MessageGroupId },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:skiff-events.fifo',
  awsRegion: 'us-east-1',
});

/**
 * Queues `/hold` on pull request `number` through the webhook handler; returns a receive that
 * finds that delivery's message in the queue, as the SQS event source would hand it over.
 */
async function holdThroughWebhook(number: number, delivery: string) {
  const body = JSON.stringify(prComment('/hold', { number }));
  await handlers.webhook(
    httpEvent('POST', '/hook', { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) }, body),
  );
  return async () => {
    const { Messages = [] } = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
    );
    return Messages.find((m) => m.Body?.includes(`"delivery":"${delivery}"`));
  };
}

beforeAll(async () => {
  aws = await startStandIns({ visibilityTimeoutSeconds: 30 });
  github = await FakeGitHub.start();
  github.setFile('acme/prow-config', 'main', 'plugins.yaml', 'plugins:\n  Codertocat/Hello-World: [hold]\n');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: aws.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: aws.endpoints.sqs,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    SKIFF_TABLE: aws.table,
    SKIFF_QUEUE_URL: aws.queueUrl,
    SKIFF_PAYLOAD_BUCKET: aws.bucket,
    SKIFF_HANDLED_EVENTS: [...handledEvents(plugins)].join(','),
    SKIFF_CONFIG: 'acme/prow-config:plugins.yaml',
    WEBHOOK_SECRET: secret,
    GITHUB_TOKEN: 'handler-token',
    GITHUB_API_URL: github.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    LOG_LEVEL: 'SILENT',
  });
  const webhook = (await import('../../functions/webhook.js')).handler;
  const pluginsHandler = (await import('../../functions/plugins.js')).handler;
  // Only the api function is deployed with these (jobLogLinks): GET /jobs/{id}/log.
  Object.assign(process.env, { SKIFF_JOBS_TABLE: aws.jobsTable, SKIFF_ARTIFACTS_BUCKET: aws.bucket, SKIFF_BUILD_LOG_GROUP: 'skiff-build-logs' });
  handlers = { webhook, plugins: pluginsHandler, api: (await import('../../functions/api.js')).handler };
});

afterAll(async () => {
  await github?.close();
  await aws?.close();
});

describe('Lambda handlers', () => {
  it.each([
    { name: 'a plain body', base64: false },
    { name: 'a base64 body (API Gateway binary mode)', base64: true },
  ])('webhook queues a signed delivery sent as $name', async ({ base64 }) => {
    // Prepare
    const payload = prComment('/hold ✓');
    const body = JSON.stringify(payload);
    const delivery = `handler-${base64 ? 'b64' : 'plain'}`;
    // Act
    const response = await handlers.webhook(
      httpEvent('POST', '/hook', { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) }, body, base64),
    );
    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: 'Event received. Have a nice day.' });
    const trace = await handlers.api(httpEvent('GET', `/api/deliveries/${delivery}`, {}));
    expect(JSON.parse(trace.body!)).toMatchObject({ delivery, status: 'queued', event: 'issue_comment' });
  });

  it('webhook verifies a base64 body over its bytes, even bytes that are not UTF-8', async () => {
    // Prepare: a real comment whose body holds 0xFF 0xFE, signed over exactly those bytes.
    const json = JSON.stringify(prComment('/hold '));
    const at = json.lastIndexOf('/hold ') + '/hold '.length;
    const bytes = Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from([0xff, 0xfe]), Buffer.from(json.slice(at))]);
    const signature = `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`;
    const event = httpEvent('POST', '/hook', { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': 'handler-not-utf8', 'x-hub-signature-256': signature });
    Object.assign(event, { body: bytes.toString('base64'), isBase64Encoded: true });

    // Act
    const response = await handlers.webhook(event);

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: 'Event received. Have a nice day.' });
  });

  it('webhook refuses a bad signature with 403 and queues nothing', async () => {
    const response = await handlers.webhook(
      httpEvent('POST', '/hook', { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': 'bad', 'x-hub-signature-256': 'sha256=00' }, '{}'),
    );
    expect(response).toMatchObject({ statusCode: 403, body: '403 Forbidden: Invalid X-Hub-Signature-256' });
  });

  it('plugins processes the queued batch, and acknowledges a record no worker can read (it would fail the same way five times)', async () => {
    // Prepare: the three deliveries queued above, plus one record no worker can read.
    const { Messages = [] } = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: aws.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
    );
    const records = Messages.map(sqsRecord);
    const broken = { ...records[0]!, messageId: 'broken', body: 'not json', attributes: { ...records[0]!.attributes, MessageGroupId: 'other' } };
    // Act
    const response = await handlers.plugins({ Records: [...records, broken] } as SQSEvent);
    // Assess
    expect(records).toHaveLength(3);
    expect(response.batchItemFailures).toEqual([]);
    // Three deliveries, three (idempotent) writes: claims are per delivery.
    expect(github.writes()).toEqual(Array(3).fill('addLabel Codertocat/Hello-World#1 do-not-merge/hold'));
    const trace = await handlers.api(httpEvent('GET', '/api/deliveries/handler-plain', {}));
    expect(JSON.parse(trace.body!)).toMatchObject({ status: 'processed', plugins: { hold: { status: 'ran' }, size: { status: 'skipped' } } });
  });

  it('plugins puts a rate-limited record off by the wait GitHub gave, not the 30 s visibility timeout', async () => {
    // Prepare: a delivery queued through the webhook, received as the event source would; GitHub
    // answers its label write with a secondary limit three times (plugin-throttling waits out
    // two, 1 s each, then gives up), asking for 1 s.
    const receiveOurs = await holdThroughWebhook(7, 'handler-rate-limited');
    const message = await receiveOurs();
    github.failNext({ method: 'POST', path: /\/labels$/ }, faults.secondaryRateLimit(1), 3);
    // Act
    const response = await handlers.plugins({ Records: [sqsRecord(message!)] } as SQSEvent);
    // Assess: failed, and visible again about a second later (polled for up to 10 s)
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: message!.MessageId }]);
    let again: typeof message;
    for (let tries = 0; !again && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await receiveOurs();
    }
    expect(again?.MessageId).toBe(message!.MessageId);
  });

  it('plugins hands every record back, unstarted and at once, when the invocation has too little time left', async () => {
    // Prepare: a delivery queued through the webhook; the Lambda context says 1 s is left.
    const delivery = 'handler-out-of-time';
    const receiveOurs = await holdThroughWebhook(8, delivery);
    const message = await receiveOurs();
    const writesBefore = github.writes().length;
    // Act
    const response = await handlers.plugins({ Records: [sqsRecord(message!)] } as SQSEvent, { getRemainingTimeInMillis: () => 1_000 });
    // Assess: failed without running (no write, the trace still queued), and visible again at once
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: message!.MessageId }]);
    expect(github.writes()).toHaveLength(writesBefore);
    const trace = await handlers.api(httpEvent('GET', `/api/deliveries/${delivery}`, {}));
    expect(JSON.parse(trace.body!)).toMatchObject({ status: 'queued', attempts: 0 });
    let again: typeof message;
    for (let tries = 0; !again && tries < 50; tries++) {
      again = await receiveOurs();
      if (!again) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(again?.MessageId).toBe(message!.MessageId);
  });

  it('plugins publishes GitHub’s remaining quota per credential as EMF metrics, the token never in them', async () => {
    // Prepare: a /hold through the webhook, whose label write reports the fake's rate limit.
    const receiveOurs = await holdThroughWebhook(9, 'handler-metrics');
    const message = await receiveOurs();
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    // Act
    try {
      await handlers.plugins({ Records: [sqsRecord(message!)] } as SQSEvent);
    } finally {
      stdout.mockRestore();
    }
    // Assess
    const emf = written.flatMap((line) => line.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const perCredential = emf.find((doc) => doc.Resource === 'core');
    expect(perCredential).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Skiff', Dimensions: [expect.arrayContaining(['service', 'Credential', 'Resource'])] }] },
      service: 'skiff',
      Credential: expect.stringMatching(/^token:[0-9a-f]{16}$/),
      rateLimit: '5000',
      GitHubRateLimitRemaining: expect.any(Number),
      GitHubRateLimitRemainingPercent: expect.any(Number),
    });
    expect(perCredential!.GitHubRateLimitRemainingPercent).toBeCloseTo((100 * (perCredential!.GitHubRateLimitRemaining as number)) / 5000);
    expect(emf.find((doc) => 'GitHubQuotaLowestRemainingPercent' in doc)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'Skiff', Dimensions: [['service']] }] },
      GitHubQuotaLowestRemainingPercent: perCredential!.GitHubRateLimitRemainingPercent,
    });
    expect(written.join('')).not.toContain('handler-token');
  });

  it.each([
    { path: '/api/deliveries/nope', status: 404 },
    { path: '/api/deliveries/bad%20id', status: 400 },
    { path: '/api/other', status: 404 },
  ])('api answers $status for $path', async ({ path, status }) => {
    const response = await handlers.api(httpEvent('GET', path, {}));
    expect(response.statusCode).toBe(status);
  });

  it.each([
    { name: 'a job waiting for its build', job: 'waiting', signed: true, status: 200, says: /^Skiff: unit \(job [0-9a-f]{32}, running\): not started yet/ },
    { name: 'an unknown job', job: 'unknown', signed: true, status: 404, says: /^404 Not Found: no job / },
    { name: 'a link without its signature', job: 'waiting', signed: false, status: 403, says: /^403 Forbidden: the link has no signature/ },
  ])('api serves GET /jobs/{id}/log base64-encoded as text: $name → $status', async ({ job, signed, status, says }) => {
    // Prepare: a record as plank makes it, and the link its status would carry.
    const id = jobId(`handler-${job}`, 'unit');
    if (job === 'waiting') await new DynamoJobStore(aws.clients.dynamodb, aws.jobsTable).create(jobRecord({ id, agent: 'codebuild', state: 'pending' }));
    const link = new URL(await jobLogLinks(async () => parseHmacSecrets(secret)).url(id), 'http://x');
    // Act
    const response = await handlers.api(httpEvent('GET', link.pathname, {}, undefined, false, signed ? link.search.slice(1) : ''));
    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8' });
    expect(Buffer.from(response.body!, 'base64').toString('utf8')).toMatch(says);
  });
});
