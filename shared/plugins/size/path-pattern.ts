// Git's path patterns, as a root .gitattributes uses them (https://git-scm.com/docs/gitattributes,
// pattern rules from https://git-scm.com/docs/gitignore#_pattern_format), compiled to a RegExp.
// Written by hand because no gitignore-style matcher is a dependency: picomatch/minimatch follow
// shell globbing and differ on the points that matter here (a pattern without a slash matches the
// basename at any depth, `**` only counts between slashes, `[!...]` classes never match `/`).
// The semantics follow git's wildmatch.c with WM_PATHNAME, case-sensitive (core.ignorecase off,
// as on GitHub).

export type PathMatcher = (path: string) => boolean;

const never: PathMatcher = () => false;

// Two escapers because the RegExp is compiled with the `u` flag, which rejects needless escapes
// such as `\-` outside a character class.
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeClass = (s: string) => s.replace(/[\\\]\[^-]/g, '\\$&');

// ASCII only, as git's own ctype table (ctype.c) is.
const posixClasses: Record<string, string> = {
  alnum: 'A-Za-z0-9',
  alpha: 'A-Za-z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  // git's isspace: space, \t, \n, \r (not \v or \f).
  space: ' \\t\\n\\r',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

/**
 * Translates a bracket expression starting at `chars[start]` (the `[`). Returns the regex and the
 * index after the closing `]`, or `undefined` when git would abort the match (no closing `]`,
 * unknown `[:class:]`, trailing backslash): such a pattern matches nothing.
 */
function bracket(chars: string[], start: number): { source: string; next: number } | undefined {
  let i = start + 1;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  let body = '';
  let prev: string | undefined;
  // The first member is taken literally even when it is `]`, hence do/while.
  do {
    let c = chars[i];
    if (c === undefined) return undefined;
    if (c === '\\') {
      c = chars[++i];
      if (c === undefined) return undefined;
      body += escapeClass(c);
      prev = c;
    } else if (c === '-' && prev !== undefined && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
      let to = chars[++i]!;
      if (to === '\\') {
        const escaped = chars[++i];
        if (escaped === undefined) return undefined;
        to = escaped;
      }
      // A reversed range matches nothing in wildmatch; a RegExp would throw on it.
      if (prev.codePointAt(0)! <= to.codePointAt(0)!) body += `${escapeClass(prev)}-${escapeClass(to)}`;
      prev = undefined;
    } else if (c === '[' && chars[i + 1] === ':') {
      const close = chars.indexOf(']', i + 2);
      if (close === -1) return undefined;
      if (chars[close - 1] !== ':' || close - 1 < i + 2) {
        // No `:]`: an ordinary `[` member, and parsing goes on after it.
        body += '\\[';
        prev = '[';
      } else {
        const cls = posixClasses[chars.slice(i + 2, close - 1).join('')];
        if (cls === undefined) return undefined;
        body += cls;
        prev = undefined;
        i = close;
      }
    } else {
      body += escapeClass(c);
      prev = c;
    }
    i++;
  } while (chars[i] !== ']');
  // A class never matches the directory separator.
  return { source: negated ? `[^/${body}]` : `(?!/)[${body}]`, next: i + 1 };
}

/** Regex source for a glob, `/` being the separator that only `**` crosses. */
function globSource(pattern: string): string | undefined {
  const chars = [...pattern];
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '\\') {
      const next = chars[i + 1];
      // A trailing backslash can never match anything in wildmatch.
      if (next === undefined) return undefined;
      out += escapeRegex(next);
      i += 2;
    } else if (c === '*') {
      let end = i;
      while (chars[end] === '*') end++;
      const run = end - i;
      const startsSegment = i === 0 || chars[i - 1] === '/';
      const endsSegment = end === chars.length || chars[end] === '/';
      if (run >= 2 && startsSegment && endsSegment) {
        if (end === chars.length) {
          // `dir/**`: everything inside dir, at any depth.
          out += '[\\s\\S]*';
          i = end;
        } else {
          // `**/x` and `a/**/x`: zero or more whole directories.
          out += '(?:[\\s\\S]*/)?';
          i = end + 1;
        }
      } else {
        // `*`, and `**` glued to other characters, stay within one path segment.
        out += '[^/]*';
        i = end;
      }
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const b = bracket(chars, i);
      if (!b) return undefined;
      out += b.source;
      i = b.next;
    } else {
      out += escapeRegex(c);
      i++;
    }
  }
  return out;
}

/**
 * A matcher for one pattern of a repository's root .gitattributes, against a path relative to
 * the repository root (`pkg/api/types.go`, no leading slash).
 *
 * - No slash: matches the file name at any depth (`*.pb.go`, `BUILD`).
 * - A slash at the start or in the middle: matches the whole path from the root (`/docs/*.md`,
 *   `api/*.json`); a leading slash only anchors.
 * - `**` between slashes spans directories: `**\/x`, `a/**\/x`, `a/**`.
 * - A trailing slash names a directory, and in .gitattributes directory patterns do not apply to
 *   the files inside (git's documentation says to write `dir/**`), so it matches no file.
 */
export function pathPattern(pattern: string): PathMatcher {
  if (pattern === '' || pattern.endsWith('/')) return never;
  const anchored = pattern.includes('/');
  const source = globSource(anchored && pattern.startsWith('/') ? pattern.slice(1) : pattern);
  if (source === undefined) return never;
  const re = new RegExp(anchored ? `^${source}$` : `^(?:[\\s\\S]*/)?${source}$`, 'u');
  return (path) => re.test(path);
}
