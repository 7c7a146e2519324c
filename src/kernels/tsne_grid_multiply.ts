import code from '../../shaders/tsne_grid_multiply.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridMultiplyKernel: KernelSpec = {
  name: 'tsne_grid_multiply', code, bindings: ['uniform', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;

/** Records fieldA ← dens·kerA and fieldB ← dens·kerB (complex, element-wise) over `size` elements. */
export function encodeTsneGridMultiply(engine: Engine, size: number, dens: BufferSlice, kerA: BufferSlice, kerB: BufferSlice,
  fieldA: BufferSlice, fieldB: BufferSlice): void {
  engine.dispatch(tsneGridMultiplyKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', size]]), dens, kerA, kerB, fieldA, fieldB],
    workgroups: engine.grid(size, WG),
    // Two complex products per node; three complex grids read, two written.
    cost: { flops: 12 * size, bytes: 40 * size },
  });
}
