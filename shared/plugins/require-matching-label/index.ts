// require-matching-label: puts a rule's `missing_label` (and, when configured, its
// `missing_comment`) on issues and pull requests that have no label matching the rule's
// `regexp`, and takes both away once one does; `/check-required-labels` checks again on demand.
// Same events, rules and comment as Prow's plugin (pkg/plugins/require-matching-label).
//
// Prow sleeps `grace_period` after an issue or pull request is opened or reopened, so that other
// automation can label it first. A Lambda must not sleep: the event is put back on the queue for
// what remains of the grace period (RetryableError with a delay) and checked when it comes back;
// the time is counted from the payload's `updated_at`, so a retry knows whether it waited.
//
// Where it differs from Prow:
// - the labels of a `labeled`/`unlabeled` pull request event come from its payload (Prow reads
//   them for pull requests, and takes the payload's for issues);
// - `/check-required-labels` does not wait the grace period (nothing was just opened);
// - a failed write fails the event, which is retried (the write journal keeps what was done);
//   Prow logs and carries on;
// - label names compare case-insensitively, as GitHub's do.
import type { IssuesEvent, PullRequestEvent } from '@octokit/webhooks-types';
import type { GitHubClient, IssueRef } from '../../github/client.js';
import { RetryableError } from '../../github/errors.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { formatSimpleResponse } from '../respond.js';
import type { Outcome, Plugin, PluginContext } from '../types.js';
import { describeRule, requireMatchingLabelConfigSchema, type RequireMatchingLabelConfig, type RequireMatchingLabelRule } from './config.js';

export { describeRule, type RequireMatchingLabelConfig } from './config.js';

export type RequireMatchingLabelGitHub = Pick<
  GitHubClient,
  'addLabel' | 'removeLabel' | 'getIssueLabels' | 'getPullRequest' | 'createComment' | 'listComments' | 'deleteComment'
>;

type Ctx = PluginContext<RequireMatchingLabelConfig | undefined, RequireMatchingLabelGitHub>;

const handledActions: ReadonlySet<string> = new Set(['opened', 'reopened', 'labeled', 'unlabeled']);

// Prow's checkRequireLabelsRe: nothing may follow the command on its line.
const checkRequireLabelsRe = /^\/check-required-labels[ \t\f\r\v]*$/im;

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Prow's event: `branch` is empty for an issue; `label` is the one added or removed, if any. */
interface Subject {
  number: number;
  branch: string;
  label: string;
  /** Labels known to be current (a label event's payload); read from GitHub otherwise. */
  labels?: string[];
  /** When the issue or pull request was opened or reopened, for the grace period. */
  since?: string;
}

/** Prow's matchingConfigs: the rules for this kind of item, repository, branch, and label change. */
export function matchingRules(rules: readonly RequireMatchingLabelRule[], org: string, repo: string, branch: string, label: string): RequireMatchingLabelRule[] {
  return rules.filter((r) => {
    if ((branch === '' && !r.issues) || (branch !== '' && !r.prs)) return false;
    if (org !== r.org || (r.repo !== '' && r.repo !== repo) || (r.branch !== '' && branch !== '' && r.branch !== branch)) return false;
    return label === '' || r.re.test(label);
  });
}

