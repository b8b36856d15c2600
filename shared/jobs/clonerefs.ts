// Prow's clonerefs (pkg/clonerefs, pkg/pod-utils/clone/clone.go): the checkout a job runs in is the
// base branch at its SHA with each pull request's head merged onto it, in order, so a presubmit
// tests what merging would produce. The commands are Prow's, one table (`commandsForRefs`) with
// two ways to run it: `runClonerefs` runs git as child processes (the local agent), and
// `clonerefsScript` renders a POSIX shell script (the CodeBuild buildspec embeds it).
//
// Credentials differ from Prow on purpose: Prow puts the token in the fetch URL, where it shows up
// in process lists and error messages. Here the token reaches git only as an HTTP header set
// through git's environment-supplied config (GIT_CONFIG_COUNT, git 2.31 and later), scoped to the
// one repository URL, so it is never in an argument, a URL, `.git/config` or a log line.
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Pull, Refs } from './types.js';

/** Prow's DefaultGitUserName / DefaultGitUserEmail (pkg/clonerefs/options.go): merges made by clonerefs carry them. */
export const defaultGitUserName = 'ci-robot';
export const defaultGitUserEmail = 'ci-robot@k8s.io';
/** Prow's code mount (`/home/prow/go`): checkouts go to `<srcRoot>/src/<host>/<org>/<repo>`. */
export const defaultSrcRoot = '/home/prow/go';
/** Prow's github.DefaultHost. */
const defaultHost = 'github.com';

/**
 * Prow's fetch retry schedule (clone.go fetchRetries): GitHub sometimes answers a fetch of a
 * just-pushed ref with "not our ref" for a few seconds.
 */
export const prowFetchRetriesMs: readonly number[] = [100, 200, 400, 800, 2_000, 5_000, 10_000, 15_000, 30_000];

/** A pull as clonerefs reads it: Prow's `Pull.ref` overrides what is fetched (`pull/N/head` by default). */
export type ClonePull = Pull & { ref?: string };

/**
 * Refs with the checkout options Prow's Refs carry besides the contract's (all optional: a plain
 * `Refs` is a `CloneRefs`). Job config sets the contract's (`clone_uri`, `skip_submodules`,
 * `clone_depth`, `skip_fetch_head`); these two are Prow's decoration-config options, not read yet.
 */
export interface CloneRefs extends Refs {
  pulls: ClonePull[];
  bloblessFetch?: boolean;
  sparseCheckoutFiles?: string[];
}

/** One command of the checkout, as Prow's cloneCommand / retryCommand. */
export interface CloneCommand {
  dir: string;
  command: 'mkdir' | 'git';
  args: string[];
  /** `KEY=value` pairs added to the command's environment (the merge timestamps). */
  env: string[];
  /** Prow retries fetches. */
  retry: boolean;
  /** On a merge: which one (1, 2, …), so the script can compute the same timestamps. */
  mergeIndex?: number;
  /** On a merge: the pull it merges, for the error message. */
  pull?: ClonePull;
}

export interface CloneIdentity {
  gitUserName?: string;
  gitUserEmail?: string;
  cookiePath?: string;
}

/** A token for HTTPS clones. With no `user`, Prow's convention: the token as user name, `x-oauth-basic` as password. */
export interface GitCredentials {
  token: string;
  /** `x-access-token` for a GitHub App installation token. */
  user?: string;
}

/** Refused before any command runs: a name git would read as an option, or no name at all. */
export class ClonerefsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClonerefsInputError';
  }
}

/**
 * Prow's PathForRefs: `path_alias`, else the repository link without its scheme (GitHub
 * Enterprise), else `github.com/org/repo`, under `<baseDir>/src`.
 */
