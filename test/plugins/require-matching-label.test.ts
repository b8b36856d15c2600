// The require-matching-label plugin against real payloads and the in-memory GitHub. Prow's table
// from require-matching-label_test.go (TestHandle) with its three rules, driven through the
// plugin's own entry points (an `issues` or `pull_request` event, opened or labeled); then the
// grace period, /check-required-labels, comment pruning, and the config's checks in Prow's words.
import type { IssuesEvent, PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { RetryableError } from '../../shared/github/errors.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { describeRule, requireMatchingLabelConfigSchema, parseGoDuration } from '../../shared/plugins/require-matching-label/config.js';
import { requireMatchingLabel } from '../../shared/plugins/require-matching-label/index.js';
import { formatSimpleResponse } from '../../shared/plugins/respond.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

// TestHandle's configs, as plugins.yaml would say them.
const prowRules = requireMatchingLabelConfigSchema.parse([
  { org: 'k8s', issues: true, regexp: '^(sig|wg|committee)/', missing_label: 'needs-sig' },
  { org: 'k8s', repo: 't-i', prs: true, regexp: '^kind/', missing_label: 'needs-kind' },
  { org: 'k8s', repo: 't-i', branch: 'meow', issues: true, prs: true, regexp: '^(cat|floof|loaf)$', missing_label: 'needs-cat', missing_comment: 'Meow?' },
]);

const number = 5;

function retarget(payload: Record<string, any>, org: string, repo: string) {
  for (const r of [payload.repository, payload.pull_request?.base?.repo].filter(Boolean)) {
    Object.assign(r, { name: repo, full_name: `${org}/${repo}` });
    r.owner.login = org;
  }
}

/** Prow's event as a real payload: `branch` makes it a pull request, `label` a label event. */
function payloadFor(e: { org: string; repo: string; branch?: string; label?: string }, labels: string[]) {
  const action = e.label ? 'labeled' : 'opened';
  const named = (names: string[]) => names.map((name) => ({ id: 1, node_id: 'x', url: '', name, color: 'ededed', default: false, description: '' }));
  if (e.branch) {
    const p = structuredClone(samplePayload('pull_request', 'labeled')) as Record<string, any>;
    p.action = action;
    Object.assign(p.pull_request, { number, labels: named(labels) });
    p.pull_request.base.ref = e.branch;
    if (e.label) p.label = named([e.label])[0];
    else delete p.label;
    retarget(p, e.org, e.repo);
    return { event: 'pull_request' as const, payload: p as PullRequestEvent };
  }
  const p = structuredClone(samplePayload('issues', 'labeled')) as Record<string, any>;
  p.action = action;
  Object.assign(p.issue, { number, labels: named(labels) });
  if (e.label) p.label = named([e.label])[0];
  else delete p.label;
  retarget(p, e.org, e.repo);
  return { event: 'issues' as const, payload: p as IssuesEvent };
}

interface ProwCase {
  name: string;
  event: { org: string; repo: string; branch?: string; label?: string };
  initialLabels: string[];
  expectComment?: boolean;
  expectedAdded?: string[];
  expectedRemoved?: string[];
}

const lgtm = 'lgtm';
const prowCases: ProwCase[] = [
  { name: 'ignore PRs', event: { org: 'k8s', repo: 'k8s', branch: 'foo' }, initialLabels: [lgtm] },
  { name: 'ignore wrong org', event: { org: 'fejtaverse', repo: 'repo' }, initialLabels: [lgtm] },
  { name: 'ignore unrelated label change', event: { org: 'k8s', repo: 't-i', branch: 'master', label: 'unrelated' }, initialLabels: [lgtm] },
  { name: 'add needs-kind label to PR', event: { org: 'k8s', repo: 't-i', branch: 'master' }, initialLabels: [lgtm], expectedAdded: ['needs-kind'] },
  {
    name: 'remove needs-kind label from PR based on label change',
    event: { org: 'k8s', repo: 't-i', branch: 'master', label: 'kind/best' },
    initialLabels: [lgtm, 'needs-kind', 'kind/best'],
    expectedRemoved: ['needs-kind'],
  },
  {
    name: "don't remove needs-kind label from issue based on label change (ignore issues)",
    event: { org: 'k8s', repo: 't-i', label: 'kind/best' },
    initialLabels: [lgtm, 'needs-kind', 'kind/best', 'sig/cats'],
  },
  { name: "don't remove needs-kind label from PR already missing it", event: { org: 'k8s', repo: 't-i', branch: 'master', label: 'kind/best' }, initialLabels: [lgtm, 'kind/best'] },
  { name: 'add org scoped needs-sig to issue', event: { org: 'k8s', repo: 'k8s', label: 'sig/bash' }, initialLabels: [lgtm, 'kind/best'], expectedAdded: ['needs-sig'] },
  { name: "don't add org scoped needs-sig to issue when another sig/* label remains", event: { org: 'k8s', repo: 'k8s', label: 'sig/bash' }, initialLabels: [lgtm, 'kind/best', 'wg/foo'] },
  { name: 'add branch scoped needs-cat to issue', event: { org: 'k8s', repo: 't-i', label: 'cat' }, initialLabels: [lgtm, 'wg/foo'], expectedAdded: ['needs-cat'], expectComment: true },
  { name: 'add branch scoped needs-cat to PR', event: { org: 'k8s', repo: 't-i', branch: 'meow' }, initialLabels: [lgtm, 'kind/best'], expectedAdded: ['needs-cat'], expectComment: true },
  {
    name: 'remove branch scoped needs-cat from PR, add repo scoped needs-kind',
    event: { org: 'k8s', repo: 't-i', branch: 'meow' },
    initialLabels: [lgtm, 'needs-cat', 'cat', 'floof'],
    expectedAdded: ['needs-kind'],
    expectedRemoved: ['needs-cat'],
  },
  {
    name: 'add branch scoped needs-cat to issue, remove org scoped needs-sig',
    event: { org: 'k8s', repo: 't-i' },
    initialLabels: [lgtm, 'needs-sig', 'wg/foo'],
    expectedAdded: ['needs-cat'],
    expectedRemoved: ['needs-sig'],
    expectComment: true,
  },
  // Skiff's rows.
  { name: 'a label spelled in another case is the same label', event: { org: 'k8s', repo: 'k8s', label: 'sig/bash' }, initialLabels: ['Needs-Sig'] },
];

describe('require-matching-label (Prow TestHandle)', () => {
  it.each(prowCases)('$name', async ({ event, initialLabels, expectComment, expectedAdded = [], expectedRemoved = [] }) => {
    // Prepare: opened events read the labels from GitHub; label events carry them.
    const repo = { owner: event.org, repo: event.repo };
    const github = new MemoryGitHub();
    const ref = `${event.org}/${event.repo}#${number}`;
    github.setLabels(ref, initialLabels);
    const ctx = pluginContext({ github, config: prowRules, repo });
    const { event: name, payload } = payloadFor(event, initialLabels);

    // Act
    const handler = requireMatchingLabel.on![name]! as (c: typeof ctx, p: typeof payload) => Promise<unknown>;
    await handler(ctx, payload);

    // Assess
    expect(github.writes.filter((w) => w.startsWith('addLabel')).sort()).toEqual(expectedAdded.map((l) => `addLabel ${ref} ${l}`).sort());
    expect(github.writes.filter((w) => w.startsWith('removeLabel')).sort()).toEqual(expectedRemoved.map((l) => `removeLabel ${ref} ${l}`).sort());
    expect(github.comments).toEqual(expectComment ? [{ ref, body: formatSimpleResponse('Meow?') }] : []);
    // A label event reads nothing: its payload has the labels.
    if (event.label) expect(github.reads).toEqual([]);
  });
});

describe('require-matching-label: grace period, command, pruning', () => {
  const repo = { owner: 'k8s', repo: 't-i' };
  const ref = `k8s/t-i#${number}`;

  it('an issue opened within the grace period is put back on the queue for the rest of it, with nothing read or written', async () => {
    // Prepare
    const github = new MemoryGitHub();
    const config = requireMatchingLabelConfigSchema.parse([{ org: 'k8s', issues: true, regexp: '^sig/', missing_label: 'needs-sig', grace_period: '1h' }]);
    const { payload } = payloadFor({ org: 'k8s', repo: 't-i' }, []);
    (payload as IssuesEvent).issue.updated_at = new Date(Date.now()).toISOString();

    // Act
    const outcome = requireMatchingLabel.on!.issues!(pluginContext({ github, config, repo }), payload as IssuesEvent);

    // Assess
    const error = await outcome.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterSeconds).toBeGreaterThan(3500);
    expect((error as RetryableError).message).toBe('waiting out the 3600s grace period so that other automation can label k8s/t-i#5 first');
    expect(github.calls).toEqual([]);
  });

  function comment(body: string, options: { isPR?: boolean; state?: string; action?: string } = {}): GenericCommentEvent {
    const p = structuredClone(samplePayload('issue_comment', 'created')) as Record<string, any>;
    p.comment.body = body;
    p.action = options.action ?? 'created';
    p.issue.number = number;
    p.issue.state = options.state ?? 'open';
    if (options.isPR) p.issue.pull_request = { url: 'https://api.github.com/repos/k8s/t-i/pulls/5' };
    else delete p.issue.pull_request;
    retarget(p, 'k8s', 't-i');
    return generalizeComment('issue_comment', p)!;
  }

  it.each([
    { name: 'on a pull request: its base branch decides, no grace period', body: '/check-required-labels', isPR: true, writes: [`addLabel ${ref} needs-kind`, `addLabel ${ref} needs-cat`, expect.stringMatching(/^createComment k8s\/t-i#5 Meow\?/)] },
    { name: 'on an issue: the issue rules', body: '/check-required-labels', writes: [`addLabel ${ref} needs-sig`, `addLabel ${ref} needs-cat`, expect.stringMatching(/^createComment/)] },
    { name: 'wrong case and trailing spaces', body: '/CHECK-REQUIRED-LABELS  \r', writes: [`addLabel ${ref} needs-sig`, `addLabel ${ref} needs-cat`, expect.stringMatching(/^createComment/)] },
    { name: 'text after the command (Prow wants it alone on its line)', body: '/check-required-labels please', writes: [] },
    { name: 'quoted', body: '> /check-required-labels', writes: [] },
    { name: 'on a closed issue', body: '/check-required-labels', state: 'closed', writes: [] },
    { name: 'an edited comment', body: '/check-required-labels', action: 'edited', writes: [] },
  ])('/check-required-labels $name', async ({ body, isPR, state, action, writes }) => {
    // Prepare
    const github = new MemoryGitHub();
    github.setPullRequest(ref, { base: { ref: 'meow' } });
    const ctx = pluginContext({ github, config: prowRules, repo });

    // Act
    await runCommands(requireMatchingLabel, ctx, comment(body, { isPR, state, action }));

    // Assess
    expect(github.writes).toEqual(writes);
  });

  it("once a matching label comes, the missing label goes and so does the bot's comment, not anyone else's", async () => {
    // Prepare
    const github = new MemoryGitHub();
    github.setLabels(ref, ['needs-cat', 'cat']);
    const ours = github.addComment(ref, { user: 'skiff-bot', body: formatSimpleResponse('Meow?') });
    github.addComment(ref, { user: 'alice', body: 'Meow? says the bot' });
    const { payload } = payloadFor({ org: 'k8s', repo: 't-i', label: 'cat' }, ['needs-cat', 'cat']);

    // Act
    await requireMatchingLabel.on!.issues!(pluginContext({ github, config: prowRules, repo }), payload as IssuesEvent);

    // Assess
    expect(github.writes).toEqual([`removeLabel ${ref} needs-cat`, `deleteComment k8s/t-i comment ${ours}`]);
  });
});

describe('require_matching_label config (Prow validate)', () => {
  const base = { org: 'k8s', prs: true, regexp: '^kind/', missing_label: 'needs-kind' };
  it.each([
    { name: 'no org', rule: { ...base, org: '' }, error: "error validating require_matching_label config #0: must specify 'org'" },
    { name: 'a repo with a slash', rule: { ...base, repo: 'k8s/t-i' }, error: "'repo' may not contain '/'; specify the organization with 'org'" },
    { name: 'no regexp', rule: { ...base, regexp: undefined }, error: "must specify 'regexp'" },
    { name: 'no missing_label', rule: { ...base, missing_label: '' }, error: "must specify 'missing_label'" },
    { name: 'neither prs nor issues', rule: { ...base, prs: false }, error: "must specify 'prs: true' and/or 'issues: true'" },
    { name: 'a branch for issues only', rule: { ...base, prs: false, issues: true, branch: 'main' }, error: "branch cannot be specified without `prs: true'" },
    { name: 'a regexp matching its own missing label', rule: { ...base, regexp: 'kind' }, error: "'regexp' must not match 'missing_label'" },
    { name: 'a regexp RE2 would refuse', rule: { ...base, regexp: '(?=x)' }, error: 'failed to compile label regexp' },
    { name: 'a bad grace period', rule: { ...base, grace_period: 'five seconds' }, error: 'failed to compile grace period duration: "five seconds"' },
  ])('refused: $name', ({ rule, error }) => {
    const result = requireMatchingLabelConfigSchema.safeParse([rule]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(error);
  });

  it('defaults: 5s grace period, no comment; Prow keys it does not know are accepted', () => {
    const [rule] = requireMatchingLabelConfigSchema.parse([{ ...base, future: true }]);
    expect(rule).toMatchObject({ gracePeriodMs: 5000, missingComment: '', repo: '', branch: '' });
    expect(describeRule(rule!)).toBe("Applies the 'needs-kind' label to PRs in the 'k8s' GitHub org that have no labels matching the regular expression '^kind/'.");
  });

  it.each([
    ['5s', 5000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['0', 0],
    ['1.5h', 5_400_000],
    ['5', undefined],
    ['', undefined],
  ])('Go duration %j is %j ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});
