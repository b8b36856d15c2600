// What plugins (trigger, skip, override) see of jobs for one repository: the presubmits and
// postsubmits that apply (the static config's and, where `in_repo_config` allows it, the
// repository's own `.prow.yaml`), the pull request's job records, and plank's trigger and abort.
import type { RepoRef } from '../github/client.js';
import type { Plank } from './plank.js';
import type { JobConfig, JobsAccess, JobStore, Postsubmit, Presubmit } from './types.js';

/** `.prow.yaml` read at a pull request's base and head SHAs (Prow's GetPresubmits with in-repo config). */
export type InRepoPresubmits = (pull: { number: number; baseRef: string; baseSha: string; headSha: string }) => Promise<{ jobs: Presubmit[]; error?: string }>;
/** `.prow.yaml` postsubmits at a pushed SHA. */
export type InRepoPostsubmits = (push: { baseRef: string; sha: string }) => Promise<{ jobs: Postsubmit[]; error?: string }>;

export interface JobsAccessDeps {
  config: JobConfig;
  /** `record` (a finished record that never runs) where the caller offers it: override needs it. */
  plank: Pick<Plank, 'trigger' | 'abort'> & Partial<Pick<Plank, 'record'>>;
  store: Pick<JobStore, 'byPull'>;
  repo: RepoRef;
  /**
   * Loads `.prow.yaml`; returns `error` for a file that does not load (the static jobs still run
   * and trigger says so on the PR). Throws only for failures worth a retry (GitHub unreachable).
   */
  inRepoPresubmits?: InRepoPresubmits;
  inRepoPostsubmits?: InRepoPostsubmits;
}

export function createJobsAccess(deps: JobsAccessDeps): JobsAccess {
  const { config, repo } = deps;
  const key = `${repo.owner}/${repo.repo}`;
  const inRepo = () => config.inRepoConfigEnabled(repo.owner, repo.repo);

  return {
    config,

    async presubmitsFor(pull) {
      const jobs = [...(config.presubmits[key] ?? [])];
      if (!inRepo() || !deps.inRepoPresubmits) return { jobs };
      const loaded = await deps.inRepoPresubmits(pull);
      return { jobs: [...jobs, ...loaded.jobs], ...(loaded.error ? { inRepoError: loaded.error } : {}) };
    },

    async postsubmitsFor(baseRef, sha) {
      let jobs = [...(config.postsubmits[key] ?? [])];
      if (inRepo() && deps.inRepoPostsubmits) {
        // A broken .prow.yaml on a push has no pull request to be told on: its jobs just do not run.
        const loaded = await deps.inRepoPostsubmits({ baseRef, sha });
        jobs = [...jobs, ...loaded.jobs];
      }
      return jobs.filter((job) => job.brancher.runsAgainst(baseRef));
    },

    trigger: (requests) => deps.plank.trigger(requests),

    forPull: (number) => deps.store.byPull(repo.owner, repo.repo, number),

    async abort(jobs, description) {
      await deps.plank.abort(jobs, description);
    },

    ...(deps.plank.record ? { recordFinished: deps.plank.record.bind(deps.plank) } : {}),
  };
}
