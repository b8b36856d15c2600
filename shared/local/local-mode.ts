// `skiff local`: the whole of Skiff in one process on 127.0.0.1 — the webhook, the plugin
// workers and the read API — through the same receive/dispatch code as the Lambdas, against
// embedded DynamoDB/SQS/S3 stand-ins.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from '../api/read-api.js';
import type { OctokitOptions } from '../github/octokit.js';
import type { DispatchDeps } from '../hook/dispatch.js';
import { lambdaMaxBodyBytes, receive, type ReceiveDeps } from '../hook/receive.js';
import { createLogger, type Logger } from '../log.js';
import { dispatchDeps } from '../runtime/dispatch-deps.js';
import { receiveDeps } from '../runtime/receive-deps.js';
import { handledEvents } from '../hook/events.js';
import { plugins } from '../plugins/registry.js';
import type { GitHubConnector } from '../github/connector.js';
import { QueuePoller } from './queue-poller.js';
import { startStandIns, type StandIns } from './stand-ins.js';

export interface LocalOptions {
  env: Record<string, string | undefined>;
  /** 0 picks a free port. Default: $PORT or 8888. */
  port?: number;
  dataDir?: string;
  visibilityTimeoutSeconds?: number;
  pollWaitSeconds?: number;
  octokit?: Partial<OctokitOptions>;
  afterPlugin?: DispatchDeps['afterPlugin'];
  log?: Logger;
}

export interface LocalSkiff {
  url: string;
  standIns: StandIns;
  receiveDeps: ReceiveDeps;
  dispatchDeps: DispatchDeps & { github: GitHubConnector };
  poller: QueuePoller;
  close(): Promise<void>;
}

export async function startLocal(options: LocalOptions): Promise<LocalSkiff> {
  const log = options.log ?? createLogger();
  const standIns = await startStandIns({ dataDir: options.dataDir, visibilityTimeoutSeconds: options.visibilityTimeoutSeconds });
  let server: Server | undefined;
  let poller: QueuePoller | undefined;
  try {
    const env = {
      ...options.env,
      SKIFF_TABLE: standIns.table,
      SKIFF_QUEUE_URL: standIns.queueUrl,
      SKIFF_PAYLOAD_BUCKET: standIns.bucket,
    };
    const receiving = receiveDeps(env, standIns.clients, log, handledEvents(plugins));
    // Fail at start, not on the first delivery, when no secret is configured.
    await receiving.secrets();
    const dispatching = await dispatchDeps(env, standIns.clients, log, {
      allowConfigFiles: true,
      octokit: options.octokit,
      afterPlugin: options.afterPlugin,
    });
    // Load the config now, so a broken one is reported at start.
    await dispatching.config.get();
    poller = new QueuePoller(standIns.clients.sqs, standIns.queueUrl, dispatching, log, {
      waitSeconds: options.pollWaitSeconds,
      maxReceiveCount: 5,
      deadLetterQueueUrl: standIns.deadLetterQueueUrl,
    });
    poller.start();

    server = createServer((req, res) => {
      route(req, res, receiving, dispatching).catch((error: unknown) => {
        log.error('request failed', { error: error as Error });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('500 Internal Server Error\n');
      });
    });
    const port = await new Promise<number>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? Number(options.env.PORT ?? 8888), '127.0.0.1', () => resolve((server!.address() as AddressInfo).port));
    });
    const listening = server;
    const polling = poller;
    return {
      url: `http://127.0.0.1:${port}`,
      standIns,
      receiveDeps: receiving,
      dispatchDeps: dispatching,
      poller: polling,
      async close() {
        await new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeAllConnections();
        await polling.stop();
        await standIns.close();
      },
    };
  } catch (error) {
    server?.close();
    await poller?.stop();
    await standIns.close();
    throw error;
  }
}

async function route(req: IncomingMessage, res: ServerResponse, receiving: ReceiveDeps, dispatching: DispatchDeps): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/hook') {
    const body = await readBody(req, lambdaMaxBodyBytes);
    const response = await receive({ method: req.method ?? 'GET', headers: flatHeaders(req), body }, receiving);
    res.writeHead(response.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${response.body}\n`);
    return;
  }
  if (path === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
    return;
  }
  if (path.startsWith('/api/')) {
    const response = await handleApi(req.method ?? 'GET', path, { traces: dispatching.traces });
    res.writeHead(response.status, response.headers).end(response.body);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 Not Found: try POST /hook, GET /healthz or GET /api/deliveries/{id}\n');
}

const flatHeaders = (req: IncomingMessage): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));

/**
 * Reads at most `limit + 1` bytes: enough for receive to answer 413 for a larger body, without
 * holding a huge upload in memory.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit + 1) {
      chunks.push(buffer.subarray(0, buffer.length - (size - limit - 1)));
      req.resume();
      break;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
