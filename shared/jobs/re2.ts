// Prow compiles job regexes (`trigger`, `rerun_command`, `branches`, `run_if_changed`, …) with Go's
// regexp package. re2js is a port of RE2, so a pattern matches here exactly what it matched in
// Prow — including what JavaScript's RegExp reads differently or cannot compile at all (knative's
// triggers put `(?m)` inside an alternation).
import { RE2JS } from 're2js';
import type { Re2Pattern } from './types.js';

export class Re2SyntaxError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(message);
    this.name = 'Re2SyntaxError';
  }
}

/** Compiles a Go RE2 pattern; `test` is Go's MatchString (unanchored). Throws Re2SyntaxError with Go's message. */
export function compileRe2(source: string): Re2Pattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    // re2js words its errors as Go does: "error parsing regexp: missing closing ): `(a`".
    throw new Re2SyntaxError(source, error instanceof Error ? error.message : String(error));
  }
  return { source, test: (text: string) => compiled.matcher(text).find() };
}
