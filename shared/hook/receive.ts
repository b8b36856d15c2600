// The webhook edge (Prow's hook HTTP handler). Validates a delivery — method, headers, content
// type, size, then the signature over the exact received bytes, and only then parses the body —
// and answers 2xx only once the event is durably queued. The HTTP layer is injected: API Gateway and local mode both turn their request into
// a HookRequest, so this never touches a real HTTP object.
import { isUtf8 } from 'node:buffer';
import type { Logger } from '../log.js';
import type { EventQueue, PayloadStore, TraceStore } from '../storage/ports.js';
import { headersToForward } from './forwarded-headers.js';
import { tokensFor, verifySignature, type HmacSecrets } from './hmac.js';
import { encodeQueuedEvent, groupIdOf, identityOf, isDeliveryId, numberOf } from './queued-event.js';
import { missingFields } from './required-fields.js';
import { secretSelectorOf } from './secret-selector.js';

export interface HookRequest {
  method: string;
  /** Header names in any case. */
  headers: Record<string, string | undefined>;
  /** The raw bytes GitHub signed (API Gateway base64 bodies decoded by the caller). */
  body: Buffer;
}

export interface HookResponse {
  status: number;
  body: string;
}

export interface ReceiveDeps {
  secrets(): Promise<HmacSecrets>;
  queue: EventQueue;
  payloads: PayloadStore;
  traces?: Pick<TraceStore, 'queued' | 'forget'>;
  /**
   * Events some plugin (or the config reloader, or an external plugin) acts on; others are
   * acknowledged, not queued. `*` queues every event.
   */
  handledEvents: ReadonlySet<string>;
  log: Logger;
  /** SQS's message size limit; larger events go to S3 and the message carries a pointer. */
  maxMessageBytes?: number;
  /** Lambda's 6 MB request limit: nothing larger can reach the function in AWS. */
  maxBodyBytes?: number;
  /**
   * Answer once the event is queued, without waiting for the "queued" trace. Only where the
   * process goes on after answering (local mode): a Lambda may be frozen as soon as it returns.
   */
  traceAfterAck?: boolean;
  now?: () => Date;
}

// SQS accepts messages up to 1 MiB (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html).
export const sqsMaxMessageBytes = 1024 * 1024;
// Lambda's synchronous invocation payload limit (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
export const lambdaMaxBodyBytes = 6 * 1024 * 1024;

const ok = 'Event received. Have a nice day.';

