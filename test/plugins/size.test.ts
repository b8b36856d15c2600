// The size plugin against real `pull_request` payloads and an in-memory GitHub: which label a
// pull request ends up with, and exactly which writes it took to get there.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { PullRequestChange } from '../../shared/github/client.js';
import type { PluginContext, PluginLogger } from '../../shared/plugins/types.js';
import { pluginContext } from '../fakes/plugin-context.js';
import { size, sizeLabel, type SizeConfig, type SizeGitHub } from '../../shared/plugins/size/index.js';
import { sizeConfigSchema } from '../../shared/plugins/size/config.js';
import { pathPattern } from '../../shared/plugins/size/path-pattern.js';
import { parseGitattributes } from '../../shared/plugins/size/gitattributes.js';
import { loadGeneratedFiles, parseGeneratedFiles } from '../../shared/plugins/size/generated-files.js';
import { MemoryGitHub } from '../fakes/memory-github.js';

// Real payloads from @octokit/webhooks-examples; each case overrides only what it is about.
const pullRequestExample = (action: string) => samplePayload('pull_request', action) as PullRequestEvent;

const opened = pullRequestExample('opened');
const repo = { owner: opened.pull_request.base.repo.owner.login, repo: opened.pull_request.base.repo.name };
const pr = { ...repo, number: opened.pull_request.number };
const ref = `${repo.owner}/${repo.repo}#${pr.number}`; // Codertocat/Hello-World#2
const baseSha = opened.pull_request.base.sha;
const headSha = opened.pull_request.head.sha;

const change = (filename: string, additions: number, deletions = 0): PullRequestChange => ({
  filename,
  additions,
  deletions,
  changes: additions + deletions,
  status: 'modified',
});

function recordingLog(): PluginLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (message) => void warnings.push(message) };
}

function contextFor(github: SizeGitHub, config: SizeConfig) {
  const log = recordingLog();
  const ctx: PluginContext<SizeConfig, SizeGitHub> = { ...pluginContext({ github, config, repo }), log };
  return { ctx, log };
}

interface Case {
  name: string;
  /** The example payload to start from; defaults to `opened`. */
  example?: 'opened' | 'synchronize' | 'closed' | 'labeled';
  /** Overrides the payload's action. */
  action?: string;
  /** The `size` section of plugins.yaml, as written. */
  config?: unknown;
  changes?: PullRequestChange[];
  /** Files at the base commit. */
  files?: Record<string, string>;
  /** Files at the head commit only (must be ignored). */
  headFiles?: Record<string, string>;
  labels?: string[];
  writes: string[];
  finalLabels?: string[];
  status?: 'ran' | 'skipped';
  /** Substrings expected in the warnings, in order. */
  warnings?: string[];
}

// `n` lines in one ordinary file, split between additions and deletions so both are counted.
const lines = (n: number) => [change('pkg/handler.go', Math.ceil(n / 2), Math.floor(n / 2))];

const boundaries: [number, string][] = [
  [0, 'size/XS'],
  [9, 'size/XS'],
  [10, 'size/S'],
  [29, 'size/S'],
  [30, 'size/M'],
  [99, 'size/M'],
  [100, 'size/L'],
  [499, 'size/L'],
  [500, 'size/XL'],
  [999, 'size/XL'],
  [1000, 'size/XXL'],
  [250_000, 'size/XXL'],
];

