import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeGatherRows } from '../../kernels/gather_rows.js';

/**
 * A renumbering of the points (row r of the work order is input point order[r]) and the row
 * gathers between the two orders, on the GPU.
 */
export class RowOrder {
  private readonly order: Tensor<'u32'>;
  private readonly rank: Tensor<'u32'>;

  constructor(private readonly engine: Engine, order: Uint32Array) {
    const rank = new Uint32Array(order.length);
    for (let r = 0; r < order.length; r++) rank[order[r]] = r;
    this.order = engine.tensor(order, [order.length], { label: 'tsne.order' }) as Tensor<'u32'>;
    this.rank = engine.tensor(rank, [order.length], { label: 'tsne.rank' }) as Tensor<'u32'>;
  }

  /** Rows of `x` (input order) in work order, into `out` (a new tensor by default). */
  toWork(x: Tensor, out?: Tensor): Tensor {
    return this.gather(x, this.order, out);
  }

  /** Rows of `y` (work order) back in input order. */
  toInput(y: Tensor, out?: Tensor): Tensor {
    return this.gather(y, this.rank, out);
  }

  private gather(x: Tensor, idx: Tensor<'u32'>, out?: Tensor): Tensor {
    const o = out ?? this.engine.empty(x.shape, 'f32', x.label);
    encodeGatherRows(this.engine, { rows: x.rows, d: x.cols, idxStart: 0, chunkStart: 0, chunkRows: x.rows }, x.slice(), idx.slice(), o.slice());
    return o;
  }

  dispose(): void {
    this.order.dispose();
    this.rank.dispose();
  }
}
