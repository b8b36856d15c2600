// The owners-label plugin against real `pull_request` payloads and the in-memory GitHub: Prow's
// TestHandle table (labels per file from a fake OWNERS client), then the same through real OWNERS
// files read at the base commit, the events it ignores, and partial failures.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { PullRequestChange } from '../../shared/github/client.js';
import type { RepoOwners } from '../../shared/owners/types.js';
import { ownersLabel } from '../../shared/plugins/owners-label/index.js';
import { fakeRepoOwners } from '../fakes/fake-repo-owners.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const example = (action: string) => samplePayload('pull_request', action) as PullRequestEvent;
const opened = example('opened');
const repo = { owner: opened.repository.owner.login, repo: opened.repository.name };
const ref = `${repo.owner}/${repo.repo}#${opened.pull_request.number}`;
const baseSha = opened.pull_request.base.sha;
const headSha = opened.pull_request.head.sha;

const change = (filename: string): PullRequestChange => ({ filename, additions: 1, deletions: 0, changes: 1, status: 'modified' });

/** Prow's fakeOwnersClient: labels by file path, nothing else. */
function labelsByFile(labels: Record<string, string[]>): RepoOwners {
  const owners = Object.create(fakeRepoOwners({})) as RepoOwners;
  owners.findLabelsForFile = (path) => new Set(labels[path] ?? []);
  return owners;
}

function setup(options: { files?: string[]; repoLabels?: string[]; issueLabels?: string[] }) {
  const github = new MemoryGitHub();
  github.setChanges(ref, (options.files ?? []).map(change));
  github.setRepoLabels(repo, options.repoLabels ?? []);
  github.setLabels(ref, options.issueLabels ?? []);
  const ctx = pluginContext({ github, config: undefined, repo });
  return { github, ctx };
}

// Prow's TestHandle fake: a.go has three labels, the rest one or two.
const prowLabels = {
  'a.go': ['lgtm', 'approved', 'kind/docs'],
  'b.go': ['lgtm'],
  'c.go': ['lgtm', 'dnm/frozen-docs'],
  'd.sh': ['dnm/bash'],
  'e.sh': ['dnm/bash'],
};

interface ProwCase {
  name: string;
  filesChanged: string[];
  expectedNewLabels: string[];
  repoLabels: string[];
  issueLabels: string[];
}

// pkg/plugins/owners-label/owners-label_test.go TestHandle, row for row.
const prowCases: ProwCase[] = [
  { name: 'no labels', filesChanged: ['other.go', 'something.go'], expectedNewLabels: [], repoLabels: [], issueLabels: [] },
  { name: '1 file 1 label', filesChanged: ['b.go'], expectedNewLabels: ['lgtm'], repoLabels: ['lgtm'], issueLabels: [] },
  {
    name: '1 file 3 labels',
    filesChanged: ['a.go'],
    expectedNewLabels: ['lgtm', 'approved', 'kind/docs'],
    repoLabels: ['lgtm', 'approved', 'kind/docs'],
    issueLabels: [],
  },
  {
    name: '2 files no overlap',
    filesChanged: ['c.go', 'd.sh'],
    expectedNewLabels: ['lgtm', 'dnm/frozen-docs', 'dnm/bash'],
    repoLabels: ['lgtm', 'dnm/frozen-docs', 'dnm/bash'],
    issueLabels: [],
  },
  {
    name: '2 files partial overlap',
    filesChanged: ['a.go', 'b.go'],
    expectedNewLabels: ['lgtm', 'approved', 'kind/docs'],
    repoLabels: ['lgtm', 'approved', 'kind/docs'],
    issueLabels: [],
  },
  { name: '2 files complete overlap', filesChanged: ['d.sh', 'e.sh'], expectedNewLabels: ['dnm/bash'], repoLabels: ['dnm/bash'], issueLabels: [] },
  {
    name: '3 files partial overlap',
    filesChanged: ['a.go', 'b.go', 'c.go'],
    expectedNewLabels: ['lgtm', 'approved', 'kind/docs', 'dnm/frozen-docs'],
    repoLabels: ['lgtm', 'approved', 'kind/docs', 'dnm/frozen-docs'],
    issueLabels: [],
  },
  { name: 'no labels to add, initial unrelated label', filesChanged: ['other.go', 'something.go'], expectedNewLabels: [], repoLabels: ['lgtm'], issueLabels: ['lgtm'] },
  { name: '1 file 1 label, already present', filesChanged: ['b.go'], expectedNewLabels: [], repoLabels: ['lgtm'], issueLabels: ['lgtm'] },
  { name: "1 file 1 label, doesn't exist on the repo", filesChanged: ['b.go'], expectedNewLabels: [], repoLabels: ['approved'], issueLabels: [] },
  {
    name: '2 files no overlap, 1 label already present',
    filesChanged: ['c.go', 'd.sh'],
    expectedNewLabels: ['lgtm', 'dnm/frozen-docs'],
    repoLabels: ['dnm/bash', 'approved', 'lgtm', 'dnm/frozen-docs'],
    issueLabels: ['dnm/bash', 'approved'],
  },
  { name: '2 files complete overlap, label already present', filesChanged: ['d.sh', 'e.sh'], expectedNewLabels: [], repoLabels: ['dnm/bash'], issueLabels: ['dnm/bash'] },
];

