// A JobsAccess for plugin tests (trigger, skip, override): job config as given, the pull request's
// job records as seeded, and every trigger, abort and finished record (override) recorded readably. Records are keyed by cause
// and job name as the real store keys them (deterministically), so the same delivery triggering a
// job twice makes one record — what a redelivered event must do.
import type { JobConfig, JobRecord, JobRequest, JobsAccess, Postsubmit, Presubmit, PresubmitsForPull } from '../../shared/jobs/types.js';

export interface FakeJobsOptions {
  /** By `org/repo`. */
  presubmits?: Record<string, Presubmit[]>;
  postsubmits?: Record<string, Postsubmit[]>;
  /** The repository this access is for (`org/repo`), as the dispatcher binds it per delivery. */
  repo?: string;
  /** `.prow.yaml`'s jobs, added to the central ones; or its load error. */
  inRepo?: { jobs?: Presubmit[]; error?: string };
  /** The pull requests' earlier records, by number, newest first (records made here come before them). */
  pulls?: Record<number, JobRecord[]>;
  /** Job names whose record cannot be made (trigger throws for them). */
  failing?: string[];
}

export class FakeJobsAccess implements JobsAccess {
  readonly config: JobConfig;
  /** `presubmit pull-foo #1@abc by alice`, one line per record made, in order. */
  readonly triggered: string[] = [];
  /** The requests of every trigger call, as given. */
  readonly requests: JobRequest[] = [];
  /** `pull-foo: Aborted by trigger plugin.`, one line per job aborted. */
  readonly aborted: string[] = [];
  /** `presubmit pull-foo #1@abc success "Overridden by admin"`, one line per finished record made (override). */
  readonly recorded: string[] = [];
  /** `presubmitsFor #1 base main@b1 head h1`, `postsubmitsFor main@abc`, `forPull #1`. */
  readonly reads: string[] = [];

  readonly #repo: string;
  readonly #inRepo: FakeJobsOptions['inRepo'];
  readonly #pulls: Record<number, JobRecord[]>;
  readonly #failing: Set<string>;
  readonly #records = new Map<string, JobRecord>();

  constructor(options: FakeJobsOptions = {}) {
    this.#repo = options.repo ?? 'acme/widgets';
    this.#inRepo = options.inRepo;
    this.#pulls = options.pulls ?? {};
    this.#failing = new Set(options.failing ?? []);
    const presubmits = options.presubmits ?? {};
    this.config = {
      presubmits,
      postsubmits: options.postsubmits ?? {},
      periodics: [],
      maxConcurrency: 0,
      maxJobAgeMs: 7 * 24 * 3600 * 1000,
      inRepoConfigEnabled: (org, repo) => options.inRepo !== undefined && `${org}/${repo}` === this.#repo,
      warnings: [],
    };
  }

