import code from '../../shaders/tsne_grid_gather.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridGatherKernel: KernelSpec = {
  name: 'tsne_grid_gather', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;

/** Records the interpolation of the repulsion fields at n points: rep [n, dims], z [n]. */
export function encodeTsneGridGather(engine: Engine, c: { n: number; m: number; dims: number; self: boolean },
  y: BufferSlice, grid: BufferSlice, fieldA: BufferSlice, fieldB: BufferSlice, rep: BufferSlice, z: BufferSlice): void {
  engine.dispatch(tsneGridGatherKernel, {
    overrides: { WG, DIMS: c.dims },
    args: [packUniforms([['u32', c.n], ['u32', c.m], ['f32', 1 / (2 * c.m) ** c.dims], ['f32', c.self ? 1 : 0]]),
      y, grid, fieldA, fieldB, rep, z],
    workgroups: engine.grid(c.n, WG),
    // Per point: 4^dims stencil nodes of two complex fields, weights and sums (an estimate of the flops).
    cost: { flops: c.n * 4 ** c.dims * (2 * c.dims + 6), bytes: 4 * c.n * (2 * c.dims + 1) + 2 * 8 * (2 * c.m + 1) ** (c.dims - 1) * 2 * c.m },
  });
}
