import type { Engine } from '../../engine/engine.js';
import { LOOP_BUDGET } from '../../engine/kernel.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeUmapSpectralStep, SPECTRAL_MAX_BLOCK, type SpectralGraph } from '../../kernels/umap_spectral_step.js';
import { matmul } from '../../ops/matmul.js';
import { seededRandom } from '../../ops/random.js';
import { symmetricEigen } from '../pca/linalg.js';
import { edgeGroups, type FuzzyGraph } from './graph.js';

/**
 * Chebyshev degree per outer iteration at most, outer iterations at most, and the residual that
 * counts as converged. Each outer iteration reads back p×p matrices (a wait for the GPU), so a high
 * degree is cheap; the filter's largest gain T_m is kept below GROWTH so that the filtered block stays
 * well conditioned enough for CholeskyQR on f32 Gram matrices.
 */
const MAX_DEGREE = 32;
const GROWTH = 1e3;
const MAX_OUTER = 30;
const TOLERANCE = 1e-4;
/** Residual above which the vectors are not trusted as an initialisation. */
const FAILED = 5e-2;

export class SpectralError extends Error {}

/** Upper-triangular R with RᵀR = g (p×p, float64), or null when g is not positive definite. */
function cholesky(g: Float64Array, p: number): Float64Array | null {
  const r = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = g[j * p + j];
    for (let k = 0; k < j; k++) s -= r[k * p + j] ** 2;
    if (!(s > 1e-30 * Math.max(1, g[0]))) return null;
    r[j * p + j] = Math.sqrt(s);
    for (let i = j + 1; i < p; i++) {
      let t = g[j * p + i];
      for (let k = 0; k < j; k++) t -= r[k * p + j] * r[k * p + i];
      r[j * p + i] = t / r[j * p + j];
    }
  }
  return r;
}

function upperInverse(r: Float64Array, p: number): Float32Array {
  const inv = new Float64Array(p * p);
  for (let j = p - 1; j >= 0; j--) {
    inv[j * p + j] = 1 / r[j * p + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i * p + k] * inv[k * p + j];
      inv[i * p + j] = -s / r[i * p + i];
    }
  }
  return Float32Array.from(inv);
}

/** v · m for a small host matrix m [p, q], on the GPU; consumes v. */
function times(engine: Engine, v: Tensor, m: Float32Array, q: number): Tensor {
  const mt = engine.tensor(m, [v.cols, q], { label: 'umap.spectral.small' });
  const out = matmul(engine, v, mt, { label: 'umap.spectral.block' });
  mt.dispose();
  v.dispose();
  return out;
}

async function gram(engine: Engine, a: Tensor, b: Tensor): Promise<Float64Array> {
  const g = matmul(engine, a, b, { transA: true, label: 'umap.spectral.gram' });
  const host = Float64Array.from(await g.read());
  g.dispose();
  return host;
}

/** Orthonormal columns by CholeskyQR2 (Yamamoto et al. 2015): the p×p factor on the host. Consumes v. */
async function orthonormalize(engine: Engine, v: Tensor): Promise<Tensor> {
  const p = v.cols;
  for (let pass = 0; pass < 2; pass++) {
    const r = cholesky(await gram(engine, v, v), p);
    if (!r) { v.dispose(); throw new SpectralError('the block of vectors lost rank'); }
    v = times(engine, v, upperInverse(r, p), p);
  }
  return v;
}

/**
 * The `dims` eigenvectors of the normalised graph Laplacian I − D^(−1/2)·A·D^(−1/2) with the
 * smallest eigenvalues after the trivial one (umap-learn's `spectral_layout`), by Chebyshev-
 * filtered subspace iteration (Zhou & Saad 2007) with Rayleigh–Ritz: the sparse products on the
 * GPU, the block's p×p Gram matrices and eigenproblems on the host in float64. Throws
 * `SpectralError` when it cannot (the caller falls back to another initialisation).
 * Returns [n, dims] row-major on the host.
 */
