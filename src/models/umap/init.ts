import type { Engine } from '../../engine/engine.js';
import { ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { seededRandom } from '../../ops/random.js';
import { PCA } from '../pca/index.js';
import type { FuzzyGraph } from './graph.js';
import type { UmapInit } from './params.js';
import { spectralEmbedding, SpectralError } from './spectral.js';

/** Connected components of the graph (union–find over its edges). */
export function componentCount(g: FuzzyGraph): number {
  const parent = Int32Array.from({ length: g.n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  };
  let count = g.n;
  for (let i = 0; i < g.n; i++) {
    for (let e = g.host.rowPtr[i]; e < g.host.rowPtr[i + 1]; e++) {
      const [a, b] = [find(i), find(g.host.cols[e])];
      if (a !== b) { parent[a] = b; count--; }
    }
  }
  return count;
}

async function pcaLayout(engine: Engine, x: Tensor, dims: number, seed: number): Promise<Float64Array> {
  if (x.cols < dims) throw new ShapeError(`the data has ${x.cols} dimensions, fewer than the ${dims} of the embedding`);
  const pca = await PCA.fit(engine, x, { components: dims, seed });
  const z = pca.transform(x);
  const host = Float64Array.from(await z.read());
  z.dispose();
  pca.dispose();
  return host;
}

/** umap-learn's scaling: the largest coordinate to 10, Gaussian noise of deviation 1e-4, then each column to [0, 10]. */
export function scaleLayout(layout: Float64Array, n: number, dims: number, seed: number, noise: boolean): Float32Array {
  let big = 0;
  for (const v of layout) big = Math.max(big, Math.abs(v));
  const expansion = big > 0 ? 10 / big : 1;
  const rand = seededRandom(seed ^ 0x9e3779b9);
  const y = new Float64Array(n * dims);
  for (let e = 0; e < y.length; e++) {
    const gauss = Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    y[e] = layout[e] * expansion + (noise ? 1e-4 * gauss : 0);
  }
  const out = new Float32Array(n * dims);
  for (let d = 0; d < dims; d++) {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < n; i++) { lo = Math.min(lo, y[i * dims + d]); hi = Math.max(hi, y[i * dims + d]); }
    const span = hi - lo || 1;
    for (let i = 0; i < n; i++) out[i * dims + d] = (10 * (y[i * dims + d] - lo)) / span;
  }
  return out;
}

export interface InitResult { y: Tensor; used: UmapInit | 'given' }

/**
 * The initial embedding [n, dims]: spectral (umap-learn's default), falling back to PCA when the
 * graph is not connected or the eigenvectors cannot be found, then to uniform random in [−10, 10]
 * when PCA cannot run either; `warn` is told of each fallback and why. All are scaled as umap-learn does.
 */
export async function initialLayout(engine: Engine, x: Tensor, graph: FuzzyGraph, dims: number,
  init: UmapInit | Float32Array, seed: number, warn: (message: string) => void): Promise<InitResult> {
  const n = graph.n;
  if (init instanceof Float32Array) {
    if (init.length !== n * dims) throw new ShapeError(`UMAP: init has ${init.length} values, want n·dims = ${n * dims}.`);
    return { y: engine.tensor(init, [n, dims], { label: 'umap.y' }), used: 'given' };
  }
  let kind: UmapInit = init;
  let layout: Float64Array | null = null;
  if (kind === 'spectral') {
    const components = componentCount(graph);
    try {
      if (components > 1) throw new SpectralError(`the neighbour graph has ${components} disconnected components`);
      layout = await spectralEmbedding(engine, graph, dims, seed);
    } catch (e) {
      if (!(e instanceof SpectralError)) throw e;
      warn(`UMAP: spectral initialisation failed (${e.message}); falling back to PCA.`);
      kind = 'pca';
    }
  }
  if (kind === 'pca') {
    try {
      layout = await pcaLayout(engine, x, dims, seed);
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      warn(`UMAP: PCA initialisation failed (${e.message}); falling back to random.`);
      kind = 'random';
    }
  }
  if (kind === 'random') {
    const rand = seededRandom(seed);
    layout = Float64Array.from({ length: n * dims }, () => 20 * rand() - 10);
  }
  const y = scaleLayout(layout!, n, dims, seed, kind !== 'random');
  return { y: engine.tensor(y, [n, dims], { label: 'umap.y' }), used: kind };
}
