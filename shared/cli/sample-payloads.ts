// Real webhook payloads from @octokit/webhooks-examples, for `skiff phony` without --payload
// and for tests. Loaded with require: the package is one CommonJS JSON file (4 MB), whose
// typings do not line up with an ESM default import under NodeNext; it is read only on demand.
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';

let definitions: WebhookDefinition[] | undefined;

/** No sample for the event or action asked for. */
export class SampleError extends Error {
  override name = 'SampleError';
}

/** A fresh copy of the first example of `event` (with `action`, when given). */
export function samplePayload(event: string, action?: string): Record<string, any> {
  definitions ??= createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
  const examples = definitions.find((d) => d.name === event)?.examples ?? [];
  const example = action ? examples.find((e) => (e as { action?: string }).action === action) : examples[0];
  if (!example) {
    const actions = [...new Set(examples.map((e) => (e as { action?: string }).action).filter(Boolean))];
    throw new SampleError(
      examples.length
        ? `no ${event} example with action "${action}"; there are: ${actions.join(', ')}`
        : `no example payload for "${event}" events; pass --payload FILE`,
    );
  }
  return structuredClone(example) as Record<string, any>;
}
