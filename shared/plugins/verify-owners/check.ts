// The checks of Prow's verify-owners (pkg/plugins/verify-owners/verify-owners.go `handle`,
// `parseOwnersFile`, `nonTrustedUsersInOwnersAliases`, `nonTrustedUsersInOwners`,
// `checkIfTrustedUser`) over the files a pull request changes, with GitHub reads injected: what is
// wrong with the OWNERS and OWNERS_ALIASES files, and who they newly name that is not trusted.
//
// Prow checks out the pull request merged into its base branch. Here every OWNERS file the pull
// request changes is read at its head commit, and OWNERS_ALIASES at the head when the pull request
// changes it, else at the base (which is what the merge holds in both cases, short of a conflict).
//
// "Newly added" is Prow's regular expression `\+\s*-\s*\b<login>\b` over the file's patch. The
// patch is not part of Skiff's GitHub port, so the added lines are worked out from the base and
// head texts instead (see addedLines): the same lines, with the same expression run over them.
import type { PullRequestChange } from '../../github/client.js';
import { parseOwnersAliases, parseOwnersFile, type OwnersAliases } from '../../owners/parse.js';
import { normLogin, isDeniedDir } from '../../owners/repo-owners.js';
import type { OwnersFilenames } from '../../owners/types.js';

export interface TrustAnswer {
  trusted: boolean;
  /** Prow's trigger reason, e.g. "User is not a member of the org. …", when not trusted. */
  reason: string;
}

export interface CheckInput {
  filenames: OwnersFilenames;
  changes: readonly PullRequestChange[];
  /** A file's text at the head or base commit, `undefined` when it is not there. */
  read(path: string, at: 'head' | 'base'): Promise<string | undefined>;
  /** `owners.labels_denylist`. */
  bannedLabels: readonly string[];
  /** `owners.skip_collaborators` lists the repository: nobody is checked for trust. */
  skipTrustedUserCheck: boolean;
  isTrusted(login: string): Promise<TrustAnswer>;
  /** A line for the trace. */
  note(line: string): void;
  /** `owners_dir_denylist` for the repository: OWNERS in these directories are not read, so not checked (Prow's SkipDir). */
  dirDenylist?: readonly RegExp[];
}

export interface InvalidFile {
  path: string;
  message: string;
}

export interface UntrustedUser {
  login: string;
  reason: string;
  /** The OWNERS / OWNERS_ALIASES files that newly name them, in the order they were checked. */
  files: string[];
}

export interface Findings {
  /** OWNERS_ALIASES does not parse: Prow stops there. */
  aliasesError?: string;
  invalidFiles: InvalidFile[];
  untrusted: UntrustedUser[];
  /** OWNERS_ALIASES has an alias with nobody in it (a warning, not a failure). */
  emptyAliases: boolean;
}

export const hasFailures = (f: Findings): boolean => f.aliasesError !== undefined || f.invalidFiles.length > 0 || f.untrusted.length > 0;

/** Prow's cap on trust checks per pull request, "to avoid exhausting tokens in case of large OWNERS refactors". */
export const maxTrustChecks = 50;

/** Go's path.Base for repository paths. */
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
/** Go's filepath.Dir(path) == "." : a file at the repository root. */
const atRoot = (path: string) => !path.includes('/');

/** The files Prow looks at: OWNERS anywhere (not removed), and OWNERS_ALIASES at the root (even removed). */
export function ownersChanges(changes: readonly PullRequestChange[], filenames: OwnersFilenames) {
  return {
    owners: changes.filter((c) => baseName(c.filename) === filenames.owners && c.status !== 'removed'),
    aliases: changes.find((c) => c.filename === filenames.ownersAliases),
  };
}

/**
 * The lines of `head` that are not in `base`, each line of `base` used up once: what a diff of
 * the two adds (a line moved within the file, which git shows as removed and added, is not new).
 */
export function addedLines(base: string | undefined, head: string): string[] {
  const left = new Map<string, number>();
  for (const line of (base ?? '').split('\n')) left.set(line, (left.get(line) ?? 0) + 1);
  const added: string[] = [];
  for (const line of head.split('\n')) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else added.push(line);
  }
  return added;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Prow's `\+\s*-\s*\b<owner>\b` over the added lines, written as a patch writes them. Prow matches
 * case-sensitively, so an alias member written `Alice` (normalised to `alice`) slipped past the
 * check; GitHub logins are case-insensitive, and so is this.
 */
