// Plugin help rendered from the registry's declarations: the README's plugin table is this
// output (a test keeps them equal), and the catalog `GET /api/plugin-help` serves (Prow's
// /plugin-help) is the same data.
import { usageOf } from './commands.js';
import { eventsOf, type Plugin } from './types.js';

export interface CommandHelp {
  usage: string;
  description: string;
  examples: string[];
  who: string;
}

export interface PluginHelp {
  name: string;
  description: string;
  /** The plugins.yaml key of its settings, when it has any. */
  configKey?: string;
  /** The webhook events it needs. */
  events: string[];
  commands: CommandHelp[];
}

/** Every plugin's help, from its declaration. */
export function pluginCatalog(registry: readonly Plugin[]): PluginHelp[] {
  return registry.map((plugin) => ({
    name: plugin.name,
    description: plugin.description,
    ...(plugin.config ? { configKey: plugin.config.key } : {}),
    events: eventsOf(plugin).sort(),
    commands: (plugin.commands ?? []).map((c) => ({ usage: usageOf(c), description: c.description, examples: [...c.examples], who: c.who })),
  }));
}

// A pipe ends a table cell even inside a code span, so it is escaped everywhere.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function pluginTable(registry: readonly Plugin[]): string {
  const rows = ['| plugin | what it does | commands | who can use them |', '| --- | --- | --- | --- |'];
  for (const plugin of registry) {
    const specs = plugin.commands ?? [];
    const commands = specs.map((c) => `\`${usageOf(c)}\``).join('<br>') || '—';
    // One line per command, beside its usage, unless every command has the same answer.
    const whos = specs.map((c) => c.who);
    const who = (new Set(whos).size > 1 ? whos.map((w, i) => `\`/${specs[i]!.name}\`: ${w}`).join('<br>') : whos[0]) || '—';
    const config = plugin.config ? ` Configured under \`${plugin.config.key}:\`.` : '';
    rows.push(`| \`${plugin.name}\` | ${cell(plugin.description + config)} | ${cell(commands)} | ${cell(who)} |`);
  }
  return rows.join('\n');
}
