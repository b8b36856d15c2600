// What a comment asks of the lgtm plugin, decided exactly as Prow decides it
// (kubernetes-sigs/prow pkg/plugins/lgtm/lgtm.go `LGTMRe`, `LGTMCancelRe`): the command must be
// the whole line, save trailing whitespace. `/lgtm thanks!` is not an LGTM in Prow, unlike
// `/hold for #12`, so these regexes are stricter than the generated command regexes, which only
// pick out the comments worth looking at.
//
// Prow's patterns are `(?mi)^/lgtm(?: no-issue)?\s*$` and `(?mi)^/(remove-lgtm|lgtm cancel)\s*$`
// in Go's RE2, read as Go reads them (prow-line.ts).
import { prowLine } from '../prow-line.js';

export const lgtmRe = prowLine('lgtm(?: no-issue)?');
export const lgtmCancelRe = prowLine('remove-lgtm|lgtm cancel');

/**
 * `true`: add LGTM; `false`: remove it; `undefined`: neither. A comment holding both asks for
 * LGTM, as in Prow, which tests `/lgtm` first.
 */
export function lgtmIntent(body: string): boolean | undefined {
  if (lgtmRe.test(body)) return true;
  if (lgtmCancelRe.test(body)) return false;
  return undefined;
}
