// The `codebuild` agent: a job is one build of a CodeBuild project — the stack's
// (SKIFF_CODEBUILD_PROJECT) or the job's own `codebuild.project` — with everything that makes it
// this job passed as StartBuild overrides: the container's image, the nearest compute type to its
// resource requests, Prow's environment, a generated buildspec (checkout, then the container's
// command), the timeout, and S3 locations under the job id for the log and the artifacts. The
// project itself stays generic, so one project serves every job.
//
// State comes two ways: EventBridge "CodeBuild Build State Change" events
// (`observationFromEvent`, best-effort delivery) and BatchGetBuilds (`observe`, the reconciler's
// poll), both mapped by the same table.
//
// The clone token. A private repository needs a GitHub token in the build, and a PLAINTEXT
// variable is shown to anyone who can read the build (BatchGetBuilds, the console) and is copied
// into every state-change event. So the token never travels as plaintext: `cloneToken(job)`
// returns the name of an SSM Parameter Store SecureString that holds a short-lived token (a GitHub
// App installation token lives one hour), and the build gets it as a PARAMETER_STORE variable,
// `SKIFF_CLONE_TOKEN`. CodeBuild resolves it inside the build, so build details and events show
// only the parameter's name, and CodeBuild masks resolved Parameter Store values in the build log.
// The checkout script reads the variable (never echoes it); the project's role needs
// `ssm:GetParameters` on that parameter only (and no KMS grant under the AWS managed aws/ssm key).
// `parameterStoreCloneTokens` (clone-token.ts) is such a `cloneToken`. Without one (public
// repositories) no token is passed.
import type { Build, BuildPhase, CodeBuildClient, ComputeType, EnvironmentVariable, StartBuildCommandInput } from '@aws-sdk/client-codebuild';
import type { CodeBuildCloudWatchStateEvent } from 'aws-lambda';
import { parse, stringify } from 'yaml';
import type { AgentObservation, AgentStarted, JobAgent, JobRecord } from '../types.js';

/** The environment types whose compute table we know; the stack's project is one of them. */
export type CodeBuildEnvironmentType = 'LINUX_CONTAINER' | 'ARM_CONTAINER';

/** The variable that carries the job id into the build, and back out in its events. Prow's name. */
export const jobIdVariable = 'PROW_JOB_ID';
/** The variable the checkout reads the clone token from (a PARAMETER_STORE variable). */
export const cloneTokenVariable = 'SKIFF_CLONE_TOKEN';

export interface CodeBuildAgentOptions {
  client: Pick<CodeBuildClient, 'send'>;
  /** The stack's project (SKIFF_CODEBUILD_PROJECT): used unless the job names its own. */
  project: string;
  /** SKIFF_ARTIFACTS_BUCKET: the log and the artifacts go under `jobs/<job id>/`. */
  artifactsBucket: string;
  /** The stack project's environment type, which decides the compute table. Default LINUX_CONTAINER. */
  environmentType?: CodeBuildEnvironmentType;
  /**
   * A POSIX sh script that checks the job's refs out (Prow's clonerefs: the base SHA with each
   * pull merged in order; `clonerefsScript` with `tokenEnvVar: SKIFF_CLONE_TOKEN`) and exits
   * non-zero when it cannot. It runs in a `sh` of its own, so its options, functions and exits
   * stay its own; a failed checkout fails the job, as in Prow.
   */
  checkoutScript: (job: JobRecord) => string;
  /** Where the job's command starts (Prow: the primary repository's checkout, `workdirFor`); default the build's directory. */
  workdir?: (job: JobRecord) => string | undefined;
  /** The Parameter Store name of a clone token for this job, or undefined for none (see the header). */
  cloneToken?: (job: JobRecord) => Promise<string | undefined>;
  /**
   * The job's page (the deck's log view: in AWS the signed `/jobs/<id>/log` link,
   * shared/jobs/job-log-link.ts); undefined, or none given: the build's page in the CodeBuild console.
   */
  jobUrl?: (job: JobRecord) => Promise<string | undefined> | string | undefined;
}

/** CodeBuild's limits on `timeoutInMinutesOverride`: 5 minutes to 36 hours. */
const minTimeoutMinutes = 5;
const maxTimeoutMinutes = 2160;

/** Ends the checkout script's here-document. */
const checkoutEnd = 'SKIFF_CHECKOUT_END';

