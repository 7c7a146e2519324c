import { refKnn } from './knn.js';

/** Float64 k-NN vote: per-class shares of the k nearest reference rows (uniform or 1/distance weights). */
export function refKnnClassify(ref: ArrayLike<number>, n: number, labels: ArrayLike<number>, queries: ArrayLike<number>, m: number, d: number,
  k: number, classes: number, weights: 'uniform' | 'distance'): { probabilities: Float64Array; predicted: Int32Array } {
  const { indices, distances } = refKnn(ref, n, queries, m, d, k, false);
  const probabilities = new Float64Array(m * classes);
  const predicted = new Int32Array(m);
  for (let q = 0; q < m; q++) {
    const w = new Float64Array(classes);
    for (let j = 0; j < k; j++) w[labels[indices[q * k + j]]] += weights === 'uniform' ? 1 : 1 / Math.sqrt(distances[q * k + j]);
    const total = w.reduce((a, b) => a + b, 0);
    let best = 0;
    for (let c = 0; c < classes; c++) {
      probabilities[q * classes + c] = w[c] / total;
      if (w[c] > w[best]) best = c;
    }
    predicted[q] = best;
  }
  return { probabilities, predicted };
}
