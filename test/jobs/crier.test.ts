// Crier against the fake GitHub over HTTP (test/fakes/memory-github.ts: the production Octokit
// client on an in-process GitHub), so statuses and the summary comment really land: Prow's
// report_test.go rows (TestReportStatus, TestCreateComment, TestParseIssueComment rows, with the
// records deciding the contexts they know), config_test.go's TestTruncate, a repeated report setting the status
// once, and a report that lost the race for `reportedState` reporting what the record says now.
import { describe, expect, it } from 'vitest';
import { commentTag, contextDescriptionWithBaseSha, createCrier, summaryComment, truncate } from '../../shared/jobs/crier.js';
import { GitHubError } from '../../shared/github/errors.js';
import type { JobRecord } from '../../shared/jobs/types.js';
import { aboutThisBotWithCommands } from '../../shared/plugins/respond.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { jobRecord } from '../fakes/plank-job-record.js';

const head = 'head000000000000000000000000000000000000';
const baseSha = 'base000000000000000000000000000000000000';

function setup() {
  const gh = new MemoryGitHub({ botLogin: 'skiff-bot' });
  const store = new MemoryJobStore();
  const seen: { repo: string; installation: number | undefined }[] = [];
  const report = createCrier({
    githubFor: (refs, installation) => {
      seen.push({ repo: `${refs.org}/${refs.repo}`, installation });
      return gh;
    },
    store,
    botLogin: 'skiff-bot',
  });
  /** Stores the record as the job would be after plank's transition, then reports it. */
  const put = async (job: JobRecord) => {
    const current = await store.get(job.id);
    if (!current) await store.create(job);
    else await store.update(current, { state: job.state, description: job.description, url: job.url, completedAt: job.completedAt });
    await report((await store.get(job.id))!);
  };
  const statusWrites = () => gh.writes.filter((w) => w.startsWith('createStatus'));
  return { gh, store, report, put, seen, statusWrites };
}

const shout = (i: number): string => (i === 0 ? 'start' : `${shout(i - 1)} part${i}`);
const padded = (description: string) => contextDescriptionWithBaseSha(description, baseSha);

