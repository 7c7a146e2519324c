import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { elementwise } from '../../ops/elementwise.js';
import { matmul, tuneMatmul } from '../../ops/matmul.js';
import { reduce } from '../../ops/reduce.js';
import { rowChunks, type RowChunk } from '../../ops/chunks.js';

/**
 * Multiply–adds per submitted block of the covariance product: about a second of work on a CPU
 * adapter, so that Ctrl-C (`signal`) is seen between blocks rather than after the whole product.
 */
const BLOCK_FLOPS = 1e9;

/**
 * Row blocks of x that each fit one storage binding and hold about BLOCK_FLOPS of the product
 * with `width` columns on the other side (64-row multiples keep offsets aligned).
 */
export function rowBlocks(engine: Engine, x: Tensor, width: number): RowChunk[] {
  const [n, d] = x.shape;
  const byWork = Math.max(64, Math.floor(BLOCK_FLOPS / (d * Math.max(width, 1)) / 64) * 64);
  const out: RowChunk[] = [];
  for (const c of rowChunks(engine, n, d, 0, 'pca.x')) {
    for (let s = 0; s < c.count; s += byWork) out.push({ start: c.start + s, count: Math.min(byWork, c.count - s) });
  }
  return out;
}

/** Rows [start, start + count) of x minus the mean, as a new tensor (x itself is never changed). */
export function centredRows(engine: Engine, x: Tensor, mean: Tensor, { start, count }: RowChunk): Tensor {
  const d = x.cols;
  let rows: Tensor = x;
  if (count !== x.rows) {
    rows = engine.empty([count, d], 'f32', 'pca.chunk');
    engine.copy(x, rows, count * d, start * d, 0);
  }
  const centred = elementwise(engine, 'sub', rows, mean, { label: 'pca.centred' });
  if (rows !== x) rows.dispose();
  return centred;
}

/** Σ of squares of a centred block, read back (the block's share of the total variance × (n − 1)). */
export async function sumOfSquares(engine: Engine, centred: Tensor): Promise<number> {
  const ss = reduce(engine, centred, 'sumsq', 'all', 'pca.sumsq');
  try { return (await ss.read())[0]; } finally { ss.dispose(); }
}

/**
 * The sample covariance (x − mean)ᵀ(x − mean) / (n − 1) as a [d, d] tensor, and its trace (the
 * total variance). Rows are centred before the product rather than using XᵀX − n·μμᵀ, which
 * loses most f32 digits when the mean is large against the spread. The product accumulates one
 * row block at a time (blocks fit one storage binding), with `signal` checked between blocks.
 */
export async function covariance(engine: Engine, x: Tensor, mean: Tensor, signal?: AbortSignal,
  onRows?: (done: number, total: number) => void): Promise<{ cov: Tensor; totalVariance: number }> {
  const n = x.rows;
  const d = x.cols;
  const cov = engine.empty([d, d], 'f32', 'pca.covariance');
  try {
    let total = 0;
    const blocks = rowBlocks(engine, x, d);
    await tuneMatmul(engine, { rows: blocks[0].count, cols: d }, { rows: blocks[0].count, cols: d }, { transA: true });
    for (let i = 0; i < blocks.length; i++) {
      const centred = centredRows(engine, x, mean, blocks[i]);
      matmul(engine, centred, centred, { transA: true, alpha: 1 / (n - 1), beta: i === 0 ? 0 : 1, out: cov });
      try { total += (await sumOfSquares(engine, centred)) / (n - 1); } finally { centred.dispose(); }
      signal?.throwIfAborted();
      onRows?.(blocks[i].start + blocks[i].count, n);
    }
    return { cov, totalVariance: total };
  } catch (e) {
    cov.dispose();
    throw e;
  }
}
