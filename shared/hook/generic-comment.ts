// One shape for every comment-like event, as Prow's hook builds with github.GeneralizeComment:
// issue comments, issue and pull request bodies (opened/edited), review bodies and review
// comments. Command plugins only ever see this shape, so `/hold` in a PR description, a review
// or a comment goes through the same code.
import type {
  IssueCommentEvent,
  IssuesEvent,
  PullRequestEvent,
  PullRequestReviewCommentEvent,
  PullRequestReviewEvent,
} from '@octokit/webhooks-types';
import type { RepoRef } from '../github/client.js';

export type GenericCommentAction = 'created' | 'edited' | 'deleted';

export interface GenericCommentEvent {
  /** The webhook event this came from. */
  source: 'issue_comment' | 'issues' | 'pull_request' | 'pull_request_review' | 'pull_request_review_comment';
  action: GenericCommentAction;
  isPR: boolean;
  repo: RepoRef;
  number: number;
  body: string;
  htmlUrl: string;
  user: { login: string; type: string };
  issueAuthor: string;
  /** The issue's or pull request's assignees as the payload has them (Prow's Assignees). */
  assignees: string[];
  /**
   * The issue's or pull request's label names as the payload has them: GitHub's snapshot when
   * the comment was made, so a command handled just before this one may have changed them since.
   * A plugin may act on them where a stale answer leads to an idempotent write; before doing
   * nothing or refusing because of them, it asks GitHub (see the label plugin).
   */
  labels: string[];
  issueState: string;
  issueTitle: string;
  issueHtmlUrl: string;
}

// Prow's GeneralizeCommentAction: the verbs GitHub uses per event, folded into three. A Map: the
// action comes from the payload, and "constructor" must find nothing.
const actionMap = new Map<string, GenericCommentAction>([
  ['created', 'created'],
  ['opened', 'created'],
  ['submitted', 'created'],
  ['edited', 'edited'],
  ['deleted', 'deleted'],
  ['dismissed', 'deleted'],
]);

type Payload = Record<string, unknown>;

const repoOf = (payload: { repository: { owner: { login: string }; name: string } }): RepoRef => ({
  owner: payload.repository.owner.login,
  repo: payload.repository.name,
});

const userOf = (user: { login: string; type: string } | null | undefined) => ({
  login: user?.login ?? '',
  type: user?.type ?? 'User',
});

type Thread = Pick<GenericCommentEvent, 'number' | 'issueAuthor' | 'assignees' | 'labels' | 'issueState' | 'issueTitle' | 'issueHtmlUrl'>;

/** What an issue or pull request contributes: the thread the comment belongs to. */
const threadOf = (item: {
  number: number;
  user?: { login: string } | null;
  assignees?: ({ login?: string } | null)[] | null;
  labels?: ({ name?: string } | string | null)[] | null;
  state?: string;
  title: string;
  html_url: string;
}): Thread => ({
  number: item.number,
  issueAuthor: item.user?.login ?? '',
  assignees: (item.assignees ?? []).flatMap((a) => (typeof a?.login === 'string' ? [a.login] : [])),
  labels: (item.labels ?? []).flatMap((l) => (typeof l === 'string' ? [l] : typeof l?.name === 'string' ? [l.name] : [])),
  issueState: item.state ?? 'open',
  issueTitle: item.title,
  issueHtmlUrl: item.html_url,
});

/**
 * Returns the generic comment for an event, or `undefined` when the event (or this action of it)
 * is not comment-like. Only the actions listed in the design are generalised: `issues` and
 * `pull_request` bodies count when opened or edited, not on label or sync changes.
 */
export function generalizeComment(event: string, payload: Payload): GenericCommentEvent | undefined {
  const action = actionMap.get(String(payload.action));
  if (!action) return undefined;
  switch (event) {
    case 'issue_comment': {
      const p = payload as unknown as IssueCommentEvent;
      const { body, html_url, user } = p.comment;
      return { source: event, action, isPR: Boolean(p.issue.pull_request), repo: repoOf(p), ...threadOf(p.issue), body: body ?? '', htmlUrl: html_url, user: userOf(user) };
    }
    case 'issues': {
      if (payload.action !== 'opened' && payload.action !== 'edited') return undefined;
      const p = payload as unknown as IssuesEvent;
      const { body, html_url, user } = p.issue;
      return { source: event, action, isPR: false, repo: repoOf(p), ...threadOf(p.issue), body: body ?? '', htmlUrl: html_url, user: userOf(user) };
    }
    case 'pull_request': {
      if (payload.action !== 'opened' && payload.action !== 'edited') return undefined;
      const p = payload as unknown as PullRequestEvent;
      const { body, html_url, user } = p.pull_request;
      return { source: event, action, isPR: true, repo: repoOf(p), ...threadOf(p.pull_request), body: body ?? '', htmlUrl: html_url, user: userOf(user) };
    }
    case 'pull_request_review': {
      const p = payload as unknown as PullRequestReviewEvent;
      const { body, html_url, user } = p.review;
      return { source: event, action, isPR: true, repo: repoOf(p), ...threadOf(p.pull_request), body: body ?? '', htmlUrl: html_url, user: userOf(user) };
    }
    case 'pull_request_review_comment': {
      const p = payload as unknown as PullRequestReviewCommentEvent;
      const { body, html_url, user } = p.comment;
      return { source: event, action, isPR: true, repo: repoOf(p), ...threadOf(p.pull_request), body: body ?? '', htmlUrl: html_url, user: userOf(user) };
    }
    default:
      return undefined;
  }
}

/** Events that can carry a command; a plugin with commands receives all of them. */
export const commentEvents = [
  'issue_comment',
  'issues',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
] as const;
