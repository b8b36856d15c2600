// Review commands through the whole pipeline (signed webhook → local mode → Octokit → the fake
// GitHub over HTTP), each part on a fresh stack:
// 1. the GitHub calls one `/lgtm` by an assigned collaborator costs;
// 2. the calls one `/approve` costs on a 50-file pull request under 10 OWNERS files, with the
//    OWNERS cache cold (first load of the base commit) and warm (a second pull request on it);
// 3. 500 review commands with 10% duplicate deliveries and 5% 502s that outlast Octokit's retries:
//    one bot comment and one label per pull request, nothing lost, nothing dead-lettered.
// Parts 1 and 2 are set against what Prow's plugins make for the same command, counted from its
// source (kubernetes-sigs/prow pkg/plugins/lgtm/lgtm.go, pkg/plugins/approve/approve.go).
import { stringify } from 'yaml';
import type { Trace } from '../shared/storage/ports.js';
import { faults, type FileChange, type RecordedCall } from '../test/fakes/github-server.js';
import { benchSecret, startBenchStack, type BenchStack } from './local-stack.js';
import { mapPool } from './map-pool.js';
import type { MetricReport } from './metric.js';
import { benchRepo, prCommentPayload } from './payloads.js';
import { readTraces } from './traces.js';
import { pollUntil } from './waiting.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

const bot = 'skiff-bot';
/** A collaborator (write role) already assigned to the pull requests it gives LGTM to. */
const reviewer = 'alice';
/** Approver in the root OWNERS file: covers every file. */
const rootApprover = 'root-approver';
const author = 'Codertocat';
const baseSha = 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0';
const headSha = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
/** Calls a container makes once, not per event (as in github-calls.ts). */
const oneTimeRoutes = new Set(['getAuthenticated', 'getContent', 'getApp', 'getRepoInstallation', 'createInstallationAccessToken']);
// plugin-retry makes 3 retries after the first try: 4 failures fail the attempt (as in
// test/e2e/write-journal.test.ts), and the queue has to retry the record.
const failuresPastOctokit = 4;
const faultRunPullRequests = 500;
const faultRunTimeoutMs = 120_000;

const route = (call: RecordedCall) => call.text.split(' ')[0] ?? call.text;
const isWrite = (call: RecordedCall) => call.method !== 'GET' && call.method !== 'HEAD' && route(call) !== 'graphql';
const tally = (calls: RecordedCall[]) => calls.map((c) => route(c)).join(', ') || 'none';

// ---- Prow's side, counted from its source ------------------------------------------------------

/** Prow's lgtm `handle` for `/lgtm` by an assigned collaborator, store_tree_hash off, no sticky team. */
const prowLgtmCalls = [
  'IsCollaborator (handle)',
  'GetIssueLabels (handle)',
  'AddLabel (handle)',
  'ListIssueComments (commentpruner.PruneComments, which handle calls after AddLabel to delete a "new changes" notice)',
];

/** Prow's approve for `/approve` on a pull request with no notification yet, skip_collaborators off. */
const prowApproveCalls = [
  'GetPullRequest (handleGenericComment)',
  'GetRef heads/<base> (repoowners.LoadRepoOwners)',
  'ListCollaborators (repoowners.LoadRepoOwnersSha, paginated)',
  'GetPullRequestChanges (handle)',
  'GetIssueLabels (handle)',
  'ListIssueComments (handle)',
  'ListPullRequestComments (handle)',
  'ListReviews (handle)',
  'CreateComment (handle)',
  'AddLabel (handle)',
];

// ---- set-up ------------------------------------------------------------------------------------

function config(plugins: string[], sections: Record<string, unknown>): string {
  return stringify({ plugins: { [benchRepo]: { plugins } }, ...sections });
}

/** A comment by `login` on pull request `number`, with the issue's assignees as GitHub sends them. */
function commentDelivery(id: string, number: number, body: string, login: string, assignees: string[]): Delivery {
  const payload = prCommentPayload(number, body);
  payload.comment.user = { ...payload.comment.user, login };
  payload.comment.author_association = 'COLLABORATOR';
  const people = assignees.map((a) => ({ ...payload.issue.user, login: a }));
  payload.issue.assignees = people;
  payload.issue.assignee = people[0] ?? null;
  return { event: 'issue_comment', delivery: id, body: JSON.stringify(payload) };
}

