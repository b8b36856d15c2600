// The invalidcommitmsg plugin against real `pull_request` payloads and the in-memory GitHub.
// Prow's table from invalidcommitmsg_test.go (TestHandlePullRequest), each row's checks set as
// its config says; then the comment's text, one comment across pushes, and the config's checks.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { invalidCommitMsgConfigSchema } from '../../shared/plugins/invalidcommitmsg/config.js';
import { closeIssueRegex, invalidcommitmsg, invalidCommitMsgCommentMarker, invalidCommitMsgLabel } from '../../shared/plugins/invalidcommitmsg/index.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'k', repo: 'k' };
const number = 3;
const ref = `k/k#${number}`;

function pullRequest(action: string, title: string, labels: string[] = []): PullRequestEvent {
  const p = structuredClone(samplePayload('pull_request', 'opened')) as Record<string, any>;
  p.action = action;
  Object.assign(p.pull_request, { number, title, labels: labels.map((name) => ({ id: 1, node_id: 'x', url: '', name, color: 'ededed', default: false, description: '' })) });
  for (const r of [p.repository, p.pull_request.base.repo]) {
    Object.assign(r, { name: 'k', full_name: 'k/k' });
    r.owner.login = 'k';
  }
  return p as PullRequestEvent;
}

interface Case {
  name: string;
  action: string;
  commits?: { sha: string; message: string }[];
  title?: string;
  hasLabel?: boolean;
  checkFixupCommits?: boolean;
  checkIssueClosing?: boolean;
  added?: boolean;
  removed?: boolean;
  /** Sections the comment must have; none: no comment. */
  sections?: string[];
}

const closing = [
  { sha: 'sha1', message: 'fixes k/k#9999' },
  { sha: 'sha2', message: 'Close k/k#9999' },
  { sha: 'sha3', message: 'resolved k/k#9999' },
];
const valid = [{ sha: 'sha', message: 'this is a valid message' }];
const commitsSection = 'Invalid commit messages';
const fixupSection = 'Fixup/amend/squash commits';
const titleSection = 'Invalid PR title';

