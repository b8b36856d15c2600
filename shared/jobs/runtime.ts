// The CI half wired together for one process: store, agents, crier and plank, and the scheduled
// passes (horologium, sinker, the reconciler) over them. The plugins function builds one so
// trigger can start jobs; the jobs function builds one for the schedules and CodeBuild's events;
// local mode builds one with the local agent standing in for CodeBuild. Only the composition
// roots know which AWS clients and agents exist; everything below takes them as arguments.
import type { CodeBuildCloudWatchStateEvent } from 'aws-lambda';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { onCodeBuildEvent, onWorkflowRun, type AgentEventDeps, type AgentEventOutcome } from './agent-events.js';
import { createCrier, type CrierGitHub } from './crier.js';
import { loadInRepoPostsubmits, loadInRepoPresubmits, type InRepoGitHub } from './config/in-repo.js';
import { horologiumTick, type Decision } from './horologium.js';
import { createJobsAccess } from './jobs-access.js';
import { createPlank, type Plank, type PlankLog } from './plank.js';
import { reconcile, type ReconcileCounts } from './reconciler.js';
import { sinkerRun, type SinkerResult } from './sinker.js';
import type { AgentName, JobAgent, JobConfig, JobsAccess, JobStore } from './types.js';

export interface JobsRuntimeOptions {
  store: JobStore;
  /** The agents this process can use. */
  agents: Partial<Record<AgentName, JobAgent>>;
  /** Which agent runs a job configured for `name` (local mode: codebuild jobs run locally). Default: itself. */
  agentFor?: (name: AgentName) => AgentName;
  /** A GitHub client for the repository, with the App installation the job came with. */
  github: (repo: RepoRef, installation: number | undefined) => Promise<GitHubClient>;
  /** The bot's login, so crier finds its own summary comment. */
  botLogin: () => Promise<string | undefined>;
  /** The job config in force, or undefined before one loaded. */
  jobConfig: () => Promise<JobConfig | undefined>;
  log: PlankLog;
  now?: () => Date;
  /** The codebuild agent's `jobUrl`, for the links its build events finish jobs with (agent-events.ts). */
  codebuildJobUrl?: AgentEventDeps['codebuildJobUrl'];
}

export interface JobsRuntime {
  store: JobStore;
  plank: Plank;
  /** What a plugin sees of jobs for one repository and event (`ctx.jobs`). */
  accessFor(repo: RepoRef, github: InRepoGitHub, config: JobConfig, installation: number | undefined): JobsAccess;
  /** One horologium tick (every minute). */
  horologium(tickMs: number): Promise<Decision[]>;
  /** One sinker pass (hourly). */
  sinker(): Promise<SinkerResult>;
  /** One reconciler pass: pending jobs' agents asked, then waiting jobs started where slots are free. */
  reconcile(): Promise<ReconcileCounts>;
  onCodeBuildEvent(event: CodeBuildCloudWatchStateEvent): Promise<AgentEventOutcome>;
  onWorkflowRun(payload: Parameters<typeof onWorkflowRun>[0]): Promise<AgentEventOutcome>;
}

/** A client made on first use: crier is built once, but clients are per repository and installation. */
function lazyCrierGitHub(make: () => Promise<GitHubClient>): CrierGitHub {
  let client: Promise<GitHubClient> | undefined;
  const get = () => (client ??= make().catch((error: unknown) => ((client = undefined), Promise.reject(error))));
  return {
    createStatus: async (...args) => (await get()).createStatus(...args),
    listComments: async (...args) => (await get()).listComments(...args),
    createComment: async (...args) => (await get()).createComment(...args),
    editComment: async (...args) => (await get()).editComment(...args),
    deleteComment: async (...args) => (await get()).deleteComment(...args),
  };
}

