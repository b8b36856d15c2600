// The skip plugin against the in-memory GitHub and a recording JobsAccess: Prow's
// pkg/plugins/skip/skip_test.go TestSkipStatus, row by row, then Skiff's own rows (the command
// read as Prow's regex reads it, events it ignores, GitHub failures answered as Prow answers them,
// `skip_report` jobs, in-repo config read at the base branch, no job config).
import { describe, expect, it } from 'vitest';
import type { GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { GitHubError } from '../../shared/github/errors.js';
import type { Presubmit } from '../../shared/jobs/types.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { combinedState, contextRequired, noJobsReason, skip, skippedDescription, skipRe } from '../../shared/plugins/skip/index.js';
import type { PluginContext } from '../../shared/plugins/types.js';
import { FakeJobsAccess } from '../fakes/fake-jobs-access.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';
import { presubmitOf } from '../fakes/presubmit-fields.js';
import type { StatusSeed } from '../fakes/github-server.js';

const repo = 'org/repo';
const sha = 'shalala';

function commentEvent(fields: { body: string; action?: GenericCommentEvent['action']; isPR?: boolean; state?: string }): GenericCommentEvent {
  return {
    source: 'issue_comment',
    action: fields.action ?? 'created',
    isPR: fields.isPR ?? true,
    repo: { owner: 'org', repo: 'repo' },
    number: 1,
    body: fields.body,
    htmlUrl: 'https://github.com/org/repo/pull/1#issuecomment-7',
    user: { login: 'alice', type: 'User' },
    issueAuthor: 'bob',
    assignees: [],
    labels: [],
    issueState: fields.state ?? 'open',
    issueTitle: 'A change',
    issueHtmlUrl: 'https://github.com/org/repo/pull/1',
  };
}

function setup(options: { presubmits: Presubmit[]; existing: StatusSeed[]; jobs?: boolean; inRepo?: boolean }) {
  const github = new MemoryGitHub();
  github.setPullRequest(`${repo}#1`, { head: { sha }, base: { ref: 'master', sha: 'base-at-open' } });
  for (const status of options.existing) github.addStatus(repo, sha, status);
  const jobs = new FakeJobsAccess({ repo, presubmits: { [repo]: options.presubmits }, ...(options.inRepo ? { inRepo: { jobs: [] } } : {}) });
  const ctx = pluginContext({ github, config: undefined, repo: { owner: 'org', repo: 'repo' } });
  const withJobs = (options.jobs ?? true) ? Object.assign(ctx, { jobs }) : ctx;
  return { github, jobs, ctx: withJobs as PluginContext<undefined, MemoryGitHub> & { checks: string[] } };
}

const statusWrites = (github: MemoryGitHub) => github.writes.filter((w) => w.startsWith('createStatus '));

// skip_test.go TestSkipStatus. Prow's literals have contexts and no names; the loader names a job, so each is named after its context.
interface SkipCase {
  name: string;
  presubmits: Presubmit[];
  body?: string;
  existing: StatusSeed[];
  expected: StatusSeed[];
}

const job = (context: string, f: { optional?: boolean; trigger?: string; rerunCommand?: string } = {}) => presubmitOf({ name: context, ...f });
const st = (context: string, state: StatusSeed['state'], description = ''): StatusSeed => ({ context, state, description, targetUrl: '' });

const skipCases: SkipCase[] = [
  {
    name: 'required contexts should not be skipped regardless of their state',
    presubmits: [job('passing-tests'), job('failed-tests'), job('pending-tests')],
    existing: [st('passing-tests', 'success'), st('failed-tests', 'failure'), st('pending-tests', 'pending')],
    expected: [st('passing-tests', 'success'), st('failed-tests', 'failure'), st('pending-tests', 'pending')],
  },
  {
    name: 'optional contexts that have failed or are pending should be skipped',
    presubmits: [job('failed-tests', { optional: true }), job('pending-tests', { optional: true })],
    existing: [st('failed-tests', 'failure'), st('pending-tests', 'pending')],
    expected: [st('failed-tests', 'success', skippedDescription), st('pending-tests', 'success', skippedDescription)],
  },
  {
    name: 'optional contexts that have not posted a context should not be skipped',
    presubmits: [job('untriggered-tests', { optional: true })],
    existing: [],
    expected: [],
  },
  {
    name: 'optional contexts that have succeeded should not be skipped',
    presubmits: [job('succeeded-tests', { optional: true })],
    existing: [st('succeeded-tests', 'success')],
    expected: [st('succeeded-tests', 'success')],
  },
  {
    name: 'optional tests that have failed but will be handled by trigger should not be skipped',
    presubmits: [job('failed-tests', { optional: true, trigger: '(?m)^/test (?:.*? )?job(?: .*?)?$', rerunCommand: '/test job' })],
    body: '/skip\n/test job',
    existing: [st('failed-tests', 'failure')],
    expected: [st('failed-tests', 'failure')],
  },
  {
    // Prow's row sets the combined state to success beside statuses that are not; GitHub's combined
    // state follows from the statuses, so here every reported context passed, one of them by a job
    // outside the config, and the optional job's earlier failure is not what GitHub shows any more.
    name: 'no contexts should be skipped if the combined status is success',
    presubmits: [job('failed-tests', { optional: true }), job('pending-tests', { optional: true })],
    existing: [st('failed-tests', 'success', 'passed on retry'), st('other', 'success')],
    expected: [st('failed-tests', 'success', 'passed on retry'), st('other', 'success')],
  },
  // Skiff's rows.
  {
    name: 'a skip_report job is not required: its failed context is skipped',
    presubmits: [presubmitOf({ name: 'quiet', skipReport: true }), job('required')],
    existing: [st('quiet', 'failure'), st('required', 'failure')],
    expected: [st('quiet', 'success', skippedDescription), st('required', 'failure')],
  },
  {
    name: 'an error status is skipped like a failure',
    presubmits: [job('flaky', { optional: true })],
    existing: [st('flaky', 'error')],
    expected: [st('flaky', 'success', skippedDescription)],
  },
  {
    name: 'a context of no presubmit is left alone',
    presubmits: [job('optional-one', { optional: true })],
    existing: [st('external-ci', 'failure'), st('optional-one', 'failure')],
    expected: [st('external-ci', 'failure'), st('optional-one', 'success', skippedDescription)],
  },
  {
    name: 'a job the same comment runs with its default /test trigger is left to trigger',
    presubmits: [job('failed-tests', { optional: true })],
    body: '/skip\n/test failed-tests',
    existing: [st('failed-tests', 'failure')],
    expected: [st('failed-tests', 'failure')],
  },
  {
    name: '/retest in the same comment leaves the failed optional job to trigger',
    presubmits: [job('failed-tests', { optional: true }), job('hung-tests', { optional: true })],
    body: '/skip\n/retest',
    existing: [st('failed-tests', 'failure'), st('hung-tests', 'pending')],
    expected: [st('failed-tests', 'failure'), st('hung-tests', 'success', skippedDescription)],
  },
];

describe('TestSkipStatus', () => {
  it.each(skipCases)('$name', async (tc) => {
    // Prepare
    const { github, ctx } = setup({ presubmits: tc.presubmits, existing: tc.existing });

    // Act
    await runCommands(skip, ctx, commentEvent({ body: tc.body ?? '/skip' }));

    // Assess
    expect(github.statusesOf(repo, sha)).toEqual(tc.expected);
    expect(github.comments).toEqual([]);
  });
});

describe('when /skip does nothing', () => {
  const presubmits = [job('failed-tests', { optional: true })];
  const cases: { name: string; event: Parameters<typeof commentEvent>[0]; reason: RegExp }[] = [
    { name: 'trailing text: Prow wants /skip alone on its line', event: { body: '/skip please' }, reason: /not alone on its line/ },
    { name: 'an edited comment', event: { body: '/skip', action: 'edited' }, reason: /new comments only/ },
    { name: 'an issue', event: { body: '/skip', isPR: false }, reason: /pull requests only/ },
    { name: 'a closed pull request', event: { body: '/skip', state: 'closed' }, reason: /is closed/ },
    { name: 'a quoted /skip', event: { body: '> /skip' }, reason: /^$/ },
  ];
  it.each(cases)('$name', async (tc) => {
    const { github, ctx } = setup({ presubmits, existing: [st('failed-tests', 'failure')] });

    const outcome = await runCommands(skip, ctx, commentEvent(tc.event));

    expect(outcome?.reason ?? '').toMatch(tc.reason);
    expect(statusWrites(github)).toEqual([]);
  });

  it('refuses, saying why, where jobs are not set up', async () => {
    const { github, ctx } = setup({ presubmits, existing: [st('failed-tests', 'failure')], jobs: false });

    const outcome = await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    expect(outcome).toEqual({ status: 'refused', reason: noJobsReason });
    expect(github.calls).toEqual([]);
  });

  it('reads the changed files only when a job’s change filter asks', async () => {
    const { github, ctx } = setup({ presubmits: [job('a', { optional: true })], existing: [st('a', 'failure')] });

    await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    expect(github.reads.some((r) => r.startsWith('getPullRequestChanges'))).toBe(false);
    expect(statusWrites(github)).toEqual([`createStatus ${repo}@${sha} a success "Skipped"`]);
  });
});

describe('GitHub failures, answered as Prow answers them', () => {
  const presubmits = [job('failed-tests', { optional: true })];
  const terminal = (what: string) => new GitHubError(what, { cause: Object.assign(new Error('Not Found'), { status: 404 }) });

  it('a pull request that cannot be read gets "Cannot get PR"', async () => {
    const { github, ctx } = setup({ presubmits, existing: [st('failed-tests', 'failure')] });
    github.failNext('getPullRequest', terminal('failed to read org/repo#1'));

    const outcome = await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    expect(outcome?.status).toBe('refused');
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('@alice: Cannot get PR #1 in org/repo: failed to read org/repo#1');
    expect(github.comments[0]!.body).toContain('In response to [this](https://github.com/org/repo/pull/1#issuecomment-7)');
  });

  it('statuses that cannot be read get "Cannot get combined commit statuses"', async () => {
    const { github, ctx } = setup({ presubmits, existing: [st('failed-tests', 'failure')] });
    github.failNext('listStatuses', terminal('no statuses'));

    await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    expect(github.comments[0]!.body).toContain('Cannot get combined commit statuses for PR #1 in org/repo: no statuses');
    expect(statusWrites(github)).toEqual([]);
  });

  it('a status that cannot be set gets "Cannot update PR status for context"', async () => {
    const { github, ctx } = setup({ presubmits, existing: [st('failed-tests', 'failure')] });
    github.failNext('createStatus', terminal('validation failed'));

    await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    expect(github.comments[0]!.body).toContain('Cannot update PR status for context failed-tests: validation failed');
  });

  it('a failure a retry could cure is thrown, so the delivery is retried, with no comment', async () => {
    const { github, ctx } = setup({ presubmits, existing: [st('failed-tests', 'failure')] });
    github.failNext('listStatuses', new GitHubError('bad gateway', { cause: Object.assign(new Error('Bad Gateway'), { status: 502 }) }));

    await expect(runCommands(skip, ctx, commentEvent({ body: '/skip' }))).rejects.toThrow('bad gateway');
    expect(github.comments).toEqual([]);
  });
});

describe('presubmits', () => {
  it('reads .prow.yaml at the base branch as it is now when in-repo config is on (Prow’s GetRef heads/<base>)', async () => {
    const { github, jobs, ctx } = setup({ presubmits: [job('a', { optional: true })], existing: [st('a', 'failure')], inRepo: true });
    github.setBranches(repo, ['master']);

    await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    const branchSha = await github.getBranchSha({ owner: 'org', repo: 'repo' }, 'master');
    expect(jobs.reads).toEqual([`presubmitsFor #1 base master@${branchSha} head ${sha}`]);
  });

  it('without in-repo config, the pull request’s base SHA is enough and the branch is not read', async () => {
    const { github, jobs, ctx } = setup({ presubmits: [job('a', { optional: true })], existing: [st('a', 'failure')] });

    await runCommands(skip, ctx, commentEvent({ body: '/skip' }));

    expect(jobs.reads).toEqual([`presubmitsFor #1 base master@base-at-open head ${sha}`]);
    expect(github.reads.some((r) => r.startsWith('getRef'))).toBe(false);
  });
});

describe('helpers', () => {
  it.each([
    { body: '/skip', matches: true },
    { body: '/SKIP', matches: true },
    { body: '/skip \r\n', matches: true },
    { body: 'lgtm\n/skip', matches: true },
    { body: '/skip this', matches: false },
    { body: ' /skip', matches: false },
    { body: '/skipped', matches: false },
  ])('skipRe $body → $matches', ({ body, matches }) => {
    expect(skipRe.test(body)).toBe(matches);
  });

  it.each([
    { states: [], state: 'pending' },
    { states: ['success', 'success'], state: 'success' },
    { states: ['success', 'pending'], state: 'pending' },
    { states: ['pending', 'error'], state: 'failure' },
    { states: ['failure', 'success'], state: 'failure' },
  ])('combined state of $states is $state', ({ states, state }) => {
    expect(combinedState(states)).toBe(state);
  });

  it.each([
    { f: {}, required: true },
    { f: { optional: true }, required: false },
    { f: { skipReport: true }, required: false },
  ])('ContextRequired $f → $required', ({ f, required }) => {
    expect(contextRequired(presubmitOf({ name: 'x', ...f }))).toBe(required);
  });
});
