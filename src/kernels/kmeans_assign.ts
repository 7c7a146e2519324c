import code from '../../shaders/kmeans_assign.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansAssignKernel: KernelSpec = {
  name: 'kmeans_assign', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;
const MAX_KT = 16;

export interface KMeansAssignCall {
  /** Rows in this binding of x, the first being row `row0` of the whole matrix. */
  rows: number; row0: number;
  d: number; k: number;
}

/** Most columns the kernel handles: one centroid's loop over d must fit LOOP_BUDGET. */
export const ASSIGN_MAX_D = LOOP_BUDGET - 64;

/** Centroids per register tile: at most MAX_KT, and few enough that one tile's d·KT fits LOOP_BUDGET. */
function tileSize(d: number, k: number): number {
  if (d > ASSIGN_MAX_D) throw new RangeError(`k-means: d = ${d} columns is more than ${ASSIGN_MAX_D}.`);
  return Math.max(1, Math.min(k, MAX_KT, Math.floor(LOOP_BUDGET / (d + 3))));
}

/** Centroids one dispatch compares each row with, so that d·count stays inside LOOP_BUDGET. */
export function assignCentroidsPerPass(d: number, k: number): number {
  const kt = tileSize(d, k);
  const tiles = Math.max(1, Math.floor(LOOP_BUDGET / (kt * (d + 3))));
  return Math.min(k, tiles * kt);
}

/**
 * Records the nearest-centroid search for one row chunk: labels[row0 + r] and the squared distance
 * mind[row0 + r]. `xnorm`, `labels` and `mind` cover all rows; `x` only this chunk.
 */
export function encodeKMeansAssign(engine: Engine, c: KMeansAssignCall, x: BufferSlice, cent: BufferSlice,
  cnorm: BufferSlice, xnorm: BufferSlice, labels: BufferSlice, mind: BufferSlice): void {
  const kt = tileSize(c.d, c.k);
  const per = assignCentroidsPerPass(c.d, c.k);
  for (let c0 = 0; c0 < c.k; c0 += per) {
    const count = Math.min(per, c.k - c0);
    engine.dispatch(kmeansAssignKernel, {
      overrides: { WG, KT: kt },
      args: [packUniforms([
        ['u32', c.rows], ['u32', c.d], ['u32', c.k], ['u32', c0], ['u32', count],
        ['u32', c0 > 0 ? 1 : 0], ['u32', c0 + count >= c.k ? 1 : 0], ['u32', c.row0],
      ]), x, cent, cnorm, xnorm, labels, mind],
      workgroups: engine.grid(c.rows, WG),
    });
  }
}
