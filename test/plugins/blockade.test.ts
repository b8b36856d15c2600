// The blockade plugin: Prow's TestCalculateBlocks, TestSummaryString and TestHandle rows
// (pkg/plugins/blockade/blockade_test.go), then the handler against real `pull_request` payloads
// and an in-memory GitHub: which reads it makes, the comment it posts and the ones it deletes,
// and the config's checks.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import {
  applicableBlockades,
  blockade,
  blockedPathsBody,
  blockedPathsLabel,
  calculateBlocks,
  summaryText,
  type BlockadeGitHub,
  type BlockedFile,
} from '../../shared/plugins/blockade/index.js';
import { blockadeConfigSchema, type BlockadeConfig } from '../../shared/plugins/blockade/config.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

// Prow's sample changes.
const docFile: BlockedFile = { filename: 'docs/documentation.md', blobUrl: '<URL1>' };
const docOwners: BlockedFile = { filename: 'docs/OWNERS', blobUrl: '<URL2>' };
const docOwners2: BlockedFile = { filename: 'docs/2/OWNERS', blobUrl: '<URL3>' };
const srcGo: BlockedFile = { filename: 'src/code.go', blobUrl: '<URL4>' };
const srcSh: BlockedFile = { filename: 'src/shell.sh', blobUrl: '<URL5>' };
const docSh: BlockedFile = { filename: 'docs/shell.sh', blobUrl: '<URL6>' };
const conformanceYaml: BlockedFile = { filename: 'test/conformance/testdata/conformance.yaml', blobUrl: '<URL6>' };

// Prow's sample blockades, as plugins.yaml writes them.
const blockDocs = { repos: ['org/repo'], blockregexps: ['docs/.*'], explanation: '1' };
const blockDocsExceptOwners = { repos: ['org/repo'], blockregexps: ['docs/.*'], exceptionregexps: ['.*OWNERS'], explanation: '2' };
const blockShell = { repos: ['org/repo'], blockregexps: ['.*\\.sh'], explanation: '3' };
const blockAllOrg = { repos: ['org'], blockregexps: ['.*'], explanation: '4' };
const blockAllOther = { repos: ['org2'], blockregexps: ['.*'], explanation: '5' };
const blockConformanceOnReleaseBranch = { repos: ['org/repo'], branchregexp: '^release-*', blockregexps: ['test/conformance/testdata/.*'], explanation: '6' };

const parse = (entries: unknown[]): BlockadeConfig => blockadeConfigSchema.parse(entries);

interface CalcCase {
  name: string;
  branch?: string;
  changes: BlockedFile[];
  config: unknown[];
  expected: Record<string, BlockedFile[]>;
}

