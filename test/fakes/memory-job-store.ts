// JobStore in memory, with DynamoJobStore's semantics (test/jobs/store.test.ts runs the same
// contract against both): conditional create and update, a finished state never left, queries
// by pull request / state / name in createdAt order, each periodic's newest run named by a
// pointer that create moves only forward (latestRuns reads it, falling back to byName for names
// without one). Records are copied in and out, so a caller holding one cannot change the store
// behind its back. `writes` records each write readably, `reads` each read.
import { isFinished, type JobChange, type JobRecord, type JobState, type JobStore } from '../../shared/jobs/types.js';

/** A copy without undefined fields at any depth: DynamoDB (removeUndefinedValues) stores them as absent. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Which run a periodic's pointer names, and when that run was made (to tell which of two is newer); neither: no run yet. */
interface Pointer {
  runId?: string;
  runCreatedAt?: string;
}

export class MemoryJobStore implements JobStore {
  readonly #records = new Map<string, JobRecord>();
  readonly #counters = new Map<string, number>();
  readonly #pointers = new Map<string, Pointer>();
  /** `create <id>`, `update <id> v1→v2 state=pending`, `latest <name> → <id>`, … in order. */
  readonly writes: string[] = [];
  /** `get <id>`, `byName <name>`, `latestRuns <name>,<name>`, … in order. */
  readonly reads: string[] = [];

  async create(job: JobRecord): Promise<'created' | 'exists'> {
    if (job.type === 'periodic') this.#pointTo(job.name, job.id, job.createdAt);
    if (this.#records.has(job.id)) return 'exists';
    this.#records.set(job.id, stored(job));
    this.writes.push(`create ${job.id} ${job.name} ${job.state}`);
    return 'created';
  }

  /** A record as a version of Skiff before the pointers made it: no pointer moves. */
  createWithoutPointer(job: JobRecord): void {
    this.#records.set(job.id, stored(job));
    this.writes.push(`create ${job.id} ${job.name} ${job.state} (no pointer)`);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    this.reads.push(`get ${id}`);
    const record = this.#records.get(id);
    return record && structuredClone(record);
  }

  async update(job: JobRecord, change: JobChange): Promise<JobRecord | undefined> {
    const current = this.#records.get(job.id);
    if (!current || current.version !== job.version) return undefined;
    if (change.state !== undefined && isFinished(current.state)) return undefined;
    const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    const next: JobRecord = { ...current, ...stored(defined), version: current.version + 1 };
    this.#records.set(job.id, next);
    this.writes.push(`update ${job.id} ${Object.entries(defined).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`.trimEnd());
    return structuredClone(next);
  }

  async byPull(org: string, repo: string, number: number): Promise<JobRecord[]> {
    this.reads.push(`byPull ${org}/${repo}#${number}`);
    return this.#sorted(
      (r) => r.type === 'presubmit' && r.refs?.org === org && r.refs.repo === repo && r.refs.pulls.length === 1 && r.refs.pulls[0]!.number === number,
      false,
    );
  }

  async byState(state: JobState, limit?: number): Promise<JobRecord[]> {
    this.reads.push(`byState ${state}`);
    return this.#sorted((r) => r.state === state, true, limit);
  }

  async byName(name: string, limit?: number): Promise<JobRecord[]> {
    this.reads.push(`byName ${name}`);
    return this.#sorted((r) => r.name === name, false, limit);
  }

  async latestRuns(names: readonly string[]): Promise<Map<string, JobRecord | undefined>> {
    this.reads.push(`latestRuns ${names.join(',')}`);
    const out = new Map<string, JobRecord | undefined>();
    for (const name of new Set(names)) {
      const pointer = this.#pointers.get(name);
      if (pointer && pointer.runId === undefined) {
        out.set(name, undefined);
        continue;
      }
      const pointed = this.#records.get(pointer?.runId ?? '');
      if (pointed) {
        out.set(name, structuredClone(pointed));
        continue;
      }
      // No pointer (a record from before them), or its record is gone: as DynamoJobStore, the
      // query answers and the pointer catches up (to no run when it found none).
      const found = (await this.byName(name, 1))[0];
      out.set(name, found);
      if (found?.type === 'periodic') this.#pointTo(name, found.id, found.createdAt);
      else if (!found) {
        this.#pointers.set(name, {});
        this.writes.push(`latest ${name} → none`);
      }
    }
    return out;
  }

  async nextBuildNumber(name: string): Promise<string> {
    const n = (this.#counters.get(name) ?? 0) + 1;
    this.#counters.set(name, n);
    return String(n);
  }

  async delete(id: string): Promise<void> {
    this.#records.delete(id);
    this.writes.push(`delete ${id}`);
  }

  /** Every record, for assertions. */
  all(): JobRecord[] {
    return [...this.#records.values()].map((r) => structuredClone(r));
  }

  /** DynamoJobStore's conditional pointer update: only to a run made later (the id breaking a tie). */
  #pointTo(name: string, runId: string, runCreatedAt: string): void {
    const current = this.#pointers.get(name);
    if (current?.runId !== undefined && (current.runId === runId || current.runCreatedAt! > runCreatedAt || (current.runCreatedAt === runCreatedAt && current.runId >= runId))) return;
    this.#pointers.set(name, { runId, runCreatedAt });
    this.writes.push(`latest ${name} → ${runId}`);
  }

  #sorted(keep: (r: JobRecord) => boolean, ascending: boolean, limit?: number): JobRecord[] {
    const found = [...this.#records.values()].filter(keep).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    if (!ascending) found.reverse();
    return found.slice(0, limit ?? found.length).map((r) => structuredClone(r));
  }
}
