// lifecycle: Prow's lifecycle plugin (pkg/plugins/lifecycle/). `/close` and `/close not-planned`
// close an open issue or pull request, `/reopen` reopens a closed one (the author or a
// collaborator; anyone may close a stale or rotten one), and `/[remove-]lifecycle
// active|frozen|stale|rotten` sets the mutually exclusive lifecycle labels (anyone). See state.ts
// and labels.ts.
//
// One comment may hold several of these: as in Prow, a reopen is handled first, then a close,
// then every lifecycle line in order. The commands are declared as data for help and matching;
// whichever matches first handles the whole comment with Prow's own regexes, which want the
// command alone on its line (`/close now` closes nothing).
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { CommandSpec, Outcome, Plugin } from '../types.js';
import { handleLifecycle, lifecycleStates } from './labels.js';
import { handleClose, handleReopen } from './state.js';
import type { Ctx, LifecycleGitHub, Step } from './steps.js';

export type { LifecycleGitHub } from './steps.js';
export { closeRefusal, notPlannedOnPR, reopenRefusal } from './state.js';
export { frozenOnPR, lifecycleLabels } from './labels.js';

async function handleComment(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  const steps: Step[] = [];
  const reopen = await handleReopen(ctx, e);
  if (reopen) steps.push(reopen);
  const close = await handleClose(ctx, e);
  if (close) steps.push(close);
  steps.push(...(await handleLifecycle(ctx, e)));
  if (!steps.length) {
    const reason = 'no lifecycle command Prow would act on (the command alone on its line; /close on an open issue, /reopen on a closed one)';
    ctx.note(reason);
    return { status: 'skipped', reason };
  }
  const reason = steps.map((s) => s.done).join('; ');
  return { status: steps.every((s) => s.refused) ? 'refused' : 'ran', reason };
}

const only = { actions: ['created' as const] };
const run: CommandSpec<void, LifecycleGitHub>['run'] = (ctx, e) => handleComment(ctx, e);
const stateArg = { pattern: lifecycleStates.join('|'), usage: `<${lifecycleStates.join('|')}>` };
const authorsAndCollaborators = 'The author and collaborators of the repository.';

export const lifecycle: Plugin<void, LifecycleGitHub> = {
  name: 'lifecycle',
  description:
    "Closes and reopens issues and pull requests with '/close' and '/reopen' ('/close not-planned' for issues), and marks them active, frozen, stale or rotten with the lifecycle labels.",
  commands: [
    {
      name: 'close',
      arg: { pattern: 'not-planned', optional: true, usage: '[not-planned]' },
      description: "Closes an issue or pull request; 'not-planned' closes an issue as not planned.",
      examples: ['/close', '/close not-planned'],
      who: `${authorsAndCollaborators} Anyone, once it is lifecycle/stale or lifecycle/rotten.`,
      only,
      run,
    },
    {
      name: 'reopen',
      description: 'Reopens a closed issue or pull request.',
      examples: ['/reopen'],
      who: authorsAndCollaborators,
      only,
      run,
    },
    {
      name: 'lifecycle',
      arg: stateArg,
      description: 'Marks an issue or pull request active, frozen (issues only), stale or rotten, removing the other lifecycle labels.',
      examples: ['/lifecycle frozen', '/lifecycle stale'],
      who: 'Anyone',
      only,
      run,
    },
    {
      name: 'remove-lifecycle',
      arg: stateArg,
      description: 'Removes a lifecycle label.',
      examples: ['/remove-lifecycle stale'],
      who: 'Anyone',
      only,
      run,
    },
  ],
};
