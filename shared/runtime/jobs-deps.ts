// The CI half's composition root in AWS (the plugins and jobs functions): the job table, the
// CodeBuild agent on the stack's project with clone tokens in Parameter Store, the GitHub Actions
// agent, crier through the same GitHub connector as the plugins. Without SKIFF_JOBS_TABLE (a stack
// from before jobs) there is no runtime, and trigger says jobs are not set up. With
// SKIFF_JOB_LOG_BASE_URL (the HTTP API's endpoint) a CodeBuild job's status links to its log on
// the api function, signed with a key from the webhook secret (jobs/job-log-link.ts); without it
// (`jobLogLinks=false`), to the build's page in the CodeBuild console.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ConfigAgent } from '../config/agent.js';
import type { GitHubConnector } from '../github/connector.js';
import { parameterStoreCloneTokens } from '../jobs/agents/clone-token.js';
import { CodeBuildAgent, cloneTokenVariable } from '../jobs/agents/codebuild.js';
import { GitHubActionsAgent } from '../jobs/agents/github-actions.js';
import { jobLogLinks } from '../jobs/job-log-link.js';
import { clonerefsScript, defaultSrcRoot, workdirFor } from '../jobs/clonerefs.js';
import { createJobsRuntime, type JobsRuntime } from '../jobs/runtime.js';
import { DynamoJobStore } from '../jobs/store/dynamo-job-store.js';
import type { AgentName, JobAgent, JobRecord } from '../jobs/types.js';
import type { Logger } from '../log.js';
import { required, type Env } from './env.js';
import { hmacSecretsFromEnv } from './secrets.js';

/** A client whose SDK module loads on first use: most plugin deliveries start no build. */
function lazySend<C extends { send(command: never): Promise<unknown> }>(make: () => Promise<C>): Pick<C, 'send'> {
  let client: Promise<C> | undefined;
  return {
    send: (async (command: never) => {
      client ??= make();
      return (await client).send(command);
    }) as C['send'],
  };
}

const repoOf = (job: JobRecord) => {
  if (!job.refs) throw new Error(`job ${job.name} (${job.id}) has no repository to act on`);
  return { owner: job.refs.org, repo: job.refs.repo };
};

export function jobsRuntimeFromEnv(env: Env, aws: { dynamodb: DynamoDBClient }, github: GitHubConnector, config: ConfigAgent, log: Logger): JobsRuntime | undefined {
  const table = env.SKIFF_JOBS_TABLE?.trim();
  if (!table) return undefined;
  const agents: Partial<Record<AgentName, JobAgent>> = {
    'github-actions': new GitHubActionsAgent({ github: (job) => github.forEvent(repoOf(job), job.installation) }),
  };
  const project = env.SKIFF_CODEBUILD_PROJECT?.trim();
  const jobUrl = signedLogLinks(env, log);
  if (project) {
    const ssm = lazySend<SSMClient>(async () => new (await import('@aws-sdk/client-ssm')).SSMClient({}));
    agents.codebuild = new CodeBuildAgent({
      client: lazySend<CodeBuildClient>(async () => new (await import('@aws-sdk/client-codebuild')).CodeBuildClient({})),
      project,
      artifactsBucket: required(env, 'SKIFF_ARTIFACTS_BUCKET'),
      // The stack's project is Graviton, as the functions are.
      environmentType: 'ARM_CONTAINER',
      checkoutScript: (job) =>
        clonerefsScript(job.refs ? [job.refs, ...job.extraRefs] : job.extraRefs, { tokenEnvVar: cloneTokenVariable, tokenUser: 'x-access-token' }),
      workdir: (job) => workdirFor(defaultSrcRoot, job.refs, job.extraRefs),
      cloneToken: parameterStoreCloneTokens({
        client: ssm,
        prefix: env.SKIFF_CLONE_TOKEN_PREFIX?.trim() || '/skiff/clone-token/',
        mint: async (job) => (job.refs ? github.cloneToken(repoOf(job), job.installation) : undefined),
        now: () => new Date(),
      }),
      ...(jobUrl ? { jobUrl } : {}),
    });
  }
  return createJobsRuntime({
    store: new DynamoJobStore(aws.dynamodb, table),
    agents,
    github: (repo, installation) => github.forEvent(repo, installation),
    botLogin: () => github.botLogin(),
    jobConfig: async () => (await config.get()).jobs,
    log,
    ...(jobUrl ? { codebuildJobUrl: jobUrl } : {}),
  });
}

/**
 * The signed log link of a job, or undefined (the console page then) when the webhook secret
 * cannot be read: a status with a console link beats a build started but never recorded.
 */
export function signedLogLinks(env: Env, log: { warn(message: string, extra: Record<string, unknown>): void }): ((job: JobRecord) => Promise<string | undefined>) | undefined {
  const base = env.SKIFF_JOB_LOG_BASE_URL?.trim();
  if (!base) return undefined;
  const links = jobLogLinks(hmacSecretsFromEnv(env), base);
  return async (job) => {
    try {
      return await links.url(job.id);
    } catch (error) {
      log.warn('could not sign the job log link; the status links to the CodeBuild console instead', { job: job.id, error: String(error) });
      return undefined;
    }
  };
}
