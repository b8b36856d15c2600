// `GET /jobs/<id>/log?sig=<hex>` in AWS: a CodeBuild job's log for whoever has the link its commit
// status carries (Prow's deck shows job logs to anyone who can see the status; the CodeBuild
// console needs AWS credentials). The route has no IAM authorisation; the signature is the
// capability (shared/jobs/job-log-link.ts). Local mode serves the same path from its own agent.
//
// A finished job's log is the gzipped copy CodeBuild wrote to S3, decompressed here; a running
// job's (or a finished one whose copy is not there yet) is its CloudWatch Logs stream. Either is
// answered through the Lambda as text, its tail at most `maxLogBytes`: a Lambda response is at
// most 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), and the
// body goes base64-encoded (4/3 of its size) because JSON-escaping a log full of terminal colour
// codes has no such bound. The first line says where the text came from; a note says when the
// start was cut, and the last line says when the job is still running.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { jobLogIdPattern, type JobLogLinks } from '../jobs/job-log-link.js';
import { isFinished, type JobStore } from '../jobs/types.js';
import { isMissingStream, type GetLogEvents, type OpenLogObject } from '../storage/job-log-sources.js';

export interface JobLogResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** 4 MiB of text is 5.6 MB base64, under Lambda's 6 MB with room for the header lines and envelope. */
export const maxLogBytes = 4 * 1024 * 1024;

/** GetLogEvents pages read at most (a page is up to 1 MB); the byte cap normally ends it sooner. */
const maxPages = 40;

export interface JobLogDeps {
  links: Pick<JobLogLinks, 'check'>;
  jobs: Pick<JobStore, 'get'>;
  objects: OpenLogObject;
  events: GetLogEvents;
  maxBytes?: number;
}

const jobLogPath = /^\/jobs\/([^/]*)\/log\/?$/;

/** Whether the path is this route's (functions/api.ts sends only these here). */
export const isJobLogPath = (path: string): boolean => jobLogPath.test(path);

// nosniff: a browser shows the text as text even if a log holds markup; no-referrer: the
// capability in the URL does not travel in a Referer; no-store: a running log changes.
const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
const text = (status: number, body: string): JobLogResponse => ({ status, headers, body: body.endsWith('\n') ? body : `${body}\n` });

/** The last `maxBytes` of a byte stream fed front to back (push) or back to front (unshift). */
export class LogTail {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #cut = false;

  constructor(readonly maxBytes: number) {}

  push(chunk: Uint8Array): void {
    this.#chunks.push(Buffer.from(chunk));
    this.#bytes += chunk.length;
    while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0]!.length >= this.maxBytes) {
      this.#bytes -= this.#chunks.shift()!.length;
      this.#cut = true;
    }
  }

  /** Prepends older bytes; false once the tail is full (then older ones are cut). */
  unshift(chunk: Uint8Array): boolean {
    if (this.full) {
      this.#cut = true;
      return false;
    }
    this.#chunks.unshift(Buffer.from(chunk));
    this.#bytes += chunk.length;
    return !this.full;
  }

  get full(): boolean {
    return this.#bytes >= this.maxBytes;
  }

  /** Marks the start as cut (a reader stopped before the stream's beginning). */
  markCut(): void {
    this.#cut = true;
  }

  /** The text, starting at a whole line when the start was cut (so no UTF-8 sequence is split either). */
  result(): { text: string; cut: boolean } {
    let all = Buffer.concat(this.#chunks);
    let cut = this.#cut;
    if (all.length > this.maxBytes) {
      all = all.subarray(all.length - this.maxBytes);
      cut = true;
    }
    if (cut) {
      const newline = all.indexOf(0x0a);
      all = newline === -1 ? Buffer.alloc(0) : all.subarray(newline + 1);
    }
    return { text: all.toString('utf8'), cut };
  }
}

/** The S3 copy's decompressed tail, or undefined while there is none. */
async function s3Tail(deps: JobLogDeps, key: string, maxBytes: number): Promise<{ text: string; cut: boolean } | undefined> {
  const body = await deps.objects(key);
  if (!body) return undefined;
  const tail = new LogTail(maxBytes);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      tail.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from(body), createGunzip(), sink);
  return tail.result();
}

