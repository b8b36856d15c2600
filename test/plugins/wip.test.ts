// The wip plugin against real `pull_request` payloads and an in-memory GitHub: Prow's
// TestWipLabel and TestHasWipPrefix rows (wip-label_test.go), then the events that change whether
// the label is needed, where the payload's labels may be behind and the write is made anyway.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { wip, wipLabel, wipTitleRe, type WipGitHub } from '../../shared/plugins/wip/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const wipTitle = '[WIP] title';
const regularTitle = 'title';
const ref = 'Codertocat/Hello-World#2'; // the pull_request examples' pull request
const add = [`addLabel ${ref} ${wipLabel}`];
const remove = [`removeLabel ${ref} ${wipLabel}`];

interface Event {
  action?: string;
  title?: string;
  draft?: boolean;
  /** Labels in the payload. */
  labels?: string[];
  /** `changes.title.from` of an edit. */
  titleFrom?: string;
}

/** A real pull_request payload (the `opened` example, relabelled when there is no example of the action). */
function pullRequest({ action = 'opened', title = regularTitle, draft = false, labels = [], titleFrom }: Event): PullRequestEvent {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.title = title;
  payload.pull_request.draft = draft;
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));
  if (action === 'edited') payload.changes = titleFrom === undefined ? { body: { from: 'old body' } } : { title: { from: titleFrom } };
  return payload as PullRequestEvent;
}

async function run(event: PullRequestEvent, labelsOnGitHub: string[]) {
  const github = new MemoryGitHub();
  github.setPullRequest(ref, { title: event.pull_request.title });
  github.setLabels(ref, labelsOnGitHub);
  const ctx = pluginContext<void, WipGitHub>({ github, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });
  const outcome = (await wip.on!.pull_request!(ctx, event)) as Outcome;
  return { github, outcome };
}

interface Case {
  name: string;
  event: Event;
  /** What GitHub has; the payload's labels unless given. */
  onGitHub?: string[];
  writes: string[];
  final?: string[];
  status?: Outcome['status'];
}

// Prow's TestWipLabel: hasLabel is the label on the pull request (here in the payload and on GitHub).
const prowRows: Case[] = [
  { name: 'regular PR, need nothing', event: { title: regularTitle }, writes: [], final: [] },
  { name: 'wip title PR, needs label', event: { title: wipTitle }, writes: add, final: [wipLabel] },
  { name: 'draft PR, needs label', event: { title: regularTitle, draft: true }, writes: add, final: [wipLabel] },
  { name: 'regular PR, remove label', event: { title: regularTitle, labels: [wipLabel] }, writes: remove, final: [] },
  { name: 'wip title PR, nothing to do', event: { title: wipTitle, labels: [wipLabel] }, writes: [], final: [wipLabel] },
  { name: 'draft PR, nothing to do', event: { title: regularTitle, draft: true, labels: [wipLabel] }, writes: [], final: [wipLabel] },
];

