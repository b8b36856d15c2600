// blockade: `do-not-merge/blocked-paths` on a pull request that changes a protected file, with a
// comment to its author listing the files and why; taken off (and the comment deleted) when no
// blocked file is left. Same label, message, events and config as Prow's blockade plugin
// (kubernetes-sigs/prow pkg/plugins/blockade/blockade.go): a file is blocked by a blockade that
// applies to the repository (`repos`: `org` or `org/repo`) and the base branch (`branchregexp`)
// when it matches one of its `blockregexps` and none of its `exceptionregexps`.
//
// Labels: an opened or reopened pull request's payload is as fresh as GitHub's labels (nothing of
// this plugin's has happened to it since), so it decides with no read. After a push the payload
// may predate the label this plugin added for the push before, and a second "blocked" comment
// would follow, so `synchronize` reads the labels, as Prow does on every event.
//
// Differences from Prow: the reasons are listed in a fixed order (each blockade's first blocked
// file, in the order of the diff) where Prow's Go map prints them in a random one, so a retry
// posts the same words; a failed delete of the old comment fails the event, to be retried.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueComment, IssueRef, PullRequestChange } from '../../github/client.js';
import { formatResponse } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { blockadeConfigSchema, type BlockadeConfig, type BlockadeEntry } from './config.js';

export type { BlockadeConfig } from './config.js';

/** Prow's labels.BlockedPaths. */
export const blockedPathsLabel = 'do-not-merge/blocked-paths';

/** Prow's blockedPathsBody: also how the plugin's own comment is recognised to delete it. */
export const blockedPathsBody = `Adding label: \`${blockedPathsLabel}\` because PR changes a protected file.`;

export type BlockadeGitHub = Pick<GitHubClient, 'getIssueLabels' | 'getPullRequestChanges' | 'addLabel' | 'removeLabel' | 'createComment' | 'listComments' | 'deleteComment'>;

type Ctx = PluginContext<BlockadeConfig, BlockadeGitHub>;

/** A blockade that applies, with its usable patterns (Prow's compiled `blockade`). */
export interface Blockade {
  block: RegExp[];
  exceptions: RegExp[];
  explanation: string;
}

/** A changed file with the link the comment gives it. */
export interface BlockedFile {
  filename: string;
  blobUrl: string;
}

/** Explanation → the files it blocks, in the order first found (Prow's summary). */
export type Summary = Map<string, BlockedFile[]>;

const actions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize']);

const matchesAny = (file: string, regexps: readonly RegExp[]) => regexps.some((re) => re.test(file));

export const isBlocked = (blockade: Blockade, file: string): boolean => matchesAny(file, blockade.block) && !matchesAny(file, blockade.exceptions);

/**
 * Prow's compileApplicableBlockades: the blockades naming `org` or `org/repo` whose branch
 * regexp (if any) matches `branch`, each with its usable patterns; one with no usable block
 * regexp is left out. `unusable` gets each pattern that could not be compiled.
 */
export function applicableBlockades(config: readonly BlockadeEntry[], org: string, repo: string, branch: string, unusable: (line: string) => void = () => {}): Blockade[] {
  const orgRepo = `${org}/${repo}`;
  const compiled: Blockade[] = [];
  for (const raw of config) {
    if (!raw.repos.includes(org) && !raw.repos.includes(orgRepo)) continue;
    if (raw.branchRe && !raw.branchRe.test(branch)) continue;
    const usable = (patterns: BlockadeEntry['block']) =>
      patterns.flatMap((p) => {
        if ('regex' in p) return [p.regex];
        unusable(`blockade regexp left out: ${p.error}`);
        return [];
      });
    const block = usable(raw.block);
    if (!block.length) continue;
    compiled.push({ block, exceptions: usable(raw.exceptions), explanation: raw.explanation || 'Files are protected' });
  }
  return compiled;
}

/** Prow's calculateBlocks: every changed file against every blockade. */
export function calculateBlocks(changes: readonly BlockedFile[], blockades: readonly Blockade[]): Summary {
  const summary: Summary = new Map();
  for (const change of changes) {
    for (const b of blockades) {
      if (!isBlocked(b, change.filename)) continue;
      const files = summary.get(b.explanation);
      if (files) files.push(change);
      else summary.set(b.explanation, [change]);
    }
  }
  return summary;
}

