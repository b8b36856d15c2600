import { describe, expect, it } from 'vitest';
import { brancher, postsubmitShouldRun, presubmitShouldRun } from '../../shared/jobs/matching.js';
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
