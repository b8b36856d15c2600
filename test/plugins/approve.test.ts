// The approve plugin against the in-memory GitHub with real OWNERS files at the base commit.
// Prow's tables from pkg/plugins/approve/approve_test.go: TestHandle row by row (Prow's fakeRepo
// becomes OWNERS files; its comments and reviews are seeded in the same time order), then
// TestHandleGenericComment, TestHandleReview and TestHandlePullRequest through real payloads.
// Prow's notifications have empty links where its fakes have no URLs; the fake GitHub gives real
// ones, so bodies are compared with the links put back to Prow's `""` and `"#"`. Where Prow
// deletes and reposts the notification, Skiff edits it (notification.ts): Prow's "deleted one,
// added one" is Skiff's "edited the one". Then Skiff's own rows: one notification across events,
// the human-added label, issue_required, config, command parsing, and the call count.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { approve, approvedLabel, handle, linkRoot, type HandleOptions } from '../../shared/plugins/approve/index.js';
import { approveConfigSchema, approveFor, defaultCommandHelpLink, defaultPrProcessLink, type ApproveConfig } from '../../shared/plugins/approve/config.js';
import { commandsIn, findAssociatedIssue, isApprovalCommand } from '../../shared/plugins/approve/conversation.js';
import { isBotLogin } from '../../shared/plugins/bot-login.js';
import { notificationText, notificationWrites, ownNotifications, recordedLabelAdder } from '../../shared/plugins/approve/notification.js';
import { aboutThisBot } from '../../shared/plugins/respond.js';
import type { Outcome } from '../../shared/plugins/types.js';
import type { ReviewSeedState } from '../fakes/github-server.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { ownersSection } from '../../shared/owners/config.js';
import { MemoryStore } from '../fakes/memory-store.js';
import { ownersPeople } from '../fakes/owners-people.js';
import { pluginContext, type TestContext } from '../fakes/plugin-context.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const repo = { owner: 'org', repo: 'repo' };
const pr1 = 'org/repo#1';
const bot = 'k8s-ci-robot';
const prowLinks = { commandHelpLink: 'https://go.k8s.io/bot-commands', pr_process_link: 'https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process' };

/** Prow's fakeRepo of TestHandle as OWNERS files (d's approver stands for "someone": Prow's fake names none). */
const prowOwners: Record<string, string> = {
  'a/OWNERS': 'approvers:\n- alice\n',
  'a/b/OWNERS': 'approvers:\n- bob\n',
  'c/OWNERS': 'approvers:\n- cblecker\n- cjwagner\n',
  'd/OWNERS': 'approvers:\n- dan\noptions:\n  auto_approve_unowned_subfolders: true\n',
  'e/OWNERS': 'approvers:\n- spxtr\n',
};

// OWNERS are cached by commit and tree across a process: each world gets a base commit of its own.
let worlds = 0;
const shaFor = (seed: string) => createHash('sha1').update(`${seed}\0${worlds++}`).digest('hex');

/** Hour `h` of a fixed day: Prow's zero time is 0, its time.Now() 1, time.Now().Add(time.Hour) 2. */
const at = (h: number) => new Date(Date.UTC(2024, 4, 1) + h * 3_600_000).toISOString().replace('.000Z', 'Z');

interface CommentRow {
  at: number;
  user: string;
  body: string;
}
interface ReviewRow extends CommentRow {
  state: string;
}

interface WorldOptions {
  owners?: Record<string, string>;
  files: string[];
  author?: string;
  body?: string;
  branch?: string;
  labels?: string[];
  assignees?: string[];
  comments?: CommentRow[];
  reviews?: ReviewRow[];
  config?: unknown;
  botLogin?: string | null;
  state?: 'open' | 'closed';
  /** Who has a role on the repository; default everyone the OWNERS files name (only collaborators count). */
  collaborators?: string[];
  /** plugins.yaml's `owners:` section, as written. */
  ownersSection?: unknown;
}

interface World {
  gh: MemoryGitHub;
  ctx: TestContext<ApproveConfig, MemoryGitHub>;
  /** Each seeded comment's id, in order. */
  commentIds: number[];
}

const urlOf = (kind: 'comment' | 'review', id: number) =>
  kind === 'comment' ? `https://github.com/org/repo/issues/1#issuecomment-${id}` : `https://github.com/org/repo/pull/1#pullrequestreview-${id}`;

/** Prow's fakes have no URLs: `""` for a comment's, `"#"` for the pull request's. */
const normalise = (body: string) =>
  body
    .replace(/href="https:\/\/[^/"]+\/org\/repo\/pull\/1#"/g, 'href="#"')
    .replace(/href="https:\/\/github\.com\/org\/repo\/(?:issues|pull)\/1#(?:issuecomment|pullrequestreview)-\d+"/g, 'href=""');

function world(o: WorldOptions): World {
  const gh = new MemoryGitHub({ botLogin: bot });
  const base = shaFor(JSON.stringify(o));
  for (const [path, text] of Object.entries(o.owners ?? prowOwners)) gh.setFile(repo, base, path, text);
  for (const login of o.collaborators ?? ownersPeople(Object.values(o.owners ?? prowOwners))) gh.setRole(repo, login, 'write');
  gh.setPullRequest(pr1, { author: o.author ?? 'cjwagner', body: o.body ?? '', base: { ref: o.branch ?? 'master', sha: base }, state: o.state ?? 'open' });
  gh.setChanges(
    pr1,
    o.files.map((filename) => ({ filename, additions: 1, deletions: 0, changes: 1, status: 'modified' })),
  );
  gh.setLabels(pr1, o.labels ?? ['lgtm']);
  gh.setAssignees(pr1, o.assignees ?? ['spxtr']);
  // Prow's bodies name approvals with empty links: the seeded ones get the real URL of the
  // approver's comment, as the bot would have written it.
  const urls = new Map<string, string>();
  const commentIds: number[] = [];
  for (const c of o.comments ?? []) {
    const body = c.body
      .replace(/href="" title="([^"]+)">([^<]+)</g, (_, title: string, login: string) => `href="${urls.get(login) ?? ''}" title="${title}">${login}<`)
      .replace(/href="#"/g, 'href="https://github.com/org/repo/pull/1#"');
    const id = gh.addComment(pr1, { user: c.user, body, createdAt: at(c.at) });
    urls.set(c.user, urlOf('comment', id));
    commentIds.push(id);
  }
  for (const r of o.reviews ?? []) gh.addReview(pr1, { user: r.user, body: r.body, state: r.state as ReviewSeedState, submittedAt: at(r.at) });
  const config = approveConfigSchema.parse(o.config ?? [{ repos: ['org/repo'], ...prowLinks }]);
  // The table the collaborator list is cached in across deliveries, as in production.
  const sections = { owners: ownersSection.schema.parse(o.ownersSection) };
  const ctx = pluginContext({ github: gh, config, repo, botLogin: o.botLogin ?? bot, cache: new MemoryStore(), sections });
  // pluginContext defaults a missing login; `botLogin: null` is a delivery without one (dispatch
  // resolves it for comment events only).
  if (o.botLogin === null) ctx.botLogin = undefined;
  return { gh, ctx, commentIds };
}

const notificationsOf = (gh: MemoryGitHub, by = bot) => gh.commentsOf(pr1).filter((c) => c.user === by && c.body.startsWith('[APPROVALNOTIFIER]'));
const commentWrites = (gh: MemoryGitHub) => gh.writes.filter((w) => /^(createComment|editComment|deleteComment) /.test(w));
const labelWrites = (gh: MemoryGitHub) => gh.writes.filter((w) => /^(addLabel|removeLabel) /.test(w) && w.endsWith(` ${approvedLabel}`));
const humanLine = (login: string) => `\n<!-- approved label added by ${login}, not by the bot -->`;

