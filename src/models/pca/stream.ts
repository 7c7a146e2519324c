import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { elementwise } from '../../ops/elementwise.js';
import { matmul } from '../../ops/matmul.js';
import { reduce } from '../../ops/reduce.js';
import { sumOfSquares } from './covariance.js';
import type { CovarianceOperator } from './operator.js';

/**
 * Rows of a matrix too large for one GPU buffer (a 1M × 784 float32 file is 3.1 GB; many adapters
 * allow 2 GiB or less per buffer), handed out in row ranges: from memory or straight from a file.
 * `read` returns [count, cols] row-major; the array may be reused by the next call.
 */
export interface RowSource {
  rows: number;
  cols: number;
  read(start: number, count: number): Float32Array;
}

/** A RowSource over a host array. */
export function arrayRows(x: Float32Array, rows: number, cols: number): RowSource {
  return { rows, cols, read: (start, count) => x.subarray(start * cols, (start + count) * cols) };
}

/** Bytes of one uploaded block: fits any binding limit, and about half a second of the product on a CPU adapter. */
const BLOCK_BYTES = 32 * 1024 * 1024;

/** Rows per uploaded block of a source with `cols` columns. */
export function streamRows(engine: Engine, cols: number): number {
  const bytes = Math.min(BLOCK_BYTES, engine.limits.maxStorageBufferBindingSize);
  return Math.max(1, Math.floor(bytes / (4 * cols)));
}

function* blocks(src: RowSource, per: number): Generator<{ start: number; count: number }> {
  for (let start = 0; start < src.rows; start += per) yield { start, count: Math.min(per, src.rows - start) };
}

/** Refuses NaN/Inf before they spread through the covariance, naming the first such row (0-based). */
function checkFinite(x: Float32Array, start: number, cols: number, what: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new InvalidInputError(`${what}: row ${start + Math.floor(i / cols)} has NaN or Inf values (column ${i % cols}); ` +
        'remove or impute them (the CLI skips such rows with --drop-invalid).');
    }
  }
}

/**
 * The covariance of a streamed source in two passes over its rows, each block uploaded, used and
 * released: the means (summed in float64 on the host), then the centred blocks' products
 * accumulated into the d×d covariance. GPU memory holds one block and the d×d matrix, never the data.
 */
export async function streamedCovariance(engine: Engine, src: RowSource, opts: {
  signal?: AbortSignal; onRows?: (done: number, total: number) => void; what?: string;
} = {}): Promise<{ op: CovarianceOperator; mean: Tensor }> {
  const { rows: n, cols: d } = src;
  const what = opts.what ?? 'PCA';
  const per = streamRows(engine, d);
  const sums = new Float64Array(d);
  for (const b of blocks(src, per)) {
    const host = src.read(b.start, b.count);
    checkFinite(host, b.start, d, what);
    const t = engine.tensor(host, [b.count, d], { label: 'pca.stream' });
    const s = reduce(engine, t, 'sum', 0, 'pca.stream.sum');
    t.dispose();
    try { (await s.read()).forEach((v, j) => { sums[j] += v; }); } finally { s.dispose(); }
    opts.signal?.throwIfAborted();
    opts.onRows?.(b.start + b.count, 2 * n);
  }
  const mean = engine.tensor(Float32Array.from(sums, (s) => s / n), [d], { label: 'pca.mean' });
  const cov = engine.empty([d, d], 'f32', 'pca.covariance');
  let total = 0;
  try {
    let first = true;
    for (const b of blocks(src, per)) {
      const t = engine.tensor(src.read(b.start, b.count), [b.count, d], { label: 'pca.stream' });
      const centred = elementwise(engine, 'sub', t, mean, { label: 'pca.centred' });
      t.dispose();
      matmul(engine, centred, centred, { transA: true, alpha: 1 / (n - 1), beta: first ? 0 : 1, out: cov });
      first = false;
      try { total += (await sumOfSquares(engine, centred)) / (n - 1); } finally { centred.dispose(); }
      opts.signal?.throwIfAborted();
      opts.onRows?.(n + b.start + b.count, 2 * n);
    }
  } catch (e) {
    cov.dispose(); mean.dispose();
    throw e;
  }
  return {
    mean,
    op: { d, totalVariance: total, apply: (q) => matmul(engine, cov, q, { label: 'pca.CQ' }), dispose: () => cov.dispose() },
  };
}

/**
 * Applies `project` ([rows, d] → [rows, k] on the GPU) to a streamed source block by block and
 * gathers the result on the host: the input never needs one buffer, only its projection does.
 */
export async function streamedTransform(engine: Engine, src: RowSource, k: number, project: (x: Tensor) => Tensor,
  opts: { signal?: AbortSignal; onRows?: (done: number, total: number) => void } = {}): Promise<Float32Array> {
  const out = new Float32Array(src.rows * k);
  for (const b of blocks(src, streamRows(engine, src.cols))) {
    const t = engine.tensor(src.read(b.start, b.count), [b.count, src.cols], { label: 'pca.stream' });
    const y = project(t);
    t.dispose();
    try { out.set(await y.read() as Float32Array, b.start * k); } finally { y.dispose(); }
    opts.signal?.throwIfAborted();
    opts.onRows?.(b.start + b.count, src.rows);
  }
  return out;
}
