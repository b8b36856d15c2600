// Triage commands through the whole pipeline (signed webhook → local mode → Octokit → the fake
// GitHub over HTTP): the GitHub calls one `/kind bug` (label) costs on an issue whose repository
// has the label, and a second on another issue in the same container (what, if anything, is
// reused across deliveries); and what `/close` and `/reopen` by the issue's author and
// `/lifecycle stale` (lifecycle) cost. Each call is sorted into reads and writes, and the reads of
// data the webhook's payload already carries (the issue's labels, author, state) are named. The
// issue's labels are the payload's and each label write answers them; the repository's labels are
// kept by the container for two minutes, so the second issue's `/kind bug` is its one write.
// Set against what Prow's plugins make for the same command, counted from its source
// (kubernetes-sigs/prow pkg/plugins/label/label.go, pkg/plugins/lifecycle/{close,reopen,lifecycle}.go).
import { stringify } from 'yaml';
import { samplePayload } from '../shared/cli/sample-payloads.js';
import type { Trace } from '../shared/storage/ports.js';
import type { RecordedCall } from '../test/fakes/github-server.js';
import { benchSecret, startBenchStack, type BenchStack } from './local-stack.js';
import type { MetricReport } from './metric.js';
import { benchRepo } from './payloads.js';
import { deliver } from './review-commands.js';
import { WebhookClient, type Delivery } from './webhook-client.js';

/**
 * The issues' author. Not `Codertocat`, the repository's owner: Prow's IsCollaborator answers
 * true without a request when the login is the org (pkg/github/client.go), which would hide the
 * call it makes for every other author.
 */
const reporter = 'reporter';
/** Anyone may use `/kind` and `/lifecycle`: a user with no role in the repository. */
const passerBy = 'passer-by';
const repoLabels = ['kind/bug', 'kind/cleanup', 'kind/feature', 'needs-kind', 'area/api', 'area/infra', 'lifecycle/active', 'lifecycle/frozen', 'lifecycle/stale', 'lifecycle/rotten'];
/** A label each measured issue already has, so the payload's `issue.labels` is not empty. */
const existingLabel = 'area/api';
/** Calls a container makes once, not per event (as in github-calls.ts and review-commands.ts). */
const oneTimeRoutes = new Set(['getAuthenticated', 'getContent', 'getApp', 'getRepoInstallation', 'createInstallationAccessToken']);

const route = (call: RecordedCall) => call.text.split(' ')[0] ?? call.text;
const isWrite = (call: RecordedCall) => call.method !== 'GET' && call.method !== 'HEAD' && route(call) !== 'graphql';
const tally = (calls: readonly RecordedCall[]) => calls.map((c) => `${c.method} ${route(c)}`).join(', ') || 'none';

/**
 * Reads whose answer an issue_comment payload already holds, by the fake's route name: the
 * issue's labels (`issue.labels`) and the issue itself (`issue.user`, `issue.state`,
 * `issue.labels`). A collaborator check is not among them: the comment's `author_association`
 * says how the commenter is related to the repository, not whether they have push access.
 */
const payloadCarries: Record<string, string> = { listLabels: 'issue.labels', getIssue: 'issue (user, state, labels)' };

// ---- Prow's side, counted from its source ------------------------------------------------------

interface ProwCall {
  call: string;
  /** The function that makes it. */
  where: string;
  write: boolean;
  /** The payload field that already holds what the read fetches. */
  carried?: string;
}

/** label.go `handleComment` for `/kind bug`, not yet on the issue, the repository having it, no restricted label. */
const prowKindBug: ProwCall[] = [
  { call: 'GetRepoLabels', where: 'label.go handleComment', write: false },
  { call: 'GetIssueLabels', where: 'label.go handleComment', write: false, carried: 'issue.labels' },
  { call: 'AddLabel', where: 'label.go handleComment', write: true },
];

