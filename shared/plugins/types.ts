// What a plugin is. A plugin is plain data plus functions: its name (Prow's), a description,
// its config schema, the commands it answers (declared as data, see commands.ts) and the
// webhook events it handles. The registry lists them; nothing registers itself on import.
import type { ZodType } from 'zod';
import { commentEvents, type GenericCommentAction, type GenericCommentEvent } from '../hook/generic-comment.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import type { PullRequestEvent } from '@octokit/webhooks-types';

export interface PluginLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/** `G` is the slice of GitHubClient the plugin uses, e.g. `Pick<GitHubClient, 'addLabel'>`. */
export interface PluginContext<C = unknown, G = GitHubClient> {
  github: G;
  /** This plugin's own config section, parsed and defaulted. */
  config: C;
  repo: RepoRef;
  log: PluginLogger;
}

/** What a plugin did with an event; recorded in the delivery's trace. */
export type Outcome =
  | { status: 'ran'; reason?: string }
  | { status: 'skipped'; reason: string }
  | { status: 'refused'; reason: string };

export interface CommandArg {
  /** Regex source (no anchors, no capture groups) for the argument. */
  pattern: string;
  optional?: boolean;
  /** How the argument is shown in help, e.g. `[cancel]` or `<label>`. */
  usage?: string;
}

export interface CommandMatch {
  /** The command name as typed, lower-cased (`unhold`, `hold cancel`). */
  name: string;
  arg: string | undefined;
  line: string;
}

export interface CommandSpec<C = unknown, G = GitHubClient> {
  /** The command after the slash. Words separated by spaces match any run of whitespace. */
  name: string;
  aliases?: string[];
  arg?: CommandArg;
  description: string;
  examples: string[];
  /** Who may use it, as shown in help ("Anyone", "Collaborators", …). */
  who: string;
  /** Events the command ignores are skipped with a reason rather than run. */
  only?: { actions?: GenericCommentAction[]; pullRequests?: boolean };
  run(ctx: PluginContext<C, G>, event: GenericCommentEvent, match: CommandMatch): Promise<Outcome | void>;
}

export interface PluginConfigSpec<C> {
  /** The top-level key in plugins.yaml that holds this plugin's settings (Prow's name). */
  key: string;
  schema: ZodType<C>;
}

export interface Plugin<C = any, G = any> {
  name: string;
  description: string;
  config?: PluginConfigSpec<C>;
  /**
   * Commands in order of precedence: for one comment, the first declared command that matches
   * any line runs, once. (Prow's hold: a comment with both `/hold` and `/hold cancel` cancels.)
   */
  commands?: CommandSpec<C, G>[];
  /** Handler for `pull_request` events (all actions; the plugin filters). */
  pullRequest?(ctx: PluginContext<C, G>, event: PullRequestEvent): Promise<Outcome | void>;
}

/** Webhook event names a plugin needs queued. */
export function eventsOf(plugin: Plugin): string[] {
  const events = new Set<string>();
  if (plugin.commands?.length) {
    for (const e of commentEvents) events.add(e);
  }
  if (plugin.pullRequest) events.add('pull_request');
  return [...events];
}