/** 9 directories under their own OWNERS, plus the root: 10 OWNERS files. */
const ownedDirs = ['build', 'cmd', 'docs', 'hack', 'pkg/api', 'pkg/client', 'pkg/server', 'pkg/storage', 'test'];
/** 50 files: 5 at the root, 5 in each owned directory. */
const approveFiles: FileChange[] = ['', ...ownedDirs].flatMap((dir) =>
  Array.from({ length: 5 }, (_, i) => ({ filename: `${dir ? `${dir}/` : ''}file-${i}.go`, additions: 4, deletions: 1 })),
);

/** The base commit's tree: the OWNERS files and the changed files. */
function seedOwnersTree(stack: BenchStack): void {
  const gh = stack.github;
  gh.setFile(benchRepo, baseSha, 'OWNERS', `approvers:\n- ${rootApprover}\nreviewers:\n- root-reviewer\n`);
  // Everyone the OWNERS name is a collaborator: only collaborators count among them.
  for (const login of [rootApprover, 'root-reviewer']) gh.setRole(benchRepo, login, 'write');
  for (const dir of ownedDirs) {
    const who = dir.replace(/\W+/g, '-');
    gh.setFile(benchRepo, baseSha, `${dir}/OWNERS`, `approvers:\n- ${who}-approver\nreviewers:\n- ${who}-reviewer\n`);
    for (const login of [`${who}-approver`, `${who}-reviewer`]) gh.setRole(benchRepo, login, 'write');
  }
  for (const file of approveFiles) gh.setFile(benchRepo, baseSha, file.filename, `package main // ${file.filename}\n`);
}

function seedApprovePullRequest(stack: BenchStack, number: number): void {
  stack.github.setPullRequest(benchRepo, number, { author, base: { sha: baseSha }, head: { sha: headSha } });
  stack.github.setChanges(benchRepo, number, approveFiles);
  // approve reads the conversation from GitHub, where the comment the webhook tells of already is.
  stack.github.addComment(benchRepo, number, { user: rootApprover, body: '/approve' });
}

function seedLgtmPullRequest(stack: BenchStack, number: number): void {
  stack.github.setPullRequest(benchRepo, number, { author, head: { sha: headSha } });
  stack.github.setAssignees(benchRepo, number, [reviewer]);
}

// ---- delivering --------------------------------------------------------------------------------

async function postAll(client: WebhookClient, deliveries: Delivery[]): Promise<void> {
  for (const delivery of deliveries) {
    const answer = await client.post(delivery);
    if (answer.status !== 200) throw new Error(`POST /hook for ${delivery.delivery} answered ${answer.status}: ${answer.text.trim()}`);
  }
}

/** Posts one delivery and waits until its trace is processed; returns the trace and the GitHub calls it caused. */
export async function deliver(stack: BenchStack, client: WebhookClient, delivery: Delivery): Promise<{ trace: Trace; calls: RecordedCall[] }> {
  const from = stack.github.calls.length;
  await postAll(client, [delivery]);
  let trace: Trace | undefined;
  const done = await pollUntil(async () => {
    trace = (await readTraces(stack, [delivery.delivery])).get(delivery.delivery);
    return trace?.status === 'processed';
  }, 20_000, 20);
  if (!done || !trace) throw new Error(`${delivery.delivery} was not processed within 20 s; trace: ${JSON.stringify(trace)}`);
  return { trace, calls: stack.github.calls.slice(from) };
}

interface Cost {
  calls: RecordedCall[];
  writes: RecordedCall[];
  /** One-time calls (the bot's login, the config) that happened during the measured event: should be none after the warm-up. */
  oneTime: RecordedCall[];
  outcome: string;
}

function costOf(calls: RecordedCall[], trace: Trace, plugin: string): Cost {
  const perEvent = calls.filter((c) => !oneTimeRoutes.has(route(c)));
  const record = trace.plugins[plugin];
  return { calls: perEvent, writes: perEvent.filter(isWrite), oneTime: calls.filter((c) => oneTimeRoutes.has(route(c))), outcome: `${record?.status ?? 'no record'}: ${record?.reason ?? ''}` };
}

