import { InvalidInputError } from '../../engine/errors.js';

/** How neighbours vote: one vote each, or weighted by inverse distance (scikit-learn's `weights`). */
export type VoteWeights = 'uniform' | 'distance';

/**
 * Per-class probabilities [queries, classes] from each query's k neighbours, nearest first.
 *
 * `uniform`: the share of the k neighbours in each class. `distance`: votes weighted by 1 / distance;
 * a query with neighbours at distance 0 takes its vote from those alone (as scikit-learn does).
 * `distances` are Euclidean (not squared). Rows sum to 1.
 */
export function voteProbabilities(indices: ArrayLike<number>, distances: ArrayLike<number> | undefined, k: number,
  labels: ArrayLike<number>, classes: number, weights: VoteWeights = 'uniform'): Float32Array {
  if (weights === 'distance' && !distances) throw new InvalidInputError('distance-weighted votes need the neighbour distances.');
  const queries = Math.floor(indices.length / k);
  const out = new Float32Array(queries * classes);
  const w = new Float64Array(classes);
  for (let q = 0; q < queries; q++) {
    w.fill(0);
    let exact = false;
    if (weights === 'distance') {
      for (let j = 0; j < k; j++) if (distances![q * k + j] === 0) { exact = true; w[labels[indices[q * k + j]]] += 1; }
    }
    if (!exact) {
      for (let j = 0; j < k; j++) {
        const l = labels[indices[q * k + j]];
        w[l] += weights === 'uniform' ? 1 : 1 / distances![q * k + j];
      }
    }
    let total = 0;
    for (let c = 0; c < classes; c++) total += w[c];
    for (let c = 0; c < classes; c++) out[q * classes + c] = w[c] / total;
  }
  return out;
}

/** The most probable class of each row of [rows, classes] probabilities; ties go to the lower class index. */
export function argmaxClasses(probabilities: ArrayLike<number>, classes: number): Int32Array {
  const rows = Math.floor(probabilities.length / classes);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[r * classes + c] > probabilities[r * classes + best]) best = c;
    out[r] = best;
  }
  return out;
}
