// Which paths a repository's root .gitattributes marks `linguist-generated`: the files GitHub
// collapses in diffs and Linguist leaves out of language stats.
//
// Prow (pkg/gitattributes/gitattributes.go) only honours the exact token `linguist-generated=true`,
// treats any matching line as final, and fails the whole file on a `!pattern` or `dir/` line.
// Skiff answers the question the way git and Linguist do, so the size label agrees with what the
// PR page hides:
// - `linguist-generated` or `linguist-generated=<anything but false>` marks a path (Linguist's
//   `boolean_attribute`: "present and not the string false");
// - `-linguist-generated` and `linguist-generated=false` unmark it, `!linguist-generated` makes
//   it unspecified again, which here means not generated (Linguist's own heuristics are not run);
// - for each path the last matching line that mentions the attribute wins, as in git's attr.c;
// - a line git would reject (a negated pattern) is skipped with a warning, the rest still apply.
import { pathPattern, type PathMatcher } from './path-pattern.js';

const attribute = 'linguist-generated';

interface Rule {
  matches: PathMatcher;
  /** `undefined`: `!linguist-generated`, unspecified. */
  generated: boolean | undefined;
}

export interface LinguistGenerated {
  isGenerated(path: string): boolean;
  /** Lines that were skipped, for the plugin's log. */
  warnings: string[];
}

/** The state one attribute token sets, or `null` when the token is about another attribute. */
function stateOf(token: string): { generated: boolean | undefined } | null {
  if (token === attribute) return { generated: true };
  if (token === `-${attribute}`) return { generated: false };
  if (token === `!${attribute}`) return { generated: undefined };
  if (token.startsWith(`${attribute}=`)) return { generated: token.slice(attribute.length + 1) !== 'false' };
  return null;
}

const cEscapes: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };

/**
 * A pattern written as a C-style quoted string (`"with space.txt" attr`), as git's
 * unquote_c_style reads it: the usual backslash escapes and `\ooo` octal bytes (UTF-8).
 * Returns the pattern and the rest of the line, or `undefined` when the quote is not closed.
 */
function unquote(line: string): { pattern: string; rest: string } | undefined {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { pattern: new TextDecoder().decode(Uint8Array.from(bytes)), rest: line.slice(i + 1) };
    if (c !== '\\') {
      const code = line.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...encoder.encode(String.fromCodePoint(code)));
      continue;
    }
    const e = line[++i];
    if (e === undefined) return undefined;
    const octal = /^[0-3][0-7]{2}/.exec(line.slice(i));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 2;
    } else if (cEscapes[e] !== undefined) {
      bytes.push(cEscapes[e]);
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** Reads the text of a root .gitattributes (`undefined` when the repository has none). */
export function parseGitattributes(text: string | undefined): LinguistGenerated {
  const rules: Rule[] = [];
  const warnings: string[] = [];
  const lines = (text ?? '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let pattern: string;
    let rest: string;
    if (line.startsWith('"')) {
      const quoted = unquote(line);
      if (!quoted) {
        warnings.push(`.gitattributes line ${index + 1}: unterminated quoted pattern: ${JSON.stringify(line)}`);
        return;
      }
      ({ pattern, rest } = quoted);
    } else {
      const end = line.search(/\s/);
      pattern = end === -1 ? line : line.slice(0, end);
      rest = end === -1 ? '' : line.slice(end);
    }
    // `[attr]name ...` defines a macro; it names no paths.
    if (pattern.startsWith('[attr]')) return;
    // Later tokens on a line win over earlier ones, as in git.
    let state: { generated: boolean | undefined } | null = null;
    for (const token of rest.split(/\s+/)) state = stateOf(token) ?? state;
    if (!state) return;
    if (pattern.startsWith('!')) {
      // git: "Negative patterns are forbidden"; it warns and ignores the line.
      warnings.push(`.gitattributes line ${index + 1}: negative patterns are forbidden: ${JSON.stringify(pattern)}`);
      return;
    }
    rules.push({ matches: pathPattern(pattern), generated: state.generated });
  });

  return {
    warnings,
    isGenerated(path) {
      for (let i = rules.length - 1; i >= 0; i--) {
        const rule = rules[i]!;
        if (rule.matches(path)) return rule.generated === true;
      }
      return false;
    },
  };
}
