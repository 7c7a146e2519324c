import code from '../../shaders/kmeans_seed_dists.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansSeedDistsKernel: KernelSpec = {
  name: 'kmeans_seed_dists', code, bindings: ['uniform', 'read', 'read', 'read', 'storage'],
};

const WG = 64;

/**
 * Records out[q, row0 + r] = min(current, ‖x_r − cand_q‖²) for all `nCand` candidates over one row
 * chunk; out is [nCand, n].
 */
export function encodeKMeansSeedDists(engine: Engine, c: { rows: number; row0: number; n: number; d: number; nCand: number },
  x: BufferSlice, cand: BufferSlice, current: BufferSlice, out: BufferSlice): void {
  const per = Math.max(1, Math.floor(LOOP_BUDGET / (c.d + 1)));
  for (let q0 = 0; q0 < c.nCand; q0 += per) {
    engine.dispatch(kmeansSeedDistsKernel, {
      overrides: { WG },
      args: [packUniforms([
        ['u32', c.rows], ['u32', c.d], ['u32', c.row0], ['u32', c.n], ['u32', q0], ['u32', Math.min(per, c.nCand - q0)],
      ]), x, cand, current, out],
      workgroups: engine.grid(c.rows, WG),
    });
  }
}
