// The CI half's composition root in AWS (the plugins and jobs functions): the job table, the
// CodeBuild agent on the stack's project with clone tokens in Parameter Store, the GitHub Actions
// agent, crier through the same GitHub connector as the plugins. Without SKIFF_JOBS_TABLE (a stack
// from before jobs) there is no runtime, and trigger says jobs are not set up.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ConfigAgent } from '../config/agent.js';
import type { GitHubConnector } from '../github/connector.js';
import { parameterStoreCloneTokens } from '../jobs/agents/clone-token.js';
import { CodeBuildAgent, cloneTokenVariable } from '../jobs/agents/codebuild.js';
import { GitHubActionsAgent } from '../jobs/agents/github-actions.js';
import { clonerefsScript, defaultSrcRoot, workdirFor } from '../jobs/clonerefs.js';
import { createJobsRuntime, type JobsRuntime } from '../jobs/runtime.js';
import { DynamoJobStore } from '../jobs/store/dynamo-job-store.js';
import type { AgentName, JobAgent, JobRecord } from '../jobs/types.js';
import type { Logger } from '../log.js';
import { required, type Env } from './env.js';

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
    });
  }
  return createJobsRuntime({
    store: new DynamoJobStore(aws.dynamodb, table),
    agents,
    github: (repo, installation) => github.forEvent(repo, installation),
    botLogin: () => github.botLogin(),
    jobConfig: async () => (await config.get()).jobs,
    log,
  });
}
