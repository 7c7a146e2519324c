import type { Engine } from '../../engine/engine.js';
import { ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { matmul } from '../../ops/matmul.js';
import { reduce } from '../../ops/reduce.js';
import { seededRandom } from '../../ops/random.js';

/** Standard deviation of the first coordinate of an initial embedding (scikit-learn, openTSNE). */
export const INIT_STD = 1e-4;


/** Gaussian initial positions N(0, INIT_STD²), seeded. */
export function randomInit(engine: Engine, n: number, dims: number, seed: number): Tensor {
  const r = seededRandom(seed);
  const y = new Float32Array(n * dims);
  for (let i = 0; i < y.length; i++) {
    const u = Math.max(r(), 1e-12);
    y[i] = INIT_STD * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }
  return engine.tensor(y, [n, dims], { label: 'tsne.y' });
}

/** Top `dims` eigenvectors of a symmetric d×d matrix by block power iteration with Gram–Schmidt. */
function topEigenvectors(c: Float64Array, d: number, dims: number, seed: number): { vectors: Float64Array[]; values: number[] } {
  const r = seededRandom(seed);
  let v = Array.from({ length: dims }, () => Float64Array.from({ length: d }, () => r() - 0.5));
  const values = new Array<number>(dims).fill(0);
  for (let iter = 0; iter < 500; iter++) {
    const w = v.map((vec) => {
      const out = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += c[a * d + b] * vec[b];
        out[a] = s;
      }
      return out;
    });
    let change = 0;
    for (let q = 0; q < dims; q++) {
      for (let p = 0; p < q; p++) {
        let dot = 0;
        for (let a = 0; a < d; a++) dot += w[q][a] * w[p][a];
        for (let a = 0; a < d; a++) w[q][a] -= dot * w[p][a];
      }
      let norm = 0;
      for (let a = 0; a < d; a++) norm += w[q][a] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let a = 0; a < d; a++) w[q][a] /= norm;
      change = Math.max(change, Math.abs(norm - values[q]) / (norm || 1));
      values[q] = norm;
    }
    v = w;
    if (iter > 20 && change < 1e-10) break;
  }
  // Fix each sign so that the largest-magnitude component is positive (deterministic output).
  for (const vec of v) {
    let big = 0;
    for (let a = 0; a < d; a++) if (Math.abs(vec[a]) > Math.abs(vec[big])) big = a;
    if (vec[big] < 0) for (let a = 0; a < d; a++) vec[a] = -vec[a];
  }
  return { vectors: v, values };
}

/**
 * PCA initialisation (Kobak & Linderman 2021, "Initialization is critical for preserving global
 * data structure in both t-SNE and UMAP"): the data projected on its top `dims` principal axes,
 * scaled so that the first coordinate has standard deviation 1e-4, as scikit-learn does.
 * The covariance is a GPU matmul; its d×d eigenproblem is solved on the CPU.
 */
export async function pcaInit(engine: Engine, x: Tensor, dims: number, seed: number): Promise<Tensor> {
  if (x.rank !== 2) throw new ShapeError(`t-SNE PCA init: x must be [points, dims], got ${x}.`);
  const [n, d] = [x.rows, x.cols];
  if (d < dims) throw new ShapeError(`t-SNE PCA init: the data has ${d} dimensions, fewer than the ${dims} of the embedding; use init: 'random'.`);
  const meanT = reduce(engine, x, 'mean', 0);
  const gramT = matmul(engine, x, x, { transA: true, label: 'tsne.init.gram' });
  const [mean, gram] = await Promise.all([meanT.read(), gramT.read()]);
  gramT.dispose();
  const cov = new Float64Array(d * d);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] = gram[a * d + b] / n - mean[a] * mean[b];
  const { vectors, values } = topEigenvectors(cov, d, dims, seed);
  const scale = INIT_STD / Math.sqrt(Math.max(values[0], 1e-30));
  const w = new Float32Array(d * dims);
  const bias = new Float32Array(dims);
  for (let a = 0; a < d; a++) {
    for (let q = 0; q < dims; q++) {
      w[a * dims + q] = vectors[q][a] * scale;
      bias[q] -= mean[a] * vectors[q][a] * scale;
    }
  }
  meanT.dispose();
  const wT = engine.tensor(w, [d, dims], { label: 'tsne.init.axes' });
  const biasT = engine.tensor(bias, [dims], { label: 'tsne.init.bias' });
  const y = matmul(engine, x, wT, { bias: biasT, label: 'tsne.y' });
  wT.dispose();
  biasT.dispose();
  return y;
}