// ---- Prow's TestHandle ------------------------------------------------------------------------------

interface HandleRow {
  name: string;
  branch?: string;
  prBody?: string;
  hasLabel?: boolean;
  humanApproved?: boolean;
  files: string[];
  comments?: CommentRow[];
  reviews?: ReviewRow[];
  selfApprove?: boolean;
  needsIssue?: boolean;
  lgtmActsAsApprove?: boolean;
  reviewActsAsApprove?: boolean;
  linkHost?: string;
  expectDelete: boolean;
  expectComment: boolean;
  expectToggle: boolean;
  expectedComment?: string;
  /**
   * Prow's text suggests cblecker where Go's math/rand, seeded with the PR number, picked one of
   * c/'s approvers; Skiff's seeded shuffle is another generator, so the row accepts either pick
   * (the same every time) in the same text.
   */
  goRandomPick?: string[];
}

const prowHandleRows: HandleRow[] = [
  {
    name: 'initial notification (approved)',
    files: ['c/c.go'],
    selfApprove: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)~~ [cjwagner]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'initial notification (unapproved)',
    goRandomPick: ['cblecker', 'cjwagner'],
    files: ['c/c.go'],
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker"]} -->`,
  },
  {
    name: 'notification for unapproved state but assignee is also a potential approver',
    goRandomPick: ['cblecker', 'cjwagner'],
    files: ['c/c.go', 'e/e.go'],
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please ask for approval from [spxtr](https://github.com/spxtr) and additionally assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**
- **[e/OWNERS](https://github.com/org/repo/blob/master/e/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker","spxtr"]} -->`,
  },
  {
    name: 'no-issue comment',
    files: ['a/a.go'],
    comments: [
      { at: 0, user: 'Alice', body: 'stuff\n/approve no-issue \nmore stuff' },
    ],
    needsIssue: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">Alice</a>*

Associated issue requirement bypassed by: *<a href="" title="Approved">Alice</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'issue provided in PR body',
    prBody: 'some changes that fix #42.\n/assign',
    files: ['a/a.go'],
    comments: [
      { at: 0, user: 'Alice', body: 'stuff\n/approve' },
    ],
    needsIssue: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">Alice</a>*

Associated issue: *#42*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'non-implicit self approve no-issue',
    files: ['a/a.go', 'c/c.go'],
    comments: [
      { at: 0, user: 'ALIcE', body: 'stuff\n/approve' },
      { at: 0, user: 'cjwagner', body: 'stuff\n/approve no-issue' },
    ],
    needsIssue: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'implicit self approve, missing issue',
    files: ['a/a.go', 'c/c.go'],
    comments: [
      { at: 0, user: 'ALIcE', body: 'stuff\n/approve' },
      { at: 1, user: 'k8s-ci-robot', body: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">ALIcE</a>*, *<a href="#" title="Author self-approved">cjwagner</a>*

*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with \`/approve no-issue\`

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [ALIcE]
- ~~[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)~~ [cjwagner]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->` },
    ],
    selfApprove: true,
    needsIssue: true,
    expectDelete: false,
    expectComment: false,
    expectToggle: false,
  },
  {
    name: 'remove approval with /approve cancel',
    hasLabel: true,
    files: ['a/a.go'],
    comments: [
      { at: 0, user: 'Alice', body: '/approve no-issue' },
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 0, user: 'Alice', body: 'stuff\n/approve cancel \nmore stuff' },
    ],
    selfApprove: true,
    needsIssue: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with \`/approve no-issue\`

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["alice"]} -->`,
  },
  {
    name: 'remove approval with remove-approve',
    hasLabel: true,
    files: ['a/a.go'],
    comments: [
      { at: 0, user: 'Alice', body: '/approve no-issue' },
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 0, user: 'Alice', body: 'stuff\n/remove-approve \nmore stuff' },
    ],
    selfApprove: true,
    needsIssue: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with \`/approve no-issue\`

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["alice"]} -->`,
  },
  {
    name: 'remove approval after sync',
    prBody: 'Changes the thing.\n fixes #42',
    hasLabel: true,
    files: ['a/a.go', 'b/b.go'],
    comments: [
      { at: 0, user: 'bOb', body: 'stuff\n/approve \nblah' },
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
    ],
    selfApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'cancel implicit self approve',
    prBody: 'Changes the thing.\n fixes #42',
    hasLabel: true,
    files: ['c/c.go'],
    comments: [
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 1, user: 'CJWagner', body: 'stuff\n/approve cancel \nmore stuff' },
    ],
    selfApprove: true,
    needsIssue: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'remove-approve for implicit self approveS',
    prBody: 'Changes the thing.\n fixes #42',
    hasLabel: true,
    files: ['c/c.go'],
    comments: [
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 1, user: 'CJWagner', body: 'stuff\n/remove-approve \nmore stuff' },
    ],
    selfApprove: true,
    needsIssue: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'cancel implicit self approve (with lgtm-after-commit message)',
    prBody: 'Changes the thing.\n fixes #42',
    hasLabel: true,
    files: ['c/c.go'],
    comments: [
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 1, user: 'CJWagner', body: '/lgtm cancel //PR changed after LGTM, removing LGTM.' },
    ],
    selfApprove: true,
    needsIssue: true,
    lgtmActsAsApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'up to date, poked by pr sync',
    prBody: 'Finally fixes kubernetes/kubernetes#1\n',
    hasLabel: true,
    files: ['a/a.go', 'a/aa.go'],
    comments: [
      { at: 0, user: 'alice', body: 'stuff\n/approve\nblah' },
      { at: 1, user: 'k8s-ci-robot', body: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">alice</a>*

Associated issue: *#1*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->` },
    ],
    needsIssue: true,
    expectDelete: false,
    expectComment: false,
    expectToggle: false,
  },
  {
    name: 'out of date, poked by pr sync',
    prBody: 'Finally fixes kubernetes/kubernetes#1\n',
    files: ['a/a.go', 'a/aa.go'],
    comments: [
      { at: 0, user: 'alice', body: 'stuff\n/approve\nblah' },
      { at: 1, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nblah' },
    ],
    needsIssue: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'human added approve',
    hasLabel: true,
    humanApproved: true,
    files: ['a/a.go'],
    comments: [
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nblah' },
    ],
    expectDelete: true,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

Approval requirements bypassed by manually added approval.

This pull-request has been approved by:

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["alice"]} -->`,
  },
  {
    name: 'lgtm means approve',
    prBody: 'This is a great PR that will fix\nlots of things!',
    files: ['a/a.go', 'a/aa.go'],
    comments: [
      { at: 0, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nblah' },
      { at: 1, user: 'alice', body: 'stuff\n/lgtm\nblah' },
    ],
    lgtmActsAsApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
  },
  {
    name: 'lgtm does not mean approve',
    prBody: 'This is a great PR that will fix\nlots of things!',
    files: ['a/a.go', 'a/aa.go'],
    comments: [
      { at: 0, user: 'k8s-ci-robot', body: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["alice"]} -->` },
      { at: 1, user: 'alice', body: 'stuff\n/lgtm\nblah' },
    ],
    expectDelete: false,
    expectComment: false,
    expectToggle: false,
  },
  {
    name: 'approve in review body with empty state',
    files: ['a/a.go'],
    reviews: [{ at: 0, user: 'Alice', body: 'stuff\n/approve', state: '' }],
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">Alice</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'approved review but reviewActsAsApprove disabled',
    goRandomPick: ['cblecker', 'cjwagner'],
    files: ['c/c.go'],
    reviews: [{ at: 0, user: 'cjwagner', body: 'stuff', state: 'APPROVED' }],
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker"]} -->`,
  },
  {
    name: 'approved review with reviewActsAsApprove enabled',
    files: ['a/a.go'],
    reviews: [{ at: 0, user: 'Alice', body: 'stuff', state: 'APPROVED' }],
    reviewActsAsApprove: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">Alice</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'reviews in non-approving state (should not approve)',
    goRandomPick: ['cblecker', 'cjwagner'],
    files: ['c/c.go'],
    reviews: [{ at: 0, user: 'cjwagner', body: 'stuff', state: 'COMMENTED' }, { at: 0, user: 'cjwagner', body: 'unsubmitted stuff', state: 'PENDING' }, { at: 0, user: 'cjwagner', body: 'dismissed stuff', state: 'DISMISSED' }],
    reviewActsAsApprove: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker"]} -->`,
  },
  {
    name: 'review in request changes state means cancel',
    goRandomPick: ['cblecker', 'cjwagner'],
    hasLabel: true,
    files: ['c/c.go'],
    comments: [
      { at: 2, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
    ],
    reviews: [{ at: 1, user: 'cjwagner', body: 'yep', state: 'APPROVED' }, { at: 3, user: 'cjwagner', body: 'nope', state: 'CHANGES_REQUESTED' }],
    reviewActsAsApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker"]} -->`,
  },
  {
    name: 'dismissed review doesn\'t cancel prior approval',
    hasLabel: true,
    files: ['a/a.go'],
    comments: [
      { at: 2, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
    ],
    reviews: [{ at: 1, user: 'Alice', body: 'yep', state: 'APPROVED' }, { at: 3, user: 'Alice', body: 'dismissed', state: 'DISMISSED' }],
    reviewActsAsApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">Alice</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'approve cancel command supersedes earlier approved review',
    goRandomPick: ['cblecker', 'cjwagner'],
    hasLabel: true,
    files: ['c/c.go'],
    comments: [
      { at: 2, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 3, user: 'cjwagner', body: 'stuff\n/approve cancel \nmore stuff' },
    ],
    reviews: [{ at: 1, user: 'cjwagner', body: 'yep', state: 'APPROVED' }],
    reviewActsAsApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker"]} -->`,
  },
  {
    name: 'remove-approve command supersedes earlier approved review',
    goRandomPick: ['cblecker', 'cjwagner'],
    hasLabel: true,
    files: ['c/c.go'],
    comments: [
      { at: 2, user: 'k8s-ci-robot', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nblah' },
      { at: 3, user: 'cjwagner', body: 'stuff\n/remove-approve \nmore stuff' },
    ],
    reviews: [{ at: 1, user: 'cjwagner', body: 'yep', state: 'APPROVED' }],
    reviewActsAsApprove: true,
    expectDelete: true,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["cblecker"]} -->`,
  },
  {
    name: 'approve cancel command supersedes simultaneous approved review',
    files: ['a/a.go', 'c/c.go'],
    reviews: [{ at: 0, user: 'cjwagner', body: '/approve cancel', state: 'APPROVED' }],
    reviewActsAsApprove: true,
    goRandomPick: ['cblecker', 'cjwagner'],
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice), [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**
- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["alice","cblecker"]} -->`,
  },
  {
    name: 'remove-approve command supersedes simultaneous approved review',
    files: ['a/a.go', 'c/c.go'],
    reviews: [{ at: 0, user: 'cjwagner', body: '/remove-approve', state: 'APPROVED' }],
    reviewActsAsApprove: true,
    goRandomPick: ['cblecker', 'cjwagner'],
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **NOT APPROVED**

This pull-request has been approved by:
**Once this PR has been reviewed and has the lgtm label**, please assign [alice](https://github.com/alice), [cblecker](https://github.com/cblecker) for approval. For more information see [the Code Review Process](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process).

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details open>
Needs approval from an approver in each of these files:

- **[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)**
- **[c/OWNERS](https://github.com/org/repo/blob/master/c/OWNERS)**

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":["alice","cblecker"]} -->`,
  },
  {
    name: 'approve command supersedes simultaneous changes requested review',
    files: ['a/a.go'],
    reviews: [{ at: 0, user: 'Alice', body: '/approve', state: 'CHANGES_REQUESTED' }],
    reviewActsAsApprove: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="" title="Approved">Alice</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[a/OWNERS](https://github.com/org/repo/blob/master/a/OWNERS)~~ [Alice]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'different branch, initial notification (approved)',
    branch: 'dev',
    files: ['c/c.go'],
    selfApprove: true,
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[c/OWNERS](https://github.com/org/repo/blob/dev/c/OWNERS)~~ [cjwagner]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'different GitHub link URL',
    branch: 'dev',
    files: ['c/c.go'],
    selfApprove: true,
    linkHost: 'github.mycorp.com',
    expectDelete: false,
    expectComment: true,
    expectToggle: true,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by: *<a href="#" title="Author self-approved">cjwagner</a>*

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:

- ~~[c/OWNERS](https://github.mycorp.com/org/repo/blob/dev/c/OWNERS)~~ [cjwagner]

Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
  {
    name: 'Approved because of AutoApproveUnownedSubfolders:',
    hasLabel: true,
    humanApproved: true,
    files: ['d/new-folder/new_file.go'],
    expectDelete: false,
    expectComment: true,
    expectToggle: false,
    expectedComment: `[APPROVALNOTIFIER] This PR is **APPROVED**

This pull-request has been approved by:

The full list of commands accepted by this bot can be found [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

The pull request process is described [here](https://git.k8s.io/community/contributors/guide/owners.md#the-code-review-process)

<details >
Needs approval from an approver in each of these files:


Approvers can indicate their approval by writing \`/approve\` in a comment
Approvers can cancel approval by writing \`/approve cancel\` in a comment
</details>
<!-- META={"approvers":[]} -->`,
  },
];

describe('approve handle (Prow TestHandle)', () => {
  it.each(prowHandleRows)('$name', async (row) => {
    // Prepare
    const { gh, ctx } = world({
      files: row.files,
      body: row.prBody,
      branch: row.branch,
      labels: ['lgtm', ...(row.hasLabel ? [approvedLabel] : [])],
      comments: row.comments,
      reviews: row.reviews,
      config: [
        {
          repos: ['org/repo'],
          require_self_approval: !row.selfApprove,
          issue_required: row.needsIssue ?? false,
          lgtm_acts_as_approve: row.lgtmActsAsApprove ?? false,
          ignore_review_state: !row.reviewActsAsApprove,
          ...prowLinks,
        },
      ],
    });
    if (row.linkHost) {
      const read = gh.getPullRequest.bind(gh);
      gh.getPullRequest = async (ref) => ({ ...(await read(ref)), htmlUrl: `https://${row.linkHost}/org/repo/pull/1` });
    }
    const before = notificationsOf(gh);
    // Prow's humanApproved: the fake says a person added the label; here that is the labeled event.
    const options: HandleOptions = row.humanApproved ? { labeledBy: { login: 'a-maintainer', type: 'User' } } : {};
    // Act
    const outcome = await handle(ctx, 1, options);
    // Assess
    expect(outcome.status).toBe('ran');
    const writes = commentWrites(gh);
    if (!row.expectComment) expect(writes).toEqual([]);
    else if (row.expectDelete) {
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(new RegExp(`^editComment org/repo comment ${before.at(-1)!.id} \\[APPROVALNOTIFIER\\]`));
    } else {
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/^createComment org\/repo#1 \[APPROVALNOTIFIER\]/);
    }
    const after = notificationsOf(gh);
    expect(after).toHaveLength(1);
    let expected = row.expectedComment;
    if (expected && row.goRandomPick) {
      const meta = /<!-- META=(.*) -->/.exec(after[0]!.body)![1]!;
      const picked = row.goRandomPick.filter((login) => meta.includes(`"${login}"`));
      expect(picked).toHaveLength(1);
      expected = expected.replaceAll(row.goRandomPick[0]!, picked[0]!);
    }
    if (expected) expect(normalise(after[0]!.body)).toBe(expected + (row.humanApproved ? humanLine('a-maintainer') : ''));
    const toggle = row.hasLabel ? `removeLabel ${pr1} ${approvedLabel}` : `addLabel ${pr1} ${approvedLabel}`;
    expect(labelWrites(gh)).toEqual(row.expectToggle ? [toggle] : []);
  });
});

// ---- Entry points: Prow's TestHandleGenericComment, TestHandleReview, TestHandlePullRequest ----------

const retarget = (payload: Record<string, any>) => {
  payload.repository.owner.login = repo.owner;
  payload.repository.name = repo.repo;
  payload.repository.full_name = `${repo.owner}/${repo.repo}`;
};
const userNamed = (template: Record<string, any>, login: string, type = login.endsWith('[bot]') ? 'Bot' : 'User') => ({ ...template, login, type });

/** A real issue_comment payload: `commenter` says `body` on pull request #1. */
function commentPayload(body: string, commenter: string, o: { action?: string; state?: string; onPR?: boolean } = {}) {
  const payload = samplePayload('issue_comment', o.action ?? 'created');
  retarget(payload);
  payload.issue.number = 1;
  payload.issue.state = o.state ?? 'open';
  payload.issue.user = userNamed(payload.issue.user, 'cjwagner');
  payload.comment.body = body;
  payload.comment.user = userNamed(payload.comment.user, commenter);
  payload.comment.html_url = 'https://github.com/org/repo/pull/1#issuecomment-1';
  if (o.onPR ?? true) {
    const url = 'https://api.github.com/repos/org/repo/pulls/1';
    payload.issue.pull_request = { url, html_url: 'https://github.com/org/repo/pull/1', diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  } else {
    delete payload.issue.pull_request;
  }
  return payload;
}

/** A real pull_request_review payload; `state` lower-case, as webhooks send it. */
function reviewPayload(state: string, reviewer: string, o: { action?: string; body?: string; type?: string } = {}) {
  const action = o.action ?? 'submitted';
  const payload = samplePayload('pull_request_review', action === 'dismissed' ? 'dismissed' : 'submitted');
  payload.action = action;
  retarget(payload);
  payload.review.state = state;
  payload.review.body = o.body ?? null;
  payload.review.user = userNamed(payload.review.user, reviewer, o.type);
  payload.pull_request.number = 1;
  return payload;
}

/** A real pull_request payload with `action`. */
function pullRequestPayload(action: string, o: { label?: string; sender?: string; senderType?: string; state?: string; body?: string } = {}) {
  const payload = samplePayload('pull_request', action === 'labeled' ? 'labeled' : action === 'opened' ? 'opened' : 'synchronize');
  payload.action = action;
  retarget(payload);
  payload.number = 1;
  payload.pull_request.number = 1;
  payload.pull_request.state = o.state ?? 'open';
  if (o.body !== undefined) payload.pull_request.body = o.body;
  if (o.label !== undefined) payload.label = { ...(payload.label ?? {}), name: o.label };
  payload.sender = userNamed(payload.sender, o.sender ?? 'a-maintainer', o.senderType);
  return payload;
}

type EventName = 'issue_comment' | 'pull_request' | 'pull_request_review' | 'pull_request_review_comment';

/** As dispatch runs a plugin: the event's handler, the commands, then the comment hook (not for the bot's own comments). */
async function deliver(ctx: World['ctx'], event: EventName, payload: Record<string, any>): Promise<Outcome> {
  const outcomes: Outcome[] = [];
  if (event === 'pull_request') outcomes.push((await approve.on!.pull_request!(ctx, payload as never)) ?? { status: 'ran' });
  if (event === 'pull_request_review') outcomes.push((await approve.on!.pull_request_review!(ctx, payload as never)) ?? { status: 'ran' });
  const generic = generalizeComment(event, payload);
  const comment = generic && { ...generic, repo };
  if (comment && !isBotLogin(ctx.botLogin, comment.user.login)) {
    outcomes.push((await runCommands(approve, ctx, comment)) ?? { status: 'skipped', reason: 'no command for this plugin in the comment' });
    outcomes.push((await approve.comment!(ctx, comment)) ?? { status: 'ran' });
  }
  return outcomes.find((o) => o.status !== 'skipped') ?? outcomes[0] ?? { status: 'skipped', reason: 'nothing to do' };
}

/** Whether the event reached Prow's handle: it reads the changed files only there. */
const handled = (gh: MemoryGitHub) => gh.calls.some((c) => c.startsWith('getPullRequestChanges '));

describe('approve comments (Prow TestHandleGenericComment, and odd rows)', () => {
  interface Case {
    name: string;
    body: string;
    action?: string;
    onPR?: boolean;
    state?: string;
    lgtmActsAsApprove?: boolean;
    commenter?: string;
    expectHandle: boolean;
  }
  const cases: Case[] = [
    { name: 'valid approve command', body: '/approve', expectHandle: true },
    { name: 'not comment created', body: '/approve', action: 'edited', expectHandle: false },
    { name: 'not PR', body: '/approve', onPR: false, expectHandle: false },
    { name: 'closed PR', body: '/approve', state: 'closed', expectHandle: false },
    { name: 'no approve command', body: 'stuff', expectHandle: false },
    { name: 'lgtm without lgtmActsAsApprove', body: '/lgtm', expectHandle: false },
    { name: 'lgtm with lgtmActsAsApprove', body: '/lgtm', lgtmActsAsApprove: true, expectHandle: true },
    // Skiff's odd rows.
    { name: 'lgtm cancel with lgtmActsAsApprove', body: '/lgtm cancel', lgtmActsAsApprove: true, expectHandle: true },
    { name: 'approve cancel', body: '/approve cancel', expectHandle: true },
    { name: 'approve no-issue', body: '/approve no-issue', expectHandle: true },
    { name: 'remove-approve', body: '/remove-approve', expectHandle: true },
    { name: 'upper case', body: '/APPROVE', expectHandle: true },
    { name: 'after other lines, with trailing whitespace and CR', body: 'looks fine\r\n/approve  \r\n', expectHandle: true },
    { name: 'quoted', body: '> /approve', expectHandle: false },
    { name: 'indented', body: ' /approve', expectHandle: false },
    { name: 'glued on', body: '/approved', expectHandle: false },
    { name: 'inside text', body: 'please /approve this', expectHandle: false },
    { name: 'a GitHub App', body: '/approve', commenter: 'some-app[bot]', expectHandle: true },
  ];
  it.each(cases)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({
      files: ['a/a.go'],
      config: [{ repos: ['org'], lgtm_acts_as_approve: c.lgtmActsAsApprove ?? false }],
    });
    const payload = commentPayload(c.body, c.commenter ?? 'alice', { action: c.action, state: c.state, onPR: c.onPR });
    // Act
    const outcome = await deliver(ctx, 'issue_comment', payload);
    // Assess
    expect(handled(gh)).toBe(c.expectHandle);
    expect(outcome.status).toBe(c.expectHandle ? 'ran' : 'skipped');
  });

  it("the bot's own comment is not read for commands (the dispatcher leaves it out)", async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'] });
    // Act
    const outcome = await deliver(ctx, 'issue_comment', commentPayload('/approve', bot));
    // Assess
    expect(handled(gh)).toBe(false);
    expect(outcome.status).toBe('skipped');
  });

  it('a comment with /approve and /lgtm recomputes once', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], config: [{ repos: ['org'], lgtm_acts_as_approve: true }] });
    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/lgtm\n/approve', 'alice'));
    // Assess
    expect(gh.calls.filter((c) => c.startsWith('getPullRequestChanges '))).toHaveLength(1);
  });

  it('a command in a review comment is answered once: review comments cannot be listed', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'] });
    const payload = samplePayload('pull_request_review_comment', 'created');
    retarget(payload);
    payload.pull_request.number = 1;
    payload.pull_request.state = 'open';
    payload.comment.body = '/approve';
    payload.comment.user = userNamed(payload.comment.user, 'alice');
    payload.comment.html_url = 'https://github.com/org/repo/pull/1#discussion_r1';
    // Act
    const outcome = await deliver(ctx, 'pull_request_review_comment', payload);
    // Assess
    expect(outcome.status).toBe('refused');
    expect(handled(gh)).toBe(false);
    expect(gh.writes).toEqual([
      `createComment ${pr1} @alice: approval commands in review comments on the diff are not counted by this bot. Write \`/approve\` in a comment on the pull request, or in the body of a review, instead.\n\n<details>\n\nIn response to [this](https://github.com/org/repo/pull/1#discussion_r1):\n\n>/approve\n\n\n${aboutThisBot}\n</details>`,
    ]);
  });

  it('a pull request opened with /approve in its body is recomputed once, by the pull_request handler (the body is no approval, as in Prow)', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], author: 'alice', config: [{ repos: ['org'], require_self_approval: true }] });
    // Act
    const outcome = await deliver(ctx, 'pull_request', pullRequestPayload('opened', { body: '/approve' }));
    // Assess
    expect(outcome.status).toBe('ran');
    expect(gh.calls.filter((c) => c.startsWith('getPullRequestChanges '))).toHaveLength(1);
    expect(labelWrites(gh)).toEqual([]);
    expect(notificationsOf(gh)[0]!.body).toMatch(/^\[APPROVALNOTIFIER\] This PR is \*\*NOT APPROVED\*\*/);
  });
});

