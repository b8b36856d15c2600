// The ports between Skiff's logic and AWS. Receive and dispatch depend on these interfaces;
// the adapters beside this file implement them with the AWS SDK, and local mode points the
// same adapters at embedded DynamoDB/SQS/S3 stand-ins.
import type { GitHubUsage } from '../github/github-usage.js';
import type { PluginHelp } from '../plugins/help.js';

export interface QueueMessage {
  body: string;
  /** FIFO group: events of one pull request or issue are delivered in order. */
  groupId: string;
  /** FIFO deduplication id: GitHub's delivery id, so a redelivery within 5 minutes is dropped. */
  deduplicationId: string;
}

export interface EventQueue {
  send(message: QueueMessage): Promise<void>;
}

/**
 * Brings a received message back after a chosen delay rather than the queue's visibility timeout:
 * a rate-limited event is retried when GitHub's limit resets, not minutes early (which would
 * only fail again and walk it towards the dead-letter queue) nor minutes late.
 */
export interface Redelivery {
  redeliverAfter(receiptHandle: string, seconds: number): Promise<void>;
}

export interface PayloadRef {
  bucket: string;
  key: string;
}

/** Payloads larger than a queue message can hold. */
export interface PayloadStore {
  put(key: string, body: string): Promise<PayloadRef>;
  get(ref: PayloadRef): Promise<string>;
}

export type ClaimResult = 'claimed' | 'done' | 'held';

/** A write a plugin made under its claim, journaled once GitHub accepted it. */
export interface JournaledWrite {
  /** Its place in the plugin's writes for the delivery: the journal key is `<delivery>#<plugin>#<n>`. */
  n: number;
  /** The call, readably (`createComment acme/widgets#1 …`): a retry skips a write only if it is the same call. */
  call: string;
  /** What the write returned (a new comment's id), handed back to the retry instead of writing again. */
  result?: unknown;
}

/**
 * Exactly-once side effects over an at-least-once queue: a plugin runs for a delivery only after
 * it claims `<delivery>#<plugin>`, and the claim is marked done when the plugin succeeded.
 */
export interface ClaimStore {
  /**
   * `claimed`: go ahead. `done`: it already ran to completion. `held`: another worker claimed it
   * less than `leaseMs` ago and may still be running.
   */
  claim(delivery: string, plugin: string, leaseMs: number): Promise<ClaimResult>;
  complete(delivery: string, plugin: string): Promise<void>;
  /** Gives the claim up after a retryable failure, so the retry can take it at once. */
  release(delivery: string, plugin: string): Promise<void>;
  /**
   * The writes journaled under the claim this store just took (`claim` → `claimed`) by earlier
   * attempts that failed part-way; empty on a first attempt.
   */
  journaled(delivery: string, plugin: string): Promise<JournaledWrite[]>;
  /** Journals a write that succeeded, under the claim this store holds. */
  journal(delivery: string, plugin: string, write: JournaledWrite): Promise<void>;
}

/**
 * What `GET /api/plugin-help` answers from: the catalog of the plugins, and which are enabled
 * where, as the newest config says. The plugins function publishes it when it loads a config that
 * differs from the last it published; the api function only reads it, so it needs neither the
 * config nor GitHub credentials.
 */
export interface PluginHelpDocument {
  /** When it was published. */
  updatedAt: string;
  /** Where the config was read from (`owner/repo:path@ref`). */
  source: string;
  /** plugins.yaml's `plugins:` map, as loaded: `org` and `org/repo` → enabled plugins and excluded repositories. */
  repos: Record<string, { plugins: string[]; excluded_repos: string[] }>;
  catalog: PluginHelp[];
}

export interface PluginHelpStore {
  publishPluginHelp(document: PluginHelpDocument): Promise<void>;
  getPluginHelp(): Promise<PluginHelpDocument | undefined>;
}

