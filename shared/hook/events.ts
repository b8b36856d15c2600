import type { Plugin } from '../plugins/types.js';
import { eventsOf } from '../plugins/types.js';

/**
 * Webhook events worth queuing: those some plugin handles, plus `push`, which reloads the
 * config when it touches the config files, and `label` (a repository label created, edited or
 * deleted), which makes the container that gets it drop its kept list of the repository's labels
 * (github/etag-cache.ts). Everything else is acknowledged and dropped at the edge, so it costs no
 * queue message and no worker invocation.
 */
export function handledEvents(registry: readonly Plugin[]): ReadonlySet<string> {
  return new Set(['push', 'label', ...registry.flatMap(eventsOf)]);
}

export class EventListError extends Error {
  override name = 'EventListError';
}

// GitHub's event names are lower-case words joined by underscores (`pull_request_review`).
const eventName = /^[a-z]+(?:_[a-z]+)*$/;

/**
 * Extra events to queue for external plugins, as the operator writes them: `release,check_run`
 * → ['release', 'check_run']; `*` → ['*'] (every event); nothing → [].
 */
export function parseEventList(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (names.includes('*')) {
    if (names.length > 1) throw new EventListError(`either * or a list of event names, not both: got ${JSON.stringify(value)}`);
    return ['*'];
  }
  const bad = names.filter((name) => !eventName.test(name));
  if (bad.length) throw new EventListError(`expected GitHub event names such as release,check_run (or *), got ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  return [...new Set(names)];
}

/** What the webhook queues: the registry's events and the extra ones, or just `*` for everything. */
export function queuedEvents(registry: readonly Plugin[], extra: readonly string[]): ReadonlySet<string> {
  return extra.includes('*') ? new Set(['*']) : new Set([...handledEvents(registry), ...extra]);
}
