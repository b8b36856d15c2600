// Reading a release note out of a pull request's body, as Prow's release-note plugin does
// (kubernetes-sigs/prow pkg/plugins/releasenote/releasenote.go): the ```release-note block (or
// the older "**Release note**:" block), which label it calls for, the parents a cherry-pick names,
// and splicing a new note into the body for /release-note-edit. Pure functions, Prow's regexes.

export const releaseNoteLabel = 'release-note';
export const releaseNoteNoneLabel = 'release-note-none';
export const releaseNoteActionRequiredLabel = 'release-note-action-required';
export const releaseNoteLabelNeeded = 'do-not-merge/release-note-label-needed';
export const deprecationLabel = 'kind/deprecation';

/** Prow's allRNLabels, in its order (the order labels other than the wanted one are removed in). */
export const allReleaseNoteLabels: readonly string[] = [releaseNoteNoneLabel, releaseNoteActionRequiredLabel, releaseNoteLabelNeeded, releaseNoteLabel];

/**
 * Prow's noteMatcherRE, `(?s)(?:Release note\*\*:\s*(?:<!--[^<>]*-->\s*)?```(?:release-note)?|```release-note)(.+?)````:
 * the first block's content. `s`: the note may span lines.
 */
const noteMatcherRe = /(?:Release note\*\*:\s*(?:<!--[^<>]*-->\s*)?```(?:release-note)?|```release-note)(.+?)```/s;
/** Prow's cpRe, matched against each line. Go's [[:digit:]] and JavaScript's \d are both ASCII digits. */
const cherryPickRe = /Cherry pick of #(\d+) on release-(\d+\.\d+)./;
/** Prow's noneRe: the whole note is NONE or NO, give or take punctuation. */
const noneRe = /^\W*(NONE|NO)\W*$/i;
const actionRequiredNote = 'action required';

/** Prow's getReleaseNote: the first block's content, trimmed; `''` without one. */
export function getReleaseNote(body: string): string {
  return noteMatcherRe.exec(body)?.[1]?.trim() ?? '';
}

/** Prow's determineReleaseNoteLabel: the label the body's note (and the labels) call for. */
export function determineReleaseNoteLabel(body: string, labels: ReadonlySet<string>): string {
  const note = getReleaseNote(body).trim().toLowerCase();
  const none = noneRe.test(note);
  const deprecation = labels.has(deprecationLabel);
  if (note === '' && deprecation) return releaseNoteLabelNeeded;
  if (note === '' && labels.has(releaseNoteNoneLabel)) return releaseNoteNoneLabel;
  if (note === '') return releaseNoteLabelNeeded;
  if (none && deprecation) return releaseNoteLabelNeeded;
  if (none) return releaseNoteNoneLabel;
  if (note.includes(actionRequiredNote)) return releaseNoteActionRequiredLabel;
  return releaseNoteLabel;
}

/** Prow's releaseNoteAlreadyAdded. */
export const releaseNoteAlreadyAdded = (labels: ReadonlySet<string>): boolean =>
  labels.has(releaseNoteLabel) || labels.has(releaseNoteActionRequiredLabel) || labels.has(releaseNoteNoneLabel);

/** Prow's getCherrypickParentPRNums: the pull requests a "Cherry pick of #N on release-X.Y." line names. */
export function cherryPickParents(body: string): number[] {
  const parents: number[] = [];
  for (const line of body.split('\n')) {
    const m = cherryPickRe.exec(line);
    if (m) parents.push(Number(m[1]));
  }
  return parents;
}

/**
 * Prow's editReleaseNote splice: the content of the body's first release note block replaced by
 * `note`, on lines of its own (`\r\n`, as GitHub stores an edited body). `undefined`: the body has
 * no block to replace.
 */
export function spliceReleaseNote(body: string, note: string): string | undefined {
  const m = noteMatcherRe.exec(body);
  if (!m) return undefined;
  const start = m.index + m[0].length - m[1]!.length - '```'.length;
  const end = start + m[1]!.length;
  return `${body.slice(0, start)}\r\n${note.trim()}\r\n${body.slice(end)}`;
}
