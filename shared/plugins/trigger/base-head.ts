// The base a presubmit tests against, as Prow's trigger takes it: the base branch's head as
// GitHub says it now (`GetRef heads/<base>`: pull-request.go handlePR's baseSHAGetter,
// config.go RefGetterForGitHubPullRequest.BaseSHA), not the pull request's `base.sha`, which is
// where the branch was when the pull request was opened or last pushed to and may be many merges
// behind. The job checks out that head and merges the pull request onto it, so it tests what
// merging now would give. A failed read fails the event, as Prow returns the error: retried when
// GitHub's failure is (a 5xx), recorded when it is not (a 404: the base branch is gone).
import type { TriggerContext } from './context.js';
import type { PullInfo } from './run-requested.js';

/** The pull request with its base at the branch's current head. */
export async function withBaseHead(ctx: TriggerContext, pull: PullInfo): Promise<PullInfo> {
  const baseSha = await ctx.github.getRef(ctx.repo, `heads/${pull.baseRef}`);
  return baseSha === pull.baseSha ? pull : { ...pull, baseSha };
}
