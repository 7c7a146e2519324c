import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, LimitError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { ASSIGN_MAX_D, encodeKMeansAssign } from '../../kernels/kmeans_assign.js';
import { encodeKMeansFinalize } from '../../kernels/kmeans_finalize.js';
import { encodeKMeansGatherRows } from '../../kernels/kmeans_gather_rows.js';
import { encodeKMeansPairDists } from '../../kernels/kmeans_pair_dists.js';
import { encodeKMeansPartialSums, partialBlockRows, type PartialSumsVariant } from '../../kernels/kmeans_partial_sums.js';
import { encodeKMeansPrepare, paddedK } from '../../kernels/kmeans_prepare.js';
import { encodeDistanceSplitNearest } from '../../kernels/distance_split_nearest.js';
import { rowChunks, type RowChunk } from '../../ops/chunks.js';
import { distanceFamily, encodeNearestRows } from '../../ops/distance.js';
import { encodeReduction } from '../../ops/reduce.js';
import { kmeansPartialSumsFamily } from './partial-sums.js';

/**
 * The GPU side of k-means over one data matrix x [n, d]: the per-row buffers (‖x‖², labels,
 * squared distance to the nearest centroid) and the two Lloyd steps. The kernels read rows as
 * vec4s, so when d is not a multiple of 4 they work on a zero-padded copy [n, d4] (n·d4·4 bytes
 * more GPU memory). x larger than one storage binding is processed in row chunks.
 */
export class KMeansData {
  readonly n: number;
  readonly d: number;
  /** d rounded up to a multiple of 4: the row stride of `x4`. */
  readonly d4: number;
  /** x, or its zero-padded copy when d % 4 ≠ 0. */
  readonly x4: Tensor;
  readonly chunks: RowChunk[];
  readonly xnorm: Tensor;
  readonly labels: Tensor<'u32'>;
  readonly mind: Tensor;
  /** After `assign`: squared distance of each row to its second nearest centroid, or to every centroid ([n, k]). */
  extra: Tensor | null = null;
  private readonly blockRows: number;
  private readonly blocks: number;
  private partial: Tensor | null = null;
  private partialK = 0;
  private centT: Tensor | null = null;
  private cnorm: Tensor | null = null;
  private list: { idx: Tensor<'u32'>; labels: Tensor<'u32'>; mind: Tensor; extra: Tensor | null } | null = null;

  constructor(readonly engine: Engine, readonly x: Tensor, what = 'k-means') {
    if (x.dtype !== 'f32' || x.rank !== 2) throw new ShapeError(`${what}: x must be a 2-D f32 matrix [n, d], got ${x}.`);
    this.n = x.rows;
    this.d = x.cols;
    this.d4 = Math.ceil(this.d / 4) * 4;
    if (this.d4 > ASSIGN_MAX_D) {
      throw new LimitError(`${what}: x has ${this.d} columns; k-means handles at most ${ASSIGN_MAX_D} (reduce them first, e.g. with PCA).`,
        'kmeansColumns', ASSIGN_MAX_D, this.d);
    }
    this.chunks = rowChunks(engine, this.n, this.d, this.d4, `${what}: x`);
    this.blockRows = partialBlockRows(this.n, engine.traits.loopBudget);
    this.blocks = this.chunks.reduce((s, ch) => s + Math.ceil(ch.count / this.blockRows), 0);
    this.xnorm = engine.empty([this.n], 'f32', 'kmeans.xnorm');
    this.x4 = this.d4 === this.d ? x : engine.empty([this.n, this.d4], 'f32', 'kmeans.xPadded');
    for (const ch of this.chunks) {
      const xs = x.rowSlice(ch.start, ch.count);
      encodeReduction(engine, { R: ch.count, C: this.d, axis: 1, op: 'sumsq' }, xs,
        { buffer: this.xnorm.buffer, offset: ch.start * 4, size: ch.count * 4 });
      if (this.x4 !== x) {
        encodeKMeansGatherRows(engine, { count: ch.count, dOut: this.d4, d: this.d, row0: 0, rows: ch.count, direct: true },
          engine.placeholder(), xs, this.x4.rowSlice(ch.start, ch.count));
      }
    }
    this.labels = engine.empty([this.n], 'u32', 'kmeans.labels');
    this.mind = engine.empty([this.n], 'f32', 'kmeans.mind');
  }

  /** Throws naming the rows of x that hold NaN or Inf (found through their squared norms). */
  async assertFinite(what: string): Promise<void> {
    const norms = await this.xnorm.read();
    const bad: number[] = [];
    for (let i = 0; i < norms.length && bad.length < 5; i++) if (!Number.isFinite(norms[i])) bad.push(i);
    if (bad.length) {
      throw new InvalidInputError(`${what}: x has NaN or Inf values (or values too large to square in f32) in row(s) ` +
        `${bad.join(', ')}${bad.length === 5 ? ', …' : ''}; remove or impute those rows first.`);
    }
  }