// TestHandlePullRequest, row by row.
const cases: Case[] = [
  { name: 'unsupported PR action -> no-op', action: 'labeled' },
  { name: 'contains valid message -> no-op', action: 'opened', commits: [{ sha: 'sha1', message: 'this is a valid message' }, { sha: 'sha2', message: 'fixing k/k#9999' }] },
  { name: 'msg contains invalid keywords -> add label and comment', action: 'opened', commits: closing, checkIssueClosing: true, added: true, sections: [commitsSection] },
  { name: 'msg does not contain invalid keywords but has label -> remove label', action: 'opened', commits: valid, hasLabel: true, checkIssueClosing: true, removed: true },
  { name: 'contains valid title -> no-op', action: 'opened', commits: valid, title: 'valid title', checkIssueClosing: true },
  { name: 'contains invalid title with fixes keyword -> add label and comment', action: 'opened', commits: valid, title: 'fixes #9999', checkIssueClosing: true, added: true, sections: [titleSection] },
  { name: 'contains invalid title and invalid commits -> add label and 2 comments', action: 'opened', commits: closing, title: 'fixes #9999', checkIssueClosing: true, added: true, sections: [commitsSection, titleSection] },
  { name: 'valid commits and invalid title, and has label -> keep label and add comment', action: 'opened', commits: valid, title: 'fixes #9999', hasLabel: true, checkIssueClosing: true, sections: [titleSection] },
  { name: 'invalid commits and valid title, and has label -> keep label and add comment', action: 'opened', commits: closing, title: 'valid title', hasLabel: true, checkIssueClosing: true, sections: [commitsSection] },
  { name: 'valid title and valid commits, and has label -> remove label', action: 'opened', commits: valid, title: 'valid title', hasLabel: true, checkIssueClosing: true, removed: true },
  { name: 'fixup commit -> add label and comment', action: 'opened', commits: [{ sha: 'sha1', message: 'fixup! update tests' }], checkFixupCommits: true, added: true, sections: [fixupSection] },
  { name: 'amend commit -> add label and comment', action: 'opened', commits: [{ sha: 'sha1', message: 'amend! update tests' }], checkFixupCommits: true, added: true, sections: [fixupSection] },
  { name: 'squash commit -> add label and comment', action: 'opened', commits: [{ sha: 'sha1', message: 'squash! update tests' }], checkFixupCommits: true, added: true, sections: [fixupSection] },
  { name: 'fixup commit ignored when feature flag disabled', action: 'opened', commits: [{ sha: 'sha1', message: 'fixup! update tests' }], checkFixupCommits: false },
  { name: 'fixup commit detected when feature flag enabled', action: 'opened', commits: [{ sha: 'sha1', message: 'fixup! update tests' }], checkFixupCommits: true, added: true, sections: [fixupSection] },
  { name: 'commit with fixup and close keyword', action: 'opened', commits: [{ sha: 'sha1', message: 'fixup! fixes #123' }], checkFixupCommits: true, checkIssueClosing: true, added: true, sections: [commitsSection, fixupSection] },
  { name: 'fixup commits removed -> remove label', action: 'opened', commits: [{ sha: 'sha1', message: 'normal commit' }], hasLabel: true, checkFixupCommits: true, checkIssueClosing: true, removed: true },
  { name: 'issue closing keywords ignored when check disabled', action: 'opened', commits: [{ sha: 'sha1', message: 'fixes k/k#9999' }], title: 'fixes #9999', checkIssueClosing: false },
  { name: 'issue closing keywords detected when check enabled', action: 'opened', commits: [{ sha: 'sha1', message: 'fixes k/k#9999' }], checkIssueClosing: true, added: true, sections: [commitsSection] },
  // Skiff's rows.
  { name: 'a push (synchronize) is checked', action: 'synchronize', commits: [{ sha: 'sha1', message: 'Fixes: #1' }], checkIssueClosing: true, added: true, sections: [commitsSection] },
  { name: 'fixup! later than the subject line does not count', action: 'opened', commits: [{ sha: 'sha1', message: 'a change\n\nfixup! of nothing' }], checkFixupCommits: true },
];

describe('invalidcommitmsg (Prow TestHandlePullRequest)', () => {
  it.each(cases)('$name', async ({ action, commits = [], title, hasLabel, checkFixupCommits, checkIssueClosing, added, removed, sections = [] }) => {
    // Prepare
    const github = new MemoryGitHub();
    github.setPullRequest(ref, { title: title || 'fake title' });
    github.setCommits(ref, commits);
    const config = invalidCommitMsgConfigSchema.parse([
      { repos: ['k'], checks: [{ name: 'fixupPrefix', disabled: !checkFixupCommits }, { name: 'issueClosingKeywords', disabled: !checkIssueClosing }] },
    ]);
    const ctx = pluginContext({ github, config, repo });

    // Act
    await invalidcommitmsg.on!.pull_request!(ctx, pullRequest(action, title || 'fake title', hasLabel ? [invalidCommitMsgLabel] : []));

    // Assess
    expect(github.writes.filter((w) => w.startsWith('addLabel'))).toEqual(added ? [`addLabel ${ref} ${invalidCommitMsgLabel}`] : []);
    expect(github.writes.filter((w) => w.startsWith('removeLabel'))).toEqual(removed ? [`removeLabel ${ref} ${invalidCommitMsgLabel}`] : []);
    expect(github.comments).toHaveLength(sections.length ? 1 : 0);
    const body = github.comments[0]?.body ?? '';
    for (const s of [commitsSection, fixupSection, titleSection]) expect(body.includes(`### ${s}`)).toBe(sections.includes(s));
    if (sections.length) expect(body.startsWith(`${invalidCommitMsgCommentMarker}\n\nInvalid commit message issues detected\n\n`)).toBe(true);
  });
});

