import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, StateError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { fftGridSize, fftTwiddles } from '../../kernels/tsne_fft.js';
import { encodeTsneGridGather } from '../../kernels/tsne_grid_gather.js';
import { encodeTsneGridKernels } from '../../kernels/tsne_grid_kernels.js';
import { encodeTsneGridMultiply } from '../../kernels/tsne_grid_multiply.js';
import { encodeTsneGridPrepare } from '../../kernels/tsne_grid_prepare.js';
import { densityScale, encodeTsneGridSpread } from '../../kernels/tsne_grid_spread.js';
import { encodeTsneRepulsionExact } from '../../kernels/tsne_repulsion_exact.js';
import { encodeReduction, reduceFamily } from '../../ops/reduce.js';
import { encodeFft, tsneFftFamily } from './fft.js';

/** Points whose repulsion is wanted (rows) and the points that repel (columns); `self` when they are the same set. */
export interface RepulsionCall { rows: Tensor; cols: Tensor; self: boolean; rep: Tensor; z: Tensor }

/**
 * The repulsive half of the t-SNE gradient: rep_i = Σ_j K_ij²(y_i − y_j) and z_i = Σ_j K_ij with
 * K = 1/(1+d²), so that Z = Σ_i z_i. Implementations record GPU work only; `refresh` may read a
 * few numbers back to re-size internal buffers and is called by the optimiser now and then.
 */
export interface Repulsion {
  readonly kind: 'exact' | 'field';
  refresh(cols: Tensor): Promise<void>;
  /** Switches to a more accurate (and costlier) approximation from the next refresh on. */
  refine?(): void;
  encode(c: RepulsionCall): void;
  dispose(): void;
}

/** O(N²) repulsion, tiled over columns where the adapter has a loop budget. The reference. */
export class ExactRepulsion implements Repulsion {
  readonly kind = 'exact';
  constructor(private readonly engine: Engine, private readonly dims: number) {}
  async refresh(): Promise<void> {}
  encode(c: RepulsionCall): void {
    encodeTsneRepulsionExact(this.engine, { nRows: c.rows.rows, nCols: c.cols.rows, dims: this.dims, self: c.self },
      c.rows.slice(), c.cols.slice(), c.rep.slice(), c.z.slice());
  }
  dispose(): void {}
}

export interface FieldOptions {
  /** Target grid spacing in embedding units (the kernel's width is 1). Default 0.5 (2D), 0.75 (3D). */
  spacing?: number;
  /**
   * Most grid nodes per dimension, a power of two: 2D ≤ 256 (the FFT's longest line is 512), 3D ≤ 64
   * (one padded grid must fit a storage binding). Default on a hardware GPU 2D 256, 3D 64; on a CPU adapter (llvmpipe,
   * SwiftShader) 2D 128, 3D 32, where larger FFTs cost more than the accuracy they buy (measured
   * with llvmpipe at 10k Fashion-MNIST points: M = 256 → 90 ms per iteration for the field, KL
   * 1.53; M = 128 → 11 ms, KL 1.59; 3D M = 64 → ~350 ms, M = 32 → ~45 ms).
   */
  maxNodes?: number;
}

/** Room left around the points when a grid is laid out, as a fraction of their extent (each side). */
const GROWTH_MARGIN = 0.1;

/**
 * O(N) repulsion by interpolation on a grid and FFT convolution (Linderman, Rachh, Hoskins,
 * Steinerberger & Kluger 2019, "Fast interpolation-based t-SNE for improved visualization of
 * single-cell RNA-seq data", FIt-SNE), in 2D and 3D: unit charges are spread onto M^dims nodes with
 * cubic Lagrange weights (i32 fixed-point atomics, see tsne_grid_spread.wgsl), convolved with
 * K and K²·r by FFTs on a (2M)^dims zero-padded grid, and the fields interpolated back at the
 * points. Cost per iteration: O(N·4^dims + (2M)^dims·log M).
 *
 * The grid (origin, spacing, M a power of two) is laid out at each `refresh` from the points'
 * bounding box plus a margin for growth, and kept while the points fit in it, so the kernels'
 * spectra are computed once per layout and each iteration runs one forward and two inverse FFTs.
 */