describe('approve reviews (Prow TestHandleReview)', () => {
  interface Case {
    name: string;
    state: string;
    action?: string;
    body?: string;
    reviewer?: string;
    type?: string;
    lgtmActsAsApprove?: boolean;
    reviewActsAsApprove: boolean;
    expectHandle: boolean;
  }
  const cases: Case[] = [
    { name: 'approved state', state: 'approved', body: 'looks good', reviewActsAsApprove: true, expectHandle: true },
    { name: 'changes requested state', state: 'changes_requested', body: 'looks bad', reviewActsAsApprove: true, expectHandle: true },
    { name: 'pending review state', state: 'pending', body: 'looks good', reviewActsAsApprove: true, expectHandle: false },
    { name: 'edited review', state: 'approved', action: 'edited', body: 'looks good', reviewActsAsApprove: true, expectHandle: false },
    { name: 'dismissed review', state: 'dismissed', action: 'dismissed', body: 'looks good', reviewActsAsApprove: true, expectHandle: true },
    { name: 'approve command', state: 'approved', body: '/approve', reviewActsAsApprove: true, expectHandle: false },
    { name: 'lgtm command', state: 'approved', body: '/lgtm', lgtmActsAsApprove: true, reviewActsAsApprove: true, expectHandle: false },
    { name: 'feature disabled', state: 'approved', body: 'looks good', reviewActsAsApprove: false, expectHandle: false },
    { name: 'GitHub App bot approved review is ignored', state: 'approved', body: 'looks good', reviewer: 'some-app[bot]', type: 'Bot', reviewActsAsApprove: true, expectHandle: false },
    { name: 'GitHub App bot changes requested review is ignored', state: 'changes_requested', body: 'needs changes', reviewer: 'some-app[bot]', type: 'Bot', reviewActsAsApprove: true, expectHandle: false },
    // Skiff's: a commented review never changes approval; the bot's own review is a bot's.
    { name: 'commented review', state: 'commented', body: 'hmm', reviewActsAsApprove: true, expectHandle: false },
    { name: "the bot's own approving review", state: 'approved', body: 'ok', reviewer: bot, reviewActsAsApprove: true, expectHandle: false },
  ];
  it.each(cases)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({
      files: ['a/a.go'],
      config: [{ repos: ['org'], lgtm_acts_as_approve: c.lgtmActsAsApprove ?? false, ignore_review_state: !c.reviewActsAsApprove }],
    });
    const payload = reviewPayload(c.state, c.reviewer ?? 'author', { action: c.action, body: c.body, type: c.type });
    // Act
    const outcome = await approve.on!.pull_request_review!(ctx, payload as never);
    // Assess
    expect(handled(gh)).toBe(c.expectHandle);
    expect(outcome?.status).toBe(c.expectHandle ? 'ran' : 'skipped');
  });

  it('a review whose body says /approve is handled as a comment, once', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'] });
    gh.addReview(pr1, { user: 'alice', body: '/approve', state: 'COMMENTED', submittedAt: at(1) });
    // Act
    const outcome = await deliver(ctx, 'pull_request_review', reviewPayload('commented', 'alice', { body: '/approve' }));
    // Assess
    expect(outcome.status).toBe('ran');
    expect(gh.calls.filter((c) => c.startsWith('getPullRequestChanges '))).toHaveLength(1);
    expect(labelWrites(gh)).toEqual([`addLabel ${pr1} ${approvedLabel}`]);
  });
});

