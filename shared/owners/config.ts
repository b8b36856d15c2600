// How OWNERS files are read for a repository: plugins.yaml's `owners:` section (Prow's
// pkg/plugins/config.go `Owners`, `OwnersFilenames`, `MDYAMLEnabled`, `SkipCollaborators`) and
// config.yaml's `owners_dir_denylist` (pkg/config/config.go `OwnersDirDenylist`,
// `ListIgnoredDirs`), with Prow's defaults, resolved per repository into OwnersSettings.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { compileRe2 } from './re2.js';
import type { OwnersFilenames } from './types.js';

export const defaultOwnersFilenames: OwnersFilenames = { owners: 'OWNERS', ownersAliases: 'OWNERS_ALIASES' };

/** Prow's labels.Approved and labels.LGTM: what OWNERS files may not add unless configured otherwise. */
export const defaultLabelsDenylist: readonly string[] = ['approved', 'lgtm'];

/** Directories Prow never reads OWNERS from unless `ignore_preconfigured_defaults` (ListIgnoredDirs). */
export const preconfiguredDirDenylist: readonly string[] = ['\\.git$', '_output$', 'vendor/.*/.*'];

const list = z.array(z.string()).nullish();

/** `{…}` → entries, so that a `__proto__` key is kept as data rather than dropped or set as a prototype. */
const withoutPrototype = <T>(entries: [string, T][]): Record<string, T> => {
  const out = Object.create(null) as Record<string, T>;
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
};

// Through a Map, as shared/config/schema.ts does: z.record would drop a `__proto__` key silently.
const mapping = <T extends z.ZodType>(value: T) =>
  z
    .preprocess((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? new Map(Object.entries(v)) : v), z.map(z.string(), value).nullish())
    .transform((v) => withoutPrototype([...(v ?? new Map<string, z.output<T>>())]));

const filenamesEntry = z
  .strictObject({ owners: z.string().nullish(), owners_aliases: z.string().nullish() })
  .nullish()
  // Prow returns the entry as written, so a missing name would be "" and find nothing; the
  // default name is what such an entry means.
  .transform((v): OwnersFilenames => ({
    owners: v?.owners || defaultOwnersFilenames.owners,
    ownersAliases: v?.owners_aliases || defaultOwnersFilenames.ownersAliases,
  }));

const ownersSchema = z
  .strictObject({
    mdyamlrepos: list,
    skip_collaborators: list,
    labels_denylist: list,
    // Prow read this until 2022 (kubernetes/test-infra#21580, removed in #26341): a denylist by
    // its old name, used when labels_denylist is absent; both at once was an error.
    labels_blacklist: list,
    filenames: mapping(filenamesEntry),
  })
  .nullish()
  .superRefine((raw, ctx) => {
    if (raw?.labels_blacklist != null && raw.labels_denylist != null) {
      ctx.addIssue({ code: 'custom', path: ['labels_blacklist'], message: 'labels_blacklist and labels_denylist cannot be both supplied (labels_blacklist is the old name of labels_denylist)' });
    }
  })
  .transform((raw) => ({
    mdYamlRepos: raw?.mdyamlrepos ?? [],
    skipCollaborators: raw?.skip_collaborators ?? [],
    labelsDenylist: raw?.labels_denylist ?? raw?.labels_blacklist ?? [...defaultLabelsDenylist],
    filenames: raw?.filenames ?? withoutPrototype<OwnersFilenames>([]),
  }));

export interface OwnersConfig {
  /** `org` or `org/repo` entries whose `*.md` files may carry an OWNERS header for themselves. */
  mdYamlRepos: string[];
  /** `org` or `org/repo` entries where OWNERS alone decide, without the collaborator cross-check. */
  skipCollaborators: string[];
  /** Labels an OWNERS file may not name (verify-owners); `approved` and `lgtm` by default. */
  labelsDenylist: string[];
  /** File names by `org` or `org/repo` (without a prototype: read with own-property lookups). */
  filenames: Record<string, OwnersFilenames>;
}

export const ownersSection: { key: 'owners'; schema: z.ZodType<OwnersConfig> } = { key: 'owners', schema: ownersSchema };

