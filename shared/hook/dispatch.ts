// The plugin fan-out (Prow's hook → plugins). For one queued event: load the config, find the
// plugins enabled for the repo, normalise comment-like events, and run each plugin in
// isolation under an exactly-once claim, recording what it did (or why not) in the trace.
// Throws RetryableError when something worth retrying failed, so the SQS record is retried;
// plugins that already finished are not run again.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { ConfigAgent } from '../config/agent.js';
import { pluginsFor } from '../config/parse.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { formatIssueRef, interceptWrites } from '../github/client.js';
import { isRetryable, RetryableError, retryAfterSeconds } from '../github/errors.js';
import type { Logger } from '../log.js';
import { runCommands } from '../plugins/commands.js';
import type { Outcome, Plugin, PluginContext } from '../plugins/types.js';
import type { ClaimStore, DeliverySummary, PayloadStore, PluginRecord, TraceStore } from '../storage/ports.js';
import { generalizeComment, type GenericCommentEvent } from './generic-comment.js';
import { decodeQueuedEvent, numberOf, orgRepoOf } from './queued-event.js';

export interface GitHubProvider {
  /** No credentials: writes are logged, not sent; the trace marks them so. */
  readonly dryRun?: boolean;
  forEvent(repo: RepoRef, installationId?: number): Promise<GitHubClient>;
  botLogin(): Promise<string | undefined>;
}

export interface DispatchDeps {
  config: ConfigAgent;
  github: GitHubProvider;
  claims: ClaimStore;
  traces: TraceStore;
  payloads: PayloadStore;
  registry: readonly Plugin[];
  log: Logger;
  /** How long a claim protects a running plugin: the worker's timeout. */
  leaseMs: number;
  /** Test seam: runs after each plugin's claim is marked done (to simulate a crash). */
  afterPlugin?(delivery: string, plugin: string): void | Promise<void>;
  now?: () => Date;
}

export interface DispatchResult {
  delivery: string;
  outcomes: Record<string, PluginRecord>;
}

