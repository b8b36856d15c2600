// Which webhook secret an unauthenticated body claims: its top-level `repository.full_name`, or
// `organization.login` for org-level events. Read before the signature is checked, so it must
// cost little for any input at all: a single pass over the bytes with no recursion and no
// parsing of anything but the two short strings it looks for. A full JSON.parse of a 6 MB body
// of nested arrays takes a second of CPU, which is what a bad-signature flood would buy.
//
// The receiver parses the body properly once the signature holds and refuses the event when
// the parsed fields name another repository (duplicate keys, escaped key names): this scan only
// picks the secret, it never decides what the event acts on.

const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;
const comma = 0x2c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

class Scanner {
  i = 0;
  constructor(private readonly bytes: Uint8Array) {}

  peek(): number | undefined {
    while (isSpace(this.bytes[this.i])) this.i++;
    return this.bytes[this.i];
  }

  expect(byte: number): boolean {
    if (this.peek() !== byte) return false;
    this.i++;
    return true;
  }

  /** A JSON string at the cursor, decoded (escapes and all); undefined if there is none. */
  string(): string | undefined {
    if (this.peek() !== quote) return undefined;
    const start = this.i;
    const end = this.skipString();
    if (end === undefined) return undefined;
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
    // Only a string with escapes needs decoding; the keys and names looked for have none.
    if (!text.includes('\\')) return text.slice(1, -1);
    try {
      return JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }

  /** Moves past the string at the cursor; returns the index after its closing quote. */
  private skipString(): number | undefined {
    const { bytes } = this;
    for (let i = this.i + 1; i < bytes.length; i++) {
      if (bytes[i] === backslash) i++;
      else if (bytes[i] === quote) return (this.i = i + 1);
    }
    return undefined;
  }

  /** Moves past any value, however deeply nested, with a depth counter instead of recursion. */
  skipValue(): boolean {
    let depth = 0;
    for (;;) {
      const byte = this.peek();
      if (byte === undefined) return false;
      if (byte === quote) {
        if (this.skipString() === undefined) return false;
        if (depth === 0) return true;
      } else if (byte === openBrace || byte === openBracket) {
        depth++;
        this.i++;
      } else if (byte === closeBrace || byte === closeBracket) {
        // At depth 0 this closes the enclosing object: a number, true, false or null just ended.
        if (depth === 0) return true;
        depth--;
        this.i++;
        if (depth === 0) return true;
      } else if (depth === 0 && byte === comma) {
        return true;
      } else {
        this.i++;
      }
    }
  }

  /**
   * Walks the members of the object at the cursor, calling `member` with the cursor on each
   * value; `member` consumes the value (or returns false to have it skipped).
   */
  members(member: (key: string) => boolean): boolean {
    if (!this.expect(openBrace)) return false;
    if (this.expect(closeBrace)) return true;
    for (;;) {
      const key = this.string();
      if (key === undefined || !this.expect(colon)) return false;
      if (!member(key) && !this.skipValue()) return false;
      if (this.expect(comma)) continue;
      return this.expect(closeBrace);
    }
  }

  /**
   * The string member `field` of the object at the cursor, which it consumes; the last one
   * wins, as in JSON.parse. `ok` is false for a malformed object.
   */
  field(field: string): { ok: boolean; value?: string } {
    let value: string | undefined;
    const ok = this.members((key) => {
      if (key !== field) return false;
      value = this.peek() === quote ? this.string() : undefined;
      return value !== undefined;
    });
    return { ok, value };
  }
}

/**
 * `owner/repo` from `repository.full_name`, else the `organization.login`, else '' — the key
 * of the webhook secret the body claims. Malformed input gives '' (and then, almost surely, a
 * signature that does not verify).
 */
export function secretSelectorOf(body: Uint8Array): string {
  const scanner = new Scanner(body);
  let repository: string | undefined;
  let organization: string | undefined;
  // Every occurrence overwrites the last, whatever its type, as JSON.parse would.
  const ok = scanner.members((key) => {
    if (key !== 'repository' && key !== 'organization') return false;
    let value: string | undefined;
    let consumed = false;
    if (scanner.peek() === openBrace) {
      const found = scanner.field(key === 'repository' ? 'full_name' : 'login');
      if (!found.ok) return false;
      value = found.value;
      consumed = true;
    }
    if (key === 'repository') repository = value;
    else organization = value;
    return consumed;
  });
  if (!ok) return '';
  return repository || organization || '';
}
