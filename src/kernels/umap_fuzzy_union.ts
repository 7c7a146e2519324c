import code from '../../shaders/umap_fuzzy_union.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const umapFuzzyUnionKernel: KernelSpec = { name: 'umap_fuzzy_union', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage'] };

const WG = 64;

/** Records the symmetric membership of every directed edge: indices, weights [n, k] → joint [n, k], reverse [n, k] (0/1). */
export function encodeUmapFuzzyUnion(engine: Engine, c: { n: number; k: number; mix: number }, indices: BufferSlice,
  weight: BufferSlice, joint: BufferSlice, reverse: BufferSlice): void {
  engine.dispatch(umapFuzzyUnionKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.n], ['u32', c.k], ['f32', c.mix]]), indices, weight, joint, reverse],
    workgroups: engine.grid(c.n * c.k, WG),
  });
}
