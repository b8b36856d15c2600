// The webhook edge against real payloads (@octokit/webhooks-examples) signed as GitHub signs them.
// The first table walks Prow's checks in order (kubernetes-sigs/prow pkg/github/hmac.go
// ValidateWebhook, then hook's handler): each row breaks one thing, and "first failure wins" rows
// break two to pin the order. The tests after it look inside what was queued.
import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { handledEvents } from '../../shared/hook/events.js';
import { parseHmacSecrets, verifySignature } from '../../shared/hook/hmac.js';
import { decodeQueuedEvent, encodeQueuedEvent } from '../../shared/hook/queued-event.js';
import { receive, type HookRequest, type ReceiveDeps } from '../../shared/hook/receive.js';
import { createLogger } from '../../shared/log.js';
import { plugins } from '../../shared/plugins/registry.js';
import { MemoryPayloads, MemoryQueue, MemoryTraces } from '../fakes/memory-queue.js';

const delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
const receivedAt = '2024-05-01T12:00:00.000Z';
const globalSecret = 'global-secret';

// Prow's hierarchical HMAC file: a repo with two tokens (a rotation in progress), its org, a second
// org for org-level events, and the global fallback.
const hmacFile = `
'*':
  - value: global-secret
Codertocat:
  - value: org-secret
Codertocat/Hello-World:
  - value: repo-secret
    created_at: 2024-01-01T00:00:00Z
  - value: repo-secret-next
    created_at: 2024-06-01T00:00:00Z
Octocoders:
  - value: octocoders-secret
`;

const ok = 'Event received. Have a nice day.';
const notQueued = (event: string) => `${ok} No plugin handles "${event}" events, so it was not queued.`;
const reconfigure = '400 Bad Request: Hook only accepts content-type: application/json - please reconfigure this hook on GitHub';
const invalidPayload = '400 Bad Request: Invalid payload: the body is not a JSON object';
const disagree = (reason: string) => `403 Forbidden: the event's repository fields disagree: ${reason}`;
const invalidSignature = '403 Forbidden: Invalid X-Hub-Signature-256';

const hmacHex = (algorithm: 'sha1' | 'sha256', secret: string, bytes: Buffer) => createHmac(algorithm, secret).update(bytes).digest('hex');

/** A real issue_comment on Codertocat/Hello-World#1, moved to another repo when asked. */
function comment(fullName?: string): Record<string, any> {
  const payload = samplePayload('issue_comment', 'created');
  if (fullName) {
    const [owner = '', name = ''] = fullName.split('/');
    payload.repository.full_name = fullName;
    payload.repository.name = name;
    payload.repository.owner.login = owner;
  }
  return payload;
}

// Two tenants of one Skiff: a repository the attacker controls, and a victim's.
const tenants = `
'*':
  - value: global-secret
evilorg/x:
  - value: evil-secret
acme/widgets:
  - value: acme-secret
`;

/** A real comment whose body holds the bytes 0xFF 0xFE, which are not UTF-8. */
function notUtf8Body(): Buffer {
  const json = JSON.stringify(comment());
  const at = json.lastIndexOf('"body":"') + '"body":"'.length;
  return Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from([0xff, 0xfe]), Buffer.from(json.slice(at))]);
}

/** A comment whose top-level "repository" key appears twice, naming two repositories. */
function duplicateRepositoryBody(first: string, last: string): string {
  const json = JSON.stringify(comment(last));
  const decoy = JSON.stringify({ full_name: first, name: first.split('/')[1], owner: { login: first.split('/')[0] } });
  return `{"repository":${decoy},${json.slice(1)}`;
}

interface Delivery {
  method?: string;
  /** X-GitHub-Event; `issue_comment` unless given. */
  event?: string;
  /** Sent as JSON.stringify(payload); a created issue_comment unless given. */
  payload?: Record<string, unknown>;
  /** The exact body instead: a string is signed with `sign`, a Buffer over its bytes. */
  raw?: string | Buffer;
  /** The secret GitHub signs with. */
  signWith?: string;
  /** The X-Hub-Signature-256 value instead of the computed one. */
  signature?: string;
  contentType?: string;
  /** Default headers to leave out. */
  without?: string[];
  /** Headers to add. */
  headers?: Record<string, string>;
}

