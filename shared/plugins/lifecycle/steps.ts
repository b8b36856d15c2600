// What one part of a lifecycle comment did (a /reopen, a /close, one /lifecycle line), so the
// comment's outcome can say all of it in one line.
import type { GitHubClient } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import type { PluginContext } from '../types.js';

export type LifecycleGitHub = Pick<GitHubClient, 'addLabel' | 'removeLabel' | 'getIssueLabels' | 'createComment' | 'updateIssue'>;

export type Ctx = PluginContext<void, LifecycleGitHub>;

export interface Step {
  /** What was done or refused, e.g. `/close: closed as not planned`. */
  done: string;
  /** The request was refused (a reply says why); nothing was changed for it. */
  refused: boolean;
}

export const refOf = (e: GenericCommentEvent) => ({ ...e.repo, number: e.number });

/** `issue` or `pull request`, for replies and notes. */
export const kindOf = (e: GenericCommentEvent) => (e.isPR ? 'pull request' : 'issue');

/** GitHub compares logins without case. Prow compares them exactly; both come from the same payload. */
export const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
