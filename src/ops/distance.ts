import type { Engine } from '../engine/engine.js';
import { ShapeError } from '../engine/errors.js';
import type { BufferSlice, Tensor } from '../engine/tensor.js';
import { log2Class, type VariantFamily, type VariantTrial } from '../engine/tuner.js';
import type { AdapterTraits } from '../gpu/traits.js';
import { encodeDistanceTopkTiled, tiledIterationsFixed, tiledIterationsPerTile, TILED_MAX_K, TILED_ROWS } from '../kernels/distance_topk_tiled.js';
import { encodeDistanceTopkMerge, mergeIterations } from '../kernels/distance_topk_merge.js';
import { KNN_MAX_K } from '../kernels/knn_heap_merge.js';
import { rowChunks } from './chunks.js';
import {
  encodeMatmulHeapBlock, matmulHeapBlockRows, matmulHeapTile, paddedRowNorms, paddedTranspose, sliceOf, type MatmulHeapInputs,
} from './distance_matmul.js';
import { affine } from './elementwise.js';
import { reduce } from './reduce.js';
import { normalizeRows } from './rows.js';

/**
 * The one distance op: for each query row, the k reference rows at the smallest squared Euclidean
 * distance, ascending, ties by the lower index, computed tile by tile so that no [m, n] matrix is
 * ever stored. Used by exact kNN, k-means-style nearest-centre searches and the explorer's
 * neighbour query. Variants of two shapes, chosen by the tuner on the adapter at hand:
 * - `matmul-heap` (llvmpipe): ‖b‖² − 2a·b tiles by the barrier-free vec4 matmul, written to
 *   memory and merged into per-row heaps by a second kernel (a self search computes each pair of
 *   square blocks once and merges the tile both ways);
 * - `tiled`, `tiled-td32` (GPUs): one kernel per tile walk, both blocks staged in workgroup memory
 *   with coalesced loads along d, 4×4 register blocks of (q − r)², and the tile's candidates merged
 *   into the row heaps from workgroup memory (16 or 32 dims per staged chunk);
 * - `tiled-split` (GPUs, few query rows): the reference rows split into ranges walked by separate
 *   workgroups, so that a few hundred query rows still fill the GPU, and the ranges' sorted lists
 *   merged per row by a second kernel.
 */
export interface DistanceShape { m: number; n: number; d: number; k: number }

export type DistanceVariantName = 'matmul-heap' | 'tiled' | 'tiled-td32' | 'tiled-split';

export const DISTANCE_MAX_K = Math.min(KNN_MAX_K, TILED_MAX_K);

export const distanceFamily: VariantFamily<DistanceShape> = {
  name: 'distance',
  variants: [
    { name: 'matmul-heap', applies: (_t, s) => s.k <= KNN_MAX_K },
    { name: 'tiled', applies: (_t, s) => s.k <= TILED_MAX_K },
    { name: 'tiled-td32', applies: (_t, s) => s.k <= TILED_MAX_K && s.d >= 32 },
    { name: 'tiled-split', applies: (_t, s) => s.k <= TILED_MAX_K },
  ],
  shapeClass: (s) => `m:2^${log2Class(s.m)} n:2^${log2Class(s.n)} d:2^${log2Class(s.d)} k:2^${log2Class(s.k)}`,
  fallback: (t: AdapterTraits, s) => {
    // Measured: on llvmpipe (barriers are thread switches) the matmul shape wins by about 2×; on
    // SwiftShader, though a CPU rasteriser too, the tiled shapes win by 2–5×.
    if (t.kind === 'llvmpipe') return 'matmul-heap';
    return Math.ceil(s.m / TILED_ROWS) < SPLIT_TARGET_WORKGROUPS / 2 && s.n >= 4 * SPLIT_MIN_ROWS ? 'tiled-split' : 'tiled';
  },
  trial: distanceTrial,
};

export interface NearestOptions {
  /** The queries are the reference rows themselves (pass the same tensor): a row never lists itself. */
  self?: boolean;
  /** Called after each block of query rows with rows done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Prefix of the output tensors' labels. */
  label?: string;
  /**
   * 'sqeuclidean' (default): ‖q − r‖². 'cosine': 1 − cos(q, r), searched as ‖q̂ − r̂‖² / 2 over
   * L2-normalised copies of the rows (an all-zero row stays zero, at 0.5 from every unit row).
   */
  metric?: 'sqeuclidean' | 'cosine';
}