export class FieldRepulsion implements Repulsion {
  readonly kind = 'field';
  private m = 0;
  private lo = [0, 0, 0];
  private h = 0;
  private readonly spacing: number;
  private maxNodes: number;
  private readonly limit: number;
  private stale = false;
  private readonly bmin: Tensor;
  private readonly bmax: Tensor;
  private readonly grid: Tensor;
  private density: Tensor<'i32'> | null = null;
  private dens: Tensor | null = null;
  private kerA: Tensor | null = null;
  private kerB: Tensor | null = null;
  private fieldA: Tensor | null = null;
  private fieldB: Tensor | null = null;
  private twiddle: Tensor | null = null;

  constructor(private readonly engine: Engine, private readonly dims: 2 | 3, opts: FieldOptions = {}) {
    this.spacing = opts.spacing ?? (dims === 2 ? 0.5 : 0.75);
    const limit = dims === 2 ? 256 : 64;
    this.limit = limit;
    const byAdapter = engine.traits.isSoftware ? (dims === 2 ? 128 : 32) : (dims === 2 ? 256 : 64);
    this.maxNodes = Math.min(opts.maxNodes ?? byAdapter, limit);
    if (!Number.isInteger(Math.log2(this.maxNodes)) || this.maxNodes < 16) {
      throw new InvalidInputError(`t-SNE field: maxNodes must be a power of two in 16..${limit}, got ${opts.maxNodes}.`);
    }
    this.bmin = engine.zeros([4], 'f32', 'tsne.field.bmin');
    this.bmax = engine.zeros([4], 'f32', 'tsne.field.bmax');
    this.grid = engine.zeros([4], 'f32', 'tsne.field.grid');
  }

  /** Nodes per dimension and spacing now in use. */
  get layout(): { nodes: number; spacing: number } { return { nodes: this.m, spacing: this.h }; }

  /** Reads the points' bounding box and lays out a new grid when they left the old one or it is far too big. */
  async refresh(cols: Tensor): Promise<void> {
    const call = { R: cols.rows, C: this.dims, axis: 0 as const };
    await this.engine.tuner.tune(reduceFamily, { axis: 0, length: cols.rows, outputs: this.dims });
    await this.engine.tuner.tune(reduceFamily, { axis: 0, length: cols.rows, outputs: 1 });
    encodeReduction(this.engine, { ...call, op: 'max' }, cols.slice(), this.bmax.slice());
    encodeReduction(this.engine, { ...call, op: 'min' }, cols.slice(), this.bmin.slice());
    const [lo, hi] = await Promise.all([this.bmin.read(0, this.dims), this.bmax.read(0, this.dims)]);
    let span = 0;
    for (let d = 0; d < this.dims; d++) span = Math.max(span, hi[d] - lo[d]);
    if (!Number.isFinite(span)) throw new InvalidInputError('t-SNE: the embedding has non-finite coordinates (the optimisation diverged; lower the learning rate).');
    const inner = (this.m - 4) * this.h;
    let fits = this.m > 0 && span > inner / 3 && !this.stale;
    this.stale = false;
    for (let d = 0; d < this.dims && fits; d++) fits = lo[d] >= this.lo[d] + this.h && hi[d] <= this.lo[d] + this.h * (this.m - 2);
    if (fits) return;
    const padded = span * (1 + 2 * GROWTH_MARGIN) + 1e-6;
    const m = this.nodesFor(padded);
    this.h = padded / (m - 4);
    for (let d = 0; d < 3; d++) this.lo[d] = d < this.dims ? 0.5 * (lo[d] + hi[d]) - 0.5 * this.h * (m - 1) : 0;
    this.resize(m);
    await this.engine.tuner.tune(tsneFftFamily, { l: 2 * m, dims: this.dims });
    this.grid.write(new Float32Array([this.lo[0], this.lo[1], this.lo[2], this.h]));
    const l = 2 * m;
    encodeTsneGridKernels(this.engine, { m, dims: this.dims, h: this.h }, this.kerA!.slice(), this.kerB!.slice());
    for (const t of [this.kerA!, this.kerB!]) encodeFft(this.engine, { l, dims: this.dims, inverse: false }, this.twiddle!.slice(), t.slice());
  }

