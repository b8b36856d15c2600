// An in-memory ClaimStore and TraceStore with DynamoStore's semantics (shared/storage/dynamo-store.ts),
// for dispatch tests that should not need dynalite:
// - a claim is `claimed` when free or when its lease ran out (`leaseUntil < now`, strictly, as the
//   condition expression says), `done` once completed, `held` otherwise;
// - `release` gives up only a running claim; a completed one stays done;
// - a trace's `queued` never overwrites a worker's progress, `started` bumps `attempts` and
//   replaces (or removes) the config problems, `plugins` sets only the named plugins' records.
// The clock is injectable, so a test can let a lease run out without waiting. Every call is
// recorded readably (`claim d1#hold → claimed`), and the next call of a method can be made to fail.
import type { CacheStore, ClaimResult, ClaimStore, DeliverySummary, JournaledWrite, PluginHelpDocument, PluginHelpStore, PluginRecord, Trace, TraceStore } from '../../shared/storage/ports.js';

type Method = keyof ClaimStore | keyof TraceStore | keyof CacheStore | keyof PluginHelpStore;

interface Claim {
  /** `released`: given up after a retryable failure; free to claim, journal kept (as DynamoStore keeps the item). */
  state: 'running' | 'released' | 'done';
  leaseUntil?: number;
  /** Kept across re-claims, as DynamoStore keeps the item's journal. */
  journal?: JournaledWrite[];
}

/** What DynamoStore keeps in a `delivery#<id>` item, minus the key and the TTL. */
type TraceItem = Partial<Omit<Trace, 'plugins'>> & { plugins: Record<string, PluginRecord> };

export class MemoryStore implements ClaimStore, TraceStore, CacheStore, PluginHelpStore {
  /** Every call in order, e.g. `claim d1#hold → held`, `complete d1#size`, `finish d1 processed`. */
  readonly calls: string[] = [];

