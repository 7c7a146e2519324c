import type { Engine } from '../../engine/engine.js';
import { LimitError, formatBytes } from '../../engine/errors.js';
import type { BufferSlice, Tensor } from '../../engine/tensor.js';
import { JOIN_RECORD_WORDS, encodeKnnJoin } from '../../kernels/knn_join.js';
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

/** Process CPU seconds (all threads) where the platform tells them (Node), else 0. */
function cpuSeconds(): number {
  const g = globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } };
  const u = g.process?.cpuUsage?.();
  return u ? (u.user + u.system) / 1e6 : 0;
}

/** Adds the wall and CPU seconds since the last mark to stage `key`; returns the new mark. */
function tally(stats: Record<string, number> | undefined, key: string, t0: [number, number]): [number, number] {
  const t: [number, number] = [performance.now(), cpuSeconds()];
  if (stats) {
    stats[key] = (stats[key] ?? 0) + (t[0] - t0[0]) / 1000;
    stats[`${key}_cpu`] = (stats[`${key}_cpu`] ?? 0) + t[1] - t0[1];
  }
  return t;
}
const mark = (): [number, number] => [performance.now(), cpuSeconds()];

/** The data as GPU bindings: at most `maxStorageBufferBindingSize` each, rows [0, split) in xa. */
export interface DataBindings { xa: BufferSlice; xb: BufferSlice; split: number }

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
 * The thresholds, output buffer and counter of one batch; two of them let a batch run while the
 * last one is merged (writing a buffer that a running batch reads would wait for it on some backends).
 */
interface Slot { thr: Tensor<'f32'>; out: Tensor<'u32'>; counter: Tensor<'u32'> }

/** A submitted batch: its groups, its slot, and the reads of its counter and records already queued. */
interface InFlight {
  g0: number; count: number; pairs: number; slot: Slot;
  counter: Promise<number>; records: Promise<Uint32Array> | undefined; readRecords: number;
}

type Fill = (g: number, dst: Uint32Array, at: number) => number;

/**
 * A run of join batches over groups of points, merging what comes back into the heaps. Batches are
 * pipelined: batch b + 1 is submitted before batch b's pairs are merged on the CPU, so the adapter
 * and the merge work at once (b + 1 then filters on slightly older thresholds, which only lets
 * through pairs that the merge rejects).
 */
class Joiner {
  private readonly slots: Slot[];
  /** Records per group seen in the last batch, to size the next. */
  private perGroup = 1;

  constructor(private readonly engine: Engine, private readonly data: DataBindings, private readonly d: number,
    private readonly heaps: NeighbourHeaps, private readonly cap: number, private readonly stats?: Record<string, number>) {
    this.slots = [0, 1].map(() => ({
      thr: engine.empty([heaps.n], 'f32', 'knn.join.thresholds'),
      out: engine.empty([cap * JOIN_RECORD_WORDS], 'u32', 'knn.join.records'),
      counter: engine.empty([1], 'u32', 'knn.join.counter'),
    }));
  }

  /**
   * Joins `groups` groups; group g's points are written by `fill(g, dst, at)` (new first), which returns
   * (new count) | (old count << 16). `stride` bounds a group's size. Calls `done(g0, groups)` as
   * batches finish, in order.
   */
  async run(groups: number, stride: number, fill: Fill, done: (g0: number, groups: number) => void): Promise<number> {
    let taken = 0;
    // Until a batch has been seen, assume every pair comes back (the first leaves' lists are empty).
    this.perGroup = (stride * stride) / 2;
    let pending: InFlight | undefined;
    let which = 0;
    for (let g0 = 0; g0 < groups || pending;) {
      let next: InFlight | undefined;
      if (g0 < groups) {
        const target = Math.floor(this.cap / 2 / Math.max(this.perGroup, 1e-3));
        const fit = Math.floor(this.engine.limits.maxStorageBufferBindingSize / (4 * stride));
        const count = Math.max(1, Math.min(groups - g0, Math.max(64, target), 65_536, fit));
        next = this.submit(g0, count, stride, fill, this.slots[which]);
        which ^= 1;
        g0 += count;
      }
      if (pending) taken += await this.collect(pending, stride, fill, done);
      pending = next;
    }
    return taken;
  }

