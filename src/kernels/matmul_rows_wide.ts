import code from '../../shaders/matmul_rows_wide.wgsl';
import type { Engine } from '../engine/engine.js';
import type { KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';
import { MATMUL_BINDINGS, matmulCost, matmulLanes, matmulUniforms, type MatmulCall } from './matmul.js';

export const matmulRowsWide: KernelSpec = { name: 'matmul.rows_wide', code, bindings: MATMUL_BINDINGS };

/** Rows of C one workgroup computes. */
export const ROWS_WIDE_ROWS = 8;
/** vec4 columns per lane (the shader's CW). */
export const ROWS_WIDE_COLUMNS = 2;

/** A and B row-major with K % 4 == 0 and N % 8 == 0, strides and offsets in whole vec4s. */
export function rowsWideApplies(c: MatmulCall): boolean {
  return c.aColStride === 1 && c.bColStride === 1 && c.K % 4 === 0 && c.N % (4 * ROWS_WIDE_COLUMNS) === 0 &&
    c.aRowStride % 4 === 0 && c.bRowStride % 4 === 0 &&
    c.aBatchStride % 4 === 0 && c.bBatchStride % 4 === 0 && c.cBatchStride % 4 === 0 &&
    (c.aOffset ?? 0) % 4 === 0 && (c.bOffset ?? 0) % 4 === 0 && (c.cOffset ?? 0) % 4 === 0;
}

export function encodeMatmulRowsWide(engine: Engine, call: MatmulCall, a: BufferSlice, b: BufferSlice,
  bias: BufferSlice, c: BufferSlice): void {
  const pairs = call.N / (4 * ROWS_WIDE_COLUMNS);
  const wg = matmulLanes(pairs);
  engine.dispatch(matmulRowsWide, {
    overrides: { WG: wg },
    args: [matmulUniforms(call), a, b, bias, c],
    workgroups: [Math.ceil(pairs / wg), Math.ceil(call.M / ROWS_WIDE_ROWS), call.batch],
    cost: matmulCost(call),
  });
}