async function request(d: Delivery = {}): Promise<HookRequest> {
  const raw = d.raw ?? JSON.stringify(d.payload ?? comment());
  const body = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const secret = d.signWith ?? globalSecret;
  const signature =
    d.signature ?? (typeof raw === 'string' ? await sign(secret, raw) : `sha256=${hmacHex('sha256', secret, raw)}`);
  const headers: Record<string, string> = {
    'X-GitHub-Event': d.event ?? 'issue_comment',
    'X-GitHub-Delivery': delivery,
    'X-Hub-Signature-256': signature,
    'Content-Type': d.contentType ?? 'application/json',
    'User-Agent': 'GitHub-Hookshot/044aadd',
  };
  for (const name of d.without ?? []) delete headers[name];
  return { method: d.method ?? 'POST', headers: { ...headers, ...d.headers }, body };
}

interface Setup {
  /** Hierarchical HMAC file or plain secret; the plain global secret unless given. */
  secrets?: string;
  secretsFail?: boolean;
  maxMessageBytes?: number;
  maxBodyBytes?: number;
  /** Queue every event (`*`), as the queueEvents setting can. */
  queueAll?: boolean;
}

function setup(s: Setup = {}) {
  const queue = new MemoryQueue();
  const payloads = new MemoryPayloads();
  const traces = new MemoryTraces();
  const deps: ReceiveDeps = {
    secrets: async () => {
      if (s.secretsFail) throw new Error('AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue');
      return parseHmacSecrets(s.secrets ?? globalSecret);
    },
    queue,
    payloads,
    traces,
    handledEvents: s.queueAll ? new Set(['*']) : handledEvents(plugins),
    log: createLogger({ logLevel: 'SILENT' }),
    maxMessageBytes: s.maxMessageBytes,
    maxBodyBytes: s.maxBodyBytes,
    now: () => new Date(receivedAt),
  };
  return { deps, queue, payloads, traces };
}

interface Case extends Delivery {
  name: string;
  setup?: Setup;
  status: number;
  body: string | RegExp;
  /** Messages queued; none unless given. */
  queued?: number;
}

const allHeaders = ['X-GitHub-Event', 'X-GitHub-Delivery', 'X-Hub-Signature-256', 'Content-Type', 'User-Agent'];

