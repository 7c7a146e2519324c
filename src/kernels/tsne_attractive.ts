import code from '../../shaders/tsne_attractive.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const tsneAttractiveKernel: KernelSpec = {
  name: 'tsne_attractive', code, bindings: ['uniform', 'read', 'read', 'read', 'read', 'read', 'read', 'storage', 'storage'],
};

/** Rows per SELL chunk: the kernel's workgroup size. */
export const SELL_CHUNK = 64;

/** Chunks [chunkStart, chunkStart + chunkCount) whose entries are in `colIdx`/`val` (one binding each). */
export interface SellGroupSlices { chunkStart: number; chunkCount: number; width: number; colIdx: BufferSlice; val: BufferSlice }

/** A sparse matrix in SELL-C-σ layout with C = SELL_CHUNK (see tsne_attractive.wgsl). */
export interface SellMatrix {
  n: number;
  /** [chunks·C] row of each slot. */
  perm: BufferSlice;
  /** [chunks, 2] (first element in its group's buffers, width) per chunk. */
  chunks: BufferSlice;
  /** Chunks in order of decreasing width; the first chunk of a group is its widest. */
  groups: SellGroupSlices[];
}

/**
 * Records attr_i = Σ_j p_ij K_ij (y_i − y_j) (and, with `klRow`, Σ_j p_ij log(p_ij/K_ij)):
 * one dispatch per group of chunks (each group's entries are one binding), and within a group in
 * windows of columns so that any degree stays inside the adapter's loop budget (one window where
 * there is none). Groups hold disjoint rows, so each writes its rows' outputs on its own.
 */
export function encodeTsneAttractive(engine: Engine, c: { dims: number }, p: SellMatrix,
  rows: BufferSlice, cols: BufferSlice, attr: BufferSlice, klRow?: BufferSlice): void {
  const SPAN = Math.min(Math.floor(engine.traits.loopBudget * 0.9), 2 ** 31);
  for (const g of p.groups) {
    const windows = Math.max(1, Math.ceil(g.width / SPAN));
    const stored = g.colIdx.size / 4;
    for (let w = 0; w < windows; w++) {
      engine.dispatch(tsneAttractiveKernel, {
        overrides: { WG: SELL_CHUNK, DIMS: c.dims, WITH_KL: klRow ? 1 : 0 },
        args: [packUniforms([['u32', p.n], ['u32', w * SPAN], ['u32', SPAN], ['u32', w > 0 ? 1 : 0], ['u32', g.chunkStart], ['u32', g.chunkStart + g.chunkCount]]),
          p.perm, p.chunks, g.colIdx, g.val, rows, cols, attr, klRow ?? engine.placeholder()],
        workgroups: engine.grid(g.chunkCount * SELL_CHUNK, SELL_CHUNK),
        // Per stored slot (padding included): a distance, a kernel value and dims products (plus a log with KL).
        cost: { flops: (stored / windows) * (4 * c.dims + 4 + (klRow ? 4 : 0)), bytes: 8 * (stored / windows) + 4 * g.chunkCount * SELL_CHUNK * 3 * c.dims },
      });
    }
  }
}
