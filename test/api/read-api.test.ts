// shared/api/read-api.ts: the trace endpoint answers malformed or hostile paths with a 400 that
// says what is wrong, before any lookup, and never throws (a throw is a 500 from Lambda).
import { describe, expect, it } from 'vitest';
import { handleApi } from '../../shared/api/read-api.js';
import { pluginCatalog } from '../../shared/plugins/help.js';
import { plugins } from '../../shared/plugins/registry.js';
import type { Trace, TraceStore } from '../../shared/storage/ports.js';

const trace: Trace = {
  delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  event: 'issue_comment',
  receivedAt: '2026-01-01T00:00:00.000Z',
  status: 'processed',
  updatedAt: '2026-01-01T00:00:01.000Z',
  attempts: 1,
  plugins: {},
};

/** A trace store that knows one delivery and records every id it is asked for. */
function traces(): Pick<TraceStore, 'get'> & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    get: async (id) => {
      lookups.push(id);
      return id === trace.delivery ? trace : undefined;
    },
  };
}

describe('handleApi', () => {
  it.each([
    { name: 'a lone %', path: '/api/deliveries/%', error: /not valid percent-encoding/ },
    { name: '% and one hex digit', path: '/api/deliveries/abc%4', error: /not valid percent-encoding/ },
    { name: '% and non-hex', path: '/api/deliveries/%zz', error: /not valid percent-encoding/ },
    { name: 'a lone UTF-8 continuation byte', path: '/api/deliveries/%80', error: /not valid percent-encoding/ },
    { name: 'a truncated UTF-8 sequence', path: '/api/deliveries/%E2%82', error: /not valid percent-encoding/ },
    { name: 'an encoded lone surrogate', path: '/api/deliveries/%ED%A0%80', error: /not valid percent-encoding/ },
    { name: 'an id over 128 characters', path: `/api/deliveries/${'a'.repeat(129)}`, error: /129 characters long; at most 128/ },
    { name: 'an id encoded to over 128 characters', path: `/api/deliveries/${'%61'.repeat(129)}`, error: /129 characters long/ },
    { name: 'an encoded /', path: '/api/deliveries/a%2Fb', error: /contains "\/"/ },
    { name: 'a raw / (another path segment)', path: '/api/deliveries/a/b', error: /contains "\/"/ },
    { name: 'a path climbing out', path: '/api/deliveries/..%2F..%2Fetc', error: /contains "\/"/ },
    { name: 'an encoded #', path: '/api/deliveries/claim%23x%23hold', error: /contains "#"/ },
    { name: '..', path: '/api/deliveries/..', error: /contains "\.\."/ },
    { name: '.. inside an id', path: '/api/deliveries/a..b', error: /contains "\.\."/ },
    { name: 'a space', path: '/api/deliveries/bad%20id', error: /contains " "; a delivery id is letters, digits/ },
    { name: 'a NUL byte', path: '/api/deliveries/a%00', error: /contains "\\u0000"/ },
    { name: 'non-ASCII', path: '/api/deliveries/%C3%A9', error: /contains "é"/ },
    // The webhook refuses such an id (shared/hook/queued-event.ts), so no trace can have one.
    { name: 'a single dot', path: '/api/deliveries/phony_1.2', error: /contains "\."; a delivery id is letters, digits, dashes and underscores/ },
    { name: 'no id', path: '/api/deliveries/', error: /delivery id is missing/ },
    { name: 'no id and no slash', path: '/api/deliveries', error: /delivery id is missing/ },
  ])('answers 400 for $name, naming what is wrong, without a lookup', async ({ path, error }) => {
    // Prepare
    const store = traces();
    // Act
    const response = await handleApi('GET', path, { traces: store });
    // Assess
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect((JSON.parse(response.body) as { error: string }).error).toMatch(error);
    expect(store.lookups).toEqual([]);
  });

  it('repeats at most 40 characters of a rejected id', async () => {
    const response = await handleApi('GET', `/api/deliveries/${'x'.repeat(100)}%20`, { traces: traces() });
    const { error } = JSON.parse(response.body) as { error: string };
    expect(response.status).toBe(400);
    expect(error).toContain(`"${'x'.repeat(40)}…"`);
    expect(error).not.toContain('x'.repeat(41));
  });

  it.each([
    { name: 'a GitHub delivery GUID', path: `/api/deliveries/${trace.delivery}`, status: 200, lookup: trace.delivery },
    { name: 'a GUID percent-encoded', path: `/api/deliveries/${trace.delivery.replace(/-/g, '%2D')}`, status: 200, lookup: trace.delivery },
    { name: 'a trailing slash', path: `/api/deliveries/${trace.delivery}/`, status: 200, lookup: trace.delivery },
    { name: 'exactly 128 characters', path: `/api/deliveries/${'a'.repeat(128)}`, status: 404, lookup: 'a'.repeat(128) },
    { name: 'a phony-style id with dashes and underscores', path: '/api/deliveries/phony_1-2', status: 404, lookup: 'phony_1-2' },
  ])('looks up $name', async ({ path, status, lookup }) => {
    const store = traces();
    const response = await handleApi('GET', path, { traces: store });
    expect(response.status).toBe(status);
    expect(store.lookups).toEqual([lookup]);
  });

  it.each([
    { method: 'POST', path: `/api/deliveries/${trace.delivery}`, status: 405 },
    { method: 'GET', path: '/api/other', status: 404 },
    { method: 'GET', path: '/api/deliveriesx/abc', status: 404 },
  ])('answers $status to $method $path', async ({ method, path, status }) => {
    const store = traces();
    expect((await handleApi(method, path, { traces: store })).status).toBe(status);
    expect(store.lookups).toEqual([]);
  });
});