const cases: Case[] = [
  // 405: the method, before anything else.
  { name: 'GET is not allowed', method: 'GET', status: 405, body: '405 Method not allowed' },
  { name: 'GET with no headers at all: the method is reported first', method: 'GET', without: allHeaders, status: 405, body: '405 Method not allowed' },
  { name: 'PUT of a valid delivery is not allowed', method: 'PUT', status: 405, body: '405 Method not allowed' },

  // 400: the event name.
  { name: 'no X-GitHub-Event', without: ['X-GitHub-Event'], status: 400, body: '400 Bad Request: Missing X-GitHub-Event Header' },
  { name: 'an empty X-GitHub-Event', headers: { 'X-GitHub-Event': '' }, status: 400, body: '400 Bad Request: Missing X-GitHub-Event Header' },
  {
    name: 'no event and no delivery: the event is reported first',
    without: ['X-GitHub-Event', 'X-GitHub-Delivery'],
    status: 400,
    body: '400 Bad Request: Missing X-GitHub-Event Header',
  },

  // 400: the delivery id.
  { name: 'no X-GitHub-Delivery', without: ['X-GitHub-Delivery'], status: 400, body: '400 Bad Request: Missing X-GitHub-Delivery Header' },
  {
    name: 'no delivery and no signature: the delivery is reported first',
    without: ['X-GitHub-Delivery', 'X-Hub-Signature-256'],
    status: 400,
    body: '400 Bad Request: Missing X-GitHub-Delivery Header',
  },

  // 403: the signature header.
  { name: 'no X-Hub-Signature-256', without: ['X-Hub-Signature-256'], status: 403, body: '403 Forbidden: Missing X-Hub-Signature-256' },
  {
    name: "only the legacy SHA-1 X-Hub-Signature, which is not checked",
    without: ['X-Hub-Signature-256'],
    headers: { 'X-Hub-Signature': `sha1=${hmacHex('sha1', globalSecret, Buffer.from(JSON.stringify(comment())))}` },
    status: 403,
    body: '403 Forbidden: Missing X-Hub-Signature-256',
  },
  {
    name: 'no signature and a form content type: the signature is reported first',
    without: ['X-Hub-Signature-256'],
    contentType: 'application/x-www-form-urlencoded',
    status: 403,
    body: '403 Forbidden: Missing X-Hub-Signature-256',
  },

  // 400: the content type.
  { name: 'no Content-Type', without: ['Content-Type'], status: 400, body: reconfigure },
  { name: 'a form-encoded hook is told to reconfigure', contentType: 'application/x-www-form-urlencoded', status: 400, body: reconfigure },
  { name: 'text/plain', contentType: 'text/plain', status: 400, body: reconfigure },
  {
    name: 'a form content type and a body that is not JSON: the content type is reported first',
    contentType: 'application/x-www-form-urlencoded',
    raw: 'payload=%7B%7D',
    status: 400,
    body: reconfigure,
  },
  { name: 'application/json with a charset is accepted', contentType: 'application/json; charset=utf-8', status: 200, body: ok, queued: 1 },
  { name: 'a media type in capitals is accepted', contentType: 'Application/JSON', status: 200, body: ok, queued: 1 },

  // 413: the size.
  { name: 'a body over maxBodyBytes', setup: { maxBodyBytes: 1024 }, status: 413, body: /^413 Payload Too Large: \d+ bytes, the limit is 1024$/ },
  {
    name: 'an oversized body that is not JSON: the size is reported first',
    setup: { maxBodyBytes: 1024 },
    raw: 'x'.repeat(1025),
    status: 413,
    body: '413 Payload Too Large: 1025 bytes, the limit is 1024',
  },

  // 400: a correctly signed body must be a JSON object. The signature is checked first, over the
  // bytes, so nothing of an unauthenticated body is parsed.
  { name: 'an empty body', raw: '', signature: `sha256=${hmacHex('sha256', globalSecret, Buffer.alloc(0))}`, status: 400, body: invalidPayload },
  { name: 'a JSON array', raw: '[]', status: 400, body: invalidPayload },
  { name: 'a JSON string', raw: '"hello"', status: 400, body: invalidPayload },
  { name: 'JSON null', raw: 'null', status: 400, body: invalidPayload },
  { name: 'truncated JSON', raw: JSON.stringify(comment()).slice(0, -1), status: 400, body: invalidPayload },
  { name: 'not JSON with a bad signature: the signature is reported first', raw: 'Hello, World!', signWith: 'wrong', status: 403, body: invalidSignature },
  {
    name: 'bytes that are not UTF-8 (0xFF 0xFE in a string), correctly signed over those bytes, are accepted',
    raw: notUtf8Body(),
    status: 200,
    body: ok,
    queued: 1,
  },

  // 400: X-GitHub-Delivery must be one id that is safe inside keys and paths.
  ...[
    ['two ids joined by a proxy', `${delivery}, ${delivery}`],
    ['an id over 128 characters', 'a'.repeat(129)],
    ['a slash', 'abc/def'],
    ['a path traversal', '../../../../tmp/x'],
    ['a hash', 'abc#1'],
    ['dots', 'abc..def'],
    ['a space', 'abc def'],
  ].map(([what, id]) => ({
    name: `an X-GitHub-Delivery with ${what}`,
    headers: { 'X-GitHub-Delivery': id! },
    status: 400,
    body: '400 Bad Request: X-GitHub-Delivery must be one delivery id (letters, digits, "-" and "_", at most 128)',
  })),
  { name: 'an X-GitHub-Delivery of exactly 128 characters is accepted', headers: { 'X-GitHub-Delivery': 'a'.repeat(128) }, status: 200, body: ok, queued: 1 },

  // 500: the secrets.
  { name: 'the secrets cannot be loaded', setup: { secretsFail: true }, status: 500, body: '500 Internal Server Error: the webhook secret is unavailable' },
  {
    name: 'the secrets cannot be loaded and the signature is bad: the secrets are reported first',
    setup: { secretsFail: true },
    signWith: 'wrong',
    status: 500,
    body: '500 Internal Server Error: the webhook secret is unavailable',
  },

  // 403: the signature.
  { name: 'valid JSON signed with the wrong secret', signWith: 'wrong-secret', status: 403, body: invalidSignature },
  {
    name: 'the signature of a different body',
    signature: await sign(globalSecret, JSON.stringify(samplePayload('issue_comment', 'edited'))),
    status: 403,
    body: invalidSignature,
  },
  {
    name: 'a sha1= signature in the SHA-256 header',
    signature: `sha1=${hmacHex('sha1', globalSecret, Buffer.from(JSON.stringify(comment())))}`,
    status: 403,
    body: invalidSignature,
  },
  { name: 'a malformed sha256=zz', signature: 'sha256=zz', status: 403, body: invalidSignature },
  {
    name: 'the right digest without the sha256= prefix',
    signature: hmacHex('sha256', globalSecret, Buffer.from(JSON.stringify(comment()))),
    status: 403,
    body: invalidSignature,
  },
  {
    name: 'an unhandled event with a bad signature is still refused',
    event: 'star',
    payload: samplePayload('star', 'created'),
    signWith: 'wrong',
    status: 403,
    body: invalidSignature,
  },
  { name: 'a ping with a bad signature is refused', event: 'ping', payload: samplePayload('ping'), signWith: 'wrong', status: 403, body: invalidSignature },
  // Unsigned junk must be refused, not crash the handler (Prow fails to unmarshal it: 403).
  {
    name: 'a repository.full_name that is not a string',
    payload: { action: 'created', repository: { full_name: 42 } },
    signWith: 'wrong',
    status: 403,
    body: invalidSignature,
  },

  // Prow's hierarchical HMAC: the most specific level present, and only that one.
  { name: 'repo level: the repo secret', setup: { secrets: hmacFile }, signWith: 'repo-secret', status: 200, body: ok, queued: 1 },
  { name: 'repo level: the next repo secret (rotation)', setup: { secrets: hmacFile }, signWith: 'repo-secret-next', status: 200, body: ok, queued: 1 },
  { name: 'repo level: the org secret is refused', setup: { secrets: hmacFile }, signWith: 'org-secret', status: 403, body: invalidSignature },
  { name: 'repo level: the global secret is refused', setup: { secrets: hmacFile }, signWith: globalSecret, status: 403, body: invalidSignature },
  {
    name: 'another repo of the org: the org secret',
    setup: { secrets: hmacFile },
    payload: comment('Codertocat/Other'),
    signWith: 'org-secret',
    status: 200,
    body: ok,
    queued: 1,
  },
  {
    name: "another repo of the org: the other repo's secret is refused",
    setup: { secrets: hmacFile },
    payload: comment('Codertocat/Other'),
    signWith: 'repo-secret',
    status: 403,
    body: invalidSignature,
  },
  {
    name: 'another repo of the org: the global secret is refused',
    setup: { secrets: hmacFile },
    payload: comment('Codertocat/Other'),
    signWith: globalSecret,
    status: 403,
    body: invalidSignature,
  },
  {
    name: 'another org: the global secret',
    setup: { secrets: hmacFile },
    payload: comment('octo-org/octo-repo'),
    signWith: globalSecret,
    status: 200,
    body: ok,
    queued: 1,
  },
  {
    name: "another org: Codertocat's secret is refused",
    setup: { secrets: hmacFile },
    payload: comment('octo-org/octo-repo'),
    signWith: 'org-secret',
    status: 403,
    body: invalidSignature,
  },
  // An organization event has no repository: it is resolved at the level of organization.login.
  {
    name: 'org-level event: the org secret',
    setup: { secrets: hmacFile },
    event: 'organization',
    payload: samplePayload('organization', 'member_added'),
    signWith: 'octocoders-secret',
    status: 200,
    body: notQueued('organization'),
  },
  {
    name: 'org-level event: the global secret is refused',
    setup: { secrets: hmacFile },
    event: 'organization',
    payload: samplePayload('organization', 'member_added'),
    signWith: globalSecret,
    status: 403,
    body: invalidSignature,
  },
  // GitHub allows an org called "constructor"; with no level of its own, '*' applies.
  {
    name: 'an org named like an Object.prototype member: the global secret',
    setup: { secrets: hmacFile },
    payload: comment('constructor/app'),
    signWith: globalSecret,
    status: 200,
    body: ok,
    queued: 1,
  },

  // One identity per event: the fields that chose the secret are the ones acted on; an event whose
  // repository fields disagree is refused, whatever it was signed with.
  {
    name: "tenant bypass: signed with evilorg/x's secret but naming acme/widgets as owner and name",
    setup: { secrets: tenants },
    payload: { ...comment('evilorg/x'), repository: { ...comment('evilorg/x').repository, name: 'widgets', owner: { login: 'acme' } } },
    signWith: 'evil-secret',
    status: 403,
    body: disagree('repository.full_name "evilorg/x" does not match repository.owner.login "acme" and repository.name "widgets"'),
  },
  {
    name: 'tenant bypass: the same with one secret for everything',
    payload: { ...comment('evilorg/x'), repository: { ...comment('evilorg/x').repository, name: 'widgets', owner: { login: 'acme' } } },
    status: 403,
    body: disagree('repository.full_name "evilorg/x" does not match repository.owner.login "acme" and repository.name "widgets"'),
  },
  {
    name: 'an organization.login that is not the repository owner',
    setup: { secrets: tenants },
    payload: { ...comment('evilorg/x'), organization: { login: 'acme' } },
    signWith: 'evil-secret',
    status: 403,
    body: disagree('repository.full_name "evilorg/x" is not in organization.login "acme"'),
  },
  {
    name: 'the matching organization.login, in another case, is fine',
    setup: { secrets: tenants },
    payload: { ...comment('evilorg/x'), organization: { login: 'EvilOrg' } },
    signWith: 'evil-secret',
    status: 200,
    body: ok,
    queued: 1,
  },
  {
    name: 'a duplicate "repository" key: the scan and JSON.parse both take the last one',
    setup: { secrets: tenants },
    raw: duplicateRepositoryBody('evilorg/x', 'acme/widgets'),
    signWith: 'acme-secret',
    status: 200,
    body: ok,
    queued: 1,
  },
  {
    name: "a duplicate \"repository\" key signed with the first one's secret is refused",
    setup: { secrets: tenants },
    raw: duplicateRepositoryBody('acme/widgets', 'evilorg/x'),
    signWith: 'acme-secret',
    status: 403,
    body: invalidSignature,
  },
  {
    name: 'an escaped key name hides "repository" from a naive scan: decoded, so it chooses the right secret',
    setup: { secrets: tenants },
    raw: JSON.stringify(comment('acme/widgets')).replace('"repository":', '"repos\\u0069tory":'),
    signWith: 'evil-secret',
    status: 403,
    body: invalidSignature,
  },

  // 400: a handled event must carry what the workers read.
  {
    name: 'a signed issue_comment without issue or comment',
    payload: (({ issue: _issue, comment: _comment, ...rest }) => rest)(comment()),
    status: 400,
    body: '400 Bad Request: the issue_comment event lacks issue (object), issue.number (integer), comment (object)',
  },
  {
    name: 'a signed pull_request whose number is a string',
    event: 'pull_request',
    payload: { ...samplePayload('pull_request', 'opened'), number: '2' },
    status: 400,
    body: '400 Bad Request: the pull_request event lacks number (integer)',
  },
  {
    name: 'an unhandled event lacking everything is acknowledged, not queued',
    event: 'constructor',
    payload: {},
    status: 200,
    body: notQueued('constructor'),
  },

  // Events queued for external plugins: `*` (the queueEvents setting) queues every event.
  { name: 'with * queued, a ping is queued too', setup: { queueAll: true }, event: 'ping', payload: samplePayload('ping'), status: 200, body: ok, queued: 1 },
  { name: 'with * queued, a release is queued', setup: { queueAll: true }, event: 'release', payload: samplePayload('release', 'published'), status: 200, body: ok, queued: 1 },

  // 200: acknowledged; queued only when a plugin (or the config reloader) wants the event.
  { name: 'ping is acknowledged, not queued', event: 'ping', payload: samplePayload('ping'), status: 200, body: notQueued('ping') },
  { name: 'star is acknowledged, not queued', event: 'star', payload: samplePayload('star', 'created'), status: 200, body: notQueued('star') },
  { name: 'an issue comment is queued', status: 200, body: ok, queued: 1 },
  { name: 'push is queued (it may reload the config)', event: 'push', payload: samplePayload('push'), status: 200, body: ok, queued: 1 },
  {
    name: 'header names in any case',
    without: allHeaders,
    headers: {
      'X-GITHUB-EVENT': 'issue_comment',
      'x-github-delivery': delivery,
      'X-HUB-SIGNATURE-256': await sign(globalSecret, JSON.stringify(comment())),
      'content-TYPE': 'application/json',
    },
    status: 200,
    body: ok,
    queued: 1,
  },
  {
    name: 'non-ASCII text, signed over its UTF-8 bytes',
    raw: Buffer.from(JSON.stringify({ ...comment(), comment: { ...comment().comment, body: 'héllo ✓ 👋' } }), 'utf8'),
    status: 200,
    body: ok,
    queued: 1,
  },
  {
    // API Gateway hands over base64 when it flags the body binary; the caller decodes it first.
    name: 'a body that came base64-encoded, decoded by the caller',
    raw: Buffer.from(Buffer.from(JSON.stringify(comment('Codertocat/Hello-World')), 'utf8').toString('base64'), 'base64'),
    status: 200,
    body: ok,
    queued: 1,
  },
];

