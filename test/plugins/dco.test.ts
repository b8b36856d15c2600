// The dco plugin against real `pull_request` and `issue_comment` payloads and the in-memory
// GitHub. Prow's tables from dco_test.go (TestHandlePullRequest, TestHandleComment) row by row,
// retargeted from Prow's empty org/repo to kubernetes/test-infra (so "kubernetes" is the
// repository's own org, as TrustedOrg there), then the odd rows: merge commits, sign-offs not at
// a line start, events that do nothing, stale comments, retries, what each costs, the config.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { GitHubError, RetryableError } from '../../shared/github/errors.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { contributingUrl, dcoConfigSchema, dcoFor, type DcoConfig } from '../../shared/plugins/dco/config.js';
import { dco, dcoNoLabel, dcoYesLabel } from '../../shared/plugins/dco/index.js';
import { markdownShaList } from '../../shared/plugins/dco/message.js';
import type { Outcome } from '../../shared/plugins/types.js';
import type { CommitSeed, FakeStatusState } from '../fakes/github-server.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'kubernetes', repo: 'test-infra' };
const full = `${repo.owner}/${repo.repo}`;
const number = 3;
const ref = `${full}#${number}`;
const sha = 'sha';

/** Prow's expected comment, with this repository in the links where Prow's tests have an empty org/repo. */
const prowComment = (url: string, list: string) => `Thanks for your pull request. Before we can look at it, you'll need to add a 'DCO signoff' to your commits.

:memo: **Please follow instructions in the [contributing guide](${url}) to update your commits with the DCO**

Full details of the Developer Certificate of Origin can be found at [developercertificate.org](https://developercertificate.org/).

**The list of commits missing DCO signoff**:

${list}

<details>

Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository. I understand the commands that are listed [here](https://go.k8s.io/bot-commands).
</details>
`;
const defaultUrl = `https://github.com/${full}/blob/master/CONTRIBUTING.md`;
const line = (s: string, subject: string) => `- [${s}](https://github.com/${full}/commits/${s}) ${subject}`;

const retarget = (payload: Record<string, any>) => {
  Object.assign(payload.repository, { name: repo.repo, full_name: full });
  payload.repository.owner.login = repo.owner;
  return payload;
};

/** A real `pull_request` payload for #3 at head `sha`, with `labels`. */
function pullRequest(action: string, labels: string[] = []): PullRequestEvent {
  const payload = retarget(structuredClone(samplePayload('pull_request', 'opened')) as Record<string, any>);
  payload.action = action;
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.sha = sha;
  payload.pull_request.labels = labels.map((name, i) => ({ id: i + 1, node_id: `L${i}`, url: '', name, color: 'ededed', default: false, description: null }));
  return payload as PullRequestEvent;
}

