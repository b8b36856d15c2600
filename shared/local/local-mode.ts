// `skiff local`: the whole of Skiff in one process on 127.0.0.1 — the webhook, the plugin
// workers and the read API — through the same receive/dispatch code as the Lambdas, against
// embedded DynamoDB/SQS/S3 stand-ins.
//
// With a data directory, nothing acknowledged is lost when the process stops, however it stops:
// DynamoDB and S3 keep their files there, and the queue, which the stand-in keeps in memory, is
// journaled there (event-journal.ts). Without GitHub credentials, events are served by an
// in-process GitHub (offline-github.ts), so nothing goes to the network.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Bottleneck from 'bottleneck/light.js';
import { handleApi } from '../api/read-api.js';
import type { OctokitOptions } from '../github/octokit.js';
import type { DispatchDeps } from '../hook/dispatch.js';
import { isForwardMessage } from '../hook/forward.js';
import { decodeQueuedEvent } from '../hook/queued-event.js';
import { lambdaMaxBodyBytes, receive, type HookResponse, type ReceiveDeps } from '../hook/receive.js';
import { createLogger, type Logger } from '../log.js';
import { dispatchDeps } from '../runtime/dispatch-deps.js';
import { receiveDeps } from '../runtime/receive-deps.js';
import { EventListError, parseEventList, queuedEvents } from '../hook/events.js';
import { plugins } from '../plugins/registry.js';
import type { GitHubConnector } from '../github/connector.js';
import { GitHubActionsAgent } from '../jobs/agents/github-actions.js';
import { LocalAgent, type JobLogResponse } from '../jobs/agents/local.js';
import { createJobsRuntime, type JobsRuntime } from '../jobs/runtime.js';
import { DynamoJobStore } from '../jobs/store/dynamo-job-store.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { EventJournal, JournaledQueue } from './event-journal.js';
import { OfflineGitHub } from './offline-github.js';
import { QueuePoller } from './queue-poller.js';
import { startStandIns, type StandIns } from './stand-ins.js';
import { SqsQueue } from '../storage/sqs-queue.js';

export interface LocalOptions {
  env: Record<string, string | undefined>;
  /** 0 picks a free port. Default: $PORT or 8888. */
  port?: number;
  /** Where DynamoDB, S3 and the queue journal live between runs; without it, all is in memory. */
  dataDir?: string;
  visibilityTimeoutSeconds?: number;
  pollWaitSeconds?: number;
  octokit?: Partial<OctokitOptions>;
  afterPlugin?: DispatchDeps['afterPlugin'];
  log?: Logger;
  /** Offline (no credentials): each GitHub write that is not sent, as one line. Default: the log, at info. */
  print?: (line: string) => void;
  /** `GET /jobs/<id>/log`: logs served instead of the local job agent's (tests). */
  jobLog?: (id: string) => Promise<JobLogResponse>;
  /**
   * How often horologium and the reconciler run (default: every minute, as their schedules in
   * AWS) and sinker (default hourly). 0 turns that pass off (tests drive it through `jobs`).
   */
  jobTicks?: { horologiumMs?: number; reconcileMs?: number; sinkerMs?: number };
}

export interface LocalSkiff {
  url: string;
  port: number;
  standIns: StandIns;
  receiveDeps: ReceiveDeps;
  dispatchDeps: DispatchDeps & { github: GitHubConnector };
  poller: QueuePoller;
  /** No credentials: events are served by `offlineGitHub`, nothing reaches GitHub. */
  offline: boolean;
  offlineGitHub: OfflineGitHub;
  /** Events a previous run acknowledged and had not finished, queued again at this start. */
  replayed: number;
  /** Jobs: their records, plank, and the scheduled passes (also run by timers, see jobTicks). */
  jobs: JobsRuntime;
  /** The local agent: runs codebuild (Prow kubernetes) jobs as processes here. */
  localAgent: LocalAgent;
  /** Stops accepting, lets in-flight work finish (within a few seconds), and stops. */
  close(): Promise<void>;
}

/** Shutdown budget, well within the 10 s a process manager (or an impatient user) waits. */
const requestGraceMs = 2_000;
const batchGraceMs = 4_000;

