// The whole pipeline through HTTP: signed real payloads → local mode's webhook → embedded SQS
// → plugin workers → the real Octokit → a fake GitHub server. Each test starts its own stack.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { ConfigAgent } from '../../shared/config/agent.js';
import { encodeQueuedEvent } from '../../shared/hook/queued-event.js';
import { plugins } from '../../shared/plugins/registry.js';
import { faults } from '../fakes/github-server.js';
import { configRepo, prComment, repo, startHarness, type Harness } from './harness.js';

const hold = 'do-not-merge/hold';
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('hold through the pipeline', () => {
  it('/hold then /hold cancel sent back to back ends unheld, in order', async () => {
    // Prepare
    h = await startHarness();
    // Act
    const first = await h.post('issue_comment', prComment('/hold'));
    const second = await h.post('issue_comment', prComment('/hold cancel'));
    await h.settled(first.delivery);
    const trace = await h.settled(second.delivery);
    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 ${hold}`, `removeLabel ${repo}#1 ${hold}`]);
    expect(h.github.labelsOf(repo, 1)).toEqual([]);
    expect(trace.plugins.hold).toMatchObject({ status: 'ran', writes: [`removeLabel ${repo}#1 ${hold}`] });
  });

  it('a GitHub redelivery of the same delivery id labels once', async () => {
    // Prepare
    h = await startHarness();
    const payload = prComment('/hold');
    // Act
    const first = await h.post('issue_comment', payload, 'redelivered-1');
    await h.settled(first.delivery);
    const again = await h.post('issue_comment', payload, 'redelivered-1');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Assess
    expect(again.status).toBe(200);
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 ${hold}`]);
  });

  it('SQS delivering the same event twice runs each plugin once (claims, not queue dedup)', async () => {
    // Prepare
    h = await startHarness();
    const first = await h.post('issue_comment', prComment('/hold'), 'sqs-duplicate-1');
    const trace = await h.settled(first.delivery);
    // Act: the same message again under another deduplication id, as an at-least-once duplicate.
    const body = encodeQueuedEvent({ delivery: 'sqs-duplicate-1', event: 'issue_comment', receivedAt: trace.receivedAt }, JSON.stringify(prComment('/hold')));
    await h.skiff.standIns.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: h.skiff.standIns.queueUrl, MessageBody: body, MessageGroupId: `${repo}#1`, MessageDeduplicationId: 'duplicate' }),
    );
    const retraced = await h.settled(first.delivery, 'processed', (t) => t.attempts === 2);
    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 ${hold}`]);
    expect(retraced.plugins.hold).toMatchObject({ status: 'ran', writes: [`addLabel ${repo}#1 ${hold}`] });
  });

  it('a worker crash between two plugins re-runs only the unfinished one', async () => {
    // Prepare: a pull request opened with /hold in its body reaches hold (body) and size (diff).
    let crashed = false;
    h = await startHarness({
      skiff: {
        afterPlugin: (_delivery, plugin) => {
          if (plugin === 'hold' && !crashed) {
            crashed = true;
            throw new Error('simulated crash after hold finished');
          }
        },
      },
    });
    const payload = samplePayload('pull_request', 'opened');
    payload.pull_request.body = 'Please wait.\n/hold\n';
    h.github.setChanges(repo, payload.number, [{ filename: 'main.go', additions: 12, deletions: 3 }]);
    // Act
    const { delivery } = await h.post('pull_request', payload);
    const trace = await h.settled(delivery);
    // Assess
    expect(crashed).toBe(true);
    expect(trace.attempts).toBe(2);
    expect(h.github.writes()).toEqual([`addLabel ${repo}#2 ${hold}`, `addLabel ${repo}#2 size/S`]);
    expect(trace.plugins).toMatchObject({ hold: { status: 'ran' }, size: { status: 'ran' } });
  });
});

