import { describe, expect, it } from 'vitest';
import { compileRe2, Re2SyntaxError } from '../../shared/jobs/re2.js';

describe('compileRe2', () => {
  it.each([
    { name: 'unanchored, as Go MatchString', source: 'unit', text: 'run unit tests', match: true },
    { name: 'Prow default trigger matches /test <job>', source: '(?m)^/test( | .* )unit,?($|\\s.*)', text: 'lgtm\n/test unit', match: true },
    { name: 'default trigger does not match a longer job name', source: '(?m)^/test( | .* )unit,?($|\\s.*)', text: '/test units', match: false },
    { name: '(?m) inside an alternation (knative), which RegExp cannot compile', source: '(?m)^/test( | .* )a,?($|\\s.*)|(?m)^/test all', text: '/test all', match: true },
    { name: 'anchored branch pattern', source: '^(?:release-.*)$', text: 'release-1.2', match: true },
  ])('$name', ({ source, text, match }) => {
    expect(compileRe2(source).test(text)).toBe(match);
  });

  it.each(['(a', 'a(?=b)', '\\1'])('refuses %s with Go’s message', (source) => {
    expect(() => compileRe2(source)).toThrow(Re2SyntaxError);
    expect(() => compileRe2(source)).toThrow(/error parsing regexp/);
  });
});
