import code from '../../shaders/tsne_perplexity.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsnePerplexityKernel: KernelSpec = { name: 'tsne_perplexity', code, bindings: ['uniform', 'read', 'storage', 'storage'] };

const WG = 64;

/** Records the per-row perplexity binary search: squared distances [n, k] → p_j|i [n, k] and beta [n]. */
export function encodeTsnePerplexity(engine: Engine, c: { n: number; k: number; perplexity: number; tolerance?: number },
  dist: BufferSlice, pcond: BufferSlice, beta: BufferSlice): void {
  engine.dispatch(tsnePerplexityKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.n], ['u32', c.k], ['f32', Math.log(c.perplexity)], ['f32', c.tolerance ?? 1e-5]]), dist, pcond, beta],
    workgroups: engine.grid(c.n, WG),
    // A bisection of up to ~64 steps over k exponentials per row (an upper estimate).
    cost: { flops: 64 * 4 * c.n * c.k, bytes: 8 * c.n * c.k + 4 * c.n },
  });
}