  /**
   * Records labels and squared distances of every row to the nearest of `cent` [k, d], and into
   * `extra` those to the second nearest or (allDistances) to every centroid.
   */
  assign(cent: Tensor, allDistances = false): void {
    const k = cent.rows;
    this.extra = sized(this.engine, this.extra, allDistances ? this.n * k : this.n, 'kmeans.extra');
    if (!allDistances && k >= 2 && this.byDistanceOp(k)) { this.assignByDistanceOp(cent); return; }
    this.prepare(cent);
    for (const ch of this.chunks) {
      encodeKMeansAssign(this.engine, { rows: ch.count, row0: ch.start, d4: this.d4, k, allDistances },
        this.x4.rowSlice(ch.start, ch.count), this.centT!.slice(), this.cnorm!.slice(), this.xnorm.slice(), this.labels.slice(),
        this.mind.slice(), this.engine.placeholder(), this.extra.slice());
    }
  }

  /**
   * Whether the distance op's GPU shape (tiles of rows and centroids in workgroup memory, coalesced
   * loads along d) does the assignment: where the tuner picks a tiled variant for this shape. The
   * CPU shape of the op would transpose x at every step, so there the fused kmeans_assign kernel
   * (lanes along rows, centroids broadcast) stays.
   */
  private byDistanceOp(k: number): boolean {
    return this.engine.tuner.choose(distanceFamily, { m: this.n, n: k, d: this.d, k: 2 }) !== 'matmul-heap';
  }

  /** Labels, nearest and second-nearest squared distances from the two nearest centroids of each row. */
  private assignByDistanceOp(cent: Tensor): void {
    const engine = this.engine;
    const vals = engine.empty([this.n, 2], 'f32', 'kmeans.nearest.distances');
    const idx = engine.empty([this.n, 2], 'u32', 'kmeans.nearest.indices');
    try {
      encodeNearestRows(engine, cent, this.x, 2, vals, idx);
      for (const ch of rowChunks(engine, this.n, 2, 0, 'kmeans.nearest')) {
        encodeDistanceSplitNearest(engine, { rows: ch.count, row0: ch.start }, vals.rowSlice(ch.start, ch.count),
          idx.rowSlice(ch.start, ch.count), this.labels.slice(), this.mind.slice(), this.extra!.slice());
      }
    } finally {
      vals.dispose(); idx.dispose();
    }
  }

  /**
   * Nearest and second nearest of `cent` for the listed rows only (ascending row numbers), read
   * back: label, squared distance to the nearest and to the second nearest, in list order.
   */
  async assignListed(cent: Tensor, rows: Uint32Array, allDistances = false): Promise<{ labels: Uint32Array; mind: Float32Array; extra: Float32Array }> {
    const m = rows.length;
    if (m === 0) return { labels: new Uint32Array(0), mind: new Float32Array(0), extra: new Float32Array(0) };
    this.prepare(cent);
    const k = cent.rows;
    if (!this.list) {
      this.list = {
        idx: this.engine.empty([this.n], 'u32', 'kmeans.list'), labels: this.engine.empty([this.n], 'u32', 'kmeans.listLabels'),
        mind: this.engine.empty([this.n], 'f32', 'kmeans.listMind'), extra: null,
      };
    }
    const L = this.list;
    const per = allDistances ? k : 1;
    L.extra = sized(this.engine, L.extra, this.n * per, 'kmeans.listExtra');
    L.idx.write(rows);
    let lo = 0;
    for (const ch of this.chunks) {
      let hi = lo;
      while (hi < m && rows[hi] < ch.start + ch.count) hi++;
      encodeKMeansAssign(this.engine, { rows: hi - lo, row0: ch.start, d4: this.d4, k, list0: lo, allDistances },
        this.x4.rowSlice(ch.start, ch.count), this.centT!.slice(), this.cnorm!.slice(), this.xnorm.slice(), L.labels.slice(),
        L.mind.slice(), L.idx.slice(), L.extra.slice());
      lo = hi;
    }
    return {
      labels: (await L.labels.read(0, m)) as Uint32Array,
      mind: (await L.mind.read(0, m)) as Float32Array,
      extra: (await L.extra.read(0, m * per)) as Float32Array,
    };
  }