/** Where the buildspec keeps Prow's `started.json` / `finished.json` and the job's `$ARTIFACTS`. */
const outputDir = '_skiff';

interface ComputeSize {
  type: ComputeType;
  vcpus: number;
  memoryGiB: number;
}

/**
 * On-demand EC2 compute types by environment type, smallest first
 * (https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-compute-types.html).
 */
export const computeTypes: Record<CodeBuildEnvironmentType, readonly ComputeSize[]> = {
  LINUX_CONTAINER: [
    { type: 'BUILD_GENERAL1_SMALL', vcpus: 2, memoryGiB: 3 },
    { type: 'BUILD_GENERAL1_MEDIUM', vcpus: 4, memoryGiB: 7 },
    { type: 'BUILD_GENERAL1_LARGE', vcpus: 8, memoryGiB: 15 },
    { type: 'BUILD_GENERAL1_XLARGE', vcpus: 36, memoryGiB: 70 },
    { type: 'BUILD_GENERAL1_2XLARGE', vcpus: 72, memoryGiB: 145 },
  ],
  ARM_CONTAINER: [
    { type: 'BUILD_GENERAL1_SMALL', vcpus: 2, memoryGiB: 4 },
    { type: 'BUILD_GENERAL1_MEDIUM', vcpus: 4, memoryGiB: 8 },
    { type: 'BUILD_GENERAL1_LARGE', vcpus: 8, memoryGiB: 16 },
    { type: 'BUILD_GENERAL1_XLARGE', vcpus: 32, memoryGiB: 64 },
    { type: 'BUILD_GENERAL1_2XLARGE', vcpus: 48, memoryGiB: 96 },
  ],
};

/** A start CodeBuild could not be asked for: the job's definition does not fit. */
export class CodeBuildJobError extends Error {
  override name = 'CodeBuildJobError';
}

const quantity = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;
const suffixes: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity (`500m`, `2`, `8Gi`, `1e9`) as a number; undefined when it is not one. */
export function parseQuantity(text: string): number | undefined {
  const m = quantity.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * (suffixes[m[2]] ?? 1);
  if (m[3]) return base * 10 ** Number(m[3]);
  return base;
}

/**
 * The smallest compute type that has at least the requested CPUs and memory — a job asked for
 * what it needs, so rounding down would starve it. Past the largest, the largest. Undefined when
 * nothing is requested (the project's own compute type stays).
 */
export function nearestComputeType(
  resources: { cpu?: string; memory?: string } | undefined,
  environmentType: CodeBuildEnvironmentType,
  jobName = 'job',
): ComputeType | undefined {
  if (!resources || (resources.cpu === undefined && resources.memory === undefined)) return undefined;
  const read = (field: 'cpu' | 'memory') => {
    const text = resources[field];
    if (text === undefined) return 0;
    const value = parseQuantity(text);
    if (value === undefined || value < 0) throw new CodeBuildJobError(`${jobName}: resources ${field} "${text}" is not a Kubernetes quantity`);
    return value;
  };
  const cpu = read('cpu');
  const memoryGiB = read('memory') / 2 ** 30;
  const table = computeTypes[environmentType];
  const fits = table.find((size) => size.vcpus >= cpu && size.memoryGiB >= memoryGiB);
  return (fits ?? table[table.length - 1]!).type;
}

// No `=`: a first word `A=b` would be an assignment to the shell, not a program to run.
const bare = /^[A-Za-z0-9_@%+:,./-]+$/;