  /** Uploads a batch's groups and thresholds, records its join and queues the reads of its output. */
  private submit(g0: number, count: number, stride: number, fill: Fill, slot: Slot): InFlight {
    const { engine, data, heaps, stats } = this;
    const t = mark();
    const cand = new Uint32Array(count * stride);
    const counts = new Uint32Array(count);
    let cmax = 0;
    let pairs = 0;
    for (let g = 0; g < count; g++) {
      const c = fill(g0 + g, cand, g * stride);
      counts[g] = c;
      const cn = c & 0xffff;
      const size = cn + (c >>> 16);
      cmax = Math.max(cmax, size);
      pairs += cn * size;
    }
    if (cmax < 2) return { g0, count, pairs: 0, slot, counter: Promise.resolve(0), records: undefined, readRecords: 0 };
    const candT = engine.tensor(cand, [count * stride], { label: 'knn.join.candidates' });
    const countsT = engine.tensor(counts, [count], { label: 'knn.join.counts' });
    engine.write(slot.thr, heaps.thr);
    engine.clear(slot.counter);
    encodeKnnJoin(engine, { groups: count, stride, d: this.d, split: data.split, cmax: Math.ceil(stride / 8) * 8, newMax: this.newMax(stride), cap: this.cap, pairs },
      data.xa, data.xb, candT.slice(), countsT.slice(), slot.thr.slice(), slot.out.slice(), slot.counter.slice());
    // The records are read with the counter, before the next batch is queued: a read queued later
    // would wait for that batch too. Its size is a guess (1.5× the expected count); more is read after.
    const readRecords = Math.min(this.cap, Math.ceil(1.5 * this.perGroup * count) + 1024);
    const counter = slot.counter.read().then((r) => r[0]);
    const records = slot.out.read(0, readRecords * JOIN_RECORD_WORDS) as Promise<Uint32Array>;
    candT.dispose(); countsT.dispose();
    tally(stats, 'upload', t);
    return { g0, count, pairs, slot, counter, records, readRecords };
  }

  /** Waits for a batch and merges its pairs; an overflowed batch is run again in halves. */
  private async collect(f: InFlight, stride: number, fill: Fill, done: (g0: number, groups: number) => void): Promise<number> {
    const { heaps, stats } = this;
    let t = mark();
    const records = await f.counter;
    let rec = f.records ? await f.records : new Uint32Array(0);
    t = tally(stats, 'gpu', t);
    if (f.pairs > 0) this.perGroup = records / f.count;
    if (stats) { stats.batches = (stats.batches ?? 0) + 1; stats.pairs = (stats.pairs ?? 0) + f.pairs; stats.records = (stats.records ?? 0) + records; }
    if (records > this.cap) {
      // Overflowed: nothing is merged; its groups run again in halves (one group's pairs always fit).
      if (stats) stats.overflows = (stats.overflows ?? 0) + 1;
      if (f.count === 1) throw new RangeError(`knn join: one group returned more than ${this.cap} pairs.`);
      const half = Math.ceil(f.count / 2);
      let taken = 0;
      for (const [g0, count] of [[f.g0, half], [f.g0 + half, f.count - half]]) {
        taken += await this.collect(this.submit(g0, count, stride, fill, f.slot), stride, fill, done);
      }
      return taken;
    }
    if (records > f.readRecords) {
      const rest = await f.slot.out.read(f.readRecords * JOIN_RECORD_WORDS, (records - f.readRecords) * JOIN_RECORD_WORDS) as Uint32Array;
      const all = new Uint32Array(records * JOIN_RECORD_WORDS);
      all.set(rec); all.set(rest, rec.length);
      rec = all;
    }
    t = tally(stats, 'readback', t);
    const taken = records > 0 ? heaps.merge(rec, records) : 0;
    tally(stats, 'merge', t);
    done(f.g0, f.count);
    return taken;
  }

  /** Most new points per group, fixed per phase so that one pipeline serves all its batches. */
  newMax = (stride: number): number => stride;

  dispose(): void {
    for (const s of this.slots) { s.thr.dispose(); s.out.dispose(); s.counter.dispose(); }
  }
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
