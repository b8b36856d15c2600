// What one horologium tick costs with 500 periodics: the real job config loader builds them from a
// YAML document (a third each `interval`, `minimum_interval` and `cron`), the real DynamoJobStore
// keeps their records in the dynalite stand-in, the real plank starts what is due on a recording
// agent that only says "started", and the real crier is the reporter, on a GitHub that counts
// calls (periodics do not report, so it should see none). Three ticks are timed, on a clock the
// bench sets: the first (every periodic is due: 500 records made and started), a steady one
// (every last run finished recently: nothing due) and one where a tenth are due. Each tick reads
// the newest runs with DynamoJobStore.latestRuns: the `latest#<name>` pointers, then the records
// they name, by key with BatchGetItem (100 keys a call); the first tick finds no pointer and falls
// back to a by-name Query per periodic, as after an upgrade (each finding no run, the pointer is
// written as naming none, then moved to the run the tick makes). DynamoDB calls are counted by
// operation with a middleware on the client. A floor from the same run puts the times in
// proportion: the same number of raw BatchGetItem/GetItem/Query calls, issued straight to the stand-in.
import { BatchGetItemCommand, CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import { createCrier, type CrierGitHub } from '../shared/jobs/crier.js';
import { loadJobConfig } from '../shared/jobs/config/load.js';
import { horologiumTick } from '../shared/jobs/horologium.js';
import { createPlank } from '../shared/jobs/plank.js';
import { DynamoJobStore, jobIndexes, jobTableDefinition, latestKey } from '../shared/jobs/store/dynamo-job-store.js';
import type { AgentName, JobAgent, Periodic } from '../shared/jobs/types.js';
import { startStandIns } from '../shared/local/stand-ins.js';
import type { MetricReport, Row } from './metric.js';
import { ms, summarize } from './stats.js';

const periodicCount = 500;
/** Every tenth periodic runs every 10 minutes; the rest daily. */
const shortEvery = 10;
/** Each round uses a fresh table, so its first tick really finds no runs. */
const rounds = 3;
/** Steady ticks change nothing, so each round times several. */
const steadyPerRound = 3;
const tickMs = 60_000;
/** Midnight UTC: the daily cron (`0 0 * * *`) and the 10-minute one both fire at the first tick. */
const start = Date.parse('2026-12-01T00:00:00.000Z');
/** When the first tick's runs are made to have finished (setup, not timed). */
const finishedAt = start + 30_000;
/** Nothing is due a minute later. */
const steadyAt = start + 60_000;
/** Eleven minutes in: the 10-minute interval, minimum_interval (10.5 min after finishing) and cron jobs are due; the daily ones are not. */
const tenthAt = start + 11 * 60_000;

/** The job config: periodics in Prow's YAML, so the loader's defaults apply as they would to a user's config. */
function periodicsYaml(): string {
  const lines = ['periodics:'];
  for (let i = 0; i < periodicCount; i++) {
    const short = i % shortEvery === 0;
    const schedule = [
      short ? 'interval: 10m' : 'interval: 24h',
      short ? 'minimum_interval: 10m' : 'minimum_interval: 12h',
      short ? `cron: "*/10 * * * *"` : `cron: "0 0 * * *"`,
    ][i % 3]!;
    lines.push(
      `- name: periodic-${String(i).padStart(3, '0')}`,
      `  ${schedule}`,
      '  extra_refs:',
      '  - org: bench',
      '    repo: periodics',
      '    base_ref: main',
      '  spec:',
      '    containers:',
      '    - image: alpine',
      '      command: [make, check]',
    );
  }
  return `${lines.join('\n')}\n`;
}

function loadPeriodics(): Periodic[] {
  const { jobs, errors } = loadJobConfig(parse(periodicsYaml()) as Record<string, unknown>, () => ({}));
  if (errors.length) throw new Error(`the bench's job config does not load: ${errors[0]!.message}`);
  if (jobs.periodics.length !== periodicCount) throw new Error(`loaded ${jobs.periodics.length} periodics, not ${periodicCount}`);
  return jobs.periodics;
}

/** DynamoDB operations sent on one client since the last reset, by command name. */
class CallCounter {
  counts = new Map<string, number>();
  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchCountCalls' },
    );
  }
  take(): Map<string, number> {
    const out = this.counts;
    this.counts = new Map();
    return out;
  }
}

