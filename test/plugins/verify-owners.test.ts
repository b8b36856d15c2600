// The verify-owners plugin against real payloads and the in-memory GitHub. Prow's tables from
// verify-owners_test.go (TestHandle, TestNonCollaborators, TestHandleGenericComment,
// TestOwnersRemoval, TestHandleParseAliasesConfigWarningLabels) with their file and patch data:
// Prow hands its code a patch, Skiff reads the file at the base and head commits, so each Prow
// patch becomes the base text (its context and removed lines) under the same head file. Then
// Skiff's own rows: one comment across events, config keys, trust rules, and the comment's text.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { PullRequestChange } from '../../shared/github/client.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { ownersDirDenylistSection, ownersSection } from '../../shared/owners/config.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { addedLines, isNewlyAdded } from '../../shared/plugins/verify-owners/check.js';
import { invalidOwnersLabel, verifyOwners } from '../../shared/plugins/verify-owners/index.js';
import { emptyAliasesMessage, isVerifyOwnersComment, untrustedMessage } from '../../shared/plugins/verify-owners/message.js';
import { aboutThisBot } from '../../shared/plugins/respond.js';
import type { CommentSeed } from '../fakes/github-server.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const opened = samplePayload('pull_request', 'opened') as PullRequestEvent;
const repo = { owner: opened.repository.owner.login, repo: opened.repository.name }; // Codertocat/Hello-World
const number = opened.pull_request.number;
const ref = `${repo.owner}/${repo.repo}#${number}`;
const author = opened.pull_request.user.login;
const baseSha = 'b'.repeat(40);
const headSha = 'h'.repeat(40);
const label = invalidOwnersLabel;
const addLabel = `addLabel ${ref} ${label}`;
const removeLabel = `removeLabel ${ref} ${label}`;

// verify-owners_test.go's fixtures, verbatim.
const ownerFiles = {
  emptyApprovers: 'approvers:\nreviewers:\n- alice\n- bob\nlabels:\n- label1\n',
  emptyApproversFilters: 'filters:\n  ".*":\n    approvers:\n    reviewers:\n    - alice\n    - bob\n    labels:\n    - label1\n',
  invalidSyntax: 'approvers:\n- jdoe\nreviewers:\n- alice\n- bob\nlabels\n- label1\n',
  invalidSyntaxFilters: 'filters:\n  ".*":\n    approvers:\n    - jdoe\n    reviewers:\n    - alice\n    - bob\n    labels\n    - label1\n',
  invalidLabels: 'approvers:\n- jdoe\nreviewers:\n- alice\n- bob\nlabels:\n- lgtm\n',
  invalidLabelsFilters: 'filters:\n  ".*":\n    approvers:\n    - jdoe\n    reviewers:\n    - alice\n    - bob\n    labels:\n    - lgtm\n',
  noApprovers: 'reviewers:\n- alice\n- bob\nlabels:\n- label1\n',
  noApproversFilters: 'filters:\n  ".*":\n    reviewers:\n    - alice\n    - bob\n    labels:\n    - label1\n',
  valid: 'approvers:\n- jdoe\nreviewers:\n- alice\n- bob\nlabels:\n- label1\n',
  validFilters: 'filters:\n  ".*":\n    approvers:\n    - jdoe\n    reviewers:\n    - alice\n    - bob\n    labels:\n    - label1\n',
  referencesToBeAddedAlias: 'approvers:\n- not-yet-existing-alias\n',
};
const ownerAliasesFiles = {
  toBeAddedAlias: 'aliases:\n  not-yet-existing-alias:\n  - bob\n',
  invalidOwnersAliases: 'aliases:\n  approvers:\n  - alice\n  - bob\n  -\n',
};
const ownersFiles = {
  nonCollaborators: 'reviewers:\n- phippy\n- alice\napprovers:\n- zee\n- bob\n',
  collaboratorsWithAliases: 'reviewers:\n- foo-reviewers\n- alice\napprovers:\n- bob\n',
  nonCollaboratorsWithAliases: 'reviewers:\n- foo-reviewers\n- alice\n- goldie\napprovers:\n- bob\n',
};
const ownersPatch = {
  collaboratorAdditions: '@@ -1,4 +1,6 @@\n reviewers:\n - phippy\n+- alice\n approvers:\n - zee\n+- bob\n',
  collaboratorRemovals: '@@ -1,8 +1,6 @@\n reviewers:\n - phippy\n - alice\n-- bob\n approvers:\n - zee\n - bob\n-- alice\n',
  nonCollaboratorAdditions: '@@ -1,4 +1,6 @@\n reviewers:\n+- phippy\n - alice\n approvers:\n+- zee\n - bob\n',
  nonCollaboratorRemovals: '@@ -1,8 +1,6 @@\n reviewers:\n - phippy\n - alice\n-- al\n approvers:\n - zee\n - bob\n-- bo\n',
  nonCollaboratorsWithAliases: '@@ -1,4 +1,6 @@\n reviewers:\n+- foo-reviewers\n - alice\n+- goldie\n approvers:\n - bob\n',
  collaboratorsWithAliases: '@@ -1,2 +1,5 @@\n+reviewers:\n+- foo-reviewers\n+- alice\n approvers:\n - bob\n',
};
const ownersAliases = {
  nonCollaborators: 'aliases:\n  foo-reviewers:\n  - alice\n  - phippy\n  - zee\n',
  collaborators: 'aliases:\n  foo-reviewers:\n  - alice\n',
  emptyAliasGroupOwnersAliasesWithEmptyBraces: 'aliases:\n  foo-reviewers:\n  - alice\n  empty-aliases-group: {}\n',
};
const ownersAliasesPatch = {
  nonCollaboratorAdditions: '@@ -1,3 +1,5 @@\n aliases:\n   foo-reviewers:\n   - alice\n+  - phippy\n+  - zee\n',
  nonCollaboratorRemovals: '@@ -1,6 +1,5 @@\n aliases:\n   foo-reviewers:\n   - alice\n-  - al\n   - phippy\n   - zee\n',
  collaboratorAdditions: '@@ -1,4 +1,5 @@\n aliases:\n   foo-reviewers:\n+  - alice\n   - phippy\n   - zee\n',
  collaboratorRemovals: '@@ -1,6 +1,5 @@\n aliases:\n   foo-reviewers:\n   - alice\n-  - bob\n   - phippy\n   - zee\n',
};

