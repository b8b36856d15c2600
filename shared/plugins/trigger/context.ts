// What trigger's handlers are given: the plugin context with trigger's slice of GitHub, and the
// job access it cannot work without.
import type { GitHubClient } from '../../github/client.js';
import type { JobsAccess } from '../../jobs/types.js';
import type { PluginContext } from '../types.js';
import type { TriggerConfig } from './config.js';

export type TriggerGitHub = Pick<
  GitHubClient,
  'addLabel' | 'removeLabel' | 'getIssueLabels' | 'createComment' | 'listComments' | 'editComment' | 'deleteComment' | 'getPullRequest' | 'getPullRequestChanges' | 'countIssues' | 'getRef'
>;

export type TriggerContext = PluginContext<TriggerConfig | undefined, TriggerGitHub>;

/** A context whose jobs are set up. */
export type JobsContext = TriggerContext & { jobs: JobsAccess };

/** Why trigger does nothing where jobs are not set up (a refusal in the trace, not a failure). */
export const noJobsReason = 'jobs are not set up for this deployment (no job config or job store): trigger cannot start or abort jobs';
