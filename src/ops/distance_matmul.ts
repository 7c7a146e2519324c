import type { Engine } from '../engine/engine.js';
import type { BufferSlice, Tensor } from '../engine/tensor.js';
import { encodeKnnHeapMerge, heapMergeColumns } from '../kernels/knn_heap_merge.js';
import { encodeMatmulVec4 } from '../kernels/matmul_vec4.js';
import type { MatmulCall } from '../kernels/matmul.js';
import { encodeTransposePad } from '../kernels/transpose_pad.js';
import { rowChunks } from './chunks.js';

// The CPU-rasteriser shape of the distance top-k: tiles of ‖b‖² − 2a·b by the vec4 matmul (lanes
// along the data columns, no workgroup memory, no barriers) written to memory, then merged into
// per-row heaps by knn_heap_merge. Both inputs are stored transposed and zero-padded.

/** Points stored transposed, [d, ld] with ld = n rounded up to 64 so every row of it is bindable. */
export interface PaddedTranspose { t: Tensor; ld: number; n: number; d: number }

const PAD = 64;
/** Candidate columns per tile: well inside the heap kernel's loop budget for k ≤ 128 (3,123). */
const TILE_COLS = 2048;
/** Query rows per tile; with TILE_COLS a tile of distances is 32 MiB. */
export const MATMUL_TILE_ROWS = 4096;
/** The matmul kernel loops over K once per invocation (3 iterations each with A transposed). */
const K_CHUNK = 8192;

export function sliceOf(t: Tensor, startElem: number, count: number): BufferSlice {
  return { buffer: t.buffer, offset: startElem * 4, size: count * 4 };
}

/** Rows of xT that one binding can hold. */
function kBlock(engine: Engine, ld: number): number {
  return Math.max(1, Math.min(K_CHUNK, Math.floor(engine.limits.maxStorageBufferBindingSize / (ld * 4))));
}

/** xᵀ with zero padding, transposed block by block so that neither side exceeds one binding. */
export function paddedTranspose(engine: Engine, x: Tensor, label: string): PaddedTranspose {
  const n = x.rows;
  const d = x.cols;
  const ld = Math.ceil(n / PAD) * PAD;
  const t = engine.zeros([d, ld], 'f32', `${label}.T`);
  const kc = kBlock(engine, ld);
  for (const { start, count } of rowChunks(engine, n, d, 0, label)) {
    for (let k0 = 0; k0 < d; k0 += kc) {
      const kk = Math.min(kc, d - k0);
      encodeTransposePad(engine, { rows: count, cols: d, k0, kc: kk, ld, col0: start },
        x.rowSlice(start, count), sliceOf(t, k0 * ld, kk * ld));
    }
  }
  return { t, ld, n, d };
}

/** Squared norms of the rows of x, zero-padded to `ld`. */
export function paddedRowNorms(engine: Engine, norms: Tensor, ld: number, label: string): Tensor {
  const padded = engine.zeros([ld], 'f32', `${label}.norms.padded`);
  engine.copy(norms, padded, norms.size);
  return padded;
}

export interface TileRange { r0: number; M: number; c0: number; N: number; kc: number }

/**
 * Records tile[0..M, 0..N) = ‖b‖² − 2a·b for query rows [r0, r0 + M) and data columns [c0, c0 + N)
 * (M, N multiples of 4, within the padded widths): the vec4 matmul with A transposed, alpha = −2 and
 * the data norms as bias, accumulated over K blocks of `kc` dims. The query's own ‖a‖² is left out.
 */
export function encodeDistanceTile(engine: Engine, data: PaddedTranspose, dataNorms: Tensor, queries: PaddedTranspose,
  t: TileRange, tile: Tensor): void {
  const d = data.d;
  const { r0, M, c0, N, kc } = t;
  for (let k0 = 0; k0 < d; k0 += kc) {
    const kk = Math.min(kc, d - k0);
    const last = k0 + kk >= d;
    const call: MatmulCall = {
      M, N, K: kk, batch: 1,
      aRowStride: 1, aColStride: queries.ld, aBatchStride: 0,
      bRowStride: data.ld, bColStride: 1, bBatchStride: 0, cBatchStride: M * N,
      act: 0, slope: 0.01, alpha: -2, beta: k0 === 0 ? 0 : 1, hasBias: last, aOffset: r0, bOffset: c0,
    };
    encodeMatmulVec4(engine, call, sliceOf(queries.t, k0 * queries.ld, kk * queries.ld),
      sliceOf(data.t, k0 * data.ld, kk * data.ld), sliceOf(dataNorms, c0, N), sliceOf(tile, 0, M * N));
  }
}

/** K rows of both transposes that one binding holds. */
export function tileKBlock(engine: Engine, data: PaddedTranspose, queries: PaddedTranspose): number {
  return Math.min(kBlock(engine, data.ld), kBlock(engine, queries.ld));
}

