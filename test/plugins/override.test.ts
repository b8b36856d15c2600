// The override plugin against the in-memory GitHub (through Octokit and the fake GitHub server)
// and a recording JobsAccess: Prow's pkg/plugins/override/override_test.go — TestAuthorizedUser,
// TestHandle, TestHelpProvider / TestWhoCanUse, TestAuthorizedGitHubTeamMember,
// TestValidateGitHubTeamSlugs, TestIsSkipRetest, TestHandleStickyOverride, TestHandleStickyCancel,
// TestStickyDescriptionFitsGitHubLimit — row by row, then Skiff's rows (no job config, a retried
// delivery, GitHub failures a retry could cure, several commands in one comment).
//
// Prow's fake answers GetRef with a fixed base SHA; here the base branch's SHA is the fake
// server's (read back with getBranchSha). TestHandle's check-run rows are not ported: Skiff does not
// read or create check runs (handle.ts). Its "handle only one status when multiple statuses have
// the same context" row becomes one context with a history: GitHub's combined view (and so
// listStatuses) shows the latest status of each context only.
import { describe, expect, it } from 'vitest';
import type { GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { GitHubError } from '../../shared/github/errors.js';
import { contextDescriptionWithBaseSha } from '../../shared/jobs/crier.js';
import type { Presubmit } from '../../shared/jobs/types.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { authorizedGitHubTeamMember, authorizedUser, invalidTeamSlugs } from '../../shared/plugins/override/authorize.js';
import { defaultOverrideConfig, overrideConfig, type OverrideConfig } from '../../shared/plugins/override/config.js';
import { parseOverrideInput, type OverrideContext } from '../../shared/plugins/override/handle.js';
import { override } from '../../shared/plugins/override/index.js';
import { description, skipRetestSentinel, stickyDescription, whoCanUse } from '../../shared/plugins/override/messages.js';
import { FakeJobsAccess } from '../fakes/fake-jobs-access.js';
import type { StatusSeed } from '../fakes/github-server.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext, type TestContext } from '../fakes/plugin-context.js';
import { presubmitOf } from '../fakes/presubmit-fields.js';

const fakeOrg = 'fake-org';
const fakeRepo = 'fake-repo';
const repo = `${fakeOrg}/${fakeRepo}`;
const fakePR = 33;
const fakeSHA = 'deadbeef';
const fakeBaseRef = 'fake-branch';
const adminUser = 'admin-user';
const commentUrl = `https://github.com/${repo}/pull/${fakePR}#issuecomment-1`;

type Ctx = OverrideContext & TestContext<OverrideConfig, MemoryGitHub>;

function commentEvent(fields: { body: string; user?: string; number?: number; action?: GenericCommentEvent['action']; isPR?: boolean; state?: string }): GenericCommentEvent {
  return {
    source: 'issue_comment',
    action: fields.action ?? 'created',
    isPR: fields.isPR ?? true,
    repo: { owner: fakeOrg, repo: fakeRepo },
    number: fields.number ?? fakePR,
    body: fields.body,
    htmlUrl: commentUrl,
    user: { login: fields.user ?? adminUser, type: 'User' },
    issueAuthor: 'someone',
    assignees: [],
    labels: [],
    issueState: fields.state ?? 'open',
    issueTitle: 'A change',
    issueHtmlUrl: `https://github.com/${repo}/pull/${fakePR}`,
  };
}

interface Setup {
  statuses?: StatusSeed[];
  presubmits?: Presubmit[];
  options?: unknown;
  approvers?: string[];
  /** `null`: the branch is protected with no required status checks. */
  protection?: string[] | null;
  jobs?: boolean;
  delivery?: string;
}

function setup(s: Setup = {}) {
  const github = new MemoryGitHub();
  github.setPullRequest(`${repo}#${fakePR}`, { head: { sha: fakeSHA }, base: { ref: fakeBaseRef, sha: 'base-at-open' } });
  github.setRole(repo, adminUser, 'admin');
  github.setRole(repo, 'rando', 'write');
  github.setTeam(fakeOrg, { name: 'team foo', slug: 'team-foo', members: ['user1', 'user2'] });
  github.setFile(repo, fakeBaseRef, 'OWNERS', `approvers:\n${(s.approvers ?? ['nobody']).map((a) => `- ${a}`).join('\n')}\n`);
  // Prow keeps only collaborators among a repository's OWNERS.
  for (const approver of s.approvers ?? []) github.setRole(repo, approver, 'write');
  if (s.protection !== undefined) github.setBranchProtection(repo, fakeBaseRef, s.protection ?? undefined);
  for (const status of s.statuses ?? []) github.addStatus(repo, fakeSHA, status);
  const jobs = new FakeJobsAccess({ repo, presubmits: { [repo]: s.presubmits ?? [] } });
  const ctx = pluginContext({ github, config: overrideConfig.schema.parse(s.options), repo: { owner: fakeOrg, repo: fakeRepo }, delivery: s.delivery ?? 'guid-1' });
  if (s.jobs ?? true) Object.assign(ctx, { jobs });
  return { github, jobs, ctx: ctx as Ctx };
}

const baseShaOf = (github: MemoryGitHub) => github.getBranchSha({ owner: fakeOrg, repo: fakeRepo }, fakeBaseRef);
const st = (context: string, state: StatusSeed['state'], desc = ''): StatusSeed => ({ context, state, description: desc, targetUrl: '' });
const job = (name: string, context = name) => presubmitOf({ name, context });
const terminal = (message: string) => new GitHubError(message, { cause: Object.assign(new Error('Not Found'), { status: 404 }) });
const commentsText = (github: MemoryGitHub) => github.comments.map((c) => c.body).join('\n');

describe('TestAuthorizedUser', () => {
  it.each([
    { name: 'fail closed', user: 'fail', expected: false },
    { name: 'reject rando', user: 'random', expected: false },
    { name: 'accept admin', user: adminUser, expected: true },
  ])('$name', async ({ user, expected }) => {
    const { github, ctx } = setup();
    if (user === 'fail') github.failNext('getRepoRole', terminal('injected HasPermission error'));

    expect(await authorizedUser(ctx, user)).toBe(expected);
  });
});

// override_test.go TestHandle. `desc` marks a status the row expects overridden by that user
// (Prow's statusDescription); everything else is expected as seeded.
interface HandleCase {
  name: string;
  comment: string;
  action?: GenericCommentEvent['action'];
  issue?: boolean;
  state?: string;
  user?: string;
  number?: number;
  contexts?: StatusSeed[];
  presubmits?: Presubmit[];
  protection?: string[] | null;
  options?: unknown;
  approvers?: string[];
  fail?: 'listStatuses' | 'getBranchProtection';
  expected: (StatusSeed | { overridden: string; by: string })[];
  jobs?: string[];
  checkComments?: string[];
}

const over = (context: string, by = adminUser) => ({ overridden: context, by });

const handleCases: HandleCase[] = [
  { name: 'successfully override failure', comment: '/override broken-test', contexts: [st('broken-test', 'failure')], expected: [over('broken-test')], checkComments: [`on behalf of ${adminUser}`] },
  { name: 'successfully override pending', comment: '/override hung-test', contexts: [st('hung-test', 'pending')], expected: [over('hung-test')] },
  {
    name: 'comment for incorrect context',
    comment: '/override whatever-you-want',
    contexts: [st('hung-test', 'pending')],
    presubmits: [job('hung-prow-job', 'hung-test')],
    expected: [st('hung-test', 'pending')],
    checkComments: ['The following unknown contexts/checkruns were given', 'whatever-you-want', 'Only the following failed contexts/checkruns were expected', 'hung-test', 'hung-prow-job'],
  },
  { name: 'refuse override from non-admin', comment: '/override broken-test', contexts: [st('broken-test', 'pending')], user: 'rando', expected: [st('broken-test', 'pending')], checkComments: ['unauthorized'] },
  { name: 'comment for override with no target', comment: '/override', contexts: [st('broken-test', 'pending')], user: 'rando', expected: [st('broken-test', 'pending')], checkComments: ['but none was given'] },
  {
    name: 'override multiple',
    comment: '/override broken-test\n/override hung-test',
    contexts: [st('broken-test', 'failure'), st('hung-test', 'pending')],
    expected: [over('broken-test'), over('hung-test')],
    checkComments: [`${adminUser}: broken-test, hung-test`],
  },
  {
    name: 'override multiple contexts inline',
    comment: '/override broken-test hung-test',
    contexts: [st('broken-test', 'failure'), st('hung-test', 'pending')],
    expected: [over('broken-test'), over('hung-test')],
    checkComments: [`${adminUser}: broken-test, hung-test`],
  },
  { name: 'override with extra whitespace', comment: '/override  broken-test \r\n', contexts: [st('broken-test', 'failure')], expected: [over('broken-test')], checkComments: [`${adminUser}: broken-test`] },
  { name: 'ignore non-PRs', issue: true, comment: '/override broken-test', contexts: [st('broken-test', 'pending')], expected: [st('broken-test', 'pending')] },
  { name: 'ignore closed issues', state: 'closed', comment: '/override broken-test', contexts: [st('broken-test', 'pending')], expected: [st('broken-test', 'pending')] },
  { name: 'ignore edits', action: 'edited', comment: '/override broken-test', contexts: [st('broken-test', 'pending')], expected: [st('broken-test', 'pending')] },
  { name: 'ignore random text', comment: '/test broken-test', contexts: [st('broken-test', 'pending')], expected: [st('broken-test', 'pending')] },
  { name: 'comment on get pr failure', number: fakePR * 2, comment: '/override broken-test', contexts: [st('broken-test', 'failure')], expected: [st('broken-test', 'failure')], checkComments: ['Cannot get PR'] },
  { name: 'comment on list statuses failure', comment: '/override fail-list', contexts: [st('fail-list', 'failure')], fail: 'listStatuses', expected: [st('fail-list', 'failure')], checkComments: ['Cannot get commit statuses'] },
  {
    name: 'comment on get branch protection failure',
    comment: '/override fail-list',
    contexts: [st('broken-test', 'failure')],
    fail: 'getBranchProtection',
    expected: [st('broken-test', 'failure')],
    checkComments: ['Cannot get branch protection'],
  },
  { name: 'do not override passing contexts', comment: '/override passing-test', contexts: [st('passing-test', 'success', 'preserve description')], expected: [st('passing-test', 'success', 'preserve description')] },
  { name: 'create successful prow job', comment: '/override prow-job', contexts: [st('prow-job', 'failure', 'failed')], presubmits: [job('prow-job')], jobs: ['prow-job'], expected: [over('prow-job')] },
  {
    name: 'successfully override prow job name',
    comment: '/override prow-job',
    contexts: [st('ci/prow/pkg-job', 'failure', 'failed')],
    presubmits: [job('prow-job', 'ci/prow/pkg-job')],
    jobs: ['ci/prow/pkg-job'],
    expected: [over('ci/prow/pkg-job')],
  },
  {
    name: 'override prow job and context',
    comment: '/override prow-job\n/override ci/prow/context',
    contexts: [st('ci/prow/context', 'failure', 'failed'), st('ci/prow/pkg-job', 'failure', 'failed')],
    presubmits: [job('prow-job', 'ci/prow/pkg-job')],
    jobs: ['ci/prow/pkg-job'],
    expected: [over('ci/prow/context'), over('ci/prow/pkg-job')],
  },
  {
    name: 'override same context and prow job',
    comment: '/override ci/prow/pkg-job\n/override prow-job',
    contexts: [st('ci/prow/pkg-job', 'failure', 'failed')],
    presubmits: [job('prow-job', 'ci/prow/pkg-job')],
    jobs: ['ci/prow/pkg-job'],
    expected: [over('ci/prow/pkg-job')],
  },
  { name: 'override with explanation works', comment: '/override job\r\nobnoxious flake', contexts: [st('job', 'failure', 'failed')], expected: [over('job')] },
  {
    name: 'override with allow_top_level_owners works',
    comment: '/override job',
    user: 'code_owner',
    options: { allow_top_level_owners: true },
    approvers: ['code_owner'],
    contexts: [st('job', 'failure', 'failed')],
    expected: [over('job', 'code_owner')],
  },
  {
    name: 'override with allow_top_level_owners works for uppercase user',
    comment: '/override job',
    user: 'Code_owner',
    options: { allow_top_level_owners: true },
    approvers: ['code_owner'],
    contexts: [st('job', 'failure', 'failed')],
    expected: [over('job', 'Code_owner')],
  },
  {
    name: 'override with allow_top_level_owners fails if user is not in OWNERS file',
    comment: '/override job',
    user: 'non_code_owner',
    options: { allow_top_level_owners: true },
    contexts: [st('job', 'failure', 'failed')],
    expected: [st('job', 'failure', 'failed')],
    checkComments: ['non_code_owner unauthorized: /override is restricted to Repo administrators, approvers in top level OWNERS file.'],
  },
  {
    name: 'override with allowed_github_team allowed if user is in specified github team',
    comment: '/override job',
    user: 'user1',
    options: { allowed_github_teams: { [repo]: ['team-foo'] } },
    contexts: [st('job', 'failure', 'failed')],
    expected: [over('job', 'user1')],
  },
  {
    name: 'override does not fail due to invalid github team slug',
    comment: '/override job',
    user: 'user1',
    options: { allowed_github_teams: { [repo]: ['team-foo', 'invalid-team-slug'] } },
    contexts: [st('job', 'failure', 'failed')],
    expected: [over('job', 'user1')],
  },
  // Prow's fake branch protection rows: no contexts seeded, `/override job` names nothing known.
  { name: 'override with empty branch protection', comment: '/override job', protection: null, expected: [], checkComments: ['`job`'] },
  { name: 'override with branch protection empty status checks', comment: '/override job', protection: [], expected: [], checkComments: ['`job`'] },
  { name: 'override with branch protection status checks', comment: '/override job', protection: ['job'], expected: [over('job')], checkComments: [`on behalf of ${adminUser}`] },
  {
    name: 'override with same branch protection status check and status',
    comment: '/override job',
    protection: ['job'],
    contexts: [st('job', 'failure')],
    expected: [over('job')],
    checkComments: [`on behalf of ${adminUser}`],
  },
  {
    name: 'handle only one status when multiple statuses have the same context',
    comment: '/override problematic-test',
    contexts: [st('problematic-test', 'pending'), st('problematic-test', 'failure'), st('problematic-test', 'pending')],
    presubmits: [job('problematic-test')],
    jobs: ['problematic-test'],
    expected: [over('problematic-test')],
  },
  // Skiff's rows.
  {
    name: 'a quoted context with a space',
    comment: '/override "test / Unit Tests" hung-test',
    contexts: [st('test / Unit Tests', 'failure'), st('hung-test', 'pending')],
    expected: [over('test / Unit Tests'), over('hung-test')],
    checkComments: [`${adminUser}: hung-test, test / Unit Tests`],
  },
  { name: 'a quoted /override does not fire', comment: '> /override broken-test', contexts: [st('broken-test', 'failure')], expected: [st('broken-test', 'failure')] },
  { name: 'an error status is overridden like a failure', comment: '/override broken-test', contexts: [st('broken-test', 'error')], expected: [over('broken-test')] },
  {
    name: 'an org-wide team entry authorises its members',
    comment: '/override job',
    user: 'user2',
    options: { allowed_github_teams: { [fakeOrg]: ['team-foo'] } },
    contexts: [st('job', 'failure')],
    expected: [over('job', 'user2')],
  },
  {
    name: "a team of another repository's entry does not authorise",
    comment: '/override job',
    user: 'user1',
    options: { allowed_github_teams: { 'org/repo': ['team-foo'] } },
    contexts: [st('job', 'failure')],
    expected: [st('job', 'failure')],
    checkComments: ['user1 unauthorized: /override is restricted to Repo administrators, and the following github teams:.'],
  },
];

describe('TestHandle', () => {
  it.each(handleCases)('$name', async (tc) => {
    // Prepare
    const { github, jobs, ctx } = setup({ statuses: tc.contexts, presubmits: tc.presubmits, options: tc.options, approvers: tc.approvers, protection: tc.protection });
    if (tc.fail) github.failNext(tc.fail, terminal(`injected ${tc.fail} failure`));
    const baseSha = await baseShaOf(github);

    // Act
    await runCommands(override, ctx, commentEvent({ body: tc.comment, user: tc.user, number: tc.number, action: tc.action, isPR: !tc.issue, state: tc.state }));

    // Assess
    const expected = tc.expected.map((e) => ('overridden' in e ? st(e.overridden, 'success', contextDescriptionWithBaseSha(description(e.by), baseSha)) : e));
    expect(github.statusesOf(repo, fakeSHA)).toEqual(expected);
    expect(new Set(jobs.made.map((r) => r.context))).toEqual(new Set(tc.jobs ?? []));
    for (const text of tc.checkComments ?? []) expect(commentsText(github)).toContain(text);
  });
});

describe('the job record of an overridden presubmit (Prow’s ProwJob)', () => {
  it('is a succeeded presubmit for the head on the base branch now, caused by the delivery, linked to the comment', async () => {
    const { github, jobs, ctx } = setup({ statuses: [st('ci/prow/pkg-job', 'failure')], presubmits: [job('prow-job', 'ci/prow/pkg-job')] });
    const baseSha = await baseShaOf(github);

    await runCommands(override, ctx, commentEvent({ body: '/override prow-job' }));

    expect(jobs.recorded).toEqual([`presubmit prow-job #${fakePR}@${fakeSHA} success "Overridden by ${adminUser}"`]);
    expect(jobs.requests[0]).toMatchObject({ type: 'presubmit', cause: 'guid-1', requestedBy: adminUser, refs: { org: fakeOrg, repo: fakeRepo, baseRef: fakeBaseRef, baseSha, pulls: [{ number: fakePR, sha: fakeSHA }] } });
    expect(jobs.made[0]).toMatchObject({ state: 'success', url: commentUrl, reportedState: 'success' });
  });

  it('a record that cannot be made stops the override with Prow’s message and sets no status', async () => {
    const { github, ctx } = setup({ statuses: [st('prow-job', 'failure')], presubmits: [job('prow-job')] });
    Object.assign(ctx, { jobs: new FakeJobsAccess({ repo, presubmits: { [repo]: [job('prow-job')] }, failing: ['prow-job'] }) });

    await runCommands(override, ctx, commentEvent({ body: '/override prow-job' }));

    expect(github.statusesOf(repo, fakeSHA)).toEqual([st('prow-job', 'failure')]);
    expect(commentsText(github)).toContain('Failed to create override job for prow-job');
  });

  it('without job config the context is still overridden, by its context only, and no record is made', async () => {
    const { github, jobs, ctx } = setup({ statuses: [st('prow-job', 'failure')], presubmits: [job('prow-job')], jobs: false });
    const baseSha = await baseShaOf(github);

    await runCommands(override, ctx, commentEvent({ body: '/override prow-job' }));

    expect(github.statusesOf(repo, fakeSHA)).toEqual([st('prow-job', 'success', contextDescriptionWithBaseSha(description(adminUser), baseSha))]);
    expect(jobs.made).toEqual([]);
    expect(ctx.checks).toContain('jobs are not set up here: contexts only, no job names, no job records');
  });

  it('a retried delivery makes no second record and no second override', async () => {
    const { github, jobs, ctx } = setup({ statuses: [st('prow-job', 'failure')], presubmits: [job('prow-job')] });

    await runCommands(override, ctx, commentEvent({ body: '/override prow-job' }));
    await runCommands(override, ctx, commentEvent({ body: '/override prow-job' }));

    expect(jobs.recorded).toHaveLength(1);
    expect(github.writes.filter((w) => w.startsWith('createStatus'))).toHaveLength(1);
    // The second time the context has passed: it is no longer among those that can be overridden.
    expect(github.comments[1]!.body).toContain('The following unknown contexts/checkruns were given:\n - `prow-job`');
  });
});

describe('GitHub failures a retry could cure are thrown, not answered', () => {
  it.each(['getPullRequest', 'listStatuses', 'getBranchProtection', 'createStatus'] as const)('%s', async (method) => {
    const { github, ctx } = setup({ statuses: [st('broken-test', 'failure')] });
    github.failNext(method, new GitHubError('bad gateway', { cause: Object.assign(new Error('Bad Gateway'), { status: 502 }) }));

    await expect(runCommands(override, ctx, commentEvent({ body: '/override broken-test' }))).rejects.toThrow('bad gateway');
    expect(github.comments).toEqual([]);
  });

  it('a status that cannot be set is said, after what was overridden before it is said too', async () => {
    const { github, ctx } = setup({ statuses: [st('a', 'failure'), st('b', 'failure')] });
    const set = github.createStatus.bind(github);
    github.createStatus = async (r, sha, status) => {
      if (status.context === 'b') throw terminal('validation failed');
      return set(r, sha, status);
    };

    await runCommands(override, ctx, commentEvent({ body: '/override a b' }));

    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([`@${adminUser}: Cannot update PR status for context b`, `@${adminUser}: Overrode contexts on behalf of ${adminUser}: a`]);
  });
});

describe('TestHelpProvider / TestWhoCanUse', () => {
  it.each([
    { name: 'WhoCanUse restricted to Repo administrators if no other options specified', options: {}, expectedWho: 'Repo administrators.' },
    { name: 'WhoCanUse includes top level code OWNERS if allow_top_level_owners is set', options: { allow_top_level_owners: true }, expectedWho: 'Repo administrators, approvers in top level OWNERS file.' },
    {
      name: 'WhoCanUse includes specified github teams',
      options: { allowed_github_teams: { 'org1/repo1': ['team-foo', 'team-bar'] } },
      expectedWho: 'Repo administrators, and the following github teams:org1/repo1: team-foo team-bar.',
    },
  ])('$name', ({ options, expectedWho }) => {
    expect(whoCanUse(overrideConfig.schema.parse(options), '', '')).toBe(expectedWho);
  });

  it('TestWhoCanUse: the repository’s and its org’s teams, sorted', () => {
    const config = overrideConfig.schema.parse({ allowed_github_teams: { 'org1/repo1': ['team-foo', 'team-bar'], 'org2/repo2': ['team-bar'], org1: ['team-foo-bar'] } });
    expect(whoCanUse(config, 'org1', 'repo1')).toBe('Repo administrators, and the following github teams:org1/repo1: team-foo team-bar, org1: team-foo-bar.');
  });

  it('declares Prow’s three commands, cancel and sticky before the plain one', () => {
    expect(override.commands?.map((c) => c.name)).toEqual(['override-cancel', 'override-sticky', 'override']);
  });
});

describe('TestAuthorizedGitHubTeamMember', () => {
  it.each([
    { name: 'members of specified teams are authorized', slugs: { [repo]: ['team-foo'] }, user: 'user1', expected: true },
    { name: 'non-members of specified teams are not authorized', slugs: { [repo]: ['team-foo'] }, user: 'non-member', expected: false },
    { name: 'only teams corresponding to the org/repo are considered', slugs: { 'org/repo': ['team-foo'] }, user: 'member', expected: false },
    { name: 'members of specified teams are authorized to org', slugs: { [fakeOrg]: ['team-foo'] }, user: 'user1', expected: true },
  ])('$name', async ({ slugs, user, expected }) => {
    const { ctx } = setup({ options: { allowed_github_teams: slugs } });
    expect(await authorizedGitHubTeamMember(ctx, user)).toBe(expected);
  });
});

describe('TestValidateGitHubTeamSlugs', () => {
  const teams = [{ slug: 'team-bar' }, { slug: 'team-baz' }];
  it.each([
    { name: 'validation failure for invalid team slug', slugs: { [repo]: ['foo'] }, invalid: ['foo'] },
    { name: 'no errors for valid team slugs', slugs: { [repo]: ['team-bar', 'team-baz'] }, invalid: [] },
  ])('$name', ({ slugs, invalid }) => {
    expect(invalidTeamSlugs(overrideConfig.schema.parse({ allowed_github_teams: slugs }), fakeOrg, fakeRepo, teams)).toEqual(invalid);
  });

  it('an invalid slug is logged as Prow logs it', async () => {
    const { ctx } = setup({ options: { allowed_github_teams: { [repo]: ['team-foo', 'nope'] } } });
    await authorizedGitHubTeamMember(ctx, 'user1');
    expect(ctx.logs).toContain('warn: invalid team slug(s): nope');
  });
});

describe('TestIsSkipRetest', () => {
  const isSkipRetest = (d: string) => d.includes(skipRetestSentinel);
  it.each([
    { d: 'Overridden by admin-user [prow:skip-retest]', expected: true },
    { d: 'Overridden by bot [prow:skip-retest]', expected: true },
    { d: 'something [prow:skip-retest] else', expected: true },
    { d: contextDescriptionWithBaseSha(stickyDescription('admin-user'), 'f'.repeat(40)), expected: true },
    { d: 'Overridden by admin-user', expected: false },
    { d: 'Build succeeded', expected: false },
    { d: '', expected: false },
  ])('$d → $expected', ({ d, expected }) => {
    expect(isSkipRetest(d)).toBe(expected);
  });
});

describe('TestHandleStickyOverride', () => {
  it.each([
    { name: '/override-sticky sets sticky description', body: '/override-sticky job-a', describe: stickyDescription, sticky: true },
    { name: '/override sets regular description', body: '/override job-a', describe: description, sticky: false },
  ])('$name', async (tc) => {
    const { github, ctx } = setup({ statuses: [st('job-a', 'failure', 'Build failed')] });
    const baseSha = await baseShaOf(github);

    await runCommands(override, ctx, commentEvent({ body: tc.body }));

    expect(github.statusesOf(repo, fakeSHA)).toEqual([st('job-a', 'success', contextDescriptionWithBaseSha(tc.describe(adminUser), baseSha))]);
    expect(commentsText(github).includes('These overrides will persist across retests on the current HEAD SHA.')).toBe(tc.sticky);
  });

  it('/override-sticky with no target says so, with its own name', async () => {
    const { github, ctx } = setup({ statuses: [st('job-a', 'failure')] });
    await runCommands(override, ctx, commentEvent({ body: '/override-sticky' }));
    expect(commentsText(github)).toContain('/override-sticky requires failed status contexts to operate on, but none was given');
  });
});

describe('TestHandleStickyCancel', () => {
  const sticky = 'Overridden by admin-user [prow:skip-retest]';
  it.each([
    {
      name: 'cancel specific override',
      body: '/override-cancel job-a',
      statuses: [st('job-a', 'success', sticky), st('job-b', 'success', sticky)],
      expectedStatuses: [st('job-a', 'failure', 'Override cancelled by admin-user'), st('job-b', 'success', sticky)],
      expectedComment: 'Cancelled overrides',
    },
    {
      name: 'cancel all overrides',
      body: '/override-cancel',
      statuses: [st('job-a', 'success', sticky), st('job-b', 'success', sticky)],
      expectedStatuses: [st('job-a', 'failure', 'Override cancelled by admin-user'), st('job-b', 'failure', 'Override cancelled by admin-user')],
      expectedComment: 'Cancelled overrides on behalf of admin-user: job-a, job-b',
    },
    {
      name: 'cancel also affects regular overrides',
      body: '/override-cancel',
      statuses: [st('job-a', 'success', 'Overridden by admin-user')],
      expectedStatuses: [st('job-a', 'failure', 'Override cancelled by admin-user')],
      expectedComment: 'Cancelled overrides',
    },
    {
      name: 'cancel does not affect non-override statuses',
      body: '/override-cancel',
      statuses: [st('job-a', 'success', 'Build succeeded')],
      expectedStatuses: [st('job-a', 'success', 'Build succeeded')],
      expectedComment: 'No overrides found to cancel',
    },
  ])('$name', async (tc) => {
    const { github, ctx } = setup({ statuses: tc.statuses });

    await runCommands(override, ctx, commentEvent({ body: tc.body }));

    expect(github.statusesOf(repo, fakeSHA)).toEqual(tc.expectedStatuses);
    expect(github.comments.at(-1)?.body).toContain(tc.expectedComment);
  });

  it('refuses a non-admin', async () => {
    const { github, ctx } = setup({ statuses: [st('job-a', 'success', sticky)] });
    await runCommands(override, ctx, commentEvent({ body: '/override-cancel', user: 'rando' }));
    expect(github.statusesOf(repo, fakeSHA)).toEqual([st('job-a', 'success', sticky)]);
    expect(commentsText(github)).toContain('rando unauthorized: /override-cancel is restricted to Repo administrators.');
  });

  it('one comment may cancel one override and make another (Prow runs cancel first)', async () => {
    const { github, ctx } = setup({ statuses: [st('job-a', 'success', 'Overridden by admin-user'), st('job-b', 'failure')] });
    const baseSha = await baseShaOf(github);

    await runCommands(override, ctx, commentEvent({ body: '/override-cancel job-a\n/override job-b' }));

    expect(github.statusesOf(repo, fakeSHA)).toEqual([st('job-a', 'failure', 'Override cancelled by admin-user'), st('job-b', 'success', contextDescriptionWithBaseSha(description(adminUser), baseSha))]);
  });
});

describe('TestStickyDescriptionFitsGitHubLimit', () => {
  it('a 39-character login still fits 140 bytes with the sentinel kept', () => {
    const full = contextDescriptionWithBaseSha(stickyDescription('x'.repeat(39)), 'f'.repeat(40));
    expect(Buffer.byteLength(full)).toBeLessThanOrEqual(140);
    expect(full).toContain(skipRetestSentinel);
  });
});

describe('parseOverrideInput and config', () => {
  it.each([
    { input: 'a b', out: ['a', 'b'] },
    { input: ' broken-test ', out: ['broken-test'] },
    { input: '"test / Unit Tests"', out: ['test / Unit Tests'] },
    { input: '"a b" c', out: ['a b', 'c'] },
    { input: 'a\tb', out: ['a\tb'] },
  ])('$input', ({ input, out }) => {
    expect(parseOverrideInput(input)).toEqual(out);
  });

  it('defaults: no top-level owners, no teams; an org key with nothing under it is no teams', () => {
    expect(defaultOverrideConfig()).toEqual({ allowTopLevelOwners: false, allowedGitHubTeams: {} });
    expect(overrideConfig.schema.parse({ allowed_github_teams: { knative: null } }).allowedGitHubTeams).toEqual({ knative: [] });
  });
});

describe('without an override section in plugins.yaml', () => {
  it('admins may override, with Prow’s zero-value config', async () => {
    const { github, ctx } = setup({ statuses: [st('job', 'failure')] });
    Object.assign(ctx, { config: undefined });

    await runCommands(override, ctx, commentEvent({ body: '/override job', user: 'rando' }));

    expect(commentsText(github)).toContain('rando unauthorized: /override is restricted to Repo administrators.');
  });
});
