// The operator's knobs on the stack, their defaults and their limits, in one place so that the
// stack, `cdk -c key=value` parsing and the README's settings table agree. Checked at synth,
// where a bad value is a clear message, rather than at deploy, where it is a CloudFormation
// rollback minutes later.
import { parseEventList } from '../shared/hook/events.js';

export class SkiffSettingError extends Error {
  override readonly name = 'SkiffSettingError';
}

/** What the operator may set (SkiffStackProps carries these); anything omitted takes its default. */
export interface SkiffSettingsInput {
  /** Most plugins Lambdas the queue may run at once (2–1000, default 5). */
  readonly pluginsMaxConcurrency?: number;
  /** Steady requests per second the HTTP API accepts across all routes before answering 429 (default 50). */
  readonly apiRateLimit?: number;
  /** Requests the HTTP API accepts in a burst above the steady rate (default 100). */
  readonly apiBurstLimit?: number;
  /** Concurrency reserved for (and capping) the webhook function (default 10). */
  readonly webhookReservedConcurrency?: number;
  /** Concurrency reserved for (and capping) the plugins function; at least pluginsMaxConcurrency (the default). */
  readonly pluginsReservedConcurrency?: number;
  /**
   * Reserve concurrency at all (default true). A new AWS account may have a concurrency quota of
   * 10, and Lambda refuses any reservation that leaves less than that unreserved; such an account
   * deploys with false until the quota is raised.
   */
  readonly reserveConcurrency?: boolean;
  /** Serve traces without authorisation, as Prow's deck does (default false: callers sign with IAM). */
  readonly publicTraces?: boolean;
  /**
   * Webhook events to queue beyond those the built-in plugins handle, for external plugins:
   * comma-separated event names, or `*` for every event (default none).
   */
  readonly queueEvents?: string;
  /** Days job logs and artifacts are kept in the artifacts bucket and the build log group (1–3650, default 30). */
  readonly jobLogRetentionDays?: number;
  /**
   * A CodeBuild job's status links to its log on the HTTP API, `GET /jobs/{id}/log?sig=…`, readable
   * by whoever has the link (default true); false links to the CodeBuild console, which needs AWS credentials.
   */
  readonly jobLogLinks?: boolean;
}

export interface SkiffSettings {
  readonly pluginsMaxConcurrency: number;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Undefined when reserveConcurrency is false. */
  readonly webhookReservedConcurrency: number | undefined;
  readonly pluginsReservedConcurrency: number | undefined;
  readonly publicTraces: boolean;
  /** Extra event names to queue, or ['*']. */
  readonly queueEvents: readonly string[];
  readonly jobLogRetentionDays: number;
  readonly jobLogLinks: boolean;
}

export const settingDefaults = {
  pluginsMaxConcurrency: 5,
  // GitHub sends a busy organisation's deliveries at a few per second; 50/s with a burst of 100
  // is ample headroom for real traffic (and redelivery storms) while capping what a flood of
  // unsigned requests can make the account pay for.
  apiRateLimit: 50,
  apiBurstLimit: 100,
  // The webhook answers in tens of milliseconds, so 10 concurrent invocations keep up with the
  // stage's 50 requests/s; beyond that it is throttled instead of scaling without bound.
  webhookReservedConcurrency: 10,
  reserveConcurrency: true,
  publicTraces: false,
  // Prow's deck keeps logs as long as its bucket does; a month covers reviews and flake hunts.
  jobLogRetentionDays: 30,
  // Prow's deck shows a job's log to whoever sees its status; the console cannot.
  jobLogLinks: true,
} as const;

// Hard limits: the SQS event source's MaximumConcurrency is 2–1000
// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html); an HTTP API stage cannot
// exceed the account's default throttle of 10,000 requests/s and a 5,000 burst
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
const limits = {
  pluginsMaxConcurrency: [2, 1000],
  apiRateLimit: [1, 10_000],
  apiBurstLimit: [1, 5_000],
  webhookReservedConcurrency: [1, 1000],
  pluginsReservedConcurrency: [2, 1000],
  jobLogRetentionDays: [1, 3650],
} as const satisfies Record<string, readonly [number, number]>;

function integerIn(key: keyof typeof limits, value: number, min: number = limits[key][0]): number {
  const max = limits[key][1];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SkiffSettingError(`${key} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function resolveSettings(input: SkiffSettingsInput): SkiffSettings {
  const pluginsMaxConcurrency = integerIn('pluginsMaxConcurrency', input.pluginsMaxConcurrency ?? settingDefaults.pluginsMaxConcurrency);
  const apiRateLimit = integerIn('apiRateLimit', input.apiRateLimit ?? settingDefaults.apiRateLimit);
  const apiBurstLimit = integerIn('apiBurstLimit', input.apiBurstLimit ?? settingDefaults.apiBurstLimit);
  const reserve = input.reserveConcurrency ?? settingDefaults.reserveConcurrency;
  if (!reserve && (input.webhookReservedConcurrency !== undefined || input.pluginsReservedConcurrency !== undefined)) {
    throw new SkiffSettingError('reserveConcurrency is false, so webhookReservedConcurrency and pluginsReservedConcurrency cannot be set');
  }
  let pluginsReservedConcurrency: number | undefined;
  if (reserve) {
    pluginsReservedConcurrency = input.pluginsReservedConcurrency ?? pluginsMaxConcurrency;
    // With fewer, Lambda throttles the invocations the SQS poller starts; each throttled batch
    // goes back to the queue and counts as a receive, walking healthy events towards the
    // dead-letter queue: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
    if (Number.isInteger(pluginsReservedConcurrency) && pluginsReservedConcurrency < pluginsMaxConcurrency) {
      throw new SkiffSettingError(
        `pluginsReservedConcurrency (${pluginsReservedConcurrency}) must be at least pluginsMaxConcurrency (${pluginsMaxConcurrency}): ` +
          'with fewer, Lambda throttles the queue poller and throttled events count towards the dead-letter queue',
      );
    }
    integerIn('pluginsReservedConcurrency', pluginsReservedConcurrency);
  }
  return {
    pluginsMaxConcurrency,
    apiRateLimit,
    apiBurstLimit,
    webhookReservedConcurrency: reserve
      ? integerIn('webhookReservedConcurrency', input.webhookReservedConcurrency ?? settingDefaults.webhookReservedConcurrency)
      : undefined,
    pluginsReservedConcurrency,
    publicTraces: input.publicTraces ?? settingDefaults.publicTraces,
    queueEvents: parseQueueEvents(input.queueEvents),
    jobLogRetentionDays: integerIn('jobLogRetentionDays', input.jobLogRetentionDays ?? settingDefaults.jobLogRetentionDays),
    jobLogLinks: input.jobLogLinks ?? settingDefaults.jobLogLinks,
  };
}

/** The queueEvents setting as a list, or a SkiffSettingError naming the setting. */
function parseQueueEvents(value: string | undefined): string[] {
  try {
    return parseEventList(value);
  } catch (error) {
    throw new SkiffSettingError(`queueEvents: ${(error as Error).message}`);
  }
}
