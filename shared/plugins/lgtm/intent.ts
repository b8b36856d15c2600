// What a comment asks of the lgtm plugin, decided exactly as Prow decides it
// (kubernetes-sigs/prow pkg/plugins/lgtm/lgtm.go `LGTMRe`, `LGTMCancelRe`): the command must be
// the whole line, save trailing whitespace. `/lgtm thanks!` is not an LGTM in Prow, unlike
// `/hold for #12`, so these regexes are stricter than the generated command regexes, which only
// pick out the comments worth looking at.
//
// Prow's patterns are `(?mi)^/lgtm(?: no-issue)?\s*$` and `(?mi)^/(remove-lgtm|lgtm cancel)\s*$`
// in Go's RE2. Written out so JavaScript reads them the same way: Go's multi-line `^` and `$` stop
// at `\n` only (JavaScript's also at `\r`, U+2028 and U+2029), Go's `\s` is `[\t\n\f\r ]`
// (JavaScript's takes in every Unicode space), and Go folds case by Unicode's simple folding, as
// JavaScript does with the `u` flag.
const line = (command: string) => new RegExp(`(?:^|(?<=\\n))/(?:${command})[\\t\\n\\f\\r ]*(?=\\n|$)`, 'iu');

export const lgtmRe = line('lgtm(?: no-issue)?');
export const lgtmCancelRe = line('remove-lgtm|lgtm cancel');

/**
 * `true`: add LGTM; `false`: remove it; `undefined`: neither. A comment holding both asks for
 * LGTM, as in Prow, which tests `/lgtm` first.
 */
export function lgtmIntent(body: string): boolean | undefined {
  if (lgtmRe.test(body)) return true;
  if (lgtmCancelRe.test(body)) return false;
  return undefined;
}
