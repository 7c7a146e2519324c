import code from '../../shaders/umap_epoch.wgsl';
import type { Engine } from '../engine/engine.js';
import { LOOP_BUDGET, packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const umapEpochKernel: KernelSpec = {
  name: 'umap_epoch', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'storage'],
};

const WG = 64;

export interface UmapEpochCall {
  nHead: number;
  nTail: number;
  dims: number;
  epoch: number;
  negatives: number;
  /** Learning rate of this epoch. */
  alpha: number;
  a: number;
  b: number;
  gamma: number;
  maxWeight: number;
  maxDegree: number;
  /** 2 in a fit (both ends of each symmetric edge move), 1 in `transform`. */
  attractScale: number;
  seed: number;
}

/** Rows [rowStart, rowEnd) whose edges are `cols`/`weights`, which start at edge `edgeBase` of the CSR. */
export interface EdgeGroupSlices { rowStart: number; rowEnd: number; edgeBase: number; cols: BufferSlice; weights: BufferSlice }

/** A CSR graph whose edges are split into groups that each fit one storage binding (one group when all fit). */
export interface EpochGraph { rowPtr: BufferSlice; groups: EdgeGroupSlices[] }

/** Entries per row one dispatch visits: the shader's WINDOW, fewer when the loops would pass the loop budget. */
export const UMAP_EPOCH_WINDOW = 128;

/** Each entry costs at most DIMS·2 + 3 loop steps, each of its negatives 12 + DIMS·2 (a Philox draw every 5 included, with room to spare). */
export function umapEpochWindow(dims: number, negatives: number): number {
  return Math.max(1, Math.min(UMAP_EPOCH_WINDOW, Math.floor((LOOP_BUDGET - 4 * dims) / (2 * dims + 3 + negatives * (12 + 2 * dims)))));
}

/**
 * Records one epoch: positions `head` (moved) and `tail` (pulled towards, sampled from) → `out`;
 * one dispatch per edge group and window. Negative samples are drawn from the global edge index, so
 * the split changes no result.
 */
export function encodeUmapEpoch(engine: Engine, c: UmapEpochCall, graph: EpochGraph, head: BufferSlice, tail: BufferSlice, out: BufferSlice): void {
  const window = umapEpochWindow(c.dims, c.negatives);
  const windows = Math.max(1, Math.ceil(c.maxDegree / window));
  for (const g of graph.groups) {
    for (let w = 0; w < windows; w++) {
      engine.dispatch(umapEpochKernel, {
      overrides: { WG, DIMS: c.dims },
      args: [packUniforms([
        ['u32', c.nHead], ['u32', c.nTail], ['u32', c.epoch], ['u32', c.negatives],
        ['f32', c.alpha], ['f32', c.a], ['f32', c.b], ['f32', c.gamma],
        ['f32', 1 / c.maxWeight], ['f32', c.attractScale], ['u32', c.seed >>> 0], ['u32', w * window],
        ['u32', window], ['u32', w > 0 ? 1 : 0], ['u32', g.rowStart], ['u32', g.rowEnd], ['u32', g.edgeBase],
      ]), head, tail, graph.rowPtr, g.cols, g.weights, out],
        workgroups: engine.grid(g.rowEnd - g.rowStart, WG),
      });
    }
  }
}
