// The whole Skiff deployment in one stack: GitHub → HTTP API → webhook Lambda → FIFO queue →
// plugins Lambda, plus the read-only trace API, the state table, secrets and alarms.
// See /work/shared/DESIGN.md ("Data flow") for why the pieces are shaped this way.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bundleFunction, type FunctionName } from './bundle.js';
import { handledEvents } from '../shared/hook/events.js';
import { plugins as pluginRegistry } from '../shared/plugins/registry.js';

export interface SkiffStackProps extends StackProps {
  /** The SKIFF_CONFIG value, `owner/repo:path[,path2][@ref]`: where the plugins function reads its config. */
  readonly config: string;
  /** GitHub REST base URL; omit for github.com, set `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly githubApiUrl?: string;
  /** Most plugins Lambdas the queue may run at once (2–1000, default 5). */
  readonly pluginsMaxConcurrency?: number;
  /** If set, alarms email this address through an SNS topic. */
  readonly alarmEmail?: string;
  /**
   * Bundle functions/<name>.ts with esbuild while synthesizing (default true). Tests pass false to get
   * a one-line placeholder handler instead, so they neither wait for esbuild nor depend on the sources.
   */
  readonly bundle?: boolean;
}

// GitHub stops waiting for a webhook response after 10 s and marks the delivery failed:
// https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks#respond-within-10-seconds
const webhookTimeout = Duration.seconds(10);
const pluginsTimeout = Duration.seconds(60);
// AWS recommends a queue visibility timeout of at least six times the consuming function's timeout,
// so a batch still being retried by the Lambda poller is not handed out again:
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
const eventsVisibilityTimeout = Duration.seconds(pluginsTimeout.toSeconds() * 6);
const defaultPluginsMaxConcurrency = 5;
const logRetention = logs.RetentionDays.ONE_MONTH;

export class SkiffStack extends Stack {
  readonly table: dynamodb.Table;
  readonly payloadBucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly hmacSecret: secretsmanager.Secret;
  readonly githubSecret: secretsmanager.Secret;
  readonly functions: Readonly<Record<FunctionName, lambda.Function>>;
  readonly httpApi: HttpApi;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly alarmTopic: sns.Topic | undefined;

  constructor(scope: Construct, id: string, props: SkiffStackProps) {
    super(scope, id, props);
    const maxConcurrency = props.pluginsMaxConcurrency ?? defaultPluginsMaxConcurrency;
    // Lambda's SQS event source accepts 2–1000; fail at synth rather than at deploy.
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      throw new Error(`pluginsMaxConcurrency must be an integer from 2 to 1000, got ${maxConcurrency}`);
    }
    const bundle = props.bundle ?? true;

