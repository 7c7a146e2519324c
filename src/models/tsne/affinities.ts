import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeTsnePerplexity } from '../../kernels/tsne_perplexity.js';
import type { KnnGraph } from '../knn/index.js';
import { rowChunks, type RowChunk } from '../../ops/chunks.js';
import { buildSell, csrToSell, disposeSell, type SellTensors } from './sell.js';

/**
 * A sparse affinity matrix on the GPU, in the SELL layout the attractive-force kernel reads (the
 * only copy kept; `readSellCsr` gives it back as CSR).
 */
export interface SparseAffinities {
  n: number;
  /** Columns' point count (n for a fit; the reference size for `transform`). */
  nCols: number;
  nnz: number;
  maxDegree: number;
  sell: SellTensors;
  /**
   * Row r of P (and column r) is point order[r]; absent when P is in the points' own order.
   * `jointAffinities` with `reorder` numbers the points so that neighbours are near each other.
   */
  order?: Uint32Array;
}

export function disposeAffinities(p: SparseAffinities): void {
  disposeSell(p.sell);
}

/** Most neighbours per point the kNN graph holds (the kNN heap's limit). */
export const MAX_NEIGHBOURS = 128;

/** Neighbours per point used for a perplexity: 3·perplexity, as in van der Maaten 2014 (BH-SNE), at most 128. */
export function neighboursFor(perplexity: number): number {
  return Math.min(Math.floor(3 * perplexity), MAX_NEIGHBOURS);
}

/**
 * What a perplexity becomes with at most 128 neighbours. Above 128 / 3 the graph holds fewer than
 * 3·perplexity neighbours, so the affinities are truncated; at 128 and above no calibration can
 * reach the entropy log(perplexity) over 128 neighbours, and every such perplexity gives the same
 * uniform affinities: `effective` is then 128. Returns undefined when nothing is capped.
 */
export function perplexityCap(perplexity: number): { neighbours: number; wanted: number; effective: number } | undefined {
  const wanted = Math.floor(3 * perplexity);
  if (wanted <= MAX_NEIGHBOURS) return undefined;
  return { neighbours: MAX_NEIGHBOURS, wanted, effective: Math.min(perplexity, MAX_NEIGHBOURS) };
}

/** Smallest n that a perplexity allows: the 3·perplexity neighbours must exist. */
export function checkPerplexity(n: number, perplexity: number): void {
  if (!(perplexity > 0) || !Number.isFinite(perplexity)) {
    throw new InvalidInputError(`t-SNE: perplexity must be a positive number, got ${perplexity}.`);
  }
  const k = neighboursFor(perplexity);
  if (n < neighboursFor(1) + 1) {
    throw new InvalidInputError(`t-SNE: ${n} row${n === 1 ? ' is' : 's are'} too few; it needs at least ${neighboursFor(1) + 1} ` +
      `(perplexity 1, the smallest, uses ${neighboursFor(1)} neighbours per row).`);
  }
  if (n < k + 1) {
    throw new InvalidInputError(`t-SNE: perplexity ${perplexity} needs ${k} neighbours per point, so at least ${k + 1} points; ` +
      `got ${n}. Use a perplexity of at most ${Math.floor((n - 1) / 3)}.`);
  }
}

/** Rows per calibration dispatch: one storage binding of [rows, k], and at most ~16 MiB so the readback stays small. */
export function calibrationChunks(engine: Engine, n: number, k: number): RowChunk[] {
  const align = engine.limits.minStorageBufferOffsetAlignment;
  const chunks = rowChunks(engine, n, k, k, 't-SNE affinities');
  const cap = Math.max(align, Math.floor((1 << 22) / k / align) * align);
  const out: RowChunk[] = [];
  for (const c of chunks) for (let s = 0; s < c.count; s += cap) out.push({ start: c.start + s, count: Math.min(cap, c.count - s) });
  return out;
}

function checkGraph(graph: KnnGraph): void {
  const { n, k } = graph;
  if (graph.distances.rows !== n || graph.distances.cols !== k || graph.indices.size !== n * k) {
    throw new ShapeError(`t-SNE: the kNN graph's indices ${graph.indices} and distances ${graph.distances} are not both [${n}, ${k}].`);
  }
  if (k < 1) throw new InvalidInputError(`t-SNE: the kNN graph has k = ${k}.`);
}

