// What loading a config found wrong or left out, each pointing at one place:
// `plugins.yaml:12:7: plugins["acme/widgets"][2]: unknown plugin "hodl"; did you mean "hold"?`.

export interface ConfigIssue {
  severity: 'error' | 'warning';
  file?: string;
  /** 1-based, as editors count. */
  line?: number;
  column?: number;
  /** Where in the merged config, as formatPath writes it: `plugins["org/repo"][2]`. */
  path?: string;
  message: string;
  /** A warning that `checkconfig --strict` treats as an error: probably a typo. */
  strict?: boolean;
  /** What a warning is about, for summaries. */
  kind?: 'prow-key' | 'prow-plugin' | 'unknown-key' | 'unknown-plugin' | 'not-needed';
}

/**
 * The warnings as a delivery's trace carries them: each one while there are few, else one line
 * with the counts. A real Prow config has 40 to 80, the same for every delivery, and a trace item
 * over 1 KB costs a DynamoDB write unit per KB on each of its updates; the plugins of the event's
 * repository Skiff left out are in the trace's `notImplemented` instead.
 */
export function summarizeWarnings(issues: readonly ConfigIssue[]): string[] {
  if (issues.length <= 3) return issues.map(formatIssue);
  const count = (kind: ConfigIssue['kind']) => issues.filter((i) => i.kind === kind).length;
  const parts = [
    [count('prow-plugin'), 'Prow plugins Skiff does not implement yet'],
    [count('prow-key'), 'Prow keys Skiff does not implement yet'],
    [count('unknown-plugin') + count('unknown-key'), 'names nothing knows'],
    [count('not-needed'), 'plugins Skiff does not need'],
  ] as const;
  const known = parts.reduce((n, [c]) => n + c, 0);
  const listed = [...parts, [issues.length - known, 'others'] as const].filter(([c]) => c > 0).map(([c, what]) => `${c} ${what}`);
  return [`${issues.length} config warnings (${listed.join(', ')}); skiff checkconfig lists each with its file and line`];
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.file === undefined ? '' : `${issue.file}${issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`}: `;
  return `${where}${issue.path === undefined ? '' : `${issue.path}: `}${issue.message}`;
}

/** All problems of a config that cannot be used; `problems` are the issues, one line each. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(
    readonly issues: ConfigIssue[],
    source: string,
    options: { cause?: unknown } = {},
  ) {
    const problems = issues.map(formatIssue);
    super(`invalid config in ${source}:\n  ${problems.join('\n  ')}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.problems = problems;
  }
}
