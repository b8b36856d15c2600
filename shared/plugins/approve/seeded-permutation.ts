// A seeded permutation, so the approvers suggested on a pull request rotate between pull requests
// but stay the same on every run for one pull request (Prow seeds with the PR number:
// rand.New(rand.NewSource(seed)).Perm(n)). The generator is mulberry32, a small well-known 32-bit
// PRNG (https://gist.github.com/tommyettinger/46a874533244883189143505d203312c); Go's exact
// sequence would need its 607-word seeded table, and only determinism matters here.

/** A function returning floats in [0, 1), the same sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let state = seedToUint32(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Folds an integer seed (Go's int64; here any safe integer) into 32 bits, keeping its high half. */
function seedToUint32(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return (low ^ Math.imul(high, 0x9e3779b9)) >>> 0;
}

/** A permutation of 0..n-1, built the way Go's rand.Perm builds it (inside-out Fisher-Yates). */
export function seededPermutation(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  const m = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(random() * (i + 1));
    m[i] = m[j] ?? 0;
    m[j] = i;
  }
  return m;
}