export function pathForRefs(baseDir: string, refs: Pick<Refs, 'org' | 'repo' | 'pathAlias' | 'repoLink'>): string {
  let clonePath: string;
  if (refs.pathAlias) clonePath = refs.pathAlias;
  else if (refs.repoLink) clonePath = refs.repoLink.split('://').at(-1)!;
  else clonePath = `${defaultHost}/${refs.org}/${refs.repo}`;
  return posix.join(baseDir, 'src', clonePath);
}

/** The URL fetched from: `clone_uri` (the payload's clone_url), else the repository link + `.git`, else github.com. */
export function repositoryUri(refs: Pick<Refs, 'org' | 'repo' | 'repoLink' | 'cloneUri'>): string {
  if (refs.cloneUri) return refs.cloneUri;
  if (refs.repoLink) return `${refs.repoLink}.git`;
  return `https://${defaultHost}/${refs.org}/${refs.repo}.git`;
}

/**
 * Where a job starts: the checkout of the extra ref marked `workdir`, else the primary refs', as
 * Prow's decorated pods do. Undefined when there is nothing to check out.
 */
export function workdirFor(baseDir: string, refs: Refs | undefined, extraRefs: readonly Refs[]): string | undefined {
  const chosen = extraRefs.find((extra) => extra.workdir) ?? refs ?? extraRefs[0];
  return chosen ? pathForRefs(baseDir, chosen) : undefined;
}

/**
 * Prow's commandsForBaseRef: make the directory, `git init`, set the identity, fetch everything
 * (tags, pruned) and then the base SHA (or ref), check it out and point the base branch at it.
 */
export function commandsForBaseRef(refs: CloneRefs, baseDir: string, identity: CloneIdentity = {}): CloneCommand[] {
  const dir = pathForRefs(baseDir, refs);
  const uri = repositoryUri(refs);
  const git = (...args: string[]): CloneCommand => ({ dir, command: 'git', args, env: [], retry: false });
  const fetch = (...args: string[]): CloneCommand => ({ dir, command: 'git', args: ['fetch', ...args], env: [], retry: true });
  const commands: CloneCommand[] = [{ dir: '/', command: 'mkdir', args: ['-p', dir], env: [], retry: false }, git('init')];
  if (identity.gitUserName) commands.push(git('config', 'user.name', identity.gitUserName));
  if (identity.gitUserEmail) commands.push(git('config', 'user.email', identity.gitUserEmail));
  if (identity.cookiePath && refs.skipSubmodules) commands.push(git('config', 'http.cookiefile', identity.cookiePath));

  const sparse = (refs.sparseCheckoutFiles?.length ?? 0) > 0;
  if (sparse) commands.push(git('sparse-checkout', 'init'));
  const depthArgs = refs.cloneDepth && refs.cloneDepth > 0 ? ['--depth', String(refs.cloneDepth)] : [];
  const filterArgs = refs.bloblessFetch || sparse ? ['--filter=blob:none'] : [];
  if (!(refs.skipFetchHead || sparse)) commands.push(fetch(...depthArgs, ...filterArgs, uri, '--tags', '--prune'));

  const fetchRef = refs.baseSha || refs.baseRef;
  const target = refs.baseSha || 'FETCH_HEAD';
  commands.push(fetch(...depthArgs, ...filterArgs, ...(sparse ? ['--no-tags'] : []), uri, fetchRef));
  if (sparse) commands.push(git('sparse-checkout', 'set', ...refs.sparseCheckoutFiles!));
  // As Prow: a branch cannot be reset while checked out, so check out the SHA, force the branch
  // to it, then check the branch out, ending on the base branch.
  commands.push(git('checkout', target), git('branch', '--force', refs.baseRef, target), git('checkout', refs.baseRef));
  return commands;
}

/** Prow's gitTimestampEnvs: merges dated from the base commit make the same merge SHAs every run. */
export const gitTimestampEnvs = (timestamp: number): string[] => [`GIT_AUTHOR_DATE=${timestamp}`, `GIT_COMMITTER_DATE=${timestamp}`];

