// shrug: Prow's shrug plugin (pkg/plugins/shrug/shrug.go). `/shrug` puts the `¯\_(ツ)_/¯` label
// on an issue or pull request; `/unshrug` takes it off, shrugging back in a comment. Anyone may,
// on new comments; a comment holding both shrugs, as Prow tests `/shrug` first. Prow's
// whole-line regexes: `/shrug whatever` does nothing.
import type { GitHubClient, IssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { prowLine } from '../prow-line.js';
import { replyTo } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';

/** Prow's labels.Shrug. */
export const shrugLabel = '¯\\_(ツ)_/¯';
/** Prow's reply to /unshrug: the shrug with its backslash and underscores escaped for Markdown. */
export const unshrugReply = '¯\\\\\\_(ツ)\\_/¯';

export type ShrugGitHub = Pick<GitHubClient, 'getIssueLabels' | 'addLabel' | 'removeLabel' | 'createComment'>;

// Prow's shrugRe and unshrugRe.
const shrugRe = prowLine('shrug');
const unshrugRe = prowLine('unshrug');

async function handleComment(ctx: PluginContext<void, ShrugGitHub>, e: GenericCommentEvent): Promise<Outcome> {
  const wantShrug = shrugRe.test(e.body);
  if (!wantShrug && !unshrugRe.test(e.body)) {
    const reason = 'no /shrug or /unshrug alone on its line';
    ctx.note(reason);
    return { status: 'skipped', reason };
  }
  const ref: IssueRef = { ...e.repo, number: e.number };
  const hasShrug = (await ctx.github.getIssueLabels(ref)).includes(shrugLabel);
  if (hasShrug && !wantShrug) {
    await ctx.github.createComment(ref, replyTo(e, unshrugReply));
    await ctx.github.removeLabel(ref, shrugLabel);
    return { status: 'ran', reason: `/unshrug: ${shrugLabel} removed` };
  }
  if (!hasShrug && wantShrug) {
    await ctx.github.addLabel(ref, shrugLabel);
    return { status: 'ran', reason: `/shrug: ${shrugLabel} added` };
  }
  const reason = `${shrugLabel} is ${hasShrug ? 'already there' : 'not there'}`;
  ctx.note(reason);
  return { status: 'skipped', reason };
}

const only = { actions: ['created' as const] };
const run: CommandSpec<void, ShrugGitHub>['run'] = (ctx, e) => handleComment(ctx, e);

export const shrug: Plugin<void, ShrugGitHub> = {
  name: 'shrug',
  // In backticks: the README renders descriptions as Markdown, where `\_` would lose its backslash.
  description: `Adds the \`${shrugLabel}\` label to an issue or pull request with '/shrug', and removes it with '/unshrug'.`,
  commands: [
    { name: 'shrug', description: `Adds the \`${shrugLabel}\` label.`, examples: ['/shrug'], who: 'Anyone', only, run },
    { name: 'unshrug', description: `Removes the \`${shrugLabel}\` label.`, examples: ['/unshrug'], who: 'Anyone', only, run },
  ],
};
