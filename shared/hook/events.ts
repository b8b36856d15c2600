import type { Plugin } from '../plugins/types.js';
import { eventsOf } from '../plugins/types.js';

/**
 * Webhook events worth queuing: those some plugin handles, plus `push`, which reloads the
 * config when it touches the config files. Everything else is acknowledged and dropped at the
 * edge, so it costs no queue message and no worker invocation.
 */
export function handledEvents(registry: readonly Plugin[]): ReadonlySet<string> {
  return new Set(['push', ...registry.flatMap(eventsOf)]);
}
