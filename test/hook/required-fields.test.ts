import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { handledEvents } from '../../shared/hook/events.js';
import { checkedEvents, missingFields } from '../../shared/hook/required-fields.js';
import { plugins } from '../../shared/plugins/registry.js';

interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as Definition[];

// Every real example GitHub documents for an event Skiff queues must pass, or the edge would
// refuse real deliveries.
const realExamples = definitions
  .filter((d) => handledEvents(plugins).has(d.name) || checkedEvents.includes(d.name))
  .flatMap((d) => d.examples.map((payload, i) => ({ name: `${d.name} #${i} (${String(payload.action ?? 'no action')})`, event: d.name, payload })));

describe('missingFields', () => {
  it('covers every handled event with real examples', () => {
    const handled = handledEvents(plugins);
    expect(new Set(realExamples.map((e) => e.event).filter((e) => handled.has(e)))).toEqual(handled);
  });

  it.each(realExamples)('accepts the real $name', ({ event, payload }) => {
    expect(missingFields(event, payload)).toEqual([]);
  });

  const cases = [
    { name: 'an issue_comment with neither issue nor comment', event: 'issue_comment', payload: { action: 'created', repository: { full_name: 'a/b', name: 'b', owner: { login: 'a' } } }, missing: ['issue (object)', 'issue.number (integer)', 'comment (object)'] },
    { name: 'a pull_request with a string number', event: 'pull_request', payload: { action: 'opened', number: '1', pull_request: { number: 1 }, repository: { full_name: 'a/b', name: 'b', owner: { login: 'a' } } }, missing: ['number (integer)'] },
    { name: 'a push without a repository owner', event: 'push', payload: { ref: 'refs/heads/main', repository: { full_name: 'a/b', name: 'b' } }, missing: ['repository.owner (object)', 'repository.owner.login (string)'] },
    { name: 'an issue that is an array', event: 'issues', payload: { action: 'opened', issue: [1], repository: { full_name: 'a/b', name: 'b', owner: { login: 'a' } } }, missing: ['issue (object)', 'issue.number (integer)'] },
    { name: 'a number reached through the prototype does not count', event: 'issues', payload: { action: 'opened', issue: Object.create({ number: 1 }), repository: { full_name: 'a/b', name: 'b', owner: { login: 'a' } } }, missing: ['issue.number (integer)'] },
    { name: 'an event no one lists: nothing required', event: 'star', payload: {}, missing: [] },
    { name: 'an event named like an Object.prototype member', event: 'constructor', payload: {}, missing: [] },
    { name: 'an event named __proto__', event: '__proto__', payload: {}, missing: [] },
  ];

  it.each(cases)('$name', ({ event, payload, missing }) => {
    expect(missingFields(event, payload)).toEqual(missing);
  });
});
