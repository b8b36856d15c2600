// Prow's downward API (pkg/pod-utils/downwardapi/jobspec.go): the environment every run gets —
// CI, JOB_NAME, JOB_TYPE, BUILD_ID, PROW_JOB_ID, JOB_SPEC (the JobSpec as JSON) and, by job type,
// the refs (REPO_OWNER … PULL_REFS) and the pull request (PULL_NUMBER … PULL_TITLE). Jobs written
// for Prow read these (and parse JOB_SPEC), so the names, the JSON's field order and Go's
// omitempty rules are kept byte for byte.
import type { JobRecord, Pull, Refs } from './types.js';

/** Prow's github.DefaultHost: SRC_HOST when neither path_alias nor repo_link says otherwise. */
const defaultHost = 'github.com';

/**
 * Go's encoding/json escapes <, >, & (HTML safety) and U+2028/U+2029 inside strings; JSON.stringify
 * does not. A PR title like `Fix <T> & co` must come out as Prow writes it.
 */
const goJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Go's omitempty: a zero value (empty string, 0, false, empty list, absent) leaves the field out. */
function omitEmpty(fields: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of fields) {
    if (value === undefined || value === '' || value === 0 || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

/** prowapi.Pull in its field order: number, author and sha are always written (no omitempty). */
function pullJson(pull: Pull): Record<string, unknown> {
  return {
    number: pull.number,
    author: pull.author,
    sha: pull.sha,
    ...omitEmpty([
      ['title', pull.title],
      ['head_ref', pull.headRef],
      ['link', pull.link],
      ['commit_link', pull.commitLink],
      ['author_link', pull.authorLink],
    ]),
  };
}

/** prowapi.Refs in its field order: org and repo are always written. */
function refsJson(refs: Refs): Record<string, unknown> {
  return {
    org: refs.org,
    repo: refs.repo,
    ...omitEmpty([
      ['repo_link', refs.repoLink],
      ['base_ref', refs.baseRef],
      ['base_sha', refs.baseSha],
      ['base_link', refs.baseLink],
      ['pulls', refs.pulls.map(pullJson)],
      ['path_alias', refs.pathAlias],
      ['workdir', refs.workdir],
      ['clone_uri', refs.cloneUri],
      ['skip_submodules', refs.skipSubmodules],
      ['clone_depth', refs.cloneDepth],
      ['skip_fetch_head', refs.skipFetchHead],
    ]),
  };
}

/** Prow's Refs.String(): `base:sha,1:sha1,2:sha2` (just the base ref when its SHA is unknown). */
export function refsString(refs: Refs): string {
  const base = refs.baseSha ? `${refs.baseRef}:${refs.baseSha}` : refs.baseRef;
  return [base, ...refs.pulls.map((p) => `${p.number}:${p.sha}`)].join(',');
}

/**
 * JOB_SPEC: downwardapi.JobSpec marshalled as Prow does (type, job, buildid, prowjobid, refs,
 * extra_refs). A periodic's record keeps its first extra ref in `refs` (types.ts); Prow's periodic
 * has no refs and all of them in extra_refs, so that is what the job reads.
 */
export function jobSpecJson(job: Pick<JobRecord, 'type' | 'name' | 'buildNumber' | 'id' | 'refs' | 'extraRefs'>): string {
  const periodic = job.type === 'periodic';
  const refs = periodic ? undefined : job.refs;
  const extraRefs = periodic && job.refs ? [job.refs, ...job.extraRefs] : job.extraRefs;
  return goJson(
    omitEmpty([
      ['type', job.type],
      ['job', job.name],
      ['buildid', job.buildNumber],
      ['prowjobid', job.id],
      ['refs', refs ? refsJson(refs) : undefined],
      ['extra_refs', extraRefs.map(refsJson)],
    ]),
  );
}

/** SRC_HOST and SRC_BASE, as clone.PathForRefs places the checkout: path_alias first, then repo_link. */
function source(refs: Refs): { host: string; base: string } {
  const split = (text: string): { host: string; base: string } => {
    const slash = text.indexOf('/');
    return slash < 0 ? { host: text, base: `${refs.org}/${refs.repo}` } : { host: text.slice(0, slash), base: text.slice(slash + 1) };
  };
  if (refs.pathAlias) return split(refs.pathAlias);
  if (refs.repoLink) return split(refs.repoLink.split('://').at(-1)!);
  return { host: defaultHost, base: `${refs.org}/${refs.repo}` };
}

/**
 * Prow's EnvForSpec. BUILD_NUMBER is Prow's copy of BUILD_ID for its `kubernetes` agent; every
 * Skiff agent stands in for that agent, so every run gets it.
 */
export function jobEnv(job: JobRecord): Record<string, string> {
  const env: Record<string, string> = {
    CI: 'true',
    JOB_NAME: job.name,
    BUILD_ID: job.buildNumber,
    PROW_JOB_ID: job.id,
    JOB_TYPE: job.type,
    BUILD_NUMBER: job.buildNumber,
    JOB_SPEC: jobSpecJson(job),
  };
  // Prow reads Refs for every other type (and would fail without them); a record without refs
  // is a periodic without extra_refs, whatever its type says.
  const refs = job.refs;
  if (job.type === 'periodic' || !refs) return env;

  const src = source(refs);
  Object.assign(env, {
    REPO_OWNER: refs.org,
    REPO_NAME: refs.repo,
    SRC_HOST: src.host,
    SRC_BASE: src.base,
    PULL_BASE_REF: refs.baseRef,
    PULL_BASE_SHA: refs.baseSha ?? '',
    PULL_REFS: refsString(refs),
  });
  if (job.type === 'postsubmit' || job.type === 'batch') return env;

  const pull = refs.pulls[0];
  if (!pull) return env;
  Object.assign(env, {
    PULL_NUMBER: String(pull.number),
    PULL_PULL_SHA: pull.sha,
    PULL_HEAD_REF: pull.headRef ?? '',
    PULL_TITLE: pull.title ?? '',
  });
  return env;
}