describe('receive', () => {
  it.each(cases)('$name', async (c) => {
    // Prepare
    const { deps, queue } = setup(c.setup);
    const req = await request(c);

    // Act
    const res = await receive(req, deps);

    // Assess
    expect(res.status).toBe(c.status);
    if (typeof c.body === 'string') expect(res.body).toBe(c.body);
    else expect(res.body).toMatch(c.body);
    expect(queue.messages).toHaveLength(c.queued ?? 0);
  });
});

describe('receive: what is queued', () => {
  const queuedCases = [
    {
      name: 'an issue comment, grouped by its issue',
      event: 'issue_comment',
      payload: samplePayload('issue_comment', 'created'),
      groupId: 'Codertocat/Hello-World#1',
      action: 'created',
      number: 1,
    },
    {
      name: 'a pull request, grouped by itself',
      event: 'pull_request',
      payload: samplePayload('pull_request', 'opened'),
      groupId: 'Codertocat/Hello-World#2',
      action: 'opened',
      number: 2,
    },
    {
      name: 'a review, grouped by its pull request',
      event: 'pull_request_review',
      payload: samplePayload('pull_request_review', 'submitted'),
      groupId: 'Codertocat/Hello-World#2',
      action: 'submitted',
      number: 2,
    },
    {
      name: 'a push, grouped by its repo',
      event: 'push',
      payload: samplePayload('push'),
      groupId: 'Codertocat/Hello-World',
      action: undefined,
      number: undefined,
    },
  ];

  it.each(queuedCases)('$name', async ({ event, payload, groupId, action, number }) => {
    // Prepare
    const { deps, queue, payloads, traces } = setup();
    const raw = JSON.stringify(payload);

    // Act
    const res = await receive(await request({ event, raw }), deps);

    // Assess
    expect(res).toEqual({ status: 200, body: ok });
    expect(queue.messages).toHaveLength(1);
    const [message] = queue.messages;
    expect(message?.deduplicationId).toBe(delivery);
    expect(message?.groupId).toBe(groupId);
    // GitHub's headers go along for external plugins (not the User-Agent: forwards have their own).
    const headers = { 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(globalSecret, raw), 'content-type': 'application/json' };
    expect(decodeQueuedEvent(message?.body ?? '')).toEqual({ delivery, event, target: 'Codertocat/Hello-World', receivedAt, headers, payload });
    // The payload travels as sent, not re-serialised.
    expect(message?.body).toContain(`"payload":${raw}}`);
    expect(payloads.objects.size).toBe(0);
    expect(traces.queuedCalls).toEqual([{ delivery, event, action, repo: 'Codertocat/Hello-World', number, receivedAt }]);
  });

  it('queues non-ASCII text as sent', async () => {
    // Prepare
    const payload = comment();
    payload.comment.body = '/hold héllo ✓ 👋';
    const raw = Buffer.from(JSON.stringify(payload), 'utf8');
    const { deps, queue } = setup();

    // Act
    const res = await receive(await request({ raw }), deps);

    // Assess
    expect(res.status).toBe(200);
    expect(decodeQueuedEvent(queue.messages[0]?.body ?? '').payload).toMatchObject({ comment: { body: '/hold héllo ✓ 👋' } });
  });
});