export function isNewlyAdded(login: string, added: readonly string[]): boolean {
  const patch = added.map((line) => `+${line}`).join('\n');
  return new RegExp(`\\+\\s*-\\s*\\b${escapeRegex(login)}\\b`, 'i').test(patch);
}

const formatList = (items: readonly string[]) => `[${items.join(' ')}]`;

/** Runs every check on the pull request's OWNERS changes. */
export async function checkOwnersChanges(input: CheckInput): Promise<Findings> {
  const { filenames } = input;
  const changed = ownersChanges(input.changes, filenames);
  const findings: Findings = { invalidFiles: [], untrusted: [], emptyAliases: false };

  // Aliases first: OWNERS entries that are aliases are not people to check.
  const aliasesText = await input.read(filenames.ownersAliases, changed.aliases ? 'head' : 'base');
  let aliases: OwnersAliases = new Map();
  if (aliasesText !== undefined) {
    const parsed = parseOwnersAliases(filenames.ownersAliases, aliasesText);
    if (!parsed.ok) {
      findings.aliasesError = parsed.error;
      return findings;
    }
    aliases = parsed.value;
  }
  findings.emptyAliases = [...aliases.values()].some((members) => members.length === 0);
  const aliasNames = new Set([...aliases.keys()].map(normLogin));

  const untrusted = new Map<string, UntrustedUser>();
  const trusted = new Set<string>();
  let capped = false;
  const checkIfTrusted = async (owner: string, added: readonly string[], file: string) => {
    if (untrusted.size + trusted.size > maxTrustChecks) {
      if (!capped) input.note(`trust checks stopped after ${untrusted.size + trusted.size} users (Prow's cap)`);
      capped = true;
      return;
    }
    // Only owners this pull request adds: the ones already there were checked when they came.
    if (!isNewlyAdded(owner, added)) return;
    const known = untrusted.get(owner);
    if (known) {
      if (!known.files.includes(file)) known.files.push(file);
      return;
    }
    if (trusted.has(owner)) return;
    const answer = await input.isTrusted(owner);
    if (answer.trusted) trusted.add(owner);
    // Prow starts the file list empty here and only records the second file on; the first file
    // is the one most worth naming.
    else untrusted.set(owner, { login: owner, reason: answer.reason, files: [file] });
  };

  if (changed.aliases && !input.skipTrustedUserCheck && aliasesText !== undefined) {
    const before = await input.read(changed.aliases.previousFilename ?? filenames.ownersAliases, 'base');
    const added = addedLines(before, aliasesText);
    const members = new Set<string>();
    for (const list of aliases.values()) for (const m of list) members.add(normLogin(m));
    for (const owner of [...members].sort()) await checkIfTrusted(owner, added, filenames.ownersAliases);
  }

  for (const change of changed.owners) {
    const path = change.filename;
    const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (input.dirDenylist && isDeniedDir(dir, input.dirDenylist)) {
      input.note(`${path}: in a directory owners_dir_denylist leaves out; not checked`);
      continue;
    }
    const text = await input.read(path, 'head');
    if (text === undefined) {
      // The list of changes is newer than the head commit in hand: the next event has both.
      input.note(`${path} is not at the head commit; not checked`);
      continue;
    }
    const parsed = parseOwnersFile(path, text);
    if (!parsed.ok) {
      findings.invalidFiles.push({ path, message: `Cannot parse file: ${parsed.error}.` });
      continue;
    }
    const reviewers: string[] = [];
    const approvers: string[] = [];
    const labels: string[] = [];
    for (const { entry } of parsed.value.filters) {
      reviewers.push(...entry.reviewers);
      approvers.push(...entry.approvers);
      labels.push(...entry.labels);
    }
    const banned = [...new Set(labels.filter((l) => input.bannedLabels.includes(l)))].sort();
    if (banned.length) {
      findings.invalidFiles.push({ path, message: `File contains banned labels: ${formatList(banned)}.` });
      continue;
    }
    if (atRoot(path) && approvers.length === 0) {
      findings.invalidFiles.push({ path, message: `No approvers defined in this root directory ${filenames.owners} file.` });
      continue;
    }
    if (input.skipTrustedUserCheck) continue;
    const before = await input.read(change.previousFilename ?? path, 'base');
    const added = addedLines(before, text);
    for (const owner of [...reviewers, ...approvers].map(normLogin)) {
      if (aliasNames.has(owner)) continue;
      await checkIfTrusted(owner, added, path);
    }
  }

  findings.untrusted = [...untrusted.values()].sort((a, b) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0));
  findings.invalidFiles.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return findings;
}
