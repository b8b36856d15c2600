// Module-init time: what a cold start spends importing each bundle (its top-level code builds
// the AWS clients, the logger and, for plugins, the GitHub connector and config agent). Each
// sample is a fresh `node` process that times `await import(bundle)` with performance.now().
// The AWS SDK is resolved from node_modules, standing in for the copy the Lambda runtime provides.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isBuiltin } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BundleResult, FunctionName } from '../infra/bundle.js';
import type { MetricReport, Row } from './metric.js';
import { ms, summarize } from './stats.js';

const samples = 10;
/** Samples of the split measurement (SDK packages first, then the bundle): a breakdown only. */
const splitSamples = 5;
/** Load order for the split: a package's dependencies before it, so each time is its own increment. */
const sdkOrder = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager'];

/** The AWS SDK packages each function's code actually calls (see its composition root in functions/). */
const sdkUsed: Record<FunctionName, readonly string[]> = {
  webhook: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager'],
  plugins: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager'],
  api: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  // CodeBuild and SSM (clone tokens) are loaded when a job starts, not at init; Secrets Manager holds the GitHub credentials.
  jobs: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-secrets-manager'],
};

/**
 * The packages a bundle loads at init (external to it, imported statically), dependencies first.
 * A dynamic `import()` (S3 and SQS clients loaded on first use) is not loaded at init.
 */
function externalPackages(bundle: BundleResult): string[] {
  const output = Object.entries(bundle.metafile.outputs).find(([file]) => file.endsWith(`${bundle.name}/index.mjs`))?.[1];
  const externals = new Set(
    (output?.imports ?? []).filter((i) => i.external && i.kind !== 'dynamic-import' && !isBuiltin(i.path)).map((i) => i.path),
  );
  const rank = (p: string) => (sdkOrder.includes(p) ? sdkOrder.indexOf(p) : sdkOrder.length);
  return [...externals].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
const childTimeoutMs = 20_000;

// Runs in the child. Records every TCP connection attempted while the bundle loads (and for
// 150 ms after, for work started but not awaited) and refuses any that is not to loopback, so
// the benchmark can never reach a real AWS endpoint.
const childScript = `
import net from 'node:net';
const connects = [];
const loopback = new Set(['127.0.0.1', 'localhost', '::1']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  const target = options.path ? 'ipc:' + options.path : (options.host ?? 'localhost') + ':' + options.port;
  connects.push(target);
  if (!options.path && !loopback.has(options.host ?? 'localhost')) {
    process.nextTick(() => this.destroy(new Error('bench: connection to ' + target + ' refused (loopback only)')));
    return this;
  }
  return connect.apply(this, args);
};
let error;
// Split mode: first import the bundle's external packages, one after another, each timed. The
// child runs in the bundle's folder, so they resolve as the bundle's own imports do.
const preload = [];
for (const specifier of (process.env.BENCH_PRELOAD ?? '').split(',').filter(Boolean)) {
  const t = performance.now();
  await import(specifier);
  preload.push([specifier, performance.now() - t]);
}
const start = performance.now();
try { await import(process.env.BENCH_BUNDLE_URL); } catch (e) { error = String(e?.stack ?? e); }
const importMs = performance.now() - start;
await new Promise((resolve) => setTimeout(resolve, 150));
const result = { importMs, sinceProcessStartMs: start + importMs, rssBytes: process.memoryUsage().rss, connects, preload, error };
process.stdout.write('BENCH_INIT ' + JSON.stringify(result) + '\\n', () => process.exit(0));
`;

interface ChildResult {
  importMs: number;
  sinceProcessStartMs: number;
  rssBytes: number;
  connects: string[];
  /** Split mode: [package, ms] for each external package imported before the bundle. */
  preload: [string, number][];
  error?: string;
}

interface InitCase {
  label: string;
  fn: FunctionName;
  env: Record<string, string>;
  /** Also measure the split: external packages, then the bundle itself. */
  split: boolean;
}

/** A loopback stand-in for AWS: answers Secrets Manager's GetSecretValue and counts every request. */
async function startAwsStub(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
    requests.push(target);
    req.resume();
    req.on('end', () => {
      if (target === 'secretsmanager.GetSecretValue') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
          JSON.stringify({
            ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:skiff-github-AbCdEf',
            Name: 'skiff-github',
            VersionId: '00000000-0000-0000-0000-000000000000',
            SecretString: JSON.stringify({ token: 'bench-token' }),
            VersionStages: ['AWSCURRENT'],
            CreatedDate: 1_700_000_000,
          }),
        );
      } else {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function runChild(bundle: string, env: Record<string, string>, preload: readonly string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', childScript],
      { cwd: path.dirname(bundle), env: { ...env, BENCH_BUNDLE_URL: pathToFileURL(bundle).href, BENCH_PRELOAD: preload.join(',') }, timeout: childTimeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('BENCH_INIT '));
        if (line) return resolve(JSON.parse(line.slice('BENCH_INIT '.length)) as ChildResult);
        reject(new Error(`init child for ${bundle} gave no result (${error?.message ?? 'no error'}): ${stderr.slice(-500)}`));
      },
    );
  });
}

