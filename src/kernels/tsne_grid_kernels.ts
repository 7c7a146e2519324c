import code from '../../shaders/tsne_grid_kernels.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneGridKernelsKernel: KernelSpec = { name: 'tsne_grid_kernels', code, bindings: ['uniform', 'storage', 'storage'] };

const WG = 64;

/** Records the two packed convolution kernels (K, K²r) sampled at spacing h on the (2M)^dims grid. */
export function encodeTsneGridKernels(engine: Engine, c: { m: number; dims: number; h: number }, kerA: BufferSlice, kerB: BufferSlice): void {
  const size = (2 * c.m) ** c.dims;
  engine.dispatch(tsneGridKernelsKernel, {
    overrides: { WG, DIMS: c.dims },
    args: [packUniforms([['u32', c.m], ['u32', size], ['f32', c.h]]), kerA, kerB],
    workgroups: engine.grid(size, WG),
    cost: { flops: 8 * size, bytes: 16 * size },
  });
}