describe('status (Prow TestReportStatus)', () => {
  const rows: { name: string; job: Partial<JobRecord>; expected?: { state: string; sha: string; description?: string } }[] = [
    { name: 'Successful prowjob with report true should set status', job: { state: 'success' }, expected: { state: 'success', sha: head } },
    { name: 'Successful prowjob with report false should not set status', job: { state: 'success', report: false } },
    { name: 'Pending prowjob with report true should set status', job: { state: 'pending' }, expected: { state: 'pending', sha: head } },
    { name: 'Aborted presubmit job with report true should set failure status', job: { state: 'aborted' }, expected: { state: 'failure', sha: head } },
    { name: 'Triggered presubmit job with report true should set pending status', job: { state: 'triggered' }, expected: { state: 'pending', sha: head } },
    { name: 'an errored job sets error', job: { state: 'error' }, expected: { state: 'error', sha: head } },
    {
      name: 'really long description is truncated',
      job: { state: 'triggered', description: shout(140) },
      expected: { state: 'pending', sha: head, description: padded(shout(140)) },
    },
    {
      name: 'Successful postsubmit job with report true should set success status (on the base SHA)',
      job: { state: 'success', type: 'postsubmit', refs: { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha, pulls: [] } },
      expected: { state: 'success', sha: baseSha },
    },
    { name: 'a periodic is not reported to GitHub', job: { state: 'success', type: 'periodic' } },
    {
      name: 'a batch (more than one pull) is not reported',
      job: { state: 'success', type: 'batch', refs: { ...jobRecord().refs!, pulls: [...jobRecord().refs!.pulls, { number: 2, author: 'bob', sha: 'x' }] } },
    },
  ];

  it.each(rows)('$name', async ({ job, expected }) => {
    // Prepare
    const { gh, put, seen, statusWrites } = setup();
    const record = jobRecord({ description: 'default-message', url: 'http://mytest.com', context: 'parent', installation: 42, ...job });

    // Act
    await put(record);

    // Assess
    if (!expected) {
      expect(statusWrites()).toEqual([]);
      return;
    }
    expect(gh.statusesOf('acme/widgets', expected.sha)).toEqual([
      { context: 'parent', state: expected.state, description: expected.description ?? padded('default-message'), targetUrl: 'http://mytest.com' },
    ]);
    expect(seen).toEqual([{ repo: 'acme/widgets', installation: 42 }]);
  });

  it('a repeated report of the same state sets the status once; the next state sets it again', async () => {
    // Prepare
    const { store, report, statusWrites } = setup();
    await store.create(jobRecord({ state: 'pending', description: 'Job triggered.' }));

    // Act
    await report((await store.get('job-1'))!);
    await report((await store.get('job-1'))!);
    const pending = statusWrites().length;
    const current = (await store.get('job-1'))!;
    await report((await store.update(current, { state: 'success', description: 'Job succeeded.' }))!);
    await report((await store.get('job-1'))!);

    // Assess
    expect(pending).toBe(1);
    expect(statusWrites()).toHaveLength(2);
    expect((await store.get('job-1'))?.reportedState).toBe('success');
  });

  it('a stale record (the job moved on while crier was reporting) ends with the newest state on GitHub', async () => {
    // Prepare
    const { gh, store, report } = setup();
    await store.create(jobRecord({ state: 'pending', description: 'Job triggered.' }));
    const stale = (await store.get('job-1'))!;
    await store.update(stale, { state: 'failure', description: 'Job failed.', completedAt: '2024-05-01T12:05:00.000Z', url: 'http://log' });

    // Act
    await report(stale);

    // Assess
    expect(gh.statusesOf('acme/widgets', head)).toEqual([{ context: 'unit', state: 'failure', description: padded('Job failed.'), targetUrl: 'http://log' }]);
    expect((await store.get('job-1'))?.reportedState).toBe('failure');
  });

  it('a GitHub failure leaves reportedState behind, so the next report sets the status', async () => {
    // Prepare
    const { gh, store, report } = setup();
    await store.create(jobRecord({ state: 'pending' }));
    gh.failNext('createStatus', new Error('502 Bad Gateway'));

    // Act
    await expect(report((await store.get('job-1'))!)).rejects.toThrow('502');
    const after = await store.get('job-1');
    await report(after!);

    // Assess
    expect(after).not.toHaveProperty('reportedState');
    expect(gh.statusesOf('acme/widgets', head)).toHaveLength(1);
  });

  it.each([
    { name: 'the commit is gone (a force push: 404)', error: Object.assign(new Error('Not Found'), { status: 404 }) },
    { name: 'No commit found for SHA (422)', error: Object.assign(new Error('No commit found for SHA: abc'), { status: 422 }) },
    { name: 'the SHA and context has used up its statuses', error: Object.assign(new Error('This SHA and context has reached the maximum number of statuses.'), { status: 422 }) },
  ])('$name: swallowed as Prow does, no summary comment, recorded as reported', async ({ error }) => {
    // Prepare
    const { gh, store, report } = setup();
    await store.create(jobRecord({ state: 'failure', url: 'http://log' }));
    gh.failNext('createStatus', new GitHubError('failed to set the status unit of acme/widgets@head to failure', { cause: error }));

    // Act
    await report((await store.get('job-1'))!);

    // Assess
    expect((await store.get('job-1'))?.reportedState).toBe('failure');
    expect(gh.commentsOf('acme/widgets#1')).toEqual([]);
  });

  it('a 403 permission error is not swallowed', async () => {
    // Prepare
    const { gh, store, report } = setup();
    await store.create(jobRecord({ state: 'failure' }));
    gh.failNext('createStatus', new GitHubError('failed to set the status', { cause: Object.assign(new Error('Resource not accessible by integration'), { status: 403 }) }));

    // Act + Assess
    await expect(report((await store.get('job-1'))!)).rejects.toThrow('failed to set the status');
    expect(await store.get('job-1')).not.toHaveProperty('reportedState');
  });
});

