// An SQS batch → dispatch per record, with partial batch failures: only failed records return
// to the queue. FIFO-aware (Powertools' SqsFifoPartialProcessorAsync with skipGroupOnError):
// after a failure, later events of the same pull request in the batch are failed too, so they
// are not applied out of order; other pull requests' events carry on.
//
// A record that failed on a GitHub rate limit comes back when the limit allows (the wait GitHub
// gave), not after the queue's visibility timeout; so do the records of its group it held back.
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { retryAfterSeconds } from '../github/errors.js';
import type { Redelivery } from '../storage/ports.js';
import { dispatch, type DispatchDeps } from './dispatch.js';

const groupOf = (record: SQSRecord): string => record.attributes.MessageGroupId ?? '';

export async function processBatch(event: SQSEvent, deps: DispatchDeps, redelivery?: Redelivery): Promise<SQSBatchResponse> {
  const processor = new SqsFifoPartialProcessorAsync();
  /** group → the longest wait GitHub asked for while processing it. */
  const waits = new Map<string, number>();
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      try {
        return await dispatch(record.body, deps);
      } catch (error) {
        const wait = retryAfterSeconds(error, (deps.now?.() ?? new Date()).getTime());
        if (wait !== undefined) waits.set(groupOf(record), Math.max(waits.get(groupOf(record)) ?? 0, wait));
        throw error;
      }
    },
    processor,
    {
      skipGroupOnError: true,
      // All records failing is an ordinary outcome here (GitHub down): report them, don't throw.
      throwOnFullBatchFailure: false,
    },
  );
  if (redelivery && waits.size) {
    const records = new Map(event.Records.map((record) => [record.messageId, record]));
    await Promise.all(
      response.batchItemFailures.map(async ({ itemIdentifier }) => {
        const record = records.get(itemIdentifier);
        const wait = record && waits.get(groupOf(record));
        if (!record || wait === undefined) return;
        try {
          await redelivery.redeliverAfter(record.receiptHandle, wait);
          deps.log.info('rate-limited: the event comes back when GitHub allows', { messageId: record.messageId, group: groupOf(record), retryAfterSeconds: wait });
        } catch (error) {
          // Not fatal: the record still comes back, after the queue's visibility timeout.
          deps.log.warn('could not put off a rate-limited event; it comes back after the visibility timeout', { messageId: record.messageId, error: error as Error });
        }
      }),
    );
  }
  return response;
}
