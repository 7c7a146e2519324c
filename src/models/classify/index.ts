import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { disposeKnnGraph, knnQuery } from '../knn/index.js';
import { argmaxClasses, voteProbabilities, type VoteWeights } from './vote.js';

export { argmaxClasses, voteProbabilities, type VoteWeights } from './vote.js';
export { accuracy, confusionMatrix, holdoutSplit, type HoldoutSplit } from './evaluation.js';

export interface KnnClassifyOptions {
  /** Neighbours that vote (default 10). */
  k?: number;
  /** Number of classes (default: the largest label + 1). */
  classes?: number;
  /** 'uniform' (default) or 'distance' (1 / Euclidean distance). */
  weights?: VoteWeights;
  onProgress?: (done: number, total: number) => void;
}

export interface KnnPrediction {
  /** Most probable class of each query (ties: the lower class index). */
  predicted: Int32Array;
  /** [queries, classes], each row summing to 1. */
  probabilities: Float32Array;
  classes: number;
  /** The voters: [queries, k] reference rows, nearest first. */
  neighbours: Uint32Array;
}

/**
 * k-nearest-neighbour classification (Cover & Hart, "Nearest neighbor pattern classification",
 * IEEE Trans. Inf. Theory 1967): each query takes the classes of its k nearest reference rows
 * (exact Euclidean search on the GPU) as votes; per-class probabilities are the vote shares.
 * The same rule as scikit-learn's `KNeighborsClassifier`.
 */
export async function knnClassify(engine: Engine, reference: Tensor, labels: ArrayLike<number>, queries: Tensor,
  opts: KnnClassifyOptions = {}): Promise<KnnPrediction> {
  const k = opts.k ?? 10;
  if (labels.length !== reference.rows) {
    throw new ShapeError(`knnClassify: ${labels.length} labels for ${reference.rows} reference rows.`);
  }
  let maxLabel = -1;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) throw new InvalidInputError(`knnClassify: reference row ${i} has label ${l}; labels are class numbers from 0.`);
    if (l > maxLabel) maxLabel = l;
  }
  const classes = opts.classes ?? maxLabel + 1;
  if (maxLabel >= classes) throw new InvalidInputError(`knnClassify: label ${maxLabel} is outside the ${classes} classes.`);
  const graph = await knnQuery(engine, reference, queries, k, { onProgress: opts.onProgress });
  try {
    const [indices, sq] = await Promise.all([graph.indices.read(), graph.distances.read()]);
    const distances = Float32Array.from(sq as Float32Array, (v) => Math.sqrt(Math.max(0, v)));
    const probabilities = voteProbabilities(indices, distances, k, labels, classes, opts.weights ?? 'uniform');
    return { predicted: argmaxClasses(probabilities, classes), probabilities, classes, neighbours: indices as Uint32Array };
  } finally {
    disposeKnnGraph(graph);
  }
}
