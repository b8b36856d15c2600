// The plugin fan-out (Prow's hook → plugins). For one queued event: load the config, find the
// plugins enabled for the repo, normalise comment-like events, and run each plugin in
// isolation under an exactly-once claim, recording what it did (or why not) in the trace.
//
// What fails ends one of two ways. Worth retrying (network, timeouts, 5xx, 429, rate limits,
// AWS): dispatch throws a retryable error, the SQS record is retried, and plugins that already
// finished are not run again. Not worth retrying (a malformed event, a bug, a 4xx): inside a
// plugin, it is that plugin's `failed` record and the others carry on; outside any plugin, the
// trace ends `failed` with the `error`, and dispatch throws it for the worker to acknowledge the
// record — five identical attempts would only block its FIFO group and fill the dead-letter queue.
//
// The event acts on one identity only: the `owner/repo` whose webhook secret verified it
// (`target` in the queued message), never on other repository fields of the payload.
//
// Each plugin sees GitHub through layers built from the method table in github/client.ts
// (plugin-client.ts): the one-repository guard, then the write journal and the trace recorder,
// then reads memoised for the whole delivery, so two plugins asking the same question cost one call.
import type { ConfigAgent } from '../config/agent.js';
import type { SkiffConfig } from '../config/schema.js';
import { externalPluginsFor, type ExternalPluginsSection } from '../config/external-plugins.js';
import { notImplementedFor, pluginsFor } from '../config/parse.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { meteredBudget } from '../github/budget-gate.js';
import { githubSection, type BudgetSettings } from '../github/budget-settings.js';
import { withGitHubDeadline } from '../github/deadline.js';
import { emptyUsage, usedGitHub, withGitHubUsage } from '../github/github-usage.js';
import { describeError, isRetryable, RetryableError, retryAfterSeconds, stackOf } from '../github/errors.js';
import type { JobsRuntime } from '../jobs/runtime.js';
import type { Logger } from '../log.js';
import { runCommands } from '../plugins/commands.js';
import type { Outcome, Plugin, PluginContext, PluginEvent } from '../plugins/types.js';
import { createTrust } from '../plugins/trust.js';
import { unknownCommands } from '../plugins/unknown-commands.js';
import { skiffSection, type SkiffSection } from '../config/skiff-section.js';
import { triggerFor, triggersSection, type TriggerEntry } from '../config/triggers-section.js';
import type { CacheStore, ClaimStore, DeliverySummary, EventQueue, PayloadStore, PluginHelpStore, PluginRecord, TraceStore } from '../storage/ports.js';
import { pluginCatalog } from '../plugins/help.js';
import { confine, journaledClient, memoisedClient, ownersAccess } from './plugin-client.js';
import { forwardTraceKey, queueForwards } from './forward.js';
import { generalizeComment, type GenericCommentEvent } from './generic-comment.js';
import { decodeQueuedEvent, groupIdOf, numberOf, orgRepoOf, type QueuedEvent } from './queued-event.js';
import { missingFields } from './required-fields.js';

export interface GitHubProvider {
  /** No credentials: writes are logged, not sent; the trace marks them so. */
  readonly dryRun?: boolean;
  forEvent(repo: RepoRef, installationId?: number): Promise<GitHubClient>;
  botLogin(): Promise<string | undefined>;
  /** A repository label was created, edited or deleted: reuse no kept list of them (github/etag-cache.ts). */
  repoLabelsChanged?(repo: RepoRef): void;
}

