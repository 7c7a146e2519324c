import code from '../../shaders/tsne_attractive.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneAttractiveKernel: KernelSpec = {
  name: 'tsne_attractive', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;
const SPAN = Math.floor(LOOP_BUDGET * 0.9);

export interface SparseRows { rowPtr: BufferSlice; colIdx: BufferSlice; val: BufferSlice; maxDegree: number }

/**
 * Records attr_i = Σ_j p_ij K_ij (y_i − y_j) over CSR rows (and, with `klRow`, Σ_j p_ij log(p_ij/K_ij)),
 * in windows of SPAN edges per row so that any degree stays inside the loop budget.
 */
export function encodeTsneAttractive(engine: Engine, c: { n: number; dims: number }, p: SparseRows,
  rows: BufferSlice, cols: BufferSlice, attr: BufferSlice, klRow?: BufferSlice): void {
  const windows = Math.max(1, Math.ceil(p.maxDegree / SPAN));
  for (let w = 0; w < windows; w++) {
    engine.dispatch(tsneAttractiveKernel, {
      overrides: { WG, DIMS: c.dims, WITH_KL: klRow ? 1 : 0 },
      args: [packUniforms([['u32', c.n], ['u32', w * SPAN], ['u32', SPAN], ['u32', w > 0 ? 1 : 0]]),
        p.rowPtr, p.colIdx, p.val, rows, cols, attr, klRow ?? engine.placeholder()],
      workgroups: engine.grid(c.n, WG),
    });
  }
}
