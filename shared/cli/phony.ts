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
  address: string;
  hmac: string;
  delivery?: string;
}

export interface PhonyResult {
  delivery: string;
  status: number;
  body: string;
}

export async function phony(options: PhonyOptions): Promise<PhonyResult> {
  const body = options.payload ? await readFile(options.payload, 'utf8') : JSON.stringify(samplePayload(options.event, options.action));
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