/** The file a patch was made against: its context and removed lines. */
const oldSide = (patch: string) =>
  patch
    .split('\n')
    .filter((l) => l.startsWith(' ') || l.startsWith('-'))
    .map((l) => l.slice(1))
    .join('\n') + '\n';

interface Scenario {
  /** Files at the base commit. */
  base?: Record<string, string>;
  /** The changed files' text at the head commit. */
  head?: Record<string, string>;
  /** Changed files (status `modified`), plus removed ones and renames. */
  changed?: string[];
  removed?: string[];
  changes?: PullRequestChange[];
  labels?: string[];
  /** Prow's fake: alice, bob and jdoe are collaborators. */
  collaborators?: string[];
  orgMembers?: string[];
  /** The `owners:` section as written in plugins.yaml. */
  owners?: unknown;
  /** config.yaml's `owners_dir_denylist` as written (Prow's preconfigured patterns apply without it). */
  denylist?: unknown;
  comments?: CommentSeed[];
  prBody?: string;
}

const modified = (filename: string, status = 'modified'): PullRequestChange => ({ filename, additions: 1, deletions: 0, changes: 1, status });

function setup(s: Scenario) {
  const github = new MemoryGitHub();
  for (const [path, text] of Object.entries(s.base ?? {})) github.setFile(repo, baseSha, path, text);
  for (const [path, text] of Object.entries(s.head ?? {})) github.setFile(repo, headSha, path, text);
  github.setChanges(ref, [...(s.changed ?? []).map((f) => modified(f)), ...(s.removed ?? []).map((f) => modified(f, 'removed')), ...(s.changes ?? [])]);
  github.setLabels(ref, s.labels ?? []);
  for (const login of s.collaborators ?? ['alice', 'bob', 'jdoe']) github.setRole(repo, login, 'write');
  if (s.orgMembers) github.setOrgMembers(repo.owner, s.orgMembers);
  github.setPullRequest(ref, { author, body: s.prBody ?? '', head: { sha: headSha }, base: { sha: baseSha } });
  for (const c of s.comments ?? []) github.addComment(ref, c);
  const ctx = pluginContext({
    github,
    config: undefined,
    repo,
    sections: { owners: ownersSection.schema.parse(s.owners), owners_dir_denylist: ownersDirDenylistSection.schema.parse(s.denylist) },
  });
  const event = {
    ...opened,
    pull_request: {
      ...opened.pull_request,
      body: s.prBody ?? '',
      head: { ...opened.pull_request.head, sha: headSha },
      base: { ...opened.pull_request.base, sha: baseSha },
    },
  } as PullRequestEvent;
  return { github, ctx, event };
}

const posted = (github: MemoryGitHub) => github.commentsOf(ref).filter((c) => c.user === 'skiff-bot');

