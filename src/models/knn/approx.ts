import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import type { KnnGraph } from './index.js';

export async function approxKnnGraph(_engine: Engine, _x: Tensor, _k: number,
  _opts: { seed: number; onProgress?: (done: number, total: number) => void }): Promise<KnnGraph> {
  throw new InvalidInputError('knnGraph: the approximate method is not available yet; use method "exact".');
}