const denylistSchema = z
  .strictObject({
    repos: mapping(list.transform((v) => v ?? [])),
    default: list,
    ignore_preconfigured_defaults: z.boolean().nullish(),
  })
  .nullish()
  // Prow compiles these when it loads a repository's OWNERS and skips (logs) a bad one; a pattern
  // that cannot be used is better said once, at config load, with its place.
  .superRefine((raw, ctx) => {
    const check = (pattern: string, path: (string | number)[]) => {
      const compiled = compileRe2(pattern);
      if (!compiled.ok) ctx.addIssue({ code: 'custom', path, message: compiled.error });
    };
    raw?.default?.forEach((p, i) => check(p, ['default', i]));
    for (const [key, patterns] of Object.entries(raw?.repos ?? {})) patterns.forEach((p, i) => check(p, ['repos', key, i]));
  })
  .transform((raw) => ({
    repos: raw?.repos ?? withoutPrototype<string[]>([]),
    default: raw?.default ?? [],
    ignorePreconfiguredDefaults: raw?.ignore_preconfigured_defaults ?? false,
  }));

export interface OwnersDirDenylist {
  /** Patterns by `org` or `org/repo` (without a prototype). */
  repos: Record<string, string[]>;
  /** Patterns for every repository. */
  default: string[];
  /** Leave out Prow's preconfigured `\.git$`, `_output$`, `vendor/.*\/.*`. */
  ignorePreconfiguredDefaults: boolean;
}

export const ownersDirDenylistSection: { key: 'owners_dir_denylist'; schema: z.ZodType<OwnersDirDenylist> } = {
  key: 'owners_dir_denylist',
  schema: denylistSchema,
};

/** What loading and using one repository's OWNERS depends on. */
export interface OwnersSettings {
  filenames: OwnersFilenames;
  /** Directories (repository-relative, the root being `.`) whose OWNERS files, and their subdirectories', are not read. */
  dirDenylist: readonly RegExp[];
  /** The patterns of `dirDenylist`, in order: part of the cache key. */
  dirDenylistPatterns: readonly string[];
  /** Whether `*.md` files' YAML headers are OWNERS for themselves (`mdyamlrepos`). */
  mdYaml: boolean;
  /** `skip_collaborators`: OWNERS alone decide, nobody is filtered out for not being a collaborator. */
  skipCollaborators: boolean;
  labelsDenylist: readonly string[];
}

const own = <T>(record: Record<string, T>, key: string): T | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);

const inList = (entries: readonly string[], org: string, repo: string) => entries.some((e) => e === org || e === `${org}/${repo}`);

/** Prow's OwnersFilenames: the `org/repo` entry, else the `org` entry, else OWNERS / OWNERS_ALIASES. */
export function ownersFilenamesFor(owners: OwnersConfig, org: string, repo: string): OwnersFilenames {
  return own(owners.filenames, `${org}/${repo}`) ?? own(owners.filenames, org) ?? { ...defaultOwnersFilenames };
}

/** Prow's SkipCollaborators: whether `org` or `org/repo` is listed. */
export function isSkipCollaborators(owners: OwnersConfig, org: string, repo: string): boolean {
  return inList(owners.skipCollaborators, org, repo);
}

/** Prow's MDYAMLEnabled. */
export function isMdYamlEnabled(owners: OwnersConfig, org: string, repo: string): boolean {
  return inList(owners.mdYamlRepos, org, repo);
}

/** Prow's ListIgnoredDirs: default, then the org's, then the repository's, then the preconfigured ones. */
export function ignoredDirPatterns(denylist: OwnersDirDenylist, org: string, repo: string): string[] {
  return [
    ...denylist.default,
    ...(own(denylist.repos, org) ?? []),
    ...(own(denylist.repos, `${org}/${repo}`) ?? []),
    ...(denylist.ignorePreconfiguredDefaults ? [] : preconfiguredDirDenylist),
  ];
}

// Compiled once per pattern for the life of the container, as settings are resolved per delivery.
const compiled = new Map<string, RegExp | undefined>();

function compileOnce(pattern: string): RegExp | undefined {
  if (!compiled.has(pattern)) {
    const result = compileRe2(pattern);
    // The schema refused bad patterns already; one built by hand that does not compile is
    // skipped, as Prow skips it.
    compiled.set(pattern, result.ok ? result.regex : undefined);
  }
  return compiled.get(pattern);
}

export function ownersSettingsFor(owners: OwnersConfig, denylist: OwnersDirDenylist, repo: { owner: string; repo: string }): OwnersSettings {
  const patterns = ignoredDirPatterns(denylist, repo.owner, repo.repo).filter((p) => compileOnce(p) !== undefined);
  return {
    filenames: ownersFilenamesFor(owners, repo.owner, repo.repo),
    dirDenylist: patterns.map((p) => compileOnce(p)!),
    dirDenylistPatterns: patterns,
    mdYaml: isMdYamlEnabled(owners, repo.owner, repo.repo),
    skipCollaborators: isSkipCollaborators(owners, repo.owner, repo.repo),
    labelsDenylist: owners.labelsDenylist,
  };
}
