import type { Engine } from '../engine/engine.js';
import { InvalidInputError, ShapeError } from '../engine/errors.js';
import type { Tensor } from '../engine/tensor.js';
import { knnQuery } from '../models/knn/index.js';
import { neighbourRanks } from './ranks.js';
import { seededRandom } from '../ops/random.js';

/**
 * Fold of each sample as in scikit-learn's `StratifiedKFold(n_splits, shuffle=False)` (1.2):
 * each class's samples, in order, are dealt to folds in contiguous runs whose sizes come from
 * dealing the class-sorted labels round-robin. Same folds → accuracies comparable with sklearn.
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number): Int32Array {
  const n = labels.length;
  const code = new Map<number, number>();
  const enc = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!code.has(labels[i])) code.set(labels[i], code.size);
    enc[i] = code.get(labels[i])!;
  }
  const classes = code.size;
  const sorted = Int32Array.from(enc).sort();
  const alloc = Array.from({ length: folds }, () => new Int32Array(classes));
  for (let i = 0; i < n; i++) alloc[i % folds][sorted[i]]++;
  const out = new Int32Array(n);
  const fold = new Int32Array(classes);
  const used = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    const c = enc[i];
    while (used[c] >= alloc[fold[c]][c]) { fold[c]++; used[c] = 0; }
    out[i] = fold[c];
    used[c]++;
  }
  return out;
}

function checkLabels(labels: ArrayLike<number>, n: number): void {
  if (labels.length !== n) throw new ShapeError(`knnAccuracy: ${labels.length} labels for ${n} points.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(labels[i])) throw new InvalidInputError(`knnAccuracy: label ${i} is ${labels[i]}, not an integer.`);
  }
}

/**
 * Accuracy of a k-nearest-neighbour classifier (uniform majority vote, ties to the smallest
 * label, as scikit-learn's KNeighborsClassifier) under stratified `folds`-fold cross-validation
 * with scikit-learn's fold assignment. Neighbours are found exactly on the GPU (`knnQuery`).
 * With `sample`, only that many test rows in all (a seeded subset of each fold, in proportion) are
 * classified against their fold's whole training set: an unbiased estimate of the same accuracy at
 * O(sample·n) instead of O(n²), for maps of millions of points.
 */
export async function knnAccuracy(engine: Engine, embedding: Tensor, labels: ArrayLike<number>, k = 10, folds = 5,
  opts: { sample?: number; seed?: number } = {}): Promise<number> {
  if (embedding.rank !== 2 || embedding.dtype !== 'f32') throw new ShapeError(`knnAccuracy: embedding must be a 2-D f32 tensor, got ${embedding}.`);
  const n = embedding.rows;
  const d = embedding.cols;
  checkLabels(labels, n);
  if (!Number.isInteger(folds) || folds < 2 || folds > n) throw new InvalidInputError(`knnAccuracy: folds must be an integer in 2..${n}, got ${folds}.`);
  const fold = stratifiedFolds(labels, folds);
  const host = await embedding.read();
  const sampled = opts.sample !== undefined && opts.sample < n;
  const rand = seededRandom(opts.seed ?? 1);
  let correct = 0;
  let scored = 0;
  for (let f = 0; f < folds; f++) {
    let test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    if (test.length === 0) continue;
    if (sampled) {
      const want = Math.max(1, Math.round((opts.sample! * test.length) / n));
      for (let i = 0; i < want; i++) { const j = i + Math.floor(rand() * (test.length - i)); [test[i], test[j]] = [test[j], test[i]]; }
      test = test.slice(0, want).sort((a, b) => a - b);
    }
    scored += test.length;
    if (!Number.isInteger(k) || k < 1 || k > train.length) {
      throw new InvalidInputError(`knnAccuracy: k must be an integer in 1..${train.length} (the smallest training fold), got ${k}.`);
    }
    const gather = (idx: number[]) => {
      const out = new Float32Array(idx.length * d);
      idx.forEach((r, i) => out.set(host.subarray(r * d, (r + 1) * d), i * d));
      return engine.tensor(out, [idx.length, d], { label: 'knnAccuracy.rows' });
    };
    const trainT = gather(train);
    const testT = gather(test);
    try {
      const g = await knnQuery(engine, trainT, testT, k);
      const nb = await g.indices.read();
      g.indices.dispose(); g.distances.dispose();
      for (let q = 0; q < test.length; q++) {
        const votes = new Map<number, number>();
        for (let t = 0; t < k; t++) {
          const lab = labels[train[nb[q * k + t]]];
          votes.set(lab, (votes.get(lab) ?? 0) + 1);
        }
        let best = Infinity;
        let bestVotes = -1;
        for (const [lab, v] of votes) if (v > bestVotes || (v === bestVotes && lab < best)) { best = lab; bestVotes = v; }
        if (best === labels[test[q]]) correct++;
      }
    } finally {
      trainT.dispose(); testT.dispose();
    }
  }
  return correct / scored;
}

