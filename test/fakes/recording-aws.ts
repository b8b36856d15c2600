// Real AWS SDK clients whose HTTP requests never leave the process: a stub request handler
// answers each one and records the IAM action it needs (`dynamodb:PutItem`, `sqs:SendMessage`,
// `s3:PutObject`). Lets a test run Skiff's own AWS adapters and compare what they call with what
// the CDK stack grants — the two can drift apart without any local test failing, because the
// stand-ins do not enforce IAM.
import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

interface StubRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

interface StubResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

/** `AmazonSQS.SendMessage` → `sqs:SendMessage`; S3 by method (Skiff only puts and gets objects). */
function actionOf(service: 'dynamodb' | 'sqs' | 's3', request: StubRequest): string {
  if (service === 's3') {
    const verbs: Record<string, string> = { PUT: 'PutObject', GET: 'GetObject' };
    return `s3:${verbs[request.method] ?? `${request.method} ${request.path}`}`;
  }
  const target = request.headers['x-amz-target'] ?? '';
  return `${service}:${target.slice(target.indexOf('.') + 1)}`;
}

export interface RecordingAws {
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; s3: S3Client };
  /** Every action requested, in order (retries included). */
  actions: string[];
  /** Answers requests for this action with a failure from now on (e.g. SQS unavailable). */
  failing: Set<string>;
}

export function recordingAws(): RecordingAws {
  const actions: string[] = [];
  const failing = new Set<string>();
  const handler = (service: 'dynamodb' | 'sqs' | 's3') => ({
    async handle(request: StubRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> {
      const action = actionOf(service, request);
      actions.push(action);
      const reply: StubResponse = failing.has(action)
        ? { statusCode: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ __type: 'com.amazonaws#AccessDeniedException', message: 'stubbed failure' }) }
        : service === 's3'
          ? { statusCode: 200, headers: { etag: '"0"' }, body: request.method === 'GET' ? '{"stub":true}' : '' }
          : { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: service === 'sqs' ? '{"MessageId":"stub"}' : '{}' };
      return { response: { statusCode: reply.statusCode, headers: reply.headers ?? {}, body: Readable.from([Buffer.from(reply.body ?? '')]) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  });
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'stub', secretAccessKey: 'stub' }, maxAttempts: 1 };
  return {
    actions,
    failing,
    clients: {
      dynamodb: new DynamoDBClient({ ...common, requestHandler: handler('dynamodb') }),
      // The stub does not echo an MD5 of the body: nothing to validate.
      sqs: new SQSClient({ ...common, md5: false, requestHandler: handler('sqs') }),
      s3: new S3Client({ ...common, requestHandler: handler('s3') }),
    },
  };
}
