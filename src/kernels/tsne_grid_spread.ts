import code from '../../shaders/tsne_grid_spread.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridSpreadKernel: KernelSpec = { name: 'tsne_grid_spread', code, bindings: ['uniform', 'read', 'read', 'storage'] };

const WG = 64;

/** Fixed-point scale of the i32 density: a node's total stays under 2^30 even with all n points on it. */
export function densityScale(n: number): number {
  return 2 ** Math.min(20, Math.floor(Math.log2(2 ** 30 / Math.max(n, 1))));
}

/** Records the spreading of n points' unit charges onto the M^dims i32 density grid. */
export function encodeTsneGridSpread(engine: Engine, c: { n: number; m: number; dims: number; scale: number },
  y: BufferSlice, grid: BufferSlice, density: BufferSlice): void {
  engine.dispatch(tsneGridSpreadKernel, {
    overrides: { WG, DIMS: c.dims },
    args: [packUniforms([['u32', c.n], ['u32', c.m], ['f32', c.scale]]), y, grid, density],
    workgroups: engine.grid(c.n, WG),
    // Per point: cubic weights per axis and one atomic add per stencil node.
    cost: { flops: c.n * (4 ** c.dims + 12 * c.dims), bytes: 4 * c.n * c.dims + 4 * c.m ** c.dims },
  });
}
