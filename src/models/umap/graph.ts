import type { Engine } from '../../engine/engine.js';
import { formatBytes, InvalidInputError, LimitError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeUmapFuzzyUnion } from '../../kernels/umap_fuzzy_union.js';
import type { EdgeGroupSlices } from '../../kernels/umap_epoch.js';
import { encodeUmapSmoothKnn } from '../../kernels/umap_smooth_knn.js';
import { rowChunks } from '../../ops/chunks.js';
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

/**
 * The graph's edges as groups of whole rows, each a range of `cols`/`weights` that fits one storage
 * binding and starts at an aligned offset (so a group may begin with a few edges of the row
 * before it, which it skips). One group when everything fits.
 */
export function edgeGroups(engine: Engine, g: FuzzyGraph): EdgeGroupSlices[] {
  const { rowPtr } = g.host;
  const max = Math.floor(engine.limits.maxStorageBufferBindingSize / 4);
  const align = engine.limits.minStorageBufferOffsetAlignment / 4;
  const size = g.cols.size;
  if (size <= max) return [{ rowStart: 0, rowEnd: g.n, edgeBase: 0, cols: g.cols.slice(), weights: g.weights.slice() }];
  const out: EdgeGroupSlices[] = [];
  for (let r0 = 0; r0 < g.n;) {
    const base = Math.floor(rowPtr[r0] / align) * align;
    let r1 = r0;
    while (r1 < g.n && rowPtr[r1 + 1] - base <= max) r1++;
    if (r1 === r0) {
      const bytes = (rowPtr[r0 + 1] - base) * 4;
      throw new LimitError(`UMAP: point ${r0} has ${rowPtr[r0 + 1] - rowPtr[r0]} edges (${formatBytes(bytes)}), more than one storage binding ` +
        `holds (${formatBytes(max * 4)}).`, 'maxStorageBufferBindingSize', max * 4, bytes);
    }
    const count = Math.max(rowPtr[r1] - base, 1);
    const slice = (t: Tensor) => ({ buffer: t.buffer, offset: base * 4, size: count * 4 });
    out.push({ rowStart: r0, rowEnd: r1, edgeBase: base, cols: slice(g.cols), weights: slice(g.weights) });
    r0 = r1;
  }
  return out;
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
 * Rows go in chunks that each fit one storage binding.
 */
export async function localMemberships(engine: Engine, graph: KnnGraph, c: {
  metric: UmapMetric; localConnectivity: number; nNeighbors: number; skip: number; meanCount: number;
}): Promise<LocalMemberships> {
  const { n, k } = graph;
  const chunks = rowChunks(engine, n, k, 2, 'UMAP memberships');
  let total = 0;
  for (const ch of chunks) {
    const dist = await graph.distances.read(ch.start * k, ch.count * k);
    for (let e = 0; e < dist.length; e++) {
      const d = Math.max(dist[e], 0);
      total += c.metric === 'cosine' ? d / 2 : Math.sqrt(d);
    }
  }
  const weights = engine.empty([n, k], 'f32', 'umap.membership');
  const rhoSigma = engine.empty([n, 2], 'f32', 'umap.rhoSigma');
  for (const ch of chunks) {
    encodeUmapSmoothKnn(engine, {
      n: ch.count, k, metric: c.metric, skip: c.skip, localConnectivity: c.localConnectivity, target: Math.log2(c.nNeighbors),
      meanDistance: total / (n * c.meanCount), meanCount: c.meanCount,
    }, graph.distances.rowSlice(ch.start, ch.count), weights.rowSlice(ch.start, ch.count), rhoSigma.rowSlice(ch.start, ch.count));
  }
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
  let w: Float32Array;
  let rev: Uint32Array;
  let idx: Uint32Array;
  let rs: Float32Array;
  if (graph.indices.bytes <= engine.limits.maxStorageBufferBindingSize) {
    const joint = engine.empty([n, k], 'f32', 'umap.joint');
    const reverse = engine.empty([n, k], 'u32', 'umap.reverse');
    encodeUmapFuzzyUnion(engine, { n, k, mix: c.setOpMixRatio }, graph.indices.slice(), local.weights.slice(), joint.slice(), reverse.slice());
    [w, rev, idx, rs] = await Promise.all([joint.read(), reverse.read(), graph.indices.read(), local.rhoSigma.read()]) as [Float32Array, Uint32Array, Uint32Array, Float32Array];
    for (const t of [joint, reverse]) t.dispose();
  } else {
    // The union looks up row j for every edge i→j: past one binding it runs on the host.
    [w, idx, rs] = await Promise.all([local.weights.read(), graph.indices.read(), local.rhoSigma.read()]) as [Float32Array, Uint32Array, Float32Array];
    rev = fuzzyUnionHost(n, k, idx, w, c.setOpMixRatio);
  }
  for (const t of [local.weights, local.rhoSigma]) t.dispose();
  checkFinite(w, k, 'UMAP');
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
  return { graph: uploadGraph(engine, n, n, count, cols, weights), rhoSigma: rs };
}

/**
 * umap_fuzzy_union.wgsl on the host in O(nk), for graphs past one storage binding: replaces the
 * memberships `w` [n, k] by the joint ones in place and returns `reverse` (whether j→i exists for
 * each edge i→j). The reverse edges come from the transposed graph (edge ids grouped by target).
 */
export function fuzzyUnionHost(n: number, k: number, idx: Uint32Array, w: Float32Array, mix: number): Uint32Array {
  const inPtr = new Uint32Array(n + 1);
  for (let e = 0; e < n * k; e++) if (idx[e] < n) inPtr[idx[e] + 1]++;
  for (let i = 0; i < n; i++) inPtr[i + 1] += inPtr[i];
  const inEdge = new Uint32Array(inPtr[n]);
  const fill = inPtr.slice(0, n);
  for (let e = 0; e < n * k; e++) if (idx[e] < n) inEdge[fill[idx[e]]++] = e;
  const mark = new Uint32Array(n);
  const at = new Uint32Array(n);
  const other = new Float32Array(n * k);
  const reverse = new Uint32Array(n * k);
  for (let i = 0; i < n; i++) {
    // The first listing of j in row i is the one the kernel's search finds from row j.
    for (let e = (i + 1) * k - 1; e >= i * k; e--) if (idx[e] < n) { mark[idx[e]] = i + 1; at[idx[e]] = e; }
    for (let t = inPtr[i]; t < inPtr[i + 1]; t++) {
      const e = inEdge[t];
      const l = Math.floor(e / k);
      // Edge l→i has a reverse i→l when l is among i's neighbours.
      if (mark[l] === i + 1 && reverse[e] === 0) { reverse[e] = 1; other[e] = w[at[l]]; }
    }
  }
  for (let e = 0; e < n * k; e++) {
    const a = w[e];
    const b = other[e];
    w[e] = mix * (a + b - a * b) + (1 - mix) * a * b;
  }
  return reverse;
}
