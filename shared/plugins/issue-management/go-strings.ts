// Go's string functions that Prow's issue-management leans on, where JavaScript's differ: which
// characters are white space (Go's unicode.IsSpace has U+0085 and not U+FEFF), how strconv.Atoi
// reads a number (a sign, decimal digits, 64 bits), and how sort.Strings orders (by UTF-8 bytes,
// not UTF-16 code units).

const goSpace = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const goSpaceEdges = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** strings.Fields. */
export function goFields(s: string): string[] {
  return s.split(goSpace).filter((f) => f !== '');
}

/** strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  return s.replace(goSpaceEdges, '');
}

const int64Max = 2n ** 63n - 1n;
const int64Min = -(2n ** 63n);

/** strconv.Atoi on a 64-bit platform: `+7`, `-3` and `007` are numbers; `7a`, `0x7`, `1_000` are not. */
export function goAtoi(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n > int64Max || n < int64Min ? undefined : n;
}

/** sort.Strings' order. */
export function goCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
