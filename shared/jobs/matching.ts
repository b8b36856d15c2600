// When a job runs, as Prow decides it (pkg/config/jobs.go: Brancher, RegexpChangeMatcher,
// Presubmit.ShouldRun / CouldRun / TriggerMatches, Postsubmit.ShouldRun). Config loading builds
// the filters; trigger, horologium and skip ask these questions of them.
import { compileRe2 } from './re2.js';
import type { BranchFilter, ChangeFilter, Postsubmit, Presubmit, Re2Pattern } from './types.js';

/** Prow's DefaultTriggerFor: `/test <name>` on a line of its own, among other job names. */
export const defaultTriggerFor = (name: string): string => `(?m)^/test( | .* )${name},?($|\\s.*)`;
/** Prow's DefaultRerunCommandFor. */
export const defaultRerunCommandFor = (name: string): string => `/test ${name}`;

/**
 * Prow's Brancher: the patterns of each list are joined with `|` and matched unanchored, as Go's
 * MatchString does (config.go setBrancherRegexes); `skip_branches` wins over `branches`.
 * Throws Re2SyntaxError for a pattern Go would refuse.
 */
export function brancher(branches: readonly string[] = [], skipBranches: readonly string[] = [], compile: (source: string) => Re2Pattern = compileRe2): BranchFilter {
  const re = branches.length ? compile(branches.join('|')) : undefined;
  const reSkip = skipBranches.length ? compile(skipBranches.join('|')) : undefined;
  return {
    branches: [...branches],
    skipBranches: [...skipBranches],
    runsAgainst(branch: string) {
      if (reSkip?.test(branch)) return false;
      return !re || re.test(branch);
    },
  };
}

/** Prow's Brancher.RunsAgainstAllBranch: neither list is set. */
export const runsAgainstAllBranches = (br: BranchFilter): boolean => br.branches.length === 0 && br.skipBranches.length === 0;

/**
 * Prow's Brancher.Intersects: could both run for the same branch? Two `branches` lists intersect
 * when they share an entry (as written, not as regexes); one list's entries are tried against
 * the other's filter; two skip-only filters always intersect. Config validation uses it to find
 * the same job name (or status context) twice on one branch.
 */
export function branchersIntersect(a: BranchFilter, b: BranchFilter): boolean {
  if (runsAgainstAllBranches(a) || runsAgainstAllBranches(b)) return true;
  if (a.branches.length > 0) {
    if (b.branches.length > 0) return a.branches.some((branch) => b.branches.includes(branch));
    return [...new Set(a.branches)].sort().some((branch) => b.runsAgainst(branch));
  }
  if (b.branches.length === 0) return true;
  return branchersIntersect(b, a);
}

/** Can changes decide whether the job runs (`run_if_changed` or `skip_if_only_changed` is set)? */
export const changesCouldDecide = (cm: ChangeFilter): boolean => cm.runIfChanged !== undefined || cm.skipIfOnlyChanged !== undefined;

/** Any changed path matches `run_if_changed`, or any does not match `skip_if_only_changed`. */
export function runsAgainstChanges(cm: ChangeFilter, changes: readonly string[]): boolean {
  return changes.some((path) => (cm.runIfChanged ? cm.runIfChanged.test(path) : cm.skipIfOnlyChanged ? !cm.skipIfOnlyChanged.test(path) : false));
}

/** The changed files, fetched only when a job's filters need them. */
export type ChangedFiles = () => Promise<readonly string[]>;

/** Prow's RegexpChangeMatcher.ShouldRun: `undefined` when the changes cannot decide. */
async function decidedByChanges(cm: ChangeFilter, changes: ChangedFiles): Promise<boolean | undefined> {
  return changesCouldDecide(cm) ? runsAgainstChanges(cm, await changes()) : undefined;
}

/**
 * Prow's Presubmit.ShouldRun: never against a branch it does not run for; always when
 * `always_run` or `forced` (`/test <name>`); otherwise when its change filters say so, or when
 * `defaults` (a job that runs by default, as `/test all` asks).
 */
export async function presubmitShouldRun(ps: Presubmit, baseRef: string, changes: ChangedFiles, forced: boolean, defaults: boolean): Promise<boolean> {
  if (!ps.brancher.runsAgainst(baseRef)) return false;
  if (ps.alwaysRun || forced) return true;
  return (await decidedByChanges(ps, changes)) === true || defaults;
}

/** Prow's Postsubmit.ShouldRun: change filters decide when set; else `always_run`, which defaults to true. */
export async function postsubmitShouldRun(ps: Postsubmit, baseRef: string, changes: ChangedFiles): Promise<boolean> {
  if (!ps.brancher.runsAgainst(baseRef)) return false;
  const decided = await decidedByChanges(ps, changes);
  if (decided !== undefined) return decided;
  return ps.alwaysRun ?? true;
}

/** Runs only when asked (`/test <name>`): neither `always_run` nor change filters. */
export const needsExplicitTrigger = (ps: Presubmit): boolean => !ps.alwaysRun && !changesCouldDecide(ps);
/** May or may not run for a pull request. */
export const triggersConditionally = (ps: Presubmit): boolean => needsExplicitTrigger(ps) || changesCouldDecide(ps);
/** Does this comment ask for the job (`/test <name>` by default)? */
export const triggerMatches = (ps: Presubmit, body: string): boolean => ps.trigger.source !== '' && ps.trigger.test(body);
/** Is its status a required check (Prow's ContextRequired)? */
export const contextRequired = (ps: Presubmit): boolean => !ps.optional && !ps.skipReport;
