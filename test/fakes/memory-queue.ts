// In-memory stand-ins for the webhook's storage ports (shared/storage/ports.ts): the queue, the
// large-payload store and the trace's `queued` write. Each records what it was given, so a test
// asserts on exactly what the webhook left behind, and each can be told to fail its next call.
import type { DeliverySummary, EventQueue, PayloadRef, PayloadStore, QueueMessage, TraceStore } from '../../shared/storage/ports.js';

/** Pops the error set by `failNext`, if any, and throws it. */
class Failures {
  #next: Error[] = [];
  add(error: Error): void {
    this.#next.push(error);
  }
  throwIfAny(): void {
    const error = this.#next.shift();
    if (error) throw error;
  }
}

export class MemoryQueue implements EventQueue {
  /** Messages accepted, in order. A failed send records nothing. */
  readonly messages: QueueMessage[] = [];
  readonly #failures = new Failures();

  /** The next `send` rejects with `error` (calls queue up: two `failNext`s fail two sends). */
  failNext(error: Error): void {
    this.#failures.add(error);
  }

  async send(message: QueueMessage): Promise<void> {
    this.#failures.throwIfAny();
    this.messages.push(message);
  }
}

export class MemoryPayloads implements PayloadStore {
  /** Stored bodies by key. */
  readonly objects = new Map<string, string>();
  readonly #failures = new Failures();

  constructor(readonly bucket = 'skiff-payloads') {}

  failNext(error: Error): void {
    this.#failures.add(error);
  }

  async put(key: string, body: string): Promise<PayloadRef> {
    this.#failures.throwIfAny();
    this.objects.set(key, body);
    return { bucket: this.bucket, key };
  }

  async get(ref: PayloadRef): Promise<string> {
    const body = ref.bucket === this.bucket ? this.objects.get(ref.key) : undefined;
    if (body === undefined) throw new Error(`no payload s3://${ref.bucket}/${ref.key}`);
    return body;
  }
}

export class MemoryTraces implements Pick<TraceStore, 'queued' | 'forget'> {
  /** Every `queued` call, including ones made to fail by `failNext`. */
  readonly queuedCalls: DeliverySummary[] = [];
  /** Deliveries whose trace the webhook took back (the send failed). */
  readonly forgotten: string[] = [];
  readonly #failures = new Failures();

  failNext(error: Error): void {
    this.#failures.add(error);
  }

  async queued(summary: DeliverySummary): Promise<void> {
    this.queuedCalls.push(summary);
    this.#failures.throwIfAny();
  }

  async forget(delivery: string): Promise<void> {
    this.forgotten.push(delivery);
  }
}
