// What CI needs beyond the ChatOps half: the job records' table (Skiff's ProwJobs), the bucket
// for logs and artifacts, and the CodeBuild project every `codebuild` job is a build of. The
// project is generic — each StartBuild overrides image, compute type, environment, buildspec and
// timeout (shared/jobs/agents/codebuild.ts) — so one project serves every job and an idle stack
// holds no build capacity. The functions that use these get their grants from the methods here,
// so each grant sits beside the resource it is on.
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { jobIndexes } from '../shared/jobs/store/dynamo-job-store.js';

export interface JobsResourcesProps {
  /** Days a job's log and artifacts are kept (the bucket's lifecycle), and the build log group's retention. */
  readonly logRetentionDays: number;
}

/**
 * Where the functions keep the short-lived clone token a build reads: one SSM Parameter Store
 * SecureString per GitHub App installation (or repository), named under this prefix
 * (agents/clone-token.ts). Per stack, so one stack's builds cannot read another's tokens; a name
 * with slashes must start with one.
 */
export const cloneTokenPrefix = (stackName: string) => `/skiff/${stackName}/clone-token/`;

export class JobsResources extends Construct {
  readonly table: dynamodb.Table;
  readonly artifacts: s3.Bucket;
  readonly project: codebuild.Project;
  readonly buildLogs: logs.LogGroup;
  /** `/skiff/<stack>/clone-token/`: the functions write `<prefix><installation>`, builds read it. */
  readonly tokenPrefix: string;