/** A real issue_comment payload on the pull request, as the hook generalises it. */
function comment(body: string, { action = 'created', onPR = true, state = 'open' } = {}): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.issue.number = number;
  payload.issue.state = state;
  if (onPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

describe("verify-owners: Prow's TestHandle", () => {
  interface Row {
    name: string;
    filesChanged?: string[];
    filesRemoved?: string[];
    ownersFile?: keyof typeof ownerFiles | keyof typeof ownerAliasesFiles;
    /** Files the base branch gets after the pull request branched (Prow merges them in). */
    baseAfterPR?: Record<string, string>;
    shouldLabel: boolean;
  }
  const rows: Row[] = [
    { name: 'no OWNERS file', filesChanged: ['a.go', 'b.go'], ownersFile: 'valid', shouldLabel: false },
    { name: 'no OWNERS file with filters', filesChanged: ['a.go', 'b.go'], ownersFile: 'validFilters', shouldLabel: false },
    { name: 'good OWNERS file', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'valid', shouldLabel: false },
    { name: 'good OWNERS file with filters', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'validFilters', shouldLabel: false },
    { name: 'invalid syntax OWNERS file', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'invalidSyntax', shouldLabel: true },
    { name: 'invalid syntax OWNERS file with filters', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'invalidSyntaxFilters', shouldLabel: true },
    { name: 'forbidden labels in OWNERS file', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'invalidLabels', shouldLabel: true },
    { name: 'forbidden labels in OWNERS file with filters', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'invalidLabelsFilters', shouldLabel: true },
    { name: 'empty approvers in OWNERS file', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'emptyApprovers', shouldLabel: true },
    { name: 'empty approvers in OWNERS file with filters', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'emptyApproversFilters', shouldLabel: true },
    { name: 'no approvers in OWNERS file', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'noApprovers', shouldLabel: true },
    { name: 'no approvers in OWNERS file with filters', filesChanged: ['OWNERS', 'b.go'], ownersFile: 'noApproversFilters', shouldLabel: true },
    { name: 'no approvers in pkg/OWNERS file', filesChanged: ['pkg/OWNERS', 'b.go'], ownersFile: 'noApprovers', shouldLabel: false },
    { name: 'no approvers in pkg/OWNERS file with filters', filesChanged: ['pkg/OWNERS', 'b.go'], ownersFile: 'noApproversFilters', shouldLabel: false },
    { name: 'OWNERS file was removed', filesRemoved: ['pkg/OWNERS'], ownersFile: 'valid', shouldLabel: false },
    { name: 'OWNERS_ALIASES file was removed', filesRemoved: ['OWNERS_ALIASES'], shouldLabel: false },
    {
      name: 'new alias added after a PR references that alias',
      filesChanged: ['OWNERS'],
      ownersFile: 'referencesToBeAddedAlias',
      baseAfterPR: { OWNERS_ALIASES: ownerAliasesFiles.toBeAddedAlias },
      shouldLabel: false,
    },
    { name: 'invalid OWNERS_ALIASES', filesChanged: ['OWNERS_ALIASES'], ownersFile: 'invalidOwnersAliases', shouldLabel: true },
  ];
  const contentOf = (file: string, key: Row['ownersFile']) => {
    if (file.includes('OWNERS_ALIASES')) return (ownerAliasesFiles as Record<string, string>)[key ?? ''] ?? '';
    if (file.includes('OWNERS')) return (ownerFiles as Record<string, string>)[key ?? ''] ?? '';
    return 'foo';
  };

  it.each(rows)('$name', async (row) => {
    // Prepare: removed files were on the base; changed ones are at the head.
    const base = Object.fromEntries((row.filesRemoved ?? []).map((f) => [f, contentOf(f, row.ownersFile)]));
    const head = Object.fromEntries((row.filesChanged ?? []).map((f) => [f, contentOf(f, row.ownersFile)]));
    const { github, ctx, event } = setup({ base: { ...base, ...row.baseAfterPR }, head, changed: row.filesChanged, removed: row.filesRemoved });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes.includes(addLabel)).toBe(row.shouldLabel);
    expect(posted(github)).toHaveLength(row.shouldLabel ? 1 : 0);
  });
});

describe('verify-owners: what the comment says about a bad file', () => {
  interface Row {
    name: string;
    path: string;
    text: string;
    owners?: unknown;
    /** The reply's first lines, after `@author: `. */
    says: string;
  }
  const rows: Row[] = [
    {
      name: 'a syntax error, with its line',
      path: 'OWNERS',
      text: ownerFiles.invalidSyntax,
      says: '1 invalid OWNERS file\n\n- `OWNERS`: Cannot parse file: OWNERS:6:1: cannot parse: Implicit keys need to be on a single line.',
    },
    {
      name: 'a syntax error inside filters, with its line',
      path: 'pkg/OWNERS',
      text: ownerFiles.invalidSyntaxFilters,
      says: '1 invalid OWNERS file\n\n- `pkg/OWNERS`: Cannot parse file: pkg/OWNERS:8:5: cannot parse: Implicit keys need to be on a single line.',
    },
    {
      name: 'banned labels (the default denylist), in Go list form',
      path: 'docs/OWNERS',
      text: 'approvers: [jdoe]\nlabels: [lgtm, approved, kind/docs]\n',
      says: '1 invalid OWNERS file\n\n- `docs/OWNERS`: File contains banned labels: [approved lgtm].',
    },
    {
      name: 'banned labels from owners.labels_denylist replace the default',
      path: 'OWNERS',
      text: 'approvers: [jdoe]\nlabels: [lgtm, priority/critical-urgent]\n',
      owners: { labels_denylist: ['priority/critical-urgent'] },
      says: '1 invalid OWNERS file\n\n- `OWNERS`: File contains banned labels: [priority/critical-urgent].',
    },
    {
      name: 'no approvers in the root OWNERS file',
      path: 'OWNERS',
      text: ownerFiles.noApprovers,
      says: '1 invalid OWNERS file\n\n- `OWNERS`: No approvers defined in this root directory OWNERS file.',
    },
    {
      name: 'a filter regex that does not compile',
      path: 'OWNERS',
      text: 'filters:\n  "(unclosed":\n    approvers: [jdoe]\n',
      says: '1 invalid OWNERS file\n\n- `OWNERS`: Cannot parse file: OWNERS:',
    },
  ];

  it.each(rows)('$name', async (row) => {
    // Prepare
    const { github, ctx, event } = setup({ head: { [row.path]: row.text }, changed: [row.path], owners: row.owners });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess: Prow's reply format, addressed to the author.
    const [only] = posted(github);
    expect(only?.body.startsWith(`@${author}: ${row.says}`)).toBe(true);
    expect(only?.body).toContain(aboutThisBot);
    expect(github.labelsOf(ref)).toEqual([label]);
  });

  it('two bad files: one comment naming both, in path order', async () => {
    // Prepare
    const { github, ctx, event } = setup({ head: { 'z/OWNERS': ownerFiles.invalidLabels, OWNERS: ownerFiles.noApprovers }, changed: ['z/OWNERS', 'OWNERS'] });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(posted(github).map((c) => c.body.split('\n\n<details>')[0])).toEqual([
      `@${author}: 2 invalid OWNERS files\n\n- \`OWNERS\`: No approvers defined in this root directory OWNERS file.\n- \`z/OWNERS\`: File contains banned labels: [lgtm].`,
    ]);
  });
});

