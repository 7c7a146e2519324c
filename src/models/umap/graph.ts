import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeUmapFuzzyUnion } from '../../kernels/umap_fuzzy_union.js';
import { encodeUmapSmoothKnn } from '../../kernels/umap_smooth_knn.js';
import type { KnnGraph } from '../knn/index.js';
import type { UmapMetric } from './params.js';

/**
 * A sparse graph on the GPU in CSR form with its host copy: row i lists the edges whose endpoint
 * i moves during the optimisation (both directions of every symmetric edge in a fit).
 */
export interface FuzzyGraph {
  n: number;
  /** Columns' point count (n for a fit; the reference size for `transform`). */
  nCols: number;
  nnz: number;
  maxDegree: number;
  /** Largest weight: an edge of weight w is sampled every maxWeight / w epochs. */
  maxWeight: number;
  rowPtr: Tensor<'u32'>;
  cols: Tensor<'u32'>;
  weights: Tensor<'f32'>;
  host: { rowPtr: Uint32Array; cols: Uint32Array; weights: Float32Array };
}

export function disposeFuzzyGraph(g: FuzzyGraph): void {
  g.rowPtr.dispose();
  g.cols.dispose();
  g.weights.dispose();
}

export interface LocalMemberships {
  /** Directed memberships [n, k] on the GPU. */
  weights: Tensor<'f32'>;
  /** ρ and σ per row [n, 2] on the GPU. */
  rhoSigma: Tensor<'f32'>;
}

/**
 * ρ, σ and the directed memberships of a kNN graph on the GPU (umap-learn's `smooth_knn_dist`
 * and `compute_membership_strengths`). `skip` leading columns stay out of σ's sum; `meanCount`
 * divides a row's distance sum for its mean, the global mean is over `n · meanCount` entries.
 */
export async function localMemberships(engine: Engine, graph: KnnGraph, c: {
  metric: UmapMetric; localConnectivity: number; nNeighbors: number; skip: number; meanCount: number;
}): Promise<LocalMemberships> {
  const { n, k } = graph;
  const dist = await graph.distances.read();
  let total = 0;
  for (let e = 0; e < dist.length; e++) {
    const d = Math.max(dist[e], 0);
    total += c.metric === 'cosine' ? d / 2 : Math.sqrt(d);
  }
  const weights = engine.empty([n, k], 'f32', 'umap.membership');
  const rhoSigma = engine.empty([n, 2], 'f32', 'umap.rhoSigma');
  encodeUmapSmoothKnn(engine, {
    n, k, metric: c.metric, skip: c.skip, localConnectivity: c.localConnectivity, target: Math.log2(c.nNeighbors),
    meanDistance: total / (n * c.meanCount), meanCount: c.meanCount,
  }, graph.distances.slice(), weights.slice(), rhoSigma.slice());
  return { weights: weights as Tensor<'f32'>, rhoSigma: rhoSigma as Tensor<'f32'> };
}

function badRows(w: Float32Array, k: number): number[] {
  const bad: number[] = [];
  for (let i = 0; i < w.length / k && bad.length < 5; i++) {
    for (let j = 0; j < k; j++) if (!Number.isFinite(w[i * k + j])) { bad.push(i); break; }
  }
  return bad;
}

export function checkFinite(w: Float32Array, k: number, what: string): void {
  const bad = badRows(w, k);
  if (bad.length) {
    throw new InvalidInputError(`${what}: memberships of row${bad.length > 1 ? 's' : ''} ${bad.join(', ')} are not finite; ` +
      'the input has NaN or Inf values in these rows (or in their neighbours).');
  }
}

