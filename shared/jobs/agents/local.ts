// The `local` job agent (local mode only): what Prow's decorated pod does, as a child process on
// this machine. clonerefs makes a temporary checkout (the base with the pulls merged), then the
// container's `command` + `args` run in it the way Kubernetes runs them — the command is the
// entrypoint, args are appended, no shell unless the command is one — with the job's environment
// and nothing of this process's own (its credentials stay here). Output goes to
// `<dataDir>/jobs/<id>/build-log.txt`, served at `<baseUrl>/jobs/<id>/log`. The process leads its
// own process group, so a timeout or an abort stops everything it started.
//
// The image is noted in the log and not pulled: there may be no container runtime. A job with
// `args` and no `command` relies on its image's entrypoint, so it cannot run here; it ends
// `error` saying so.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClonerefsError, formatRecord, runClonerefs, workdirFor, type CloneRecord, type GitCredentials } from '../clonerefs.js';
import type { AgentObservation, AgentStarted, JobAgent, JobRecord, Refs } from '../types.js';

export interface LocalAgentOptions {
  /** Logs and artifacts go under `<dataDir>/jobs/<id>/` and stay after the run. */
  dataDir: string;
  /** Local mode's address: a job's URL is `${baseUrl}/jobs/<id>/log`. */
  baseUrl: string;
  /** Called once when a run ends, however it ends (its observation is also what `observe` returns from then on). */
  onFinished: (jobId: string, observation: AgentObservation) => void | Promise<void>;
  /** The token to clone a repository with (the GitHub App installation's, or the configured token); none: clone without. */
  credentials?: (refs: Refs) => Promise<GitCredentials | undefined>;
  /** Where temporary checkouts go; default the OS's temp dir. They are removed when the run ends. */
  checkoutRoot?: string;
  /** The PATH jobs see; default this process's (a PATH is no secret, and tools are found the same way). */
  path?: string;
  /** Between the first signal and SIGKILL; default Prow's entrypoint grace period, 15 s. */
  gracePeriodMs?: number;
  /** clonerefs' fetch retries; default Prow's. */
  fetchRetriesMs?: readonly number[];
  now?: () => Date;
  /** Problems the agent cannot report through a job (an onFinished that threw). */
  warn?: (message: string, error: unknown) => void;
}

/** Prow's entrypoint DefaultGracePeriod. */
const defaultGracePeriodMs = 15_000;

/** Ids name directories: letters, digits, `.`, `_`, `-`, never `..`. Record ids are hex. */
const jobIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const isSafeJobId = (id: string): boolean => jobIdPattern.test(id) && !id.includes('..');

export const jobDir = (dataDir: string, id: string): string => join(dataDir, 'jobs', id);
export const buildLogPath = (dataDir: string, id: string): string => join(jobDir(dataDir, id), 'build-log.txt');

export interface JobLogResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const text = (status: number, body: string): JobLogResponse => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

/** `GET /jobs/<id>/log`: the build log as it is now (it grows while the job runs). */
export async function serveJobLog(dataDir: string, id: string): Promise<JobLogResponse> {
  if (!isSafeJobId(id)) return text(400, `400 Bad Request: ${JSON.stringify(id)} is not a job id\n`);
  try {
    return text(200, await readFile(buildLogPath(dataDir, id), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return text(404, `404 Not Found: no log for job ${id}\n`);
    throw error;
  }
}

/** Go's time.Duration String() for whole seconds, as Prow's messages print timeouts: `2h0m0s`, `1m30s`, `5s`. */
export function goDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h) return `${h}h${m}m${rest}s`;
  if (m) return `${m}m${rest}s`;
  return `${rest}s`;
}

type Ending = 'aborted' | 'timeout';

const aborted: AgentObservation = { state: 'aborted', description: 'Job aborted.' };

interface Run {
  job: JobRecord;
  started: AgentStarted;
  observation?: AgentObservation;
  child?: ChildProcess;
  ending?: Ending;
  /** The job's directory and the log's first line are written. */
  prepared: Promise<void>;
  /** Stops clonerefs while it runs. */
  cloneAbort: AbortController;
  killTimer?: NodeJS.Timeout;
  /** Resolves when the run is over and onFinished has returned. */
  done: Promise<void>;
}

