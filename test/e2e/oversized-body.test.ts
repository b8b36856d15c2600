// A body over the 6 MB limit gets a 413 that states the real sizes and arrives whole: local
// mode used to stop reading by destroying the request, which reset the connection, so a
// keep-alive client (as GitHub's sender is) saw ECONNRESET instead of the answer.
import { request, Agent } from 'node:http';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaMaxBodyBytes } from '../../shared/hook/receive.js';
import { secret, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function post(agent: Agent, body: Buffer, headers: Record<string, string | number>) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${h.skiff.url}/hook`, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('an oversized webhook body', () => {
  it.each([
    { name: 'just over the limit', size: lambdaMaxBodyBytes + 1 },
    { name: '7 MiB', size: 7 * 1024 * 1024 },
    { name: '20 MiB', size: 20 * 1024 * 1024 },
  ])('$name: a whole 413 with the real byte counts, on a keep-alive connection', async ({ size }) => {
    // Prepare: a JSON-looking body of `size` bytes, properly signed.
    const body = Buffer.alloc(size, 0x20);
    body.write('{"zen":"', 0);
    body.write('"}', size - 2);
    const agent = new Agent({ keepAlive: true });
    const headers = {
      'content-type': 'application/json',
      'content-length': size,
      'x-github-event': 'issue_comment',
      'x-github-delivery': `oversized-${size}`,
      'x-hub-signature-256': await sign(secret, body.toString('utf8')),
    };
    try {
      // Act
      const response = await post(agent, body, headers);
      // Assess
      expect(response.status).toBe(413);
      expect(response.text).toBe(`413 Payload Too Large: ${size} bytes, the limit is ${lambdaMaxBodyBytes}\n`);
      // The agent goes on with a new connection.
      const next = await post(agent, Buffer.from('{}'), { ...headers, 'content-length': 2 });
      expect(next.status).toBe(403);
    } finally {
      agent.destroy();
    }
  });
});