export interface NearestRows {
  /** [m, k] squared distances, ascending. */
  vals: Tensor<'f32'>;
  /** [m, k] reference row indices. */
  idx: Tensor<'u32'>;
}

/** Records every step of a block at once. */
function runSteps(steps: Iterable<void> | void): void {
  if (steps) for (const _ of steps) { /* each step records its dispatches */ }
}

/**
 * A search recorded block by block: `encode(i)` records block i without submitting, in steps where
 * it returns them (the caller may submit and yield between steps).
 */
interface Search {
  blocks: number;
  /** Query rows done after block i. */
  rowsAfter(i: number): number;
  /**
   * Fraction of the search's work done after block i, where blocks differ in cost (a self search
   * by symmetric blocks does nb − i tiles in block i); progress reports this, so its ETA holds.
   */
  workAfter?(i: number): number;
  encode(i: number): Iterable<void> | void;
  dispose(): void;
}

/**
 * Query rows per submitted block of the tiled search (progress and submit granularity): where loops
 * are budgeted tightly (llvmpipe) a block's dispatches are many and short; elsewhere a block is 4,096
 * workgroups, enough to fill a large GPU.
 */
function tiledBlockRows(engine: Engine): number {
  return engine.traits.loopBudget < 2 ** 20 ? 16_384 : 4096 * TILED_ROWS;
}

/** Workgroups the split variant aims for: enough to fill a large GPU (≈ 130k invocations). */
const SPLIT_TARGET_WORKGROUPS = 2048;
/** Fewest reference rows per split range. */
const SPLIT_MIN_ROWS = 256;
const SPLIT_MAX = 1024;

/** Reference ranges for `count` query rows: what fills the GPU within the merge's loop budget and one binding. */
function splitCount(engine: Engine, count: number, n: number, k: number): number {
  let S = Math.ceil(SPLIT_TARGET_WORKGROUPS / Math.ceil(count / TILED_ROWS));
  S = Math.min(S, SPLIT_MAX, Math.max(1, Math.floor(n / SPLIT_MIN_ROWS)),
    Math.floor(engine.limits.maxStorageBufferBindingSize / (count * k * 4)));
  const budget = Math.min(engine.traits.loopBudget, 2 ** 30);
  while (S > 1 && mergeIterations(k, S) > budget) S--;
  return Math.max(1, S);
}

/** Records the split search of one block of query rows: S range walks, then the merge into v/x. */
function encodeSplit(engine: Engine, c: { q: BufferSlice; r: BufferSlice; v: BufferSlice; x: BufferSlice; count: number; start: number;
  n: number; d: number; k: number; S: number; span: number; td: number; self: boolean }): void {
  const { count, n, k, span } = c;
  const L = Math.ceil(Math.ceil(n / c.S) / TILED_ROWS) * TILED_ROWS;
  const S = Math.ceil(n / L);
  const pv = engine.empty([S * count * k], 'f32', 'distance.parts.distances');
  const pi = engine.empty([S * count * k], 'u32', 'distance.parts.indices');
  for (let off = 0; off < L; off += span) {
    encodeDistanceTopkTiled(engine, {
      m: count, d: c.d, k, c0: off, c1: Math.min(off + span, L), colOffset: 0, selfOffset: c.self ? c.start : undefined,
      first: off === 0, finalize: off + span >= L, td: c.td, n, splitLen: L, splits: S,
    }, c.q, c.r, pv.slice(), pi.slice());
  }
  encodeDistanceTopkMerge(engine, { m: count, k, S }, pv.slice(), pi.slice(), c.v, c.x);
  pv.dispose(); pi.dispose();
}

function prepareMatmulHeap(engine: Engine, data: Tensor, queries: Tensor, k: number, self: boolean,
  vals: Tensor, idx: Tensor): Search {
  const owned: Tensor[] = [];
  const dataT = paddedTranspose(engine, data, 'distance.data');
  owned.push(dataT.t);
  const dn = reduce(engine, data, 'sumsq', 1, 'distance.data.norms');
  const dataNorms = paddedRowNorms(engine, dn, dataT.ld, 'distance.data');
  owned.push(dn, dataNorms);
  let s: MatmulHeapInputs = { data: dataT, dataNorms, queries: dataT, queryNorms: dataNorms, k, self };
  if (!self) {
    const queryT = paddedTranspose(engine, queries, 'distance.queries');
    const qn = reduce(engine, queries, 'sumsq', 1, 'distance.queries.norms');
    const queryNorms = paddedRowNorms(engine, qn, queryT.ld, 'distance.queries');
    owned.push(queryT.t, qn, queryNorms);
    s = { ...s, queries: queryT, queryNorms };
  }
  const tile = matmulHeapTile(engine, s);
  owned.push(tile);
  const m = queries.rows;
  const rows = matmulHeapBlockRows(s);
  const nb = Math.ceil(m / rows);
  return {
    blocks: nb,
    rowsAfter: (i) => Math.min(m, (i + 1) * rows),
    // Blocks 0..i of a self search have done Σ (nb − r) of the nb(nb + 1)/2 tiles.
    workAfter: self ? (i) => ((i + 1) * nb - (i * (i + 1)) / 2) / ((nb * (nb + 1)) / 2) : undefined,
    encode: (i) => encodeMatmulHeapBlock(engine, s, i, tile, vals, idx),
    dispose: () => { for (const t of owned) t.dispose(); },
  };
}

