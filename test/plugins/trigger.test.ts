// The trigger plugin against the in-memory GitHub and a recording JobsAccess, with Prow's tables
// from pkg/plugins/trigger (generic-comment_test.go TestHandleGenericComment and TestRetestFilter,
// pull-request_test.go TestHandlePullRequest, TestTrusted, TestAbortAllJobs and the org-invite
// rows, push_test.go TestHandlePE and TestCreateRefs, trigger_test.go TestRunRequested) and
// pkg/markdown's TestDropCodeBlock, row by row, then Skiff's own rows: retries, drafts, the
// in-repository config's error comment, help pruning, the refs a record gets.
import type { PullRequestEvent, PushEvent } from '@octokit/webhooks-types';
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { triggersSection } from '../../shared/config/triggers-section.js';
import { GitHubError, isRetryable } from '../../shared/github/errors.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { brancher } from '../../shared/jobs/matching.js';
import { compileRe2 } from '../../shared/jobs/re2.js';
import type { JobRecord, Postsubmit, Presubmit } from '../../shared/jobs/types.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { dropCodeBlock } from '../../shared/plugins/trigger/code-block.js';
import type { JobsContext, TriggerContext } from '../../shared/plugins/trigger/context.js';
import {
  helpMessage,
  isHelpComment,
  mayNeedHelpComment,
  retestWithTargetNote,
  shouldPruneHelp,
  shouldRespondWithHelp,
  targetNotFoundNote,
  testWithoutTargetNote,
  thereAreNoTestAllJobsNote,
} from '../../shared/plugins/trigger/help-message.js';
import { trigger } from '../../shared/plugins/trigger/index.js';
import { draftMessage, inRepoErrorMarker, orgInvitationGuidance } from '../../shared/plugins/trigger/messages.js';
import { presubmitFilterFor, retestFilter, type FilterAnswer, type PullContexts } from '../../shared/plugins/trigger/presubmit-filter.js';
import { pushRefs } from '../../shared/plugins/trigger/push.js';
import { abortJobs, runRequested, type PullInfo } from '../../shared/plugins/trigger/run-requested.js';
import { trustedPullRequest } from '../../shared/plugins/trigger/trusted-pull.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { FakeJobsAccess, pullJob, type FakeJobsOptions } from '../fakes/fake-jobs-access.js';
import { faults } from '../fakes/github-server.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext, type TestContext } from '../fakes/plugin-context.js';
import { jobBase, presubmitOf, type PresubmitFields } from '../fakes/presubmit-fields.js';

const bot = 'k8s-ci-robot';

// ---------------------------------------------------------------------------------------------
// Fixtures: Prow's config.Presubmit / Postsubmit literals, with SetPresubmits' defaults.
// ---------------------------------------------------------------------------------------------

type JobFields = PresubmitFields;
const presubmit = presubmitOf;

function postsubmit(f: Pick<JobFields, 'name' | 'branches' | 'runIfChanged'>): Postsubmit {
  return {
    ...jobBase(f.name),
    kind: 'postsubmit',
    context: f.name,
    skipReport: false,
    brancher: brancher(f.branches),
    ...(f.runIfChanged ? { runIfChanged: compileRe2(f.runIfChanged) } : {}),
  };
}

/** Prow's rows write `(?m)^/test (?:.*? )?<name>(?: .*?)?$`. */
const rowTrigger = (name: string) => `(?m)^/test (?:.*? )?${name}(?: .*?)?$`;
const rowJob = (name: string, f: Partial<JobFields> = {}) => presubmit({ name, context: `pull-${name}`, trigger: rowTrigger(name), rerunCommand: `/test ${name}`, ...f });

/** The context a plugin gets, with the recording jobs (or none). */
type Ctx = JobsContext & Pick<TestContext<unknown, unknown>, 'checks' | 'logs'>;

function contextFor(github: MemoryGitHub, options: { jobs?: FakeJobsAccess; triggers?: unknown; repo?: { owner: string; repo: string }; delivery?: string }): Ctx {
  const parsed = triggersSection.schema.parse(options.triggers);
  const ctx = pluginContext({ github, config: parsed, repo: options.repo ?? { owner: 'org', repo: 'repo' }, botLogin: bot, sections: { triggers: parsed }, delivery: options.delivery ?? 'delivery-1' });
  return Object.assign(ctx, options.jobs ? { jobs: options.jobs } : {}) as Ctx;
}

/** What the dispatcher does with a comment for trigger: its commands, then its comment hook; the first outcome that did something. */
async function deliverComment(ctx: TriggerContext, event: GenericCommentEvent): Promise<Outcome> {
  const outcomes = [(await runCommands(trigger, ctx, event)) ?? { status: 'skipped' as const, reason: 'no command' }, (await trigger.comment!(ctx, event)) ?? { status: 'ran' as const }];
  return outcomes.find((o) => o.status !== 'skipped') ?? outcomes[0]!;
}

function commentEvent(fields: { body: string; author: string; prAuthor: string; state?: string; isPR?: boolean; action?: GenericCommentEvent['action'] }): GenericCommentEvent {
  return {
    source: 'issue_comment',
    action: fields.action ?? 'created',
    isPR: fields.isPR ?? true,
    repo: { owner: 'org', repo: 'repo' },
    number: 1,
    body: fields.body,
    htmlUrl: 'https://github.com/org/repo/pull/1#issuecomment-9',
    user: { login: fields.author, type: 'User' },
    issueAuthor: fields.prAuthor,
    assignees: [],
    labels: [],
    issueState: fields.state ?? 'open',
    issueTitle: 'A change',
    issueHtmlUrl: 'https://github.com/org/repo/pull/1',
  };
}

const labelWrites = (github: MemoryGitHub, verb: 'addLabel' | 'removeLabel') => github.writes.filter((w) => w.startsWith(`${verb} `)).map((w) => w.slice(verb.length + 1));
const contextsOf = (jobs: FakeJobsAccess) => new Set(jobs.requests.map((r) => r.definition.kind !== 'periodic' ? r.definition.context : r.definition.name));

// ---------------------------------------------------------------------------------------------
// generic-comment_test.go TestHandleGenericComment
// ---------------------------------------------------------------------------------------------

const ref = 'org/repo#1';
const helpComment = 'The following commands are available to trigger required jobs:\n```\n/test jib\n```\n```\n/test job\n```\n\n';
const helpTestAllWithJobsComment = 'Use `/test all` to run the following jobs that were automatically triggered:\n```\njob\n```\n\n';
const produceCodeBlock = (text: string, withNewLine: boolean) => `\`\`\`\n${text}\n\`\`\`${withNewLine ? '\n' : ''}`;
const noComment = '<none>';

interface CommentCase {
  name: string;
  author: string;
  prAuthor?: string;
  body: string;
  state?: string;
  isPR?: boolean;
  branch?: string;
  shouldBuild?: boolean;
  startsExactly?: string;
  addedLabels?: string[];
  removedLabels?: string[];
  presubmits?: Presubmit[];
  issueLabels?: string[];
  ignoreOkToTest?: boolean;
  addedComment?: string;
  pruneHelp?: boolean;
}

const defaultPresubmits = () => [rowJob('job', { alwaysRun: true, branches: ['master'] }), rowJob('jib')];
const jab = (f: Partial<JobFields> = {}) => rowJob('jab', f);
const jib = (f: Partial<JobFields> = {}) => rowJob('jib', f);
const jub = (f: Partial<JobFields> = {}) => rowJob('jub', f);
const jeb = (f: Partial<JobFields> = {}) => rowJob('jeb', f);

