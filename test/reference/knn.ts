/** Float64 brute-force k nearest neighbours by squared Euclidean distance, ties by lower index. */
export function refKnn(data: ArrayLike<number>, n: number, queries: ArrayLike<number>, m: number, d: number,
  k: number, self: boolean): { indices: Int32Array; distances: Float64Array } {
  const indices = new Int32Array(m * k);
  const distances = new Float64Array(m * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < m; i++) {
    let count = 0;
    for (let j = 0; j < n; j++) {
      if (self && j === i) continue;
      let s = 0;
      for (let c = 0; c < d; c++) { const t = queries[i * d + c] - data[j * d + c]; s += t * t; }
      // Insertion into the sorted best-k list; j increases, so an equal distance goes after.
      if (count === k && s >= bestD[k - 1]) continue;
      let p = count < k ? count++ : k - 1;
      while (p > 0 && bestD[p - 1] > s) { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p--; }
      bestD[p] = s;
      bestI[p] = j;
    }
    indices.set(bestI, i * k);
    distances.set(bestD, i * k);
  }
  return { indices, distances };
}

/** Squared distance between row i of a and row j of b (float64). */
export function sqDist(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) { const t = a[i * d + c] - b[j * d + c]; s += t * t; }
  return s;
}
