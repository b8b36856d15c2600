// "Did you mean …" for a plugin name or key that nothing knows: the closest known name within a
// small edit distance. Names are short (under 40 characters) and the lists under 150, so the
// plain dynamic-programming distance is cheap enough not to need a dependency.

/** Levenshtein distance (insertions, deletions, substitutions), giving up above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, current[j]!);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known name closest to `name`, if one is within 2 edits (1 for names under four letters), or differs only in case, or in
 * `-` / `_`, which Prow's names mix: `config-updater` the plugin, `config_updater` its key.
 */
export function closest(name: string, known: Iterable<string>): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  // Two edits turn any three-letter word into many others; one is enough to catch a typo there.
  const max = name.length < 4 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === name) continue;
    const distance = fold(candidate) === fold(name) ? 0 : editDistance(name, candidate, max);
    if (distance <= max && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}
