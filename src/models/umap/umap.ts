import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { normalizeRows } from '../../ops/rows.js';
import { disposeKnnGraph, knnGraph, knnQuery, type KnnGraph } from '../knn/index.js';
import { fitAB } from './curve.js';
import { planUmap } from './plan.js';
import { checkFinite, disposeFuzzyGraph, fuzzyGraph, localMemberships, uploadGraph, type FuzzyGraph } from './graph.js';
import { initialLayout } from './init.js';
import { optimizeLayout, type EpochSchedule } from './optimizer.js';
import { checkSize, defaultEpochs, resolveOptions, type ResolvedUmapOptions, type UmapInit, type UmapOptions, type UmapProgress } from './params.js';

export interface UmapTransformOptions {
  /** Default: 100 up to 10,000 new points, 30 above; nEpochs / 3 when the fit was given nEpochs (umap-learn). */
  nEpochs?: number;
  /** A precomputed kNN query of the new points against the fitted data (k = nNeighbors). */
  knn?: KnnGraph;
  onProgress?: (p: UmapProgress) => void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * Uniform manifold approximation and projection (McInnes, Healy & Melville 2018, "UMAP: Uniform
 * Manifold Approximation and Projection for Dimension Reduction") on the GPU, with umap-learn's
 * defaults and the meaning of each of its parameters. The kNN graph, ρ and σ per point, the fuzzy
 * union, the spectral initialisation's sparse products and every epoch of the optimisation run on
 * the GPU; the host assembles the symmetric graph's CSR and solves p×p eigenproblems. Epochs are
 * per-vertex gathers reading the previous epoch's positions with counter-based negative sampling,
 * so the same seed gives the same bytes on an adapter.
 */
export class UMAP {
  /** The embedding [n, dims] after `fit`. */
  embedding!: Tensor;
  readonly options: ResolvedUmapOptions;
  /** Curve parameters of q(d) = 1 / (1 + a·d^(2b)). */
  readonly a: number;
  readonly b: number;
  /** The initialisation that was used after any fallback. */
  initUsed: UmapInit | 'given' | null = null;
  /** The symmetric fuzzy graph of the fit. */
  graph: FuzzyGraph | null = null;
  /** ρ and σ per point of the fit [n, 2] (host). */
  rhoSigma: Float32Array | null = null;
  private data: Tensor | null = null;
  private epochs = 0;

  constructor(readonly engine: Engine, readonly opts: UmapOptions = {}) {
    this.options = resolveOptions(opts);
    const fitted = fitAB(this.options.minDist, this.options.spread);
    this.a = opts.a ?? fitted.a;
    this.b = opts.b ?? fitted.b;
  }

  get dims(): number { return this.options.dims; }

  private prepared(x: Tensor): Tensor {
    return this.options.metric === 'cosine' ? normalizeRows(this.engine, x, 'l2', 'umap.unitRows') : x;
  }

  private schedule(nEpochs: number, learningRate: number): EpochSchedule {
    const o = this.options;
    return { nEpochs, learningRate, negativeSampleRate: o.negativeSampleRate, repulsionStrength: o.repulsionStrength, a: this.a, b: this.b, seed: o.seed };
  }

  /** Embeds x [n, d] (e.g. PCA to 50 dims first) and returns the embedding [n, dims]. */
  async fit(x: Tensor): Promise<Tensor> {
    if (x.rank !== 2 || x.dtype !== 'f32') throw new ShapeError(`UMAP: x must be a 2-D f32 tensor [points, features], got ${x}.`);
    const { engine, options: o } = this;
    const n = x.rows;
    checkSize(n, o.nNeighbors);
    planUmap(engine, n, o.nNeighbors, o.dims);
    this.disposeFit();
    const data = this.prepared(x);
    this.data = data;
    const given = this.opts.knn;
    if (given && (given.n !== n || given.k !== o.nNeighbors - 1)) {
      throw new ShapeError(`UMAP: the kNN graph is [${given.n}, ${given.k}], want [${n}, ${o.nNeighbors - 1}] (nNeighbors − 1, self excluded).`);
    }
    const knn = given ?? await knnGraph(engine, data, o.nNeighbors - 1, { seed: o.seed, method: this.opts.knnMethod });
    this.epochs = o.nEpochs ?? defaultEpochs(n);
    try {
      const built = await fuzzyGraph(engine, knn, { ...o, nEpochs: this.epochs });
      this.graph = built.graph;
      this.rhoSigma = built.rhoSigma;
    } finally {
      if (!given) disposeKnnGraph(knn);
    }
    this.opts.signal?.throwIfAborted();
    const warn = this.opts.onWarning ?? (() => {});
    const init = await initialLayout(engine, x, this.graph, o.dims, this.opts.init ?? 'spectral', o.seed, warn);
    this.initUsed = init.used;
    this.embedding = await optimizeLayout(engine, this.graph, init.y, null, this.schedule(this.epochs, o.learningRate), this.opts);
    return this.embedding;
  }

  /**
   * Places new points [m, d] into the fitted embedding without moving it (umap-learn's
   * `transform`): memberships to their nearest training points (local connectivity − 1), start at
   * the membership-weighted mean of those points' positions, then epochs that move only the new
   * points, at a quarter of the learning rate, with negative samples from the training embedding.
   */
  async transform(newX: Tensor, t: UmapTransformOptions = {}): Promise<Tensor> {
    if (!this.data || !this.embedding || !this.graph) throw new InvalidInputError('UMAP: transform() needs a fit() first.');
    if (newX.rank !== 2 || newX.cols !== this.data.cols) {
      throw new ShapeError(`UMAP transform: new points ${newX} must have the ${this.data.cols} features of the fitted data.`);
    }
    const { engine, options: o, dims } = this;
    const m = newX.rows;
    const k = Math.min(o.nNeighbors, this.data.rows);
    const queries = this.prepared(newX);
    const knn = t.knn ?? await knnQuery(engine, this.data, queries, k);
    if (queries !== newX) queries.dispose();
    let graph: FuzzyGraph | null = null;
    try {
      const local = await localMemberships(engine, knn, {
        metric: o.metric, localConnectivity: Math.max(0, o.localConnectivity - 1), nNeighbors: o.nNeighbors, skip: 1, meanCount: knn.k,
      });
      local.rhoSigma.dispose();
      const [w, idx, ref] = await Promise.all([local.weights.read(), knn.indices.read(), this.embedding.read()]);
      local.weights.dispose();
      checkFinite(w as Float32Array, knn.k, 'UMAP transform');
      const nEpochs = t.nEpochs ?? (this.opts.nEpochs ? Math.max(1, Math.floor(this.opts.nEpochs / 3)) : m <= 10_000 ? 100 : 30);
      let maxW = 0;
      for (const v of w) maxW = Math.max(maxW, v);
      const rowPtr = new Uint32Array(m + 1);
      const cols = new Uint32Array(m * knn.k);
      const weights = new Float32Array(m * knn.k);
      const init = new Float32Array(m * dims);
      for (let i = 0; i < m; i++) {
        let total = 0;
        for (let s = 0; s < knn.k; s++) total += w[i * knn.k + s];
        let fill = rowPtr[i];
        for (let s = 0; s < knn.k; s++) {
          const [e, j] = [i * knn.k + s, idx[i * knn.k + s]];
          for (let d = 0; d < dims; d++) init[i * dims + d] += (w[e] / total) * ref[j * dims + d];
          if (w[e] >= maxW / nEpochs && w[e] > 0) { cols[fill] = j; weights[fill++] = w[e]; }
        }
        rowPtr[i + 1] = fill;
      }
      graph = uploadGraph(engine, m, this.embedding.rows, rowPtr, cols, weights);
      const y = engine.tensor(init, [m, dims], { label: 'umap.transform.y' });
      return await optimizeLayout(engine, graph, y, this.embedding, this.schedule(nEpochs, o.learningRate / 4), t);
    } finally {
      if (graph) disposeFuzzyGraph(graph);
      if (!t.knn) disposeKnnGraph(knn);
    }
  }

  private disposeFit(): void {
    if (this.graph) disposeFuzzyGraph(this.graph);
    if (this.data && this.data !== this.embedding && this.options.metric === 'cosine') this.data.dispose();
    this.embedding?.dispose();
    this.graph = null;
    this.data = null;
  }

  dispose(): void {
    this.disposeFit();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