async function handle(ctx: Ctx, subject: Subject): Promise<Outcome> {
  const { owner: org, repo } = ctx.repo;
  const rules = matchingRules(ctx.config ?? [], org, repo, subject.branch, subject.label);
  const kind = subject.branch ? 'pull request' : 'issue';
  if (!rules.length) return { status: 'skipped', reason: subject.label ? `no rule for this ${kind} cares about the label ${subject.label}` : `no rule applies to this ${kind}` };

  if (subject.since !== undefined) {
    const grace = Math.max(...rules.map((r) => r.gracePeriodMs));
    const remaining = Date.parse(subject.since) + grace - Date.now();
    if (remaining > 0) {
      throw new RetryableError(`waiting out the ${grace / 1000}s grace period so that other automation can label ${org}/${repo}#${subject.number} first`, {
        retryAfterSeconds: Math.ceil(remaining / 1000),
      });
    }
  }
  const ref: IssueRef = { ...ctx.repo, number: subject.number };
  const labels = subject.labels ?? (await ctx.github.getIssueLabels(ref));

  const done: string[] = [];
  for (const rule of rules) {
    const hasMissing = labels.some((l) => eq(l, rule.missingLabel));
    const hasMatching = labels.some((l) => rule.re.test(l));
    if (hasMatching && hasMissing) {
      await ctx.github.removeLabel(ref, rule.missingLabel);
      if (rule.missingComment) await pruneComments(ctx, ref, rule.missingComment);
      done.push(`removed ${rule.missingLabel}`);
    } else if (!hasMatching && !hasMissing) {
      await ctx.github.addLabel(ref, rule.missingLabel);
      if (rule.missingComment) await ctx.github.createComment(ref, formatSimpleResponse(rule.missingComment));
      done.push(`added ${rule.missingLabel}${rule.missingComment ? ' with its comment' : ''}`);
    } else {
      done.push(hasMatching ? `has a label matching ${rule.regexp}` : `already ${rule.missingLabel}`);
    }
  }
  return { status: 'ran', reason: done.join('; ') };
}

/** Deletes the bot's comments that carry `text` (Prow's commentpruner only ever deletes the bot's own). */
async function pruneComments(ctx: Ctx, ref: IssueRef, text: string): Promise<void> {
  const bot = ctx.botLogin;
  if (!bot) {
    ctx.note('the bot login is unknown, so its comments cannot be told apart; none pruned');
    return;
  }
  for (const c of await ctx.github.listComments(ref)) {
    if (eq(c.user.login, bot) && c.body.includes(text)) await ctx.github.deleteComment(ctx.repo, c.id);
  }
}

const labelNames = (labels: readonly { name: string }[] | undefined) => (labels ?? []).map((l) => l.name);

export const requireMatchingLabel: Plugin<RequireMatchingLabelConfig | undefined, RequireMatchingLabelGitHub> = {
  name: 'require-matching-label',
  description:
    "Adds a configured label (such as 'needs-sig') to issues and pull requests that have no label matching a regular expression (such as '^sig/'), optionally with a comment, and removes it once one does.",
  config: { key: 'require_matching_label', schema: requireMatchingLabelConfigSchema },
  commands: [
    {
      name: 'check-required-labels',
      description: 'Checks for required labels.',
      examples: ['/check-required-labels'],
      who: 'Anyone',
      only: { actions: ['created'] },
      async run(ctx, event: GenericCommentEvent) {
        if (!checkRequireLabelsRe.test(event.body)) return { status: 'skipped', reason: '/check-required-labels must be alone on its line' };
        if (event.issueState !== 'open') return { status: 'skipped', reason: `the ${event.isPR ? 'pull request' : 'issue'} is ${event.issueState}` };
        const branch = event.isPR ? (await ctx.github.getPullRequest({ ...ctx.repo, number: event.number })).base.ref : '';
        return handle(ctx, { number: event.number, branch, label: '' });
      },
    },
  ],
  on: {
    async issues(ctx, event: IssuesEvent) {
      if (!handledActions.has(event.action)) return { status: 'skipped', reason: `issues action "${event.action}" changes no label` };
      const label = 'label' in event ? (event.label?.name ?? '') : '';
      const opened = !label;
      return handle(ctx, { number: event.issue.number, branch: '', label, ...(opened ? { since: event.issue.updated_at } : { labels: labelNames(event.issue.labels) }) });
    },
    async pull_request(ctx, event: PullRequestEvent) {
      if (!handledActions.has(event.action)) return { status: 'skipped', reason: `pull_request action "${event.action}" changes no label` };
      const pr = event.pull_request;
      const label = 'label' in event ? (event.label?.name ?? '') : '';
      const opened = !label;
      return handle(ctx, { number: pr.number, branch: pr.base.ref, label, ...(opened ? { since: pr.updated_at } : { labels: labelNames(pr.labels) }) });
    },
  },
};

/** Every rule, one sentence each (Prow's help Config). */
export const describeRules = (config: RequireMatchingLabelConfig) => config.map(describeRule);
