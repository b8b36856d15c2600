// Large bodies share local mode fairly: a flood of 6 MB unsigned bodies used to delay a valid
// delivery's ack by seconds, because every body was hashed and scanned as it arrived. Bodies
// over a mebibyte are now read one at a time, while ordinary deliveries are not held up.
import { randomUUID } from 'node:crypto';
import { request, type ClientRequest } from 'node:http';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prComment, secret, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A POST whose body is written later (or never): it stays unanswered until it is whole. */
function openUpload(size: number, signature: string) {
  let answered: { status: number } | undefined;
  let req!: ClientRequest;
  const response = new Promise<{ status: number }>((resolve, reject) => {
    req = request(`${h.skiff.url}/hook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': size,
        'x-github-event': 'issue_comment',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve((answered = { status: res.statusCode ?? 0 })));
    });
    req.on('error', reject);
  });
  return { req, response, answered: () => answered };
}

const twoMiB = 2 * 1024 * 1024;
/** `{"x":"aaaa…"}` of exactly `size` bytes. */
const padded = (size: number) => Buffer.from(`{"x":"${'a'.repeat(size - 8)}"}`);

describe('large bodies in local mode', () => {
  it('one is read at a time; the next waits for the slot, and ordinary deliveries are not held up', async () => {
    // Prepare: a large upload that has sent only its first bytes holds the slot.
    const stalled = openUpload(twoMiB, `sha256=${'0'.repeat(64)}`);
    stalled.req.write(padded(twoMiB).subarray(0, 64 * 1024));
    const body = padded(twoMiB);
    const next = openUpload(twoMiB, await sign(secret, body.toString('utf8')));
    next.req.end(body);

    // Act: an ordinary delivery meanwhile.
    const ordinary = await h.post('issue_comment', prComment('/hold'));

    // Assess: it is acknowledged and processed while the second large body still waits.
    expect(ordinary.status).toBe(200);
    await h.settled(ordinary.delivery);
    expect(next.answered()).toBeUndefined();

    // Act: the stalled upload finishes (unsigned: refused), freeing the slot.
    stalled.req.end(padded(twoMiB).subarray(64 * 1024));

    // Assess: both are answered; the second was signed, but lacks what an issue_comment needs.
    expect((await stalled.response).status).toBe(403);
    expect((await next.response).status).toBe(400);
  });

  it.each([
    { name: 'with a Content-Length (copied into place as it arrives)', chunked: false },
    { name: 'chunked, with no declared length', chunked: true },
  ])('a signed delivery sent in pieces $name is read whole', async ({ chunked }) => {
    // Prepare
    const body = Buffer.from(JSON.stringify(prComment('/hold')));
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'x-github-event': 'issue_comment',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': await sign(secret, body.toString('utf8')),
      ...(chunked ? {} : { 'content-length': body.length }),
    };
    // Act
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.skiff.url}/hook`, { method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let at = 0; at < body.length; at += 1000) req.write(body.subarray(at, at + 1000));
      req.end();
    });
    // Assess
    expect(status).toBe(200);
  });
});
