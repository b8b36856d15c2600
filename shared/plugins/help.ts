// Plugin help rendered from the registry's declarations: the README's plugin table is this
// output (a test keeps them equal), and later `/help` and the deck's catalog use it too.
import { usageOf } from './commands.js';
import type { Plugin } from './types.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function pluginTable(registry: readonly Plugin[]): string {
  const rows = ['| plugin | what it does | commands | who can use them |', '| --- | --- | --- | --- |'];
  for (const plugin of registry) {
    const commands = (plugin.commands ?? []).map((c) => `\`${usageOf(c)}\``).join('<br>') || '—';
    const who = [...new Set((plugin.commands ?? []).map((c) => c.who))].join(', ') || '—';
    const config = plugin.config ? ` Configured under \`${plugin.config.key}:\`.` : '';
    rows.push(`| \`${plugin.name}\` | ${cell(plugin.description + config)} | ${commands} | ${who} |`);
  }
  return rows.join('\n');
}
