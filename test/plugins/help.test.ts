// The README's plugin table is generated from the plugins' declarations; this keeps them equal.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pluginTable } from '../../shared/plugins/help.js';
import { plugins } from '../../shared/plugins/registry.js';

describe('plugin help', () => {
  it('the README lists every plugin exactly as the registry declares it', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    // Act
    const inReadme = /<!-- plugins:start -->\n([\s\S]*?)\n<!-- plugins:end -->/.exec(readme)?.[1];
    // Assess
    expect(inReadme).toBe(pluginTable(plugins));
  });

  it('names every command of every plugin', () => {
    const table = pluginTable(plugins);
    for (const plugin of plugins) {
      expect(table).toContain(`\`${plugin.name}\``);
      for (const command of plugin.commands ?? []) expect(table).toContain(`/${command.name}`);
    }
  });
});
