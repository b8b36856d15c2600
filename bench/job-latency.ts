// A presubmit's round trip through local mode (signed webhook → queue → trigger → plank → agent,
// and back: the agent's report → plank → crier → a commit status on the fake GitHub):
// - `/test unit` comment → the job's record is pending (started on its agent), in ms;
// - the job's run finished → its commit status says so, in ms;
// - the GitHub calls one `/test` and one `/retest` cost, and one finished run (its status and,
//   for a failure, crier's summary comment), from the fake's recorded calls.
// The job runs on the github-actions agent: a dispatch on the fake GitHub, and the run's
// `workflow_run` webhook (signed, through /hook, as GitHub sends it) is the report. Local mode's
// other agent, the local one, clones the pull request from its GitHub page's host (github.com
// for the fake), which a bench must not reach.
import { stringify } from 'yaml';
import { samplePayload } from '../shared/cli/sample-payloads.js';
import type { JobRecord } from '../shared/jobs/types.js';
import type { RecordedCall } from '../test/fakes/github-server.js';
import { benchSecret, startBenchStack, type BenchStack } from './local-stack.js';
import type { MetricReport, Row } from './metric.js';
import { benchRepo, prCommentPayload } from './payloads.js';
import { readTraces } from './traces.js';
import { ms, summarize } from './stats.js';
import { pollUntil } from './waiting.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

const [owner, repo] = benchRepo.split('/') as [string, string];
const job = 'unit';
const workflow = 'ci.yaml';
/** A collaborator: trigger trusts them. */
const commenter = 'alice';
const author = 'Codertocat';
/** Pull requests, each: /test (the run fails), /retest (the run succeeds). */
const pulls = 9;
/** Calls a container makes once, not per event (as in github-calls.ts). */
const oneTimeRoutes = new Set(['getAuthenticated', 'getContent', 'getApp', 'getRepoInstallation', 'createInstallationAccessToken']);
const pollMs = 2;

const config = stringify({
  plugins: { [benchRepo]: { plugins: ['trigger'] } },
  presubmits: { [benchRepo]: [{ name: job, agent: 'github-actions', github_actions: { workflow } }] },
});

const route = (call: RecordedCall) => call.text.split(' ')[0] ?? call.text;
const perEvent = (calls: RecordedCall[]) => calls.filter((c) => !oneTimeRoutes.has(route(c)));
const tally = (calls: RecordedCall[]): string => {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(route(c), (counts.get(route(c)) ?? 0) + 1);
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ') || 'none';
};

const headSha = (n: number) => `${String(n).padStart(2, '0')}`.repeat(20);
const baseSha = 'b0'.repeat(20);

function commentDelivery(id: string, number: number, body: string): Delivery {
  const payload = prCommentPayload(number, body);
  payload.comment.user = { ...payload.comment.user, login: commenter };
  payload.comment.author_association = 'COLLABORATOR';
  return { event: 'issue_comment', delivery: id, body: JSON.stringify(payload) };
}

/** GitHub's `workflow_run` `completed` webhook for a run, its `workflow_run` as the API answers it. */
async function workflowRunDelivery(stack: BenchStack, id: string, runId: number): Promise<Delivery> {
  const response = await fetch(`${stack.github.url}/repos/${benchRepo}/actions/workflows/${workflow}/runs?per_page=100`, { headers: { authorization: 'token bench' } });
  const runs = ((await response.json()) as { workflow_runs: { id: number }[] }).workflow_runs;
  const run = runs.find((r) => r.id === runId);
  if (!run) throw new Error(`the fake GitHub does not list workflow run ${runId}`);
  const payload = samplePayload('workflow_run', 'completed');
  payload.workflow_run = run;
  // The repository the comment payloads are about, so the event is queued in its group.
  payload.repository = prCommentPayload(1, '').repository;
  delete payload.organization;
  return { event: 'workflow_run', delivery: id, body: JSON.stringify(payload) };
}

interface Step {
  ms: number;
  calls: RecordedCall[];
}

async function post(client: WebhookClient, delivery: Delivery): Promise<void> {
  const answer = await client.post(delivery);
  if (answer.status !== 200) throw new Error(`POST /hook for ${delivery.delivery} answered ${answer.status}: ${answer.text.trim()}`);
}