  async presubmitsFor(pull: { number: number; baseRef: string; baseSha: string; headSha: string }): Promise<PresubmitsForPull> {
    this.reads.push(`presubmitsFor #${pull.number} base ${pull.baseRef}@${pull.baseSha} head ${pull.headSha}`);
    const central = this.config.presubmits[this.#repo] ?? [];
    if (!this.#inRepo) return { jobs: central };
    if (this.#inRepo.error !== undefined) return { jobs: central, inRepoError: this.#inRepo.error };
    return { jobs: [...central, ...(this.#inRepo.jobs ?? [])] };
  }

  async postsubmitsFor(baseRef: string, sha: string): Promise<Postsubmit[]> {
    this.reads.push(`postsubmitsFor ${baseRef}@${sha}`);
    return this.config.postsubmits[this.#repo] ?? [];
  }

  async trigger(requests: JobRequest[]): Promise<JobRecord[]> {
    const failing = requests.find((r) => this.#failing.has(r.definition.name));
    if (failing) throw new Error(`failed to create job ${failing.definition.name}`);
    const made: JobRecord[] = [];
    for (const request of requests) {
      this.requests.push(request);
      const key = `${request.cause}\0${request.definition.name}`;
      const existing = this.#records.get(key);
      if (existing) {
        made.push(existing);
        continue;
      }
      const record = recordFor(request, this.#records.size + 1);
      this.#records.set(key, record);
      const pull = request.refs?.pulls[0];
      this.triggered.push(`${request.type} ${request.definition.name}${pull ? ` #${pull.number}@${pull.sha}` : ` ${request.refs?.baseRef}@${request.refs?.baseSha}`} by ${request.requestedBy}`);
      made.push(record);
    }
    return made;
  }

  async recordFinished(request: JobRequest, outcome: { state: 'success' | 'failure' | 'aborted' | 'error'; description: string; url?: string }): Promise<JobRecord> {
    if (this.#failing.has(request.definition.name)) throw new Error(`failed to create job ${request.definition.name}`);
    this.requests.push(request);
    const key = `${request.cause}\0${request.definition.name}`;
    const existing = this.#records.get(key);
    if (existing) return existing;
    const record: JobRecord = { ...recordFor(request, this.#records.size + 1), state: outcome.state, description: outcome.description, reportedState: outcome.state, ...(outcome.url ? { url: outcome.url } : {}) };
    this.#records.set(key, record);
    const pull = request.refs?.pulls[0];
    this.recorded.push(`${request.type} ${request.definition.name}${pull ? ` #${pull.number}@${pull.sha}` : ''} ${outcome.state} ${JSON.stringify(outcome.description)}`);
    return record;
  }

  /** The records made here for the pull request (newest first), then the seeded ones. */
  async forPull(number: number): Promise<JobRecord[]> {
    this.reads.push(`forPull #${number}`);
    const made = this.made.filter((job) => job.refs?.pulls[0]?.number === number).reverse();
    return [...made, ...(this.#pulls[number] ?? [])];
  }

  async abort(jobs: JobRecord[], description: string): Promise<void> {
    for (const job of jobs) this.aborted.push(`${job.name}: ${description}`);
  }

  /** The records made, by job name. */
  get made(): JobRecord[] {
    return [...this.#records.values()];
  }
}

function recordFor(request: JobRequest, n: number): JobRecord {
  const definition = request.definition;
  return {
    id: `job-${n}`,
    name: definition.name,
    type: request.type,
    ...(request.refs ? { refs: request.refs } : {}),
    extraRefs: [],
    state: 'triggered',
    createdAt: '2026-12-01T00:00:00.000Z',
    agent: definition.agent,
    buildNumber: String(n),
    ...(definition.kind === 'periodic' ? {} : { context: definition.context }),
    ...(definition.kind === 'presubmit' ? { rerunCommand: definition.rerunCommand, optional: definition.optional } : {}),
    report: definition.kind === 'periodic' ? true : !definition.skipReport,
    maxConcurrency: definition.maxConcurrency,
    run: { timeoutSeconds: definition.timeoutSeconds },
    labels: { ...definition.labels },
    annotations: { ...definition.annotations },
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    version: 1,
  };
}

/** A record of a pull request's earlier run, for `/retest` and abort rows. */
export function pullJob(fields: { name: string; context?: string; state: JobRecord['state']; number: number; sha: string; type?: JobRecord['type'] }): JobRecord {
  return {
    id: `${fields.name}-${fields.sha}-${fields.state}`,
    name: fields.name,
    type: fields.type ?? 'presubmit',
    refs: { org: 'acme', repo: 'widgets', baseRef: 'main', baseSha: 'base0', pulls: [{ number: fields.number, author: 'someone', sha: fields.sha }] },
    extraRefs: [],
    state: fields.state,
    createdAt: '2026-11-30T00:00:00.000Z',
    agent: 'codebuild',
    buildNumber: '1',
    context: fields.context ?? fields.name,
    report: true,
    maxConcurrency: 0,
    run: { timeoutSeconds: 7200 },
    labels: {},
    annotations: {},
    version: 1,
  };
}
