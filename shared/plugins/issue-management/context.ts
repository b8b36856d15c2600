// What every issue-management command sees: the slice of GitHub it uses, and Prow's reply.
import type { GitHubClient } from '../../github/client.js';
import { isRetryable } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import type { Outcome, PluginContext } from '../types.js';

export type IssueManagementGitHub = Pick<
  GitHubClient,
  'createComment' | 'getIssue' | 'getPullRequest' | 'updateIssue' | 'getRepo' | 'getBranchSha' | 'isOrgMember' | 'transferIssue' | 'pinIssue' | 'unpinIssue'
>;

export type Ctx = PluginContext<unknown, IssueManagementGitHub>;

/** Prow's FormatResponseRaw reply on the issue or pull request, and the outcome for the trace. */
export async function reply(ctx: Ctx, event: GenericCommentEvent, message: string, status: Outcome['status'], reason: string): Promise<Outcome> {
  await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, message));
  return { status, reason } as Outcome;
}

/**
 * Where Prow reads any error as "it does not exist" (or "try again later"), a failure worth
 * retrying (5xx, rate limits, the network) is thrown instead, so the delivery is retried rather
 * than answered wrongly; the rest (404, 410, 403, GraphQL refusals) get Prow's answer.
 */
export function unlessRetryable(error: unknown): void {
  if (isRetryable(error)) throw error;
}
