import type { VariantFamily } from '../engine/tuner.js';
import { kmeansPartialSumsFamily } from '../models/kmeans/partial-sums.js';
import { tsneFftFamily } from '../models/tsne/fft.js';
import { distanceFamily } from './distance.js';
import { matmulFamily, matmulShape } from './matmul_family.js';
import { reduceFamily } from './reduce.js';

/** An op the tuner can measure, with the shapes `latentgpu tune` pre-tunes it for. */
export interface TunedOp {
  // Families differ in their shape type; the registry only passes each its own shapes.
  family: VariantFamily<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Shapes the project's pipelines use (PCA, kNN, t-SNE, training on Fashion-MNIST-sized data). */
  shapes: { label: string; shape: unknown }[];
}

/**
 * Every op with variants, and the shapes of the reference pipeline (Fashion-MNIST 70k: PCA to 50,
 * exact kNN, t-SNE; a 784-256-64 autoencoder; k-means) that `latentgpu tune` measures.
 */
export const TUNED_OPS: TunedOp[] = [
  { family: matmulFamily, shapes: [
    { label: 'PCA covariance Xᵀ·X', shape: matmulShape({ M: 784, N: 784, K: 70_000, transA: true }) },
    { label: 'projection X·W', shape: matmulShape({ M: 70_000, N: 50, K: 784 }) },
    { label: 'square 1024²', shape: matmulShape({ M: 1024, N: 1024, K: 1024 }) },
    { label: 'AE layer', shape: matmulShape({ M: 256, N: 256, K: 784 }) },
    { label: 'AE weight gradient', shape: matmulShape({ M: 784, N: 256, K: 256, transA: true }) },
    { label: 'AE input gradient', shape: matmulShape({ M: 256, N: 784, K: 256, transB: true }) },
  ] },
  { family: distanceFamily, shapes: [
    { label: 'kNN 70k × 50, k = 90', shape: { m: 70_000, n: 70_000, d: 50, k: 90 } },
    { label: 'kNN 10k × 784, k = 10', shape: { m: 10_000, n: 10_000, d: 784, k: 10 } },
    { label: 'one query, 70k × 50', shape: { m: 1, n: 70_000, d: 50, k: 15 } },
  ] },
  { family: reduceFamily, shapes: [
    { label: 'column sums 70k × 784', shape: { axis: 0, length: 70_000, outputs: 784 } },
    { label: 'row sums 70k × 50', shape: { axis: 1, length: 50, outputs: 70_000 } },
    { label: 't-SNE Z, 70k terms', shape: { axis: 1, length: 70_000, outputs: 1 } },
  ] },
  { family: tsneFftFamily, shapes: [
    { label: 't-SNE 2D field, 256 nodes', shape: { l: 512, dims: 2 } },
    { label: 't-SNE 3D field, 64 nodes', shape: { l: 128, dims: 3 } },
  ] },
  { family: kmeansPartialSumsFamily, shapes: [
    { label: 'k-means 70k × 50, k = 10', shape: { n: 70_000, d4: 13, k: 10 } },
  ] },
];
