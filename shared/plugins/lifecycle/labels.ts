// `/lifecycle active|frozen|stale|rotten` and `/remove-lifecycle …`, as Prow's lifecycle.go:
// every such line of a new comment counts, in order; the four labels exclude one another (adding
// one removes the others), and `lifecycle/frozen` cannot be put on a pull request. Anyone may use
// them. The labels are read once and then followed through this comment's own changes, so three
// lines cost one read (Prow reads before each line); the result is the same.
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import { prowLine } from '../prow-line.js';
import { refOf, type Ctx, type Step } from './steps.js';

export const lifecycleStates = ['active', 'frozen', 'stale', 'rotten'] as const;
export const lifecycleLabels = lifecycleStates.map((s) => `lifecycle/${s}`);
export const frozenLabel = 'lifecycle/frozen';

/** Prow's lifecycleRe, `(?mi)^/(remove-)?lifecycle (active|frozen|stale|rotten)\s*$`: one state per line. */
export const lifecycleRe = prowLine(`(remove-)?lifecycle (${lifecycleStates.join('|')})`, { global: true });

export const frozenOnPR = `The \`${frozenLabel}\` label cannot be applied to Pull Requests.`;

/** Prow's handle: every /[remove-]lifecycle line. `[]`: there is none. */
export async function handleLifecycle(ctx: Ctx, e: GenericCommentEvent): Promise<Step[]> {
  const lines = [...e.body.matchAll(lifecycleRe)];
  if (!lines.length) return [];
  const ref = refOf(e);
  const steps: Step[] = [];
  let labels: Set<string> | undefined;
  for (const [, removePrefix, state] of lines) {
    const remove = removePrefix !== undefined;
    // Lower-cased: Prow builds the label from the state as typed, so its frozen check misses `/lifecycle FROZEN`.
    const label = `lifecycle/${state!.toLowerCase()}`;
    const command = `/${remove ? 'remove-' : ''}lifecycle ${state!.toLowerCase()}`;
    if (e.isPR && label === frozenLabel && !remove) {
      const why = 'Frozen keeps an issue from going stale; a pull request that should wait can be held with `/hold`.';
      await ctx.github.createComment(ref, replyTo(e, `${frozenOnPR}\n\n${why}`));
      steps.push({ done: `${command}: refused on a pull request`, refused: true });
      continue;
    }
    labels ??= new Set((await ctx.github.getIssueLabels(ref)).map((l) => l.toLowerCase()));
    if (remove) {
      if (!labels.has(label)) {
        steps.push({ done: `${command}: ${label} not there`, refused: false });
        continue;
      }
      await ctx.github.removeLabel(ref, label);
      labels.delete(label);
      steps.push({ done: `${command}: ${label} removed`, refused: false });
      continue;
    }
    if (labels.has(label)) {
      steps.push({ done: `${command}: ${label} already there`, refused: false });
      continue;
    }
    const others = lifecycleLabels.filter((l) => l !== label && labels!.has(l));
    for (const other of others) {
      await ctx.github.removeLabel(ref, other);
      labels.delete(other);
    }
    await ctx.github.addLabel(ref, label);
    labels.add(label);
    steps.push({ done: `${command}: ${label} added${others.length ? `, ${others.join(', ')} removed` : ''}`, refused: false });
  }
  return steps;
}
