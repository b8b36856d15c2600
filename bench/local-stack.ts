// One benchmark's Skiff: a fake GitHub over HTTP (test/fakes/github-server.ts) and local mode
// (webhook, queue poller and read API in this process, over embedded DynamoDB/SQS/S3 stand-ins)
// pointed at it, with the config read from a file in a fake repository, as in AWS.
// Each benchmark starts its own stack, so counts from one cannot leak into another.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startLocal, type LocalSkiff } from '../shared/local/local-mode.js';
import type { OctokitOptions } from '../shared/github/octokit.js';
import { createLogger } from '../shared/log.js';
import { FakeGitHub } from '../test/fakes/github-server.js';
import { withTimeout } from './waiting.js';
import { benchRepo } from './payloads.js';

export const benchSecret = 'bench-webhook-secret';
export const configRepo = 'acme/prow-config';
export const configPath = 'plugins.yaml';
export const holdLabel = 'do-not-merge/hold';
export const benchConfig = `plugins:\n  ${benchRepo}:\n    plugins: [hold, size]\n`;

export interface BenchStack {
  github: FakeGitHub;
  skiff: LocalSkiff;
  /** Messages in the events queue: visible, and received but not yet deleted. */
  queueDepth(): Promise<{ visible: number; inFlight: number }>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Default: no write pacing, 5 ms retry units (see OctokitOptions). */
  octokit?: Partial<OctokitOptions>;
}

export async function startBenchStack(options: StackOptions = {}): Promise<BenchStack> {
  const github = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  github.setFile(configRepo, 'main', configPath, benchConfig);
  let skiff: LocalSkiff;
  try {
    skiff = await withTimeout(
      'starting local mode',
      30_000,
      startLocal({
        env: {
          SKIFF_CONFIG: `${configRepo}:${configPath}`,
          GITHUB_API_URL: github.url,
          GITHUB_TOKEN: 'bench-token',
          WEBHOOK_SECRET: benchSecret,
        },
        port: 0,
        // The CDK stack's queue waits 6 × the 60 s function timeout; local mode's default of 30 s
        // is plenty here: nothing in these runs takes seconds, so nothing is redelivered early.
        visibilityTimeoutSeconds: 30,
        octokit: { writeIntervalMs: 0, retryBaseMs: 5, ...options.octokit },
        log: createLogger({ logLevel: 'SILENT' }),
      }),
    );
  } catch (error) {
    await github.close();
    throw error;
  }
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
