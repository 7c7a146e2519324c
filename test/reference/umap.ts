// Float64 references for UMAP, written after umap-learn's `smooth_knn_dist`,
// `compute_membership_strengths` and `fuzzy_simplicial_set`: here the kNN rows include the point
// itself as column 0 (distance 0), as umap-learn's do, so these check the conventions the GPU
// code reproduces without that column.

const SMOOTH_K_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/** ρ and σ per row of `dist` [n, kk] (actual distances, column 0 the point itself). */
export function smoothKnnDist(dist: Float64Array, n: number, kk: number, localConnectivity: number, skip = 1): { rho: Float64Array; sigma: Float64Array } {
  const target = Math.log2(kk);
  const rho = new Float64Array(n);
  const sigma = new Float64Array(n);
  let mean = 0;
  for (const v of dist) mean += v;
  mean /= dist.length;
  for (let i = 0; i < n; i++) {
    const row = Array.from(dist.subarray(i * kk, (i + 1) * kk));
    const nz = row.filter((v) => v > 0);
    if (nz.length >= localConnectivity) {
      const index = Math.floor(localConnectivity);
      const interpolation = localConnectivity - index;
      if (index > 0) {
        rho[i] = nz[index - 1];
        if (interpolation > SMOOTH_K_TOLERANCE) rho[i] += interpolation * (nz[index] - nz[index - 1]);
      } else {
        rho[i] = interpolation * nz[0];
      }
    } else if (nz.length > 0) {
      rho[i] = Math.max(...nz);
    }
    let [lo, hi, mid] = [0, Infinity, 1];
    for (let it = 0; it < 64; it++) {
      let psum = 0;
      for (let j = skip; j < kk; j++) {
        const d = row[j] - rho[i];
        psum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_K_TOLERANCE) break;
      if (psum > target) { hi = mid; mid = (lo + hi) / 2; } else { lo = mid; mid = hi === Infinity ? mid * 2 : (lo + hi) / 2; }
    }
    sigma[i] = mid;
    const rowMean = row.reduce((a, b) => a + b, 0) / kk;
    if (rho[i] > 0) sigma[i] = Math.max(sigma[i], MIN_K_DIST_SCALE * rowMean);
    else sigma[i] = Math.max(sigma[i], MIN_K_DIST_SCALE * mean);
  }
  return { rho, sigma };
}

/**
 * The symmetric fuzzy graph as a map "i,j" → weight, both directions present, from kNN rows
 * `indices`/`dist` [n, kk] whose column 0 is the point itself.
 */
export function fuzzySimplicialSet(indices: Uint32Array, dist: Float64Array, n: number, kk: number,
  localConnectivity: number, mix: number): { graph: Map<string, number>; rho: Float64Array; sigma: Float64Array } {
  const { rho, sigma } = smoothKnnDist(dist, n, kk, localConnectivity);
  const a = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) {
      const j = indices[i * kk + t];
      if (j === i) continue;
      const d = dist[i * kk + t] - rho[i];
      a.set(`${i},${j}`, d <= 0 || sigma[i] === 0 ? 1 : Math.exp(-d / sigma[i]));
    }
  }
  const graph = new Map<string, number>();
  for (const [key, w] of a) {
    const [i, j] = key.split(',');
    const wt = a.get(`${j},${i}`) ?? 0;
    const v = mix * (w + wt - w * wt) + (1 - mix) * w * wt;
    if (v > 0) { graph.set(key, v); graph.set(`${j},${i}`, v); }
  }
  return { graph, rho, sigma };
}

/** log q(y_i, y_j) with q = 1/(1 + a‖y_i − y_j‖^(2b)): UMAP's attractive log-likelihood. */
export function logQ(yi: ArrayLike<number>, yj: ArrayLike<number>, a: number, b: number): number {
  let d2 = 0;
  for (let d = 0; d < yi.length; d++) d2 += (yi[d] - yj[d]) ** 2;
  return -Math.log(1 + a * d2 ** b);
}

/** log(1 − q): UMAP's repulsive log-likelihood. */
export function logOneMinusQ(yi: ArrayLike<number>, yj: ArrayLike<number>, a: number, b: number): number {
  let d2 = 0;
  for (let d = 0; d < yi.length; d++) d2 += (yi[d] - yj[d]) ** 2;
  const p = a * d2 ** b;
  return Math.log(p / (1 + p));
}

/** Central finite differences of f with respect to y (float64). */
export function numericGradient(f: (y: Float64Array) => number, y: ArrayLike<number>, h = 1e-6): Float64Array {
  const g = new Float64Array(y.length);
  const at = Float64Array.from(y);
  for (let d = 0; d < y.length; d++) {
    const keep = at[d];
    at[d] = keep + h; const up = f(at);
    at[d] = keep - h; const down = f(at);
    at[d] = keep;
    g[d] = (up - down) / (2 * h);
  }
  return g;
}

/** The dense normalised Laplacian I − D^(−1/2) A D^(−1/2) of a CSR graph (float64). */
export function normalisedLaplacian(n: number, rowPtr: ArrayLike<number>, cols: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) deg[i] += w[e];
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    l[i * n + i] = 1;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) l[i * n + cols[e]] -= w[e] / Math.sqrt(deg[i] * deg[cols[e]]);
  }
  return l;
}
