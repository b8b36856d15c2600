import { describe, expect, it } from 'vitest';
import { brancher, branchersIntersect, postsubmitShouldRun, presubmitShouldRun, runsAgainstChanges } from '../../shared/jobs/matching.js';
import { compileRe2 } from '../../shared/jobs/re2.js';
import type { Postsubmit, Presubmit } from '../../shared/jobs/types.js';

const base = { agent: 'local' as const, labels: {}, annotations: {}, maxConcurrency: 0, timeoutSeconds: 7200, extraRefs: [], source: 'test' };
const presubmit = (over: Partial<Presubmit>): Presubmit => ({
  ...base,
  kind: 'presubmit',
  name: 'unit',
  alwaysRun: false,
  optional: false,
  context: 'unit',
  skipReport: false,
  trigger: compileRe2('(?m)^/test( | .* )unit,?($|\\s.*)'),
  rerunCommand: '/test unit',
  runBeforeMerge: false,
  brancher: brancher(),
  ...over,
});
const postsubmit = (over: Partial<Postsubmit>): Postsubmit => ({ ...base, kind: 'postsubmit', name: 'post', context: 'post', skipReport: false, brancher: brancher(), ...over });

describe('brancher (Prow Brancher.ShouldRun)', () => {
  it.each([
    { name: 'no lists: every branch', branches: [], skip: [], branch: 'anything', runs: true },
    { name: 'branches match', branches: ['master'], skip: [], branch: 'master', runs: true },
    { name: 'branches do not match', branches: ['master'], skip: [], branch: 'release', runs: false },
    { name: 'skip wins over branches', branches: ['release-.*'], skip: ['release-1.0'], branch: 'release-1.0', runs: false },
    { name: 'skip only: others run', branches: [], skip: ['^gh-pages$'], branch: 'main', runs: true },
  ])('$name', ({ branches, skip, branch, runs }) => {
    expect(brancher(branches, skip).runsAgainst(branch)).toBe(runs);
  });
});

describe('presubmitShouldRun', () => {
  const changes = (files: string[]) => async () => files;
  it.each([
    { name: 'always_run', ps: { alwaysRun: true }, files: [], forced: false, defaults: false, runs: true },
    { name: 'wrong branch beats always_run', ps: { alwaysRun: true, brancher: brancher(['release']) }, files: [], forced: false, defaults: false, runs: false },
    { name: 'forced', ps: {}, files: [], forced: true, defaults: false, runs: true },
    { name: 'run_if_changed matches', ps: { runIfChanged: compileRe2('^docs/') }, files: ['docs/a.md'], forced: false, defaults: false, runs: true },
    { name: 'run_if_changed does not match', ps: { runIfChanged: compileRe2('^docs/') }, files: ['main.go'], forced: false, defaults: false, runs: false },
    { name: 'skip_if_only_changed: only skipped files', ps: { skipIfOnlyChanged: compileRe2('\\.md$') }, files: ['a.md'], forced: false, defaults: false, runs: false },
    { name: 'skip_if_only_changed: another file', ps: { skipIfOnlyChanged: compileRe2('\\.md$') }, files: ['a.md', 'b.go'], forced: false, defaults: false, runs: true },
    { name: 'explicit trigger only: defaults', ps: {}, files: [], forced: false, defaults: true, runs: true },
    { name: 'explicit trigger only: not defaults', ps: {}, files: [], forced: false, defaults: false, runs: false },
  ])('$name', async ({ ps, files, forced, defaults, runs }) => {
    expect(await presubmitShouldRun(presubmit(ps), 'master', changes(files), forced, defaults)).toBe(runs);
  });
});

describe('postsubmitShouldRun', () => {
  it.each([
    { name: 'default: runs', ps: {}, files: ['x'], runs: true },
    { name: 'always_run: false', ps: { alwaysRun: false }, files: ['x'], runs: false },
    { name: 'run_if_changed decides over always_run', ps: { alwaysRun: false, runIfChanged: compileRe2('^x$') }, files: ['x'], runs: true },
    { name: 'run_if_changed does not match', ps: { runIfChanged: compileRe2('^y$') }, files: ['x'], runs: false },
  ])('$name', async ({ ps, files, runs }) => {
    expect(await postsubmitShouldRun(postsubmit(ps), 'master', async () => files)).toBe(runs);
  });
});

// Prow's pkg/config/jobs_test.go and config_test.go tables, as facts about the same functions.
const changeFilter = (f: { runIfChanged?: string; skipIfOnlyChanged?: string }) => ({
  ...(f.runIfChanged ? { runIfChanged: compileRe2(f.runIfChanged) } : {}),
  ...(f.skipIfOnlyChanged ? { skipIfOnlyChanged: compileRe2(f.skipIfOnlyChanged) } : {}),
});
const files = (changes: string[], error?: Error) => async () => {
  if (error) throw error;
  return changes;
};
const oops = new Error('oops');

