import code from '../../shaders/normalize_rows.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const normalizeRowsKernel: KernelSpec = { name: 'normalize_rows', code, bindings: ['uniform', 'read', 'storage'] };

export const NORMALIZE_MODES = { softmax: 0, l1: 1, l2: 2 } as const;
export type NormalizeMode = keyof typeof NORMALIZE_MODES;

const WG = 64;

export function encodeNormalizeRows(engine: Engine, x: BufferSlice, y: BufferSlice, R: number, C: number, mode: NormalizeMode): void {
  engine.dispatch(normalizeRowsKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', R], ['u32', C], ['u32', NORMALIZE_MODES[mode]]]), x, y],
    workgroups: engine.grid(R, WG),
    cost: { flops: 3 * R * C, bytes: 8 * R * C },
  });
}
