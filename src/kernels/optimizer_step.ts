import code from '../../shaders/optimizer_step.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const optimizerStepKernel: KernelSpec = {
  name: 'optimizer_step', code, bindings: ['uniform', 'read', 'storage', 'storage', 'storage', 'storage'],
};

export interface OptimizerStepCall {
  /** Parameter shape [rows, cols] (a bias is [1, n]). */
  rows: number;
  cols: number;
  kind: 'adam' | 'sgd';
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1-based step count, for Adam's bias correction. */
  step: number;
  /** L2 penalty added to the gradient. */
  l2: number;
  /** Decoupled weight decay (AdamW). */
  wd: number;
  momentum: number;
  /** Also write wᵀ into the last binding. */
  writeTransposed: boolean;
}

const WG = 64;

export function encodeOptimizerStep(engine: Engine, c: OptimizerStepCall, g: BufferSlice, w: BufferSlice,
  m: BufferSlice, v: BufferSlice, wt: BufferSlice): void {
  const n = c.rows * c.cols;
  engine.dispatch(optimizerStepKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', n], ['u32', c.rows], ['u32', c.cols], ['u32', c.kind === 'adam' ? 0 : 1],
      ['f32', c.lr], ['f32', c.beta1], ['f32', c.beta2], ['f32', c.eps],
      ['f32', 1 / (1 - c.beta1 ** c.step)], ['f32', 1 / (1 - c.beta2 ** c.step)], ['f32', c.l2], ['f32', c.wd],
      ['f32', c.momentum], ['u32', c.writeTransposed ? 1 : 0],
    ]), g, w, m, v, wt],
    workgroups: engine.grid(n, WG),
    cost: { flops: 12 * n, bytes: 28 * n },
  });
}
