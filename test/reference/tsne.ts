// Float64 references for t-SNE: the gradient over a sparse P and all pairs, row entropies, and the
// quality measures used by the tests (kNN accuracy, cluster separation).

export interface CsrP { rowPtr: ArrayLike<number>; colIdx: ArrayLike<number>; val: ArrayLike<number> }

/** ∂KL/∂y = 4 Σ_j (p_ij − K_ij/Z) K_ij (y_i − y_j), K = 1/(1+d²), exact over all pairs; also KL. */
export function tsneGradient(y: ArrayLike<number>, n: number, dims: number, p: CsrP, exaggeration = 1): { grad: Float64Array; kl: number; z: number } {
  const grad = new Float64Array(n * dims);
  const rep = new Float64Array(n * dims);
  let z = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let d2 = 0;
      for (let d = 0; d < dims; d++) d2 += (y[i * dims + d] - y[j * dims + d]) ** 2;
      const k = 1 / (1 + d2);
      z += k;
      for (let d = 0; d < dims; d++) rep[i * dims + d] += k * k * (y[i * dims + d] - y[j * dims + d]);
    }
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) {
      const j = p.colIdx[e];
      let d2 = 0;
      for (let d = 0; d < dims; d++) d2 += (y[i * dims + d] - y[j * dims + d]) ** 2;
      const k = 1 / (1 + d2);
      const pij = p.val[e];
      if (pij > 0) kl += pij * Math.log(pij / (k / z));
      for (let d = 0; d < dims; d++) grad[i * dims + d] += 4 * exaggeration * pij * k * (y[i * dims + d] - y[j * dims + d]);
    }
    for (let d = 0; d < dims; d++) grad[i * dims + d] -= (4 * rep[i * dims + d]) / z;
  }
  return { grad, kl, z };
}

/** Entropy (natural log) of each row of a row-stochastic [n, k] matrix. */
export function rowEntropies(p: ArrayLike<number>, n: number, k: number): Float64Array {
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) { const v = p[i * k + j]; if (v > 0) s -= v * Math.log(v); }
    h[i] = s;
  }
  return h;
}

/** Brute-force kNN (squared Euclidean, self excluded, ascending, ties by index). */
export function bruteKnn(x: ArrayLike<number>, n: number, d: number, k: number): { indices: Uint32Array; distances: Float32Array } {
  const indices = new Uint32Array(n * k);
  const distances = new Float32Array(n * k);
  const dist = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (x[i * d + c] - x[j * d + c]) ** 2;
      dist[j] = j === i ? Infinity : s;
    }
    order.sort((a, b) => dist[a] - dist[b] || a - b);
    for (let t = 0; t < k; t++) { indices[i * k + t] = order[t]; distances[i * k + t] = dist[order[t]]; }
  }
  return { indices, distances };
}

/** Leave-one-out k-NN classification accuracy of an embedding (majority vote, ties to the nearest). */
export function knnAccuracy(y: ArrayLike<number>, n: number, dims: number, labels: ArrayLike<number>, k = 10): number {
  const { indices } = bruteKnn(y, n, dims, k);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const votes = new Map<number, number>();
    let best = labels[indices[i * k]];
    let bestVotes = 0;
    for (let t = 0; t < k; t++) {
      const l = labels[indices[i * k + t]];
      const v = (votes.get(l) ?? 0) + 1;
      votes.set(l, v);
      if (v > bestVotes) { bestVotes = v; best = l; }
    }
    if (best === labels[i]) correct++;
  }
  return correct / n;
}
