// Random choices from a seed, so a plugin makes the same choice every time it runs for one pull
// request: a retry after a partial failure must make the same writes (the write journal matches
// writes by what they are), and a second `/auto-cc` asks the same people. Prow draws from Go's
// math/rand (seeded with the PR number in approve, unseeded in blunderbuss); Go's exact sequence
// would need its 607-word seeded table, and only determinism matters here. Each number is the
// first 48 bits of SHA-256(seed, counter): slower than a PRNG, but a choice needs a handful of
// them, and any string is a seed without folding it into 32 bits.
import { createHash } from 'node:crypto';

/** Floats in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: string): () => number {
  let counter = 0;
  return () => {
    const digest = createHash('sha256').update(`${seed}\0${counter++}`).digest();
    return digest.readUIntBE(0, 6) / 2 ** 48;
  };
}

/** An index into `weights`, each chosen with a chance proportional to its weight (all must be positive). */
export function weightedIndex(weights: readonly number[], random: () => number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (!(total > 0)) throw new RangeError('weightedIndex needs at least one positive weight');
  let point = random() * total;
  for (let i = 0; i < weights.length; i++) {
    point -= weights[i]!;
    if (point < 0) return i;
  }
  // Only floating-point rounding gets here: the last candidate with a weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return weights.length - 1;
}

/**
 * A permutation of 0..n-1 for an integer seed (Prow's approve: `rand.New(rand.NewSource(seed)).Perm(n)`),
 * built the way Go's rand.Perm builds it (inside-out Fisher-Yates).
 */
export function seededPermutation(n: number, seed: number): number[] {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const random = seededRandom(`perm:${seed}`);
  const m = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(random() * (i + 1));
    m[i] = m[j] ?? 0;
    m[j] = i;
  }
  return m;
}
