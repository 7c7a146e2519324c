import code from '../../shaders/kmeans_gather_rows.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansGatherRowsKernel: KernelSpec = {
  name: 'kmeans_gather_rows', code, bindings: ['uniform', 'read', 'read', 'storage'],
};

const WG = 64;

/** Records out[r] = x[idx[r]] for the indices that fall in this row chunk of x. */
export function encodeKMeansGatherRows(engine: Engine, c: { count: number; d: number; row0: number; rows: number },
  idx: BufferSlice, x: BufferSlice, out: BufferSlice): void {
  engine.dispatch(kmeansGatherRowsKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.count], ['u32', c.d], ['u32', c.row0], ['u32', c.rows]]), idx, x, out],
    workgroups: engine.grid(c.count * c.d, WG),
  });
}
