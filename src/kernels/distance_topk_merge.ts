import code from '../../shaders/distance_topk_merge.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const distanceTopkMergeKernel: KernelSpec = {
  name: 'distance_topk_merge', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;

/** Loop iterations per row when every list improves the heap all the way (the host's bound on S). */
export function mergeIterations(k: number, S: number): number {
  const depth = Math.ceil(Math.log2(k + 1)) + 1;
  return S * k * (depth + 1) + k * (depth + 4);
}

/** Records the merge of S sorted [m, k] lists (parts, [S, m, k]) into vals/idx [m, k]. */
export function encodeDistanceTopkMerge(engine: Engine, c: { m: number; k: number; S: number }, partVals: BufferSlice,
  partIdx: BufferSlice, vals: BufferSlice, idx: BufferSlice): void {
  engine.dispatch(distanceTopkMergeKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.m], ['u32', c.k], ['u32', c.S], ['u32', 0]]), partVals, partIdx, vals, idx],
    workgroups: engine.grid(c.m, WG),
    cost: { flops: c.m * c.S * c.k, bytes: 4 * 2 * c.m * c.k * (c.S + 1) },
  });
}