// Prow's "nil BranchRe" row (a branchregexp Prow's loader did not compile) cannot happen here: the
// schema compiles every branchregexp, so that row is the release-branch rows below.
const calcCases: CalcCase[] = [
  { name: 'blocked by 1/1 blockade (no exceptions), extra file', config: [blockDocs], changes: [docFile, docOwners, srcGo], expected: { '1': [docFile, docOwners] } },
  { name: 'blocked by 1/1 blockade (1/2 files are exceptions), extra file', config: [blockDocsExceptOwners], changes: [docFile, docOwners, srcGo], expected: { '2': [docFile] } },
  { name: 'blocked by 0/1 blockades (2/2 exceptions), extra file', config: [blockDocsExceptOwners], changes: [docOwners, docOwners2, srcGo], expected: {} },
  { name: 'blocked by 0/1 blockades (no exceptions), extra file', config: [blockDocsExceptOwners], changes: [srcGo, srcSh], expected: {} },
  { name: 'blocked by 2/2 blockades (no exceptions), extra file', config: [blockDocsExceptOwners, blockShell], changes: [srcGo, srcSh, docFile], expected: { '2': [docFile], '3': [srcSh] } },
  { name: 'blocked by 2/2 blockades w/ single file', config: [blockDocsExceptOwners, blockShell], changes: [docSh], expected: { '2': [docSh], '3': [docSh] } },
  { name: 'blocked by 2/2 blockades w/ single file (1/2 exceptions)', config: [blockDocsExceptOwners, blockShell], changes: [docSh, docOwners], expected: { '2': [docSh], '3': [docSh] } },
  { name: 'blocked by 1/2 blockades (1/2 exceptions), extra file', config: [blockDocsExceptOwners, blockShell], changes: [srcSh, docOwners, srcGo], expected: { '3': [srcSh] } },
  { name: 'blocked by 0/2 blockades (1/2 exceptions), extra file', config: [blockDocsExceptOwners, blockShell], changes: [docOwners, srcGo], expected: {} },
  { name: 'blocked by 1/1 blockade on release branch w/ single file', branch: 'release-1.20', config: [blockConformanceOnReleaseBranch], changes: [conformanceYaml], expected: { '6': [conformanceYaml] } },
  { name: "don't block conformance on main branch", branch: 'main', config: [blockConformanceOnReleaseBranch], changes: [conformanceYaml], expected: {} },
  {
    name: 'blocked by 2/2 blockades on release branch (no exceptions), extra file',
    branch: 'release-1.20',
    config: [blockConformanceOnReleaseBranch, blockDocsExceptOwners],
    changes: [conformanceYaml, docFile, srcGo],
    expected: { '2': [docFile], '6': [conformanceYaml] },
  },
  // Beyond Prow's rows.
  { name: 'a blockade of another repository of the org does not apply', config: [{ ...blockDocs, repos: ['org/other'] }], changes: [docFile], expected: {} },
  { name: 'repository names match exactly (no prefix)', config: [{ ...blockDocs, repos: ['org/rep'] }], changes: [docFile], expected: {} },
  { name: 'patterns are unanchored, as Go MatchString', config: [{ repos: ['org'], blockregexps: ['OWNERS'], explanation: 'x' }], changes: [docOwners2], expected: { x: [docOwners2] } },
  { name: 'no explanation: "Files are protected"', config: [{ repos: ['org'], blockregexps: ['^docs/'] }], changes: [docFile], expected: { 'Files are protected': [docFile] } },
  { name: 'a blockade with no block regexps blocks nothing', config: [{ repos: ['org'], exceptionregexps: ['x'], explanation: 'e' }], changes: [docFile], expected: {} },
];

describe('blockade: which files are blocked (Prow TestCalculateBlocks)', () => {
  it.each(calcCases)('$name', ({ branch = '', changes, config, expected }) => {
    // Prepare
    const blockades = applicableBlockades(parse(config), 'org', 'repo', branch);

    // Act
    const summary = calculateBlocks(changes, blockades);

    // Assess
    expect(Object.fromEntries(summary)).toEqual(expected);
  });

  it('a block regexp that cannot be used is left out and said, the others still apply', () => {
    // Prepare: (a+)+ is refused (exponential backtracking in JavaScript).
    const config = parse([{ repos: ['org'], blockregexps: ['(a+)+$', '^docs/'], explanation: 'd' }]);
    const said: string[] = [];

    // Act
    const summary = calculateBlocks([docFile], applicableBlockades(config, 'org', 'repo', 'main', (l) => said.push(l)));

    // Assess
    expect(Object.fromEntries(summary)).toEqual({ d: [docFile] });
    expect(said).toEqual([expect.stringContaining('blockade regexp left out: invalid regular expression "(a+)+$"')]);
  });
});

describe('blockade: the comment (Prow TestSummaryString)', () => {
  it('lists each reason with its files', () => {
    // Prepare
    const summary = new Map([
      ['reason A', [docFile]],
      ['reason B', [srcGo, srcSh]],
    ]);

    // Act
    const text = summaryText(summary);

    // Assess
    expect(text).toBe('#### Reasons for blocking this PR:\n[reason A]\n- [docs/documentation.md](<URL1>)\n\n[reason B]\n- [src/code.go](<URL4>)\n\n- [src/shell.sh](<URL5>)\n\n');
  });

  it('says nothing for no reason', () => {
    expect(summaryText(new Map())).toBe('');
  });
});

describe('blockade: config', () => {
  it('refuses a branchregexp it cannot compile, as Prow does at load', () => {
    // Act
    const result = blockadeConfigSchema.safeParse([{ repos: ['org'], branchregexp: 'release-(', blockregexps: ['.*'] }]);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [0, 'branchregexp'], message: expect.stringContaining('failed to compile blockade branchregexp') });
  });

  it('no section means no blockades', () => {
    expect(blockadeConfigSchema.parse(undefined)).toEqual([]);
  });

  it('a list where a string belongs is an error, not ignored', () => {
    expect(blockadeConfigSchema.safeParse([{ repos: ['org'], blockregexps: 'docs/' }]).success).toBe(false);
  });
});

