// Local mode's queue journal. local-aws-sqs keeps its queue in memory, so an event the webhook
// had acknowledged was lost when the process stopped before a worker finished it (and its trace
// said `queued` forever). The journal makes the acknowledgement durable, as SQS's is on AWS:
// every sent message is appended to a file in the data directory and fsync'd before the webhook
// answers; the poller appends a `done` record once a message has left the queue (processed or
// dead-lettered). At start, messages without `done` are sent to the fresh queue again, in their
// order, and the file is rewritten with only those. The per-plugin claims in DynamoDB (which
// persists in the same data directory) make such a replay run each plugin at most once more.
//
// The file is JSON lines: {"op":"send","seq":1,"id":…,"group":…,"body":…} / {"op":"done","id":…}.
// Sends that arrive while an fsync is running are written and
// fsync'd together with the next one (group commit), so a burst of acks costs few fsyncs.
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';
import type { EventQueue, QueueMessage } from '../storage/ports.js';

export class JournalError extends Error {
  override name = 'JournalError';
}

type JournalRecord =
  | { op: 'send'; seq: number; id: string; group: string; body: string }
  | { op: 'done'; id: string };

export interface JournalOpenResult {
  journal: EventJournal;
  /** Messages a previous run acknowledged and never finished, oldest first, to queue again. */
  pending: QueueMessage[];
  /** Lines that could not be read (a write cut short by a crash, at the end of the file). */
  skippedLines: number;
}

interface Waiter {
  data: string;
  sync: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Once no message is pending, a journal larger than this is emptied (everything in it is done);
 * otherwise it is compacted at the next start.
 */
const truncateWhenIdleBytes = 8 * 1024 * 1024;

export class EventJournal {
  /** seq → deduplication id of each message sent and not yet done. */
  private readonly pending = new Map<number, string>();
  private readonly waiting: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private nextSeq: number,
    private size: number,
  ) {}

