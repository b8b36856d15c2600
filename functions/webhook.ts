// POST /hook (API Gateway HTTP API) → shared/hook/receive.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { receive } from '../shared/hook/receive.js';
import { createLogger } from '../shared/log.js';
import { receiveDeps } from '../shared/runtime/receive-deps.js';
import { lazyS3Client } from '../shared/storage/s3-payloads.js';

const log = createLogger();
const deps = receiveDeps(process.env, { sqs: new SQSClient({}), dynamodb: new DynamoDBClient({}), s3: lazyS3Client() }, log);

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const response = await receive({ method: event.requestContext.http.method, headers: event.headers, body }, deps);
  return { statusCode: response.status, body: response.body, headers: { 'content-type': 'text/plain; charset=utf-8' } };
};
