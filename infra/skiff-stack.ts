// The whole Skiff deployment in one stack: GitHub → HTTP API → webhook Lambda → FIFO queue →
// plugins Lambda, plus the read-only trace API, the state table, secrets and alarms. The webhook
// answers GitHub within its 10 s and only queues; the plugins function does the slow GitHub work
// off the queue, ordered per pull request; every piece is pay-per-use, so an idle stack costs
// almost nothing. The README's "Deploy to AWS" section is the operator's guide to it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CfnOutput, Duration, Names, RemovalPolicy, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { bundleFunction, type FunctionName } from './bundle.js';
import { JobsResources } from './jobs-resources.js';
import { resolveSettings, type SkiffSettings, type SkiffSettingsInput } from './stack-settings.js';
import { lowestQuotaMetric, metricsNamespace } from '../shared/github/rate-limits.js';
import { queuedEvents } from '../shared/hook/events.js';
import { plugins as pluginRegistry } from '../shared/plugins/registry.js';

export interface SkiffStackProps extends StackProps, SkiffSettingsInput {
  /** The SKIFF_CONFIG value, `owner/repo:path[,path2][@ref]`: where the plugins function reads its config. */
  readonly config: string;
  /** GitHub REST base URL; omit for github.com, set `https://HOST/api/v3` for GitHub Enterprise Server. */
  readonly githubApiUrl?: string;
  /** If set, the alarm topic emails this address (alarms go to the topic either way). */
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
// One slow GitHub call gives up after 10 s instead of using up the plugins function's 60 s.
const githubRequestTimeout = Duration.seconds(10);
// AWS recommends a queue visibility timeout of at least six times the consuming function's timeout,
// so a batch still being retried by the Lambda poller is not handed out again:
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
const eventsVisibilityTimeout = Duration.seconds(pluginsTimeout.toSeconds() * 6);
const logRetention = logs.RetentionDays.ONE_MONTH;
// A horologium tick or sinker pass reads the config and a few hundred records; a start is one StartBuild.
const jobsTimeout = Duration.seconds(60);
// Forwards to external plugins get their own event source with a small cap (2, SQS's least): an
// endpoint that hangs ties up at most these invocations, which the plugins function reserves on
// top of the events' own, so the events' poller is never throttled by them.
const forwardsMaxConcurrency = 2;

export class SkiffStack extends Stack {
  readonly table: dynamodb.Table;
  readonly payloadBucket: s3.Bucket;
  readonly queue: sqs.Queue;
  /** Forwards to external plugins (shared/hook/forward.ts), apart from the events so a slow endpoint never holds them up. */
  readonly forwardQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly hmacSecret: secretsmanager.Secret;
  readonly githubSecret: secretsmanager.Secret;
  readonly functions: Readonly<Record<FunctionName, lambda.Function>>;
  readonly httpApi: HttpApi;
  readonly alarms: readonly cloudwatch.Alarm[];
  readonly alarmTopic: sns.Topic;
  /** Lets a principal read traces; undefined with publicTraces. */
  readonly traceReaderPolicy: iam.ManagedPolicy | undefined;
  readonly settings: SkiffSettings;
  /** Job records, logs and artifacts, and the CodeBuild project. */
  readonly jobs: JobsResources;

