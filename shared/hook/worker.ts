// An SQS batch → dispatch per record, with partial batch failures: only failed records return
// to the queue. FIFO-aware (Powertools' SqsFifoPartialProcessorAsync with skipGroupOnError):
// after a failure, later events of the same pull request in the batch are failed too, so they
// are not applied out of order; other pull requests' events carry on.
//
// - A record fails (and comes back) only for what can succeed later; one that ended on anything
//   else (dispatch recorded it in the trace) is acknowledged, so its group moves on.
// - A record starts only when the invocation has time left for its worst case; otherwise it is
//   handed back untouched (not an attempt in its trace) and comes back at once.
// - A record that failed on a GitHub rate limit comes back when the limit allows (the wait GitHub
//   gave), not after the queue's visibility timeout; so do the records of its group it held back.
// - A record failing on its last receive is logged as going to the dead-letter queue.
// - Each FIFO group of the batch runs concurrently with the others, in order within itself: a
//   record that waits (a short wait for GitHub budget is slept in the record) delays only its own
//   pull request. Forwards to external plugins (forward.ts) run in groups of their own, so a slow
//   endpoint never holds back a built-in plugin in the same batch.
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describeError, isRetryable, RetryableError, retryAfterSeconds, stackOf } from '../github/errors.js';
import type { Redelivery } from '../storage/ports.js';
import { dispatch, type DispatchDeps } from './dispatch.js';
import { forward, isForwardMessage, type ForwardDeps } from './forward.js';

export interface WorkerOptions {
  /** Time left in this invocation (Lambda's `context.getRemainingTimeInMillis`). Without it, every record starts. */
  remainingTimeMs?: () => number;
  /** The queue's maxReceiveCount: a record failing on that receive goes to the dead-letter queue. */
  maxReceiveCount?: number;
}

/** Time limits of one record, derived once from the settings by recordTiming. */
export interface RecordTiming {
  /** Longest one GitHub request may take, all its attempts included (SKIFF_GITHUB_TIMEOUT_MS). */
  githubRequestMs: number;
  /** Longest a record's GitHub requests may take in all; then they stop and the record fails. */
  recordGitHubMs: number;
  /** Longest a record can take, start to end. A record starts only with this much time left. */
  worstCaseRecordMs: number;
  /** How long a plugin's claim holds off other workers: as long as the record that runs it can take. */
  leaseMs: number;
}

/**
 * A record's GitHub time, in requests' time limits. One record makes a handful of requests
 * (config revalidation, the bot's login, an installation token, a plugin's reads and writes),
 * each well under a second when GitHub is well; when three requests' worth of time limits have
 * gone by, GitHub is slow enough that the record is better retried later than finished now.
 */
export const githubRequestsPerRecord = 3;

/**
 * The rest of a record: a dozen DynamoDB and S3 calls (claims, trace writes, a large payload) of
 * milliseconds each. The AWS SDK sets no time limit on them; this is an allowance, not a cut-off.
 */
export const storeAllowanceMs = 5_000;

/** Left at the end of an invocation for the batch's own calls (redelivery) and the response. */
export const invocationReserveMs = 5_000;

export class RecordTimingError extends Error {
  override name = 'RecordTimingError';
}

/**
 * Derives a record's time limits from the GitHub request limit (T) and the function's timeout (W):
 *
 *   recordGitHubMs    = T × githubRequestsPerRecord        (30 s with T = 10 s)
 *   worstCaseRecordMs = recordGitHubMs + storeAllowanceMs  (35 s)
 *   leaseMs           = worstCaseRecordMs                  (a claim outlives the run of its plugin)
 *
 * The worst case must fit in W less invocationReserveMs (60 − 5 = 55 s), or no record could ever
 * start: then the settings are refused at start-up rather than every event handed back forever.
 */
export function recordTiming(settings: { githubRequestMs: number; workerTimeoutMs: number }): RecordTiming {
  const { githubRequestMs, workerTimeoutMs } = settings;
  const recordGitHubMs = githubRequestMs * githubRequestsPerRecord;
  const worstCaseRecordMs = recordGitHubMs + storeAllowanceMs;
  if (worstCaseRecordMs > workerTimeoutMs - invocationReserveMs) {
    throw new RecordTimingError(
      `a GitHub request time limit of ${githubRequestMs} ms lets one record take ${worstCaseRecordMs} ms, ` +
        `more than a ${workerTimeoutMs} ms worker can give it (${invocationReserveMs} ms are kept for the batch): ` +
        `lower SKIFF_GITHUB_TIMEOUT_MS to at most ${Math.floor((workerTimeoutMs - invocationReserveMs - storeAllowanceMs) / githubRequestsPerRecord)}`,
    );
  }
  return { githubRequestMs, recordGitHubMs, worstCaseRecordMs, leaseMs: worstCaseRecordMs };
}

/** A record handed back unstarted because the invocation cannot give it its worst case. */
export class NotEnoughTimeError extends RetryableError {
  override name = 'NotEnoughTimeError';
}

const groupOf = (record: SQSRecord): string => record.attributes.MessageGroupId ?? '';

/** Prow's hook has no limit; 10 s is what GitHub itself gives a webhook endpoint. */
export const defaultForwardTimeoutMs = 10_000;

