import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { groupScratchSize, type ReduceCall } from '../../kernels/reduce.js';
import { encodeTsneAttractive } from '../../kernels/tsne_attractive.js';
import { encodeReduction } from '../../ops/reduce.js';
import type { SparseAffinities } from './affinities.js';
import type { Repulsion } from './repulsion.js';
import { sellSlices } from './sell.js';

/**
 * The t-SNE objective KL(P‖Q) and its gradient pieces, with Q_ij = K_ij / Z, K = 1/(1+d²):
 *   ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) K_ij (y_i − y_j) = 4 (attr_i − rep_i / Z)
 * (van der Maaten & Hinton 2008, eq. 5; van der Maaten 2014 for the split into attraction over the
 * sparse P and repulsion over all pairs). KL = Σ p_ij log(p_ij / K_ij) + log Z since Σ p_ij = 1.
 * Holds the per-point buffers so that one evaluation allocates nothing.
 */
export class Objective {
  readonly attr: Tensor;
  readonly rep: Tensor;
  readonly z: Tensor;
  readonly klRow: Tensor;
  /** Σ z_i (one value, or per row when `perRowZ`) and Σ klRow. */
  readonly zSum: Tensor;
  readonly klSum: Tensor;
  /** Partials of Z and the KL sum when they are spread over many workgroups (see `encodeReduction`). */
  private readonly scratch: Tensor;
  private readonly sumCall: ReduceCall;

  constructor(private readonly engine: Engine, readonly p: SparseAffinities, readonly dims: number, readonly repulsion: Repulsion,
    readonly perRowZ = false) {
    const n = p.n;
    this.attr = engine.empty([n, dims], 'f32', 'tsne.attr');
    this.rep = engine.empty([n, dims], 'f32', 'tsne.rep');
    this.z = engine.empty([n], 'f32', 'tsne.z');
    this.klRow = engine.empty([n], 'f32', 'tsne.klRow');
    this.zSum = engine.empty([4], 'f32', 'tsne.zSum');
    this.klSum = engine.empty([4], 'f32', 'tsne.klSum');
    this.sumCall = { R: n, C: 1, axis: 0, op: 'sum' };
    this.scratch = engine.empty([Math.max(4, groupScratchSize(engine, this.sumCall))], 'f32', 'tsne.sumPartials');
  }

  /**
   * Records attr, rep and z for the row points `y` against the column points `cols` (the same
   * tensor for a fit; the fixed reference for `transform`, whose repulsion the caller encodes).
   */
  encode(y: Tensor, cols: Tensor, withKl: boolean, repulsionDone = false): void {
    const { engine, p } = this;
    encodeTsneAttractive(engine, { dims: this.dims }, sellSlices(p.sell), y.slice(), cols.slice(), this.attr.slice(), withKl ? this.klRow.slice() : undefined);
    if (!repulsionDone) this.repulsion.encode({ rows: y, cols, self: y === cols, rep: this.rep, z: this.z });
    // Z = Σ z_i: one invocation per output would sum all N on one lane; the reduction variant
    // chosen for this adapter spreads it over many workgroups where that is faster.
    if (!this.perRowZ) encodeReduction(engine, this.sumCall, this.z.slice(), this.zSum.slice(), this.scratch.slice());
    if (withKl) encodeReduction(engine, this.sumCall, this.klRow.slice(), this.klSum.slice(), this.scratch.slice());
  }

  /** The normaliser to pass to the update: Z (fit) or z per row (transform). */
  get normaliser(): Tensor { return this.perRowZ ? this.z : this.zSum; }

  /** KL(P‖Q) of the last `encode(…, withKl = true)` (reads back; per-row normalisation for transform). */
  async readKl(): Promise<number> {
    if (this.perRowZ) {
      // Each new point's own KL(p_i·‖q_i·) = Σ_j p_j|i log(p_j|i / K_ij) + log z_i, averaged.
      const [kl, z] = await Promise.all([this.klRow.read(), this.z.read()]);
      let total = 0;
      for (let i = 0; i < kl.length; i++) total += kl[i] + Math.log(Math.max(z[i], 1e-30));
      return total / kl.length;
    }
    const [kl, z] = await Promise.all([this.klSum.read(0, 1), this.zSum.read(0, 1)]);
    return kl[0] + Math.log(z[0]);
  }

  dispose(): void {
    for (const t of [this.attr, this.rep, this.z, this.klRow, this.zSum, this.klSum, this.scratch]) t.dispose();
  }
}