describe('GitHub failures', () => {
  it('502 then 200 still ends labelled, retried inside the worker', async () => {
    // Prepare
    h = await startHarness();
    h.github.failNext({ method: 'POST', path: /\/labels$/ }, faults.serverError(502));
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    const trace = await h.settled(delivery);
    // Assess
    expect(h.github.labelsOf(repo, 1)).toEqual([hold]);
    expect(h.github.calls.filter((c) => c.method === 'POST').map((c) => c.status)).toEqual([502, 200]);
    expect(trace.attempts).toBe(1);
  });

  it('502s past the client retries fail the record; SQS redelivers and it ends labelled', async () => {
    // Prepare: plugin-retry tries 4 times in all; the fifth request succeeds on the redelivery.
    h = await startHarness();
    h.github.failNext({ method: 'POST', path: /\/labels$/ }, faults.serverError(502), 4);
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    const failed = await h.settled(delivery, 'failed');
    const trace = await h.settled(delivery);
    // Assess
    expect(failed.plugins.hold).toMatchObject({ status: 'failed', retrying: true });
    expect(trace.plugins.hold).toMatchObject({ status: 'ran' });
    expect(trace.attempts).toBe(2);
    expect(h.github.labelsOf(repo, 1)).toEqual([hold]);
  });

  it('a secondary rate limit is waited out (retry-after) and the label lands', async () => {
    // Prepare
    h = await startHarness();
    h.github.failNext({ method: 'POST', path: /\/labels$/ }, faults.secondaryRateLimit(1));
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    await h.settled(delivery);
    // Assess
    expect(h.github.labelsOf(repo, 1)).toEqual([hold]);
  });

  it('a rate limit too long to wait out in the worker puts the event off until the reset, not the visibility timeout', async () => {
    // Prepare: the worker waits out no limit itself, and a failed record would otherwise stay
    // invisible for 60 s, far beyond `settled`'s 20 s; the primary limit resets in 2 s.
    h = await startHarness({ skiff: { visibilityTimeoutSeconds: 60, octokit: { writeIntervalMs: 0, retryBaseMs: 5, maxRateLimitWaitSeconds: 0 } } });
    h.github.failNext({ method: 'POST', path: /\/labels$/ }, faults.primaryRateLimit(2));
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    const failed = await h.settled(delivery, 'failed');
    const trace = await h.settled(delivery);
    // Assess: the first attempt recorded the wait; the second, after it, labelled
    expect(failed.plugins.hold).toMatchObject({ status: 'failed', retrying: true });
    expect(failed.plugins.hold!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(failed.plugins.hold!.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(trace).toMatchObject({ attempts: 2, plugins: { hold: { status: 'ran' } } });
    expect(h.github.labelsOf(repo, 1)).toEqual([hold]);
  });

  it('a terminal GitHub error (422) is recorded, not retried', async () => {
    // Prepare
    h = await startHarness();
    h.github.failNext({ method: 'POST', path: /\/labels$/ }, { status: 422, body: { message: 'Validation Failed' } });
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    const trace = await h.settled(delivery);
    // Assess
    expect(trace.plugins.hold).toMatchObject({ status: 'failed', retrying: false });
    expect(trace.plugins.hold!.error).toContain('failed to add label do-not-merge/hold to Codertocat/Hello-World#1');
    expect(trace.attempts).toBe(1);
  });
});

describe('config', () => {
  const push = (files: string[]) => {
    const payload = samplePayload('push');
    payload.ref = 'refs/heads/main';
    payload.repository.full_name = configRepo;
    payload.repository.name = 'prow-config';
    payload.repository.owner.login = 'acme';
    payload.repository.default_branch = 'main';
    payload.commits = [{ id: 'abc', message: 'update config', added: [], removed: [], modified: files }];
    return payload;
  };

  it('an invalid config push keeps the old config working and says what is wrong', async () => {
    // Prepare
    h = await startHarness();
    // A plugin name that is not a string: an error (an unknown name such as hodl is only a warning).
    h.github.setFile(configRepo, 'main', 'plugins.yaml', `plugins:\n  ${repo}: [hold, 3]\n`);
    // Act
    const pushed = await h.post('push', push(['plugins.yaml']));
    const pushTrace = await h.settled(pushed.delivery);
    const held = await h.post('issue_comment', prComment('/hold'));
    const holdTrace = await h.settled(held.delivery);
    // Assess
    expect(pushTrace.configError).toContain(`plugins.yaml:2:34: plugins["${repo}"][1]: Invalid input: expected string, received number`);
    expect(holdTrace.configError).toContain('expected string, received number');
    expect(holdTrace.plugins.hold).toMatchObject({ status: 'ran' });
    expect(h.github.labelsOf(repo, 1)).toEqual([hold]);
  });

  it('a valid config push takes effect at once: a plugin it disables stops acting, with the reason traced', async () => {
    // Prepare
    h = await startHarness();
    h.github.setFile(configRepo, 'main', 'plugins.yaml', `plugins:\n  ${repo}: [size]\n`);
    // Act
    const pushed = await h.post('push', push(['plugins.yaml']));
    await h.settled(pushed.delivery);
    const held = await h.post('issue_comment', prComment('/hold'));
    const trace = await h.settled(held.delivery);
    // Assess
    expect(trace.configError).toBeUndefined();
    expect(trace.plugins.hold).toMatchObject({ status: 'skipped', reason: `not enabled for ${repo}` });
    expect(h.github.writes()).toEqual([]);
  });

  it('a push that does not touch the config files does not reload it', async () => {
    // Prepare
    h = await startHarness();
    h.github.setFile(configRepo, 'main', 'plugins.yaml', `plugins:\n  ${repo}: [size]\n`);
    // Act
    const pushed = await h.post('push', push(['README.md']));
    await h.settled(pushed.delivery);
    const held = await h.post('issue_comment', prComment('/hold'));
    await h.settled(held.delivery);
    // Assess: still the config loaded at start (hold enabled); revalidation is a minute away.
    expect(h.github.labelsOf(repo, 1)).toEqual([hold]);
  });
});

describe('events', () => {
  it('a payload over the SQS limit travels through S3 and is processed', async () => {
    // Prepare: a 1.5 MB pull request body with /hold on its first line.
    h = await startHarness();
    const payload = samplePayload('pull_request', 'opened');
    payload.pull_request.body = `/hold\n${'x'.repeat(1_500_000)}`;
    // Act
    const { delivery, status } = await h.post('pull_request', payload);
    const trace = await h.settled(delivery);
    // Assess
    expect(status).toBe(200);
    expect(trace.plugins.hold).toMatchObject({ status: 'ran' });
    expect(h.github.labelsOf(repo, 2)).toContain(hold);
  });

  it.each([
    { name: 'the bot’s own comment', payload: () => prComment('/hold', { login: 'skiff-bot' }), reason: 'the comment is by the bot itself (skiff-bot)' },
    { name: 'an edited comment', payload: () => prComment('/hold', { action: 'edited' }), reason: '/hold acts on new comments only; this one was edited' },
    { name: 'a quoted command', payload: () => prComment('> /hold'), reason: 'no command for this plugin in the comment' },
    {
      name: 'a comment on an issue',
      payload: () => {
        const p = samplePayload('issue_comment', 'created');
        p.comment.body = '/hold';
        return p;
      },
      reason: `/hold works on pull requests only; ${repo}#1 is an issue`,
    },
  ])('$name does nothing, and the trace says why', async ({ payload, reason }) => {
    // Prepare
    h = await startHarness();
    // Act
    const { delivery } = await h.post('issue_comment', payload());
    const trace = await h.settled(delivery);
    // Assess
    expect(trace.plugins.hold).toEqual(expect.objectContaining({ status: 'skipped', reason }));
    expect(h.github.writes()).toEqual([]);
  });

  it('ping and events no plugin handles are acknowledged and not queued', async () => {
    // Prepare
    h = await startHarness();
    // Act
    const ping = await h.post('ping', { zen: 'Keep it logically awesome.', hook_id: 1, repository: { full_name: repo } });
    const star = await h.post('star', samplePayload('star', 'created'));
    const api = await fetch(`${h.skiff.url}/api/deliveries/${ping.delivery}`);
    // Assess
    expect([ping.status, star.status]).toEqual([200, 200]);
    expect(star.body).toContain('not queued');
    expect(api.status).toBe(404);
  });
});

describe('credentials', () => {
  it('without credentials it is a dry run: writes are traced, nothing is sent', async () => {
    // Prepare
    h = await startHarness({ env: { GITHUB_TOKEN: '', SKIFF_BOT_LOGIN: 'skiff-bot' } });
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    const trace = await h.settled(delivery);
    // Assess
    expect(h.github.writes()).toEqual([]);
    expect(trace.plugins.hold!.writes).toEqual([`dry-run: addLabel ${repo}#1 ${hold}`]);
  });
});

describe('no valid config at all', () => {
  it('the trace says why every event fails until the config is fixed', async () => {
    // Prepare: local mode refuses to start on a broken config, so it breaks after the start.
    h = await startHarness();
    h.skiff.dispatchDeps.config = new ConfigAgent(
      { description: 'acme/prow-config:missing.yaml', fetch: async () => [{ path: 'missing.yaml', text: 'plugins: [' }] },
      plugins,
    );
    // Act
    const { delivery } = await h.post('issue_comment', prComment('/hold'));
    const trace = await h.settled(delivery, 'failed');
    // Assess
    expect(trace.configError).toContain('invalid config in acme/prow-config:missing.yaml');
    expect(h.github.writes()).toEqual([]);
  });
});
