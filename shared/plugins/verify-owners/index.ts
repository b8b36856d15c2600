// verify-owners: when a pull request changes OWNERS or OWNERS_ALIASES files (names per
// `owners.filenames`), or someone comments `/verify-owners`, checks them as Prow's verify-owners
// plugin does (pkg/plugins/verify-owners/verify-owners.go): they must parse, name no label of
// `owners.labels_denylist` (`approved`, `lgtm` by default), the root OWNERS file must have
// approvers, and every reviewer or approver the pull request adds must be trusted by trigger's
// rule (an org member or a collaborator), unless `owners.skip_collaborators` lists the
// repository. On failure the pull request gets `do-not-merge/invalid-owners-file` and one comment
// saying which file is wrong and why; once fixed, the label goes and so do the bot's comments. See check.ts for the checks and message.ts for the comment.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueComment, IssueRef } from '../../github/client.js';
import { ownersFilenamesFor } from '../../owners/config.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { checkOwnersChanges, hasFailures, ownersChanges, type Findings, type TrustAnswer } from './check.js';
import { commentBody, invalidOwnersLabel, isVerifyOwnersComment, problemText, says, type PullRequestFacts } from './message.js';

export { invalidOwnersLabel } from './message.js';

export type VerifyOwnersGitHub = Pick<
  GitHubClient,
  'addLabel' | 'removeLabel' | 'getIssueLabels' | 'getPullRequestChanges' | 'getPullRequest' | 'getFile' | 'listComments' | 'createComment' | 'deleteComment'
>;

type Ctx = PluginContext<void, VerifyOwnersGitHub>;

// Prow's: the actions after which the changed files may differ.
const handledActions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize']);

/** Prow's trigger reason for the default trigger (untrustedReason notMember|notCollaborator). */
const satisfyOne = 'Satisfy at least one of these conditions to make the user trusted.';

// Prow's verifyOwnersRe, `(?mi)^/verify-owners\s*$`: stricter than the generated command regex,
// which lets free text follow, so the comment is held to it as well.
const verifyOwnersRe = /^\/verify-owners\s*$/im;

