// wip: `do-not-merge/work-in-progress` on a pull request while it is a draft or its title starts
// with WIP (`WIP`, `[WIP]`, `(wip)`, `WIP:` …), taken off when neither holds any more. Same
// label, regex and events as Prow's wip plugin (kubernetes-sigs/prow pkg/plugins/wip/wip-label.go).
//
// Prow reads the labels first on every event (one call, and a write when they disagree). Here the
// payload's labels decide, so an event costs no read: zero calls when nothing changes, one write
// when something does. The payload can be seconds old, though: a label this plugin wrote for an
// earlier event may not show in it yet. So when the event itself changes whether the label is
// needed (a title edited from or to WIP, a draft made ready, a pull request made a draft), the add
// or remove is made whatever the payload says — both writes are idempotent (removing an absent
// label is a 404 the client takes as done), and the queue applies events in order.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient } from '../../github/client.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';

export const wipLabel = 'do-not-merge/work-in-progress';

/** Prow's titleRegex, `(?i)^\W?WIP\W`: Go's and JavaScript's `\W` are both ASCII non-word characters. */
export const wipTitleRe = /^\W?WIP\W/i;

export type WipGitHub = Pick<GitHubClient, 'addLabel' | 'removeLabel'>;

/** The only actions that can change the title or the draft state (Prow's list). */
const actions: ReadonlySet<string> = new Set(['opened', 'reopened', 'edited', 'ready_for_review', 'converted_to_draft']);

/** Whether a pull request with this title and draft state needs the label (Prow's handle). */
export const needsWip = (title: string, draft: boolean): boolean => draft || wipTitleRe.test(title);

/**
 * Whether the label was needed just before this event, when the event says so: `undefined` when
 * it does not (opened, reopened, an edit of the body only), and the payload's labels are then
 * as good as GitHub's.
 */
function neededBefore(event: PullRequestEvent): boolean | undefined {
  const { title, draft } = event.pull_request;
  switch (event.action) {
    case 'ready_for_review':
      return needsWip(title, true);
    case 'converted_to_draft':
      return needsWip(title, false);
    case 'edited': {
      const from = event.changes.title?.from;
      return from === undefined ? undefined : needsWip(from, Boolean(draft));
    }
    default:
      return undefined;
  }
}

async function onPullRequest(ctx: PluginContext<void, WipGitHub>, event: PullRequestEvent): Promise<Outcome> {
  if (!actions.has(event.action)) return { status: 'skipped', reason: `pull_request ${event.action} changes neither the title nor the draft state` };
  const pr = event.pull_request;
  const ref = { owner: event.repository.owner.login, repo: event.repository.name, number: pr.number };
  const draft = Boolean(pr.draft);
  const needed = needsWip(pr.title, draft);
  // GitHub label names are unique regardless of case.
  const labelled = pr.labels.some((l) => l.name.toLowerCase() === wipLabel);
  const before = neededBefore(event);
  const why = draft ? 'it is a draft' : needed ? `its title "${pr.title}" starts with WIP` : 'it is neither a draft nor titled WIP';
  const changed = before !== undefined && before !== needed;
  if (changed) ctx.note(`${event.action}: the label was ${before ? '' : 'not '}needed before, so the payload's labels may be behind; writing regardless`);

  if (needed && (changed || !labelled)) {
    await ctx.github.addLabel(ref, wipLabel);
    return { status: 'ran', reason: `${wipLabel} added: ${why}` };
  }
  if (!needed && (changed || labelled)) {
    await ctx.github.removeLabel(ref, wipLabel);
    return { status: 'ran', reason: `${wipLabel} removed: ${why}` };
  }
  return { status: 'ran', reason: `${wipLabel} ${needed ? 'already there' : 'not there'}: ${why}` };
}

export const wip: Plugin<void, WipGitHub> = {
  name: 'wip',
  description: `Adds the '${wipLabel}' label to pull requests that are drafts or whose title starts with 'WIP', and removes it when they are ready for review and the prefix is gone. The label typically keeps a pull request from merging.`,
  on: { pull_request: onPullRequest },
};
