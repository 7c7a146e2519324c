import code from '../../shaders/topk_rows.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const topkRowsKernel: KernelSpec = { name: 'topk_rows', code, bindings: ['uniform', 'read', 'storage', 'storage'] };

/** Largest k the kernel keeps per row (its register list). */
export const TOPK_MAX_K = 128;
const NO_SELF = 0xffffffff;
const WG = 64;

export interface TopkCall {
  R: number; C: number; k: number;
  largest: boolean;
  /** Index of the tile's first column in the whole row (for chunked merging). */
  colOffset?: number;
  /** Keep what `vals`/`idx` already hold and merge the tile in. */
  merge?: boolean;
  /** When the tile's columns are the rows' own point set: global index of row 0, to skip self-matches. */
  selfOffset?: number;
}

export function encodeTopkRows(engine: Engine, c: TopkCall, x: BufferSlice, vals: BufferSlice, idx: BufferSlice): void {
  if (c.k < 1 || c.k > TOPK_MAX_K) throw new RangeError(`top-k: k must be in 1..${TOPK_MAX_K}, got ${c.k}.`);
  engine.dispatch(topkRowsKernel, {
    overrides: { WG, LARGEST: c.largest ? 1 : 0 },
    args: [packUniforms([
      ['u32', c.R], ['u32', c.C], ['u32', c.k], ['u32', c.colOffset ?? 0], ['u32', c.merge ? 1 : 0],
      ['u32', c.selfOffset ?? NO_SELF],
    ]), x, vals, idx],
    workgroups: engine.grid(c.R, WG),
    cost: { flops: c.R * c.C, bytes: 4 * c.R * c.C + 8 * c.R * c.k },
  });
}
