import code from '../../shaders/kmeans_assign.wgsl';
import type { Engine } from '../engine/engine.js';
import { LimitError } from '../engine/errors.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';
import { paddedK } from './kmeans_prepare.js';

export const kmeansAssignKernel: KernelSpec = {
  name: 'kmeans_assign', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'storage', 'storage', 'read', 'storage'],
};

const WG = 64;

/** Most columns the kernel handles: one tile's loop over d must fit LOOP_BUDGET. */
export const ASSIGN_MAX_D = LOOP_BUDGET - 64;

export interface KMeansAssignCall {
  /** Rows in this binding of x, the first being row `row0` of the whole matrix. */
  rows: number; row0: number;
  /** Columns of the padded x (a multiple of 4). */
  d4: number; k: number;
  /** Only the rows listed in idx[list0 .. list0 + rows), results at list0 + r. */
  list0?: number;
  /** `extra` gets every squared distance ([slots, k]) instead of the second nearest ([slots]). */
  allDistances?: boolean;
}

/** vec4 accumulators per tile and centroids per pass (a multiple of the tile) for d and k. */
export function assignPlan(d4: number, k: number): { ct4: number; perPass: number } {
  if (d4 > ASSIGN_MAX_D) {
    throw new LimitError(`k-means: ${d4} columns are more than the assignment kernel handles on this adapter (${ASSIGN_MAX_D}); reduce them first (--via pca:N).`,
      'loopBudget', ASSIGN_MAX_D, d4);
  }
  const ct4 = Math.min(4, paddedK(k) / 4);
  // Loop iterations of one tile: d4 / 4 + d4, plus the comparisons.
  const tiles = Math.max(1, Math.floor(LOOP_BUDGET / (1.25 * d4 + 24)));
  return { ct4, perPass: Math.min(paddedK(k), tiles * 4 * ct4) };
}

/**
 * Records the nearest-centroid search for one row chunk (or the listed rows of it): labels, the
 * squared distance to the nearest centroid (mind) and to the second nearest or to all (extra).
 * centT/cnorm come from kmeans_prepare; `xnorm` covers all rows, `x` only this chunk.
 */
export function encodeKMeansAssign(engine: Engine, c: KMeansAssignCall, x: BufferSlice, centT: BufferSlice,
  cnorm: BufferSlice, xnorm: BufferSlice, labels: BufferSlice, mind: BufferSlice, idx: BufferSlice, extra: BufferSlice): void {
  if (c.rows === 0) return;
  const { ct4, perPass } = assignPlan(c.d4, c.k);
  for (let c0 = 0; c0 < c.k; c0 += perPass) {
    const count = Math.min(perPass, c.k - c0);
    engine.dispatch(kmeansAssignKernel, {
      overrides: { WG, CT4: ct4 },
      args: [packUniforms([
        ['u32', c.rows], ['u32', c.d4], ['u32', c.k], ['u32', paddedK(c.k) / 4], ['u32', c0], ['u32', count],
        ['u32', c0 > 0 ? 1 : 0], ['u32', c0 + count >= c.k ? 1 : 0], ['u32', c.row0],
        ['u32', c.list0 === undefined ? 0 : 1], ['u32', c.list0 ?? 0], ['u32', c.allDistances ? 1 : 0],
      ]), x, centT, cnorm, xnorm, labels, mind, idx, extra],
      workgroups: engine.grid(Math.ceil(c.rows / 2), WG),
    });
  }
}