export interface DispatchDeps {
  config: ConfigAgent;
  github: GitHubProvider;
  claims: ClaimStore;
  traces: TraceStore;
  payloads: PayloadStore;
  /** Shared across containers: OWNERS parsed by tree SHA. Without it, only this process's memory caches them. */
  cache?: CacheStore;
  /** Where the plugin catalog for `GET /api/plugin-help` is published when a new config is first served. */
  pluginHelp?: PluginHelpStore;
  registry: readonly Plugin[];
  log: Logger;
  /** How long a claim protects a running plugin: a record's worst case (recordTiming in worker.ts). */
  leaseMs: number;
  /**
   * How long one record's GitHub requests may take in all; at that deadline they stop and the
   * record fails, to be retried. Without it, only each request's own time limit applies.
   */
  recordGitHubMs?: number;
  /** The longest one record can take; the worker starts a record only with this much time left. Default: `leaseMs`. */
  worstCaseRecordMs?: number;
  /** Forwarding to external plugins (hook/forward.ts); without it, they are recorded as not forwarded. */
  forwarding?: ForwardingDeps;
  /** Jobs (trigger, skip, override): without it, `ctx.jobs` is absent and those plugins say so. */
  jobs?: JobsRuntime;
  /** The shared GitHub budget's limits, which take the config's `github.budget` as each event is served. */
  budgetSettings?: Pick<BudgetSettings, 'use'>;
  /** Test seam: runs after each plugin's claim is marked done; a throw stands for a crash there. */
  afterPlugin?(delivery: string, plugin: string): void | Promise<void>;
  now?: () => Date;
}

export interface ForwardingDeps {
  /** Where forward steps are queued: a queue of their own, so a slow endpoint never holds up events. */
  queue: EventQueue;
  /** Longest one forward may take (SKIFF_FORWARD_TIMEOUT_MS), its redirects and answer included. */
  timeoutMs: number;
  /** SQS's message size limit (receive.ts sqsMaxMessageBytes unless a test says otherwise). */
  maxMessageBytes: number;
  fetch?: typeof fetch;
}

export interface DispatchResult {
  delivery: string;
  outcomes: Record<string, PluginRecord>;
}

/** The queued message or its payload is not an event this worker can act on; not retried. */
export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** A plugin called GitHub for a repository other than its event's; refused, not retried. */
export class ForeignRepoError extends Error {
  override name = 'ForeignRepoError';
}

export async function dispatch(messageBody: string, deps: DispatchDeps): Promise<DispatchResult> {
  let message: QueuedEvent;
  try {
    message = decodeQueuedEvent(messageBody);
  } catch (cause) {
    throw new MalformedEventError(`cannot read the queued event: ${describeError(cause)}`, { cause });
  }
  const work = () => dispatchEvent(message, messageBody, deps);
  return deps.recordGitHubMs === undefined ? work() : withGitHubDeadline(deps.recordGitHubMs, work);
}

