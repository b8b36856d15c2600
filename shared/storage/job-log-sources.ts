// Where a CodeBuild job's log is, for `GET /jobs/<id>/log` (shared/api/job-log.ts): the gzipped
// copy CodeBuild writes to the artifacts bucket when a build ends (the StartBuild override
// `logsConfigOverride.s3Logs`, agents/codebuild.ts), and the CloudWatch Logs stream it writes as
// the build runs, in the project's log group, named after the build id's uuid part.
import type { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';

/** One GetLogEvents page, as the SDK answers it. */
export interface LogEventsPage {
  events?: { message?: string }[];
  nextForwardToken?: string;
  nextBackwardToken?: string;
}

/** GetLogEvents on the build log group (the group is the adapter's). */
export type GetLogEvents = (input: { logStreamName: string; startFromHead: boolean; nextToken?: string }) => Promise<LogEventsPage>;

/** The S3 copy's bytes (still gzipped), or undefined while there is none. */
export type OpenLogObject = (key: string) => Promise<AsyncIterable<Uint8Array> | undefined>;

/**
 * GetObject on the artifacts bucket. A key that does not exist answers 404, or 403 to a role
 * without s3:ListBucket (which the api role does not have and does not need):
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html — both mean "not written
 * yet", and the caller falls back to CloudWatch Logs, so a real access problem still shows the log.
 */
export function s3LogObjects(s3: () => Promise<Pick<S3Client, 'send'>>, bucket: string): OpenLogObject {
  return async (key) => {
    const [client, { GetObjectCommand }] = await Promise.all([s3(), import('@aws-sdk/client-s3')]);
    try {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Body as AsyncIterable<Uint8Array> | undefined;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if ((error as Error).name === 'NoSuchKey' || status === 404 || status === 403) return undefined;
      throw error;
    }
  };
}

/** What a missing stream is called (a build not yet provisioned has written nothing). */
export const isMissingStream = (error: unknown): boolean => (error as Error | undefined)?.name === 'ResourceNotFoundException';

/**
 * GetLogEvents on `logGroupName`. The SDK's client is loaded on first use, not at the api
 * function's start: most of its requests are trace reads that never touch a build log.
 */
export function cloudWatchLogEvents(logGroupName: string, client?: () => Promise<Pick<CloudWatchLogsClient, 'send'>>): GetLogEvents {
  let sdk: Promise<{ logs: Pick<CloudWatchLogsClient, 'send'>; GetLogEventsCommand: typeof GetLogEventsCommand }> | undefined;
  return async (input) => {
    sdk ??= import('@aws-sdk/client-cloudwatch-logs').then(
      async (m) => ({ logs: client ? await client() : new m.CloudWatchLogsClient({}), GetLogEventsCommand: m.GetLogEventsCommand }),
      (error: unknown) => ((sdk = undefined), Promise.reject(error)),
    );
    const { logs, GetLogEventsCommand: Command } = await sdk;
    const { events, nextForwardToken, nextBackwardToken } = await logs.send(new Command({ logGroupName, ...input }));
    return { events: (events ?? []).map((e) => ({ ...(e.message === undefined ? {} : { message: e.message }) })), ...(nextForwardToken ? { nextForwardToken } : {}), ...(nextBackwardToken ? { nextBackwardToken } : {}) };
  };
}
