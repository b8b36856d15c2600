// Forwarding events to external plugins (Prow's hook `demuxExternal`, pkg/hook/server.go): the
// body GitHub signed, byte for byte, POSTed to each matching plugin's endpoint with GitHub's
// headers, so the plugin checks the same X-Hub-Signature-256 against the same secret.
//
// Unlike Prow, which POSTs from the webhook handler's goroutines and forgets failures, each
// forward is a queued step of its own: dispatch sends one message per matching plugin (its own
// FIFO group `ext:<name>:<event's group>`, so a slow or failing endpoint holds back only its own
// later forwards, never the built-in plugins' group), and the worker POSTs it under a claim
// `<delivery>#ext:<name>`: at least once to the endpoint, and not again after a 2xx. The outcome
// is the delivery trace's `external:<name>` record. The signature header is never logged.
import { createHash } from 'node:crypto';
import type { ExternalPlugin } from '../config/external-plugins.js';
import { describeError, RetryableError } from '../github/errors.js';
import type { Logger } from '../log.js';
import type { ClaimStore, EventQueue, PayloadRef, PayloadStore, PluginRecord, TraceStore } from '../storage/ports.js';
import { encodeQueuedEvent, rawPayloadOf, type QueuedEvent } from './queued-event.js';

export { headersToForward } from './forwarded-headers.js';

/** Prow's hook sets this User-Agent on what it forwards; external plugins may expect it. */
export const forwardUserAgent = 'ProwHook';

/** A forward step on the queue: the event's own fields and payload, plus which plugin gets it. */
export interface ForwardMessage extends QueuedEvent {
  forward: { name: string; endpoint: string };
  headers: Record<string, string>;
}

// Forward messages are encoded with `forward` as their first key and event messages start with
// `delivery`, so the worker tells them apart without parsing a megabyte of payload.
const forwardPrefix = '{"forward":';

export const isForwardMessage = (body: string): boolean => body.startsWith(forwardPrefix);

/** The forwarded event's message or its payload cannot be read; retrying would not help. */
export class ForwardMessageError extends Error {
  override name = 'ForwardMessageError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The forward's claim: `<delivery>#ext:<name>` in the claim store. */
export const forwardClaim = (name: string): string => `ext:${name}`;

/** The delivery trace's record of a forward: `plugins["external:<name>"]`. */
export const forwardTraceKey = (name: string): string => `external:${name}`;

// SQS: a FIFO group id and a deduplication id are at most 128 characters
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html); a
// longer one is cut and made unique again with a hash, as queued-event.ts does for groups.
const maxSqsId = 128;
export function sqsId(id: string): string {
  if (id.length <= maxSqsId) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, maxSqsId - hash.length - 1)}~${hash}`;
}

/** An endpoint as logs and traces show it: no user name, password, query or fragment, which may hold a token. */
export function displayEndpoint(endpoint: string): string {
  if (!URL.canParse(endpoint)) return '(not a URL)';
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

export interface QueueForwardsInput {
  /** The event message as dispatch decoded it. */
  message: QueuedEvent;
  /** Its body as received from the queue, which holds the payload's exact text. */
  body: string;
  /** The event's own FIFO group (groupIdOf its payload). */
  group: string;
  plugins: readonly ExternalPlugin[];
}

export interface QueueForwardsDeps {
  queue: EventQueue;
  payloads: Pick<PayloadStore, 'put'>;
  /** SQS's message size limit; a forward that would be larger carries an S3 pointer instead. */
  maxMessageBytes: number;
}

/**
 * Queues one forward per plugin. Returns the trace records of plugins that cannot get this event
 * (it was received before forwarding existed, or its bytes are not UTF-8 text); the others get
 * theirs when their forward runs. Sending again for the same delivery (dispatch retried) is
 * harmless: SQS drops the duplicate within five minutes, and the claim after that.
 */
export async function queueForwards(input: QueueForwardsInput, deps: QueueForwardsDeps, at: () => string): Promise<Record<string, PluginRecord>> {
  const { message } = input;
  const refused: Record<string, PluginRecord> = {};
  if (!input.plugins.length) return refused;
  const refuse = (reason: string) => {
    for (const p of input.plugins) refused[forwardTraceKey(p.name)] = { status: 'refused', reason, writes: [], attempt: 0, at: at() };
    return refused;
  };
  if (!message.headers?.['x-hub-signature-256']) return refuse('received before external plugins were forwarded: no signature to forward it with');
  // The queue carries the body as text; bytes that are not UTF-8 would not survive it, and a
  // body that differs from what GitHub signed would only fail the plugin's signature check.
  if (message.bodyNotUtf8) return refuse('the received body is not valid UTF-8, so its exact bytes cannot be forwarded');
  let raw: string | undefined;
  if (!message.payloadRef) {
    raw = rawPayloadOf(input.body);
    if (raw === undefined) throw new ForwardMessageError(`cannot find the payload's text in the message of delivery ${message.delivery}`);
  }
  let payloadRef: PayloadRef | undefined = message.payloadRef;
  for (const plugin of input.plugins) {
    // Typed, not a literal at the call: encodeQueuedEvent takes any QueuedEvent head. `forward`
    // first (see isForwardMessage).
    const head: Omit<ForwardMessage, 'payload' | 'payloadRef'> = {
      forward: { name: plugin.name, endpoint: plugin.endpoint },
      delivery: message.delivery,
      event: message.event,
      target: message.target,
      receivedAt: message.receivedAt,
      headers: message.headers!,
    };
    let body = encodeQueuedEvent(payloadRef ? { ...head, payloadRef } : head, payloadRef ? undefined : raw);
    // The forward's few hundred bytes more can take an event just under the limit over it.
    if (Buffer.byteLength(body) > deps.maxMessageBytes) {
      payloadRef = await deps.payloads.put(`payloads/${message.receivedAt.slice(0, 10)}/${message.delivery}.json`, raw!);
      body = encodeQueuedEvent({ ...head, payloadRef } as Omit<ForwardMessage, 'payload'>);
    }
    await deps.queue.send({
      body,
      groupId: sqsId(`ext:${plugin.name}:${input.group}`),
      deduplicationId: sqsId(`${message.delivery}#${forwardClaim(plugin.name)}`),
    });
  }
  return refused;
}

