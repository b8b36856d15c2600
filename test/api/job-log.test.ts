// GET /jobs/<id>/log in AWS: the signed link (a table of good and bad signatures and ids), and the
// handler over the real S3 adapter against aws-sdk-client-mock and a recording GetLogEvents:
// the S3 copy of a finished build, CloudWatch pages for a running one, the cap that keeps the tail.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { handleJobLog, LogTail, type JobLogDeps } from '../../shared/api/job-log.js';
import { jobLogLinks } from '../../shared/jobs/job-log-link.js';
import { jobId } from '../../shared/jobs/plank.js';
import { parseHmacSecrets, type HmacSecrets } from '../../shared/hook/hmac.js';
import { s3LogObjects, type GetLogEvents, type LogEventsPage } from '../../shared/storage/job-log-sources.js';
import { MemoryJobStore } from '../fakes/memory-job-store.js';
import { pendingJobRecord } from '../fakes/plank-job-record.js';

const id = jobId('periodic:ci-nightly@2026-12-04T00:00:00.000Z', 'ci-nightly');
const other = jobId('delivery-2', 'unit');
const uuid = '8745a7a9-c340-456a-9166-edf953571bEX';
const secrets = async (): Promise<HmacSecrets> => parseHmacSecrets('webhook-secret-for-tests');
const links = jobLogLinks(secrets, 'https://abc123.execute-api.us-west-2.amazonaws.com/');
const sigOf = async (jobIdToSign: string) => new URL(await links.url(jobIdToSign)).searchParams.get('sig')!;

function setup(options: { state?: 'pending' | 'success' | 'failure'; s3?: string | 'missing'; pages?: LogEventsPage[]; missingStream?: boolean; maxBytes?: number } = {}) {
  const jobs = new MemoryJobStore();
  void jobs.create(pendingJobRecord({ id, name: 'ci-nightly', state: options.state ?? 'pending', buildId: `skiff-jobs:${uuid}` }));
  const client = new S3Client({ region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const s3 = mockClient(client);
  if (options.s3 === undefined || options.s3 === 'missing') s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }));
  else s3.on(GetObjectCommand).resolves({ Body: Readable.from([gzipSync(Buffer.from(options.s3, 'utf8'))]) as never });
  const calls: Parameters<GetLogEvents>[0][] = [];
  const pages = options.pages ?? [];
  const events: GetLogEvents = async (input) => {
    calls.push(input);
    if (options.missingStream) throw Object.assign(new Error('The specified log stream does not exist.'), { name: 'ResourceNotFoundException' });
    // Newest page first: the n-th call answers pages[length - 1 - n]; its backward token names the page before it.
    const index = pages.length - 1 - calls.length + 1;
    const page = pages[index] ?? { events: [] };
    return { ...page, nextBackwardToken: index <= 0 ? input.nextToken ?? 'b/start' : `b/${index - 1}` };
  };
  const deps: JobLogDeps = { links, jobs, objects: s3LogObjects(async () => client, 'skiff-artifacts'), events, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) };
  return { deps, s3, calls };
}