export function createJobsRuntime(options: JobsRuntimeOptions): JobsRuntime {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  let maxConcurrency = 0;
  const agentOf = (name: AgentName): JobAgent => {
    const agent = options.agents[options.agentFor?.(name) ?? name];
    if (!agent) throw new Error(`no ${name} agent is set up here`);
    return agent;
  };
  let crier: Promise<ReturnType<typeof createCrier>> | undefined;
  const report = async (job: Parameters<ReturnType<typeof createCrier>>[0]) => {
    crier ??= options.botLogin().then((botLogin) =>
      createCrier({ store, botLogin, githubFor: (refs, installation) => lazyCrierGitHub(() => options.github({ owner: refs.org, repo: refs.repo }, installation)) }),
    );
    await (await crier)(job);
  };
  const plank = createPlank({
    store,
    agents: agentOf,
    report,
    config: () => ({ maxConcurrency }),
    now: () => now().getTime(),
    log: options.log,
  });
  // plank reads the limit synchronously; each pass refreshes it from the config in force.
  const current = async () => {
    const config = await options.jobConfig();
    if (config) maxConcurrency = config.maxConcurrency;
    return config;
  };
  const finish = async (id: string, observation: Parameters<Plank['finish']>[1]) => {
    await current();
    await plank.finish(id, observation);
  };

  return {
    store,
    plank,
    accessFor(repo, github, config, installation) {
      maxConcurrency = config.maxConcurrency;
      const withInstallation = <R extends { installation?: number }>(request: R): R => ({ ...(installation === undefined ? {} : { installation }), ...request });
      const access = createJobsAccess({
        config,
        // The event's installation unless the plugin named one: crier reports with the same credential.
        plank: {
          trigger: (requests) => plank.trigger(requests.map(withInstallation)),
          abort: plank.abort,
          // override's succeeded record of an overridden presubmit.
          record: (request, outcome) => plank.record(withInstallation(request), outcome),
        },
        store,
        repo,
        inRepoPresubmits: async (pull) => {
          const loaded = await loadInRepoPresubmits(github, repo, pull.headSha, config);
          return 'error' in loaded ? { jobs: [], error: loaded.error } : loaded;
        },
        inRepoPostsubmits: async (push) => {
          const loaded = await loadInRepoPostsubmits(github, repo, push.sha, config);
          return 'error' in loaded ? { jobs: [], error: loaded.error } : loaded;
        },
      });
      return { ...access, agentEvent: (payload) => onWorkflowRun(payload, { store, finish }) };
    },
    async horologium(tickMs) {
      const config = await current();
      if (!config) return [];
      return horologiumTick({
        periodics: config.periodics,
        latestRuns: (names) => store.latestRuns(names),
        trigger: (requests) => plank.trigger(requests),
        now: now(),
        tickMs,
      });
    },
    async sinker() {
      const config = await current();
      if (!config) return { deleted: 0, kept: 0, timedOut: 0 };
      return sinkerRun({
        byState: (state, limit) => store.byState(state, limit),
        latestRuns: (names) => store.latestRuns(names),
        delete: (id) => store.delete(id),
        timeOut: async (job, description) => {
          // Recorded (and reported) first, so a build that will not stop still frees its slot.
          const ended = await plank.finish(job.id, { state: 'error', description });
          if (ended?.buildId) await agentOf(ended.agent).abort(ended).catch((error: unknown) => options.log.warn('could not stop a timed-out job', { job: job.id, error: String(error) }));
        },
        periodics: config.periodics.map((p) => p.name),
        maxJobAgeMs: config.maxJobAgeMs,
        now: now(),
      });
    },
    async reconcile() {
      await current();
      const counts = await reconcile({
        store,
        agents: Object.fromEntries((['codebuild', 'github-actions', 'local'] as const).flatMap((name) => (options.agents[options.agentFor?.(name) ?? name] ? [[name, agentOf(name)]] : []))),
        finish,
        now,
      });
      // The backstop plank asks for: jobs left waiting by index lag or a throttled start.
      await plank.sync();
      return counts;
    },
    onCodeBuildEvent: (event) => onCodeBuildEvent(event, { store, finish, codebuildJobUrl: options.codebuildJobUrl }),
    onWorkflowRun: (payload) => onWorkflowRun(payload, { store, finish }),
  };
}
