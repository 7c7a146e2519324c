import code from '../../shaders/distance_split_nearest.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const distanceSplitNearestKernel: KernelSpec = {
  name: 'distance_split_nearest', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage', 'storage'],
};

const WG = 64;

/** Records labels/mind/second[row0 + r] from the [rows, 2] nearest lists (vals, idx). */
export function encodeDistanceSplitNearest(engine: Engine, c: { rows: number; row0: number }, vals: BufferSlice, idx: BufferSlice,
  labels: BufferSlice, mind: BufferSlice, second: BufferSlice): void {
  engine.dispatch(distanceSplitNearestKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.rows], ['u32', c.row0]]), vals, idx, labels, mind, second],
    workgroups: engine.grid(c.rows, WG),
    cost: { flops: 0, bytes: 4 * 7 * c.rows },
  });
}
