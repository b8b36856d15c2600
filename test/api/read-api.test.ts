// shared/api/read-api.ts: the trace endpoint answers malformed or hostile paths with a 400 that
// says what is wrong, before any lookup, and never throws (a throw is a 500 from Lambda).
import { describe, expect, it } from 'vitest';
import { handleApi } from '../../shared/api/read-api.js';
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