const commentCases: CommentCase[] = [
  { name: 'Not a PR.', author: 'trusted-member', body: '/ok-to-test', isPR: false },
  { name: 'Closed PR.', author: 'trusted-member', body: '/ok-to-test', state: 'closed' },
  { name: 'Comment by a bot.', author: bot, body: '/ok-to-test' },
  { name: 'Irrelevant comment leads to no action.', author: 'trusted-member', body: 'Nice weather outside, right?' },
  { name: "Non-trusted member's ok to test.", author: 'untrusted-member', body: '/ok-to-test' },
  { name: 'accept /test from non-trusted member if PR author is trusted', author: 'untrusted-member', prAuthor: 'trusted-member', body: '/test all', shouldBuild: true, pruneHelp: true },
  { name: 'reject /test from non-trusted member when PR author is untrusted', author: 'untrusted-member', prAuthor: 'untrusted-member', body: '/test all' },
  { name: 'Non-trusted member after "/ok-to-test".', author: 'untrusted-member', body: '/test all', shouldBuild: true, pruneHelp: true, issueLabels: ['ok-to-test'] },
  {
    name: 'Non-trusted member after "/ok-to-test", needs-ok-to-test label wasn\'t deleted.',
    author: 'untrusted-member',
    body: '/test all',
    shouldBuild: true,
    pruneHelp: true,
    issueLabels: ['needs-ok-to-test', 'ok-to-test'],
    removedLabels: ['needs-ok-to-test'],
  },
  { name: "Trusted member's ok to test, IgnoreOkToTest", author: 'trusted-member', body: '/ok-to-test', ignoreOkToTest: true },
  { name: "Trusted member's ok to test", author: 'trusted-member', body: 'looks great, thanks!\n/ok-to-test', shouldBuild: true, addedLabels: ['ok-to-test'] },
  { name: "Trusted member's ok to test, trailing space.", author: 'trusted-member', body: 'looks great, thanks!\n/ok-to-test \r', shouldBuild: true, addedLabels: ['ok-to-test'] },
  { name: "Trusted member's not ok to test.", author: 'trusted-member', body: 'not /ok-to-test' },
  { name: "Trusted member's test this.", author: 'trusted-member', body: '/test all', shouldBuild: true, pruneHelp: true },
  { name: 'Wrong branch', author: 'trusted-member', body: '/test all', branch: 'other' },
  { name: 'Retest with one running and one failed', author: 'trusted-member', body: '/retest', shouldBuild: true, startsExactly: 'pull-jib', pruneHelp: true },
  { name: 'Retest with one running and one failed, trailing space.', author: 'trusted-member', body: '/retest \r', shouldBuild: true, startsExactly: 'pull-jib', pruneHelp: true },
  {
    name: 'test of silly regex job',
    author: 'trusted-member',
    body: 'Nice weather outside, right?',
    presubmits: [jab({ branches: ['master'], trigger: 'Nice weather outside, right?', rerunCommand: 'Nice weather outside, right?' })],
    shouldBuild: true,
    startsExactly: 'pull-jab',
    // Help comments are pruned only for things that look like the usual triggers.
    pruneHelp: false,
  },
  {
    name: 'needs-ok-to-test label is removed when no presubmit runs by default',
    author: 'trusted-member',
    body: '/ok-to-test',
    presubmits: [rowJob('job'), jib()],
    issueLabels: ['needs-ok-to-test'],
    addedLabels: ['ok-to-test'],
    removedLabels: ['needs-ok-to-test'],
  },
  { name: 'Wrong branch w/ SkipReport', author: 'trusted-member', body: '/test all', branch: 'other', presubmits: [rowJob('job', { alwaysRun: true, skipReport: true, branches: ['master'] })] },
  {
    name: "Retest of run_if_changed job that hasn't run. Changes require job",
    author: 'trusted-member',
    body: '/retest',
    presubmits: [jab({ runIfChanged: 'CHANGED', skipReport: true })],
    shouldBuild: true,
    startsExactly: 'pull-jab',
    pruneHelp: true,
  },
  {
    name: "Retest of skip_if_only_changed job that hasn't run. Changes require job",
    author: 'trusted-member',
    body: '/retest',
    presubmits: [jab({ skipIfOnlyChanged: 'CHANGED2', skipReport: true })],
    shouldBuild: true,
    startsExactly: 'pull-jab',
    pruneHelp: true,
  },
  { name: 'Retest of run_if_changed job that failed. Changes require job', author: 'trusted-member', body: '/retest', presubmits: [jib({ runIfChanged: 'CHANGED' })], shouldBuild: true, startsExactly: 'pull-jib', pruneHelp: true },
  { name: 'Retest of skip_if_only_changed job that failed. Changes require job', author: 'trusted-member', body: '/retest', presubmits: [jib({ skipIfOnlyChanged: 'CHANGED2' })], shouldBuild: true, startsExactly: 'pull-jib', pruneHelp: true },
  { name: '/test of run_if_changed job that has passed', author: 'trusted-member', body: '/test jub', presubmits: [jub({ runIfChanged: 'CHANGED' })], shouldBuild: true, startsExactly: 'pull-jub', pruneHelp: true },
  { name: '/test of skip_if_only_changed job that has passed', author: 'trusted-member', body: '/test jub', presubmits: [jub({ skipIfOnlyChanged: 'CHANGED2' })], shouldBuild: true, startsExactly: 'pull-jub', pruneHelp: true },
  { name: 'Retest triggers failed job', author: 'trusted-member', body: '/retest', presubmits: [jib()], shouldBuild: true, pruneHelp: true },
  { name: 'Retest triggers failed job that is optional', author: 'trusted-member', body: '/retest', presubmits: [jib({ optional: true })], shouldBuild: true, pruneHelp: true },
  { name: "Retest-Required doesn't triggers failed job", author: 'trusted-member', body: '/retest-required', presubmits: [jib()], shouldBuild: true, pruneHelp: true },
  { name: "Retest-Required doesn't trigger failed job that is optional", author: 'trusted-member', body: '/retest-required', presubmits: [jib({ optional: true })], pruneHelp: true },
  { name: 'Test-Manual-Required triggers missing required manual job', author: 'trusted-member', body: '/test-manual-required', presubmits: [jab()], shouldBuild: true, startsExactly: 'pull-jab', pruneHelp: true },
  { name: "Test-Manual-Required doesn't trigger missing optional job", author: 'trusted-member', body: '/test-manual-required', presubmits: [jab({ optional: true })], pruneHelp: true },
  {
    name: 'Test-Manual-Required does not trigger always_run or conditional jobs',
    author: 'trusted-member',
    body: '/test-manual-required',
    presubmits: [rowJob('always-run', { alwaysRun: true }), rowJob('conditional', { runIfChanged: 'CHANGED' })],
    pruneHelp: true,
  },
  { name: 'Retest of run_if_changed job that failed. Changes do not require the job', author: 'trusted-member', body: '/retest', presubmits: [jib({ runIfChanged: 'CHANGED2' })], shouldBuild: true, pruneHelp: true },
  { name: 'Retest of skip_if_only_changed job that failed. Changes do not require the job', author: 'trusted-member', body: '/retest', presubmits: [jib({ skipIfOnlyChanged: 'CHANGED' })], shouldBuild: true, pruneHelp: true },
  {
    name: 'Run if changed job triggered by /ok-to-test',
    author: 'trusted-member',
    body: '/ok-to-test',
    presubmits: [jab({ runIfChanged: 'CHANGED' })],
    shouldBuild: true,
    startsExactly: 'pull-jab',
    issueLabels: ['needs-ok-to-test'],
    addedLabels: ['ok-to-test'],
    removedLabels: ['needs-ok-to-test'],
  },
  {
    name: 'Run if non-skipped job triggered by /ok-to-test',
    author: 'trusted-member',
    body: '/ok-to-test',
    presubmits: [jab({ skipIfOnlyChanged: 'CHANGED2' })],
    shouldBuild: true,
    startsExactly: 'pull-jab',
    issueLabels: ['needs-ok-to-test'],
    addedLabels: ['ok-to-test'],
    removedLabels: ['needs-ok-to-test'],
  },
  { name: '/test of branch-sharded job', author: 'trusted-member', body: '/test jab', presubmits: [jab({ branches: ['master'] }), jab({ branches: ['release'] })], shouldBuild: true, startsExactly: 'pull-jab', pruneHelp: true },
  { name: 'branch-sharded job. no shard matches base branch', author: 'trusted-member', branch: 'branch', body: '/test jab', presubmits: [jab({ branches: ['master'] }), jab({ branches: ['release'] })] },
  { name: "/retest of RunIfChanged job that doesn't need to run and hasn't run", author: 'trusted-member', body: '/retest', presubmits: [jeb({ runIfChanged: 'CHANGED2' })], pruneHelp: true },
  { name: "/retest of SkipIfOnlyChanged job that doesn't need to run and hasn't run", author: 'trusted-member', body: '/retest', presubmits: [jeb({ skipIfOnlyChanged: 'CHANGED' })], pruneHelp: true },
  // Prow leaves AddedComment empty here: the help reply it posts is not checked.
  { name: "explicit /test for RunIfChanged job that doesn't need to run", author: 'trusted-member', body: '/test pull-jeb', presubmits: [jeb({ runIfChanged: 'CHANGED2' })] },
  { name: "explicit /test for SkipIfOnlyChanged job that doesn't need to run", author: 'trusted-member', body: '/test pull-jeb', presubmits: [jeb({ skipIfOnlyChanged: 'CHANGED' })] },
  { name: '/test all of run_if_changed job that has passed and needs to run', author: 'trusted-member', body: '/test all', presubmits: [jub({ runIfChanged: 'CHANGED' })], shouldBuild: true, startsExactly: 'pull-jub', pruneHelp: true },
  { name: '/test all of skip_if_only_changed job that has passed and needs to run', author: 'trusted-member', body: '/test all', presubmits: [jub({ skipIfOnlyChanged: 'CHANGED2' })], shouldBuild: true, startsExactly: 'pull-jub', pruneHelp: true },
  { name: "/test all of run_if_changed job that has passed and doesn't need to run", author: 'trusted-member', body: '/test all', presubmits: [jub({ runIfChanged: 'CHANGED2' })] },
  { name: "/test all of skip_if_only_changed job that has passed and doesn't need to run", author: 'trusted-member', body: '/test all', presubmits: [jub({ skipIfOnlyChanged: 'CHANGED' })] },
  { name: 'accept /test all from trusted user', author: 'trusted-member', prAuthor: 'trusted-member', body: '/test all', shouldBuild: true, pruneHelp: true },
  { name: 'Non-trusted member after "/lgtm" and "/approve"', author: 'untrusted-member', prAuthor: 'untrusted-member', body: '/retest', issueLabels: ['lgtm', 'approved'] },
  {
    name: 'help command "/test ?" lists available presubmits',
    author: 'trusted-member',
    body: '/test ?',
    presubmits: [rowJob('job', { alwaysRun: true }), jib({ alwaysRun: true })],
    addedComment: `${helpComment}Use \`/test all\` to run all jobs.`,
  },
  { name: 'ignore "/test ?" in code block', author: 'trusted-member', body: produceCodeBlock('/test ?', false), presubmits: [rowJob('job', { alwaysRun: true }), jib({ alwaysRun: true })], addedComment: noComment },
  {
    name: 'help command "/test ?" uses unique RerunCommand field of presubmits',
    author: 'trusted-member',
    body: '/test ?',
    presubmits: [
      jub({ alwaysRun: true, trigger: '/rerun_command', rerunCommand: '/rerun_command' }),
      jib({ alwaysRun: true, trigger: '/command_foo', rerunCommand: '/command_foo' }),
      jab({ trigger: '/rerun_command', rerunCommand: '/rerun_command' }),
    ],
    addedComment: '@trusted-member: The following commands are available to trigger required jobs:\n```\n/command_foo\n```\n```\n/rerun_command\n```\n\nUse `/test all` to run all jobs.',
  },
  { name: '/test with no target results in a help message', author: 'trusted-member', body: '/test', addedComment: testWithoutTargetNote + helpComment + helpTestAllWithJobsComment },
  { name: 'ignore `/test` with no target in a code block', author: 'trusted-member', body: '```\n/test\n```', addedComment: noComment },
  { name: 'ignore `/test` with no target in a tilde code block', author: 'trusted-member', body: '~~~\n/test\n~~~', addedComment: noComment },
  { name: '/test with no target but ? in the next line results in an invalid test command message', author: 'trusted-member', body: '/test \r\n?', addedComment: testWithoutTargetNote + helpComment + helpTestAllWithJobsComment },
  { name: '/retest with trailing words results in a help message', author: 'trusted-member', body: '/retest FOO', addedComment: retestWithTargetNote + helpComment + helpTestAllWithJobsComment },
  { name: '/retest with trailing words in a code block', author: 'trusted-member', body: produceCodeBlock('/retest FOO', false), addedComment: noComment },
  { name: '/retest without target but with lines following it, is valid', author: 'trusted-member', body: '/retest \r\n/other-command', shouldBuild: true, startsExactly: 'pull-jib', pruneHelp: true },
  { name: '/test with unknown target results in a help message', author: 'trusted-member', body: '/test FOO', addedComment: targetNotFoundNote + helpComment + helpTestAllWithJobsComment },
  { name: '/test with unknown target in code block. Should be ignored', author: 'trusted-member', body: produceCodeBlock('/test FOO', false), addedComment: noComment },
  {
    name: 'two `/test` with unknown target. One in a code block, and one is not.',
    author: 'trusted-member',
    body: `${produceCodeBlock('/test FOO', true)}/test BAR`,
    addedComment: targetNotFoundNote + helpComment + helpTestAllWithJobsComment,
  },
  {
    name: 'two `/test` with unknown target. One out of a code block, and one is inside.',
    author: 'trusted-member',
    body: `/test FOO\n${produceCodeBlock('/test BAR', false)}`,
    addedComment: targetNotFoundNote + helpComment + helpTestAllWithJobsComment,
  },
  {
    name: 'multiple code blocks; should be ignored.',
    author: 'trusted-member',
    body: produceCodeBlock('/test FOO', true) + produceCodeBlock('/test BAR', true) + produceCodeBlock('/test BAZ', false),
    addedComment: noComment,
  },
  {
    name: '/test mixed with multiple code blocks; should be ignored.',
    author: 'trusted-member',
    body: `${produceCodeBlock('/test FOO', true)}${produceCodeBlock('/test BAR', true)}/test BAZ\nWill trigger the help message.\n${produceCodeBlock('/test QUX', false)}`,
    addedComment: targetNotFoundNote + helpComment + helpTestAllWithJobsComment,
  },
  {
    name: "help comment should list only eligible jobs under '/test all'",
    author: 'trusted-member',
    body: '/test ?',
    presubmits: [rowJob('job', { alwaysRun: true, trigger: '(?m)^/test job$' }), jib()],
    addedComment: helpComment + helpTestAllWithJobsComment,
  },
  {
    name: 'when no jobs can be run with /test all, respond accordingly',
    author: 'trusted-member',
    body: '/test all',
    presubmits: [rowJob('job', { trigger: '(?m)^/test job$' }), jib({ trigger: '(?m)^/test jib$' })],
    addedComment: thereAreNoTestAllJobsNote + helpComment,
  },
  {
    name: 'when no jobs can be run with /test all, ignore if inside a code block',
    author: 'trusted-member',
    body: produceCodeBlock('/test all', false),
    presubmits: [rowJob('job', { trigger: '(?m)^/test job$' }), jib({ trigger: '(?m)^/test jib$' })],
    addedComment: noComment,
  },
  {
    name: 'available presubmits should not list those excluded by branch',
    author: 'trusted-member',
    body: '/test ?',
    presubmits: [
      rowJob('job-excluded-by-brancher', { skipBranches: ['master'], alwaysRun: true, trigger: '(?m)^/test job-excluded$', rerunCommand: '/test job-excluded' }),
      rowJob('job', { alwaysRun: true, trigger: '(?m)^/test job$' }),
      jib(),
    ],
    addedComment: helpComment + helpTestAllWithJobsComment,
  },
  {
    name: 'help command "/test ?" differs between optional and required jobs',
    author: 'trusted-member',
    body: '/test ?',
    presubmits: [rowJob('job', { alwaysRun: true }), jib({ alwaysRun: true }), jub({ alwaysRun: true, optional: true })],
    addedComment: `${helpComment}The following commands are available to trigger optional jobs:\n\`\`\`\n/test jub\n\`\`\`\n\nUse \`/test all\` to run all jobs.`,
  },
  // Skiff's rows: Prow's commands are case-sensitive, and must start a line.
  { name: '/RETEST is not /retest', author: 'trusted-member', body: '/RETEST' },
  { name: 'a quoted /retest does not run', author: 'trusted-member', body: '> /retest' },
  { name: 'an edited comment starts nothing', author: 'trusted-member', body: '/test all' },
];

