import type { Engine } from '../../engine/engine.js';
import type { BufferSlice, Tensor } from '../../engine/tensor.js';
import { JOIN_RECORD_WORDS, encodeKnnJoin } from '../../kernels/knn_join.js';
import type { NeighbourHeaps } from './heaps.js';

// The GPU side of the join route: batches of groups joined by knn_join.wgsl, their pairs merged
// into the CPU heaps.

/** The data as GPU bindings: at most `maxStorageBufferBindingSize` each, rows [0, split) in xa. */
export interface DataBindings { xa: BufferSlice; xb: BufferSlice; split: number }

/** Process CPU seconds (all threads) where the platform tells them (Node), else 0. */
function cpuSeconds(): number {
  const g = globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } };
  const u = g.process?.cpuUsage?.();
  return u ? (u.user + u.system) / 1e6 : 0;
}

/** Adds the wall and CPU seconds since the last mark to stage `key`; returns the new mark. */
export function tally(stats: Record<string, number> | undefined, key: string, t0: [number, number]): [number, number] {
  const t: [number, number] = [performance.now(), cpuSeconds()];
  if (stats) {
    stats[key] = (stats[key] ?? 0) + (t[0] - t0[0]) / 1000;
    stats[`${key}_cpu`] = (stats[`${key}_cpu`] ?? 0) + t[1] - t0[1];
  }
  return t;
}
export const mark = (): [number, number] => [performance.now(), cpuSeconds()];

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
export class Joiner {
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
