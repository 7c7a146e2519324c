import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { matmul } from '../../ops/matmul.js';
import { seededRandom } from '../../ops/random.js';
import { centredRows, sumOfSquares } from './covariance.js';
import { orthonormalizeColumns, symmetricEigen } from './linalg.js';
import { topEigenpairs, type EigenOptions } from './subspace.js';

/**
 * Up to this many rows G is solved outright (Jacobi in float64 on the CPU, 0.1 s at 128 rows, 0.6 s
 * at 256): subspace iteration on a flat spectrum can need a hundred rounds for the same answer.
 */
const DIRECT_MAX = 256;

/** Top-k eigenpairs of the small symmetric [n, n] tensor `gram`, eigenvectors as rows [k, n]. */
async function directEigenpairs(gram: Tensor, k: number, o: EigenOptions): Promise<{ values: Float64Array; vectors: Float64Array; iterations: number }> {
  const n = gram.rows;
  const g = Float64Array.from(await gram.read());
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const v = (g[i * n + j] + g[j * n + i]) / 2; g[i * n + j] = v; g[j * n + i] = v; }
  const { values, vectors } = symmetricEigen(g, n);
  const rows = new Float64Array(k * n);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) rows[j * n + i] = vectors[i * n + j];
  o.onProgress?.(1, 1);
  return { values: values.slice(0, k), vectors: rows, iterations: 1 };
}

/**
 * PCA of wide data (fewer rows than columns) through the n×n Gram matrix G = Xc·Xcᵀ / (n − 1):
 * G and the covariance share their nonzero eigenvalues, and each eigenvector u of G gives the
 * component Xcᵀu / ‖Xcᵀu‖ (the "snapshot" method, Sirovich 1987). The d×d covariance is never
 * formed, so 50 rows of 10,000 columns cost one n×n×d product, an n×n eigenproblem (solved outright
 * up to 256 rows, by subspace iteration above) and one k×n×d product.
 * Returns the components as rows [k, d] (orthonormal, largest-magnitude entry positive).
 */
export async function gramEigenpairs(engine: Engine, x: Tensor, mean: Tensor, k: number, o: EigenOptions):
  Promise<{ values: Float64Array; vectors: Float64Array; iterations: number; totalVariance: number }> {
  const [n, d] = x.shape;
  const xc = centredRows(engine, x, mean, { start: 0, count: n });
  try {
    const totalVariance = (await sumOfSquares(engine, xc)) / (n - 1);
    const gram = matmul(engine, xc, xc, { transB: true, alpha: 1 / (n - 1), label: 'pca.gram' });
    let eig: { values: Float64Array; vectors: Float64Array; iterations: number };
    try {
      o.signal?.throwIfAborted();
      eig = n <= DIRECT_MAX ? await directEigenpairs(gram, k, o) : await topEigenpairs(engine, {
        d: n, totalVariance, apply: (q) => matmul(engine, gram, q, { label: 'pca.GQ' }), dispose: () => {},
      }, k, o);
    } finally {
      gram.dispose();
    }
    const ut = engine.tensor(Float32Array.from(eig.vectors), [k, n], { label: 'pca.gramVectors' });
    const vt = matmul(engine, ut, xc, { label: 'pca.components' });
    let v: Float32Array;
    try { v = await vt.read() as Float32Array; } finally { ut.dispose(); vt.dispose(); }
    // Columns of a [d, k] block, orthonormalised: normalises each Xcᵀu, and gives components
    // beyond the rank of the data (eigenvalue 0, where Xcᵀu is rounding noise) a direction
    // orthogonal to the others, as the covariance route does.
    const cols = new Float64Array(d * k);
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) cols[i * k + j] = v[j * d + i];
    orthonormalizeColumns(cols, d, k, seededRandom(o.seed + 1));
    const vectors = new Float64Array(k * d);
    for (let j = 0; j < k; j++) {
      let big = 0;
      for (let i = 0; i < d; i++) if (Math.abs(cols[i * k + j]) > Math.abs(big)) big = cols[i * k + j];
      const sign = big < 0 ? -1 : 1;
      for (let i = 0; i < d; i++) vectors[j * d + i] = sign * cols[i * k + j];
    }
    return { values: eig.values, vectors, iterations: eig.iterations, totalVariance };
  } finally {
    xc.dispose();
  }
}
