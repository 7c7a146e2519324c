import code from '../../shaders/kmeans_partial_sums.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansPartialSumsKernel: KernelSpec = {
  name: 'kmeans_partial_sums', code, bindings: ['uniform', 'read', 'read', 'storage'],
};

const WG = 64;
/** Clusters one dispatch keeps in registers; more clusters take more passes over the rows. */
export const PARTIAL_MAX_K = 64;

/**
 * Rows per block for n rows: at least 512 (enough work per invocation), at most what keeps the
 * block loop inside LOOP_BUDGET, and large enough that the number of blocks does too (the
 * finalize kernel loops over blocks).
 */
export function partialBlockRows(n: number): number {
  const maxRows = LOOP_BUDGET - 2 * PARTIAL_MAX_K;
  const rows = Math.max(512, Math.ceil(n / (LOOP_BUDGET - 8)));
  if (rows > maxRows) throw new RangeError(`k-means: ${n} rows are more than one update step can sum (${maxRows * (LOOP_BUDGET - 8)}).`);
  return rows;
}

export interface KMeansPartialCall {
  /** Rows in this binding of x; row `row0` of the whole matrix (labels cover all rows). */
  rows: number; row0: number;
  /** Columns of the padded x (a multiple of 4). */
  d4: number; k: number;
  blockRows: number;
  /** Index of this chunk's first block in `partial`. */
  block0: number;
}

/** Records per-block cluster sums and counts of one row chunk into partial [blocks, k, d4 + 4]. */
export function encodeKMeansPartialSums(engine: Engine, c: KMeansPartialCall, x: BufferSlice, labels: BufferSlice,
  partial: BufferSlice): number {
  const blocks = Math.ceil(c.rows / c.blockRows);
  for (let kc0 = 0; kc0 < c.k; kc0 += PARTIAL_MAX_K) {
    const kn = Math.min(PARTIAL_MAX_K, c.k - kc0);
    engine.dispatch(kmeansPartialSumsKernel, {
      overrides: { WG },
      args: [packUniforms([
        ['u32', c.rows], ['u32', c.d4], ['u32', c.k], ['u32', c.row0], ['u32', c.blockRows], ['u32', c.block0],
        ['u32', kc0], ['u32', kn],
      ]), x, labels, partial],
      workgroups: [Math.ceil((c.d4 / 4 + 1) / WG), blocks],
    });
  }
  return blocks;
}