/** Prow's fake: trusted-member in org, the bot a collaborator, changes to CHANGED, statuses on head `cafe` as job records. */
function commentWorld(c: CommentCase) {
  const github = new MemoryGitHub({ botLogin: bot });
  github.setOrgMembers('org', ['trusted-member']);
  github.setRole('org/repo', bot, 'write');
  github.setPullRequest(ref, { author: c.prAuthor || 'pr-author', head: { sha: 'cafe', ref: 'feature' }, base: { sha: 'b0', ref: c.branch ?? 'master' } });
  if (c.issueLabels) github.setLabels(ref, c.issueLabels);
  github.setChanges(ref, [{ filename: 'CHANGED', additions: 1, deletions: 0, changes: 1, status: 'modified' }]);
  const jobs = new FakeJobsAccess({
    repo: 'org/repo',
    presubmits: { 'org/repo': c.presubmits ?? defaultPresubmits() },
    pulls: {
      1: [
        pullJob({ name: 'job', context: 'pull-job', state: 'pending', number: 1, sha: 'cafe' }),
        pullJob({ name: 'jib', context: 'pull-jib', state: 'failure', number: 1, sha: 'cafe' }),
        pullJob({ name: 'jub', context: 'pull-jub', state: 'success', number: 1, sha: 'cafe' }),
      ],
    },
  });
  const ctx = contextFor(github, { jobs, triggers: c.ignoreOkToTest ? [{ repos: ['org'], ignore_ok_to_test: true }] : undefined });
  return { github, jobs, ctx };
}

describe('trigger comments (Prow TestHandleGenericComment)', () => {
  it.each(commentCases)('$name', async (c) => {
    // Prepare
    const { github, jobs, ctx } = commentWorld(c);
    const edited = c.name === 'an edited comment starts nothing';
    const event = commentEvent({ body: c.body, author: c.author, prAuthor: c.prAuthor || 'pr-author', state: c.state ?? 'open', isPR: c.isPR ?? true, action: edited ? 'edited' : 'created' });

    // Act
    await deliverComment(ctx, event);

    // Assess
    const started = contextsOf(jobs);
    expect(started.size > 0).toBe(c.shouldBuild ?? false);
    if (c.startsExactly) expect([...started]).toEqual([c.startsExactly]);
    expect(labelWrites(github, 'addLabel')).toEqual((c.addedLabels ?? []).map((l) => `${ref} ${l}`));
    expect(labelWrites(github, 'removeLabel')).toEqual((c.removedLabels ?? []).map((l) => `${ref} ${l}`));
    if (c.addedComment === noComment) expect(github.comments).toEqual([]);
    else if (c.addedComment) {
      expect(github.comments.length).toBeGreaterThan(0);
      for (const comment of github.comments) expect(comment.body).toContain(c.addedComment);
    }
    // Prow's fake comment pruner: pruning lists the comments to find the bot's help replies.
    expect(github.reads.includes(`listComments ${ref}`)).toBe(c.pruneHelp ?? false);

    // Act: Prow calls it twice; the same delivery must start each job once.
    const made = jobs.made.length;
    await deliverComment(ctx, event);
    expect(jobs.made.length).toBe(made);
  });
});