/** close.go `handleClose` for `/close` by the issue's author (not the org) on an open issue; `handleReopen` and `handle` make none. */
const prowClose: ProwCall[] = [
  { call: 'IsCollaborator', where: 'close.go handleClose, asked even of the author', write: false },
  { call: 'GetIssueLabels', where: 'close.go isActive, asked even of the author', write: false, carried: 'issue.labels' },
  { call: 'CloseIssue (PATCH state closed, state_reason completed)', where: 'close.go handleClose', write: true },
  { call: 'CreateComment', where: 'close.go handleClose', write: true },
];

/** reopen.go `handleReopen` for `/reopen` by the issue's author on a closed issue. */
const prowReopen: ProwCall[] = [
  { call: 'IsCollaborator', where: 'reopen.go handleReopen, asked even of the author', write: false },
  { call: 'ReopenIssue (PATCH state open)', where: 'reopen.go handleReopen', write: true },
  { call: 'CreateComment', where: 'reopen.go handleReopen', write: true },
];

/** lifecycle.go `handleOne` for `/lifecycle stale` on an issue with no lifecycle label. */
const prowLifecycleStale: ProwCall[] = [
  { call: 'GetIssueLabels', where: 'lifecycle.go handleOne', write: false, carried: 'issue.labels' },
  { call: 'AddLabel', where: 'lifecycle.go handleOne', write: true },
];

const prowText = (calls: readonly ProwCall[]) => calls.map((c) => `${c.call} (${c.where}${c.carried ? `; the payload carries ${c.carried}` : ''})`).join('; ');

// ---- set-up and delivering ---------------------------------------------------------------------

function config(plugin: string): string {
  return stringify({ plugins: { [benchRepo]: { plugins: [plugin] } } });
}

interface CommentOn {
  number: number;
  body: string;
  /** Who comments. */
  login: string;
  state: 'open' | 'closed';
  labels: readonly string[];
}

/**
 * A real issue_comment `created` payload (@octokit/webhooks-examples) on issue `number` by
 * `reporter`, with the issue's state and labels as GitHub would send them.
 */
function commentDelivery(id: string, on: CommentOn): Delivery {
  const payload = samplePayload('issue_comment', 'created');
  const template = payload.issue.labels[0];
  payload.issue.number = on.number;
  payload.issue.url = String(payload.issue.url).replace(/\/issues\/\d+$/, `/issues/${on.number}`);
  payload.issue.html_url = String(payload.issue.html_url).replace(/\/issues\/\d+$/, `/issues/${on.number}`);
  payload.issue.user = { ...payload.issue.user, login: reporter };
  payload.issue.author_association = 'NONE';
  payload.issue.state = on.state;
  payload.issue.labels = on.labels.map((name, i) => ({ ...template, id: 1000 + i, name, default: false, url: `https://api.github.com/repos/${benchRepo}/labels/${encodeURIComponent(name)}` }));
  payload.comment.body = on.body;
  payload.comment.user = { ...payload.comment.user, login: on.login };
  payload.comment.author_association = 'NONE';
  return { event: 'issue_comment', delivery: id, body: JSON.stringify(payload) };
}

interface Cost {
  calls: RecordedCall[];
  reads: RecordedCall[];
  writes: RecordedCall[];
  /** Reads of what the payload already holds, with the field that holds it. */
  payloadReads: { call: RecordedCall; carried: string }[];
  /** One-time calls during the measured event: should be none after the warm-up. */
  oneTime: RecordedCall[];
  outcome: string;
  /** The command did what it asks (label added, issue closed…), checked on the fake's state. */
  done: boolean;
}

function costOf(calls: RecordedCall[], trace: Trace, plugin: string, done: boolean): Cost {
  const perEvent = calls.filter((c) => !oneTimeRoutes.has(route(c)));
  const reads = perEvent.filter((c) => !isWrite(c));
  const record = trace.plugins[plugin];
  return {
    calls: perEvent,
    reads,
    writes: perEvent.filter(isWrite),
    payloadReads: reads.flatMap((call) => (payloadCarries[route(call)] ? [{ call, carried: payloadCarries[route(call)]! }] : [])),
    oneTime: calls.filter((c) => oneTimeRoutes.has(route(c))),
    outcome: `${record?.status ?? 'no record'}: ${record?.reason ?? ''}`,
    done,
  };
}