function prepareTiled(engine: Engine, data: Tensor, queries: Tensor, k: number, self: boolean,
  vals: Tensor, idx: Tensor, td: number, split: boolean): Search {
  const { rows: m, cols: d } = queries;
  const n = data.rows;
  const blocks: Array<{ start: number; count: number }> = [];
  for (const c of rowChunks(engine, m, d, k, 'distance: queries')) {
    const per = tiledBlockRows(engine);
    for (let s = 0; s < c.count; s += per) blocks.push({ start: c.start + s, count: Math.min(per, c.count - s) });
  }
  const dataChunks = rowChunks(engine, n, d, 0, 'distance: data');
  // Reference rows per dispatch: all of them where loops are unlimited, else what the budget allows.
  const budget = Math.min(engine.traits.loopBudget, 2 ** 30);
  const tiles = Math.max(1, Math.floor((budget - tiledIterationsFixed(k)) / tiledIterationsPerTile(d, k, td)));
  const span = tiles * TILED_ROWS;
  return {
    blocks: blocks.length,
    rowsAfter: (i) => blocks[i].start + blocks[i].count,
    encode: (i) => {
      const { start, count } = blocks[i];
      const q = queries.rowSlice(start, count);
      const v = sliceOf(vals, start * k, count * k);
      const x = sliceOf(idx, start * k, count * k);
      const S = split && dataChunks.length === 1 ? splitCount(engine, count, n, k) : 1;
      if (S > 1) {
        encodeSplit(engine, { q, r: data.slice(), v, x, count, start, n, d, k, S, span, td, self });
        return;
      }
      let first = true;
      for (const dc of dataChunks) {
        const r = data.rowSlice(dc.start, dc.count);
        for (let c0 = 0; c0 < dc.count; c0 += span) {
          const c1 = Math.min(dc.count, c0 + span);
          encodeDistanceTopkTiled(engine, {
            m: count, d, k, c0, c1, colOffset: dc.start, selfOffset: self ? start : undefined,
            first, finalize: dc.start + c1 >= n, td,
          }, q, r, v, x);
          first = false;
        }
      }
    },
    dispose: () => {},
  };
}

function prepare(engine: Engine, variant: string, data: Tensor, queries: Tensor, k: number, self: boolean,
  vals: Tensor, idx: Tensor): Search {
  if (variant === 'matmul-heap') return prepareMatmulHeap(engine, data, queries, k, self, vals, idx);
  return prepareTiled(engine, data, queries, k, self, vals, idx, variant === 'tiled-td32' ? 32 : 16, variant === 'tiled-split');
}

function check(data: Tensor, queries: Tensor, k: number, self: boolean): void {
  for (const [t, what] of [[data, 'data'], [queries, 'queries']] as const) {
    if (t.dtype !== 'f32' || t.rank !== 2) throw new ShapeError(`nearestRows: ${what} must be a 2-D f32 tensor [rows, dims], got ${t}.`);
  }
  if (data.cols !== queries.cols) throw new ShapeError(`nearestRows: queries have ${queries.cols} dims but data has ${data.cols}.`);
  if (self && data !== queries) throw new ShapeError('nearestRows: self search needs the same tensor as data and queries.');
  const available = data.rows - (self ? 1 : 0);
  if (!Number.isInteger(k) || k < 1 || k > DISTANCE_MAX_K || k > available) {
    throw new RangeError(`nearestRows: k = ${k} must be an integer in 1..${Math.min(DISTANCE_MAX_K, available)}.`);
  }
}

/**
 * Records (without submitting or waiting) the search of `nearestRows` into vals/idx [m, k], in the
 * variant `choose` gives for the shape (a synchronous step of an iterative model, e.g. k-means).
 */
