// Puts a failed SQS record off until GitHub's rate limit allows a retry, by setting its
// visibility timeout (the Lambda event source leaves failed records to their visibility timeout,
// which a ChangeMessageVisibility call replaces).
//
// The SQS client is loaded on first use, like the S3 one: rate limits are rare, and the plugins
// function should not pay for @aws-sdk/client-sqs at every cold start.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { firstUse, type ClientSource } from './client-source.js';
import type { Redelivery } from './ports.js';

export class SqsRedelivery implements Redelivery {
  private readonly sqs: () => Promise<SQSClient>;

  constructor(
    source: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {
    this.sqs = firstUse(source);
  }

  async redeliverAfter(receiptHandle: string, seconds: number): Promise<void> {
    const [sqs, { ChangeMessageVisibilityCommand }] = await Promise.all([this.sqs(), import('@aws-sdk/client-sqs')]);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }
}

/** An SQS client built on first use, from the runtime's configuration. */
export const lazySqsClient = () => async () => new (await import('@aws-sdk/client-sqs')).SQSClient({});