/** Inputs of the matmul-and-heap search, prepared once per search. */
export interface MatmulHeapInputs {
  data: PaddedTranspose; dataNorms: Tensor;
  queries: PaddedTranspose; queryNorms: Tensor;
  k: number;
  /** The queries are the data points themselves: skip each point's own column. */
  self: boolean;
}

/** Candidate columns per tile for k. */
function tileCols(k: number): number {
  return Math.min(TILE_COLS, heapMergeColumns(k) - (heapMergeColumns(k) % PAD));
}

/** Side of the square blocks of a self search: a multiple of PAD within the heap merge's budget. */
function selfBlock(k: number): number {
  return tileCols(k);
}

/** Query rows per block of `encodeMatmulHeapBlock`. */
export function matmulHeapBlockRows(s: MatmulHeapInputs): number {
  return s.self ? selfBlock(s.k) : MATMUL_TILE_ROWS;
}

/** The scratch tile the search needs for these inputs. */
export function matmulHeapTile(engine: Engine, s: MatmulHeapInputs): Tensor {
  const rows = Math.min(matmulHeapBlockRows(s), s.queries.ld);
  return engine.empty([rows * Math.min(tileCols(s.k), s.data.ld)], 'f32', 'distance.tile');
}

/**
 * A self search computes each pair of blocks once: for row block rb, the tiles (rb, cb ≥ rb). A
 * tile's rows are merged into row block rb's lists and, off the diagonal, its columns into column
 * block cb's lists (a transposed merge). Merges reach the lists of block c in the order: columns of
 * tiles (0, c) … (c − 1, c), then the rows of (c, c) … (c, last), so the first initialises them
 * and the last sorts them.
 */
function* encodeSelfBlock(engine: Engine, s: MatmulHeapInputs, rb: number, tile: Tensor, vals: Tensor, idx: Tensor): Generator<void> {
  const { data, k } = s;
  const n = data.n;
  const B = selfBlock(k);
  const nb = Math.ceil(n / B);
  const kc = tileKBlock(engine, data, data);
  const r0 = rb * B;
  const R = Math.min(B, n - r0);
  const M = Math.min(B, data.ld - r0);
  for (let cb = rb; cb < nb; cb++) {
    const c0 = cb * B;
    const C = Math.min(B, n - c0);
    const N = Math.min(B, data.ld - c0);
    encodeDistanceTile(engine, data, s.dataNorms, data, { r0, M, c0, N, kc }, tile);
    const t = sliceOf(tile, 0, M * N);
    encodeKnnHeapMerge(engine, {
      R, C, ld: N, k, colOffset: c0, selfOffset: cb === rb ? r0 : undefined, first: rb === 0 && cb === 0, finalize: cb === nb - 1,
    }, t, sliceOf(s.dataNorms, r0, R), sliceOf(vals, r0 * k, R * k), sliceOf(idx, r0 * k, R * k));
    if (cb !== rb) {
      encodeKnnHeapMerge(engine, {
        R: C, C: R, ld: 1, colStride: N, k, colOffset: r0, first: rb === 0, finalize: false, candNorms: sliceOf(s.dataNorms, r0, R),
      }, t, sliceOf(s.dataNorms, c0, C), sliceOf(vals, c0 * k, C * k), sliceOf(idx, c0 * k, C * k));
    }
    yield;
  }
}

/**
 * Records block i of the search into vals/idx ([m, k], squared distances ascending, ties by the
 * lower index): query rows [r0, r0 + MATMUL_TILE_ROWS), r0 = i·MATMUL_TILE_ROWS, and for each
 * chunk of data columns one matmul tile and one heap merge; a self search by symmetric blocks.
 * The lists of a block are final once blocks 0..i are recorded. Yields after each tile, so that a
 * caller can hand control back between tiles (a block runs for seconds on a CPU adapter).
 */
export function* encodeMatmulHeapBlock(engine: Engine, s: MatmulHeapInputs, i: number, tile: Tensor,
  vals: Tensor, idx: Tensor): Generator<void> {
  if (s.self) { yield* encodeSelfBlock(engine, s, i, tile, vals, idx); return; }
  const r0 = i * MATMUL_TILE_ROWS;
  const { data, queries, k } = s;
  const n = data.n;
  const cols = tileCols(k);
  const kc = tileKBlock(engine, data, queries);
  const R = Math.min(MATMUL_TILE_ROWS, queries.n - r0);
  const M = Math.min(MATMUL_TILE_ROWS, queries.ld - r0);
  for (let c0 = 0; c0 < n; c0 += cols) {
    const C = Math.min(cols, n - c0);
    const N = Math.min(cols, data.ld - c0);
    encodeDistanceTile(engine, data, s.dataNorms, queries, { r0, M, c0, N, kc }, tile);
    encodeKnnHeapMerge(engine, {
      R, C, ld: N, k, colOffset: c0, selfOffset: s.self ? r0 : undefined, first: c0 === 0, finalize: c0 + cols >= n,
    }, sliceOf(tile, 0, M * N), sliceOf(s.queryNorms, r0, R), sliceOf(vals, r0 * k, R * k), sliceOf(idx, r0 * k, R * k));
    yield;
  }
}
