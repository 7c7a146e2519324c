import type { Engine } from '../engine/engine.js';
import { InvalidInputError, LimitError, ShapeError } from '../engine/errors.js';
import { LOOP_BUDGET } from '../engine/kernel.js';
import { Tensor } from '../engine/tensor.js';
import { encodeKMeansGatherRows } from '../kernels/kmeans_gather_rows.js';
import { encodeKMeansSilhouette, SILHOUETTE_MAX_K } from '../kernels/kmeans_silhouette.js';
import { rowChunks } from '../ops/chunks.js';
import { matmul } from '../ops/matmul.js';
import { reduce } from '../ops/reduce.js';
import { sampleWithoutReplacement, seededRandom } from '../ops/random.js';

/** Contingency table of two labelings of the same items, with row and column sums. */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  if (a.length !== b.length) throw new ShapeError(`${what}: the labelings have ${a.length} and ${b.length} items.`);
  const ia = new Map<number, number>();
  const ib = new Map<number, number>();
  const cells = new Map<number, number>();
  const ids = (m: Map<number, number>, v: number) => {
    if (!Number.isFinite(v)) throw new InvalidInputError(`${what}: labels must be finite numbers, got ${v}.`);
    let i = m.get(v);
    if (i === undefined) { i = m.size; m.set(v, i); }
    return i;
  };
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i++) pairs.push([ids(ia, a[i]), ids(ib, b[i])]);
  const rowSum = new Float64Array(ia.size);
  const colSum = new Float64Array(ib.size);
  for (const [x, y] of pairs) {
    rowSum[x]++; colSum[y]++;
    const key = x * ib.size + y;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const cellList = [...cells].map(([key, count]) => ({ row: Math.floor(key / ib.size), col: key % ib.size, count }));
  return { n: a.length, rowSum, colSum, cells: cellList };
}

const comb2 = (v: number) => (v * (v - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985) of two labelings: 1 for the same partition (up to
 * renaming), about 0 for independent ones, negative when worse than chance. Matches
 * scikit-learn's `adjusted_rand_score`, including 1 for degenerate cases where both labelings are
 * the same trivial partition.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, rowSum, colSum, cells } = contingency(a, b, 'adjustedRandIndex');
  if (n < 2) return 1;
  let index = 0;
  for (const c of cells) index += comb2(c.count);
  let sa = 0;
  let sb = 0;
  for (const v of rowSum) sa += comb2(v);
  for (const v of colSum) sb += comb2(v);
  const expected = (sa * sb) / comb2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * Normalised mutual information of two labelings, MI / mean(H(a), H(b)) (the arithmetic mean,
 * scikit-learn's default; Strehl & Ghosh 2002 use the geometric mean). 1 for the same partition,
 * 0 for independent ones; 1 when both labelings put everything in one cluster.
 */
export function normalizedMutualInfo(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, rowSum, colSum, cells } = contingency(a, b, 'normalizedMutualInfo');
  if (rowSum.length === colSum.length && (rowSum.length <= 1)) return 1;
  // MI = Σ p_xy log(p_xy / (p_x p_y)) over the non-empty cells.
  let mi = 0;
  for (const { row, col, count } of cells) mi += (count / n) * Math.log((count * n) / (rowSum[row] * colSum[col]));
  const ha = entropy(rowSum, n);
  const hb = entropy(colSum, n);
  if (mi <= 0) return 0;
  const denom = (ha + hb) / 2;
  return Math.min(1, mi / denom);
}

export interface SilhouetteOptions {
  /** Rows to sample (without replacement) when x has more; default 2000, at most 8192. */
  sample?: number;
  seed?: number;
}

/**
 * Mean silhouette coefficient (Rousseeuw 1987) of a clustering, on the GPU, over a random sample
 * of rows (all rows when there are no more than `sample`): the sample's pairwise Euclidean
 * distances come from one Gram matrix and each sampled point's per-cluster mean distances from one
 * invocation. Like scikit-learn's `silhouette_score(..., sample_size)`, distances are only within
 * the sample. Needs 2 ≤ clusters in the sample ≤ sample − 1.
 */
export async function silhouette(engine: Engine, x: Tensor, labels: Tensor<'u32'> | Uint32Array,
  opts: SilhouetteOptions = {}): Promise<number> {
  if (x.dtype !== 'f32' || x.rank !== 2) throw new ShapeError(`silhouette: x must be a 2-D f32 matrix, got ${x}.`);
  const n = x.rows;
  const d = x.cols;
  const all = labels instanceof Tensor ? await labels.read() : labels;
  if (all.length !== n) throw new ShapeError(`silhouette: ${all.length} labels for ${n} rows of x.`);
  const want = opts.sample ?? 2000;
  const maxSample = Math.min(8192, LOOP_BUDGET - 64, Math.floor(Math.sqrt(engine.limits.maxStorageBufferBindingSize / 4)));
  if (!Number.isInteger(want) || want < 2 || want > maxSample) {
    throw new InvalidInputError(`silhouette: sample must be an integer in 2..${maxSample}, got ${want}.`);
  }
  const s = Math.min(want, n);
  const idx = s === n ? Uint32Array.from({ length: n }, (_, i) => i) : sampleWithoutReplacement(n, s, seededRandom(opts.seed ?? 0));
  // Dense cluster ids 0..k-1 within the sample.
  const ids = new Map<number, number>();
  const sampleLabels = new Uint32Array(s);
  for (let i = 0; i < s; i++) {
    const l = all[idx[i]];
    let id = ids.get(l);
    if (id === undefined) { id = ids.size; ids.set(l, id); }
    sampleLabels[i] = id;
  }
  const k = ids.size;
  if (k < 2 || k > s - 1) {
    throw new InvalidInputError(`silhouette: needs between 2 and ${s - 1} clusters among the ${s} rows it looks at, got ${k}.`);
  }
  if (k > SILHOUETTE_MAX_K) {
    throw new LimitError(`silhouette: at most ${SILHOUETTE_MAX_K} clusters, got ${k}.`, 'silhouetteClusters', SILHOUETTE_MAX_K, k);
  }
  const idxT = engine.tensor(idx, [s], { label: 'silhouette.index' });
  const sx = engine.empty([s, d], 'f32', 'silhouette.sample');
  for (const ch of rowChunks(engine, n, d, 0, 'silhouette: x')) {
    encodeKMeansGatherRows(engine, { count: s, d, row0: ch.start, rows: ch.count }, idxT.slice(), x.rowSlice(ch.start, ch.count), sx.slice());
  }
  const norms = reduce(engine, sx, 'sumsq', 1);
  const gram = matmul(engine, sx, sx, { transB: true, label: 'silhouette.gram' });
  const labelsT = engine.tensor(sampleLabels, [s], { label: 'silhouette.labels' });
  const out = engine.empty([s], 'f32', 'silhouette.values');
  encodeKMeansSilhouette(engine, { s, k }, gram.slice(), norms.slice(), labelsT.slice(), out.slice());
  const values = await out.read();
  for (const t of [idxT, sx, norms, gram, labelsT, out]) t.dispose();
  let total = 0;
  for (let i = 0; i < s; i++) total += values[i];
  return total / s;
}
