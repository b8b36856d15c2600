// The queue journal on its own, over a real file in a temporary directory: what a restart
// replays, in which order, and what it leaves out. The crash itself (kill -9 of local mode right
// after the acks) is test/e2e/local-process.test.ts and test/e2e/restart.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventJournal, JournaledQueue } from '../../shared/local/event-journal.js';
import type { EventQueue, QueueMessage } from '../../shared/storage/ports.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-journal-'));
  dirs.push(dir);
  return join(dir, 'nested', 'queue-journal.jsonl');
}

const message = (id: string, group = 'Codertocat/Hello-World#1'): QueueMessage => ({ body: `{"delivery":"${id}","event":"issue_comment"}`, groupId: group, deduplicationId: id });

type Step = { append: string } | { done: string[] };

/** Opens a fresh journal, runs the steps, closes it, and opens it again as a restart would. */
async function restartAfter(steps: Step[]) {
  const path = journalPath();
  const { journal } = await EventJournal.open(path);
  for (const step of steps) {
    if ('append' in step) await journal.append(message(step.append));
    else await journal.done(step.done);
  }
  await journal.close();
  const reopened = await EventJournal.open(path);
  await reopened.journal.close();
  return { path, ...reopened, ids: reopened.pending.map((m) => m.deduplicationId) };
}

describe('EventJournal', () => {
  it.each<{ name: string; steps: Step[]; pending: string[] }>([
    { name: 'nothing journaled', steps: [], pending: [] },
    { name: 'sent and never done: all of them, in order', steps: [{ append: 'a' }, { append: 'b' }, { append: 'c' }], pending: ['a', 'b', 'c'] },
    { name: 'done ones are left out', steps: [{ append: 'a' }, { append: 'b' }, { append: 'c' }, { done: ['b'] }], pending: ['a', 'c'] },
    { name: 'everything done', steps: [{ append: 'a' }, { append: 'b' }, { done: ['a', 'b'] }], pending: [] },
    { name: 'a redelivery while the first is queued: one message, as SQS FIFO deduplicates', steps: [{ append: 'a' }, { append: 'a' }], pending: ['a'] },
    { name: 'one done covers both sends of a redelivered delivery', steps: [{ append: 'a' }, { append: 'a' }, { done: ['a'] }], pending: [] },
    { name: 'a redelivery after the first was done is a new message', steps: [{ append: 'a' }, { done: ['a'] }, { append: 'a' }], pending: ['a'] },
    { name: 'done for an id it never saw changes nothing', steps: [{ append: 'a' }, { done: ['elsewhere'] }], pending: ['a'] },
  ])('$name', async ({ steps, pending }) => {
    // Act
    const { ids } = await restartAfter(steps);
    // Assess
    expect(ids).toEqual(pending);
  });

  it('a restart compacts the file to the pending sends, and a second restart replays them again', async () => {
    // Prepare
    const { path } = await restartAfter([{ append: 'a' }, { append: 'b' }, { done: ['a'] }]);
    // Act
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    const again = await EventJournal.open(path);
    await again.journal.close();
    // Assess
    expect(lines.map((l) => JSON.parse(l) as { op: string; seq: number; id: string })).toEqual([expect.objectContaining({ op: 'send', seq: 1, id: 'b' })]);
    expect(again.pending).toEqual([message('b')]);
  });

  it('a line cut short by a crash is skipped; the others still replay', async () => {
    // Prepare
    const path = journalPath();
    const { journal } = await EventJournal.open(path);
    await journal.append(message('a'));
    await journal.close();
    await appendFile(path, '{"op":"send","seq":2,"id":"b","gro');
    // Act
    const { journal: reopened, pending, skippedLines } = await EventJournal.open(path);
    await reopened.close();
    // Assess
    expect(pending).toEqual([message('a')]);
    expect(skippedLines).toBe(1);
  });

  it('every append of a burst is on disk once it resolves, and numbered in order', async () => {
    // Prepare
    const path = journalPath();
    const { journal } = await EventJournal.open(path);
    const ids = Array.from({ length: 50 }, (_, i) => `burst-${i}`);
    // Act: all at once, so most of them share an fsync.
    const seqs = await Promise.all(ids.map((id) => journal.append(message(id))));
    const text = await readFile(path, 'utf8');
    await journal.close();
    // Assess
    expect(seqs).toEqual(ids.map((_, i) => i + 1));
    expect(text.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(ids);
  });
});

describe('JournaledQueue', () => {
  /** A queue that refuses the first `failures` sends, then takes them. */
  const queue = (failures = 0): EventQueue & { sent: QueueMessage[]; tries: number } => {
    const q = {
      sent: [] as QueueMessage[],
      tries: 0,
      async send(m: QueueMessage) {
        q.tries++;
        if (q.tries <= failures) throw new Error('queue unavailable');
        q.sent.push(m);
      },
    };
    return q;
  };

  it('a message is in the journal (fsync\'d) when send resolves, and reaches the queue after', async () => {
    // Prepare
    const path = journalPath();
    const { journal } = await EventJournal.open(path);
    const inner = queue();
    const journaled = new JournaledQueue(journal, inner);
    // Act
    await journaled.send(message('a'));
    const text = await readFile(path, 'utf8');
    await journaled.settled();
    await journal.close();
    // Assess
    expect(JSON.parse(text)).toMatchObject({ op: 'send', id: 'a', body: message('a').body });
    expect(inner.sent).toEqual([message('a')]);
  });

  it('sends of one group reach the queue in the order they were acknowledged, even when one is retried', async () => {
    // Prepare: the queue refuses the first send twice.
    const { journal } = await EventJournal.open(journalPath());
    const inner = queue(2);
    const journaled = new JournaledQueue(journal, inner, { retryBaseMs: 1 });
    // Act
    for (const id of ['a', 'b', 'c']) await journaled.send(message(id));
    await journaled.settled();
    await journal.close();
    // Assess
    expect(inner.sent.map((m) => m.deduplicationId)).toEqual(['a', 'b', 'c']);
  });

  it('a message the queue keeps refusing is still acknowledged, logged, and queued again at the next start', async () => {
    // Prepare
    const path = journalPath();
    const { journal } = await EventJournal.open(path);
    const errors: string[] = [];
    const log = { error: (m: string) => errors.push(m), warn: () => {} };
    const journaled = new JournaledQueue(journal, queue(Number.POSITIVE_INFINITY), { log, retries: 2, retryBaseMs: 1 });
    // Act
    await journaled.send(message('a'));
    await journaled.settled();
    await journal.close();
    const { journal: reopened, pending } = await EventJournal.open(path);
    await reopened.close();
    // Assess
    expect(errors).toEqual(['an acknowledged event could not be queued; it stays in the journal and is queued at the next start']);
    expect(pending).toEqual([message('a')]);
  });

  it('a journal that cannot be written fails the send, so the webhook answers 5xx', async () => {
    // Prepare
    const { journal } = await EventJournal.open(journalPath());
    await journal.close();
    const inner = queue();
    // Act
    const sending = new JournaledQueue(journal, inner).send(message('a'));
    // Assess
    await expect(sending).rejects.toThrow(/queue journal .* is closed/);
    expect(inner.tries).toBe(0);
  });
});
