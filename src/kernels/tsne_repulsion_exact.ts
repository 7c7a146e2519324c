import code from '../../shaders/tsne_repulsion_exact.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneRepulsionExactKernel: KernelSpec = {
  name: 'tsne_repulsion_exact', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;
/** Column points per dispatch, inside one invocation's loop budget (all at once where there is none). */
export function exactTile(loopBudget: number): number {
  return Math.min(Math.floor(loopBudget * 0.9), 2 ** 31);
}

/**
 * Records the exact repulsion of `nRows` row points against `nCols` column points, one column tile
 * per dispatch: rep [nRows, dims] = Σ_j K² (y_i − y_j), z [nRows] = Σ_j K (minus 1 when `self`).
 */
export function encodeTsneRepulsionExact(engine: Engine, c: { nRows: number; nCols: number; dims: number; self: boolean },
  rows: BufferSlice, cols: BufferSlice, rep: BufferSlice, z: BufferSlice): void {
  const tile = exactTile(engine.traits.loopBudget);
  for (let start = 0; start < c.nCols; start += tile) {
    const count = Math.min(tile, c.nCols - start);
    engine.dispatch(tsneRepulsionExactKernel, {
      overrides: { WG, DIMS: c.dims },
      args: [packUniforms([['u32', c.nRows], ['u32', start], ['u32', count], ['u32', start > 0 ? 1 : 0], ['f32', c.self ? 1 : 0]]),
        rows, cols, rep, z],
      workgroups: engine.grid(c.nRows, WG),
      cost: { flops: c.nRows * count * (5 * c.dims + 4), bytes: 4 * ((c.nRows + count) * c.dims + c.nRows * (c.dims + 1) * (start > 0 ? 2 : 1)) },
    });
  }
}
