// Review requests as Prow's GitHub client makes them (pkg/github/client.go RequestReview,
// UnrequestReview, prepareReviewersBody), shared by assign's /cc and blunderbuss. GitHub refuses
// a whole request (422) when one reviewer cannot be asked (not a collaborator, the PR's author, a
// team it cannot see) and does not say which; so after a 422 each reviewer is asked alone, and
// those GitHub refuses alone are the ones reported.
import type { GitHubClient, IssueRef, ReviewRequest } from '../../github/client.js';

export type ReviewRequestGitHub = Pick<GitHubClient, 'requestReviewers' | 'removeReviewRequests'>;

export interface ReviewRequestResult {
  /** Who GitHub would not ask (as typed), in the order given. */
  missing: string[];
  /** Among `missing`: teams of another organization, refused without asking GitHub. */
  foreignTeams: string[];
}

/** `org/team` names a team (Prow's teamRe `^(.*)/(.*)$`); anything else is a user. */
function splitLogin(login: string): { team?: { org: string; slug: string } } {
  const slash = login.lastIndexOf('/');
  if (slash < 0) return {};
  return { team: { org: login.slice(0, slash), slug: login.slice(slash + 1) } };
}

/**
 * The request body for `logins`, and the teams that are not the repository owner's (Prow refuses
 * those: a review can only be requested from a team of the repository's own organization). Org
 * names are compared without case, as GitHub compares them; Prow compares them exactly.
 */
export function reviewRequestFor(logins: readonly string[], org: string): { request: ReviewRequest; foreignTeams: string[] } {
  const reviewers: string[] = [];
  const teamReviewers: string[] = [];
  const foreignTeams: string[] = [];
  for (const login of logins) {
    const { team } = splitLogin(login);
    if (!team) reviewers.push(login);
    else if (team.org.toLowerCase() === org.toLowerCase()) teamReviewers.push(team.slug);
    else foreignTeams.push(login);
  }
  const request: ReviewRequest = {};
  if (reviewers.length) request.reviewers = reviewers;
  if (teamReviewers.length) request.teamReviewers = teamReviewers;
  return { request, foreignTeams };
}

const isEmpty = (r: ReviewRequest) => !r.reviewers?.length && !r.teamReviewers?.length;

/** The HTTP status GitHub answered, looked for down the cause chain (our errors wrap Octokit's). */
export function httpStatusOf(error: unknown): number | undefined {
  let e = error as { status?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 8; depth++, e = e.cause as typeof e) {
    if (typeof e.status === 'number') return e.status;
  }
  return undefined;
}

/**
 * Requests reviews from `logins` (users and `org/team`s) on a pull request. All at once first, as
 * the common case costs one call; on a 422, one by one. Any other failure is thrown (with the
 * reviewer it was for), so a transient one is retried.
 */
export async function requestReviews(github: Pick<GitHubClient, 'requestReviewers'>, ref: IssueRef, logins: readonly string[]): Promise<ReviewRequestResult> {
  const { request, foreignTeams } = reviewRequestFor(logins, ref.owner);
  const refused = new Set(foreignTeams);
  const askable = logins.filter((l) => !refused.has(l));
  if (!isEmpty(request)) {
    try {
      await github.requestReviewers(ref, request);
    } catch (error) {
      if (httpStatusOf(error) !== 422) throw error;
      for (const login of askable) {
        try {
          await github.requestReviewers(ref, reviewRequestFor([login], ref.owner).request);
        } catch (alone) {
          if (httpStatusOf(alone) !== 422) throw new Error(`failed to request a review from ${login}`, { cause: alone });
          refused.add(login);
        }
      }
    }
  }
  return { missing: logins.filter((l) => refused.has(l)), foreignTeams };
}

/**
 * Withdraws review requests. Teams of another organization cannot have been requested, so they
 * are left out, as Prow leaves them out; a user who was not requested is no error on GitHub.
 */
export async function unrequestReviews(github: Pick<GitHubClient, 'removeReviewRequests'>, ref: IssueRef, logins: readonly string[]): Promise<void> {
  const { request } = reviewRequestFor(logins, ref.owner);
  if (isEmpty(request)) return;
  await github.removeReviewRequests(ref, request);
}
