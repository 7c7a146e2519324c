import code from '../../shaders/tsne_grid_prepare.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridPrepareKernel: KernelSpec = {
  name: 'tsne_grid_prepare', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage', 'storage', 'storage'],
};

const WG = 64;

/** Records the padded density and packed kernel grids ((2M)^dims complex each); resets the i32 density. */
export function encodeTsneGridPrepare(engine: Engine, c: { m: number; dims: number; scale: number },
  bmin: BufferSlice, bmax: BufferSlice, density: BufferSlice, dens: BufferSlice, kerA: BufferSlice, kerB: BufferSlice): void {
  const size = (2 * c.m) ** c.dims;
  engine.dispatch(tsneGridPrepareKernel, {
    overrides: { WG, DIMS: c.dims },
    args: [packUniforms([['u32', c.m], ['u32', size], ['f32', c.scale]]), bmin, bmax, density, dens, kerA, kerB],
    workgroups: engine.grid(size, WG),
  });
}
