// Beyond Prow (`skiff.unknown_commands: reply`): a comment line that looks like a command that no
// enabled plugin understands — `/lgmt`, or `/approve` where approve is not enabled — gets one
// reply listing the commands that are enabled for the repository, with the closest one. Prow
// says nothing, and the author waits for a bot that will never answer.
//
// What counts as looking like a command: a line starting with `/` and a word (letters, digits,
// `-`, `_`), followed by whitespace or the end of the line — so `/usr/bin/env` and `/ 2` do not.
// Lines inside fenced code blocks do not count, and HTML comments are removed first. When the
// event also goes to an external plugin, nothing is said: that plugin may understand the line.
import { closest } from '../config/did-you-mean.js';
import type { GitHubClient } from '../github/client.js';
import type { GenericCommentEvent } from '../hook/generic-comment.js';
import { commandRegex, usageOf } from './commands.js';
import { replyTo } from './respond.js';
import type { Outcome, Plugin } from './types.js';

export const unknownCommandsName = 'skiff:unknown-commands';

type ReplyGitHub = Pick<GitHubClient, 'createComment'>;

const commandLike = /^\/([A-Za-z][\w-]*)(?=\s|$)/;

/** The command-like lines of a comment body, outside code fences and HTML comments. */
export function commandLines(body: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const raw of body.replace(/<!--[\s\S]*?-->/g, '').split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced && commandLike.test(line)) lines.push(line);
  }
  return lines;
}

export interface UnknownCommandsOptions {
  /** The registry's plugins enabled for the repository. */
  enabled: readonly Plugin[];
  /** Prow plugins enabled for it that Skiff does not implement (their commands cannot be told apart). */
  notImplemented: readonly string[];
  /** External plugins receive this event: one of them may understand the line. */
  forwarded: boolean;
}

/** The internal plugin dispatch runs, under its own claim, when `skiff.unknown_commands` is `reply`. */
export function unknownCommands(options: UnknownCommandsOptions): Plugin<void, ReplyGitHub> {
  const specs = options.enabled.flatMap((p) => p.commands ?? []);
  const names = [...new Set(specs.flatMap((s) => [s.name, ...(s.aliases ?? [])].map((n) => n.split(/\s+/)[0]!.toLowerCase())))];
  // One line at a time, without the global flag: each test starts at the line's beginning.
  const understood = specs.map((spec) => new RegExp(commandRegex(spec).source, 'im'));
  return {
    name: unknownCommandsName,
    description: 'Replies to comment lines that look like commands no enabled plugin understands (skiff.unknown_commands: reply).',
    async comment(ctx, event: GenericCommentEvent): Promise<Outcome> {
      if (event.action !== 'created') return { status: 'skipped', reason: `only new comments are checked; this one was ${event.action}` };
      const unknown = commandLines(event.body).filter((line) => !understood.some((re) => re.test(line)));
      if (!unknown.length) return { status: 'skipped', reason: 'no command-like line that the enabled plugins do not understand' };
      const words = [...new Set(unknown.map((line) => `/${commandLike.exec(line)![1]!.toLowerCase()}`))];
      if (options.forwarded) {
        ctx.note(`not understood by Skiff's plugins: ${words.join(', ')}; an external plugin gets this event and may understand it`);
        return { status: 'skipped', reason: 'an external plugin gets this event, and may understand the command' };
      }
      const guesses = words.map((w) => {
        const guess = closest(w.slice(1), names);
        return guess ? `\`${w}\` (did you mean \`/${guess}\`?)` : `\`${w}\``;
      });
      const listed = specs.length ? specs.map((s) => `\`${usageOf(s)}\``).join(', ') : 'none';
      const gap = options.notImplemented.length
        ? ` Also enabled here are Prow plugins Skiff does not run yet, whose commands get no answer: ${options.notImplemented.join(', ')}.`
        : '';
      const where = `${ctx.repo.owner}/${ctx.repo.repo}`;
      await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, `I do not understand ${guesses.join(', ')}. The commands enabled for ${where} are: ${listed}.${gap}`));
      return { status: 'ran', reason: `replied to ${words.join(', ')}` };
    },
  };
}