describe("Prow's TestPresubmitShouldRun", () => {
  const fooTrigger = { trigger: compileRe2('(?m)^/test (?:.*? )?foo(?: .*?)?$'), rerunCommand: '/test foo' };
  it.each([
    { name: "job skipped on the branch won't run", job: { brancher: brancher([], ['master']) }, ref: 'master', run: false },
    { name: 'job enabled on the branch will run', job: { brancher: brancher(['something']), alwaysRun: true }, ref: 'something', run: true },
    { name: "job running only on other branches won't run", job: { brancher: brancher(['master']) }, ref: 'release-1.11', run: false },
    { name: "job on a branch that's not skipped will run", job: { brancher: brancher([], ['master']), alwaysRun: true }, ref: 'other', run: true },
    { name: 'job with always_run: true should run', job: { alwaysRun: true }, ref: 'master', run: true },
    { name: 'job with always_run: false and no run_if_changed or skip_if_only_changed should not run', job: { ...fooTrigger }, ref: 'master', run: false },
    { name: 'job with run_if_changed but file get errors should not run', job: { ...fooTrigger, ...changeFilter({ runIfChanged: 'file' }) }, ref: 'master', error: oops },
    { name: 'job with skip_if_only_changed but file get errors should not run', job: { ...fooTrigger, ...changeFilter({ skipIfOnlyChanged: 'file' }) }, ref: 'master', changes: ['something'], error: oops },
    { name: 'job with run_if_changed not matching should not run', job: { ...fooTrigger, ...changeFilter({ runIfChanged: '^file$' }) }, ref: 'master', changes: ['something'], run: false },
    { name: 'job with skip_if_only_changed all matching should not run', job: { ...fooTrigger, ...changeFilter({ skipIfOnlyChanged: 'file$' }) }, ref: 'master', changes: ['onefile', 'two-file', 'pkg/controller/three_file'], run: false },
    { name: 'job with run_if_changed not matching should run when default=true', job: { ...fooTrigger, ...changeFilter({ runIfChanged: '^file$' }) }, ref: 'master', changes: ['something'], defaults: true, run: true },
    { name: 'job with skip_if_only_changed all matching should run when default=true', job: { ...fooTrigger, ...changeFilter({ skipIfOnlyChanged: 'file$' }) }, ref: 'master', changes: ['onefile', 'two-file', 'pkg/controller/three_file'], defaults: true, run: true },
    { name: 'job with run_if_changed matching should run', job: { ...fooTrigger, ...changeFilter({ runIfChanged: '^file$' }) }, ref: 'master', changes: ['file'], run: true },
    { name: 'job with skip_if_all_changed partially matching should run', job: { ...fooTrigger, ...changeFilter({ skipIfOnlyChanged: 'file$' }) }, ref: 'master', changes: ['onefile', 'two-file', 'pkg/controller/three_file.go'], run: true },
  ] as { name: string; job: Partial<Presubmit>; ref: string; changes?: string[]; error?: Error; defaults?: boolean; run?: boolean }[])('$name', async ({ job, ref, changes = [], error, defaults = false, run }) => {
    const decided = presubmitShouldRun(presubmit(job), ref, files(changes, error), false, defaults);
    if (error) await expect(decided).rejects.toBe(error);
    else expect(await decided).toBe(run);
  });
});

describe("Prow's TestPostsubmitShouldRun", () => {
  it.each([
    { name: "job skipped on the branch won't run", job: { brancher: brancher([], ['master']) }, ref: 'master', run: false },
    { name: 'job enabled on the branch will run', job: { brancher: brancher(['something']) }, ref: 'something', run: true },
    { name: "job running only on other branches won't run", job: { brancher: brancher(['master']) }, ref: 'release-1.11', run: false },
    { name: "job on a branch that's not skipped will run", job: { brancher: brancher([], ['master']) }, ref: 'other', run: true },
    { name: 'job with no run_if_changed should run', job: {}, ref: 'master', run: true },
    { name: 'job with run_if_changed but file get errors should not run', job: changeFilter({ runIfChanged: 'file' }), ref: 'master', error: oops },
    { name: 'job with skip_if_only_changed but file get errors should not run', job: changeFilter({ skipIfOnlyChanged: 'file' }), ref: 'master', changes: ['something'], error: oops },
    { name: 'job with run_if_changed not matching should not run', job: changeFilter({ runIfChanged: '^file$' }), ref: 'master', changes: ['something'], run: false },
    { name: 'job with skip_if_only_changed all matching should not run', job: changeFilter({ skipIfOnlyChanged: 'file$' }), ref: 'master', changes: ['onefile', 'two-file', 'pkg/controller/three_file'], run: false },
    { name: 'job with run_if_changed matching should run', job: changeFilter({ runIfChanged: '^file$' }), ref: 'master', changes: ['file'], run: true },
    { name: 'job with skip_if_only_changed partially matching should run', job: changeFilter({ skipIfOnlyChanged: 'file$' }), ref: 'master', changes: ['onefile', 'two-file', 'pkg/controller/three_file.go'], run: true },
    { name: 'job with run_if_changed matching (and `always_run` explicitly set to false) should run', job: { alwaysRun: false, ...changeFilter({ runIfChanged: '^file$' }) }, ref: 'master', changes: ['file'], run: true },
    { name: 'job with skip_if_only_changed partially matching (and `always_run` explicitly set to false) should run', job: { alwaysRun: false, ...changeFilter({ skipIfOnlyChanged: 'file$' }) }, ref: 'master', changes: ['onefile', 'two-file', 'pkg/controller/three_file.go'], run: true },
    { name: 'job with `always_run` explicitly set to true will run', job: { alwaysRun: true }, ref: 'master', run: true },
    { name: 'job with `always_run` explicitly set to false will not run', job: { alwaysRun: false }, ref: 'master', run: false },
    { name: 'job skipped on the branch will not run, even if `always_run` set to true explicitly', job: { alwaysRun: true, brancher: brancher([], ['master']) }, ref: 'master', run: false },
    { name: 'job enabled on the branch (with `always_run` explicitly set to false explicitly) will not run', job: { alwaysRun: false, brancher: brancher(['something']) }, ref: 'something', run: false },
  ] as { name: string; job: Partial<Postsubmit>; ref: string; changes?: string[]; error?: Error; run?: boolean }[])('$name', async ({ job, ref, changes = [], error, run }) => {
    const decided = postsubmitShouldRun(postsubmit(job), ref, files(changes, error));
    if (error) await expect(decided).rejects.toBe(error);
    else expect(await decided).toBe(run);
  });
});

