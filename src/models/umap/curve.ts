/**
 * The a, b of UMAP's low-dimensional similarity q(d) = 1 / (1 + a·d^(2b)), fitted by least squares
 * to the target curve that is 1 below `minDist` and exp(−(d − minDist) / spread) above it, sampled
 * at 300 points of [0, 3·spread] (McInnes, Healy & Melville 2018, §3.2; umap-learn's
 * `find_ab_params`, which calls scipy's Levenberg–Marquardt `curve_fit` from a = b = 1).
 * Float64, on the CPU: two parameters.
 */
export function fitAB(minDist: number, spread: number): { a: number; b: number } {
  const m = 300;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    xs[i] = (3 * spread * i) / (m - 1);
    ys[i] = xs[i] < minDist ? 1 : Math.exp(-(xs[i] - minDist) / spread);
  }
  const cost = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < m; i++) s += (1 / (1 + a * xs[i] ** (2 * b)) - ys[i]) ** 2;
    return s;
  };
  let [a, b] = [1, 1];
  let lambda = 1e-3;
  let current = cost(a, b);
  for (let iter = 0; iter < 500; iter++) {
    // Normal equations JᵀJ δ = −Jᵀr of the residuals r_i = q(x_i) − y_i.
    let [haa, hab, hbb, ga, gb] = [0, 0, 0, 0, 0];
    for (let i = 0; i < m; i++) {
      const x = xs[i];
      if (x === 0) continue; // q(0) = 1 whatever a, b: no derivative
      const p = x ** (2 * b);
      const den = (1 + a * p) ** 2;
      const r = 1 / (1 + a * p) - ys[i];
      const ja = -p / den;
      const jb = (-a * p * 2 * Math.log(x)) / den;
      haa += ja * ja; hab += ja * jb; hbb += jb * jb;
      ga += ja * r; gb += jb * r;
    }
    let improved = false;
    for (let tries = 0; tries < 30 && !improved; tries++) {
      const [daa, dbb] = [haa * (1 + lambda), hbb * (1 + lambda)];
      const det = daa * dbb - hab * hab;
      const da = (-ga * dbb + gb * hab) / det;
      const db = (-gb * daa + ga * hab) / det;
      const next = cost(a + da, b + db);
      if (Number.isFinite(next) && next <= current) {
        const change = Math.abs(da) + Math.abs(db);
        [a, b] = [a + da, b + db];
        const relative = (current - next) / Math.max(current, 1e-300);
        current = next;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (change < 1e-12 || relative < 1e-15) return { a, b };
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  return { a, b };
}