describe('approve pull requests (Prow TestHandlePullRequest)', () => {
  interface Case {
    name: string;
    action: string;
    label?: string;
    state?: string;
    sender?: string;
    expectHandle: boolean;
  }
  const cases: Case[] = [
    { name: 'pr opened', action: 'opened', expectHandle: true },
    { name: 'pr reopened', action: 'reopened', expectHandle: true },
    { name: 'pr sync', action: 'synchronize', expectHandle: true },
    { name: 'pr labeled', action: 'labeled', label: approvedLabel, expectHandle: true },
    { name: 'pr another label', action: 'labeled', label: 'some-label', expectHandle: false },
    { name: 'pr closed', action: 'labeled', label: approvedLabel, state: 'closed', expectHandle: false },
    { name: 'pr review requested', action: 'review_requested', expectHandle: false },
    // Skiff's: the bot's own label, and the label taken off (Prow does not handle unlabeled).
    { name: 'labeled by the bot', action: 'labeled', label: approvedLabel, sender: bot, expectHandle: false },
    { name: 'unlabeled', action: 'unlabeled', label: approvedLabel, expectHandle: false },
  ];
  it.each(cases)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], labels: c.label === approvedLabel ? [approvedLabel] : [] });
    // Act
    const outcome = await approve.on!.pull_request!(ctx, pullRequestPayload(c.action, { label: c.label, state: c.state, sender: c.sender }) as never);
    // Assess
    expect(handled(gh)).toBe(c.expectHandle);
    expect(outcome?.status).toBe(c.expectHandle ? 'ran' : 'skipped');
  });
});