describe('trigger comments: replies and the rest', () => {
  it('an untrusted commenter on an untrusted pull request is told to wait for /ok-to-test, in Prow\'s words', async () => {
    const { github, jobs, ctx } = commentWorld({ name: '', author: 'rando', prAuthor: 'rando', body: '/test all' });
    const outcome = await deliverComment(ctx, commentEvent({ body: '/test all', author: 'rando', prAuthor: 'rando' }));
    expect(outcome.status).toBe('refused');
    expect(jobs.triggered).toEqual([]);
    expect(github.comments).toEqual([
      {
        ref,
        body:
          '@rando: Cannot trigger testing until a trusted user reviews the PR and leaves an `/ok-to-test` message.\n\n<details>\n\nIn response to [this](https://github.com/org/repo/pull/1#issuecomment-9):\n\n>/test all\n\n\n' +
          'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.\n</details>',
      },
    ]);
  });

  it('with ignore_ok_to_test, the untrusted reply says /ok-to-test does not work here', async () => {
    const { github, ctx } = commentWorld({ name: '', author: 'rando', prAuthor: 'rando', body: '/retest', ignoreOkToTest: true });
    await deliverComment(ctx, commentEvent({ body: '/retest', author: 'rando', prAuthor: 'rando' }));
    expect(github.comments[0]!.body).toContain('@rando: PRs from untrusted users cannot be marked as trusted with `/ok-to-test` in this repo meaning untrusted PR authors can never trigger tests themselves. Collaborators can still trigger tests on the PR using `/test`.');
  });

  it.each([
    { name: 'a trusted user revokes /ok-to-test', author: 'trusted-member', labels: ['ok-to-test'], writes: [`removeLabel ${ref} ok-to-test`, `addLabel ${ref} needs-ok-to-test`], reply: undefined },
    {
      name: 'an untrusted user on an ok-to-test pull request may not',
      author: 'rando',
      labels: ['ok-to-test'],
      writes: [`createComment ${ref}`],
      reply: '@rando: Only trusted users can revoke `/ok-to-test`.',
    },
  ])('/ok-to-test cancel: $name', async ({ author, labels, writes, reply }) => {
    const { github, jobs, ctx } = commentWorld({ name: '', author, body: '/ok-to-test cancel', issueLabels: labels });
    await deliverComment(ctx, commentEvent({ body: '/ok-to-test cancel', author, prAuthor: 'pr-author' }));
    expect(github.writes.map((w) => (w.startsWith('createComment') ? w.slice(0, `createComment ${ref}`.length) : w))).toEqual(writes);
    if (reply) expect(github.comments[0]!.body).toContain(reply);
    expect(jobs.triggered).toEqual([]);
  });

  it('a run prunes the bot\'s earlier help replies, and only those', async () => {
    const { github, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '/test all' });
    const help = github.addComment(ref, { user: bot, body: `@x: ${targetNotFoundNote}` });
    github.addComment(ref, { user: bot, body: 'something else the bot said' });
    github.addComment(ref, { user: 'someone', body: `quoting: ${targetNotFoundNote}` });
    await deliverComment(ctx, commentEvent({ body: '/test all', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(github.writes).toEqual([`deleteComment org/repo comment ${help}`]);
  });

  it('a job record carries Prow\'s refs: the base at its SHA, the pull request head, links, the clone URL', async () => {
    const { jobs, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '/test jib' });
    await deliverComment(ctx, commentEvent({ body: '/test jib', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(jobs.requests).toHaveLength(1);
    const request = jobs.requests[0]!;
    expect(request).toMatchObject({ type: 'presubmit', cause: 'delivery-1', requestedBy: 'trusted-member' });
    expect(request.refs).toEqual({
      org: 'org',
      repo: 'repo',
      repoLink: 'https://github.com/org/repo',
      baseRef: 'master',
      baseSha: 'b0',
      baseLink: 'https://github.com/org/repo/commit/b0',
      pulls: [
        {
          number: 1,
          author: 'pr-author',
          sha: 'cafe',
          title: expect.any(String),
          headRef: 'feature',
          link: 'https://github.com/org/repo/pull/1',
          commitLink: 'https://github.com/org/repo/pull/1/commits/cafe',
          authorLink: 'https://github.com/pr-author',
        },
      ],
      cloneUri: 'https://github.com/org/repo.git',
    });
    expect(request.definition.labels).toEqual({});
  });

  it('a comment\'s job clones the base repository\'s clone_url as the API gives it (Prow: pr.Base.Repo.CloneURL), not one guessed from the page', async () => {
    const { github, jobs, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '/test jib' });
    github.fake.setCloneUrl('org/repo', 'https://git.example.com/mirror/org-repo.git');
    await deliverComment(ctx, commentEvent({ body: '/test jib', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(jobs.requests[0]!.refs).toMatchObject({ cloneUri: 'https://git.example.com/mirror/org-repo.git', repoLink: 'https://github.com/org/repo' });
  });

  it('/retest marks its runs with Prow\'s retest label', async () => {
    const { jobs, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '/retest' });
    await deliverComment(ctx, commentEvent({ body: '/retest', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(jobs.requests.map((r) => [r.definition.name, r.definition.labels])).toEqual([['jib', { 'prow.k8s.io/retest': 'true' }]]);
  });

  it('/retest reads the latest run of each context on the head: a newer success hides an older failure, runs on older SHAs do not count', async () => {
    const github = new MemoryGitHub({ botLogin: bot });
    github.setOrgMembers('org', ['trusted-member']);
    github.setPullRequest(ref, { author: 'pr-author', head: { sha: 'cafe' }, base: { ref: 'master' } });
    const jobs = new FakeJobsAccess({
      repo: 'org/repo',
      presubmits: { 'org/repo': [rowJob('a', { alwaysRun: true }), rowJob('b', { alwaysRun: true }), rowJob('c', { alwaysRun: true })] },
      pulls: {
        1: [
          pullJob({ name: 'a', context: 'pull-a', state: 'success', number: 1, sha: 'cafe' }),
          pullJob({ name: 'b', context: 'pull-b', state: 'error', number: 1, sha: 'cafe' }),
          pullJob({ name: 'a', context: 'pull-a', state: 'failure', number: 1, sha: 'cafe' }),
          pullJob({ name: 'c', context: 'pull-c', state: 'success', number: 1, sha: 'old1' }),
        ],
      },
    });
    await deliverComment(contextFor(github, { jobs }), commentEvent({ body: '/retest', author: 'trusted-member', prAuthor: 'pr-author' }));
    // b erred; c never ran on this head (it would run automatically); a's latest run passed.
    expect([...contextsOf(jobs)].sort()).toEqual(['pull-b', 'pull-c']);
  });

  it('a job whose trigger is not /test-like runs through the comment hook (Prow reads every trigger)', async () => {
    const { jobs, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '' , presubmits: [rowJob('bench', { trigger: '(?m)^/benchmark\\s*$', rerunCommand: '/benchmark' })] });
    const outcome = await deliverComment(ctx, commentEvent({ body: 'please\n/benchmark', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(outcome).toEqual({ status: 'ran', reason: 'started bench' });
    expect(jobs.triggered).toEqual(['presubmit bench #1@cafe by trusted-member']);
  });

  it('a comment no trigger could match costs no GitHub call (without in-repo config)', async () => {
    const { github, jobs, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '' });
    const outcome = await deliverComment(ctx, commentEvent({ body: 'LGTM, thanks', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(outcome.status).toBe('skipped');
    expect(github.calls).toEqual([]);
    expect(jobs.reads).toEqual([]);
  });

  it('a pull request that does not merge starts nothing (Prow\'s runRequested)', async () => {
    const { github, jobs, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '/test all' });
    github.setPullRequest(ref, { mergeable: false, mergeableState: 'dirty' });
    await deliverComment(ctx, commentEvent({ body: '/test all', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(jobs.triggered).toEqual([]);
    expect(ctx.checks.some((line) => line.includes('does not merge cleanly'))).toBe(true);
  });

  it('without jobs set up, a trigger command is refused with the reason and nothing else happens', async () => {
    const github = new MemoryGitHub({ botLogin: bot });
    const ctx = contextFor(github, {});
    const outcome = await deliverComment(ctx, commentEvent({ body: '/test all', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(outcome).toEqual({ status: 'refused', reason: expect.stringContaining('jobs are not set up') });
    expect(github.calls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// In-repository config: the central jobs run, and one comment says what is wrong
// ---------------------------------------------------------------------------------------------

describe('trigger: a .prow.yaml that does not load', () => {
  it('the central presubmits still run, and the error is said once, edited when it changes', async () => {
    // Prepare
    const github = new MemoryGitHub({ botLogin: bot });
    github.setOrgMembers('org', ['trusted-member']);
    github.setPullRequest(ref, { author: 'trusted-member', head: { sha: 'cafe' }, base: { ref: 'master' } });
    const world = (error: string) =>
      new FakeJobsAccess({ repo: 'org/repo', presubmits: { 'org/repo': [rowJob('job', { alwaysRun: true })] }, inRepo: { error } });
    const event = commentEvent({ body: '/test all', author: 'trusted-member', prAuthor: 'trusted-member' });

    // Act: the same error twice, then another.
    const first = world('.prow.yaml:3: presubmits[0]: name is required');
    await deliverComment(contextFor(github, { jobs: first, delivery: 'd1' }), event);
    await deliverComment(contextFor(github, { jobs: world('.prow.yaml:3: presubmits[0]: name is required'), delivery: 'd2' }), event);
    await deliverComment(contextFor(github, { jobs: world('.prow.yaml:1: not YAML'), delivery: 'd3' }), event);

    // Assess
    expect(first.triggered).toEqual(['presubmit job #1@cafe by trusted-member']);
    const bodies = github.commentsOf(ref).map((c) => c.body);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.startsWith(inRepoErrorMarker)).toBe(true);
    expect(bodies[0]).toContain('.prow.yaml:1: not YAML');
    expect(github.writes.filter((w) => w.startsWith('editComment'))).toHaveLength(1);

    // Act: fixed; the comment goes, and in-repo jobs run beside the central ones.
    const fixed = new FakeJobsAccess({ repo: 'org/repo', presubmits: { 'org/repo': [rowJob('job', { alwaysRun: true })] }, inRepo: { jobs: [rowJob('lint', { alwaysRun: true })] } });
    await deliverComment(contextFor(github, { jobs: fixed, delivery: 'd4' }), event);

    // Assess
    expect(github.commentsOf(ref)).toEqual([]);
    expect(fixed.triggered).toEqual(['presubmit job #1@cafe by trusted-member', 'presubmit lint #1@cafe by trusted-member']);
  });
});

// ---------------------------------------------------------------------------------------------
// The base a job tests: the base branch's head now (Prow's GetRef heads/<base>), not base.sha
// ---------------------------------------------------------------------------------------------

describe("trigger: jobs test the base branch's head as GitHub says it now (Prow's GetRef)", () => {
  const getRef = 'getRef org/repo heads/master';
  const moved = 'b1'.repeat(20);
  type Deliver = (ctx: Ctx) => Promise<unknown>;
  const comment = (body: string): Deliver => (ctx) => deliverComment(ctx, commentEvent({ body, author: 'trusted-member', prAuthor: 'pr-author' }));
  const pullEvent = (action: string): Deliver => (ctx) => trigger.on!.pull_request!(ctx, pullRequestEvent({ action, author: 't' }));
  const paths: { name: string; world: () => { github: MemoryGitHub; jobs: FakeJobsAccess; ctx: Ctx }; deliver: Deliver; starts: string[] }[] = [
    { name: 'opened', world: () => pullWorld(), deliver: pullEvent('opened'), starts: ['jib'] },
    { name: 'synchronize', world: () => pullWorld(), deliver: pullEvent('synchronize'), starts: ['jib'] },
    { name: 'reopened', world: () => pullWorld(), deliver: pullEvent('reopened'), starts: ['jib'] },
    { name: '/test jib', world: () => commentWorld({ name: '', author: 'trusted-member', body: '' }), deliver: comment('/test jib'), starts: ['jib'] },
    { name: '/retest', world: () => commentWorld({ name: '', author: 'trusted-member', body: '' }), deliver: comment('/retest'), starts: ['jib'] },
    { name: '/ok-to-test', world: () => commentWorld({ name: '', author: 'trusted-member', body: '', prAuthor: 'rando', issueLabels: ['needs-ok-to-test'] }), deliver: comment('/ok-to-test'), starts: ['job'] },
  ];

  it.each(paths)('$name: the base moved since the pull request was last pushed: the jobs get the new head, the pull request keeps its head', async ({ world, deliver, starts }) => {
    // Prepare
    const { github, jobs, ctx } = world();
    github.setBranchSha('org/repo', 'master', moved);

    // Act
    await deliver(ctx);

    // Assess
    expect(jobs.requests.map((r) => r.definition.name)).toEqual(starts);
    for (const r of jobs.requests) {
      expect(r.refs).toMatchObject({ baseRef: 'master', baseSha: moved, baseLink: `https://github.com/org/repo/commit/${moved}`, pulls: [{ number: 1, sha: 'cafe' }] });
    }
    expect(github.reads.filter((r) => r === getRef)).toHaveLength(1);
  });

  it.each(paths)('$name: the base not moved: the jobs get the pull request’s base.sha, read once', async ({ world, deliver }) => {
    const { github, jobs, ctx } = world();
    await deliver(ctx);
    expect(jobs.requests.map((r) => r.refs?.baseSha)).toEqual(jobs.requests.map(() => 'b0'));
    expect(jobs.requests.length).toBeGreaterThan(0);
    expect(github.reads.filter((r) => r === getRef)).toHaveLength(1);
  });

  const failures = [
    { name: 'the base branch is gone (404): failed, not retried', fault: { status: 404, body: { message: 'Not Found' } }, retryable: false },
    { name: 'GitHub fails (500): failed and retried', fault: faults.serverError(500), retryable: true },
  ];
  it.each(paths.flatMap((p) => failures.map((f) => ({ ...f, path: p, label: `${p.name}: ${f.name}` }))))('$label; no job, no reply', async ({ path, fault, retryable }) => {
    // Prepare
    const { github, jobs, ctx } = path.world();
    github.fake.failNext({ method: 'GET', path: /\/git\/ref\/heads\/master$/ }, fault);

    // Act
    const error = await path.deliver(ctx).then(() => undefined, (e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as Error).message).toContain('failed to read the ref heads/master of org/repo');
    expect(isRetryable(error)).toBe(retryable);
    expect(jobs.requests).toEqual([]);
    expect(github.comments).toEqual([]);
  });

  it.each([
    { name: 'a pull_request event, where no presubmits are configured', world: () => pullWorld({ presubmits: [] }), deliver: pullEvent('opened') },
    { name: 'a labeled event whose label starts nothing', world: () => pullWorld(), deliver: (ctx: Ctx) => trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'labeled', author: 't', label: 'kind/bug' })) },
    { name: 'closing, which only aborts', world: () => pullWorld(), deliver: pullEvent('closed') },
    { name: '/ok-to-test cancel, which only changes labels (Prow reads the base after it)', world: () => commentWorld({ name: '', author: 'trusted-member', body: '', issueLabels: ['ok-to-test'] }), deliver: comment('/ok-to-test cancel') },
    { name: 'an untrusted commenter on an untrusted pull request', world: () => commentWorld({ name: '', author: 'rando', prAuthor: 'rando', body: '' }), deliver: (ctx: Ctx) => deliverComment(ctx, commentEvent({ body: '/test all', author: 'rando', prAuthor: 'rando' })) },
  ])('the base is not read for $name', async ({ world, deliver }) => {
    const { github, ctx } = world();
    await deliver(ctx);
    expect(github.reads.filter((r) => r.startsWith('getRef'))).toEqual([]);
  });

  it('a help reply reads the base first, as Prow does before it filters', async () => {
    const { github, ctx } = commentWorld({ name: '', author: 'trusted-member', body: '' });
    await deliverComment(ctx, commentEvent({ body: '/test ?', author: 'trusted-member', prAuthor: 'pr-author' }));
    expect(github.reads.filter((r) => r === getRef)).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  });

  it.each([
    { name: 'a pull_request event', deliver: pullEvent('opened') },
    { name: 'a /test comment', deliver: comment('/test all') },
  ])('with in-repo config, .prow.yaml is read at the new head, which is read before it: $name', async ({ deliver }) => {
    // Prepare
    const github = new MemoryGitHub({ botLogin: bot });
    github.setOrgMembers('org', ['t', 'trusted-member']);
    github.setPullRequest(ref, { author: 't', head: { sha: 'cafe', ref: 'feature' }, base: { ref: 'master', sha: 'b0' } });
    github.setBranchSha('org/repo', 'master', moved);
    const jobs = new FakeJobsAccess({ repo: 'org/repo', presubmits: { 'org/repo': [] }, inRepo: { jobs: [rowJob('lint', { alwaysRun: true })] } });
    const ctx = contextFor(github, { jobs, triggers: [{ repos: ['org'], trusted_org: 'org', only_org_members: true }] });

    // Act
    await deliver(ctx);

    // Assess
    expect(jobs.reads[0]).toBe(`presubmitsFor #1 base master@${moved} head cafe`);
    expect(jobs.requests.map((r) => [r.definition.name, r.refs?.baseSha])).toEqual([['lint', moved]]);
    expect(github.reads.filter((r) => r === getRef)).toHaveLength(1);
  });

  it('with in-repo config, a base that cannot be read fails the event before .prow.yaml is read', async () => {
    const github = new MemoryGitHub({ botLogin: bot });
    github.setOrgMembers('org', ['t']);
    github.setPullRequest(ref, { author: 't', head: { sha: 'cafe' }, base: { ref: 'master', sha: 'b0' } });
    github.fake.failNext({ method: 'GET', path: /\/git\/ref\// }, faults.serverError(503));
    const jobs = new FakeJobsAccess({ repo: 'org/repo', presubmits: { 'org/repo': [rowJob('job', { alwaysRun: true })] }, inRepo: { jobs: [] } });
    const ctx = contextFor(github, { jobs, triggers: [{ repos: ['org'], trusted_org: 'org', only_org_members: true }] });

    await expect(trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 't' }))).rejects.toThrow('failed to read the ref heads/master of org/repo');
    expect(jobs.reads).toEqual([]);
    expect(github.comments).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// generic-comment_test.go TestRetestFilter
// ---------------------------------------------------------------------------------------------

describe('retest filter (Prow TestRetestFilter)', () => {
  it.each([
    {
      name: 'retest filter matches jobs that produce contexts which have failed',
      failed: ['failed'],
      all: ['failed', 'succeeded'],
      presubmits: [presubmit({ name: 'failed' }), presubmit({ name: 'succeeded' })],
      expected: [
        [true, false, true],
        [false, false, false],
      ],
    },
    {
      name: "retest filter matches jobs that would run automatically and haven't yet ",
      failed: [],
      all: ['finished'],
      presubmits: [presubmit({ name: 'finished' }), presubmit({ name: 'not-yet-run', alwaysRun: true })],
      expected: [
        [false, false, false],
        [true, false, false],
      ],
    },
  ])('$name', ({ failed, all, presubmits, expected }) => {
    const filter = retestFilter({ failed: new Set(failed), all: new Set(all) });
    expect(presubmits.map((ps) => [...filter.shouldRun(ps)] as FilterAnswer)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// pull-request_test.go TestHandlePullRequest
// ---------------------------------------------------------------------------------------------

interface PullCase {
  name: string;
  author: string;
  shouldBuild?: boolean;
  shouldComment?: boolean;
  hasOkToTest?: boolean;
  prLabel?: string;
  prChanges?: boolean;
  prAction: string;
  prIsDraft?: boolean;
  eventSender?: string;
  jobToAbort?: boolean;
  issueLabelsAdded?: string[];
}

const pullCases: PullCase[] = [
  { name: 'Trusted user open PR should build', author: 't', shouldBuild: true, prAction: 'opened' },
  { name: 'Trusted user open draft PR should not build and should comment', author: 't', prAction: 'opened', prIsDraft: true, shouldComment: true },
  { name: 'Untrusted user open PR with ok-to-test should not add needs-ok-to-test', author: 'u', shouldComment: true, prAction: 'opened', hasOkToTest: true },
  { name: 'Untrusted user open PR without ok-to-test should add needs-ok-to-test', author: 'u', shouldComment: true, prAction: 'opened', issueLabelsAdded: ['needs-ok-to-test'] },
  { name: 'Untrusted user open PR should not build and should comment', author: 'u', shouldComment: true, prAction: 'opened', issueLabelsAdded: ['needs-ok-to-test'] },
  { name: 'Untrusted user open draft PR should not build and should comment', author: 'u', shouldComment: true, prAction: 'opened', prIsDraft: true, issueLabelsAdded: ['needs-ok-to-test'] },
  { name: 'Trusted user reopen PR should build', author: 't', shouldBuild: true, prAction: 'reopened' },
  { name: 'Trusted user reopen draft PR should not build', author: 't', prAction: 'reopened', prIsDraft: true },
  { name: 'Trusted user switch PR from draft to normal should build', author: 't', shouldBuild: true, prAction: 'ready_for_review' },
  { name: 'Untrusted user switch PR from draft to normal should not build', author: 'u', prAction: 'ready_for_review' },
  { name: 'Untrusted user switch PR from draft to normal with ok-to-test should build', author: 'u', hasOkToTest: true, shouldBuild: true, prAction: 'ready_for_review' },
  { name: 'Untrusted user reopen PR with ok-to-test should build', author: 'u', shouldBuild: true, hasOkToTest: true, prAction: 'reopened' },
  { name: 'Untrusted user reopen PR without ok-to-test should not build', author: 'u', prAction: 'reopened' },
  { name: 'Untrusted user reopen draft PR should not build', author: 'u', prAction: 'reopened', prIsDraft: true },
  { name: 'Trusted user edit PR with changes should build', author: 't', shouldBuild: true, prChanges: true, prAction: 'edited' },
  { name: 'Trusted user edit draft PR with changes should not build', author: 't', prChanges: true, prAction: 'edited', prIsDraft: true },
  { name: 'Trusted user edit PR without changes should not build', author: 't', prAction: 'edited' },
  { name: 'Untrusted user edit PR without changes and without ok-to-test should not build', author: 'u', prAction: 'edited' },
  { name: 'Untrusted user edit PR with changes and without ok-to-test should not build', author: 'u', prChanges: true, prAction: 'edited' },
  { name: 'Untrusted user edit PR without changes and with ok-to-test should not build', author: 'u', hasOkToTest: true, prAction: 'edited' },
  { name: 'Untrusted user edit PR with changes and with ok-to-test should build', author: 'u', shouldBuild: true, hasOkToTest: true, prChanges: true, prAction: 'edited' },
  { name: 'Trusted user sync PR should build', author: 't', shouldBuild: true, prAction: 'synchronize' },
  { name: 'Untrusted user sync PR without ok-to-test should not build', author: 'u', prAction: 'synchronize' },
  { name: 'Untrusted user sync PR with ok-to-test should build', author: 'u', shouldBuild: true, hasOkToTest: true, prAction: 'synchronize' },
  { name: 'Trusted user labeled PR with lgtm should not build', author: 't', prAction: 'labeled', prLabel: 'lgtm' },
  { name: 'Untrusted user labeled PR with lgtm should build', author: 'u', shouldBuild: true, prAction: 'labeled', prLabel: 'lgtm' },
  { name: 'Untrusted user labeled PR without lgtm should not build', author: 'u', prAction: 'labeled', prLabel: 'test' },
  { name: 'Trusted user closed PR should not build', author: 't', prAction: 'closed' },
  { name: 'Trusted user labeled PR with ok-to-test should build', author: 't', shouldBuild: true, eventSender: 'not-k8s-ci-robot', prAction: 'labeled', prLabel: 'ok-to-test' },
  { name: 'Untrusted user labeled PR with ok-to-test should build', author: 'u', shouldBuild: true, eventSender: 'not-k8s-ci-robot', prAction: 'labeled', prLabel: 'ok-to-test' },
  { name: 'Label added by a bot. Build should not be triggered in this case.', author: 'u', eventSender: bot, prLabel: 'ok-to-test', prAction: 'labeled' },
  { name: 'Abort jobs if PR is closed', author: 't', hasOkToTest: true, prAction: 'closed', jobToAbort: true },
  { name: 'Abort jobs if PR is changed to draft', author: 't', hasOkToTest: true, prAction: 'converted_to_draft', jobToAbort: true },
  { name: 'Abort old jobs and build on push', author: 't', hasOkToTest: true, prAction: 'synchronize', shouldBuild: true, jobToAbort: true },
];

/** A real `pull_request` payload for org/repo#1 by `author`, head `cafe` on master. */
function pullRequestEvent(fields: { action: string; author: string; draft?: boolean; sender?: string; label?: string; changes?: boolean; body?: string }): PullRequestEvent {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = fields.action;
  payload.number = 1;
  const pr = payload.pull_request;
  Object.assign(pr, { number: 1, draft: fields.draft ?? false, body: fields.body ?? '', html_url: 'https://github.com/org/repo/pull/1', mergeable: null });
  Object.assign(pr.user, { login: fields.author, type: 'User', html_url: `https://github.com/${fields.author}` });
  Object.assign(pr.head, { sha: 'cafe', ref: 'feature' });
  Object.assign(pr.base, { sha: 'b0', ref: 'master' });
  for (const r of [payload.repository, pr.base.repo]) {
    Object.assign(r, { name: 'repo', full_name: 'org/repo', html_url: 'https://github.com/org/repo', clone_url: 'https://github.com/org/repo.git' });
    r.owner.login = 'org';
  }
  payload.sender.login = fields.sender ?? fields.author;
  if (fields.label !== undefined) payload.label = { name: fields.label };
  if (fields.changes) payload.changes = { base: { ref: { from: 'REF' }, sha: { from: 'SHA' } } };
  return payload as PullRequestEvent;
}

/** Prow's fake: `t` in org, trusted_org org with only_org_members, one always_run presubmit jib, and a running job of an older head. */
function pullWorld(options: { labels?: string[]; presubmits?: Presubmit[]; pulls?: Record<number, JobRecord[]>; jobs?: Partial<FakeJobsOptions> } = {}) {
  const github = new MemoryGitHub({ botLogin: bot });
  github.setOrgMembers('org', ['t']);
  // As the payload says (pullRequestEvent): the base branch is at b0 unless a test moves it.
  github.setPullRequest(ref, { author: 't', head: { sha: 'cafe' }, base: { ref: 'master', sha: 'b0' } });
  if (options.labels) github.setLabels(ref, options.labels);
  const jobs = new FakeJobsAccess({
    repo: 'org/repo',
    presubmits: { 'org/repo': options.presubmits ?? [presubmit({ name: 'jib', alwaysRun: true })] },
    pulls: options.pulls ?? { 1: [pullJob({ name: 'job-to-abort', state: 'pending', number: 1, sha: 'old0' })] },
    ...options.jobs,
  });
  const ctx = contextFor(github, { jobs, triggers: [{ repos: ['org'], trusted_org: 'org', only_org_members: true }] });
  return { github, jobs, ctx };
}

describe('trigger pull requests (Prow TestHandlePullRequest)', () => {
  it.each(pullCases)('$name', async (c) => {
    // Prepare
    const { github, jobs, ctx } = pullWorld({ labels: c.hasOkToTest ? ['ok-to-test'] : [] });
    const event = pullRequestEvent({ action: c.prAction, author: c.author, draft: c.prIsDraft, sender: c.eventSender, label: c.prLabel, changes: c.prChanges });

    // Act
    await trigger.on!.pull_request!(ctx, event);

    // Assess
    expect(jobs.triggered.length > 0).toBe(c.shouldBuild ?? false);
    expect(github.comments.length > 0).toBe(c.shouldComment ?? false);
    if (c.jobToAbort) expect(jobs.aborted).toEqual(['job-to-abort: Aborted by trigger plugin.']);
    expect(labelWrites(github, 'addLabel')).toEqual((c.issueLabelsAdded ?? []).map((l) => `${ref} ${l}`));
  });
});

describe('trigger pull requests: what is said and what is aborted', () => {
  const prowAbout =
    'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.';

  it("an untrusted author is welcomed in Prow's words, with the configured join_org_url", async () => {
    const { github, ctx } = pullWorld();
    Object.assign(ctx, contextFor(github, { jobs: ctx.jobs as FakeJobsAccess, triggers: [{ repos: ['org'], join_org_url: 'https://example.com/join', only_org_members: true }] }));
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'newbie' }));
    expect(github.comments).toEqual([
      {
        ref,
        body: `Hi @newbie. Thanks for your PR.

I'm waiting for a [org](https://github.com/orgs/org/people) member to verify that this patch is reasonable to test. If it is, they should reply with \`/ok-to-test\` on its own line. Until that is done, I will not automatically test new commits in this PR, but the usual testing commands by org members will still work.

Regular contributors should [join the org](https://example.com/join) to skip this step.

Once the patch is verified, the new status will be reflected by the \`ok-to-test\` label.

I understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details>

${prowAbout}
</details>
`,
      },
    ]);
    expect(github.labelsOf(ref)).toEqual(['needs-ok-to-test']);
  });

  it('a trusted_org other than the repository\'s is named too, and its people page is the default join URL', async () => {
    const { github, ctx } = pullWorld();
    Object.assign(ctx, contextFor(github, { jobs: ctx.jobs as FakeJobsAccess, triggers: [{ repos: ['org'], trusted_org: 'friends' }] }));
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'newbie' }));
    const body = github.comments[0]!.body;
    expect(body).toContain("I'm waiting for a [org](https://github.com/orgs/org/people) or [friends](https://github.com/orgs/friends/people) member to verify");
    expect(body).toContain('Regular contributors should [join the org](https://github.com/orgs/friends/people) to skip this step.');
  });

  it('with ignore_ok_to_test, the welcome says so and adds no label', async () => {
    const { github, ctx } = pullWorld();
    Object.assign(ctx, contextFor(github, { jobs: ctx.jobs as FakeJobsAccess, triggers: [{ repos: ['org'], ignore_ok_to_test: true, only_org_members: true }] }));
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'newbie' }));
    expect(github.writes.filter((w) => w.startsWith('addLabel'))).toEqual([]);
    expect(github.comments[0]!.body).toBe(`Hi @newbie. Thanks for your PR.

PRs from untrusted users cannot be marked as trusted with \`/ok-to-test\` in this repo meaning untrusted PR authors can never trigger tests themselves. Collaborators can still trigger tests on the PR using \`/test all\`.

I understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=org%2Frepo).

<details>

${prowAbout}
</details>
`);
  });

  it('a repeat contributor gets the prominent join-the-org tip (merged pull requests counted by search)', async () => {
    const { github, ctx } = pullWorld();
    for (const n of [11, 12, 13]) github.setPullRequest(`org/repo#${n}`, { author: 'regular', state: 'closed', merged: true });
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'regular' }));
    expect(github.reads).toContain('countIssues org/repo type:pr is:merged author:regular');
    expect(github.comments[0]!.body).toContain(">[!TIP]\n>**We noticed you've done this a few times! Consider [joining the org](https://github.com/orgs/org/people) to skip this step");
  });

  it("a trusted author's draft gets Prow's notice and no jobs", async () => {
    const { github, jobs, ctx } = pullWorld();
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 't', draft: true }));
    expect(github.comments).toEqual([{ ref, body: draftMessage }]);
    expect(draftMessage).toBe('Skipping CI for Draft Pull Request.\nIf you want CI signal for your change, please convert it to an actual PR.\nYou can still manually trigger a test run with `/test all`');
    expect(jobs.triggered).toEqual([]);
  });

  it('a trusted author on a pull request still labelled needs-ok-to-test: the label goes on the next push', async () => {
    const { github, ctx } = pullWorld({ labels: ['needs-ok-to-test', 'ok-to-test'] });
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'synchronize', author: 'u' }));
    expect(github.labelsOf(ref)).toEqual(['ok-to-test']);
  });

  it('synchronize aborts the older heads\' unfinished presubmits only: finished ones, batches and the new head\'s jobs are left', async () => {
    const { jobs, ctx } = pullWorld({
      pulls: {
        1: [
          pullJob({ name: 'new-head', state: 'triggered', number: 1, sha: 'cafe' }),
          pullJob({ name: 'old-pending', state: 'pending', number: 1, sha: 'old0' }),
          pullJob({ name: 'old-triggered', state: 'triggered', number: 1, sha: 'old0' }),
          pullJob({ name: 'old-done', state: 'failure', number: 1, sha: 'old0' }),
          pullJob({ name: 'a-batch', state: 'pending', number: 1, sha: 'old0', type: 'batch' }),
        ],
      },
    });
    const outcome = await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'synchronize', author: 't' }));
    expect(jobs.aborted).toEqual(['old-pending: Aborted by trigger plugin.', 'old-triggered: Aborted by trigger plugin.']);
    expect(outcome).toEqual({ status: 'ran', reason: 'aborted old-pending, old-triggered; synchronize, trusted: started jib' });
  });

  it('a redelivered synchronize makes no second record and aborts nothing of its own', async () => {
    const { jobs, ctx } = pullWorld({ pulls: {} });
    const event = pullRequestEvent({ action: 'synchronize', author: 't' });
    await trigger.on!.pull_request!(ctx, event);
    await trigger.on!.pull_request!(ctx, event);
    expect(jobs.made.map((j) => j.name)).toEqual(['jib']);
    expect(jobs.aborted).toEqual([]);
  });

  it('actions that start and stop nothing read no job config: assigned is skipped before anything', async () => {
    const { github, jobs, ctx } = pullWorld();
    const outcome = await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'assigned', author: 't' }));
    expect(outcome?.status).toBe('skipped');
    expect(github.calls).toEqual([]);
    expect(jobs.reads).toEqual([]);
  });

  it('a new pull request with changed files: run_if_changed jobs run when a file matches, read lazily once', async () => {
    const { github, jobs, ctx } = pullWorld({
      presubmits: [presubmit({ name: 'docs', runIfChanged: '^docs/' }), presubmit({ name: 'go', runIfChanged: '\\.go$' }), presubmit({ name: 'manual' })],
    });
    github.setChanges(ref, [{ filename: 'main.go', additions: 1, deletions: 0, changes: 1, status: 'modified' }]);
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 't' }));
    expect(jobs.triggered).toEqual(['presubmit go #1@cafe by t']);
    expect(github.reads.filter((r) => r.startsWith('getPullRequestChanges'))).toHaveLength(1);
    expect(jobs.requests[0]).toMatchObject({ cause: 'delivery-1', requestedBy: 't', refs: { cloneUri: 'https://github.com/org/repo.git', baseSha: 'b0' } });
  });

  it('a pull request opened with /test all in its body: the event and its body, one delivery, make each record once', async () => {
    const { jobs, ctx } = pullWorld({ presubmits: [presubmit({ name: 'jib', alwaysRun: true }), presubmit({ name: 'manual' })] });
    const payload = pullRequestEvent({ action: 'opened', author: 't', body: 'Fixes #3\n/test all\n/test manual' });
    await trigger.on!.pull_request!(ctx, payload);
    await deliverComment(ctx, generalizeComment('pull_request', payload as unknown as Record<string, unknown>)!);
    expect(jobs.made.map((j) => j.name)).toEqual(['jib', 'manual']);
    expect(jobs.requests.map((r) => r.cause)).toEqual(['delivery-1', 'delivery-1', 'delivery-1']);
  });

  it('without presubmits for the repository, nothing is said or done (Prow returns first)', async () => {
    const { github, jobs, ctx } = pullWorld({ presubmits: [] });
    const outcome = await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'newbie' }));
    expect(outcome).toEqual({ status: 'skipped', reason: 'no presubmits for org/repo' });
    expect(github.writes).toEqual([]);
    expect(jobs.triggered).toEqual([]);
  });

  it('without jobs set up, the event is refused with the reason', async () => {
    const github = new MemoryGitHub({ botLogin: bot });
    const outcome = await trigger.on!.pull_request!(contextFor(github, {}), pullRequestEvent({ action: 'opened', author: 't' }));
    expect(outcome).toEqual({ status: 'refused', reason: expect.stringContaining('jobs are not set up') });
  });
});