/**
 * The stream's tail, read newest page first (GetLogEvents from the end, then each
 * nextBackwardToken), so a long log costs only the pages shown, not every page from its start.
 * The token coming back unchanged is the stream's start. Undefined: no stream yet.
 */
async function cloudWatchTail(deps: JobLogDeps, stream: string, maxBytes: number): Promise<{ text: string; cut: boolean } | undefined> {
  const tail = new LogTail(maxBytes);
  let token: string | undefined;
  for (let page = 0; ; page++) {
    let answer;
    try {
      answer = await deps.events({ logStreamName: stream, startFromHead: false, ...(token ? { nextToken: token } : {}) });
    } catch (error) {
      if (page === 0 && isMissingStream(error)) return undefined;
      throw error;
    }
    const lines = (answer.events ?? []).map((e) => e.message ?? '').map((m) => (m.endsWith('\n') ? m : `${m}\n`));
    const more = tail.unshift(Buffer.from(lines.join(''), 'utf8'));
    const next = answer.nextBackwardToken;
    if (!next || next === token) break;
    if (!more || page + 1 >= maxPages) {
      tail.markCut();
      break;
    }
    token = next;
  }
  return tail.result();
}

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** `url` is the path with its query string. */
export async function handleJobLog(method: string, url: string, deps: JobLogDeps): Promise<JobLogResponse> {
  if (method.toUpperCase() !== 'GET') return text(405, `405 Method Not Allowed: a job's log is read with GET`);
  const parsed = new URL(url, 'http://skiff.invalid');
  const match = jobLogPath.exec(parsed.pathname);
  if (!match) return text(404, '404 Not Found: a job log is at /jobs/{job id}/log?sig={signature}');
  const id = match[1]!;
  if (!jobLogIdPattern.test(id)) return text(400, '400 Bad Request: that is not a job id (32 lowercase hex digits)');
  const check = await deps.links.check(id, parsed.searchParams.get('sig'));
  if (!check.ok) return text(403, `403 Forbidden: ${check.reason}`);
  const job = await deps.jobs.get(id);
  if (!job) return text(404, `404 Not Found: no job ${id} (records are deleted some time after they finish)`);
  if (job.agent !== 'codebuild') return text(404, `404 Not Found: job ${id} ran on ${job.agent === 'github-actions' ? 'GitHub Actions' : `the ${job.agent} agent`}; its commit status links to its log there`);
  const running = !isFinished(job.state);
  const title = `${job.name} (job ${id}, ${running ? 'running' : job.state})`;
  if (!job.buildId) return text(200, `Skiff: ${title}: not started yet; no build, so no log.`);
  const uuid = job.buildId.slice(job.buildId.lastIndexOf(':') + 1);
  const maxBytes = deps.maxBytes ?? maxLogBytes;
  const fromS3 = running ? undefined : await s3Tail(deps, `jobs/${id}/logs/${uuid}.gz`, maxBytes);
  const log = fromS3 ?? (await cloudWatchTail(deps, uuid, maxBytes));
  if (!log) {
    if (running) return text(200, `Skiff: ${title}: CodeBuild has not written a line yet (the build is starting).\nThe job is still running: reload for more.`);
    return text(404, `404 Not Found: job ${id} has no log left: neither CodeBuild's copy in S3 nor its CloudWatch stream (both expire after the stack's jobLogRetentionDays)`);
  }
  const source = fromS3 ? "the copy CodeBuild saved when the build ended" : running ? 'CloudWatch Logs, as the build writes it' : "CloudWatch Logs (CodeBuild's copy in S3 is not there yet)";
  const lines = [
    `Skiff: ${title}, from ${source}.`,
    ...(log.cut ? [`[the start is cut: this is the last ${mib(maxBytes)} or less, from a whole line]`] : []),
    log.text.replace(/\n?$/, ''),
    ...(running ? ['[the job is still running: reload for more]'] : []),
  ];
  return text(200, lines.join('\n'));
}
