// issue-management: Prow's issue management commands (kubernetes-sigs/prow
// pkg/plugins/issue-management, which took in the older transfer-issue plugin), with Prow's
// regexes, rules and messages:
// - `/link-issue <issue(s)>` and `/unlink-issue <issue(s)>` on a pull request, for org members:
//   the issues go on (or off) the `Fixes` line of its body (link-issue.ts);
// - `/pin-issue` and `/unpin-issue` on an issue, for approvers in the top-level OWNERS file
//   (pin-issue.ts);
// - `/transfer-issue <repo>` (or `/transfer <repo>`) on an issue, for org members: it moves to
//   that repository of the same organization (transfer-issue.ts).
// One comment runs one of them, in Prow's order: linking (both kinds together), then pinning,
// unpinning, transferring. There is no configuration.
//
// Differences from Prow:
// - Where Prow reads every error as "does not exist" or "try again later", one worth retrying
//   (5xx, rate limits, the network) fails the delivery, which is retried, instead of an answer.
// - The default branch's OWNERS are read at its head SHA, found with one more call (Prow clones).
// - Transferring reads the issue for its node id (Prow has it from the event).
// - A reference to an issue number GitHub cannot have (`0`, `-1`, past 2^53) or to an empty
//   org or repository name is answered "does not exist" without asking GitHub.
// As in Prow, `/pin-issue` and `/transfer-issue` on a pull request are answered even when the
// comment was edited or deleted; everything else acts on new comments only.
import { RE2JS } from 're2js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { Outcome, Plugin } from '../types.js';
import type { Ctx, IssueManagementGitHub } from './context.js';
import { handleLinkIssue, parseCommentForLinkCommands } from './link-issue.js';
import { handlePinOrUnpinIssue } from './pin-issue.js';
import { handleTransferIssue, parseTransferCommand } from './transfer-issue.js';

export type { IssueManagementGitHub } from './context.js';

const pinRe = RE2JS.compile('(?mi)^/pin-issue\\s*$');
const unpinRe = RE2JS.compile('(?mi)^/unpin-issue\\s*$');

/** Prow's handleIssues: Prow's own regexes decide (the declared commands only route the comment here). */
export async function handleIssues(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  const { toLink, toUnlink } = parseCommentForLinkCommands(event.body);
  if (toLink.length || toUnlink.length) return handleLinkIssue(ctx, event, toLink, toUnlink);
  if (pinRe.matcher(event.body).find()) return handlePinOrUnpinIssue(ctx, event, true);
  if (unpinRe.matcher(event.body).find()) return handlePinOrUnpinIssue(ctx, event, false);
  const transfer = await parseTransferCommand(ctx, event);
  // What the declared command saw is not Prow's: `/link-issue` with no issue, `/pin-issue now`.
  if (!transfer) return { status: 'skipped', reason: "no issue-management command by Prow's regexes" };
  if ('outcome' in transfer) return transfer.outcome;
  return handleTransferIssue(ctx, event, transfer.destination);
}

const run = (ctx: Ctx, event: GenericCommentEvent) => handleIssues(ctx, event);

export const issueManagement: Plugin<unknown, IssueManagementGitHub> = {
  name: 'issue-management',
  description: 'The issue management plugin provides commands for managing issues in a repository.',
  commands: [
    {
      name: 'link-issue',
      arg: { pattern: '.+', optional: true, usage: '<issue(s)>' },
      description: 'Links issue(s) to a PR in the same or different repo.',
      examples: ['/link-issue 1234', '/link-issue org/repo#789'],
      who: 'Org members',
      run,
    },
    {
      name: 'unlink-issue',
      arg: { pattern: '.+', optional: true, usage: '<issue(s)>' },
      description: 'Unlinks issue(s) from a PR in the same or different repo.',
      examples: ['/unlink-issue 1234', '/unlink-issue org/repo#789'],
      who: 'Org members',
      run,
    },
    {
      name: 'pin-issue',
      description: 'Pins an issue to the repository',
      examples: ['/pin-issue'],
      who: 'Approvers from the top-level OWNERS file',
      run,
    },
    {
      name: 'unpin-issue',
      description: 'Unpins an issue from the repository',
      examples: ['/unpin-issue'],
      who: 'Approvers from the top-level OWNERS file',
      run,
    },
    {
      name: 'transfer-issue',
      aliases: ['transfer'],
      arg: { pattern: '.*', optional: true, usage: '<destination repo in same org>' },
      description: 'Transfers an issue to a different repo in the same org.',
      examples: ['/transfer-issue kubectl', '/transfer test-infra'],
      who: 'Org members.',
      run,
    },
  ],
};
