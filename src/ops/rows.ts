import type { Engine } from '../engine/engine.js';
import { ShapeError } from '../engine/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { encodeNormalizeRows, type NormalizeMode } from '../kernels/normalize_rows.js';
import { encodeTopkRows, TOPK_MAX_K } from '../kernels/topk_rows.js';

/** Row-wise softmax, L1 or L2 normalisation of x viewed as [rows, cols]. */
export function normalizeRows(engine: Engine, x: Tensor, mode: NormalizeMode = 'softmax', label = `normalize.${mode}`): Tensor {
  if (x.dtype !== 'f32') throw new ShapeError(`normalizeRows: ${x} must be f32.`);
  const y = engine.empty(x.shape, 'f32', label);
  encodeNormalizeRows(engine, x.slice(), y.slice(), x.rows, x.cols, mode);
  return y;
}

export const softmaxRows = (e: Engine, x: Tensor) => normalizeRows(e, x, 'softmax');

export interface TopK { values: Tensor<'f32'>; indices: Tensor<'u32'> }

/**
 * The k smallest (or largest) values of each row with their column indices, best first.
 * k ≤ 128; ties keep the lower column.
 */
export function topkRows(engine: Engine, x: Tensor, k: number, opts: { largest?: boolean } = {}): TopK {
  if (x.dtype !== 'f32') throw new ShapeError(`topkRows: ${x} must be f32.`);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(TOPK_MAX_K, x.cols)) {
    throw new ShapeError(`topkRows: k must be an integer in 1..${Math.min(TOPK_MAX_K, x.cols)}, got ${k}.`);
  }
  const values = engine.empty([x.rows, k], 'f32', 'topk.values');
  const indices = engine.empty([x.rows, k], 'u32', 'topk.indices');
  encodeTopkRows(engine, { R: x.rows, C: x.cols, k, largest: Boolean(opts.largest) }, x.slice(), values.slice(), indices.slice());
  return { values, indices };
}

/** Column index of each row's largest value (u32, one per row). */
export function argmaxRows(engine: Engine, x: Tensor): Tensor<'u32'> {
  const { values, indices } = topkRows(engine, x, 1, { largest: true });
  values.dispose();
  return indices;
}

/** Column index of each row's smallest value (u32, one per row). */
export function argminRows(engine: Engine, x: Tensor): Tensor<'u32'> {
  const { values, indices } = topkRows(engine, x, 1);
  values.dispose();
  return indices;
}
