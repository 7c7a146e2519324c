import type { Engine } from '../../engine/engine.js';
import { LimitError, formatBytes } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { JOIN_RECORD_WORDS } from '../../kernels/knn_join.js';
import { Joiner, mark, tally, type DataBindings } from './join.js';
import { seededRandom } from '../../ops/random.js';
import { NeighbourHeaps } from './heaps.js';
import type { KnnGraph } from './index.js';
import { buildRpTree } from './rp_forest.js';
import { CandidateLists } from './sampling.js';

export interface DescentOptions {
  seed: number;
  onProgress?: (done: number, total: number) => void;
  /** Random-projection trees whose leaves seed the graph. */
  trees: number;
  /** Most points per leaf (at most the join's group limit). */
  leafSize: number;
  /** Most new and most old candidates per row and round (PyNNDescent's max_candidates). */
  maxCandidates: number;
  maxRounds: number;
  /** Rounds stop when fewer than delta·n·k list entries changed. */
  delta: number;
  /** Records one join batch may return (the output buffer holds 3 words each). */
  recordCap: number;
  /** When given, seconds spent per stage are added here (trees, candidates, upload, gpu, merge) with counts. */
  stats?: Record<string, number>;
}

/** Rows of vec4s, padded with zeros after d, that fit one binding of `maxBinding` bytes. */
export function paddedRowsPerBinding(maxBinding: number, d: number): number {
  return Math.floor(maxBinding / (16 * Math.ceil(d / 4)));
}

/**
 * The data uploaded again with rows padded to ⌈d/4⌉ vec4s (the join reads whole vec4s), in at
 * most two tensors of at most one binding each, written from the host in blocks of rows.
 */
function uploadPadded(engine: Engine, host: Float32Array, n: number, d: number): { data: DataBindings; parts: Tensor[] } {
  const w = 4 * Math.ceil(d / 4);
  const per = paddedRowsPerBinding(engine.limits.maxStorageBufferBindingSize, d);
  if (n > 2 * per) {
    throw new LimitError(`knnGraph (approx): ${n} rows of ${d} dims are more than two storage bindings hold ` +
      `(${2 * per} rows of ${formatBytes(per * w * 4)}); reduce the dimensions first (e.g. PCA to 50).`,
      'maxStorageBufferBindingSize', engine.limits.maxStorageBufferBindingSize, n * w * 4);
  }
  const split = Math.min(n, per);
  const parts: Tensor[] = [];
  for (const [r0, rows] of [[0, split], [split, n - split]]) {
    if (rows === 0) continue;
    const t = engine.empty([rows, w], 'f32', 'knn.join.data');
    const block = 16_384;
    const buf = new Float32Array(Math.min(block, rows) * w);
    for (let b = 0; b < rows; b += block) {
      const m = Math.min(block, rows - b);
      for (let r = 0; r < m; r++) buf.set(host.subarray((r0 + b + r) * d, (r0 + b + r + 1) * d), r * w);
      engine.write(t, buf.subarray(0, m * w), b * w);
    }
    parts.push(t);
  }
  return { data: { xa: parts[0].slice(), xb: parts[1]?.slice() ?? engine.placeholder(), split }, parts };
}

/**
 * Approximate kNN graph by NN-descent with PyNNDescent's local join (Dong, Moses & Li 2011;
 * McInnes' PyNNDescent): leaves of random-projection trees, then rounds in which every row's
 * sampled new and old neighbours (forward and reverse) are joined pairwise. Each join group is a
 * small dense distance tile on the GPU (knn_join.wgsl) that returns only the pairs that improve a
 * list; the lists themselves are kept as heaps on the CPU (O(n·k) memory).
 */
export async function descentKnnGraph(engine: Engine, host: Float32Array, n: number, d: number,
  k: number, o: DescentOptions): Promise<KnnGraph> {
  const { data, parts } = uploadPadded(engine, host, n, d);
  const heaps = new NeighbourHeaps(n, k);
  const rand = seededRandom(o.seed);
  const total = (o.trees + o.maxRounds) * n;
  let done = 0;
  const advance = (rows: number) => { done += rows; o.onProgress?.(done, total); };
  const cap = Math.min(o.recordCap, Math.floor(engine.limits.maxStorageBufferBindingSize / (4 * JOIN_RECORD_WORDS)));
  const joiner = new Joiner(engine, data, d, heaps, cap, o.stats);
  try {
    // 1. Leaves of each tree, all pairs: the first lists.
    for (let t = 0; t < o.trees; t++) {
      const t0 = mark();
      const tree = buildRpTree(host, n, d, o.leafSize, rand);
      tally(o.stats, 'trees', t0);
      const starts: number[] = [];
      for (let q = 0; q < n; q = tree.leafEnd[tree.perm[q]]) starts.push(q);
      starts.push(n);
      await joiner.run(starts.length - 1, o.leafSize, (g, dst, at) => {
        const size = starts[g + 1] - starts[g];
        dst.set(tree.perm.subarray(starts[g], starts[g + 1]), at);
        return size;
      }, (g0, groups) => advance(starts[g0 + groups] - starts[g0]));
    }
    heaps.settleRound();
    // 2. NN-descent rounds until few entries change.
    const mc = o.maxCandidates;
    const lists = new CandidateLists(n, mc);
    let rounds = 0;
    for (; rounds < o.maxRounds; rounds++) {
      const t0 = mark();
      const live = lists.build(heaps, o.seed, rounds);
      tally(o.stats, 'candidates', t0);
      if (live === 0) break;
      const stride = 2 * mc;
      joiner.newMax = () => mc;
      await joiner.run(n, stride, (u, dst, at) => {
        const cn = lists.newCnt[u];
        if (cn === 0) return 0;
        const co = lists.oldCnt[u];
        dst.set(lists.newIdx.subarray(u * mc, u * mc + cn), at);
        dst.set(lists.oldIdx.subarray(u * mc, u * mc + co), at + cn);
        return cn | (co << 16);
      }, (_, groups) => advance(groups));
      const changed = heaps.settleRound();
      if (o.stats) o.stats[`changed${rounds}`] = changed;
      if (changed <= o.delta * n * k) { rounds++; break; }
    }
    if (o.stats) o.stats.rounds = rounds;
    joiner.dispose();
    for (const p of parts) p.dispose();
    fillUnfilledRows(heaps, host, d);
    heaps.sortRows();
    o.onProgress?.(total, total);
    const indices = engine.tensor(heaps.idx, [n, k], { label: 'knn.indices' }) as Tensor<'u32'>;
    const distances = engine.tensor(heaps.dist, [n, k], { label: 'knn.distances' }) as Tensor<'f32'>;
    return { indices, distances, k, n };
  } catch (e) {
    joiner.dispose();
    for (const p of parts) p.dispose();
    throw e;
  }
}

/** Rows the forest and the rounds left short (tiny or degenerate data): filled by a scan of all points. */
function fillUnfilledRows(heaps: NeighbourHeaps, x: Float32Array, d: number): void {
  for (const u of heaps.unfilledRows()) {
    for (let v = 0; v < heaps.n; v++) {
      if (v === u) continue;
      let s = 0;
      for (let t = 0; t < d; t++) { const diff = x[u * d + t] - x[v * d + t]; s += diff * diff; }
      heaps.push(u, v, Math.fround(s));
    }
  }
}
