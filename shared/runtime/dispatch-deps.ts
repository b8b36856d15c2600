// The plugins function's composition root (also used by local mode): given AWS clients and the
// environment, build dispatch's dependencies — config agent, GitHub connector, claim and trace
// store. Called once per container, at module load, so the per-event path does per-event work only.
// The time limits (a GitHub request's, a record's, a claim's lease) are derived here once from
// SKIFF_GITHUB_TIMEOUT_MS and SKIFF_WORKER_TIMEOUT_SECONDS (recordTiming in hook/worker.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigAgent, FileConfigSource, RepoConfigSource } from '../config/agent.js';
import { parseConfigLocation } from '../config/location.js';
import type { GitHubClient } from '../github/client.js';
import { GitHubConnector } from '../github/connector.js';
import { defaultRequestTimeoutMs, type OctokitOptions } from '../github/octokit.js';
import type { DispatchDeps } from '../hook/dispatch.js';
import { sqsMaxMessageBytes } from '../hook/receive.js';
import { defaultForwardTimeoutMs, recordTiming, type WorkerOptions } from '../hook/worker.js';
import type { Logger } from '../log.js';
import { plugins } from '../plugins/registry.js';
import { DynamoStore } from '../storage/dynamo-store.js';
import type { EventQueue } from '../storage/ports.js';
import { S3Payloads, type S3ClientSource } from '../storage/s3-payloads.js';
import { lazySqsClient } from '../storage/sqs-redelivery.js';
import { required, type Env } from './env.js';
import { jobsRuntimeFromEnv } from './jobs-deps.js';
import type { JobsRuntime } from '../jobs/runtime.js';
import { githubCredentialsFromEnv } from './secrets.js';

export interface DispatchOptions {
  /** Local mode may read the config from a file; Lambdas only from a repository. */
  allowConfigFiles?: boolean;
  octokit?: Partial<OctokitOptions>;
  afterPlugin?: DispatchDeps['afterPlugin'];
  /** Local mode: the GitHub events get when there are no credentials (see GitHubConnector). */
  offlineGitHub?: GitHubClient;
  /** Where forwards to external plugins are queued; default: SKIFF_FORWARD_QUEUE_URL. Local mode: through its journal. */
  forwardQueue?: EventQueue;
  /** The jobs runtime; default: from the environment (jobs-deps.ts). Local mode runs jobs on the local agent. */
  jobs?: (github: GitHubConnector, config: ConfigAgent) => JobsRuntime | undefined;
}

export class SettingError extends Error {
  override name = 'SettingError';
}

/** A positive whole number from the environment, or `fallback` when unset. */
function positiveInteger(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new SettingError(`${name} must be a positive whole number, got "${text}"`);
  return value;
}

/**
 * The worker's settings from the environment. SKIFF_MAX_RECEIVE_COUNT is the queue's
 * maxReceiveCount (the stack's is 5): a record failing on that receive goes to the dead-letter queue.
 */
export function workerOptions(env: Env): Omit<WorkerOptions, 'remainingTimeMs'> {
  return { maxReceiveCount: positiveInteger(env, 'SKIFF_MAX_RECEIVE_COUNT', 5) };
}

export async function dispatchDeps(
  env: Env,
  aws: { s3: S3ClientSource; dynamodb: DynamoDBClient },
  log: Logger,
  options: DispatchOptions = {},
): Promise<DispatchDeps & { github: GitHubConnector }> {
  const timing = recordTiming({
    githubRequestMs: options.octokit?.requestTimeoutMs ?? positiveInteger(env, 'SKIFF_GITHUB_TIMEOUT_MS', defaultRequestTimeoutMs),
    workerTimeoutMs: positiveInteger(env, 'SKIFF_WORKER_TIMEOUT_SECONDS', 60) * 1000,
  });
  const store = new DynamoStore(aws.dynamodb, required(env, 'SKIFF_TABLE'));
  const connector = new GitHubConnector(() => githubCredentialsFromEnv(env), {
    baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    log,
    botLogin: env.SKIFF_BOT_LOGIN,
    offline: options.offlineGitHub,
    ...options.octokit,
    requestTimeoutMs: timing.githubRequestMs,
  });
  // Fail at start on unreadable credentials, and know whether this is a dry run.
  await connector.refreshCredentials();
  // A forward must fit in a record's GitHub time, which the worker's start check counts on.
  const forwardTimeoutMs = positiveInteger(env, 'SKIFF_FORWARD_TIMEOUT_MS', defaultForwardTimeoutMs);
  if (forwardTimeoutMs > timing.recordGitHubMs) {
    throw new SettingError(`SKIFF_FORWARD_TIMEOUT_MS must be at most ${timing.recordGitHubMs} (a record's GitHub time), got ${forwardTimeoutMs}`);
  }
  // Without a forward queue (a stack from before it existed), external plugins are traced as not forwarded.
  const forwardQueue = options.forwardQueue ?? (env.SKIFF_FORWARD_QUEUE_URL ? lazySqsQueue(env.SKIFF_FORWARD_QUEUE_URL) : undefined);
  const location = parseConfigLocation(env.SKIFF_CONFIG, { allowFiles: options.allowConfigFiles ?? false });
  const source =
    location.kind === 'repo'
      ? new RepoConfigSource(location, () => connector.contentsFor({ owner: location.owner, repo: location.repo }))
      : new FileConfigSource(location.paths);
  const config = new ConfigAgent(source, plugins);
  return {
    config,
    github: connector,
    jobs: options.jobs ? options.jobs(connector, config) : jobsRuntimeFromEnv(env, aws, connector, config, log),
    claims: store,
    cache: store,
    pluginHelp: store,
    traces: store,
    payloads: new S3Payloads(aws.s3, required(env, 'SKIFF_PAYLOAD_BUCKET')),
    registry: plugins,
    log,
    leaseMs: timing.leaseMs,
    recordGitHubMs: timing.recordGitHubMs,
    worstCaseRecordMs: timing.worstCaseRecordMs,
    afterPlugin: options.afterPlugin,
    forwarding: forwardQueue && { queue: forwardQueue, timeoutMs: forwardTimeoutMs, maxMessageBytes: sqsMaxMessageBytes },
  };
}

/** The forward queue, its SQS client loaded at the first forward: most events have no external plugin. */
function lazySqsQueue(queueUrl: string): EventQueue {
  const client = lazySqsClient();
  let queue: Promise<EventQueue> | undefined;
  return {
    send: async (message) => {
      queue ??= (async () => new (await import('../storage/sqs-queue.js')).SqsQueue(await client(), queueUrl))().catch((error: unknown) => {
        queue = undefined;
        throw error;
      });
      await (await queue).send(message);
    },
  };
}