/** Waits until the delivery's trace is processed (its GitHub calls are all made by then). */
async function processed(stack: BenchStack, delivery: string): Promise<void> {
  let status: string | undefined;
  const done = await pollUntil(async () => {
    status = (await readTraces(stack, [delivery])).get(delivery)?.status;
    return status === 'processed';
  }, 20_000, 10);
  if (!done) throw new Error(`${delivery} was not processed within 20 s (trace status ${status ?? 'none'})`);
}

/** Posts a delivery, times it until `reached` holds, then waits for its trace; returns the time and the calls it caused. */
async function timed(stack: BenchStack, client: WebhookClient, delivery: Delivery, what: string, reached: () => boolean | Promise<boolean>): Promise<Step> {
  const from = stack.github.calls.length;
  const t = performance.now();
  await post(client, delivery);
  if (!(await pollUntil(reached, 20_000, pollMs))) throw new Error(`${delivery.delivery}: ${what} did not happen within 20 s`);
  const elapsed = performance.now() - t;
  await processed(stack, delivery.delivery);
  return { ms: elapsed, calls: stack.github.calls.slice(from) };
}

interface PullResult {
  test: Step;
  retest: Step;
  failed: Step;
  passed: Step;
}

async function runPull(stack: BenchStack, client: WebhookClient, number: number): Promise<PullResult> {
  const { github, skiff } = stack;
  const sha = headSha(number);
  github.setPullRequest(benchRepo, number, { author, head: { sha }, base: { sha: baseSha } });
  const records = () => skiff.jobs.store.byPull(owner, repo, number);
  const pendingCount = async () => (await records()).filter((r) => r.state === 'pending' && r.buildId).length;
  const statusIs = (state: string) => () => github.statusesOf(benchRepo, sha).some((s) => s.context === job && s.state === state);
  const runOf = (record: JobRecord) => {
    const run = github.workflowRunsOf(benchRepo).find((r) => r.inputs.prow_job_id === record.id);
    if (!run) throw new Error(`no workflow run was dispatched for job ${record.id}`);
    return run.id;
  };
  const finishRun = async (id: string, conclusion: 'failure' | 'success', record: JobRecord) => {
    const runId = runOf(record);
    github.setWorkflowRun(benchRepo, runId, { status: 'completed', conclusion });
    return timed(stack, client, await workflowRunDelivery(stack, id, runId), `status ${conclusion}`, statusIs(conclusion));
  };

  const test = await timed(stack, client, commentDelivery(`test-${number}`, number, `/test ${job}`), 'a pending record', async () => (await pendingCount()) === 1);
  const first = (await records())[0]!;
  const failed = await finishRun(`failed-${number}`, 'failure', first);
  const retest = await timed(stack, client, commentDelivery(`retest-${number}`, number, '/retest'), 'a second pending record', async () => (await pendingCount()) === 1 && (await records()).length === 2);
  const second = (await records()).find((r) => r.id !== first.id)!;
  const passed = await finishRun(`passed-${number}`, 'success', second);
  return { test, retest, failed, passed };
}

