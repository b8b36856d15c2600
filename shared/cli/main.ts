// The `skiff` command: `skiff local` (npm start), `skiff phony` and `skiff checkconfig`.
// Every command answers --help with its own usage; a mistake on the command line (an unknown or
// missing option, a bad port) is one line on stderr and exit status 2, never a stack trace.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeLocation, parseConfigLocation } from '../config/location.js';
import { DataDirInUseError } from '../local/data-dir-lock.js';
import { startLocal, type LocalSkiff } from '../local/local-mode.js';
import { createLogger } from '../log.js';
import { checkConfig as checkConfigWith, defaultSuffixes } from './check-config.js';
import { HookUnreachableError, phony, PhonyError, repoPattern } from './phony.js';
import { SampleError } from './sample-payloads.js';

/** The secret `skiff local` and `skiff phony` agree on when WEBHOOK_SECRET is not set. */
const localSecret = 'skiff-local-development-secret';
const defaultConfig = fileURLToPath(new URL('../local/default-config.yaml', import.meta.url));
const defaultPort = 8888;
const defaultDataDir = '.skiff';

/** A command line that cannot be run as written: one line, exit status 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

const usages = {
  local: `usage: skiff local [--port N] [--data-dir DIR]
    Runs Skiff on 127.0.0.1 (POST /hook, GET /healthz, GET /api/deliveries/{id}, GET /api/plugin-help,
    GET /api/budget, GET /jobs/{id}/log) with embedded DynamoDB, SQS and S3 stand-ins. Jobs the config
    runs on CodeBuild (or Prow's kubernetes agent) run here as processes: the container's command and
    args in a checkout of the pull request merged onto its base; horologium, the reconciler (every
    minute) and sinker (hourly) run as timers.
    --port N        port to listen on, 0 for any free one (default $PORT, else ${defaultPort})
    --data-dir DIR  where the queue, DynamoDB, S3 and job logs keep their state between runs, so an
                    acknowledged event is processed even if Skiff is stopped or killed before it
                    got to it (default ./${defaultDataDir})
    Reads SKIFF_CONFIG (default: a sample config), WEBHOOK_SECRET or SKIFF_HMAC_FILE, GITHUB_TOKEN
    or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY (without them: offline, writes are printed, not
    sent), GITHUB_API_URL, SKIFF_BOT_LOGIN, PORT, LOG_LEVEL (default WARN).
`,
  phony: `usage: skiff phony --event NAME [--payload FILE | --action ACTION | --comment TEXT] [--repo OWNER/NAME]
                   [--address URL] [--hmac SECRET] [--delivery ID]
    Sends one signed webhook, like Prow's phony: a payload file, or a real sample payload.
    --event NAME      the X-GitHub-Event, e.g. issue_comment, pull_request (required)
    --payload FILE    send this file as it is
    --action ACTION   which sample of the event, e.g. opened
    --comment TEXT    an issue_comment on a pull request with this text, e.g. "/hold"
    --repo OWNER/NAME send the sample as if from this repository
    --address URL     default http://127.0.0.1:$PORT/hook (PORT default ${defaultPort})
    --hmac SECRET     default $WEBHOOK_SECRET, else the secret skiff local uses without it
    --delivery ID     the X-GitHub-Delivery (default a new UUID)
`,
  checkconfig: `usage: skiff checkconfig [PATH ...] [--config-path FILE] [--job-config-path PATH] [--plugin-config FILE]
                         [--supplemental-prow-config-dir DIR ...] [--supplemental-plugin-config-dir DIR ...] [--strict]
    Validates a Prow config exactly as Skiff loads it (Prow's checkconfig, with its flags). Every
    error and warning names the file, line, column and key path.
    PATH                                 a file or directory, as in SKIFF_CONFIG (a directory: every
                                         *.yaml / *.yml below it)
    --config-path FILE                   Prow's config.yaml
    --job-config-path PATH               a job file, or a directory of them
    --plugin-config FILE                 Prow's plugins.yaml
    --supplemental-prow-config-dir DIR   shards below DIR named *${defaultSuffixes.prow} (repeatable)
    --supplemental-plugin-config-dir DIR shards below DIR named *${defaultSuffixes.plugin} (repeatable)
    --supplemental-prow-configs-filename-suffix S, --supplemental-plugin-configs-filename-suffix S
                                         other shard name endings
    --strict                             names nothing knows (likely typos) are errors, not warnings
    Exit status 0 when valid (warnings allowed), 1 when not, 2 for a command-line mistake.
`,
} as const;

type CommandName = keyof typeof usages;
const commandNames = Object.keys(usages) as CommandName[];

const commands: Record<CommandName, (args: string[]) => Promise<number>> = {
  local,
  phony: sendPhony,
  checkconfig: checkConfig,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0] as CommandName | undefined;
    process.stdout.write(topic && topic in usages ? usages[topic] : commandNames.map((name) => usages[name]).join('\n'));
    return 0;
  }
  if (command === undefined) return usageError('skiff', `name a command: ${commandNames.join(', ')} (skiff --help shows them)`);
  if (!(command in commands)) return usageError('skiff', `unknown command ${JSON.stringify(command)}; the commands are ${commandNames.join(', ')}`);
  const name = command as CommandName;
  try {
    return await commands[name](rest);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PhonyError || error instanceof SampleError) {
      return usageError(`skiff ${name}`, `${error.message} (skiff ${name} --help shows the options)`);
    }
    throw error;
  }
}

function usageError(who: string, message: string): number {
  process.stderr.write(`${who}: ${message}\n`);
  return 2;
}

/** node:util parseArgs, strict, with its errors turned into one short line. */
function parse<const O extends Parameters<typeof parseArgs>[0] & object>(config: O) {
  try {
    return parseArgs({ ...config, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }));
  }
}

