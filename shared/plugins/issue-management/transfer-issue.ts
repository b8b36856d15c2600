// `/transfer-issue <repo>` (or `/transfer <repo>`; Prow's transfer-issue.go): an org member moves
// an issue to another repository of the same organization, through GitHub's GraphQL
// transferIssue. GitHub leaves a note on the issue where it went; the bot says nothing more.
import { RE2JS } from 're2js';
import { formatIssueRef, type Repository } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { Outcome } from '../types.js';
import { reply, unlessRetryable, type Ctx } from './context.js';
import { goTrimSpace } from './go-strings.js';

/** Prow's transferRegex, with Go's RE2 semantics (`.` runs over a `\r`, which TrimSpace then drops). */
const transferRe = RE2JS.compile('(?mi)^/transfer(?:-issue)?(?: +(.*))?$');

export const onlyIssuesMessage = 'The `/transfer-issue` command is only supported on issues, not pull requests.';
export const onceMessage = '`/transfer-issue` must only be used once and with a single destination repo.';
export const noDestinationMessage = (pair: string) => `Something went wrong or the destination repo **${pair}** does not exist.`;
export const notMemberMessage = 'You must be an org member to transfer this issue.';

/**
 * Prow's parseTransferCommand: the destination, or an outcome when there is none to act on (a
 * pull request and a second or empty destination are told why; an edited comment is not), or
 * `undefined` when the body has no `/transfer` line at all.
 */
export async function parseTransferCommand(ctx: Ctx, event: GenericCommentEvent): Promise<{ destination: string } | { outcome: Outcome } | undefined> {
  const matches: string[] = [];
  const m = transferRe.matcher(event.body);
  while (m.find()) matches.push(m.group(1) ?? '');
  if (!matches.length) return undefined;
  const ref = formatIssueRef({ ...ctx.repo, number: event.number });
  // As Prow, a pull request is told so whatever the action (an edited comment too).
  if (event.isPR) return { outcome: await reply(ctx, event, onlyIssuesMessage, 'refused', `/transfer-issue on ${ref}, a pull request`) };
  if (event.action !== 'created') return { outcome: { status: 'skipped', reason: `/transfer-issue acts on new comments only; this one was ${event.action}` } };
  if (matches.length !== 1 || matches[0] === '') {
    const why = matches.length === 1 ? 'no destination' : `${matches.length} /transfer-issue lines`;
    return { outcome: await reply(ctx, event, onceMessage, 'refused', `/transfer-issue on ${ref}: ${why}`) };
  }
  const destination = goTrimSpace(matches[0]!);
  // Prow's too: a destination of only white space (`/transfer \r`) is nothing to do, silently.
  if (destination === '') return { outcome: { status: 'skipped', reason: '/transfer-issue with only white space after it' } };
  return { destination };
}

/** Prow's handleTransferIssue: the destination must exist (in the same org), the user must be a member. */
export async function handleTransferIssue(ctx: Ctx, event: GenericCommentEvent, destination: string): Promise<Outcome> {
  const org = ctx.repo.owner;
  const pair = `${org}/${destination}`;
  const ref = { ...ctx.repo, number: event.number };
  const login = event.user.login;

  let target: Repository | undefined;
  try {
    target = await ctx.github.getRepo({ owner: org, repo: destination });
  } catch (error) {
    unlessRetryable(error);
    target = undefined;
  }
  if (!target) return reply(ctx, event, noDestinationMessage(pair), 'refused', `/transfer-issue ${destination} by ${login}: no repository ${pair}`);

  if (!(await ctx.trust.isOrgMember(login))) {
    return reply(ctx, event, notMemberMessage, 'refused', `/transfer-issue ${destination} by ${login}, who is not a member of ${org}`);
  }

  // Prow takes the issue's node id from the event; the generic comment does not carry it.
  const issue = await ctx.github.getIssue(ref);
  // Prow gives up on a failed transfer with an error and no reply: so does this (the trace says why).
  const url = await ctx.github.transferIssue(ref, issue.nodeId, target);
  return { status: 'ran', reason: `/transfer-issue by ${login}: ${formatIssueRef(ref)} moved to ${target.owner}/${target.repo}${url ? ` (${url})` : ''}` };
}
