import code from '../../shaders/knn_heap_merge.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const knnHeapMergeKernel: KernelSpec = {
  name: 'knn_heap_merge', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage', 'read'],
};

/** Largest k the kernel keeps per row. */
export const KNN_MAX_K = 128;
const NO_SELF = 0xffffffff;
const WG = 64;

export interface HeapMergeCall {
  /** Rows of the tile and the candidate columns to merge; `ld` is the tile's row stride. */
  R: number; C: number; ld: number; k: number;
  /** Global index of the tile's first column. */
  colOffset: number;
  /** Global index of row 0 when the candidates are the rows' own point set (skip self-matches). */
  selfOffset?: number;
  /** The lists hold nothing yet. */
  first: boolean;
  /** Sort the lists ascending and add the row norms: the last merge of these rows. */
  finalize: boolean;
  /**
   * Transposed merge: the lists are the tile's columns (`ld` = 1) and candidate c is at stride
   * `colStride`; `candNorms` (the candidates' squared norms) turns ‖a_r‖² − 2a·b into ‖b‖² − 2a·b.
   */
  colStride?: number;
  candNorms?: BufferSlice;
}

/** Most candidate columns one dispatch may merge for this k within LOOP_BUDGET (see the shader). */
export function heapMergeColumns(k: number): number {
  const depth = Math.ceil(Math.log2(k + 1)) + 1;
  return Math.floor((LOOP_BUDGET - k * (depth + 3)) / (depth + 1));
}

export function encodeKnnHeapMerge(engine: Engine, c: HeapMergeCall, tile: BufferSlice, rowNorms: BufferSlice,
  vals: BufferSlice, idx: BufferSlice): void {
  if (c.k < 1 || c.k > KNN_MAX_K) throw new RangeError(`knn merge: k must be in 1..${KNN_MAX_K}, got ${c.k}.`);
  if (c.C > heapMergeColumns(c.k)) throw new RangeError(`knn merge: ${c.C} columns exceed the loop budget for k = ${c.k}.`);
  engine.dispatch(knnHeapMergeKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.R], ['u32', c.C], ['u32', c.ld], ['u32', c.k], ['u32', c.colOffset], ['u32', c.selfOffset ?? NO_SELF],
      ['u32', c.first ? 1 : 0], ['u32', c.finalize ? 1 : 0], ['u32', c.colStride ?? 1], ['u32', c.candNorms ? 1 : 0],
      ['u32', 0], ['u32', 0],
    ]), tile, rowNorms, vals, idx, c.candNorms ?? engine.placeholder()],
    workgroups: engine.grid(c.R, WG),
    cost: { flops: c.R * c.C, bytes: 4 * (c.R * c.C + c.R * c.k * (c.first ? 2 : 4)) },
  });
}