export interface TrustworthinessOptions {
  /** Rows whose neighbourhoods are scored (default 10,000): all rows up to this many, else a seeded sample. */
  sample?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Trustworthiness (Venna & Kaski 2001, "Neighborhood preservation in nonlinear projection
 * methods"), as scikit-learn's `manifold.trustworthiness`:
 * T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i} (r(i, j) − k), where U_i are the k nearest
 * of i in the embedding that are not among its k nearest in x and r(i, j) is j's exact rank
 * among i's neighbours in x (computed on the GPU). Above `sample` points, the sum runs over a
 * seeded random sample of rows and is scaled by n / sample (an unbiased estimate).
 */
export async function trustworthiness(engine: Engine, x: Tensor, embedding: Tensor, k = 10, opts: TrustworthinessOptions = {}): Promise<number> {
  if (x.rank !== 2 || embedding.rank !== 2) throw new ShapeError(`trustworthiness: x and embedding must be 2-D, got ${x} and ${embedding}.`);
  const n = x.rows;
  if (embedding.rows !== n) throw new ShapeError(`trustworthiness: x has ${n} rows but the embedding has ${embedding.rows}.`);
  if (!Number.isInteger(k) || k < 1 || k >= n / 2 || k > 127) {
    throw new InvalidInputError(`trustworthiness: k must be an integer with 1 ≤ k < n/2 = ${n / 2} and k ≤ 127, got ${k}.`);
  }
  const m = Math.min(n, opts.sample ?? 10_000);
  const rows = sampleRows(n, m, opts.seed ?? 1);
  const e = embedding.cols;
  const host = await embedding.read();
  const q = new Float32Array(m * e);
  rows.forEach((r, i) => q.set(host.subarray(r * e, (r + 1) * e), i * e));
  const qt = engine.tensor(q, [m, e], { label: 'trustworthiness.queries' });
  let nbAll: Uint32Array;
  try {
    const g = await knnQuery(engine, embedding, qt, k + 1);
    nbAll = await g.indices.read();
    g.indices.dispose(); g.distances.dispose();
  } finally {
    qt.dispose();
  }
  // Drop each query's own point (or, if duplicates pushed it out, the farthest).
  const nb = new Uint32Array(m * k);
  for (let i = 0; i < m; i++) {
    let w = 0;
    for (let t = 0; t <= k && w < k; t++) if (nbAll[i * (k + 1) + t] !== rows[i] || t === k) nb[i * k + w++] = nbAll[i * (k + 1) + t];
  }
  const ranks = await neighbourRanks(engine, x, rows, nb, k, opts.onProgress);
  let penalty = 0;
  for (const r of ranks) penalty += Math.max(0, r - k);
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * (n / m) * penalty;
}

/** All rows when m = n, else m distinct rows (sorted) by a seeded partial Fisher–Yates shuffle. */
function sampleRows(n: number, m: number, seed: number): Uint32Array {
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  if (m >= n) return all;
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const tmp = all[i]; all[i] = all[j]; all[j] = tmp;
  }
  return all.slice(0, m).sort();
}
