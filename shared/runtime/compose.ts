// The composition root shared by the Lambda entry points and local mode: given AWS clients
// and the environment, build the dependencies of receive and dispatch. Each Lambda calls this
// once per container (at module load), so the per-event path only does per-event work.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigAgent, FileConfigSource, RepoConfigSource } from '../config/agent.js';
import { parseConfigLocation } from '../config/location.js';
import { GitHubConnector } from '../github/connector.js';
import type { OctokitOptions } from '../github/octokit.js';
import type { DispatchDeps } from '../hook/dispatch.js';
import { handledEvents } from '../hook/events.js';
import type { ReceiveDeps } from '../hook/receive.js';
import type { Logger } from '../log.js';
import { plugins } from '../plugins/registry.js';
import { DynamoStore } from '../storage/dynamo-store.js';
import { S3Payloads } from '../storage/s3-payloads.js';
import { SqsQueue } from '../storage/sqs-queue.js';
import { githubCredentialsFromEnv, hmacSecretsFromEnv } from './secrets.js';

type Env = Record<string, string | undefined>;

export const required = (env: Env, name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

export function receiveDeps(env: Env, aws: { sqs: SQSClient; s3: S3Client; dynamodb: DynamoDBClient }, log: Logger): ReceiveDeps {
  return {
    secrets: hmacSecretsFromEnv(env),
    queue: new SqsQueue(aws.sqs, required(env, 'SKIFF_QUEUE_URL')),
    payloads: new S3Payloads(aws.s3, required(env, 'SKIFF_PAYLOAD_BUCKET')),
    traces: new DynamoStore(aws.dynamodb, required(env, 'SKIFF_TABLE')),
    handledEvents: handledEvents(plugins),
    log,
  };
}

export interface DispatchOptions {
  /** Local mode may read the config from a file; Lambdas only from a repository. */
  allowConfigFiles?: boolean;
  octokit?: Partial<OctokitOptions>;
  afterPlugin?: DispatchDeps['afterPlugin'];
}

export async function dispatchDeps(
  env: Env,
  aws: { s3: S3Client; dynamodb: DynamoDBClient },
  log: Logger,
  options: DispatchOptions = {},
): Promise<DispatchDeps & { connector: GitHubConnector }> {
  const store = new DynamoStore(aws.dynamodb, required(env, 'SKIFF_TABLE'));
  const connector = new GitHubConnector(await githubCredentialsFromEnv(env), {
    baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    log,
    botLogin: env.SKIFF_BOT_LOGIN,
    ...options.octokit,
  });
  const location = parseConfigLocation(env.SKIFF_CONFIG, { allowFiles: options.allowConfigFiles ?? false });
  const source =
    location.kind === 'repo'
      ? new RepoConfigSource(location, () => connector.contentsFor({ owner: location.owner, repo: location.repo }))
      : new FileConfigSource(location.paths);
  return {
    connector,
    config: new ConfigAgent(source, plugins),
    github: connector,
    claims: store,
    traces: store,
    payloads: new S3Payloads(aws.s3, required(env, 'SKIFF_PAYLOAD_BUCKET')),
    registry: plugins,
    log,
    leaseMs: Number(env.SKIFF_WORKER_TIMEOUT_SECONDS ?? 60) * 1000,
    afterPlugin: options.afterPlugin,
  };
}