/** A real `issue_comment` payload on pull request #3 (or an issue), as the hook generalises it. */
function comment(body: string, o: { action?: string; onPR?: boolean; state?: string } = {}): GenericCommentEvent {
  const payload = retarget(structuredClone(samplePayload('issue_comment', o.action ?? 'created')) as Record<string, any>);
  payload.comment.body = body;
  payload.issue.number = number;
  payload.issue.state = o.state ?? 'open';
  if (o.onPR ?? true) {
    const url = `https://api.github.com/repos/${full}/pulls/${number}`;
    payload.issue.pull_request = { url, html_url: `https://github.com/${full}/pull/${number}`, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

interface Seed {
  commits?: CommitSeed[];
  hasYes?: boolean;
  hasNo?: boolean;
  /** The dco context's state on `sha` before the event. */
  status?: FakeStatusState;
}

/** Prow's fake for these tables: kubernetes has member `test`, the repository has collaborator `test-collaborator`. */
function githubWith(seed: Seed) {
  const github = new MemoryGitHub();
  github.setPullRequest(ref, { head: { sha } });
  github.setCommits(ref, seed.commits ?? []);
  github.setOrgMembers('kubernetes', ['test']);
  github.setRole(repo, 'test-collaborator', 'write');
  github.setLabels(ref, [...(seed.hasYes ? [dcoYesLabel] : []), ...(seed.hasNo ? [dcoNoLabel] : [])]);
  if (seed.status) github.addStatus(repo, sha, { context: 'dco', state: seed.status });
  return github;
}

const config = (options: Record<string, unknown> = {}): DcoConfig => dcoConfigSchema.parse({ [full]: options });

interface Row extends Seed {
  name: string;
  options?: Record<string, unknown>;
  action?: string;
  added?: string;
  removed?: string;
  expectedStatus?: FakeStatusState;
  comment?: string;
}

const unsigned = (s: string, message: string, author?: string): CommitSeed => ({ sha: s, message, ...(author === undefined ? { author: null } : { author }) });

// TestHandlePullRequest, row by row.
const prRows: Row[] = [
  { name: 'should not do anything on pull request edited', action: 'edited' },
  {
    name: "should add 'no' label & status context and add a comment if no commits have sign off",
    commits: [unsigned('sha', 'not a sign off')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not a sign off')),
  },
  {
    name: "should add 'no' label & status context, remove old labels and add a comment if no commits have sign off",
    commits: [unsigned('sha', 'not a sign off')],
    hasYes: true,
    added: dcoNoLabel,
    removed: dcoYesLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not a sign off')),
  },
  {
    name: 'should update comment if labels and status are up to date and sign off is failing',
    commits: [unsigned('sha', 'not a sign off')],
    hasNo: true,
    status: 'failure',
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not a sign off')),
  },
  {
    name: 'should mark the PR as failed if just one commit is missing sign-off',
    commits: [unsigned('sha1', 'Signed-off-by: someone'), unsigned('sha', 'not signed off')],
    hasYes: true,
    added: dcoNoLabel,
    removed: dcoYesLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
  {
    name: 'should add label and update status context if all commits are signed-off',
    commits: [unsigned('sha', 'Signed-off-by: someone')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should add label and update status context and remove old labels if all commits are signed-off',
    commits: [unsigned('sha', 'Signed-off-by: someone')],
    hasNo: true,
    added: dcoYesLabel,
    removed: dcoNoLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should add label and update status context if an user is member of the trusted org (commit non-signed)',
    options: { skip_dco_check_for_members: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not signed off', 'test')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should add label and update status context if an user is member of the trusted org (one commit signed, one non-signed)',
    options: { skip_dco_check_for_members: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not signed off', 'test'), unsigned('sha2', 'Signed-off-by: someone', 'test')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should add label and update status context if one commit is signed-off and another is from a trusted user',
    options: { skip_dco_check_for_members: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not signed off', 'test'), unsigned('sha2', 'Signed-off-by: someone', 'contributor')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should fail dco check as one unsigned commit is from member not from the trusted org',
    options: { skip_dco_check_for_members: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'Signed-off-by: someone', 'test'), unsigned('sha2', 'not signed off', 'test-2')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha2', 'not signed off')),
  },
  {
    name: 'should add label and update status context as one unsigned commit is from member not from the trusted org',
    options: { skip_dco_check_for_members: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'Signed-off-by: someone', 'test'), unsigned('sha2', 'not signed off', 'test-2')],
    hasYes: true,
    added: dcoNoLabel,
    removed: dcoYesLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha2', 'not signed off')),
  },
  {
    name: 'should fail dco check as skip feature is disabled',
    options: { skip_dco_check_for_members: false, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not signed off', 'test')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
  {
    name: 'should skip dco check as commit is from a collaborator',
    options: { skip_dco_check_for_members: true, skip_dco_check_for_collaborators: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not signed off', 'test-collaborator')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should fail dco check for a collaborator as skip dco for collaborators is disabled',
    options: { skip_dco_check_for_collaborators: false, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not signed off', 'test-collaborator')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
  {
    name: 'should skip dco check for trusted app even without skip flags',
    options: { trusted_apps: ['dependabot'] },
    commits: [unsigned('sha', 'not signed off', 'dependabot[bot]')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'should use custom CONTRIBUTING.md repo, branch and path in comment',
    options: { contributing_repo: 'kubernetes/org', contributing_branch: 'main', contributing_path: 'docs/CONTRIBUTING.md' },
    commits: [unsigned('sha', 'not signed off', 'test-collaborator')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment('https://github.com/kubernetes/org/blob/main/docs/CONTRIBUTING.md', line('sha', 'not signed off')),
  },

  // Beyond Prow's table.
  {
    name: 'a merge commit needs no sign-off',
    commits: [unsigned('sha1', 'Signed-off-by: someone'), { sha: 'sha', message: "Merge branch 'master' into feature", author: null, parents: ['sha1', 'base2'] }],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'a sign-off on a later line, in lower case and with CRLF line ends, counts',
    commits: [unsigned('sha', 'Fix the flake\r\n\r\nsigned-off-by: Someone <someone@example.com>\r\n')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'a sign-off that does not start its line does not count; the comment lists the subject only',
    commits: [unsigned('0123456789abcdef', 'Fix the flake Signed-off-by: someone\n\nMore words')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('0123456', 'Fix the flake Signed-off-by: someone').replace('commits/0123456)', 'commits/0123456789abcdef)')),
  },
  {
    name: '"Signed-off-by" without its colon does not count',
    commits: [unsigned('sha', 'Fix\n\nSigned-off-by someone')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'Fix')),
  },
  {
    name: 'reopened: labels and status, no comment',
    action: 'reopened',
    commits: [unsigned('sha', 'not signed off')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
  },
  {
    name: 'synchronize: the comment as on opened',
    action: 'synchronize',
    commits: [unsigned('sha', 'not signed off')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
  { name: 'closed: nothing', action: 'closed', commits: [unsigned('sha', 'not signed off')] },
  { name: 'labeled: nothing', action: 'labeled', commits: [unsigned('sha', 'not signed off')] },
  {
    name: 'all signed off, labels and status already right: no writes',
    commits: [unsigned('sha', 'Signed-off-by: someone')],
    hasYes: true,
    status: 'success',
    expectedStatus: 'success',
  },
  {
    name: 'a member of the org without skip_dco_check_for_members, trusted apps set: passes, as Prow asks membership first',
    options: { trusted_apps: ['dependabot'] },
    commits: [unsigned('sha', 'not signed off', 'test')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'a collaborator with only trusted apps set fails: only skip_dco_check_for_collaborators trusts collaborators',
    options: { trusted_apps: ['dependabot'] },
    commits: [unsigned('sha', 'not signed off', 'test-collaborator')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
  {
    name: 'a person named like a trusted app (no [bot]) is not trusted',
    options: { trusted_apps: ['dependabot'] },
    commits: [unsigned('sha', 'not signed off', 'dependabot')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
  {
    name: "the bot's own commits are trusted",
    options: { skip_dco_check_for_members: true },
    commits: [unsigned('sha', 'Update generated files', 'skiff-bot')],
    added: dcoYesLabel,
    expectedStatus: 'success',
  },
  {
    name: 'an author GitHub could not match to an account is not trusted',
    options: { skip_dco_check_for_members: true, skip_dco_check_for_collaborators: true },
    commits: [unsigned('sha', 'not signed off')],
    added: dcoNoLabel,
    expectedStatus: 'failure',
    comment: prowComment(defaultUrl, line('sha', 'not signed off')),
  },
];

/** The writes a row implies, in the plugin's (Prow's) order. */
function writesOf(row: Row, statusBefore: FakeStatusState | undefined): string[] {
  if (!row.expectedStatus) return [];
  const label = (verb: string, name: string | undefined) => (name ? [`${verb} ${ref} ${name}`] : []);
  const description = row.expectedStatus === 'success' ? 'All commits have Signed-off-by' : 'Commits in PR missing Signed-off-by';
  const status = statusBefore === row.expectedStatus ? [] : [`createStatus ${full}@${sha} dco ${row.expectedStatus} "${description}"`];
  if (row.expectedStatus === 'success') return [...label('removeLabel', row.removed), ...label('addLabel', row.added), ...status];
  return [...label('addLabel', row.added), ...label('removeLabel', row.removed), ...status, ...(row.comment ? [`createComment ${ref} ${row.comment}`] : [])];
}

async function runPullRequest(github: MemoryGitHub, options: Record<string, unknown> | undefined, event: PullRequestEvent) {
  const ctx = pluginContext({ github, config: config(options), repo });
  const outcome = (await dco.on!.pull_request!(ctx, event)) as Outcome;
  return { ctx, outcome };
}

describe('dco on pull requests (Prow TestHandlePullRequest)', () => {
  it.each(prRows)('$name', async (row) => {
    // Prepare
    const github = githubWith(row);
    const before = [...(row.hasYes ? [dcoYesLabel] : []), ...(row.hasNo ? [dcoNoLabel] : [])];

    // Act
    const { outcome } = await runPullRequest(github, row.options, pullRequest(row.action ?? 'opened', before));

    // Assess
    expect(github.writes).toEqual(writesOf(row, row.status));
    if (!row.expectedStatus) {
      expect(outcome.status).toBe('skipped');
      expect(github.calls).toEqual([]);
      return;
    }
    expect(outcome.status).toBe('ran');
    const labels = github.labelsOf(ref);
    if (row.added) expect(labels).toContain(row.added);
    if (row.removed) expect(labels).not.toContain(row.removed);
    expect(labels.filter((l) => l.startsWith('dco-signoff'))).toEqual([row.expectedStatus === 'success' ? dcoYesLabel : dcoNoLabel]);
    expect(github.statusesOf(repo, sha).find((s) => s.context === 'dco')?.state).toBe(row.expectedStatus);
    expect(github.comments.map((c) => c.body)).toEqual(row.comment ? [row.comment] : []);
  });

  it('the status links to the contributing guide', async () => {
    // Prepare
    const github = githubWith({ commits: [unsigned('sha', 'not signed off')] });

    // Act
    await runPullRequest(github, { contributing_repo: 'kubernetes/org', contributing_path: 'docs/CONTRIBUTING.md' }, pullRequest('opened'));

    // Assess
    expect(github.statusesOf(repo, sha)).toEqual([
      expect.objectContaining({ context: 'dco', state: 'failure', description: 'Commits in PR missing Signed-off-by', targetUrl: 'https://github.com/kubernetes/org/blob/master/docs/CONTRIBUTING.md' }),
    ]);
  });

  it("opened reads no labels (the payload's are current); synchronize and reopened read them, as this plugin's last write may not show", async () => {
    // Prepare
    const signed = { commits: [unsigned('sha', 'Signed-off-by: someone')] };
    const opened = githubWith(signed);
    const pushed = githubWith({ ...signed, hasNo: true });

    // Act: the push's payload was made before the last event's "no" label showed.
    await runPullRequest(opened, undefined, pullRequest('opened'));
    await runPullRequest(pushed, undefined, pullRequest('synchronize'));

    // Assess
    expect(opened.reads).toEqual([`listPullRequestCommits ${ref}`, `listStatuses ${full}@${sha}`, `listComments ${ref}`]);
    expect(pushed.reads).toEqual([`listPullRequestCommits ${ref}`, `listStatuses ${full}@${sha}`, `getIssueLabels ${ref}`, `listComments ${ref}`]);
    expect(pushed.labelsOf(ref)).toEqual([dcoYesLabel]);
  });

  it("a push prunes the bot's earlier DCO comment and posts the new list; other comments stay", async () => {
    // Prepare
    const github = githubWith({ commits: [unsigned('sha', 'still not signed off')], hasNo: true, status: 'failure' });
    const old = github.addComment(ref, { user: 'skiff-bot', body: prowComment(defaultUrl, line('old', 'not signed off')) });
    const quoted = github.addComment(ref, { user: 'alice', body: `> ${prowComment(defaultUrl, '')}\nWhy?` });
    const unrelated = github.addComment(ref, { user: 'skiff-bot', body: 'Some other notice.' });

    // Act
    await runPullRequest(github, undefined, pullRequest('synchronize', [dcoNoLabel]));

    // Assess
    expect(github.writes.slice(0, 1)).toEqual([`deleteComment ${full} comment ${old}`]);
    expect(github.commentsOf(ref).map((c) => c.id).slice(0, 2)).toEqual([quoted, unrelated]);
    expect(github.commentsOf(ref).at(-1)!.body).toBe(prowComment(defaultUrl, line('sha', 'still not signed off')));
  });

  it('once every commit is signed off, the old DCO comment goes', async () => {
    // Prepare
    const github = githubWith({ commits: [unsigned('sha', 'Fixed\n\nSigned-off-by: a <a@example.com>')], hasNo: true, status: 'failure' });
    const old = github.addComment(ref, { user: 'skiff-bot', body: prowComment(defaultUrl, line('old', 'not signed off')) });

    // Act
    const { outcome } = await runPullRequest(github, undefined, pullRequest('synchronize', [dcoNoLabel]));

    // Assess
    expect(github.writes).toEqual([
      `removeLabel ${ref} ${dcoNoLabel}`,
      `addLabel ${ref} ${dcoYesLabel}`,
      `createStatus ${full}@${sha} dco success "All commits have Signed-off-by"`,
      `deleteComment ${full} comment ${old}`,
    ]);
    expect(outcome.reason).toBe('pull_request synchronize: 1 commit, none lacking a sign-off from an untrusted author; 1 old DCO comment deleted');
  });

  it('each author is asked about once, and the trace says who was trusted', async () => {
    // Prepare
    const github = githubWith({ commits: [unsigned('aaaaaaa1', 'one', 'test'), unsigned('aaaaaaa2', 'two', 'test'), unsigned('sha', 'three', 'test-2')] });

    // Act
    const { ctx, outcome } = await runPullRequest(github, { skip_dco_check_for_members: true }, pullRequest('opened'));

    // Assess
    expect(github.reads.filter((c) => c.startsWith('isOrgMember'))).toEqual(['isOrgMember kubernetes test', 'isOrgMember kubernetes test-2']);
    expect(ctx.checks).toEqual([
      'member test of kubernetes: yes',
      'commit aaaaaaa lacks a sign-off, but test is trusted',
      'commit aaaaaaa lacks a sign-off, but test is trusted',
      'member test-2 of kubernetes: no',
    ]);
    expect(outcome.reason).toBe('pull_request opened: 1 of 3 commits lack a sign-off (sha)');
  });

  it.each([
    { name: 'a member of trusted_org (another org) passes', login: 'outsider', label: dcoYesLabel, answer: 'yes' },
    { name: 'someone in neither org fails', login: 'stranger', label: dcoNoLabel, answer: 'no' },
  ])('trusted_org naming another org: $name, and the trace says so', async ({ login, label, answer }) => {
    // Prepare
    const github = githubWith({ commits: [unsigned('sha', 'not signed off', login)] });
    github.setOrgMembers('kubernetes-sigs', ['outsider']);

    // Act
    const { ctx } = await runPullRequest(github, { skip_dco_check_for_members: true, trusted_org: 'kubernetes-sigs' }, pullRequest('opened'));

    // Assess
    expect(github.labelsOf(ref)).toEqual([label]);
    expect(ctx.checks).toEqual([`member ${login} of kubernetes: no`, `member ${login} of kubernetes-sigs (dco trusted_org): ${answer}`, ...(answer === 'yes' ? [`commit sha lacks a sign-off, but ${login} is trusted`] : [])]);
  });

  it('a failed comment that may succeed later fails the event; the retry writes only the comment', async () => {
    // Prepare
    const github = githubWith({ commits: [unsigned('sha', 'not signed off')] });
    github.failNext('createComment', new RetryableError('GitHub answered 502'));

    // Act
    await expect(runPullRequest(github, undefined, pullRequest('opened'))).rejects.toThrow('GitHub answered 502');
    const first = [...github.writes];
    await runPullRequest(github, undefined, pullRequest('opened', [dcoNoLabel]));

    // Assess
    expect(first).toEqual([`addLabel ${ref} ${dcoNoLabel}`, `createStatus ${full}@${sha} dco failure "Commits in PR missing Signed-off-by"`]);
    expect(github.writes.slice(first.length)).toEqual([`createComment ${ref} ${prowComment(defaultUrl, line('sha', 'not signed off'))}`]);
  });

  it('a comment GitHub refuses for good is noted and the labels and status stand, as in Prow', async () => {
    // Prepare
    const github = githubWith({ commits: [unsigned('sha', 'not signed off')] });
    github.failNext('createComment', new GitHubError('failed to comment on kubernetes/test-infra#3: 403 locked', { cause: Object.assign(new Error('locked'), { status: 403 }) }));

    // Act
    const { ctx, outcome } = await runPullRequest(github, undefined, pullRequest('opened'));

    // Assess
    expect(outcome.status).toBe('ran');
    expect(github.labelsOf(ref)).toEqual([dcoNoLabel]);
    expect(ctx.checks).toContain('the DCO comment failed, carrying on as Prow does: failed to comment on kubernetes/test-infra#3: 403 locked');
  });
});

interface CommentRow extends Seed {
  name: string;
  event: GenericCommentEvent;
  options?: Record<string, unknown>;
  status?: FakeStatusState;
  outcome: Outcome['status'] | undefined;
  expectedStatus?: FakeStatusState;
  added?: string;
  comment?: string;
}

const notSignedOff = [unsigned('sha', 'not a sign off')];

// TestHandleComment, then the odd rows.
const commentRows: CommentRow[] = [
  { name: 'should not do anything if comment does not match /check-dco', event: comment('not-the-trigger'), commits: notSignedOff, outcome: undefined },
  {
    name: "should add 'no' label & status context and add a comment if no commits have sign off",
    event: comment('/check-dco'),
    commits: notSignedOff,
    outcome: 'ran',
    expectedStatus: 'failure',
    added: dcoNoLabel,
    comment: prowComment(defaultUrl, line('sha', 'not a sign off')),
  },
  {
    name: 'should succeed as skip dco is enabled',
    event: comment('/check-dco'),
    options: { skip_dco_check_for_members: true, trusted_org: 'kubernetes' },
    commits: [unsigned('sha', 'not a sign off', 'test')],
    outcome: 'ran',
    expectedStatus: 'success',
    added: dcoYesLabel,
  },
  {
    name: '/CHECK-DCO with trailing whitespace and CRLF',
    event: comment('Please look again.\r\n/CHECK-DCO \t\r\n'),
    commits: notSignedOff,
    outcome: 'ran',
    expectedStatus: 'failure',
    added: dcoNoLabel,
    comment: prowComment(defaultUrl, line('sha', 'not a sign off')),
  },
  { name: '/check-dco with words after it is not the command (Prow: alone on its line)', event: comment('/check-dco please'), commits: notSignedOff, outcome: 'skipped' },
  { name: '> /check-dco in a quote', event: comment('> /check-dco'), commits: notSignedOff, outcome: undefined },
  { name: '/check-dcox', event: comment('/check-dcox'), commits: notSignedOff, outcome: undefined },
  { name: 'an edited comment', event: comment('/check-dco', { action: 'edited' }), commits: notSignedOff, outcome: 'skipped' },
  { name: 'on an issue', event: comment('/check-dco', { onPR: false }), commits: notSignedOff, outcome: 'skipped' },
  { name: 'on a closed pull request', event: comment('/check-dco', { state: 'closed' }), commits: notSignedOff, outcome: 'skipped' },
];

describe('/check-dco (Prow TestHandleComment)', () => {
  it.each(commentRows)('$name', async (row) => {
    // Prepare
    const github = githubWith(row);
    const ctx = pluginContext({ github, config: config(row.options), repo });

    // Act
    const outcome = await runCommands(dco, ctx, row.event);

    // Assess
    expect(outcome?.status).toBe(row.outcome);
    if (!row.expectedStatus) {
      expect(github.calls).toEqual([]);
      return;
    }
    expect(github.labelsOf(ref)).toEqual([row.added]);
    expect(github.statusesOf(repo, sha).find((s) => s.context === 'dco')?.state).toBe(row.expectedStatus);
    expect(github.comments.map((c) => c.body)).toEqual(row.comment ? [row.comment] : []);
  });

  it('reads the pull request once, for its head and labels, and no labels besides', async () => {
    // Prepare
    const github = githubWith({ commits: notSignedOff, hasNo: true, status: 'failure' });
    const ctx = pluginContext({ github, config: config(), repo });

    // Act
    await runCommands(dco, ctx, comment('/check-dco'));

    // Assess
    expect(github.reads).toEqual([`getPullRequest ${ref}`, `listPullRequestCommits ${ref}`, `listStatuses ${full}@${sha}`, `listComments ${ref}`]);
    expect(github.writes).toEqual([`createComment ${ref} ${prowComment(defaultUrl, line('sha', 'not a sign off'))}`]);
  });
});

describe('dco config', () => {
  const entry = (o: Record<string, unknown>) => ({ skip_dco_check_for_members: false, ...o });
  it.each([
    { name: 'the repository wins over its org and *', config: { '*': entry({ contributing_path: 'star' }), kubernetes: entry({ contributing_path: 'org' }), [full]: entry({ contributing_path: 'repo' }) }, path: 'repo' },
    { name: 'the org wins over *', config: { '*': entry({ contributing_path: 'star' }), kubernetes: entry({ contributing_path: 'org' }) }, path: 'org' },
    { name: '* applies to any repository', config: { '*': entry({ contributing_path: 'star' }), other: entry({ contributing_path: 'other' }) }, path: 'star' },
    { name: 'an empty entry is passed over, as a nil pointer in Prow', config: { [full]: null, kubernetes: entry({ contributing_path: 'org' }) }, path: 'org' },
    { name: 'nothing: all off', config: null, path: '' },
  ])('$name', ({ config: raw, path }) => {
    // Act
    const options = dcoFor(dcoConfigSchema.parse(raw), repo.owner, repo.repo);

    // Assess
    expect(options.contributingPath).toBe(path);
  });

  it("accepts Prow's keys, ignores unknown ones, and refuses a wrong type", () => {
    // Act
    const parsed = dcoConfigSchema.parse({ 'stolostron/x': { trusted_apps: ['red-hat-trusted-app-pipeline'], future_key: 1 } });
    const wrong = dcoConfigSchema.safeParse({ 'stolostron/x': { skip_dco_check_for_members: 'yes' } });

    // Assess
    expect(dcoFor(parsed, 'stolostron', 'x')).toEqual({
      skipForMembers: false,
      skipForCollaborators: false,
      trustedApps: ['red-hat-trusted-app-pipeline'],
      trustedOrg: '',
      contributingRepo: '',
      contributingBranch: '',
      contributingPath: '',
    });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['stolostron/x', 'skip_dco_check_for_members']);
  });

  it("Prow's contributing URL defaults and MarkdownSHAList", () => {
    // Act / Assess
    expect(contributingUrl(dcoFor({}, 'o', 'r'), 'o', 'r')).toBe('https://github.com/o/r/blob/master/CONTRIBUTING.md');
    expect(markdownShaList('o', 'r', [{ sha: 'abcdef0123', message: 'Subject\nbody' }, { sha: '', message: 'x' }, { sha: 'abc', message: 'short' }])).toBe(
      '- [abcdef0](https://github.com/o/r/commits/abcdef0123) Subject\n\n- [abc](https://github.com/o/r/commits/abc) short',
    );
  });
});
