// Turns `cdk -c key=value` context into a SkiffStack and puts cdk-nag's AwsSolutions checks on the
// app. Kept apart from app.ts (the CDK entry point) so tests can run the same wiring on their own App.
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SkiffStack } from './skiff-stack.js';
import { SkiffSettingError } from './stack-settings.js';

/** Context keys read from `-c key=value` or cdk.json. */
export const contextKeys = [
  'config',
  'githubApiUrl',
  'pluginsMaxConcurrency',
  'pluginsReservedConcurrency',
  'webhookReservedConcurrency',
  'reserveConcurrency',
  'apiRateLimit',
  'apiBurstLimit',
  'publicTraces',
  'queueEvents',
  'jobLogRetentionDays',
  'jobLogLinks',
  'alarmEmail',
  'stackName',
  'bundle',
] as const;

export function configureSkiffApp(app: App): SkiffStack {
  const config = stringContext(app, 'config');
  // Lambda has no local files to read, so only the repository form of SKIFF_CONFIG makes sense here.
  if (config === undefined || !/^[^/\s:]+\/[^/\s:]+:\S+$/.test(config)) {
    throw new SkiffSettingError(
      `Skiff needs to know where its config lives: pass -c config=owner/repo:path[,path2][@ref] ` +
        `(for example -c config=acme/prow-config:plugins.yaml,config.yaml); got ${config === undefined ? 'nothing' : JSON.stringify(config)}`,
    );
  }
  const stack = new SkiffStack(app, stringContext(app, 'stackName') ?? 'Skiff', {
    description: 'Skiff: Prow-style GitHub ChatOps and CI on AWS Lambda and CodeBuild',
    config,
    githubApiUrl: stringContext(app, 'githubApiUrl'),
    pluginsMaxConcurrency: integerContext(app, 'pluginsMaxConcurrency'),
    pluginsReservedConcurrency: integerContext(app, 'pluginsReservedConcurrency'),
    webhookReservedConcurrency: integerContext(app, 'webhookReservedConcurrency'),
    reserveConcurrency: booleanContext(app, 'reserveConcurrency'),
    apiRateLimit: integerContext(app, 'apiRateLimit'),
    apiBurstLimit: integerContext(app, 'apiBurstLimit'),
    // Only an explicit `-c publicTraces=true` opens the trace API.
    publicTraces: booleanContext(app, 'publicTraces'),
    queueEvents: stringContext(app, 'queueEvents'),
    jobLogRetentionDays: integerContext(app, 'jobLogRetentionDays'),
    // `-c jobLogLinks=false`: statuses link to the CodeBuild console, and the log route is not deployed.
    jobLogLinks: booleanContext(app, 'jobLogLinks'),
    alarmEmail: stringContext(app, 'alarmEmail'),
    // `-c bundle=false` synthesizes with placeholder code: a nag/template check without function sources.
    bundle: String(app.node.tryGetContext('bundle') ?? 'true') !== 'false',
  });
  // cdk-nag v3 is a policy-validation plugin: findings are reported after synthesis and fail it.
  // Acknowledgements sit next to the resources they concern, in skiff-stack.ts.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

function stringContext(app: App, key: (typeof contextKeys)[number]): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new SkiffSettingError(`context ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function booleanContext(app: App, key: (typeof contextKeys)[number]): boolean | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  // `-c` values arrive as strings; cdk.json may hold a boolean. Anything else ("yes", "1") is a
  // mistake to point out, not a value to guess at: one of these opens the trace API.
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SkiffSettingError(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

function integerContext(app: App, key: (typeof contextKeys)[number]): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  // `-c` values arrive as strings; cdk.json may hold a number.
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw new SkiffSettingError(`context ${key} must be an integer, got ${JSON.stringify(value)}`);
  return n;
}
