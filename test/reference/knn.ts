/** Float64 brute-force k nearest neighbours by squared Euclidean distance, ties by lower index. */
export function refKnn(data: ArrayLike<number>, n: number, queries: ArrayLike<number>, m: number, d: number,
  k: number, self: boolean): { indices: Int32Array; distances: Float64Array } {
  const indices = new Int32Array(m * k);
  const distances = new Float64Array(m * k);
  const dist = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) { const t = queries[i * d + c] - data[j * d + c]; s += t * t; }
      dist[j] = s;
      order[j] = j;
    }
    const cand = Array.from(order).filter((j) => !(self && j === i));
    cand.sort((a, b) => dist[a] - dist[b] || a - b);
    for (let t = 0; t < k; t++) { indices[i * k + t] = cand[t]; distances[i * k + t] = dist[cand[t]]; }
  }
  return { indices, distances };
}

/** Squared distance between row i of a and row j of b (float64). */
export function sqDist(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) { const t = a[i * d + c] - b[j * d + c]; s += t * t; }
  return s;
}