describe("verify-owners: Prow's TestNonCollaborators", () => {
  const notTrusted = 'User is not a member of the org. User is not a collaborator.';
  interface Row {
    name: string;
    filesChanged: string[];
    ownersFile?: keyof typeof ownersFiles;
    ownersPatch?: keyof typeof ownersPatch;
    ownersAliasesFile?: keyof typeof ownersAliases;
    ownersAliasesPatch?: keyof typeof ownersAliasesPatch;
    skipTrustedUserCheck?: boolean;
    /** Prow's includeVendorOwners: the preconfigured `vendor/.*\/.*` denylist pattern is off. */
    includeVendorOwners?: boolean;
    shouldLabel: boolean;
    commentShouldContain?: string;
  }
  const rows: Row[] = [
    { name: 'collaborators additions in OWNERS file', filesChanged: ['OWNERS'], ownersFile: 'nonCollaborators', ownersPatch: 'collaboratorAdditions', shouldLabel: false },
    { name: 'collaborators removals in OWNERS file', filesChanged: ['OWNERS'], ownersFile: 'nonCollaborators', ownersPatch: 'collaboratorRemovals', shouldLabel: false },
    {
      name: 'non-collaborators additions in OWNERS file',
      filesChanged: ['OWNERS'],
      ownersFile: 'nonCollaborators',
      ownersPatch: 'nonCollaboratorAdditions',
      shouldLabel: true,
      commentShouldContain: notTrusted,
    },
    { name: 'non-collaborators removal in OWNERS file', filesChanged: ['OWNERS'], ownersFile: 'nonCollaborators', ownersPatch: 'nonCollaboratorRemovals', shouldLabel: false },
    {
      name: 'non-collaborators additions in OWNERS file, with skipTrustedUserCheck=true',
      filesChanged: ['OWNERS'],
      ownersFile: 'nonCollaborators',
      ownersPatch: 'nonCollaboratorAdditions',
      skipTrustedUserCheck: true,
      shouldLabel: false,
    },
    {
      name: 'non-collaborators additions in OWNERS_ALIASES file',
      filesChanged: ['OWNERS_ALIASES'],
      ownersFile: 'collaboratorsWithAliases',
      ownersAliasesFile: 'nonCollaborators',
      ownersAliasesPatch: 'nonCollaboratorAdditions',
      shouldLabel: true,
      commentShouldContain: notTrusted,
    },
    {
      name: 'non-collaborators removals in OWNERS_ALIASES file',
      filesChanged: ['OWNERS_ALIASES'],
      ownersFile: 'collaboratorsWithAliases',
      ownersAliasesFile: 'nonCollaborators',
      ownersAliasesPatch: 'nonCollaboratorRemovals',
      shouldLabel: false,
    },
    {
      name: 'collaborators additions in OWNERS_ALIASES file',
      filesChanged: ['OWNERS_ALIASES'],
      ownersFile: 'collaboratorsWithAliases',
      ownersAliasesFile: 'nonCollaborators',
      ownersAliasesPatch: 'collaboratorAdditions',
      shouldLabel: false,
    },
    {
      name: 'collaborators removals in OWNERS_ALIASES file',
      filesChanged: ['OWNERS_ALIASES'],
      ownersFile: 'collaboratorsWithAliases',
      ownersAliasesFile: 'nonCollaborators',
      ownersAliasesPatch: 'collaboratorRemovals',
      shouldLabel: false,
    },
    {
      name: 'non-collaborators additions in OWNERS_ALIASES file, with skipTrustedUserCheck=true',
      filesChanged: ['OWNERS_ALIASES'],
      ownersFile: 'collaboratorsWithAliases',
      ownersAliasesFile: 'nonCollaborators',
      ownersAliasesPatch: 'nonCollaboratorAdditions',
      skipTrustedUserCheck: true,
      shouldLabel: false,
    },
    {
      name: 'non-collaborators additions in both OWNERS and OWNERS_ALIASES file',
      filesChanged: ['OWNERS', 'OWNERS_ALIASES'],
      ownersFile: 'nonCollaboratorsWithAliases',
      ownersPatch: 'nonCollaboratorsWithAliases',
      ownersAliasesFile: 'nonCollaborators',
      ownersAliasesPatch: 'nonCollaboratorAdditions',
      shouldLabel: true,
      commentShouldContain: notTrusted,
    },
    {
      name: 'collaborator additions in both OWNERS and OWNERS_ALIASES file',
      filesChanged: ['OWNERS', 'OWNERS_ALIASES'],
      ownersFile: 'collaboratorsWithAliases',
      ownersPatch: 'collaboratorsWithAliases',
      ownersAliasesFile: 'collaborators',
      ownersAliasesPatch: 'collaboratorAdditions',
      shouldLabel: false,
    },
    {
      name: 'non-collaborators additions in OWNERS file in vendor dir',
      filesChanged: ['vendor/OWNERS'],
      ownersFile: 'nonCollaborators',
      ownersPatch: 'nonCollaboratorAdditions',
      shouldLabel: true,
      commentShouldContain: notTrusted,
    },
    {
      name: 'non-collaborators additions in OWNERS file in vendor subdir',
      filesChanged: ['vendor/k8s.io/client-go/OWNERS'],
      ownersFile: 'nonCollaborators',
      ownersPatch: 'nonCollaboratorAdditions',
      shouldLabel: false,
    },
    {
      name: 'non-collaborators additions in OWNERS file in vendor subdir, but include it',
      filesChanged: ['vendor/k8s.io/client-go/OWNERS'],
      ownersFile: 'nonCollaborators',
      ownersPatch: 'nonCollaboratorAdditions',
      includeVendorOwners: true,
      shouldLabel: true,
      commentShouldContain: notTrusted,
    },
  ];

  it.each(rows)('$name', async (row) => {
    // Prepare: the base holds what each patch was made against.
    const base: Record<string, string> = {};
    const head: Record<string, string> = {};
    for (const file of row.filesChanged) {
      if (file.includes('OWNERS_ALIASES')) {
        head[file] = ownersAliases[row.ownersAliasesFile!];
        base[file] = oldSide(ownersAliasesPatch[row.ownersAliasesPatch!]);
      } else {
        head[file] = ownersFiles[row.ownersFile!];
        base[file] = oldSide(ownersPatch[row.ownersPatch!]);
      }
    }
    const owners = row.skipTrustedUserCheck ? { skip_collaborators: [`${repo.owner}/${repo.repo}`] } : undefined;
    const denylist = row.includeVendorOwners ? { ignore_preconfigured_defaults: true } : undefined;
    const { github, ctx, event } = setup({ base, head, changed: row.filesChanged, owners, denylist });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes.includes(addLabel)).toBe(row.shouldLabel);
    const comments = posted(github);
    expect(comments).toHaveLength(row.shouldLabel ? 1 : 0);
    if (row.commentShouldContain) expect(comments[0]!.body).toContain(row.commentShouldContain);
  });

});

