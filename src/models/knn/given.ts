import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import type { KnnGraph } from './index.js';

/**
 * A kNN graph from neighbour lists made elsewhere (another library, another machine): for each row
 * of `lists` [n, m] (-1 = empty slot), the distinct neighbours other than the row itself are
 * measured against `x` [n, d] in float64, sorted nearest first (ties by index) and cut to k.
 * The given order and any given distances are not trusted: the result is exactly what `knnGraph`
 * would return restricted to the listed candidates. A row with fewer than k usable neighbours is
 * refused, naming it, rather than padded.
 */
export function graphFromLists(engine: Engine, x: Float32Array, n: number, d: number, lists: Int32Array, m: number, k: number,
  what = 'the graph'): KnnGraph {
  if (lists.length !== n * m) throw new InvalidInputError(`${what} has ${lists.length / m} rows but the data has ${n}.`);
  const indices = new Uint32Array(n * k);
  const distances = new Float32Array(n * k);
  const stamp = new Int32Array(n).fill(-1);
  const cand = new Int32Array(m);
  const dist = new Float64Array(m);
  const order = Array.from({ length: m }, (_, i) => i);
  let short = 0;
  let firstShort = -1;
  let firstShortCount = 0;
  for (let i = 0; i < n; i++) {
    stamp[i] = i;
    let c = 0;
    for (let t = 0; t < m; t++) {
      const j = lists[i * m + t];
      if (j < 0) continue;
      if (j >= n) throw new InvalidInputError(`${what}: row ${i} lists point ${j}, but the data has ${n} rows (numbered from 0).`);
      if (stamp[j] === i) continue;
      stamp[j] = i;
      let s = 0;
      for (let q = 0; q < d; q++) { const diff = x[i * d + q] - x[j * d + q]; s += diff * diff; }
      cand[c] = j;
      dist[c++] = s;
    }
    if (c < k) {
      if (short++ === 0) { firstShort = i; firstShortCount = c; }
      continue;
    }
    const o = order.slice(0, c).sort((a, b) => dist[a] - dist[b] || cand[a] - cand[b]);
    for (let t = 0; t < k; t++) { indices[i * k + t] = cand[o[t]]; distances[i * k + t] = dist[o[t]]; }
  }
  if (short) {
    throw new InvalidInputError(`${what}: ${short} row${short > 1 ? 's list' : ' lists'} fewer than the ${k} neighbours needed ` +
      `(row ${firstShort} has ${firstShortCount} besides itself); give a graph with more neighbours or ask for fewer.`);
  }
  return {
    indices: engine.tensor(indices, [n, k], { label: 'knn.given.indices' }) as Tensor<'u32'>,
    distances: engine.tensor(distances, [n, k], { label: 'knn.given.distances' }) as Tensor<'f32'>,
    k, n,
  };
}
