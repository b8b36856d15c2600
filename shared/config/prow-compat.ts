// Prow's plugins against Skiff's, for the README's "Coming from Prow" table: rendered from the
// plugin registry and Prow's plugin list (prow-plugins.ts), and checked against the README by a
// test, so the table cannot drift from what the loader does with each name.
import type { Plugin } from '../plugins/types.js';
import { prowPluginNames, renamedProwPlugins, unneededProwPlugins } from './prow-plugins.js';

/** Prow plugins Skiff intends to implement as part of a larger piece, with that piece. */
const planned: ReadonlyMap<string, string> = new Map();

const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

export function prowPluginTable(registry: readonly Plugin[]): string {
  const implemented = new Set(registry.map((p) => p.name));
  const rest = prowPluginNames.filter((n) => !implemented.has(n) && !unneededProwPlugins.has(n) && !planned.has(n));
  // Prow's external plugins that Skiff builds in (needs-rebase): enabled under `plugins:` here.
  const prow = new Set(prowPluginNames);
  const builtIn = registry.map((p) => p.name).filter((n) => !prow.has(n));
  const rows = [
    '| in Skiff | Prow plugins |',
    '| --- | --- |',
    `| works | ${code(prowPluginNames.filter((n) => implemented.has(n)))} |`,
    ...(builtIn.length ? [`| works, built in: an external plugin in Prow, enabled here under \`plugins:\` | ${code(builtIn)} |`] : []),
    ...[...unneededProwPlugins].map(([name, why]) => `| not needed: ${why} | ${code([name])} |`),
    ...[...planned].map(([name, what]) => `| planned, ${what}; until then a warning, and inactive | ${code([name])} |`),
    `| a warning naming where it is enabled, and inactive; a delivery's trace lists it under \`notImplemented\` | ${code(rest)} |`,
    ...[...renamedProwPlugins].map(([old, now]) => `| folded into \`${now}\` by Prow; a warning, and inactive | ${code([old])} |`),
  ];
  return rows.join('\n');
}
