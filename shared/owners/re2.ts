// Go RE2 regular expressions (OWNERS `filters:` keys, config.yaml's `owners_dir_denylist`) as
// JavaScript RegExps. Prow compiles these with Go's regexp package; most patterns mean the same
// in both, and the common differences are translated here: a leading `(?i)`/`(?s)`/`(?m)`, `\A`
// and `\z`, `(?P<name>…)`, POSIX classes such as `[[:alpha:]]`, `\Q…\E`, `\pL`, and escaped
// punctuation JavaScript's `u` mode refuses. What RE2 refuses (backreferences, lookaround) or what
// JavaScript cannot express (inline flags after the start, `(?U)`) is an error naming the problem,
// so a pattern never means something Prow would not have matched.

import safeRegex from 'safe-regex2';

export type Re2Result = { ok: true; regex: RegExp } | { ok: false; error: string };

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Escapes that mean the same in RE2 and JavaScript. */
const sameEscapes = new Set(['b', 'B', 'd', 'D', 's', 'S', 'w', 'W', 'n', 't', 'r', 'f', 'v']);

const hex = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** A literal character, escaped for either mode when it is not alphanumeric. */
const literal = (ch: string) => (/[A-Za-z0-9_ ]/.test(ch) || ch.charCodeAt(0) > 0x7f ? ch : hex(ch));

class Untranslatable extends Error {}

/**
 * Compiles a Go RE2 pattern as a JavaScript RegExp, or says why it cannot. RE2 matches in linear
 * time whatever the pattern; JavaScript backtracks, so a repetition inside a repetition (`(a+)+`)
 * can take exponential time on a crafted path and stall every event of the repository. Such a
 * pattern is refused, with the reason, by safe-regex2's star-height check.
 */
