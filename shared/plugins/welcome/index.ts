// welcome: greets the author of a newly opened pull request with a comment, when it is their
// first pull request to the repository and they are not already trusted (an org member or a
// collaborator); with `always_post`, every new pull request is greeted. The comment is
// `message_template` (Prow's default otherwise) rendered with the author's login and name, the
// org and the repository (template.ts). Same events, checks and default text as Prow's welcome
// plugin (pkg/plugins/welcome/welcome.go).
//
// Where it differs from Prow:
// - "first pull request" is one issue search for the author's pull requests created before this
//   one (`created:<…`, a count); Prow lists the author's pull requests and accepts "none" or "only
//   this one", which a search index lagging behind the new pull request makes the same answer;
// - with `always_post`, neither the trust check nor the search is made (Prow makes both and then
//   posts anyway);
// - trust is trigger's default rule (the bot, an org member, a collaborator): the `triggers:`
//   section (only_org_members, trusted_apps, trusted_org) belongs to the trigger plugin, which
//   Skiff does not have yet, so it is not read;
// - the author's name is the payload's (`pull_request.user.name`), as in Prow: GitHub leaves it
//   out of most payloads, so `{{.AuthorName}}` is usually empty there too.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueRef } from '../../github/client.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { welcomeConfigSchema, welcomeFor, type WelcomeConfig } from './config.js';
import { renderTemplate } from './template.js';

export { defaultWelcomeMessage, type WelcomeConfig } from './config.js';

export type WelcomeGitHub = Pick<GitHubClient, 'createComment' | 'countIssues'>;

type Ctx = PluginContext<WelcomeConfig | undefined, WelcomeGitHub>;


/**
 * GitHub's search takes ISO 8601 times (https://docs.github.com/en/search-github/getting-started-with-searching-on-github/understanding-the-search-syntax#query-for-dates),
 * written with `Z`: Octokit sends a `+` in `q` as it is, and a query string's `+` reads as a space,
 * so `+00:00` would split the qualifier in two.
 */
const searchTime = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Prow's trigger.TrustedUser, with the repository's `triggers:` entry (trust.ts); each answer goes into the trace. */
async function trusted(ctx: Ctx, login: string): Promise<boolean> {
  return (await ctx.trust.isTrustedUser(login)).trusted;
}

async function handlePullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (event.action !== 'opened') return { status: 'skipped', reason: `pull_request action "${event.action}" is not a new pull request` };
  const pr = event.pull_request;
  const org = pr.base.repo.owner.login;
  const repo = pr.base.repo.name;
  const author = pr.user.login;
  // Prow: "ignore bots, we can't query their PRs".
  if (pr.user.type !== 'User') return { status: 'skipped', reason: `${author} is a ${pr.user.type}, not a person` };

  const options = welcomeFor(ctx.config, org, repo);
  if (!options.alwaysPost) {
    if (await trusted(ctx, author)) return { status: 'ran', reason: `${author} is trusted (an org member or a collaborator): no welcome` };
    const earlier = await ctx.github.countIssues({ owner: org, repo }, `is:pr author:${author} created:<${searchTime(pr.created_at)}`);
    if (earlier > 0) return { status: 'ran', reason: `${author} opened ${earlier} pull request${earlier === 1 ? '' : 's'} here before: no welcome` };
  }

  const ref: IssueRef = { owner: org, repo, number: pr.number };
  const name = (pr.user as { name?: string | null }).name ?? '';
  await ctx.github.createComment(ref, renderTemplate(options.template, { Org: org, Repo: repo, AuthorLogin: author, AuthorName: name }));
  return { status: 'ran', reason: options.alwaysPost ? `welcomed ${author} (always_post)` : `welcomed ${author}: their first pull request here` };
}

export const welcome: Plugin<WelcomeConfig | undefined, WelcomeGitHub> = {
  name: 'welcome',
  description:
    "Welcomes the author of a new pull request with a comment (the 'message_template') when it is their first pull request to the repository, or on every pull request with 'always_post'.",
  config: { key: 'welcome', schema: welcomeConfigSchema },
  on: { pull_request: handlePullRequest },
};