/**
 * Prow's commandsForPullRefs: for each pull, in order, fetch its SHA (or `pull/N/head`, or its
 * `ref`) and `git merge --no-ff` it, each merge one second after the last (from the base commit's
 * time), then the submodules.
 */
export function commandsForPullRefs(refs: CloneRefs, baseDir: string, fakeTimestamp: number): CloneCommand[] {
  const dir = pathForRefs(baseDir, refs);
  const uri = repositoryUri(refs);
  const commands: CloneCommand[] = [];
  const filterArgs = refs.bloblessFetch || (refs.sparseCheckoutFiles?.length ?? 0) > 0 ? ['--filter=blob:none'] : [];
  refs.pulls.forEach((pull, i) => {
    const ref = pull.ref || pull.sha || `pull/${pull.number}/head`;
    commands.push({ dir, command: 'git', args: ['fetch', ...filterArgs, uri, ref], env: [], retry: true });
    commands.push({
      dir,
      command: 'git',
      args: ['merge', '--no-ff', pull.sha || 'FETCH_HEAD'],
      env: gitTimestampEnvs(fakeTimestamp + i + 1),
      retry: false,
      mergeIndex: i + 1,
      pull,
    });
  });
  if (!refs.skipSubmodules) commands.push({ dir, command: 'git', args: ['submodule', 'update', '--init', '--recursive'], env: [], retry: false });
  return commands;
}

/** Prow's cloneCommand.String(): `PWD=<dir> <env> <command> <args>`. */
export const formatCommand = (c: Pick<CloneCommand, 'dir' | 'env' | 'command' | 'args'>): string =>
  `PWD=${c.dir} ${c.env.join(' ')} ${c.command} ${c.args.join(' ')}`;

/**
 * Names that reach git as arguments must not start with `-` (git would read an option, e.g.
 * `--upload-pack=…`) or hold control characters (a line break would forge log lines). Git
 * itself refuses most other odd names; quoting (script) and argv (runner) handle the rest.
 */