async function dispatchEvent(message: QueuedEvent, messageBody: string, deps: DispatchDeps): Promise<DispatchResult> {
  const { log } = deps;
  const { delivery, event } = message;
  const at = () => (deps.now?.() ?? new Date()).toISOString();
  let summary: DeliverySummary = { delivery, event, repo: message.target || undefined, receivedAt: message.receivedAt };
  /** Whether this attempt is in the trace yet (an error before that still has to put it there). */
  let started = false;
  const start = async (info: Parameters<TraceStore['started']>[1]) => {
    const attempt = await deps.traces.started(summary, info);
    started = true;
    return attempt;
  };
  try {
    const payload = await payloadOf(message, deps);
    const target = targetOf(message, payload);
    summary = {
      ...summary,
      action: typeof payload.action === 'string' ? payload.action : undefined,
      repo: message.target || orgRepoOf(payload),
      number: numberOf(payload),
    };
    const missing = missingFields(event, payload);
    if (missing.length) throw new MalformedEventError(`a ${event} event without ${missing.join(', ')}`);

    // The container that receives it drops its kept list at once; the others keep theirs for at
    // most its two minutes. Before the plugins, whichever of them are enabled.
    if (event === 'label' && target?.repo) deps.github.repoLabelsChanged?.({ owner: target.owner, repo: target.repo });

    if (deps.config.touchedBy(event, payload)) {
      log.info('a push touched the config; reloading', { delivery });
      await deps.config.refresh();
    }
    let snapshot: Awaited<ReturnType<ConfigAgent['get']>>;
    try {
      snapshot = await deps.config.get();
    } catch (error) {
      // No valid config was ever loaded: say so in the trace. Fixing the config (or GitHub coming
      // back) makes the event succeed, so it is retried, and ends in the dead-letter queue if the
      // config stays broken.
      await start({ configError: (error as Error).message });
      await deps.traces.finish(delivery, 'failed');
      throw new RetryableError(`no valid config to serve delivery ${delivery} with: ${describeError(error)}`, { cause: error });
    }
    const { config, warnings, error: configError } = snapshot;
    deps.budgetSettings?.use(config.sections[githubSection.key]);
    if (configError) log.error('serving the last valid config; the newest one is invalid', { delivery, configError });
    await publishPluginHelp(config, deps, at);

    const records: Record<string, PluginRecord> = {};
    const skip = (reason: string): PluginRecord => ({ status: 'skipped', reason, writes: [], attempt: 0, at: at() });

    if (!target?.repo) {
      const note = target ? `an organization event (${target.owner}): no repository to act on` : 'no repository in the payload';
      await start({ configError, configWarnings: warnings, note });
      await deps.traces.finish(delivery, 'processed');
      return { delivery, outcomes: records };
    }
    const repo: RepoRef = { owner: target.owner, repo: target.repo };
    const enabled = new Set(pluginsFor(config, repo.owner, repo.repo));
    const generic = generalizeComment(event, payload);
    // Commands act on the event's identity, whatever the payload's other fields say.
    const comment = generic && { ...generic, repo };
    // Every event with a plugin enabled asks (resolved once per container): plugins recognise the
    // bot's own comments by it on any event, not only on comments.
    const botLogin = comment || enabled.size ? await deps.github.botLogin() : undefined;
    const ownComment = Boolean(comment && botLogin && comment.user.login.toLowerCase() === botLogin.toLowerCase());
    const where = `${repo.owner}/${repo.repo}`;

    const toRun: Plugin[] = [];
    for (const plugin of deps.registry) {
      if (!enabled.has(plugin.name)) records[plugin.name] = skip(`not enabled for ${where}`);
      else if (!handles(plugin, event, comment)) records[plugin.name] = skip(`does not handle ${event}${summary.action ? `/${summary.action}` : ''} events`);
      else if (ownComment && !handlerFor(plugin, event)) records[plugin.name] = skip(`the comment is by the bot itself (${botLogin})`);
      else toRun.push(plugin);
    }
    const notImplemented = notImplementedFor(config, repo.owner, repo.repo, event, deps.registry);
    // Beyond Prow, when the config asks: commands nobody understood get an answer (unknown-commands.ts).
    const skiff = (config.sections[skiffSection.key] ?? skiffSection.schema.parse(undefined)) as SkiffSection;
    if (comment && !ownComment && skiff.unknownCommands === 'reply') {
      const forwarded = externalPluginsFor(config.externalPlugins, repo.owner, repo.repo, event).length > 0;
      toRun.push(unknownCommands({ enabled: deps.registry.filter((p) => enabled.has(p.name)), notImplemented: notImplemented ?? [], forwarded }));
    }
    const attempt = await start({ configError, configWarnings: warnings, notImplemented });
    await deps.traces.plugins(delivery, records);
    // External plugins get the event through queued steps of their own, sent while the built-in
    // plugins run so that neither waits for the other (awaited below).
    const forwarding = forwardExternal(message, messageBody, payload, config, repo, deps, at);
    forwarding.catch(() => undefined);

    const installation = (payload.installation as { id?: unknown } | undefined)?.id;
    const eventClient = toRun.length ? await deps.github.forEvent(repo, Number.isSafeInteger(installation) ? (installation as number) : undefined) : undefined;
    // Reads shared by every plugin of this delivery; a write makes the changeable ones stale.
    const github = eventClient && memoisedClient(eventClient);
    const owners = github && ownersAccess(config.sections, repo, github, deps.cache, log);
    const trigger = triggerFor(config.sections[triggersSection.key] as TriggerEntry[] | undefined, repo.owner, repo.repo);
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
      const checks: string[] = [];
      const note = (line: string) => void checks.push(line);
      const journal = await deps.claims.journaled(delivery, plugin.name);
      const client = confine(
        journaledClient(github!, { claims: deps.claims, delivery, plugin: plugin.name, journal, writes, prefix: deps.github.dryRun ? 'dry-run: ' : '' }),
        repo,
        (ref) => new ForeignRepoError(`${plugin.name} tried to act on ${ref.owner}/${ref.repo}, but this event is for ${repo.owner}/${repo.repo}`),
      );
      const ctx: PluginContext = {
        github: client,
        config: plugin.config && Object.hasOwn(config.sections, plugin.config.key) ? config.sections[plugin.config.key] : undefined,
        repo,
        log: log.createChild({ persistentKeys: { plugin: plugin.name, delivery } }),
        delivery,
        botLogin,
        trust: createTrust(client, repo, note, { trigger, botLogin }),
        owners: owners!.forPlugin(note),
        note,
        ...(deps.jobs ? { jobs: deps.jobs.accessFor(repo, client, snapshot.jobs, Number.isSafeInteger(installation) ? (installation as number) : undefined) } : {}),
      };
      let record: PluginRecord;
      // The plugin's own GitHub calls, counted by the Octokit hook (github/etag-cache.ts), and the
      // time its requests waited for the shared budget (budget-gate.ts).
      const usage = emptyUsage();
      const used = () => (usedGitHub(usage) ? { github: { ...usage } } : {});
      const metered = await meteredBudget(() => withGitHubUsage(usage, () => runPlugin(plugin, ctx, event, payload, ownComment ? undefined : comment)));
      const waited = metered.budgetWaitMs ? { budgetWaitMs: metered.budgetWaitMs } : {};
      try {
        if ('error' in metered) throw metered.error;
        record = { ...metered.result, writes, ...(checks.length ? { checks } : {}), ...used(), ...waited, attempt, at: at() };
      } catch (error) {
        const retryable = isRetryable(error);
        const wait = retryable ? retryAfterSeconds(error, (deps.now?.() ?? new Date()).getTime()) : undefined;
        if (wait !== undefined) retryAfter = Math.max(retryAfter ?? 0, wait);
        record = {
          status: 'failed',
          error: describeError(error),
          retrying: retryable,
          ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
          writes,
          ...(checks.length ? { checks } : {}),
          ...used(),
          ...waited,
          attempt,
          at: at(),
        };
        // One line at error level; the stack only at debug (a GitHub error's stacks run to kilobytes).
        log.error(`plugin ${plugin.name} failed`, { delivery, plugin: plugin.name, retryable, retryAfterSeconds: wait, error: record.error });
        log.debug(`plugin ${plugin.name} failed: stack`, { delivery, plugin: plugin.name, stack: stackOf(error) });
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
      try {
        await deps.afterPlugin?.(delivery, plugin.name);
      } catch (cause) {
        // A crash here, simulated: the record comes back as it would after one, with nothing more written.
        throw new RetryableError(`the worker stopped after ${plugin.name}: ${describeError(cause)}`, { cause });
      }
    }

    // A failed send fails the record (retried): the built-ins that finished are not run again.
    const forwardRecords = await forwarding;
    if (Object.keys(forwardRecords).length) {
      Object.assign(records, forwardRecords);
      await deps.traces.plugins(delivery, forwardRecords);
    }
    await deps.traces.finish(delivery, retry.length ? 'failed' : 'processed');
    if (retry.length) {
      const when = retryAfter === undefined ? '' : ` in ${retryAfter} s, when GitHub's rate limit allows`;
      throw new RetryableError(`delivery ${delivery} will be retried${when}: ${retry.join('; ')}`, { retryAfterSeconds: retryAfter });
    }
    return { delivery, outcomes: records };
  } catch (error) {
    if (isRetryable(error)) throw error;
    // Ends here: the trace says why, and the worker acknowledges the record.
    if (!started) await start({});
    await deps.traces.finish(delivery, 'failed', { error: describeError(error) });
    throw error;
  }
}

