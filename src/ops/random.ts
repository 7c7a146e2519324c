// Seeded CPU randomness shared by the models (initialisations, sampling, random projections).

/** Mulberry32: a small seeded generator, so the same seed gives the same result everywhere. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct integers from [0, n), in random order (partial Fisher–Yates over a sparse map). */
export function sampleWithoutReplacement(n: number, count: number, random: () => number): Uint32Array {
  const out = new Uint32Array(count);
  const swapped = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    const vj = swapped.get(j) ?? j;
    out[i] = vj;
    swapped.set(j, swapped.get(i) ?? i);
  }
  return out;
}
