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
  address: string;
  hmac: string;
  delivery?: string;
}

export interface PhonyResult {
  delivery: string;
  status: number;
  body: string;
}

function sample(options: PhonyOptions): Record<string, any> {
  const payload = samplePayload(options.event, options.action);
  if (options.comment === undefined) return payload;
  if (options.event !== 'issue_comment') throw new Error('--comment goes with --event issue_comment');
  payload.comment.body = options.comment;
  // GitHub marks an issue that is a pull request with this key.
  const url = String(payload.issue.url).replace('/issues/', '/pulls/');
  payload.issue.pull_request = { url, html_url: String(payload.issue.html_url).replace('/issues/', '/pull/'), diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  return payload;
}

export async function phony(options: PhonyOptions): Promise<PhonyResult> {
  const body = options.payload ? await readFile(options.payload, 'utf8') : JSON.stringify(sample(options));
  const delivery = options.delivery ?? randomUUID();
  const response = await fetch(options.address, {
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
