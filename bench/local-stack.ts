// One benchmark's Skiff: the end-to-end tests' stack (test/e2e/harness.ts): a fake GitHub over
// HTTP and local mode (webhook, queue poller and read API in this process, over embedded
// DynamoDB/SQS/S3 stand-ins) pointed at it, with the config read from a file in a fake repository.
// Each benchmark starts its own stack, so counts from one cannot leak into another.
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { encodeQueuedEvent, groupIdOf } from '../shared/hook/queued-event.js';
import type { Delivery } from './webhook-client.js';
import type { LocalOptions, LocalSkiff } from '../shared/local/local-mode.js';
import type { OctokitOptions } from '../shared/github/octokit.js';
import { createLogger } from '../shared/log.js';
import { secret, startHarness } from '../test/e2e/harness.js';
import type { FakeGitHub } from '../test/fakes/github-server.js';
import { withTimeout } from './waiting.js';

/** The end-to-end tests' stack (config enabling hold and size for the sample repository). */
export const benchSecret = secret;
export const holdLabel = 'do-not-merge/hold';

export interface BenchStack {
  github: FakeGitHub;
  skiff: LocalSkiff;
  /** Messages in the events queue: visible, and received but not yet deleted. */
  queueDepth(): Promise<{ visible: number; inFlight: number }>;
  /** Messages in the dead-letter queue, visible or not. */
  deadLetterDepth(): Promise<number>;
  /**
   * What SQS's at-least-once delivery can do: the same queued event sent again under another
   * deduplication id, in the event's own FIFO group (as the webhook would queue it).
   */
  injectSqsDuplicate(delivery: Delivery): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Default: no write pacing, 5 ms retry units (see OctokitOptions). */
  octokit?: Partial<OctokitOptions>;
  /** Extra environment for local mode (e.g. SKIFF_HMAC_FILE). */
  env?: Record<string, string>;
  /** Local mode's data directory: with one, the queue is journalled (fsync'd) before each ack. */
  dataDir?: string;
  /** The plugins.yaml the stack reads (default: the harness's, hold and size for the sample repository). */
  config?: string;
  /** How long a received record stays hidden before it is delivered again (default 30 s). */
  visibilityTimeoutSeconds?: number;
  /** Local mode's job passes (horologium, reconciler, sinker): a benchmark that counts GitHub calls turns them off (0). */
  jobTicks?: LocalOptions['jobTicks'];
}

export async function startBenchStack(options: StackOptions = {}): Promise<BenchStack> {
  const { github, skiff } = await withTimeout(
    'starting local mode',
    30_000,
    startHarness({
      config: options.config,
      env: options.env,
      skiff: {
        // The CDK stack's queue waits 6 × the 60 s function timeout; local mode's default of 30 s
        // is plenty here: nothing in these runs takes seconds, so nothing is redelivered early.
        // A benchmark of the queue's retries asks for less, so a failed record comes back soon.
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
        octokit: { writeIntervalMs: 0, retryBaseMs: 5, ...options.octokit },
        log: createLogger({ logLevel: 'SILENT' }),
        dataDir: options.dataDir,
        ...(options.jobTicks ? { jobTicks: options.jobTicks } : {}),
      },
    }),
  );
  const { sqs } = skiff.standIns.clients;
  return {
    github,
    skiff,
    async queueDepth() {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: skiff.standIns.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return { visible: Number(Attributes.ApproximateNumberOfMessages ?? 0), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) };
    },
    async deadLetterDepth() {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: skiff.standIns.deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
    async injectSqsDuplicate(delivery) {
      const body = encodeQueuedEvent({ delivery: delivery.delivery, event: delivery.event, receivedAt: new Date().toISOString() }, delivery.body);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: skiff.standIns.queueUrl,
          MessageBody: body,
          MessageGroupId: groupIdOf(JSON.parse(delivery.body)),
          MessageDeduplicationId: `${delivery.delivery}-sqs-duplicate`,
        }),
      );
    },
    async close() {
      // Bounded, and never an error: the numbers are already taken, and run.ts exits the process
      // at the end, which ends anything a stuck close left behind.
      try {
        await withTimeout('closing local mode', 15_000, skiff.close());
      } catch (error) {
        console.warn(`bench: ${(error as Error).message}`);
      }
      await withTimeout('closing the fake GitHub', 5_000, github.close()).catch((error: Error) => console.warn(`bench: ${error.message}`));
    },
  };
}
