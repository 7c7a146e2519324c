import code from '../../shaders/tsne_grid_prepare.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridPrepareKernel: KernelSpec = { name: 'tsne_grid_prepare', code, bindings: ['uniform', 'storage', 'storage'] };

const WG = 64;

/** Records the zero-padded complex density ((2M)^dims) from the i32 one, which it resets. */
export function encodeTsneGridPrepare(engine: Engine, c: { m: number; dims: number; scale: number }, density: BufferSlice, dens: BufferSlice): void {
  const size = (2 * c.m) ** c.dims;
  engine.dispatch(tsneGridPrepareKernel, {
    overrides: { WG, DIMS: c.dims },
    args: [packUniforms([['u32', c.m], ['u32', size], ['f32', c.scale]]), density, dens],
    workgroups: engine.grid(size, WG),
    cost: { flops: c.m ** c.dims, bytes: 4 * c.m ** c.dims + 8 * size },
  });
}