/**
 * Conditional affinities p_j|i over each point's k nearest neighbours, calibrated on the GPU by a
 * per-point binary search so that each row's entropy is log(perplexity) (van der Maaten & Hinton
 * 2008). Returns p_j|i [n, k] (rows sum to 1) and the precisions beta_i [n]. Rows are calibrated in
 * chunks that each fit one storage binding.
 */
export function conditionalAffinities(engine: Engine, graph: KnnGraph, perplexity: number): { pcond: Tensor<'f32'>; beta: Tensor<'f32'> } {
  checkGraph(graph);
  const { n, k } = graph;
  const pcond = engine.empty([n, k], 'f32', 'tsne.pcond');
  const beta = engine.empty([n], 'f32', 'tsne.beta');
  for (const c of calibrationChunks(engine, n, k)) {
    encodeTsnePerplexity(engine, { n: c.count, k, perplexity }, graph.distances.rowSlice(c.start, c.count),
      pcond.rowSlice(c.start, c.count), beta.rowSlice(c.start, c.count));
  }
  return { pcond, beta };
}

/**
 * The calibrated rows brought to the host chunk by chunk: p_j|i and the neighbours' indices,
 * [n, k] each. Only one chunk's buffers live on the GPU besides the graph.
 */
async function calibratedRows(engine: Engine, graph: KnnGraph, perplexity: number, what: string): Promise<{ pc: Float32Array; idx: Uint32Array }> {
  checkGraph(graph);
  const { n, k } = graph;
  const chunks = calibrationChunks(engine, n, k);
  const most = Math.max(...chunks.map((c) => c.count));
  const pc = new Float32Array(n * k);
  const idx = new Uint32Array(n * k);
  const pcond = engine.empty([most, k], 'f32', 'tsne.pcond');
  const beta = engine.empty([most], 'f32', 'tsne.beta');
  try {
    for (const c of chunks) {
      encodeTsnePerplexity(engine, { n: c.count, k, perplexity }, graph.distances.rowSlice(c.start, c.count),
        pcond.rowSlice(0, c.count), beta.rowSlice(0, c.count));
      const [p, j] = await Promise.all([pcond.read(0, c.count * k), graph.indices.read(c.start * k, c.count * k)]);
      const bad = nonFiniteRows(p, k);
      if (bad.length) {
        const rows = bad.map((r) => r + c.start);
        throw new InvalidInputError(`${what} of row${rows.length > 1 ? 's' : ''} ${rows.join(', ')} are not finite; ` +
          'the input has NaN or Inf values in these rows (or in their neighbours).');
      }
      pc.set(p, c.start * k);
      idx.set(j, c.start * k);
    }
  } finally {
    pcond.dispose();
    beta.dispose();
  }
  return { pc, idx };
}

function nonFiniteRows(pcond: Float32Array, k: number): number[] {
  const bad: number[] = [];
  for (let i = 0; i < pcond.length / k && bad.length < 5; i++) {
    for (let j = 0; j < k; j++) if (!Number.isFinite(pcond[i * k + j])) { bad.push(i); break; }
  }
  return bad;
}

/**
 * The joint affinities P = (P_cond + P_condᵀ) / (2n) of t-SNE in the SELL layout the attractive
 * kernel reads: calibration on the GPU in row chunks, then the symmetrisation on the CPU in O(nk)
 * (as the reference implementations do: openTSNE, scikit-learn via scipy.sparse). Row i of P is
 * i's k neighbours plus the points that have i as a neighbour (found through the transposed graph,
 * edge ids grouped by target), duplicates merged; each row is generated twice (its degree for the
 * layout, then its entries straight into the SELL group being filled), so the host holds the graph,
 * p_j|i and the transpose (3 · n·k · 4 bytes) and one group, never the whole CSR.
 * `releaseGraph` runs once the graph has been read (free its GPU tensors there).
 * NaN/Inf in the input shows up as non-finite affinities and is reported with the rows.
 */
