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