describe("verify-owners: Prow's TestHandleGenericComment and the command's odd rows", () => {
  interface Row {
    name: string;
    event: GenericCommentEvent;
    ownersFile: keyof typeof ownerFiles;
    filesChanged: string[];
    shouldLabel: boolean;
    /** `undefined`: the comment holds no command. */
    status: 'ran' | 'skipped' | undefined;
  }
  const rows: Row[] = [
    { name: 'no OWNERS file', event: comment('/verify-owners'), filesChanged: ['a.go', 'b.go'], ownersFile: 'valid', shouldLabel: false, status: 'ran' },
    { name: 'good OWNERS file', event: comment('/verify-owners'), filesChanged: ['OWNERS', 'b.go'], ownersFile: 'valid', shouldLabel: false, status: 'ran' },
    { name: 'invalid syntax OWNERS file', event: comment('/verify-owners'), filesChanged: ['OWNERS', 'b.go'], ownersFile: 'invalidSyntax', shouldLabel: true, status: 'ran' },
    {
      name: 'invalid syntax OWNERS file, unrelated comment',
      event: comment('/verify owners'),
      filesChanged: ['OWNERS', 'b.go'],
      ownersFile: 'invalidSyntax',
      shouldLabel: false,
      status: undefined,
    },
    {
      name: 'invalid syntax OWNERS file, comment edited',
      event: comment('/verify-owners', { action: 'edited' }),
      filesChanged: ['OWNERS', 'b.go'],
      ownersFile: 'invalidSyntax',
      shouldLabel: false,
      status: 'skipped',
    },
    {
      name: 'invalid syntax OWNERS file, comment on an issue',
      event: comment('/verify-owners', { onPR: false }),
      filesChanged: ['OWNERS', 'b.go'],
      ownersFile: 'invalidSyntax',
      shouldLabel: false,
      status: 'skipped',
    },
    // The odd rows.
    { name: '/VERIFY-OWNERS (case does not matter)', event: comment('/VERIFY-OWNERS'), filesChanged: ['OWNERS'], ownersFile: 'invalidSyntax', shouldLabel: true, status: 'ran' },
    { name: 'trailing whitespace and \\r', event: comment('/verify-owners  \r\nthanks'), filesChanged: ['OWNERS'], ownersFile: 'invalidSyntax', shouldLabel: true, status: 'ran' },
    { name: 'on a later line', event: comment('I fixed it.\n/verify-owners'), filesChanged: ['OWNERS'], ownersFile: 'invalidSyntax', shouldLabel: true, status: 'ran' },
    { name: 'quoted (> /verify-owners) does not fire', event: comment('> /verify-owners'), filesChanged: ['OWNERS'], ownersFile: 'invalidSyntax', shouldLabel: false, status: undefined },
    {
      name: "text after it does not fire (Prow's ^/verify-owners\\s*$)",
      event: comment('/verify-owners please'),
      filesChanged: ['OWNERS'],
      ownersFile: 'invalidSyntax',
      shouldLabel: false,
      status: 'skipped',
    },
    {
      name: 'text after the first, a bare one on a later line: fires',
      event: comment('/verify-owners please\n/verify-owners'),
      filesChanged: ['OWNERS'],
      ownersFile: 'invalidSyntax',
      shouldLabel: true,
      status: 'ran',
    },
    { name: 'on a closed pull request', event: comment('/verify-owners', { state: 'closed' }), filesChanged: ['OWNERS'], ownersFile: 'invalidSyntax', shouldLabel: false, status: 'skipped' },
  ];

  it.each(rows)('$name', async (row) => {
    // Prepare
    const head = Object.fromEntries(row.filesChanged.map((f) => [f, f.includes('OWNERS') ? ownerFiles[row.ownersFile] : 'foo']));
    const { github, ctx } = setup({ head, changed: row.filesChanged });

    // Act
    const outcome = await runCommands(verifyOwners, ctx, row.event);

    // Assess
    expect(outcome?.status).toBe(row.status);
    expect(github.writes.includes(addLabel)).toBe(row.shouldLabel);
    if (row.status !== 'ran') expect(github.writes).toEqual([]);
  });
});

