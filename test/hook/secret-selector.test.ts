import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { orgRepoOf } from '../../shared/hook/queued-event.js';
import { secretSelectorOf, sliceBytes } from '../../shared/hook/secret-selector.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('secretSelectorOf', () => {
  const cases = [
    { name: 'a repository event', body: '{"action":"created","repository":{"id":1,"full_name":"acme/widgets"}}', selector: 'acme/widgets' },
    { name: 'an org-level event', body: '{"organization":{"login":"acme","id":2}}', selector: 'acme' },
    { name: 'the repository wins over the organization, in any order', body: '{"organization":{"login":"acme"},"repository":{"full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'whitespace everywhere', body: ' {\n "repository" : { "full_name" : "acme/widgets" } \n} ', selector: 'acme/widgets' },
    { name: 'a nested full_name is not the top-level one', body: '{"pull_request":{"head":{"repo":{"full_name":"fork/x"}}},"repository":{"full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'only a nested one: none', body: '{"pull_request":{"repository":{"full_name":"fork/x"}}}', selector: '' },
    { name: 'a duplicate key: the last one, as JSON.parse', body: '{"repository":{"full_name":"evil/x"},"repository":{"full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'a duplicate key whose last value is null: none, as JSON.parse', body: '{"repository":{"full_name":"evil/x"},"repository":null}', selector: '' },
    { name: 'a duplicate full_name inside repository: the last', body: '{"repository":{"full_name":"evil/x","full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'an escaped key name is decoded', body: '{"repos\\u0069tory":{"full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'an escaped value is decoded', body: '{"repository":{"full_name":"acme\\/w"}}', selector: 'acme/w' },
    { name: 'strings holding braces and quotes are skipped whole', body: '{"comment":{"body":"} \\" { ] [ ,"},"repository":{"full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'numbers, booleans and null between members', body: '{"a":1,"b":true,"c":null,"d":-1.5e3,"repository":{"full_name":"acme/w"}}', selector: 'acme/w' },
    { name: 'a full_name that is not a string', body: '{"repository":{"full_name":42}}', selector: '' },
    { name: 'a repository that is an array', body: '{"repository":["acme/w"]}', selector: '' },
    { name: 'an empty object', body: '{}', selector: '' },
    { name: 'an empty body', body: '', selector: '' },
    { name: 'a JSON array', body: '[{"repository":{"full_name":"acme/w"}}]', selector: '' },
    { name: 'truncated inside a string', body: '{"repository":{"full_name":"acme/w', selector: '' },
    { name: 'truncated after the value', body: '{"repository":{"full_name":"acme/w"}', selector: '' },
    { name: 'not JSON at all', body: 'Hello, World!', selector: '' },
  ];

  it.each(cases)('$name', async ({ body, selector }) => {
    // Act
    const result = await secretSelectorOf(bytes(body));

    // Assess
    expect(result).toBe(selector);
  });

  it('agrees with JSON.parse on every well-formed case above', async () => {
    for (const { body } of cases) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        continue;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      expect(await secretSelectorOf(bytes(body)), body).toBe(orgRepoOf(parsed as Parameters<typeof orgRepoOf>[0]));
    }
  });

  it.each(['issue_comment', 'pull_request', 'push', 'pull_request_review', 'issues', 'organization', 'star'])('agrees with JSON.parse on the real %s example', async (event) => {
    // Prepare
    const payload = samplePayload(event);
    const body = bytes(JSON.stringify(payload, null, event === 'push' ? 2 : undefined));

    // Act
    const selector = await secretSelectorOf(body);

    // Assess
    expect(selector).toBe(orgRepoOf(payload));
    expect(selector).not.toBe('');
  });

  it('walks 2 MB of nested arrays without recursion (a JSON.parse stack overflow or a CPU sink otherwise)', async () => {
    // Prepare: deeper than any recursive parser's stack, then the real field at the end.
    const depth = 1_000_000;
    const body = bytes(`{"x":${'['.repeat(depth)}${']'.repeat(depth)},"repository":{"full_name":"acme/w"}}`);

    // Act
    const selector = await secretSelectorOf(body);

    // Assess
    expect(selector).toBe('acme/w');
  });

  it('reads a byte view into a larger buffer at its own offset', async () => {
    // Prepare: Buffer.concat and pooled buffers hand out views with a non-zero byteOffset.
    const whole = bytes(`xxxx{"repository":{"full_name":"acme/w"}}`);
    const view = whole.subarray(4);

    // Act
    const selector = await secretSelectorOf(view);

    // Assess
    expect(selector).toBe('acme/w');
  });
});

describe('secretSelectorOf: sharing the event loop', () => {
  it('gives the event loop back while it scans a large body', async () => {
    // Prepare: a timer due at once, and a body several slices long.
    const body = bytes(`{"x":"${'a'.repeat(sliceBytes * 4)}",${'"y":[1],'.repeat(sliceBytes / 8)}"repository":{"full_name":"acme/w"}}`);
    let timerRanDuringScan = false;
    let scanning = true;
    setImmediate(() => (timerRanDuringScan = scanning));

    // Act
    const selector = await secretSelectorOf(body);
    scanning = false;

    // Assess
    expect(selector).toBe('acme/w');
    expect(timerRanDuringScan).toBe(true);
  });

  it.each([
    { name: 'a string ending in an escaped backslash ends at the next quote', body: String.raw`{"a":"x\\","repository":{"full_name":"acme/w"}}`, selector: 'acme/w' },
    { name: 'an escaped quote does not end the string', body: String.raw`{"a":"x\"","repository":{"full_name":"acme/w"}}`, selector: 'acme/w' },
    { name: 'an escaped quote swallows what looks like the repository', body: String.raw`{"a":"x\","repository":{"full_name":"acme/w"}}`, selector: '' },
  ])('$name', async ({ body, selector }) => {
    expect(await secretSelectorOf(bytes(body))).toBe(selector);
  });
});