  /**
   * Doubles the node limit (up to 256 in 2D, 64 in 3D) from the next refresh on: the optimiser
   * calls this for its last quarter, where the embedding's fine structure (and the final KL) is
   * settled, so the costlier accurate grid is paid for a quarter of the iterations only.
   */
  refine(): void {
    const next = Math.min(this.maxNodes * 2, this.limit);
    if (next !== this.maxNodes) { this.maxNodes = next; this.stale = true; }
  }

  /** Power-of-two node count giving about `spacing` between nodes over `span`. */
  nodesFor(span: number): number {
    const want = span / this.spacing + 4;
    return Math.min(this.maxNodes, Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(want, 1)))));
  }

  private resize(m: number): void {
    if (m === this.m) return;
    this.releaseGrid();
    const e = this.engine;
    const size = fftGridSize(2 * m, this.dims);
    this.m = m;
    this.density = e.zeros([m ** this.dims], 'i32', 'tsne.field.density');
    this.dens = e.empty([size, 2], 'f32', 'tsne.field.dens');
    this.kerA = e.empty([size, 2], 'f32', 'tsne.field.kerA');
    this.kerB = e.empty([size, 2], 'f32', 'tsne.field.kerB');
    this.fieldA = e.empty([size, 2], 'f32', 'tsne.field.fieldA');
    this.fieldB = e.empty([size, 2], 'f32', 'tsne.field.fieldB');
    this.twiddle = e.tensor(fftTwiddles(2 * m), [2 * m], { label: 'tsne.field.twiddle' });
  }

  /** Records the fields of `cols` (spread, FFT convolution); `encodeGather` reads them. */
  encodeFields(cols: Tensor): void {
    if (!this.m) throw new StateError('FieldRepulsion: refresh() must run before the first encode.');
    const e = this.engine;
    const { m, dims } = this;
    const l = 2 * m;
    const scale = densityScale(cols.rows);
    encodeTsneGridSpread(e, { n: cols.rows, m, dims, scale }, cols.slice(), this.grid.slice(), this.density!.slice());
    encodeTsneGridPrepare(e, { m, dims, scale }, this.density!.slice(), this.dens!.slice());
    encodeFft(e, { l, dims, inverse: false, block: m }, this.twiddle!.slice(), this.dens!.slice());
    encodeTsneGridMultiply(e, fftGridSize(l, dims), this.dens!.slice(), this.kerA!.slice(), this.kerB!.slice(), this.fieldA!.slice(), this.fieldB!.slice());
    for (const t of [this.fieldA!, this.fieldB!]) encodeFft(e, { l, dims, inverse: true, block: m }, this.twiddle!.slice(), t.slice());
  }

  /** Records the interpolation of the current fields at `rows`. */
  encodeGather(c: Pick<RepulsionCall, 'rows' | 'self' | 'rep' | 'z'>): void {
    encodeTsneGridGather(this.engine, { n: c.rows.rows, m: this.m, dims: this.dims, self: c.self }, c.rows.slice(),
      this.grid.slice(), this.fieldA!.slice(), this.fieldB!.slice(), c.rep.slice(), c.z.slice());
  }

  encode(c: RepulsionCall): void {
    this.encodeFields(c.cols);
    this.encodeGather(c);
  }

  private releaseGrid(): void {
    for (const t of [this.density, this.dens, this.kerA, this.kerB, this.fieldA, this.fieldB, this.twiddle]) t?.dispose();
    this.density = this.dens = this.kerA = this.kerB = this.fieldA = this.fieldB = this.twiddle = null;
  }

  dispose(): void {
    this.releaseGrid();
    for (const t of [this.bmin, this.bmax, this.grid]) t.dispose();
  }
}