  constructor(scope: Construct, id: string, props: SkiffStackProps) {
    super(scope, id, props);
    const settings = resolveSettings(props);
    this.settings = settings;
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
    // Both queues: FIFO, deduplicated by an id the code sets (never by content: two different
    // events may have identical bodies), five receives before the dead-letter queue — enough for
    // transient GitHub or throttling errors to clear.
    const fifoQueue: sqs.QueueProps = {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: eventsVisibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    };
    // FIFO so that one pull request's commands apply in order (/hold then /hold cancel); the
    // webhook sets MessageDeduplicationId = X-GitHub-Delivery, so GitHub's redeliveries collapse.
    this.queue = new sqs.Queue(this, 'Events', fifoQueue);
    // The plugins function queues one message here per external plugin an event goes to,
    // deduplicated by `<delivery>#ext:<plugin>` so a retried dispatch does not forward twice; the
    // same dead-letter queue (and its alarm) as the events.
    this.forwardQueue = new sqs.Queue(this, 'Forwards', fifoQueue);

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

    // CI: job records, logs and artifacts, the CodeBuild project (jobs-resources.ts).
    this.jobs = new JobsResources(this, 'JobResources', { logRetentionDays: settings.jobLogRetentionDays });
    const jobsEnv = {
      SKIFF_JOBS_TABLE: this.jobs.table.tableName,
      SKIFF_CODEBUILD_PROJECT: this.jobs.project.projectName,
      SKIFF_ARTIFACTS_BUCKET: this.jobs.artifacts.bucketName,
      SKIFF_CLONE_TOKEN_PREFIX: this.jobs.tokenPrefix,
    };

    const common = { POWERTOOLS_SERVICE_NAME: 'skiff', LOG_LEVEL: 'INFO' };
    const webhook = this.skiffFunction('webhook', bundle, {
      memorySize: 512,
      timeout: webhookTimeout,
      // Caps what a flood of requests (signed or not) can run at once, and keeps the webhook from
      // taking the account's whole concurrency from other functions.
      reservedConcurrentExecutions: settings.webhookReservedConcurrency,
      environment: {
        ...common,
        SKIFF_QUEUE_URL: this.queue.queueUrl,
        SKIFF_TABLE: this.table.tableName,
        SKIFF_PAYLOAD_BUCKET: this.payloadBucket.bucketName,
        SKIFF_HMAC_SECRET_ARN: this.hmacSecret.secretArn,
        // Derived from the plugin registry at synth time, so the webhook bundle does not carry the
        // plugins (and their config schemas) just to know which events to drop at the edge.
        // The built-in plugins' events, and any the operator queues for external plugins.
        SKIFF_HANDLED_EVENTS: [...queuedEvents(pluginRegistry, settings.queueEvents)].sort().join(','),
      },
    });
    const plugins = this.skiffFunction('plugins', bundle, {
      memorySize: 1024,
      timeout: pluginsTimeout,
      // At least the event source's maxConcurrency (checked in resolveSettings), so the poller is
      // never throttled; reserved so a busy account cannot starve it either.
      reservedConcurrentExecutions: settings.pluginsReservedConcurrency === undefined ? undefined : settings.pluginsReservedConcurrency + forwardsMaxConcurrency,
      environment: {
        ...common,
        SKIFF_TABLE: this.table.tableName,
        SKIFF_PAYLOAD_BUCKET: this.payloadBucket.bucketName,
        // For ChangeMessageVisibility: a rate-limited event comes back when GitHub allows.
        SKIFF_QUEUE_URL: this.queue.queueUrl,
        SKIFF_FORWARD_QUEUE_URL: this.forwardQueue.queueUrl,
        SKIFF_GITHUB_SECRET_ARN: this.githubSecret.secretArn,
        SKIFF_CONFIG: props.config,
        ...(props.githubApiUrl === undefined ? {} : { GITHUB_API_URL: props.githubApiUrl }),
        // Lets the worker stop starting plugins before Lambda kills it mid-write.
        SKIFF_WORKER_TIMEOUT_SECONDS: String(pluginsTimeout.toSeconds()),
        // The whole of one GitHub request, retries included; the worker derives a record's time
        // budget from it and the function timeout above, so both are visible side by side here.
        SKIFF_GITHUB_TIMEOUT_MS: String(githubRequestTimeout.toMilliseconds()),
        // trigger starts jobs.
        ...jobsEnv,
      },
    });
    // With jobLogLinks, also GET /jobs/{id}/log: the job record, its log in S3 or CloudWatch, and the
    // webhook secret the links' key is derived from (shared/runtime/job-log-deps.ts).
    const api = this.skiffFunction('api', bundle, {
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment: {
        ...common,
        SKIFF_TABLE: this.table.tableName,
        ...(settings.jobLogLinks
          ? {
              SKIFF_JOBS_TABLE: this.jobs.table.tableName,
              SKIFF_ARTIFACTS_BUCKET: this.jobs.artifacts.bucketName,
              SKIFF_BUILD_LOG_GROUP: this.jobs.buildLogs.logGroupName,
              SKIFF_HMAC_SECRET_ARN: this.hmacSecret.secretArn,
            }
          : {}),
      },
    });
    // The schedules and CodeBuild's build events (shared/jobs/jobs-events.ts).
    const jobsFn = this.skiffFunction('jobs', bundle, {
      memorySize: 512,
      timeout: jobsTimeout,
      environment: {
        ...common,
        SKIFF_CONFIG: props.config,
        SKIFF_GITHUB_SECRET_ARN: this.githubSecret.secretArn,
        ...(props.githubApiUrl === undefined ? {} : { GITHUB_API_URL: props.githubApiUrl }),
        SKIFF_GITHUB_TIMEOUT_MS: String(githubRequestTimeout.toMilliseconds()),
        // The shared GitHub budget's items: crier's statuses count against it too.
        SKIFF_TABLE: this.table.tableName,
        ...jobsEnv,
      },
    });
    this.functions = { webhook, plugins, api, jobs: jobsFn };
    this.jobs.grantRun(plugins);
    this.jobs.grantRun(jobsFn, { runsSchedules: true });
    this.grantSecretValue(jobsFn, this.githubSecret);
    // The budget's items (shared/storage/dynamo-budget.ts): read, and taken from with conditional updates.
    this.table.grants.actions(jobsFn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    // Best-effort delivery of a build's end; the reconciler's pass catches what is missed.
    new events.Rule(this, 'BuildStateChanges', {
      description: 'Skiff: a CodeBuild job build finished',
      eventPattern: {
        source: ['aws.codebuild'],
        detailType: ['CodeBuild Build State Change'],
        detail: { 'build-status': ['SUCCEEDED', 'FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED'], 'project-name': [this.jobs.project.projectName] },
      },
      targets: [new targets.LambdaFunction(jobsFn, { retryAttempts: 4 })],
    });
    // Prow's horologium (every minute), a reconciler for lost build events and waiting jobs, and sinker.
    for (const [id, task, every] of [
      ['Horologium', 'horologium', Duration.minutes(1)],
      ['Reconciler', 'reconcile', Duration.minutes(5)],
      ['Sinker', 'sinker', Duration.hours(1)],
    ] as const) {
      new events.Rule(this, `${id}Schedule`, {
        description: `Skiff: ${task} every ${every.toHumanString()}`,
        schedule: events.Schedule.rate(every),
        targets: [new targets.LambdaFunction(jobsFn, { event: events.RuleTargetInput.fromObject({ task }), retryAttempts: 0 })],
      });
    }

    // Each role may make exactly the calls its function's code makes (test/infra/stack.test.ts runs
    // that code over recording SDK clients and compares), not the families CDK's grantReadData /
    // grantSendMessages / grantRead hand out (Scan, Query, Batch*, GetQueueUrl, DescribeSecret…).
    // The webhook only enqueues, parks oversized payloads and records "queued"; it never reads
    // state or holds GitHub credentials.
    this.queue.grants.actions(webhook, ['sqs:SendMessage']);
    this.payloadBucket.grants.actionsOnObjectKeys(webhook, '*', 's3:PutObject');
    // PutItem records "queued"; DeleteItem takes that record back when the SQS send failed.
    this.table.grants.actions(webhook, 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    this.grantSecretValue(webhook, this.hmacSecret);
    // UpdateItem: claims (taken, journaled, given up, done) and trace progress; GetItem: whether a
    // claim someone else holds is done, and cached OWNERS; PutItem: OWNERS put in the cache
    // (shared/storage/dynamo-store.ts).
    this.table.grants.actions(plugins, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem');
    // PutObject: a forward to an external plugin a few hundred bytes too large for a message.
    this.payloadBucket.grants.actionsOnObjectKeys(plugins, '*', 's3:GetObject', 's3:PutObject');
    this.grantSecretValue(plugins, this.githubSecret);
    this.queue.grants.actions(plugins, [
      // What Lambda's SQS poller calls with the function's role:
      // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      // The worker's own call: a rate-limited event comes back when GitHub allows.
      'sqs:ChangeMessageVisibility',
    ]);
    // The same on the forward queue, and SendMessage: dispatch queues the forwards.
    this.forwardQueue.grants.actions(plugins, ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility']);
    this.table.grants.actions(api, 'dynamodb:GetItem');
    if (settings.jobLogLinks) {
      this.jobs.grantReadLog(api);
      // The api function checks the links' signatures; plugins and jobs sign them (their builds' statuses).
      for (const fn of [api, plugins, jobsFn]) this.grantSecretValue(fn, this.hmacSecret);
    }
    this.acknowledgePayloadObjectWildcard(webhook, 'writes');
    this.acknowledgePayloadObjectWildcard(plugins, 'reads and writes');

    // Not SqsEventSource, which grants sqs:GetQueueUrl as well; the construct id is the one it
    // used, so an existing stack keeps its mapping instead of replacing it.
    plugins.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`, {
      eventSourceArn: this.queue.queueArn,
      // Ten is the most a FIFO queue hands over at once.
      batchSize: 10,
      // Only failed records are retried, not the whole batch. On a FIFO queue the handler reports the
      // first failure and everything after it in that message group (Powertools'
      // SqsFifoPartialProcessor does this), so commands on one pull request stay in order.
      reportBatchItemFailures: true,
      // Caps parallel GitHub writes (and the secondary rate limit they can trip).
      maxConcurrency: settings.pluginsMaxConcurrency,
    });
    plugins.addEventSourceMapping('ForwardsEventSource', {
      eventSourceArn: this.forwardQueue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
      maxConcurrency: forwardsMaxConcurrency,
    });

    // The edge. The webhook route cannot have an authorizer (GitHub signs with HMAC instead);
    // the trace route is IAM-authorised unless the operator opened it with publicTraces; the job
    // log route (jobLogLinks) is open, its links signed with HMAC.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Skiff: GitHub webhooks, the read-only trace API and job logs',
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
      // Stage-wide, so a flood on either route is answered 429 by API Gateway before any function
      // runs. GitHub shows a throttled delivery as failed, and it can be redelivered.
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
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
    // Traces name private repositories and pull requests, so by default only principals of this
    // account with execute-api:Invoke on the route may read them: requests are SigV4-signed, and
    // API Gateway checks them before the api function runs (an unsigned request costs no
    // invocation). IAM rather than a bearer token in Secrets Manager: nothing to generate, store,
    // rotate or compare in our code, and access is granted and revoked like any other AWS access.
    const apiRoutes = this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ApiIntegration', api),
      authorizer: settings.publicTraces ? undefined : new HttpIamAuthorizer(),
    });
    if (settings.jobLogLinks) {
      // The link on a job's commit status: the people who see the status (contributors, with no
      // AWS account) must be able to open it, so no IAM; the api function refuses any request
      // whose ?sig= is not the HMAC of the job id (shared/jobs/job-log-link.ts).
      const jobLogRoutes = this.httpApi.addRoutes({
        path: '/jobs/{id}/log',
        methods: [HttpMethod.GET],
        integration: new HttpLambdaIntegration('JobLogIntegration', api),
      });
      acknowledgeRoutes(
        jobLogRoutes,
        'The link is shown on commit statuses to people without AWS credentials; it carries an HMAC-SHA256 of the job id ' +
          '(key derived from the webhook secret) and the api function answers 403 to any request whose signature does not verify.',
      );
      // Where the statuses link to: the stage's endpoint, known only once the API exists.
      for (const fn of [plugins, jobsFn]) {
        fn.addEnvironment('SKIFF_JOB_LOG_BASE_URL', stage.url);
        fn.addEnvironment('SKIFF_HMAC_SECRET_ARN', this.hmacSecret.secretArn);
      }
    }
    if (settings.publicTraces) {
      acknowledgeRoutes(
        apiRoutes,
        'The operator deployed with publicTraces=true, choosing Prow deck\'s openness: traces (repository names, ' +
          'pull request numbers, plugin outcomes; no secrets or payloads) are readable by anyone who knows a delivery id.',
      );
    } else {
      this.traceReaderPolicy = this.traceReaderPolicyFor(this.httpApi);
    }

    this.alarmTopic = this.alarmTopicFor(props.alarmEmail);
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
      // The plugins worker publishes the lowest remaining share of any credential's primary
      // quota after each batch (shared/github/rate-limits.ts); under 10 %, GitHub will soon answer
      // 403 until the hour's window resets.
      new cloudwatch.Metric({
        namespace: metricsNamespace,
        metricName: lowestQuotaMetric,
        dimensionsMap: { service: common.POWERTOOLS_SERVICE_NAME },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MINIMUM,
      }).createAlarm(this, 'GitHubQuotaAlarm', {
        alarmDescription:
          'Skiff: a GitHub credential has less than 10 % of its primary rate limit left this hour; the GitHubRateLimitRemaining metrics (by Credential and Resource) say which.',
        threshold: 10,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // No datapoint: no batch called GitHub in the period, which uses no quota.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    const alarmAction = new SnsAction(this.alarmTopic);
    for (const alarm of this.alarms) alarm.addAlarmAction(alarmAction);

    new CfnOutput(this, 'WebhookUrl', { value: `${stage.url}hook`, description: 'Payload URL for the GitHub webhook' });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API (traces under api/, job logs under jobs/)' });
    new CfnOutput(this, 'HmacSecretArn', { value: this.hmacSecret.secretArn, description: 'The webhook secret' });
    new CfnOutput(this, 'GitHubSecretArn', { value: this.githubSecret.secretArn, description: 'Put GitHub credentials here' });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'Retained by cdk destroy' });
    new CfnOutput(this, 'PayloadBucketName', { value: this.payloadBucket.bucketName, description: 'Retained by cdk destroy' });
    new CfnOutput(this, 'JobsTableName', { value: this.jobs.table.tableName, description: 'Job records; retained by cdk destroy' });
    new CfnOutput(this, 'ArtifactsBucketName', { value: this.jobs.artifacts.bucketName, description: 'Job logs and artifacts under jobs/<id>/; retained by cdk destroy' });
    new CfnOutput(this, 'CodeBuildProject', { value: this.jobs.project.projectName, description: 'Every codebuild job is a build of this project' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'Subscribe to receive the alarms' });
    if (this.traceReaderPolicy !== undefined) {
      new CfnOutput(this, 'TraceReaderPolicyArn', {
        value: this.traceReaderPolicy.managedPolicyArn,
        description: 'Attach to a user or role that may read traces (GET api/deliveries/{id}, SigV4-signed)',
      });
    }
  }

  /**
   * A function with its own role and log group. The explicit log group replaces both the
   * AWSLambdaBasicExecutionRole managed policy (which may write to any log group) and CDK's
   * log-retention custom resource (one more Lambda to deploy and audit).
   */
  private skiffFunction(
    name: FunctionName,
    bundle: boolean,
    options: Required<Pick<lambda.FunctionProps, 'memorySize' | 'timeout' | 'environment'>> &
      Pick<lambda.FunctionProps, 'reservedConcurrentExecutions'>,
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

  /**
   * secretsmanager:GetSecretValue alone: the functions read secrets through Powertools' getSecret,
   * which calls nothing else (`grantRead` would add DescribeSecret). The secrets use the AWS-managed
   * key, so no KMS grant is needed.
   */
  private grantSecretValue(fn: lambda.Function, secret: secretsmanager.Secret): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
  }

  /** S3 object keys are per delivery, so an object-level grant is necessarily `<bucket>/*`. */
  private acknowledgePayloadObjectWildcard(fn: lambda.Function, verb: 'writes' | 'reads' | 'reads and writes'): void {
    const bucketId = this.getLogicalId(this.payloadBucket.node.defaultChild as s3.CfnBucket);
    if (fn.role === undefined) throw new Error(`${fn.node.path} has no role`);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        `The ${fn.node.id.toLowerCase()} function ${verb} one object per oversized delivery, keyed per delivery, ` +
        `so the grant covers the bucket's objects; it is ${verb === 'reads and writes' ? 'two object actions (s3:GetObject, s3:PutObject)' : `a single action (s3:${verb === 'writes' ? 'PutObject' : 'GetObject'})`} ` +
        'on a bucket used for nothing else.',
    });
  }

  /**
   * execute-api:Invoke on the trace route and nothing else, for operators to attach to whoever
   * should read traces (an administrator can already).
   */
  private traceReaderPolicyFor(httpApi: HttpApi): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, 'TraceReaderPolicy', {
      description: 'Skiff: read delivery traces (GET /api/* on the Skiff HTTP API)',
      statements: [
        new iam.PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [httpApi.arnForExecuteApi('GET', '/api/*', '$default')],
        }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${this.getLogicalId(httpApi.node.defaultChild as CfnElement)}>/$default/GET/api/*]`,
      reason:
        'The route is GET /api/{proxy+}: each trace is its own path under /api/, so the grant must cover them all; ' +
        'it is one action (execute-api:Invoke), one method, one API and stage.',
    });
    return policy;
  }

  /**
   * An encrypted, TLS-only topic that CloudWatch alarms in this account may publish to; it exists
   * whether or not anyone is subscribed, so subscribing later needs no deploy.
   */
  private alarmTopicFor(email: string | undefined): sns.Topic {
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
    if (email !== undefined) topic.addSubscription(new EmailSubscription(email));
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
    // Who read a trace (the IAM principal of a signed request); empty on the webhook route.
    caller: '$context.identity.userArn',
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
