import code from '../../shaders/kmeans_silhouette.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const kmeansSilhouetteKernel: KernelSpec = {
  name: 'kmeans_silhouette', code, bindings: ['uniform', 'read', 'read', 'read', 'storage'],
};

const WG = 64;
/** Clusters the kernel keeps per-point sums for. */
export const SILHOUETTE_MAX_K = 128;

/** Records the silhouette of each of s sampled points from their Gram matrix [s, s] and norms [s]. */
export function encodeKMeansSilhouette(engine: Engine, c: { s: number; k: number }, gram: BufferSlice, norms: BufferSlice,
  labels: BufferSlice, out: BufferSlice): void {
  engine.dispatch(kmeansSilhouetteKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.s], ['u32', c.k]]), gram, norms, labels, out],
    workgroups: engine.grid(c.s, WG),
    cost: { flops: 4 * c.s * c.s, bytes: 4 * (c.s * c.s + 2 * c.s + c.s) },
  });
}
