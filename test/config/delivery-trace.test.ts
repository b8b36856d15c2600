// What a delivery's trace says about the config: the enabled Prow plugins Skiff left out that
// would have seen the event (`notImplemented`: "why did /pony do nothing"), the warnings as one
// line of counts once there are many (a trace is written on every update, and a real config has
// dozens), and, while a changed config does not load, the error with its file and line.
import { describe, expect, it } from 'vitest';
import { memoryDispatch } from '../fakes/memory-dispatch.js';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { type ConfigSource } from '../../shared/config/agent.js';
import type { ConfigFile } from '../../shared/config/parse.js';
import { dispatch, type DispatchDeps } from '../../shared/hook/dispatch.js';
import { encodeQueuedEvent } from '../../shared/hook/queued-event.js';

const repo = 'Codertocat/Hello-World'; // the repository of the sample payloads
const receivedAt = '2024-05-01T12:00:00.000Z';

class TextSource implements ConfigSource {
  readonly description = 'test:plugins.yaml';
  constructor(public text: string) {}
  async fetch(): Promise<ConfigFile[]> {
    return [{ path: 'plugins.yaml', text: this.text }];
  }
}

function setup(text: string) {
  const clock = { ms: Date.parse(receivedAt) };
  const source = new TextSource(text);
  const { deps, store } = memoryDispatch({ source, clock: () => clock.ms, revalidateMs: 60_000 });
  return { deps, store, source, clock };
}

let n = 0;
async function deliver(deps: DispatchDeps, event: string, payload: Record<string, unknown>) {
  const delivery = `delivery-${++n}`;
  await dispatch(encodeQueuedEvent({ delivery, event, receivedAt, target: repo }, JSON.stringify(payload)), deps);
  return delivery;
}

/** A comment on the sample's issue #1, made a pull request (hold acts on pull requests only). */
const comment = (body: string) => {
  const payload = samplePayload('issue_comment', 'created');
  payload.comment.body = body;
  const url = String(payload.issue.url).replace('/issues/', '/pulls/');
  payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  return payload;
};

const config = [
  'plugins:',
  '  Codertocat: [hold, pony, yuks, cherry-pick-approved, config-updater, hodl]',
  `  ${repo}: [size]`,
  'tide: {}',
  'heart: {}',
  '',
].join('\n');

describe("a delivery's trace and the config", () => {
  it.each([
    // cherry-pick-approved handles reviews only; config-updater is not needed; hodl is no plugin.
    { event: 'issue_comment', payload: () => comment('/pony'), missing: ['pony', 'yuks'] },
    { event: 'pull_request_review', payload: () => samplePayload('pull_request_review', 'submitted'), missing: ['pony', 'yuks', 'cherry-pick-approved'] },
  ])('$event: notImplemented lists the enabled Prow plugins that would have seen it', async ({ event, payload, missing }) => {
    // Prepare
    const { deps, store } = setup(config);

    // Act
    const delivery = await deliver(deps, event, payload());

    // Assess
    const trace = await store.get(delivery);
    expect(trace?.notImplemented).toEqual(missing);
    expect(trace?.configWarnings).toEqual([
      '7 config warnings (3 Prow plugins Skiff does not implement yet, 2 Prow keys Skiff does not implement yet, 1 names nothing knows, 1 plugins Skiff does not need); skiff checkconfig lists each with its file and line',
    ]);
  });

  it('a repository where every enabled plugin is implemented has no notImplemented', async () => {
    // Prepare
    const { deps, store } = setup(`plugins:\n  ${repo}: [hold, size]\n`);

    // Act
    const delivery = await deliver(deps, 'issue_comment', comment('/hold'));

    // Assess
    const trace = await store.get(delivery);
    expect(trace?.notImplemented).toBeUndefined();
    expect(trace?.configWarnings).toBeUndefined();
    expect(trace?.plugins.hold?.status).toBe('ran');
  });

  it('a changed config that does not load: served with the last good one, the error in each trace', async () => {
    // Prepare
    const { deps, store, source, clock } = setup(`plugins:\n  ${repo}: [hold]\n`);
    await deliver(deps, 'issue_comment', comment('/hold'));
    source.text = `plugins:\n  ${repo}: [hold]\nsize:\n  m: -1\n`;
    clock.ms += 60_000;

    // Act
    const first = await deliver(deps, 'issue_comment', comment('/hold cancel'));
    const second = await deliver(deps, 'issue_comment', comment('/hold'));

    // Assess
    for (const delivery of [first, second]) {
      const trace = await store.get(delivery);
      expect(trace?.configError).toBe('invalid config in test:plugins.yaml:\n  plugins.yaml:4:6: size.m: Too small: expected number to be >=0');
      expect(trace?.plugins.hold?.status).toBe('ran');
    }
  });
});
