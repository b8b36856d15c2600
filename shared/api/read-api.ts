// The read-only JSON API (the start of Prow's deck): `GET /api/deliveries/{id}` answers what
// happened to one webhook delivery — queued, processed or failed, and per plugin what it did
// or why it did not; `GET /api/plugin-help?repo=org/repo` which plugins and commands are enabled
// for a repository (Prow's /plugin-help); `GET /api/budget` each GitHub credential's use of the
// shared GitHub budget (github/budget.ts: the units used in each limit's window, leased concurrency,
// grants so far). Served by the api Lambda and by local mode. Who may call it is decided in
// front of this code (IAM authorisation on the API Gateway route; local mode listens on
// 127.0.0.1 only), so this handler only checks the request itself.
import { deliveryIdCharacter, maxDeliveryIdLength } from '../hook/queued-event.js';
import { isProwPlugin } from '../config/prow-plugins.js';
import type { PluginHelpStore, TraceStore } from '../storage/ports.js';
import type { CredentialUsage } from '../github/budget.js';

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

const repoName = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * The plugins enabled for `org/repo`, Prow's way (the org's list unless the repository is in its
 * `excluded_repos`, then the repository's own), each with its help; and the names enabled there
 * that Skiff does not run.
 */
async function pluginHelpFor(query: URLSearchParams, store: Pick<PluginHelpStore, 'getPluginHelp'> | undefined): Promise<ApiResponse> {
  const repo = query.get('repo') ?? '';
  if (!repoName.test(repo)) return json(400, { error: `give the repository as ?repo=owner/name, got ${shown(repo)}` });
  const document = await store?.getPluginHelp();
  if (!document) return json(404, { error: 'no plugin catalog yet: the plugins function publishes it when it first serves an event with a config' });
  const [owner = '', name = ''] = repo.split('/');
  const own = (key: string) => (Object.hasOwn(document.repos, key) ? document.repos[key] : undefined);
  const org = own(owner);
  const enabled = [...new Set([...(org && !org.excluded_repos.includes(name) ? org.plugins : []), ...(own(repo)?.plugins ?? [])])];
  const byName = new Map(document.catalog.map((p) => [p.name, p]));
  return json(200, {
    repo,
    config: document.source,
    updatedAt: document.updatedAt,
    plugins: enabled.flatMap((p) => (byName.has(p) ? [byName.get(p)!] : [])),
    notImplemented: enabled.filter((p) => !byName.has(p) && isProwPlugin(p)),
    unknown: enabled.filter((p) => !byName.has(p) && !isProwPlugin(p)),
  });
}

const endpoints = ['GET /api/deliveries/{delivery id}', 'GET /api/plugin-help?repo={owner}/{name}', 'GET /api/budget'];

/** `url` is the path with its query string, if any (`/api/plugin-help?repo=acme/widgets`). */
export async function handleApi(
  method: string,
  url: string,
  deps: { traces: Pick<TraceStore, 'get'>; pluginHelp?: Pick<PluginHelpStore, 'getPluginHelp'>; budget?: { usage(): Promise<CredentialUsage[]> } },
): Promise<ApiResponse> {
  if (method.toUpperCase() !== 'GET') return json(405, { error: `${method} is not allowed; this API is read-only` });
  const parsed = new URL(url, 'http://skiff.invalid');
  const path = url.split('?')[0]!;
  if (parsed.pathname === '/api/plugin-help') return pluginHelpFor(parsed.searchParams, deps.pluginHelp);
  if (parsed.pathname === '/api/budget' || parsed.pathname === '/api/budget/') {
    // Credential keys are installation ids or token hashes: nothing secret to leave out.
    return json(200, { credentials: deps.budget ? await deps.budget.usage() : [] });
  }
  const match = deliveriesPath.exec(path);
  if (!match) return json(404, { error: `no such endpoint: ${path}`, endpoints });
  const id = parseDeliveryId(match[1] ?? '');
  if ('error' in id) return json(400, { error: id.error });
  const trace = await deps.traces.get(id.id);
  if (!trace) return json(404, { error: `no delivery ${id.id}: not received, not queued (an event no plugin handles), or older than 7 days` });
  return json(200, trace);
}