const forwardDepsOf = (deps: DispatchDeps): ForwardDeps => ({
  claims: deps.claims,
  traces: deps.traces,
  payloads: deps.payloads,
  log: deps.log,
  leaseMs: deps.leaseMs,
  timeoutMs: deps.forwarding?.timeoutMs ?? defaultForwardTimeoutMs,
  fetch: deps.forwarding?.fetch,
  now: deps.now,
});

/**
 * The batch as the processor sees it: one sequence per FIFO group, in the group's order, all run
 * at once. A record that waits (for GitHub's budget, a slow answer) holds back only the later
 * records of its own pull request, never another pull request's in the same batch. Forwards get
 * sequences of their own, so a slow external endpoint never holds back a built-in plugin.
 * At most a batch's size (10) of records run at once; each starts only with its worst case left.
 */
function sequencesOf(records: SQSRecord[]): SQSRecord[][] {
  const sequences = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const key = `${isForwardMessage(record.body) ? 'forward' : 'event'}\0${groupOf(record)}`;
    const sequence = sequences.get(key);
    if (sequence) sequence.push(record);
    else sequences.set(key, [record]);
  }
  return [...sequences.values()];
}

/** The delivery id in a queued message, for logs; undefined when the body cannot be read. */
function deliveryOf(body: string): string | undefined {
  try {
    const delivery: unknown = (JSON.parse(body) as { delivery?: unknown } | null)?.delivery;
    return typeof delivery === 'string' ? delivery : undefined;
  } catch {
    return undefined;
  }
}

export async function processBatch(event: SQSEvent, deps: DispatchDeps, redelivery?: Redelivery, options: WorkerOptions = {}): Promise<SQSBatchResponse> {
  const { log } = deps;
  const worstCaseMs = deps.worstCaseRecordMs ?? deps.leaseMs;
  const forwardDeps = forwardDepsOf(deps);
  /**
   * group → seconds until its failed records come back: the wait GitHub asked for, or 0 for a
   * group handed back for time. A group fails once per batch (the rest of it is skipped), so
   * its first failure decides.
   */
  const comeBackAfter = new Map<string, number>();
  /** messageId → why it failed, for the dead-letter line. */
  const failures = new Map<string, string>();
  const handle = async (record: SQSRecord) => {
    const { messageId } = record;
    const group = groupOf(record);
    const remainingMs = options.remainingTimeMs?.();
    if (remainingMs !== undefined && remainingMs < worstCaseMs) {
      const reason = `not started: ${remainingMs} ms left in this invocation, and a record may take ${worstCaseMs} ms`;
      comeBackAfter.set(group, 0);
      failures.set(messageId, reason);
      log.warn('not enough time left for this record; handing it back', { messageId, delivery: deliveryOf(record.body), group, remainingMs, worstCaseRecordMs: worstCaseMs });
      throw new NotEnoughTimeError(reason);
    }
    try {
      if (isForwardMessage(record.body)) return await forward(record.body, forwardDeps, Number(record.attributes.ApproximateReceiveCount) || 1);
      return await dispatch(record.body, deps);
    } catch (error) {
      const delivery = deliveryOf(record.body);
      if (!isRetryable(error)) {
        // dispatch has put the error in the trace (when the message named a delivery).
        log.error('event ended on an error that retrying cannot fix; not retried', { messageId, delivery, group, error: describeError(error) });
        log.debug('event ended on an error: stack', { messageId, delivery, stack: stackOf(error) });
        return undefined;
      }
      const wait = retryAfterSeconds(error, (deps.now?.() ?? new Date()).getTime());
      if (wait !== undefined) comeBackAfter.set(group, wait);
      failures.set(messageId, describeError(error));
      throw error;
    }
  };
  const responses = await Promise.all(
    sequencesOf(event.Records).map((Records) =>
      processPartialResponse({ Records }, handle, new SqsFifoPartialProcessorAsync(), {
        skipGroupOnError: true,
        // All records failing is an ordinary outcome here (GitHub down): report them, don't throw.
        throwOnFullBatchFailure: false,
      }),
    ),
  );
  const response: SQSBatchResponse = { batchItemFailures: responses.flatMap((r) => r.batchItemFailures) };
  const records = new Map(event.Records.map((record) => [record.messageId, record]));
  await Promise.all(
    response.batchItemFailures.map(async ({ itemIdentifier }) => {
      const record = records.get(itemIdentifier);
      if (!record) return;
      const group = groupOf(record);
      const receives = Number(record.attributes.ApproximateReceiveCount);
      if (options.maxReceiveCount !== undefined && receives >= options.maxReceiveCount) {
        log.error('event failed for the last time; it goes to the dead-letter queue', {
          messageId: record.messageId,
          delivery: deliveryOf(record.body),
          group,
          receives,
          reason: failures.get(record.messageId) ?? 'held back behind an earlier failure of its group',
        });
      }
      const wait = comeBackAfter.get(group);
      if (!redelivery || wait === undefined) return;
      try {
        await redelivery.redeliverAfter(record.receiptHandle, wait);
        if (wait) log.info('rate-limited: the event comes back when GitHub allows', { messageId: record.messageId, group, retryAfterSeconds: wait });
      } catch (error) {
        // Not fatal: the record still comes back, after the queue's visibility timeout.
        log.warn('could not set when the event comes back; it does after the visibility timeout', { messageId: record.messageId, group, error: describeError(error) });
      }
    }),
  );
  return response;
}
