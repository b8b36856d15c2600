// Prow's whole-line command regexes, `(?mi)^/<command>\s*$` in Go's RE2, written out so that
// JavaScript reads them as Go does: Go's multi-line `^` and `$` stop at `\n` only (JavaScript's
// also at `\r`, U+2028 and U+2029), Go's `\s` is `[\t\n\f\r ]` (JavaScript's takes in every
// Unicode space), and Go folds case by Unicode's simple folding, as JavaScript does with `u`.
// These are stricter than the generated command regexes (commands.ts), which let free text
// follow: `/close now` is not a close in Prow. lgtm, lifecycle, help and shrug use them.

/**
 * `command` is a regex source (it may hold capture groups), matched as a whole line save
 * trailing whitespace. `global` for `matchAll` over every line.
 */
export function prowLine(command: string, options: { global?: boolean } = {}): RegExp {
  return new RegExp(`(?:^|(?<=\\n))/(?:${command})[\\t\\n\\f\\r ]*(?=\\n|$)`, options.global ? 'giu' : 'iu');
}
