// Reading a comment the way Prow's label plugin does (pkg/plugins/label/label.go): HTML comments
// removed first, then every line `/<type> <values>`, `/remove-<type> <values>`, `/label <labels>`
// and `/remove-label <labels>`, values lower-cased.
//
// Where Prow's regexes misread a comment, the command is read as it is written instead:
// - Prow's `\s*` may run into the next line, so `/area` followed by a `/kind bug` line adds
//   `area/bug`; here a command ends with its line.
// - Prow needs no space after the type, so `/signed off` adds `sig/off`; here the type must be
//   followed by whitespace or the end of the line.
// - Prow splits the values on single spaces, so `/remove-area  infra` also removes `area/`; here
//   any run of spaces or tabs separates values.
// - Prow reads the command words with their case (`/Kind bug` does nothing, silently); here
//   `/Kind bug` is `/kind bug`, as the values already are.
// - Prow takes exactly one label after `/label` and ignores a line with more; here each is read.

/** The label types of `/<type> <value>` (Prow's labelRegex). */
export const labelTypes = ['area', 'committee', 'kind', 'language', 'priority', 'sig', 'triage', 'wg'] as const;

/** Types whose `needs-<type>` label is added when the last label of the type is removed (Prow's needsLabels). */
export const needsTypes = ['kind', 'priority', 'sig', 'triage'] as const;

/** Prow's commentRegex, `(?s)<!--(.*?)-->`: commented-out commands do nothing. */
const htmlComment = /<!--[\s\S]*?-->/g;

// Horizontal whitespace only ([^\S\n] keeps `\r`, trimmed as Prow's TrimSpace trims it).
const typed = new RegExp(`^/(remove-)?(${labelTypes.join('|')})(?=[^\\S\\n]|$)(.*)$`, 'gim');
const custom = /^\/(remove-)?label(?=[^\S\n]|$)(.*)$/gim;

export interface ParsedCommands {
  /** Labels to add, lower-cased, in the order written: typed ones first, then `/label` ones. */
  add: string[];
  remove: string[];
  /** `/label x` lines (as `/label x`) whose label is neither additional nor restricted. */
  unsupported: string[];
  /** Whether any label command line was found, even one with nothing after it. */
  found: boolean;
}

const valuesOf = (rest: string) => rest.split(/\s+/).filter((v) => v !== '');

/**
 * The label commands of `body`. `isSupported` says which lower-cased labels `/label` may name
 * (additional_labels and restricted_labels, Prow's labelFilter).
 */
export function parseCommands(body: string, isSupported: (label: string) => boolean): ParsedCommands {
  const text = body.replace(htmlComment, '');
  const typedAdd: string[] = [];
  const typedRemove: string[] = [];
  const customAdd: string[] = [];
  const customRemove: string[] = [];
  const unsupported: string[] = [];
  let found = false;
  for (const m of text.matchAll(typed)) {
    found = true;
    const type = m[2]!.toLowerCase();
    for (const value of valuesOf(m[3]!)) (m[1] ? typedRemove : typedAdd).push(`${type}/${value}`.toLowerCase());
  }
  for (const m of text.matchAll(custom)) {
    found = true;
    const remove = Boolean(m[1]);
    for (const value of valuesOf(m[2]!)) {
      const label = value.toLowerCase();
      if (isSupported(label)) (remove ? customRemove : customAdd).push(label);
      else unsupported.push(`/${remove ? 'remove-' : ''}label ${value}`);
    }
  }
  return { add: [...typedAdd, ...customAdd], remove: [...typedRemove, ...customRemove], unsupported, found };
}

/** The labels of `labels` of type `type` (`kind/bug` is of type `kind`), lower-cased. */
export function ofType(labels: Iterable<string>, type: string): Set<string> {
  const prefix = `${type}/`;
  const found = new Set<string>();
  for (const label of labels) if (label.toLowerCase().startsWith(prefix)) found.add(label.toLowerCase());
  return found;
}
