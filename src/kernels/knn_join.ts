import code from '../../shaders/knn_join.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const knnJoinKernel: KernelSpec = {
  name: 'knn_join', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'storage', 'storage'],
};

/** Words per output record: the pair (a, b) and the f32 bits of its squared distance. */
export const JOIN_RECORD_WORDS = 3;

export interface JoinCall {
  /**
   * Groups in this call; group g lists its points at cand[g·stride ..], new ones first, and
   * counts[g] = (new count) | (old count << 16).
   */
  groups: number; stride: number;
  d: number;
  /** Rows of x (padded to ⌈d/4⌉ vec4s each) held by the first data binding. */
  split: number;
  /** Most points in any group (the workgroup tile's width), and most new points in any group. */
  cmax: number; newMax: number;
  /** Records the output holds; a count above it means the batch must be re-run smaller. */
  cap: number;
  /** New·(new + old) pair evaluations of the whole call at most, for the cost. */
  pairs: number;
}

/** Most points per group for d dims within the adapter's workgroup memory (0: this kernel cannot run). */
export function joinGroupLimit(workgroupStorage: number, d: number): number {
  const vec4s = Math.floor((workgroupStorage - 2 * 4 * 128) / 16);
  return Math.min(128, Math.floor(vec4s / Math.ceil(Math.max(d, 1) / 4) / 8) * 8);
}

/** Groups one workgroup joins in turn (a workgroup costs a CPU adapter a few µs to start). */
const GPW = 4;

/** Lanes per workgroup for groups of at most `newMax` new points among `cmax`: one per 8×8 block, 8 to 64. */
export function joinLanes(newMax: number, cmax: number): number {
  let wg = 8;
  while (wg < blockItems(newMax, cmax) && wg < 64) wg *= 2;
  return wg;
}

/** 8×8 blocks of pairs in a group of `cn` new points among `c`. */
function blockItems(cn: number, c: number): number {
  const nib = Math.ceil(cn / 8);
  const njb = Math.ceil(c / 8);
  return nib * njb - (nib * (nib - 1)) / 2;
}

/** Loop iterations of one invocation for groups of cmax points, all new, of d dims (the worst case). */
export function joinLoopIterations(cmax: number, d: number): number {
  const wg = joinLanes(cmax, cmax);
  const d4 = Math.ceil(d / 4);
  const perGroup = Math.ceil(cmax / wg) * (d4 + 1) + Math.ceil(blockItems(cmax, cmax) / wg) * (d4 + 5 + Math.ceil(cmax / 8));
  return GPW * (perGroup + 1);
}

export function encodeKnnJoin(engine: Engine, c: JoinCall, xa: BufferSlice, xb: BufferSlice, cand: BufferSlice,
  counts: BufferSlice, thr: BufferSlice, out: BufferSlice, counter: BufferSlice): void {
  if (c.cmax > joinGroupLimit(engine.traits.workgroupStorage, c.d)) {
    throw new RangeError(`knn join: groups of ${c.cmax} points of ${c.d} dims do not fit the workgroup memory.`);
  }
  if (joinLoopIterations(c.cmax, c.d) > engine.traits.loopBudget) {
    throw new RangeError(`knn join: groups of ${c.cmax} points of ${c.d} dims exceed the loop budget.`);
  }
  const WG = joinLanes(c.newMax, c.cmax);
  const d4 = Math.ceil(c.d / 4);
  const [gx, gy] = engine.grid(Math.ceil(c.groups / GPW) * WG, WG);
  engine.dispatch(knnJoinKernel, {
    overrides: { WG, CMAX: c.cmax, TILE4: c.cmax * d4, GPW },
    args: [packUniforms([
      ['u32', c.groups], ['u32', c.stride], ['u32', d4], ['u32', c.split], ['u32', c.cap], ['u32', gx], ['u32', 0], ['u32', 0],
    ]), xa, xb, cand, counts, thr, out, counter],
    workgroups: [gx, gy],
    cost: { flops: 3 * c.pairs * c.d, bytes: 16 * c.groups * c.cmax * (d4 + 1) },
  });
}
