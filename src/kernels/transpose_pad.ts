import code from '../../shaders/transpose_pad.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const transposePadKernel: KernelSpec = { name: 'transpose_pad', code, bindings: ['uniform', 'read', 'storage'] };

const WG = 64;

export interface TransposeBlock {
  /** Rows of the bound chunk of x and its row length. */
  rows: number; cols: number;
  /** First column of x (row of xT) in this block and how many. */
  k0: number; kc: number;
  /** Row stride of xT and the column of xT where the chunk's first row lands. */
  ld: number; col0: number;
}

/** Records xT[k - k0][col0 + r] = x[r][k] for one block (see the shader). */
export function encodeTransposePad(engine: Engine, b: TransposeBlock, x: BufferSlice, xt: BufferSlice): void {
  engine.dispatch(transposePadKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', b.rows], ['u32', b.cols], ['u32', b.k0], ['u32', b.kc], ['u32', b.ld], ['u32', b.col0], ['u32', 0], ['u32', 0],
    ]), x, xt],
    workgroups: engine.grid(b.rows * b.kc, WG),
    cost: { flops: 0, bytes: 8 * b.rows * b.kc },
  });
}
