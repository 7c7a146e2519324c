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
  /** Rows of x held by the first data binding. */
  split: number;
  /** Most points in any group (the workgroup tile's width). */
  cmax: number;
  /** Records the output holds; a count above it means the batch must be re-run smaller. */
  cap: number;
  /** New·(new + old) pair evaluations of the whole call at most, for the cost. */
  pairs: number;
}

const WG = 64;

/** Most points per group for d dims within the adapter's workgroup memory (0: this kernel cannot run). */
export function joinGroupLimit(workgroupStorage: number, d: number): number {
  const words = Math.floor(workgroupStorage / 4) - 2 * 128 - 16;
  return Math.min(128, Math.floor(words / Math.max(d, 1) / 8) * 8);
}

/**
 * Loop iterations of one invocation: the gathers plus ⌈cmax/WG⌉·cmax·d distance steps, which
 * stay under llvmpipe's budget for every cmax the workgroup memory allows (cmax·d ≤ 8,192).
 */
export function joinLoopIterations(cmax: number, d: number): number {
  return Math.ceil(cmax / WG) * (cmax * (d + 1)) + Math.ceil(cmax * (d + 1) / WG);
}

export function encodeKnnJoin(engine: Engine, c: JoinCall, xa: BufferSlice, xb: BufferSlice, cand: BufferSlice,
  counts: BufferSlice, thr: BufferSlice, out: BufferSlice, counter: BufferSlice): void {
  if (c.cmax > joinGroupLimit(engine.traits.workgroupStorage, c.d)) {
    throw new RangeError(`knn join: groups of ${c.cmax} points of ${c.d} dims do not fit the workgroup memory.`);
  }
  if (joinLoopIterations(c.cmax, c.d) > engine.traits.loopBudget) {
    throw new RangeError(`knn join: groups of ${c.cmax} points of ${c.d} dims exceed the loop budget.`);
  }
  const [gx, gy] = engine.grid(c.groups * WG, WG);
  engine.dispatch(knnJoinKernel, {
    overrides: { WG, CMAX: c.cmax, TILE: c.cmax * c.d },
    args: [packUniforms([
      ['u32', c.groups], ['u32', c.stride], ['u32', c.d], ['u32', c.split], ['u32', c.cap], ['u32', gx], ['u32', 0], ['u32', 0],
    ]), xa, xb, cand, counts, thr, out, counter],
    workgroups: [gx, gy],
    cost: { flops: 3 * c.pairs * c.d, bytes: 4 * (c.groups * c.cmax * (c.d + 3)) },
  });
}