/** An event no plugin acts on, so the container resolves its bot login (and reads its config) before the measured one. */
async function warmUp(stack: BenchStack, client: WebhookClient): Promise<RecordedCall[]> {
  const { calls } = await deliver(stack, client, commentDelivery('warm-up', 999, 'Thanks, looking at this today.', 'someone-else', []));
  return calls;
}

// ---- 1 and 2: calls per command ----------------------------------------------------------------

async function measureLgtm() {
  const stack = await startBenchStack({ config: config(['lgtm'], { lgtm: [{ repos: [benchRepo] }] }) });
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    const startup = stack.github.calls.slice();
    const warm = await warmUp(stack, client);
    stack.github.setRole(benchRepo, reviewer, 'write');
    seedLgtmPullRequest(stack, 1);
    const { trace, calls } = await deliver(stack, client, commentDelivery('lgtm-1', 1, '/lgtm', reviewer, [reviewer]));
    const labelled = stack.github.labelsOf(benchRepo, 1).includes('lgtm');
    return { cost: costOf(calls, trace, 'lgtm'), startup, warm, labelled };
  } finally {
    client.close();
    await stack.close();
  }
}

async function measureApprove() {
  const stack = await startBenchStack({ config: config(['approve'], { approve: [{ repos: [benchRepo] }] }) });
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    const startup = stack.github.calls.slice();
    const warm = await warmUp(stack, client);
    seedOwnersTree(stack);
    const run = async (number: number) => {
      seedApprovePullRequest(stack, number);
      const { trace, calls } = await deliver(stack, client, commentDelivery(`approve-${number}`, number, '/approve', rootApprover, []));
      const approved = stack.github.labelsOf(benchRepo, number).includes('approved');
      return { ...costOf(calls, trace, 'approve'), approved };
    };
    // The same base commit: the second pull request finds its OWNERS in the cache.
    const cold = await run(1);
    const hot = await run(2);
    return { cold, warm: hot, startup, warmUpCalls: warm };
  } finally {
    client.close();
    await stack.close();
  }
}

// ---- 3: duplicates and failures ----------------------------------------------------------------

type Kind = 'lgtm' | 'approve';
type Duplicate = 'redelivery' | 'sqs' | undefined;

const kindOf = (i: number): Kind => (i % 2 === 0 ? 'lgtm' : 'approve');
/** 4 in every 40 (10%): two redeliveries, two SQS duplicates, one of each kind for each plugin. */
function duplicateOf(i: number): Duplicate {
  const slot = i % 40;
  return slot === 0 || slot === 1 ? 'redelivery' : slot === 20 || slot === 21 ? 'sqs' : undefined;
}
/**
 * 2 in every 40 (5%), for both plugins; blocks of 40 alternate between the fault falling on a
 * pull request with no duplicate and on one that also gets an SQS duplicate (which then waits in
 * its FIFO group behind the failed record).
 */
function faultedAt(i: number): boolean {
  const slot = i % 40;
  return Math.floor(i / 40) % 2 === 0 ? slot === 10 || slot === 21 : slot === 11 || slot === 20;
}

const lgtmNotice = 'LGTM label has been added.';
const approveNotice = '[APPROVALNOTIFIER]';
const numberOf = (i: number) => 1 + i;

