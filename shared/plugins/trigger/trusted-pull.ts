// Prow's TrustedPullRequest: a pull request is tested when its author is trusted (trust.ts's
// TrustedUser with the repository's `triggers:` entry) or when it carries `ok-to-test`.
import type { TriggerContext } from './context.js';
import { okToTestLabel } from './messages.js';

export interface PullTrust {
  trusted: boolean;
  /** The labels, when they had to be read (an author who is trusted costs no label read). */
  labels: string[] | undefined;
}

export async function trustedPullRequest(ctx: TriggerContext, author: string, number: number, known?: string[]): Promise<PullTrust> {
  if ((await ctx.trust.isTrustedUser(author)).trusted) return { trusted: true, labels: known };
  const labels = known ?? (await ctx.github.getIssueLabels({ ...ctx.repo, number }));
  return { trusted: hasLabel(labels, okToTestLabel), labels };
}

/** GitHub's label names are unique regardless of case (Prow's github.HasLabel compares them so). */
export const hasLabel = (labels: readonly string[], label: string): boolean => labels.some((l) => l.toLowerCase() === label.toLowerCase());
