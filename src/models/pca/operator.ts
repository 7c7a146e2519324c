import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { matmul } from '../../ops/matmul.js';
import { centredRows, covariance, rowBlocks, sumOfSquares } from './covariance.js';

/**
 * The covariance C as a linear map Q ↦ C·Q on [d, p] blocks, which is all the subspace iteration needs.
 * Two forms: the d×d matrix itself, or the centred data kept as row blocks with
 * C·Q = Xcᵀ(Xc·Q) / (n − 1), never forming C.
 */
export interface CovarianceOperator {
  readonly d: number;
  /** Σ of the variances (the trace of C). */
  readonly totalVariance: number;
  /** Records C·Q for q [d, p]; returns a new [d, p] tensor. */
  apply(q: Tensor): Tensor;
  dispose(): void;
}

/**
 * Which form a fit uses: the d×d covariance, the n×n Gram matrix (gram.ts), or products through the
 * centred data; 'auto' picks by {@link chooseOperator}.
 */
export type OperatorChoice = 'covariance' | 'gram' | 'data' | 'auto';

/**
 * Forming C costs n·d² and each product with it d²·p; with fewer rows than columns the Gram matrix
 * is smaller (n²·d once, n²·p per product; 50×5,700 took a minute through C). 'gram' when n < d and
 * the centred data and G each fit one storage binding; 'data' when C does not fit one (d above
 * ~5,790 on a 128 MiB binding) and G cannot be used; else 'covariance'.
 */
export function chooseOperator(engine: Engine, n: number, d: number, choice: OperatorChoice = 'auto'): Exclude<OperatorChoice, 'auto'> {
  if (choice !== 'auto') return choice;
  const binding = engine.limits.maxStorageBufferBindingSize;
  if (n < d && n * d * 4 <= binding && n * n * 4 <= binding) return 'gram';
  return d * d * 4 > binding || n < d ? 'data' : 'covariance';
}

export async function covarianceOperator(engine: Engine, x: Tensor, mean: Tensor, signal?: AbortSignal,
  onRows?: (done: number, total: number) => void): Promise<CovarianceOperator> {
  const { cov, totalVariance } = await covariance(engine, x, mean, signal, onRows);
  return {
    d: x.cols,
    totalVariance,
    apply: (q) => matmul(engine, cov, q, { label: 'pca.CQ' }),
    dispose: () => cov.dispose(),
  };
}

/** The centred data in row blocks that each fit one storage binding (one block when x does). */
export async function dataOperator(engine: Engine, x: Tensor, mean: Tensor, signal?: AbortSignal,
  onRows?: (done: number, total: number) => void): Promise<CovarianceOperator> {
  const [n, d] = x.shape;
  const blocks: Tensor[] = [];
  let total = 0;
  try {
    // The block width of the later products is small: split only by the binding here.
    for (const b of rowBlocks(engine, x, 1)) {
      const centred = centredRows(engine, x, mean, b);
      blocks.push(centred);
      total += (await sumOfSquares(engine, centred)) / (n - 1);
      signal?.throwIfAborted();
      onRows?.(b.start + b.count, n);
    }
  } catch (e) {
    for (const b of blocks) b.dispose();
    throw e;
  }
  return {
    d,
    totalVariance: total,
    apply(q) {
      const w = engine.empty([d, q.cols], 'f32', 'pca.CQ');
      blocks.forEach((xc, i) => {
        const y = matmul(engine, xc, q, { label: 'pca.XQ' });
        matmul(engine, xc, y, { transA: true, alpha: 1 / (n - 1), beta: i === 0 ? 0 : 1, out: w });
        y.dispose();
      });
      return w;
    },
    dispose: () => { for (const b of blocks) b.dispose(); },
  };
}
