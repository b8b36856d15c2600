// `skiff phony` against local mode: a signed sample payload is accepted and processed; the wrong
// secret is refused with Prow's message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phony } from '../../shared/cli/phony.js';
import { secret, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('skiff phony', () => {
  it.each([
    { name: 'a sample issue_comment with the right secret', hmac: secret, event: 'issue_comment', status: 200, body: 'Event received. Have a nice day.' },
    { name: 'a sample pull_request', hmac: secret, event: 'pull_request', action: 'opened', status: 200, body: 'Event received. Have a nice day.' },
    { name: 'the wrong secret', hmac: 'not-the-secret', event: 'issue_comment', status: 403, body: '403 Forbidden: Invalid X-Hub-Signature-256' },
  ])('$name → $status', async ({ hmac, event, action, status, body }) => {
    // Act
    const result = await phony({ event, action, address: `${h.skiff.url}/hook`, hmac });
    // Assess
    expect(result).toMatchObject({ status, body });
    if (status === 200) expect((await h.settled(result.delivery)).event).toBe(event);
  });

  it('--comment posts that text as a pull request comment, which hold acts on', async () => {
    // Act
    const result = await phony({ event: 'issue_comment', comment: '/hold', address: `${h.skiff.url}/hook`, hmac: secret });
    const trace = await h.settled(result.delivery);
    // Assess
    expect(trace.plugins.hold).toMatchObject({ status: 'ran', writes: ['addLabel Codertocat/Hello-World#1 do-not-merge/hold'] });
  });

  it('says which actions exist when the requested one has no sample', async () => {
    await expect(phony({ event: 'issue_comment', action: 'exploded', address: `${h.skiff.url}/hook`, hmac: secret })).rejects.toThrow(
      /no issue_comment example with action "exploded"; there are: created/,
    );
  });
});
