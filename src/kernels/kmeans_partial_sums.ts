import code from '../../shaders/kmeans_partial_sums.wgsl';
import clustersCode from '../../shaders/kmeans_partial_sums_clusters.wgsl';
import type { Engine } from '../engine/engine.js';
import { LimitError } from '../engine/errors.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansPartialSumsKernel: KernelSpec = {
  name: 'kmeans_partial_sums', code, bindings: ['uniform', 'read', 'read', 'storage'],
};
export const kmeansPartialSumsClustersKernel: KernelSpec = {
  name: 'kmeans_partial_sums_clusters', code: clustersCode, bindings: ['uniform', 'read', 'read', 'storage'],
};

const WG = 64;
/** Clusters one dispatch keeps in registers; more clusters take more passes over the rows. */
export const PARTIAL_MAX_K = 64;

/**
 * Rows per block for n rows: at least 512 (enough work per invocation), at most what keeps the
 * block loop inside the adapter's loop budget, and large enough that the number of blocks does too
 * (the finalize kernel loops over blocks).
 */
export function partialBlockRows(n: number, loopBudget: number): number {
  const budget = Math.min(loopBudget, 2 ** 30);
  const maxRows = budget - 2 * PARTIAL_MAX_K;
  const rows = Math.max(512, Math.ceil(n / (budget - 8)));
  if (rows > maxRows) {
    const most = maxRows * (budget - 8);
    throw new LimitError(`k-means: ${n} rows are more than one update step can sum on this adapter (${most}); use --limit ${most} or a mini-batch run.`,
      'loopBudget', most, n);
  }
  return rows;
}

/** Per-invocation registers for every cluster (CPU rasterisers), or a workgroup per (block, cluster) with a tree. */
export type PartialSumsVariant = 'registers' | 'clusters';

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
  partial: BufferSlice, variant: PartialSumsVariant = 'registers'): number {
  const blocks = Math.ceil(c.rows / c.blockRows);
  const w1 = c.d4 / 4 + 1;
  const uniforms = (kc0: number, kn: number) => packUniforms([
    ['u32', c.rows], ['u32', c.d4], ['u32', c.k], ['u32', c.row0], ['u32', c.blockRows], ['u32', c.block0], ['u32', kc0], ['u32', kn],
  ]);
  if (variant === 'clusters') {
    const wg = Math.min(256, 2 ** Math.floor(Math.log2(engine.traits.maxInvocations)));
    const cw = Math.min(wg, 2 ** Math.ceil(Math.log2(w1)), 64);
    engine.dispatch(kmeansPartialSumsClustersKernel, {
      overrides: { WG: wg, CW: cw },
      args: [uniforms(0, c.k), x, labels, partial],
      workgroups: [Math.ceil(w1 / cw), blocks, c.k],
      cost: { flops: c.rows * c.d4, bytes: 4 * (c.rows * c.d4 + c.rows * c.k + blocks * c.k * (c.d4 + 4)) },
    });
    return blocks;
  }
  for (let kc0 = 0; kc0 < c.k; kc0 += PARTIAL_MAX_K) {
    const kn = Math.min(PARTIAL_MAX_K, c.k - kc0);
    engine.dispatch(kmeansPartialSumsKernel, {
      overrides: { WG },
      args: [uniforms(kc0, kn), x, labels, partial],
      workgroups: [Math.ceil(w1 / WG), blocks],
      cost: { flops: c.rows * c.d4, bytes: 4 * (c.rows * c.d4 + c.rows + blocks * kn * (c.d4 + 4)) },
    });
  }
  return blocks;
}
