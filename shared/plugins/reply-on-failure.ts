// Prow's plugins answer many a failed GitHub call with a comment on the pull request ("Cannot get
// PR #1 in org/repo") and stop. Skiff does the same for failures a retry would not cure; one a
// retry could (network, 5xx, rate limits) is thrown, so SQS redelivers the event instead of the
// bot telling the user about an outage that will pass.
import type { GitHubClient } from '../github/client.js';
import { isRetryable } from '../github/errors.js';
import type { GenericCommentEvent } from '../hook/generic-comment.js';
import { replyTo } from './respond.js';
import type { Outcome, PluginContext } from './types.js';

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export type Attempt<T> = { ok: true; value: T } | { ok: false; outcome: Outcome };

/** Runs `call`; on a terminal failure replies `message(error)` to the comment and says so as a refusal. */
export async function replyOnFailure<T>(
  ctx: PluginContext<unknown, Pick<GitHubClient, 'createComment'>>,
  event: GenericCommentEvent,
  call: () => Promise<T>,
  message: (error: string) => string,
): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (isRetryable(error)) throw error;
    const reply = message(errorMessage(error));
    ctx.log.warn(reply, { error: errorMessage(error) });
    await ctx.github.createComment({ ...ctx.repo, number: event.number }, replyTo(event, reply));
    return { ok: false, outcome: { status: 'refused', reason: reply } };
  }
}