describe("verify-owners: Prow's TestOwnersRemoval", () => {
  const rows = [
    { name: 'OWNERS and OWNERS_ALIASES files restored', ownersRestored: true, aliasesRestored: true, shouldRemoveLabel: true },
    { name: 'OWNERS file restored, OWNERS_ALIASES left', ownersRestored: true, aliasesRestored: false, shouldRemoveLabel: true },
    { name: 'OWNERS file left, OWNERS_ALIASES left', ownersRestored: false, aliasesRestored: false, shouldRemoveLabel: false },
  ];

  it.each(rows)('$name', async (row) => {
    // Prepare: the base has a valid OWNERS and an empty OWNERS_ALIASES; the label is on.
    const head: Record<string, string> = { 'a.go': 'foo' };
    if (!row.ownersRestored) head.OWNERS = ownerFiles.invalidSyntax;
    if (!row.aliasesRestored) head.OWNERS_ALIASES = ownerAliasesFiles.toBeAddedAlias;
    const { github, ctx, event } = setup({ base: { OWNERS: ownerFiles.valid, OWNERS_ALIASES: '' }, head, changed: Object.keys(head), labels: [label] });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes.includes(removeLabel)).toBe(row.shouldRemoveLabel);
    expect(github.labelsOf(ref)).toEqual(row.shouldRemoveLabel ? [] : [label]);
  });
});

describe("verify-owners: Prow's TestHandleParseAliasesConfigWarningLabels", () => {
  it('empty alias group with braces in OWNERS_ALIASES file: a warning, not a failure', async () => {
    // Prepare (Prow runs this row with the trust check skipped)
    const { github, ctx, event } = setup({
      head: { OWNERS_ALIASES: ownersAliases.emptyAliasGroupOwnersAliasesWithEmptyBraces },
      changed: ['OWNERS_ALIASES'],
      owners: { skip_collaborators: [`${repo.owner}/${repo.repo}`] },
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes.includes(addLabel)).toBe(false);
    expect(posted(github).map((c) => c.body.split('\n\n<details>')[0])).toEqual([`@${author}: ${emptyAliasesMessage}`]);
  });

  it('an OWNERS_ALIASES that does not parse: the label and what is wrong with it, no other check', async () => {
    // Prepare
    const { github, ctx, event } = setup({
      head: { OWNERS_ALIASES: ownerAliasesFiles.invalidOwnersAliases, OWNERS: ownerFiles.noApprovers },
      changed: ['OWNERS_ALIASES', 'OWNERS'],
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.labelsOf(ref)).toEqual([label]);
    expect(posted(github).map((c) => c.body.split('\n\n<details>')[0])).toEqual([
      `@${author}: The content of OWNERS_ALIASES is invalid.\n\n- \`OWNERS_ALIASES\`: OWNERS_ALIASES:5:4: aliases.approvers.2: unexpected type for alias group member: nothing`,
    ]);
  });
});

describe('verify-owners: one comment, not one per event', () => {
  const bad = { head: { OWNERS: ownerFiles.noApprovers }, changed: ['OWNERS'] };

  it('a second push with the same problem posts nothing and keeps the label', async () => {
    // Prepare: the first event labelled and commented.
    const first = setup(bad);
    await verifyOwners.on!.pull_request!(first.ctx, first.event);
    const earlier = posted(first.github)[0]!;
    const { github, ctx, event } = setup({ ...bad, labels: [label], comments: [{ user: 'skiff-bot', body: earlier.body }] });

    // Act
    const outcome = await verifyOwners.on!.pull_request!(ctx, { ...event, action: 'synchronize' } as PullRequestEvent);

    // Assess
    expect(github.writes).toEqual([]);
    expect(outcome?.reason).toContain('already said in comment');
  });

  it('the same problem after the description was edited is still said', async () => {
    // Prepare
    const first = setup({ ...bad, prBody: 'first description' });
    await verifyOwners.on!.pull_request!(first.ctx, first.event);
    const { github, ctx, event } = setup({ ...bad, prBody: 'edited description', labels: [label], comments: [{ user: 'skiff-bot', body: posted(first.github)[0]!.body }] });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes).toEqual([]);
  });

  it('a different problem replaces the earlier comment', async () => {
    // Prepare: the bot said the root OWNERS had no approvers; now it has a banned label instead.
    const first = setup(bad);
    await verifyOwners.on!.pull_request!(first.ctx, first.event);
    const { github, ctx, event } = setup({ head: { OWNERS: ownerFiles.invalidLabels }, changed: ['OWNERS'], labels: [label], comments: [{ user: 'skiff-bot', body: posted(first.github)[0]!.body }] });
    const [old] = github.commentsOf(ref);

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes.map((w) => w.split('\n')[0])).toEqual([`deleteComment Codertocat/Hello-World comment ${old!.id}`, `createComment ${ref} @${author}: 1 invalid OWNERS file`]);
    expect(posted(github).map((c) => c.body)).toEqual([expect.stringContaining('File contains banned labels: [lgtm].')]);
  });

  it("once fixed: the label goes and so do the bot's verify-owners comments, not others'", async () => {
    // Prepare
    const first = setup(bad);
    await verifyOwners.on!.pull_request!(first.ctx, first.event);
    const { github, ctx, event } = setup({
      head: { OWNERS: ownerFiles.valid },
      changed: ['OWNERS'],
      labels: [label],
      comments: [
        { user: 'skiff-bot', body: posted(first.github)[0]!.body },
        { user: 'skiff-bot', body: '@someone: /lgtm is restricted to collaborators' },
        { user: 'alice', body: posted(first.github)[0]!.body },
      ],
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.labelsOf(ref)).toEqual([]);
    expect(github.commentsOf(ref).map((c) => c.user)).toEqual(['skiff-bot', 'alice']);
    expect(github.commentsOf(ref)[0]!.body).toContain('/lgtm is restricted');
  });

  it("Prow's own untrusted-users comment is pruned too (moving from Prow)", async () => {
    // Prepare
    const prowComment = `${untrustedMessage('OWNERS', 'https://github.com/orgs/Codertocat/people', 'Codertocat')}\n- zee\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.`;
    const { github, ctx, event } = setup({ head: { OWNERS: ownerFiles.valid }, changed: ['OWNERS'], labels: [label], comments: [{ user: 'skiff-bot', body: prowComment }] });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.commentsOf(ref)).toEqual([]);
  });

  it('without the bot login (pull_request events), a comment saying it already is enough, and only GitHub Apps count as the bot', async () => {
    // Prepare: an app's earlier comment; a human's copy of another message is left alone.
    const first = setup(bad);
    await verifyOwners.on!.pull_request!(first.ctx, first.event);
    const body = posted(first.github)[0]!.body;
    const { github, ctx, event } = setup({ ...bad, labels: [label], comments: [{ user: 'skiff[bot]', body }] });
    ctx.botLogin = undefined;

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes).toEqual([]);
    expect(ctx.checks).toContain('the bot login is not known for this event: comments by GitHub Apps are taken as its own');
  });

  it('a retry after the label was added makes the same comment once', async () => {
    // Prepare: the first attempt added the label, then failed to comment.
    const { github, ctx, event } = setup(bad);
    github.failNext('createComment', new Error('GitHub is down'));
    await expect(verifyOwners.on!.pull_request!(ctx, event)).rejects.toThrow('GitHub is down');
    const retry = setup({ ...bad, labels: github.labelsOf(ref) });

    // Act
    await verifyOwners.on!.pull_request!(retry.ctx, retry.event);

    // Assess
    expect(retry.github.writes.map((w) => w.split('\n')[0])).toEqual([`createComment ${ref} @${author}: 1 invalid OWNERS file`]);
  });
});

