// GET /api/* (API Gateway HTTP API) → shared/api/read-api.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handleApi } from '../shared/api/read-api.js';
import { required } from '../shared/runtime/env.js';
import { DynamoStore } from '../shared/storage/dynamo-store.js';

const traces = new DynamoStore(new DynamoDBClient({}), required(process.env, 'SKIFF_TABLE'));

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const response = await handleApi(event.requestContext.http.method, event.rawPath, { traces });
  return { statusCode: response.status, body: response.body, headers: response.headers };
};