/** Prow's summary.String(). */
export function summaryText(summary: Summary): string {
  if (!summary.size) return '';
  let text = '#### Reasons for blocking this PR:\n';
  for (const [reason, files] of summary) {
    text += `[${reason}]\n`;
    for (const file of files) text += `- [${file.filename}](${file.blobUrl})\n\n`;
  }
  return text;
}

/**
 * GitHub's `blob_url` of a changed file (`…/blob/<head sha>/<path>`), which the port's
 * PullRequestChange does not carry: built from the repository's page and the head SHA, as GitHub
 * builds it.
 */
export const blobUrl = (repoHtmlUrl: string, headSha: string, change: PullRequestChange): string =>
  `${repoHtmlUrl}/blob/${headSha}/${change.filename.split('/').map(encodeURIComponent).join('/')}`;

/** The bot's own comments (Prow's comment pruner deletes only those); without a known login, GitHub Apps' ones. */
function isOwn(ctx: Ctx, comment: IssueComment): boolean {
  const login = comment.user.login.toLowerCase();
  if (!ctx.botLogin) return comment.user.type === 'Bot';
  const bot = ctx.botLogin.toLowerCase();
  return login === bot || (comment.user.type === 'Bot' && login.replace(/\[bot\]$/, '') === bot.replace(/\[bot\]$/, ''));
}

/** Deletes the bot's comments that say `text`; how many. */
async function pruneComments(ctx: Ctx, ref: IssueRef, text: string): Promise<number> {
  const stale = (await ctx.github.listComments(ref)).filter((c) => isOwn(ctx, c) && c.body.includes(text));
  for (const comment of stale) await ctx.github.deleteComment(ctx.repo, comment.id);
  return stale.length;
}

const hasLabel = (labels: readonly string[]) => labels.some((l) => l.toLowerCase() === blockedPathsLabel);

async function onPullRequest(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (!actions.has(event.action)) return { status: 'skipped', reason: `pull_request ${event.action} does not change the files` };
  const pr = event.pull_request;
  const org = event.repository.owner.login;
  const repo = event.repository.name;
  const ref: IssueRef = { owner: org, repo, number: pr.number };

  const labels = event.action === 'synchronize' ? await ctx.github.getIssueLabels(ref) : pr.labels.map((l) => l.name);
  const labelled = hasLabel(labels);
  const blockades = applicableBlockades(ctx.config, org, repo, pr.base.ref, (line) => {
    ctx.note(line);
    ctx.log.warn(`blockade: ${line}`);
  });
  // Prow: "Since the label is missing, we assume that we removed any associated comments."
  if (!blockades.length && !labelled) return { status: 'ran', reason: `no blockade applies to ${org}/${repo} on ${pr.base.ref}` };

  let summary: Summary = new Map();
  if (blockades.length) {
    const changes = await ctx.github.getPullRequestChanges(ref);
    const files = changes.map((c) => ({ filename: c.filename, blobUrl: blobUrl(event.repository.html_url, pr.head.sha, c) }));
    summary = calculateBlocks(files, blockades);
  }
  const blocked = summary.size > 0;
  const why = blocked ? `blocked: ${[...summary.keys()].join('; ')}` : 'no protected file changed';

  if (blocked && !labelled) {
    await ctx.github.addLabel(ref, blockedPathsLabel);
    await ctx.github.createComment(ref, formatResponse(pr.user.login, blockedPathsBody, summaryText(summary)));
    return { status: 'ran', reason: `${blockedPathsLabel} added, author told: ${why}` };
  }
  if (!blocked && labelled) {
    await ctx.github.removeLabel(ref, blockedPathsLabel);
    const pruned = await pruneComments(ctx, ref, blockedPathsBody);
    return { status: 'ran', reason: `${blockedPathsLabel} removed${pruned ? `, ${pruned} comment(s) deleted` : ''}: ${why}` };
  }
  return { status: 'ran', reason: `${blockedPathsLabel} ${labelled ? 'already there' : 'not there'}: ${why}` };
}

export const blockade: Plugin<BlockadeConfig, BlockadeGitHub> = {
  name: 'blockade',
  description: `Adds the '${blockedPathsLabel}' label to pull requests that change files a blockade protects (a path matching its block regexps and none of its exceptions), with a comment saying which and why, and removes it when they no longer do.`,
  config: { key: 'blockades', schema: blockadeConfigSchema },
  on: { pull_request: onPullRequest },
};
