// sigmention: Prow's sigmention plugin (pkg/plugins/sigmention/sigmention.go). A new comment that
// mentions a SIG's GitHub team, as `@kubernetes/sig-testing-bugs` (`sigmention.regexp`), gets the
// SIG's label (`sig/testing`) and, for the suffixes Prow maps, a kind label (`-bugs` → kind/bug).
// GitHub sends no notification for a team mention by someone outside the organization, so when
// the commenter is not a member of the repository's org the bot repeats the mentions, in Prow's
// words, and its own mention notifies the teams.
//
// Labels must exist in the repository (matched case-insensitively, added as the repository spells
// them): a mention without its sig/ label is neither labelled nor repeated, as in Prow, and only
// written in the trace (Prow logs it). Unlike Prow, a kind/ label the repository lacks is not added
// either (GitHub would create it). Labels already on the issue are not added again; the issue's
// labels are read from GitHub, since the payload of a comment does not carry them.
import type { GitHubClient, IssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { isBotLogin } from '../bot-login.js';
import { replyTo } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { sigMentionConfigSchema, type SigMentionConfig } from './config.js';

export { defaultRegexp, type SigMentionConfig } from './config.js';

export type SigMentionGitHub = Pick<GitHubClient, 'getRepoLabels' | 'getIssueLabels' | 'addLabel' | 'createComment'>;

type Ctx = PluginContext<SigMentionConfig, SigMentionGitHub>;

/**
 * Prow's kindMap: team suffixes that also say what kind of issue it is. A Map: the suffix comes from
 * the comment, and "constructor" must find nothing.
 */
export const kindMap: ReadonlyMap<string, string> = new Map([
  ['bugs', 'kind/bug'],
  ['feature-requests', 'kind/feature'],
  ['api-reviews', 'kind/api-change'],
  ['proposals', 'kind/design'],
]);

/** Prow's chatBack, word for word (its space before the line break included). */
export const repeatMessage = (mentions: readonly string[]) => `Reiterating the mentions to trigger a notification: \n${mentions.join(', ')}\n`;

/** Beyond Prow, after its words: why the bot repeats them. */
export const whyRepeated = (org: string, login: string) =>
  `GitHub notifies a team only of mentions by members of the \`${org}\` organization, and @${login} is not one.`;

const fold = (label: string) => label.toLowerCase();

async function handleComment(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  const skip = (reason: string): Outcome => {
    ctx.note(reason);
    return { status: 'skipped', reason };
  };
  // Prow's order: the bot's own comments (its repeats quote the mentions) first, then new comments only.
  if (isBotLogin(ctx.botLogin, e.user.login)) return skip(`the comment is by the bot itself (${e.user.login})`);
  if (e.action !== 'created') return skip(`the comment was ${e.action}: only new comments are read`);

  const { re, regexp } = ctx.config;
  const matches = [...e.body.matchAll(re)];
  if (!matches.length) return skip(`no team mention matches ${regexp}`);

  const ref: IssueRef = { ...e.repo, number: e.number };
  const repoLabels = new Map((await ctx.github.getRepoLabels(ctx.repo)).map((l) => [fold(l.name), l.name]));

  // The labels to add in the order the mentions name them, each once (Prow asks for a label once
  // per mention); the mentions to repeat, each once.
  const wanted = new Map<string, string>();
  const nonexistent = new Set<string>();
  const toRepeat = new Set<string>();
  for (const m of matches) {
    const sigLabel = `sig/${m[1] ?? ''}`;
    const sig = repoLabels.get(fold(sigLabel));
    if (sig === undefined) {
      nonexistent.add(sigLabel);
      continue;
    }
    wanted.set(fold(sig), sig);
    const kind = m[2] === undefined ? undefined : kindMap.get(m[2]);
    if (kind !== undefined) {
      const existing = repoLabels.get(fold(kind));
      if (existing === undefined) nonexistent.add(kind);
      else wanted.set(fold(existing), existing);
    }
    toRepeat.add(m[0]);
  }
  if (nonexistent.size) ctx.note(`not in the repository, so not added: ${[...nonexistent].join(', ')}`);

  const added: string[] = [];
  if (wanted.size) {
    const present = new Set((await ctx.github.getIssueLabels(ref)).map(fold));
    for (const [key, label] of wanted) {
      if (present.has(key)) continue;
      await ctx.github.addLabel(ref, label);
      added.push(label);
    }
    const already = [...wanted].filter(([key]) => present.has(key)).map(([, label]) => label);
    if (already.length) ctx.note(`already there: ${already.join(', ')}`);
  }

  let repeated = false;
  // Mentions whose SIG has no label are not repeated (Prow); with none left, membership does not matter.
  if (toRepeat.size) {
    const login = e.user.login;
    if (!(await ctx.trust.isOrgMember(login))) {
      await ctx.github.createComment(ref, replyTo(e, `${repeatMessage([...toRepeat])}\n${whyRepeated(e.repo.owner, login)}`));
      repeated = true;
    }
  }

  if (!added.length && !repeated) {
    return { status: 'skipped', reason: toRepeat.size ? 'the labels are there and the commenter is an org member' : 'no mentioned SIG has a label in the repository' };
  }
  const parts = [added.length ? `added ${added.join(', ')}` : '', repeated ? `repeated ${[...toRepeat].join(', ')}` : ''].filter(Boolean);
  return { status: 'ran', reason: parts.join('; ') };
}

export const sigmention: Plugin<SigMentionConfig, SigMentionGitHub> = {
  name: 'sigmention',
  description:
    'Adds the `sig/*` label, and `kind/bug`, `kind/feature`, `kind/api-change` or `kind/design` by the team suffix, when a comment mentions a SIG team such as @kubernetes/sig-testing-bugs. ' +
    'When the commenter is not an org member, whose team mentions GitHub does not notify, it repeats the mentions.',
  config: { key: 'sigmention', schema: sigMentionConfigSchema },
  comment: handleComment,
};