// The handler, on the pull_request example (Codertocat/Hello-World#2, base master) retargeted.
const org = 'Codertocat';
const repoName = 'Hello-World';
const ref = `${org}/${repoName}#2`;
const headSha = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

function pullRequest(action: string, labels: string[] = []): PullRequestEvent {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));
  return payload as PullRequestEvent;
}

const change = (filename: string) => ({ filename, additions: 1, deletions: 0, changes: 1, status: 'modified' });

async function run(event: PullRequestEvent, config: unknown[], seed: { labels?: string[]; files?: string[]; comments?: { user: string; body: string; type?: string }[] } = {}) {
  const github = new MemoryGitHub();
  github.setPullRequest(ref, { head: { sha: headSha } });
  github.setLabels(ref, seed.labels ?? event.pull_request.labels.map((l) => l.name));
  github.setChanges(ref, (seed.files ?? []).map(change));
  for (const c of seed.comments ?? []) github.addComment(ref, c);
  const ctx = pluginContext<BlockadeConfig, BlockadeGitHub>({ github, config: parse(config), repo: { owner: org, repo: repoName } });
  const outcome = (await blockade.on!.pull_request!(ctx, event)) as Outcome;
  return { github, outcome, ctx };
}

interface HandleCase {
  name: string;
  action: string;
  config: unknown[];
  hasLabel: boolean;
  /** Prow's filesBlock: here the pull request changes docs/documentation.md (blocked by every blockade below) or nothing. */
  filesBlock: boolean;
  labelAdded?: boolean;
  labelRemoved?: boolean;
  commentCreated?: boolean;
}

// Prow's TestHandle, retargeted to the example's repository.
const mine = (b: Record<string, unknown>) => ({ ...b, repos: (b.repos as string[]).map((r) => r.replace(/^org2$/, 'Other').replace(/^org\/repo$/, `${org}/${repoName}`).replace(/^org$/, org)) });
const handleCases: HandleCase[] = [
  { name: 'Boring action', action: 'edited', config: [mine(blockDocsExceptOwners)], hasLabel: false, filesBlock: true },
  { name: 'Basic block', action: 'opened', config: [mine(blockDocsExceptOwners)], hasLabel: false, filesBlock: true, labelAdded: true, commentCreated: true },
  { name: 'Basic block, already labeled', action: 'opened', config: [mine(blockDocsExceptOwners)], hasLabel: true, filesBlock: true },
  { name: 'Not blocked, not labeled', action: 'opened', config: [mine(blockDocsExceptOwners)], hasLabel: false, filesBlock: false },
  { name: 'Not blocked, has label', action: 'opened', config: [mine(blockDocsExceptOwners)], hasLabel: true, filesBlock: false, labelRemoved: true },
  { name: 'No blockade, not labeled', action: 'opened', config: [], hasLabel: false, filesBlock: true },
  { name: 'No blockade, has label', action: 'opened', config: [], hasLabel: true, filesBlock: true, labelRemoved: true },
  { name: 'Basic block (org scoped blockade)', action: 'opened', config: [mine(blockAllOrg)], hasLabel: false, filesBlock: true, labelAdded: true, commentCreated: true },
  { name: 'Would be blocked, but blockade is not applicable; not labeled', action: 'opened', config: [mine(blockAllOther)], hasLabel: false, filesBlock: true },
  // Beyond Prow's rows.
  { name: 'reopened blocks too', action: 'reopened', config: [mine(blockDocs)], hasLabel: false, filesBlock: true, labelAdded: true, commentCreated: true },
  { name: 'synchronize blocks too', action: 'synchronize', config: [mine(blockDocs)], hasLabel: false, filesBlock: true, labelAdded: true, commentCreated: true },
  { name: 'closed is skipped', action: 'closed', config: [mine(blockDocs)], hasLabel: true, filesBlock: false },
  { name: 'labeled is skipped', action: 'labeled', config: [mine(blockDocs)], hasLabel: false, filesBlock: true },
];

describe('blockade: the handler (Prow TestHandle)', () => {
  it.each(handleCases)('$name', async ({ action, config, hasLabel, filesBlock, labelAdded, labelRemoved, commentCreated }) => {
    // Prepare
    const event = pullRequest(action, hasLabel ? [blockedPathsLabel] : []);

    // Act
    const { github } = await run(event, config, { files: filesBlock ? [docFile.filename] : [] });

    // Assess
    const writes = github.writes.filter((w) => !w.startsWith('createComment'));
    expect(writes).toEqual([...(labelAdded ? [`addLabel ${ref} ${blockedPathsLabel}`] : []), ...(labelRemoved ? [`removeLabel ${ref} ${blockedPathsLabel}`] : [])]);
    expect(github.comments.length).toBe(commentCreated ? 1 : 0);
  });
});

