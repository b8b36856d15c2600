// The Skiff stack as CloudFormation: the properties the design depends on, least-privilege IAM
// read straight from the policy documents, and a clean cdk-nag AwsSolutions report.
// All stacks use `bundle: false`, so nothing here needs esbuild or the function sources.
import { readFileSync } from 'node:fs';
import { App, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { sign } from '@octokit/webhooks-methods';
import { SkiffStack, type SkiffStackProps } from '../../infra/skiff-stack.js';
import { handleApi } from '../../shared/api/read-api.js';
import { handledEvents } from '../../shared/hook/events.js';
import { receive } from '../../shared/hook/receive.js';
import { createLogger } from '../../shared/log.js';
import { plugins as pluginRegistry } from '../../shared/plugins/registry.js';
import { receiveDeps } from '../../shared/runtime/receive-deps.js';
import { DynamoStore } from '../../shared/storage/dynamo-store.js';
import { S3Payloads } from '../../shared/storage/s3-payloads.js';
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
const { stack, template } = plain;

const logicalId = (s: SkiffStack, construct: { node: { defaultChild?: unknown } }): string =>
  s.getLogicalId(construct.node.defaultChild as CfnElement);
const ids = {
  table: logicalId(stack, stack.table),
  bucket: logicalId(stack, stack.payloadBucket),
  queue: logicalId(stack, stack.queue),
  deadLetterQueue: logicalId(stack, stack.deadLetterQueue),
  hmacSecret: logicalId(stack, stack.hmacSecret),
  githubSecret: logicalId(stack, stack.githubSecret),
  webhook: logicalId(stack, stack.functions.webhook),
  plugins: logicalId(stack, stack.functions.plugins),
  api: logicalId(stack, stack.functions.api),
};

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
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
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

    it('queues events FIFO, deduplicated by delivery id, with a 360 s visibility timeout and a DLQ after 5 receives', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        ContentBasedDeduplication: false,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 360,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.deadLetterQueue, 'Arn'] }, maxReceiveCount: 5 },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        FifoQueue: true,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 60 * 60,
      });
      template.resourceCountIs('AWS::SQS::Queue', 2);
    });

    it.each([
      { name: 'events queue', id: ids.queue },
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

  describe('functions', () => {
    it.each([
      {
        name: 'webhook',
        memory: 512,
        timeout: 10,
        env: ['SKIFF_QUEUE_URL', 'SKIFF_TABLE', 'SKIFF_PAYLOAD_BUCKET', 'SKIFF_HMAC_SECRET_ARN', 'SKIFF_HANDLED_EVENTS'],
      },
      {
        name: 'plugins',
        memory: 1024,
        timeout: 60,
        env: ['SKIFF_TABLE', 'SKIFF_PAYLOAD_BUCKET', 'SKIFF_QUEUE_URL', 'SKIFF_GITHUB_SECRET_ARN', 'SKIFF_CONFIG', 'SKIFF_WORKER_TIMEOUT_SECONDS'],
      },
      { name: 'api', memory: 256, timeout: 10, env: ['SKIFF_TABLE'] },
    ] as const)('$name: nodejs22.x on arm64, $memory MB, $timeout s, its own log group kept a month', ({ name, memory, timeout, env }) => {
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
      });
      expect(pluginsEnv(plain)).not.toHaveProperty('GITHUB_API_URL');
      expect(pluginsEnv(withOptions)).toMatchObject({ GITHUB_API_URL: 'https://ghe.example.com/api/v3' });
    });

    it('feeds plugins from the FIFO queue in batches of 10 with partial failures and capped concurrency', () => {
      template.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', {}, 1);
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

    it.each([0, 1, 2.5, 1001])('rejects pluginsMaxConcurrency %s', (value) => {
      expect(() => synth({ pluginsMaxConcurrency: value })).toThrow(/pluginsMaxConcurrency must be an integer from 2 to 1000/);
    });

    it('adds no CDK helper Lambdas (log retention, auto-delete, notifications) and no custom resources', () => {
      const types = Object.values(withOptions.template.toJSON().Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      );
      expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(3);
      expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([]);
    });
  });

  describe('least privilege', () => {
    type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

    /** Every Allow statement that applies to the function's role, from any policy attached to it. */
    function allowStatements(fnName: 'webhook' | 'plugins' | 'api'): Statement[] {
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
    function actionsOn(fnName: 'webhook' | 'plugins' | 'api', resourceId: string): string[] {
      return allowStatements(fnName)
        .filter((s) => JSON.stringify(s.Resource).includes(`"${resourceId}"`) || JSON.stringify(s.Resource) === '"*"')
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    }

    /** Whether a granted action (possibly with wildcards, e.g. `dynamodb:*`) covers `action`. */
    const covers = (granted: string, action: string): boolean =>
      action === '*' || new RegExp(`^${granted.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

    const tableReads = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'];
    const tableWrites = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    const secretRead = ['secretsmanager:GetSecretValue'];
    it.each([
      { name: 'webhook puts and takes back traces but cannot read the table', fn: 'webhook', on: 'table', allows: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], denies: [...tableReads, 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'] },
      { name: 'webhook cannot touch the GitHub secret', fn: 'webhook', on: 'githubSecret', allows: [], denies: ['*'] },
      { name: 'webhook reads the HMAC secret', fn: 'webhook', on: 'hmacSecret', allows: secretRead, denies: ['secretsmanager:PutSecretValue'] },
      { name: 'webhook sends to the queue but cannot consume it', fn: 'webhook', on: 'queue', allows: ['sqs:SendMessage'], denies: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'] },
      { name: 'webhook puts payloads but cannot read or delete them', fn: 'webhook', on: 'bucket', allows: ['s3:PutObject'], denies: ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket'] },
      { name: 'webhook has nothing on the dead-letter queue', fn: 'webhook', on: 'deadLetterQueue', allows: [], denies: ['*'] },
      { name: 'plugins reads and writes the table', fn: 'plugins', on: 'table', allows: [...tableReads, ...tableWrites], denies: ['dynamodb:DeleteTable', 'dynamodb:UpdateTable'] },
      { name: 'plugins reads the GitHub secret', fn: 'plugins', on: 'githubSecret', allows: secretRead, denies: ['secretsmanager:PutSecretValue'] },
      { name: 'plugins cannot touch the HMAC secret', fn: 'plugins', on: 'hmacSecret', allows: [], denies: ['*'] },
      { name: 'plugins reads payloads but cannot write or delete them', fn: 'plugins', on: 'bucket', allows: ['s3:GetObject'], denies: ['s3:PutObject', 's3:DeleteObject'] },
      { name: 'plugins consumes the queue but cannot send to it', fn: 'plugins', on: 'queue', allows: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], denies: ['sqs:SendMessage', 'sqs:PurgeQueue'] },
      { name: 'api only reads the table', fn: 'api', on: 'table', allows: ['dynamodb:GetItem', 'dynamodb:Query'], denies: tableWrites },
      { name: 'api cannot touch the GitHub secret', fn: 'api', on: 'githubSecret', allows: [], denies: ['*'] },
      { name: 'api cannot touch the HMAC secret', fn: 'api', on: 'hmacSecret', allows: [], denies: ['*'] },
      { name: 'api cannot touch payloads', fn: 'api', on: 'bucket', allows: [], denies: ['*'] },
      { name: 'api cannot touch the queue', fn: 'api', on: 'queue', allows: [], denies: ['*'] },
    ] as const)('$name', ({ fn, on, allows, denies }) => {
      // Prepare / Act
      const granted = actionsOn(fn, ids[on]);
      // Assess
      for (const action of allows) expect(granted.some((g) => covers(g, action)), `${fn} should be allowed ${action}`).toBe(true);
      for (const action of denies) {
        expect(granted.filter((g) => covers(g, action)), `${fn} must not be allowed ${action} on ${on}`).toEqual([]);
      }
    });

    // The grants above say what each role may do; these run the functions' own code paths over
    // SDK clients that record each request's IAM action, and check the role allows every one on
    // the right resource. The local stand-ins ignore IAM, so only this catches a call the role
    // was never given.
    const resourceOf = { dynamodb: ids.table, sqs: ids.queue, s3: ids.bucket } as const;
    const expectAllowed = (fn: 'webhook' | 'plugins' | 'api', actions: string[]) => {
      for (const action of new Set(actions)) {
        const service = action.split(':')[0] as keyof typeof resourceOf;
        expect(actionsOn(fn, resourceOf[service]).some((g) => covers(g, action)), `${fn} calls ${action} but its role does not allow it`).toBe(true);
      }
    };

    it('the webhook role allows every AWS call the webhook makes: queue, trace, oversized payload, and the trace taken back when SQS fails', async () => {
      // Prepare: the webhook's dependencies as functions/webhook.ts builds them, over recording clients
      const aws = recordingAws();
      const env = { SKIFF_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/skiff.fifo', SKIFF_TABLE: 'skiff', SKIFF_PAYLOAD_BUCKET: 'payloads', WEBHOOK_SECRET: 'iam-test' };
      const deps = receiveDeps(env, aws.clients, createLogger({ logLevel: 'SILENT' }), new Set(['issue_comment']));
      const body = JSON.stringify({ action: 'created', repository: { full_name: 'acme/widgets' }, issue: { number: 1 } });
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
    });

    it('the plugins role allows every AWS call the worker makes: claims, traces, large payloads, and putting off a rate-limited event', async () => {
      // Prepare: the adapters dispatch and the worker use (shared/hook/dispatch.ts, worker.ts)
      const aws = recordingAws();
      const store = new DynamoStore(aws.clients.dynamodb, 'skiff');
      const summary = { delivery: 'd', event: 'issue_comment', receivedAt: '2026-11-25T12:00:00.000Z' };
      // Act: every store method dispatch calls, a payload parked in S3, and a redelivery delay
      await store.claim('d', 'hold', 60_000);
      await store.started(summary, {});
      await store.plugins('d', { hold: { status: 'ran', writes: [], attempt: 1, at: summary.receivedAt } });
      await store.complete('d', 'hold');
      await store.release('d', 'size');
      await store.finish('d', 'processed');
      await new S3Payloads(aws.clients.s3, 'payloads').get({ bucket: 'payloads', key: 'payloads/d.json' });
      await new SqsRedelivery(aws.clients.sqs, 'https://sqs.us-east-1.amazonaws.com/123456789012/skiff.fifo').redeliverAfter('receipt', 60);
      // Assess
      expect(aws.actions).toContain('sqs:ChangeMessageVisibility');
      expect(aws.actions).toContain('s3:GetObject');
      expectAllowed('plugins', aws.actions);
    });

    it('the api role allows every AWS call the read API makes', async () => {
      // Prepare
      const aws = recordingAws();
      // Act
      const response = await handleApi('GET', '/api/deliveries/some-delivery', { traces: new DynamoStore(aws.clients.dynamodb, 'skiff') });
      // Assess
      expect(response.status).toBe(404);
      expect(aws.actions).toEqual(['dynamodb:GetItem']);
      expectAllowed('api', aws.actions);
    });

    it.each(['webhook', 'plugins', 'api'] as const)('%s may write logs only to its own log group', (fn) => {
      const logStatements = allowStatements(fn).filter((s) => JSON.stringify(s.Action).includes('logs:'));
      const fnResource = template.toJSON().Resources[ids[fn]] as { Properties: { LoggingConfig: { LogGroup: { Ref: string } } } };
      expect(logStatements.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [fnResource.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] }]);
    });
  });

  describe('HTTP API', () => {
    it.each([
      { routeKey: 'POST /hook', fn: 'webhook' },
      { routeKey: 'GET /api/{proxy+}', fn: 'api' },
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

    it('has only those two routes', () => {
      const keys = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => (r.Properties as Json).RouteKey);
      expect(keys.sort()).toEqual(['GET /api/{proxy+}', 'POST /hook']);
    });

    it('logs access on the auto-deployed $default stage', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApiAccessLogs'), 'Arn'] }, Format: Match.stringLikeRegexp('\\$context\\.requestId') },
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

    it.each(['webhook', 'plugins', 'api'] as const)('alarms on any %s error within 5 minutes', (fn) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...alarmFor('Errors', 'AWS/Lambda'),
        Statistic: 'Sum',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids[fn] } }],
      });
    });

    it('has no topic and no alarm actions without alarmEmail', () => {
      template.resourceCountIs('AWS::SNS::Topic', 0);
      for (const [, alarm] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
        expect(alarm.Properties).not.toHaveProperty('AlarmActions');
      }
    });

    it('with alarmEmail, emails every alarm through a KMS-encrypted, TLS-only topic CloudWatch can use', () => {
      // Prepare
      const t = withOptions.template;
      const [[topicId] = []] = resourcesOfType(t, 'AWS::SNS::Topic');
      const [[keyId] = []] = resourcesOfType(t, 'AWS::KMS::Key');
      // Act
      const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm');
      // Assess
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
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } });
      expect(alarms).toHaveLength(4);
      for (const [, alarm] of alarms) expect((alarm.Properties as Json).AlarmActions).toEqual([{ Ref: topicId }]);
    });
  });

  it('outputs what a maintainer needs after deploying', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(
      ['ApiUrl', 'DeadLetterQueueUrl', 'GitHubSecretArn', 'HmacSecretArn', 'QueueUrl', 'TableName', 'WebhookUrl'].sort(),
    );
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toMatch(/\/hook"\]\]\}$/);
    expect(outputs.GitHubSecretArn?.Value).toEqual({ Ref: ids.githubSecret });
    expect(outputs.HmacSecretArn?.Value).toEqual({ Ref: ids.hmacSecret });
  });

  describe('cdk-nag AwsSolutions', () => {
    it.each([
      { name: 'without alarm email', synthesized: plain },
      { name: 'with alarm email', synthesized: withOptions },
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
    const acknowledgements = withOptions.stack.node.findAll().flatMap((construct) =>
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

    it('acknowledges exactly the reviewed rules, each on the construct it concerns', () => {
      const bucketId = ids.bucket;
      expect(acknowledgements.map(({ path, id }) => `${path} ${id}`).sort()).toEqual(
        [
          'Skiff/PayloadBucket AwsSolutions-S1',
          'Skiff/HmacSecret AwsSolutions-SMG4',
          'Skiff/GitHubSecret AwsSolutions-SMG4',
          'Skiff/Webhook AwsSolutions-L1',
          'Skiff/Plugins AwsSolutions-L1',
          'Skiff/Api AwsSolutions-L1',
          `Skiff/WebhookRole AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
          `Skiff/PluginsRole AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
          'Skiff/HttpApi/POST--hook AwsSolutions-APIG4',
          'Skiff/HttpApi/GET--api--{proxy+} AwsSolutions-APIG4',
        ].sort(),
      );
    });

    it.each(acknowledgements)('$path $id carries a reason', ({ reason }) => {
      // A sentence, not a placeholder such as "ok" or "n/a".
      expect(reason.trim().length).toBeGreaterThanOrEqual(40);
    });
  });
});
