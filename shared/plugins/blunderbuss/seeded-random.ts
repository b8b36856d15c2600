// Random numbers from a seed, so blunderbuss picks the same reviewers every time it runs for one
// pull request: a retry after a partial failure must make the same request (the write journal
// matches writes by what they are), where Prow draws from math/rand. Each number is the first 48
// bits of SHA-256(seed, counter): slow next to a PRNG, but a pick needs a handful of them and
// any string is a seed without folding it into 32 bits.
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
