// Go's time.ParseDuration, which Prow uses for `interval`, `minimum_interval`,
// `sinker.max_prowjob_age` and `decoration_config.timeout`: `1h30m`, `24h`, `1.5h`, `300ms`.
// There is no day unit (`1d` is an error in Go, so it is one here), and the messages are Go's,
// so a checkconfig line reads as Prow's would.

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export class DurationError extends Error {
  override name = 'DurationError';
}

/** Go's quote(): the text in double quotes, as Go's errors print it. */
const quote = (s: string) => JSON.stringify(s);

/** Milliseconds (fractions allowed, as Go keeps nanoseconds); throws DurationError with Go's message. */
export function parseGoDuration(text: string): number {
  const invalid = () => new DurationError(`time: invalid duration ${quote(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  // Go: "0" is the only duration that may leave out its unit.
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const [whole = '', int = '', frac] = number;
    // Go needs a digit before or after the dot: ".5h" is fine, "." is not.
    if (int === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(whole.length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === '') throw new DurationError(`time: missing unit in duration ${quote(text)}`);
    const scale = unitMs[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit ${quote(unit)} in duration ${quote(text)}`);
    s = s.slice(unit.length);
    total += Number(`${int || '0'}.${frac ?? ''}0`) * scale;
  }
  // Go's int64 nanoseconds overflow past about 292 years.
  if (total * 1e6 > 9_223_372_036_854_775_807) throw invalid();
  return sign * total;
}

/**
 * Prow's `Duration` type (decoration_config.timeout, grace_period): a Go duration string, or an
 * integer number of nanoseconds (`timeout: 7200000000000 # 2h` in jetstack's and GCP's configs).
 */
export function parseProwDuration(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value / 1e6;
  if (typeof value === 'string') return parseGoDuration(value);
  throw new DurationError(`expected a duration such as "2h" or a number of nanoseconds, got ${describeValue(value)}`);
}

export const describeValue = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value === 'string' ? `"${value}"` : String(value);