describe("owners-label: Prow's TestHandle", () => {
  it.each(prowCases)('$name', async (c) => {
    // Prepare
    const { github, ctx } = setup({ files: c.filesChanged, repoLabels: c.repoLabels, issueLabels: c.issueLabels });
    const owners = labelsByFile(prowLabels);
    ctx.owners = { ...ctx.owners, at: async () => owners };

    // Act
    const outcome = await ownersLabel.on!.pull_request!(ctx, opened);

    // Assess: exactly the new labels, each added once, and the issue ends with old + new.
    expect(outcome?.status).toBe('ran');
    expect(github.writes.sort()).toEqual(c.expectedNewLabels.map((l) => `addLabel ${ref} ${l}`).sort());
    expect(github.labelsOf(ref).sort()).toEqual([...c.issueLabels, ...c.expectedNewLabels].sort());
    if (!c.filesChanged.some((f) => f in prowLabels)) {
      // Nothing wanted: the label reads are not spent.
      expect(github.reads.filter((r) => r.startsWith('getRepoLabels') || r.startsWith('getIssueLabels'))).toEqual([]);
    }
  });
});

interface Case {
  name: string;
  action?: string;
  /** OWNERS files at the base commit. */
  base: Record<string, string>;
  /** Files at the head commit only: a pull request's own OWNERS edits must not count. */
  head?: Record<string, string>;
  files: string[];
  repoLabels: string[];
  issueLabels?: string[];
  writes: string[];
  status?: 'ran' | 'skipped';
  /** Substrings expected among the trace notes. */
  notes?: string[];
}

const cases: Case[] = [
  {
    name: 'labels of every OWNERS file up the tree, and of matching filters',
    base: {
      OWNERS: 'approvers: [root]\nlabels: [sig/root]\n',
      'docs/OWNERS': 'approvers: [docs]\nlabels: [kind/documentation]\n',
      'pkg/OWNERS': 'filters:\n  ".*":\n    approvers: [pkg]\n  "\\\\.sh$":\n    labels: [lang/bash]\n',
    },
    files: ['docs/guide.md', 'pkg/run.sh', 'pkg/main.go'],
    repoLabels: ['sig/root', 'kind/documentation', 'lang/bash'],
    writes: [`addLabel ${ref} kind/documentation`, `addLabel ${ref} lang/bash`, `addLabel ${ref} sig/root`],
  },
  {
    name: 'no_parent_owners stops the walk: the root label is not added',
    base: { OWNERS: 'approvers: [root]\nlabels: [sig/root]\n', 'api/OWNERS': 'options:\n  no_parent_owners: true\napprovers: [api]\nlabels: [area/api]\n' },
    files: ['api/types.go'],
    repoLabels: ['sig/root', 'area/api'],
    writes: [`addLabel ${ref} area/api`],
  },
  {
    name: "OWNERS are read at the base commit: the pull request's own OWNERS labels do not count",
    base: { OWNERS: 'approvers: [root]\n' },
    head: { OWNERS: 'approvers: [root]\nlabels: [priority/critical-urgent]\n' },
    files: ['OWNERS', 'main.go'],
    repoLabels: ['priority/critical-urgent'],
    writes: [],
  },
  {
    name: 'a label missing from the repository is not created, and the trace says so',
    base: { OWNERS: 'approvers: [root]\nlabels: [sig/root, sig/typo]\n' },
    files: ['main.go'],
    repoLabels: ['sig/root'],
    writes: [`addLabel ${ref} sig/root`],
    notes: ['Unable to add nonexistent labels: "sig/typo"'],
  },
  {
    name: "label names compare case-insensitively, as GitHub's do: the repository's spelling is used",
    base: { OWNERS: 'approvers: [root]\nlabels: [Kind/Docs, area/API]\n' },
    files: ['README.md'],
    repoLabels: ['kind/docs', 'area/api'],
    issueLabels: ['AREA/api'],
    writes: [`addLabel ${ref} kind/docs`],
  },
  { name: 'synchronize (new commits) labels', action: 'synchronize', base: { OWNERS: 'labels: [sig/root]\n' }, files: ['x'], repoLabels: ['sig/root'], writes: [`addLabel ${ref} sig/root`] },
  { name: 'reopened labels', action: 'reopened', base: { OWNERS: 'labels: [sig/root]\n' }, files: ['x'], repoLabels: ['sig/root'], writes: [`addLabel ${ref} sig/root`] },
  { name: 'edited is skipped (Prow: opened, reopened, synchronize only)', action: 'edited', base: { OWNERS: 'labels: [sig/root]\n' }, files: ['x'], repoLabels: ['sig/root'], writes: [], status: 'skipped' },
  { name: 'closed is skipped', action: 'closed', base: { OWNERS: 'labels: [sig/root]\n' }, files: ['x'], repoLabels: ['sig/root'], writes: [], status: 'skipped' },
  { name: 'labeled is skipped', action: 'labeled', base: { OWNERS: 'labels: [sig/root]\n' }, files: ['x'], repoLabels: ['sig/root'], writes: [], status: 'skipped' },
];

