// stage: anyone labels the stage of an issue or pull request in the feature process with
// `/stage alpha|beta|stable` (one stage at a time: the others are taken off) and takes it off
// with `/remove-stage …`. Same commands, regex and labels as Prow's stage plugin
// (kubernetes-sigs/prow pkg/plugins/stage/stage.go): every command line of a comment acts, in
// order, and a line with anything after the stage (`/stage alpha beta`) is not a command.
//
// Differences from Prow: the labels are read once per comment and followed locally through its
// lines (Prow reads them again for each line); and a failed read or write fails the event, to be
// retried (the write journal skips what was done), where Prow logs it and carries on.
import type { GitHubClient } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';

export const stageLabels = ['stage/alpha', 'stage/beta', 'stage/stable'] as const;

/** Prow's stageRe, `(?mi)^/(remove-)?stage (alpha|beta|stable)\s*$`: one space, nothing after. */
export const stageRe = /^\/(remove-)?stage (alpha|beta|stable)\s*$/gim;

export type StageGitHub = Pick<GitHubClient, 'getIssueLabels' | 'addLabel' | 'removeLabel'>;

type Ctx = PluginContext<void, StageGitHub>;

/** Prow's github.HasLabel compares with EqualFold. */
const has = (labels: readonly string[], label: string) => labels.some((l) => l.toLowerCase() === label);

async function handle(ctx: Ctx, event: GenericCommentEvent): Promise<Outcome> {
  const lines = [...event.body.matchAll(stageRe)];
  if (!lines.length) return { status: 'skipped', reason: 'no /stage or /remove-stage line by Prow\'s regex (a stage of alpha, beta or stable and nothing after it)' };
  const ref = { ...ctx.repo, number: event.number };
  let labels = await ctx.github.getIssueLabels(ref);
  const done: string[] = [];
  for (const [, remove, stage] of lines) {
    const label = `stage/${stage!.toLowerCase()}`;
    if (remove) {
      if (!has(labels, label)) continue;
      await ctx.github.removeLabel(ref, label);
      labels = labels.filter((l) => l.toLowerCase() !== label);
      done.push(`-${label}`);
      continue;
    }
    if (has(labels, label)) continue;
    // One stage at a time: the others go first, as in Prow.
    for (const other of stageLabels) {
      if (other === label || !has(labels, other)) continue;
      await ctx.github.removeLabel(ref, other);
      labels = labels.filter((l) => l.toLowerCase() !== other);
      done.push(`-${other}`);
    }
    await ctx.github.addLabel(ref, label);
    labels = [...labels, label];
    done.push(`+${label}`);
  }
  const asked = lines.map((m) => m[0].trim()).join(', ');
  return { status: 'ran', reason: done.length ? `${asked}: ${done.join(' ')}` : `${asked}: the labels were already so` };
}

const who = 'Anyone can trigger this command.';
const only = { actions: ['created' as const] };
const arg = { pattern: 'alpha|beta|stable', usage: '<alpha|beta|stable>' };

const commands: CommandSpec<void, StageGitHub>[] = [
  {
    name: 'stage',
    arg,
    description: `Labels the stage of an issue as alpha/beta/stable (${stageLabels.join(', ')}), taking off the other stages.`,
    examples: ['/stage alpha'],
    who,
    only,
    run: (ctx, event) => handle(ctx, event),
  },
  {
    name: 'remove-stage',
    arg,
    description: 'Removes that stage label.',
    examples: ['/remove-stage alpha'],
    who,
    only,
    run: (ctx, event) => handle(ctx, event),
  },
];

export const stage: Plugin<void, StageGitHub> = {
  name: 'stage',
  description: 'Labels the stage of an issue or pull request in the feature process as alpha, beta or stable (stage/alpha, stage/beta, stage/stable), one at a time.',
  commands,
};
