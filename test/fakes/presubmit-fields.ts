// Presubmits for plugin tests (trigger, skip, override) written as Prow's test literals write them, with
// the loader's defaults filled in (context = name, `/test <name>` trigger and rerun command).
import { brancher, defaultRerunCommandFor, defaultTriggerFor } from '../../shared/jobs/matching.js';
import { compileRe2 } from '../../shared/jobs/re2.js';
import type { Presubmit } from '../../shared/jobs/types.js';

export interface PresubmitFields {
  name: string;
  context?: string;
  alwaysRun?: boolean;
  optional?: boolean;
  skipReport?: boolean;
  trigger?: string;
  rerunCommand?: string;
  branches?: string[];
  skipBranches?: string[];
  runIfChanged?: string;
  skipIfOnlyChanged?: string;
}

/** What every job has, as the loader fills it in for a static job of config/jobs/test.yaml. */
export const jobBase = (name: string) => ({
  name,
  agent: 'codebuild' as const,
  labels: {},
  annotations: {},
  maxConcurrency: 0,
  timeoutSeconds: 7200,
  extraRefs: [],
  source: 'config/jobs/test.yaml',
});

export function presubmitOf(f: PresubmitFields): Presubmit {
  return {
    ...jobBase(f.name),
    kind: 'presubmit',
    alwaysRun: f.alwaysRun ?? false,
    optional: f.optional ?? false,
    context: f.context ?? f.name,
    skipReport: f.skipReport ?? false,
    trigger: compileRe2(f.trigger ?? defaultTriggerFor(f.name)),
    rerunCommand: f.rerunCommand ?? defaultRerunCommandFor(f.name),
    runBeforeMerge: false,
    brancher: brancher(f.branches, f.skipBranches),
    ...(f.runIfChanged ? { runIfChanged: compileRe2(f.runIfChanged) } : {}),
    ...(f.skipIfOnlyChanged ? { skipIfOnlyChanged: compileRe2(f.skipIfOnlyChanged) } : {}),
  };
}
