// A PluginContext for plugin unit tests, wired as dispatch wires it (trust checks over the
// client, OWNERS loaded through it, notes collected), so a plugin test runs the same helpers
// a delivery does, against a MemoryGitHub.
import type { GitHubClient, RepoRef } from '../../shared/github/client.js';
import { ownersAccess } from '../../shared/hook/plugin-client.js';
import { triggerFor, type TriggerEntry } from '../../shared/config/triggers-section.js';
import { createTrust } from '../../shared/plugins/trust.js';
import type { PluginContext, PluginLogger } from '../../shared/plugins/types.js';
import type { CacheStore } from '../../shared/storage/ports.js';

export interface TestContext<C, G> extends PluginContext<C, G> {
  /** The trace lines the plugin noted (trust checks, OWNERS warnings). */
  checks: string[];
  /** What the plugin logged, `info: …` / `warn: …`. */
  logs: string[];
}

export function pluginContext<C, G>(options: {
  github: G;
  config: C;
  repo?: RepoRef;
  delivery?: string;
  botLogin?: string;
  /** Parsed shared sections (`owners`, `owners_dir_denylist`), as config.sections holds them. */
  sections?: Record<string, unknown>;
  cache?: CacheStore;
}): TestContext<C, G> {
  const repo = options.repo ?? { owner: 'acme', repo: 'widgets' };
  const checks: string[] = [];
  const logs: string[] = [];
  const note = (line: string) => void checks.push(line);
  const log: PluginLogger = {
    info: (message) => void logs.push(`info: ${message}`),
    warn: (message) => void logs.push(`warn: ${message}`),
  };
  const client = options.github as unknown as GitHubClient;
  return {
    github: options.github,
    config: options.config,
    repo,
    log,
    delivery: options.delivery ?? 'test-delivery',
    botLogin: options.botLogin ?? 'skiff-bot',
    trust: createTrust(client, repo, note, {
      trigger: triggerFor(options.sections?.triggers as TriggerEntry[] | undefined, repo.owner, repo.repo),
      botLogin: options.botLogin ?? 'skiff-bot',
    }),
    owners: ownersAccess(options.sections ?? {}, repo, client, options.cache, log).forPlugin(note),
    note,
    checks,
    logs,
  };
}
