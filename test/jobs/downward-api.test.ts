// Prow's downwardapi/jobspec_test.go TestEnvironmentForSpec rows, with Skiff's records: the same
// variables, the same JOB_SPEC bytes. BUILD_NUMBER is in every row (Prow sets it for its
// `kubernetes` agent, which every Skiff agent stands in for), so the "jenkins agent" row has no
// counterpart; extra rows cover what Skiff's records add (extra_refs, Go's HTML escaping).
import { describe, expect, it } from 'vitest';
import { jobEnv, refsString } from '../../shared/jobs/downward-api.js';
import type { JobRecord, Refs } from '../../shared/jobs/types.js';
import { jobRecord } from '../fakes/plank-job-record.js';

const spec = (overrides: Partial<JobRecord>): JobRecord => jobRecord({ name: 'job-name', buildNumber: '0', id: 'prowjob', refs: undefined, extraRefs: [], ...overrides });
const base: Refs = { org: 'org-name', repo: 'repo-name', baseRef: 'base-ref', baseSha: 'base-sha', pulls: [] };
const common = { CI: 'true', JOB_NAME: 'job-name', BUILD_ID: '0', BUILD_NUMBER: '0', PROW_JOB_ID: 'prowjob' };
const refsEnv = {
  REPO_OWNER: 'org-name',
  REPO_NAME: 'repo-name',
  SRC_BASE: 'org-name/repo-name',
  SRC_HOST: 'github.com',
  PULL_BASE_REF: 'base-ref',
  PULL_BASE_SHA: 'base-sha',
  PULL_REFS: 'base-ref:base-sha',
};

