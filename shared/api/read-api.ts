// The read-only JSON API (the start of Prow's deck): `GET /api/deliveries/{id}` answers what
// happened to one webhook delivery — queued, processed or failed, and per plugin what it did
// or why it did not. Served by the api Lambda and by local mode. Who may call it is decided in
// front of this code (IAM authorisation on the API Gateway route; local mode listens on
// 127.0.0.1 only), so this handler only checks the request itself.
import { deliveryIdCharacter, maxDeliveryIdLength } from '../hook/queued-event.js';
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

// The ids the webhook accepts (shared/hook/queued-event.ts) are the only ones a trace can have,
// so anything else is refused before a lookup (and never echoed whole).
const maxIdLength = maxDeliveryIdLength;
const allowedCharacter = deliveryIdCharacter;
const deliveriesPath = /^\/api\/deliveries(?:\/(.*?))?\/?$/;

/** How much of a rejected id an error message repeats: enough to recognise it, never a whole path. */
const shown = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** The decoded delivery id, or why the path segment is not one. */
export function parseDeliveryId(segment: string): { id: string } | { error: string } {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    return { error: `the delivery id ${shown(segment)} is not valid percent-encoding (a "%" must be followed by two hex digits of UTF-8)` };
  }
  if (id === '') return { error: 'the delivery id is missing: GET /api/deliveries/{X-GitHub-Delivery}' };
  if (id.length > maxIdLength) return { error: `the delivery id is ${id.length} characters long; at most ${maxIdLength} are allowed` };
  if (id.includes('/')) return { error: `the delivery id ${shown(id)} contains "/", which no delivery id has` };
  if (id.includes('#')) return { error: `the delivery id ${shown(id)} contains "#", which no delivery id has` };
  if (id.includes('..')) return { error: `the delivery id ${shown(id)} contains "..", which no delivery id has` };
  const bad = [...id].find((c) => !allowedCharacter.test(c));
  if (bad !== undefined) {
    return { error: `the delivery id ${shown(id)} contains ${JSON.stringify(bad)}; a delivery id is letters, digits, dashes and underscores` };
  }
  return { id };
}

export async function handleApi(method: string, path: string, deps: { traces: Pick<TraceStore, 'get'> }): Promise<ApiResponse> {
  if (method.toUpperCase() !== 'GET') return json(405, { error: `${method} is not allowed; this API is read-only` });
  const match = deliveriesPath.exec(path);
  if (!match) return json(404, { error: `no such endpoint: ${path}`, endpoints: ['GET /api/deliveries/{delivery id}'] });
  const parsed = parseDeliveryId(match[1] ?? '');
  if ('error' in parsed) return json(400, { error: parsed.error });
  const trace = await deps.traces.get(parsed.id);
  if (!trace) return json(404, { error: `no delivery ${parsed.id}: not received, not queued (an event no plugin handles), or older than 7 days` });
  return json(200, trace);
}
