// The SQS message between the webhook and the plugin workers. The payload travels as the raw
// JSON GitHub sent (spliced in, not re-serialised), or as an S3 pointer when it is too large.
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

/** `owner/repo` for repository events, the org's login for org-level ones. */
export function orgRepoOf(payload: Addressable): string {
  return payload.repository?.full_name ?? payload.organization?.login ?? '';
}

export function numberOf(payload: Addressable): number | undefined {
  return payload.issue?.number ?? payload.pull_request?.number ?? (typeof payload.number === 'number' ? payload.number : undefined);
}

/**
 * FIFO group: `owner/repo#number`, so commands on one pull request apply in the order GitHub
 * sent them while different pull requests proceed in parallel; the repo (or org) otherwise.
 */
export function groupIdOf(payload: Addressable): string {
  const orgRepo = orgRepoOf(payload) || 'global';
  const number = numberOf(payload);
  return number === undefined ? orgRepo : `${orgRepo}#${number}`;
}
