// Prow's override texts (pkg/plugins/override/override.go), word for word: the status
// descriptions tide and `/override-cancel` read back, and the replies.
import type { OverrideConfig } from './config.js';

/** What `/override-cancel` looks for in a description. */
export const overrideDescriptionPrefix = 'Overridden by';

/** Prow's config.SkipRetestSentinel: tide keeps a context carrying it passed on this head SHA when the base moves. */
export const skipRetestSentinel = '[prow:skip-retest]';

export const description = (user: string): string => `${overrideDescriptionPrefix} ${user}`;
export const stickyDescription = (user: string): string => `${overrideDescriptionPrefix} ${user} ${skipRetestSentinel}`;
export const cancelledDescription = (user: string): string => `Override cancelled by ${user}`;

export const noTargetMessage = (command: string): string => `${command} requires failed status contexts to operate on, but none was given`;

export const successMessage = (user: string, done: readonly string[], sticky: boolean): string =>
  `Overrode contexts on behalf of ${user}: ${done.join(', ')}` +
  (sticky ? '\n\nThese overrides will persist across retests on the current HEAD SHA. Pushing a new commit will clear them. Use `/override-cancel` to remove them.' : '');

export const cancelledMessage = (user: string, cancelled: readonly string[]): string => `Cancelled overrides on behalf of ${user}: ${cancelled.join(', ')}`;
export const nothingToCancelMessage = 'No overrides found to cancel';

const formatList = (items: readonly string[]): string => items.map((item) => ` - \`${item}\``).join('\n');

export const unknownContextsMessage = (command: string, unknown: readonly string[], known: readonly string[]): string =>
  `${command} requires failed status contexts, check run or a prowjob name to operate on.
The following unknown contexts/checkruns were given:
${formatList(unknown)}

Only the following failed contexts/checkruns were expected:
${formatList(known)}

If you are trying to override a checkrun that has a space in it, you must put a double quote on the context.
`;

/**
 * Prow's whoCanUse: admins, then top-level OWNERS approvers when allowed, then the teams of the
 * repository and its org (every entry when org and repo are empty, as in the help text). An
 * entry list that matches nothing still adds the lead-in: Prow's text, kept.
 */
export function whoCanUse(config: OverrideConfig, org: string, repo: string): string {
  const owners = config.allowTopLevelOwners ? ', approvers in top level OWNERS file' : '';
  let teams = '';
  const entries = Object.entries(config.allowedGitHubTeams);
  if (entries.length > 0) {
    const repoRef = `${org}/${repo}`;
    const all = entries.filter(([key]) => repoRef === '/' || key === repoRef || key === org).map(([key, slugs]) => `${key}: ${slugs.join(' ')}`);
    teams = `, and the following github teams:${sortStrings(all).join(', ')}`;
  }
  return `Repo administrators${owners}${teams}.`;
}

/** Go's sort.Strings: by bytes, not by locale. */
export const sortStrings = (items: Iterable<string>): string[] => [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
