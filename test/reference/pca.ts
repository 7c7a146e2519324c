/** Float64 PCA by full cyclic-Jacobi eigendecomposition of the sample covariance (n − 1). */
export function refPca(x: ArrayLike<number>, n: number, d: number): { values: Float64Array; vectors: Float64Array[]; mean: Float64Array; total: number } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  const a = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      const xr = x[i * d + r] - mean[r];
      for (let c = 0; c < d; c++) a[r * d + c] += (xr * (x[i * d + c] - mean[c])) / (n - 1);
    }
  }
  let total = 0;
  for (let j = 0; j < d; j++) total += a[j * d + j];
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) off += a[i * d + j] ** 2;
    if (off < 1e-28) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (a[p * d + q] === 0) continue;
        const th = 0.5 * Math.atan2(2 * a[p * d + q], a[q * d + q] - a[p * d + p]);
        const c = Math.cos(th);
        const s = Math.sin(th);
        for (let r = 0; r < d; r++) {
          const arp = a[r * d + p]; const arq = a[r * d + q];
          a[r * d + p] = c * arp - s * arq; a[r * d + q] = s * arp + c * arq;
        }
        for (let r = 0; r < d; r++) {
          const apr = a[p * d + r]; const aqr = a[q * d + r];
          a[p * d + r] = c * apr - s * aqr; a[q * d + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < d; r++) {
          const vrp = v[r * d + p]; const vrq = v[r * d + q];
          v[r * d + p] = c * vrp - s * vrq; v[r * d + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  return {
    values: Float64Array.from(order, (i) => a[i * d + i]),
    vectors: order.map((i) => Float64Array.from({ length: d }, (_, r) => v[r * d + i])),
    mean, total,
  };
}

/**
 * Largest principal angle (radians) between the row spaces of two [k, d] orthonormal bases:
 * acos of the smallest singular value of U·Vᵀ, found as the smallest eigenvalue of (UVᵀ)(UVᵀ)ᵀ by power iteration on its shift.
 */
export function largestPrincipalAngle(u: ArrayLike<number>[], v: ArrayLike<number>[], d: number): number {
  const k = u.length;
  const m = u.map((ui) => v.map((vj) => { let s = 0; for (let t = 0; t < d; t++) s += ui[t] * vj[t]; return s; }));
  const g = m.map((mi) => m.map((mj) => mi.reduce((s, x, t) => s + x * mj[t], 0)));
  // Smallest eigenvalue of g (symmetric, eigenvalues in [0, 1]) by power iteration on I − g.
  let x = Array.from({ length: k }, (_, i) => 1 + i * 0.01);
  let lam = 0;
  for (let it = 0; it < 2000; it++) {
    const y = x.map((xi, i) => xi - g[i].reduce((s, gij, j) => s + gij * x[j], 0));
    const norm = Math.hypot(...y);
    if (norm === 0) { lam = 0; break; }
    lam = norm / Math.hypot(...x);
    x = y.map((yi) => yi / norm);
  }
  const sigmaMin2 = Math.min(1, Math.max(0, 1 - lam));
  return Math.acos(Math.sqrt(sigmaMin2));
}