// ---- One notification across events ------------------------------------------------------------------

describe('approve keeps one notification', () => {
  it('opened, /approve, a push, /approve cancel, another push: one notification, edited only when its text changes', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go', 'c/c.go'], author: 'cjwagner', assignees: [], config: [{ repos: ['org/repo'], ...prowLinks }] });
    const says = () => notificationsOf(gh).map((c) => c.body.split('\n')[0]);
    // Act / Assess: opened — the author approves c/ (self-approval), a/ is missing.
    await deliver(ctx, 'pull_request', pullRequestPayload('opened'));
    expect(says()).toEqual(['[APPROVALNOTIFIER] This PR is **NOT APPROVED**']);
    const [first] = notificationsOf(gh);
    expect(commentWrites(gh)).toEqual([expect.stringMatching(/^createComment org\/repo#1 /)]);

    gh.addComment(pr1, { user: 'alice', body: '/approve', createdAt: at(5) });
    await deliver(ctx, 'issue_comment', commentPayload('/approve', 'alice'));
    expect(says()).toEqual(['[APPROVALNOTIFIER] This PR is **APPROVED**']);
    expect(notificationsOf(gh)[0]!.id).toBe(first!.id);
    expect(labelWrites(gh)).toEqual([`addLabel ${pr1} ${approvedLabel}`]);

    const writesBefore = gh.writes.length;
    await deliver(ctx, 'pull_request', pullRequestPayload('synchronize'));
    expect(gh.writes.length).toBe(writesBefore);

    gh.addComment(pr1, { user: 'alice', body: '/approve cancel', createdAt: at(6) });
    await deliver(ctx, 'issue_comment', commentPayload('/approve cancel', 'alice'));
    await deliver(ctx, 'pull_request', pullRequestPayload('synchronize'));
    // Assess
    expect(says()).toEqual(['[APPROVALNOTIFIER] This PR is **NOT APPROVED**']);
    expect(notificationsOf(gh)[0]!.id).toBe(first!.id);
    expect(commentWrites(gh).map((w) => w.split(' ').slice(0, 4).join(' '))).toEqual([
      'createComment org/repo#1 [APPROVALNOTIFIER] This',
      `editComment org/repo comment ${first!.id}`,
      `editComment org/repo comment ${first!.id}`,
    ]);
    expect(labelWrites(gh)).toEqual([`addLabel ${pr1} ${approvedLabel}`, `removeLabel ${pr1} ${approvedLabel}`]);
  });

  it('older notifications of the bot are deleted and the latest edited', async () => {
    // Prepare
    const { gh, ctx, commentIds } = world({
      files: ['a/a.go'],
      comments: [
        { at: 0, user: bot, body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nold' },
        { at: 1, user: bot, body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nolder' },
        { at: 2, user: 'alice', body: '/approve' },
      ],
    });
    // Act
    await handle(ctx, 1);
    // Assess
    expect(commentWrites(gh).map((w) => w.split(' ').slice(0, 4).join(' '))).toEqual([
      `deleteComment org/repo comment ${commentIds[0]}`,
      `editComment org/repo comment ${commentIds[1]}`,
    ]);
    expect(notificationsOf(gh)).toHaveLength(1);
  });

  it("up-to-date but duplicated: the older is deleted, the latest is left as it is", async () => {
    // Prepare: the text Prow would write, twice.
    const probe = world({ files: ['a/a.go'] });
    await handle(probe.ctx, 1);
    const text = notificationsOf(probe.gh)[0]!.body;
    const { gh, ctx, commentIds } = world({ files: ['a/a.go'], comments: [{ at: 0, user: bot, body: text }, { at: 1, user: bot, body: text }] });
    // Act
    await handle(ctx, 1);
    // Assess
    expect(commentWrites(gh)).toEqual([`deleteComment org/repo comment ${commentIds[0]}`]);
  });

  it("someone else's [APPROVALNOTIFIER] comment is neither edited nor deleted", async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], comments: [{ at: 0, user: 'mallory', body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nhonest' }] });
    // Act
    await handle(ctx, 1);
    // Assess
    expect(commentWrites(gh)).toEqual([expect.stringMatching(/^createComment org\/repo#1 /)]);
    expect(notificationsOf(gh, 'mallory')).toHaveLength(1);
    expect(labelWrites(gh)).toEqual([]);
  });

  it('the same decisions on a retry: a second run after a full one writes nothing', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], comments: [{ at: 0, user: 'alice', body: '/approve' }] });
    await handle(ctx, 1);
    const writes = gh.writes.length;
    // Act
    await handle(ctx, 1);
    // Assess
    expect(gh.writes.length).toBe(writes);
  });

  it('a failed write fails the event (to be retried), not swallowed', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], comments: [{ at: 0, user: 'alice', body: '/approve' }] });
    gh.failNext('addLabel', new Error('GitHub is down'));
    // Act / Assess
    await expect(handle(ctx, 1)).rejects.toThrow('GitHub is down');
  });
});