describe('the signed link', () => {
  it('is the API endpoint, the route and an HMAC of the job id under a key derived from the webhook secret (v1, pinned)', async () => {
    // A known answer (RFC 5869 HKDF-SHA256, empty salt, then HMAC-SHA256, checked by hand outside
    // Node): links on statuses already posted must keep working across releases.
    expect(await links.url('0123456789abcdef0123456789abcdef')).toBe(
      'https://abc123.execute-api.us-west-2.amazonaws.com/jobs/0123456789abcdef0123456789abcdef/log?sig=8a47896aa478c9b687532e0f176db15589f6bdba118e96c93286a83c51b323de',
    );
  });

  it.each([
    { name: 'good', path: async () => `/jobs/${id}/log?sig=${await sigOf(id)}`, status: 200, says: /Skiff: ci-nightly/ },
    { name: 'missing', path: async () => `/jobs/${id}/log`, status: 403, says: /^403 Forbidden: the link has no signature/ },
    { name: 'empty', path: async () => `/jobs/${id}/log?sig=`, status: 403, says: /no signature/ },
    { name: 'wrong', path: async () => `/jobs/${id}/log?sig=${'0'.repeat(64)}`, status: 403, says: /^403 Forbidden: the signature is not this job's/ },
    { name: "another job's signature", path: async () => `/jobs/${id}/log?sig=${await sigOf(other)}`, status: 403, says: /not this job's/ },
    { name: 'truncated', path: async () => `/jobs/${id}/log?sig=${(await sigOf(id)).slice(0, 63)}`, status: 403, says: /not 64 lowercase hex digits/ },
    { name: 'upper case', path: async () => `/jobs/${id}/log?sig=${(await sigOf(id)).toUpperCase()}`, status: 403, says: /not 64 lowercase hex digits/ },
    { name: 'signed with another secret', path: async () => `/jobs/${id}/log?sig=${new URL(await jobLogLinks(async () => parseHmacSecrets('another-secret')).url(id), 'http://x').searchParams.get('sig')}`, status: 403, says: /not this job's/ },
    { name: 'non-hex id', path: async () => `/jobs/${'g'.repeat(32)}/log?sig=${await sigOf(id)}`, status: 400, says: /^400 Bad Request: that is not a job id/ },
    { name: 'id too long', path: async () => `/jobs/${id}0/log?sig=${await sigOf(id)}`, status: 400, says: /not a job id/ },
    { name: 'markup in the id, never echoed', path: async () => `/jobs/%3Cscript%3E/log`, status: 400, says: /^[^<]*$/ },
    { name: 'a path that is not the route', path: async () => `/jobs/${id}/artifacts`, status: 404, says: /a job log is at/ },
  ])('$name → $status', async ({ path, status, says }) => {
    // Prepare
    const { deps } = setup({ pages: [{ events: [{ message: 'hello\n' }] }] });
    // Act
    const response = await handleJobLog('GET', await path(), deps);
    // Assess
    expect(response.status).toBe(status);
    expect(response.body).toMatch(says);
    // A refusal is one line.
    if (status !== 200) expect(response.body.trimEnd().split('\n')).toHaveLength(1);
    expect(response.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  });

  it("accepts a link signed with the old token while a rotation lists both, and signs new links with the newest", async () => {
    // Prepare
    const old = jobLogLinks(async () => parseHmacSecrets('old-secret'));
    const rotating = jobLogLinks(async () =>
      parseHmacSecrets("'*':\n  - value: old-secret\n    created_at: 2026-01-01T00:00:00Z\n  - value: new-secret\n    created_at: 2026-06-01T00:00:00Z\n"),
    );
    const renewed = jobLogLinks(async () => parseHmacSecrets('new-secret'));
    const sig = (url: string) => new URL(url, 'http://x').searchParams.get('sig');
    // Act / Assess
    expect(await rotating.check(id, sig(await old.url(id)))).toEqual({ ok: true });
    expect(sig(await rotating.url(id))).toBe(sig(await renewed.url(id)));
    expect((await renewed.check(id, sig(await old.url(id)))).ok).toBe(false);
  });

  it('refuses to sign what is not a job id', async () => {
    await expect(links.url('../etc')).rejects.toThrow(/not a job id/);
  });
});

describe('GET /jobs/<id>/log', () => {
  const get = async (deps: JobLogDeps) => handleJobLog('GET', `/jobs/${id}/log?sig=${await sigOf(id)}`, deps);

  it("serves a finished job's S3 copy, decompressed, from the key CodeBuild writes", async () => {
    // Prepare
    const { deps, s3, calls } = setup({ state: 'failure', s3: '[Container] make test\nFAIL: TestWidget\n' });
    // Act
    const response = await get(deps);
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toBe(`Skiff: ci-nightly (job ${id}, failure), from the copy CodeBuild saved when the build ended.\n[Container] make test\nFAIL: TestWidget\n`);
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'skiff-artifacts', Key: `jobs/${id}/logs/${uuid}.gz` }]);
    expect(calls).toEqual([]);
  });

  it("reads a running job's CloudWatch stream newest page first and shows the pages in order, saying it still runs", async () => {
    // Prepare
    const { deps, s3, calls } = setup({ pages: [{ events: [{ message: 'one\n' }, { message: 'two' }] }, { events: [{ message: 'three\n' }] }] });
    // Act
    const response = await get(deps);
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toBe(`Skiff: ci-nightly (job ${id}, running), from CloudWatch Logs, as the build writes it.\none\ntwo\nthree\n[the job is still running: reload for more]\n`);
    expect(calls).toEqual([
      { logStreamName: uuid, startFromHead: false },
      { logStreamName: uuid, startFromHead: false, nextToken: 'b/0' },
    ]);
    // A running build has no S3 copy: not asked for.
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it("falls back to CloudWatch for a finished job whose S3 copy is not there yet, and says so", async () => {
    const { deps } = setup({ state: 'success', s3: 'missing', pages: [{ events: [{ message: 'ok\n' }] }] });
    const response = await get(deps);
    expect(response.body).toBe(`Skiff: ci-nightly (job ${id}, success), from CloudWatch Logs (CodeBuild's copy in S3 is not there yet).\nok\n`);
  });

  it('keeps the tail when the log is over the cap, from a whole line, with a note first', async () => {
    // Prepare: 3 pages of 10 lines of 10 bytes; a 45-byte cap.
    const page = (n: number) => ({ events: Array.from({ length: 10 }, (_, i) => ({ message: `p${n} line${i}\n` })) });
    const { deps, calls } = setup({ pages: [page(0), page(1), page(2)], maxBytes: 45 });
    // Act
    const response = await get(deps);
    // Assess: only the newest page was read; its last four whole lines are shown.
    const lines = response.body.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^\[the start is cut: this is the last .* or less, from a whole line\]$/);
    expect(lines.slice(2)).toEqual(['p2 line6', 'p2 line7', 'p2 line8', 'p2 line9', '[the job is still running: reload for more]']);
    expect(calls).toHaveLength(1);
  });

  it('keeps the tail of a long S3 copy too', async () => {
    const log = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('');
    const { deps } = setup({ state: 'success', s3: log, maxBytes: 100 });
    const lines = (await get(deps)).body.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^\[the start is cut/);
    expect(lines.at(-1)).toBe('line 999');
    expect(lines.slice(2).join('\n').length).toBeLessThanOrEqual(100);
  });

  it.each([
    { name: 'an unknown job', job: 'unknown', status: 404, says: /^404 Not Found: no job / },
    { name: 'a running build with no stream yet', job: 'starting', status: 200, says: /has not written a line yet[\s\S]*still running/ },
    { name: 'a finished job whose log expired', job: 'expired', status: 404, says: /has no log left/ },
    { name: 'a GitHub Actions job', job: 'actions', status: 404, says: /ran on GitHub Actions; its commit status links to its log there/ },
    { name: 'a job not started yet', job: 'waiting', status: 200, says: /not started yet/ },
  ] as const)('$name → $status', async ({ job, status, says }) => {
    // Prepare
    const { deps } = setup({ state: job === 'expired' ? 'success' : 'pending', missingStream: true });
    const jobs = new MemoryJobStore();
    if (job !== 'unknown' && job !== 'starting' && job !== 'expired') {
      await jobs.create(pendingJobRecord({ id, ...(job === 'actions' ? { agent: 'github-actions', buildId: '99' } : { state: 'triggered' }) }));
    }
    const response = await get(job === 'starting' || job === 'expired' ? deps : { ...deps, jobs });
    // Assess
    expect(response.status).toBe(status);
    expect(response.body).toMatch(says);
  });

  it('answers 405 to anything but GET', async () => {
    const { deps } = setup();
    expect((await handleJobLog('POST', `/jobs/${id}/log`, deps)).status).toBe(405);
  });
});

describe('LogTail', () => {
  it.each([
    { name: 'under the cap', chunks: ['a\nb\n'], max: 10, text: 'a\nb\n', cut: false },
    { name: 'over the cap, from a whole line', chunks: ['aaaa\n', 'bbbb\n', 'cccc\n'], max: 7, text: 'cccc\n', cut: true },
    { name: 'a multi-byte character at the cut is never split', chunks: ['ééééé\n', 'ok\n'], max: 6, text: 'ok\n', cut: true },
  ])('$name', ({ chunks, max, text, cut }) => {
    const tail = new LogTail(max);
    for (const chunk of chunks) tail.push(Buffer.from(chunk));
    expect(tail.result()).toEqual({ text, cut });
  });
});
