// Which webhook secret an unauthenticated body claims: its top-level `repository.full_name`, or
// `organization.login` for org-level events. Read before the signature is checked, so it must
// cost little for any input at all: a single pass over the bytes with no recursion and no
// parsing of anything but the short strings it compares. A full JSON.parse of a 6 MB body of
// nested arrays takes a second of CPU, which is what a bad-signature flood would buy.
//
// The pass gives the event loop back every `sliceBytes`, so a flood of large bodies is
// interleaved with other requests instead of holding the process for the whole of each body.
//
// The receiver parses the body properly once the signature holds and refuses the event when the
// parsed fields name another repository (duplicate keys, escaped key names): this scan only
// picks the secret, it never decides what the event acts on.
import { setImmediate as nextTurn } from 'node:timers/promises';

const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;
const comma = 0x2c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/** Bytes scanned between two turns of the event loop (about a millisecond of work). */
export const sliceBytes = 256 * 1024;

const isSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

class Scanner {
  i = 0;
  private yieldAt = sliceBytes;
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

  /** Index after the closing quote of the string starting at `from`, or -1. */
  private stringEnd(from: number): number {
    const { bytes } = this;
    for (let q = bytes.indexOf(quote, from + 1); q !== -1; q = bytes.indexOf(quote, q + 1)) {
      // A quote preceded by an odd number of backslashes is escaped.
      let escapes = 0;
      while (bytes[q - 1 - escapes] === backslash) escapes++;
      if (escapes % 2 === 0) return q + 1;
    }
    return -1;
  }

  /** A JSON string at the cursor, decoded (escapes and all); undefined if there is none. */
  string(): string | undefined {
    if (this.peek() !== quote) return undefined;
    const start = this.i;
    const end = this.stringEnd(start);
    if (end === -1) return undefined;
    this.i = end;
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
    // Only a string with escapes needs decoding; the keys and names looked for have none.
    if (!text.includes('\\')) return text.slice(1, -1);
    try {
      return JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }

  /** Moves past any value, however deeply nested, with a depth counter instead of recursion. */
  async skipValue(): Promise<boolean> {
    const { bytes } = this;
    let depth = 0;
    let i = this.i;
    while (i < bytes.length) {
      if (i >= this.yieldAt) {
        this.yieldAt = i + sliceBytes;
        await nextTurn();
      }
      const byte = bytes[i];
      if (byte === quote) {
        i = this.stringEnd(i);
        if (i === -1) return false;
        if (depth === 0) break;
      } else if (byte === openBrace || byte === openBracket) {
        depth++;
        i++;
      } else if (byte === closeBrace || byte === closeBracket) {
        // At depth 0 this closes the enclosing object: a number, true, false or null just ended.
        if (depth === 0) break;
        depth--;
        i++;
        if (depth === 0) break;
      } else if (depth === 0 && byte === comma) {
        break;
      } else {
        i++;
      }
    }
    this.i = i;
    return i < bytes.length;
  }

  /**
   * Walks the members of the object at the cursor, calling `member` with the cursor on each
   * value; `member` consumes the value (resolving true) or leaves it to be skipped (false).
   */
  async members(member: (key: string) => Promise<boolean> | boolean): Promise<boolean> {
    if (!this.expect(openBrace)) return false;
    if (this.expect(closeBrace)) return true;
    for (;;) {
      const key = this.string();
      if (key === undefined || !this.expect(colon)) return false;
      if (!(await member(key)) && !(await this.skipValue())) return false;
      if (this.expect(comma)) continue;
      return this.expect(closeBrace);
    }
  }

  /**
   * The string member `field` of the object at the cursor, which it consumes; the last one
   * wins, as in JSON.parse. `ok` is false for a malformed object.
   */
  async field(field: string): Promise<{ ok: boolean; value?: string }> {
    let value: string | undefined;
    const ok = await this.members((key) => {
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
export async function secretSelectorOf(body: Uint8Array): Promise<string> {
  const scanner = new Scanner(body);
  let repository: string | undefined;
  let organization: string | undefined;
  // Every occurrence overwrites the last, whatever its type, as JSON.parse would.
  const ok = await scanner.members(async (key) => {
    if (key !== 'repository' && key !== 'organization') return false;
    let value: string | undefined;
    let consumed = false;
    if (scanner.peek() === openBrace) {
      const found = await scanner.field(key === 'repository' ? 'full_name' : 'login');
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
