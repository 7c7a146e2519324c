import code from '../../shaders/matmul.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { DispatchCost } from '../engine/engine.js';
import type { BufferSlice } from '../engine/tensor.js';

/** Bindings shared by the matmul family: params, A, B, bias, C. */
export const MATMUL_BINDINGS = ['uniform', 'read', 'read', 'read', 'storage'] as const;

export const matmulGeneral: KernelSpec = { name: 'matmul.general', code, bindings: MATMUL_BINDINGS };

/** Shapes and strides of one matmul call, in elements. */
export interface MatmulCall {
  M: number; N: number; K: number; batch: number;
  aRowStride: number; aColStride: number; aBatchStride: number;
  bRowStride: number; bColStride: number; bBatchStride: number;
  cBatchStride: number;
  act: number; slope: number; alpha: number; beta: number; hasBias: boolean;
  /** Element offsets into A, B (K chunks, M folds) and C (M folds). */
  aOffset?: number; bOffset?: number; cOffset?: number;
}

export function matmulUniforms(c: MatmulCall): ArrayBuffer {
  return packUniforms([
    ['u32', c.M], ['u32', c.N], ['u32', c.K], ['u32', c.batch],
    ['u32', c.aRowStride], ['u32', c.aColStride], ['u32', c.aBatchStride],
    ['u32', c.bRowStride], ['u32', c.bColStride], ['u32', c.bBatchStride],
    ['u32', c.cBatchStride], ['u32', c.act], ['f32', c.slope], ['f32', c.alpha], ['f32', c.beta],
    ['u32', c.hasBias ? 1 : 0], ['u32', c.aOffset ?? 0], ['u32', c.bOffset ?? 0], ['u32', c.cOffset ?? 0],
  ]);
}

/**
 * FLOPs (an FMA is 2) and bytes of one matmul dispatch, each operand counted once as an ideal
 * cache would: A, B, C written (and read when beta ≠ 0), the bias.
 */
export function matmulCost(c: MatmulCall): DispatchCost {
  const aBatches = c.aBatchStride === 0 ? 1 : c.batch;
  const bBatches = c.bBatchStride === 0 ? 1 : c.batch;
  const elements = aBatches * c.M * c.K + bBatches * c.K * c.N + c.batch * c.M * c.N * (c.beta !== 0 ? 2 : 1) +
    (c.hasBias ? c.N : 0);
  return { flops: 2 * c.batch * c.M * c.N * c.K, bytes: 4 * elements };
}

/** Rows of C one workgroup of the general kernel computes. */
export const GENERAL_ROWS = 8;
const TM = GENERAL_ROWS;
const TN = 4;

/** Lanes per workgroup: enough for the columns, at least one 8-wide SIMD group. */
export function matmulLanes(columnsPerLane: number): number {
  let wg = 8;
  while (wg < 64 && wg < columnsPerLane) wg *= 2;
  return wg;
}

export function encodeMatmulGeneral(engine: Engine, call: MatmulCall, a: BufferSlice, b: BufferSlice,
  bias: BufferSlice, c: BufferSlice): void {
  const lanes = Math.ceil(call.N / TN);
  const wg = matmulLanes(lanes);
  engine.dispatch(matmulGeneral, {
    overrides: { WG: wg },
    args: [matmulUniforms(call), a, b, bias, c],
    workgroups: [Math.ceil(lanes / wg), Math.ceil(call.M / TM), call.batch],
    cost: matmulCost(call),
  });
}
