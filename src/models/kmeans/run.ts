import type { Tensor } from '../../engine/tensor.js';

/** What one restart of k-means is told and what it returns. */
export interface KMeansProgress {
  phase: 'init' | 'iterate' | 'done';
  restart: number;
  restarts: number;
  iteration: number;
  /** Squared centroid movement of the last iteration. */
  shift: number;
}

export interface RunOptions {
  restart: number;
  restarts: number;
  maxIter: number;
  /** Absolute tolerance on Σ‖c_new − c_old‖². */
  tolAbs: number;
  onProgress?: (p: KMeansProgress) => void;
}

export interface RunResult {
  centroids: Tensor;
  iterations: number;
  /** When the run leaves data.labels assigned to the final centroids, their inertia. */
  inertia?: number;
}