describe('owners-label: real OWNERS files', () => {
  it.each(cases.map((c, i) => ({ ...c, i })))('$name', async (c) => {
    // Prepare: a base commit of its own per case, as OWNERS are cached by commit SHA in-process
    // (a commit's tree never changes on GitHub).
    const { github, ctx } = setup({ files: c.files, repoLabels: c.repoLabels, issueLabels: c.issueLabels });
    const base = `${baseSha.slice(0, -4)}${String(c.i).padStart(4, '0')}`;
    for (const [path, text] of Object.entries(c.base)) github.setFile(repo, base, path, text);
    for (const [path, text] of Object.entries(c.head ?? {})) github.setFile(repo, headSha, path, text);
    const event = { ...opened, action: c.action ?? 'opened', pull_request: { ...opened.pull_request, base: { ...opened.pull_request.base, sha: base } } } as PullRequestEvent;

    // Act
    const outcome = await ownersLabel.on!.pull_request!(ctx, event);

    // Assess
    expect(outcome?.status).toBe(c.status ?? 'ran');
    expect(github.writes).toEqual(c.writes);
    if (c.status === 'skipped') expect(github.calls).toEqual([]);
    for (const note of c.notes ?? []) expect(ctx.checks).toContain(note);
  });
});

describe('owners-label: failures', () => {
  it('one label failing to add does not keep the others off, and the event fails so it is retried', async () => {
    // Prepare
    const { github, ctx } = setup({ files: ['a.go'], repoLabels: ['lgtm', 'approved', 'kind/docs'] });
    ctx.owners = { ...ctx.owners, at: async () => labelsByFile(prowLabels) };
    github.failNext('addLabel', new Error('GitHub is down'));

    // Act
    const act = ownersLabel.on!.pull_request!(ctx, opened);

    // Assess: sorted order, so `approved` failed and the other two went on.
    await expect(act).rejects.toThrow(`failed to add approved to ${ref}`);
    expect(github.writes).toEqual([`addLabel ${ref} kind/docs`, `addLabel ${ref} lgtm`]);
  });

  it('the retry adds only what is still missing', async () => {
    // Prepare: the first attempt added two of three.
    const { github, ctx } = setup({ files: ['a.go'], repoLabels: ['lgtm', 'approved', 'kind/docs'], issueLabels: ['kind/docs', 'lgtm'] });
    ctx.owners = { ...ctx.owners, at: async () => labelsByFile(prowLabels) };

    // Act
    await ownersLabel.on!.pull_request!(ctx, opened);

    // Assess
    expect(github.writes).toEqual([`addLabel ${ref} approved`]);
  });
});
