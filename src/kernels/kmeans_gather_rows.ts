import code from '../../shaders/kmeans_gather_rows.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansGatherRowsKernel: KernelSpec = {
  name: 'kmeans_gather_rows', code, bindings: ['uniform', 'read', 'read', 'storage'],
};

const WG = 64;

export interface GatherRowsCall {
  /** Rows of out and their columns (≥ d, zero-filled past d). */
  count: number; dOut?: number;
  /** Columns of x, and the rows [row0, row0 + rows) this binding of x holds. */
  d: number; row0: number; rows: number;
  /** Row r of out is row r of the whole x (idx unused) rather than row idx[r]. */
  direct?: boolean;
}

/** Records out[r] = x[idx[r]] (or x[r]) for the rows that fall in this row chunk of x. */
export function encodeKMeansGatherRows(engine: Engine, c: GatherRowsCall, idx: BufferSlice, x: BufferSlice, out: BufferSlice): void {
  const dOut = c.dOut ?? c.d;
  engine.dispatch(kmeansGatherRowsKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.count], ['u32', c.d], ['u32', c.row0], ['u32', c.rows], ['u32', dOut], ['u32', c.direct ? 1 : 0],
    ]), idx, x, out],
    workgroups: engine.grid(c.count * dOut, WG),
    cost: { flops: 0, bytes: 8 * c.count * dOut + 4 * c.count },
  });
}
