// GET /api/* (API Gateway HTTP API) → shared/api/read-api.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleApi } from '../shared/api/read-api.js';
import { required } from '../shared/runtime/env.js';
import { budgetReader } from '../shared/storage/dynamo-budget.js';
import { DynamoStore } from '../shared/storage/dynamo-store.js';

const dynamodb = new DynamoDBClient({});
const table = required(process.env, 'SKIFF_TABLE');
const store = new DynamoStore(dynamodb, table);
const budget = budgetReader(dynamodb, table);

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const url = event.rawQueryString ? `${event.rawPath}?${event.rawQueryString}` : event.rawPath;
  const response = await handleApi(event.requestContext.http.method, url, { traces: store, pluginHelp: store, budget });
  return { statusCode: response.status, body: response.body, headers: response.headers };
};