describe('GET /api/plugin-help (Prow /plugin-help)', () => {
  // What the plugins function publishes: the registry's catalog and the config's plugins map.
  const document = {
    updatedAt: '2026-01-01T00:00:00.000Z',
    source: 'acme/prow-config:plugins.yaml',
    repos: {
      acme: { plugins: ['hold', 'lgtm', 'cat'], excluded_repos: ['legacy'] },
      'acme/widgets': { plugins: ['size', 'hold', 'our-own-bot'], excluded_repos: [] },
      'acme/legacy': { plugins: ['size'], excluded_repos: [] },
    },
    catalog: pluginCatalog(plugins),
  };
  const store = { getPluginHelp: async () => document };
  const get = async (url: string, help: Parameters<typeof handleApi>[2]['pluginHelp'] = store) => {
    const response = await handleApi('GET', url, { traces: traces(), pluginHelp: help });
    return { status: response.status, body: JSON.parse(response.body) as Record<string, any> };
  };

  it.each([
    { name: 'the org list, then the repository own, without repeats', repo: 'acme/widgets', enabled: ['hold', 'lgtm', 'size'], notImplemented: ['cat'], unknown: ['our-own-bot'] },
    { name: 'a repository the org excludes gets only its own', repo: 'acme/legacy', enabled: ['size'], notImplemented: [], unknown: [] },
    { name: 'a repository with nothing enabled', repo: 'other/thing', enabled: [], notImplemented: [], unknown: [] },
  ])('$name', async ({ repo, enabled, notImplemented, unknown }) => {
    // Act
    const { status, body } = await get(`/api/plugin-help?repo=${repo}`);

    // Assess
    expect(status).toBe(200);
    expect(body.plugins.map((p: { name: string }) => p.name)).toEqual(enabled);
    expect(body.notImplemented).toEqual(notImplemented);
    expect(body.unknown).toEqual(unknown);
    expect(body.config).toBe('acme/prow-config:plugins.yaml');
  });

  it('each plugin comes with its commands as declared (usage, examples, who)', async () => {
    const { body } = await get('/api/plugin-help?repo=acme/widgets');
    const hold = body.plugins.find((p: { name: string }) => p.name === 'hold');
    expect(hold.commands[0]).toEqual({ usage: '/hold cancel (also /unhold, /remove-hold)', description: expect.any(String), examples: ['/hold cancel', '/unhold', '/remove-hold'], who: 'Anyone' });
    expect(hold.events).toContain('issue_comment');
  });

  it.each([
    { name: 'no repo', url: '/api/plugin-help' },
    { name: 'no owner', url: '/api/plugin-help?repo=widgets' },
    { name: 'a path', url: '/api/plugin-help?repo=acme/widgets/extra' },
    { name: 'a prototype name is just a name', url: '/api/plugin-help?repo=__proto__' },
  ])('$name: 400 saying how to ask', async ({ url }) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error).toMatch(/give the repository as \?repo=owner\/name/);
  });

  it('names from the query never reach the prototype', async () => {
    const { status, body } = await get('/api/plugin-help?repo=constructor/toString');
    expect(status).toBe(200);
    expect(body.plugins).toEqual([]);
  });

  it('before any config was served: 404 saying when it appears', async () => {
    const { status, body } = await get('/api/plugin-help?repo=acme/widgets', { getPluginHelp: async () => undefined });
    expect(status).toBe(404);
    expect(body.error).toMatch(/publishes it when it first serves an event/);
  });
});

describe('GET /api/budget', () => {
  const usage = [
    {
      credential: 'installation:42',
      buckets: { contentMinute: { limit: 80, windowMs: 60_000, rate: 72, burst: 4, used: 3 } },
      leasedSlots: 5,
      granted: { 'content-write': 3, write: 0, read: 12 },
    },
  ];
  it.each([
    { name: 'each credential’s use', path: '/api/budget', budget: { usage: async () => usage }, credentials: usage },
    { name: 'with a trailing slash', path: '/api/budget/', budget: { usage: async () => usage }, credentials: usage },
    { name: 'no budget to read (none configured): an empty list', path: '/api/budget', budget: undefined, credentials: [] },
  ])('$name', async ({ path, budget, credentials }) => {
    const response = await handleApi('GET', path, { traces: traces(), budget });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ credentials });
  });

  it('is read-only', async () => {
    expect((await handleApi('POST', '/api/budget', { traces: traces(), budget: { usage: async () => usage } })).status).toBe(405);
  });
});