// ---- The human-added approved label ------------------------------------------------------------------

describe('approve respects an approved label a person added', () => {
  it('added by a person: kept, recorded, and kept on later events until taken off', async () => {
    // Prepare: nobody approved a/.
    const { gh, ctx } = world({ files: ['a/a.go'], labels: [approvedLabel] });
    // Act: the labeled event.
    await deliver(ctx, 'pull_request', pullRequestPayload('labeled', { label: approvedLabel, sender: 'a-maintainer' }));
    // Assess
    let [notification] = notificationsOf(gh);
    expect(notification!.body).toContain('Approval requirements bypassed by manually added approval.');
    expect(notification!.body.endsWith(humanLine('a-maintainer'))).toBe(true);
    expect(labelWrites(gh)).toEqual([]);

    // Act: a later push still finds it recorded.
    await deliver(ctx, 'pull_request', pullRequestPayload('synchronize'));
    // Assess
    expect(labelWrites(gh)).toEqual([]);
    expect(commentWrites(gh)).toHaveLength(1);

    // Act: the person takes it off (Prow ignores unlabeled); the next event forgets the record.
    gh.setLabels(pr1, []);
    await deliver(ctx, 'pull_request', pullRequestPayload('synchronize'));
    // Assess
    [notification] = notificationsOf(gh);
    expect(notification!.body).toMatch(/^\[APPROVALNOTIFIER\] This PR is \*\*NOT APPROVED\*\*/);
    expect(notification!.body).not.toContain('<!-- approved label added by');
    expect(labelWrites(gh)).toEqual([]);
  });

  it('once the bot adds the label itself, an old record no longer counts', async () => {
    // Prepare: a record from a manual approval, the label gone, then alice approves.
    const { gh, ctx } = world({ files: ['a/a.go'], labels: [approvedLabel] });
    await deliver(ctx, 'pull_request', pullRequestPayload('labeled', { label: approvedLabel, sender: 'a-maintainer' }));
    gh.setLabels(pr1, []);
    gh.addComment(pr1, { user: 'alice', body: '/approve', createdAt: at(3) });
    // Act: the bot adds the label and rewrites the notification; alice cancels.
    await deliver(ctx, 'issue_comment', commentPayload('/approve', 'alice'));
    gh.addComment(pr1, { user: 'alice', body: '/approve cancel', createdAt: at(4) });
    await deliver(ctx, 'issue_comment', commentPayload('/approve cancel', 'alice'));
    // Assess
    expect(labelWrites(gh)).toEqual([`addLabel ${pr1} ${approvedLabel}`, `removeLabel ${pr1} ${approvedLabel}`]);
    expect(notificationsOf(gh)[0]!.body).not.toContain('<!-- approved label added by');
  });

  it('requirements met when a person adds it: the record is still written (Prow: the last adder is a person)', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], labels: [approvedLabel], comments: [{ at: 0, user: 'alice', body: '/approve' }] });
    await handle(ctx, 1);
    // Act
    await deliver(ctx, 'pull_request', pullRequestPayload('labeled', { label: approvedLabel, sender: 'a-maintainer' }));
    gh.addComment(pr1, { user: 'alice', body: '/approve cancel', createdAt: at(4) });
    await deliver(ctx, 'issue_comment', commentPayload('/approve cancel', 'alice'));
    // Assess: still approved, now by the bypass.
    expect(labelWrites(gh)).toEqual([]);
    expect(notificationsOf(gh)[0]!.body).toContain('Approval requirements bypassed by manually added approval.');
  });

  it('without the bot login, a label a user adds while the requirements are met is not taken as manual', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], labels: [approvedLabel], comments: [{ at: 0, user: 'alice', body: '/approve' }], botLogin: null });
    // Act
    await deliver(ctx, 'pull_request', pullRequestPayload('labeled', { label: approvedLabel, sender: 'someone' }));
    // Assess
    expect(notificationsOf(gh)[0]!.body).not.toContain('<!-- approved label added by');
    expect(ctx.checks.join('\n')).toContain('not taken as a manual approval');
  });

  it('without the bot login, a GitHub App adding the label is taken as the bot', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], labels: [approvedLabel], botLogin: null });
    // Act
    await deliver(ctx, 'pull_request', pullRequestPayload('labeled', { label: approvedLabel, sender: 'skiff[bot]', senderType: 'Bot' }));
    // Assess: not approved, so the label goes.
    expect(labelWrites(gh)).toEqual([`removeLabel ${pr1} ${approvedLabel}`]);
  });
});

