// The plugins function's composition root (also used by local mode): given AWS clients and the
// environment, build dispatch's dependencies — config agent, GitHub connector, claim and trace
// store. Called once per container, at module load, so the per-event path does per-event work only.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigAgent, FileConfigSource, RepoConfigSource } from '../config/agent.js';
import { parseConfigLocation } from '../config/location.js';
import type { GitHubClient } from '../github/client.js';
import { GitHubConnector } from '../github/connector.js';
import type { OctokitOptions } from '../github/octokit.js';
import type { DispatchDeps } from '../hook/dispatch.js';
import type { Logger } from '../log.js';
import { plugins } from '../plugins/registry.js';
import { DynamoStore } from '../storage/dynamo-store.js';
import { S3Payloads, type S3ClientSource } from '../storage/s3-payloads.js';
import { required, type Env } from './env.js';
import { githubCredentialsFromEnv } from './secrets.js';

export interface DispatchOptions {
  /** Local mode may read the config from a file; Lambdas only from a repository. */
  allowConfigFiles?: boolean;
  octokit?: Partial<OctokitOptions>;
  afterPlugin?: DispatchDeps['afterPlugin'];
  /** Local mode: the GitHub events get when there are no credentials (see GitHubConnector). */
  offlineGitHub?: GitHubClient;
}

export async function dispatchDeps(
  env: Env,
  aws: { s3: S3ClientSource; dynamodb: DynamoDBClient },
  log: Logger,
  options: DispatchOptions = {},
): Promise<DispatchDeps & { github: GitHubConnector }> {
  const store = new DynamoStore(aws.dynamodb, required(env, 'SKIFF_TABLE'));
  const connector = new GitHubConnector(() => githubCredentialsFromEnv(env), {
    baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    log,
    botLogin: env.SKIFF_BOT_LOGIN,
    offline: options.offlineGitHub,
    ...options.octokit,
  });
  // Fail at start on unreadable credentials, and know whether this is a dry run.
  await connector.refreshCredentials();
  const location = parseConfigLocation(env.SKIFF_CONFIG, { allowFiles: options.allowConfigFiles ?? false });
  const source =
    location.kind === 'repo'
      ? new RepoConfigSource(location, () => connector.contentsFor({ owner: location.owner, repo: location.repo }))
      : new FileConfigSource(location.paths);
  return {
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
