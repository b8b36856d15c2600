// Beyond Prow: replies to command-like lines nobody understood (shared/plugins/unknown-commands.ts),
// table-driven over real issue_comment payloads, and wired through dispatch by the `skiff:` section.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment } from '../../shared/hook/generic-comment.js';
import { hold } from '../../shared/plugins/hold/index.js';
import { lgtm } from '../../shared/plugins/lgtm/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { commandLines, unknownCommands, unknownCommandsName } from '../../shared/plugins/unknown-commands.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { memoryDispatch } from '../fakes/memory-dispatch.js';
import { pluginContext } from '../fakes/plugin-context.js';
import { dispatch } from '../../shared/hook/dispatch.js';
import { encodeQueuedEvent } from '../../shared/hook/queued-event.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };

function comment(body: string, action: 'created' | 'edited' = 'created') {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  return payload;
}

describe('commandLines', () => {
  it.each([
    { name: 'a command', body: '/lgmt', lines: ['/lgmt'] },
    { name: 'with an argument, and trailing whitespace', body: '/label foo  \r\n', lines: ['/label foo'] },
    { name: 'a path is no command', body: '/usr/bin/env node', lines: [] },
    { name: 'a slash and a space', body: '/ 2 is half', lines: [] },
    { name: 'in the middle of a line', body: 'please /lgtm', lines: [] },
    { name: 'quoted', body: '> /lgmt', lines: [] },
    { name: 'in a code fence', body: 'run:\n```\n/opt/x\n/build\n```\n/real', lines: ['/real'] },
    { name: 'in an HTML comment', body: '<!-- /hidden -->\n/shown', lines: ['/shown'] },
  ])('$name', ({ body, lines }) => {
    expect(commandLines(body)).toEqual(lines);
  });
});

describe('unknown commands', () => {
  const run = async (body: string, options: { forwarded?: boolean; notImplemented?: string[]; action?: 'created' | 'edited' } = {}) => {
    const gh = new MemoryGitHub();
    const ctx = pluginContext({ github: gh, config: undefined, repo });
    const plugin = unknownCommands({ enabled: [hold, lgtm], notImplemented: options.notImplemented ?? [], forwarded: options.forwarded ?? false });
    const outcome = (await plugin.comment!(ctx, generalizeComment('issue_comment', comment(body, options.action))!)) as Outcome;
    return { gh, ctx, outcome };
  };

  it.each([
    { name: 'a typo gets the closest command', body: '/lgmt', says: ['I do not understand `/lgmt` (did you mean `/lgtm`?)'] },
    { name: 'a command of a plugin not enabled here', body: '/approve', says: ['I do not understand `/approve`.', 'The commands enabled for Codertocat/Hello-World are: `/hold cancel (also /unhold, /remove-hold)`, `/hold`, `/lgtm [no-issue|cancel]`, `/remove-lgtm`.'] },
    { name: 'one reply for several', body: '/lgmt\n/holdd\n/lgmt', says: ['`/lgmt` (did you mean `/lgtm`?), `/holdd` (did you mean `/hold`?)'] },
  ])('$name', async ({ body, says }) => {
    // Act
    const { gh, outcome } = await run(body);

    // Assess
    expect(gh.comments).toHaveLength(1);
    for (const text of says) expect(gh.comments[0]!.body).toContain(text);
    expect(gh.comments[0]!.body).toMatch(/^@Codertocat: /);
    expect(outcome.status).toBe('ran');
  });

  it.each([
    { name: 'understood commands', body: '/hold\n/lgtm cancel' },
    { name: 'no command at all', body: 'Looks good to me.' },
  ])('$name: nothing said', async ({ body }) => {
    const { gh, outcome } = await run(body);
    expect(gh.comments).toEqual([]);
    expect(outcome.status).toBe('skipped');
  });

  it('an event an external plugin also gets: nothing said, and the trace says why', async () => {
    const { gh, ctx, outcome } = await run('/cherrypick release-1.0', { forwarded: true });
    expect(gh.comments).toEqual([]);
    expect(outcome).toEqual({ status: 'skipped', reason: 'an external plugin gets this event, and may understand the command' });
    expect(ctx.checks).toEqual(["not understood by Skiff's plugins: /cherrypick; an external plugin gets this event and may understand it"]);
  });

  it('names the enabled Prow plugins Skiff does not run, whose commands get no answer', async () => {
    const { gh } = await run('/test all', { notImplemented: ['trigger'] });
    expect(gh.comments[0]!.body).toContain('Also enabled here are Prow plugins Skiff does not run yet, whose commands get no answer: trigger.');
  });

  it('an edited comment is not answered again', async () => {
    const { gh, outcome } = await run('/lgmt', { action: 'edited' });
    expect(gh.comments).toEqual([]);
    expect(outcome.status).toBe('skipped');
  });
});

describe('unknown commands through dispatch', () => {
  const deliver = async (config: string, body: string) => {
    const { deps, github, store } = memoryDispatch({ source: config });
    const delivery = `d-${Math.random().toString(36).slice(2)}`;
    await dispatch(encodeQueuedEvent({ delivery, event: 'issue_comment', receivedAt: new Date().toISOString(), target: 'Codertocat/Hello-World' }, JSON.stringify(comment(body))), deps);
    return { github, trace: await store.get(delivery) };
  };

  it('off by default, as in Prow: no record, no reply', async () => {
    const { github, trace } = await deliver('plugins:\n  Codertocat/Hello-World: [hold]\n', '/hodl');
    expect(trace?.plugins[unknownCommandsName]).toBeUndefined();
    expect(github.comments).toEqual([]);
  });

  it('with skiff.unknown_commands: reply, one reply and a record of its own', async () => {
    const { github, trace } = await deliver('plugins:\n  Codertocat/Hello-World: [hold]\nskiff:\n  unknown_commands: reply\n', '/hodl');
    expect(trace?.plugins[unknownCommandsName]).toMatchObject({ status: 'ran', reason: 'replied to /hodl' });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('did you mean `/hold`?');
  });
});
