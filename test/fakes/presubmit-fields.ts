// Presubmits for plugin tests (skip, override) written as Prow's test literals write them, with
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
  runIfChanged?: string;
}

export function presubmitOf(f: PresubmitFields): Presubmit {
  return {
    name: f.name,
    agent: 'codebuild',
    labels: {},
    annotations: {},
    maxConcurrency: 0,
    timeoutSeconds: 7200,
    extraRefs: [],
    source: 'config/jobs/test.yaml',
    kind: 'presubmit',
    alwaysRun: f.alwaysRun ?? false,
    optional: f.optional ?? false,
    context: f.context ?? f.name,
    skipReport: f.skipReport ?? false,
    trigger: compileRe2(f.trigger ?? defaultTriggerFor(f.name)),
    rerunCommand: f.rerunCommand ?? defaultRerunCommandFor(f.name),
    runBeforeMerge: false,
    brancher: brancher(f.branches),
    ...(f.runIfChanged ? { runIfChanged: compileRe2(f.runIfChanged) } : {}),
  };
}
