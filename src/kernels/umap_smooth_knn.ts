import code from '../../shaders/umap_smooth_knn.wgsl';
import type { Engine } from '../engine/engine.js';
import { packUniforms, type KernelSpec } from '../engine/kernel.js';
import type { BufferSlice } from '../engine/tensor.js';

export const umapSmoothKnnKernel: KernelSpec = { name: 'umap_smooth_knn', code, bindings: ['uniform', 'read', 'storage', 'storage'] };

export interface SmoothKnnCall {
  n: number;
  k: number;
  metric: 'euclidean' | 'cosine';
  /** Leading columns left out of σ's sum. */
  skip: number;
  localConnectivity: number;
  /** log2(nNeighbors) · bandwidth. */
  target: number;
  meanDistance: number;
  /** Divisor of a row's distance sum for its mean (k + 1 when the point itself is the zero column left out). */
  meanCount: number;
}

const WG = 64;

/** Records ρ, σ per row and the directed memberships: squared distances [n, k] → weights [n, k], rhoSigma [n, 2]. */
export function encodeUmapSmoothKnn(engine: Engine, c: SmoothKnnCall, dist: BufferSlice, weight: BufferSlice, rhoSigma: BufferSlice): void {
  engine.dispatch(umapSmoothKnnKernel, {
    overrides: { WG },
    args: [packUniforms([['u32', c.n], ['u32', c.k], ['u32', c.metric === 'cosine' ? 1 : 0], ['u32', c.skip],
      ['f32', c.localConnectivity], ['f32', c.target], ['f32', c.meanDistance], ['f32', c.meanCount]]), dist, weight, rhoSigma],
    workgroups: engine.grid(c.n, WG),
  });
}
