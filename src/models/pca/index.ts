import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { matmul, tuneMatmul } from '../../ops/matmul.js';
import { reduce } from '../../ops/reduce.js';
import { checkedRowNorms } from '../knn/exact.js';
import { chooseOperator, covarianceOperator, dataOperator, type OperatorChoice } from './operator.js';
import { gramEigenpairs } from './gram.js';
import { topEigenpairs } from './subspace.js';
import { streamedCovariance, streamedTransform, type RowSource } from './stream.js';
export { arrayRows, type RowSource } from './stream.js';

export interface PcaOptions {
  /** Number of principal components to keep, 1..min(points, dims). */
  components: number;
  /** Seed of the random starting block (default 1). */
  seed?: number;
  /**
   * 'covariance' (default): subspace iteration on the covariance until the Ritz residuals
   * converge. 'randomized': a fixed 7 power iterations from a random block of k + max(10, k)
   * columns (Halko, Martinsson & Tropp 2011, Algorithm 4.4 applied to the covariance): a bounded
   * cost, with the trailing components less accurate when their eigenvalues are close.
   */
  method?: 'covariance' | 'randomized';
  /**
   * How the covariance is applied: 'covariance' forms the d×d matrix, 'gram' the n×n Gram matrix
   * (fewer rows than columns), 'data' multiplies through the centred data (d×d larger than one
   * storage binding and no Gram route); 'auto' (default) chooses.
   */
  operator?: OperatorChoice;
  /** Called after each iteration with (iteration, maximum iterations). */
  onProgress?: (done: number, total: number) => void;
  /** Stops the fit (throwing the signal's reason) between GPU blocks and iterations. */
  signal?: AbortSignal;
}

/**
 * Principal component analysis on the GPU: centring, covariance by matmul (or, for wide data, its
 * product with a block taken through the centred data, never forming d×d) and the top
 * eigenvectors by block subspace iteration with Rayleigh–Ritz (Saad, "Numerical Methods for
 * Large Eigenvalue Problems", ch. 5). The GPU multiplies the d×d covariance by the d×p block; the
 * QR of that block and the p×p Ritz problem run on the CPU in float64 (p = block size).
 * Each component's largest-magnitude entry is positive, so results are deterministic.
 */
export class PCA {
  private constructor(
    readonly engine: Engine,
    /** [components, dims], orthonormal rows, by decreasing variance. */
    readonly components: Tensor,
    /** [dims] per-feature mean of the training data. */
    readonly mean: Tensor,
    /** Variance along each component (eigenvalues of the covariance, n − 1 denominator). */
    readonly explainedVariance: Float64Array,
    /** explainedVariance / total variance. */
    readonly explainedVarianceRatio: Float64Array,
    /** Components on the host, row-major [components, dims] (float64). */
    readonly componentsHost: Float64Array,
    /** −components·mean, the bias that centres inside `transform`. */
    private readonly projectedMean: Tensor,
    /** Subspace iterations run. */
    readonly iterations: number,
  ) {}

  get dims(): number { return this.components.cols; }
  get count(): number { return this.components.rows; }

