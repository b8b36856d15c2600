// The `lgtm` section of plugins.yaml: a list of entries, each naming `org` or `org/repo` under
// `repos`, with Prow's keys and meaning (kubernetes-sigs/prow pkg/plugins/config.go `Lgtm`, and
// `LgtmFor` for which entry applies to a repository).
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { entryFor } from '../../config/repo-entries.js';

/** What one repository gets: the first entry naming `org/repo`, else the first naming `org`, else all off. */
export interface LgtmOptions {
  /** An "approve" review adds LGTM and a "request changes" review removes it. */
  reviewActsAsLgtm: boolean;
  /** Remember the head's tree SHA when LGTM is added, so a push that changes no file (a squash) keeps it. */
  storeTreeHash: boolean;
  /** Name of a team of the org whose pull requests keep LGTM through new pushes; `''` for none. */
  stickyLgtmTeam: string;
}

export interface LgtmEntry extends LgtmOptions {
  repos: string[];
}

export type LgtmConfig = LgtmEntry[];

// Loose: a Prow config may carry keys Prow itself ignores (Go's decoder drops unknown fields), and
// such a config must load. The keys Skiff reads are typed, so `store_tree_hash: "yes"` is an
// error rather than read as true, and an unknown key is never taken for a known one.
const entrySchema = z
  .looseObject({
    repos: z.array(z.string()).nullish(),
    review_acts_as_lgtm: z.boolean().nullish(),
    store_tree_hash: z.boolean().nullish(),
    // The Go field is StickyLgtmTeam; this is its only YAML name.
    trusted_team_for_sticky_lgtm: z.string().nullish(),
  })
  .transform(
    (raw): LgtmEntry => ({
      repos: raw.repos ?? [],
      reviewActsAsLgtm: raw.review_acts_as_lgtm ?? false,
      storeTreeHash: raw.store_tree_hash ?? false,
      stickyLgtmTeam: raw.trusted_team_for_sticky_lgtm ?? '',
    }),
  );

export const lgtmConfigSchema: z.ZodType<LgtmConfig> = z
  .array(entrySchema)
  // `lgtm:` with nothing under it, or no `lgtm:` at all: every repository gets the defaults.
  .nullish()
  .transform((entries) => entries ?? []);

const off: LgtmOptions = { reviewActsAsLgtm: false, storeTreeHash: false, stickyLgtmTeam: '' };

/** Prow's LgtmFor: an entry naming the repository wins over one naming its org, whatever their order. */
export function lgtmFor(config: LgtmConfig, org: string, repo: string): LgtmOptions {
  const entry = entryFor(config, org, repo);
  if (!entry) return { ...off };
  return { reviewActsAsLgtm: entry.reviewActsAsLgtm, storeTreeHash: entry.storeTreeHash, stickyLgtmTeam: entry.stickyLgtmTeam };
}
