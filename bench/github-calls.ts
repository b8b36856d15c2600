// GitHub calls per `/hold`: every request the fake GitHub saw while K `/hold` comments on fresh
// pull requests went through the pipeline, split into per-command reads and writes
// and the calls made once per container (the config read at start, `GET /user` for the bot's login).
import type { RecordedCall } from '../test/fakes/github-server.js';
import { startBenchStack, benchSecret, holdLabel, type BenchStack } from './local-stack.js';
import type { MetricReport } from './metric.js';
import { pollUntil } from './waiting.js';
import { benchRepo, prCommentPayload } from './payloads.js';
import { ms, summarize } from './stats.js';
import { readTraces } from './traces.js';
import { mapPool } from './map-pool.js';
import { WebhookClient } from './webhook-client.js';

const commands = 20;
/** Calls a container makes once, not per event. */
const oneTimeRoutes = new Set(['getAuthenticated', 'getContent', 'getApp', 'getRepoInstallation', 'createInstallationAccessToken']);

const route = (call: RecordedCall) => call.text.split(' ')[0] ?? call.text;
const isWrite = (call: RecordedCall) => call.method !== 'GET' && call.method !== 'HEAD';
const tally = (calls: RecordedCall[]) => {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(`${call.method} ${route(call)}`, (counts.get(`${call.method} ${route(call)}`) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${name} ×${n}`).join(', ') || 'none';
};

const overheadCalls = 30;
const overheadWarmup = 5;

/** Times label writes and reads through the worker's GitHub client and through a bare fetch. */
async function clientOverhead(stack: BenchStack) {
  const [owner = '', repo = ''] = benchRepo.split('/');
  const github = await stack.skiff.dispatchDeps.github.forEvent({ owner, repo });
  const timed = async (count: number, call: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < overheadWarmup; i++) await call(i);
    const times: number[] = [];
    // The process's CPU time over the loop, per call: the fake GitHub and the idle stack's
    // poller are in it too, so it is an upper bound for the client's own CPU.
    const cpu = process.cpuUsage();
    for (let i = overheadWarmup; i < overheadWarmup + count; i++) {
      const start = performance.now();
      await call(i);
      times.push(performance.now() - start);
    }
    const used = process.cpuUsage(cpu);
    return { ...summarize(times), cpuMs: (used.user + used.system) / 1000 / count };
  };
  const labels = (number: number) => `${stack.github.url}/repos/${benchRepo}/issues/${number}/labels`;
  const headers = { authorization: 'token bench-token', accept: 'application/vnd.github+json', 'content-type': 'application/json' };
  const bare = async (url: string, init: RequestInit) => (await fetch(url, { ...init, headers })).text();
  return {
    skiffWrite: await timed(overheadCalls, (i) => github.addLabel({ owner, repo, number: 9000 + i }, holdLabel)),
    fetchWrite: await timed(overheadCalls, (i) => bare(labels(9100 + i), { method: 'POST', body: JSON.stringify({ labels: [holdLabel] }) })),
    skiffRead: await timed(overheadCalls, (i) => github.getIssueLabels({ owner, repo, number: 9000 + i })),
    fetchRead: await timed(overheadCalls, (i) => bare(labels(9100 + i), { method: 'GET' })),
  };
}

export async function measureGithubCalls(): Promise<MetricReport> {
  const stack = await startBenchStack();
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    const atStart = stack.github.calls.length;
    const phase = async (command: string) => {
      const from = stack.github.calls.length;
      const deliveries = Array.from({ length: commands }, (_, i) => ({
        event: 'issue_comment',
        delivery: `calls-${command.replace(/\W+/g, '-')}-${i}`,
        body: JSON.stringify(prCommentPayload(100 + i, command)),
      }));
      const results = await mapPool(deliveries, 4, (d) => client.post(d));
      const rejected = results.find((r) => r.status !== 200);
      if (rejected) throw new Error(`POST /hook answered ${rejected.status}: ${rejected.text}`);
      // The phase ends when every trace is final, so each command's calls are all in.
      const ids = deliveries.map((d) => d.delivery);
      let pending = ids.length;
      await pollUntil(async () => {
        const traces = await readTraces(stack, ids);
        pending = [...traces.values()].filter((t) => t?.status !== 'processed').length;
        return pending === 0;
      }, 20_000, 100);
      const calls = stack.github.calls.slice(from);
      const perCommand = calls.filter((c) => !oneTimeRoutes.has(route(c)));
      const writes = perCommand.filter(isWrite);
      const reads = perCommand.filter((c) => !isWrite(c));
      return { calls, oneTime: calls.filter((c) => oneTimeRoutes.has(route(c))), writes, reads, lost: pending };
    };
    const hold = await phase('/hold');
    const cancel = await phase('/hold cancel');
    const startup = stack.github.calls.slice(0, atStart);
    const holdLabels = stack.github.writes().filter((w) => w.startsWith('addLabel') && w.endsWith(holdLabel)).length;
    const overhead = await clientOverhead(stack);
    const writesPerHold = hold.writes.length / commands;
    const exact = hold.writes.length === commands && holdLabels === commands && hold.writes.every((c) => c.status === 200) && hold.lost === 0;
    return {
      title: 'GitHub calls per /hold',
      rows: [
        { metric: 'GitHub writes per /hold', value: `${writesPerHold.toFixed(2)} (${hold.writes.length} for ${commands})`, target: 'exactly 1', pass: exact },
        { metric: 'GitHub reads per /hold', value: `${(hold.reads.length / commands).toFixed(2)} (${hold.reads.length} for ${commands})` },
        { metric: 'GitHub calls per /hold cancel', value: `${(cancel.writes.length / commands).toFixed(2)} writes, ${(cancel.reads.length / commands).toFixed(2)} reads` },
        { metric: 'GitHub calls once per container', value: `${startup.length} at start, ${hold.oneTime.length + cancel.oneTime.length} on first events` },
        {
          metric: "GitHub call time via Skiff's Octokit vs bare fetch, p50 (loopback fake)",
          value: `write ${ms(overhead.skiffWrite.p50)} vs ${ms(overhead.fetchWrite.p50)}; read ${ms(overhead.skiffRead.p50)} vs ${ms(overhead.fetchRead.p50)}`,
        },
      ],
      how: [
        `A fresh stack; ${commands} \`/hold\` comments on ${commands} different pull requests of ${benchRepo}, posted 4 at a time and waited for until every trace is \`processed\`; then \`/hold cancel\` on the same ${commands}, likewise.`,
        'Every request the fake GitHub received in each phase is classified: non-GET methods are writes, GETs are reads; `GET /user` (the bot login, resolved once) and `GET /repos/…/contents` (the config, read at start and revalidated every minute) are one-time calls, reported separately.',
        `Then the client's own cost: ${overheadCalls} label writes (\`addLabel\`) and ${overheadCalls} label reads (\`getIssueLabels\`) one after another through the GitHub client the worker uses (\`connector.forEvent\`: Octokit with plugin-retry and plugin-throttling, writes unpaced), and as many bare \`fetch\` requests to the same fake endpoints, each after ${overheadWarmup} untimed calls.`,
      ],
      findings: [
        ...(hold.lost || cancel.lost ? [`${hold.lost + cancel.lost} commands did not reach a processed trace within 20 s.`] : []),
        ...(overhead.skiffWrite.p50 > 3 * overhead.fetchWrite.p50 && overhead.skiffWrite.p50 - overhead.fetchWrite.p50 > 5
          ? [
              `Each GitHub call through Skiff's Octokit takes far longer than the HTTP exchange itself: p50 ${ms(overhead.skiffWrite.p50)} per label write and ${ms(overhead.skiffRead.p50)} per read, against ${ms(overhead.fetchWrite.p50)} and ${ms(overhead.fetchRead.p50)} for a bare fetch to the same loopback fake. The difference is mostly waiting, not work: the whole process used ${ms(overhead.skiffWrite.cpuMs)} of CPU per Skiff write (${ms(overhead.fetchWrite.cpuMs)} per bare one); plugin-retry and plugin-throttling pass each request through Bottleneck limiters, whose in-memory datastore yields to the event loop with \`setTimeout(0)\` at each step. The worker awaits every call, so this is added to each event's processing time.`,
            ]
          : []),
        ...(!exact ? [`/hold did not cost exactly one write each: ${tally(hold.writes)}.`] : []),
      ],
      details: [
        `client time, ${overheadCalls} calls each (process CPU per call in brackets): Skiff write p50 ${ms(overhead.skiffWrite.p50)} / p90 ${ms(overhead.skiffWrite.p90)} (${ms(overhead.skiffWrite.cpuMs)}), bare fetch write p50 ${ms(overhead.fetchWrite.p50)} / p90 ${ms(overhead.fetchWrite.p90)} (${ms(overhead.fetchWrite.cpuMs)}); Skiff read p50 ${ms(overhead.skiffRead.p50)} / p90 ${ms(overhead.skiffRead.p90)} (${ms(overhead.skiffRead.cpuMs)}), bare fetch read p50 ${ms(overhead.fetchRead.p50)} / p90 ${ms(overhead.fetchRead.p90)} (${ms(overhead.fetchRead.cpuMs)})`,
        `/hold, per-command calls: ${tally([...hold.writes, ...hold.reads])}`,
        `/hold cancel, per-command calls: ${tally([...cancel.writes, ...cancel.reads])}`,
        `one-time calls at start: ${startup.map((c) => c.text).join('; ') || 'none'}`,
        `one-time calls during the events: ${[...hold.oneTime, ...cancel.oneTime].map((c) => c.text).join('; ') || 'none'}`,
      ],
    };
  } finally {
    client.close();
    await stack.close();
  }
}
