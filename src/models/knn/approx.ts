import type { Engine } from '../../engine/engine.js';
import { LimitError, formatBytes } from '../../engine/errors.js';
import type { BufferSlice, Tensor } from '../../engine/tensor.js';
import { candidatesPerDispatch, encodeKnnCandidates } from '../../kernels/knn_candidates.js';
import { checkedRowNorms } from './exact.js';
import type { KnnGraph } from './index.js';
import { NnDescentState } from './nn_descent.js';
import { buildRpTree } from './rp_forest.js';
import { descentKnnGraph } from './descent.js';
import { joinGroupLimit, joinLoopIterations } from '../../kernels/knn_join.js';
import { seededRandom } from '../../ops/random.js';

export interface ApproxOptions {
  seed: number;
  onProgress?: (done: number, total: number) => void;
  /** Random-projection trees for the initial candidates (join: 6, gather: 5). */
  trees?: number;
  /** Most points per tree leaf (join: max(k + 1, 48)). */
  leafSize?: number;
  /** Most new (and most old) candidates per row and round, PyNNDescent's max_candidates (join: min(k, 32)). */
  maxCandidates?: number;
  /** Records one join batch may return (tests make it small to force re-runs). */
  recordCap?: number;
  /** 'join' (local join on the GPU, lists on the CPU) or 'gather' (candidate lists merged on the GPU); default: join where it fits. */
  variant?: 'join' | 'gather';
  /** When given, the join route adds seconds per stage and counts here. */
  stats?: Record<string, number>;
  /** Most NN-descent rounds (default 10); rounds stop early when fewer than `delta`·n·k entries change (join: 0.01, gather: 0.001). */
  maxRounds?: number;
  delta?: number;
}

const EMPTY = 0xffffffff;
/** Candidate list elements uploaded per batch (32 MiB of u32). */
const BATCH_ELEMS = 8 * 1024 * 1024;

/** The data as at most two bindings: rows [0, split) and [split, n). */
function dataBindings(engine: Engine, x: Tensor): { xa: BufferSlice; xb: BufferSlice; split: number } {
  const max = engine.limits.maxStorageBufferBindingSize;
  const [n, d] = x.shape;
  if (x.bytes <= max) return { xa: x.slice(), xb: engine.placeholder(), split: n };
  const split = Math.floor(max / (4 * d) / 64) * 64;
  if ((n - split) * d * 4 > max) {
    throw new LimitError(`knnGraph (approx): ${formatBytes(x.bytes)} of data is more than two storage bindings ` +
      `(2 × ${formatBytes(max)}); reduce the dimensions first (e.g. PCA to 50).`, 'maxStorageBufferBindingSize', max, x.bytes);
  }
  return { xa: x.rowSlice(0, split), xb: x.rowSlice(split, n - split), split };
}

/**
 * Approximate kNN graph: the leaves of a random-projection forest, refined by NN-descent rounds
 * (Dong, Moses & Li 2011). Where a group of points fits the workgroup memory (d up to about 250),
 * the join route (descent.ts): PyNNDescent's local join as small distance tiles on the GPU, lists
 * on the CPU. Otherwise the gather route: candidate lists from the CPU, their distances gathered
 * and merged into per-row heaps on the GPU (knn_candidates.wgsl). Recall against the exact graph
 * can be measured with `knnRecall`.
 */
export async function approxKnnGraph(engine: Engine, x: Tensor, k: number, o: ApproxOptions): Promise<KnnGraph> {
  const [n, d] = x.shape;
  (await checkedRowNorms(engine, x, n, 'knnGraph: x')).dispose();
  const host = await x.read() as Float32Array;
  const limit = joinGroupLimit(engine.traits.workgroupStorage, d);
  // Leaves are the cheap part of the join (a group of c rows gives c²/2 pairs) and rounds the dear
  // part (a group per row), so: several trees with large leaves, few candidates, an early stop.
  const leafSize = Math.min(o.leafSize ?? Math.max(k + 1, 48), limit);
  const maxCandidates = o.maxCandidates ?? Math.min(k, 32);
  const group = Math.max(leafSize, 2 * maxCandidates);
  const joinFits = leafSize > k && group <= limit && joinLoopIterations(Math.ceil(group / 8) * 8, d) <= engine.traits.loopBudget;
  if ((o.variant ?? 'join') === 'join' && joinFits) {
    return descentKnnGraph(engine, host, n, d, k, {
      seed: o.seed, onProgress: o.onProgress, trees: o.trees ?? 6, leafSize, maxCandidates,
      maxRounds: o.maxRounds ?? 10, delta: o.delta ?? 0.01, recordCap: o.recordCap ?? 4 << 20, stats: o.stats,
    });
  }
  return gatherKnnGraph(engine, host, dataBindings(engine, x), n, d, k, o);
}

