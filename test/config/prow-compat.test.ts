// The README's "Coming from Prow" plugin table is rendered from the registry and Prow's plugin
// list; this keeps them equal, and checks that every Prow plugin is in it once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prowPluginTable } from '../../shared/config/prow-compat.js';
import { prowPluginNames } from '../../shared/config/prow-plugins.js';
import { plugins } from '../../shared/plugins/registry.js';

describe('the Coming from Prow plugin table', () => {
  it('the README shows it as rendered from the registry and Prow\'s plugin list', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

    // Act
    const inReadme = /<!-- prow-plugins:start -->\n([\s\S]*?)\n<!-- prow-plugins:end -->/.exec(readme)?.[1];

    // Assess (to refresh it: npx tsx -e "…prowPluginTable(plugins)…" and paste between the markers)
    expect(inReadme).toBe(prowPluginTable(plugins));
  });

  it('names every Prow plugin exactly once, and each Skiff plugin as working', () => {
    // Act
    const table = prowPluginTable(plugins);

    // Assess
    // The plugins are in each row's last cell; the first says what Skiff does with them.
    const named = table.split('\n').slice(2).flatMap((row) => [...(row.split('|').at(-2) ?? '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]));
    const builtIn = plugins.map((p) => p.name).filter((n) => !prowPluginNames.includes(n));
    expect([...named].sort()).toEqual([...prowPluginNames, 'transfer-issue', ...builtIn].sort());
    const implementedProw = prowPluginNames.filter((n) => plugins.some((p) => p.name === n));
    expect(table.split('\n').find((row) => row.startsWith('| works |'))).toBe(`| works | ${implementedProw.map((n) => `\`${n}\``).join(', ')} |`);
  });
});
