// An SQS batch → dispatch per record, with partial batch failures: only failed records return
// to the queue. FIFO-aware (Powertools' SqsFifoPartialProcessorAsync with skipGroupOnError):
// after a failure, later events of the same pull request in the batch are failed too, so they
// are not applied out of order; other pull requests' events carry on.
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dispatch, type DispatchDeps } from './dispatch.js';

export async function processBatch(event: SQSEvent, deps: DispatchDeps): Promise<SQSBatchResponse> {
  const processor = new SqsFifoPartialProcessorAsync();
  return processPartialResponse(event, (record: SQSRecord) => dispatch(record.body, deps), processor, {
    skipGroupOnError: true,
    // All records failing is an ordinary outcome here (GitHub down): report them, don't throw.
    throwOnFullBatchFailure: false,
  });
}