  /** Reads (and compacts) the journal at `path`, creating it if needed. */
  static async open(path: string): Promise<JournalOpenResult> {
    await mkdir(dirname(path), { recursive: true });
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new JournalError(`cannot read the queue journal ${path}`, { cause: error });
    }
    const { pending, skippedLines } = replay(text);
    // Rewrite it with only what is pending, renumbered, and switch files atomically: a crash
    // during compaction leaves either the old journal or the new one, never half of one.
    const compacted = pending.map((m, i) => line({ op: 'send', seq: i + 1, id: m.deduplicationId, group: m.groupId, body: m.body })).join('');
    const temporary = `${path}.compacting`;
    try {
      const out = await open(temporary, 'w');
      try {
        await out.writeFile(compacted);
        await out.datasync();
      } finally {
        await out.close();
      }
      await rename(temporary, path);
      await syncDirectory(dirname(path));
    } catch (error) {
      throw new JournalError(`cannot compact the queue journal ${path}`, { cause: error });
    }
    const handle = await open(path, 'a');
    const journal = new EventJournal(path, handle, pending.length + 1, Buffer.byteLength(compacted));
    pending.forEach((m, i) => journal.pending.set(i + 1, m.deduplicationId));
    return { journal, pending, skippedLines };
  }

  /** How many messages are sent and not yet done. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Appends a message and resolves once it is on disk (fsync'd). Returns its sequence number. */
  async append(message: QueueMessage): Promise<number> {
    const seq = this.nextSeq++;
    this.pending.set(seq, message.deduplicationId);
    try {
      await this.write(line({ op: 'send', seq, id: message.deduplicationId, group: message.groupId, body: message.body }), true);
    } catch (error) {
      this.pending.delete(seq);
      throw error;
    }
    return seq;
  }

  /**
   * Messages that left the queue, by deduplication id (processed or dead-lettered): not queued
   * again at the next start. Not fsync'd: if it is lost, the replay is a no-op for the claims.
   */
  async done(ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids);
    const known = new Set<string>();
    for (const [seq, id] of this.pending) {
      if (!wanted.has(id)) continue;
      known.add(id);
      this.pending.delete(seq);
    }
    // Ids the journal never saw (sent to the queue by something else) need no record.
    if (!known.size) return;
    await this.write([...known].map((id) => line({ op: 'done', id })).join(''), false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.handle.close();
  }

  private write(data: string, sync: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new JournalError(`the queue journal ${this.path} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ data, sync, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Writes everything waiting in one append and one fsync, until nothing is waiting. */
  private async flush(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0);
      try {
        const bytes = Buffer.from(batch.map((w) => w.data).join(''));
        let written = 0;
        while (written < bytes.length) written += (await this.handle.write(bytes, written)).bytesWritten;
        if (batch.some((w) => w.sync)) await this.handle.datasync();
        this.size += bytes.length;
        // Everything in the file is done: start it again rather than let it grow until a restart.
        if (this.pending.size === 0 && this.size > truncateWhenIdleBytes) {
          await this.handle.truncate(0);
          this.size = 0;
        }
        for (const w of batch) w.resolve();
      } catch (cause) {
        const error = new JournalError(`cannot write to the queue journal ${this.path}`, { cause });
        for (const w of batch) w.reject(error);
      }
    }
    this.flushing = undefined;
  }
}

const line = (record: JournalRecord): string => `${JSON.stringify(record)}\n`;

/** The messages sent and not done, in order; one per deduplication id, as SQS FIFO keeps. */
function replay(text: string): { pending: QueueMessage[]; skippedLines: number } {
  const sends = new Map<number, QueueMessage>();
  let skippedLines = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(raw) as JournalRecord;
    } catch {
      skippedLines++;
      continue;
    }
    if (record.op === 'send' && typeof record.body === 'string') {
      sends.set(record.seq, { body: record.body, groupId: record.group, deduplicationId: record.id });
    } else if (record.op === 'done') {
      for (const [seq, message] of sends) if (message.deduplicationId === record.id) sends.delete(seq);
    } else {
      skippedLines++;
    }
  }
  const seen = new Set<string>();
  const pending: QueueMessage[] = [];
  for (const message of sends.values()) {
    if (seen.has(message.deduplicationId)) continue;
    seen.add(message.deduplicationId);
    pending.push(message);
  }
  return { pending, skippedLines };
}

/** A rename is durable once the directory holding it is synced (not possible on Windows). */
async function syncDirectory(path: string): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * The webhook's queue in local mode. `send` resolves — so the webhook acknowledges — once the
 * message is in the journal and fsync'd: that is what makes it durable, as SQS's answer is on
 * AWS (local-aws-sqs keeps messages in memory, so waiting for it adds nothing that survives a
 * crash). The message then goes to the queue, in order within its FIFO group, retried with
 * backoff; one that still cannot be sent stays in the journal and is queued at the next start.
 */
export class JournaledQueue implements EventQueue {
  /** FIFO group → its latest send to the queue, which the next one of the group waits for. */
  private readonly sending = new Map<string, Promise<void>>();

  constructor(
    private readonly journal: EventJournal,
    private readonly inner: EventQueue,
    private readonly options: { log?: Pick<Logger, 'error' | 'warn'>; retries?: number; retryBaseMs?: number } = {},
  ) {}

  async send(message: QueueMessage): Promise<void> {
    await this.journal.append(message);
    const { groupId } = message;
    const next = (this.sending.get(groupId) ?? Promise.resolve()).then(() => this.deliver(message));
    this.sending.set(groupId, next);
    void next.then(() => {
      if (this.sending.get(groupId) === next) this.sending.delete(groupId);
    });
  }

  /** Resolves once every journaled message has reached the queue or been left for the next start. */
  async settled(): Promise<void> {
    while (this.sending.size) await Promise.all(this.sending.values());
  }

  private async deliver(message: QueueMessage): Promise<void> {
    const retries = this.options.retries ?? 4;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.inner.send(message);
        return;
      } catch (error) {
        if (attempt >= retries) {
          this.options.log?.error('an acknowledged event could not be queued; it stays in the journal and is queued at the next start', {
            delivery: message.deduplicationId,
            error: error as Error,
          });
          return;
        }
        this.options.log?.warn('queueing an acknowledged event failed; retrying', { delivery: message.deduplicationId, attempt: attempt + 1, error: error as Error });
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryBaseMs ?? 200) * 2 ** attempt));
      }
    }
  }
}
