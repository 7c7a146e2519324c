import code from '../../shaders/rank_count.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const rankCountKernel: KernelSpec = {
  name: 'rank_count', code, bindings: ['uniform', 'read', 'read', 'read', 'storage', 'storage'],
};

export const RANK_MAX_K = 128;
const WG = 64;

/** Most tile columns one COUNT dispatch may scan for k neighbours per row within `loopBudget` (engine.traits). */
export function rankCountColumns(k: number, loopBudget: number): number {
  return Math.floor((loopBudget - 3 * k) / (k + 1));
}

export interface RankCountCall { R: number; C: number; ld: number; k: number; colOffset: number; gather: boolean }

/** Records one GATHER or COUNT pass over a tile (see the shader). */
export function encodeRankCount(engine: Engine, c: RankCountCall, tile: BufferSlice, nb: BufferSlice, selfIdx: BufferSlice,
  thr: BufferSlice, cnt: BufferSlice): void {
  if (c.k < 1 || c.k > RANK_MAX_K) throw new RangeError(`rank count: k must be in 1..${RANK_MAX_K}, got ${c.k}.`);
  if (!c.gather && c.C > rankCountColumns(c.k, engine.traits.loopBudget)) throw new RangeError(`rank count: ${c.C} columns exceed the loop budget for k = ${c.k}.`);
  engine.dispatch(rankCountKernel, {
    overrides: { WG, GATHER: c.gather ? 1 : 0 },
    args: [packUniforms([
      ['u32', c.R], ['u32', c.C], ['u32', c.ld], ['u32', c.k], ['u32', c.colOffset], ['u32', 0], ['u32', 0], ['u32', 0],
    ]), tile, nb, selfIdx, thr, cnt],
    workgroups: engine.grid(c.R, WG),
    // COUNT compares each tile value with the row's k thresholds.
    cost: c.gather ? { flops: 0, bytes: 4 * c.R * 3 * c.k } : { flops: c.R * c.C * c.k, bytes: 4 * (c.R * c.C + 3 * c.R * c.k) },
  });
}
