import code from '../../shaders/kmeans_finalize.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansFinalizeKernel: KernelSpec = {
  name: 'kmeans_finalize', code, bindings: ['uniform', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;

/**
 * Records the sum of `blocks` partial blocks into new centroids [k, d] and counts [k]
 * (weights: prior counts per centroid, zeros for a Lloyd step).
 */
export function encodeKMeansFinalize(engine: Engine, c: { k: number; d: number; d4: number; blocks: number }, partial: BufferSlice,
  prev: BufferSlice, weights: BufferSlice, cent: BufferSlice, counts: BufferSlice): void {
  engine.dispatch(kmeansFinalizeKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.k], ['u32', c.d], ['u32', c.blocks], ['u32', c.d4]]), partial, prev, weights, cent, counts],
    workgroups: engine.grid(c.k * (c.d + 1), WG),
    cost: { flops: c.blocks * c.k * (c.d + 1), bytes: 4 * (c.blocks + 1) * c.k * (c.d + 1) },
  });
}