export async function measureModuleInit(bundles: readonly BundleResult[]): Promise<MetricReport> {
  const stub = await startAwsStub();
  try {
    // What Lambda provides, with fake values; AWS_ENDPOINT_URL sends any AWS call to the stub.
    const base: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'production',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIABENCHFAKE',
      AWS_SECRET_ACCESS_KEY: 'bench-fake-secret',
      AWS_SESSION_TOKEN: 'bench-fake-session',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: stub.url,
      LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const common = { SKIFF_TABLE: 'skiff', SKIFF_PAYLOAD_BUCKET: 'skiff-payloads' };
    const cases: InitCase[] = [
      {
        label: 'webhook',
        fn: 'webhook',
        env: {
          ...common,
          SKIFF_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/skiff-events.fifo',
          SKIFF_HANDLED_EVENTS: 'issue_comment,issues,pull_request,pull_request_review,pull_request_review_comment,push',
          WEBHOOK_SECRET: 'bench-webhook-secret',
        },
        split: true,
      },
      { label: 'plugins (GITHUB_TOKEN)', fn: 'plugins', env: { ...common, SKIFF_CONFIG: 'acme/prow-config:plugins.yaml', GITHUB_TOKEN: 'bench-token' }, split: true },
      {
        label: 'plugins (SKIFF_GITHUB_SECRET_ARN, as deployed)',
        fn: 'plugins',
        env: { ...common, SKIFF_CONFIG: 'acme/prow-config:plugins.yaml', SKIFF_GITHUB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:skiff-github-AbCdEf' },
        split: false,
      },
      { label: 'api', fn: 'api', env: { SKIFF_TABLE: 'skiff' }, split: true },
      {
        label: 'jobs (GITHUB_TOKEN)',
        fn: 'jobs',
        env: { SKIFF_CONFIG: 'acme/prow-config:plugins.yaml', GITHUB_TOKEN: 'bench-token', SKIFF_TABLE: 'skiff', SKIFF_JOBS_TABLE: 'skiff-jobs', SKIFF_CODEBUILD_PROJECT: 'skiff-jobs', SKIFF_ARTIFACTS_BUCKET: 'skiff-artifacts' },
        split: true,
      },
    ];

    const rows: Row[] = [];
    const details: string[] = [];
    const findings: string[] = [];
    const bundleOf = (c: InitCase) => {
      const bundle = bundles.find((b) => b.name === c.fn);
      if (!bundle) throw new Error(`no bundle for ${c.fn}`);
      return bundle;
    };
    /** One child; the stub requests that arrived while it ran are its own (children run one at a time). */
    const sample = async (c: InitCase, preload: readonly string[] = []) => {
      const before = stub.requests.length;
      const result = await runChild(bundleOf(c).outfile, { ...base, ...c.env }, preload);
      if (result.error) throw new Error(`importing the ${c.fn} bundle failed: ${result.error.slice(0, 400)}`);
      return { ...result, awsRequests: stub.requests.slice(before) };
    };
    // Round robin over the cases, so a change in the machine's load during the run affects
    // every case alike. One unmeasured run of each first, so the files are in the page cache.
    for (const c of cases) await sample(c);
    const measured = new Map<InitCase, Awaited<ReturnType<typeof sample>>[]>(cases.map((c) => [c, []]));
    for (let i = 0; i < samples; i++) for (const c of cases) measured.get(c)!.push(await sample(c));
    const splits = new Map<InitCase, Awaited<ReturnType<typeof sample>>[]>(cases.filter((c) => c.split).map((c) => [c, []]));
    for (let i = 0; i < splitSamples; i++) for (const [c, runs] of splits) runs.push(await sample(c, externalPackages(bundleOf(c))));

    const median = (values: number[]) => summarize(values).p50;
    for (const c of cases) {
      const results = measured.get(c)!;
      const init = summarize(results.map((r) => r.importMs));
      const total = summarize(results.map((r) => r.sinceProcessStartMs));
      const rss = summarize(results.map((r) => r.rssBytes));
      const connects = [...new Set(results.flatMap((r) => r.connects))];
      const awsRequests = results.flatMap((r) => r.awsRequests);
      const kinds = [...new Set(awsRequests)].join(', ');
      const perImport = awsRequests.length / results.length;
      let split = '';
      const runs = splits.get(c);
      if (runs) {
        const externals = externalPackages(bundleOf(c));
        const each = externals.map((pkg, i) => ({ pkg, ms: median(runs.map((r) => r.preload[i]?.[1] ?? Number.NaN)) }));
        const sdk = median(runs.map((r) => r.preload.reduce((sum, [, t]) => sum + t, 0)));
        const own = median(runs.map((r) => r.importMs));
        split = `; split (${splitSamples} runs, medians): external packages ${ms(sdk, 0)} (${each.map((e) => `${e.pkg.replace('@aws-sdk/', '')} ${ms(e.ms, 0)}`).join(', ')}), then the bundle's own code ${ms(own, 0)}`;
        const unused = each.filter((e) => !sdkUsed[c.fn].includes(e.pkg));
        if (unused.length) {
          findings.push(
            `The ${c.fn} bundle imports ${unused.map((e) => `${e.pkg} (${ms(e.ms, 0)})`).join(' and ')} at load, ${ms(unused.reduce((sum, e) => sum + e.ms, 0), 0)} of its ${ms(sdk, 0)} of SDK imports in the split, although functions/${c.fn}.ts never uses ${unused.length === 1 ? 'that client' : 'those clients'}: a static import of the client is left in the bundle (with \`@aws-sdk/*\` external, every static import is loaded at init); import it where it is used, or lazily.`,
          );
        }
      }
      rows.push({ metric: `Module init: ${c.label}, median / p90`, value: `${ms(init.p50)} / ${ms(init.p90)}` });
      details.push(
        `${c.label}: import median ${ms(init.p50)}, p90 ${ms(init.p90)}, min ${ms(init.min)}, max ${ms(init.max)}; process start → imported median ${ms(total.p50)}; RSS after init median ${(rss.p50 / 1024 / 1024).toFixed(0)} MiB; ` +
          `connections during init: ${connects.length ? connects.join(', ') : 'none'}${awsRequests.length ? `; AWS requests per import: ${perImport.toFixed(1)} (${kinds})` : ''}${split}`,
      );
      if (connects.length) {
        findings.push(
          `Importing the ${c.label} bundle does network I/O at module init: ${perImport.toFixed(1)} AWS request(s) per cold start (${kinds || connects.join(', ')}), answered here by a loopback stub, so its ${ms(init.p50)} median excludes the real round trip to the service.`,
        );
      }
    }
    return {
      title: 'Module init',
      rows,
      how: [
        `For each bundle, ${samples} fresh \`node\` processes (after one unmeasured run; the cases take turns, so load changes on the machine hit all alike), each timing \`await import(bundle)\` with performance.now() and printing JSON; median and p90 (nearest rank) of the ${samples}. Node ${process.version} here; Lambda runs node22.`,
        'The environment is what each function needs at import, with fake values, plus fake AWS credentials and region. `AWS_ENDPOINT_URL` points every AWS SDK client at a loopback stub that answers Secrets Manager and counts requests, and the child refuses any TCP connection that is not to loopback, so nothing leaves the machine. Connections attempted during the import and 150 ms after are recorded.',
        `For webhook, plugins and api, ${splitSamples} more processes split the time: they first import the bundle's external packages (the AWS SDK clients it imports, read from esbuild's metafile) one after another, each timed (shared dependencies count towards the first package that loads them), then time the import of the bundle itself.`,
        'The plugins function is measured twice: with `GITHUB_TOKEN` (no secret to fetch), and with `SKIFF_GITHUB_SECRET_ARN` as the CDK stack deploys it.',
        'The AWS SDK (external to the bundles) is loaded from node_modules, as the Lambda runtime would provide it; the page cache is warm, unlike a real cold start; Lambda\'s own runtime start is not included.',
      ],
      findings,
      details,
    };
  } finally {
    await new Promise<void>((resolve) => stub.server.close(() => resolve()));
  }
}
