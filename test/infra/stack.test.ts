// The Skiff stack as CloudFormation: the properties the design depends on, least-privilege IAM
// read straight from the policy documents, and a clean cdk-nag AwsSolutions report.
// All stacks use `bundle: false`, so nothing here needs esbuild or the function sources.
import { readFileSync } from 'node:fs';
import { App, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { sign } from '@octokit/webhooks-methods';
import { SkiffStack, type SkiffStackProps } from '../../infra/skiff-stack.js';
import { SkiffSettingError } from '../../infra/stack-settings.js';
import { handleJobLog } from '../../shared/api/job-log.js';
import { handleApi } from '../../shared/api/read-api.js';
import { parseHmacSecrets } from '../../shared/hook/hmac.js';
import { jobLogLinks } from '../../shared/jobs/job-log-link.js';
import { DynamoJobStore } from '../../shared/jobs/store/dynamo-job-store.js';
import { s3LogObjects, type GetLogEvents } from '../../shared/storage/job-log-sources.js';
import { handledEvents } from '../../shared/hook/events.js';
import { queueForwards } from '../../shared/hook/forward.js';
import { decodeQueuedEvent, encodeQueuedEvent } from '../../shared/hook/queued-event.js';
import { receive } from '../../shared/hook/receive.js';
import { createLogger } from '../../shared/log.js';
import { plugins as pluginRegistry } from '../../shared/plugins/registry.js';
import { receiveDeps } from '../../shared/runtime/receive-deps.js';
import { DynamoStore } from '../../shared/storage/dynamo-store.js';
import { S3Payloads } from '../../shared/storage/s3-payloads.js';
import { SqsQueue } from '../../shared/storage/sqs-queue.js';
import { SqsRedelivery } from '../../shared/storage/sqs-redelivery.js';
import { recordingAws } from '../fakes/recording-aws.js';

type Json = Record<string, unknown>;

// The same feature flags `cdk synth` uses, so these assertions describe the deployed template.
const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Json })
  .context;

function synth(props: Partial<SkiffStackProps> = {}): { stack: SkiffStack; template: Template } {
  const app = new App({ context: cdkContext });
  const stack = new SkiffStack(app, 'Skiff', { config: 'acme/prow-config:plugins.yaml', bundle: false, ...props });
  return { stack, template: Template.fromStack(stack) };
}

const plain = synth();
const withOptions = synth({ alarmEmail: 'oncall@example.com', githubApiUrl: 'https://ghe.example.com/api/v3' });
const publicTraces = synth({ publicTraces: true });
const noJobLogLinks = synth({ jobLogLinks: false });
const { stack, template } = plain;

const logicalId = (s: SkiffStack, construct: { node: { defaultChild?: unknown } }): string =>
  s.getLogicalId(construct.node.defaultChild as CfnElement);
const ids = {
  table: logicalId(stack, stack.table),
  bucket: logicalId(stack, stack.payloadBucket),
  queue: logicalId(stack, stack.queue),
  forwardQueue: logicalId(stack, stack.forwardQueue),
  deadLetterQueue: logicalId(stack, stack.deadLetterQueue),
  hmacSecret: logicalId(stack, stack.hmacSecret),
  githubSecret: logicalId(stack, stack.githubSecret),
  webhook: logicalId(stack, stack.functions.webhook),
  plugins: logicalId(stack, stack.functions.plugins),
  api: logicalId(stack, stack.functions.api),
  jobs: logicalId(stack, stack.functions.jobs),
  jobsTable: logicalId(stack, stack.jobs.table),
  artifacts: logicalId(stack, stack.jobs.artifacts),
  project: logicalId(stack, stack.jobs.project),
  buildLogs: logicalId(stack, stack.jobs.buildLogs),
};
const jobsEnv = ['SKIFF_JOBS_TABLE', 'SKIFF_CODEBUILD_PROJECT', 'SKIFF_ARTIFACTS_BUCKET', 'SKIFF_CLONE_TOKEN_PREFIX'];
// The functions that start or report builds sign their statuses' log links (jobLogLinks, the default).
const signsLogLinks = ['SKIFF_JOB_LOG_BASE_URL', 'SKIFF_HMAC_SECRET_ARN'];

function resourcesOfType(t: Template, type: string): [string, Json][] {
  return Object.entries(t.findResources(type)) as [string, Json][];
}