// ---------------------------------------------------------------------------------------------
// pull-request_test.go TestTrusted, TestAbortAllJobs, TestOrgInvitationGuidance
// ---------------------------------------------------------------------------------------------

describe('trusted pull request (Prow TestTrusted)', () => {
  it.each([
    { name: 'trust org member', author: 'org-member', labels: [], expected: true },
    { name: 'trust member of other trusted org', author: 'trusted-org-member', labels: [], expected: true },
    { name: 'accept random PR with ok-to-test', author: 'random-person', labels: ['ok-to-test'], expected: true },
    { name: 'accept random PR with both labels', author: 'random-person', labels: ['ok-to-test', 'needs-ok-to-test'], expected: true },
    { name: 'reject random PR with needs-ok-to-test', author: 'random-person', labels: ['needs-ok-to-test'], expected: false },
    { name: 'reject random PR with no label', author: 'random-person', labels: [], expected: false },
  ])('$name', async ({ author, labels, expected }) => {
    const github = new MemoryGitHub({ botLogin: bot });
    github.setOrgMembers('kubernetes', ['trusted-org-member']);
    github.setOrgMembers('kubernetes-sigs', ['org-member', bot]);
    github.setRole('kubernetes-sigs/random-repo', 'repo-collaborator', 'write');
    const ctx = contextFor(github, { repo: { owner: 'kubernetes-sigs', repo: 'random-repo' }, triggers: [{ repos: ['kubernetes-sigs'], trusted_org: 'kubernetes' }] });
    expect((await trustedPullRequest(ctx, author, 1, labels)).trusted).toBe(expected);
  });
});

