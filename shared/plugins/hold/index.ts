// hold: anyone can put `do-not-merge/hold` on a pull request, or take it off, to keep it from
// merging without withdrawing approval. Same commands and label as Prow's hold plugin.
//
// Writes are idempotent and not based on the labels in the payload: when `/hold` and
// `/hold cancel` arrive a second apart, the second payload can still show the label missing.
// The queue applies commands in order, so "add" / "remove" without a prior read ends in the
// state of the last command, with one GitHub call per command.
import type { GitHubClient } from '../../github/client.js';
import type { Plugin } from '../types.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';

export const holdLabel = 'do-not-merge/hold';

type HoldGitHub = Pick<GitHubClient, 'addLabel' | 'removeLabel'>;

const only = { actions: ['created' as const], pullRequests: true };
const ref = (e: GenericCommentEvent) => ({ ...e.repo, number: e.number });

export const hold: Plugin<void, HoldGitHub> = {
  name: 'hold',
  description: `Lets anyone add or remove the '${holdLabel}' label on a pull request, to keep it from merging without withholding approval.`,
  // Cancel first: Prow lets a comment holding both `/hold` and `/hold cancel` cancel.
  commands: [
    {
      name: 'hold cancel',
      aliases: ['unhold', 'remove-hold'],
      description: `Removes the '${holdLabel}' label.`,
      examples: ['/hold cancel', '/unhold', '/remove-hold'],
      who: 'Anyone',
      only,
      async run(ctx, e) {
        await ctx.github.removeLabel(ref(e), holdLabel);
      },
    },
    {
      name: 'hold',
      description: `Adds the '${holdLabel}' label, which keeps the pull request from merging automatically.`,
      examples: ['/hold', '/hold until the release is cut'],
      who: 'Anyone',
      only,
      async run(ctx, e) {
        await ctx.github.addLabel(ref(e), holdLabel);
      },
    },
  ],
};
