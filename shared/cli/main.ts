// The `skiff` command: `skiff local` (npm start) and `skiff phony`.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeLocation, parseConfigLocation } from '../config/location.js';
import { startLocal } from '../local/local-mode.js';
import { createLogger } from '../log.js';
import { checkConfigFiles } from './check-config.js';
import { phony } from './phony.js';

/** The secret `skiff local` and `skiff phony` agree on when WEBHOOK_SECRET is not set. */
const localSecret = 'skiff-local-development-secret';
const defaultConfig = fileURLToPath(new URL('../local/default-config.yaml', import.meta.url));

const usage = `usage:
  skiff local [--port N] [--data-dir DIR]
      Runs Skiff on 127.0.0.1 (POST /hook, GET /healthz, GET /api/deliveries/{id}) with embedded
      DynamoDB, SQS and S3 stand-ins. Reads SKIFF_CONFIG, WEBHOOK_SECRET or SKIFF_HMAC_FILE,
      GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, GITHUB_API_URL, PORT.
  skiff phony --event NAME [--payload FILE | --action ACTION | --comment TEXT] [--address URL] [--hmac SECRET] [--delivery ID]
      Sends one signed webhook: a file, or a real sample payload (--comment: an issue_comment
      with that text on a pull request, e.g. "/hold"). Default address http://127.0.0.1:$PORT/hook, secret $WEBHOOK_SECRET
      or, like skiff local, the local development secret).
  skiff checkconfig FILE [FILE ...]
      Validates Prow-style plugins.yaml / config.yaml files as Skiff would load them (Prow's checkconfig).
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'local':
      return local(rest);
    case 'phony':
      return sendPhony(rest);
    case 'checkconfig':
      return checkConfig(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command ? 0 : 2;
    default:
      process.stderr.write(`skiff: unknown command "${command}"\n${usage}`);
      return 2;
  }
}

async function local(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, 'data-dir': { type: 'string' } } });
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
  const skiff = await startLocal({
    env,
    port: values.port === undefined ? undefined : Number(values.port),
    dataDir: values['data-dir'],
    log: createLogger({ logLevel: env.LOG_LEVEL ?? 'WARN' }),
  });
  const snapshot = await skiff.dispatchDeps.config.get();
  const location = describeLocation(parseConfigLocation(env.SKIFF_CONFIG, { allowFiles: true }));
  const repos = Object.entries(snapshot.config.plugins).map(([where, p]) => `    ${where}: ${p.plugins.join(', ') || '(none)'}`);
  process.stdout.write(
    [
      `Skiff is listening on ${skiff.url}`,
      `  POST ${skiff.url}/hook   GET ${skiff.url}/healthz   GET ${skiff.url}/api/deliveries/{id}`,
      `  config: ${location}`,
      ...(repos.length ? repos : ['    (no plugins enabled anywhere)']),
      ...snapshot.warnings.map((w) => `  warning: ${w}`),
      ...notes.map((n) => `  note: ${n}`),
      `  GitHub: ${env.GITHUB_API_URL || 'https://api.github.com'}${skiff.dispatchDeps.github.dryRun ? ' — dry-run: no credentials, writes are logged, not sent' : ''}`,
      `  state: ${values['data-dir'] ? values['data-dir'] : 'in memory (use --data-dir to keep it)'}`,
      `Try: npm run skiff -- phony --event issue_comment --comment /hold`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await skiff.close();
  return 0;
}

async function sendPhony(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      event: { type: 'string' },
      payload: { type: 'string' },
      action: { type: 'string' },
      comment: { type: 'string' },
      address: { type: 'string' },
      hmac: { type: 'string' },
      delivery: { type: 'string' },
    },
  });
  if (!values.event) {
    process.stderr.write(`skiff phony: --event is required\n${usage}`);
    return 2;
  }
  const hmac = values.hmac ?? process.env.WEBHOOK_SECRET ?? localSecret;
  const address = values.address ?? `http://127.0.0.1:${process.env.PORT ?? 8888}/hook`;
  const result = await phony({ ...values, event: values.event, address, hmac });
  process.stdout.write(`${result.status} ${result.body}\ndelivery: ${result.delivery}\n`);
  if (result.status < 300) process.stdout.write(`trace: ${new URL(`/api/deliveries/${result.delivery}`, address)}\n`);
  return result.status < 300 ? 0 : 1;
}

async function checkConfig(files: string[]): Promise<number> {
  if (!files.length) {
    process.stderr.write(`skiff checkconfig: name at least one file\n${usage}`);
    return 2;
  }
  const result = await checkConfigFiles(files);
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