export interface ForwardDeps {
  claims: ClaimStore;
  traces: Pick<TraceStore, 'plugins'>;
  payloads: Pick<PayloadStore, 'get'>;
  log: Logger;
  /** How long a forward's claim holds off other workers: as long as a record may take. */
  leaseMs: number;
  /** Longest one forward may take, redirects and reading the answer included. */
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface ForwardResult {
  delivery: string;
  plugin: string;
  record?: PluginRecord;
}

/** The endpoint answered 5xx, 408 or 429, or could not be reached in time: the forward is retried. */
export class ForwardRetryableError extends RetryableError {
  override name = 'ForwardRetryableError';
}

// Redirects are followed only to the same origin (307 and 308 keep the method and the body):
// the endpoint comes from the config, and an answer must not send the signed event elsewhere.
const maxRedirects = 3;
// Only the start of an answer is kept, for the trace; the rest is not read.
const maxAnswerBytes = 4096;
const maxAnswerInTrace = 200;

function decodeForward(body: string): ForwardMessage {
  let message: ForwardMessage;
  try {
    message = JSON.parse(body) as ForwardMessage;
  } catch (cause) {
    throw new ForwardMessageError('cannot read the queued forward: not JSON', { cause });
  }
  const ok =
    typeof message?.forward?.name === 'string' &&
    typeof message.forward.endpoint === 'string' &&
    typeof message.delivery === 'string' &&
    typeof message.event === 'string' &&
    typeof message.headers === 'object' &&
    message.headers !== null &&
    (message.payload !== undefined || message.payloadRef !== undefined);
  if (!ok) throw new ForwardMessageError('malformed forward message: expected forward, delivery, event, headers and payload or payloadRef');
  return message;
}

/**
 * Runs one queued forward: POSTs the event to the plugin's endpoint, unless an earlier run for the
 * delivery already got a 2xx. `attempt` is the record's receive count, for the trace.
 */
export async function forward(body: string, deps: ForwardDeps, attempt = 1): Promise<ForwardResult> {
  const message = decodeForward(body);
  const { delivery } = message;
  const { name, endpoint } = message.forward;
  const claimName = forwardClaim(name);
  const where = displayEndpoint(endpoint);
  const at = () => (deps.now?.() ?? new Date()).toISOString();
  const claim = await deps.claims.claim(delivery, claimName, deps.leaseMs);
  if (claim === 'done') {
    deps.log.info('already forwarded for this delivery; not sending again', { delivery, plugin: name });
    return { delivery, plugin: name };
  }
  if (claim === 'held') throw new ForwardRetryableError(`forward of ${delivery} to ${name}: another worker is sending it`);

  let record: PluginRecord;
  try {
    const raw = message.payloadRef ? await deps.payloads.get(message.payloadRef) : rawPayloadOf(body);
    if (raw === undefined) throw new ForwardMessageError(`cannot find the payload's text in the forward of delivery ${delivery}`);
    const answer = await post(endpoint, Buffer.from(raw, 'utf8'), message.headers, deps);
    const text = answer.text ? `: ${answer.text}` : '';
    if (answer.status >= 200 && answer.status <= 299) {
      record = { status: 'ran', reason: `HTTP ${answer.status} from ${where}`, httpStatus: answer.status, writes: [], attempt, at: at() };
    } else {
      const retrying = answer.status >= 500 || answer.status === 408 || answer.status === 429;
      const redirect = answer.location === undefined ? '' : ` (a redirect to ${displayEndpoint(answer.location)}, not followed)`;
      record = { status: 'failed', error: `HTTP ${answer.status} from ${where}${redirect}${text}`, httpStatus: answer.status, retrying, writes: [], attempt, at: at() };
    }
  } catch (error) {
    // Nothing came back (refused, reset, timed out): the plugin may never have seen the event.
    const retrying = !(error instanceof ForwardMessageError);
    // An error may quote the URL, which may hold a token in its query.
    record = { status: 'failed', error: `${where}: ${describeError(error).split(endpoint).join(where)}`, retrying, writes: [], attempt, at: at() };
  }
  // As in dispatch: a retry gives the claim up so it can be taken at once; anything else is final.
  if (record.retrying) await deps.claims.release(delivery, claimName);
  else await deps.claims.complete(delivery, claimName);
  await deps.traces.plugins(delivery, { [forwardTraceKey(name)]: record });
  const fields = { delivery, plugin: name, endpoint: where, httpStatus: record.httpStatus };
  if (record.status === 'ran') deps.log.info('forwarded the event to an external plugin', fields);
  else deps.log.error('forwarding to an external plugin failed', { ...fields, retrying: record.retrying, error: record.error });
  if (record.retrying) throw new ForwardRetryableError(`forward of ${delivery} to ${name} will be retried: ${record.error}`);
  return { delivery, plugin: name, record };
}

interface Answer {
  status: number;
  /** The start of the answer's body, one line. */
  text: string;
  /** Where a redirect that was not followed pointed. */
  location?: string;
}

async function post(endpoint: string, body: Buffer, headers: Record<string, string>, deps: ForwardDeps): Promise<Answer> {
  const send = deps.fetch ?? fetch;
  // One time limit for the whole forward, redirects and the answer's body included.
  const signal = AbortSignal.timeout(deps.timeoutMs);
  // fetch refuses a URL with a user name or password; Go's client, Prow's, sends them as basic
  // authentication, and so does this.
  const start = new URL(endpoint);
  const auth = start.username || start.password ? `Basic ${Buffer.from(`${decodeURIComponent(start.username)}:${decodeURIComponent(start.password)}`).toString('base64')}` : undefined;
  start.username = '';
  start.password = '';
  let url = start.href;
  for (let hops = 0; ; hops++) {
    const response = await send(url, {
      method: 'POST',
      headers: { ...headers, 'user-agent': forwardUserAgent, ...(auth ? { authorization: auth } : {}) },
      body,
      redirect: 'manual',
      signal,
    });
    const location = response.headers.get('location');
    if ([307, 308].includes(response.status) && location && hops < maxRedirects) {
      const next = URL.canParse(location, url) ? new URL(location, url) : undefined;
      if (next && next.origin === new URL(url).origin) {
        await response.body?.cancel();
        url = next.href;
        continue;
      }
    }
    // A 2xx is all there is to know; its body is not waited for (a slow one would make a
    // delivered event look failed, and be sent again).
    if (response.status >= 200 && response.status <= 299) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, text: '' };
    }
    const text = await startOf(response).catch(() => '');
    const redirected = response.status >= 300 && response.status <= 399 && location ? (URL.canParse(location, url) ? new URL(location, url).href : location) : undefined;
    return { status: response.status, text, ...(redirected === undefined ? {} : { location: redirected }) };
  }
}

/** At most maxAnswerBytes of the answer, as one short line; the rest is left unread. */
async function startOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxAnswerBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, maxAnswerBytes).toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > maxAnswerInTrace ? `${text.slice(0, maxAnswerInTrace)}…` : text;
}
