import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { elementwise } from '../../ops/elementwise.js';
import { matmul } from '../../ops/matmul.js';
import { reduce } from '../../ops/reduce.js';
import { rowChunks } from '../../ops/chunks.js';

/**
 * The sample covariance (x − mean)ᵀ(x − mean) / (n − 1) as a [d, d] tensor, and its trace (the
 * total variance). Rows are centred before the product rather than using XᵀX − n·μμᵀ, which
 * loses most f32 digits when the mean is large against the spread. Data larger than one storage
 * binding is centred and accumulated one row chunk at a time; the matmul op splits K = rows.
 */
export async function covariance(engine: Engine, x: Tensor, mean: Tensor): Promise<{ cov: Tensor; totalVariance: number }> {
  const n = x.rows;
  const d = x.cols;
  const cov = engine.empty([d, d], 'f32', 'pca.covariance');
  const chunks = rowChunks(engine, n, d, 0, 'pca.x');
  let total = 0;
  for (let i = 0; i < chunks.length; i++) {
    const { start, count } = chunks[i];
    let rows: Tensor = x;
    if (chunks.length > 1) {
      rows = engine.empty([count, d], 'f32', 'pca.chunk');
      engine.copy(x, rows, count * d, start * d, 0);
    }
    const centred = elementwise(engine, 'sub', rows, mean, { label: 'pca.centred' });
    if (rows !== x) rows.dispose();
    matmul(engine, centred, centred, { transA: true, alpha: 1 / (n - 1), beta: i === 0 ? 0 : 1, out: cov });
    const ss = reduce(engine, centred, 'sumsq', 'all', 'pca.sumsq');
    total += (await ss.read())[0] / (n - 1);
    ss.dispose();
    centred.dispose();
  }
  return { cov, totalVariance: total };
}
