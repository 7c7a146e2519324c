import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { knnGraph, knnQuery, type KnnGraph } from '../knn/index.js';
import { checkPerplexity, disposeAffinities, jointAffinities, neighboursFor, queryAffinities, type SparseAffinities } from './affinities.js';
import { pcaInit, randomInit } from './initialization.js';
import { planTsne } from './plan.js';
import { RowOrder } from './reorder.js';
import { disposeSell } from './sell.js';
import { Objective } from './objective.js';
import { autoLearningRate, GradientDescentState, type Schedule } from './optimizer.js';
import { ExactRepulsion, FieldRepulsion, type FieldOptions, type Repulsion } from './repulsion.js';

export interface TsneProgress {
  iteration: number;
  iterations: number;
  /** KL(P‖Q) at this iteration, when `klEvery` asked for it (P without exaggeration). */
  kl?: number;
  /** The embedding on the GPU [n, dims], valid during the callback (no readback). */
  positions: Tensor;
  read(): Promise<Float32Array>;
}

export interface TsneOptions {
  /** Embedding dimensions: 2 (default) or 3. */
  dims?: 2 | 3;
  /** Effective number of neighbours (default 30); the kNN graph has 3·perplexity neighbours. */
  perplexity?: number;
  /** Gradient-descent iterations, early exaggeration included (default 1000). */
  iterations?: number;
  /** Step size, or 'auto' (default): max(N / earlyExaggeration / 4, 50) (Belkina et al. 2019). */
  learningRate?: number | 'auto';
  /** P multiplier during the first `exaggerationIterations` (default 12). */
  earlyExaggeration?: number;
  /** Default 250. */
  exaggerationIterations?: number;
  /** P multiplier after the early phase (default 1). */
  lateExaggeration?: number;
  /** Momentum during and after early exaggeration (default [0.5, 0.8]). */
  momentum?: [number, number];
  /** Seeds the initialisation (default 1). */
  seed?: number;
  /** 'pca' (default; scaled to std 1e-4), 'random' (N(0, 1e-8)) or given positions [n, dims]. */
  init?: 'pca' | 'random' | Float32Array | Tensor;
  /** 'exact' O(N²), 'field' O(N) (FFT-interpolated fields), 'auto' (default): exact below 4,096 points. */
  repulsion?: 'exact' | 'field' | 'auto';
  /** Tuning of the field repulsion's grid. */
  field?: FieldOptions;
  /** A precomputed kNN graph of x (self excluded); default: built with `knnGraph`. */
  knn?: KnnGraph;
  /**
   * Dispose `knn`'s tensors as soon as the affinities have read them (default false): frees
   * n·k·8 bytes of GPU memory before P is uploaded. A graph built by `fit` is always released.
   */
  releaseKnn?: boolean;
  /**
   * Number the points in breadth-first order of the kNN graph for the optimisation (the embedding
   * and progress positions stay in input order): the attractive force then reads neighbours'
   * positions close in memory. 'auto' (default): from 50,000 points, where they outgrow the caches.
   */
  reorder?: boolean | 'auto';
  onProgress?: (p: TsneProgress) => void | Promise<void>;
  /** Iterations between progress callbacks (default 50). */
  progressEvery?: number;
  /** Iterations between KL evaluations reported to onProgress (default 0: never; each one reads back). */
  klEvery?: number;
  signal?: AbortSignal;
}

export interface TsneTransformOptions {
  /** Default 5 (openTSNE's `transform` default: new points attach to their closest neighbours). */
  perplexity?: number;
  /** Default 250. */
  iterations?: number;
  /** Default 1 (a small step: only the new points move). */
  learningRate?: number;
  /** Exaggeration throughout (default 1.5, as openTSNE). */
  exaggeration?: number;
  knn?: KnnGraph;
  signal?: AbortSignal;
}

const EXACT_BELOW = 4096;
/** Points from which `reorder: 'auto'` renumbers them. */
const REORDER_FROM = 50_000;
/** Iterations between field-grid re-sizings (a readback of the bounding box). */
const REFRESH_EVERY = 10;
/** Fraction of the iterations after which the field repulsion switches to its finer grid. */
const REFINE_FROM = 0.75;
/** Iterations recorded before waiting for the GPU, which bounds the queued work. */
const SYNC_EVERY = 25;

/**
 * t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008) on the GPU:
 * perplexity-calibrated sparse affinities over a kNN graph (van der Maaten 2014), exact or
 * FFT-interpolated repulsion (Linderman et al. 2019) in 2D and 3D, and the reference optimiser
 * (early exaggeration, momentum, gains, learning rate 'auto'). The whole iteration runs on the GPU;
 * nothing is read back unless asked for (KL, `read()`), except a bounding box every 10 iterations
 * to lay out the field grid.
 */
export class TSNE {
  /** The embedding [n, dims] after `fit`. */
  embedding!: Tensor;
  readonly dims: 2 | 3;
  private data: Tensor | null = null;
  private p: SparseAffinities | null = null;
  private repulsion: Repulsion | null = null;