/** Uploads a CSR built on the host. */
export function uploadGraph(engine: Engine, n: number, nCols: number, rowPtr: Uint32Array, cols: Uint32Array, weights: Float32Array): FuzzyGraph {
  const nnz = rowPtr[n];
  let maxDegree = 0;
  let maxWeight = 0;
  for (let i = 0; i < n; i++) maxDegree = Math.max(maxDegree, rowPtr[i + 1] - rowPtr[i]);
  for (let e = 0; e < nnz; e++) maxWeight = Math.max(maxWeight, weights[e]);
  const size = Math.max(nnz, 1);
  return {
    n, nCols, nnz, maxDegree, maxWeight,
    rowPtr: engine.tensor(rowPtr, [n + 1], { label: 'umap.graph.rowPtr' }) as Tensor<'u32'>,
    cols: engine.tensor(cols.subarray(0, size), [size], { label: 'umap.graph.cols' }) as Tensor<'u32'>,
    weights: engine.tensor(weights.subarray(0, size), [size], { label: 'umap.graph.weights' }) as Tensor<'f32'>,
    host: { rowPtr, cols: cols.subarray(0, nnz), weights: weights.subarray(0, nnz) },
  };
}

/**
 * UMAP's fuzzy simplicial set of a kNN graph (self excluded, k = nNeighbors − 1): memberships and
 * their fuzzy union on the GPU, then the CSR of the symmetric graph assembled on the host in
 * O(nk) (a counting scatter: the union already matched each edge with its reverse). Edges lighter
 * than maxWeight / nEpochs are dropped, as umap-learn does: they would never be sampled.
 */
export async function fuzzyGraph(engine: Engine, graph: KnnGraph, c: {
  metric: UmapMetric; localConnectivity: number; nNeighbors: number; setOpMixRatio: number; nEpochs: number;
}): Promise<{ graph: FuzzyGraph; rhoSigma: Float32Array }> {
  const { n, k } = graph;
  if (graph.distances.size !== n * k || graph.indices.size !== n * k) {
    throw new ShapeError(`UMAP: the kNN graph's indices ${graph.indices} and distances ${graph.distances} are not both [${n}, ${k}].`);
  }
  const local = await localMemberships(engine, graph, { ...c, skip: 0, meanCount: c.nNeighbors });
  const joint = engine.empty([n, k], 'f32', 'umap.joint');
  const reverse = engine.empty([n, k], 'u32', 'umap.reverse');
  encodeUmapFuzzyUnion(engine, { n, k, mix: c.setOpMixRatio }, graph.indices.slice(), local.weights.slice(), joint.slice(), reverse.slice());
  const [w, rev, idx, rs] = await Promise.all([joint.read(), reverse.read(), graph.indices.read(), local.rhoSigma.read()]);
  for (const t of [joint, reverse, local.weights, local.rhoSigma]) t.dispose();
  checkFinite(w as Float32Array, k, 'UMAP');
  let maxW = 0;
  for (let e = 0; e < n * k; e++) maxW = Math.max(maxW, w[e]);
  const threshold = maxW / c.nEpochs;
  const keep = (e: number) => w[e] > 0 && w[e] >= threshold && idx[e] !== Math.floor(e / k);
  const count = new Uint32Array(n + 1);
  for (let e = 0; e < n * k; e++) {
    if (idx[e] >= n) throw new InvalidInputError(`UMAP: the kNN graph's row ${Math.floor(e / k)} names point ${idx[e]}, but there are ${n} points.`);
    if (!keep(e)) continue;
    count[Math.floor(e / k) + 1]++;
    if (!rev[e]) count[idx[e] + 1]++;
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const cols = new Uint32Array(Math.max(count[n], 1));
  const weights = new Float32Array(Math.max(count[n], 1));
  for (let e = 0; e < n * k; e++) {
    if (!keep(e)) continue;
    const [i, j] = [Math.floor(e / k), idx[e]];
    cols[fill[i]] = j; weights[fill[i]++] = w[e];
    if (!rev[e]) { cols[fill[j]] = i; weights[fill[j]++] = w[e]; }
  }
  return { graph: uploadGraph(engine, n, n, count, cols, weights), rhoSigma: rs as Float32Array };
}