export function compileRe2(pattern: string): Re2Result {
  try {
    const { source, flags } = translate(pattern);
    const regex = new RegExp(source, flags);
    // The translation's \A and \z (lookarounds) read as ^ and $ for the check, which its parser does not know.
    // The total number of repetitions is no danger in itself (safe-regex2's default limit is 25).
    if (!safeRegex(source.replaceAll('(?<![\\s\\S])', '^').replaceAll('(?![\\s\\S])', '$'), { limit: 1000 })) {
      throw new Untranslatable('it repeats a repetition (as in (a+)+), which can take exponential time in JavaScript (Prow matches with RE2, which cannot); write it without the nesting');
    }
    return { ok: true, regex };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `invalid regular expression ${JSON.stringify(pattern)}: ${why}` };
  }
}

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let i = 0;
  // Flags at the very start apply to the whole pattern, which is what JavaScript's flags do.
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (leading) {
    for (const f of leading[1]!) {
      if (f === 'i' || f === 'm' || f === 's') {
        if (!flags.includes(f)) flags += f;
      } else if (f === 'U') {
        throw new Untranslatable('the (?U) flag (ungreedy) has no JavaScript equivalent');
      } else {
        throw new Untranslatable(`unknown flag ${f} in (?${leading[1]})`);
      }
    }
    i = leading[0].length;
  }
  let unicode = false;
  let out = '';

  /** One escape at pattern[i] === '\\'; returns the translation and advances i. */
  const escape = (inClass: boolean): string => {
    const c = pattern[i + 1];
    if (c === undefined) throw new Untranslatable('trailing backslash');
    i += 2;
    if (sameEscapes.has(c)) return `\\${c}`;
    if (c === 'a') return '\\x07';
    if (c === 'A' && !inClass) return '(?<![\\s\\S])';
    if (c === 'z' && !inClass) return '(?![\\s\\S])';
    if (c === 'x') {
      if (pattern[i] === '{') {
        const end = pattern.indexOf('}', i);
        const digits = end < 0 ? '' : pattern.slice(i + 1, end);
        if (!/^[0-9A-Fa-f]{1,6}$/.test(digits)) throw new Untranslatable('invalid \\x{…} escape');
        i = end + 1;
        unicode = true;
        return `\\u{${digits}}`;
      }
      const digits = pattern.slice(i, i + 2);
      if (!/^[0-9A-Fa-f]{2}$/.test(digits)) throw new Untranslatable('invalid \\x escape');
      i += 2;
      return `\\x${digits}`;
    }
    if (c === 'p' || c === 'P') {
      let name: string;
      if (pattern[i] === '{') {
        const end = pattern.indexOf('}', i);
        if (end < 0) throw new Untranslatable(`unterminated \\${c}{…}`);
        name = pattern.slice(i + 1, end);
        i = end + 1;
      } else {
        name = pattern[i] ?? '';
        i += 1;
      }
      let negate = c === 'P';
      if (name.startsWith('^')) {
        negate = !negate;
        name = name.slice(1);
      }
      if (!/^[A-Za-z_]+$/.test(name)) throw new Untranslatable(`invalid Unicode class \\${c}{${name}}`);
      unicode = true;
      // RE2 names scripts bare (\p{Greek}); JavaScript needs the property for those.
      const generalCategory = /^(L|Lu|Ll|Lt|Lm|Lo|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Cs|Co|Any)$/.test(name);
      const property = name === 'Any' ? 'Any' : generalCategory ? name : `Script=${name}`;
      if (property === 'Any') return negate ? '[^\\s\\S]' : '[\\s\\S]';
      return `\\${negate ? 'P' : 'p'}{${property}}`;
    }
    if (c === 'Q' && !inClass) {
      const end = pattern.indexOf('\\E', i);
      const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
      i = end < 0 ? pattern.length : end + 2;
      return [...text].map(literal).join('');
    }
    if (/[0-9]/.test(c)) throw new Untranslatable(`\\${c}: backreferences and octal escapes are not RE2 syntax Skiff translates`);
    if (/[A-Za-z]/.test(c)) throw new Untranslatable(`invalid escape \\${c}`);
    // RE2 lets any punctuation be escaped; JavaScript's u mode allows only syntax characters.
    return literal(c);
  };

  const charClass = (): string => {
    let body = '';
    i += 1; // [
    if (pattern[i] === '^') {
      body += '^';
      i += 1;
    }
    let first = true;
    for (;;) {
      const ch = pattern[i];
      if (ch === undefined) throw new Untranslatable('missing closing ]');
      if (ch === ']' && !first) {
        i += 1;
        return `[${body}]`;
      }
      first = false;
      if (ch === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end >= 0) {
          let name = pattern.slice(i + 2, end);
          const negate = name.startsWith('^');
          if (negate) name = name.slice(1);
          const range = posixClasses[name];
          if (range === undefined) throw new Untranslatable(`invalid character class [:${name}:]`);
          if (negate) throw new Untranslatable(`negated POSIX class [:^${name}:] is not translated`);
          body += range;
          i = end + 2;
          continue;
        }
      }
      if (ch === '\\') {
        body += escape(true);
        continue;
      }
      // `-` keeps its meaning (a range) between two characters; `[` and others are literal.
      body += ch === '-' ? '-' : literal(ch);
      i += 1;
    }
  };

  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      out += escape(false);
    } else if (ch === '[') {
      out += charClass();
    } else if (ch === '(') {
      if (pattern[i + 1] !== '?') {
        out += '(';
        i += 1;
        continue;
      }
      const rest = pattern.slice(i + 2);
      if (rest.startsWith(':')) {
        out += '(?:';
        i += 3;
      } else if (rest.startsWith('P<')) {
        out += '(?<';
        i += 4;
      } else if (/^<[A-Za-z_]/.test(rest)) {
        out += '(?<';
        i += 3;
      } else if (/^(=|!|<=|<!)/.test(rest)) {
        throw new Untranslatable('lookahead and lookbehind are not RE2 syntax');
      } else if (/^[a-zA-Z-]+[:)]/.test(rest)) {
        throw new Untranslatable('inline flags are translated only at the very start of the pattern');
      } else {
        throw new Untranslatable('invalid or unsupported group (?');
      }
    } else if (ch === '{') {
      // A repetition, or a literal brace (RE2 treats a brace that starts no repetition as literal).
      const rep = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i));
      if (rep) {
        out += rep[0];
        i += rep[0].length;
      } else {
        out += '\\{';
        i += 1;
      }
    } else if (ch === '}') {
      out += '\\}';
      i += 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  return { source: out, flags: unicode ? `${flags}u` : flags };
}
