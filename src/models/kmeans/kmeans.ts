import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { reduce } from '../../ops/reduce.js';
import { explicitInit, kmeansPlusPlusInit, randomInit, type SeedAssignment } from './init.js';
import { ELKAN_MAX_BOUNDS, lloydBounded } from './bounded.js';
import { miniBatch } from './minibatch.js';
import type { KMeansProgress } from './run.js';
import { seededRandom } from '../../ops/random.js';
import { tunePartialSums } from './partial-sums.js';
import { KMeansData } from './steps.js';

export type { KMeansProgress } from './run.js';

export interface KMeansOptions {
  /** Number of clusters, 1 ≤ k ≤ rows of x. */
  k: number;
  /** Independent runs from different seeds (scikit-learn's n_init); the lowest inertia wins. Default 3 (1 with an explicit init). */
  restarts?: number;
  /** Most Lloyd iterations per run (mini-batch: most batches). Default 300. */
  maxIter?: number;
  /** Stop when the squared centroid movement Σ‖c_new − c_old‖² ≤ tol · (mean per-feature variance of x), as scikit-learn. Default 1e-4. */
  tol?: number;
  /** Seed of every random choice (initialisation, batches). Default 0. */
  seed?: number;
  /** 'k-means++' (default), 'random' (k distinct rows) or initial centroids [k, d] row-major. */
  init?: 'k-means++' | 'random' | Float32Array;
  /** Batch size: use mini-batch k-means (Sculley 2010) with batches of this many rows instead of Lloyd. */
  miniBatch?: number;
  onProgress?: (p: KMeansProgress) => void;
}

/**
 * k-means clustering on the GPU: Lloyd's algorithm (Lloyd 1982) from k-means++ seeds (Arthur &
 * Vassilvitskii 2007), with Elkan's distance bounds (Elkan 2003; Hamerly's one bound per row
 * for very large n·k, Hamerly 2010) so that iterations only revisit the rows that may change
 * cluster; or mini-batch k-means (Sculley 2010, "Web-scale k-means
 * clustering") for very many rows. Several restarts keep the lowest inertia. After fitting,
 * `labels`, `inertia` (Σ squared distance of each row to its centroid) and `centroids` describe
 * the final centroids (labels and inertia from one last full assignment pass, as scikit-learn).
 *
 * Handling of awkward data: k > rows is an error; duplicate points are fine (with fewer distinct
 * points than k some centroids coincide and their clusters stay empty; inertia is then 0); an
 * empty cluster during Lloyd is re-seeded at the row farthest from its centroid, as scikit-learn
 * does; rows with NaN or Inf are an error naming them.
 */
export class KMeans {
  private constructor(
    readonly engine: Engine,
    /** Final centroids [k, d]. */
    readonly centroids: Tensor,
    /** Cluster of each row of the fitted x (u32, [n]). */
    readonly labels: Tensor<'u32'>,
    /** Σ squared Euclidean distance of each row to its centroid. */
    readonly inertia: number,
    /** Lloyd iterations (or mini-batches) of the winning restart. */
    readonly iterations: number,
  ) {}

  get k(): number { return this.centroids.rows; }

  static async fit(engine: Engine, x: Tensor, opts: KMeansOptions): Promise<KMeans> {
    const o = checkOptions(x, opts);
    await tunePartialSums(engine, x.rows, x.cols, o.k);
    const data = new KMeansData(engine, x, 'KMeans.fit');
    const random = seededRandom(o.seed);
    let best: KMeans | null = null;
    try {
      const tolAbs = o.tol * (await meanVariance(engine, data));
      for (let restart = 0; restart < o.restarts; restart++) {
        opts.onProgress?.({ phase: 'init', restart, restarts: o.restarts, iteration: 0, shift: NaN });
        let init: Tensor;
        let seed: SeedAssignment | undefined;
        if (o.init instanceof Float32Array) init = explicitInit(engine, o.init, o.k, data.d);
        else if (o.init === 'random') init = randomInit(data, o.k, random);
        else ({ centroids: init, seed } = await kmeansPlusPlusInit(data, o.k, random, !o.miniBatch && data.n * o.k <= ELKAN_MAX_BOUNDS));
        const run = { restart, restarts: o.restarts, maxIter: o.maxIter, tolAbs, onProgress: opts.onProgress };
        const result = o.miniBatch ? await miniBatch(data, init, o.miniBatch, random, run)
          : await lloydBounded(data, init, run, ELKAN_MAX_BOUNDS, seed);
        const { centroids, iterations } = result;
        let inertia = result.inertia;
        if (inertia === undefined) {
          // Labels and inertia for the final centroids.
          data.assign(centroids);
          inertia = await data.inertia();
        }
        if (best === null || inertia < best.inertia) {
          const labels = engine.empty([data.n], 'u32', 'kmeans.labels');
          engine.copy(data.labels, labels);
          best?.dispose();
          best = new KMeans(engine, centroids, labels, inertia, iterations);
        } else {
          centroids.dispose();
        }
      }
      if (!Number.isFinite(best!.inertia)) {
        throw new InvalidInputError(`KMeans.fit: the inertia is ${best!.inertia}; the data's squared distances overflow f32 — scale x down.`);
      }
      opts.onProgress?.({ phase: 'done', restart: o.restarts - 1, restarts: o.restarts, iteration: best!.iterations, shift: 0 });
      return best!;
    } catch (e) {
      best?.dispose();
      throw e;
    } finally {
      data.dispose();
    }
  }

