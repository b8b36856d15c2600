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

/** Each client is built on first use, so a function pays only for the clients it touches. */
export function awsClients(endpoints?: LocalEndpoints): AwsClients {
  // The stand-ins accept any credentials; s3rver wants its own fixed pair.
  const local = (endpoint: string | undefined, credentials = { accessKeyId: 'local', secretAccessKey: 'local' }) =>
    endpoint ? { endpoint, region: 'us-east-1', credentials } : {};
  let dynamodb: DynamoDBClient | undefined;
  let sqs: SQSClient | undefined;
  let s3: S3Client | undefined;
  return {
    get dynamodb() {
      return (dynamodb ??= new DynamoDBClient(local(endpoints?.dynamodb)));
    },
    get sqs() {
      return (sqs ??= new SQSClient(local(endpoints?.sqs)));
    },
    get s3() {
      return (s3 ??= new S3Client({ ...local(endpoints?.s3, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), forcePathStyle: Boolean(endpoints) }));
    },
  };
}