// ---- issue_required --------------------------------------------------------------------------------

describe('approve with issue_required', () => {
  interface Case {
    name: string;
    body: string;
    comments: CommentRow[];
    approved: boolean;
    says: string;
  }
  const cases: Case[] = [
    { name: 'fixes #12', body: 'This fixes #12.', comments: [{ at: 0, user: 'alice', body: '/approve' }], approved: true, says: 'Associated issue: *#12*' },
    { name: 'an issue URL of the org', body: 'See https://github.com/org/other/issues/7', comments: [{ at: 0, user: 'alice', body: '/approve' }], approved: true, says: 'Associated issue: *#7*' },
    { name: 'no issue', body: 'Just a change.', comments: [{ at: 0, user: 'alice', body: '/approve' }], approved: false, says: '*No associated issue*. Update pull-request body' },
    { name: 'no-issue by an approver', body: '', comments: [{ at: 0, user: 'alice', body: '/approve no-issue' }], approved: true, says: 'Associated issue requirement bypassed by:' },
    {
      name: 'no-issue by someone who approves no file does not waive it',
      body: '',
      comments: [
        { at: 0, user: 'rando', body: '/approve no-issue' },
        { at: 1, user: 'alice', body: '/approve' },
      ],
      approved: false,
      says: '*No associated issue*.',
    },
    {
      name: 'a plain /approve after no-issue keeps the waiver (Prow)',
      body: '',
      comments: [
        { at: 0, user: 'alice', body: '/approve no-issue' },
        { at: 1, user: 'alice', body: '/approve' },
      ],
      approved: true,
      says: 'Associated issue requirement bypassed by:',
    },
  ];
  it.each(cases)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], body: c.body, comments: c.comments, config: [{ repos: ['org/repo'], issue_required: true }] });
    // Act
    await handle(ctx, 1);
    // Assess
    expect(labelWrites(gh)).toEqual(c.approved ? [`addLabel ${pr1} ${approvedLabel}`] : []);
    expect(notificationsOf(gh)[0]!.body).toContain(c.says);
  });

  const issueCases = [
    { name: 'hash', body: 'fixes #42', org: 'org', issue: 42 },
    { name: 'first of several', body: 'fixes #3 and #4', org: 'org', issue: 3 },
    { name: 'issue URL in the org', body: 'https://github.com/org/repo/issues/9', org: 'org', issue: 9 },
    { name: 'another org and repo is still a #N', body: 'kubernetes/kubernetes#1', org: 'org', issue: 1 },
    { name: 'issue URL of another org', body: 'https://github.com/other/repo/issues/9', org: 'org', issue: 0 },
    { name: 'none', body: 'nothing here', org: 'org', issue: 0 },
    { name: 'too large for Go', body: '#99999999999999999999', org: 'org', issue: 0 },
  ];
  it.each(issueCases)('findAssociatedIssue: $name', ({ body, org, issue }) => {
    // Act / Assess
    expect(findAssociatedIssue(body, org).issue).toBe(issue);
  });
});

// ---- Config ------------------------------------------------------------------------------------------