  static async fit(engine: Engine, x: Tensor, opts: PcaOptions): Promise<PCA> {
    if (x.dtype !== 'f32' || x.rank !== 2) throw new ShapeError(`PCA.fit: x must be a 2-D f32 tensor [points, dims], got ${x}.`);
    const [n, d] = x.shape;
    const k = opts.components;
    if (n < 2) throw new InvalidInputError(`PCA.fit: needs at least 2 points, got ${n}.`);
    if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) {
      throw new InvalidInputError(`PCA.fit: components must be an integer in 1..${Math.min(n, d)} ` +
        `(min of ${n} points and ${d} dims), got ${k}.`);
    }
    (await checkedRowNorms(engine, x, n, 'PCA.fit: x')).dispose();
    opts.signal?.throwIfAborted();
    // The projection `transform` records later: tuned now, while the fit may await.
    await tuneMatmul(engine, x, { rows: k, cols: d }, { transB: true });
    const mean = reduce(engine, x, 'mean', 0, 'pca.mean');
    let eig;
    let totalVariance: number;
    try {
      const route = chooseOperator(engine, n, d, opts.operator);
      const progress = fitProgress(route, n, d, k, opts.onProgress);
      const eigOpts = { seed: opts.seed ?? 1, method: opts.method ?? 'covariance', onProgress: progress.eigen, signal: opts.signal };
      if (route === 'gram') {
        eig = await gramEigenpairs(engine, x, mean, k, eigOpts);
        totalVariance = eig.totalVariance;
      } else {
        const op = await (route === 'data' ? dataOperator : covarianceOperator)(engine, x, mean, opts.signal, progress.rows);
        totalVariance = op.totalVariance;
        try {
          eig = await topEigenpairs(engine, op, k, eigOpts);
        } finally {
          op.dispose();
        }
      }
    } catch (e) {
      mean.dispose();
      throw e;
    }
    return PCA.fromEigen(engine, mean, eig, totalVariance);
  }

  /**
   * Fits on rows handed out block by block (`RowSource`): for data larger than one GPU buffer (or
   * than the memory the GPU can spare), read from a file as it goes. Two passes (means, then the
   * covariance), each block uploaded, used and released; the result equals `fit` on the whole matrix
   * up to float32 rounding. Needs the d×d covariance to fit one storage binding.
   */
  static async fitRows(engine: Engine, src: RowSource, opts: PcaOptions): Promise<PCA> {
    const { rows: n, cols: d } = src;
    const k = opts.components;
    if (n < 2) throw new InvalidInputError(`PCA.fitRows: needs at least 2 points, got ${n}.`);
    if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) {
      throw new InvalidInputError(`PCA.fitRows: components must be an integer in 1..${Math.min(n, d)}, got ${k}.`);
    }
    const progress = fitProgress('covariance', n, d, k, opts.onProgress);
    const { op, mean } = await streamedCovariance(engine, src, { signal: opts.signal, onRows: progress.rows, what: 'PCA.fitRows' });
    let eig;
    try {
      eig = await topEigenpairs(engine, op, k, { seed: opts.seed ?? 1, method: opts.method ?? 'covariance', onProgress: progress.eigen, signal: opts.signal });
    } catch (e) {
      mean.dispose();
      throw e;
    } finally {
      op.dispose();
    }
    return PCA.fromEigen(engine, mean, eig, op.totalVariance);
  }

  private static async fromEigen(engine: Engine, mean: Tensor, eig: { values: Float64Array; vectors: Float64Array; iterations: number },
    totalVariance: number): Promise<PCA> {
    const k = eig.values.length;
    const d = mean.size;
    const meanHost = await mean.read();
    const negProj = new Float32Array(k);
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += eig.vectors[i * d + j] * meanHost[j];
      negProj[i] = -s;
    }
    const variance = Float64Array.from(eig.values, (v) => Math.max(v, 0));
    const ratio = Float64Array.from(variance, (v) => (totalVariance > 0 ? v / totalVariance : 0));
    const components = engine.tensor(Float32Array.from(eig.vectors), [k, d], { label: 'pca.components' });
    const projectedMean = engine.tensor(negProj, [k], { label: 'pca.projectedMean' });
    return new PCA(engine, components, mean, variance, ratio, eig.vectors, projectedMean, eig.iterations);
  }


  /** Projects a streamed source block by block; the result [rows, components] is gathered on the host. */
  transformRows(src: RowSource, opts: { signal?: AbortSignal; onRows?: (done: number, total: number) => void } = {}): Promise<Float32Array> {
    if (src.cols !== this.dims) throw new ShapeError(`PCA.transformRows: rows have ${src.cols} columns, the fit had ${this.dims}.`);
    return streamedTransform(this.engine, src, this.count, (x) => this.transform(x), opts);
  }

  /** Projects x [n, dims] onto the components: (x − mean)·componentsᵀ, [n, components]. */
  transform(x: Tensor): Tensor {
    if (x.rank !== 2 || x.cols !== this.dims) {
      throw new ShapeError(`PCA.transform: x must be [points, ${this.dims}], got ${x}.`);
    }
    return matmul(this.engine, x, this.components, { transB: true, bias: this.projectedMean, label: 'pca.transform' });
  }

  /** Maps z [n, components] back to the data space: z·components + mean, [n, dims]. */
  inverseTransform(z: Tensor): Tensor {
    if (z.rank !== 2 || z.cols !== this.count) {
      throw new ShapeError(`PCA.inverseTransform: z must be [points, ${this.count}], got ${z}.`);
    }
    return matmul(this.engine, z, this.components, { bias: this.mean, label: 'pca.inverse' });
  }

  dispose(): void {
    this.components.dispose();
    this.mean.dispose();
    this.projectedMean.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Subspace iterations a fit typically takes (Fashion-MNIST, 50 components: 20–40); only weighs the progress bar. */
const TYPICAL_ITERATIONS = 30;

/**
 * One progress scale (permille) for a fit's two phases, weighted by their FLOPs: the pass over the
 * rows (the covariance product, or centring for the data route) and the eigen iterations (each a
 * d×d×p product, or two passes over the data for the data route, or an n×n×p one for the Gram route).
 */
function fitProgress(route: 'covariance' | 'data' | 'gram', n: number, d: number, k: number, report?: (done: number, total: number) => void) {
  const p = Math.min(d, 2 * k + 8);
  const pass = route === 'covariance' ? n * d * d : route === 'data' ? n * d : n * n * d;
  const perIteration = route === 'covariance' ? 2 * d * d * p : route === 'data' ? 4 * n * d * p : 2 * n * n * p;
  const eigen = TYPICAL_ITERATIONS * perIteration;
  const total = pass + eigen;
  let last = -1;
  const emit = (fraction: number) => {
    const v = Math.min(1000, Math.floor(1000 * fraction));
    if (v > last) { last = v; report?.(v, 1000); }
  };
  return {
    rows: (done: number, all: number) => emit((pass * done) / all / total),
    eigen: (done: number, all: number) => emit((pass + (eigen * done) / all) / total),
  };
}