/**
 * Queues the event for each external plugin that wants it (Prow's needDemux: the org's entries,
 * then the repository's, by event). Returns the records of those it cannot be forwarded to.
 */
async function forwardExternal(
  message: QueuedEvent,
  messageBody: string,
  payload: Record<string, unknown>,
  config: { externalPlugins?: ExternalPluginsSection },
  repo: RepoRef,
  deps: DispatchDeps,
  at: () => string,
): Promise<Record<string, PluginRecord>> {
  const plugins = externalPluginsFor(config.externalPlugins, repo.owner, repo.repo, message.event);
  if (!plugins.length) return {};
  if (!deps.forwarding) {
    return Object.fromEntries(plugins.map((p) => [forwardTraceKey(p.name), { status: 'skipped', reason: 'this worker does not forward to external plugins', writes: [], attempt: 0, at: at() } satisfies PluginRecord]));
  }
  const { queue, maxMessageBytes } = deps.forwarding;
  return queueForwards({ message, body: messageBody, group: groupIdOf(payload), plugins }, { queue, payloads: deps.payloads, maxMessageBytes }, at);
}

/** The payload: inline, or from the payload store when it was too large for the message. */
async function payloadOf(message: QueuedEvent, deps: DispatchDeps): Promise<Record<string, any>> {
  let payload: unknown = message.payload;
  if (payload === undefined) {
    const text = await deps.payloads.get(message.payloadRef!);
    try {
      payload = JSON.parse(text);
    } catch (cause) {
      throw new MalformedEventError(`the stored payload of delivery ${message.delivery} is not JSON`, { cause });
    }
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new MalformedEventError(`the payload of delivery ${message.delivery} is not a JSON object`);
  }
  return payload as Record<string, any>;
}