describe('blockade: the handler, beyond Prow', () => {
  const config = [{ repos: [`${org}/${repoName}`], blockregexps: ['^docs/'], explanation: 'Docs moved to the website' }];

  it('tells the author which files and why, in Prow words, with links at the head commit', async () => {
    // Act
    const { github, outcome } = await run(pullRequest('opened'), config, { files: ['docs/a b.md', 'src/main.go'] });

    // Assess: the payload's labels decide on opened; only the files are read.
    expect(github.reads).toEqual([`getPullRequestChanges ${ref}`]);
    expect(github.comments).toEqual([
      {
        ref,
        body: expect.stringMatching(
          new RegExp(
            `^@Codertocat: ${escape(blockedPathsBody)}\n\n<details>\n\n#### Reasons for blocking this PR:\n\\[Docs moved to the website\\]\n- \\[docs/a b\\.md\\]\\(https://github\\.com/Codertocat/Hello-World/blob/${headSha}/docs/a%20b\\.md\\)\n\n`,
          ),
        ),
      },
    ]);
    expect(outcome).toEqual({ status: 'ran', reason: `${blockedPathsLabel} added, author told: blocked: Docs moved to the website` });
  });

  it('after a push, reads the labels: a label added for the push before is not added (nor said) twice', async () => {
    // Act: the payload shows no label, GitHub has it.
    const { github } = await run(pullRequest('synchronize'), config, { labels: [blockedPathsLabel], files: ['docs/a.md'] });

    // Assess
    expect(github.reads).toEqual([`getIssueLabels ${ref}`, `getPullRequestChanges ${ref}`]);
    expect(github.writes).toEqual([]);
  });

  it('unblocked: removes the label and deletes only the bot comments that said it', async () => {
    // Prepare
    const said = `@Codertocat: ${blockedPathsBody}\n\n<details>…</details>`;
    const comments = [
      { user: 'skiff-bot', body: said },
      { user: 'someone', body: `quoting: ${blockedPathsBody}` },
      { user: 'skiff-bot', body: 'something else' },
    ];

    // Act
    const { github, outcome } = await run(pullRequest('synchronize'), config, { labels: [blockedPathsLabel], files: ['src/main.go'], comments });

    // Assess
    expect(github.writes).toEqual([`removeLabel ${ref} ${blockedPathsLabel}`, expect.stringMatching(/^deleteComment Codertocat\/Hello-World comment \d+$/)]);
    expect(github.commentsOf(ref).map((c) => c.user)).toEqual(['someone', 'skiff-bot']);
    expect(outcome.reason).toBe(`${blockedPathsLabel} removed, 1 comment(s) deleted: no protected file changed`);
  });

  it('with no blockade for the repository and no label, makes no call at all', async () => {
    // Act
    const { github } = await run(pullRequest('opened'), [{ repos: ['elsewhere'], blockregexps: ['.*'] }], { files: ['docs/a.md'] });

    // Assess
    expect(github.calls).toEqual([]);
  });

  it('the label in another case counts as there', async () => {
    // Act
    const { github } = await run(pullRequest('opened', ['Do-Not-Merge/Blocked-Paths']), config, { files: ['docs/a.md'] });

    // Assess
    expect(github.writes).toEqual([]);
  });

  it('a blockade on release branches does not apply to a pull request into master', async () => {
    // Act
    const { github } = await run(pullRequest('opened'), [{ ...config[0], branchregexp: '^release-' }], { files: ['docs/a.md'] });

    // Assess
    expect(github.calls).toEqual([]);
  });

  it('a failed comment fails the event, to be retried', async () => {
    // Prepare
    const github = new MemoryGitHub().failNext('createComment', new Error('502 Bad Gateway'));
    github.setPullRequest(ref, {});
    github.setChanges(ref, [change('docs/a.md')]);
    const ctx = pluginContext<BlockadeConfig, BlockadeGitHub>({ github, config: parse(config), repo: { owner: org, repo: repoName } });

    // Act / Assess
    await expect(blockade.on!.pull_request!(ctx, pullRequest('opened'))).rejects.toThrow('502 Bad Gateway');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