const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
const describeCounts = (counts: Map<string, number>): string =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ${n}`)
    .join(', ') || 'none';

interface Tick {
  ms: number;
  /** The floor for this tick's calls, measured right after it on the same table (so load drift hits both alike). */
  floorMs: number;
  calls: Map<string, number>;
  github: number;
  triggered: number;
}

interface Round {
  first: Tick;
  steady: Tick[];
  tenth: Tick;
}

/** One round on a fresh table: first tick, the runs finished, steady ticks, then the tenth-due tick. */
async function runRound(client: DynamoDBClient, counter: CallCounter, periodics: Periodic[], round: number): Promise<Round> {
  const names = periodics.map((p) => p.name);
  const table = `bench-horologium-${round}`;
  await client.send(new CreateTableCommand({ TableName: table, ...jobTableDefinition, BillingMode: 'PAY_PER_REQUEST' }));
  // A new table is CREATING for a moment, and dynalite (as DynamoDB) refuses a BatchGetItem on it until it is ACTIVE.
  while ((await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 10));
  const store = new DynamoJobStore(client, table);
  let clock = start;
  let githubCalls = 0;
  const counting = async () => {
    githubCalls++;
  };
  const github: CrierGitHub = {
    createStatus: counting,
    listComments: async () => {
      githubCalls++;
      return [];
    },
    createComment: counting as never,
    editComment: counting as never,
    deleteComment: counting,
  };
  let started = 0;
  const agent = (name: AgentName): JobAgent => ({
    name,
    // Only says it started: what is timed is Skiff's bookkeeping, not a build.
    start: async (job) => {
      started++;
      return { buildId: `bench-${job.id}` };
    },
    observe: async () => undefined,
    abort: async () => {},
  });
  const plank = createPlank({
    store,
    agents: agent,
    report: createCrier({ githubFor: () => github, store, botLogin: 'skiff-bot' }),
    config: () => ({ maxConcurrency: 0 }),
    now: () => clock,
  });

  const tick = async (at: number): Promise<Tick> => {
    clock = at;
    counter.take();
    githubCalls = 0;
    started = 0;
    const t = performance.now();
    const decisions = await horologiumTick({
      periodics,
      latestRuns: (names) => store.latestRuns(names),
      trigger: (requests) => plank.trigger(requests),
      now: new Date(at),
      tickMs,
    });
    const elapsed = performance.now() - t;
    const triggered = decisions.filter((d) => d.trigger).length;
    if (started !== triggered) throw new Error(`${triggered} periodics were due but ${started} were started`);
    const calls = counter.take();
    const floorMs = await floor(client, table, names, calls);
    counter.take();
    return { ms: elapsed, floorMs, calls, github: githubCalls, triggered };
  };

  const first = await tick(start);
  if (first.triggered !== periodicCount) throw new Error(`the first tick triggered ${first.triggered} of ${periodicCount}`);
  // Setup, not timed: every run finished half a minute in, as an agent's report would leave it.
  await finishAll(store, finishedAt);
  const steady: Tick[] = [];
  for (let i = 0; i < steadyPerRound; i++) {
    const s = await tick(steadyAt);
    if (s.triggered !== 0) throw new Error(`a steady tick triggered ${s.triggered}`);
    steady.push(s);
  }
  const tenth = await tick(tenthAt);
  const expected = periodicCount / shortEvery;
  if (tenth.triggered !== expected) throw new Error(`the tenth-due tick triggered ${tenth.triggered}, not ${expected}`);
  return { first, steady, tenth };
}

async function finishAll(store: DynamoJobStore, at: number): Promise<void> {
  const pending = await store.byState('pending');
  const completedAt = new Date(at).toISOString();
  for (const job of pending) {
    if (!(await store.update(job, { state: 'success', completedAt, description: 'Job succeeded.' }))) throw new Error(`could not finish ${job.id}`);
  }
}

/**
 * The floor: the tick's count of calls, as the cheapest calls of their kind straight to the
 * stand-in: each BatchGetItem as one of 100 `latest#` pointer keys (the smaller of the two kinds
 * the store reads), one after another as the store sends them; each Query as the newest-run
 * Query of a name with no pointer (by-name, Limit 1), 16 at once as the store sends them; every
 * other call as a GetItem, one after another as plank writes. Writes cost the stand-in more than
 * a GetItem, and records more than pointers, so this is a lower bound, not the same work.
 */
