// Float64 references for k-means steps and the silhouette.

/** Nearest centroid (lowest index on ties) and squared distance of each row of x [n, d]. */
export function assignRef(x: ArrayLike<number>, n: number, d: number, cent: ArrayLike<number>, k: number) {
  const labels = new Uint32Array(n);
  const dist = new Float64Array(n);
  const second = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let next = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - cent[c * d + j]) ** 2;
      if (s < best) { next = best; best = s; labels[i] = c; } else if (s < next) next = s;
    }
    dist[i] = best;
    second[i] = next;
  }
  return { labels, dist, second };
}

/** Cluster means (previous centroid for an empty cluster) and counts. */
export function updateRef(x: ArrayLike<number>, n: number, d: number, labels: ArrayLike<number>, prev: ArrayLike<number>, k: number) {
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let j = 0; j < d; j++) sums[c * d + j] += x[i * d + j];
  }
  const cent = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) cent[c * d + j] = counts[c] > 0 ? sums[c * d + j] / counts[c] : prev[c * d + j];
  }
  return { cent, counts };
}

/** Mean silhouette over all rows (scikit-learn's definition; 0 for singletons). */
export function silhouetteRef(x: ArrayLike<number>, n: number, d: number, labels: ArrayLike<number>): number {
  const k = Math.max(...Array.from(labels)) + 1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let q = 0; q < d; q++) s += (x[i * d + q] - x[j * d + q]) ** 2;
      sum[labels[j]] += Math.sqrt(s);
      cnt[labels[j]]++;
    }
    const own = labels[i];
    if (cnt[own] === 0) continue;
    const a = sum[own] / cnt[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c]);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/** Well-separated Gaussian blobs: `k` centres at distance ~`spread` apart, unit-variance noise. */
export function blobs(n: number, d: number, k: number, random: () => number, gauss: (r: () => number) => number, spread = 20) {
  const centres = new Float64Array(k * d);
  for (let i = 0; i < k * d; i++) centres[i] = (random() - 0.5) * 2 * spread;
  const x = new Float32Array(n * d);
  const labels = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    labels[i] = c;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[c * d + j] + gauss(random);
  }
  return { x, labels };
}

/** Plain Lloyd iterations in float64 from `init` until no label changes (or maxIter); final inertia. */
export function lloydRef(x: ArrayLike<number>, n: number, d: number, init: ArrayLike<number>, k: number, maxIter: number) {
  let cent = Float64Array.from(init);
  let labels = assignRef(x, n, d, cent, k).labels;
  for (let it = 0; it < maxIter; it++) {
    cent = updateRef(x, n, d, labels, cent, k).cent;
    const next = assignRef(x, n, d, cent, k).labels;
    const same = next.every((v, i) => v === labels[i]);
    labels = next;
    if (same) break;
  }
  const { dist } = assignRef(x, n, d, cent, k);
  return { labels, cent, inertia: dist.reduce((a, b) => a + b, 0) };
}