export function encodeNearestRows(engine: Engine, data: Tensor, queries: Tensor, k: number, vals: Tensor, idx: Tensor,
  variant = engine.tuner.choose(distanceFamily, { m: queries.rows, n: data.rows, d: data.cols, k })): void {
  check(data, queries, k, false);
  const search = prepare(engine, variant, data, queries, k, false, vals, idx);
  try {
    for (let i = 0; i < search.blocks; i++) runSteps(search.encode(i));
  } finally {
    search.dispose();
  }
}

/**
 * The k nearest rows of `data` for every row of `queries` by squared Euclidean distance (exact),
 * in the variant the tuner picks for this shape on this adapter. For cosine distance pass
 * L2-normalised rows: ‖a − b‖² = 2 − 2·cos(a, b) ranks the same.
 */
export async function nearestRows(engine: Engine, data: Tensor, queries: Tensor, k: number,
  opts: NearestOptions = {}): Promise<NearestRows> {
  const self = opts.self ?? false;
  check(data, queries, k, self);
  if (opts.metric === 'cosine') {
    const dn = normalizeRows(engine, data, 'l2', 'distance.data.unit');
    const qn = self ? dn : normalizeRows(engine, queries, 'l2', 'distance.queries.unit');
    try {
      const r = await nearestRows(engine, dn, qn, k, { ...opts, metric: 'sqeuclidean' });
      const half = affine(engine, r.vals, { alpha: 0.5, label: `${opts.label ?? 'distance'}.cosine` });
      r.vals.dispose();
      return { vals: half as Tensor<'f32'>, idx: r.idx };
    } finally {
      dn.dispose();
      if (qn !== dn) qn.dispose();
    }
  }
  const shape = { m: queries.rows, n: data.rows, d: data.cols, k };
  const variant = await engine.tuner.tune(distanceFamily, shape);
  const label = opts.label ?? 'distance';
  const vals = engine.empty([queries.rows, k], 'f32', `${label}.distances`);
  const idx = engine.empty([queries.rows, k], 'u32', `${label}.indices`);
  let search: Search | undefined;
  try {
    search = prepare(engine, variant, data, queries, k, self, vals, idx);
    let lastYield = performance.now();
    for (let i = 0; i < search.blocks; i++) {
      for (const _ of search.encode(i) ?? []) {
        // A block runs for seconds on a CPU adapter, whose submits run on this thread: after a
        // quarter second of it, hand control back (Ctrl-C, timers). A GPU records far faster.
        if (performance.now() - lastYield > 250) {
          await engine.sync();
          lastYield = performance.now();
        }
      }
      await engine.sync();
      lastYield = performance.now();
      opts.onProgress?.(search.workAfter ? Math.round(search.workAfter(i) * queries.rows) : search.rowsAfter(i), queries.rows);
    }
  } catch (e) {
    vals.dispose(); idx.dispose();
    throw e;
  } finally {
    search?.dispose();
  }
  return { vals, idx };
}

/** Small inputs of the shape's class (its proportions of query and reference rows kept): every variant runs the same search. */
function distanceTrial(engine: Engine, shape: DistanceShape): VariantTrial {
  const n = Math.max(1, Math.min(shape.n, 1024));
  const m = Math.max(1, Math.min(shape.m, 256));
  const d = Math.max(1, Math.min(shape.d, 256));
  const k = Math.min(shape.k, n);
  let s = 12345;
  const fill = (len: number) => Float32Array.from({ length: len }, () => { s = (s * 1103515245 + 12345) >>> 0; return (s >>> 8) / 2 ** 24; });
  const x = engine.tensor(fill(n * d), [n, d], { label: 'distance.trial.data' });
  const q = engine.tensor(fill(m * d), [m, d], { label: 'distance.trial.queries' });
  const vals = engine.empty([m, k], 'f32', 'distance.trial.vals');
  const idx = engine.empty([m, k], 'u32', 'distance.trial.idx');
  const searches = new Map<string, Search>();
  return {
    run(variant: string) {
      let search = searches.get(variant);
      if (!search) { search = prepare(engine, variant, x, q, k, false, vals, idx); searches.set(variant, search); }
      for (let i = 0; i < search.blocks; i++) runSteps(search.encode(i));
    },
    output: async () => (await vals.read()) as Float32Array,
    dispose() {
      for (const search of searches.values()) search.dispose();
      x.dispose(); q.dispose(); vals.dispose(); idx.dispose();
    },
  };
}
