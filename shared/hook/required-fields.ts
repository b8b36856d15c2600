// The fields of each queued event that the dispatcher and the plugins read. A signed event that
// lacks one is refused at the edge with a 400 naming what is missing, instead of being queued and
// failing in every worker that picks it up. Paths are dotted; kinds are checked loosely (GitHub
// sends `null` for many optional fields, so only what is always present is listed).

type Kind = 'object' | 'string' | 'integer';

const inRepository: Record<string, Kind> = {
  repository: 'object',
  'repository.full_name': 'string',
  'repository.name': 'string',
  'repository.owner': 'object',
  'repository.owner.login': 'string',
};

// A Map, not an object literal: the event name comes from a request header, and
// `X-GitHub-Event: constructor` must find nothing rather than Object.prototype.constructor.
const required = new Map<string, Record<string, Kind>>([
  ['issue_comment', { ...inRepository, action: 'string', issue: 'object', 'issue.number': 'integer', comment: 'object' }],
  ['issues', { ...inRepository, action: 'string', issue: 'object', 'issue.number': 'integer' }],
  ['pull_request', { ...inRepository, action: 'string', number: 'integer', pull_request: 'object', 'pull_request.number': 'integer' }],
  ['pull_request_review', { ...inRepository, action: 'string', pull_request: 'object', 'pull_request.number': 'integer', review: 'object' }],
  ['pull_request_review_comment', { ...inRepository, action: 'string', pull_request: 'object', 'pull_request.number': 'integer', comment: 'object' }],
  ['push', { ...inRepository, ref: 'string' }],
  ['status', { ...inRepository, sha: 'string', state: 'string', context: 'string' }],
  ['check_run', { ...inRepository, action: 'string', check_run: 'object', 'check_run.head_sha': 'string' }],
  ['check_suite', { ...inRepository, action: 'string', check_suite: 'object', 'check_suite.head_sha': 'string' }],
  ['workflow_run', { ...inRepository, action: 'string', workflow_run: 'object', 'workflow_run.head_sha': 'string' }],
]);

/** Events whose fields are checked (whether or not a plugin handles them yet). */
export const checkedEvents: readonly string[] = [...required.keys()];

const hasKind = (value: unknown, kind: Kind): boolean =>
  kind === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value) : kind === 'integer' ? Number.isSafeInteger(value) : typeof value === 'string';

function at(payload: Record<string, unknown>, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The required fields of `event` that `payload` lacks (or has with the wrong type), in order. */
export function missingFields(event: string, payload: Record<string, unknown>): string[] {
  const fields = required.get(event);
  if (!fields) return [];
  return Object.entries(fields)
    .filter(([path, kind]) => !hasKind(at(payload, path), kind))
    .map(([path, kind]) => `${path} (${kind})`);
}