const cases: Case[] = [
  ...boundaries.map(
    ([n, label]): Case => ({
      name: `${n} lines → ${label}`,
      changes: lines(n),
      writes: [`addLabel ${ref} ${label}`],
      finalLabels: [label],
    }),
  ),
  {
    name: 'additions and deletions of every file are summed',
    changes: [change('a.go', 3, 2), change('b/c.go', 0, 4), change('d.md', 1, 0)],
    writes: [`addLabel ${ref} size/S`],
  },

  // Thresholds from plugins.yaml.
  {
    name: 'custom thresholds: 3 lines with s=1 m=2 l=3 → size/L',
    config: { s: 1, m: 2, l: 3, xl: 4, xxl: 5 },
    changes: lines(3),
    writes: [`addLabel ${ref} size/L`],
  },
  {
    name: 'custom thresholds: the last one is inclusive (5 with xxl=5 → size/XXL)',
    config: { s: 1, m: 2, l: 3, xl: 4, xxl: 5 },
    changes: lines(5),
    writes: [`addLabel ${ref} size/XXL`],
  },
  {
    name: 'custom thresholds: only m raised, 0 for s means the default 10',
    config: { s: 0, m: 50 },
    changes: lines(49),
    writes: [`addLabel ${ref} size/S`],
  },

  // Events.
  {
    name: 'synchronize (new commits) relabels',
    example: 'synchronize',
    labels: ['size/XS'],
    changes: lines(30),
    writes: [`removeLabel ${ref} size/XS`, `addLabel ${ref} size/M`],
    finalLabels: ['size/M'],
  },
  { name: 'reopened labels', action: 'reopened', changes: lines(10), writes: [`addLabel ${ref} size/S`] },
  { name: 'edited (base branch may have changed) labels', action: 'edited', changes: lines(10), writes: [`addLabel ${ref} size/S`] },
  { name: 'closed is skipped', example: 'closed', changes: lines(10), labels: ['bug'], writes: [], status: 'skipped' },
  { name: 'labeled is skipped', example: 'labeled', changes: lines(10), labels: ['bug'], writes: [], status: 'skipped' },
  { name: 'review_requested is skipped', action: 'review_requested', changes: lines(10), writes: [], status: 'skipped' },

  // .generated_files, one row per kind.
  {
    name: '.generated_files path: that exact path only',
    files: { '.generated_files': 'path api/openapi.json\n' },
    changes: [change('api/openapi.json', 900), change('vendor/api/openapi.json', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.generated_files path-prefix',
    files: { '.generated_files': 'path-prefix vendor/\n' },
    changes: [change('vendor/github.com/x/y.go', 900), change('vendor/z.go', 50), change('pkg/vendor/a.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.generated_files prefix (older name of path-prefix, still accepted by Prow)',
    files: { '.generated_files': 'prefix third_party/\n' },
    changes: [change('third_party/lib.c', 900), change('main.c', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.generated_files file-name at any depth, exact',
    files: { '.generated_files': 'file-name generated.pb.go\n' },
    changes: [change('generated.pb.go', 400), change('a/b/c/generated.pb.go', 400), change('a/not_generated.pb.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.generated_files file-prefix matches the file name, not the path',
    files: { '.generated_files': 'file-prefix zz_generated.\n' },
    changes: [change('pkg/apis/zz_generated.deepcopy.go', 800), change('zz_generated/real.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.generated_files paths-from-repo reads more paths from the repo',
    files: {
      '.generated_files': '# Generated docs\npaths-from-repo docs/.generated_docs\n',
      'docs/.generated_docs': '# list\n\ndocs/api.md\n  docs/cli/kubectl.md  \n',
    },
    changes: [change('docs/api.md', 600), change('docs/cli/kubectl.md', 300), change('docs/README.md', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: ".generated_files in Prow's test form: comments, indentation, blank lines, every kind",
    files: {
      '.generated_files': `
        # Comments
        file-name foobar

        path-prefix generated

        paths-from-repo docs/.generated_docs
      `,
      'docs/.generated_docs': `
        # Comments work

        # And empty lines don't matter
        foobar
        mypath1
        mypath2
        mydir/mypath3
      `,
    },
    changes: [
      change('foobar', 10, 10),
      change('barfoo', 5),
      change('generated/what.txt', 30),
      change('generated/my/file.txt', 300),
      change('mypath1', 300),
      change('mydir/mypath3', 300),
    ],
    labels: ['irrelevant', 'size/XS'],
    writes: [],
    finalLabels: ['irrelevant', 'size/XS'],
  },
  {
    name: '.generated_files with CRLF line endings',
    files: { '.generated_files': '# windows\r\nfile-name BUILD\r\npath-prefix vendor/\r\n' },
    changes: [change('BUILD', 500), change('vendor/a.go', 500), change('a.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: 'malformed .generated_files: warns, keeps the valid lines and still labels',
    files: { '.generated_files': 'file-prefix zz_\nwhat is this line anyway?\nbogus-kind x\npath-prefix vendor/\n' },
    changes: [change('zz_gen.go', 500), change('vendor/x.go', 500), change('main.go', 12)],
    writes: [`addLabel ${ref} size/S`],
    warnings: ['line 2: invalid config line: "what is this line anyway?"', 'line 3: unknown kind "bogus-kind"'],
  },
  {
    name: 'paths-from-repo naming a missing file: warns and still labels',
    files: { '.generated_files': 'paths-from-repo docs/.generated_docs\nfile-name BUILD\n' },
    changes: [change('BUILD', 500), change('docs/api.md', 12)],
    writes: [`addLabel ${ref} size/S`],
    warnings: ['paths-from-repo file "docs/.generated_docs" does not exist'],
  },
  {
    name: '.generated_files is read at the base commit, not the head',
    headFiles: { '.generated_files': 'path-prefix vendor/\n', '.gitattributes': 'vendor/** linguist-generated\n' },
    changes: [change('vendor/x.go', 100)],
    writes: [`addLabel ${ref} size/L`],
  },

  // .gitattributes.
  {
    name: '.gitattributes linguist-generated=true, pattern without slash at any depth',
    files: { '.gitattributes': '*.pb.go linguist-generated=true\n' },
    changes: [change('api.pb.go', 400), change('pkg/a/b/api.pb.go', 400), change('pkg/a/api.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: ".gitattributes in Prow's test form (foobar, generated/**/*.txt)",
    files: { '.gitattributes': '\n  # comments\n  foobar linguist-generated=true\n  generated/**/*.txt linguist-generated=true\n' },
    changes: [change('foobar', 10, 10), change('barfoo', 50), change('generated/what.txt', 30), change('generated/my/file.txt', 300)],
    writes: [`addLabel ${ref} size/M`],
  },
  {
    name: '.gitattributes bare linguist-generated, among other attributes',
    files: { '.gitattributes': '*.go text eol=lf\ndist/** -diff linguist-generated\n' },
    changes: [change('dist/bundle.js', 900), change('dist/css/site.css', 90), change('src/app.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes leading slash anchors at the root',
    files: { '.gitattributes': '/api/*.json linguist-generated\n' },
    changes: [change('api/openapi.json', 900), change('pkg/api/openapi.json', 12), change('api/v1/openapi.json', 20)],
    writes: [`addLabel ${ref} size/M`],
  },
  {
    name: '.gitattributes later -linguist-generated wins for the files it matches',
    files: { '.gitattributes': 'gen/** linguist-generated\ngen/handwritten.go -linguist-generated\n' },
    changes: [change('gen/a.go', 900), change('gen/handwritten.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes later linguist-generated=false wins, in nested directories too',
    files: { '.gitattributes': '*.js linguist-generated\nsrc/**/*.js linguist-generated=false\n' },
    changes: [change('dist/app.js', 900), change('src/ui/widgets/button.js', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes earlier negation does not beat a later mark',
    files: { '.gitattributes': 'gen/keep.go -linguist-generated\ngen/** linguist-generated\n' },
    changes: [change('gen/keep.go', 900), change('main.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes !linguist-generated makes it unspecified again',
    files: { '.gitattributes': '*.go linguist-generated\nmain.go !linguist-generated\n' },
    changes: [change('main.go', 12), change('other.go', 900)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes lines about other attributes do not reset it',
    files: { '.gitattributes': '*.pb.go linguist-generated\n*.pb.go -text\n' },
    changes: [change('x.pb.go', 900), change('main.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes directory pattern (vendor/) does not cover the files inside, as in git',
    files: { '.gitattributes': 'vendor/ linguist-generated\n' },
    changes: [change('vendor/x.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },
  {
    name: '.gitattributes negative pattern is skipped with a warning, other lines apply',
    files: { '.gitattributes': '!keep.go linguist-generated\n*.pb.go linguist-generated\n' },
    changes: [change('keep.go', 12), change('x.pb.go', 900)],
    writes: [`addLabel ${ref} size/S`],
    warnings: ['negative patterns are forbidden: "!keep.go"'],
  },
  {
    name: 'generated by either file: .generated_files and .gitattributes together',
    files: { '.generated_files': 'path-prefix vendor/\n', '.gitattributes': '*.pb.go linguist-generated\n' },
    changes: [change('vendor/x.go', 900), change('api/x.pb.go', 900), change('main.go', 12)],
    writes: [`addLabel ${ref} size/S`],
  },

  // Existing labels.
  {
    name: 'stale size label replaced, other labels kept',
    labels: ['lgtm', 'size/XS', 'do-not-merge/hold'],
    changes: lines(100),
    writes: [`removeLabel ${ref} size/XS`, `addLabel ${ref} size/L`],
    finalLabels: ['lgtm', 'do-not-merge/hold', 'size/L'],
  },
  {
    name: 'several size labels: all but the right one removed, no add',
    labels: ['size/XS', 'size/M', 'size/XXL', 'size/?'],
    changes: lines(50),
    writes: [`removeLabel ${ref} size/XS`, `removeLabel ${ref} size/XXL`, `removeLabel ${ref} size/?`],
    finalLabels: ['size/M'],
  },
  {
    name: 'already right: no writes at all',
    labels: ['bug', 'size/M'],
    changes: lines(50),
    writes: [],
    finalLabels: ['bug', 'size/M'],
  },
  {
    name: 'labels merely starting with "size" (no slash) are not size labels',
    labels: ['sizeable', 'size'],
    changes: lines(1),
    writes: [`addLabel ${ref} size/XS`],
    finalLabels: ['sizeable', 'size', 'size/XS'],
  },
];

describe('size plugin', () => {
  it.each(cases)('$name', async (c) => {
    // Prepare
    const event = pullRequestExample(c.example ?? 'opened');
    if (c.action) (event as { action: string }).action = c.action;
    const gh = new MemoryGitHub().setChanges(ref, c.changes ?? []).setLabels(ref, c.labels ?? []);
    for (const [path, text] of Object.entries(c.files ?? {})) gh.setFile(repo, baseSha, path, text);
    for (const [path, text] of Object.entries(c.headFiles ?? {})) gh.setFile(repo, headSha, path, text);
    const { ctx, log } = contextFor(gh, sizeConfigSchema.parse(c.config));

    // Act
    const outcome = await size.on!.pull_request!(ctx, event);

    // Assess
    expect(gh.writes).toEqual(c.writes);
    expect(outcome?.status).toBe(c.status ?? 'ran');
    if (c.finalLabels) expect(gh.labelsOf(ref)).toEqual(c.finalLabels);
    if (c.status === 'skipped') expect(gh.calls).toEqual([]);
    expect(log.warnings).toHaveLength(c.warnings?.length ?? 0);
    c.warnings?.forEach((w, i) => expect(log.warnings[i]).toContain(w));
  });

  it('reads the config files at the base commit, the changes, then the labels once', async () => {
    // Prepare
    const gh = new MemoryGitHub()
      .setFile(repo, baseSha, '.generated_files', 'paths-from-repo docs/.generated_docs\n')
      .setFile(repo, baseSha, 'docs/.generated_docs', 'docs/api.md\n')
      .setChanges(ref, lines(12))
      .setLabels(ref, ['size/S']);
    const { ctx } = contextFor(gh, sizeConfigSchema.parse({}));

    // Act
    const outcome = await size.on!.pull_request!(ctx, pullRequestExample('opened'));

    // Assess
    expect(gh.calls).toEqual([
      `getFile ${repo.owner}/${repo.repo}@${baseSha}:.generated_files`,
      `getFile ${repo.owner}/${repo.repo}@${baseSha}:.gitattributes`,
      `getPullRequestChanges ${ref}`,
      `getFile ${repo.owner}/${repo.repo}@${baseSha}:docs/.generated_docs`,
      `getIssueLabels ${ref}`,
    ]);
    expect(outcome).toEqual({ status: 'ran', reason: '12 lines changed → size/S, already labelled' });
  });

  it('says how many lines and generated files it counted', async () => {
    // Prepare
    const gh = new MemoryGitHub()
      .setFile(repo, baseSha, '.gitattributes', '*.pb.go linguist-generated\n')
      .setChanges(ref, [change('a.pb.go', 500), change('b.pb.go', 500), change('main.go', 1)])
      .setLabels(ref, ['size/L']);
    const { ctx } = contextFor(gh, sizeConfigSchema.parse(undefined));

    // Act
    const outcome = await size.on!.pull_request!(ctx, pullRequestExample('opened'));

    // Assess
    expect(outcome).toEqual({
      status: 'ran',
      reason: '1 line changed (2 generated files not counted) → size/XS, removed size/L',
    });
  });

  describe('when GitHub fails', () => {
    it('a failed label read stops before any write', async () => {
      // Prepare
      const gh = new MemoryGitHub().setChanges(ref, lines(50)).setLabels(ref, ['size/XS']);
      gh.failNext('getIssueLabels', new Error('502 Bad Gateway'));
      const { ctx } = contextFor(gh, sizeConfigSchema.parse({}));

      // Act
      const run = size.on!.pull_request!(ctx, pullRequestExample('opened'));

      // Assess
      await expect(run).rejects.toThrow('502 Bad Gateway');
      expect(gh.writes).toEqual([]);
    });

    it('a failed file read (other than absent) fails the event', async () => {
      // Prepare
      const gh = new MemoryGitHub().setChanges(ref, lines(50));
      gh.failNext('getFile', new Error('500 Internal Server Error'));
      const { ctx } = contextFor(gh, sizeConfigSchema.parse({}));

      // Act
      const run = size.on!.pull_request!(ctx, pullRequestExample('opened'));

      // Assess
      await expect(run).rejects.toThrow('500 Internal Server Error');
      expect(gh.writes).toEqual([]);
    });

    it('a failed removal still adds the right label, then fails so the event is retried', async () => {
      // Prepare
      const gh = new MemoryGitHub().setChanges(ref, lines(50)).setLabels(ref, ['size/XS', 'size/L']);
      gh.failNext('removeLabel', new Error('403 Forbidden'));
      const { ctx } = contextFor(gh, sizeConfigSchema.parse({}));

      // Act
      const run = size.on!.pull_request!(ctx, pullRequestExample('opened'));

      // Assess
      await expect(run).rejects.toThrow(`failed to remove size/XS from ${ref}`);
      expect(gh.writes).toEqual([`removeLabel ${ref} size/L`, `addLabel ${ref} size/M`]);
      expect(gh.labelsOf(ref)).toEqual(['size/XS', 'size/M']);
    });

    it('a failed add fails the event with the label and PR in the message', async () => {
      // Prepare
      const gh = new MemoryGitHub().setChanges(ref, lines(50));
      const cause = new Error('422 Unprocessable Entity');
      gh.failNext('addLabel', cause);
      const { ctx } = contextFor(gh, sizeConfigSchema.parse({}));

      // Act
      const run = size.on!.pull_request!(ctx, pullRequestExample('opened'));

      // Assess
      await expect(run).rejects.toMatchObject({ message: `failed to add label size/M to ${ref}`, cause });
    });
  });
});

describe('sizeLabel', () => {
  const sizes = sizeConfigSchema.parse({});
  it.each(boundaries)('%i lines → %s', (n, label) => {
    expect(sizeLabel(n, sizes)).toBe(label);
  });
});

describe('size config schema', () => {
  const defaults = { s: 10, m: 30, l: 100, xl: 500, xxl: 1000 };

  it.each([
    { name: 'absent section → defaults', input: undefined, want: defaults },
    { name: 'empty section (`size:`) → defaults', input: null, want: defaults },
    { name: 'empty object → defaults', input: {}, want: defaults },
    { name: '0 means the default, as in Prow', input: { s: 0, m: 0, l: 0, xl: 0, xxl: 0 }, want: defaults },
    { name: 'partial: only xxl', input: { xxl: 2000 }, want: { ...defaults, xxl: 2000 } },
    { name: "Prow's custom example", input: { s: 12, m: 15, l: 17, xl: 21, xxl: 51 }, want: { s: 12, m: 15, l: 17, xl: 21, xxl: 51 } },
  ])('$name', ({ input, want }) => {
    expect(sizeConfigSchema.parse(input)).toEqual(want);
  });

  it.each([
    {
      name: 'decreasing thresholds',
      input: { s: 50, m: 40 },
      message: 'size thresholds must increase (s < m < l < xl < xxl, after 0 or absent becomes the default); m must be greater than s, got s=50, m=40, l=100, xl=500, xxl=1000',
    },
    {
      name: 'equal thresholds',
      input: { l: 30 },
      message: 'l must be greater than m, got s=10, m=30, l=30, xl=500, xxl=1000',
    },
    {
      // Prow accepts this (its own size_test.go uses it) and labels everything XXL.
      name: 'small thresholds that fall below a default (s=0 → 10 > m=1)',
      input: { s: 0, m: 1, l: 2, xl: 3, xxl: 4 },
      message: 'm must be greater than s, got s=10, m=1',
    },
    { name: 'negative', input: { s: -1 }, message: '>=0' },
    { name: 'fractional', input: { m: 2.5 }, message: 'expected int' },
    { name: 'string', input: { m: '30' }, message: 'expected number' },
    { name: 'upper-case key', input: { XL: 500 }, message: 'Unrecognized key: "XL"' },
  ])('rejects $name', ({ input, message }) => {
    const result = sizeConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});

describe('.gitattributes path patterns (git wildmatch)', () => {
  it.each([
    // No slash: the file name, at any depth.
    { pattern: '*.go', path: 'main.go', match: true },
    { pattern: '*.go', path: 'a/b/main.go', match: true },
    { pattern: '*.go', path: 'a.go/readme', match: false },
    { pattern: 'BUILD', path: 'x/y/BUILD', match: true },
    { pattern: 'BUILD', path: 'BUILD.bazel', match: false },
    { pattern: 'abc.json', path: 'a/abc.json', match: true },
    { pattern: 'vendor', path: 'vendor/x.go', match: false },
    { pattern: '**', path: 'any/thing/at/all', match: true },
    // A slash anchors at the root; `*` and `?` stay within one segment.
    { pattern: '/BUILD', path: 'BUILD', match: true },
    { pattern: '/BUILD', path: 'a/BUILD', match: false },
    { pattern: 'a/*.json', path: 'a/abc.json', match: true },
    { pattern: 'a/*.json', path: 'a/b/abc.json', match: false },
    { pattern: 'a/*.json', path: 'x/a/abc.json', match: false },
    { pattern: '*/abc.json', path: 'a/abc.json', match: true },
    { pattern: '*/abc.json', path: 'a/b/abc.json', match: false },
    { pattern: 'a/?.go', path: 'a/b.go', match: true },
    { pattern: 'a/?.go', path: 'a/bc.go', match: false },
    // `**` between slashes spans directories.
    { pattern: '**/abc.json', path: 'abc.json', match: true },
    { pattern: '**/abc.json', path: 'a/b/abc.json', match: true },
    { pattern: '**/abc.js', path: 'a/b/abc.json', match: false },
    { pattern: 'a/**', path: 'a/b/abc.json', match: true },
    { pattern: 'a/**', path: 'a', match: false },
    { pattern: 'a/**', path: 'ab/c', match: false },
    { pattern: 'a/**/b', path: 'a/b', match: true },
    { pattern: 'a/**/b', path: 'a/x/y/b', match: true },
    { pattern: 'a/**/b', path: 'a/x/yb', match: false },
    { pattern: 'generated/**/*.txt', path: 'generated/what.txt', match: true },
    { pattern: 'generated/**/*.txt', path: 'generated/my/file.txt', match: true },
    { pattern: 'generated/**/*.txt', path: 'generated/a.txt/b.go', match: false },
    { pattern: '**/testdata/**', path: 'pkg/x/testdata/golden/out.json', match: true },
    // `**` glued to other characters is a plain `*`.
    { pattern: 'a/x**y', path: 'a/xzzy', match: true },
    { pattern: 'a/x**y', path: 'a/xz/zy', match: false },
    // Classes.
    { pattern: '[abc].go', path: 'b.go', match: true },
    { pattern: '[abc].go', path: 'd.go', match: false },
    { pattern: '[!abc].go', path: 'd.go', match: true },
    { pattern: '[^abc].go', path: 'a.go', match: false },
    { pattern: '[a-c]x', path: 'bx', match: true },
    { pattern: '[a-c]x', path: 'dx', match: false },
    { pattern: '[]]x', path: ']x', match: true },
    { pattern: '[a-]x', path: '-x', match: true },
    { pattern: '[[:digit:]]*.txt', path: '1a.txt', match: true },
    { pattern: '[[:digit:]]*.txt', path: 'a.txt', match: false },
    { pattern: 'a[[:space:]]b', path: 'a b', match: true },
    { pattern: 'a/[!x]/b', path: 'a///b', match: false },
    // Patterns git gives up on match nothing.
    { pattern: '[[:bogus:]]', path: 'b', match: false },
    { pattern: '[abc', path: '[abc', match: false },
    { pattern: 'a\\', path: 'a\\', match: false },
    { pattern: 'dir/', path: 'dir/x', match: false },
    // Escapes and RegExp metacharacters are literal.
    { pattern: 'a\\*b', path: 'a*b', match: true },
    { pattern: 'a\\*b', path: 'axb', match: false },
    { pattern: 'a+b(c)|d$.txt', path: 'a+b(c)|d$.txt', match: true },
    { pattern: '*.min.js', path: 'dist/app.minXjs', match: false },
    { pattern: 'über/*.go', path: 'über/a.go', match: true },
    // Case-sensitive, as on GitHub.
    { pattern: '*.GO', path: 'main.go', match: false },
  ])('$pattern vs $path → $match', ({ pattern, path, match }) => {
    expect(pathPattern(pattern)(path)).toBe(match);
  });
});

describe('.gitattributes linguist-generated', () => {
  it.each([
    { name: 'absent file', text: undefined, path: 'a.go', generated: false },
    { name: 'set', text: 'a.go linguist-generated', path: 'a.go', generated: true },
    { name: '=true', text: 'a.go linguist-generated=true', path: 'a.go', generated: true },
    { name: 'any value but false counts (Linguist)', text: 'a.go linguist-generated=1', path: 'a.go', generated: true },
    { name: '=false', text: 'a.go linguist-generated=false', path: 'a.go', generated: false },
    { name: 'unset', text: '* linguist-generated\na.go -linguist-generated', path: 'a.go', generated: false },
    { name: 'unspecified', text: '* linguist-generated\na.go !linguist-generated', path: 'a.go', generated: false },
    { name: 'last token on a line wins', text: 'a.go -linguist-generated linguist-generated', path: 'a.go', generated: true },
    { name: 'other attributes only', text: 'a.go linguist-vendored binary', path: 'a.go', generated: false },
    { name: 'prefix of the name is another attribute', text: 'a.go linguist-generated-ish', path: 'a.go', generated: false },
    { name: 'comment', text: '# a.go linguist-generated', path: 'a.go', generated: false },
    { name: 'macro definition names no path', text: '[attr]gen linguist-generated', path: '[attr]gen', generated: false },
    { name: 'CRLF and tabs', text: 'x.go\tlinguist-generated\r\na.go\t  linguist-generated  \r\n', path: 'a.go', generated: true },
    { name: 'quoted pattern with a space', text: '"my file.txt" linguist-generated', path: 'docs/my file.txt', generated: true },
    { name: 'quoted pattern with an octal UTF-8 escape', text: '"\\303\\274.txt" linguist-generated', path: 'ü.txt', generated: true },
  ])('$name', ({ text, path, generated }) => {
    expect(parseGitattributes(text).isGenerated(path)).toBe(generated);
  });

  it('warns about lines git rejects and keeps the rest', () => {
    const attrs = parseGitattributes('!a.go linguist-generated\n"unterminated linguist-generated\nb.go linguist-generated\n');
    expect(attrs.warnings).toEqual([
      '.gitattributes line 1: negative patterns are forbidden: "!a.go"',
      '.gitattributes line 2: unterminated quoted pattern: "\\"unterminated linguist-generated"',
    ]);
    expect(attrs.isGenerated('b.go')).toBe(true);
  });
});

describe('.generated_files', () => {
  it("parses Prow's k8s example", () => {
    const parsed = parseGeneratedFiles(`# Files that should be ignored by tools which do not want to consider generated
# code.
file-prefix zz_generated.

file-name   BUILD
file-name   generated.pb.go

path-prefix Godeps/
path-prefix vendor/

paths-from-repo docs/.generated_docs`);
    expect(parsed).toEqual({
      rules: {
        paths: new Set(),
        pathPrefixes: new Set(['Godeps/', 'vendor/']),
        fileNames: new Set(['BUILD', 'generated.pb.go']),
        filePrefixes: new Set(['zz_generated.']),
      },
      pathsFromRepo: ['docs/.generated_docs'],
      errors: [],
    });
  });

  it.each([
    { line: 'badline', error: '.generated_files line 1: invalid config line: "badline"' },
    { line: 'path a b', error: '.generated_files line 1: invalid config line: "path a b"' },
    { line: 'Path a', error: '.generated_files line 1: unknown kind "Path": "Path a"' },
  ])('reports $line', ({ line, error }) => {
    expect(parseGeneratedFiles(line).errors).toEqual([error]);
  });

  it('reads each paths-from-repo file and matches its paths exactly', async () => {
    const files: Record<string, string> = {
      '.generated_files': 'paths-from-repo a.list\npaths-from-repo b.list\n',
      'a.list': 'x/one.md\n',
      'b.list': '# two\nx/two.md\n',
    };
    const read: string[] = [];
    const generated = await loadGeneratedFiles(async (path) => (read.push(path), files[path]));
    expect(read).toEqual(['.generated_files', 'a.list', 'b.list']);
    expect(['x/one.md', 'x/two.md', 'x/three.md', 'one.md'].map(generated.isGenerated)).toEqual([true, true, false, false]);
    expect(generated.warnings).toEqual([]);
  });

  it('absent file: nothing is generated, no warning', async () => {
    const generated = await loadGeneratedFiles(async () => undefined);
    expect(generated.isGenerated('vendor/a.go')).toBe(false);
    expect(generated.warnings).toEqual([]);
  });
});