  /** Nearest centroid of each row of x [m, d] (u32, [m]). */
  predict(x: Tensor): Tensor<'u32'> {
    if (x.rank !== 2 || x.cols !== this.centroids.cols) {
      throw new ShapeError(`KMeans.predict: x must be [m, ${this.centroids.cols}] like the fitted data, got ${x}.`);
    }
    const data = new KMeansData(this.engine, x, 'KMeans.predict');
    data.assign(this.centroids);
    const labels = this.engine.empty([data.n], 'u32', 'kmeans.predicted');
    this.engine.copy(data.labels, labels);
    data.dispose();
    return labels;
  }

  dispose(): void {
    this.centroids.dispose();
    this.labels.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

interface CheckedOptions { k: number; restarts: number; maxIter: number; tol: number; seed: number; init: KMeansOptions['init']; miniBatch: number }

function checkOptions(x: Tensor, opts: KMeansOptions): CheckedOptions {
  const n = x.rows;
  const { k } = opts;
  if (!Number.isInteger(k) || k < 1) throw new InvalidInputError(`KMeans: k must be a positive integer, got ${k}.`);
  if (x.rank !== 2 || n < 1) throw new ShapeError(`KMeans: x must be a non-empty matrix [n, d], got ${x}.`);
  if (k > n) throw new InvalidInputError(`KMeans: k = ${k} clusters need at least ${k} rows, but x has ${n}.`);
  const restarts = opts.restarts ?? (opts.init instanceof Float32Array ? 1 : 3);
  const maxIter = opts.maxIter ?? 300;
  const tol = opts.tol ?? 1e-4;
  const miniBatch = opts.miniBatch ?? 0;
  for (const [name, v] of [['restarts', restarts], ['maxIter', maxIter]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(`KMeans: ${name} must be a positive integer, got ${v}.`);
  }
  if (!(tol >= 0)) throw new InvalidInputError(`KMeans: tol must be ≥ 0, got ${tol}.`);
  if (!Number.isInteger(miniBatch) || miniBatch < 0) throw new InvalidInputError(`KMeans: miniBatch must be a positive integer (rows per batch), got ${miniBatch}.`);
  if (opts.init !== undefined && !(opts.init instanceof Float32Array) && opts.init !== 'k-means++' && opts.init !== 'random') {
    throw new InvalidInputError(`KMeans: init must be 'k-means++', 'random' or a Float32Array of centroids, got ${String(opts.init)}.`);
  }
  return { k, restarts, maxIter, tol, seed: opts.seed ?? 0, init: opts.init ?? 'k-means++', miniBatch: Math.min(miniBatch, n) };
}

/**
 * Mean over features of the population variance of x, from one column-sum pass and the row norms
 * the data already holds: Σ_j var_j = mean ‖x_i‖² − ‖mean x‖². Throws naming rows when x is not finite.
 */
async function meanVariance(engine: Engine, data: KMeansData): Promise<number> {
  const sumT = reduce(engine, data.x, 'sum', 0);
  const sum = await sumT.read();
  sumT.dispose();
  const norms = await data.xnorm.read();
  let sq = 0;
  for (let i = 0; i < norms.length; i++) sq += norms[i];
  let meanSq = 0;
  for (let j = 0; j < data.d; j++) meanSq += (sum[j] / data.n) ** 2;
  const v = sq / data.n - meanSq;
  if (!Number.isFinite(v)) await data.assertFinite('KMeans.fit');
  if (!Number.isFinite(v)) throw new InvalidInputError('KMeans.fit: x has values too large to square in f32; scale it down.');
  return Math.max(0, v) / data.d;
}