describe('the base SHA in the description (Prow ContextDescriptionWithBaseSha, TestTruncate)', () => {
  const big = shout(140);
  it.each([
    { name: 'do not change short strings', input: 'foo', check: (out: string) => expect(out).toBe('foo') },
    { name: 'do not change at boundary', input: big.slice(0, 140), check: (out: string) => expect(out).toBe(big.slice(0, 140)) },
    { name: 'do not change boundary-1', input: big.slice(0, 139), check: (out: string) => expect(out).toBe(big.slice(0, 139)) },
    // (140 - 5) is odd, so the truncated text is one shorter than the limit, as in Prow's test.
    { name: 'truncated messages have the right length', input: big, check: (out: string) => expect(out).toHaveLength(139) },
    { name: 'truncated message include beginning', input: big, check: (out: string) => expect(out.startsWith(big.slice(0, 35))).toBe(true) },
    { name: 'truncated messages include ending', input: big, check: (out: string) => expect(out.endsWith(big.slice(-35))).toBe(true) },
    { name: 'truncated messages include a ...', input: big, check: (out: string) => expect(out).toContain(' ... ') },
  ])('$name', ({ input, check }) => {
    check(truncate(input, 140));
  });

  it.each(['', 'Job succeeded.', shout(10), shout(140), 'ü'.repeat(100)])('with a base SHA it is at most 140 bytes and ends with it: %#', (description) => {
    // Act
    const out = contextDescriptionWithBaseSha(description, baseSha);

    // Assess
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(140);
    expect(out.endsWith(` BaseSHA:${baseSha}`)).toBe(true);
    expect(out.split(' BaseSHA:')[1]).toBe(baseSha);
  });

  it('a short description is padded with U+2001 as Prow pads it (Go re-evaluates the bound each round)', () => {
    // 'Job succeeded.' (14) + ' BaseSHA:' (9) + 40 = 63 bytes; the loop runs while i < 140 - (63 + 3i): 20 times.
    expect(contextDescriptionWithBaseSha('Job succeeded.', baseSha)).toBe(`Job succeeded.${'\u2001'.repeat(20)} BaseSHA:${baseSha}`);
  });
});

describe('summary comment (Prow TestCreateComment)', () => {
  const footer = `\n\n<details>\n\n${aboutThisBotWithCommands}\n</details>\n${commentTag}`;
  it.each([
    {
      name: 'single-job-single-failure',
      entries: ['aaa | bbb | ccc | ddd | eee'],
      want: `@chaodaig: The following test **failed**, say \`/retest\` to rerun all failed tests or \`/retest-required\` to rerun all mandatory failed tests:\n\nTest name | Commit | Details | Required | Rerun command\n--- | --- | --- | --- | ---\naaa | bbb | ccc | ddd | eee${footer}`,
    },
    {
      name: 'single-job-multiple-failure',
      entries: ['aaa | bbb | ccc | ddd | eee', 'fff | ggg | hhh | iii | jjj'],
      want: `@chaodaig: The following tests **failed**, say \`/retest\` to rerun all failed tests or \`/retest-required\` to rerun all mandatory failed tests:\n\nTest name | Commit | Details | Required | Rerun command\n--- | --- | --- | --- | ---\naaa | bbb | ccc | ddd | eee\nfff | ggg | hhh | iii | jjj${footer}`,
    },
    { name: 'all-passed', entries: [], want: `@chaodaig: all tests **passed!**\n${footer}` },
  ])('$name', ({ entries, want }) => {
    expect(summaryComment('chaodaig', entries)).toBe(want);
  });
});

