// The SQS message between the webhook and the plugin workers. The payload travels as the raw
// JSON GitHub sent (spliced in, not re-serialised), or as an S3 pointer when it is too large.
import { createHash } from 'node:crypto';
import type { PayloadRef } from '../storage/ports.js';

export interface QueuedEvent {
  delivery: string;
  event: string;
  /**
   * The one identity the event acts on: the `owner/repo` (or bare org, for org-level events)
   * whose webhook secret verified it. Absent only in messages queued before it was added.
   */
  target?: string;
  receivedAt: string;
  /**
   * GitHub's delivery headers (signature included), lower-cased, to forward to external plugins
   * with the payload (hook/forward.ts). Absent in messages queued before forwarding existed.
   */
  headers?: Record<string, string>;
  /** The received bytes are not valid UTF-8, so the payload's text here is not exactly them. */
  bodyNotUtf8?: true;
  payload?: Record<string, unknown>;
  payloadRef?: PayloadRef;
}

/** `{"delivery":…,"payload":<raw>}` without parsing and re-stringifying a 25 KB body. */
export function encodeQueuedEvent(head: Omit<QueuedEvent, 'payload'>, rawPayload?: string): string {
  const json = JSON.stringify(head);
  return rawPayload === undefined ? json : `${json.slice(0, -1)},"payload":${rawPayload}}`;
}

const payloadKey = ',"payload":';

/**
 * The payload's exact text in a message encodeQueuedEvent made (undefined without one): the
 * bytes GitHub signed, for external plugins. The first `,"payload":` is where it was spliced in:
 * the head before it has no `payload` key, and no JSON string can hold a comma followed by an
 * unescaped quote.
 */
export function rawPayloadOf(body: string): string | undefined {
  const at = body.indexOf(payloadKey);
  return at < 0 || !body.endsWith('}') ? undefined : body.slice(at + payloadKey.length, -1);
}

export function decodeQueuedEvent(body: string): QueuedEvent {
  const event = JSON.parse(body) as QueuedEvent;
  if (typeof event?.delivery !== 'string' || typeof event.event !== 'string' || (!event.payload && !event.payloadRef)) {
    throw new Error('malformed queue message: expected delivery, event and payload or payloadRef');
  }
  return event;
}

// GitHub's delivery ids are GUIDs; phony, tests and redelivery tools use other short tokens.
// Dots, slashes, `#` and commas are never part of one, so an id is safe inside keys and paths.
export const maxDeliveryIdLength = 128;
export const deliveryIdCharacter = /[A-Za-z0-9_-]/;
const deliveryIdPattern = new RegExp(`^${deliveryIdCharacter.source}{1,${maxDeliveryIdLength}}$`);

export const isDeliveryId = (value: string): boolean => deliveryIdPattern.test(value);

interface Addressable {
  repository?: { full_name?: string; name?: string; owner?: { login?: string } | null } | null;
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

/**
 * The event's one identity, and whether its repository fields agree on it. The secret is
 * chosen by `repository.full_name` (else `organization.login`), so everything else that names a
 * repository or org — `repository.owner.login` + `repository.name`, `organization.login` — must
 * name the same one; otherwise an event signed with the secret of a repository the sender
 * controls could name another. Logins are compared case-insensitively, as GitHub treats them.
 */
export function identityOf(payload: Addressable): { target: string; conflict?: string } {
  const target = orgRepoOf(payload);
  const repository = payload.repository;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const fullName = text(repository?.full_name);
  const owner = text(repository?.owner?.login);
  const name = text(repository?.name);
  const org = text(payload.organization?.login);
  if (fullName && (owner !== undefined || name !== undefined) && !same(`${owner ?? ''}/${name ?? ''}`, fullName)) {
    return { target, conflict: `repository.full_name "${fullName}" does not match repository.owner.login "${owner ?? ''}" and repository.name "${name ?? ''}"` };
  }
  if (fullName && org !== undefined && !same(fullName.split('/')[0] ?? '', org)) {
    return { target, conflict: `repository.full_name "${fullName}" is not in organization.login "${org}"` };
  }
  return { target };
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
