import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { reduce } from '../../ops/reduce.js';

// The tiles of squared distances live in the distance op (src/ops/distance*.ts); the trustworthiness
// ranks reuse its matmul tile directly.
export {
  encodeDistanceTile, paddedTranspose, sliceOf, tileKBlock, type PaddedTranspose, type TileRange,
} from '../../ops/distance_matmul.js';

/**
 * Squared norms of the rows of x, padded with zeros to `ld`, after checking that every row is
 * finite (a NaN or Inf anywhere in a row makes its squared norm non-finite).
 */
export async function checkedRowNorms(engine: Engine, x: Tensor, ld: number, what: string): Promise<Tensor> {
  const norms = reduce(engine, x, 'sumsq', 1, `${what}.norms`);
  const host = await norms.read();
  const bad: number[] = [];
  let count = 0;
  for (let i = 0; i < host.length; i++) {
    if (!Number.isFinite(host[i])) { count++; if (bad.length < 8) bad.push(i); }
  }
  if (count > 0) {
    norms.dispose();
    throw new InvalidInputError(`${what} has NaN, Inf or overflowing values in ${count} row${count > 1 ? 's' : ''}: ` +
      `${bad.join(', ')}${count > bad.length ? ', …' : ''} (0-based).`);
  }
  const padded = engine.zeros([ld], 'f32', `${what}.norms.padded`);
  engine.copy(norms, padded, x.rows);
  norms.dispose();
  return padded;
}
