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

type Step = { append: string } | { done: string[] } | { cancelLast: true };

/** Opens a fresh journal, runs the steps, closes it, and opens it again as a restart would. */
async function restartAfter(steps: Step[]) {
  const path = journalPath();
  const { journal } = await EventJournal.open(path);
  let last = 0;
  for (const step of steps) {
    if ('append' in step) last = await journal.append(message(step.append));
    else if ('done' in step) await journal.done(step.done);
    else await journal.cancel(last);
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
    { name: 'a cancelled send (the queue refused it, the webhook answered 5xx)', steps: [{ append: 'a' }, { append: 'b' }, { cancelLast: true }], pending: ['a'] },
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
  const queue = (fail?: Error): EventQueue & { sent: QueueMessage[] } => {
    const sent: QueueMessage[] = [];
    return {
      sent,
      async send(m) {
        if (fail) throw fail;
        sent.push(m);
      },
    };
  };

  it('a message is in the journal when send resolves, and in the queue', async () => {
    // Prepare
    const path = journalPath();
    const { journal } = await EventJournal.open(path);
    const inner = queue();
    // Act
    await new JournaledQueue(journal, inner).send(message('a'));
    const text = await readFile(path, 'utf8');
    await journal.close();
    // Assess
    expect(inner.sent).toEqual([message('a')]);
    expect(JSON.parse(text)).toMatchObject({ op: 'send', id: 'a', body: message('a').body });
  });

  it('a message the queue refused fails the send and is not replayed', async () => {
    // Prepare
    const path = journalPath();
    const { journal } = await EventJournal.open(path);
    const refused = new Error('queue unavailable');
    // Act
    const sending = new JournaledQueue(journal, queue(refused)).send(message('a'));
    // Assess
    await expect(sending).rejects.toBe(refused);
    await journal.close();
    const { journal: reopened, pending } = await EventJournal.open(path);
    await reopened.close();
    expect(pending).toEqual([]);
  });
});