describe('summary comment on the pull request', () => {
  const finished = (id: string, context: string, state: JobRecord['state'], minute: number, extra: Partial<JobRecord> = {}) =>
    jobRecord({
      id,
      name: context,
      context,
      rerunCommand: `/test ${context}`,
      state,
      url: `http://logs/${id}`,
      createdAt: `2024-05-01T12:0${minute}:00.000Z`,
      completedAt: `2024-05-01T12:0${minute}:30.000Z`,
      ...extra,
    });
  const row = (id: string, context: string, required = 'true', sha = head) => `${context} | ${sha} | [link](http://logs/${id}) | ${required} | \`/test ${context}\``;

  it('a failure posts Prow’s table with the commit, details link, required and rerun command', async () => {
    // Prepare
    const { gh, put } = setup();

    // Act
    await put(finished('u1', 'unit', 'failure', 1));

    // Assess
    expect(gh.commentsOf('acme/widgets#1')).toEqual([{ id: expect.any(Number), user: 'skiff-bot', body: summaryComment('alice', [row('u1', 'unit')]) }]);
  });

  it('should create a new optional comment: an optional job’s row says required false', async () => {
    // Prepare
    const { gh, put } = setup();

    // Act
    await put(finished('u1', 'unit', 'failure', 1, { optional: true }));

    // Assess
    expect(gh.commentsOf('acme/widgets#1')[0]?.body).toContain(row('u1', 'unit', 'false'));
  });

  it('should delete when all tests pass: the rerun passes, the summary goes', async () => {
    // Prepare
    const { gh, put } = setup();
    await put(finished('u1', 'unit', 'failure', 1));

    // Act
    await put(finished('u2', 'unit', 'success', 2));

    // Assess
    expect(gh.commentsOf('acme/widgets#1')).toEqual([]);
  });

  it('should update an old comment when a test passes: edited in place with the rows still failing', async () => {
    // Prepare
    const { gh, put } = setup();
    await put(finished('u1', 'unit', 'failure', 1));
    await put(finished('l1', 'lint', 'failure', 2));
    const [before] = gh.commentsOf('acme/widgets#1');

    // Act
    await put(finished('u2', 'unit', 'success', 3));

    // Assess
    expect(before?.body).toBe(summaryComment('alice', [row('u1', 'unit'), row('l1', 'lint')]));
    expect(gh.commentsOf('acme/widgets#1')).toEqual([{ id: before!.id, user: 'skiff-bot', body: summaryComment('alice', [row('l1', 'lint')]) }]);
    expect(gh.writes.filter((w) => w.startsWith('editComment'))).toHaveLength(1);
  });

  it('should update a failed test: a new failure replaces the comment (posted afresh) and keeps the other rows', async () => {
    // Prepare
    const { gh, put } = setup();
    await put(finished('l1', 'lint', 'failure', 1));
    const [old] = gh.commentsOf('acme/widgets#1');

    // Act
    await put(finished('u1', 'unit', 'failure', 2));

    // Assess
    const now = gh.commentsOf('acme/widgets#1');
    expect(now).toHaveLength(1);
    expect(now[0]?.id).not.toBe(old?.id);
    expect(now[0]?.body).toBe(summaryComment('alice', [row('l1', 'lint'), row('u1', 'unit')]));
  });

  // Prow's TestParseIssueComment rows, the earlier summaries seeded as the bot's comments.
  type CommentRow = { name: string; context: string; state: JobRecord['state']; comments: { user?: string; body: string }[]; rows: string[]; kept: number[] };
  const bla = (state: JobRecord['state']) => finished('b1', 'bla test', state, 5);
  const commentRows: CommentRow[] = [
    { name: 'should create a new comment', context: 'bla test', state: 'failure', comments: [], rows: [row('b1', 'bla test')], kept: [] },
    {
      name: 'should not delete an up-to-date comment (one without the tag is not a summary)',
      context: 'bla test',
      state: 'success',
      comments: [{ body: '--- | --- | ---\nfoo test | something | or other\n\n' }],
      rows: [],
      kept: [0],
    },
    { name: 'should delete when all tests pass', context: 'bla test', state: 'success', comments: [{ body: `--- | --- | ---\nbla test | something | or other\n\n${commentTag}` }], rows: [], kept: [] },
    {
      name: 'should delete a passing test with \\r',
      context: 'bla test',
      state: 'success',
      comments: [{ body: `--- | --- | ---\r\nbla test | something | or other\r\n\r\n${commentTag}` }],
      rows: [],
      kept: [],
    },
    {
      name: 'should update a failed test',
      context: 'bla test',
      state: 'failure',
      comments: [{ body: `--- | --- | ---\nbla test | something | or other\n\n${commentTag}` }],
      rows: [row('b1', 'bla test')],
      kept: [],
    },
    {
      name: 'should preserve old results when updating',
      context: 'bla test',
      state: 'failure',
      comments: [{ body: `--- | --- | ---\nbla test | something | or other\nfoo test | wow | aye\n\n${commentTag}` }],
      rows: ['foo test | wow | aye', row('b1', 'bla test')],
      kept: [],
    },
    {
      name: 'should merge duplicates',
      context: 'bla test',
      state: 'failure',
      comments: [
        { body: `--- | --- | ---\nbla test | something | or other\nfoo test | wow such\n\n${commentTag}` },
        { body: `--- | --- | ---\nfoo test | beep | boop\n\n${commentTag}` },
      ],
      rows: ['foo test | beep | boop', row('b1', 'bla test')],
      kept: [],
    },
    {
      name: 'someone else’s comment with the tag is not the bot’s summary',
      context: 'bla test',
      state: 'success',
      comments: [{ user: 'mallory', body: `--- | --- | ---\nfoo test | x | y\n\n${commentTag}` }],
      rows: [],
      kept: [0],
    },
  ];

  it.each(commentRows)('$name', async ({ state, comments, rows: expectedRows, kept }) => {
    // Prepare
    const { gh, put } = setup();
    const ids = comments.map((c) => gh.addComment('acme/widgets#1', { user: c.user ?? 'skiff-bot', body: c.body }));

    // Act
    await put(bla(state));

    // Assess
    const now = gh.commentsOf('acme/widgets#1');
    const left = now.filter((c) => ids.includes(c.id));
    expect(left.map((c) => ids.indexOf(c.id))).toEqual(kept);
    const summaries = now.filter((c) => !ids.includes(c.id));
    expect(summaries.map((c) => c.body)).toEqual(expectedRows.length ? [summaryComment('alice', expectedRows)] : []);
  });

  it('should update an old comment when a test passes (Prow’s row): edited in place, the old row kept', async () => {
    // Prepare
    const { gh, put } = setup();
    const id = gh.addComment('acme/widgets#1', { user: 'skiff-bot', body: `--- | --- | ---\nbla test | something | or other\nfoo test | wow | aye\n\n${commentTag}` });

    // Act
    await put(bla('success'));

    // Assess
    expect(gh.commentsOf('acme/widgets#1')).toEqual([{ id, user: 'skiff-bot', body: summaryComment('alice', ['foo test | wow | aye']) }]);
  });

  it('a rerun still running leaves the failed row; the abort of a run (a new push) clears it', async () => {
    // Prepare
    const { gh, put, store } = setup();
    await put(finished('u1', 'unit', 'failure', 1));
    await put(finished('l1', 'lint', 'failure', 2));
    await store.create(jobRecord({ id: 'u2', name: 'unit', context: 'unit', state: 'pending', createdAt: '2024-05-01T12:03:00.000Z' }));

    // Act
    await put(finished('l2', 'lint', 'aborted', 4, { description: 'Aborted by trigger plugin.' }));

    // Assess
    expect(gh.commentsOf('acme/widgets#1').map((c) => c.body)).toEqual([summaryComment('alice', [row('u1', 'unit')])]);
  });

  it('an old failure on an earlier commit keeps its commit in its row', async () => {
    // Prepare
    const { gh, put } = setup();
    const earlier = { ...jobRecord().refs!, pulls: [{ ...jobRecord().refs!.pulls[0]!, sha: 'old1' }] };
    await put(finished('u1', 'unit', 'failure', 1, { refs: earlier }));

    // Act
    await put(finished('l1', 'lint', 'failure', 2));

    // Assess
    expect(gh.commentsOf('acme/widgets#1').map((c) => c.body)).toEqual([summaryComment('alice', [row('u1', 'unit', 'true', 'old1'), row('l1', 'lint')])]);
  });

  it('without a known bot login: the status, and no summary (its earlier ones could not be found)', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    const store = new MemoryJobStore();
    const report = createCrier({ githubFor: () => gh, store, botLogin: undefined });
    await store.create(finished('u1', 'unit', 'failure', 1));

    // Act
    await report((await store.get('u1'))!);

    // Assess
    expect(gh.statusesOf('acme/widgets', head)).toHaveLength(1);
    expect(gh.commentsOf('acme/widgets#1')).toEqual([]);
  });

  it('no comment for a passing run when there is no summary, nor for postsubmits', async () => {
    // Prepare
    const { gh, put } = setup();

    // Act
    await put(finished('u1', 'unit', 'success', 1));
    await put(finished('d1', 'deploy', 'failure', 2, { type: 'postsubmit', refs: { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha, pulls: [] } }));

    // Assess
    expect(gh.commentsOf('acme/widgets#1')).toEqual([]);
    expect(gh.writes.filter((w) => /Comment/.test(w))).toEqual([]);
  });
});
