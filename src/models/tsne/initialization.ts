import type { Engine } from '../../engine/engine.js';
import { ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { matmul } from '../../ops/matmul.js';
import { PCA } from '../pca/index.js';
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

/**
 * PCA initialisation (Kobak & Linderman 2021, "Initialization is critical for preserving global
 * data structure in both t-SNE and UMAP"): the data projected on its top `dims` principal axes,
 * scaled so that the first coordinate has standard deviation 1e-4, as scikit-learn does.
 * The components come from the PCA model (GPU products, small eigenproblems on the CPU).
 */
export async function pcaInit(engine: Engine, x: Tensor, dims: number, seed: number): Promise<Tensor> {
  if (x.rank !== 2) throw new ShapeError(`t-SNE PCA init: x must be [points, dims], got ${x}.`);
  const [n, d] = [x.rows, x.cols];
  if (d < dims) throw new ShapeError(`t-SNE PCA init: the data has ${d} dimensions, fewer than the ${dims} of the embedding; use init: 'random'.`);
  // The PCA model picks the covariance, Gram or data route, so wide data works too.
  const pca = await PCA.fit(engine, x, { components: dims, seed });
  let mean: Float32Array;
  try { mean = await pca.mean.read() as Float32Array; } finally { pca.dispose(); }
  // scikit-learn divides by the first coordinate's standard deviation (n denominator).
  const scale = INIT_STD / Math.sqrt(Math.max(pca.explainedVariance[0] * (n - 1) / n, 1e-30));
  const vectors = pca.componentsHost;
  const w = new Float32Array(d * dims);
  const bias = new Float32Array(dims);
  for (let a = 0; a < d; a++) {
    for (let q = 0; q < dims; q++) {
      w[a * dims + q] = vectors[q * d + a] * scale;
      bias[q] -= mean[a] * vectors[q * d + a] * scale;
    }
  }
  const wT = engine.tensor(w, [d, dims], { label: 'tsne.init.axes' });
  const biasT = engine.tensor(bias, [dims], { label: 'tsne.init.bias' });
  const y = matmul(engine, x, wT, { bias: biasT, label: 'tsne.y' });
  wT.dispose();
  biasT.dispose();
  return y;
}