/**
 * Small immutable values shared across containers, kept for a while (OWNERS parsed at a tree
 * SHA). A miss is normal; the value is recomputed and put back.
 */
export interface CacheStore {
  getCached(key: string): Promise<Uint8Array | undefined>;
  putCached(key: string, value: Uint8Array, ttlSeconds: number): Promise<void>;
}

export type PluginStatus = 'ran' | 'skipped' | 'refused' | 'failed';

export interface PluginRecord {
  status: PluginStatus;
  reason?: string;
  error?: string;
  /** Failed but will be retried (the SQS record is failed). */
  retrying?: boolean;
  /** GitHub's rate limit (or the shared budget) asked to wait this long; the record is put off until then. */
  retryAfterSeconds?: number;
  /** Milliseconds the plugin's GitHub requests waited for the shared GitHub budget (absent: none). */
  budgetWaitMs?: number;
  /** An external plugin's forward (`external:<name>`): the HTTP status its endpoint answered. */
  httpStatus?: number;
  /** GitHub writes the plugin made, readable: `addLabel acme/widgets#1 do-not-merge/hold`. */
  writes: string[];
  /**
   * What the plugin checked to decide, each with its answer: trust checks (`collaborator alice
   * on acme/widgets: no (role read)`), OWNERS warnings, why nothing was written.
   */
  checks?: string[];
  /**
   * The GitHub calls the plugin made on this attempt (github-usage.ts): requests sent (reads,
   * writes), reads answered 304, reads answered from the ETag cache without a request. Absent
   * when it made none. A read another plugin of the delivery already made is shared, not
   * counted again.
   */
  github?: GitHubUsage;
  /** The delivery's attempt this record was written on (0: decided before any attempt ran it). */
  attempt: number;
  at: string;
}

/**
 * `queued`: the webhook queued it and no worker has finished an attempt. `processed`: every
 * plugin ran, skipped or failed for good (see each plugin's record). `failed`: either the last
 * attempt failed and the event is retried (plugins with `retrying: true`, or a config problem), or
 * — when the trace has an `error` — it ended on an error that retrying cannot fix (a malformed
 * event, a bug, a 4xx from GitHub outside any plugin): it was tried once and not retried.
 */
export type DeliveryStatus = 'queued' | 'processed' | 'failed';

export interface DeliverySummary {
  delivery: string;
  event: string;
  action?: string;
  repo?: string;
  number?: number;
  receivedAt: string;
}

export interface Trace extends DeliverySummary {
  status: DeliveryStatus;
  updatedAt: string;
  attempts: number;
  plugins: Record<string, PluginRecord>;
  configError?: string;
  configWarnings?: string[];
  /**
   * Plugins enabled for the repository that Skiff does not implement yet and that would have seen
   * this event in Prow (`['label', 'lifecycle']`): why a `/label` did nothing.
   */
  notImplemented?: string[];
  note?: string;
  /** Set with status `failed` when the delivery ended on an error it is not retried for. */
  error?: string;
}

export interface TraceStore {
  /** Written by the webhook as it queues the event; never overwrites a worker's progress. */
  queued(summary: DeliverySummary): Promise<void>;
  /** Removes a trace that is only `queued` (the webhook could not queue the event after all). */
  forget(delivery: string): Promise<void>;
  /** A worker picked the delivery up (config problems); returns this attempt's number, from 1. */
  started(summary: DeliverySummary, info: { configError?: string; configWarnings?: string[]; notImplemented?: string[]; note?: string }): Promise<number>;
  /** Sets the records of the named plugins (others untouched). */
  plugins(delivery: string, records: Record<string, PluginRecord>): Promise<void>;
  /**
   * The attempt's outcome. `error`: the delivery ended on it and is not retried (with `failed`);
   * finishing without one clears an earlier attempt's.
   */
  finish(delivery: string, status: Exclude<DeliveryStatus, 'queued'>, info?: { error?: string }): Promise<void>;
  get(delivery: string): Promise<Trace | undefined>;
}
