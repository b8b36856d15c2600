// Which presubmits a comment asks for, as Prow decides it (pkg/pjutil/filter.go). Each filter
// answers three questions about a job — does the comment select it, is it forced to run (its own
// `/test <name>`), and does it run by default when its change filters cannot decide — and
// presubmitShouldRun (shared/jobs/matching.ts) then applies the branch and change filters. The
// regexes are Prow's, compiled with RE2 semantics: case-sensitive and line-anchored (`/RETEST` is
// not `/retest`, as in Prow).
import { compileRe2 } from '../../jobs/re2.js';
import { needsExplicitTrigger, presubmitShouldRun, triggerMatches, type ChangedFiles } from '../../jobs/matching.js';
import type { Presubmit } from '../../jobs/types.js';

export const testAllRe = compileRe2('(?m)^/test all,?($|\\s.*)');
export const retestRe = compileRe2('(?m)^/retest\\s*$');
export const retestRequiredRe = compileRe2('(?m)^/retest-required\\s*$');
export const testManualRequiredRe = compileRe2('(?m)^/test-manual-required\\s*$');
export const okToTestRe = compileRe2('(?m)^/ok-to-test\\s*$');
export const okToTestCancelRe = compileRe2('(?m)^/ok-to-test\\s+cancel\\s*$');

/** Prow's Filter.ShouldRun answer: [selected, forced to run, runs by default]. */
export type FilterAnswer = readonly [matches: boolean, forced: boolean, defaults: boolean];

export interface PresubmitFilter {
  /** Prow's filter name, for the trace. */
  name: string;
  shouldRun(ps: Presubmit): FilterAnswer;
}

const no: FilterAnswer = [false, false, false];

/** `/test foo`: the jobs whose trigger matches the comment, forced. */
export const commandFilter = (body: string): PresubmitFilter => ({
  name: 'command-filter',
  shouldRun: (ps) => [triggerMatches(ps, body), triggerMatches(ps, body), true],
});

/** `/test all` (and `/ok-to-test`): every job that does not need its own trigger comment. */
export const testAllFilter: PresubmitFilter = {
  name: 'test-all-filter',
  shouldRun: (ps) => [!needsExplicitTrigger(ps), false, false],
};

/** The first child filter that selects the job decides. */
export const aggregateFilter = (filters: readonly PresubmitFilter[]): PresubmitFilter => ({
  name: filters.map((f) => f.name).join('::'),
  shouldRun(ps) {
    for (const filter of filters) {
      const answer = filter.shouldRun(ps);
      if (answer[0]) return answer;
    }
    return no;
  },
});

/** The contexts of a pull request's head: those that failed, and all that reported. */
export interface PullContexts {
  failed: ReadonlySet<string>;
  all: ReadonlySet<string>;
}

/** `/retest`: jobs whose context failed, and jobs that would run automatically and have not yet. */
export const retestFilter = (contexts: PullContexts): PresubmitFilter => ({
  name: 'retest-filter',
  shouldRun(ps) {
    const failed = contexts.failed.has(ps.context);
    return [failed || (!needsExplicitTrigger(ps) && !contexts.all.has(ps.context)), false, failed];
  },
});

/** `/retest-required`: `/retest` without the optional jobs. */
export const retestRequiredFilter = (contexts: PullContexts): PresubmitFilter => ({
  name: 'retest-required-filter',
  shouldRun: (ps) => (ps.optional ? no : retestFilter(contexts).shouldRun(ps)),
});

/** `/test-manual-required`: required jobs that only ever run when asked, forced. */
export const testManualRequiredFilter: PresubmitFilter = {
  name: 'test-manual-required-filter',
  shouldRun: (ps) => (ps.optional || !needsExplicitTrigger(ps) || ps.runIfChanged || ps.skipIfOnlyChanged ? no : [true, true, false]),
};

/**
 * Prow's PresubmitFilter: the union of what the comment asks for, most specific first (a job's
 * own trigger before `/retest` before `/test all`). The contexts are read only when `/retest` or
 * `/retest-required` asks for them.
 */
export async function presubmitFilterFor(honorOkToTest: boolean, contexts: () => Promise<PullContexts>, body: string): Promise<PresubmitFilter> {
  const filters = [commandFilter(body)];
  if (retestRe.test(body)) filters.push(retestFilter(await contexts()));
  if (retestRequiredRe.test(body)) filters.push(retestRequiredFilter(await contexts()));
  if (testManualRequiredRe.test(body)) filters.push(testManualRequiredFilter);
  if ((honorOkToTest && okToTestRe.test(body)) || testAllRe.test(body)) filters.push(testAllFilter);
  return aggregateFilter(filters);
}

/** Prow's pjutil.FilterPresubmits: the jobs the filter selects that should run against `branch` and the changes. */
export async function filterPresubmits(filter: PresubmitFilter, changes: ChangedFiles, branch: string, presubmits: readonly Presubmit[]): Promise<Presubmit[]> {
  const toTrigger: Presubmit[] = [];
  for (const ps of presubmits) {
    const [matches, forced, defaults] = filter.shouldRun(ps);
    if (matches && (await presubmitShouldRun(ps, branch, changes, forced, defaults))) toTrigger.push(ps);
  }
  return toTrigger;
}

/** What `/test ?` lists (Prow's AvailablePresubmits). */
export interface AvailablePresubmits {
  /** Names of the jobs `/test all` would run. */
  testAll: Set<string>;
  /** Rerun commands of the optional and of the required jobs that their own command would run. */
  optional: Set<string>;
  required: Set<string>;
}

export async function availablePresubmits(changes: ChangedFiles, branch: string, presubmits: readonly Presubmit[]): Promise<AvailablePresubmits> {
  const testAll = new Set((await filterPresubmits(testAllFilter, changes, branch, presubmits)).map((ps) => ps.name));
  const byCommand = aggregateFilter(presubmits.map((ps) => commandFilter(ps.rerunCommand)));
  const optional = new Set<string>();
  const required = new Set<string>();
  for (const ps of await filterPresubmits(byCommand, changes, branch, presubmits)) (ps.optional ? optional : required).add(ps.rerunCommand);
  return { testAll, optional, required };
}