export async function spectralEmbedding(engine: Engine, graph: FuzzyGraph, dims: number, seed: number): Promise<Float64Array> {
  const n = graph.n;
  const p = Math.min(SPECTRAL_MAX_BLOCK, dims + 1 + Math.max(6, dims + 1), n);
  if (p < dims + 1) throw new SpectralError(`${n} points are too few for ${dims} eigenvectors`);
  if (graph.maxDegree * p > LOOP_BUDGET) throw new SpectralError(`a point has ${graph.maxDegree} edges, more than one invocation can visit`);
  if (n * p * 4 > engine.limits.maxStorageBufferBindingSize) throw new SpectralError(`its block of ${n} × ${p} values does not fit one storage binding`);
  const { rowPtr, cols, weights } = graph.host;
  const dinv = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) deg += weights[e];
    dinv[i] = deg > 0 ? 1 / Math.sqrt(deg) : 0;
  }
  const dinvT = engine.tensor(dinv, [n], { label: 'umap.spectral.dinv' });
  const g: SpectralGraph = { rowPtr: graph.rowPtr.slice(), groups: edgeGroups(engine, graph), dinv: dinvT.slice() };
  const rand = seededRandom(seed);
  let v = engine.tensor(Float32Array.from({ length: n * p }, () => rand() - 0.5), [n, p], { label: 'umap.spectral.block' });
  const step = (x: Tensor, w: Tensor, alpha: number, beta: number, gamma: number): Tensor => {
    const out = engine.empty([n, p], 'f32', 'umap.spectral.block');
    encodeUmapSpectralStep(engine, { n, block: p, alpha, beta, gamma }, g, x.slice(), w.slice(), out.slice());
    return out;
  };
  try {
    v = await orthonormalize(engine, v);
    let cut = 0;
    let worst = Infinity;
    for (let outer = 0; outer < MAX_OUTER && worst > TOLERANCE; outer++) {
      // Chebyshev filter damping [−1, cut], where the unwanted eigenvalues of N lie.
      const e = (cut + 1) / 2;
      const c = (cut - 1) / 2;
      const degree = Math.max(2, Math.min(MAX_DEGREE, Math.floor(Math.acosh(GROWTH) / Math.acosh((1 - c) / e))));
      let prev = v;
      let cur = step(v, v, 1 / e, -c / e, 0);
      for (let m = 2; m <= degree; m++) {
        const next = step(cur, prev, 2 / e, (-2 * c) / e, -1);
        prev.dispose();
        [prev, cur] = [cur, next];
      }
      prev.dispose();
      v = await orthonormalize(engine, cur);
      // Rayleigh–Ritz: H = Vᵀ N V, then the Ritz vectors V·S and their residuals ‖N·V·S − V·S·Θ‖.
      const w = step(v, v, 1, 0, 0);
      const h = await gram(engine, v, w);
      for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) { const s = (h[i * p + j] + h[j * p + i]) / 2; h[i * p + j] = s; h[j * p + i] = s; }
      const { values, vectors } = symmetricEigen(h, p);
      v = times(engine, v, Float32Array.from(vectors), p);
      const ws = times(engine, w, Float32Array.from(vectors), p);
      // The residual W·S − (V·S)·Θ, Θ diagonal, in place of W·S.
      const theta = engine.tensor(Float32Array.from({ length: p * p }, (_, at) => (at % (p + 1) === 0 ? values[at / (p + 1)] : 0)), [p, p], { label: 'umap.spectral.small' });
      matmul(engine, v, theta, { alpha: -1, beta: 1, out: ws, label: 'umap.spectral.residual' });
      theta.dispose();
      const r = await gram(engine, ws, ws);
      ws.dispose();
      worst = 0;
      for (let j = 0; j <= dims; j++) worst = Math.max(worst, Math.sqrt(Math.max(0, r[j * p + j])));
      if (!Number.isFinite(worst)) throw new SpectralError('the iteration produced non-finite values');
      cut = Math.min(Math.max(values[p - 1], 0), 0.999);
    }
    if (worst > FAILED) throw new SpectralError(`the eigenvectors did not converge (residual ${worst.toExponential(1)})`);
    const host = await v.read();
    const out = new Float64Array(n * dims);
    for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) out[i * dims + d] = host[i * p + 1 + d];
    return out;
  } finally {
    v.dispose();
    dinvT.dispose();
  }
}
