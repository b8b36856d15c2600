// The `github-actions` agent: a job is one `workflow_dispatch` run of a workflow in the job's
// repository (`github_actions.workflow`, on `github_actions.ref` or the base ref), with the job id
// and its refs as inputs. The run reports back through `workflow_run` webhooks
// (`observationFromWorkflowRun`) and the reconciler (`observe`), both matched by job id.
//
// The workflow must accept the inputs below and carry the job id at the end of its run name, so a
// run can be told apart from the others of the same workflow (a dispatch on GitHub Enterprise
// Server answers no run id, and a webhook names no inputs):
//
//   on:
//     workflow_dispatch:
//       inputs:
//         prow_job_id: { type: string, required: false }   # the Skiff job id
//         base_ref: { type: string, required: false }      # the branch tested against
//         base_sha: { type: string, required: false }
//         pull_number: { type: string, required: false }   # empty for postsubmits and periodics
//         pull_sha: { type: string, required: false }      # the pull request's head
//   # Skiff finds its run by this title's last word; keep the job id last.
//   run-name: "${{ github.workflow }} ${{ inputs.prow_job_id }}"
//   jobs:
//     test:
//       runs-on: ubuntu-latest
//       steps:
//         - uses: actions/checkout@v4
//           with: { ref: "${{ inputs.pull_sha || inputs.base_sha || github.sha }}" }
//         - run: make test
//
// GitHub refuses (422) a dispatch with inputs the workflow does not declare, so all five are
// always sent (empty when they do not apply) and `github_actions.inputs` must be declared too.
// GitHub caps how many inputs a workflow may declare (10 for years, raised since; see
// https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#workflow_dispatch),
// so Skiff takes five and no more. The inputs above are Skiff's: a configured input of the same
// name does not replace them.
import type { GitHubClient, RepoRef, WorkflowRun } from '../../github/client.js';
import { workflowRunOf, type WorkflowRunData } from '../../github/octokit-client.js';
import type { AgentObservation, AgentStarted, GitHubActionsSettings, JobAgent, JobRecord, Refs } from '../types.js';

export type ActionsGitHub = Pick<GitHubClient, 'dispatchWorkflow' | 'listWorkflowRuns' | 'cancelWorkflowRun'>;

export interface GitHubActionsAgentOptions {
  /** A client acting for the job's repository (the GitHub App installation the job came with). */
  github: (job: JobRecord) => ActionsGitHub | Promise<ActionsGitHub>;
  /** How much earlier than the job's creation a run may be stamped: GitHub's clock is not ours. Default 5 minutes. */
  clockSkewMs?: number;
}

/** Inputs Skiff sets on every dispatch. */
export const skiffInputs = ['prow_job_id', 'base_ref', 'base_sha', 'pull_number', 'pull_sha'] as const;

/** A run's title ends with the job id (see the header): its last word. */
export const jobIdOfTitle = (title: string): string | undefined => title.trim().split(/\s+/).pop() || undefined;

/** The build id of a run dispatched without an answer naming it, until observing finds it. */
const unnamedRun = (workflow: string, ref: string) => `workflow_dispatch ${workflow}@${ref}`;
const runIdOf = (buildId: string | undefined): number | undefined => (buildId && /^\d+$/.test(buildId) ? Number(buildId) : undefined);

/** The repository a job's workflow runs in: its refs, or a periodic's first extra ref. */
function repositoryOf(job: JobRecord): Refs {
  const refs = job.refs ?? job.extraRefs[0];
  if (!refs) throw new Error(`${job.name}: a github-actions job needs a repository to run in (refs or extra_refs)`);
  return refs;
}

function settingsOf(job: JobRecord): GitHubActionsSettings {
  const settings = job.run.githubActions;
  if (!settings) throw new Error(`${job.name}: a github-actions job needs github_actions.workflow`);
  return settings;
}

/** Configured inputs, then Skiff's over them. */
export function dispatchInputs(job: JobRecord): Record<string, string> {
  const refs = repositoryOf(job);
  const pull = refs.pulls[0];
  return {
    ...settingsOf(job).inputs,
    prow_job_id: job.id,
    base_ref: refs.baseRef,
    base_sha: refs.baseSha ?? '',
    pull_number: pull ? String(pull.number) : '',
    pull_sha: pull?.sha ?? '',
  };
}

/** A run's status and conclusion as a job state. */
export function stateOfRun(status: string, conclusion: string | null): Pick<AgentObservation, 'state' | 'description'> {
  if (status !== 'completed') return { state: 'pending', description: 'Job triggered.' };
  switch (conclusion) {
    case 'success':
    case 'neutral':
      return { state: 'success', description: 'Job succeeded.' };
    case 'skipped':
      // GitHub counts a skipped run as passing for required checks; so does Skiff.
      return { state: 'success', description: 'Workflow run skipped.' };
    case 'failure':
      return { state: 'failure', description: 'Job failed.' };
    case 'cancelled':
      return { state: 'aborted', description: 'Job aborted.' };
    case 'timed_out':
      return { state: 'error', description: 'Job timed out.' };
    case 'startup_failure':
      return { state: 'error', description: 'Workflow run could not start.' };
    case 'action_required':
      return { state: 'error', description: 'Workflow run needs approval on GitHub.' };
    default:
      return { state: 'error', description: `Workflow run ended ${conclusion ?? 'without a conclusion'}.` };
  }
}

