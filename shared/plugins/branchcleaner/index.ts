// branchcleaner: when a pull request from a branch of the same repository is merged, its head
// branch is deleted, unless `branch_cleaner.preserved_branches` lists it for the repository or
// its org. Same events, rule and config as Prow's branchcleaner plugin
// (kubernetes-sigs/prow pkg/plugins/branchcleaner/branchcleaner.go). Everything it needs is in
// the payload: one call, the delete (a branch already gone is success).
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient } from '../../github/client.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { branchCleanerConfigSchema, type BranchCleanerConfig } from './config.js';

export type { BranchCleanerConfig } from './config.js';

export type BranchCleanerGitHub = Pick<GitHubClient, 'deleteBranch'>;

type Ctx = PluginContext<BranchCleanerConfig, BranchCleanerGitHub>;

/**
 * Prow's IsPreservedBranch: an entry of `org/repo`, then of `org`, equal to the branch or whose
 * regexp matches it anywhere. The entry that preserves it, if any; `unusable` hears of entries
 * that are names only because they do not compile.
 */
export function preservedBy(config: BranchCleanerConfig, org: string, repo: string, branch: string, unusable: (line: string) => void = () => {}): string | undefined {
  for (const key of [`${org}/${repo}`, org]) {
    for (const entry of config.preservedBranches[key] ?? []) {
      if (entry.pattern === branch) return `${key}: ${entry.pattern}`;
      if (entry.regex?.test(branch)) return `${key}: ${entry.pattern}`;
      if (entry.error) unusable(`preserved_branches ${key}: ${entry.error}; it preserves only a branch of that exact name`);
    }
  }
  return undefined;
}

async function onPullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  const pr = event.pull_request;
  if (event.action !== 'closed' || !pr.merged) return { status: 'skipped', reason: `pull_request ${event.action}${event.action === 'closed' ? ' without merging' : ''}: only merged pull requests are cleaned up` };
  // A fork whose repository was deleted has no head repository.
  const headRepo = pr.head.repo?.full_name;
  if (pr.base.repo.full_name !== headRepo) return { status: 'skipped', reason: `the head branch is in ${headRepo ?? 'a deleted fork'}, not ${pr.base.repo.full_name}` };

  const org = pr.base.repo.owner.login;
  const repo = pr.base.repo.name;
  const branch = pr.head.ref;
  const preserved = preservedBy(ctx.config, org, repo, branch, ctx.note);
  if (preserved) return { status: 'skipped', reason: `${branch} is preserved (${preserved})` };

  try {
    await ctx.github.deleteBranch({ owner: org, repo }, branch);
  } catch (cause) {
    // Prow's words; the cause decides whether the event is retried.
    throw new Error(`failed to delete branch ${branch} on repo ${org}/${repo} after Pull Request #${pr.number} got merged`, { cause });
  }
  return { status: 'ran', reason: `deleted ${branch}, merged in #${pr.number}` };
}

export const branchcleaner: Plugin<BranchCleanerConfig, BranchCleanerGitHub> = {
  name: 'branchcleaner',
  description:
    'Deletes the source branch of a merged pull request when it is a branch of the same repository (not a fork), unless it is one of the preserved branches. This keeps repositories that do not use forks clean.',
  config: { key: 'branch_cleaner', schema: branchCleanerConfigSchema },
  on: { pull_request: onPullRequest },
};