export async function startLocal(options: LocalOptions): Promise<LocalSkiff> {
  const log = options.log ?? createLogger();
  let lock: DataDirLock | undefined;
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    lock = await lockDataDir(options.dataDir);
  }
  let standIns: StandIns;
  try {
    standIns = await startStandIns({ dataDir: options.dataDir, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  let server: Server | undefined;
  let poller: QueuePoller | undefined;
  let forwardPoller: QueuePoller | undefined;
  let journal: EventJournal | undefined;
  let localAgent: LocalAgent | undefined;
  let timers: NodeJS.Timeout[] = [];
  try {
    const env = {
      ...options.env,
      SKIFF_TABLE: standIns.table,
      SKIFF_QUEUE_URL: standIns.queueUrl,
      SKIFF_FORWARD_QUEUE_URL: standIns.forwardQueueUrl,
      SKIFF_PAYLOAD_BUCKET: standIns.bucket,
      SKIFF_JOBS_TABLE: standIns.jobsTable,
    };
    // SKIFF_QUEUE_EVENTS: events to queue for external plugins beyond the built-ins' (the stack's queueEvents).
    const base = receiveDeps(env, standIns.clients, log, queuedEvents(plugins, queueEventsFrom(options.env)));
    // Forwards to external plugins have a queue of their own (see stand-ins.ts).
    const forwards = new SqsQueue(standIns.clients.sqs, standIns.forwardQueueUrl);
    // Before anything is received: the events an earlier run acknowledged go first, in order.
    let replayed = 0;
    if (options.dataDir) {
      const opened = await EventJournal.open(join(options.dataDir, 'queue-journal.jsonl'));
      journal = opened.journal;
      if (opened.skippedLines) log.warn('skipped unreadable lines of the queue journal (a write cut short by a crash)', { lines: opened.skippedLines });
      for (const message of opened.pending) await (isForwardMessage(message.body) ? forwards : base.queue).send(message);
      replayed = opened.pending.length;
    }
    // The ack waits for what makes the event durable (the journal's fsync), not for the trace:
    // this process goes on after answering, so the trace is written all the same.
    const receiving: ReceiveDeps = { ...base, traceAfterAck: true, ...(journal ? { queue: new JournaledQueue(journal, base.queue, { log }) } : {}) };
    // Forwards are acknowledged work too: journaled like the webhook's sends, replayed the same way.
    const forwarding = journal ? new JournaledQueue(journal, forwards, { log }) : forwards;
    // Fail at start, not on the first delivery, when no secret is configured.
    await receiving.secrets();
    const print = options.print ?? ((line: string) => log.info(line));
    const offlineGitHub = new OfflineGitHub(print);
    // Jobs run here as processes: the local agent stands in for CodeBuild (and Prow's kubernetes
    // agent), with logs under the data directory and served at /jobs/<id>/log.
    const jobsDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'skiff-jobs-')));
    let baseUrl = 'http://127.0.0.1';
    let runtime: JobsRuntime | undefined;
    localAgent = new LocalAgent({
      dataDir: jobsDir,
      get baseUrl() {
        return baseUrl;
      },
      onFinished: async (id, observation) => void (await runtime?.plank.finish(id, observation)),
      credentials: async (refs) => {
        if (dispatching.github.dryRun) return undefined;
        const token = await dispatching.github.cloneToken({ owner: refs.org, repo: refs.repo });
        return token && { user: 'x-access-token', token: token.token };
      },
      warn: (message, error) => log.warn(message, { error: String(error) }),
    });
    const agent = localAgent;
    const dispatching = await dispatchDeps(env, standIns.clients, log, {
      allowConfigFiles: true,
      octokit: options.octokit,
      afterPlugin: options.afterPlugin,
      offlineGitHub,
      forwardQueue: forwarding,
      jobs: (github, config) =>
        (runtime = createJobsRuntime({
          store: new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable),
          agents: { local: agent, 'github-actions': new GitHubActionsAgent({ github: (job) => github.forEvent({ owner: job.refs!.org, repo: job.refs!.repo }, job.installation) }) },
          // Prow's kubernetes agent (our codebuild) runs here as a process, with no image pulled.
          agentFor: (name) => (name === 'codebuild' ? 'local' : name),
          github: (repo, installation) => github.forEvent(repo, installation),
          botLogin: () => github.botLogin(),
          jobConfig: async () => (await config.get()).jobs,
          log,
        })),
    });
    const jobs = runtime!;
    // Load the config now, so a broken one is reported at start.
    await dispatching.config.get();
    poller = new QueuePoller(standIns.clients.sqs, standIns.queueUrl, dispatching, log, {
      waitSeconds: options.pollWaitSeconds,
      maxReceiveCount: 5,
      deadLetterQueueUrl: standIns.deadLetterQueueUrl,
      visibilityTimeoutSeconds: standIns.visibilityTimeoutSeconds,
      journal,
      observe: async (body) => {
        if (!dispatching.github.offline) return;
        const event = decodeQueuedEvent(body);
        offlineGitHub.observe(event.payload ?? JSON.parse(await dispatching.payloads.get(event.payloadRef!)));
      },
    });
    poller.start();
    forwardPoller = new QueuePoller(standIns.clients.sqs, standIns.forwardQueueUrl, dispatching, log, {
      waitSeconds: options.pollWaitSeconds,
      maxReceiveCount: 5,
      deadLetterQueueUrl: standIns.deadLetterQueueUrl,
      visibilityTimeoutSeconds: standIns.visibilityTimeoutSeconds,
      journal,
    });
    forwardPoller.start();

    const jobLog = options.jobLog ?? ((id: string) => agent.serveJobLog(id));
    server = createServer((req, res) => {
      route(req, res, receiving, dispatching, jobLog).catch((error: unknown) => {
        log.error('request failed', { error: error as Error });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('500 Internal Server Error\n');
      });
    });
    // GitHub gives up on a delivery after 10 s; a request still arriving after that is a slow
    // sender holding a socket (and, for a large body, one of the few large-body slots): Node
    // answers 408 and closes it.
    server.requestTimeout = requestTimeoutMs;
    const port = await new Promise<number>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? Number(options.env.PORT ?? 8888), '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
    baseUrl = `http://127.0.0.1:${port}`;
    // The schedules AWS runs (EventBridge), as timers: each pass at most once at a time.
    const ticks = options.jobTicks ?? {};
    const every = (ms: number | undefined, fallback: number, name: string, pass: () => Promise<unknown>) => {
      const interval = ms ?? fallback;
      if (interval <= 0) return undefined;
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        pass()
          .catch((error: unknown) => log.warn(`${name} failed`, { error: String(error) }))
          .finally(() => (running = false));
      }, interval);
      timer.unref();
      return timer;
    };
    const horologiumMs = ticks.horologiumMs ?? 60_000;
    timers = [
      every(horologiumMs, 60_000, 'horologium', () => jobs.horologium(horologiumMs)),
      every(ticks.reconcileMs, 60_000, 'the reconciler', () => jobs.reconcile()),
      every(ticks.sinkerMs, 3_600_000, 'sinker', () => jobs.sinker()),
    ].filter((t): t is NodeJS.Timeout => t !== undefined);
    const listening = server;
    const polling = poller;
    const pollingForwards = forwardPoller;
    const journaling = journal;
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      standIns,
      receiveDeps: receiving,
      dispatchDeps: dispatching,
      poller: polling,
      offline: dispatching.github.offline,
      offlineGitHub,
      replayed,
      jobs,
      localAgent: agent,
      close() {
        closing ??= (async () => {
          for (const timer of timers) clearInterval(timer);
          // Stop accepting; requests in flight get their answer (an ack is an fsync'd append
          // away), then the connections are closed.
          await closeServer(listening, requestGraceMs);
          // A batch still running after the grace period is left: its messages were never
          // journaled as done, so the next start processes them (the claims skip what finished).
          await Promise.all([polling.stop(batchGraceMs), pollingForwards.stop(batchGraceMs)]);
          // Journaled messages still on their way to the stand-in queue finish first (they stay
          // in the journal either way, so the next start queues them again).
          await Promise.all([receiving.queue, forwarding].map((queue) => (queue instanceof JournaledQueue ? queue.settled() : undefined)));
          await journaling?.close();
          // Running jobs are stopped; their records stay pending for the reconciler of the next start.
          await agent.close();
          await standIns.close();
          await lock?.release();
        })();
        return closing;
      },
    };
  } catch (error) {
    server?.close();
    for (const timer of timers) clearInterval(timer);
    await localAgent?.close();
    await Promise.all([poller?.stop(batchGraceMs), forwardPoller?.stop(batchGraceMs)]);
    await journal?.close();
    await standIns.close();
    await lock?.release();
    throw error;
  }
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs);
    // Closes idle keep-alive connections at once (Node 19+), and waits for busy ones.
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function route(req: IncomingMessage, res: ServerResponse, receiving: ReceiveDeps, dispatching: DispatchDeps, jobLog?: LocalOptions['jobLog']): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const jobLogPath = /^\/jobs\/([^/]+)\/log$/.exec(path);
  if (jobLogPath && jobLog) {
    await answerJobLog(req, res, jobLogPath[1]!, jobLog);
    return;
  }
  if (path === '/hook') {
    const receiveWhole = async () => {
      const { body, complete } = await readBody(req, lambdaMaxBodyBytes);
      return { complete, response: await receive({ method: req.method ?? 'GET', headers: flatHeaders(req), body }, receiving) };
    };
    const { complete, response } = isLarge(req) ? await largeBodies.schedule(receiveWhole) : await receiveWhole();
    if (complete) {
      res.writeHead(response.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${response.body}\n`);
      return;
    }
    // Only the first limit + 1 bytes were read; the 413 states the whole body's size.
    answerThenClose(req, res, response.status === 413 ? tooLarge(req, lambdaMaxBodyBytes) : response);
    return;
  }
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
    return;
  }
  if (path.startsWith('/api/')) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await handleApi(req.method ?? 'GET', `${url.pathname}${url.search}`, { traces: dispatching.traces, pluginHelp: dispatching.pluginHelp });
    res.writeHead(response.status, response.headers).end(response.body);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 Not Found: try POST /hook, GET /healthz, GET /api/deliveries/{id} or GET /api/plugin-help?repo=owner/name\n');
}

// Bodies over a mebibyte are rare (GitHub's payloads are mostly tens of kilobytes) and each costs
// milliseconds of hashing and scanning before its signature can be refused. Reading one of them
// at a time, with the rest left unread in their sockets (TCP makes their senders wait),
// keeps a flood of large unsigned bodies from crowding out ordinary deliveries. On AWS, API
// Gateway and one Lambda invocation per request do this instead. A genuine large event waits its
// turn behind them, each turn a few tens of milliseconds.
const largeBodyBytes = 1024 * 1024;
const largeBodies = new Bottleneck({ maxConcurrent: 1 });
const isLarge = (req: IncomingMessage): boolean => {
  // A chunked upload declares no length: it may be large.
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return Number(req.headers['content-length'] ?? 0) > largeBodyBytes;
};
const requestTimeoutMs = 15_000;

const flatHeaders = (req: IncomingMessage): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));

/** The size as Content-Length declares it; a chunked upload's is only known to be over the limit. */
function tooLarge(req: IncomingMessage, limit: number): HookResponse {
  const declared = Number(req.headers['content-length']);
  const size = Number.isSafeInteger(declared) && declared > limit ? `${declared} bytes` : `more than ${limit} bytes`;
  return { status: 413, body: `413 Payload Too Large: ${size}, the limit is ${limit}` };
}

/**
 * Reads at most `limit + 1` bytes: enough for receive to answer 413 for a larger body, without
 * holding a huge upload in memory. `complete` is false when the rest of the body is still unread.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // With the length declared, each chunk is copied into place as it arrives: joining megabytes
    // at the end would hold the event loop for milliseconds in one go.
    const declared = Number(req.headers['content-length']);
    const whole = Number.isSafeInteger(declared) && declared > 0 && declared <= limit ? Buffer.allocUnsafe(declared) : undefined;
    const finish = (complete: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve({ body: whole ? whole.subarray(0, Math.min(size, declared)) : Buffer.concat(chunks), complete });
    };
    const onData = (chunk: Buffer) => {
      if (whole && size + chunk.length <= declared) chunk.copy(whole, size);
      size += chunk.length;
      if (size <= limit + 1) {
        if (!whole) chunks.push(chunk);
        return;
      }
      chunks.push(chunk.subarray(0, chunk.length - (size - limit - 1)));
      // Not destroyed: that would reset the connection before the 413 reaches the client.
      req.pause();
      finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => {
      req.off('data', onData).off('end', onEnd);
      reject(error);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** How long the rest of an oversized upload is read (and dropped) before the connection is closed anyway. */
const drainMs = 5_000;

/**
 * Answers a request whose body was not read to the end, then closes the connection — but only
 * once the client stopped sending: closing a socket with unread bytes makes the kernel send a
 * reset, and a reset can discard the answer at the client before it is read (ECONNRESET on a
 * keep-alive client). So the whole answer is written at once (its Content-Length tells the
 * client it is complete), the rest of the body is read and dropped, and only then the response
 * ends and Node closes the connection (`Connection: close`).
 */
function answerThenClose(req: IncomingMessage, res: ServerResponse, response: HookResponse): void {
  const text = `${response.body}\n`;
  res.writeHead(response.status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.write(text);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(end, drainMs);
  req.once('end', end).once('close', end);
  if (req.readableEnded) end();
  else req.resume();
}

/** A job's log; the id is checked by the agent (no path leaves its jobs directory). */
async function answerJobLog(req: IncomingMessage, res: ServerResponse, rawId: string, jobLog: NonNullable<LocalOptions['jobLog']>): Promise<void> {
  const plain = { 'content-type': 'text/plain; charset=utf-8' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...plain, allow: 'GET, HEAD' }).end('405 Method Not Allowed\n');
    return;
  }
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    res.writeHead(400, plain).end('400 Bad Request: malformed job id\n');
    return;
  }
  const response = await jobLog(id);
  res.writeHead(response.status, response.headers).end(req.method === 'HEAD' ? undefined : response.body);
}

function queueEventsFrom(env: Record<string, string | undefined>): string[] {
  try {
    return parseEventList(env.SKIFF_QUEUE_EVENTS);
  } catch (error) {
    throw new EventListError(`SKIFF_QUEUE_EVENTS: ${(error as Error).message}`, { cause: error });
  }
}
