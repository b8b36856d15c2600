// The SQS message between the webhook and the plugin workers. The payload travels as the raw
// JSON GitHub sent (spliced in, not re-serialised), or as an S3 pointer when it is too large.
import { createHash } from 'node:crypto';
import type { PayloadRef } from '../storage/ports.js';

export interface QueuedEvent {
  delivery: string;
  event: string;
  receivedAt: string;
  payload?: Record<string, unknown>;
  payloadRef?: PayloadRef;
}

/** `{"delivery":…,"payload":<raw>}` without parsing and re-stringifying a 25 KB body. */
export function encodeQueuedEvent(head: Omit<QueuedEvent, 'payload'>, rawPayload?: string): string {
  const json = JSON.stringify(head);
  return rawPayload === undefined ? json : `${json.slice(0, -1)},"payload":${rawPayload}}`;
}

export function decodeQueuedEvent(body: string): QueuedEvent {
  const event = JSON.parse(body) as QueuedEvent;
  if (typeof event?.delivery !== 'string' || typeof event.event !== 'string' || (!event.payload && !event.payloadRef)) {
    throw new Error('malformed queue message: expected delivery, event and payload or payloadRef');
  }
  return event;
}

interface Addressable {
  repository?: { full_name?: string } | null;
  organization?: { login?: string } | null;
  issue?: { number?: number } | null;
  pull_request?: { number?: number } | null;
  number?: number;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/**
 * `owner/repo` for repository events, the org's login for org-level ones. Read before the
 * signature is checked, so it must survive any JSON at all.
 */
export function orgRepoOf(payload: Addressable): string {
  return text(payload.repository?.full_name) ?? text(payload.organization?.login) ?? '';
}

const integer = (value: unknown): number | undefined => (Number.isSafeInteger(value) ? (value as number) : undefined);

export function numberOf(payload: Addressable): number | undefined {
  return integer(payload.issue?.number) ?? integer(payload.pull_request?.number) ?? integer(payload.number);
}

// SQS: "MessageGroupId can be up to 128 characters"
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
// GitHub allows 39-character owners and 100-character repository names, so a long one is cut
// and made unique again with a hash.
const maxGroupId = 128;

/**
 * FIFO group: `owner/repo#number`, so commands on one pull request apply in the order GitHub
 * sent them while different pull requests proceed in parallel; the repo (or org) otherwise.
 */
export function groupIdOf(payload: Addressable): string {
  const orgRepo = orgRepoOf(payload) || 'global';
  const number = numberOf(payload);
  const id = number === undefined ? orgRepo : `${orgRepo}#${number}`;
  if (id.length <= maxGroupId) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, maxGroupId - hash.length - 1)}~${hash}`;
}
