// The comments the help plugin posts, word for word as Prow's help.go (issueGuidelines): with the
// guidelines summary when the config has one, and the text the bot looks for in its own comments
// to delete them when the label goes. Prow's messages start with a newline and a tab; kept, so
// the comment reads as Prow's does.
import type { HelpConfig } from './config.js';

export const helpPruneMatch = 'This request has been marked as needing help from a contributor.';
export const goodFirstIssuePruneMatch = 'This request has been marked as suitable for new contributors.';

export function helpMessage({ guidelinesUrl, guidelinesSummary }: HelpConfig): string {
  if (guidelinesSummary) {
    return `
	${helpPruneMatch}

### Guidelines
${guidelinesSummary}

For more details on the requirements of such an issue, please see [here](${guidelinesUrl}) and ensure that they are met.

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-help\` command.
`;
  }
  return `
	${helpPruneMatch}

Please ensure the request meets the requirements listed [here](${guidelinesUrl}).

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-help\` command.
`;
}

export function goodFirstIssueMessage({ guidelinesUrl, guidelinesSummary }: HelpConfig): string {
  if (guidelinesSummary) {
    return `
	${goodFirstIssuePruneMatch}

### Guidelines
${guidelinesSummary}

For more details on the requirements of such an issue, please see [here](${guidelinesUrl}#good-first-issue) and ensure that they are met.

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-good-first-issue\` command.
`;
  }
  return `
	${goodFirstIssuePruneMatch}

Please ensure the request meets the requirements listed [here](${guidelinesUrl}#good-first-issue).

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-good-first-issue\` command.
`;
}