describe('invalidcommitmsg: the comment across pushes', () => {
  const sha = 'a'.repeat(40);

  it("lists each commit as Prow's dco.MarkdownSHAList does, and ends with the note on the bot's commands", async () => {
    // Prepare
    const github = new MemoryGitHub().setPullRequest(ref);
    github.setCommits(ref, [{ sha, message: 'Fixes #12\n\nlong body' }]);
    const ctx = pluginContext({ github, config: undefined, repo });

    // Act
    await invalidcommitmsg.on!.pull_request!(ctx, pullRequest('opened', 'fine title'));

    // Assess
    expect(github.comments[0]!.body).toContain(`\n\n- [aaaaaaa](https://github.com/k/k/commits/${sha}) Fixes #12\n\n`);
    expect(github.comments[0]!.body).toMatch(/I understand the commands that are listed \[here\]\(https:\/\/go\.k8s\.io\/bot-commands\)\.$/);
  });

  it('a push with the same problem keeps the comment; a different one replaces it; a fix removes it with the label', async () => {
    // Prepare
    const github = new MemoryGitHub().setPullRequest(ref);
    github.setCommits(ref, [{ sha, message: 'fixup! x' }]);
    const run = (labels: string[]) => invalidcommitmsg.on!.pull_request!(pluginContext({ github, config: undefined, repo }), pullRequest('synchronize', 'fine', labels));
    await run([]);
    const first = github.writes.length;

    // Act 1: the same commits again.
    await run([invalidCommitMsgLabel]);
    // Assess 1
    expect(github.writes.length).toBe(first);

    // Act 2: another problem.
    github.setCommits(ref, [{ sha, message: 'closes #4' }]);
    await run([invalidCommitMsgLabel]);
    // Assess 2
    expect(github.writes.slice(first)).toEqual([expect.stringMatching(/^deleteComment k\/k comment \d+$/), expect.stringMatching(/^createComment k\/k#3 <!-- \[prow:invalid-commit-message\] -->/)]);

    // Act 3: fixed.
    github.setCommits(ref, [{ sha, message: 'a good change' }]);
    await run([invalidCommitMsgLabel]);
    // Assess 3
    expect(github.labelsOf(ref)).toEqual([]);
    expect(github.commentsOf(ref)).toEqual([]);
  });

  it("someone else's comment quoting the marker is not deleted", async () => {
    // Prepare
    const github = new MemoryGitHub().setPullRequest(ref);
    github.setCommits(ref, [{ sha, message: 'a good change' }]);
    github.addComment(ref, { user: 'alice', body: `${invalidCommitMsgCommentMarker} quoted` });

    // Act
    await invalidcommitmsg.on!.pull_request!(pluginContext({ github, config: undefined, repo }), pullRequest('opened', 'fine'));

    // Assess
    expect(github.writes).toEqual([]);
  });
});

describe('invalidcommitmsg: regex and config', () => {
  it.each([
    ['fixes #1', true],
    ['Fixed: org/repo#22', true],
    ['RESOLVES #3', true],
    ['closed\t#4', true],
    ['fixing #5', false],
    ['fix#6', false],
    ['see #7', false],
  ])('%j closes an issue: %j', (text, closes) => {
    expect(closeIssueRegex.test(text)).toBe(closes);
  });

  it.each([
    { name: 'an unknown check', section: [{ repos: ['k'], checks: [{ name: 'fixup' }] }], error: 'error validating invalid_commit_msg config #0 check #0: unknown check name "fixup" (valid: [fixupPrefix issueClosingKeywords])' },
    { name: 'an empty check name', section: [{ repos: ['k'], checks: [{ name: ' ' }] }], error: 'check name cannot be empty' },
    { name: 'an empty repo', section: [{ repos: [' '] }], error: 'repo " " must be of form org or org/repo' },
  ])('refused: $name', ({ section, error }) => {
    const result = invalidCommitMsgConfigSchema.safeParse(section);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(error);
  });
});