/** A comment no plugin acts on, so the container resolves the bot's login (and has read its config) before the measured events. */
async function warmUp(stack: BenchStack, client: WebhookClient): Promise<RecordedCall[]> {
  const on: CommentOn = { number: 999, body: 'Thanks, looking at this today.', login: passerBy, state: 'open', labels: [] };
  return (await deliver(stack, client, commentDelivery('triage-warm-up', on))).calls;
}

async function onStack<T>(plugin: string, run: (stack: BenchStack, client: WebhookClient) => Promise<T>): Promise<T & { startup: RecordedCall[]; warm: RecordedCall[] }> {
  const stack = await startBenchStack({ config: config(plugin) });
  const client = new WebhookClient(stack.skiff.url, benchSecret);
  try {
    const startup = stack.github.calls.slice();
    stack.github.setRepoLabels(benchRepo, repoLabels);
    const warm = await warmUp(stack, client);
    return { ...(await run(stack, client)), startup, warm };
  } finally {
    client.close();
    await stack.close();
  }
}

// ---- the measured commands ---------------------------------------------------------------------

function measureLabel() {
  return onStack('label', async (stack, client) => {
    const gh = stack.github;
    const kindBug = async (number: number) => {
      gh.setIssue(benchRepo, number, { author: reporter, state: 'open' });
      gh.setLabels(benchRepo, number, [existingLabel]);
      const on: CommentOn = { number, body: '/kind bug', login: passerBy, state: 'open', labels: [existingLabel] };
      const { trace, calls } = await deliver(stack, client, commentDelivery(`kind-bug-${number}`, on));
      return costOf(calls, trace, 'label', gh.labelsOf(benchRepo, number).includes('kind/bug'));
    };
    // Two issues, one after the other in one container: the second shows what outlives a delivery.
    const first = await kindBug(1);
    const second = await kindBug(2);
    return { first, second };
  });
}

function measureLifecycle() {
  return onStack('lifecycle', async (stack, client) => {
    const gh = stack.github;
    gh.setIssue(benchRepo, 1, { author: reporter, state: 'open' });
    gh.setLabels(benchRepo, 1, [existingLabel]);
    const closed = await deliver(stack, client, commentDelivery('close-1', { number: 1, body: '/close', login: reporter, state: 'open', labels: [existingLabel] }));
    const close = costOf(closed.calls, closed.trace, 'lifecycle', gh.issueOf(benchRepo, 1).state === 'closed');
    // GitHub's payload for a comment on the issue now says it is closed.
    const reopened = await deliver(stack, client, commentDelivery('reopen-1', { number: 1, body: '/reopen', login: reporter, state: 'closed', labels: [existingLabel] }));
    const reopen = costOf(reopened.calls, reopened.trace, 'lifecycle', gh.issueOf(benchRepo, 1).state === 'open');

    gh.setIssue(benchRepo, 2, { author: reporter, state: 'open' });
    gh.setLabels(benchRepo, 2, [existingLabel]);
    const staled = await deliver(stack, client, commentDelivery('stale-2', { number: 2, body: '/lifecycle stale', login: passerBy, state: 'open', labels: [existingLabel] }));
    const stale = costOf(staled.calls, staled.trace, 'lifecycle', gh.labelsOf(benchRepo, 2).includes('lifecycle/stale'));
    return { close, reopen, stale };
  });
}

// ---- the report --------------------------------------------------------------------------------

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const counts = (c: Cost) => `${c.calls.length} (${plural(c.reads.length, 'read')}, ${plural(c.writes.length, 'write')})`;
const carriedText = (c: Cost) => (c.payloadReads.length ? `${c.payloadReads.length}: ${c.payloadReads.map((p) => `${p.call.method} ${route(p.call)} (payload: ${p.carried})`).join(', ')}` : '0');
const prowCounts = (p: readonly ProwCall[]) => {
  const writes = p.filter((c) => c.write).length;
  return `${p.length} (${plural(p.length - writes, 'read')}, ${plural(writes, 'write')}; ${p.filter((c) => c.carried).length} of payload data)`;
};
const ratio = (c: Cost, p: readonly ProwCall[]) => `${c.calls.length} / ${p.length} = ${(c.calls.length / p.length).toFixed(2)}`;