async function measureUnderFaults() {
  const stack = await startBenchStack({
    config: config(['approve', 'lgtm'], { lgtm: [{ repos: [benchRepo], store_tree_hash: true }], approve: [{ repos: [benchRepo] }] }),
    // A record whose attempt failed is visible again after 2 s, so the retries fit in the run.
    visibilityTimeoutSeconds: 2,
  });
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    const gh = stack.github;
    await warmUp(stack, client);
    seedOwnersTree(stack);
    gh.setRole(benchRepo, reviewer, 'write');
    gh.setFile(benchRepo, headSha, 'README.md', 'Hello World\n');

    const items = Array.from({ length: faultRunPullRequests }, (_, i) => {
      const number = numberOf(i);
      const kind = kindOf(i);
      if (kind === 'lgtm') seedLgtmPullRequest(stack, number);
      else seedApprovePullRequest(stack, number);
      // The write after each plugin's comment is its label: fail it past Octokit's retries.
      if (faultedAt(i)) gh.failNext({ method: 'POST', path: new RegExp(`/issues/${number}/labels$`) }, faults.serverError(502), failuresPastOctokit);
      const delivery =
        kind === 'lgtm' ? commentDelivery(`faults-${number}`, number, '/lgtm', reviewer, [reviewer]) : commentDelivery(`faults-${number}`, number, '/approve', rootApprover, []);
      return { i, number, kind, delivery, duplicate: duplicateOf(i), faulted: faultedAt(i) };
    });

    const start = performance.now();
    const failedPosts: string[] = [];
    let redelivered = 0;
    let sqsInjected = 0;
    // A duplicate follows its original at once, so it can meet the original still queued or in flight.
    await mapPool(items, 8, async (item) => {
      const first = await client.post(item.delivery);
      if (first.status !== 200) failedPosts.push(`${item.delivery.delivery}: ${first.status} ${first.text.trim()}`);
      if (item.duplicate === 'redelivery') {
        const again = await client.post(item.delivery);
        if (again.status === 200) redelivered++;
        else failedPosts.push(`${item.delivery.delivery} (redelivery): ${again.status} ${again.text.trim()}`);
      } else if (item.duplicate === 'sqs') {
        await stack.injectSqsDuplicate(item.delivery);
        sqsInjected++;
      }
    });
    const postedAt = performance.now();

    // Settled when every pull request has its label, every trace is processed (an SQS duplicate's
    // with the extra attempt, a faulted one's with its retry) and the queue is empty.
    const ids = items.map((it) => it.delivery.delivery);
    const expectedAttempts = (it: (typeof items)[number]) => 1 + (it.faulted ? 1 : 0) + (it.duplicate === 'sqs' ? 1 : 0);
    const remaining = () => Math.max(0, faultRunTimeoutMs - (performance.now() - start));
    const labelled = await pollUntil(() => items.every((it) => gh.labelsOf(benchRepo, it.number).length > 0), remaining(), 100);
    const traced = await pollUntil(async () => {
      const traces = await readTraces(stack, ids);
      return items.every((it) => {
        const t = traces.get(it.delivery.delivery);
        return t?.status === 'processed' && t.attempts >= expectedAttempts(it);
      });
    }, remaining(), 250);
    const drained = await pollUntil(async () => {
      const depth = await stack.queueDepth();
      return depth.visible === 0 && depth.inFlight === 0;
    }, remaining(), 100);
    const settledAt = performance.now();
    // Anything still to come (a late duplicate, a retry) would show up within the visibility timeout.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const traces = await readTraces(stack, ids);
    const writes = gh.writes();
    const writesOn = new Map<number, string[]>();
    for (const write of writes) {
      const match = /^\w+ [^#\s]+#(\d+) /.exec(write);
      if (match) writesOn.set(Number(match[1]), [...(writesOn.get(Number(match[1])) ?? []), write]);
    }
    const labelPosts = new Map<number, number>();
    for (const call of gh.calls) {
      const match = /\/issues\/(\d+)\/labels$/.exec(call.path);
      if (call.method === 'POST' && match) labelPosts.set(Number(match[1]), (labelPosts.get(Number(match[1])) ?? 0) + 1);
    }

    let lost = 0;
    let duplicatedComments = 0;
    let duplicatedLabels = 0;
    let retried = 0;
    let retriedUnfaulted = 0;
    let unprocessed = 0;
    const problems: string[] = [];
    for (const it of items) {
      const label = it.kind === 'lgtm' ? 'lgtm' : 'approved';
      const notice = it.kind === 'lgtm' ? lgtmNotice : approveNotice;
      const botComments = gh.commentsOf(benchRepo, it.number).filter((c) => c.user === bot);
      const ofKind = botComments.filter((c) => c.body.startsWith(notice));
      const created = (writesOn.get(it.number) ?? []).filter((w) => w.startsWith('createComment '));
      const labelWrites = (writesOn.get(it.number) ?? []).filter((w) => w === `addLabel ${benchRepo}#${it.number} ${label}`);
      // A label POST beyond the 4 injected failures and the one that succeeds is a repeated write.
      const extraPosts = Math.max(0, (labelPosts.get(it.number) ?? 0) - 1 - (it.faulted ? failuresPastOctokit : 0));
      const hasLabel = gh.labelsOf(benchRepo, it.number).includes(label);
      if (ofKind.length === 0 || !hasLabel) {
        lost++;
        problems.push(`#${it.number} (${it.kind}): ${ofKind.length} ${notice} comments, label ${hasLabel ? 'on' : 'missing'}`);
      }
      duplicatedComments += Math.max(0, ofKind.length - 1) + Math.max(0, created.length - 1) + (botComments.length - ofKind.length);
      duplicatedLabels += Math.max(0, labelWrites.length - 1) + extraPosts;
      if (created.length > 1 || botComments.length !== ofKind.length) problems.push(`#${it.number} (${it.kind}): ${created.length} comments created, bot comments: ${botComments.map((c) => c.body.split('\n')[0]).join(' | ')}`);
      const trace = traces.get(it.delivery.delivery);
      if (trace?.status !== 'processed') unprocessed++;
      // A plugin that ran on a second attempt means the queue handed the record back after a failure.
      const reran = Object.values(trace?.plugins ?? {}).some((r) => (r.attempt ?? 1) >= 2);
      if (reran) retried++;
      if (reran && !it.faulted) retriedUnfaulted++;
    }
    const faulted = items.filter((it) => it.faulted).length;
    const dead = await stack.deadLetterDepth();
    const attempts = new Map<number, number>();
    for (const trace of traces.values()) attempts.set(trace?.attempts ?? 0, (attempts.get(trace?.attempts ?? 0) ?? 0) + 1);
    const injected502s = gh.calls.filter((c) => c.status === 502).length;
    // A redelivery that got past the FIFO queue's deduplication would show as an attempt more than expected.
    const redeliveriesToWorker = items.filter((it) => it.duplicate === 'redelivery' && (traces.get(it.delivery.delivery)?.attempts ?? 0) > expectedAttempts(it)).length;
    return {
      items: items.length,
      lgtm: items.filter((it) => it.kind === 'lgtm').length,
      faulted,
      faultedWithDuplicate: items.filter((it) => it.faulted && it.duplicate).length,
      redeliveries: { planned: items.filter((it) => it.duplicate === 'redelivery').length, acked: redelivered, toWorker: redeliveriesToWorker },
      sqsInjected,
      lost,
      unprocessed,
      duplicatedComments,
      duplicatedLabels,
      retried,
      retriedUnfaulted,
      dead,
      injected502s,
      settled: labelled && traced && drained,
      settledState: { labelled, traced, drained },
      failedPosts,
      problems,
      attempts: [...attempts].sort(([a], [b]) => a - b).map(([a, n]) => `${a}×${n}`).join(', '),
      postingSeconds: (postedAt - start) / 1000,
      settledSeconds: (settledAt - start) / 1000,
      githubCalls: gh.calls.length,
    };
  } finally {
    client.close();
    await stack.close();
  }
}