describe('approve config (Prow Approve, ApproveFor)', () => {
  it('defaults: no section at all', () => {
    // Act
    const opts = approveFor(approveConfigSchema.parse(undefined), 'org', 'repo');
    // Assess
    expect(opts).toEqual({
      issueRequired: false,
      hasSelfApproval: true,
      lgtmActsAsApprove: false,
      considerReviewState: true,
      commandHelpLink: defaultCommandHelpLink,
      prProcessLink: defaultPrProcessLink,
      ignoredKeys: [],
    });
  });

  it('a repository entry wins over an org entry, whatever the order', () => {
    // Prepare
    const config = approveConfigSchema.parse([
      { repos: ['org'], issue_required: true },
      { repos: ['org/repo'], lgtm_acts_as_approve: true, require_self_approval: true, ignore_review_state: true, commandHelpLink: 'https://prow.example/command-help', pr_process_link: 'https://example/process' },
    ]);
    // Act
    const repoOpts = approveFor(config, 'org', 'repo');
    const orgOpts = approveFor(config, 'org', 'other');
    const none = approveFor(config, 'elsewhere', 'repo');
    // Assess
    expect(repoOpts).toMatchObject({ issueRequired: false, lgtmActsAsApprove: true, hasSelfApproval: false, considerReviewState: false, commandHelpLink: 'https://prow.example/command-help', prProcessLink: 'https://example/process' });
    expect(orgOpts).toMatchObject({ issueRequired: true, hasSelfApproval: true });
    expect(none.issueRequired).toBe(false);
  });

  const invalid = [
    { name: 'a string for a boolean', section: [{ repos: ['org'], issue_required: 'yes' }], message: 'issue_required' },
    { name: 'a repository in two entries', section: [{ repos: ['org/repo'] }, { repos: ['org/repo'] }], message: 'the repo "org/repo" is in more than one approve entry' },
    { name: 'an org in two entries', section: [{ repos: ['org'] }, { repos: ['org', 'org/x'] }], message: 'the org "org" is in more than one approve entry' },
    { name: 'not a list', section: { repos: ['org'] }, message: 'expected array' },
  ];
  it.each(invalid)('refuses $name', ({ section, message }) => {
    // Act
    const result = approveConfigSchema.safeParse(section);
    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toContain(message);
  });

  it('keys Prow removed are accepted, ignored as Prow does, and noted', async () => {
    // Prepare
    const { ctx } = world({ files: ['a/a.go'], config: [{ repos: ['org'], implicit_self_approve: false, review_acts_as_approve: false, some_future_key: 1 }] });
    // Act
    const opts = approveFor(ctx.config, 'org', 'repo');
    await handle(ctx, 1);
    // Assess
    expect(opts).toMatchObject({ hasSelfApproval: true, considerReviewState: true, ignoredKeys: ['implicit_self_approve', 'review_acts_as_approve'] });
    expect(ctx.checks).toEqual(expect.arrayContaining([expect.stringContaining('implicit_self_approve is a key Prow removed in 2020')]));
  });

  it("kubernetes' approve section parses, and resolves as Prow resolves it", () => {
    // Prepare
    const yaml = parseYaml(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as { approve: unknown };
    // Act
    const config = approveConfigSchema.parse(yaml.approve);
    // Assess
    expect(approveFor(config, 'kubernetes', 'kubernetes')).toMatchObject({ hasSelfApproval: true, lgtmActsAsApprove: false, considerReviewState: true, issueRequired: false });
    expect(approveFor(config, 'kubernetes', 'kops')).toMatchObject({ hasSelfApproval: false, lgtmActsAsApprove: false });
    expect(approveFor(config, 'kubernetes', 'utils')).toMatchObject({ hasSelfApproval: true, lgtmActsAsApprove: true });
    expect(approveFor(config, 'kubernetes-sigs', 'kind')).toMatchObject({ hasSelfApproval: true });
  });
});

// ---- Commands, bots, links ---------------------------------------------------------------------------

describe('approve command parsing (Prow commandRegex)', () => {
  const cases = [
    { name: 'plain', body: '/approve', commands: [['APPROVE', '']] },
    { name: 'argument', body: '/approve no-issue', commands: [['APPROVE', 'no-issue']] },
    { name: 'tab before the argument', body: '/approve\tcancel', commands: [['APPROVE', 'cancel']] },
    { name: 'CR line ends', body: '/approve\r\n/lgtm\r', commands: [['APPROVE', ''], ['LGTM', '']] },
    { name: 'a lone CR does not start a line (RE2)', body: 'x\r/approve', commands: [] },
    { name: 'no-break space is part of the command (RE2 \\s is ASCII)', body: '/approve\u00a0cancel', commands: [['APPROVE\u00a0CANCEL', '']] },
    { name: 'quoted', body: '> /approve', commands: [] },
    { name: 'several lines', body: 'a\n/remove-approve\nb\n/approve cancel please', commands: [['REMOVE-APPROVE', ''], ['APPROVE', 'cancel please']] },
  ];
  it.each(cases)('$name', ({ body, commands }) => {
    // Act / Assess
    expect(commandsIn(body).map((c) => [c.name, c.args])).toEqual(commands);
  });

  it('/approve cancelled cancels too (Prow tests the argument with Contains)', async () => {
    // Prepare
    const { gh, ctx } = world({ files: ['a/a.go'], comments: [{ at: 0, user: 'alice', body: '/approve' }, { at: 1, user: 'alice', body: '/approve cancelled' }] });
    // Act
    await handle(ctx, 1);
    // Assess
    expect(labelWrites(gh)).toEqual([]);
  });

  it("an approval by the bot's login, or by a GitHub App that reviewed, is not counted", () => {
    // Act / Assess
    expect(isApprovalCommand((l) => isBotLogin('skiff[bot]', l), false, { author: 'Skiff[bot]', body: '/approve' })).toBe(false);
    expect(isApprovalCommand((l) => isBotLogin('skiff[bot]', l), false, { author: 'skiff', body: '/approve' })).toBe(false);
    expect(isApprovalCommand((l) => isBotLogin(undefined, l), false, { author: 'skiff', body: '/approve' })).toBe(true);
  });

  it('the web root comes from the pull request URL', () => {
    // Act / Assess
    expect(linkRoot('https://github.mycorp.com/org/repo/pull/1')).toBe('https://github.mycorp.com');
    expect(linkRoot('not a url')).toBe('https://github.com');
  });
});

describe('approve notification helpers', () => {
  const comment = (id: number, login: string, body: string, type = 'User') => ({ id, body, user: { login, type }, createdAt: at(id), updatedAt: at(id), htmlUrl: '' });
  it("only the bot counts, in any case, [bot]-less only for an App's comment; without a login, Apps only", () => {
    // Prepare
    const comments = [
      comment(1, 'Skiff[bot]', '[APPROVALNOTIFIER] x', 'Bot'),
      comment(2, 'someone', '[ApprovalNotifier] y\n<!-- META={"approvers":[]} -->'),
      comment(3, 'other[bot]', '[APPROVALNOTIFIER] z', 'Bot'),
      comment(4, 'skiff', 'not a notification'),
      // A person whose login is the App's slug: not the bot, whatever the comment says.
      comment(5, 'skiff', '[APPROVALNOTIFIER] This PR is **APPROVED**\n<!-- approved label added by skiff, not by the bot -->'),
      // A token bot's own comment, by its exact login.
      comment(6, 'skiff-bot', '[APPROVALNOTIFIER] w'),
    ];
    // Act / Assess
    expect(ownNotifications(comments, 'skiff[bot]').map((c) => c.id)).toEqual([1]);
    expect(ownNotifications(comments, 'skiff').map((c) => c.id)).toEqual([1, 5]);
    expect(ownNotifications(comments, 'skiff-bot').map((c) => c.id)).toEqual([6]);
    expect(ownNotifications(comments, undefined).map((c) => c.id)).toEqual([1, 3]);
  });

  it('the record of a person adding the label round-trips, and its absence forces a rewrite', () => {
    // Prepare
    const text = notificationText('[APPROVALNOTIFIER] This PR is **APPROVED**\n\nbody', 'alice');
    // Act / Assess
    expect(recordedLabelAdder(comment(1, bot, text))).toBe('alice');
    expect(recordedLabelAdder(comment(1, bot, '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nbody'))).toBeUndefined();
    expect(notificationWrites([comment(1, bot, text)], '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nbody')).toEqual([
      { kind: 'edit', id: 1, body: '[APPROVALNOTIFIER] This PR is **APPROVED**\n\nbody' },
    ]);
    expect(notificationWrites([comment(1, bot, text)], text)).toEqual([]);
  });
});

// ---- What /approve costs -----------------------------------------------------------------------------

describe('only collaborators among the OWNERS approve (Prow: unless owners.skip_collaborators)', () => {
  const owners = { OWNERS: 'approvers:\n- alice\n- departed\n' };

  it.each([
    { name: 'a named approver who still has access approves', who: 'alice', skip: false, approved: true },
    { name: 'a named approver who lost access does not', who: 'departed', skip: false, approved: false },
    { name: 'with skip_collaborators, the OWNERS alone decide', who: 'departed', skip: true, approved: true },
  ])('$name', async ({ who, skip, approved }) => {
    // Prepare: departed is in OWNERS but no longer has a role on the repository.
    const ownersSection = skip ? { skip_collaborators: ['org/repo'] } : undefined;
    const { gh, ctx } = world({ owners, files: ['README.md'], collaborators: ['alice'], ownersSection, comments: [{ at: 1, user: who, body: '/approve' }] });

    // Act
    await deliver(ctx, 'issue_comment', commentPayload('/approve', who));

    // Assess
    expect(gh.labelsOf(pr1).includes(approvedLabel)).toBe(approved);
  });
});

describe('approve GitHub calls (issue §5)', () => {
  // 50 changed files under 10 OWNERS directories, each with its own approver.
  const dirs = Array.from({ length: 10 }, (_, i) => `pkg/d${i}`);
  const owners = Object.fromEntries(dirs.map((d, i) => [`${d}/OWNERS`, `approvers:\n- approver${i}\n`]));
  const files = dirs.flatMap((d) => Array.from({ length: 5 }, (_, j) => `${d}/file${j}.go`));

  it('/approve from the last approver needed: 9 calls with the OWNERS and collaborators cold, 6 warm', async () => {
    // Prepare: nine directories approved, and the notification posted then.
    const comments = [
      ...dirs.slice(0, 9).map((_, i) => ({ at: i, user: `approver${i}`, body: '/approve' })),
      { at: 9, user: bot, body: '[APPROVALNOTIFIER] This PR is **NOT APPROVED**\n\nas it was' },
    ];
    const { gh, ctx } = world({ owners: { ...owners, 'README.md': 'cost test\n' }, files, comments, config: [{ repos: ['org'], require_self_approval: true }] });
    const approveNow = async (body: string, hour: number) => {
      gh.addComment(pr1, { user: 'approver9', body, createdAt: at(hour) });
      gh.calls.length = 0;
      await deliver(ctx, 'issue_comment', commentPayload(body, 'approver9'));
      return gh.calls.map((c) => c.split(' ')[0]);
    };
    // Act: cold — this event reads the tree, the 10 OWNERS blobs (one query) and the collaborators; then a cancel and an
    // /approve again with them cached.
    const cold = await approveNow('/approve', 20);
    await approveNow('/approve cancel', 21);
    const warm = await approveNow('/approve', 22);
    // Assess
    const reads = ['getPullRequest', 'getPullRequestChanges', 'listComments', 'listReviews'];
    // Cold: the tree, its OWNERS in one query, and one page of collaborators (then cached ten minutes).
    expect(cold).toEqual([...reads, 'getTree', 'getBlobs', 'listCollaborators', 'editComment', 'addLabel']);
    expect(warm).toEqual([...reads, 'editComment', 'addLabel']);
  });
});