describe('SkiffStack', () => {
  describe('state', () => {
    it('keys the table by pk alone, on demand, with TTL, PITR and AWS-managed encryption, retained', () => {
      // Prepare: the plain stack. Act: read the table. Assess:
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      });
      // The other table is the job records' (below).
      template.resourceCountIs('AWS::DynamoDB::Table', 2);
    });

    it('keeps job records in a table of their own, keyed by id, with an index for each query (by pull request, state and name), retained', () => {
      const gsi = (IndexName: string, key: string) => ({
        IndexName,
        KeySchema: [
          { AttributeName: key, KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          GlobalSecondaryIndexes: [gsi('by-pull', 'pull'), gsi('by-state', 'state'), gsi('by-name', 'name')],
        },
      });
    });

    it.each([
      { name: 'default', props: {}, days: 30 },
      { name: 'jobLogRetentionDays 7', props: { jobLogRetentionDays: 7 }, days: 7 },
    ])('expires job logs and artifacts after the retention ($name) in a private, TLS-only bucket', ({ props, days }) => {
      const s = synth(props);
      const bucket = s.template.toJSON().Resources[logicalId(s.stack, s.stack.jobs.artifacts)] as { Properties: Json };
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: days, Status: 'Enabled' })] },
      });
      const logGroup = s.template.toJSON().Resources[logicalId(s.stack, s.stack.jobs.buildLogs)] as { Properties: Json };
      expect(logGroup.Properties.RetentionInDays).toBe(days);
    });

    it.each([0, 3651, 1.5])('rejects jobLogRetentionDays %s', (value) => {
      expect(() => synth({ jobLogRetentionDays: value })).toThrow(SkiffSettingError);
    });


    it('expires payload objects after a day in a private, encrypted, TLS-only bucket', () => {
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: {
          LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 1, Status: 'Enabled' })] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: ids.bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('queues events and forwards to external plugins FIFO, deduplicated by id, with a 360 s visibility timeout and a DLQ after 5 receives', () => {
      const queues = Object.fromEntries(resourcesOfType(template, 'AWS::SQS::Queue'));
      for (const id of [ids.queue, ids.forwardQueue]) {
        expect(queues[id]?.Properties).toMatchObject({
          FifoQueue: true,
          ContentBasedDeduplication: false,
          SqsManagedSseEnabled: true,
          VisibilityTimeout: 360,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] }, maxReceiveCount: 5 },
        });
      }
      template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
      });
      template.resourceCountIs('AWS::SQS::Queue', 3);
    });

    it.each([
      { name: 'events queue', id: ids.queue },
      { name: 'forward queue', id: ids.forwardQueue },
      { name: 'dead-letter queue', id: ids.deadLetterQueue },
    ])('denies non-TLS access to the $name', ({ id }) => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('generates the HMAC secret and starts the GitHub secret as {} (dry-run), with no value in the template', () => {
      // Prepare / Act
      const secrets = Object.fromEntries(resourcesOfType(template, 'AWS::SecretsManager::Secret'));
      // Assess
      expect(secrets[ids.hmacSecret]?.Properties).toMatchObject({
        GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
      });
      expect(secrets[ids.hmacSecret]?.Properties).not.toHaveProperty('SecretString');
      expect(secrets[ids.githubSecret]?.Properties).toMatchObject({ SecretString: '{}' });
      expect(Object.keys(secrets)).toHaveLength(2);
    });
  });

  describe('jobs', () => {
    it('has one generic CodeBuild project on Graviton, logging to its own group, whose role writes only jobs/ and reads only clone tokens', () => {
      const project = template.toJSON().Resources[ids.project] as { Properties: Json };
      expect(project.Properties).toMatchObject({
        Environment: { Type: 'ARM_CONTAINER', ComputeType: 'BUILD_GENERAL1_SMALL', PrivilegedMode: false },
        LogsConfig: { CloudWatchLogs: { Status: 'ENABLED' } },
      });
      const roleId = (project.Properties.ServiceRole as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const statements = resourcesOfType(template, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify((policy.Properties as Json).Roles).includes(`"${roleId}"`))
        .flatMap(([, policy]) => (policy.Properties as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } }).PolicyDocument.Statement);
      const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
      expect(actions).toContain('s3:PutObject');
      expect(actions.filter((a) => a.startsWith('s3:')).sort()).toEqual(['s3:GetBucketAcl', 's3:GetBucketLocation', 's3:PutObject']);
      // CodeBuild resolves a PARAMETER_STORE variable with GetParameters; aws/ssm needs no KMS grant, and no secret is read.
      expect(actions.filter((a) => /^(ssm|kms|secretsmanager):/.test(a))).toEqual(['ssm:GetParameters']);
      const puts = statements.filter((st) => st.Action === 's3:PutObject');
      expect(JSON.stringify(puts.map((st) => st.Resource))).toContain('/jobs/*');
      expect(JSON.stringify(statements.filter((st) => st.Action === 'ssm:GetParameters').map((st) => st.Resource))).toContain(':parameter/skiff/Skiff/clone-token/*');
    });

    it.each(['plugins', 'jobs'] as const)('%s keeps clone tokens under the stack\'s Parameter Store path, which starts with a slash as a hierarchical name must', (name) => {
      const variables = (template.toJSON().Resources[ids[name]] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
      expect(variables.SKIFF_CLONE_TOKEN_PREFIX).toBe('/skiff/Skiff/clone-token/');
    });

    it('sends the project\'s finished builds to the jobs function', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.codebuild'],
          'detail-type': ['CodeBuild Build State Change'],
          detail: { 'build-status': ['SUCCEEDED', 'FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'], 'project-name': [{ Ref: ids.project }] },
        },
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ids.jobs, 'Arn'] } })],
      });
    });

    it.each([
      { task: 'horologium', rate: 'rate(1 minute)' },
      { task: 'reconcile', rate: 'rate(5 minutes)' },
      { task: 'sinker', rate: 'rate(1 hour)' },
    ])('runs $task on a schedule ($rate), the only thing an idle stack invokes', ({ task, rate }) => {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: rate,
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ids.jobs, 'Arn'] }, Input: JSON.stringify({ task }) })],
      });
    });

    it('has exactly those four rules', () => {
      template.resourceCountIs('AWS::Events::Rule', 4);
    });
  });

  describe('functions', () => {
    it.each([
      {
        name: 'webhook',
        memory: 512,
        timeout: 10,
        reserved: 10,
        env: ['SKIFF_QUEUE_URL', 'SKIFF_TABLE', 'SKIFF_PAYLOAD_BUCKET', 'SKIFF_HMAC_SECRET_ARN', 'SKIFF_HANDLED_EVENTS'],
      },
      {
        name: 'plugins',
        memory: 1024,
        timeout: 60,
        // The events' 5 and the forwards' 2.
        reserved: 7,
        env: ['SKIFF_TABLE', 'SKIFF_PAYLOAD_BUCKET', 'SKIFF_QUEUE_URL', 'SKIFF_FORWARD_QUEUE_URL', 'SKIFF_GITHUB_SECRET_ARN', 'SKIFF_CONFIG', 'SKIFF_WORKER_TIMEOUT_SECONDS', 'SKIFF_GITHUB_TIMEOUT_MS', ...jobsEnv, ...signsLogLinks],
      },
      { name: 'api', memory: 256, timeout: 10, reserved: undefined, env: ['SKIFF_TABLE', 'SKIFF_JOBS_TABLE', 'SKIFF_ARTIFACTS_BUCKET', 'SKIFF_BUILD_LOG_GROUP', 'SKIFF_HMAC_SECRET_ARN'] },
      { name: 'jobs', memory: 512, timeout: 60, reserved: undefined, env: ['SKIFF_CONFIG', 'SKIFF_GITHUB_SECRET_ARN', 'SKIFF_GITHUB_TIMEOUT_MS', 'SKIFF_TABLE', ...jobsEnv, ...signsLogLinks] },
    ] as const)('$name: nodejs22.x on arm64, $memory MB, $timeout s, $reserved reserved, its own log group kept a month', ({ name, memory, timeout, reserved, env }) => {
      // Prepare
      const fnResource = template.toJSON().Resources[ids[name]] as { Properties: Json };
      const props = fnResource.Properties as {
        Environment: { Variables: Record<string, unknown> };
        LoggingConfig: { LogGroup: { Ref: string } };
      };
      // Act
      const logGroup = template.toJSON().Resources[props.LoggingConfig.LogGroup.Ref] as { Type: string; Properties: Json };
      // Assess
      expect(fnResource.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: memory,
        Timeout: timeout,
      });
      expect(fnResource.Properties.ReservedConcurrentExecutions).toBe(reserved);
      expect(Object.keys(props.Environment.Variables).sort()).toEqual(
        ['POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL', ...env].sort(),
      );
      expect(props.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'skiff', LOG_LEVEL: 'INFO' });
      expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    });

    it('tells the webhook which events to queue: those the plugin registry handles, plus push', () => {
      // Prepare
      const webhook = template.toJSON().Resources[ids.webhook] as { Properties: { Environment: { Variables: Record<string, string> } } };
      // Act
      const events = webhook.Properties.Environment.Variables.SKIFF_HANDLED_EVENTS!.split(',');
      // Assess
      expect(events).toEqual([...handledEvents(pluginRegistry)].sort());
      expect(events).toEqual(expect.arrayContaining(['issue_comment', 'pull_request', 'push']));
      expect(events).not.toContain('ping');
    });

    it('passes SKIFF_CONFIG, the worker timeout and GITHUB_API_URL (only when given) to plugins', () => {
      const pluginsEnv = (p: typeof plain) =>
        (p.template.toJSON().Resources[logicalId(p.stack, p.stack.functions.plugins)] as {
          Properties: { Environment: { Variables: Record<string, unknown> } };
        }).Properties.Environment.Variables;

      expect(pluginsEnv(plain)).toMatchObject({
        SKIFF_CONFIG: 'acme/prow-config:plugins.yaml',
        SKIFF_WORKER_TIMEOUT_SECONDS: '60',
        SKIFF_GITHUB_TIMEOUT_MS: '10000',
      });
      expect(pluginsEnv(plain)).not.toHaveProperty('GITHUB_API_URL');
      expect(pluginsEnv(withOptions)).toMatchObject({ GITHUB_API_URL: 'https://ghe.example.com/api/v3' });
    });

    it.each(['plugins', 'jobs'] as const)("%s links build statuses to the stage's endpoint; with jobLogLinks=false, to the console (no job log variable anywhere)", (name) => {
      const env = (p: typeof plain, fn: 'webhook' | 'plugins' | 'api' | 'jobs') =>
        (p.template.toJSON().Resources[logicalId(p.stack, p.stack.functions[fn])] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
      // The $default stage's URL: https://<api id>.execute-api.<region>.<suffix>/
      expect(JSON.stringify(env(plain, name).SKIFF_JOB_LOG_BASE_URL)).toContain(`{"Ref":"${logicalId(stack, stack.httpApi)}"}`);
      expect(env(plain, name).SKIFF_HMAC_SECRET_ARN).toEqual({ Ref: ids.hmacSecret });
      expect(env(noJobLogLinks, name)).not.toHaveProperty('SKIFF_JOB_LOG_BASE_URL');
      expect(env(noJobLogLinks, name)).not.toHaveProperty('SKIFF_HMAC_SECRET_ARN');
      expect(Object.keys(env(noJobLogLinks, 'api')).sort()).toEqual(['LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'SKIFF_TABLE']);
    });

    it('feeds plugins from the FIFO queue in batches of 10 with partial failures and capped concurrency', () => {
      template.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', {}, 2);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
        FunctionName: { Ref: ids.plugins },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
      });
      synth({ pluginsMaxConcurrency: 12 }).template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        ScalingConfig: { MaximumConcurrency: 12 },
      });
    });

    it('feeds plugins the forwards to external plugins from their own queue, at most 2 at once, whatever the events get', () => {
      for (const t of [template, synth({ pluginsMaxConcurrency: 12 }).template]) {
        t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [ids.forwardQueue, 'Arn'] },
          FunctionName: { Ref: ids.plugins },
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: 2 },
        });
      }
    });

    it.each([0, 1, 2.5, 1001])('rejects pluginsMaxConcurrency %s', (value) => {
      expect(() => synth({ pluginsMaxConcurrency: value })).toThrow(/pluginsMaxConcurrency must be an integer from 2 to 1000/);
    });

    it.each([
      { name: 'plugins reserved below the event source concurrency', props: { pluginsMaxConcurrency: 8, pluginsReservedConcurrency: 7 }, error: /pluginsReservedConcurrency \(7\) must be at least pluginsMaxConcurrency \(8\)/ },
      { name: 'plugins reserved below the default event source concurrency', props: { pluginsReservedConcurrency: 4 }, error: /pluginsReservedConcurrency \(4\) must be at least pluginsMaxConcurrency \(5\)/ },
      { name: 'plugins reserved over 1000', props: { pluginsReservedConcurrency: 1001 }, error: /pluginsReservedConcurrency must be an integer from 2 to 1000, got 1001/ },
      { name: 'plugins reserved fractional', props: { pluginsReservedConcurrency: 5.5 }, error: /pluginsReservedConcurrency must be an integer/ },
      { name: 'webhook reserved 0, which would turn the webhook off', props: { webhookReservedConcurrency: 0 }, error: /webhookReservedConcurrency must be an integer from 1 to 1000, got 0/ },
      { name: 'a reservation with reserveConcurrency off', props: { reserveConcurrency: false, webhookReservedConcurrency: 3 }, error: /reserveConcurrency is false/ },
      { name: 'a zero rate', props: { apiRateLimit: 0 }, error: /apiRateLimit must be an integer from 1 to 10000, got 0/ },
      { name: 'a rate over the account default', props: { apiRateLimit: 10_001 }, error: /apiRateLimit must be an integer from 1 to 10000/ },
      { name: 'a negative burst', props: { apiBurstLimit: -1 }, error: /apiBurstLimit must be an integer from 1 to 5000, got -1/ },
      { name: 'a burst over the account default', props: { apiBurstLimit: 5001 }, error: /apiBurstLimit must be an integer from 1 to 5000/ },
    ] satisfies { name: string; props: Partial<SkiffStackProps>; error: RegExp }[])('rejects $name, saying which setting and why', ({ props, error }) => {
      expect(() => synth(props)).toThrow(SkiffSettingError);
      expect(() => synth(props)).toThrow(error);
    });

    it.each([
      // The plugins function also reserves the forward queue's 2 (see skiff-stack.ts).
      { name: 'defaults', props: {}, webhook: 10, plugins: 7, mapping: 5 },
      { name: 'plugins reserved follows a raised maxConcurrency', props: { pluginsMaxConcurrency: 20 }, webhook: 10, plugins: 22, mapping: 20 },
      { name: 'both set', props: { pluginsMaxConcurrency: 4, pluginsReservedConcurrency: 6, webhookReservedConcurrency: 3 }, webhook: 3, plugins: 8, mapping: 4 },
      { name: 'reserveConcurrency off (a new account with a quota of 10)', props: { reserveConcurrency: false }, webhook: undefined, plugins: undefined, mapping: 5 },
    ] satisfies { name: string; props: Partial<SkiffStackProps>; webhook?: number; plugins?: number; mapping: number }[])(
      'reserves concurrency: $name',
      ({ props, webhook, plugins, mapping }) => {
        // Prepare / Act
        const s = synth(props);
        const reserved = (fn: 'webhook' | 'plugins') =>
          (s.template.toJSON().Resources[logicalId(s.stack, s.stack.functions[fn])] as { Properties: Json }).Properties.ReservedConcurrentExecutions;
        // Assess
        expect(reserved('webhook')).toBe(webhook);
        expect(reserved('plugins')).toBe(plugins);
        s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: mapping } });
      },
    );

    it('adds no CDK helper Lambdas (log retention, auto-delete, notifications) and no custom resources', () => {
      const types = Object.values(withOptions.template.toJSON().Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      );
      expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(4);
      expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([]);
    });
  });

  describe('least privilege', () => {
    type FnName = 'webhook' | 'plugins' | 'api' | 'jobs';
    const isLogWrite = (action: string) => action === 'logs:CreateLogStream' || action === 'logs:PutLogEvents';
    type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

    /** Every Allow statement that applies to the function's role, from any policy attached to it. */
    function allowStatements(fnName: FnName): Statement[] {
      const fn = template.toJSON().Resources[ids[fnName]] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const role = template.toJSON().Resources[roleId] as { Properties: Json };
      // Nothing hides in the role itself: no inline or managed policies (AWSLambdaBasicExecutionRole
      // would let the function write to any log group).
      expect(role.Properties).not.toHaveProperty('Policies');
      expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
      return resourcesOfType(template, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify((policy.Properties as Json).Roles).includes(`"${roleId}"`))
        .flatMap(([, policy]) => ((policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement))
        .filter((s) => s.Effect === 'Allow');
    }

    /** Actions the function may perform on the resource with this logical ID (a `*` resource counts). */
    function actionsOn(fnName: FnName, resourceId: string): string[] {
      return allowStatements(fnName)
        .filter((s) => JSON.stringify(s.Resource).includes(`"${resourceId}"`) || JSON.stringify(s.Resource) === '"*"')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    }

    /** Whether a granted action (possibly with wildcards, e.g. `dynamodb:*`) covers `action`. */
    const covers = (granted: string, action: string): boolean =>
      action === '*' || new RegExp(`^${granted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

    type Resource = 'table' | 'bucket' | 'queue' | 'forwardQueue' | 'deadLetterQueue' | 'hmacSecret' | 'githubSecret' | 'jobsTable' | 'project' | 'cloneTokens' | 'artifacts' | 'buildLogs';
    // Starting, watching and stopping jobs: the records (by key and by index), the project's builds, the clone tokens.
    const runsJobs = {
      jobsTable: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      project: ['codebuild:BatchGetBuilds', 'codebuild:StartBuild', 'codebuild:StopBuild'],
      cloneTokens: ['ssm:GetParameter', 'ssm:PutParameter'],
    };
    /**
     * Every non-log action each role is granted, by resource. Exact: a grant missing here fails the
     * test as surely as one missing from the stack. Nothing CDK's broad grants add (Scan, Query or
     * BatchGetItem beyond the jobs table's, BatchWriteItem, ConditionCheckItem, DescribeTable,
     * GetQueueUrl, DescribeSecret…) is called by any function.
     */
    const exactGrants: Record<FnName, Partial<Record<Resource, string[]>>> = {
      webhook: {
        table: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        bucket: ['s3:PutObject'],
        queue: ['sqs:SendMessage'],
        hmacSecret: ['secretsmanager:GetSecretValue'],
      },
      plugins: {
        table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        bucket: ['s3:GetObject', 's3:PutObject'],
        queue: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        forwardQueue: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
        githubSecret: ['secretsmanager:GetSecretValue'],
        // Signs its builds' log links.
        hmacSecret: ['secretsmanager:GetSecretValue'],
        ...runsJobs,
      },
      // Traces; and GET /jobs/{id}/log: the record by key, the S3 copy, the CloudWatch stream, the links' key.
      api: {
        table: ['dynamodb:GetItem'],
        jobsTable: ['dynamodb:GetItem'],
        artifacts: ['s3:GetObject'],
        buildLogs: ['logs:GetLogEvents'],
        hmacSecret: ['secretsmanager:GetSecretValue'],
      },
      // Sinker deletes old records; horologium and sinker batch-read each periodic's newest run. Only this function does either.
      jobs: {
        table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        githubSecret: ['secretsmanager:GetSecretValue'],
        hmacSecret: ['secretsmanager:GetSecretValue'],
        ...runsJobs,
        jobsTable: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', ...runsJobs.jobsTable],
      },
    };

    /** The role's non-log grants as resource → sorted actions; a grant on anything else is reported as such. */
    function grantsByResource(t: Template, s: SkiffStack, fnName: FnName): Record<string, string[]> {
      const resourceIds = Object.fromEntries(
        (['table', 'bucket', 'queue', 'forwardQueue', 'deadLetterQueue', 'hmacSecret', 'githubSecret', 'jobsTable', 'project', 'artifacts', 'buildLogs'] as const).map((r) => [
          r,
          logicalId(s, { table: s.table, bucket: s.payloadBucket, queue: s.queue, forwardQueue: s.forwardQueue, deadLetterQueue: s.deadLetterQueue, hmacSecret: s.hmacSecret, githubSecret: s.githubSecret, jobsTable: s.jobs.table, project: s.jobs.project, artifacts: s.jobs.artifacts, buildLogs: s.jobs.buildLogs }[r]),
        ]),
      );
      const fn = t.toJSON().Resources[logicalId(s, s.functions[fnName])] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const grants: Record<string, Set<string>> = {};
      for (const [, policy] of resourcesOfType(t, 'AWS::IAM::Policy')) {
        if (!JSON.stringify((policy.Properties as Json).Roles).includes(`"${roleId}"`)) continue;
        for (const statement of (policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement) {
          const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
          // Its own log group (checked below); logs:GetLogEvents, a read of the build log group, is counted here.
          if (actions.every(isLogWrite)) continue;
          for (const resource of Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]) {
            const name =
              Object.keys(resourceIds).find((r) => JSON.stringify(resource).includes(`"${resourceIds[r]}"`)) ??
              (JSON.stringify(resource).includes(`:parameter${s.jobs.tokenPrefix}*`) ? 'cloneTokens' : `other: ${JSON.stringify(resource)}`);
            for (const action of actions) (grants[`${statement.Effect} ${name}`] ??= new Set()).add(action);
          }
        }
      }
      return Object.fromEntries(Object.entries(grants).map(([k, v]) => [k, [...v].sort()]));
    }
    const expectedGrants = (fn: keyof typeof exactGrants) =>
      Object.fromEntries(Object.entries(exactGrants[fn]).map(([resource, actions]) => [`Allow ${resource}`, [...actions].sort()]));

    it.each(['webhook', 'plugins', 'api', 'jobs'] as const)('%s is granted exactly the actions its code calls, on exactly its resources', (fn) => {
      expect(grantsByResource(template, stack, fn)).toEqual(expectedGrants(fn));
      // The options change nothing about who may do what.
      expect(grantsByResource(withOptions.template, withOptions.stack, fn)).toEqual(expectedGrants(fn));
    });

    it.each([
      { fn: 'webhook', without: [] },
      { fn: 'plugins', without: ['hmacSecret'] },
      { fn: 'api', without: ['jobsTable', 'artifacts', 'buildLogs', 'hmacSecret'] },
      { fn: 'jobs', without: ['hmacSecret'] },
    ] as const)('with jobLogLinks=false, $fn loses exactly the job log grants ($without)', ({ fn, without }) => {
      const expected = Object.fromEntries(Object.entries(expectedGrants(fn)).filter(([key]) => !without.some((r) => key === `Allow ${r}`)));
      expect(grantsByResource(noJobLogLinks.template, noJobLogLinks.stack, fn)).toEqual(expected);
    });

    it("reads only the job records by key, objects under jobs/ and the build log group's streams for the job log", () => {
      const statement = (action: string) => allowStatements('api').find((st) => st.Action === action)?.Resource;
      expect(statement('s3:GetObject')).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.artifacts, 'Arn'] }, '/jobs/*']] });
      expect(JSON.stringify(statement('logs:GetLogEvents'))).toMatch(new RegExp(`:log-group:",\\{"Ref":"${ids.buildLogs}"\\},":log-stream:\\*"`));
      // The record by key only: no index, no Query.
      const jobsTableResources = allowStatements('api')
        .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))
        .filter((r) => JSON.stringify(r).includes(ids.jobsTable));
      expect(jobsTableResources).toEqual([{ 'Fn::GetAtt': [ids.jobsTable, 'Arn'] }]);
    });

    it('grants nothing beyond the logs and the exact lists (no wildcard actions or resources)', () => {
      for (const fn of ['webhook', 'plugins', 'api', 'jobs'] as const) {
        for (const statement of allowStatements(fn)) {
          for (const action of Array.isArray(statement.Action) ? statement.Action : [statement.Action]) expect(action).not.toContain('*');
          expect(statement.Resource).not.toBe('*');
        }
      }
    });

    // The grants above say what each role may do; these run the functions' own code paths over
    // SDK clients that record each request's IAM action, and check the role allows every one on
    // the right resource. The local stand-ins ignore IAM, so only this catches a call the role
    // was never given.
    const resourceOf = { dynamodb: ids.table, sqs: ids.queue, s3: ids.bucket } as const;
    const expectAllowed = (fn: FnName, actions: string[]) => {
      for (const action of new Set(actions)) {
        const service = action.split(':')[0] as keyof typeof resourceOf;
        expect(actionsOn(fn, resourceOf[service]).some((g) => covers(g, action)), `${fn} calls ${action} but its role does not allow it`).toBe(true);
      }
    };
    /**
     * The other direction: every table, bucket and queue action the role holds is one the code was
     * seen calling (or one Lambda's SQS poller calls with the role), so no grant outlives its use.
     */
    const expectNothingUnused = (fn: FnName, actions: string[], alsoUsed: string[] = []) => {
      const used = new Set([...actions, ...alsoUsed]);
      const granted = grantsByResource(template, stack, fn);
      for (const resource of ['table', 'bucket', 'queue'] as const) {
        for (const action of granted[`Allow ${resource}`] ?? []) expect(used.has(action), `${fn} is granted ${action} but never calls it`).toBe(true);
      }
    };
    // Lambda's event source mapping polls the queue with the plugins role; our code never makes these calls:
    // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions
    const sqsPollerActions = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

    it('the webhook role allows every AWS call the webhook makes: queue, trace, oversized payload, and the trace taken back when SQS fails', async () => {
      // Prepare: the webhook's dependencies as functions/webhook.ts builds them, over recording clients
      const aws = recordingAws();
      const env = { SKIFF_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/skiff.fifo', SKIFF_TABLE: 'skiff', SKIFF_PAYLOAD_BUCKET: 'payloads', WEBHOOK_SECRET: 'iam-test' };
      const deps = receiveDeps(env, aws.clients, createLogger({ logLevel: 'SILENT' }), new Set(['issue_comment']));
      const body = JSON.stringify({
        action: 'created',
        repository: { full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } },
        issue: { number: 1 },
        comment: { body: '/hold' },
      });
      const post = async (delivery: string, overrides: Partial<typeof deps> = {}) =>
        receive(
          {
            method: 'POST',
            headers: { 'x-github-event': 'issue_comment', 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(env.WEBHOOK_SECRET, body), 'content-type': 'application/json' },
            body: Buffer.from(body),
          },
          { ...deps, ...overrides },
        );
      // Act: an ordinary delivery, one too large for a message, and one SQS refuses
      const statuses = [(await post('ordinary')).status, (await post('oversized', { maxMessageBytes: 10 })).status];
      aws.failing.add('sqs:SendMessage');
      statuses.push((await post('unqueued')).status);
      // Assess: each path ran, and the role covers what it called
      expect(statuses).toEqual([200, 200, 503]);
      expect(new Set(aws.actions)).toEqual(new Set(['sqs:SendMessage', 'dynamodb:PutItem', 's3:PutObject', 'dynamodb:DeleteItem']));
      expectAllowed('webhook', aws.actions);
      expectNothingUnused('webhook', aws.actions);
    });

    it('the plugins role allows every AWS call the worker makes: claims, traces, large payloads, and putting off a rate-limited event', async () => {
      // Prepare: the adapters dispatch and the worker use (shared/hook/dispatch.ts, worker.ts)
      const aws = recordingAws();
      // A claim someone else holds: DynamoDB refuses the conditional update, and the store reads the claim.
      let claimTaken = false;
      aws.clients.dynamodb.middlewareStack.add(
        (next) => async (args) => {
          const result = await next(args);
          const key = JSON.stringify((args.input as { Key?: unknown }).Key ?? '');
          if (claimTaken && key.includes('claim#')) {
            claimTaken = false;
            throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
          }
          return result;
        },
        { step: 'initialize', name: 'claimTakenByAnotherWorker' },
      );
      const store = new DynamoStore(aws.clients.dynamodb, 'skiff');
      const summary = { delivery: 'd', event: 'issue_comment', receivedAt: '2026-11-25T12:00:00.000Z' };
      // Act: every store method dispatch calls, a payload parked in S3, and a redelivery delay
      await store.claim('d', 'hold', 60_000);
      claimTaken = true;
      expect(await store.claim('d', 'size', 60_000)).toBe('held');
      await store.started(summary, {});
      await store.plugins('d', { hold: { status: 'ran', writes: [], attempt: 1, at: summary.receivedAt } });
      await store.journal('d', 'hold', { n: 0, call: 'addLabel o/r#1 lgtm' });
      await store.complete('d', 'hold');
      await store.release('d', 'size');
      // OWNERS parsed at a tree SHA, shared across containers; the catalog for GET /api/plugin-help.
      await store.putCached('owners#tree', new Uint8Array([1]), 60);
      await store.publishPluginHelp({ updatedAt: summary.receivedAt, source: 'acme/prow-config:plugins.yaml', repos: {}, catalog: [] });
      await store.getCached('owners#tree');
      await store.finish('d', 'processed');
      await new S3Payloads(aws.clients.s3, 'payloads').get({ bucket: 'payloads', key: 'payloads/d.json' });
      await new SqsRedelivery(aws.clients.sqs, 'https://sqs.us-east-1.amazonaws.com/123456789012/skiff.fifo').redeliverAfter('receipt', 60);
      // A forward to an external plugin too large for a message parks its payload (see the next test).
      await new S3Payloads(aws.clients.s3, 'payloads').put('payloads/d.json', '{}');
      // Assess
      expect(aws.actions).toContain('sqs:ChangeMessageVisibility');
      expect(aws.actions).toContain('s3:GetObject');
      expect(aws.actions).toContain('dynamodb:GetItem');
      expectAllowed('plugins', aws.actions);
      expectNothingUnused('plugins', aws.actions, sqsPollerActions);
    });

    it('the plugins role allows every call on the forward queue: dispatch queueing forwards, and putting one off', async () => {
      // Prepare: dispatch's forward sends (shared/hook/forward.ts) over a recording SQS client
      const aws = recordingAws();
      const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/skiff-forwards.fifo';
      const raw = JSON.stringify({ action: 'created', repository: { full_name: 'acme/widgets' } });
      const body = encodeQueuedEvent({ delivery: 'd', event: 'issue_comment', receivedAt: '2026-11-25T12:00:00.000Z', headers: { 'x-hub-signature-256': 'sha256=00' } }, raw);
      // Act
      await queueForwards(
        { message: decodeQueuedEvent(body), body, group: 'acme/widgets#1', plugins: [{ name: 'needs-rebase', endpoint: 'http://needs-rebase', events: [] }] },
        { queue: new SqsQueue(aws.clients.sqs, queueUrl), payloads: new S3Payloads(aws.clients.s3, 'payloads'), maxMessageBytes: 1024 * 1024 },
        () => '2026-11-25T12:00:00.000Z',
      );
      await new SqsRedelivery(aws.clients.sqs, queueUrl).redeliverAfter('receipt', 0);
      // Assess: each call is allowed on the forward queue, and the queue's grants are all used
      expect(aws.actions).toEqual(['sqs:SendMessage', 'sqs:ChangeMessageVisibility']);
      for (const action of aws.actions) expect(actionsOn('plugins', ids.forwardQueue).some((g) => covers(g, action)), `plugins calls ${action} on the forward queue`).toBe(true);
      const used = new Set([...aws.actions, ...sqsPollerActions]);
      for (const action of grantsByResource(template, stack, 'plugins')['Allow forwardQueue'] ?? []) expect(used.has(action), `plugins is granted ${action} on the forward queue but never calls it`).toBe(true);
      // The webhook never touches it.
      expect(grantsByResource(template, stack, 'webhook')['Allow forwardQueue']).toBeUndefined();
    });

    it('the api role allows every AWS call the read API makes', async () => {
      // Prepare
      const aws = recordingAws();
      // Act
      const store = new DynamoStore(aws.clients.dynamodb, 'skiff');
      const response = await handleApi('GET', '/api/deliveries/some-delivery', { traces: store, pluginHelp: store });
      const help = await handleApi('GET', '/api/plugin-help?repo=acme/widgets', { traces: store, pluginHelp: store });
      // Assess
      expect(response.status).toBe(404);
      expect(help.status).toBe(404);
      expect(aws.actions).toEqual(['dynamodb:GetItem', 'dynamodb:GetItem']);
      expectAllowed('api', aws.actions);
      expectNothingUnused('api', aws.actions);
    });

    it("the api role allows every AWS call GET /jobs/{id}/log makes: the job's record, then CodeBuild's S3 copy of its log", async () => {
      // Prepare: the handler's adapters over recording clients; the stub answers no record, so the
      // S3 read is run on its own.
      const aws = recordingAws();
      const links = jobLogLinks(async () => parseHmacSecrets('iam-test'));
      const id = '0123456789abcdef0123456789abcdef';
      const events: GetLogEvents = async () => ({ events: [] });
      const deps = { links, jobs: new DynamoJobStore(aws.clients.dynamodb, 'skiff-jobs'), objects: s3LogObjects(async () => aws.clients.s3, 'skiff-artifacts'), events };
      // Act
      const response = await handleJobLog('GET', `${new URL(await links.url(id), 'http://x').pathname}?sig=${new URL(await links.url(id), 'http://x').searchParams.get('sig')}`, deps);
      await deps.objects(`jobs/${id}/logs/8745a7a9.gz`);
      // Assess
      expect(response.status).toBe(404);
      expect(aws.actions).toEqual(['dynamodb:GetItem', 's3:GetObject']);
      expect(actionsOn('api', ids.jobsTable)).toEqual(['dynamodb:GetItem']);
      expect(actionsOn('api', ids.artifacts)).toEqual(['s3:GetObject']);
      // GetLogEvents is not an SDK client here (the runtime's, loaded by name): its grant is checked by resource above.
      expect(actionsOn('api', ids.buildLogs)).toEqual(['logs:GetLogEvents']);
    });

    it.each(['webhook', 'plugins', 'api', 'jobs'] as const)('%s may write logs only to its own log group', (fn) => {
      const logStatements = allowStatements(fn).filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some(isLogWrite));
      const fnResource = template.toJSON().Resources[ids[fn]] as { Properties: { LoggingConfig: { LogGroup: { Ref: string } } } };
      expect(logStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [fnResource.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] }]);
    });
  });

  describe('HTTP API', () => {
    it.each([
      { routeKey: 'POST /hook', fn: 'webhook' },
      { routeKey: 'GET /api/{proxy+}', fn: 'api' },
      { routeKey: 'GET /jobs/{id}/log', fn: 'api' },
    ] as const)('routes $routeKey to the $fn function', ({ routeKey, fn }) => {
      // Prepare
      const [, route] = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').find(
        ([, r]) => (r.Properties as Json).RouteKey === routeKey,
      ) ?? [undefined, undefined];
      expect(route, `no route ${routeKey}`).toBeDefined();
      // Act: follow the route's target (integrations/<id>) to its integration.
      const target = JSON.stringify((route!.Properties as Json).Target);
      const [integrationId] = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').find(([id]) => target.includes(`"${id}"`)) ?? [];
      // Assess
      expect(integrationId).toBeDefined();
      const integration = template.toJSON().Resources[integrationId!] as { Properties: Json };
      expect(JSON.stringify(integration.Properties.IntegrationUri)).toContain(`"${ids[fn]}"`);
    });

    it('has only those three routes, and no job log route with jobLogLinks=false', () => {
      const keys = (t: Template) => resourcesOfType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => (r.Properties as Json).RouteKey).sort();
      expect(keys(template)).toEqual(['GET /api/{proxy+}', 'GET /jobs/{id}/log', 'POST /hook']);
      expect(keys(noJobLogLinks.template)).toEqual(['GET /api/{proxy+}', 'POST /hook']);
    });

    it('logs access on the auto-deployed $default stage, with the IAM caller of each request', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApiAccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('\\$context\\.requestId.*\\$context\\.identity\\.userArn'),
        },
      });
    });

    const routeAuthorization = (t: Template) =>
      Object.fromEntries(
        resourcesOfType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => [(r.Properties as Json).RouteKey, (r.Properties as Json).AuthorizationType]),
      );

    it('requires IAM (SigV4) to read traces by default; the webhook and job log routes are checked by their HMAC signatures instead', () => {
      const expected = { 'GET /api/{proxy+}': 'AWS_IAM', 'POST /hook': 'NONE', 'GET /jobs/{id}/log': 'NONE' };
      expect(routeAuthorization(template)).toEqual(expected);
      expect(routeAuthorization(withOptions.template)).toEqual(expected);
    });

    it('serves traces without authorisation only when the operator sets publicTraces', () => {
      expect(routeAuthorization(publicTraces.template)).toEqual({ 'GET /api/{proxy+}': 'NONE', 'POST /hook': 'NONE', 'GET /jobs/{id}/log': 'NONE' });
      expect(synth({ publicTraces: false }).stack.traceReaderPolicy).toBeDefined();
      publicTraces.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });

    it('offers a managed policy that may invoke GET on the trace routes and nothing else', () => {
      const apiId = logicalId(stack, stack.httpApi);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'execute-api:Invoke',
              Resource: {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', { Ref: apiId }, '/$default/GET/api/*']],
              },
            },
          ],
        },
      });
      // Not attached to anything: the operator attaches it to whoever should read traces.
      const [[, policy] = []] = resourcesOfType(template, 'AWS::IAM::ManagedPolicy');
      for (const key of ['Roles', 'Users', 'Groups']) expect(policy?.Properties).not.toHaveProperty(key);
    });

    it.each([
      { name: 'defaults', props: {}, rate: 50, burst: 100 },
      { name: 'apiRateLimit and apiBurstLimit', props: { apiRateLimit: 5, apiBurstLimit: 20 }, rate: 5, burst: 20 },
    ] satisfies { name: string; props: Partial<SkiffStackProps>; rate: number; burst: number }[])('throttles the whole stage: $name', ({ props, rate, burst }) => {
      synth(props).template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst },
      });
    });
  });

  describe('alarms', () => {
    const alarmFor = (metric: string, namespace: string) => ({
      MetricName: metric,
      Namespace: namespace,
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });

    it('alarms on any message in the dead-letter queue within 5 minutes', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarmFor('ApproximateNumberOfMessagesVisible', 'AWS/SQS'),
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.deadLetterQueue, 'QueueName'] } }],
      });
    });

    it.each(['webhook', 'plugins', 'api', 'jobs'] as const)('alarms on any %s error within 5 minutes', (fn) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarmFor('Errors', 'AWS/Lambda'),
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids[fn] } }],
      });
    });

    it('alarms when the lowest remaining share of a GitHub primary quota the worker reports falls under 10 %', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'GitHubQuotaLowestRemainingPercent',
        Namespace: 'Skiff',
        Dimensions: [{ Name: 'service', Value: 'skiff' }],
        Statistic: 'Minimum',
        Period: 300,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 10,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('sends every alarm to the topic even without alarmEmail, with no subscription', () => {
      // Prepare
      const [[topicId] = []] = resourcesOfType(template, 'AWS::SNS::Topic');
      // Act
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      expect(alarms).toHaveLength(6);
      for (const [, alarm] of alarms) expect((alarm.Properties as Json).AlarmActions).toEqual([{ Ref: topicId }]);
      expect((template.toJSON().Outputs as Record<string, { Value: unknown }>).AlarmTopicArn?.Value).toEqual({ Ref: topicId });
    });

    it.each([
      { name: 'without alarmEmail', t: template },
      { name: 'with alarmEmail', t: withOptions.template },
    ])('the topic is KMS-encrypted, TLS-only and usable by CloudWatch $name', ({ t }) => {
      const [[keyId] = []] = resourcesOfType(t, 'AWS::KMS::Key');
      t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      t.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
          ]),
        },
      });
      t.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
          ]),
        },
      });
    });

    it('with alarmEmail, also emails every alarm', () => {
      // Prepare
      const t = withOptions.template;
      const [[topicId] = []] = resourcesOfType(t, 'AWS::SNS::Topic');
      // Act
      const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm');
      // Assess
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } });
      expect(alarms).toHaveLength(6);
      for (const [, alarm] of alarms) expect((alarm.Properties as Json).AlarmActions).toEqual([{ Ref: topicId }]);
    });
  });

  it('outputs what a maintainer needs after deploying', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const common = ['AlarmTopicArn', 'ApiUrl', 'ArtifactsBucketName', 'CodeBuildProject', 'DeadLetterQueueUrl', 'GitHubSecretArn', 'HmacSecretArn', 'JobsTableName', 'PayloadBucketName', 'QueueUrl', 'TableName', 'WebhookUrl'];
    expect(Object.keys(outputs).sort()).toEqual([...common, 'TraceReaderPolicyArn'].sort());
    expect(Object.keys(publicTraces.template.toJSON().Outputs as object).sort()).toEqual(common.sort());
    expect(outputs.TraceReaderPolicyArn?.Value).toEqual({ Ref: logicalId(stack, stack.traceReaderPolicy!) });
    // What cdk destroy leaves behind, so the README's teardown can name it before the stack is gone.
    expect(outputs.TableName?.Value).toEqual({ Ref: ids.table });
    expect(outputs.PayloadBucketName?.Value).toEqual({ Ref: ids.bucket });
    expect(outputs.JobsTableName?.Value).toEqual({ Ref: ids.jobsTable });
    expect(outputs.ArtifactsBucketName?.Value).toEqual({ Ref: ids.artifacts });
    expect(outputs.CodeBuildProject?.Value).toEqual({ Ref: ids.project });
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toMatch(/\/hook"\]\]\}$/);
    expect(outputs.GitHubSecretArn?.Value).toEqual({ Ref: ids.githubSecret });
    expect(outputs.HmacSecretArn?.Value).toEqual({ Ref: ids.hmacSecret });
  });

  describe('cdk-nag AwsSolutions', () => {
    it.each([
      { name: 'without alarm email', synthesized: plain },
      { name: 'with alarm email', synthesized: withOptions },
      { name: 'with public traces', synthesized: publicTraces },
      { name: 'without reserved concurrency', synthesized: synth({ reserveConcurrency: false }) },
      { name: 'without job log links', synthesized: noJobLogLinks },
    ])('reports no unacknowledged errors or warnings $name', ({ synthesized }) => {
      // Prepare: the stack is already synthesized (Template.fromStack), as cdk-nag sees it in `cdk synth`.
      // Act
      const report = new AwsSolutionsChecks().validateScope(synthesized.stack);
      // Assess: list findings readably so a failure says what to fix.
      const findings = report.violations.flatMap((v) =>
        v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}: ${v.description}`),
      );
      expect(findings).toEqual([]);
    });

    // Every acknowledgement is a decision someone should be able to review: it must say why.
    const acknowledgementsOf = (s: SkiffStack) => s.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    );
    const acknowledgements = [...acknowledgementsOf(withOptions.stack), ...acknowledgementsOf(publicTraces.stack)];
    const reviewed = (s: SkiffStack) => acknowledgementsOf(s).map(({ path, id }) => `${path} ${id}`).sort();

    it('acknowledges exactly the reviewed rules, each on the construct it concerns', () => {
      const bucketId = ids.bucket;
      const always = [
          'Skiff/PayloadBucket AwsSolutions-S1',
          'Skiff/HmacSecret AwsSolutions-SMG4',
          'Skiff/GitHubSecret AwsSolutions-SMG4',
          'Skiff/Webhook AwsSolutions-L1',
          'Skiff/Plugins AwsSolutions-L1',
          'Skiff/Api AwsSolutions-L1',
          'Skiff/Jobs AwsSolutions-L1',
          'Skiff/JobResources/Artifacts AwsSolutions-S1',
          'Skiff/JobResources/Project AwsSolutions-CB4',
          `Skiff/JobResources/BuildRole AwsSolutions-IAM5[Resource::<${ids.artifacts}.Arn>/jobs/*]`,
          `Skiff/JobResources/BuildRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<${ids.project}>-*]`,
          `Skiff/JobResources/BuildRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<${ids.project}>:*]`,
          ...['JobResources/BuildRole', 'PluginsRole', 'JobsRole'].map(
            (role) => `Skiff/${role} AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/skiff/Skiff/clone-token/*]`,
          ),
          ...['PluginsRole', 'JobsRole'].map((role) => `Skiff/${role} AwsSolutions-IAM5[Resource::<${ids.jobsTable}.Arn>/index/*]`),
          `Skiff/WebhookRole AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
          `Skiff/PluginsRole AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
          'Skiff/HttpApi/POST--hook AwsSolutions-APIG4',
      ];
      // The job log route and the api role's reads of the job logs, unless jobLogLinks=false.
      const jobLogs = [
        'Skiff/HttpApi/GET--jobs--{id}--log AwsSolutions-APIG4',
        `Skiff/ApiRole AwsSolutions-IAM5[Resource::<${ids.artifacts}.Arn>/jobs/*]`,
        `Skiff/ApiRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${ids.buildLogs}>:log-stream:*]`,
      ];
      // By default the trace route is authorised, so only the reader policy's per-trace wildcard needs a reason…
      expect(reviewed(withOptions.stack)).toEqual(
        [...always, ...jobLogs, `Skiff/TraceReaderPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId(stack, stack.httpApi)}>/$default/GET/api/*]`].sort(),
      );
      // …and an open trace route is acknowledged only when the operator asked for it.
      expect(reviewed(publicTraces.stack)).toEqual([...always, ...jobLogs, 'Skiff/HttpApi/GET--api--{proxy+} AwsSolutions-APIG4'].sort());
      expect(reviewed(noJobLogLinks.stack)).toEqual(
        [...always, `Skiff/TraceReaderPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalId(stack, stack.httpApi)}>/$default/GET/api/*]`].sort(),
      );
    });

    it.each(acknowledgements)('$path $id carries a reason', ({ reason }) => {
      // A sentence, not a placeholder such as "ok" or "n/a".
      expect(reason.trim().length).toBeGreaterThanOrEqual(40);
    });
  });
});