export async function jointAffinities(engine: Engine, graph: KnnGraph, perplexity: number,
  opts: { releaseGraph?: () => void; reorder?: boolean } = {}): Promise<SparseAffinities> {
  const { n, k } = graph;
  if (n * k >= 2 ** 32) throw new InvalidInputError(`t-SNE: ${n} points × ${k} neighbours is more edges than 32-bit ids address.`);
  const { pc, idx } = await calibratedRows(engine, graph, perplexity, 't-SNE: affinities');
  if (opts.releaseGraph) {
    opts.releaseGraph();
    // The graph's buffers (n·k·8 bytes) would otherwise wait in the pool for a reuse that never comes.
    await engine.sync();
    engine.pool.clear();
  }
  const inPtr = new Uint32Array(n + 1);
  for (let e = 0; e < n * k; e++) {
    const j = idx[e];
    if (j >= n) throw new InvalidInputError(`t-SNE: the kNN graph's row ${Math.floor(e / k)} names point ${j}, but there are ${n} points.`);
    inPtr[j + 1]++;
  }
  for (let i = 0; i < n; i++) inPtr[i + 1] += inPtr[i];
  const inEdge = new Uint32Array(n * k);
  const fill = inPtr.slice(0, n);
  for (let e = 0; e < n * k; e++) inEdge[fill[idx[e]]++] = e;
  const scale = 1 / (2 * n);
  // mark[j] = i + 1 while row i holds column j, at position pos[j].
  const mark = new Uint32Array(n);
  const pos = new Uint32Array(n);
  const row = (i: number, cols: Uint32Array | null, vals: Float32Array | null): number => {
    let deg = 0;
    const add = (j: number, e: number) => {
      if (j === i) return; // a self-edge (duplicate points in a foreign graph) carries no force
      if (mark[j] === i + 1) { if (vals) vals[pos[j]] += pc[e] * scale; return; }
      mark[j] = i + 1;
      pos[j] = deg;
      if (cols && vals) { cols[deg] = j; vals[deg] = pc[e] * scale; }
      deg++;
    };
    for (let e = i * k; e < (i + 1) * k; e++) add(idx[e], e);
    for (let t = inPtr[i]; t < inPtr[i + 1]; t++) add(Math.floor(inEdge[t] / k), inEdge[t]);
    return deg;
  };
  const degree = new Uint32Array(n);
  if (!opts.reorder) {
    for (let i = 0; i < n; i++) degree[i] = row(i, null, null);
    mark.fill(0);
    const sell = await buildSell(engine, degree, row);
    return { n, nCols: n, nnz: sell.nnz, maxDegree: sell.maxDegree, sell };
  }
  const order = breadthFirstOrder(idx, n, k);
  const rank = new Uint32Array(n);
  for (let r = 0; r < n; r++) rank[order[r]] = r;
  for (let r = 0; r < n; r++) degree[r] = row(order[r], null, null);
  mark.fill(0);
  const sell = await buildSell(engine, degree, (r, cols, vals) => {
    const deg = row(order[r], cols, vals);
    for (let t = 0; t < deg; t++) cols[t] = rank[cols[t]];
    return deg;
  });
  return { n, nCols: n, nnz: sell.nnz, maxDegree: sell.maxDegree, sell, order };
}

/**
 * The points in breadth-first order of the kNN graph (each point's unvisited neighbours numbered
 * next, nearest first; a new start where a component ends), as in Cuthill & McKee (1969) without
 * the degree sort: neighbours get nearby numbers, so the positions a row of P reads lie close in
 * memory instead of anywhere among n (what keeps the attractive force's cost per entry flat as n
 * outgrows the caches).
 */
export function breadthFirstOrder(idx: Uint32Array, n: number, k: number): Uint32Array {
  const order = new Uint32Array(n);
  const seen = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  for (let s = 0; s < n; s++) {
    if (seen[s]) continue;
    seen[s] = 1;
    order[tail++] = s;
    while (head < tail) {
      const i = order[head++];
      for (let e = i * k; e < (i + 1) * k; e++) if (!seen[idx[e]]) { seen[idx[e]] = 1; order[tail++] = idx[e]; }
    }
  }
  return order;
}

/**
 * Affinities of new points to a fixed reference (for `transform`, as in openTSNE's
 * `prepare_partial`): the conditional p_j|i over each new point's k nearest reference points,
 * rows summing to 1, k entries per row; with the host copies `idx` and `pc` ([m, k]).
 */
export async function queryAffinities(engine: Engine, graph: KnnGraph, nReference: number, perplexity: number):
  Promise<SparseAffinities & { idx: Uint32Array; pc: Float32Array }> {
  const { n, k } = graph;
  const { pc, idx } = await calibratedRows(engine, graph, perplexity, 't-SNE transform: affinities of new');
  const rowPtr = new Uint32Array(n + 1);
  for (let i = 0; i <= n; i++) rowPtr[i] = i * k;
  const sell = await csrToSell(engine, n, rowPtr, idx, pc);
  return { n, nCols: nReference, nnz: n * k, maxDegree: k, sell, idx, pc };
}