  constructor(scope: Construct, id: string, props: JobsResourcesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.tokenPrefix = cloneTokenPrefix(stack.stackName);

    // Partition key `id`; one GSI per query the others make (by pull request, by state, by job
    // name), each sorted by creation time, so nothing ever scans. BUILD_ID counters are items of
    // their own with none of the index attributes, so no index lists them.
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, key] of [
      [jobIndexes.byPull, 'pull'],
      [jobIndexes.byState, 'state'],
      [jobIndexes.byName, 'name'],
    ] as const) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: key, type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.logRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // As the payload bucket: a retained bucket empties itself by its lifecycle rule.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.artifacts).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds job logs and artifacts that expire by the lifecycle rule; the only writer is the CodeBuild project role and the ' +
        'only reader the api role, whose calls CloudTrail records, so server access logs would add a second bucket for nothing new.',
    });

    this.buildLogs = new logs.LogGroup(this, 'BuildLogs', {
      retention: retentionFor(props.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'BuildRole', {
      assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
      description: 'Skiff CodeBuild jobs',
    });
    this.project = new codebuild.Project(this, 'Project', {
      description: 'Skiff: every codebuild job is a build of this project, with per-build overrides',
      role,
      // Every StartBuild overrides the buildspec; this one only says so if a build is started by hand.
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        phases: { build: { commands: ['echo "Skiff starts builds of this project with a buildspec override; this one has none." && exit 1'] } },
      }),
      environment: {
        // Graviton, as the functions; a job's `codebuild.compute_type` or resource requests pick the size.
        buildImage: codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
        computeType: codebuild.ComputeType.SMALL,
      },
      // Each build also sends its log to `jobs/<id>/` in the artifacts bucket (a StartBuild
      // override), granted below as a put on that prefix alone.
      logging: { cloudWatch: { logGroup: this.buildLogs } },
      timeout: Duration.hours(8),
    });
    // Builds may read the clone tokens the functions put under the prefix, and nothing else.
    // GetParameters is what CodeBuild calls to resolve a PARAMETER_STORE variable. No kms:Decrypt:
    // the AWS managed aws/ssm key's own policy lets the account's principals decrypt through SSM,
    // so the ssm grant alone decides who reads a token.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameters'], resources: [this.tokenParametersArn()] }));
    // Logs and artifacts under `jobs/<job id>/`; CodeBuild checks the bucket's location and ACL first.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.artifacts.arnForObjects('jobs/*')] }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl', 's3:GetBucketLocation'], resources: [this.artifacts.bucketArn] }));
    Validations.of(this.project).acknowledge({
      id: 'AwsSolutions-CB4',
      reason:
        'Build artifacts and logs go to a bucket encrypted with S3-managed keys and expire after the retention; a customer-managed ' +
        'KMS key would cost a monthly fee on an idle stack and protect nothing the bucket policy does not already (TLS only, private).',
    });
    const artifactsId = stack.getLogicalId(this.artifacts.node.defaultChild as s3.CfnBucket);
    const projectId = stack.getLogicalId(this.project.node.defaultChild as codebuild.CfnProject);
    for (const [resource, reason] of [
      [`<${artifactsId}.Arn>/jobs/*`, 'Each build writes its log and artifacts under its own job id; one action (s3:PutObject) on the jobs/ prefix of a bucket used for nothing else.'],
      [`arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<${projectId}>:*`, "CDK's CodeBuild grant: the log streams of the project's own log group, one per build."],
      [`arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<${projectId}>-*`, "CDK's CodeBuild grant: test report groups named after this project only."],
      [tokenParametersFinding(this.tokenPrefix), "One clone-token parameter per GitHub App installation under this stack's prefix; read only (ssm:GetParameters)."],
    ] as const) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
  }

  /**
   * What the functions that start, watch and stop jobs call (plugins: trigger; jobs: horologium,
   * sinker, reconciler, build events): the records, the builds of this project, and the clone token.
   */
  grantRun(fn: lambda.Function, options: { runsSchedules?: boolean } = {}): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        // Only for the schedules' function: DeleteItem for sinker; BatchGetItem for horologium's and
        // sinker's read of every periodic's newest run (JobStore.latestRuns).
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', ...(options.runsSchedules ? ['dynamodb:DeleteItem', 'dynamodb:BatchGetItem'] : [])],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/*`],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'],
        resources: [this.project.projectArn],
      }),
    );
    // A start refreshes the installation's clone token (agents/clone-token.ts): dates the stored one
    // (GetParameter without decryption), and puts a new one over it or creates it. Encrypting
    // under aws/ssm needs no KMS grant either (see the build role's).
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [this.tokenParametersArn()] }));
    if (fn.role === undefined) throw new Error(`${fn.node.path} has no role`);
    const tableId = Stack.of(this).getLogicalId(this.table.node.defaultChild as dynamodb.CfnTable);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
      reason: "The job table's three indexes (by pull request, state and job name) are queried by name, with Query only; the table itself is not scanned.",
    });
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${tokenParametersFinding(this.tokenPrefix)}]`,
      reason: "One clone-token parameter per GitHub App installation under this stack's prefix, which a job start dates and refreshes or creates; nothing else in Parameter Store.",
    });
  }

  /**
   * What the api function calls to serve `GET /jobs/{id}/log` (shared/api/job-log.ts): a job's
   * record by key, CodeBuild's S3 copy of its log under `jobs/`, and its CloudWatch stream.
   */
  grantReadLog(fn: lambda.Function): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }));
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.artifacts.arnForObjects('jobs/*')] }));
    // GetLogEvents is authorised on the log stream (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html).
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['logs:GetLogEvents'], resources: [this.buildLogStreamsArn()] }));
    if (fn.role === undefined) throw new Error(`${fn.node.path} has no role`);
    const stack = Stack.of(this);
    const artifactsId = stack.getLogicalId(this.artifacts.node.defaultChild as s3.CfnBucket);
    const groupId = stack.getLogicalId(this.buildLogs.node.defaultChild as logs.CfnLogGroup);
    for (const [resource, reason] of [
      [`<${artifactsId}.Arn>/jobs/*`, "Each job's log copy is an object under its own id, so reading one needs the jobs/ prefix; one action (s3:GetObject), for GET /jobs/{id}/log only."],
      [
        `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${groupId}>:log-stream:*`,
        "CodeBuild writes one stream per build in the project's own log group; one action (logs:GetLogEvents) on that group's streams, to show a running job's log.",
      ],
    ] as const) {
      Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    }
  }

  /** Every stream of the build log group: `log-group:<name>:log-stream:*`. */
  private buildLogStreamsArn(): string {
    return Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: `${this.buildLogs.logGroupName}:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  /** Every clone-token parameter of this stack: `parameter/skiff/<stack>/clone-token/*` (the name's leading slash is the ARN's). */
  private tokenParametersArn(): string {
    return Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${this.tokenPrefix.slice(1)}*` });
  }
}

/** How cdk-nag names the clone-token parameters' ARN pattern in its findings. */
const tokenParametersFinding = (prefix: string) => `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter${prefix}*`;

/** The nearest CloudWatch retention at or above the days asked for. */
function retentionFor(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0).sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? logs.RetentionDays.INFINITE) as logs.RetentionDays;
}