export class LocalAgent implements JobAgent {
  readonly name = 'local' as const;
  private readonly runs = new Map<string, Run>();
  private closing = false;
  private readonly graceMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: LocalAgentOptions) {
    this.graceMs = options.gracePeriodMs ?? defaultGracePeriodMs;
    this.now = options.now ?? (() => new Date());
  }

  urlFor(id: string): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}/jobs/${encodeURIComponent(id)}/log`;
  }

  /** The log handler for local mode's HTTP server. */
  serveJobLog(id: string): Promise<JobLogResponse> {
    return serveJobLog(this.options.dataDir, id);
  }

  async start(job: JobRecord, env: Record<string, string>): Promise<AgentStarted> {
    if (!isSafeJobId(job.id)) throw new Error(`job id ${JSON.stringify(job.id)} cannot name a directory`);
    // A start retried for the same record must not run the job twice: the run is known before
    // anything is awaited, so even two concurrent starts make one run.
    const known = this.runs.get(job.id);
    if (known) {
      await known.prepared;
      return known.started;
    }
    const dir = jobDir(this.options.dataDir, job.id);
    const started: AgentStarted = { buildId: `local-${job.id}`, url: this.urlFor(job.id) };
    let finish!: () => void;
    const image = job.run.container?.image;
    const prepared = (async () => {
      await mkdir(join(dir, 'artifacts'), { recursive: true });
      // The log starts afresh: a record id is one run.
      await writeFile(join(dir, 'build-log.txt'), image ? `# image ${image} noted, not pulled: the local agent runs the command on this machine\n` : '');
    })();
    const run: Run = { job, started, prepared, cloneAbort: new AbortController(), done: new Promise<void>((resolve) => (finish = resolve)) };
    this.runs.set(job.id, run);
    try {
      await prepared;
    } catch (error) {
      this.runs.delete(job.id);
      finish();
      throw error;
    }
    // Returns at once, as CodeBuild's StartBuild does: the checkout and the process are the run.
    void this.execute(run, env, dir)
      .catch((error: unknown): AgentObservation => ({ state: 'error', description: `Local agent failed: ${(error as Error).message}`.slice(0, 140) }))
      .then((observation) => this.end(run, observation))
      .finally(finish);
    return started;
  }

  async observe(job: JobRecord): Promise<AgentObservation | undefined> {
    const run = this.runs.get(job.id);
    if (!run) return undefined;
    return run.observation ?? { state: 'pending', url: run.started.url };
  }

  /** SIGTERM to the process group, SIGKILL after the grace period; resolves when the run is over. */
  async abort(job: JobRecord): Promise<void> {
    const run = this.runs.get(job.id);
    if (!run || run.observation) return;
    run.ending ??= 'aborted';
    run.cloneAbort.abort();
    if (run.child) this.stopGroup(run, 'SIGTERM');
    await run.done;
  }

  /**
   * Kills every running job's processes at once (local mode stopping). No onFinished is called
   * for them: the store may be closing too; their records stay pending, and after a restart this
   * agent does not know them (`observe` is undefined), which the reconciler acts on.
   */
  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.runs.values()].filter((run) => !run.observation);
    for (const run of running) {
      run.ending ??= 'aborted';
      run.cloneAbort.abort();
      if (run.child?.pid) killGroup(run.child.pid, 'SIGKILL');
    }
    await Promise.all(running.map((run) => run.done));
  }

  /** The whole run; the checkout is gone by the time it returns how the run ended. */
  private async execute(run: Run, jobEnv: Record<string, string>, dir: string): Promise<AgentObservation> {
    const { job } = run;
    const log = (line: string) => writeFile(join(dir, 'build-log.txt'), `${line}\n`, { flag: 'a' });
    const container = job.run.container;
    if (!container || (container.command.length === 0 && container.args.length === 0)) {
      await log('# the job has no command to run');
      return { state: 'error', description: 'Job has no command to run.' };
    }
    if (container.command.length === 0) {
      const args = container.args.join(' ');
      if (!container.image) {
        await log(`# the job gives args (${args}) and no command or image: there is nothing to run them with`);
        return { state: 'error', description: 'Job has args but no command, and no image whose entrypoint would run them.' };
      }
      await log(
        `# the job gives args (${args}) and no command: it relies on the entrypoint of image ${container.image}, ` +
          'which the local agent cannot run without the image (no container runtime is used). Give the job a command to run it locally.',
      );
      return { state: 'error', description: `Job needs the entrypoint of image ${container.image}: the local agent runs no images.` };
    }

    const checkout = await mkdtemp(join(this.options.checkoutRoot ?? tmpdir(), 'skiff-job-'));
    try {
      const allRefs = [...(job.refs ? [job.refs] : []), ...job.extraRefs];
      const records: CloneRecord[] = [];
      try {
        for (const refs of allRefs) {
          const credentials = await this.options.credentials?.(refs);
          records.push(...(await runClonerefs(checkout, [refs], { credentials, fetchRetriesMs: this.options.fetchRetriesMs, signal: run.cloneAbort.signal })));
        }
      } catch (error) {
        if (!(error instanceof ClonerefsError)) throw error;
        records.push(...error.records);
        const cloneLog = records.map(formatRecord).join('');
        await writeFile(join(dir, 'clone-log.txt'), cloneLog);
        if (run.ending === 'aborted') return aborted;
        // As Prow's initupload: a failed clone is the build log, and the job fails.
        await log(cloneLog.trimEnd());
        return { state: 'failure', description: `Clone failed: ${error.message}`.slice(0, 140) };
      }
      if (records.length) await writeFile(join(dir, 'clone-log.txt'), records.map(formatRecord).join(''));
      if (run.ending === 'aborted') return aborted;

      const home = join(checkout, 'home');
      await mkdir(home);
      const env: Record<string, string> = {
        // A home of its own: the user's ~/.aws, ~/.config/gh and git credentials stay out of reach.
        PATH: this.options.path ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: home,
        ...container.env,
        // Prow's decoration (pod-utils/decorate): ARTIFACTS and GOPATH (the code mount), then the
        // downward API's variables, after the container's own — in a pod the later one wins.
        ARTIFACTS: join(dir, 'artifacts'),
        GOPATH: checkout,
        ...jobEnv,
      };
      return await this.spawnJob(run, container.command, container.args, workdirFor(checkout, job.refs, job.extraRefs) ?? checkout, env, dir);
    } finally {
      await rm(checkout, { recursive: true, force: true });
    }
  }

  private async spawnJob(run: Run, command: string[], args: string[], cwd: string, env: Record<string, string>, dir: string): Promise<AgentObservation> {
    const handle: FileHandle = await open(join(dir, 'build-log.txt'), 'a');
    try {
      return await new Promise<AgentObservation>((resolve) => {
        // Our own lines in the log, in order, all written before the run counts as over.
        let writes = Promise.resolve();
        const note = (line: string) => {
          writes = writes.then(() => handle.appendFile(`${line}\n`)).catch(() => undefined);
        };
        let settled = false;
        const settle = (observation: AgentObservation) => {
          if (settled) return;
          settled = true;
          clearTimeout(timeout);
          clearTimeout(run.killTimer);
          // Whatever the job left running in its group goes with it, as when a pod's container ends.
          if (child.pid) killGroup(child.pid, 'SIGKILL');
          void writes.then(() => resolve(observation));
        };
        // Kubernetes semantics: command[0] is executed directly with command[1..] + args.
        const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd, env, detached: true, stdio: ['ignore', handle.fd, handle.fd] });
        run.child = child;
        // 0 or absent would time out at once: Prow's default instead.
        const timeoutSeconds = run.job.run.timeoutSeconds > 0 ? run.job.run.timeoutSeconds : 7200;
        const timeout = setTimeout(() => {
          run.ending ??= 'timeout';
          note(`# Process did not finish before ${goDuration(timeoutSeconds)} timeout`);
          // Prow's entrypoint interrupts on timeout, then kills after the grace period.
          this.stopGroup(run, 'SIGINT');
        }, timeoutSeconds * 1000);
        // An abort that came while the process was being started.
        if (run.ending === 'aborted') this.stopGroup(run, 'SIGTERM');
        child.once('error', (error) => {
          note(`# could not start the process: ${error.message}`);
          settle({ state: 'error', description: `Could not start ${command[0]}: ${(error as NodeJS.ErrnoException).code ?? error.message}.` });
        });
        child.once('exit', (code, signal) => {
          const ending = run.ending;
          if (ending === 'aborted') settle(aborted);
          else if (ending === 'timeout') settle({ state: 'error', description: `Job timed out after ${goDuration(timeoutSeconds)}.` });
          else if (code === 0) settle({ state: 'success', description: 'Job succeeded.' });
          else {
            note(signal ? `# process killed by ${signal}` : `# process exited with code ${code}`);
            settle({ state: 'failure', description: 'Job failed.' });
          }
        });
      });
    } finally {
      await handle.close();
    }
  }

  /** The polite signal to the whole group now, SIGKILL after the grace period. */
  private stopGroup(run: Run, signal: NodeJS.Signals): void {
    const pid = run.child?.pid;
    if (!pid) return;
    killGroup(pid, signal);
    run.killTimer ??= setTimeout(() => killGroup(pid, 'SIGKILL'), this.graceMs);
  }

  /** Records how the run ended (once) and tells onFinished. */
  private async end(run: Run, observation: AgentObservation): Promise<void> {
    if (run.observation) return;
    run.observation = { ...observation, url: run.started.url, completedAt: this.now().toISOString() };
    if (this.closing) return;
    try {
      await this.options.onFinished(run.job.id, run.observation);
    } catch (error) {
      this.options.warn?.(`onFinished failed for job ${run.job.id}`, error);
    }
  }
}

/** Signals a process group; a group already gone is not an error. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
