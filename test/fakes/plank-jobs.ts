// Small fakes of what plank, crier and jobs-access depend on: job definitions as config loading
// makes them, and an agent that records what it was asked to do.
import { brancher, defaultRerunCommandFor, defaultTriggerFor } from '../../shared/jobs/matching.js';
import { compileRe2 } from '../../shared/jobs/re2.js';
import type { AgentName, AgentObservation, AgentStarted, JobAgent, JobRecord, Periodic, Postsubmit, Presubmit } from '../../shared/jobs/types.js';

const base = (name: string) => ({
  name,
  agent: 'local' as AgentName,
  labels: {},
  annotations: {},
  maxConcurrency: 0,
  timeoutSeconds: 7200,
  container: { image: 'golang:1.22', command: ['make'], args: ['test'], env: { GOFLAGS: '-mod=vendor' } },
  extraRefs: [],
  source: 'config/jobs/acme.yaml',
});

export function presubmit(name: string, overrides: Partial<Presubmit> = {}): Presubmit {
  return {
    ...base(name),
    kind: 'presubmit',
    alwaysRun: true,
    optional: false,
    context: name,
    skipReport: false,
    trigger: compileRe2(defaultTriggerFor(name)),
    rerunCommand: defaultRerunCommandFor(name),
    runBeforeMerge: false,
    brancher: brancher(),
    ...overrides,
  };
}

export function postsubmit(name: string, overrides: Partial<Postsubmit> = {}): Postsubmit {
  return { ...base(name), kind: 'postsubmit', context: name, skipReport: false, brancher: brancher(), ...overrides };
}

export function periodic(name: string, overrides: Partial<Periodic> = {}): Periodic {
  return { ...base(name), kind: 'periodic', intervalMs: 3_600_000, ...overrides };
}

/** An agent that records `start <name>` / `abort <name>` and hands out build ids `<agent>-1`, `-2` … */
export class RecordingAgent implements JobAgent {
  readonly calls: string[] = [];
  readonly envs: Record<string, string>[] = [];
  /** Run during start (before it returns), e.g. to race an abort against it. */
  duringStart?: (job: JobRecord) => Promise<void>;
  /** The next starts throw this. */
  failStart?: Error;
  #n = 0;

  constructor(readonly name: AgentName = 'local') {}

  async start(job: JobRecord, env: Record<string, string>): Promise<AgentStarted> {
    this.calls.push(`start ${job.name}`);
    if (this.failStart) throw this.failStart;
    this.envs.push(env);
    await this.duringStart?.(job);
    const buildId = `${this.name}-${++this.#n}`;
    return { buildId, url: `http://logs.example/${buildId}` };
  }

  async observe(): Promise<AgentObservation | undefined> {
    return undefined;
  }

  async abort(job: JobRecord): Promise<void> {
    this.calls.push(`abort ${job.name} ${job.buildId ?? '(no build)'}`);
  }
}
