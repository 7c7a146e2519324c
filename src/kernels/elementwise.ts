import code from '../../shaders/elementwise.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const elementwiseKernel: KernelSpec = { name: 'elementwise', code, bindings: ['uniform', 'read', 'read', 'storage'] };

export const ELEMENTWISE_OPS = {
  add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, square: 6, sqrt: 7, exp: 8, log: 9, abs: 10, sqdiff: 11, copy: 12,
} as const;
export type ElementwiseOp = keyof typeof ELEMENTWISE_OPS;

/** How the second operand is broadcast over the [R, C] matrix. */
export const Y_MODES = { none: 0, scalar: 1, row: 2, col: 3, full: 4 } as const;
export type YMode = keyof typeof Y_MODES;

const Y_LEN: Record<YMode, (r: number, c: number) => number> = {
  none: () => 0, scalar: () => 1, row: (_, c) => c, col: (r) => r, full: (r, c) => r * c,
};

export interface ElementwiseCall {
  R: number; C: number; op: ElementwiseOp; yMode: YMode;
  alpha: number; beta: number; act: number; slope: number;
}

const WG = 64;

export function encodeElementwise(engine: Engine, c: ElementwiseCall, x: BufferSlice, y: BufferSlice, z: BufferSlice): void {
  engine.dispatch(elementwiseKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.R], ['u32', c.C], ['u32', ELEMENTWISE_OPS[c.op]], ['u32', Y_MODES[c.yMode]],
      ['f32', c.alpha], ['f32', c.beta], ['u32', c.act], ['f32', c.slope],
    ]), x, y, z],
    workgroups: engine.grid(c.R * c.C, WG),
    // One operation (two with an activation) per element; x and z in full, y as broadcast.
    cost: { flops: c.R * c.C * (c.act ? 3 : 2), bytes: 4 * (2 * c.R * c.C + Y_LEN[c.yMode](c.R, c.C)) },
  });
}
