import code from '../../shaders/tsne_grid_multiply.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridMultiplyKernel: KernelSpec = { name: 'tsne_grid_multiply', code, bindings: ['uniform', 'read', 'storage', 'storage'] };

const WG = 64;

/** Records kerA ← dens·kerA and kerB ← dens·kerB (complex, element-wise) over `size` elements. */
export function encodeTsneGridMultiply(engine: Engine, size: number, dens: BufferSlice, kerA: BufferSlice, kerB: BufferSlice): void {
  engine.dispatch(tsneGridMultiplyKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', size]]), dens, kerA, kerB],
    workgroups: engine.grid(size, WG),
  });
}