  /**
   * Squared distances of the pairs (rows[q], cents[q]) by differences, read back; rows ascending.
   */
  async pairDistances(cent: Tensor, rows: Uint32Array, cents: Uint32Array): Promise<Float32Array> {
    const m = rows.length;
    if (m === 0) return new Float32Array(0);
    const { engine } = this;
    const k = cent.rows;
    let padded = cent;
    if (this.d4 !== this.d) {
      padded = engine.empty([k, this.d4], 'f32', 'kmeans.centPadded');
      encodeKMeansGatherRows(engine, { count: k, dOut: this.d4, d: this.d, row0: 0, rows: k, direct: true }, engine.placeholder(),
        cent.slice(), padded.slice());
    }
    const rowsT = engine.tensor(rows, [m], { label: 'kmeans.pairRows' });
    const centsT = engine.tensor(cents, [m], { label: 'kmeans.pairCentroids' });
    const out = engine.empty([m], 'f32', 'kmeans.pairDistances');
    let lo = 0;
    for (const ch of this.chunks) {
      let hi = lo;
      while (hi < m && rows[hi] < ch.start + ch.count) hi++;
      encodeKMeansPairDists(engine, { count: hi - lo, d4: this.d4, row0: ch.start, list0: lo }, this.x4.rowSlice(ch.start, ch.count),
        padded.slice(), rowsT.slice(), centsT.slice(), out.slice());
      lo = hi;
    }
    const result = (await out.read()) as Float32Array;
    for (const t of [rowsT, centsT, out]) t.dispose();
    if (padded !== cent) padded.dispose();
    return result;
  }

  /** Transposed, padded centroids and their norms for the assignment kernel. */
  private prepare(cent: Tensor): void {
    const k = cent.rows;
    const kp = paddedK(k);
    if (!this.centT || this.centT.size !== kp * this.d4) {
      this.centT?.dispose();
      this.cnorm?.dispose();
      this.centT = this.engine.empty([this.d4, kp], 'f32', 'kmeans.centT');
      this.cnorm = this.engine.empty([kp], 'f32', 'kmeans.cnorm');
    }
    encodeKMeansPrepare(this.engine, { k, d: this.d, d4: this.d4 }, cent.slice(), this.centT.slice(), this.cnorm!.slice());
  }

  /**
   * Records the update step from the current labels: `out` [k, d] gets each cluster's mean
   * (weights = 0) or the running mean with prior counts `weights`; `counts` [k] the (total) counts.
   */
  update(prev: Tensor, weights: Tensor, out: Tensor, counts: Tensor): void {
    const k = prev.rows;
    const partial = this.partialFor(k);
    const variant = this.engine.tuner.choose(kmeansPartialSumsFamily, { n: this.n, d4: this.d4, k }) as PartialSumsVariant;
    let block0 = 0;
    for (const ch of this.chunks) {
      block0 += encodeKMeansPartialSums(this.engine, { rows: ch.count, row0: ch.start, d4: this.d4, k, blockRows: this.blockRows, block0 },
        this.x4.rowSlice(ch.start, ch.count), this.labels.slice(), partial.slice(), variant);
    }
    encodeKMeansFinalize(this.engine, { k, d: this.d, d4: this.d4, blocks: this.blocks }, partial.slice(), prev.slice(), weights.slice(),
      out.slice(), counts.slice());
  }

  /** Σ mind, the inertia after `assign`: GPU sums of 1024-row pieces added in float64 here. */
  async inertia(): Promise<number> {
    const C = 1024;
    const R = Math.ceil(this.n / C);
    const parts = this.engine.empty([R], 'f32', 'kmeans.inertia');
    encodeReduction(this.engine, { R, C, axis: 1, op: 'sum', total: this.n }, this.mind.slice(), parts.slice());
    const v = await parts.read();
    parts.dispose();
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    return s;
  }

  private partialFor(k: number): Tensor {
    if (!this.partial || this.partialK !== k) {
      this.partial?.dispose();
      this.partial = this.engine.empty([this.blocks, k, this.d4 + 4], 'f32', 'kmeans.partial');
      this.partialK = k;
    }
    return this.partial;
  }

  dispose(): void {
    if (this.x4 !== this.x) this.x4.dispose();
    this.xnorm.dispose();
    this.labels.dispose();
    this.mind.dispose();
    this.extra?.dispose();
    if (this.list) for (const t of Object.values(this.list)) t?.dispose();
    this.partial?.dispose();
    this.centT?.dispose();
    this.cnorm?.dispose();
  }
}

/** `t` if it holds exactly `size` values, else a new tensor of that size (disposing `t`). */
function sized(engine: Engine, t: Tensor | null, size: number, label: string): Tensor {
  if (t && t.size === size) return t;
  t?.dispose();
  return engine.empty([size], 'f32', label);
}
