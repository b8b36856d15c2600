// Prow's checks across a repository's jobs (config.go validatePresubmits, validatePostsubmits,
// validatePeriodics): one name may be used twice only on branches that never meet (a job per
// release branch), and two jobs that can run for the same branch may not report to the same
// status context. The messages are Prow's.
import { branchersIntersect } from '../matching.js';
import type { Periodic, Postsubmit, Presubmit } from '../types.js';

export interface Placed<T> {
  job: T;
  path: readonly PropertyKey[];
}

export interface Problem {
  path: readonly PropertyKey[];
  message: string;
  /** The job it is reported at (in-repo loading finds its file from it). */
  at: Placed<unknown>;
}

/** Presubmits or postsubmits of one repository (static and, for `.prow.yaml`, in-repo together). */
export function validateRepoJobs(kind: 'presubmit' | 'postsubmit', jobs: readonly Placed<Presubmit | Postsubmit>[]): Problem[] {
  const problems: Problem[] = [];
  const duplicates: string[] = [];
  let duplicateAt: Placed<Presubmit | Postsubmit> | undefined;
  const byName = new Map<string, Placed<Presubmit | Postsubmit>[]>();
  for (const [i, placed] of jobs.entries()) {
    const { job } = placed;
    const same = byName.get(job.name) ?? [];
    if (same.some((other) => branchersIntersect(other.job.brancher, job.brancher)) && !duplicates.includes(job.name)) {
      duplicates.push(job.name);
      duplicateAt ??= placed;
    }
    same.push(placed);
    byName.set(job.name, same);
    // Prow reports each pair from both sides; once, at the later job, says the same.
    for (const other of jobs.slice(0, i)) {
      if (other.job.name === job.name || !branchersIntersect(other.job.brancher, job.brancher)) continue;
      if (other.job.context === job.context) problems.push({ at: placed, path: [...placed.path, 'context'], message: `jobs ${other.job.name} and ${job.name} report to the same GitHub context ${JSON.stringify(job.context)}` });
    }
  }
  if (duplicates.length) {
    problems.push({ at: duplicateAt!, path: duplicateAt!.path, message: `duplicated ${kind} jobs (consider both inrepo and central config): [${duplicates.sort().join(' ')}]` });
  }
  return problems;
}

export function validatePeriodics(jobs: readonly Placed<Periodic>[]): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const placed of jobs) {
    const { job, path } = placed;
    if (seen.has(job.name)) problems.push({ at: placed, path: [...path, 'name'], message: `duplicated periodic job: ${job.name}` });
    seen.add(job.name);
  }
  return problems;
}
