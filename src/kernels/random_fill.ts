import code from '../../shaders/random_fill.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const randomFillKernel: KernelSpec = { name: 'random_fill', code, bindings: ['uniform', 'storage'] };

export interface RandomFillCall {
  n: number;
  /** Normal(lo, hi²) when true; uniform [lo, hi) otherwise. */
  normal: boolean;
  seed: number;
  /** Second counter word: different streams of one seed are independent. */
  stream: number;
  lo: number;
  hi: number;
}

const WG = 64;

export function encodeRandomFill(engine: Engine, c: RandomFillCall, x: BufferSlice): void {
  engine.dispatch(randomFillKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.n], ['u32', c.normal ? 1 : 0], ['u32', c.seed >>> 0], ['u32', c.stream >>> 0], ['f32', c.lo], ['f32', c.hi],
    ]), x],
    workgroups: engine.grid(c.n, WG),
    cost: { flops: 10 * c.n, bytes: 4 * c.n },
  });
}
