import code from '../../shaders/gather_rows.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const gatherRowsKernel: KernelSpec = { name: 'gather_rows', code, bindings: ['uniform', 'read', 'read', 'storage'] };

export interface GatherRowsCall {
  /** Output rows. */
  rows: number;
  /** Values per row. */
  d: number;
  /** First index used, in `idx`. */
  idxStart: number;
  /** The bound chunk of x holds rows [chunkStart, chunkStart + chunkRows). */
  chunkStart: number;
  chunkRows: number;
}

const WG = 64;

/** out[r] = x[idx[idxStart + r]] for the indices inside the bound chunk of x. */
export function encodeGatherRows(engine: Engine, c: GatherRowsCall, x: BufferSlice, idx: BufferSlice, out: BufferSlice): void {
  engine.dispatch(gatherRowsKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.rows], ['u32', c.d], ['u32', c.idxStart], ['u32', c.chunkStart], ['u32', c.chunkRows],
    ]), x, idx, out],
    workgroups: engine.grid(c.rows * c.d, WG),
    cost: { flops: 0, bytes: 8 * c.rows * c.d + 4 * c.rows },
  });
}