export async function measureJobLatency(): Promise<MetricReport> {
  // No scheduled passes: a reconciler pass would ask GitHub about the pending runs inside a measured window.
  const stack = await startBenchStack({ config, jobTicks: { horologiumMs: 0, reconcileMs: 0, sinkerMs: 0 } });
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    stack.github.setRole(benchRepo, commenter, 'write');
    // An event no plugin acts on first, so the container's one-time reads (bot login, config) are behind it.
    stack.github.setPullRequest(benchRepo, 999, { author, base: { sha: baseSha } });
    await post(client, commentDelivery('warm-up', 999, 'Thanks, looking at this today.'));
    await processed(stack, 'warm-up');
    const results: PullResult[] = [];
    for (let n = 1; n <= pulls; n++) results.push(await runPull(stack, client, n));

    const started = summarize(results.flatMap((r) => [r.test.ms, r.retest.ms]));
    const finished = summarize(results.flatMap((r) => [r.failed.ms, r.passed.ms]));
    // The first pull request also fills the container's per-repository caches (the commenter's
    // role); from the second on every pull request costs the same (checked), and that is the count shown.
    const sample = results[1]!;
    const count = (step: Step) => perEvent(step.calls).length;
    const steps = [
      ['/test', (r: PullResult) => r.test],
      ['/retest', (r: PullResult) => r.retest],
      ['a failed run', (r: PullResult) => r.failed],
      ['a passed run', (r: PullResult) => r.passed],
    ] as const;
    const firstExtra: string[] = [];
    for (const [name, pick] of steps) {
      const later = results.slice(1);
      const counts = new Set(later.map((r) => count(pick(r))));
      if (counts.size !== 1) throw new Error(`${name} cost a different number of GitHub calls on different pull requests: ${later.map((r) => tally(perEvent(pick(r).calls))).join(' / ')}`);
      const first = pick(results[0]!);
      if (count(first) !== count(pick(sample))) firstExtra.push(`${name} on the first pull request: ${count(first)} calls (${tally(perEvent(first.calls))})`);
    }
    const oneTime = results.flatMap((r) => [r.test, r.retest, r.failed, r.passed]).flatMap((s) => s.calls.filter((c) => oneTimeRoutes.has(route(c))));

    const rows: Row[] = [
      { metric: `\`/test ${job}\` or \`/retest\` comment → job record pending, local mode (p50 / p90 of ${started.n})`, value: `${ms(started.p50)} / ${ms(started.p90)}` },
      { metric: `Job's run finished (\`workflow_run\` webhook) → commit status set (p50 / p90 of ${finished.n})`, value: `${ms(finished.p50)} / ${ms(finished.p90)}` },
      { metric: `GitHub calls per \`/test ${job}\` (one github-actions job)`, value: String(count(sample.test)) },
      { metric: 'GitHub calls per `/retest` (one failed job)', value: String(count(sample.retest)) },
      { metric: 'GitHub calls per finished run: failed / passed', value: `${count(sample.failed)} / ${count(sample.passed)}` },
    ];
    return {
      title: 'Job latency and GitHub calls per /test and /retest',
      rows,
      how: [
        `Local mode on its stand-ins against the fake GitHub over HTTP (bench/local-stack.ts), with trigger enabled and one presubmit \`${job}\` ` +
          `on the github-actions agent (workflow \`${workflow}\`). On each of ${pulls} pull requests: a signed \`/test ${job}\` comment by a collaborator, ` +
          'timed from the POST until the job\'s record (read through the store\'s by-pull index every ' +
          `${pollMs} ms) is pending with its run's id; the run's \`workflow_run\` \`completed\` webhook with conclusion failure (the run as the fake's ` +
          'API lists it, in @octokit/webhooks-examples\' payload), timed from the POST until the fake GitHub holds the failure status for the ' +
          `context (polled every ${pollMs} ms); then \`/retest\` the same way (a second record pending) and its run's success. GitHub calls are ` +
          "the fake's recorded requests from the POST until the delivery's trace is processed, less the container's one-time reads (the bot's " +
          'login, the config), which a warm-up comment made first; the counts are the second pull request\'s, and every later one cost the same (the first also fills per-container caches, shown below). The local agent (codebuild jobs in local ' +
          'mode) is not used: it clones from the pull request page\'s host, github.com for the fake GitHub.',
      ],
      findings: oneTime.length ? [`One-time reads happened during measured events: ${tally(oneTime)}.`] : [],
      details: [
        `comment → pending: ${started.n} samples, min ${ms(started.min)}, p50 ${ms(started.p50)}, p90 ${ms(started.p90)}, max ${ms(started.max)}`,
        `finished → status: ${finished.n} samples, min ${ms(finished.min)}, p50 ${ms(finished.p50)}, p90 ${ms(finished.p90)}, max ${ms(finished.max)}`,
        `/test ${job}: ${tally(perEvent(sample.test.calls))}`,
        `/retest: ${tally(perEvent(sample.retest.calls))}`,
        `failed run reported: ${tally(perEvent(sample.failed.calls))}`,
        `passed run reported: ${tally(perEvent(sample.passed.calls))}`,
        ...firstExtra,
        // Counted from Prow's source (kubernetes-sigs/prow pkg/plugins/trigger/generic-comment.go, trigger.go TrustedUser, config.go BaseSHA), for a collaborator who is not an org member.
        "Prow's trigger for the same /test, before its jobs' statuses: IsMember, IsCollaborator, GetIssueLabels, GetPullRequest, GetRef heads/<base> (BaseSHA), " +
          'ListIssueComments (PruneComments); /retest adds GetCombinedStatus (Skiff reads the records instead)',
      ],
    };
  } finally {
    client.close();
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureJobLatency(), null, 2));
  process.exit(0);
}