const moreRows: Case[] = [
  { name: 'reopened with a WIP title', event: { action: 'reopened', title: 'WIP: still going' }, writes: add, final: [wipLabel] },
  { name: 'other labels stay', event: { title: regularTitle, labels: ['lgtm', wipLabel] }, writes: remove, final: ['lgtm'] },
  { name: 'the label in another case counts as there', event: { title: wipTitle, labels: ['Do-Not-Merge/Work-In-Progress'] }, writes: [], final: ['Do-Not-Merge/Work-In-Progress'] },
  { name: 'a body edit trusts the payload: nothing to do', event: { action: 'edited', title: regularTitle, titleFrom: undefined }, writes: [] },
  // The event changes whether the label is needed: written even though the payload disagrees.
  {
    name: 'title edited from WIP: removed even when the payload does not show the label yet',
    event: { action: 'edited', title: regularTitle, titleFrom: wipTitle },
    onGitHub: [wipLabel],
    writes: remove,
    final: [],
  },
  { name: 'title edited from WIP, label already gone: the remove is harmless', event: { action: 'edited', title: regularTitle, titleFrom: wipTitle }, writes: remove, final: [] },
  {
    name: 'title edited to WIP: added even when the payload shows a label about to go',
    event: { action: 'edited', title: wipTitle, titleFrom: regularTitle, labels: [wipLabel] },
    onGitHub: [],
    writes: add,
    final: [wipLabel],
  },
  { name: 'title edited from WIP to WIP: the payload decides', event: { action: 'edited', title: 'WIP again', titleFrom: wipTitle, labels: [wipLabel] }, writes: [] },
  { name: 'a draft title edit keeps the label', event: { action: 'edited', title: regularTitle, titleFrom: wipTitle, draft: true, labels: [wipLabel] }, writes: [] },
  { name: 'ready for review removes it, payload or not', event: { action: 'ready_for_review', title: regularTitle }, onGitHub: [wipLabel], writes: remove, final: [] },
  { name: 'ready for review with a WIP title keeps it', event: { action: 'ready_for_review', title: wipTitle, labels: [wipLabel] }, writes: [], final: [wipLabel] },
  { name: 'converted to draft adds it, payload or not', event: { action: 'converted_to_draft', title: regularTitle, draft: true, labels: [wipLabel] }, onGitHub: [], writes: add, final: [wipLabel] },
  // Other actions change neither title nor draft state.
  { name: 'synchronize is skipped', event: { action: 'synchronize', title: wipTitle }, writes: [], status: 'skipped' },
  { name: 'labeled is skipped', event: { action: 'labeled', title: regularTitle, labels: [wipLabel] }, writes: [], status: 'skipped' },
  { name: 'closed is skipped', event: { action: 'closed', title: wipTitle }, writes: [], status: 'skipped' },
];

describe('wip', () => {
  it.each([...prowRows, ...moreRows])('$name', async ({ event, onGitHub, writes, final, status = 'ran' }) => {
    // Prepare
    const payload = pullRequest(event);

    // Act
    const { github, outcome } = await run(payload, onGitHub ?? event.labels ?? []);

    // Assess: no reads, ever (the payload carries title, draft and labels).
    expect(github.writes).toEqual(writes);
    expect(github.reads).toEqual([]);
    if (final) expect(github.labelsOf(ref)).toEqual(final);
    expect(outcome.status).toBe(status);
  });

  it('a failed write fails the event, to be retried', async () => {
    // Prepare
    const github = new MemoryGitHub().failNext('addLabel', new Error('502 Bad Gateway'));
    github.setPullRequest(ref, {});
    const ctx = pluginContext<void, WipGitHub>({ github, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act, Assess
    await expect(wip.on!.pull_request!(ctx, pullRequest({ title: wipTitle }))).rejects.toThrow('502 Bad Gateway');
  });
});

// Prow's TestHasWipPrefix.
const titles: { title: string; expected: boolean }[] = [
  { title: 'dummy title', expected: false },
  { title: 'WIP dummy title', expected: true },
  { title: 'WIP: dummy title', expected: true },
  { title: '[WIP] dummy title', expected: true },
  { title: '(WIP) dummy title', expected: true },
  { title: '<WIP> dummy title', expected: true },
  { title: 'wip dummy title', expected: true },
  { title: '[wip] dummy title', expected: true },
  { title: '(wip) dummy title', expected: true },
  { title: '<wip> dummy title', expected: true },
  { title: 'Wipe out GCP project before reusing', expected: false },
  // The odd ones: Prow's regex needs a non-word character after WIP, and at most one before.
  { title: 'WIP', expected: false },
  { title: '[[WIP]] two brackets', expected: false },
  { title: 'Fix WIP handling', expected: false },
  { title: 'WIP-ish: hyphen counts', expected: true },
];

describe('the WIP title regex', () => {
  it.each(titles)('$title → $expected', ({ title, expected }) => {
    expect(wipTitleRe.test(title)).toBe(expected);
  });
});
