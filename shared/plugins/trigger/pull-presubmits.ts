// The presubmits of a pull request (Prow's getPresubmits): the central config's and, where
// `in_repo_config` allows it, `.prow.yaml`'s at the base and head SHAs. When `.prow.yaml` does not
// load, the central jobs still run (Prow falls back the same way, so a presubmit that checks the
// in-repo config is not deadlocked), and the pull request gets one comment saying why — edited
// when the error changes, never posted twice, and deleted once the config loads again (so it does
// not go on claiming a fixed file is broken).
import type { Presubmit } from '../../jobs/types.js';
import type { JobsContext } from './context.js';
import { inRepoErrorMarker, inRepoErrorMessage } from './messages.js';
import type { PullInfo } from './run-requested.js';

export async function presubmitsForPull(ctx: JobsContext, pull: PullInfo): Promise<Presubmit[]> {
  const { jobs, inRepoError } = await ctx.jobs.presubmitsFor({ number: pull.number, baseRef: pull.baseRef, baseSha: pull.baseSha, headSha: pull.headSha });
  if (inRepoError !== undefined) await reportInRepoError(ctx, pull, inRepoError);
  else if (ctx.jobs.config.inRepoConfigEnabled(ctx.repo.owner, ctx.repo.repo)) await withdrawInRepoError(ctx, pull);
  return jobs;
}

/** trigger's earlier error comment on the pull request, if any. */
async function earlierErrorComment(ctx: JobsContext, pull: PullInfo) {
  const bot = ctx.botLogin?.toLowerCase();
  const comments = await ctx.github.listComments({ ...ctx.repo, number: pull.number });
  return comments.find((c) => c.body.startsWith(inRepoErrorMarker) && (bot === undefined || c.user.login.toLowerCase() === bot));
}

async function reportInRepoError(ctx: JobsContext, pull: PullInfo, error: string): Promise<void> {
  ctx.note(`the in-repository config did not load at ${pull.headSha}: ${error}`);
  const body = inRepoErrorMessage(pull.headSha, error);
  const earlier = await earlierErrorComment(ctx, pull);
  if (!earlier) await ctx.github.createComment({ ...ctx.repo, number: pull.number }, body);
  else if (earlier.body !== body) await ctx.github.editComment(ctx.repo, earlier.id, body);
}

async function withdrawInRepoError(ctx: JobsContext, pull: PullInfo): Promise<void> {
  const earlier = await earlierErrorComment(ctx, pull);
  if (earlier) await ctx.github.deleteComment(ctx.repo, earlier.id);
}