describe("Prow's TestRunAgainstBranch", () => {
  it.each([
    { name: 'a', br: brancher([], ['s']), s: false },
    { name: 'b', br: brancher(['r']), s: false },
    { name: 'c', br: brancher(['r'], ['s']), s: false },
    { name: 'd', br: brancher(['s', 'r'], ['s']), s: false },
    { name: 'default', br: brancher(), s: true },
  ])('$name', ({ br, s }) => {
    expect(br.runsAgainst('s')).toBe(s);
    expect(br.runsAgainst('r')).toBe(true);
  });
});

describe("Prow's TestBrancher_Intersects (both ways round)", () => {
  it.each([
    { name: 'TwodifferentBranches', a: brancher(['a']), b: brancher(['b']), result: false },
    { name: 'Opposite', a: brancher([], ['b']), b: brancher(['b']), result: false },
    { name: 'BothRunOnAllBranches', a: brancher(), b: brancher(), result: true },
    { name: 'RunsOnAllBranchesAndSpecified', a: brancher(), b: brancher(['b']), result: true },
    { name: 'SkipBranchesAndSet', a: brancher([], ['a', 'b', 'c']), b: brancher(['a']), result: false },
    { name: 'SkipBranchesAndSet (two branch lists)', a: brancher(['c']), b: brancher(['a']), result: false },
    { name: 'BothSkipBranches', a: brancher([], ['a', 'b', 'c']), b: brancher([], ['d', 'e', 'f']), result: true },
    { name: 'BothSkipCommonBranches', a: brancher([], ['a', 'b', 'c']), b: brancher([], ['b', 'e', 'f']), result: true },
    { name: 'NoIntersectionBecauseRegexSkip', a: brancher([], ['release-\\d+\\.\\d+']), b: brancher(['release-1.14', 'release-1.13']), result: false },
    { name: 'IntersectionDespiteRegexSkip', a: brancher([], ['release-\\d+\\.\\d+']), b: brancher(['release-1.14', 'master']), result: true },
  ])('$name', ({ a, b, result }) => {
    expect(branchersIntersect(a, b)).toBe(result);
    expect(branchersIntersect(b, a)).toBe(result);
  });
});

describe('runsAgainstChanges (Prow RegexpChangeMatcher.RunsAgainstChanges)', () => {
  it.each([
    { name: 'run_if_changed: one of several matches', filter: { runIfChanged: '^CHANGED$' }, changes: ['NEW', 'CHANGED'], runs: true },
    { name: 'run_if_changed: none matches', filter: { runIfChanged: '^CHANGED$' }, changes: ['NEW', 'OTHER'], runs: false },
    { name: 'run_if_changed: no changes', filter: { runIfChanged: '.' }, changes: [], runs: false },
    { name: 'skip_if_only_changed: all match', filter: { skipIfOnlyChanged: '^(docs/|README)' }, changes: ['docs/a.md', 'README.md'], runs: false },
    { name: 'skip_if_only_changed: one does not match', filter: { skipIfOnlyChanged: '^(docs/|README)' }, changes: ['docs/a.md', 'main.go'], runs: true },
    { name: 'skip_if_only_changed: no changes', filter: { skipIfOnlyChanged: '.' }, changes: [], runs: false },
    { name: 'neither: changes cannot decide', filter: {}, changes: ['a'], runs: false },
  ])('$name', ({ filter, changes, runs }) => {
    expect(runsAgainstChanges(changeFilter(filter), changes)).toBe(runs);
  });
});
