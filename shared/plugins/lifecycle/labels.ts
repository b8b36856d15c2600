// `/lifecycle active|frozen|stale|rotten` and `/remove-lifecycle …`, as Prow's lifecycle.go:
// every such line of a new comment counts, in order; the four labels exclude one another (adding
// one removes the others), and `lifecycle/frozen` cannot be put on a pull request. Anyone may use
// them. The labels start from the payload and follow what each label write answers (see
// ../issue-labels.ts): a line that writes costs no read; GitHub is read only before a line would do
// nothing because of the payload ("already there", "not there"), at most once until the next write
// whose answer is not known. Prow reads before each line; the result is the same, and a label
// another command put on after the payload was made is still found: the add's answer shows it.
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { IssueLabels } from '../issue-labels.js';
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
  const labels = IssueLabels.of(e, () => ctx.github.getIssueLabels(ref));
  const remove = async (label: string) => labels.after(await ctx.github.removeLabel(ref, label), { remove: label });
  for (const [, removePrefix, state] of lines) {
    const removing = removePrefix !== undefined;
    // Lower-cased: Prow builds the label from the state as typed, so its frozen check misses `/lifecycle FROZEN`.
    const label = `lifecycle/${state!.toLowerCase()}`;
    const command = `/${removing ? 'remove-' : ''}lifecycle ${state!.toLowerCase()}`;
    if (e.isPR && label === frozenLabel && !removing) {
      const why = 'Frozen keeps an issue from going stale; a pull request that should wait can be held with `/hold`.';
      await ctx.github.createComment(ref, replyTo(e, `${frozenOnPR}\n\n${why}`));
      steps.push({ done: `${command}: refused on a pull request`, refused: true });
      continue;
    }
    if (removing) {
      // Not in the payload, it may have been added since: ask before saying it is not there.
      if (!labels.has(label) && !(await labels.confirm()).has(label)) {
        steps.push({ done: `${command}: ${label} not there`, refused: false });
        continue;
      }
      await remove(labels.name(label)!);
      steps.push({ done: `${command}: ${label} removed`, refused: false });
      continue;
    }
    // In the payload, it may have been removed since: ask before doing nothing.
    if (labels.has(label) && (await labels.confirm()).has(label)) {
      steps.push({ done: `${command}: ${label} already there`, refused: false });
      continue;
    }
    // The others known now go first, as in Prow; the add's answer then shows any put on since the
    // payload was made, which go too. Not knowing its answer (a retry, dry-run), GitHub is asked.
    const others = (known: IssueLabels) => lifecycleLabels.flatMap((l) => (l !== label && known.has(l) ? [known.name(l)!] : []));
    const removedOthers = others(labels);
    for (const other of removedOthers) await remove(other);
    labels.after(await ctx.github.addLabel(ref, label), { add: label });
    const later = others(await labels.confirm());
    for (const other of later) await remove(other);
    const gone = [...removedOthers, ...later];
    steps.push({ done: `${command}: ${label} added${gone.length ? `, ${gone.join(', ')} removed` : ''}`, refused: false });
  }
  return steps;
}