/** One word for a POSIX shell: as it is when nothing in it is special, else single-quoted. */
export function shellQuote(word: string): string {
  if (bare.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The buildspec for a job with a container: record the start, check out, run the container's
 * command and args (as Prow runs them: no shell in between, so each word is quoted), record the
 * result. Prow's `started.json` / `finished.json` and the job's `$ARTIFACTS` land in the
 * artifacts; `started.json` also means the upload never finds an empty directory, which CodeBuild
 * would fail the build for.
 */
export function generatedBuildspec(job: JobRecord, checkout: string, workdir?: string): string {
  const container = job.run.container;
  const words = [...(container?.command ?? []), ...(container?.args ?? [])];
  if (!container || words.length === 0) {
    throw new CodeBuildJobError(`${job.name}: nothing to run: the job has no container command and no codebuild.buildspec`);
  }
  if (container.command.length === 0) {
    // CodeBuild runs the buildspec in the image with a shell of its own, never the image's
    // ENTRYPOINT, and cannot tell us what it is.
    throw new CodeBuildJobError(
      `${job.name}: the job has args but no command, so it relies on its image's entrypoint, which CodeBuild does not run: set the container's command (the entrypoint) or codebuild.buildspec`,
    );
  }
  const out = `"$CODEBUILD_SRC_DIR/${outputDir}"`;
  // A quoted here-document: the shell expands nothing in it, so the script runs as written.
  if (checkout.split('\n').includes(checkoutEnd)) throw new CodeBuildJobError(`${job.name}: the checkout script contains its own end marker ${checkoutEnd}`);
  const script = [
    'set -eo pipefail',
    `mkdir -p ${out}/artifacts`,
    `export ARTIFACTS=${out}/artifacts`,
    `printf '{"timestamp":%s}\\n' "$(date +%s)" > ${out}/started.json`,
    `sh <<'${checkoutEnd}'`,
    checkout.trimEnd(),
    checkoutEnd,
    ...(workdir ? [`cd ${shellQuote(workdir)}`] : []),
    words.map(shellQuote).join(' '),
    '',
  ].join('\n');
  const finished = [
    'if [ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]; then passed=true result=SUCCESS; else passed=false result=FAILURE; fi',
    `printf '{"timestamp":%s,"passed":%s,"result":"%s"}\\n' "$(date +%s)" "$passed" "$result" > ${out}/finished.json`,
  ].join('\n');
  return stringify({
    version: 0.2,
    env: { shell: 'bash' },
    phases: {
      build: { commands: [script] },
      // post_build runs whether or not build failed, so finished.json is always there.
      post_build: { commands: [finished] },
    },
    artifacts: { 'base-directory': outputDir, files: ['**/*'] },
  });
}

/**
 * The container's variables, then Prow's over them: Prow appends its own after the container's
 * (pkg/pod-utils/decorate/podspec.go) and Kubernetes lets the last of a name win.
 */
function environment(job: JobRecord, env: Record<string, string>, tokenRef: string | undefined): EnvironmentVariable[] {
  const merged = { ...job.run.container?.env, ...env, [jobIdVariable]: job.id };
  const variables: EnvironmentVariable[] = Object.entries(merged).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' }));
  if (tokenRef !== undefined) variables.push({ name: cloneTokenVariable, value: tokenRef, type: 'PARAMETER_STORE' });
  return variables;
}

const timeoutMinutes = (seconds: number) => Math.min(maxTimeoutMinutes, Math.max(minTimeoutMinutes, Math.ceil(seconds / 60)));

/** `arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>` → the console page of that build. */
export function consoleUrl(arn: string): string | undefined {
  const m = /^arn:aws[\w-]*:codebuild:([^:]+):(\d+):build\/([^:]+):(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, region, account, project, uuid] = m;
  const id = encodeURIComponent(`${project}:${uuid}`);
  return `https://${region}.console.aws.amazon.com/codesuite/codebuild/${account}/projects/${project}/build/${id}/?region=${region}`;
}

/** A build's id (`project:uuid`) from its id or ARN, the form StartBuild answers and we store. */
export const buildIdOf = (idOrArn: string): string => idOrArn.replace(/^arn:[^:]+:codebuild:[^:]*:[^:]*:build\//, '');

/** Phases before the job's own commands: a failure there is the platform's, not the change's. */
const setupPhases = new Set(['SUBMITTED', 'QUEUED', 'PROVISIONING', 'DOWNLOAD_SOURCE', 'INSTALL']);

interface PhaseFact {
  type: string;
  status?: string;
  messages: string[];
}

/**
 * A build's status as a job state. FAILED is the job's failure (Prow's "Job failed.") unless it
 * failed before the job's commands ran (the image could not be pulled, say): that is an error, as
 * Prow makes a pod that cannot start an error. FAULT and TIMED_OUT are errors, STOPPED is aborted.
 */
export function stateOf(status: string | undefined, phases: readonly PhaseFact[], timeoutInMinutes?: number): Pick<AgentObservation, 'state' | 'description'> | undefined {
  const failed = phases.find((p) => p.status !== undefined && p.status !== 'SUCCEEDED');
  const detail = failed && failed.messages.length > 0 ? `${failed.type}: ${failed.messages.join(' ')}` : failed?.type;
  switch (status) {
    case 'IN_PROGRESS':
      return { state: 'pending', description: 'Job triggered.' };
    case 'SUCCEEDED':
      return { state: 'success', description: 'Job succeeded.' };
    case 'FAILED':
      if (failed && setupPhases.has(failed.type)) return { state: 'error', description: `Build could not start (${detail}).` };
      return { state: 'failure', description: 'Job failed.' };
    case 'FAULT':
      return { state: 'error', description: `CodeBuild fault${detail ? ` (${detail})` : ''}.` };
    case 'TIMED_OUT':
      return { state: 'error', description: timeoutInMinutes ? `Job timed out after ${timeoutInMinutes} minutes.` : 'Job timed out.' };
    case 'STOPPED':
      return { state: 'aborted', description: 'Job aborted.' };
    default:
      return undefined;
  }
}

const phaseFacts = (phases: readonly BuildPhase[] | undefined): PhaseFact[] =>
  (phases ?? []).map((p) => ({
    type: p.phaseType ?? '',
    ...(p.phaseStatus ? { status: p.phaseStatus } : {}),
    messages: (p.contexts ?? []).map((c) => c.message ?? '').filter((m) => m !== ''),
  }));

/** What BatchGetBuilds says of a build, as an observation. */
export function observationFromBuild(build: Build, url?: string): AgentObservation | undefined {
  const state = stateOf(build.buildStatus, phaseFacts(build.phases), build.timeoutInMinutes);
  if (!state) return undefined;
  const link = url ?? (build.arn ? consoleUrl(build.arn) : undefined);
  return {
    ...state,
    ...(link ? { url: link } : {}),
    ...(state.state !== 'pending' && build.endTime ? { completedAt: build.endTime.toISOString() } : {}),
  };
}

/** What one state-change event says: whose job, which build, and its state. */
export interface CodeBuildEventObservation {
  jobId: string;
  /** `project:uuid`, as `JobRecord.buildId` holds it: compare before believing the event. */
  buildId: string;
  project: string;
  observation: AgentObservation;
}

/**
 * An EventBridge "CodeBuild Build State Change" event as an observation of the job whose id the
 * build carries in PROW_JOB_ID; undefined for a build that is not a Skiff job's, or a status we
 * do not know. The caller loads the job and checks that its `buildId` is this build (another
 * project's build could carry any variable).
 */
export function observationFromEvent(event: CodeBuildCloudWatchStateEvent, jobUrl?: (jobId: string) => string): CodeBuildEventObservation | undefined {
  if (event.source !== 'aws.codebuild' || event['detail-type'] !== 'CodeBuild Build State Change') return undefined;
  const detail = event.detail;
  const info = detail['additional-information'];
  const jobId = info?.environment?.['environment-variables']?.find((v) => v.name === jobIdVariable && (v.type ?? 'PLAINTEXT') === 'PLAINTEXT')?.value;
  if (!jobId) return undefined;
  const phases: PhaseFact[] = (info.phases ?? []).map((p) => ({
    type: p['phase-type'],
    ...(p['phase-status'] ? { status: p['phase-status'] } : {}),
    messages: (p['phase-context'] ?? []).filter((m) => m !== '' && m !== ': '),
  }));
  const state = stateOf(detail['build-status'], phases, info['timeout-in-minutes']);
  if (!state) return undefined;
  const url = jobUrl?.(jobId) ?? consoleUrl(detail['build-id']);
  return {
    jobId,
    buildId: buildIdOf(detail['build-id']),
    project: detail['project-name'],
    observation: {
      ...state,
      ...(url ? { url } : {}),
      // The event is sent as the build ends: its time is the completion time.
      ...(state.state !== 'pending' ? { completedAt: new Date(event.time).toISOString() } : {}),
    },
  };
}

/** Does the buildspec upload artifacts itself? Then they go to our bucket; otherwise nothing is uploaded. */
function declaresArtifacts(buildspec: string): boolean {
  try {
    const doc: unknown = parse(buildspec);
    return typeof doc === 'object' && doc !== null && 'artifacts' in doc;
  } catch {
    // CodeBuild reports a buildspec it cannot read as the build's failure, with its own message.
    return false;
  }
}

/**
 * The SDK's command classes, loaded when a build is first started, stopped or looked at: the
 * plugins and jobs functions build this agent at init, and most of their invocations touch no build
 * (with `@aws-sdk/*` external to the bundle, a static import is loaded at every cold start).
 */
const codebuildSdk = () => import('@aws-sdk/client-codebuild');

export class CodeBuildAgent implements JobAgent {
  readonly name = 'codebuild' as const;
  readonly #options: CodeBuildAgentOptions;

  constructor(options: CodeBuildAgentOptions) {
    this.#options = options;
  }

  /** The StartBuild request for a job, without sending it (for tests and `skiff mkpj`-like previews). */
  async request(job: JobRecord, env: Record<string, string>): Promise<StartBuildCommandInput> {
    const options = this.#options;
    const settings = job.run.codebuild ?? {};
    const container = job.run.container;
    const environmentType = options.environmentType ?? 'LINUX_CONTAINER';
    const computeType = (settings.computeType as ComputeType | undefined) ?? nearestComputeType(container?.resources, environmentType, job.name);
    const prefix = `${options.artifactsBucket}/jobs/${job.id}`;
    const buildspec = settings.buildspec ?? generatedBuildspec(job, options.checkoutScript(job), options.workdir?.(job));
    const uploads = settings.buildspec === undefined || declaresArtifacts(settings.buildspec);
    const tokenRef = await options.cloneToken?.(job);
    return {
      projectName: settings.project ?? options.project,
      // StartBuild with the same token within 5 minutes starts nothing new and answers the same
      // build: a start retried after a crash between StartBuild and the record's update starts once.
      idempotencyToken: job.id,
      buildspecOverride: buildspec,
      // Our buildspec checks out itself: a project's own source would be a second, unused checkout.
      ...(settings.buildspec === undefined ? { sourceTypeOverride: 'NO_SOURCE' as const } : {}),
      ...(container?.image ? { imageOverride: container.image } : {}),
      ...(computeType ? { computeTypeOverride: computeType } : {}),
      // The compute table above is this environment type's: say so, so the pair is consistent
      // even on a project of the user's with another type. A compute type the user chose is left
      // to the user's project.
      ...(computeType && settings.computeType === undefined ? { environmentTypeOverride: environmentType } : {}),
      environmentVariablesOverride: environment(job, env, tokenRef),
      timeoutInMinutesOverride: timeoutMinutes(job.run.timeoutSeconds),
      logsConfigOverride: { s3Logs: { status: 'ENABLED', location: `${prefix}/logs` } },
      artifactsOverride: uploads
        ? { type: 'S3', location: options.artifactsBucket, path: `jobs/${job.id}`, name: 'artifacts', namespaceType: 'NONE', packaging: 'NONE' }
        : { type: 'NO_ARTIFACTS' },
    };
  }

  async start(job: JobRecord, env: Record<string, string>): Promise<AgentStarted> {
    const input = await this.request(job, env);
    const { build } = await this.#options.client.send(new (await codebuildSdk()).StartBuildCommand(input));
    if (!build?.id) throw new Error(`CodeBuild started no build for ${job.name} (${job.id})`);
    const url = (await this.#options.jobUrl?.(job)) ?? (build.arn ? consoleUrl(build.arn) : undefined);
    return { buildId: build.id, ...(url ? { url } : {}) };
  }

  async observe(job: JobRecord): Promise<AgentObservation | undefined> {
    if (!job.buildId) return undefined;
    const build = await this.#build(job.buildId);
    return build ? observationFromBuild(build, await this.#options.jobUrl?.(job)) : undefined;
  }

  /** StopBuild; a build that already ended (or never existed) is left as it is. */
  async abort(job: JobRecord): Promise<void> {
    if (!job.buildId) return;
    try {
      await this.#options.client.send(new (await codebuildSdk()).StopBuildCommand({ id: job.buildId }));
    } catch (error) {
      // CodeBuild refuses to stop a build that is no longer running; only a running one is our problem.
      const build = await this.#build(job.buildId);
      if (build && build.buildStatus === 'IN_PROGRESS') throw error;
    }
  }

  async #build(id: string): Promise<Build | undefined> {
    const { builds } = await this.#options.client.send(new (await codebuildSdk()).BatchGetBuildsCommand({ ids: [id] }));
    return builds?.find((b) => b.id === id) ?? builds?.[0];
  }
}