/**
 * The former route, for data too wide for the join's workgroup tile: candidate lists built on the
 * CPU, their distances gathered and merged into per-row heaps on the GPU (knn_candidates.wgsl).
 */
async function gatherKnnGraph(engine: Engine, host: Float32Array, data: ReturnType<typeof dataBindings>, n: number, d: number,
  k: number, o: ApproxOptions): Promise<KnnGraph> {
  const rand = seededRandom(o.seed);
  const { xa, xb, split } = data;
  const vals = engine.empty([n, k], 'f32', 'knn.distances');
  const idx = engine.empty([n, k], 'u32', 'knn.indices');
  const per = candidatesPerDispatch(engine.traits.loopBudget, d, k);
  const trees = o.trees ?? 5;
  const maxRounds = o.maxRounds ?? 10;
  const delta = o.delta ?? 0.001;
  const total = trees + maxRounds + 1;
  let step = 0;

  /** Merges candidate lists [rows, m] built by `fill` for every row, batch by batch. */
  const mergeAll = async (m: number, first: boolean, finalize: boolean, fill: (u0: number, rows: number, out: Uint32Array) => void) => {
    const batch = Math.max(64, Math.floor(BATCH_ELEMS / Math.max(m, 1) / 64) * 64);
    for (let u0 = 0; u0 < n; u0 += batch) {
      const rows = Math.min(batch, n - u0);
      const host = new Uint32Array(rows * Math.max(m, 1)).fill(EMPTY);
      if (m > 0) fill(u0, rows, host);
      const cand = engine.tensor(host, [rows, Math.max(m, 1)], { label: 'knn.candidates' });
      const chunks = Math.max(1, Math.ceil(m / per));
      for (let c = 0; c < chunks; c++) {
        const col0 = c * per;
        encodeKnnCandidates(engine, {
          R: rows, row0: u0, stride: Math.max(m, 1), col0, count: Math.max(0, Math.min(per, m - col0)), d, k, split,
          first: first && c === 0, finalize: finalize && c === chunks - 1,
        }, xa, xb, cand.slice(), sliceOf(vals, u0 * k, rows * k), sliceOf(idx, u0 * k, rows * k));
      }
      cand.dispose();
      await engine.sync();
    }
  };

  try {
    // 1. Forest: leaf mates of every point, merged one tree at a time.
    const leafSize = Math.max(k + 1, 24);
    for (let t = 0; t < trees; t++) {
      const tree = buildRpTree(host, n, d, leafSize, rand);
      await mergeAll(leafSize - 1, t === 0, false, (u0, rows, out) => {
        const m = leafSize - 1;
        for (let r = 0; r < rows; r++) {
          const u = u0 + r;
          let c = 0;
          for (let q = tree.leafStart[u]; q < tree.leafEnd[u]; q++) if (tree.perm[q] !== u) out[r * m + c++] = tree.perm[q];
        }
      });
      o.onProgress?.(++step, total);
    }
    // 2. NN-descent rounds until few lists change.
    const s = Math.min(k, 12);
    const m = Math.min(12 * s * s, 640);
    const state = new NnDescentState(n, k, s, await idx.read() as Uint32Array);
    for (let round = 0; round < maxRounds; round++) {
      if (state.sample(rand) === 0) break;
      await mergeAll(m, false, false, (u0, rows, out) => state.candidates(u0, rows, m, out));
      const updates = state.update(await idx.read() as Uint32Array);
      o.onProgress?.(++step, total);
      if (updates <= delta * n * k) break;
    }
    // 3. Sort every list.
    await mergeAll(0, false, true, () => {});
    o.onProgress?.(total, total);
  } catch (e) {
    vals.dispose(); idx.dispose();
    throw e;
  }
  return { indices: idx, distances: vals, k, n };
}

function sliceOf(t: Tensor, startElem: number, count: number): BufferSlice {
  return { buffer: t.buffer, offset: startElem * 4, size: count * 4 };
}