// ---- the report --------------------------------------------------------------------------------

const ratio = (a: number, b: number) => (a / b).toFixed(2);

export async function measureReviewCommands(): Promise<MetricReport> {
  const lgtm = await measureLgtm();
  const approve = await measureApprove();
  const run = await measureUnderFaults();

  const prowLgtm = prowLgtmCalls.length;
  const prowApprove = prowApproveCalls.length;
  const lgtmPass = lgtm.cost.calls.length <= 3 && lgtm.cost.writes.length <= 1 && lgtm.labelled;
  const coldPass = approve.cold.calls.length <= 12 && approve.cold.approved;
  const warmPass = approve.warm.calls.length <= 6 && approve.warm.approved;
  const exact = run.lost === 0 && run.unprocessed === 0 && run.dead === 0 && run.settled;
  const noDuplicates = run.duplicatedComments === 0 && run.duplicatedLabels === 0;
  const oneTimeLeaks = [...lgtm.cost.oneTime, ...approve.cold.oneTime, ...approve.warm.oneTime];

  return {
    title: 'Review commands: GitHub calls and exactly-once',
    rows: [
      { metric: '/lgtm by an assigned collaborator: GitHub calls', value: `${lgtm.cost.calls.length} (${lgtm.cost.writes.length} write)`, target: '≤ 3 calls, ≤ 1 write', pass: lgtmPass },
      { metric: '/lgtm: calls, Skiff / Prow', value: `${lgtm.cost.calls.length} / ${prowLgtm} = ${ratio(lgtm.cost.calls.length, prowLgtm)}` },
      { metric: '/approve, 50 files under 10 OWNERS, OWNERS cold: GitHub calls', value: `${approve.cold.calls.length} (${approve.cold.writes.length} writes)`, target: '≤ 12', pass: coldPass },
      { metric: '/approve, same base commit, OWNERS warm: GitHub calls', value: `${approve.warm.calls.length} (${approve.warm.writes.length} writes)`, target: '≤ 6', pass: warmPass },
      {
        metric: '/approve: calls, Skiff / Prow',
        value: `cold ${approve.cold.calls.length} / ${prowApprove} = ${ratio(approve.cold.calls.length, prowApprove)}, and Prow also clones or fetches the repository; warm ${approve.warm.calls.length} / ${prowApprove} = ${ratio(approve.warm.calls.length, prowApprove)}`,
      },
      { metric: `Review commands under faults: pull requests lost (of ${run.items})`, value: String(run.lost), target: '0, DLQ empty', pass: exact },
      { metric: 'Review commands under faults: duplicate bot comments / label writes', value: `${run.duplicatedComments} / ${run.duplicatedLabels}`, target: '0 / 0', pass: noDuplicates },
      { metric: 'Review commands under faults: records retried by the queue', value: `${run.retried} (${run.faulted} with 502s past Octokit)`, target: `${run.faulted}`, pass: run.retried === run.faulted && run.retriedUnfaulted === 0 },
    ],
    how: [
      `Each part on a fresh stack (the fake GitHub over HTTP, local mode, the real Octokit), with a plugins.yaml enabling only the plugins measured for ${benchRepo}. Before the measured event, one comment no plugin acts on warms the container (the bot's login, \`GET /user\`, is resolved then; the config is read at start; the token is static, so there are no installation tokens); those one-time calls are reported apart. Counted: every request the fake GitHub received between posting the measured delivery and its trace becoming \`processed\`; writes are non-GET REST calls (the GraphQL blob query is a read).`,
      `/lgtm: \`lgtm: [{repos: [${benchRepo}]}]\` (no store_tree_hash, no sticky team); ${reviewer}, with the write role, comments \`/lgtm\` on pull request #1, whose payload lists ${reviewer} among the issue's \`assignees\`, as GitHub's does. Prow's count, from pkg/plugins/lgtm/lgtm.go \`handle\`: ${prowLgtmCalls.join('; ')}; plus \`GET /user\` once per process (\`BotUserChecker\`, cached in the client).`,
      `/approve: \`approve: [{repos: [${benchRepo}]}]\`; pull request #1 changes 50 files (5 at the root, 5 in each of ${ownedDirs.length} directories with their own OWNERS: 10 OWNERS files), base commit ${baseSha.slice(0, 7)}; ${rootApprover}, the root approver, comments \`/approve\` (seeded into the conversation first, as approve reads it from GitHub). Cold: the first load of that base commit's OWNERS (DynamoDB cache and in-process memo empty) and of the repository's collaborators (everyone the OWNERS name has a role; only collaborators count, as in Prow). Warm: pull request #2, same files, same base commit, in the same container, the collaborator list from the table (kept ten minutes). Prow's count, from pkg/plugins/approve/approve.go (\`handleGenericComment\`, \`handle\`) and pkg/repoowners/repoowners.go (\`LoadRepoOwners\`, \`LoadRepoOwnersSha\`, \`cacheEntryFor\`): ${prowApproveCalls.join('; ')}; plus one DeleteComment per earlier notification (none here; one on a pull request whose \`opened\` event posted one), \`GET /user\` once per process, and \`WasLabelAddedByHuman\` (issue events) when the label is already there. Prow reads OWNERS from a git checkout, not the API: a cold load is \`git.ClientFor\` (a clone, or a fetch into its cached clone) and a checkout of the base branch; warm at the same branch SHA it is no git at all; ListCollaborators has one page per 100 collaborators.`,
      `Under faults: ${run.items} pull requests, alternately \`/lgtm\` by assigned ${reviewer} with \`store_tree_hash: true\` (posts one "${lgtmNotice}" comment, adds \`lgtm\`) and \`/approve\` by ${rootApprover} on the 50-file pull request (posts one ${approveNotice} notification, adds \`approved\`), posted by 8 connections. 10% get a duplicate right after their ack: half GitHub redeliveries (the same delivery id posted again), half SQS duplicates (the queued event sent straight to the FIFO queue under another deduplication id, as exactly-once.ts does). 5% have their label POST (the write after the comment, for both plugins) answered 502 ${failuresPastOctokit} times, past Octokit's retries, so the attempt fails and the queue retries the record after the 2 s visibility timeout; half of these also get an SQS duplicate, which waits in its FIFO group behind the failed record. Waited for (bounded, ${faultRunTimeoutMs / 1000} s): every label, every trace processed with its expected attempts, the queue empty; then 2.5 s for stragglers. Per pull request: exactly one bot comment, of its kind, one comment created, its label, one successful label write and no label POST beyond the injected failures; the dead-letter queue empty; retried = traces where a plugin ran on attempt 2 or later.`,
    ],
    findings: [
      ...(!lgtmPass ? [`/lgtm cost ${lgtm.cost.calls.length} calls (${tally(lgtm.cost.calls)}), ${lgtm.labelled ? 'label added' : 'label NOT added'}.`] : []),
      ...(!coldPass || !warmPass ? [`/approve cost ${approve.cold.calls.length} cold (${tally(approve.cold.calls)}) and ${approve.warm.calls.length} warm (${tally(approve.warm.calls)}); approved ${approve.cold.approved}/${approve.warm.approved}.`] : []),
      ...(oneTimeLeaks.length ? [`One-time calls happened during a measured event despite the warm-up: ${oneTimeLeaks.map((c) => c.text).join('; ')}.`] : []),
      ...(run.lost ? [`${run.lost} of ${run.items} pull requests lack their comment or label: ${run.problems.slice(0, 3).join(' | ')}`] : []),
      ...(run.duplicatedComments || run.duplicatedLabels ? [`${run.duplicatedComments} duplicated bot comments and ${run.duplicatedLabels} repeated label writes: ${run.problems.slice(0, 3).join(' | ')}`] : []),
      ...(run.unprocessed ? [`${run.unprocessed} traces are not \`processed\`.`] : []),
      ...(run.dead ? [`${run.dead} messages in the dead-letter queue.`] : []),
      ...(run.retriedUnfaulted ? [`${run.retriedUnfaulted} records without an injected fault ran a plugin again on a later attempt.`] : []),
      ...(!run.settled ? [`Not settled within ${faultRunTimeoutMs / 1000} s: ${JSON.stringify(run.settledState)}.`] : []),
      ...(run.failedPosts.length ? [`${run.failedPosts.length} webhook POSTs were not answered 200, e.g. ${run.failedPosts.slice(0, 3).join(' | ')}`] : []),
    ],
    details: [
      `/lgtm: ${tally(lgtm.cost.calls)} → ${lgtm.cost.outcome}`,
      `/approve cold: ${tally(approve.cold.calls)} → ${approve.cold.outcome}`,
      `/approve warm: ${tally(approve.warm.calls)} → ${approve.warm.outcome}`,
      `one-time calls: at start ${tally(lgtm.startup)} (lgtm stack), ${tally(approve.startup)} (approve stack); during the warm-up event ${tally(lgtm.warm)} / ${tally(approve.warmUpCalls)}`,
      `under faults: ${run.items} pull requests (${run.lgtm} /lgtm, ${run.items - run.lgtm} /approve); ${run.redeliveries.acked}/${run.redeliveries.planned} redeliveries answered 200 (${run.redeliveries.toWorker} reached a worker: the FIFO queue drops a delivery id it has seen within 5 minutes), ${run.sqsInjected} SQS duplicates sent (each reached a worker, its trace's extra attempt); ${run.faulted} label writes failed past Octokit (${run.faultedWithDuplicate} of them also SQS-duplicated), ${run.injected502s} injected 502s answered; trace attempts ${run.attempts}; dead-letter queue ${run.dead}; ${run.githubCalls} GitHub calls in all; posting took ${run.postingSeconds.toFixed(1)} s, settled after ${run.settledSeconds.toFixed(1)} s`,
    ],
  };
}