interface PullRequestInfo extends PullRequestFacts {
  headSha: string;
  baseSha: string;
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Prow's trigger.TrustedUser with the trigger plugin's defaults: the bot itself, a member of the
 * repository's org, or a collaborator; each answer is in the trace (ctx.trust). The `triggers:`
 * section (only_org_members, trusted_apps, trusted_org, join_org_url) belongs to the trigger
 * plugin, which Skiff does not have yet, so it is not read here.
 */
/** Prow's trigger.TrustedUser with the repository's `triggers:` entry (trust.ts), and verify-owners' advice after the reasons. */
async function trustedUser(ctx: Ctx, login: string): Promise<TrustAnswer> {
  const answer = await ctx.trust.isTrustedUser(login);
  return answer.trusted ? answer : { trusted: false, reason: `${answer.reason} ${satisfyOne}` };
}

async function verify(ctx: Ctx, pr: PullRequestInfo): Promise<Outcome> {
  const ref: IssueRef = { ...ctx.repo, number: pr.number };
  const { owner: org, repo } = ctx.repo;
  const filenames = ownersFilenamesFor(ctx.owners.config, org, repo);
  // Prow's verify-owners compares the repository's full name only (not the org, unlike other users of the key).
  const skipTrustedUserCheck = ctx.owners.config.skipCollaborators.includes(`${org}/${repo}`);

  const [changes, labels] = await Promise.all([ctx.github.getPullRequestChanges(ref), ctx.github.getIssueLabels(ref)]);
  const hasLabel = labels.some((l) => eq(l, invalidOwnersLabel));
  const changed = ownersChanges(changes, filenames);
  if (!changed.owners.length && !changed.aliases && !hasLabel) {
    return { status: 'ran', reason: `no ${filenames.owners} or ${filenames.ownersAliases} file changed` };
  }

  const findings = await checkOwnersChanges({
    filenames,
    changes,
    read: (path, at) => ctx.github.getFile(ctx.repo, path, at === 'head' ? pr.headSha : pr.baseSha),
    bannedLabels: ctx.owners.config.labelsDenylist,
    skipTrustedUserCheck,
    isTrusted: (login) => trustedUser(ctx, login),
    note: ctx.note,
    dirDenylist: ctx.owners.settings.dirDenylist,
  });
  if (skipTrustedUserCheck) ctx.note(`owners.skip_collaborators lists ${org}/${repo}: new owners not checked for trust`);

  const failed = hasFailures(findings);
  const problem = problemText(findings, { filenames, org, joinOrgUrl: `https://github.com/orgs/${org}/people` });

  if (failed && !hasLabel) await ctx.github.addLabel(ref, invalidOwnersLabel);
  const commented = await reconcileComment(ctx, ref, pr, problem);
  if (!failed && hasLabel) await ctx.github.removeLabel(ref, invalidOwnersLabel);

  const summary = summarise(findings, filenames.owners);
  if (failed) return { status: 'ran', reason: `${summary}: ${hasLabel ? 'already labelled' : `added ${invalidOwnersLabel}`}, ${commented}` };
  return { status: 'ran', reason: `${summary}${hasLabel ? `: removed ${invalidOwnersLabel}` : ''}${commented === 'no comment' ? '' : `, ${commented}`}` };
}

function summarise(findings: Findings, owners: string): string {
  const parts: string[] = [];
  if (findings.aliasesError !== undefined) parts.push('invalid aliases file');
  if (findings.invalidFiles.length) parts.push(`${findings.invalidFiles.length} invalid ${owners} file(s): ${findings.invalidFiles.map((f) => f.path).join(', ')}`);
  if (findings.untrusted.length) parts.push(`untrusted: ${findings.untrusted.map((u) => u.login).join(', ')}`);
  if (findings.emptyAliases) parts.push('empty aliases');
  return parts.length ? parts.join('; ') : `${owners} files valid`;
}

/**
 * One comment saying `problem`: kept if the bot already said it, else the bot's earlier
 * verify-owners comments are deleted and a new one posted; with no problem, they are deleted.
 */
async function reconcileComment(ctx: Ctx, ref: IssueRef, pr: PullRequestInfo, problem: string | undefined): Promise<string> {
  const comments = await ctx.github.listComments(ref);
  // The bot's login is not known on every event; then a GitHub App's comments (type Bot) are
  // taken as its own for deleting, and any comment saying exactly the problem counts as said.
  const byBot = (c: IssueComment) => (ctx.botLogin ? eq(c.user.login, ctx.botLogin) : c.user.type === 'Bot');
  if (!ctx.botLogin) ctx.note('the bot login is not known for this event: comments by GitHub Apps are taken as its own');
  const ours = comments.filter((c) => isVerifyOwnersComment(c.body) && byBot(c));
  const kept = problem === undefined ? undefined : [...comments].reverse().find((c) => says(c, problem, pr) && (byBot(c) || !ctx.botLogin));
  const stale = ours.filter((c) => c !== kept);
  for (const c of stale) await ctx.github.deleteComment(ctx.repo, c.id);
  const pruned = stale.length ? `deleted ${stale.length} earlier comment(s)` : '';
  if (problem === undefined) return pruned || 'no comment';
  if (kept) return [`already said in comment ${kept.id}`, pruned].filter(Boolean).join(', ');
  await ctx.github.createComment(ref, commentBody(problem, pr));
  return ['commented', pruned].filter(Boolean).join(', ');
}

export const verifyOwners: Plugin<void, VerifyOwnersGitHub> = {
  name: 'verify-owners',
  description:
    `Validates the OWNERS and OWNERS_ALIASES files (names configurable per repository under 'owners: filenames') a pull request changes: ` +
    `syntax, labels of 'owners: labels_denylist', approvers in the root OWNERS, and that the reviewers and approvers it adds are trusted ` +
    `(org members or collaborators, as trigger decides). On failure it adds the '${invalidOwnersLabel}' label and comments on what is wrong.`,

  commands: [
    {
      name: 'verify-owners',
      description: `Checks the pull request's OWNERS files again, adding or removing '${invalidOwnersLabel}'.`,
      examples: ['/verify-owners'],
      who: 'Anyone',
      only: { actions: ['created'], pullRequests: true },
      async run(ctx, event, match) {
        if (!verifyOwnersRe.test(event.body)) {
          return { status: 'skipped', reason: `"${match.line}": /verify-owners takes nothing after it` };
        }
        if (event.issueState !== 'open') return { status: 'skipped', reason: `/verify-owners: the pull request is ${event.issueState}` };
        const pr = await ctx.github.getPullRequest({ ...ctx.repo, number: event.number });
        return verify(ctx, {
          number: pr.number,
          author: pr.user.login,
          body: pr.body,
          htmlUrl: pr.htmlUrl,
          headSha: pr.head.sha,
          baseSha: pr.base.sha,
        });
      },
    },
  ],

  on: {
    async pull_request(ctx, event: PullRequestEvent) {
      if (!handledActions.has(event.action)) {
        return { status: 'skipped', reason: `pull_request action "${event.action}" does not change the files` };
      }
      const pr = event.pull_request;
      return verify(ctx, {
        number: pr.number,
        author: pr.user.login,
        body: pr.body ?? '',
        htmlUrl: pr.html_url,
        headSha: pr.head.sha,
        baseSha: pr.base.sha,
      });
    },
  },
};
