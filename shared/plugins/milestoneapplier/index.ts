// milestoneapplier: when a pull request merges, it gets the milestone milestone_applier configures
// for its base branch; one that targets another branch than the default gets it when opened too.
// Same behaviour and config as Prow's milestoneapplier plugin (kubernetes-sigs/prow
// pkg/plugins/milestoneapplier/milestoneapplier.go): a pull request that already has that
// milestone is left alone, one with another milestone gets the configured one, and a configured
// milestone the repository does not have (open) fails the event with Prow's error.
//
// Differences from Prow: none in behaviour. The payload carries the base branch, the default
// branch, whether it merged and the current milestone, so the one read is the milestone list, and
// only when a write is due.
import { formatIssueRef, type GitHubClient } from '../../github/client.js';
import type { Outcome, Plugin } from '../types.js';
import { milestoneApplierConfigSchema, milestoneFor, type MilestoneApplierConfig } from './config.js';

export type { MilestoneApplierConfig } from './config.js';

export type MilestoneApplierGitHub = Pick<GitHubClient, 'listMilestones' | 'updateIssue'>;

export const milestoneapplier: Plugin<MilestoneApplierConfig | undefined, MilestoneApplierGitHub> = {
  name: 'milestoneapplier',
  description:
    'Applies the milestone configured for the base branch (milestone_applier) to a pull request when it merges. ' +
    'A pull request that targets a branch other than the default gets it when opened as well.',
  config: { key: 'milestone_applier', schema: milestoneApplierConfigSchema },
  on: {
    async pull_request(ctx, event): Promise<Outcome> {
      const pr = event.pull_request;
      const org = pr.base.repo.owner.login;
      const repo = pr.base.repo.name;
      const branch = pr.base.ref;
      const configured = milestoneFor(ctx.config, org, repo, branch);
      if (configured === undefined) return { status: 'skipped', reason: `milestone_applier has no milestone for ${org}/${repo} branch ${branch}` };
      const ref = { ...ctx.repo, number: event.number };
      if (pr.milestone?.title === configured) return { status: 'skipped', reason: `${formatIssueRef(ref)} already has milestone ${configured}` };

      // On the default branch only a merge applies it; on any other, opening too.
      const merged = event.action === 'closed' && pr.merged === true;
      const onDefault = pr.base.repo.default_branch === branch;
      if (!merged && (onDefault || event.action !== 'opened')) {
        return { status: 'skipped', reason: `${event.action}${event.action === 'closed' ? ' unmerged' : ''} on ${onDefault ? 'the default branch' : `branch ${branch}`}: the milestone is applied on ${onDefault ? 'merge' : 'open and merge'}` };
      }

      // Prow lists with GitHub's default state, open: a closed milestone is not there.
      const milestones = (await ctx.github.listMilestones(ctx.repo)).filter((m) => m.state === 'open');
      const found = milestones.find((m) => m.title === configured);
      if (!found) throw new Error(`The configured milestone ${configured} for ${branch} branch does not exist in the ${org}/${repo} repo`);
      await ctx.github.updateIssue(ref, { milestone: found.number });
      return { status: 'ran', reason: `${merged ? 'merged' : 'opened'} into ${branch}: milestone ${configured}` };
    },
  },
};
