// override: repository admins (and, as configured, top-level OWNERS approvers and members of
// allowed GitHub teams) force status contexts green — Prow's override plugin
// (pkg/plugins/override/). `/override <context|job> …` and `/override-sticky …` (which survives
// the base branch moving) set "Overridden by <user>" and make a succeeded job record for a
// presubmit so tide counts it; `/override-cancel [context]` turns overrides back to failure.
//
// Prow runs all three handlers on every comment (a comment may cancel one override and make
// another), so each declared command runs the same whole-comment handler: cancel, then sticky,
// then plain overrides, as Prow orders them. Status overrides work without job config; job
// names and job records need `ctx.jobs` (see handle.ts).
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { defaultOverrideConfig, overrideConfig, type OverrideConfig } from './config.js';
import { handleOverride, handleOverrideCancel, type OverrideContext, type OverrideGitHub } from './handle.js';

export type { OverrideGitHub } from './handle.js';

async function handleComment(given: PluginContext<OverrideConfig | undefined, OverrideGitHub>, event: GenericCommentEvent): Promise<Outcome> {
  // No `override:` section in plugins.yaml: Prow's zero value.
  const ctx: OverrideContext = { ...given, config: given.config ?? defaultOverrideConfig() };
  if (event.issueState !== 'open') return { status: 'skipped', reason: `#${event.number} is ${event.issueState}` };
  const outcomes: Outcome[] = [];
  for (const step of [() => handleOverrideCancel(ctx, event), () => handleOverride(ctx, event, true), () => handleOverride(ctx, event, false)]) {
    const outcome = await step();
    if (outcome) outcomes.push(outcome);
  }
  if (outcomes.length === 0) return { status: 'skipped', reason: 'no /override, /override-sticky or /override-cancel alone at the start of a line' };
  const status = outcomes.some((o) => o.status === 'ran') ? 'ran' : outcomes.some((o) => o.status === 'refused') ? 'refused' : 'skipped';
  return { status, reason: outcomes.map((o) => o.reason).filter(Boolean).join('; ') };
}

type Spec = CommandSpec<OverrideConfig | undefined, OverrideGitHub>;

// Prow computes this from the config; commands here are data, so the help says what decides it.
const who = "Repo administrators; approvers in the top-level OWNERS file with 'allow_top_level_owners'; members of the teams in 'allowed_github_teams'.";
const only: Spec['only'] = { actions: ['created'], pullRequests: true };
const run: Spec['run'] = (ctx, event) => handleComment(ctx, event);

// Cancel and sticky first: `/override` must not be read in `/override-sticky` (it is not: the
// generated regex wants whitespace or the line's end after the name).
const commands: Spec[] = [
  {
    name: 'override-cancel',
    arg: { pattern: '.+', optional: true, usage: '[context]' },
    description:
      'Removes overrides by setting the status back to failure. Works on both regular and sticky overrides. If a context is given, only that override is removed. If no context is given, all overrides on the PR are removed.',
    examples: ['/override-cancel pull-repo-whatever', '/override-cancel'],
    who,
    only,
    run,
  },
  {
    name: 'override-sticky',
    arg: { pattern: '.+', optional: true, usage: '[context1] [context2]' },
    description:
      'Like /override, but the override persists across retests on the current HEAD SHA even when the base branch moves. Pushing a new commit clears them. Use /override-cancel to remove.',
    examples: ['/override-sticky pull-repo-whatever', '/override-sticky "test / Unit Tests"'],
    who,
    only,
    run,
  },
  {
    name: 'override',
    arg: { pattern: '.+', optional: true, usage: '[context1] [context2]' },
    description: 'Forces github status contexts to green (multiple can be given). If the desired context has spaces, it must be quoted. Overrides expire when the base branch moves.',
    examples: ['/override pull-repo-whatever', '/override "test / Unit Tests"', '/override ci/circleci', '/override deleted-job other-job'],
    who,
    only,
    run,
  },
];

export const override: Plugin<OverrideConfig | undefined, OverrideGitHub> = {
  name: 'override',
  description: 'The override plugin allows repo admins to force a github status context to pass.',
  config: overrideConfig,
  commands,
};