const header = (req: HookRequest, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(req.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
};

/** `application/json`, ignoring parameters such as `; charset=utf-8`. */
const isJson = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

const onlyGlobal = (secrets: HmacSecrets): boolean => Object.keys(secrets).every((level) => level === '*');

export async function receive(req: HookRequest, deps: ReceiveDeps): Promise<HookResponse> {
  const { log } = deps;
  if (req.method.toUpperCase() !== 'POST') return { status: 405, body: '405 Method not allowed' };
  const event = header(req, 'x-github-event');
  if (!event) return { status: 400, body: '400 Bad Request: Missing X-GitHub-Event Header' };
  const delivery = header(req, 'x-github-delivery');
  if (!delivery) return { status: 400, body: '400 Bad Request: Missing X-GitHub-Delivery Header' };
  // The id names the trace, the claims and the S3 object of a large payload: only a single
  // GUID-like token may become part of a key (a proxy that joins repeated headers gives "a, b").
  if (!isDeliveryId(delivery)) {
    return { status: 400, body: '400 Bad Request: X-GitHub-Delivery must be one delivery id (letters, digits, "-" and "_", at most 128)' };
  }
  const signature = header(req, 'x-hub-signature-256');
  if (!signature) return { status: 403, body: '403 Forbidden: Missing X-Hub-Signature-256' };
  if (!isJson(header(req, 'content-type'))) {
    return { status: 400, body: '400 Bad Request: Hook only accepts content-type: application/json - please reconfigure this hook on GitHub' };
  }
  const maxBody = deps.maxBodyBytes ?? lambdaMaxBodyBytes;
  if (req.body.length > maxBody) {
    return { status: 413, body: `413 Payload Too Large: ${req.body.length} bytes, the limit is ${maxBody}` };
  }

  let secrets: HmacSecrets;
  try {
    secrets = await deps.secrets();
  } catch (error) {
    log.error('cannot load the webhook secret', { error: error as Error });
    return { status: 500, body: '500 Internal Server Error: the webhook secret is unavailable' };
  }
  // With one secret for everything there is nothing to choose, so the body is not read at all
  // before the signature holds; otherwise a single linear scan picks the claimed org/repo.
  const selector = onlyGlobal(secrets) ? undefined : await secretSelectorOf(req.body);
  const tokens = tokensFor(secrets, selector ?? '');
  if (!tokens.length || !(await verifySignature(tokens, req.body, signature))) {
    log.warn('rejected a delivery with an invalid signature', { delivery, event, orgRepo: selector });
    return { status: 403, body: '403 Forbidden: Invalid X-Hub-Signature-256' };
  }

  const raw = req.body.toString('utf8');
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    payload = parsed as Record<string, unknown>;
  } catch {
    return { status: 400, body: '400 Bad Request: Invalid payload: the body is not a JSON object' };
  }

  const { target, conflict } = identityOf(payload);
  // The scan and JSON.parse must agree on what chose the secret (duplicate keys, escaped names).
  const mismatch = conflict ?? (selector !== undefined && selector !== target ? `the body names "${target}", but its signature was checked as "${selector}"` : undefined);
  if (mismatch) {
    log.warn('refused a delivery whose repository fields disagree', { delivery, event, orgRepo: target, reason: mismatch });
    return { status: 403, body: `403 Forbidden: the event's repository fields disagree: ${mismatch}` };
  }
  const orgRepo = target;

  if (!deps.handledEvents.has(event) && !deps.handledEvents.has('*')) {
    log.info('acknowledged, not queued: no plugin handles this event', { delivery, event, orgRepo });
    return { status: 200, body: `${ok} No plugin handles "${event}" events, so it was not queued.` };
  }
  const missing = missingFields(event, payload);
  if (missing.length) {
    log.warn('refused a delivery that lacks required fields', { delivery, event, orgRepo, missing });
    return { status: 400, body: `400 Bad Request: the ${event} event lacks ${missing.join(', ')}` };
  }

  const receivedAt = (deps.now?.() ?? new Date()).toISOString();
  const action = typeof payload.action === 'string' ? payload.action : undefined;
  // GitHub's headers and whether the text below is exactly the signed bytes travel with the
  // event, for external plugins (forward.ts).
  const head = { delivery, event, target, receivedAt, headers: headersToForward(req.headers), ...(isUtf8(req.body) ? {} : { bodyNotUtf8: true as const }) };
  const enqueue = async () => {
    let body = encodeQueuedEvent(head, raw);
    if (Buffer.byteLength(body) > (deps.maxMessageBytes ?? sqsMaxMessageBytes)) {
      const key = `payloads/${receivedAt.slice(0, 10)}/${delivery}.json`;
      body = encodeQueuedEvent({ ...head, payloadRef: await deps.payloads.put(key, raw) });
    }
    await deps.queue.send({ body, groupId: groupIdOf(payload), deduplicationId: delivery });
  };
  // The trace is written alongside the send, not after it, so the ack waits for the slower of
  // the two rather than their sum (or, with traceAfterAck, for the send alone). It never
  // overwrites a worker's progress (see TraceStore).
  const tracing = Promise.resolve(deps.traces?.queued({ delivery, event, action, repo: orgRepo, number: numberOf(payload), receivedAt }));
  const traced = tracing.then(
    () => true,
    (error: unknown) => {
      log.warn('the trace of a delivery was not written', { delivery, error: error as Error });
      return false;
    },
  );
  try {
    await enqueue();
  } catch (error) {
    // Nothing was queued: a 5xx makes GitHub show the delivery as failed, so it can be redelivered.
    log.error('failed to queue a delivery', { delivery, event, orgRepo, error: error as Error });
    // A "queued" trace for an event that is not would mislead; a redelivery writes it again.
    if ((await traced) && deps.traces) {
      await deps.traces.forget(delivery).catch((error: unknown) => log.warn('could not remove the trace of an unqueued delivery', { delivery, error: error as Error }));
    }
    return { status: 503, body: '503 Service Unavailable: the event could not be queued; redeliver it from the webhook settings' };
  }
  if (!deps.traceAfterAck) await traced;
  log.info('queued', { delivery, event, action, orgRepo });
  return { status: 200, body: ok };
}