  constructor(readonly engine: Engine, readonly opts: TsneOptions = {}) {
    const dims = opts.dims ?? 2;
    if (dims !== 2 && dims !== 3) throw new InvalidInputError(`t-SNE: dims must be 2 or 3, got ${dims}.`);
    this.dims = dims;
  }

  private schedule(n: number): Schedule {
    const o = this.opts;
    const earlyExaggeration = o.earlyExaggeration ?? 12;
    const lr = o.learningRate ?? 'auto';
    return {
      iterations: o.iterations ?? 1000,
      earlyExaggeration,
      exaggerationIterations: o.exaggerationIterations ?? 250,
      lateExaggeration: o.lateExaggeration ?? 1,
      momentum: o.momentum ?? [0.5, 0.8],
      learningRate: lr === 'auto' ? autoLearningRate(n, earlyExaggeration) : lr,
      minGain: 0.01,
    };
  }

  private makeRepulsion(n: number): Repulsion {
    const kind = this.opts.repulsion ?? 'auto';
    if (kind === 'exact' || (kind === 'auto' && n < EXACT_BELOW)) return new ExactRepulsion(this.engine, this.dims);
    return new FieldRepulsion(this.engine, this.dims, this.opts.field);
  }

  private async initial(x: Tensor): Promise<Tensor> {
    const { init = 'pca', seed = 1 } = this.opts;
    const n = x.rows;
    if (init === 'random') return randomInit(this.engine, n, this.dims, seed);
    if (init === 'pca') return pcaInit(this.engine, x, this.dims, seed);
    if (init instanceof Float32Array) {
      if (init.length !== n * this.dims) throw new ShapeError(`t-SNE: init has ${init.length} values, want n·dims = ${n * this.dims}.`);
      return this.engine.tensor(init, [n, this.dims], { label: 'tsne.y' });
    }
    if (init.rows !== n || init.cols !== this.dims) throw new ShapeError(`t-SNE: init ${init} is not [${n}, ${this.dims}].`);
    const y = this.engine.empty([n, this.dims], 'f32', 'tsne.y');
    this.engine.copy(init, y);
    return y;
  }

  /** Embeds x [n, d] (already reduced, e.g. by PCA to 50 dims) and returns the embedding [n, dims]. */
  async fit(x: Tensor): Promise<Tensor> {
    if (x.rank !== 2 || x.dtype !== 'f32') throw new ShapeError(`t-SNE: x must be a 2-D f32 tensor [points, features], got ${x}.`);
    const n = x.rows;
    const perplexity = this.opts.perplexity ?? 30;
    checkPerplexity(n, perplexity);
    planTsne(this.engine, n, this.opts.knn?.k ?? neighboursFor(perplexity), this.dims);
    const graph = this.opts.knn ?? await knnGraph(this.engine, x, neighboursFor(perplexity));
    if (graph.n !== n) throw new ShapeError(`t-SNE: the kNN graph has ${graph.n} rows but x has ${n} points.`);
    const release = () => { graph.indices.dispose(); graph.distances.dispose(); };
    const owned = !this.opts.knn || this.opts.releaseKnn === true;
    try {
      const reorder = this.opts.reorder ?? 'auto';
      this.p = await jointAffinities(this.engine, graph, perplexity, {
        releaseGraph: owned ? release : undefined, reorder: reorder === 'auto' ? n >= REORDER_FROM : reorder,
      });
    } finally {
      if (owned) release();
    }
    this.data = x;
    this.embedding?.dispose();
    this.embedding = await this.initial(x);
    this.repulsion?.dispose();
    this.repulsion = this.makeRepulsion(n);
    const order = this.p.order ? new RowOrder(this.engine, this.p.order) : null;
    try {
      if (!order) {
        await this.optimise(this.embedding, this.p, this.repulsion, this.schedule(n), null);
        return this.embedding;
      }
      const work = order.toWork(this.embedding);
      this.embedding.dispose();
      try {
        await this.optimise(work, this.p, this.repulsion, this.schedule(n), order);
        this.embedding = order.toInput(work);
      } finally {
        work.dispose();
      }
      return this.embedding;
    } finally {
      order?.dispose();
    }
  }