function describeParseError(error: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? error.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // "Option '--event <value>' argument missing" / "Option '--help' does not take an argument"
      return / argument missing/.test(error.message) && quoted ? `${quoted.split(' ')[0]} needs a value` : (error.message.split('. ')[0] ?? error.message);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? error.message}`;
    default:
      return error.message.split('. ')[0] ?? error.message;
  }
}

const help = { help: { type: 'boolean', short: 'h' } } as const;

function port(value: string, what: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`${what} must be a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** --port, else $PORT (an empty PORT counts as unset), else 8888. */
function portOf(flag: string | undefined): number {
  if (flag !== undefined) return port(flag, '--port');
  const env = process.env.PORT;
  return env ? port(env, 'PORT') : defaultPort;
}

async function local(args: string[]): Promise<number> {
  const { values } = parse({ args, options: { ...help, port: { type: 'string' }, 'data-dir': { type: 'string' } } });
  if (values.help) {
    process.stdout.write(usages.local);
    return 0;
  }
  const listenOn = portOf(values.port);
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir);
  const env = { ...process.env };
  const notes: string[] = [];
  if (!env.SKIFF_CONFIG) {
    env.SKIFF_CONFIG = defaultConfig;
    notes.push('SKIFF_CONFIG is not set: using the sample config');
  }
  if (!env.WEBHOOK_SECRET && !env.SKIFF_HMAC_FILE) {
    // Only reachable from this machine (127.0.0.1); phony signs with the same default.
    env.WEBHOOK_SECRET = localSecret;
    notes.push(`WEBHOOK_SECRET is not set: using the local development secret "${localSecret}"`);
  }
  let skiff: LocalSkiff;
  try {
    skiff = await startLocal({
      env,
      port: listenOn,
      dataDir,
      log: createLogger({ logLevel: env.LOG_LEVEL ?? 'WARN' }),
      print: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`skiff local: port ${listenOn} is in use; choose another with --port or PORT\n`);
      return 1;
    }
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`skiff local: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const snapshot = await skiff.dispatchDeps.config.get();
  const location = parseConfigLocation(env.SKIFF_CONFIG, { allowFiles: true });
  const repos = Object.entries(snapshot.config.plugins).map(([where, p]) => `    ${where}: ${p.plugins.join(', ') || '(none)'}`);
  const apiUrl = env.GITHUB_API_URL || 'https://api.github.com';
  const github = skiff.offline
    ? `offline — no credentials: events are answered from their own payloads, and each write is printed ("dry-run: …"), not sent${
        location.kind === 'repo' ? `; the config is still read from ${apiUrl}, anonymously` : ''
      }`
    : apiUrl;
  const stopped = untilStopped();
  process.stdout.write(
    [
      `Skiff is listening on ${skiff.url}`,
      `  POST ${skiff.url}/hook   GET ${skiff.url}/healthz   GET ${skiff.url}/api/deliveries/{id}   GET ${skiff.url}/api/plugin-help?repo=owner/name`,
      `  config: ${describeLocation(location)}`,
      ...(repos.length ? repos : ['    (no plugins enabled anywhere)']),
      ...snapshot.warnings.map((w) => `  warning: ${w}`),
      `  GitHub: ${github}`,
      `  data: ${dataDir} (queue, DynamoDB and S3: an acknowledged event survives a restart)`,
      ...notes.map((n) => `  note: ${n}`),
      ...(skiff.replayed ? [`  note: ${skiff.replayed} event(s) acknowledged by the previous run and not finished are queued again`] : []),
      `Try: npm run skiff -- phony --event issue_comment --comment /hold${skiff.port === defaultPort ? '' : ` --address ${skiff.url}/hook`}`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
  const why = await stopped;
  process.stdout.write(`stopping (${why}): finishing what is in flight; Ctrl-C again to quit at once\n`);
  // Whatever happens in close(), the process is gone well within the 10 s a stop may take.
  setTimeout(() => {
    process.stderr.write('skiff local: did not stop in time; exiting\n');
    process.exit(1);
  }, 9_500).unref();
  await skiff.close();
  process.stdout.write('stopped\n');
  return 0;
}

/**
 * Resolves on SIGINT, SIGTERM or SIGHUP — or, when npm started this process, once npm is gone:
 * `npm start` runs the script through `sh -c`, which dash does not replace with node, and npm
 * forwards a SIGTERM to that shell only; the shell dies and node, orphaned, kept the port.
 * After that, another signal exits at once — but not one arriving within a moment of the first,
 * which is the same Ctrl-C: the terminal signals the whole process group, and npm forwards it too.
 */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    let stoppingSince: number | undefined;
    const stop = (why: string) => {
      if (stoppingSince === undefined) {
        stoppingSince = Date.now();
        resolve(why);
        return;
      }
      if (why === 'npm exited' || Date.now() - stoppingSince < 300) return;
      process.stderr.write(`skiff local: ${why} again; exiting now\n`);
      process.exit(130);
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
    if (process.env.npm_lifecycle_event) {
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent) stop('npm exited');
      }, 250).unref();
    }
  });
}

async function sendPhony(args: string[]): Promise<number> {
  const { values } = parse({
    args,
    options: {
      ...help,
      event: { type: 'string' },
      payload: { type: 'string' },
      action: { type: 'string' },
      comment: { type: 'string' },
      repo: { type: 'string' },
      address: { type: 'string' },
      hmac: { type: 'string' },
      delivery: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(usages.phony);
    return 0;
  }
  if (!values.event) throw new UsageError('--event is required, e.g. --event issue_comment');
  if (values.repo !== undefined && !repoPattern.test(values.repo)) throw new UsageError(`--repo must be owner/name, not ${JSON.stringify(values.repo)}`);
  // An empty WEBHOOK_SECRET is as good as none, as for skiff local.
  const hmac = values.hmac || process.env.WEBHOOK_SECRET || localSecret;
  const address = values.address ?? `http://127.0.0.1:${portOf(undefined)}/hook`;
  let result;
  try {
    result = await phony({ ...values, event: values.event, address, hmac });
  } catch (error) {
    if (!(error instanceof HookUnreachableError)) throw error;
    process.stderr.write(`skiff phony: ${error.message} (is skiff local running?)\n`);
    return 1;
  }
  // Skiff's answers already start with their status ("403 Forbidden: …"); other hooks' may not.
  const status = result.body.startsWith(String(result.status)) ? result.body : `${result.status} ${result.body}`;
  process.stdout.write(`${status}\ndelivery: ${result.delivery}\n`);
  if (result.status < 300) process.stdout.write(`trace: ${new URL(`/api/deliveries/${result.delivery}`, address)}\n`);
  return result.status < 300 ? 0 : 1;
}

