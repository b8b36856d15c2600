// size: keeps one `size/XS` … `size/XXL` label on each pull request, from the number of lines it
// adds and deletes, leaving out generated files. Same labels, thresholds and events as Prow's
// size plugin (pkg/plugins/size/size.go).
//
// Generated files are those matched by `.generated_files` (Prow's format, see generated-files.ts)
// or marked `linguist-generated` in `.gitattributes` (see gitattributes.ts), both read at the
// base commit: a pull request cannot exempt its own files by editing them.
//
// The labels are read from GitHub rather than taken from the payload, which can be seconds old;
// the PR number and base SHA come from the payload, as they cannot have changed. GitHub lists at
// most 3000 files of a pull request (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files),
// which only ever undercounts a pull request that is XXL anyway.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueRef } from '../../github/client.js';
import type { Plugin } from '../types.js';
import { sizeConfigSchema, type SizeConfig } from './config.js';
import { loadGeneratedFiles } from './generated-files.js';
import { parseGitattributes } from './gitattributes.js';

export type { SizeConfig } from './config.js';

export type SizeGitHub = Pick<GitHubClient, 'addLabel' | 'removeLabel' | 'getIssueLabels' | 'getFile' | 'getPullRequestChanges'>;

export const sizeLabelPrefix = 'size/';

export type SizeLabel = `size/${'XS' | 'S' | 'M' | 'L' | 'XL' | 'XXL'}`;

/** Each threshold is the smallest line count of its label. */
export function sizeLabel(lines: number, sizes: SizeConfig): SizeLabel {
  if (lines < sizes.s) return 'size/XS';
  if (lines < sizes.m) return 'size/S';
  if (lines < sizes.l) return 'size/M';
  if (lines < sizes.xl) return 'size/L';
  if (lines < sizes.xxl) return 'size/XL';
  return 'size/XXL';
}

// The actions after which the diff may differ: new commits, a reopened PR, or (edited) a new
// base branch. Everything else (labels, reviews, assignments, closing) leaves the count alone.
const diffActions: ReadonlySet<string> = new Set(['opened', 'reopened', 'synchronize', 'edited']);

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const size: Plugin<SizeConfig, SizeGitHub> = {
  name: 'size',
  description:
    "Labels each pull request size/XS to size/XXL by the lines it adds and deletes, leaving out generated files listed in '.generated_files' or marked linguist-generated in '.gitattributes'.",
  config: { key: 'size', schema: sizeConfigSchema },

  on: {
    async pull_request(ctx, event: PullRequestEvent) {
      if (!diffActions.has(event.action)) {
        return { status: 'skipped', reason: `pull_request action "${event.action}" does not change the diff` };
      }
      const pr = event.pull_request;
      const repo = { owner: pr.base.repo.owner.login, repo: pr.base.repo.name };
      const ref: IssueRef = { ...repo, number: pr.number };
      const readAtBase = (path: string) => ctx.github.getFile(repo, path, pr.base.sha);

      // Three independent reads; run them together to keep the handler short.
      const [generatedFiles, gitattributes, changes] = await Promise.all([
        loadGeneratedFiles(readAtBase),
        readAtBase('.gitattributes').then(parseGitattributes),
        ctx.github.getPullRequestChanges(ref),
      ]);
      // A broken config line should not cost the PR its label (Prow: "Continue on parse errors,
      // but warn that something is wrong").
      for (const warning of [...generatedFiles.warnings, ...gitattributes.warnings]) {
        ctx.log.warn(warning, { pullRequest: formatIssueRef(ref), sha: pr.base.sha });
      }

      let lines = 0;
      let skipped = 0;
      for (const change of changes) {
        if (generatedFiles.isGenerated(change.filename) || gitattributes.isGenerated(change.filename)) {
          skipped++;
          continue;
        }
        lines += change.additions + change.deletions;
      }
      const wanted = sizeLabel(lines, ctx.config);
      const counted = `${plural(lines, 'line', 'lines')} changed${skipped ? ` (${plural(skipped, 'generated file', 'generated files')} not counted)` : ''}`;

      // Read just before writing, so the decision rests on the freshest labels.
      const current = await ctx.github.getIssueLabels(ref);
      const stale = current.filter((l) => l.startsWith(sizeLabelPrefix) && l !== wanted);
      const missing = !current.includes(wanted);
      if (!stale.length && !missing) return { status: 'ran', reason: `${counted} → ${wanted}, already labelled` };

      // Removals are best effort, as in Prow, so a failed one does not keep the right label off;
      // a failure is still raised afterwards so the event is retried (every step is idempotent).
      const failed: { label: string; error: unknown }[] = [];
      for (const label of stale) {
        try {
          await ctx.github.removeLabel(ref, label);
        } catch (error) {
          failed.push({ label, error });
        }
      }
      if (missing) {
        try {
          await ctx.github.addLabel(ref, wanted);
        } catch (cause) {
          throw new Error(`failed to add label ${wanted} to ${formatIssueRef(ref)}`, { cause });
        }
      }
      if (failed.length) {
        throw new Error(`failed to remove ${failed.map((f) => f.label).join(', ')} from ${formatIssueRef(ref)}`, {
          cause: failed.length === 1 ? failed[0]!.error : new AggregateError(failed.map((f) => f.error)),
        });
      }
      const removed = stale.length ? `, removed ${stale.join(', ')}` : '';
      return { status: 'ran', reason: `${counted} → ${wanted}${removed}` };
    },
  },
};