export async function measureTriageCommands(): Promise<MetricReport> {
  const label = await measureLabel();
  const lifecycle = await measureLifecycle();
  const { first, second } = label;
  const { close, reopen, stale } = lifecycle;

  const repoLabelReads = (c: Cost) => c.reads.filter((r) => route(r) === 'listRepoLabels').length;
  const secondCached = repoLabelReads(second) === 0;
  const firstPass = first.writes.length <= 1 && first.done;
  // Issue 11: with the repository's labels cached, a label command is its write and nothing else.
  const secondPass = second.writes.length <= 1 && second.reads.length === 0 && secondCached && second.done;
  const noPayloadReads = (c: Cost) => c.payloadReads.length === 0 && c.done;
  const all = { '/kind bug (first)': first, '/kind bug (second issue)': second, '/close by the author': close, '/reopen by the author': reopen, '/lifecycle stale': stale };
  const oneTimeLeaks = Object.values(all).flatMap((c) => c.oneTime);
  const undone = Object.entries(all).filter(([, c]) => !c.done);

  return {
    title: 'Triage commands: GitHub calls',
    rows: [
      { metric: '/kind bug on an issue, the repository having the label: GitHub calls', value: counts(first), target: '≤ 1 write', pass: firstPass },
      {
        metric: '/kind bug on a second issue, same container: GitHub calls',
        value: `${counts(second)}; the repository's labels ${secondCached ? 'from a cache' : 'read again'}`,
        target: "≤ 1 write, 0 reads (the repo's labels cached)",
        pass: secondPass,
      },
      { metric: '/kind bug: reads of data the payload carries', value: carriedText(first), target: '0', pass: noPayloadReads(first) },
      { metric: '/close by the issue author: GitHub calls; reads of payload data', value: `${counts(close)}; ${carriedText(close)}`, target: '0 reads of payload data', pass: noPayloadReads(close) },
      { metric: '/reopen by the issue author: GitHub calls; reads of payload data', value: `${counts(reopen)}; ${carriedText(reopen)}`, target: '0 reads of payload data', pass: noPayloadReads(reopen) },
      { metric: '/lifecycle stale on an issue: GitHub calls; reads of payload data', value: `${counts(stale)}; ${carriedText(stale)}`, target: '0 reads of payload data', pass: noPayloadReads(stale) },
      {
        metric: 'Triage commands: calls, Skiff / Prow',
        value: `/kind bug ${ratio(first, prowKindBug)} (second issue ${ratio(second, prowKindBug)}); /close ${ratio(close, prowClose)}; /reopen ${ratio(reopen, prowReopen)}; /lifecycle stale ${ratio(stale, prowLifecycleStale)}`,
      },
    ],
    how: [
      `Two fresh stacks (the fake GitHub over HTTP, local mode, the real Octokit), one with only \`label\` enabled for ${benchRepo}, one with only \`lifecycle\`; the repository has the labels ${repoLabels.join(', ')}. Before the measured events, one comment no plugin acts on warms each container (the bot's login, \`GET /user\`, is resolved then; the config is read at start; the token is static); one-time calls are reported apart. Counted: every request the fake GitHub received between posting a delivery and its trace becoming \`processed\`; writes are non-GET REST calls. The payloads are @octokit/webhooks-examples' issue_comment \`created\`, on issues opened by ${reporter} (not the repository's owner: Prow's IsCollaborator answers true without a request for the org's own login) whose \`issue.labels\` and \`issue.state\` match the fake's. A read "of data the payload carries" is a read of the issue's labels (\`issue.labels\`) or of the issue (\`issue.user\`, \`issue.state\`); a collaborator check is not one (\`author_association\` does not say whether the commenter can push).`,
      `label: ${passerBy} comments \`/kind bug\` on issue #1 (labelled ${existingLabel}), then on issue #2 (likewise) in the same container, to see what outlives a delivery. Prow's count, from pkg/plugins/label/label.go \`handleComment\`: ${prowText(prowKindBug)}: ${prowCounts(prowKindBug)}.`,
      `lifecycle: ${reporter} comments \`/close\` on open issue #1, then \`/reopen\` on it (the payload saying closed); ${passerBy} comments \`/lifecycle stale\` on issue #2, which has no lifecycle label. Prow's counts: /close, from pkg/plugins/lifecycle/close.go: ${prowText(prowClose)}: ${prowCounts(prowClose)}; /reopen, from reopen.go: ${prowText(prowReopen)}: ${prowCounts(prowReopen)}; /lifecycle stale, from lifecycle.go: ${prowText(prowLifecycleStale)}: ${prowCounts(prowLifecycleStale)}. Prow's \`lifecycleHandleGenericComment\` runs handleReopen, handleClose and handle on every comment; each returns before any call when its regex or the issue state does not match. Prow also makes \`GET /user\` once per process (BotUserChecker); behind ghproxy its GETs are conditional (ETag), so a 304 costs no rate limit but is still a request.`,
    ],
    findings: [
      ...(first.writes.length > 1 || second.writes.length > 1 || !first.done || !second.done ? [`/kind bug wrote ${first.writes.length} then ${second.writes.length} times (${tally(first.writes)} / ${tally(second.writes)}); label added ${first.done}/${second.done}.`] : []),
      ...(!secondCached || second.reads.length
        ? [
            `The second issue's \`/kind bug\` read GitHub (${tally(second.reads)}): the repository's label list should come from the container's cache for two minutes (shared/github/etag-cache.ts, short-lived), and the issue's labels from the payload. ${repoLabelReads(second)} \`GET /repos/${benchRepo}/labels\` on the second issue, ${repoLabelReads(first)} on the first.`,
          ]
        : []),
      ...(first.payloadReads.length || second.payloadReads.length
        ? [
            `label read the issue's labels from GitHub (${tally([...first.payloadReads, ...second.payloadReads].map((p) => p.call))}) though the payload's \`issue.labels\` holds them and matches the fake's: shared/plugins/label/index.ts should read them only before skipping an add the payload shows or refusing a remove it lacks (see shared/plugins/issue-labels.ts).`,
          ]
        : []),
      ...(stale.payloadReads.length
        ? [
            `/lifecycle stale read the issue's labels (${tally(stale.payloadReads.map((p) => p.call))}) though the payload shows no lifecycle label: shared/plugins/lifecycle/labels.ts should add the label and take any other lifecycle label from the add's answer.`,
          ]
        : []),
      ...(close.payloadReads.length || reopen.payloadReads.length ? [`/close or /reopen by the author read payload data: ${tally([...close.payloadReads, ...reopen.payloadReads].map((p) => p.call))}.`] : []),
      ...(undone.length ? [`Commands that did not take effect: ${undone.map(([name, c]) => `${name} (${c.outcome})`).join('; ')}.`] : []),
      ...(oneTimeLeaks.length ? [`One-time calls happened during a measured event despite the warm-up: ${oneTimeLeaks.map((c) => c.text).join('; ')}.`] : []),
    ],
    details: [
      `/kind bug, issue #1: ${tally(first.calls)} → ${first.outcome}`,
      `/kind bug, issue #2: ${tally(second.calls)} → ${second.outcome}`,
      `/close by ${reporter}: ${tally(close.calls)} → ${close.outcome}`,
      `/reopen by ${reporter}: ${tally(reopen.calls)} → ${reopen.outcome}`,
      `/lifecycle stale: ${tally(stale.calls)} → ${stale.outcome}`,
      `Prow, same commands: /kind bug ${prowCounts(prowKindBug)}; /close ${prowCounts(prowClose)}; /reopen ${prowCounts(prowReopen)}; /lifecycle stale ${prowCounts(prowLifecycleStale)}`,
      `one-time calls: at start ${tally(label.startup)} (label stack), ${tally(lifecycle.startup)} (lifecycle stack); during the warm-up event ${tally(label.warm)} / ${tally(lifecycle.warm)}`,
    ],
  };
}
