import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { KNN_MAX_K } from '../../kernels/knn_heap_merge.js';
import { nearestRows } from '../../ops/distance.js';
import { checkedRowNorms } from './exact.js';
import { approxKnnGraph } from './approx.js';

/**
 * A k-nearest-neighbour graph: row i lists the k nearest points of query i, nearest first.
 * `distances` are squared Euclidean; ties are ordered by the lower index. In a graph built by
 * `knnGraph` a point is never its own neighbour.
 */
export interface KnnGraph {
  indices: Tensor<'u32'>;
  distances: Tensor<'f32'>;
  k: number;
  /** Number of rows (query points). */
  n: number;
}

export interface KnnOptions {
  /** 'exact' (tiled brute force), 'approx' (RP-forest + NN-descent), 'auto': approx above 100,000 points. */
  method?: 'exact' | 'approx' | 'auto';
  /** Seed of the approximate method's random projections and sampling (default 1). */
  seed?: number;
  /** Called as work completes (rows done of total for exact; steps for approx). */
  onProgress?: (done: number, total: number) => void;
}

/** Above this many points `method: 'auto'` uses the approximate graph. */
export const AUTO_APPROX_ABOVE = 100_000;

function checkPoints(x: Tensor, what: string): void {
  if (x.dtype !== 'f32' || x.rank !== 2) throw new ShapeError(`${what} must be a 2-D f32 tensor [points, dims], got ${x}.`);
}

function checkK(k: number, available: number, what: string): void {
  if (!Number.isInteger(k) || k < 1) throw new InvalidInputError(`knn: k must be a positive integer, got ${k}.`);
  if (k > KNN_MAX_K) throw new InvalidInputError(`knn: k = ${k} is more than the ${KNN_MAX_K} neighbours supported.`);
  if (k > available) {
    throw new InvalidInputError(`knn: k = ${k} neighbours asked for but ${what} has only ${available} candidate point${available === 1 ? '' : 's'}.`);
  }
}

/**
 * The k nearest neighbours of every row of x among the other rows (self excluded).
 *
 * Exact: the distance op (`nearestRows`), tiles of squared distances merged into per-row heaps on
 * the GPU, never storing an N×N matrix (O(N²d) work). Approximate: random-projection
 * forest candidates refined by NN-descent (Dong, Moses & Li 2011, "Efficient k-nearest neighbor
 * graph construction for generic similarity measures"), with distances evaluated on the GPU.
 */
export async function knnGraph(engine: Engine, x: Tensor, k: number, opts: KnnOptions = {}): Promise<KnnGraph> {
  checkPoints(x, 'knnGraph: x');
  checkK(k, x.rows - 1, 'x (self excluded)');
  const method = opts.method ?? 'auto';
  if (method === 'approx' || (method === 'auto' && x.rows > AUTO_APPROX_ABOVE)) {
    return approxKnnGraph(engine, x, k, { seed: opts.seed ?? 1, onProgress: opts.onProgress });
  }
  (await checkedRowNorms(engine, x, x.rows, 'knnGraph: x')).dispose();
  const { vals, idx } = await nearestRows(engine, x, x, k, { self: true, onProgress: opts.onProgress, label: 'knn' });
  return { indices: idx, distances: vals, k, n: x.rows };
}

/**
 * The k nearest rows of `data` for every row of `queries` (the "similar items" query), exact.
 * A query that is itself a data row finds that row at distance 0.
 */
export async function knnQuery(engine: Engine, data: Tensor, queries: Tensor, k: number,
  opts: Pick<KnnOptions, 'onProgress'> = {}): Promise<KnnGraph> {
  checkPoints(data, 'knnQuery: data');
  checkPoints(queries, 'knnQuery: queries');
  if (data.cols !== queries.cols) {
    throw new ShapeError(`knnQuery: queries have ${queries.cols} dims but data has ${data.cols}.`);
  }
  checkK(k, data.rows, 'data');
  (await checkedRowNorms(engine, data, data.rows, 'knnQuery: data')).dispose();
  (await checkedRowNorms(engine, queries, queries.rows, 'knnQuery: queries')).dispose();
  const { vals, idx } = await nearestRows(engine, data, queries, k, { onProgress: opts.onProgress, label: 'knn' });
  return { indices: idx, distances: vals, k, n: queries.rows };
}

/** Frees a graph's tensors. */
export function disposeKnnGraph(g: KnnGraph): void {
  g.indices.dispose();
  g.distances.dispose();
}
export { knnRecall } from './recall.js';