describe('receive: payloads too large for a queue message', () => {
  const limit = 16 * 1024;
  // A signature is always 71 characters, so the message's size does not depend on its value.
  const headers = { 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'content-type': 'application/json' };
  const head = { delivery, event: 'issue_comment', target: 'Codertocat/Hello-World', receivedAt, headers };
  const messageBytes = (raw: string) => Buffer.byteLength(encodeQueuedEvent(head, raw));
  const key = `payloads/2024-05-01/${delivery}.json`;

  /** A real issue comment whose body is padded with `pad` until the inline message is `bytes` long. */
  function padded(bytes: number, pad = 'x'): string {
    const payload = comment();
    const base = messageBytes(JSON.stringify(payload));
    payload.comment.body += pad.repeat((bytes - base) / Buffer.byteLength(pad));
    return JSON.stringify(payload);
  }

  it('one byte over maxMessageBytes: the payload goes to the store and the message points at it', async () => {
    // Prepare
    const raw = padded(limit + 1);
    expect(messageBytes(raw)).toBe(limit + 1);
    const { deps, queue, payloads, traces } = setup({ maxMessageBytes: limit });

    // Act
    const res = await receive(await request({ raw }), deps);

    // Assess
    expect(res).toEqual({ status: 200, body: ok });
    expect(payloads.objects.get(key)).toBe(raw);
    expect(queue.messages).toHaveLength(1);
    const [message] = queue.messages;
    expect(decodeQueuedEvent(message?.body ?? '')).toEqual({ ...head, headers: { ...headers, 'x-hub-signature-256': await sign(globalSecret, raw) }, payloadRef: { bucket: payloads.bucket, key } });
    expect(Buffer.byteLength(message?.body ?? '')).toBeLessThan(512);
    expect(message?.groupId).toBe('Codertocat/Hello-World#1');
    expect(message?.deduplicationId).toBe(delivery);
    expect(traces.queuedCalls).toHaveLength(1);
  });

  it('exactly maxMessageBytes: the payload stays in the message', async () => {
    // Prepare
    const raw = padded(limit);
    expect(messageBytes(raw)).toBe(limit);
    const { deps, queue, payloads } = setup({ maxMessageBytes: limit });

    // Act
    const res = await receive(await request({ raw }), deps);

    // Assess
    expect(res.status).toBe(200);
    expect(payloads.objects.size).toBe(0);
    expect(decodeQueuedEvent(queue.messages[0]?.body ?? '').payload).toEqual(JSON.parse(raw));
  });

  it('counts bytes, not characters', async () => {
    // Prepare: as many characters as the limit, but 'é' takes two bytes.
    const payload = comment();
    const base = encodeQueuedEvent(head, JSON.stringify(payload)).length;
    payload.comment.body += 'é'.repeat(limit - base);
    const raw = JSON.stringify(payload);
    expect(encodeQueuedEvent(head, raw).length).toBe(limit);
    const { deps, queue, payloads } = setup({ maxMessageBytes: limit });

    // Act
    const res = await receive(await request({ raw }), deps);

    // Assess
    expect(res.status).toBe(200);
    expect(payloads.objects.get(key)).toBe(raw);
    expect(decodeQueuedEvent(queue.messages[0]?.body ?? '').payloadRef).toEqual({ bucket: payloads.bucket, key });
  });

  it('a body over maxBodyBytes is refused and nothing is written', async () => {
    // Prepare
    const raw = JSON.stringify(comment());
    const { deps, queue, payloads, traces } = setup({ maxBodyBytes: Buffer.byteLength(raw) - 1, maxMessageBytes: 1024 });

    // Act
    const res = await receive(await request({ raw }), deps);

    // Assess
    expect(res).toEqual({ status: 413, body: `413 Payload Too Large: ${Buffer.byteLength(raw)} bytes, the limit is ${Buffer.byteLength(raw) - 1}` });
    expect(queue.messages).toEqual([]);
    expect(payloads.objects.size).toBe(0);
    expect(traces.queuedCalls).toEqual([]);
  });

  it('a body of exactly maxBodyBytes is accepted', async () => {
    // Prepare
    const raw = JSON.stringify(comment());
    const { deps, queue } = setup({ maxBodyBytes: Buffer.byteLength(raw) });

    // Act
    const res = await receive(await request({ raw }), deps);

    // Assess
    expect(res.status).toBe(200);
    expect(queue.messages).toHaveLength(1);
  });
});

