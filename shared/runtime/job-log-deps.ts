// The api function's `GET /jobs/<id>/log` (shared/api/job-log.ts) in AWS: the job table, the
// artifacts bucket's log copies, the build log group, and the webhook secret the links' key is
// derived from. A stack deployed with `jobLogLinks=false` sets none of these, and the route is
// not there either.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobLogDeps } from '../api/job-log.js';
import { jobLogLinks } from '../jobs/job-log-link.js';
import { DynamoJobStore } from '../jobs/store/dynamo-job-store.js';
import { cloudWatchLogEvents, s3LogObjects, type GetLogEvents } from '../storage/job-log-sources.js';
import type { Env } from './env.js';
import { hmacSecretsFromEnv } from './secrets.js';

export function jobLogDepsFromEnv(
  env: Env,
  aws: { dynamodb: DynamoDBClient; s3: () => Promise<Pick<S3Client, 'send'>>; events?: GetLogEvents },
): JobLogDeps | undefined {
  const table = env.SKIFF_JOBS_TABLE?.trim();
  const bucket = env.SKIFF_ARTIFACTS_BUCKET?.trim();
  const group = env.SKIFF_BUILD_LOG_GROUP?.trim();
  // The secret as everywhere (SKIFF_HMAC_SECRET_ARN in AWS, which the stack sets with the others).
  if (!table || !bucket || !group) return undefined;
  return {
    links: jobLogLinks(hmacSecretsFromEnv(env)),
    jobs: new DynamoJobStore(aws.dynamodb, table),
    objects: s3LogObjects(aws.s3, bucket),
    events: aws.events ?? cloudWatchLogEvents(group),
  };
}
