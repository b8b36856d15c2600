// dispatch's dependencies over the in-memory fakes, for the suites that test what is built on
// dispatch (the worker, the local poller, forwarding, traces): the config as text (or any
// source), a MemoryGitHub, and one MemoryStore for claims and traces. Any field can be overridden.
import { ConfigAgent, type ConfigSource } from '../../shared/config/agent.js';
import type { DispatchDeps } from '../../shared/hook/dispatch.js';
import { createLogger } from '../../shared/log.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import { MemoryGitHub } from './memory-github.js';
import { MemoryPayloads } from './memory-queue.js';
import { MemoryStore } from './memory-store.js';

export interface MemoryDispatchOptions extends Partial<DispatchDeps> {
  /** plugins.yaml's text, or a source of config files. */
  source: string | ConfigSource;
  /** The clock of the config agent, the store and dispatch (default: the real one). */
  clock?: () => number;
  /** How often the config agent revalidates (its default otherwise). */
  revalidateMs?: number;
}

export function memoryDispatch({ source, clock, revalidateMs, ...overrides }: MemoryDispatchOptions) {
  const github = new MemoryGitHub();
  const store = new MemoryStore(clock);
  const configSource: ConfigSource = typeof source === 'string' ? { description: 'test', fetch: async () => [{ path: 'plugins.yaml', text: source }] } : source;
  const deps: DispatchDeps = {
    config: new ConfigAgent(configSource, registry, { ...(clock ? { now: clock } : {}), ...(revalidateMs ? { revalidateMs } : {}) }),
    github: { forEvent: async () => github, botLogin: async () => 'skiff-bot' },
    claims: store,
    cache: store,
    traces: store,
    payloads: new MemoryPayloads(),
    registry,
    log: createLogger({ logLevel: 'SILENT' }),
    leaseMs: 60_000,
    ...(clock ? { now: () => new Date(clock()) } : {}),
    ...overrides,
  };
  return { github, store, deps };
}
