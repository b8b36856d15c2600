// What a plugin is. A plugin is plain data plus functions: its name (Prow's), a description,
// its config schema, the commands it answers (declared as data, see commands.ts) and the
// webhook events it handles (`on`, typed with the payload types of @octokit/webhooks). The
// registry lists them; nothing registers itself on import, and the webhook queues exactly the
// events the registry's plugins declare.
import type { EventPayloadMap } from '@octokit/webhooks-types';
import type { ZodType } from 'zod';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { commentEvents, type GenericCommentAction, type GenericCommentEvent } from '../hook/generic-comment.js';
import type { OwnersConfig, OwnersSettings } from '../owners/config.js';
import type { JobsAccess } from '../jobs/types.js';
import type { RepoOwners } from '../owners/types.js';
import type { Trust } from './trust.js';

export interface PluginLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
}

/** The OWNERS of the event's repository, as the `owners` section and config.yaml's denylist say to read them. */
export interface OwnersAccess {
  /** The `owners:` section of plugins.yaml, defaulted. */
  config: OwnersConfig;
  /**
   * What that section and config.yaml's `owners_dir_denylist` say for this repository: its OWNERS
   * file names, the directories whose OWNERS are not read (`isDeniedDir` in owners/repo-owners.ts),
   * `skip_collaborators`, the labels OWNERS may not set.
   */
  settings: OwnersSettings;
  /**
   * The OWNERS at a commit (a pull request's base SHA): one tree listing and the OWNERS blobs on
   * first use, then cached by tree SHA across deliveries and containers. Malformed files are
   * skipped, each with a warning in `warnings()` and in the trace.
   */
  at(sha: string): Promise<RepoOwners>;
}

/** `G` is the slice of GitHubClient the plugin uses, e.g. `Pick<GitHubClient, 'addLabel'>`. */
export interface PluginContext<C = unknown, G = GitHubClient> {
  github: G;
  /** This plugin's own config section, parsed and defaulted. */
  config: C;
  repo: RepoRef;
  log: PluginLogger;
  /** GitHub's delivery id: a seed for choices that must come out the same on a retry. */
  delivery: string;
  /** The bot's own login (its comments are recognised by it), when known. */
  botLogin: string | undefined;
  /** Who may do what: each check's question and answer goes into the trace. */
  trust: Trust;
  owners: OwnersAccess;
  /** A line for this plugin's record in the trace (`checks`), e.g. why nothing was done. */
  note(line: string): void;
  /** Job config and records (trigger, skip, override); absent where jobs are not set up. */
  jobs?: JobsAccess;
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

/** Webhook events a plugin may handle with `on`, beside the comments its commands read. */
export type PluginEvent = 'pull_request' | 'pull_request_review' | 'issues' | 'push' | 'status' | 'check_run' | 'check_suite' | 'workflow_run';

export type EventHandlers<C, G> = {
  [E in PluginEvent]?: (ctx: PluginContext<C, G>, event: EventPayloadMap[E]) => Promise<Outcome | void>;
};

export interface Plugin<C = any, G = any> {
  name: string;
  description: string;
  config?: PluginConfigSpec<C>;
  /**
   * Commands in order of precedence: for one comment, the first declared command that matches
   * any line runs, once. (Prow's hold: a comment with both `/hold` and `/hold cancel` cancels.)
   */
  commands?: CommandSpec<C, G>[];
  /**
   * Every comment-like event (see generic-comment.ts), commands or not, after the commands ran:
   * for plugins that recompute state from the whole conversation (approve). Not called for the
   * bot's own comments.
   */
  comment?(ctx: PluginContext<C, G>, event: GenericCommentEvent): Promise<Outcome | void>;
  /** Handlers by webhook event (all actions; the plugin filters). */
  on?: EventHandlers<C, G>;
}

/** Webhook event names a plugin needs queued. */
export function eventsOf(plugin: Plugin): string[] {
  const events = new Set<string>();
  if (plugin.commands?.length || plugin.comment) {
    for (const e of commentEvents) events.add(e);
  }
  for (const e of Object.keys(plugin.on ?? {})) events.add(e);
  return [...events];
}
