// Commands as data: the line-anchored, case-insensitive regex and the help text are both
// generated from a CommandSpec, so the parser and `/help` cannot drift apart.
import type { GenericCommentEvent } from '../hook/generic-comment.js';
import { formatIssueRef } from '../github/client.js';
import type { CommandMatch, CommandSpec, Outcome, Plugin, PluginContext } from './types.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `hold cancel` → `hold\s+cancel`: words of a command may be separated by any whitespace. */
const namePattern = (name: string) => name.trim().split(/\s+/).map(escape).join('\\s+');

/**
 * `^/(name|alias)(?:\s+(arg))?(?:\s.*)?$` with flags `gim`, as Prow writes its command regexes:
 * the command must start a line (so `> /hold` in a quote does not fire), case does not matter,
 * and free text may follow after whitespace (`/hold waiting for #123`) but not glued on
 * (`/holdx` is not `/hold`).
 */
export function commandRegex(spec: Pick<CommandSpec, 'name' | 'aliases' | 'arg'>): RegExp {
  const names = [spec.name, ...(spec.aliases ?? [])].map(namePattern).join('|');
  let arg = '';
  if (spec.arg) arg = spec.arg.optional ? `(?:\\s+(${spec.arg.pattern}))?` : `\\s+(${spec.arg.pattern})`;
  return new RegExp(`^/(${names})${arg}(?:[^\\S\\r\\n].*)?$`, 'gim');
}

/** Every line of `body` that invokes `spec`, in order. */
export function matchCommand(spec: CommandSpec<any>, body: string): CommandMatch[] {
  const matches: CommandMatch[] = [];
  for (const m of body.matchAll(commandRegex(spec))) {
    matches.push({ name: (m[1] ?? '').toLowerCase().replace(/\s+/g, ' '), arg: m[2], line: m[0].trimEnd() });
  }
  return matches;
}

/**
 * Runs a plugin's commands for one comment: the first declared command that matches a line and
 * applies to this event runs, once, with its first match. A command that matched but does not
 * apply (an edited comment, an issue instead of a pull request) is reported as skipped, with
 * why. `undefined`: the comment holds none of the plugin's commands.
 */
export async function runCommands(plugin: Plugin, ctx: PluginContext<any, any>, comment: GenericCommentEvent): Promise<Outcome | undefined> {
  let skipped: Outcome | undefined;
  for (const spec of plugin.commands ?? []) {
    const [match] = matchCommand(spec, comment.body);
    if (!match) continue;
    const { actions, pullRequests } = spec.only ?? {};
    if (actions && !actions.includes(comment.action)) {
      skipped ??= { status: 'skipped', reason: `/${match.name} acts on new comments only; this one was ${comment.action}` };
    } else if (pullRequests && !comment.isPR) {
      const ref = formatIssueRef({ ...comment.repo, number: comment.number });
      skipped ??= { status: 'skipped', reason: `/${match.name} works on pull requests only; ${ref} is an issue` };
    } else {
      return (await spec.run(ctx, comment, match)) ?? { status: 'ran', reason: `/${match.name}` };
    }
  }
  return skipped;
}

/** One usage line per command, e.g. `/hold cancel` or `/label <label>`. */
export function usageOf(spec: CommandSpec<any>): string {
  const arg = spec.arg ? ` ${spec.arg.usage ?? (spec.arg.optional ? `[${spec.arg.pattern}]` : `<${spec.arg.pattern}>`)}` : '';
  const aliases = spec.aliases?.length ? ` (also ${spec.aliases.map((a) => `/${a}`).join(', ')})` : '';
  return `/${spec.name}${arg}${aliases}`;
}
