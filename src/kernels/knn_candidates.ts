import code from '../../shaders/knn_candidates.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const knnCandidatesKernel: KernelSpec = {
  name: 'knn_candidates', code, bindings: ['uniform', 'read', 'read', 'read', 'storage', 'storage'],
};

const WG = 64;

export interface CandidateCall {
  /** Rows in this call and the global index of the first. */
  R: number; row0: number;
  /** Candidate list row stride, and the range of list columns to merge. */
  stride: number; col0: number; count: number;
  d: number; k: number;
  /** Rows of x held by the first data binding. */
  split: number;
  first: boolean; finalize: boolean;
}

/** Candidates one dispatch may evaluate per row for d dims and k neighbours within the adapter's loop budget. */
export function candidatesPerDispatch(loopBudget: number, d: number, k: number): number {
  const depth = Math.ceil(Math.log2(k + 1)) + 1;
  const fixed = k * (depth + 3);
  return Math.max(1, Math.floor((loopBudget - fixed) / (d + k + depth + 2)));
}

export function encodeKnnCandidates(engine: Engine, c: CandidateCall, xa: BufferSlice, xb: BufferSlice, cand: BufferSlice,
  vals: BufferSlice, idx: BufferSlice): void {
  if (c.count > candidatesPerDispatch(engine.traits.loopBudget, c.d, c.k)) {
    throw new RangeError(`knn candidates: ${c.count} candidates exceed the loop budget for d = ${c.d}, k = ${c.k}.`);
  }
  engine.dispatch(knnCandidatesKernel, {
    overrides: { WG },
    args: [packUniforms([
      ['u32', c.R], ['u32', c.stride], ['u32', c.col0], ['u32', c.count], ['u32', c.d], ['u32', c.k], ['u32', c.row0],
      ['u32', c.split], ['u32', c.first ? 1 : 0], ['u32', c.finalize ? 1 : 0], ['u32', 0], ['u32', 0],
    ]), xa, xb, cand, vals, idx],
    workgroups: engine.grid(c.R, WG),
    cost: { flops: 3 * c.R * c.count * c.d, bytes: 4 * (c.R * c.count * (c.d + 1) + 4 * c.R * c.k) },
  });
}
