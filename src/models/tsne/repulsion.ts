import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeReduce } from '../../kernels/reduce.js';
import { encodeTsneFft, fftTwiddles } from '../../kernels/tsne_fft.js';
import { encodeTsneGridGather } from '../../kernels/tsne_grid_gather.js';
import { encodeTsneGridMultiply } from '../../kernels/tsne_grid_multiply.js';
import { encodeTsneGridPrepare } from '../../kernels/tsne_grid_prepare.js';
import { densityScale, encodeTsneGridSpread } from '../../kernels/tsne_grid_spread.js';
import { encodeTsneRepulsionExact } from '../../kernels/tsne_repulsion_exact.js';

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
  encode(c: RepulsionCall): void;
  dispose(): void;
}

/** O(N²) repulsion, tiled over columns (one dispatch per LOOP_BUDGET columns). The reference. */
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
  /** Target grid spacing in embedding units (the kernel's width is 1). Default 2D: 0.75, 3D: 1. */
  spacing?: number;
  /** Most grid nodes per dimension (a power of two). Default 2D: 512, 3D: 64. */
  maxNodes?: number;
}

/**
 * O(N) repulsion by interpolation on a grid and FFT convolution (Linderman, Rachh, Hoskins,
 * Steinerberger & Kluger 2019, "Fast interpolation-based t-SNE for improved visualization of
 * single-cell RNA-seq data", FIt-SNE), in 2D and 3D: unit charges are spread onto M^dims nodes with
 * quadratic Lagrange weights (i32 fixed-point atomics, see tsne_grid_spread.wgsl), convolved with
 * K and K²·r by FFTs on a (2M)^dims zero-padded grid, and the fields interpolated back at the
 * points. Cost per iteration: O(N·3^dims + (2M)^dims·log M). The grid spans the points' bounding
 * box, recomputed on the GPU every iteration; M (a power of two) is re-chosen at each `refresh`
 * from the box's size so that the spacing stays near `spacing`.
 */
export class FieldRepulsion implements Repulsion {
  readonly kind = 'field';
  private m = 0;
  private readonly spacing: number;
  private readonly maxNodes: number;
  private readonly bmin: Tensor;
  private readonly bmax: Tensor;
  private density: Tensor<'i32'> | null = null;
  private dens: Tensor | null = null;
  private kerA: Tensor | null = null;
  private kerB: Tensor | null = null;
  private twiddle: Tensor | null = null;

  constructor(private readonly engine: Engine, private readonly dims: 2 | 3, opts: FieldOptions = {}) {
    this.spacing = opts.spacing ?? (dims === 2 ? 0.75 : 1);
    this.maxNodes = opts.maxNodes ?? (dims === 2 ? 512 : 64);
    this.bmin = engine.zeros([4], 'f32', 'tsne.field.bmin');
    this.bmax = engine.zeros([4], 'f32', 'tsne.field.bmax');
  }

  /** Nodes per dimension now in use. */
  get nodes(): number { return this.m; }

  private encodeBounds(cols: Tensor): void {
    const call = { R: cols.rows, C: this.dims, axis: 0 as const };
    encodeReduce(this.engine, { ...call, op: 'max' }, cols.slice(), this.bmax.slice());
    encodeReduce(this.engine, { ...call, op: 'min' }, cols.slice(), this.bmin.slice());
  }

  async refresh(cols: Tensor): Promise<void> {
    this.encodeBounds(cols);
    const [lo, hi] = await Promise.all([this.bmin.read(0, this.dims), this.bmax.read(0, this.dims)]);
    let span = 0;
    for (let d = 0; d < this.dims; d++) span = Math.max(span, hi[d] - lo[d]);
    this.resize(this.nodesFor(span));
  }

  /** Power-of-two node count giving about `spacing` between nodes over `span`. */
  nodesFor(span: number): number {
    const want = span / this.spacing + 3;
    return Math.min(this.maxNodes, Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(want, 1)))));
  }

  private resize(m: number): void {
    if (m === this.m) return;
    this.releaseGrid();
    const e = this.engine;
    const size = (2 * m) ** this.dims;
    this.m = m;
    this.density = e.zeros([m ** this.dims], 'i32', 'tsne.field.density');
    this.dens = e.empty([size, 2], 'f32', 'tsne.field.dens');
    this.kerA = e.empty([size, 2], 'f32', 'tsne.field.kerA');
    this.kerB = e.empty([size, 2], 'f32', 'tsne.field.kerB');
    this.twiddle = e.tensor(fftTwiddles(2 * m), [2 * m], { label: 'tsne.field.twiddle' });
  }

  /** Records the fields of `cols` (bounds, spread, FFT convolution); `encode` needs them current. */
  encodeFields(cols: Tensor): void {
    if (!this.m) throw new Error('FieldRepulsion: refresh() must run before the first encode.');
    const e = this.engine;
    const { m, dims } = this;
    const l = 2 * m;
    const scale = densityScale(cols.rows);
    this.encodeBounds(cols);
    encodeTsneGridSpread(e, { n: cols.rows, m, dims, scale }, cols.slice(), this.bmin.slice(), this.bmax.slice(), this.density!.slice());
    encodeTsneGridPrepare(e, { m, dims, scale }, this.bmin.slice(), this.bmax.slice(), this.density!.slice(),
      this.dens!.slice(), this.kerA!.slice(), this.kerB!.slice());
    for (const t of [this.dens!, this.kerA!, this.kerB!]) encodeTsneFft(e, { l, dims, inverse: false }, this.twiddle!.slice(), t.slice());
    encodeTsneGridMultiply(e, l ** dims, this.dens!.slice(), this.kerA!.slice(), this.kerB!.slice());
    for (const t of [this.kerA!, this.kerB!]) encodeTsneFft(e, { l, dims, inverse: true }, this.twiddle!.slice(), t.slice());
  }

  /** Records the interpolation of the current fields at `rows`. */
  encodeGather(c: Pick<RepulsionCall, 'rows' | 'self' | 'rep' | 'z'>): void {
    encodeTsneGridGather(this.engine, { n: c.rows.rows, m: this.m, dims: this.dims, self: c.self }, c.rows.slice(),
      this.bmin.slice(), this.bmax.slice(), this.kerA!.slice(), this.kerB!.slice(), c.rep.slice(), c.z.slice());
  }

  encode(c: RepulsionCall): void {
    this.encodeFields(c.cols);
    this.encodeGather(c);
  }

  private releaseGrid(): void {
    for (const t of [this.density, this.dens, this.kerA, this.kerB, this.twiddle]) t?.dispose();
    this.density = this.dens = this.kerA = this.kerB = this.twiddle = null;
  }

  dispose(): void {
    this.releaseGrid();
    this.bmin.dispose();
    this.bmax.dispose();
  }
}
