import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { BufferSlice, Tensor } from '../../engine/tensor.js';
import { encodeKnnHeapMerge, heapMergeColumns } from '../../kernels/knn_heap_merge.js';
import { encodeMatmulVec4 } from '../../kernels/matmul_vec4.js';
import type { MatmulCall } from '../../kernels/matmul.js';
import { encodeTransposePad } from '../../kernels/transpose_pad.js';
import { rowChunks } from '../../ops/chunks.js';
import { reduce } from '../../ops/reduce.js';

/** Points stored transposed, [d, ld] with ld = n rounded up to 64 so every row of it is bindable. */
export interface PaddedTranspose { t: Tensor; ld: number; n: number; d: number }

const PAD = 64;
/** Candidate columns per tile: well inside the heap kernel's loop budget for k ≤ 128 (3,123). */
const TILE_COLS = 2048;
/** Query rows per tile; with TILE_COLS a tile of distances is 32 MiB. */
const TILE_ROWS = 4096;
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

/**
 * Squared norms of the rows of x, padded with zeros to `ld`, after checking that every row is
 * finite (a NaN or Inf anywhere in a row makes its squared norm non-finite).
 */
export async function checkedRowNorms(engine: Engine, x: Tensor, ld: number, what: string): Promise<Tensor> {
  const norms = reduce(engine, x, 'sumsq', 1, `${what}.norms`);
  const host = await norms.read();
  const bad: number[] = [];
  let count = 0;
  for (let i = 0; i < host.length; i++) {
    if (!Number.isFinite(host[i])) { count++; if (bad.length < 8) bad.push(i); }
  }
  if (count > 0) {
    norms.dispose();
    throw new InvalidInputError(`${what} has NaN, Inf or overflowing values in ${count} row${count > 1 ? 's' : ''}: ` +
      `${bad.join(', ')}${count > bad.length ? ', …' : ''} (0-based).`);
  }
  const padded = engine.zeros([ld], 'f32', `${what}.norms.padded`);
  engine.copy(norms, padded, x.rows);
  norms.dispose();
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

export interface ExactSearch {
  data: PaddedTranspose; dataNorms: Tensor;
  queries: PaddedTranspose; queryNorms: Tensor;
  k: number;
  /** The queries are the data points themselves: skip each point's own column. */
  self: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Exact k nearest data points of every query by tiles of squared distances: for a tile of query
 * rows and a chunk of data columns, one matmul computes ‖b‖² − 2a·b (alpha = −2, column norms as
 * bias, K split into bindable blocks) and the heap kernel merges the chunk into the running lists.
 * Memory is one TILE_ROWS × TILE_COLS tile; no N×N matrix is ever stored.
 */
export async function exactSearch(engine: Engine, s: ExactSearch): Promise<{ vals: Tensor<'f32'>; idx: Tensor<'u32'> }> {
  const { data, queries, k } = s;
  const m = queries.n;
  const n = data.n;
  const vals = engine.empty([m, k], 'f32', 'knn.distances');
  const idx = engine.empty([m, k], 'u32', 'knn.indices');
  const cols = Math.min(TILE_COLS, heapMergeColumns(k) - (heapMergeColumns(k) % PAD));
  const tile = engine.empty([Math.min(TILE_ROWS, queries.ld) * Math.min(cols, data.ld)], 'f32', 'knn.tile');
  const kc = tileKBlock(engine, data, queries);
  let lastYield = performance.now();
  try {
    for (let r0 = 0; r0 < m; r0 += TILE_ROWS) {
      const R = Math.min(TILE_ROWS, m - r0);
      const M = Math.min(TILE_ROWS, queries.ld - r0);
      for (let c0 = 0; c0 < n; c0 += cols) {
        const C = Math.min(cols, n - c0);
        const N = Math.min(cols, data.ld - c0);
        encodeDistanceTile(engine, data, s.dataNorms, queries, { r0, M, c0, N, kc }, tile);
        encodeKnnHeapMerge(engine, {
          R, C, ld: N, k, colOffset: c0, selfOffset: s.self ? r0 : undefined, first: c0 === 0, finalize: c0 + cols >= n,
        }, sliceOf(tile, 0, M * N), sliceOf(s.queryNorms, r0, R), sliceOf(vals, r0 * k, R * k), sliceOf(idx, r0 * k, R * k));
        // A row block runs for seconds on a CPU adapter, whose submits run on this thread: after a
        // quarter second of it, hand control back (Ctrl-C) and report. A GPU records far faster.
        if (c0 + cols < n && performance.now() - lastYield > 250) {
          await engine.sync();
          lastYield = performance.now();
          s.onProgress?.(r0 + Math.floor((R * (c0 + C)) / n), m);
        }
      }
      await engine.sync();
      s.onProgress?.(Math.min(m, r0 + R), m);
    }
  } catch (e) {
    vals.dispose(); idx.dispose();
    throw e;
  } finally {
    tile.dispose();
  }
  return { vals, idx };
}