/**
 * The one repository (or org) the event may act on: the queued `target`, the identity whose
 * secret verified the signature. Messages queued before it was recorded fall back to
 * `repository.full_name` — which chose the secret then too — never to `repository.owner.login`
 * and `repository.name`, which the signature does not vouch for.
 */
function targetOf(message: QueuedEvent, payload: Record<string, any>): { owner: string; repo?: string } | undefined {
  const fullName: unknown = payload.repository?.full_name;
  const name = message.target || (typeof fullName === 'string' && fullName ? fullName : undefined);
  if (!name) return undefined;
  const [owner, repo, ...rest] = name.split('/');
  if (!owner || repo === '' || rest.length) throw new MalformedEventError(`the event's target "${name}" is neither an org nor owner/repo`);
  return { owner, repo };
}

/** Configs this container has published the plugin catalog for (a config object per loaded version). */
const published = new WeakSet<object>();

/**
 * The catalog `GET /api/plugin-help` answers from, once per config version and container. Never a
 * reason to fail the event: the next new config or container publishes it again.
 */
async function publishPluginHelp(config: SkiffConfig, deps: DispatchDeps, at: () => string): Promise<void> {
  if (!deps.pluginHelp || published.has(config)) return;
  try {
    await deps.pluginHelp.publishPluginHelp({ updatedAt: at(), source: deps.config.source.description, repos: { ...config.plugins }, catalog: pluginCatalog(deps.registry) });
    published.add(config);
  } catch (error) {
    deps.log.warn('could not publish the plugin catalog; GET /api/plugin-help serves the last one', { error: describeError(error) });
  }
}

/** The plugin's handler for this webhook event, if it declares one. */
function handlerFor(plugin: Plugin, event: string) {
  const handlers = plugin.on ?? {};
  return Object.hasOwn(handlers, event) ? handlers[event as PluginEvent] : undefined;
}

function handles(plugin: Plugin, event: string, comment: GenericCommentEvent | undefined): boolean {
  return Boolean((comment && (plugin.commands?.length || plugin.comment)) || handlerFor(plugin, event));
}

async function runPlugin(
  plugin: Plugin,
  ctx: PluginContext,
  event: string,
  payload: Record<string, unknown>,
  comment: GenericCommentEvent | undefined,
): Promise<Omit<PluginRecord, 'writes' | 'attempt' | 'at'>> {
  const outcomes: Outcome[] = [];
  const handler = handlerFor(plugin, event) as ((ctx: PluginContext, payload: unknown) => Promise<Outcome | void>) | undefined;
  if (handler) outcomes.push((await handler(ctx, payload)) ?? { status: 'ran' });
  if (comment && plugin.commands?.length) {
    outcomes.push((await runCommands(plugin, ctx, comment)) ?? { status: 'skipped', reason: 'no command for this plugin in the comment' });
  }
  if (comment && plugin.comment) outcomes.push((await plugin.comment(ctx, comment)) ?? { status: 'ran' });
  // One event can reach a plugin more than one way (a PR opened with `/hold` in its body): report
  // the part that did something.
  return outcomes.find((o) => o.status !== 'skipped') ?? outcomes[0] ?? { status: 'skipped', reason: 'nothing to do' };
}