describe('abort (Prow TestAbortAllJobs)', () => {
  it.each([
    { name: 'Job gets aborted', job: pullJob({ name: 'my-pj', state: 'pending', number: 1, sha: 'a' }), aborted: true },
    { name: 'Wrong type, ignored', job: pullJob({ name: 'my-pj', state: 'pending', number: 1, sha: 'a', type: 'batch' }), aborted: false },
    { name: 'Job completed, ignored', job: pullJob({ name: 'my-pj', state: 'success', number: 1, sha: 'a' }), aborted: false },
    { name: 'a triggered job not yet started is aborted too', job: pullJob({ name: 'my-pj', state: 'triggered', number: 1, sha: 'a' }), aborted: true },
  ])('$name', async ({ job, aborted }) => {
    const jobs = new FakeJobsAccess({ repo: 'org/repo', pulls: { 1: [job] } });
    await abortJobs(contextFor(new MemoryGitHub(), { jobs }), 1);
    expect(jobs.aborted).toEqual(aborted ? ['my-pj: Aborted by trigger plugin.'] : []);
  });
});

describe('org invitation guidance (Prow TestOrgInvitationGuidance, TestShouldHighlightJoinOrgMessage*)', () => {
  const options = (prominent: { disabled?: boolean; merged_pr_threshold?: number; message?: string }) =>
    ({ ...triggersSection.schema.parse([{ repos: ['org'], join_org_url: 'https://example.com/join', org_invite: { prominent } }])[0]! });

  it.each([
    { name: 'disabled returns regular message without searching', prominent: { disabled: true }, highlight: true, contains: 'Regular contributors should [join the org](https://example.com/join) to skip this step.' },
    { name: 'custom message above threshold', prominent: { message: 'Please consider [joining us]({join_org_url}) for full access!' }, highlight: true, contains: 'Please consider [joining us](https://example.com/join) for full access!' },
    { name: 'default message above threshold', prominent: {}, highlight: true, contains: '>[!TIP]' },
    { name: 'below threshold returns regular message', prominent: {}, highlight: false, contains: 'Regular contributors should [join the org](https://example.com/join) to skip this step.' },
  ])('$name', ({ prominent, highlight, contains }) => {
    expect(orgInvitationGuidance(options(prominent), highlight)).toContain(contains);
  });

  it.each([
    { name: 'fewer than threshold merged PRs', threshold: undefined, merged: 2, prominent: false },
    { name: 'threshold merged PRs', threshold: undefined, merged: 3, prominent: true },
    { name: 'custom threshold of 5, only 3 merged PRs', threshold: 5, merged: 3, prominent: false },
    { name: 'custom threshold of 5, 5 merged PRs', threshold: 5, merged: 5, prominent: true },
    { name: 'custom threshold of 1, 1 merged PR', threshold: 1, merged: 1, prominent: true },
    { name: 'custom threshold of 0, no merged PRs', threshold: 0, merged: 0, prominent: true },
  ])('$name', async ({ threshold, merged, prominent }) => {
    const { github, ctx } = pullWorld();
    Object.assign(ctx, contextFor(github, { jobs: ctx.jobs as FakeJobsAccess, triggers: [{ repos: ['org'], org_invite: { prominent: threshold === undefined ? {} : { merged_pr_threshold: threshold } } }] }));
    for (let n = 0; n < merged; n++) github.setPullRequest(`org/repo#${20 + n}`, { author: 'author', state: 'closed', merged: true });
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'author' }));
    expect(github.comments[0]!.body.includes('>[!TIP]')).toBe(prominent);
  });

  it('search errors are ignored: the regular line', async () => {
    const { github, ctx } = pullWorld();
    github.failNext('countIssues', new Error('search failed'));
    await trigger.on!.pull_request!(ctx, pullRequestEvent({ action: 'opened', author: 'author' }));
    expect(github.comments[0]!.body).toContain('Regular contributors should [join the org]');
    expect(ctx.logs.some((l) => l.startsWith('warn: could not count'))).toBe(true);
  });

  it('bot authors are not searched for', async () => {
    const { github, ctx } = pullWorld();
    const event = pullRequestEvent({ action: 'opened', author: 'ci-robot' });
    event.pull_request.user.type = 'Bot';
    await trigger.on!.pull_request!(ctx, event);
    expect(github.reads.filter((r) => r.startsWith('countIssues'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// trigger_test.go TestRunRequested
// ---------------------------------------------------------------------------------------------

describe('run requested (Prow TestRunRequested)', () => {
  const pull = (mergeable: boolean | null = null): PullInfo => ({
    number: 1,
    author: 'a',
    title: 't',
    htmlUrl: 'https://github.com/org/repo/pull/1',
    headRef: 'h',
    headSha: 'foobar1',
    baseRef: 'branch',
    baseSha: 'base',
    draft: false,
    mergeable,
    repoLink: 'https://github.com/org/repo',
  });
  const two = () => [presubmit({ name: 'first', context: 'first-context' }), presubmit({ name: 'second', context: 'second-context' })];

  it.each([
    { name: 'nothing requested means nothing done', requested: [] as Presubmit[], failing: [] as string[], mergeable: null, expected: [] as string[], error: false },
    { name: 'disjoint sets of jobs get triggered', requested: two(), failing: [], mergeable: null, expected: ['first', 'second'], error: false },
    { name: "failure on job creation bubbles up but doesn't stop others from starting", requested: two(), failing: ['first'], mergeable: null, expected: ['second'], error: true },
    { name: 'no errors and unmergable PR means we should see no trigger', requested: two(), failing: [], mergeable: false, expected: [], error: false },
  ])('$name', async ({ requested, failing, mergeable, expected, error }) => {
    const jobs = new FakeJobsAccess({ repo: 'org/repo', failing });
    const ctx = contextFor(new MemoryGitHub(), { jobs });
    const running = runRequested(ctx, pull(mergeable), requested, { requestedBy: 'a' });
    if (error) await expect(running).rejects.toThrow(AggregateError);
    else await running;
    expect(jobs.made.map((j) => j.name)).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// push_test.go TestHandlePE, TestCreateRefs
// ---------------------------------------------------------------------------------------------

function pushEvent(fields: { org: string; repo: string; ref: string; after?: string; deleted?: boolean; commits?: { added?: string[]; removed?: string[]; modified?: string[] }[] }): PushEvent {
  const payload = samplePayload('push');
  Object.assign(payload, {
    ref: fields.ref,
    after: fields.after ?? 'abcdef',
    deleted: fields.deleted ?? false,
    compare: `https://github.com/${fields.org}/${fields.repo}/compare/abcdee...abcdef`,
    commits: (fields.commits ?? []).map((c) => ({ added: c.added ?? [], removed: c.removed ?? [], modified: c.modified ?? [] })),
  });
  Object.assign(payload.repository, { name: fields.repo, full_name: `${fields.org}/${fields.repo}`, html_url: `https://github.com/${fields.org}/${fields.repo}`, clone_url: `https://github.com/${fields.org}/${fields.repo}.git` });
  payload.repository.owner.login = fields.org;
  payload.repository.owner.name = fields.org;
  return payload as PushEvent;
}

describe('trigger pushes (Prow TestHandlePE)', () => {
  const postsubmits = {
    'org/repo': [postsubmit({ name: 'pass-butter', runIfChanged: '\\.sh$' })],
    'org2/repo2': [postsubmit({ name: 'pass-salt' })],
    'org3/repo3': [postsubmit({ name: 'pass-pepper', branches: ['release/v1.14'] })],
  };
  it.each([
    { name: 'branch deleted', org: 'org', repo: 'repo', ref: 'refs/heads/master', deleted: true, jobsToRun: 0 },
    { name: 'null after sha', org: 'org', repo: 'repo', ref: 'refs/heads/master', after: '0000000000000000000000000000000000000000', jobsToRun: 0 },
    { name: 'no matching files', org: 'org', repo: 'repo', ref: 'refs/heads/master', commits: [{ added: ['example.txt'] }], jobsToRun: 0 },
    { name: 'one matching file', org: 'org', repo: 'repo', ref: 'refs/heads/master', commits: [{ added: ['example.txt'], modified: ['hack.sh'] }], jobsToRun: 1 },
    { name: 'no change matcher', org: 'org2', repo: 'repo2', ref: 'refs/heads/master', commits: [{ added: ['example.txt'] }], jobsToRun: 1 },
    { name: 'branch name with a slash', org: 'org3', repo: 'repo3', ref: 'refs/heads/release/v1.14', commits: [{ added: ['hack.sh'] }], jobsToRun: 1 },
    // Skiff's rows.
    { name: 'a removed file counts as changed', org: 'org', repo: 'repo', ref: 'refs/heads/master', commits: [{ removed: ['old.sh'] }], jobsToRun: 1 },
    { name: 'a tag is matched by its name', org: 'org3', repo: 'repo3', ref: 'refs/tags/release/v1.14', jobsToRun: 1 },
  ])('$name', async ({ org, repo, jobsToRun, ...fields }) => {
    const jobs = new FakeJobsAccess({ repo: `${org}/${repo}`, postsubmits });
    const ctx = contextFor(new MemoryGitHub(), { jobs, repo: { owner: org, repo } });
    await trigger.on!.push!(ctx, pushEvent({ org, repo, ...fields }));
    expect(jobs.triggered).toHaveLength(jobsToRun);
    if (jobsToRun) expect(jobs.requests[0]).toMatchObject({ type: 'postsubmit', cause: 'delivery-1' });
  });

  it('refs (Prow TestCreateRefs): the branch at the pushed SHA, the compare link, the clone URL', () => {
    const ctx = contextFor(new MemoryGitHub(), { repo: { owner: 'kubernetes', repo: 'repo' } });
    const event = pushEvent({ org: 'kubernetes', repo: 'repo', ref: 'refs/heads/master' });
    expect(pushRefs(ctx, event)).toEqual({
      org: 'kubernetes',
      repo: 'repo',
      repoLink: 'https://github.com/kubernetes/repo',
      baseRef: 'master',
      baseSha: 'abcdef',
      baseLink: 'https://github.com/kubernetes/repo/compare/abcdee...abcdef',
      pulls: [],
      cloneUri: 'https://github.com/kubernetes/repo.git',
    });
  });

  it('a deleted branch reads no job config', async () => {
    const jobs = new FakeJobsAccess({ repo: 'org/repo', postsubmits });
    await trigger.on!.push!(contextFor(new MemoryGitHub(), { jobs }), pushEvent({ org: 'org', repo: 'repo', ref: 'refs/heads/master', deleted: true }));
    expect(jobs.reads).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// pkg/markdown code_block_test.go TestDropCodeBlock
// ---------------------------------------------------------------------------------------------

describe('dropCodeBlock (Prow TestDropCodeBlock)', () => {
  const singleLineToStay = 'should stay';
  const multiLinesToStay = 'should stay\nthis one should stay as well\nand this one too\n';
  const singleLineCodeBlock = '```\nshould be filtered out\n```';
  const multiLinesCodeBlock = '```\nshould be filtered out\nthis one should be filtered out as well\nand this one too\n```\n';
  const codeBlockWithLanguage = '```shell\nshould be filtered out\nthis one should be filtered out as well\nand this one too\n```\n';
  const tilde = (s: string) => s.replaceAll('```', '~~~');
  it.each([
    { name: 'no code block, single line', text: singleLineToStay, expected: singleLineToStay },
    { name: 'no code block, multi-lines', text: multiLinesToStay, expected: multiLinesToStay },
    { name: 'one single-line block', text: singleLineCodeBlock, expected: '' },
    { name: 'one multi-line block', text: multiLinesCodeBlock, expected: '' },
    { name: 'one multi-line tilda block', text: tilde(multiLinesCodeBlock), expected: '' },
    { name: 'one multi-line block, wrapped with text', text: multiLinesToStay + multiLinesCodeBlock + multiLinesToStay, expected: multiLinesToStay + multiLinesToStay },
    { name: 'few multi-line blocks', text: multiLinesCodeBlock.repeat(4), expected: '' },
    { name: 'few multi-line blocks, no new line at the end', text: multiLinesCodeBlock.repeat(3) + multiLinesCodeBlock.slice(0, -1), expected: '' },
    {
      name: 'few multi-line blocks, some wrapped with test',
      text: `${singleLineToStay}\n${multiLinesCodeBlock}${multiLinesCodeBlock}${multiLinesToStay}${multiLinesCodeBlock}${multiLinesToStay}${multiLinesCodeBlock}`,
      expected: `${singleLineToStay}\n${multiLinesToStay}${multiLinesToStay}`,
    },
    {
      name: 'few multi-line tilda blocks, some wrapped with test',
      text: tilde(`${singleLineToStay}\n${multiLinesCodeBlock}${multiLinesCodeBlock}${multiLinesToStay}${multiLinesCodeBlock}${multiLinesToStay}${multiLinesCodeBlock}`),
      expected: `${singleLineToStay}\n${multiLinesToStay}${multiLinesToStay}`,
    },
    {
      name: 'should filter out code blocks with language',
      text: `${singleLineToStay}\n${multiLinesCodeBlock}${codeBlockWithLanguage}${multiLinesToStay}${multiLinesCodeBlock}${multiLinesToStay}${codeBlockWithLanguage}`,
      expected: `${singleLineToStay}\n${multiLinesToStay}${multiLinesToStay}`,
    },
    { name: 'invalid block: extra test at the end', text: '```\nthis one is here to stay\n``` extra text', expected: '```\nthis one is here to stay\n``` extra text' },
    { name: 'invalid block: extra test at the end, new line', text: '```\nthis one is here to stay\n``` extra text\n', expected: '```\nthis one is here to stay\n``` extra text\n' },
    { name: 'invalid block: not closed', text: '```\nthis one is here to stay', expected: '```\nthis one is here to stay' },
  ])('$name', ({ text, expected }) => {
    expect(dropCodeBlock(text)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// pkg/pjutil filter_test.go TestPresubmitFilter, help_test.go TestHelp
// ---------------------------------------------------------------------------------------------

describe('presubmit filter (Prow pjutil TestPresubmitFilter)', () => {
  // Prow's rows leave `trigger` empty where they do not set one: such a job matches no comment.
  const job = (name: string, context: string, f: Partial<JobFields> = {}) => presubmit({ name, context, trigger: '', rerunCommand: '', ...f });
  const triggered = (name: string, context: string, word: string, f: Partial<JobFields> = {}) => job(name, context, { trigger: rowTrigger(word), rerunCommand: `/test ${word}`, ...f });
  const statuses: PullContexts = { failed: new Set(['existing-error', 'existing-failure']), all: new Set(['existing-successful', 'existing-pending', 'existing-error', 'existing-failure']) };
  const four = [
    job('always-runs', 'always-runs', { alwaysRun: true }),
    job('runs-if-changed', 'runs-if-changed', { runIfChanged: 'sometimes' }),
    job('runs-if-changed', 'runs-if-changed', { skipIfOnlyChanged: 'sometimes' }),
    triggered('runs-if-triggered', 'runs-if-triggered', 'trigger'),
  ];
  const existing = [
    job('successful-job', 'existing-successful'),
    job('pending-job', 'existing-pending'),
    job('failure-job', 'existing-failure'),
    job('error-job', 'existing-error'),
    job('missing-always-runs', 'missing-always-runs', { alwaysRun: true }),
  ];
  const t = true;
  const f = false;
  it.each([
    { name: "test all comment selects all tests that don't need an explicit trigger", body: '/test all', honor: false, presubmits: four, expected: [[t, f, f], [t, f, f], [t, f, f], [f, f, f]] },
    { name: "honored ok-to-test comment selects all tests that don't need an explicit trigger", body: '/ok-to-test', honor: true, presubmits: four, expected: [[t, f, f], [t, f, f], [t, f, f], [f, f, f]] },
    { name: 'not honored ok-to-test comment selects no tests', body: '/ok-to-test', honor: false, presubmits: four, expected: [[f, f, f], [f, f, f], [f, f, f], [f, f, f]] },
    { name: 'retest command selects for errored or failed contexts and required but missing contexts', body: '/retest', honor: false, presubmits: existing, expected: [[f, f, f], [f, f, f], [t, f, t], [t, f, t], [t, f, f]] },
    {
      name: 'retest command selects for errored or failed contexts unless they are optional',
      body: '/retest-required',
      honor: false,
      presubmits: existing.map((ps) => (ps.name === 'failure-job' ? { ...ps, optional: true } : ps)),
      expected: [[f, f, f], [f, f, f], [f, f, f], [t, f, t], [t, f, f]],
    },
    {
      name: 'test-manual-required triggers only required manual jobs without file conditions',
      body: '/test-manual-required',
      honor: false,
      presubmits: [
        triggered('manual-required', 'manual-required', 'manual'),
        triggered('manual-optional', 'manual-optional', 'manual-optional', { optional: true }),
        job('always-runs', 'always-runs', { alwaysRun: true }),
        triggered('run-if-changed', 'run-if-changed', 'conditional', { runIfChanged: 'sometimes' }),
        triggered('skip-if-only-changed', 'skip-if-only-changed', 'skip', { skipIfOnlyChanged: 'sometimes' }),
      ],
      expected: [[t, t, f], [f, f, f], [f, f, f], [f, f, f], [f, f, f]],
    },
    {
      name: 'explicit test command filters for jobs that match',
      body: '/test trigger',
      honor: false,
      presubmits: ['trigger', 'other-trigger'].flatMap((word) => [
        triggered('always-runs', 'always-runs', word, { alwaysRun: true }),
        triggered('runs-if-changed', 'runs-if-changed', word, { runIfChanged: 'sometimes' }),
        triggered('runs-if-changed', 'runs-if-changed', word, { skipIfOnlyChanged: 'sometimes' }),
        triggered('runs-if-triggered', 'runs-if-triggered', word),
      ]),
      expected: [[t, t, t], [t, t, t], [t, t, t], [t, t, t], [f, f, f], [f, f, f], [f, f, f], [f, f, f]],
    },
    {
      name: 'comments matching more than one case will select the union of presubmits',
      body: '/test trigger\n/test all\n/retest',
      honor: false,
      presubmits: [
        triggered('always-runs', 'existing-successful', 'other-trigger', { alwaysRun: true }),
        triggered('runs-if-changed', 'existing-successful', 'other-trigger', { runIfChanged: 'sometimes' }),
        triggered('runs-if-changed', 'existing-successful', 'other-trigger', { skipIfOnlyChanged: 'sometimes' }),
        triggered('runs-if-triggered', 'runs-if-triggered', 'trigger'),
        ...existing,
      ],
      expected: [[t, f, f], [t, f, f], [t, f, f], [t, t, t], [f, f, f], [f, f, f], [t, f, t], [t, f, t], [t, f, f]],
    },
  ])('$name', async ({ body, honor, presubmits, expected }) => {
    const filter = await presubmitFilterFor(honor, async () => statuses, body);
    expect(presubmits.map((ps) => [...filter.shouldRun(ps)])).toEqual(expected);
  });

  it.each([
    { name: 'statuses are not gathered unless retest is specified (will error but we should not see it)', body: 'not a command', rejects: false },
    { name: 'statuses are gathered when retest is specified and gather error is propagated', body: '/retest', rejects: true },
  ])('$name', async ({ body, rejects }) => {
    const building = presubmitFilterFor(false, async () => Promise.reject(new Error('failure')), body);
    if (rejects) await expect(building).rejects.toThrow('failure');
    else await expect(building).resolves.toBeDefined();
  });
});

describe('help replies (Prow pjutil TestHelp)', () => {
  const required = new Set(['/test e2e', '/test e2e-serial', '/test unit']);
  const optional = new Set(['/test lint', '/test e2e-conformance-commodore64']);
  const all = new Set([...required, ...optional]);
  const helpBody = helpMessage('', '', '', '', { testAll: all, optional, required });
  it.each([
    { name: 'empty comment is neither a failed nor a successful test trigger', comment: '', matching: 0, mayNeedHelp: false, respond: false, note: '', prune: false },
    { name: 'random comment is neither a failed nor a successful test trigger', comment: 'This is a comment about testing.', matching: 0, mayNeedHelp: false, respond: false, note: '', prune: false },
    { name: 'request for existing test is a successful test trigger', comment: '/test e2e', matching: 1, mayNeedHelp: true, respond: false, note: '', prune: true },
    { name: 'request for non-existent test is an unsuccessful test trigger', comment: '/test f2f', matching: 0, mayNeedHelp: true, respond: true, note: targetNotFoundNote, prune: false },
    { name: 'test all when tests exist is a successful test trigger', comment: '/test all', matching: 1, mayNeedHelp: true, respond: false, note: '', prune: true },
    { name: 'test all when no tests exist is an unsuccessful test trigger', comment: '/test all', matching: 0, mayNeedHelp: true, respond: true, note: thereAreNoTestAllJobsNote, prune: false },
    { name: 'retest is a successful test trigger', comment: '/retest', matching: 1, mayNeedHelp: false, respond: false, note: '', prune: true },
    { name: 'retest is a successful test trigger, even when no tests exist', comment: '/retest', matching: 0, mayNeedHelp: false, respond: false, note: '', prune: true },
    { name: 'empty /test is invalid', comment: '/test', matching: 0, mayNeedHelp: true, respond: true, note: testWithoutTargetNote, prune: false },
    { name: 'retest with target is invalid', comment: '/retest e2e', matching: 0, mayNeedHelp: true, respond: true, note: retestWithTargetNote, prune: false },
    { name: '/test ? is a request for help, not a trigger', comment: '/test ?', matching: 0, mayNeedHelp: true, respond: true, note: '', prune: false },
  ])('$name', ({ comment, matching, mayNeedHelp, respond, note, prune }) => {
    expect(isHelpComment(comment)).toBe(false);
    expect(mayNeedHelpComment(comment)).toBe(mayNeedHelp);
    expect(shouldRespondWithHelp(comment, matching)).toEqual({ help: respond, note });
    if (respond) {
      const message = helpMessage('', '', '', note, { testAll: all, optional, required });
      expect(message).toBe(note + helpBody);
      expect(isHelpComment(message)).toBe(true);
    } else {
      expect(shouldPruneHelp(comment)).toBe(prune);
    }
  });

  it('no jobs at all: Prow\'s one line', () => {
    expect(helpMessage('org', 'repo', 'main', targetNotFoundNote, { testAll: new Set(), optional: new Set(), required: new Set() })).toBe('No presubmit jobs available for org/repo@main');
  });
});
