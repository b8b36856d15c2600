// AWS SDK clients, built once per container. In Lambda the region and credentials come from
// the runtime; local mode passes the embedded stand-ins' endpoints.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  s3: S3Client;
}

export interface LocalEndpoints {
  dynamodb: string;
  sqs: string;
  s3: string;
}

export function awsClients(endpoints?: LocalEndpoints): AwsClients {
  // The stand-ins accept any credentials; s3rver wants its own fixed pair.
  const local = (endpoint: string | undefined, credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) =>
    endpoint ? { endpoint, region: 'us-east-1', credentials } : {};
  return {
    dynamodb: new DynamoDBClient(local(endpoints?.dynamodb)),
    sqs: new SQSClient(local(endpoints?.sqs)),
    s3: new S3Client({ ...local(endpoints?.s3, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), forcePathStyle: Boolean(endpoints) }),
  };
}