  /** Runs the iterations on y (in P's order: `order` turns it back into input order for progress). */
  private async optimise(y: Tensor, p: SparseAffinities, repulsion: Repulsion, s: Schedule, order: RowOrder | null): Promise<void> {
    const { engine, opts } = this;
    let shown: Tensor | null = null;
    const objective = new Objective(engine, p, this.dims, repulsion);
    const state = new GradientDescentState(engine, y.size, this.dims);
    const every = opts.progressEvery ?? 50;
    const klEvery = opts.klEvery ?? 0;
    try {
      for (let it = 0; it < s.iterations; it++) {
        opts.signal?.throwIfAborted();
        if (it === Math.max(s.exaggerationIterations, Math.floor(s.iterations * REFINE_FROM))) repulsion.refine?.();
        if (it % REFRESH_EVERY === 0 || it === Math.floor(s.iterations * REFINE_FROM)) await repulsion.refresh(y);
        const done = it + 1;
        const withKl = klEvery > 0 && (done % klEvery === 0 || done === s.iterations);
        objective.encode(y, y, withKl);
        const kl = withKl ? await objective.readKl() : undefined;
        state.encodeStep(s, it, objective.attr, objective.rep, objective.normaliser, y);
        if (opts.onProgress && (done % every === 0 || done === s.iterations)) {
          let positions = y;
          if (order) { shown ??= engine.empty(y.shape, 'f32', 'tsne.y.shown'); positions = order.toInput(y, shown); }
          await opts.onProgress({ iteration: done, iterations: s.iterations, kl, positions, read: () => positions.read() as Promise<Float32Array> });
        }
        if (done % SYNC_EVERY === 0) await engine.sync();
      }
      await engine.sync();
    } finally {
      objective.dispose();
      state.dispose();
      shown?.dispose();
    }
  }

  /** KL(P‖Q) of the current embedding (exact or field-approximated Z, as the fit used). */
  async kl(): Promise<number> {
    if (!this.p || !this.repulsion || !this.embedding) throw new InvalidInputError('t-SNE: kl() needs a fit() first.');
    const order = this.p.order ? new RowOrder(this.engine, this.p.order) : null;
    const y = order ? order.toWork(this.embedding) : this.embedding;
    await this.repulsion.refresh(y);
    const objective = new Objective(this.engine, this.p, this.dims, this.repulsion);
    try {
      objective.encode(y, y, true);
      return await objective.readKl();
    } finally {
      objective.dispose();
      if (order) { y.dispose(); order.dispose(); }
    }
  }

  /**
   * Places new points [m, d] into the fitted embedding without moving it (openTSNE's `transform`,
   * Poličar, Stražar & Zupan 2019): affinities to their nearest training points, initial positions
   * at the affinity-weighted mean of those neighbours, then gradient descent on the new points only,
   * attracted by their neighbours and repelled by all training points (Z per new point).
   */
  async transform(newX: Tensor, o: TsneTransformOptions = {}): Promise<Tensor> {
    if (!this.p || !this.data || !this.embedding) throw new InvalidInputError('t-SNE: transform() needs a fit() first.');
    if (newX.rank !== 2 || newX.cols !== this.data.cols) {
      throw new ShapeError(`t-SNE transform: new points ${newX} must have the ${this.data.cols} features of the fitted data.`);
    }
    const { engine, dims } = this;
    const ref = this.embedding;
    const perplexity = o.perplexity ?? 5;
    const k = Math.min(neighboursFor(perplexity), ref.rows);
    const graph = o.knn ?? await knnQuery(engine, this.data, newX, k);
    const p = await queryAffinities(engine, graph, ref.rows, perplexity);
    const yRef = await ref.read();
    const { idx, pc: val } = p;
    const init = new Float32Array(newX.rows * dims);
    for (let i = 0; i < newX.rows; i++) {
      for (let t = 0; t < graph.k; t++) {
        const j = idx[i * graph.k + t];
        for (let d = 0; d < dims; d++) init[i * dims + d] += val[i * graph.k + t] * yRef[j * dims + d];
      }
    }
    const y = engine.tensor(init, [newX.rows, dims], { label: 'tsne.transform.y' });
    const repulsion = this.makeRepulsion(ref.rows);
    const objective = new Objective(engine, p, dims, repulsion, true);
    const state = new GradientDescentState(engine, y.size, dims);
    const s: Schedule = {
      iterations: o.iterations ?? 250, earlyExaggeration: 1, exaggerationIterations: 0, lateExaggeration: o.exaggeration ?? 1.5,
      momentum: [0.8, 0.8], learningRate: o.learningRate ?? 1, minGain: 0.01,
    };
    try {
      // The reference is fixed: its fields (field repulsion) are computed once.
      const field = repulsion instanceof FieldRepulsion ? repulsion : null;
      if (field) { await field.refresh(ref); field.encodeFields(ref); }
      for (let it = 0; it < s.iterations; it++) {
        o.signal?.throwIfAborted();
        if (field) field.encodeGather({ rows: y, self: false, rep: objective.rep, z: objective.z });
        objective.encode(y, ref, false, field !== null);
        state.encodeStep(s, it, objective.attr, objective.rep, objective.normaliser, y, true);
        if ((it + 1) % SYNC_EVERY === 0) await engine.sync();
      }
      await engine.sync();
      return y;
    } finally {
      objective.dispose();
      state.dispose();
      repulsion.dispose();
      disposeSell(p.sell);
      if (!o.knn) { graph.indices.dispose(); graph.distances.dispose(); }
    }
  }

  dispose(): void {
    if (this.p) disposeAffinities(this.p);
    this.repulsion?.dispose();
    this.embedding?.dispose();
    this.p = null;
    this.repulsion = null;
    this.data = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