async function checkConfig(args: string[]): Promise<number> {
  const { values, positionals: paths } = parse({
    args,
    options: {
      ...help,
      'config-path': { type: 'string' },
      'job-config-path': { type: 'string' },
      'plugin-config': { type: 'string' },
      'supplemental-prow-config-dir': { type: 'string', multiple: true },
      'supplemental-plugin-config-dir': { type: 'string', multiple: true },
      'supplemental-prow-configs-filename-suffix': { type: 'string' },
      'supplemental-plugin-configs-filename-suffix': { type: 'string' },
      strict: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(usages.checkconfig);
    return 0;
  }
  if (!paths.length && !values['config-path'] && !values['plugin-config'] && !values['job-config-path'] && !values['supplemental-prow-config-dir'] && !values['supplemental-plugin-config-dir']) {
    throw new UsageError('name a config file or directory, or --config-path / --plugin-config');
  }
  const result = await checkConfigWith({
    paths,
    configPath: values['config-path'],
    jobConfigPath: values['job-config-path'],
    pluginConfig: values['plugin-config'],
    supplementalProwConfigDirs: values['supplemental-prow-config-dir'],
    supplementalPluginConfigDirs: values['supplemental-plugin-config-dir'],
    prowConfigSuffix: values['supplemental-prow-configs-filename-suffix'],
    pluginConfigSuffix: values['supplemental-plugin-configs-filename-suffix'],
    strict: values.strict,
  });
  process.stdout.write(`${result.lines.join('\n')}\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`skiff: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
