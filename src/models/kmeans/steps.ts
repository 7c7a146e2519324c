import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, LimitError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { ASSIGN_MAX_D, encodeKMeansAssign } from '../../kernels/kmeans_assign.js';
import { encodeKMeansFinalize } from '../../kernels/kmeans_finalize.js';
import { encodeKMeansPartialSums, partialBlockRows } from '../../kernels/kmeans_partial_sums.js';
import { encodeReduce } from '../../kernels/reduce.js';
import { rowChunks, type RowChunk } from '../../ops/chunks.js';

/**
 * The GPU side of k-means over one data matrix x [n, d]: the per-row buffers (‖x‖², labels,
 * squared distance to the nearest centroid) and the two Lloyd steps. x larger than one storage
 * binding is processed in row chunks.
 */
export class KMeansData {
  readonly n: number;
  readonly d: number;
  readonly chunks: RowChunk[];
  readonly xnorm: Tensor;
  readonly labels: Tensor<'u32'>;
  readonly mind: Tensor;
  private readonly blockRows: number;
  private readonly blocks: number;
  private partial: Tensor | null = null;
  private partialK = 0;

  constructor(readonly engine: Engine, readonly x: Tensor, what = 'k-means') {
    if (x.dtype !== 'f32' || x.rank !== 2) throw new ShapeError(`${what}: x must be a 2-D f32 matrix [n, d], got ${x}.`);
    this.n = x.rows;
    this.d = x.cols;
    if (this.d > ASSIGN_MAX_D) {
      throw new LimitError(`${what}: x has ${this.d} columns; k-means handles at most ${ASSIGN_MAX_D} (reduce them first, e.g. with PCA).`,
        'kmeansColumns', ASSIGN_MAX_D, this.d);
    }
    this.chunks = rowChunks(engine, this.n, this.d, 0, `${what}: x`);
    this.blockRows = partialBlockRows(this.n);
    this.blocks = this.chunks.reduce((s, ch) => s + Math.ceil(ch.count / this.blockRows), 0);
    this.xnorm = engine.empty([this.n], 'f32', 'kmeans.xnorm');
    for (const ch of this.chunks) {
      encodeReduce(engine, { R: ch.count, C: this.d, axis: 1, op: 'sumsq' }, x.rowSlice(ch.start, ch.count),
        { buffer: this.xnorm.buffer, offset: ch.start * 4, size: ch.count * 4 });
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

  /** Records labels and squared distances of every row to the nearest of `cent` [k, d]. */
  assign(cent: Tensor, cnorm: Tensor): void {
    const k = cent.rows;
    for (const ch of this.chunks) {
      encodeKMeansAssign(this.engine, { rows: ch.count, row0: ch.start, d: this.d, k },
        this.x.rowSlice(ch.start, ch.count), cent.slice(), cnorm.slice(), this.xnorm.slice(), this.labels.slice(), this.mind.slice());
    }
  }

  /**
   * Records the update step from the current labels: `out` [k, d] gets each cluster's mean
   * (weights = 0) or the running mean with prior counts `weights`; `counts` [k] the (total) counts.
   */
  update(prev: Tensor, weights: Tensor, out: Tensor, counts: Tensor): void {
    const k = prev.rows;
    const partial = this.partialFor(k);
    let block0 = 0;
    for (const ch of this.chunks) {
      block0 += encodeKMeansPartialSums(this.engine, { rows: ch.count, row0: ch.start, d: this.d, k, blockRows: this.blockRows, block0 },
        this.x.rowSlice(ch.start, ch.count), this.labels.slice(), partial.slice());
    }
    encodeKMeansFinalize(this.engine, { k, d: this.d, blocks: this.blocks }, partial.slice(), prev.slice(), weights.slice(),
      out.slice(), counts.slice());
  }

  /** Σ mind, the inertia after `assign`: GPU sums of 1024-row pieces added in float64 here. */
  async inertia(): Promise<number> {
    const C = 1024;
    const R = Math.ceil(this.n / C);
    const parts = this.engine.empty([R], 'f32', 'kmeans.inertia');
    encodeReduce(this.engine, { R, C, axis: 1, op: 'sum', total: this.n }, this.mind.slice(), parts.slice());
    const v = await parts.read();
    parts.dispose();
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    return s;
  }

  private partialFor(k: number): Tensor {
    if (!this.partial || this.partialK !== k) {
      this.partial?.dispose();
      this.partial = this.engine.empty([this.blocks, k, this.d + 1], 'f32', 'kmeans.partial');
      this.partialK = k;
    }
    return this.partial;
  }

  dispose(): void {
    this.xnorm.dispose();
    this.labels.dispose();
    this.mind.dispose();
    this.partial?.dispose();
  }
}

/** Records ‖c‖² of each centroid row into `out` [k]. */
export function centroidNorms(engine: Engine, cent: Tensor, out: Tensor): void {
  encodeReduce(engine, { R: cent.rows, C: cent.cols, axis: 1, op: 'sumsq' }, cent.slice(), out.slice());
}
