// `skiff phony`: sends one correctly signed webhook to a Skiff (or Prow) hook, like Prow's
// phony. Without --payload, a real example payload for the event.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sign } from '@octokit/webhooks-methods';
import { samplePayload } from './sample-payloads.js';

export interface PhonyOptions {
  event: string;
  payload?: string;
  /** Only with no --payload: which example of the event to send. */
  action?: string;
  /**
   * Only with no --payload, for issue_comment: the comment's text, posted on a pull request
   * (the sample's issue is turned into one), e.g. `/hold`.
   */
  comment?: string;
  /**
   * Only with no --payload: `owner/name` to send the sample as if from that repository (its
   * repository, organization and URLs rewritten), so it reaches a config for that repository.
   */
  repo?: string;
  address: string;
  hmac: string;
  delivery?: string;
}

export class PhonyError extends Error {
  override name = 'PhonyError';
}

/** Nothing answered at the address (connection refused, no such host, …). */
export class HookUnreachableError extends Error {
  override name = 'HookUnreachableError';
}

/** GitHub's own limits: owners up to 39 characters, repository names up to 100. */
export const repoPattern = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export interface PhonyResult {
  delivery: string;
  status: number;
  body: string;
}

function sample(options: PhonyOptions): Record<string, any> {
  const payload = samplePayload(options.event, options.action);
  if (options.repo !== undefined) retarget(payload, options.repo);
  if (options.comment === undefined) return payload;
  if (options.event !== 'issue_comment') throw new PhonyError('--comment goes with --event issue_comment');
  payload.comment.body = options.comment;
  // GitHub marks an issue that is a pull request with this key.
  const url = String(payload.issue.url).replace('/issues/', '/pulls/');
  payload.issue.pull_request = { url, html_url: String(payload.issue.html_url).replace('/issues/', '/pull/'), diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  return payload;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Moves a sample payload to `fullName`: every repository object that was the sample's (the
 * payload's `repository`, a pull request's base and same-repository head), the organization
 * when there is one, and the API and web URLs that name the repository. Users (sender,
 * commenter) are left as they are.
 */
export function retarget(payload: Record<string, any>, fullName: string): void {
  if (!repoPattern.test(fullName)) throw new PhonyError(`--repo must be owner/name, not ${JSON.stringify(fullName)}`);
  const [owner, name] = fullName.split('/') as [string, string];
  const old = payload.repository?.full_name;
  if (typeof old !== 'string') throw new PhonyError(`the ${JSON.stringify(payload.action ?? '')} sample has no repository to rewrite`);
  // `…/repos/Codertocat/Hello-World/issues/1`, `github.com/Codertocat/Hello-World.git`, `git@github.com:Codertocat/Hello-World.git`
  const inUrl = new RegExp(`(?<=[/:])${escapeRegExp(old)}(?=$|[/.#?])`, 'g');
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(inUrl, fullName);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const object = value as Record<string, any>;
      for (const [k, v] of Object.entries(object)) object[k] = walk(v);
      if (object.full_name === old) {
        object.full_name = fullName;
        object.name = name;
        if (object.owner && typeof object.owner === 'object') object.owner.login = owner;
      }
      return object;
    }
    return value;
  };
  walk(payload);
  if (payload.organization && typeof payload.organization === 'object') payload.organization.login = owner;
}

export async function phony(options: PhonyOptions): Promise<PhonyResult> {
  if (options.payload && options.repo !== undefined) throw new PhonyError('--repo rewrites a sample payload; a --payload file is sent as it is');
  const body = options.payload ? await readFile(options.payload, 'utf8') : JSON.stringify(sample(options));
  const delivery = options.delivery ?? randomUUID();
  const response = await post(options.address, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': options.event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': await sign(options.hmac, body),
      'user-agent': 'GitHub-Hookshot/skiff-phony',
    },
    body,
  });
  return { delivery, status: response.status, body: (await response.text()).trim() };
}

async function post(address: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(address, init);
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is its cause.
    const cause = (error as Error & { cause?: Error & { code?: string } }).cause;
    throw new HookUnreachableError(`cannot reach ${address}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
  }
}