  readonly #claims = new Map<string, Claim>();
  readonly #traces = new Map<string, TraceItem>();
  readonly #failures = new Map<Method, Error[]>();
  readonly #cache = new Map<string, { value: Uint8Array; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The next call of `method` is recorded, then rejects with `error`; queued per method. */
  failNext(method: Method, error: Error): this {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), error]);
    return this;
  }

  /** `running` (with its lease), `done`, or undefined when nobody holds it. */
  claimOf(delivery: string, plugin: string): Claim | undefined {
    const claim = this.#claims.get(`${delivery}#${plugin}`);
    if (!claim || claim.state === 'released') return undefined;
    const { journal: _journal, ...state } = claim;
    return state;
  }

  // ClaimStore.

  async claim(delivery: string, plugin: string, leaseMs: number): Promise<ClaimResult> {
    this.#fail('claim', `claim ${delivery}#${plugin}`);
    const key = `${delivery}#${plugin}`;
    const now = this.now();
    const current = this.#claims.get(key);
    let result: ClaimResult;
    if (!current || current.state === 'released' || (current.state === 'running' && current.leaseUntil! < now)) {
      this.#claims.set(key, { state: 'running', leaseUntil: now + leaseMs, journal: current?.journal ?? [] });
      result = 'claimed';
    } else {
      result = current.state === 'done' ? 'done' : 'held';
    }
    this.calls.push(`claim ${key} → ${result}`);
    return result;
  }

  async complete(delivery: string, plugin: string): Promise<void> {
    this.#fail('complete', `complete ${delivery}#${plugin}`);
    const key = `${delivery}#${plugin}`;
    this.#claims.set(key, { state: 'done', journal: this.#claims.get(key)?.journal ?? [] });
  }

  async journaled(delivery: string, plugin: string): Promise<JournaledWrite[]> {
    return [...(this.#claims.get(`${delivery}#${plugin}`)?.journal ?? [])].sort((a, b) => a.n - b.n);
  }

  async journal(delivery: string, plugin: string, write: JournaledWrite): Promise<void> {
    this.#fail('journal', `journal ${delivery}#${plugin}#${write.n}`);
    const claim = this.#claims.get(`${delivery}#${plugin}`);
    if (claim?.state !== 'running') throw new Error(`no running claim ${delivery}#${plugin} to journal a write under`);
    claim.journal = [...(claim.journal ?? []).filter((w) => w.n !== write.n), { ...write }];
  }

  // PluginHelpStore.

  #pluginHelp: string | undefined;

  async publishPluginHelp(document: PluginHelpDocument): Promise<void> {
    this.#fail('publishPluginHelp', 'publishPluginHelp');
    this.#pluginHelp = JSON.stringify(document);
  }

  async getPluginHelp(): Promise<PluginHelpDocument | undefined> {
    this.#fail('getPluginHelp', 'getPluginHelp');
    return this.#pluginHelp === undefined ? undefined : (JSON.parse(this.#pluginHelp) as PluginHelpDocument);
  }

  // CacheStore.

  async getCached(key: string): Promise<Uint8Array | undefined> {
    this.#fail('getCached', `getCached ${key}`);
    const hit = this.#cache.get(key);
    return hit && hit.until > this.now() ? hit.value : undefined;
  }

  async putCached(key: string, value: Uint8Array, ttlSeconds: number): Promise<void> {
    this.#fail('putCached', `putCached ${key}`);
    this.#cache.set(key, { value, until: this.now() + ttlSeconds * 1000 });
  }

  async release(delivery: string, plugin: string): Promise<void> {
    this.#fail('release', `release ${delivery}#${plugin}`);
    const key = `${delivery}#${plugin}`;
    const claim = this.#claims.get(key);
    if (claim?.state === 'running') this.#claims.set(key, { state: 'released', journal: claim.journal ?? [] });
  }

  // TraceStore.

  async queued(summary: DeliverySummary): Promise<void> {
    this.#fail('queued', `queued ${summary.delivery}`);
    const item = this.#item(summary.delivery);
    this.#summary(item, summary);
    item.status ??= 'queued';
    item.updatedAt ??= summary.receivedAt;
    item.attempts ??= 0;
  }

  async forget(delivery: string): Promise<void> {
    this.#fail('forget', `forget ${delivery}`);
    const item = this.#traces.get(delivery);
    if (item?.status === 'queued' && item.attempts === 0) this.#traces.delete(delivery);
  }

  async started(summary: DeliverySummary, info: { configError?: string; configWarnings?: string[]; notImplemented?: string[]; note?: string }): Promise<number> {
    this.#fail('started', `started ${summary.delivery}`);
    const item = this.#item(summary.delivery);
    this.#summary(item, summary);
    item.status ??= 'queued';
    item.updatedAt = this.#iso();
    set(item, 'configError', info.configError);
    set(item, 'configWarnings', info.configWarnings?.length ? [...info.configWarnings] : undefined);
    set(item, 'notImplemented', info.notImplemented?.length ? [...info.notImplemented] : undefined);
    set(item, 'note', info.note);
    item.attempts = (item.attempts ?? 0) + 1;
    return item.attempts;
  }

  async plugins(delivery: string, records: Record<string, PluginRecord>): Promise<void> {
    const names = Object.keys(records);
    this.#fail('plugins', `plugins ${delivery} ${names.join(',')}`);
    // DynamoStore sends nothing for an empty map.
    if (!names.length) return;
    const item = this.#item(delivery);
    for (const [name, record] of Object.entries(records)) item.plugins[name] = structuredClone(record);
    item.updatedAt = this.#iso();
  }

  async finish(delivery: string, status: 'processed' | 'failed', info: { error?: string } = {}): Promise<void> {
    this.#fail('finish', `finish ${delivery} ${status}`);
    const item = this.#item(delivery);
    item.status = status;
    set(item, 'error', info.error);
    item.updatedAt = this.#iso();
  }

  async get(delivery: string): Promise<Trace | undefined> {
    const item = this.#traces.get(delivery);
    return item && ({ ...structuredClone(item), delivery } as Trace);
  }

  #item(delivery: string): TraceItem {
    let item = this.#traces.get(delivery);
    if (!item) this.#traces.set(delivery, (item = { plugins: {} }));
    return item;
  }

  /** The summary fields as DynamoStore writes them: set, or removed when undefined; receivedAt kept. */
  #summary(item: TraceItem, summary: DeliverySummary): void {
    set(item, 'event', summary.event);
    set(item, 'action', summary.action);
    set(item, 'repo', summary.repo);
    set(item, 'number', summary.number);
    item.receivedAt ??= summary.receivedAt;
  }

  #iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Records the call (claims record theirs with the result), then throws a queued failure. */
  #fail(method: Method, line: string): void {
    if (method !== 'claim') this.calls.push(line);
    const failure = this.#failures.get(method)?.shift();
    if (!failure) return;
    if (method === 'claim') this.calls.push(`${line} → error`);
    throw failure;
  }
}

/** DynamoDB has no undefined: setting one removes the attribute. */
function set<K extends keyof TraceItem>(item: TraceItem, key: K, value: TraceItem[K] | undefined): void {
  if (value === undefined) delete item[key];
  else item[key] = value;
}
