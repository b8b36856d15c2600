// Job regexes compiled once per source text. Kubernetes' job config repeats the same patterns
// hundreds of times (`release-\d+.\d+`, `^master$`), and a config reload after a push compiles the
// same ones again; a compiled pattern is immutable, so one object serves every job and every load.
import { compileRe2, Re2SyntaxError } from '../re2.js';
import type { Re2Pattern } from '../types.js';

const cache = new Map<string, Re2Pattern | Re2SyntaxError>();
/** Patterns kept; past it the cache starts over (a config changing for days should not grow memory). */
const maxEntries = 20_000;

/** compileRe2, remembered by source; throws the same Re2SyntaxError again for the same bad source. */
export function cachedRe2(source: string): Re2Pattern {
  let hit = cache.get(source);
  if (!hit) {
    try {
      hit = compileRe2(source);
    } catch (error) {
      if (!(error instanceof Re2SyntaxError)) throw error;
      hit = error;
    }
    if (cache.size >= maxEntries) cache.clear();
    cache.set(source, hit);
  }
  if (hit instanceof Re2SyntaxError) throw hit;
  return hit;
}
