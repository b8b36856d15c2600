// JobStore in memory, with DynamoJobStore's semantics (test/jobs/store.test.ts runs the same
// contract against both): conditional create and update, a finished state never left, queries
// by pull request / state / name in createdAt order. Records are copied in and out, so a caller
// holding one cannot change the store behind its back. `writes` records each write readably.
import { isFinished, type JobChange, type JobRecord, type JobState, type JobStore } from '../../shared/jobs/types.js';

/** A copy without undefined fields at any depth: DynamoDB (removeUndefinedValues) stores them as absent. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryJobStore implements JobStore {
  readonly #records = new Map<string, JobRecord>();
  readonly #counters = new Map<string, number>();
  /** `create <id>`, `update <id> v1→v2 state=pending`, … in order. */
  readonly writes: string[] = [];

  async create(job: JobRecord): Promise<'created' | 'exists'> {
    if (this.#records.has(job.id)) return 'exists';
    this.#records.set(job.id, stored(job));
    this.writes.push(`create ${job.id} ${job.name} ${job.state}`);
    return 'created';
  }

  async get(id: string): Promise<JobRecord | undefined> {
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
    return this.#sorted(
      (r) => r.type === 'presubmit' && r.refs?.org === org && r.refs.repo === repo && r.refs.pulls.length === 1 && r.refs.pulls[0]!.number === number,
      false,
    );
  }

  async byState(state: JobState, limit?: number): Promise<JobRecord[]> {
    return this.#sorted((r) => r.state === state, true, limit);
  }

  async byName(name: string, limit?: number): Promise<JobRecord[]> {
    return this.#sorted((r) => r.name === name, false, limit);
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

  #sorted(keep: (r: JobRecord) => boolean, ascending: boolean, limit?: number): JobRecord[] {
    const found = [...this.#records.values()].filter(keep).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    if (!ascending) found.reverse();
    return found.slice(0, limit ?? found.length).map((r) => structuredClone(r));
  }
}
