// What each benchmark hands back to run.ts: table rows, a "how measured" paragraph and findings.

export interface Row {
  metric: string;
  value: string;
  /** Omitted when the metric has no target: it is reported, not judged. */
  target?: string;
  /** PASS / FAIL against the target; undefined without a target. */
  pass?: boolean;
}

export interface MetricReport {
  /** Section title in BENCHMARKS.md, e.g. "Bundle size". */
  title: string;
  rows: Row[];
  /** How the numbers were taken, in BENCHMARKS.md's "How measured". */
  how: string[];
  /** Observations worth a reader's attention (a target missed, something surprising). */
  findings: string[];
  /** Extra lines printed and recorded under the section (breakdowns, raw counts). */
  details?: string[];
}
