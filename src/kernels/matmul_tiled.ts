import code from '../../shaders/matmul_tiled.wgsl';
import scalarCode from '../../shaders/matmul_tiled_scalar.wgsl';
import type { Engine } from '../engine/engine.js';
import type { KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';
import { MATMUL_BINDINGS, matmulCost, matmulUniforms, type MatmulCall } from './matmul.js';

export const matmulTiled: KernelSpec = { name: 'matmul.tiled', code, bindings: MATMUL_BINDINGS };
export const matmulTiledScalar: KernelSpec = { name: 'matmul.tiled_scalar', code: scalarCode, bindings: MATMUL_BINDINGS };

/** Tile shape of the workgroup-memory matmul: TX × TY lanes, each an RM × RN block, BK per step. */
export interface MatmulTile { TX: number; TY: number; RM: number; RN: number; BK: number }

export const tileRows = (t: MatmulTile): number => t.TY * t.RM;
export const tileCols = (t: MatmulTile): number => t.TX * t.RN;

/** Bytes of workgroup memory the tile takes. */
export function tileBytes(t: MatmulTile): number {
  return 4 * t.BK * (tileRows(t) + tileCols(t));
}

/** Whether the vec4 form can run this call: every fast axis, stride and offset a multiple of 4. */
export function tiledVec4Applies(c: MatmulCall): boolean {
  const aRowMajor = c.aColStride === 1;
  const bRowMajor = c.bColStride === 1;
  const aOk = aRowMajor ? c.K % 4 === 0 && c.aRowStride % 4 === 0 : c.M % 4 === 0 && c.aColStride % 4 === 0 && c.aRowStride === 1;
  const bOk = bRowMajor ? c.N % 4 === 0 && c.bRowStride % 4 === 0 : c.K % 4 === 0 && c.bColStride % 4 === 0 && c.bRowStride === 1;
  return aOk && bOk && c.N % 4 === 0 &&
    c.aBatchStride % 4 === 0 && c.bBatchStride % 4 === 0 && c.cBatchStride % 4 === 0 &&
    (c.aOffset ?? 0) % 4 === 0 && (c.bOffset ?? 0) % 4 === 0 && (c.cOffset ?? 0) % 4 === 0;
}

export function encodeMatmulTiled(engine: Engine, tile: MatmulTile, call: MatmulCall, a: BufferSlice, b: BufferSlice,
  bias: BufferSlice, c: BufferSlice): void {
  engine.dispatch(tiledVec4Applies(call) ? matmulTiled : matmulTiledScalar, {
    overrides: {
      TX: tile.TX, TY: tile.TY, RM: tile.RM, RN: tile.RN, BK: tile.BK,
    },
    args: [matmulUniforms(call), a, b, bias, c],
    workgroups: [Math.ceil(call.N / tileCols(tile)), Math.ceil(call.M / tileRows(tile)), call.batch],
    cost: matmulCost(call),
  });
}
