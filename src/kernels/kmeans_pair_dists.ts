import code from '../../shaders/kmeans_pair_dists.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansPairDistsKernel: KernelSpec = {
  name: 'kmeans_pair_dists', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'storage'],
};

const WG = 64;

/**
 * Records out[q] = ‖x[rows[q]] − cent[cents[q]]‖² for pairs [list0, list0 + count), whose rows
 * lie in this chunk of the padded x (first row row0). The loop runs d4 / 4 times (the caller
 * keeps d inside LOOP_BUDGET).
 */
export function encodeKMeansPairDists(engine: Engine, c: { count: number; d4: number; row0: number; list0: number },
  x: BufferSlice, cent: BufferSlice, rows: BufferSlice, cents: BufferSlice, out: BufferSlice): void {
  if (c.count === 0) return;
  engine.dispatch(kmeansPairDistsKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.count], ['u32', c.d4], ['u32', c.row0], ['u32', c.list0]]), x, cent, rows, cents, out],
    workgroups: engine.grid(c.count, WG),
  });
}