    // Delivery claims, traces and job records, all addressed by one string key; items expire via TTL.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Job history and claims outlive a botched deploy or `cdk destroy`.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Webhook payloads over SQS's 1 MiB limit wait here for the plugins function; a day is ample.
    this.payloadBucket = new s3.Bucket(this, 'PayloadBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // RETAIN, not DESTROY: CloudFormation cannot delete a non-empty bucket, so DESTROY would make
      // `cdk destroy` fail whenever a payload from the last day exists; autoDeleteObjects would fix that
      // only by adding a custom-resource Lambda. A retained bucket is emptied by its own lifecycle rule
      // within a day and costs nothing; remove it by hand if wanted.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.payloadBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects live one day and hold only webhook payloads that GitHub already keeps in its delivery log; ' +
        'the only writers and readers are the webhook and plugins roles, whose calls CloudTrail records.',
    });

    this.deadLetterQueue = new sqs.Queue(this, 'EventsDeadLetters', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to notice the alarm, fix the cause and redrive.
      retentionPeriod: Duration.days(14),
    });
    // FIFO so that one pull request's commands apply in order (/hold then /hold cancel).
    this.queue = new sqs.Queue(this, 'Events', {
      fifo: true,
      // The webhook sets MessageDeduplicationId = X-GitHub-Delivery, so GitHub's redeliveries of one
      // event collapse while two different events with identical bodies do not.
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: eventsVisibilityTimeout,
      // Five receives, as in the design: enough for transient GitHub or throttling errors to clear.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    // The GitHub webhook secret: one value, or Prow's hierarchical HMAC YAML. Generated here so a
    // fresh deploy is never unsigned; copy it into the GitHub webhook settings (or replace it).
    this.hmacSecret = new secretsmanager.Secret(this, 'HmacSecret', {
      description: "Skiff: GitHub webhook secret (one value, or Prow's hierarchical HMAC YAML)",
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Validations.of(this.hmacSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The webhook secret must match the one configured on GitHub; rotating it automatically would break ' +
        'every delivery until GitHub is updated, so it is rotated by hand on both sides.',
    });
    // GitHub credentials: {"token": "..."} or {"appId": "...", "privateKey": "..."}. Starts as `{}`,
    // which the functions read as "no credentials": dry-run until the maintainer fills it in.
    this.githubSecret = new secretsmanager.Secret(this, 'GitHubSecret', {
      description: 'Skiff: GitHub credentials, {"token": ...} or {"appId": ..., "privateKey": ...}; {} means dry-run',
      secretObjectValue: {},
    });
    Validations.of(this.githubSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Holds a GitHub-issued token or GitHub App private key; Secrets Manager cannot mint new ones, ' +
        'so rotation happens in GitHub and the new value is pasted here.',
    });

    const common = { POWERTOOLS_SERVICE_NAME: 'skiff', LOG_LEVEL: 'INFO' };
    const webhook = this.skiffFunction('webhook', bundle, {
      memorySize: 512,
      timeout: webhookTimeout,
      environment: {
        ...common,
        SKIFF_QUEUE_URL: this.queue.queueUrl,
        SKIFF_TABLE: this.table.tableName,
        SKIFF_PAYLOAD_BUCKET: this.payloadBucket.bucketName,
        SKIFF_HMAC_SECRET_ARN: this.hmacSecret.secretArn,
        // Derived from the plugin registry at synth time, so the webhook bundle does not carry the
        // plugins (and their config schemas) just to know which events to drop at the edge.
        SKIFF_HANDLED_EVENTS: [...handledEvents(pluginRegistry)].sort().join(','),
      },
    });
    const plugins = this.skiffFunction('plugins', bundle, {
      memorySize: 1024,
      timeout: pluginsTimeout,
      environment: {
        ...common,
        SKIFF_TABLE: this.table.tableName,
        SKIFF_PAYLOAD_BUCKET: this.payloadBucket.bucketName,
        // For ChangeMessageVisibility: a rate-limited event comes back when GitHub allows.
        SKIFF_QUEUE_URL: this.queue.queueUrl,
        SKIFF_GITHUB_SECRET_ARN: this.githubSecret.secretArn,
        SKIFF_CONFIG: props.config,
        ...(props.githubApiUrl === undefined ? {} : { GITHUB_API_URL: props.githubApiUrl }),
        // Lets the worker stop starting plugins before Lambda kills it mid-write.
        SKIFF_WORKER_TIMEOUT_SECONDS: String(pluginsTimeout.toSeconds()),
      },
    });
    const api = this.skiffFunction('api', bundle, {
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: { ...common, SKIFF_TABLE: this.table.tableName },
    });
    this.functions = { webhook, plugins, api };

    // The narrowest grant each function needs. The webhook only enqueues, parks oversized payloads
    // and records "queued"; it never reads state or holds GitHub credentials. (`x.grants.y()` is the
    // spelling aws-cdk-lib now recommends for `x.grantY()`; same statements.)
    this.queue.grants.sendMessages(webhook);
    this.payloadBucket.grants.actionsOnObjectKeys(webhook, '*', 's3:PutObject');
    // PutItem records "queued"; DeleteItem takes that record back when the SQS send failed.
    this.table.grants.actions(webhook, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    this.hmacSecret.grantRead(webhook);
    this.table.grants.readWriteData(plugins);
    this.payloadBucket.grants.actionsOnObjectKeys(plugins, '*', 's3:GetObject');
    this.githubSecret.grantRead(plugins);
    this.table.grants.readData(api);
    this.acknowledgePayloadObjectWildcard(webhook, 'writes');
    this.acknowledgePayloadObjectWildcard(plugins, 'reads');

    plugins.addEventSource(
      new SqsEventSource(this.queue, {
        // Ten is the most a FIFO queue hands over at once.
        batchSize: 10,
        // Only failed records are retried, not the whole batch. On a FIFO queue the handler reports the
        // first failure and everything after it in that message group (Powertools'
        // SqsFifoPartialProcessor does this), so commands on one pull request stay in order.
        reportBatchItemFailures: true,
        // Caps parallel GitHub writes (and the secondary rate limit they can trip).
        maxConcurrency,
      }),
    );

    // The edge. Routes have no authorizer on purpose; each is acknowledged below with its reason.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Skiff: GitHub webhooks and the read-only trace API',
      // Created explicitly below so it can carry access logging, which HttpApi's own default stage cannot.
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });
    const hookRoutes = this.httpApi.addRoutes({
      path: '/hook',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('WebhookIntegration', webhook),
    });
    acknowledgeRoutes(
      hookRoutes,
      'GitHub cannot present API Gateway credentials; it signs each delivery with HMAC-SHA256 ' +
        '(X-Hub-Signature-256) and the webhook function rejects any request whose signature does not verify.',
    );
    const apiRoutes = this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ApiIntegration', api),
    });
    acknowledgeRoutes(
      apiRoutes,
      'Read-only, like Prow deck (public by design): a trace is fetched by its X-GitHub-Delivery GUID, which only ' +
        "people who can see the webhook's delivery log know; traces hold plugin outcomes, not secrets or payloads, " +
        'and the api function can only read the table.',
    );

    this.alarmTopic = props.alarmEmail === undefined ? undefined : this.alarmTopicFor(props.alarmEmail);
    this.alarms = [
      this.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, 'DeadLetterAlarm', {
          alarmDescription: 'Skiff: events failed 5 times and are in the dead-letter queue; inspect and redrive.',
          ...atLeastOnceIn5Minutes,
        }),
      ...Object.values(this.functions).map((fn) =>
        fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }).createAlarm(this, `${fn.node.id}Errors`, {
          alarmDescription: `Skiff: the ${fn.node.id} Lambda function failed (threw or timed out).`,
          ...atLeastOnceIn5Minutes,
        }),
      ),
    ];
    if (this.alarmTopic !== undefined) {
      const action = new SnsAction(this.alarmTopic);
      for (const alarm of this.alarms) alarm.addAlarmAction(action);
    }

    new CfnOutput(this, 'WebhookUrl', { value: `${stage.url}hook`, description: 'Payload URL for the GitHub webhook' });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API (traces under api/)' });
    new CfnOutput(this, 'HmacSecretArn', { value: this.hmacSecret.secretArn, description: 'The webhook secret' });
    new CfnOutput(this, 'GitHubSecretArn', { value: this.githubSecret.secretArn, description: 'Put GitHub credentials here' });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }

  /**
   * A function with its own role and log group. The explicit log group replaces both the
   * AWSLambdaBasicExecutionRole managed policy (which may write to any log group) and CDK's
   * log-retention custom resource (one more Lambda to deploy and audit).
   */
  private skiffFunction(
    name: FunctionName,
    bundle: boolean,
    options: Required<Pick<lambda.FunctionProps, 'memorySize' | 'timeout' | 'environment'>>,
  ): lambda.Function {
    const id = name.charAt(0).toUpperCase() + name.slice(1);
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Skiff ${name} function`,
    });
    logGroup.grants.write(role);
    const fn = new lambda.Function(this, id, {
      description: `Skiff ${name}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      // Graviton: about 20% cheaper per GB-second, and nothing here is x86-specific.
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(bundle ? bundleFunction(name).dir : placeholderCodeDir()),
      role,
      logGroup,
      ...options,
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the bundles target node22 and the code is tested on Node 20 and 22; ' +
        'moving to a newer runtime is a deliberate, tested upgrade rather than an automatic one.',
    });
    return fn;
  }

  /** S3 object keys are per delivery, so an object-level grant is necessarily `<bucket>/*`. */
  private acknowledgePayloadObjectWildcard(fn: lambda.Function, verb: 'writes' | 'reads'): void {
    const bucketId = this.getLogicalId(this.payloadBucket.node.defaultChild as s3.CfnBucket);
    if (fn.role === undefined) throw new Error(`${fn.node.path} has no role`);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        `The ${fn.node.id.toLowerCase()} function ${verb} one object per oversized delivery, keyed per delivery, ` +
        `so the grant covers the bucket's objects; it is a single action (s3:${verb === 'writes' ? 'PutObject' : 'GetObject'}) ` +
        'on a bucket used for nothing else.',
    });
  }

  /** An encrypted, TLS-only topic that CloudWatch alarms in this account may publish to. */
  private alarmTopicFor(email: string): sns.Topic {
    const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': this.account } };
    // A customer-managed key, because CloudWatch cannot publish to a topic encrypted with the
    // AWS-managed alias/aws/sns key (its policy cannot be changed to let CloudWatch use it):
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Skiff: encrypts the alarm topic',
      enableKeyRotation: true,
      // Messages are transient; nothing stays encrypted under this key once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchPrincipal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Skiff alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL replaces SNS's default topic policy, so allow CloudWatch explicitly.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatchPrincipal],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}

// One JSON line per request with HTTP API context variables; the integration fields say why a
// delivery got a 5xx (Lambda timeout, throttling) without opening the function's logs:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    route: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationStatus: '$context.integration.status',
    integrationError: '$context.integration.error',
  }),
);

const atLeastOnceIn5Minutes = {
  threshold: 1,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  // No datapoints means nothing failed (Lambda and SQS emit nothing when idle).
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
} satisfies Partial<cloudwatch.CreateAlarmOptions>;

function acknowledgeRoutes(routes: HttpRoute[], reason: string): void {
  for (const route of routes) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
}

let placeholderDir: string | undefined;
/** A folder with a stub handler, used when `bundle` is false; its content (and so its asset hash) is fixed. */
function placeholderCodeDir(): string {
  if (placeholderDir === undefined) {
    placeholderDir = mkdtempSync(path.join(tmpdir(), 'skiff-placeholder-'));
    writeFileSync(
      path.join(placeholderDir, 'index.mjs'),
      "export const handler = async () => { throw new Error('Skiff placeholder: synthesized with bundle: false'); };\n",
    );
  }
  return placeholderDir;
}