const cases: { name: string; job: JobRecord; expected: Record<string, string> }[] = [
  {
    name: 'periodic job',
    job: spec({ type: 'periodic' }),
    expected: { ...common, JOB_TYPE: 'periodic', JOB_SPEC: '{"type":"periodic","job":"job-name","buildid":"0","prowjobid":"prowjob"}' },
  },
  {
    name: 'postsubmit job',
    job: spec({ type: 'postsubmit', refs: base }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'postsubmit',
      JOB_SPEC: '{"type":"postsubmit","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","base_ref":"base-ref","base_sha":"base-sha"}}',
    },
  },
  {
    name: 'batch job',
    job: spec({
      type: 'batch',
      refs: {
        ...base,
        pulls: [
          { number: 1, author: 'author-name', sha: 'pull-sha', headRef: 'branch-name-1' },
          { number: 2, author: 'other-author-name', sha: 'second-pull-sha', headRef: 'branch-name-2' },
        ],
      },
    }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'batch',
      JOB_SPEC:
        '{"type":"batch","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","base_ref":"base-ref","base_sha":"base-sha","pulls":[{"number":1,"author":"author-name","sha":"pull-sha","head_ref":"branch-name-1"},{"number":2,"author":"other-author-name","sha":"second-pull-sha","head_ref":"branch-name-2"}]}}',
      PULL_REFS: 'base-ref:base-sha,1:pull-sha,2:second-pull-sha',
    },
  },
  {
    name: 'presubmit job',
    job: spec({ type: 'presubmit', refs: { ...base, pulls: [{ number: 1, author: 'author-name', sha: 'pull-sha', headRef: 'branch-name', title: 'pull-title' }] } }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'presubmit',
      JOB_SPEC:
        '{"type":"presubmit","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","base_ref":"base-ref","base_sha":"base-sha","pulls":[{"number":1,"author":"author-name","sha":"pull-sha","title":"pull-title","head_ref":"branch-name"}]}}',
      PULL_REFS: 'base-ref:base-sha,1:pull-sha',
      PULL_HEAD_REF: 'branch-name',
      PULL_NUMBER: '1',
      PULL_PULL_SHA: 'pull-sha',
      PULL_TITLE: 'pull-title',
    },
  },
  {
    name: 'postsubmit job with path alias',
    job: spec({ type: 'postsubmit', refs: { ...base, pathAlias: 'k8s.io/repo-name' } }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'postsubmit',
      JOB_SPEC:
        '{"type":"postsubmit","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","base_ref":"base-ref","base_sha":"base-sha","path_alias":"k8s.io/repo-name"}}',
      SRC_BASE: 'repo-name',
      SRC_HOST: 'k8s.io',
    },
  },
  {
    name: 'postsubmit job with clone tuning: JOB_SPEC carries it as Prow writes it (omitempty)',
    job: spec({ type: 'postsubmit', refs: { ...base, cloneUri: 'https://mirror.example/r.git', skipSubmodules: true, cloneDepth: 1, skipFetchHead: true } }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'postsubmit',
      JOB_SPEC:
        '{"type":"postsubmit","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","base_ref":"base-ref","base_sha":"base-sha","clone_uri":"https://mirror.example/r.git","skip_submodules":true,"clone_depth":1,"skip_fetch_head":true}}',
    },
  },
  {
    name: 'postsubmit job with repo link',
    job: spec({ type: 'postsubmit', refs: { ...base, repoLink: 'https://gitlab.com/org-name/repo-name' } }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'postsubmit',
      JOB_SPEC:
        '{"type":"postsubmit","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","repo_link":"https://gitlab.com/org-name/repo-name","base_ref":"base-ref","base_sha":"base-sha"}}',
      SRC_HOST: 'gitlab.com',
    },
  },
  {
    name: 'periodic with extra_refs: JOB_SPEC carries them, no repo variables (as Prow)',
    job: spec({ type: 'periodic', extraRefs: [{ org: 'kubernetes', repo: 'test-infra', baseRef: 'master', pulls: [], pathAlias: 'k8s.io/test-infra', workdir: true }] }),
    expected: {
      ...common,
      JOB_TYPE: 'periodic',
      JOB_SPEC:
        '{"type":"periodic","job":"job-name","buildid":"0","prowjobid":"prowjob","extra_refs":[{"org":"kubernetes","repo":"test-infra","base_ref":"master","path_alias":"k8s.io/test-infra","workdir":true}]}',
    },
  },
  {
    name: 'periodic whose record holds its first extra ref in refs: JOB_SPEC lists all in extra_refs, refs absent (as Prow)',
    job: spec({
      type: 'periodic',
      refs: { org: 'kubernetes', repo: 'test-infra', baseRef: 'master', pulls: [] },
      extraRefs: [{ org: 'kubernetes', repo: 'kubernetes', baseRef: 'main', pulls: [] }],
    }),
    expected: {
      ...common,
      JOB_TYPE: 'periodic',
      JOB_SPEC:
        '{"type":"periodic","job":"job-name","buildid":"0","prowjobid":"prowjob","extra_refs":[{"org":"kubernetes","repo":"test-infra","base_ref":"master"},{"org":"kubernetes","repo":"kubernetes","base_ref":"main"}]}',
    },
  },
  {
    name: 'a title with <, > and & is escaped in JOB_SPEC as Go escapes it, and left as it is in PULL_TITLE',
    job: spec({ type: 'presubmit', refs: { ...base, pulls: [{ number: 7, author: 'a', sha: 's', title: 'Fix <T> & "co"' }] } }),
    expected: {
      ...common,
      ...refsEnv,
      JOB_TYPE: 'presubmit',
      JOB_SPEC:
        '{"type":"presubmit","job":"job-name","buildid":"0","prowjobid":"prowjob","refs":{"org":"org-name","repo":"repo-name","base_ref":"base-ref","base_sha":"base-sha","pulls":[{"number":7,"author":"a","sha":"s","title":"Fix \\u003cT\\u003e \\u0026 \\"co\\""}]}}',
      PULL_REFS: 'base-ref:base-sha,7:s',
      PULL_HEAD_REF: '',
      PULL_NUMBER: '7',
      PULL_PULL_SHA: 's',
      PULL_TITLE: 'Fix <T> & "co"',
    },
  },
];

describe('jobEnv (Prow TestEnvironmentForSpec)', () => {
  it.each(cases)('$name', ({ job, expected }) => {
    // Act
    const env = jobEnv(job);

    // Assess
    expect(env).toEqual(expected);
    expect(JSON.parse(env.JOB_SPEC!)).toMatchObject({ type: job.type, job: 'job-name' });
  });
});

describe('refsString (Prow Refs.String)', () => {
  it.each([
    { name: 'base ref only when the SHA is unknown', refs: { ...base, baseSha: undefined }, expected: 'base-ref' },
    { name: 'base and pulls in order', refs: { ...base, pulls: [{ number: 42, author: 'a', sha: 'def' }] }, expected: 'base-ref:base-sha,42:def' },
  ])('$name', ({ refs, expected }) => {
    expect(refsString(refs)).toBe(expected);
  });
});