export function observationOfRun(run: WorkflowRun): AgentObservation {
  const state = stateOfRun(run.status, run.conclusion);
  return {
    ...state,
    url: run.htmlUrl,
    buildId: String(run.id),
    ...(state.state !== 'pending' ? { completedAt: new Date(run.updatedAt).toISOString() } : {}),
  };
}

/** What a `workflow_run` webhook says: whose job, in which repository and workflow, and its state. */
export interface WorkflowRunObservation {
  jobId: string;
  repo: RepoRef;
  /** `.github/workflows/ci.yaml`. */
  workflowPath: string;
  observation: AgentObservation;
}

interface WorkflowRunPayload {
  workflow_run?: WorkflowRunData | null;
  repository?: { name: string; owner: { login: string } } | null;
}

/**
 * A `workflow_run` webhook (requested, in_progress, completed) as an observation of the job whose
 * id ends the run's title. Undefined for a run not dispatched (a push's CI run) or without a
 * title word. Before believing it, the caller loads the job and checks `runBelongsTo`: anyone
 * who can write to a repository can title a run with another job's id.
 */
export function observationFromWorkflowRun(payload: WorkflowRunPayload): WorkflowRunObservation | undefined {
  const data = payload.workflow_run;
  if (!data || !payload.repository || data.event !== 'workflow_dispatch') return undefined;
  const jobId = jobIdOfTitle(data.display_title);
  if (!jobId) return undefined;
  const run = workflowRunOf(data);
  return {
    jobId,
    repo: { owner: payload.repository.owner.login, repo: payload.repository.name },
    workflowPath: run.path,
    observation: observationOfRun(run),
  };
}

/** Is this run the job's: the job's agent, its repository, its workflow file? */
export function runBelongsTo(job: JobRecord, seen: Pick<WorkflowRunObservation, 'jobId' | 'repo' | 'workflowPath'>): boolean {
  if (job.agent !== 'github-actions' || seen.jobId !== job.id || !job.run.githubActions) return false;
  const refs = job.refs ?? job.extraRefs[0];
  if (!refs || refs.org.toLowerCase() !== seen.repo.owner.toLowerCase() || refs.repo.toLowerCase() !== seen.repo.repo.toLowerCase()) return false;
  const workflow = job.run.githubActions.workflow;
  // A workflow named by its numeric id cannot be compared with a path; the repository and id suffice.
  return /^\d+$/.test(workflow) || seen.workflowPath.split('/').pop() === workflow.split('/').pop();
}

export class GitHubActionsAgent implements JobAgent {
  readonly name = 'github-actions' as const;
  readonly #options: GitHubActionsAgentOptions;

  constructor(options: GitHubActionsAgentOptions) {
    this.#options = options;
  }

  async start(job: JobRecord): Promise<AgentStarted> {
    const refs = repositoryOf(job);
    const settings = settingsOf(job);
    const ref = settings.ref ?? refs.baseRef;
    const github = await this.#options.github(job);
    const dispatched = (await github.dispatchWorkflow({ owner: refs.org, repo: refs.repo }, settings.workflow, ref, dispatchInputs(job))) ?? {};
    if (dispatched.runId !== undefined) return { buildId: String(dispatched.runId), ...(dispatched.htmlUrl ? { url: dispatched.htmlUrl } : {}) };
    // No run named: the workflow's runs page until observing finds the run by its title.
    return { buildId: unnamedRun(settings.workflow, ref), url: `https://github.com/${refs.org}/${refs.repo}/actions/workflows/${settings.workflow}` };
  }

  async observe(job: JobRecord): Promise<AgentObservation | undefined> {
    const run = await this.#find(job);
    return run ? observationOfRun(run) : undefined;
  }

  /** Cancels the run; one already completed, or not yet created, is left alone. */
  async abort(job: JobRecord): Promise<void> {
    const refs = repositoryOf(job);
    const github = await this.#options.github(job);
    // A run not yet listed cannot be cancelled: it then runs to its end, and its result is ignored
    // (the job is already aborted, and a finished job never changes).
    const runId = runIdOf(job.buildId) ?? (await this.#find(job, github))?.id;
    if (runId === undefined) return;
    await github.cancelWorkflowRun({ owner: refs.org, repo: refs.repo }, runId);
  }

  /** The job's run among its workflow's dispatched runs since the job was made: by run id when known, else by title. */
  async #find(job: JobRecord, client?: ActionsGitHub): Promise<WorkflowRun | undefined> {
    if (!job.buildId) return undefined;
    const refs = repositoryOf(job);
    const settings = settingsOf(job);
    const github = client ?? (await this.#options.github(job));
    const since = new Date(Date.parse(job.createdAt) - (this.#options.clockSkewMs ?? 5 * 60_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const runs = await github.listWorkflowRuns({ owner: refs.org, repo: refs.repo }, settings.workflow, { event: 'workflow_dispatch', createdSince: since });
    const runId = runIdOf(job.buildId);
    return runs.find((r) => (runId !== undefined ? r.id === runId : jobIdOfTitle(r.displayTitle) === job.id));
  }
}
