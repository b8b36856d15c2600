// The read-only JSON API (the start of Prow's deck): `GET /api/deliveries/{id}` answers what
// happened to one webhook delivery — queued, processed or failed, and per plugin what it did
// or why it did not. Served by the api Lambda and by local mode.
import type { TraceStore } from '../storage/ports.js';

export interface ApiResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const json = (status: number, value: unknown): ApiResponse => ({
  status,
  body: `${JSON.stringify(value, null, 2)}\n`,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
});

// X-GitHub-Delivery is a GUID; phony and tests may use other short ids.
const deliveryId = /^[A-Za-z0-9._-]{1,128}$/;

export async function handleApi(method: string, path: string, deps: { traces: Pick<TraceStore, 'get'> }): Promise<ApiResponse> {
  if (method.toUpperCase() !== 'GET') return json(405, { error: `${method} is not allowed; this API is read-only` });
  const match = /^\/api\/deliveries\/([^/]+)\/?$/.exec(path);
  if (!match) return json(404, { error: `no such endpoint: ${path}`, endpoints: ['GET /api/deliveries/{delivery id}'] });
  const id = decodeURIComponent(match[1]!);
  if (!deliveryId.test(id)) return json(400, { error: 'a delivery id is letters, digits, dots, dashes and underscores (at most 128)' });
  const trace = await deps.traces.get(id);
  if (!trace) return json(404, { error: `no delivery ${id}: not received, not queued (an event no plugin handles), or older than 7 days` });
  return json(200, trace);
}