describe('receive: storage failures', () => {
  const unavailable = '503 Service Unavailable: the event could not be queued; redeliver it from the webhook settings';

  it('the queue fails: 503, and no trace says it was queued', async () => {
    // Prepare
    const { deps, queue, traces } = setup();
    queue.failNext(new Error('ServiceUnavailable: SQS is down'));

    // Act
    const res = await receive(await request(), deps);

    // Assess
    expect(res).toEqual({ status: 503, body: unavailable });
    expect(queue.messages).toEqual([]);
    expect(traces.forgotten).toHaveLength(1);
    // The trace written alongside the send is taken back: none is left saying "queued".
    expect(traces.forgotten).toEqual(traces.queuedCalls.map((c) => c.delivery));
  });

  it('the payload store fails for a large payload: 503, and nothing is queued', async () => {
    // Prepare
    const { deps, queue, payloads, traces } = setup({ maxMessageBytes: 1024 });
    payloads.failNext(new Error('SlowDown: S3 throttled the write'));

    // Act
    const res = await receive(await request(), deps);

    // Assess
    expect(res).toEqual({ status: 503, body: unavailable });
    expect(queue.messages).toEqual([]);
    expect(traces.forgotten).toHaveLength(1);
    // The trace written alongside the send is taken back: none is left saying "queued".
    expect(traces.forgotten).toEqual(traces.queuedCalls.map((c) => c.delivery));
  });

  it('the queue fails after a large payload was stored: 503, no message, no trace', async () => {
    // Prepare: the stored object is left for the bucket's one-day lifecycle to remove.
    const { deps, queue, payloads, traces } = setup({ maxMessageBytes: 1024 });
    queue.failNext(new Error('ServiceUnavailable: SQS is down'));

    // Act
    const res = await receive(await request(), deps);

    // Assess
    expect(res).toEqual({ status: 503, body: unavailable });
    expect(payloads.objects.size).toBe(1);
    expect(queue.messages).toEqual([]);
    expect(traces.forgotten).toHaveLength(1);
    // The trace written alongside the send is taken back: none is left saying "queued".
    expect(traces.forgotten).toEqual(traces.queuedCalls.map((c) => c.delivery));
  });

  it.each([
    { name: 'waits for the trace by default (a Lambda may be frozen once it answers)', traceAfterAck: undefined, answeredFirst: false },
    { name: 'answers without waiting for the trace with traceAfterAck (local mode)', traceAfterAck: true, answeredFirst: true },
  ])('$name', async ({ traceAfterAck, answeredFirst }) => {
    // Prepare: a trace write that finishes only when told to.
    const { deps, queue } = setup();
    let finishTrace!: () => void;
    deps.traces = { queued: () => new Promise<void>((resolve) => (finishTrace = resolve)), forget: async () => {} };
    deps.traceAfterAck = traceAfterAck;
    const order: string[] = [];

    // Act
    const answering = receive(await request(), deps).then((res) => order.push(`answered ${res.status}`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    order.push('trace written');
    finishTrace();
    await answering;

    // Assess
    expect(order).toEqual(answeredFirst ? ['answered 200', 'trace written'] : ['trace written', 'answered 200']);
    expect(queue.messages).toHaveLength(1);
  });

  it('the trace fails after queuing: still 200, the event is queued', async () => {
    // Prepare
    const { deps, queue, traces } = setup();
    traces.failNext(new Error('ProvisionedThroughputExceededException'));

    // Act
    const res = await receive(await request(), deps);

    // Assess
    expect(res).toEqual({ status: 200, body: ok });
    expect(queue.messages).toHaveLength(1);
    expect(traces.queuedCalls).toHaveLength(1);
  });
});

// GitHub's published example (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation).
describe("GitHub's signature test vector", () => {
  const secret = "It's a Secret to Everybody";
  const payload = 'Hello, World!';
  const expected = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it('sign() gives the published signature', async () => {
    // Act
    const signature = await sign(secret, payload);

    // Assess
    expect(signature).toBe(expected);
    expect(`sha256=${hmacHex('sha256', secret, Buffer.from(payload))}`).toBe(expected);
  });

  it('verifySignature, as receive calls it, accepts it with the secret alone or among others, over the bytes', async () => {
    // Act
    const alone = await verifySignature([secret], Buffer.from(payload), expected);
    const among = await verifySignature(['old-secret', secret], Buffer.from(payload), expected);
    const neither = await verifySignature(['old-secret', 'other-secret'], Buffer.from(payload), expected);
    const upperHex = await verifySignature([secret], Buffer.from(payload), `sha256=${expected.slice(7).toUpperCase()}`);

    // Assess
    expect({ alone, among, neither, upperHex }).toEqual({ alone: true, among: true, neither: false, upperHex: true });
  });

  it('receive accepts the signature, then refuses the body: it is not JSON', async () => {
    // Prepare
    const { deps, queue } = setup({ secrets: secret });

    // Act
    const res = await receive(await request({ raw: payload, signature: expected }), deps);

    // Assess
    expect(res).toEqual({ status: 400, body: invalidPayload });
    expect(queue.messages).toEqual([]);
  });
});
