// owners-label: adds the `labels` of the OWNERS files that cover a pull request's changed files,
// as Prow's owners-label plugin (pkg/plugins/owners-label/owners-label.go). Labels are only ever
// added, never removed, and only those that exist in the repository: creating labels is not the
// plugin's business, and a typo in an OWNERS file should not spawn one.
//
// OWNERS are read at the pull request's base commit, so a pull request cannot label itself by
// editing an OWNERS file. Prow reads them at the base branch's tip; the base SHA of the payload
// is the same commit or an older one, and it is cached by SHA.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueRef } from '../../github/client.js';
import type { Plugin } from '../types.js';

export type OwnersLabelGitHub = Pick<GitHubClient, 'addLabel' | 'getIssueLabels' | 'getRepoLabels' | 'getPullRequestChanges'>;

// Prow's: the actions after which the changed files may differ.
const handledActions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize']);

// GitHub matches label names case-insensitively (adding `Kind/Docs` applies an existing
// `kind/docs`), so presence is decided the same way rather than by Prow's exact comparison.
const fold = (label: string) => label.toLowerCase();

export const ownersLabel: Plugin<void, OwnersLabelGitHub> = {
  name: 'owners-label',
  description:
    "Adds labels to pull requests based on the files they touch: the 'labels' sections of the OWNERS files covering the changes. Only labels that already exist in the repository are added.",

  on: {
    async pull_request(ctx, event: PullRequestEvent) {
      if (!handledActions.has(event.action)) {
        return { status: 'skipped', reason: `pull_request action "${event.action}" does not change the files` };
      }
      const pr = event.pull_request;
      const ref: IssueRef = { ...ctx.repo, number: pr.number };

      const [owners, changes] = await Promise.all([ctx.owners.at(pr.base.sha), ctx.github.getPullRequestChanges(ref)]);
      const needed = new Set<string>();
      for (const change of changes) for (const label of owners.findLabelsForFile(change.filename)) needed.add(label);
      if (!needed.size) {
        // As Prow: nothing wanted, so the label reads are not spent.
        return { status: 'ran', reason: `no OWNERS labels for the ${changes.length} changed file(s)` };
      }

      const [repoLabels, issueLabels] = await Promise.all([ctx.github.getRepoLabels(ctx.repo), ctx.github.getIssueLabels(ref)]);
      const existing = new Map(repoLabels.map((l) => [fold(l.name), l.name]));
      const current = new Set(issueLabels.map(fold));

      const added: string[] = [];
      const nonexistent: string[] = [];
      const failed: { label: string; error: unknown }[] = [];
      for (const label of [...needed].sort()) {
        if (current.has(fold(label))) continue;
        const name = existing.get(fold(label));
        if (name === undefined) {
          nonexistent.push(label);
          continue;
        }
        // One failed label does not keep the others off (Prow logs and goes on); the failure is
        // raised afterwards so the event is retried, and the labels already added are skipped then.
        try {
          await ctx.github.addLabel(ref, name);
          added.push(name);
        } catch (error) {
          failed.push({ label: name, error });
        }
      }
      if (nonexistent.length) {
        const line = `Unable to add nonexistent labels: ${nonexistent.map((l) => JSON.stringify(l)).join(', ')}`;
        ctx.log.warn(line, { pullRequest: formatIssueRef(ref) });
        ctx.note(line);
      }
      if (failed.length) {
        throw new Error(`failed to add ${failed.map((f) => f.label).join(', ')} to ${formatIssueRef(ref)}`, {
          cause: failed.length === 1 ? failed[0]!.error : new AggregateError(failed.map((f) => f.error)),
        });
      }
      const wanted = [...needed].sort().join(', ');
      if (!added.length) return { status: 'ran', reason: `OWNERS labels ${wanted}: none to add` };
      return { status: 'ran', reason: `OWNERS labels ${wanted}: added ${added.join(', ')}` };
    },
  },
};