async function floor(client: DynamoDBClient, table: string, names: string[], calls: Map<string, number>): Promise<number> {
  const batches = calls.get('BatchGetItem') ?? 0;
  const queries = calls.get('Query') ?? 0;
  const others = total(calls) - queries - batches;
  const t = performance.now();
  for (let b = 0; b < batches; b++) {
    const keys = Array.from({ length: Math.min(100, names.length) }, (_, i) => ({ id: { S: latestKey(names[(b * 100 + i) % names.length]!) } }));
    await client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
  }
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < queries; i = next++) {
      await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: jobIndexes.byName,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': 'name' },
          ExpressionAttributeValues: { ':v': { S: names[i % names.length]! } },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, Math.max(1, queries)) }, worker));
  for (let i = 0; i < others; i++) await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: `counter#${names[i % names.length]!}` } }, ConsistentRead: true }));
  return performance.now() - t;
}

const median = (values: number[]): number => summarize(values).p50;
const medianCounts = (ticks: Tick[]): Map<string, number> => {
  const ops = new Set(ticks.flatMap((t) => [...t.calls.keys()]));
  return new Map([...ops].map((op) => [op, median(ticks.map((t) => t.calls.get(op) ?? 0))]));
};

export async function measureHorologium(): Promise<MetricReport> {
  const periodics = loadPeriodics();
  const standIns = await startStandIns();
  // A client of the bench's own, so the counts are only the tick's.
  const client = new DynamoDBClient({ endpoint: standIns.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const counter = new CallCounter(client);
  try {
    const results: Round[] = [];
    for (let r = 0; r < rounds; r++) results.push(await runRound(client, counter, periodics, r));

    const kinds = {
      first: results.map((r) => r.first),
      steady: results.flatMap((r) => r.steady),
      tenth: results.map((r) => r.tenth),
    };

    const rows: Row[] = [];
    const details: string[] = [];
    const labels = { first: `first tick (all ${periodicCount} due)`, steady: 'steady tick (none due)', tenth: `tick with ${periodicCount / shortEvery} due (10 %)` } as const;
    const summary = {} as Record<keyof typeof kinds, { ms: number; floor: number; calls: Map<string, number>; github: number }>;
    for (const kind of ['first', 'steady', 'tenth'] as const) {
      const ticks = kinds[kind];
      const s = { ms: median(ticks.map((t) => t.ms)), floor: median(ticks.map((t) => t.floorMs)), calls: medianCounts(ticks), github: Math.max(...ticks.map((t) => t.github)) };
      summary[kind] = s;
      rows.push({ metric: `Horologium ${labels[kind]}, ${periodicCount} periodics: time`, value: ms(s.ms, 0) });
      rows.push({ metric: `Horologium ${labels[kind]}: DynamoDB calls`, value: `${total(s.calls)} (${describeCounts(s.calls)})` });
      details.push(
        `${labels[kind]}: median ${ms(s.ms, 0)} of ${ticks.length} (${ticks.map((t) => t.ms.toFixed(0)).join(', ')} ms); ` +
          `floor of the same ${total(s.calls)} calls raw ${ms(s.floor, 0)} (${(s.ms / s.floor).toFixed(1)}×); ${(s.ms / total(s.calls)).toFixed(2)} ms per call`,
      );
    }
    for (const kind of ['first', 'tenth'] as const) {
      const s = summary[kind];
      const made = kinds[kind][0]!.triggered;
      const reads = (s.calls.get('Query') ?? 0) + (s.calls.get('BatchGetItem') ?? 0);
      details.push(
        `${labels[kind]}: ${((total(s.calls) - reads) / made).toFixed(1)} DynamoDB calls per run made and started besides the Queries and BatchGetItems ` +
          '(GetItem, BUILD_ID UpdateItem, latest# pointer UpdateItem, PutItem, UpdateItem to pending, UpdateItem with the build id' +
          (kind === 'first' ? '; at the first tick also the PutItem of a latest# item naming no run, once its Query found none' : '') +
          ')',
      );
    }
    const github = Math.max(summary.first.github, summary.steady.github, summary.tenth.github);
    rows.push({ metric: 'Horologium: GitHub calls per tick (periodics do not report)', value: String(github), target: '0', pass: github === 0 });

    const steadyQueries = summary.steady.calls.get('Query') ?? 0;
    const steadyBatches = summary.steady.calls.get('BatchGetItem') ?? 0;
    const expectedBatches = 2 * Math.ceil(periodicCount / 100);
    details.push(
      `steady tick: ${steadyBatches} BatchGetItem calls (expected 2 × ceil(${periodicCount} / 100) = ${expectedBatches}: the latest# pointers, then the records they name) ` +
        `and ${steadyQueries} Queries; the same ${total(summary.steady.calls)} calls raw take ${ms(summary.steady.floor, 0)}`,
    );
    const findings: string[] = [];
    if (github !== 0) findings.push(`A tick made ${github} GitHub calls; periodics should make none.`);
    if (steadyQueries > 0 || steadyBatches > expectedBatches) {
      findings.push(
        `The steady tick, with nothing to do, made ${steadyQueries} Queries and ${steadyBatches} BatchGetItem calls, not ${expectedBatches} BatchGetItem calls and no Query: ` +
          'some periodics were read by the by-name fallback although their runs were made with a latest# pointer.',
      );
    }
    return {
      title: 'Horologium tick cost',
      rows,
      how: [
        `${periodicCount} periodics from a YAML job config through the job config loader (shared/jobs/config/load.ts): by thirds \`interval\`, ` +
          `\`minimum_interval\` and \`cron\`; one in ${shortEvery} every 10 minutes, the rest daily. Each tick is \`horologiumTick\` ` +
          '(shared/jobs/horologium.ts) reading every newest run with one `DynamoJobStore.latestRuns` from the dynalite stand-in ' +
          '(BatchGetItem of the `latest#<name>` pointers, then of the records they name, 100 keys a call; a by-name Query, 16 at once, for a name ' +
          'with no pointer, which is every name at the first tick), and the real plank (shared/jobs/plank.ts) making and starting what is due, with the real crier reporting to a ' +
          'GitHub that counts calls, and an agent that only answers "started". The clock is the bench\'s: the first tick at midnight UTC ' +
          `(no runs yet: all due), then every run is marked finished (setup, not timed), then ${steadyPerRound} steady ticks a minute in ` +
          `(nothing due), then one at eleven minutes (the 10-minute jobs due). ${rounds} rounds, each on a fresh table; times are medians ` +
          '(of every steady tick), DynamoDB calls are counted by operation with a middleware on the SDK client and are the same each round. ' +
          'The floor is the same number of calls issued raw to the same stand-in right after each tick, on its table: each BatchGetItem as one of 100 ' +
          '`latest#` pointer keys, one after another; each Query as a by-name Query with Limit 1, 16 at once; every other call as a GetItem, one after ' +
          'another (plank writes in turn). A write is more work for the stand-in than a GetItem, so for the ' +
          'ticks that write the floor is lighter work than the tick (on a loaded machine the two can still come out close).',
      ],
      findings,
      details,
    };
  } finally {
    client.destroy();
    await standIns.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureHorologium();
  console.log(JSON.stringify(report, (_, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value), 2));
  process.exit(0);
}