export async function dispatch(messageBody: string, deps: DispatchDeps): Promise<DispatchResult> {
  const { log } = deps;
  const message = decodeQueuedEvent(messageBody);
  const payload = message.payload ?? (JSON.parse(await deps.payloads.get(message.payloadRef!)) as Record<string, any>);
  const { delivery, event } = message;
  const at = () => (deps.now?.() ?? new Date()).toISOString();
  const summary: DeliverySummary = {
    delivery,
    event,
    action: typeof payload.action === 'string' ? payload.action : undefined,
    repo: orgRepoOf(payload),
    number: numberOf(payload),
    receivedAt: message.receivedAt,
  };

  if (deps.config.touchedBy(event, payload)) {
    log.info('a push touched the config; reloading', { delivery });
    await deps.config.refresh();
  }
  let snapshot: Awaited<ReturnType<ConfigAgent['get']>>;
  try {
    snapshot = await deps.config.get();
  } catch (error) {
    // No valid config was ever loaded: say so in the trace; the record is retried (and ends in
    // the dead-letter queue if the config stays broken).
    await deps.traces.started(summary, { configError: (error as Error).message });
    await deps.traces.finish(delivery, 'failed');
    throw error;
  }
  const { config, warnings, error: configError } = snapshot;
  if (configError) log.error('serving the last valid config; the newest one is invalid', { delivery, configError });

  const repository = payload.repository as { owner?: { login?: string }; name?: string } | undefined;
  const owner = repository?.owner?.login;
  const name = repository?.name;
  const records: Record<string, PluginRecord> = {};
  const skip = (reason: string): PluginRecord => ({ status: 'skipped', reason, writes: [], attempt: 0, at: at() });

  if (!owner || !name) {
    await deps.traces.started(summary, { configError, configWarnings: warnings, note: 'no repository in the payload' });
    await deps.traces.finish(delivery, 'processed');
    return { delivery, outcomes: records };
  }
  const repo = { owner, repo: name };
  const enabled = new Set(pluginsFor(config, owner, name));
  const comment = generalizeComment(event, payload);
  const botLogin = comment ? await deps.github.botLogin() : undefined;
  const ownComment = Boolean(comment && botLogin && comment.user.login.toLowerCase() === botLogin.toLowerCase());

  const toRun: Plugin[] = [];
  for (const plugin of deps.registry) {
    if (!enabled.has(plugin.name)) records[plugin.name] = skip(`not enabled for ${owner}/${name}`);
    else if (!handles(plugin, event, comment)) records[plugin.name] = skip(`does not handle ${event}${summary.action ? `/${summary.action}` : ''} events`);
    else if (ownComment && !(event === 'pull_request' && plugin.pullRequest)) records[plugin.name] = skip(`the comment is by the bot itself (${botLogin})`);
    else toRun.push(plugin);
  }
  const attempt = await deps.traces.started(summary, { configError, configWarnings: warnings });
  await deps.traces.plugins(delivery, records);

  const github = toRun.length ? await deps.github.forEvent(repo, (payload.installation as { id?: number } | undefined)?.id) : undefined;
  const retry: string[] = [];
  // The longest wait GitHub asked for among the failures, so the record comes back after it.
  let retryAfter: number | undefined;
  for (const plugin of toRun) {
    const claim = await deps.claims.claim(delivery, plugin.name, deps.leaseMs);
    if (claim === 'done') {
      log.info('already done for this delivery; not running again', { delivery, plugin: plugin.name });
      continue;
    }
    if (claim === 'held') {
      retry.push(`${plugin.name}: another worker is running it`);
      continue;
    }
    const writes: string[] = [];
    const ctx: PluginContext = {
      github: recordWrites(github!, writes, deps.github.dryRun ? 'dry-run: ' : ''),
      config: plugin.config ? config.sections[plugin.config.key] : undefined,
      repo,
      log: log.createChild({ persistentKeys: { plugin: plugin.name, delivery } }),
    };
    let record: PluginRecord;
    try {
      const outcome = await runPlugin(plugin, ctx, event, payload, ownComment ? undefined : comment);
      record = { ...outcome, writes, attempt, at: at() };
    } catch (error) {
      const retryable = isRetryable(error);
      const wait = retryable ? retryAfterSeconds(error, (deps.now?.() ?? new Date()).getTime()) : undefined;
      if (wait !== undefined) retryAfter = Math.max(retryAfter ?? 0, wait);
      record = { status: 'failed', error: describe(error), retrying: retryable, ...(wait === undefined ? {} : { retryAfterSeconds: wait }), writes, attempt, at: at() };
      log.error(`plugin ${plugin.name} failed`, { delivery, retryable, retryAfterSeconds: wait, error: error as Error });
    }
    // Outside the try: if marking the claim fails, the event fails and is retried, and the claim
    // stays held until its lease runs out — it is not released for an immediate second run of a
    // plugin that already succeeded.
    if (record.retrying) {
      retry.push(`${plugin.name}: ${record.error}`);
      await deps.claims.release(delivery, plugin.name);
    } else {
      await deps.claims.complete(delivery, plugin.name);
    }
    records[plugin.name] = record;
    await deps.traces.plugins(delivery, { [plugin.name]: record });
    await deps.afterPlugin?.(delivery, plugin.name);
  }

  await deps.traces.finish(delivery, retry.length ? 'failed' : 'processed');
  if (retry.length) {
    const when = retryAfter === undefined ? '' : ` in ${retryAfter} s, when GitHub's rate limit allows`;
    throw new RetryableError(`delivery ${delivery} will be retried${when}: ${retry.join('; ')}`, { retryAfterSeconds: retryAfter });
  }
  return { delivery, outcomes: records };
}

function handles(plugin: Plugin, event: string, comment: GenericCommentEvent | undefined): boolean {
  return Boolean((comment && plugin.commands?.length) || (event === 'pull_request' && plugin.pullRequest));
}

async function runPlugin(
  plugin: Plugin,
  ctx: PluginContext,
  event: string,
  payload: Record<string, unknown>,
  comment: GenericCommentEvent | undefined,
): Promise<Omit<PluginRecord, 'writes' | 'attempt' | 'at'>> {
  const outcomes: Outcome[] = [];
  if (event === 'pull_request' && plugin.pullRequest) {
    outcomes.push((await plugin.pullRequest(ctx, payload as unknown as PullRequestEvent)) ?? { status: 'ran' });
  }
  if (comment && plugin.commands?.length) {
    outcomes.push((await runCommands(plugin, ctx, comment)) ?? { status: 'skipped', reason: 'no command for this plugin in the comment' });
  }
  // One event can reach a plugin both ways (a PR opened with `/hold` in its body): report the
  // part that did something.
  return outcomes.find((o) => o.status !== 'skipped') ?? outcomes[0] ?? { status: 'skipped', reason: 'nothing to do' };
}

/** The client the plugin sees: the same calls, with each write that succeeded noted for the trace. */
function recordWrites(inner: GitHubClient, writes: string[], prefix: string): GitHubClient {
  return interceptWrites(inner, async (method, ref, arg, send) => {
    await send();
    writes.push(`${prefix}${method} ${formatIssueRef(ref)} ${arg}`);
  });
}

function describe(error: unknown): string {
  const e = error as Error & { cause?: Error & { status?: number } };
  const status = e.cause?.status ? ` (HTTP ${e.cause.status})` : '';
  return `${e.message ?? String(error)}${status}`;
}
