// Go's time.ParseDuration rows (src/time/time_test.go parseDurationTests) and Prow's Duration.
import { describe, expect, it } from 'vitest';
import { parseGoDuration, parseProwDuration } from '../../../shared/jobs/config/duration.js';

describe('parseGoDuration (Go time.ParseDuration)', () => {
  it.each([
    ['0', 0],
    ['5s', 5000],
    ['30s', 30_000],
    ['1478s', 1_478_000],
    ['-5s', -5000],
    ['+5s', 5000],
    ['-0', 0],
    ['+0', 0],
    ['5.0s', 5000],
    ['5.6s', 5600],
    ['5.s', 5000],
    ['.5s', 500],
    ['1.0s', 1000],
    ['1.00s', 1000],
    ['1.004s', 1004],
    ['100.00100s', 100_001],
    ['10ns', 0.00001],
    ['11us', 0.011],
    ['12µs', 0.012],
    ['12μs', 0.012],
    ['13ms', 13],
    ['14s', 14_000],
    ['15m', 900_000],
    ['16h', 57_600_000],
    ['3h30m', 12_600_000],
    ['10.5s4m', 250_500],
    ['-2m3.4s', -123_400],
    ['1h2m3s4ms5us6ns', 3_723_004.005006],
    ['39h9m14.425s', 140_954_425],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
  ])('%s', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6);
  });

  it.each([
    ['', 'time: invalid duration ""'],
    ['3', 'time: missing unit in duration "3"'],
    ['-', 'time: invalid duration "-"'],
    ['s', 'time: invalid duration "s"'],
    ['.', 'time: invalid duration "."'],
    ['-.', 'time: invalid duration "-."'],
    ['.s', 'time: invalid duration ".s"'],
    ['+.s', 'time: invalid duration "+.s"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['hello', 'time: invalid duration "hello"'],
    ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
  ])('%j is refused with Go\'s message', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(message);
  });
});

describe("parseProwDuration (Prow's Duration: a string or nanoseconds)", () => {
  it.each([
    ['2h', 7_200_000],
    [7_200_000_000_000, 7_200_000],
    [15_000_000_000, 15_000],
    ['4h0m0s', 14_400_000],
  ] as const)('%j', (value, ms) => {
    expect(parseProwDuration(value)).toBe(ms);
  });

  it.each([[true], [1.5], [null]])('%j is refused', (value) => {
    expect(() => parseProwDuration(value)).toThrow(/expected a duration/);
  });
});
