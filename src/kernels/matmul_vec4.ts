import code from '../../shaders/matmul_vec4.wgsl';
import type { Engine } from '../engine/engine.js';
import type { KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';
import { MATMUL_BINDINGS, matmulCost, matmulLanes, matmulUniforms, type MatmulCall } from './matmul.js';

export const matmulVec4: KernelSpec = { name: 'matmul.vec4', code, bindings: MATMUL_BINDINGS };

/** Rows of C one workgroup of the vec4 kernel computes. */
export const VEC4_ROWS = 8;
const TM = VEC4_ROWS;

/** Whether the vec4 kernel can run this call (see the shader for the layout it needs). */
export function vec4Applies(c: MatmulCall): boolean {
  const bRowMajor = c.bColStride === 1 && c.bRowStride % 4 === 0;
  const bTrans = c.bRowStride === 1 && c.bColStride % 4 === 0 && c.K % 4 === 0;
  const aRowMajor = c.aColStride === 1 && c.aRowStride % 4 === 0 && c.K % 4 === 0;
  const aTrans = c.aRowStride === 1 && c.aColStride % 4 === 0 && c.M % 4 === 0;
  const layout = (aRowMajor && (bRowMajor || bTrans)) || (aTrans && bRowMajor);
  return layout && c.N % 4 === 0 &&
    c.aBatchStride % 4 === 0 && c.bBatchStride % 4 === 0 && c.cBatchStride % 4 === 0 &&
    (c.aOffset ?? 0) % 4 === 0 && (c.bOffset ?? 0) % 4 === 0 && (c.cOffset ?? 0) % 4 === 0;
}

export function encodeMatmulVec4(engine: Engine, call: MatmulCall, a: BufferSlice, b: BufferSlice,
  bias: BufferSlice, c: BufferSlice): void {
  const n4 = call.N / 4;
  const wg = matmulLanes(n4);
  engine.dispatch(matmulVec4, {
    overrides: {
      WG: wg,
      A_TRANS: call.aColStride === 1 ? 0 : 1,
      B_TRANS: call.aColStride === 1 && call.bColStride !== 1 ? 1 : 0,
    },
    args: [matmulUniforms(call), a, b, bias, c],
    workgroups: [Math.ceil(n4 / wg), Math.ceil(call.M / TM), call.batch],
    cost: matmulCost(call),
  });
}
