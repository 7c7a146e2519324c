import code from '../../shaders/kmeans_seed_dists.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';
import { paddedK } from './kmeans_prepare.js';

export const kmeansSeedDistsKernel: KernelSpec = {
  name: 'kmeans_seed_dists', code, bindings: ['uniform', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;

/**
 * Records out[q, row0 + r] = min(current, ‖x_r − cand_q‖²) for `nCand` candidates over one row
 * chunk of the padded x [rows, d4], and the distances themselves into raw; candT is [d4, paddedK(nCand)]
 * (kmeans_prepare), out and raw [nCand, n].
 */
export function encodeKMeansSeedDists(engine: Engine, c: { rows: number; row0: number; n: number; d4: number; nCand: number },
  x: BufferSlice, candT: BufferSlice, current: BufferSlice, out: BufferSlice, raw: BufferSlice): void {
  const tiles = paddedK(c.nCand) / 4;
  const per = Math.max(1, Math.floor(LOOP_BUDGET / (1.25 * c.d4 + 16)));
  for (let t0 = 0; t0 < tiles; t0 += per) {
    engine.dispatch(kmeansSeedDistsKernel, {
      overrides: { WG },
      args: [packUniforms([
        ['u32', c.rows], ['u32', c.d4], ['u32', c.row0], ['u32', c.n], ['u32', t0], ['u32', Math.min(per, tiles - t0)],
        ['u32', tiles], ['u32', c.nCand],
      ]), x, candT, current, out, raw],
      workgroups: engine.grid(Math.ceil(c.rows / 2), WG),
    });
  }
}
