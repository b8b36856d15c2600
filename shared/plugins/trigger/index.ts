// trigger: starts jobs in reaction to events, as Prow's trigger plugin (pkg/plugins/trigger/) does.
// Presubmits run on trusted pull requests (pull-request.ts) and on `/test`, `/retest`,
// `/ok-to-test` and each job's own trigger (generic-comment.ts); postsubmits run on pushes
// (push.ts). It makes job records through `ctx.jobs` and never starts a build itself: plank
// starts them as concurrency allows, crier reports them. Without `ctx.jobs` (no job config or job
// store where it runs) it refuses, saying so, rather than pretend.
//
// Commands are declared below for `/help`, the plugin catalog and the unknown-command check; every
// one of them runs the same whole-comment handler, because Prow reads a comment as a whole — the
// union of what `/retest`, `/test all` and each job's `trigger` regex select — not line by line.
// A job's trigger need not look like `/test` (`trigger: '(?m)^/benchmark'`), so comments that hold
// none of the declared commands are read by `comment` against every presubmit's trigger, Prow's way.
import { matchCommand } from '../commands.js';
import type { CommandSpec, Plugin } from '../types.js';
import { triggerConfig, type TriggerConfig } from './config.js';
import type { TriggerGitHub } from './context.js';
import { handleGenericComment } from './generic-comment.js';
import { handlePullRequest } from './pull-request.js';
import { handlePush } from './push.js';

export { abortedDescription, draftMessage, needsOkToTestLabel, okToTestLabel } from './messages.js';
export type { TriggerGitHub } from './context.js';

type Spec = CommandSpec<TriggerConfig | undefined, TriggerGitHub>;

const onTrustedPr = 'Anyone can trigger this command on a trusted PR.';
const trustedOrgMembers = 'Members of the trusted organization for the repo.';
const run: Spec['run'] = (ctx, event) => handleGenericComment(ctx, event);

const commands: Spec[] = [
  {
    name: 'ok-to-test',
    arg: { pattern: 'cancel', optional: true, usage: '[cancel]' },
    description: "Marks a PR as 'trusted' and starts tests; with 'cancel', revokes that trust, removing 'ok-to-test' and restoring 'needs-ok-to-test'.",
    examples: ['/ok-to-test', '/ok-to-test cancel'],
    who: trustedOrgMembers,
    run,
  },
  {
    name: 'test',
    arg: { pattern: '\\S+', optional: true, usage: '[<job name>|all|?]' },
    description: "Manually starts a/all automatically triggered test job(s); '/test ?' lists the jobs that can be run. Lists all possible job(s) when no jobs/an invalid job are specified.",
    examples: ['/test all', '/test pull-bazel-test', '/test ?'],
    who: onTrustedPr,
    run,
  },
  { name: 'retest', description: 'Rerun test jobs that have failed.', examples: ['/retest'], who: onTrustedPr, run },
  { name: 'retest-required', description: 'Rerun the required (non-optional) test jobs that have failed.', examples: ['/retest-required'], who: onTrustedPr, run },
  {
    name: 'test-manual-required',
    description: 'Manually starts required presubmit jobs that require an explicit trigger and do not use file change conditions.',
    examples: ['/test-manual-required'],
    who: onTrustedPr,
    run,
  },
];

export const trigger: Plugin<TriggerConfig | undefined, TriggerGitHub> = {
  name: 'trigger',
  description:
    "Starts jobs: presubmits on pull requests by trusted authors (org members, collaborators unless 'only_org_members', 'trusted_apps', members of 'trusted_org') or marked '/ok-to-test', when their branch and file filters match (drafts wait); presubmits asked for with '/test', '/retest' or a job's own trigger; postsubmits on pushes. A new push, closing the PR or converting it to draft aborts its running presubmits.",
  config: triggerConfig,
  commands,
  async comment(ctx, event) {
    // A declared command already ran the whole comment through the handler.
    if (commands.some((spec) => matchCommand(spec, event.body).length > 0)) return { status: 'skipped', reason: 'read as a command already' };
    return handleGenericComment(ctx, event);
  },
  on: {
    pull_request: handlePullRequest,
    push: handlePush,
    // A github-actions job's run reports back here: the run's state goes on its record (crier
    // then sets the status). Runs Skiff did not dispatch are ignored.
    async workflow_run(ctx, event) {
      if (!ctx.jobs?.agentEvent) return { status: 'skipped', reason: 'jobs are not set up here' };
      const outcome = await ctx.jobs.agentEvent(event);
      return outcome === 'finished' ? { status: 'ran', reason: 'a job finished' } : { status: 'skipped', reason: `workflow run: ${outcome}` };
    },
  },
};
