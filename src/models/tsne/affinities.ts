import type { Engine } from '../../engine/engine.js';
import { InvalidInputError, ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeTsnePerplexity } from '../../kernels/tsne_perplexity.js';
import type { KnnGraph } from '../knn/index.js';
import { csrToSell, disposeSell, type SellTensors } from './sell.js';

/** A sparse affinity matrix in CSR form on the GPU (column indices need not be sorted within a row). */
export interface SparseAffinities {
  n: number;
  /** Columns' point count (n for a fit; the reference size for `transform`). */
  nCols: number;
  rowPtr: Tensor<'u32'>;
  colIdx: Tensor<'u32'>;
  val: Tensor<'f32'>;
  nnz: number;
  maxDegree: number;
  /** The same matrix in the layout the attractive-force kernel reads. */
  sell: SellTensors;
}

export function disposeAffinities(p: SparseAffinities): void {
  p.rowPtr.dispose();
  p.colIdx.dispose();
  p.val.dispose();
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

/**
 * Conditional affinities p_j|i over each point's k nearest neighbours, calibrated on the GPU by a
 * per-point binary search so that each row's entropy is log(perplexity) (van der Maaten & Hinton
 * 2008). Returns p_j|i [n, k] (rows sum to 1) and the precisions beta_i [n].
 */
export function conditionalAffinities(engine: Engine, graph: KnnGraph, perplexity: number): { pcond: Tensor<'f32'>; beta: Tensor<'f32'> } {
  const { n, k } = graph;
  if (graph.distances.rows !== n || graph.distances.cols !== k || graph.indices.size !== n * k) {
    throw new ShapeError(`t-SNE: the kNN graph's indices ${graph.indices} and distances ${graph.distances} are not both [${n}, ${k}].`);
  }
  if (k < Math.min(neighboursFor(perplexity), 1)) throw new InvalidInputError(`t-SNE: the kNN graph has k = ${k}.`);
  const pcond = engine.empty([n, k], 'f32', 'tsne.pcond');
  const beta = engine.empty([n], 'f32', 'tsne.beta');
  encodeTsnePerplexity(engine, { n, k, perplexity }, graph.distances.slice(), pcond.slice(), beta.slice());
  return { pcond, beta };
}

function nonFiniteRows(pcond: Float32Array, k: number): number[] {
  const bad: number[] = [];
  for (let i = 0; i < pcond.length / k && bad.length < 5; i++) {
    for (let j = 0; j < k; j++) if (!Number.isFinite(pcond[i * k + j])) { bad.push(i); break; }
  }
  return bad;
}

/**
 * The joint affinities P = (P_cond + P_condᵀ) / (2n) of t-SNE as CSR: calibration on the GPU, then
 * the symmetrisation (a scatter of each edge into both rows, duplicates merged) on the CPU in O(nk),
 * which is what the reference implementations do too (openTSNE, scikit-learn via scipy.sparse).
 * NaN/Inf in the input shows up as non-finite affinities and is reported with the rows.
 */
export async function jointAffinities(engine: Engine, graph: KnnGraph, perplexity: number): Promise<SparseAffinities> {
  const { n, k } = graph;
  const { pcond, beta } = conditionalAffinities(engine, graph, perplexity);
  const [pc, idx] = await Promise.all([pcond.read(), graph.indices.read()]);
  pcond.dispose();
  beta.dispose();
  const bad = nonFiniteRows(pc, k);
  if (bad.length) {
    throw new InvalidInputError(`t-SNE: affinities of row${bad.length > 1 ? 's' : ''} ${bad.join(', ')} are not finite; ` +
      'the input has NaN or Inf values in these rows (or in their neighbours).');
  }
  // Scatter every directed edge (i→j, p) into rows i and j, then merge repeated columns per row.
  const count = new Uint32Array(n + 1);
  for (let e = 0; e < n * k; e++) {
    const j = idx[e];
    if (j >= n) throw new InvalidInputError(`t-SNE: the kNN graph's row ${Math.floor(e / k)} names point ${j}, but there are ${n} points.`);
    count[Math.floor(e / k) + 1]++;
    count[j + 1]++;
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const fill = count.slice(0, n);
  const cols = new Uint32Array(2 * n * k);
  const vals = new Float32Array(2 * n * k);
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = idx[i * k + t];
      const v = pc[i * k + t] * scale;
      cols[fill[i]] = j; vals[fill[i]++] = v;
      cols[fill[j]] = i; vals[fill[j]++] = v;
    }
  }
  const rowPtr = new Uint32Array(n + 1);
  const outCols = new Uint32Array(2 * n * k);
  const outVals = new Float32Array(2 * n * k);
  const slot = new Int32Array(n).fill(-1);
  let nnz = 0;
  let maxDegree = 0;
  for (let i = 0; i < n; i++) {
    const start = nnz;
    for (let e = count[i]; e < count[i + 1]; e++) {
      const j = cols[e];
      if (j === i) continue; // a self-edge (duplicate points in a foreign graph) carries no force
      if (slot[j] >= start) { outVals[slot[j]] += vals[e]; continue; }
      slot[j] = nnz;
      outCols[nnz] = j; outVals[nnz++] = vals[e];
    }
    rowPtr[i + 1] = nnz;
    maxDegree = Math.max(maxDegree, nnz - start);
  }
  return {
    n, nCols: n, nnz, maxDegree,
    sell: csrToSell(engine, n, rowPtr, outCols, outVals),
    rowPtr: engine.tensor(rowPtr, [n + 1], { label: 'tsne.P.rowPtr' }) as Tensor<'u32'>,
    colIdx: engine.tensor(outCols.subarray(0, Math.max(nnz, 1)), [Math.max(nnz, 1)], { label: 'tsne.P.colIdx' }) as Tensor<'u32'>,
    val: engine.tensor(outVals.subarray(0, Math.max(nnz, 1)), [Math.max(nnz, 1)], { label: 'tsne.P.val' }) as Tensor<'f32'>,
  };
}

/**
 * Affinities of new points to a fixed reference (for `transform`, as in openTSNE's
 * `prepare_partial`): the conditional p_j|i over each new point's k nearest reference points,
 * rows summing to 1, as CSR with k entries per row.
 */
export async function queryAffinities(engine: Engine, graph: KnnGraph, nReference: number, perplexity: number): Promise<SparseAffinities> {
  const { n, k } = graph;
  const { pcond, beta } = conditionalAffinities(engine, graph, perplexity);
  beta.dispose();
  const [pc, idx] = await Promise.all([pcond.read(), graph.indices.read()]);
  const bad = nonFiniteRows(pc, k);
  if (bad.length) {
    pcond.dispose();
    throw new InvalidInputError(`t-SNE transform: affinities of new row${bad.length > 1 ? 's' : ''} ${bad.join(', ')} are not finite (NaN or Inf in the input).`);
  }
  const rowPtr = new Uint32Array(n + 1);
  for (let i = 0; i <= n; i++) rowPtr[i] = i * k;
  return {
    n, nCols: nReference, nnz: n * k, maxDegree: k,
    sell: csrToSell(engine, n, rowPtr, idx, pc),
    rowPtr: engine.tensor(rowPtr, [n + 1], { label: 'tsne.Pnew.rowPtr' }) as Tensor<'u32'>,
    colIdx: graph.indices,
    val: pcond as Tensor<'f32'>,
  };
}