export function validateRefs(refs: CloneRefs): void {
  const check = (what: string, value: string | undefined, required: boolean) => {
    if (value === undefined || value === '') {
      if (required) throw new ClonerefsInputError(`${what} is empty`);
      return;
    }
    if (value.startsWith('-')) throw new ClonerefsInputError(`${what} ${JSON.stringify(value)} starts with "-"`);
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new ClonerefsInputError(`${what} ${JSON.stringify(value)} contains a control character`);
  };
  check('org', refs.org, !refs.cloneUri && !refs.pathAlias);
  check('repo', refs.repo, !refs.cloneUri && !refs.pathAlias);
  check('base ref', refs.baseRef, true);
  check('base SHA', refs.baseSha, false);
  check('clone URI', refs.cloneUri, false);
  check('repository link', refs.repoLink, false);
  check('path alias', refs.pathAlias, false);
  if (refs.pathAlias && refs.pathAlias.split('/').includes('..')) throw new ClonerefsInputError(`path alias ${JSON.stringify(refs.pathAlias)} leaves the source root`);
  for (const file of refs.sparseCheckoutFiles ?? []) check('sparse checkout file', file, true);
  for (const pull of refs.pulls) {
    if (!Number.isSafeInteger(pull.number) || pull.number < 0) throw new ClonerefsInputError(`pull number ${pull.number} is not a number`);
    check(`SHA of pull #${pull.number}`, pull.sha, false);
    check(`ref of pull #${pull.number}`, pull.ref, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials: an Authorization header scoped to one URL, through git's environment config
// ---------------------------------------------------------------------------------------------

/** Prow's URL credentials as the Basic header they amount to. */
export function basicAuthHeader(credentials: GitCredentials): string {
  const pair = credentials.user ? `${credentials.user}:${credentials.token}` : `${credentials.token}:x-oauth-basic`;
  return `Authorization: Basic ${Buffer.from(pair).toString('base64')}`;
}

/** Only HTTP(S) URLs carry the header; SSH and local paths authenticate their own way. */
const isHttpUrl = (uri: string): boolean => /^https?:\/\//i.test(uri);

/** The environment that makes git send the header to `uri` (and nothing else). */
export function authEnv(uri: string, credentials: GitCredentials | undefined): Record<string, string> {
  if (!credentials?.token || !isHttpUrl(uri)) return {};
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${uri}.extraheader`, GIT_CONFIG_VALUE_0: basicAuthHeader(credentials) };
}

/** Prow's censorToken, for the token and the header made of it. */
export function censor(text: string, credentials: GitCredentials | undefined): string {
  if (!credentials?.token) return text;
  const header = basicAuthHeader(credentials).slice('Authorization: Basic '.length);
  return text.split(credentials.token).join('CENSORED').split(header).join('CENSORED');
}

// ---------------------------------------------------------------------------------------------
// (a) Running the commands (the local agent)
// ---------------------------------------------------------------------------------------------

/** Prow's clone.Command and clone.Record. */
export interface CloneCommandRecord {
  command: string;
  output: string;
  error?: string;
  durationMs: number;
}

export interface CloneRecord {
  refs: CloneRefs;
  commands: CloneCommandRecord[];
  failed: boolean;
  finalSha?: string;
  /** Where the checkout is. */
  path: string;
  durationMs: number;
}

export interface RunClonerefsOptions extends CloneIdentity {
  credentials?: GitCredentials;
  /** Environment for git: default PATH and HOME of this process. Global and system git config are ignored (a fresh pod has none). */
  env?: Record<string, string>;
  /** Default Prow's schedule; tests pass [] so a missing ref fails at once. */
  fetchRetriesMs?: readonly number[];
  /** Stops the command running (abort of the job). */
  signal?: AbortSignal;
}

/** The checkout failed; `record` holds every command run with its output, as Prow's clone log. */
export class ClonerefsError extends Error {
  constructor(
    message: string,
    readonly records: CloneRecord[],
  ) {
    super(message);
    this.name = 'ClonerefsError';
  }
}

interface Ran {
  output: string;
  code: number | null;
  error?: string;
}

function runOne(command: CloneCommand, env: Record<string, string>, signal: AbortSignal | undefined): Promise<Ran> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ output: '', code: null, error: 'aborted' });
      return;
    }
    const extra = Object.fromEntries(command.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    // Its own process group: git fetch runs helpers (git-remote-https) that an abort must stop too.
    const child = spawn(command.command, command.args, { cwd: command.dir, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stop = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    let failedToStart: string | undefined;
    child.on('error', (error) => {
      failedToStart = error.message;
    });
    child.on('close', (code, killed) => {
      signal?.removeEventListener('abort', stop);
      const output = Buffer.concat(chunks).toString('utf8');
      if (failedToStart !== undefined) resolve({ output, code: null, error: failedToStart });
      else if (code !== 0) resolve({ output, code, error: killed ? `killed by ${killed}` : `exit status ${code}` });
      else resolve({ output, code });
    });
  });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** The last lines of git's output: what a person needs to see in a status description. */
function gist(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const conflict = lines.filter((line) => line.startsWith('CONFLICT'));
  return (conflict.length ? conflict : lines.slice(-2)).join('; ');
}

async function cloneOne(refs: CloneRefs, baseDir: string, options: RunClonerefsOptions): Promise<CloneRecord> {
  const started = Date.now();
  const path = pathForRefs(baseDir, refs);
  const record: CloneRecord = { refs, commands: [], failed: false, path, durationMs: 0 };
  const env: Record<string, string> = {
    ...(options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' }),
    // A fresh pod has no global config; the user's (signing, url rewrites, hooks) must not change the merge.
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    // Never wait for a password on a terminal nobody watches, nor for an editor on the merge message.
    GIT_TERMINAL_PROMPT: '0',
    GIT_MERGE_AUTOEDIT: 'no',
    // git's messages in English, so errors read the same everywhere.
    LC_ALL: 'C',
    ...authEnv(repositoryUri(refs), options.credentials),
  };
  const retries = options.fetchRetriesMs ?? prowFetchRetriesMs;
  const runCommands = async (commands: CloneCommand[]): Promise<void> => {
    for (const command of commands) {
      const at = Date.now();
      if (command.command === 'mkdir') {
        // Prow runs `mkdir -p`; the same, without a process.
        await mkdir(command.args[1]!, { recursive: true });
        record.commands.push({ command: formatCommand(command), output: '', durationMs: Date.now() - at });
        continue;
      }
      let ran = await runOne(command, env, options.signal);
      for (const wait of command.retry ? retries : []) {
        if (ran.error === undefined || options.signal?.aborted) break;
        await sleep(wait, options.signal);
        ran = await runOne(command, env, options.signal);
      }
      record.commands.push({
        command: censor(formatCommand(command), options.credentials),
        output: censor(ran.output, options.credentials),
        ...(ran.error !== undefined ? { error: censor(ran.error, options.credentials) } : {}),
        durationMs: Date.now() - at,
      });
      if (ran.error !== undefined) {
        record.failed = true;
        record.durationMs = Date.now() - started;
        throw new ClonerefsError(describeFailure(refs, command, ran, options.credentials), [record]);
      }
    }
  };
  await runCommands(commandsForBaseRef(refs, baseDir, options));
  // Prow: merges are dated from the base commit, or now if it cannot be read.
  const shown = await runOne({ dir: path, command: 'git', args: ['show', '-s', '--format=format:%ct', 'HEAD'], env: [], retry: false }, env, options.signal);
  const timestamp = shown.error === undefined && /^\d+$/.test(shown.output.trim()) ? Number(shown.output.trim()) : Math.floor(Date.now() / 1000);
  await runCommands(commandsForPullRefs(refs, baseDir, timestamp));
  const head = await runOne({ dir: path, command: 'git', args: ['rev-parse', 'HEAD'], env: [], retry: false }, env, options.signal);
  if (head.error === undefined) record.finalSha = head.output.trim();
  record.durationMs = Date.now() - started;
  return record;
}

function describeFailure(refs: CloneRefs, command: CloneCommand, ran: Ran, credentials: GitCredentials | undefined): string {
  const repo = refs.org && refs.repo ? `${refs.org}/${refs.repo}` : repositoryUri(refs);
  const why = censor(gist(ran.output) || ran.error || 'failed', credentials);
  if (command.pull) {
    const sha = command.pull.sha ? ` (${command.pull.sha.slice(0, 12)})` : '';
    return `merging pull #${command.pull.number}${sha} onto ${refs.baseRef} of ${repo} failed: ${why}`;
  }
  return `${command.command} ${command.args[0]} of ${repo} failed: ${why}`;
}

/**
 * Checks out each refs (the primary first, then extra refs) under `<baseDir>/src/…`. Throws
 * ClonerefsError at the first failing command, with the records of all so far.
 */
export async function runClonerefs(baseDir: string, refs: readonly CloneRefs[], options: RunClonerefsOptions = {}): Promise<CloneRecord[]> {
  for (const one of refs) validateRefs(one);
  const identity = { gitUserName: options.gitUserName ?? defaultGitUserName, gitUserEmail: options.gitUserEmail ?? defaultGitUserEmail };
  const records: CloneRecord[] = [];
  for (const one of refs) {
    try {
      records.push(await cloneOne(one, baseDir, { ...options, ...identity }));
    } catch (error) {
      if (error instanceof ClonerefsError) throw new ClonerefsError(error.message, [...records, ...error.records]);
      throw error;
    }
  }
  return records;
}

/** Prow's FormatRecord: the human-readable clone log (clone-log.txt, and build-log.txt when cloning failed). */
export function formatRecord(record: CloneRecord): string {
  let out = record.failed ? '# FAILED\n' : '';
  out += `# Cloning ${record.refs.org}/${record.refs.repo} at ${record.refs.baseRef}`;
  if (record.refs.baseSha) out += `(${record.refs.baseSha})`;
  out += '\n';
  if (record.refs.pulls.length) {
    out += '# Checking out pulls:\n';
    for (const pull of record.refs.pulls) out += `#\t${pull.number}${pull.sha ? `(${pull.sha})` : ''}\n`;
  }
  for (const command of record.commands) {
    out += `$ ${command.command}${command.durationMs ? ` (runtime: ${command.durationMs}ms)` : ''}\n`;
    out += command.output;
    if (command.output && !command.output.endsWith('\n')) out += '\n';
    if (command.error) out += `# Error: ${command.error}\n`;
  }
  out += `# Final SHA: ${record.finalSha ?? ''}\n`;
  out += `# Total runtime: ${record.durationMs}ms\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// (b) The same commands as a POSIX shell script (CodeBuild)
// ---------------------------------------------------------------------------------------------

/** Single-quotes a word for sh: nothing inside single quotes is expanded; a quote is closed, escaped, reopened. */
export const shQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

export interface ClonerefsScriptOptions extends CloneIdentity {
  /** Literal directory; default Prow's `/home/prow/go`. */
  srcRoot?: string;
  /**
   * The environment variable holding the token at run time (the script names it, never holds
   * it). Empty or unset at run time: clones without credentials.
   */
  tokenEnvVar?: string;
  /** The user name sent with the token; default Prow's convention (token, `x-oauth-basic`). */
  tokenUser?: string;
  /** Seconds between fetch attempts; default a shortened Prow schedule in whole seconds (`sleep` takes no fractions in POSIX). */
  fetchRetriesSeconds?: readonly number[];
}

const defaultScriptRetriesSeconds = [1, 2, 4, 8, 15];

/**
 * A POSIX sh script that checks out `refs` (primary first, then extra refs) with Prow's commands.
 * Every value from refs is single-quoted, so no branch name, SHA or URL is ever expanded by the
 * shell. It prints each command (never the token) and, on failure, one `clonerefs:` line on
 * stderr saying what failed, then exits 1. It leaves the shell's working directory unchanged;
 * `workdirFor(srcRoot, …)` says where the job starts.
 */
export function clonerefsScript(refs: readonly CloneRefs[], options: ClonerefsScriptOptions = {}): string {
  for (const one of refs) validateRefs(one);
  const srcRoot = options.srcRoot ?? defaultSrcRoot;
  const tokenVar = options.tokenEnvVar;
  if (tokenVar !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenVar)) throw new ClonerefsInputError(`token variable ${JSON.stringify(tokenVar)} is not a shell variable name`);
  const identity = { gitUserName: options.gitUserName ?? defaultGitUserName, gitUserEmail: options.gitUserEmail ?? defaultGitUserEmail, cookiePath: options.cookiePath };
  const retries = (options.fetchRetriesSeconds ?? defaultScriptRetriesSeconds).map((s) => {
    if (!Number.isInteger(s) || s < 0) throw new ClonerefsInputError(`fetch retry ${s} is not a whole number of seconds`);
    return String(s);
  });

  const lines: string[] = [
    '#!/bin/sh',
    '# clonerefs (Prow\'s checkout): generated by Skiff, every value single-quoted.',
    'set -u',
    'clonerefs_pwd=$(pwd)',
    // Same environment as the runner: no terminal prompts, no editor, English messages.
    'GIT_TERMINAL_PROMPT=0 GIT_MERGE_AUTOEDIT=no LC_ALL=C',
    'export GIT_TERMINAL_PROMPT GIT_MERGE_AUTOEDIT LC_ALL',
    'clonerefs_fail() { printf \'clonerefs: %s\\n\' "$1" >&2; clonerefs_noauth; exit 1; }',
    'clonerefs_noauth() { unset GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0; }',
    // Fetches are retried as Prow retries them; the last failure's output stays in the log.
    `clonerefs_fetch() { for clonerefs_wait in ${retries.join(' ')} end; do git "$@" && return 0; [ "$clonerefs_wait" = end ] && return 1; echo "# retrying in $clonerefs_wait s"; sleep "$clonerefs_wait"; done; }`,
  ];
  if (tokenVar) {
    const user = options.tokenUser;
    // The header is computed at run time from the variable; `printf` is a builtin, so the token is
    // in no process's arguments. Scoped to one URL: git sends it nowhere else.
    const pair = user ? `${shQuote(`${user}:`)}"$${tokenVar}"` : `"$${tokenVar}"${shQuote(':x-oauth-basic')}`;
    lines.push(
      `clonerefs_auth() { clonerefs_noauth; if [ -n "\${${tokenVar}:-}" ]; then case "$1" in http://*|https://*|HTTP://*|HTTPS://*) GIT_CONFIG_COUNT=1; GIT_CONFIG_KEY_0="http.$1.extraheader"; GIT_CONFIG_VALUE_0="Authorization: Basic $(printf '%s' ${pair} | base64 | tr -d '\\n')"; export GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0;; esac; fi; }`,
    );
  } else {
    lines.push('clonerefs_auth() { clonerefs_noauth; }');
  }

  for (const one of refs) {
    const repo = one.org && one.repo ? `${one.org}/${one.repo}` : repositoryUri(one);
    const path = pathForRefs(srcRoot, one);
    // printf, not echo: dash's echo would read backslashes in a name as escapes.
    lines.push('', `printf '%s\\n' ${shQuote(`# Cloning ${repo} at ${one.baseRef}${one.baseSha ? `(${one.baseSha})` : ''}`)}`);
    lines.push(`clonerefs_auth ${shQuote(repositoryUri(one))}`);
    const base = commandsForBaseRef(one, srcRoot, identity);
    lines.push(`mkdir -p ${shQuote(path)} || clonerefs_fail ${shQuote(`mkdir of ${path} failed`)}`);
    lines.push(`cd ${shQuote(path)} || clonerefs_fail ${shQuote(`cd to ${path} failed`)}`);
    for (const command of base.filter((c) => c.command === 'git')) lines.push(renderGit(command, repo, one));
    // Prow's fake timestamp: the base commit's time, or now.
    lines.push('clonerefs_ts=$(git show -s --format=format:%ct HEAD 2>/dev/null) || clonerefs_ts=$(date +%s)');
    for (const command of commandsForPullRefs(one, srcRoot, 0)) lines.push(renderGit(command, repo, one));
    lines.push('echo "# Final SHA: $(git rev-parse HEAD)"', 'cd "$clonerefs_pwd" || clonerefs_fail \'cd back failed\'');
  }
  lines.push('clonerefs_noauth', '');
  return lines.join('\n');
}

function renderGit(command: CloneCommand, repo: string, refs: CloneRefs): string {
  const args = command.args.map(shQuote).join(' ');
  const shown = shQuote(`$ git ${command.args.join(' ')}`);
  let run: string;
  let what: string;
  if (command.mergeIndex !== undefined) {
    const at = `"$((clonerefs_ts + ${command.mergeIndex}))"`;
    run = `GIT_AUTHOR_DATE=${at} GIT_COMMITTER_DATE=${at} git ${args}`;
    const pull = command.pull!;
    what = `merging pull #${pull.number}${pull.sha ? ` (${pull.sha.slice(0, 12)})` : ''} onto ${refs.baseRef} of ${repo} failed`;
  } else if (command.retry) {
    run = `clonerefs_fetch ${args}`;
    what = `git fetch of ${repo} failed`;
  } else {
    run = `git ${args}`;
    what = `git ${command.args[0]} of ${repo} failed`;
  }
  return `printf '%s\\n' ${shown}; ${run} || clonerefs_fail ${shQuote(what)}`;
}
