import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeGatherRows } from '../../kernels/gather_rows.js';
import { reduce } from '../../ops/reduce.js';
import { rowChunks } from '../../ops/chunks.js';

/** Training or evaluation data on the GPU, with whether this call uploaded it (and must free it). */
export interface DeviceData {
  x: Tensor;
  owned: boolean;
}

/**
 * Checks and uploads `x` ([rows, width] row-major) once. Float32Array data is checked for NaN/Inf
 * on upload; a tensor is checked on the GPU, one value read back per row.
 */
export async function deviceData(engine: Engine, x: Tensor | Float32Array, width: number, what: string): Promise<DeviceData> {
  if (x instanceof Float32Array) {
    if (x.length === 0) throw new InvalidInputError(`${what} is empty: there are no rows to train on.`);
    if (x.length % width !== 0) {
      throw new ShapeError(`${what} has ${x.length} values, not a whole number of rows of ${width} (the model's input width).`);
    }
    return { x: engine.tensor(x, [x.length / width, width], { label: what }), owned: true };
  }
  if (x.dtype !== 'f32') throw new ShapeError(`${what} must be f32, got ${x.dtype}.`);
  if (x.rows === 0 || x.size === 0) throw new InvalidInputError(`${what} is empty: there are no rows to train on.`);
  if (x.cols !== width) {
    throw new ShapeError(`${what} ${formatShape(x.shape)} has ${x.cols} columns; the model's input width is ${width}.`);
  }
  await assertFiniteRows(engine, x, what);
  return { x, owned: false };
}

/** Throws naming the first rows that hold NaN or ±Inf (sum of |x| per row is then not finite). */
export async function assertFiniteRows(engine: Engine, x: Tensor, what: string): Promise<void> {
  const sums = reduce(engine, x, 'sumabs', 1, `${what}.finite-check`);
  const rows = (await sums.read()) as Float32Array;
  sums.dispose();
  const bad: number[] = [];
  for (let r = 0; r < rows.length && bad.length < 8; r++) if (!Number.isFinite(rows[r])) bad.push(r);
  if (bad.length) {
    throw new InvalidInputError(`${what} has NaN or infinite values in row${bad.length > 1 ? 's' : ''} ${bad.join(', ')}` +
      `${bad.length === 8 ? ' (and maybe more)' : ''}; remove or impute them before training.`);
  }
}

/**
 * Gathers rows x[idx[idxStart + r]] for r < rows into `out`. Data larger than one storage
 * binding is bound chunk by chunk; each chunk's dispatch writes the rows whose index it holds.
 */
export function gatherBatch(engine: Engine, x: Tensor, idx: Tensor, idxStart: number, rows: number, out: Tensor): void {
  for (const c of rowChunks(engine, x.rows, x.cols, 0, 'training data')) {
    encodeGatherRows(engine, { rows, d: x.cols, idxStart, chunkStart: c.start, chunkRows: c.count },
      x.rowSlice(c.start, c.count), idx.slice(), out.slice());
  }
}
