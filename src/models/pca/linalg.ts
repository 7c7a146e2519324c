/**
 * Small dense float64 linear algebra on the CPU for the PCA's subspace iteration: the GPU does the
 * d×d by d×p products, these handle the d×p block (QR) and the p×p Rayleigh–Ritz problem, with p
 * the block size (components + oversampling), small enough that float64 on the CPU costs nothing.
 * Matrices are row-major Float64Arrays.
 */

/**
 * Orthonormalises the columns of a [rows, cols] matrix in place: modified Gram–Schmidt run twice
 * ("twice is enough", Giraud et al. 2005) so the result is orthonormal to rounding even when the
 * columns are nearly dependent. A column that collapses is replaced by a fresh direction from `rand`.
 */
export function orthonormalizeColumns(a: Float64Array, rows: number, cols: number, rand: () => number): void {
  for (let j = 0; j < cols; j++) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = columnNorm(a, rows, cols, j);
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          let dot = 0;
          for (let r = 0; r < rows; r++) dot += a[r * cols + i] * a[r * cols + j];
          for (let r = 0; r < rows; r++) a[r * cols + j] -= dot * a[r * cols + i];
        }
      }
      const norm = columnNorm(a, rows, cols, j);
      if (norm > 1e-10 * Math.max(before, 1e-300)) {
        for (let r = 0; r < rows; r++) a[r * cols + j] /= norm;
        break;
      }
      for (let r = 0; r < rows; r++) a[r * cols + j] = rand() - 0.5;
    }
  }
}

function columnNorm(a: Float64Array, rows: number, cols: number, j: number): number {
  let s = 0;
  for (let r = 0; r < rows; r++) s += a[r * cols + j] ** 2;
  return Math.sqrt(s);
}

/**
 * Eigendecomposition of a symmetric [p, p] matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * §8.5): eigenvalues in decreasing order and eigenvectors as the columns of a [p, p] matrix.
 */
export function symmetricEigen(h: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(h);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < p; i++) {
      diag += a[i * p + i] ** 2;
      for (let j = i + 1; j < p; j++) off += a[i * p + j] ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j];
        if (aij === 0) continue;
        const theta = (a[j * p + j] - a[i * p + i]) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < p; r++) {
          const ari = a[r * p + i];
          const arj = a[r * p + j];
          a[r * p + i] = c * ari - s * arj;
          a[r * p + j] = s * ari + c * arj;
        }
        for (let r = 0; r < p; r++) {
          const air = a[i * p + r];
          const ajr = a[j * p + r];
          a[i * p + r] = c * air - s * ajr;
          a[j * p + r] = s * air + c * ajr;
        }
        for (let r = 0; r < p; r++) {
          const vri = v[r * p + i];
          const vrj = v[r * p + j];
          v[r * p + i] = c * vri - s * vrj;
          v[r * p + j] = s * vri + c * vrj;
        }
      }
    }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => a[y * p + y] - a[x * p + x]);
  const values = Float64Array.from(order, (i) => a[i * p + i]);
  const vectors = new Float64Array(p * p);
  order.forEach((src, dst) => { for (let r = 0; r < p; r++) vectors[r * p + dst] = v[r * p + src]; });
  return { values, vectors };
}

/** [m, n] = [m, q] · [q, n]. */
export function matMul(a: Float64Array, b: Float64Array, m: number, q: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < q; t++) {
      const ait = a[i * q + t];
      if (ait === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += ait * b[t * n + j];
    }
  }
  return c;
}

/** [q, n] = [m, q]ᵀ · [m, n]. */
export function matTMul(a: Float64Array, b: Float64Array, m: number, q: number, n: number): Float64Array {
  const c = new Float64Array(q * n);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < q; i++) {
      const ari = a[r * q + i];
      for (let j = 0; j < n; j++) c[i * n + j] += ari * b[r * n + j];
    }
  }
  return c;
}
