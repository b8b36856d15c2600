// GET /api/* (API Gateway HTTP API) → shared/api/read-api.ts; GET /jobs/{id}/log →
// shared/api/job-log.ts (shared/runtime/job-log-deps.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleJobLog, isJobLogPath } from '../shared/api/job-log.js';
import { handleApi } from '../shared/api/read-api.js';
import { required } from '../shared/runtime/env.js';
import { jobLogDepsFromEnv } from '../shared/runtime/job-log-deps.js';
import { budgetReader } from '../shared/storage/dynamo-budget.js';
import { DynamoStore } from '../shared/storage/dynamo-store.js';
import { lazyS3Client } from '../shared/storage/s3-payloads.js';

const dynamodb = new DynamoDBClient({});
const table = required(process.env, 'SKIFF_TABLE');
const store = new DynamoStore(dynamodb, table);
const budget = budgetReader(dynamodb, table);
const jobLogs = jobLogDepsFromEnv(process.env, { dynamodb, s3: lazyS3Client() });

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const url = event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
  if (jobLogs && isJobLogPath(event.rawPath)) {
    const response = await handleJobLog(event.requestContext.http.method, url, jobLogs);
    // Base64: its size is a fixed 4/3 of the text's, which keeps a capped log under Lambda's 6 MB
    // response limit; JSON-escaping control characters could grow it sixfold.
    return { statusCode: response.status, headers: response.headers, body: Buffer.from(response.body, 'utf8').toString('base64'), isBase64Encoded: true };
  }
  const response = await handleApi(event.requestContext.http.method, url, { traces: store, pluginHelp: store, budget });
  return { statusCode: response.status, body: response.body, headers: response.headers };
};
