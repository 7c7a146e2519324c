import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import type { KnnGraph } from '../knn/index.js';

export type UmapMetric = 'euclidean' | 'cosine';
export type UmapInit = 'spectral' | 'pca' | 'random';

export interface UmapProgress {
  epoch: number;
  epochs: number;
  /** The embedding on the GPU [n, dims], valid during the callback (no readback). */
  positions: Tensor;
  read(): Promise<Float32Array>;
}

/** Options of `UMAP`, with umap-learn's defaults and meanings. */
export interface UmapOptions {
  /** Embedding dimensions (default 2); any small number works. */
  dims?: number;
  /** Size of the local neighbourhood, the point itself included as in umap-learn (default 15). */
  nNeighbors?: number;
  /** Smallest distance between embedded points (default 0.1); at most `spread`. */
  minDist?: number;
  /** Scale of the embedded points (default 1). */
  spread?: number;
  /** Distance in the input space (default 'euclidean'). */
  metric?: UmapMetric;
  /** Optimisation epochs; default: 500 up to 10,000 points, 200 above (umap-learn). */
  nEpochs?: number;
  /** Initial learning rate, decayed linearly to 0 (default 1). */
  learningRate?: number;
  /** Negative samples per positive edge sample (default 5). */
  negativeSampleRate?: number;
  /** Weight of the negative samples, γ (default 1). */
  repulsionStrength?: number;
  /** 1 (default): fuzzy union of the directed graph; 0: fuzzy intersection; between: a mix. */
  setOpMixRatio?: number;
  /** Nearest neighbours assumed connected at membership 1 (default 1). */
  localConnectivity?: number;
  /** 'spectral' (default; falls back to PCA, then random, saying why), 'pca', 'random', or positions [n, dims]. */
  init?: UmapInit | Float32Array;
  /** Seeds the initial noise and the negative sampling (default 1): the same seed gives the same bytes. */
  seed?: number;
  /** Override of the fitted curve parameters (default: fitted from minDist and spread). */
  a?: number;
  b?: number;
  /** How the kNN graph is built when none is given: see `knnGraph` (default 'auto': approximate above 100,000 points). */
  knnMethod?: 'exact' | 'approx' | 'auto';
  /** A precomputed kNN graph of x (self excluded, k ≥ nNeighbors − 1, squared Euclidean distances). */
  knn?: KnnGraph;
  onProgress?: (p: UmapProgress) => void | Promise<void>;
  /** Epochs between progress callbacks (default 10). */
  progressEvery?: number;
  /** Told when the initialisation falls back (spectral → PCA → random) and why. */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ResolvedUmapOptions {
  dims: number; nNeighbors: number; minDist: number; spread: number; metric: UmapMetric; nEpochs: number | null;
  learningRate: number; negativeSampleRate: number; repulsionStrength: number; setOpMixRatio: number;
  localConnectivity: number; seed: number;
}

function positive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new InvalidInputError(`UMAP: ${name} must be a positive number, got ${v}.`);
}

/** Defaults filled in and every parameter checked, each mistake in one sentence. */
export function resolveOptions(o: UmapOptions): ResolvedUmapOptions {
  const r: ResolvedUmapOptions = {
    dims: o.dims ?? 2, nNeighbors: o.nNeighbors ?? 15, minDist: o.minDist ?? 0.1, spread: o.spread ?? 1,
    metric: o.metric ?? 'euclidean', nEpochs: o.nEpochs ?? null, learningRate: o.learningRate ?? 1,
    negativeSampleRate: o.negativeSampleRate ?? 5, repulsionStrength: o.repulsionStrength ?? 1,
    setOpMixRatio: o.setOpMixRatio ?? 1, localConnectivity: o.localConnectivity ?? 1, seed: o.seed ?? 1,
  };
  if (!Number.isInteger(r.dims) || r.dims < 1 || r.dims > 16) throw new InvalidInputError(`UMAP: dims must be an integer from 1 to 16, got ${r.dims}.`);
  if (!Number.isInteger(r.nNeighbors) || r.nNeighbors < 2) throw new InvalidInputError(`UMAP: nNeighbors must be an integer of at least 2, got ${r.nNeighbors}.`);
  if (r.metric !== 'euclidean' && r.metric !== 'cosine') {
    throw new InvalidInputError(`UMAP: unknown metric "${String(r.metric)}"; use "euclidean" or "cosine".`);
  }
  positive('spread', r.spread);
  if (!(r.minDist >= 0) || !Number.isFinite(r.minDist)) throw new InvalidInputError(`UMAP: minDist must be a number ≥ 0, got ${r.minDist}.`);
  if (r.minDist > r.spread) throw new InvalidInputError(`UMAP: minDist (${r.minDist}) must be at most spread (${r.spread}).`);
  if (r.nEpochs !== null && (!Number.isInteger(r.nEpochs) || r.nEpochs < 1)) throw new InvalidInputError(`UMAP: nEpochs must be a positive integer, got ${r.nEpochs}.`);
  positive('learningRate', r.learningRate);
  if (!Number.isInteger(r.negativeSampleRate) || r.negativeSampleRate < 0) {
    throw new InvalidInputError(`UMAP: negativeSampleRate must be an integer ≥ 0, got ${r.negativeSampleRate}.`);
  }
  if (!(r.repulsionStrength >= 0) || !Number.isFinite(r.repulsionStrength)) throw new InvalidInputError(`UMAP: repulsionStrength must be ≥ 0, got ${r.repulsionStrength}.`);
  if (!(r.setOpMixRatio >= 0 && r.setOpMixRatio <= 1)) throw new InvalidInputError(`UMAP: setOpMixRatio must be between 0 and 1, got ${r.setOpMixRatio}.`);
  if (!(r.localConnectivity >= 0) || !Number.isFinite(r.localConnectivity)) throw new InvalidInputError(`UMAP: localConnectivity must be ≥ 0, got ${r.localConnectivity}.`);
  return r;
}

/** nNeighbors counts the point itself, so n must exceed it. */
export function checkSize(n: number, nNeighbors: number): void {
  if (nNeighbors >= n) {
    throw new InvalidInputError(`UMAP: nNeighbors (${nNeighbors}) must be less than the number of points (${n}); use at most ${Math.max(2, n - 1)}.`);
  }
}

/** umap-learn's default: 500 epochs up to 10,000 points, 200 above. */
export function defaultEpochs(n: number): number {
  return n <= 10_000 ? 500 : 200;
}