describe('verify-owners: who is trusted', () => {
  interface Row {
    name: string;
    /** The owners the pull request adds to pkg/OWNERS (the base has `approvers: [jdoe]`). */
    added: string[];
    collaborators?: string[];
    orgMembers?: string[];
    owners?: unknown;
    untrusted: string[];
    /** Substrings of the comment. */
    says?: string[];
  }
  const rows: Row[] = [
    { name: 'a collaborator', added: ['alice'], untrusted: [] },
    { name: 'an org member who is not a collaborator', added: ['carol'], orgMembers: ['carol'], untrusted: [] },
    {
      name: "neither: named with Prow's reasons and the org's people page to join",
      added: ['mallory'],
      untrusted: ['mallory'],
      says: [
        'The OWNERS file contains untrusted users, which makes it INVALID. The following users are mentioned in OWNERS file(s) but are untrusted for the following reasons. One way to make the user trusted is to add them as [members](https://github.com/orgs/Codertocat/people) of the Codertocat org. You can then trigger verification by writing `/verify-owners` in a comment.\n- mallory\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.\n  - pkg/OWNERS',
      ],
    },
    { name: 'the bot itself', added: ['skiff-bot'], untrusted: [] },
    { name: 'case does not matter: Alice is alice', added: ['Alice'], untrusted: [] },
    {
      name: 'skip_collaborators for the repository: nobody is checked',
      added: ['mallory'],
      owners: { skip_collaborators: ['Codertocat/Hello-World'] },
      untrusted: [],
    },
    {
      name: "skip_collaborators for the org only does not skip (Prow's verify-owners compares the full name)",
      added: ['mallory'],
      owners: { skip_collaborators: ['Codertocat'] },
      untrusted: ['mallory'],
    },
    {
      name: 'several untrusted users, sorted',
      added: ['zed', 'mallory', 'alice'],
      untrusted: ['mallory', 'zed'],
      says: ['- mallory\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.\n  - pkg/OWNERS\n- zed\n'],
    },
  ];

  it.each(rows)('$name', async (row) => {
    // Prepare
    const before = 'approvers:\n- jdoe\n';
    const after = `approvers:\n- jdoe\n${row.added.map((l) => `- ${l}\n`).join('')}`;
    const { github, ctx, event } = setup({
      base: { 'pkg/OWNERS': before },
      head: { 'pkg/OWNERS': after },
      changed: ['pkg/OWNERS'],
      collaborators: row.collaborators,
      orgMembers: row.orgMembers,
      owners: row.owners,
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    const comments = posted(github);
    expect(github.labelsOf(ref)).toEqual(row.untrusted.length ? [label] : []);
    expect(comments).toHaveLength(row.untrusted.length ? 1 : 0);
    for (const login of row.untrusted) expect(comments[0]!.body).toContain(`\n- ${login}\n`);
    for (const text of row.says ?? []) expect(comments[0]!.body).toContain(text);
  });

  it('an owner already there is not checked again; one added in two files is listed with both', async () => {
    // Prepare
    const { github, ctx, event } = setup({
      base: { 'a/OWNERS': 'approvers:\n- mallory\n' },
      head: { 'a/OWNERS': 'approvers:\n- mallory\n- eve\n', 'b/OWNERS': 'approvers:\n- eve\n' },
      changed: ['a/OWNERS', 'b/OWNERS'],
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess: one role lookup for eve, none for mallory.
    expect(github.reads.filter((r) => r.startsWith('getRepoRole'))).toEqual(['getRepoRole Codertocat/Hello-World eve']);
    expect(posted(github)[0]!.body).toContain('\n- eve\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.\n  - a/OWNERS\n  - b/OWNERS\n');
  });

  it("Prow's cap: no more than 51 users are checked", async () => {
    // Prepare
    const logins = Array.from({ length: 60 }, (_, i) => `user${String(i).padStart(2, '0')}`);
    const { github, ctx, event } = setup({ base: {}, head: { 'pkg/OWNERS': `approvers:\n${logins.map((l) => `- ${l}\n`).join('')}` }, changed: ['pkg/OWNERS'] });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.reads.filter((r) => r.startsWith('getRepoRole'))).toHaveLength(51);
    expect(ctx.checks).toContain("trust checks stopped after 51 users (Prow's cap)");
  });
});

describe('verify-owners: files, names and events', () => {
  it('owners.filenames: custom names are the ones checked, and named in the comment', async () => {
    // Prepare
    const { github, ctx, event } = setup({
      head: { OWNERS: ownerFiles.noApprovers, 'CODEOWNERS.yaml': ownerFiles.noApprovers },
      changed: ['OWNERS', 'CODEOWNERS.yaml'],
      owners: { filenames: { 'Codertocat/Hello-World': { owners: 'CODEOWNERS.yaml', owners_aliases: 'ALIASES.yaml' } } },
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(posted(github)[0]!.body).toContain('1 invalid CODEOWNERS.yaml file\n\n- `CODEOWNERS.yaml`: No approvers defined in this root directory CODEOWNERS.yaml file.');
  });

  it('a renamed OWNERS file is compared with its old name at the base', async () => {
    // Prepare
    const { github, ctx, event } = setup({
      base: { 'old/OWNERS': 'approvers:\n- mallory\n' },
      head: { 'new/OWNERS': 'approvers:\n- mallory\n' },
      changes: [{ filename: 'new/OWNERS', previousFilename: 'old/OWNERS', status: 'renamed', additions: 0, deletions: 0, changes: 0 }],
    });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.writes).toEqual([]);
  });

  it('nothing OWNERS-related and no label: no reads beyond the changes and labels', async () => {
    // Prepare
    const { github, ctx, event } = setup({ head: { 'a.go': 'package a' }, changed: ['a.go'] });

    // Act
    await verifyOwners.on!.pull_request!(ctx, event);

    // Assess
    expect(github.calls).toEqual([`getPullRequestChanges ${ref}`, `getIssueLabels ${ref}`]);
  });

  it.each(['closed', 'labeled', 'edited'])('pull_request %s is skipped', async (action) => {
    // Prepare
    const { github, ctx, event } = setup({ head: { OWNERS: ownerFiles.invalidSyntax }, changed: ['OWNERS'] });

    // Act
    const outcome = await verifyOwners.on!.pull_request!(ctx, { ...event, action } as PullRequestEvent);

    // Assess
    expect(outcome?.status).toBe('skipped');
    expect(github.calls).toEqual([]);
  });

  it('/verify-owners reads the pull request for its head and base', async () => {
    // Prepare
    const { github, ctx } = setup({ head: { OWNERS: ownerFiles.invalidSyntax }, changed: ['OWNERS'] });

    // Act
    await runCommands(verifyOwners, ctx, comment('/verify-owners'));

    // Assess
    expect(github.reads).toContain(`getPullRequest ${ref}`);
    expect(github.reads).toContain(`getFile Codertocat/Hello-World@${headSha}:OWNERS`);
    expect(github.labelsOf(ref)).toEqual([label]);
  });
});

describe('verify-owners: helpers', () => {
  it.each([
    { name: 'new lines only', base: 'a\nb\n', head: 'a\nx\nb\n', added: ['x'] },
    { name: 'a repeated line counts once per copy', base: '- bob\n', head: '- bob\n- bob\n', added: ['- bob'] },
    { name: 'a new file is all added', base: undefined, head: 'a\nb', added: ['a', 'b'] },
    { name: 'removals add nothing', base: 'a\nb\n', head: 'a\n', added: [] },
  ])('addedLines: $name', ({ base, head, added }) => {
    expect(addedLines(base, head)).toEqual(added);
  });

  it.each([
    { login: 'bob', lines: ['- bob'], added: true },
    { login: 'bob', lines: ['  -   bob  # owner'], added: true },
    { login: 'bob', lines: ['- bobby'], added: false },
    // Prow's \b: `bob` is in `bob-smith`.
    { login: 'bob', lines: ['- bob-smith'], added: true },
    { login: 'bob', lines: ['reviewers: [bob]'], added: false },
    { login: 'alice', lines: ['  - Alice'], added: true },
  ])('isNewlyAdded($login, $lines) is $added', ({ login, lines, added }) => {
    expect(isNewlyAdded(login, lines)).toBe(added);
  });

  it.each([
    { body: '@alice: 1 invalid OWNERS file\n\n- `OWNERS`: …\n\n<details>', ours: true },
    { body: '@alice: 3 invalid OWNERS files\n\n…', ours: true },
    { body: '@alice: The content of OWNERS_ALIASES is invalid.\n\n…', ours: true },
    { body: `@alice: ${emptyAliasesMessage}\n\n<details>`, ours: true },
    { body: `@alice: ${untrustedMessage('OWNERS', 'u', 'o')}\n- x`, ours: true },
    { body: `${untrustedMessage('OWNERS', 'u', 'o')}\n- x`, ours: true },
    { body: '@alice: /lgtm is restricted to collaborators', ours: false },
    { body: 'I think 1 invalid OWNERS file is in here', ours: false },
  ])('isVerifyOwnersComment($body) is $ours', ({ body, ours }) => {
    expect(isVerifyOwnersComment(body)).toBe(ours);
  });
});
