import code from '../../shaders/distance_topk_tiled.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const distanceTopkTiledKernel: KernelSpec = {
  name: 'distance_topk_tiled', code, bindings: ['uniform', 'read', 'read', 'storage', 'storage'],
};

/** Query rows per workgroup and reference rows per tile (the shader's TILE). */
export const TILED_ROWS = 32;
/** Largest k the heap holds (lib/knn_heap.wgsl). */
export const TILED_MAX_K = 128;
const NO_SELF = 0xffffffff;

export interface TiledTopkCall {
  /** Query rows in this binding and their dims. */
  m: number; d: number; k: number;
  /** Reference rows [c0, c1) of the reference binding merged by this dispatch. */
  c0: number; c1: number;
  /** Global index of the reference binding's row 0. */
  colOffset: number;
  /** Global reference index of query row 0 when the queries are the references (skip self). */
  selfOffset?: number;
  /** The lists hold nothing yet / sort them: the first / last dispatch over these queries. */
  first: boolean; finalize: boolean;
  /** Dims per chunk of the d loop: 16 or 32. */
  td?: number;
  /**
   * Reference rows in the binding, and split ranges: workgroup z walks [c0, c1) + z·splitLen
   * (clipped to n) into its own sorted lists at rows z·m.. of vals/idx. Default: one range.
   */
  n?: number; splitLen?: number; splits?: number;
}

/** Loop iterations one invocation runs per reference tile (the host keeps a dispatch under the budget). */
export function tiledIterationsPerTile(d: number, k: number, td = 16): number {
  const depth = Math.ceil(Math.log2(k + 1)) + 1;
  return Math.ceil(d / td) * (td / 2 + td + 2) + TILED_ROWS * (depth + 2) + 2;
}

/** Fixed loop iterations of one dispatch: loading, sorting and storing the heaps. */
export function tiledIterationsFixed(k: number): number {
  const depth = Math.ceil(Math.log2(k + 1)) + 1;
  return k * (depth + 4) + 8;
}

export function encodeDistanceTopkTiled(engine: Engine, c: TiledTopkCall, q: BufferSlice, r: BufferSlice,
  vals: BufferSlice, idx: BufferSlice): void {
  if (c.k < 1 || c.k > TILED_MAX_K) throw new RangeError(`distance top-k: k must be in 1..${TILED_MAX_K}, got ${c.k}.`);
  const td = c.td ?? 16;
  const S = c.splits ?? 1;
  const cols = Math.min(c.c1 - c.c0, c.n ?? Infinity) * S;
  engine.dispatch(distanceTopkTiledKernel, {
    overrides: { TD: td },
    args: [packUniforms([
      ['u32', c.m], ['u32', c.d], ['u32', c.k], ['u32', c.c0], ['u32', c.c1], ['u32', c.colOffset],
      ['u32', c.selfOffset ?? NO_SELF], ['u32', c.first ? 1 : 0], ['u32', c.finalize ? 1 : 0], ['u32', c.n ?? c.c1],
      ['u32', c.splitLen ?? 0], ['u32', 0],
    ]), q, r, vals, idx],
    workgroups: [...engine.grid(c.m, TILED_ROWS), S],
    cost: {
      // (q − r)² per pair and dim: a subtraction and an FMA.
      flops: 3 * c.m * cols * c.d,
      // Each operand once (an ideal cache), the lists read (unless first) and written.
      bytes: 4 * (c.m * c.d + cols * c.d + S * c.m * c.k * (c.first ? 2 : 4)),
    },
  });
}
