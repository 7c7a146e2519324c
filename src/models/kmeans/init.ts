import type { Engine } from '../../engine/engine.js';
import { ShapeError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { encodeKMeansPrepare, paddedK } from '../../kernels/kmeans_prepare.js';
import { encodeKMeansSeedDists } from '../../kernels/kmeans_seed_dists.js';
import { reduce } from '../../ops/reduce.js';
import { sampleWithoutReplacement } from '../../ops/random.js';
import type { KMeansData } from './steps.js';

/** Copies rows `rows` of x into cent [rows.length, d] (GPU-side copies, no read-back). */
function copyRows(data: KMeansData, rows: ArrayLike<number>, cent: Tensor, at = 0): void {
  for (let q = 0; q < rows.length; q++) data.engine.copy(data.x, cent, data.d, rows[q] * data.d, (at + q) * data.d);
}

/** k distinct rows of x chosen uniformly at random. */
export function randomInit(data: KMeansData, k: number, random: () => number): Tensor {
  const cent = data.engine.empty([k, data.d], 'f32', 'kmeans.centroids');
  copyRows(data, sampleWithoutReplacement(data.n, k, random), cent);
  return cent;
}

/** User-given centroids [k, d], row-major. */
export function explicitInit(engine: Engine, init: Float32Array, k: number, d: number): Tensor {
  if (init.length !== k * d) {
    throw new ShapeError(`KMeans: init has ${init.length} values, expected k·d = ${k}·${d} = ${k * d} (centroids [k, d] row-major).`);
  }
  return engine.tensor(init, [k, d], { label: 'kmeans.centroids' });
}

/** Where k-means++ leaves every row: its nearest centre, and its distances to all centres. */
export interface SeedAssignment {
  labels: Uint32Array;
  /** Squared distance to the nearest centre. */
  dist2: Float32Array;
  /** Distance to every centre [n, k] (row-major), when asked for. */
  all: Float32Array | null;
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful seeding"),
 * greedy as in scikit-learn: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn with
 * probability ∝ D(x)², the one that leaves the smallest potential Σ D². The distances and the
 * candidates' potentials are computed on the GPU; the small CPU step per centre reads the
 * potentials and the chosen centre's distances (n floats), keeps D² and each row's nearest centre,
 * and draws the next candidates by inverse-CDF sampling. What it keeps is the first assignment
 * (and, with `allDistances`, Elkan's first bounds), so Lloyd's first iteration needs no search.
 */
export async function kmeansPlusPlusInit(data: KMeansData, k: number, random: () => number,
  allDistances: boolean): Promise<{ centroids: Tensor; seed: SeedAssignment }> {
  const { engine, n, d } = data;
  const trials = 2 + Math.floor(Math.log(k));
  const cent = engine.empty([k, d], 'f32', 'kmeans.centroids');
  const cand = engine.empty([trials, d], 'f32', 'kmeans.candidates');
  const candT = engine.empty([data.d4, paddedK(trials)], 'f32', 'kmeans.candidatesT');
  const candNorms = engine.empty([paddedK(trials)], 'f32', 'kmeans.candidateNorms');
  const candD2 = engine.empty([trials, n], 'f32', 'kmeans.candidateD2');
  const candRaw = engine.empty([trials, n], 'f32', 'kmeans.candidateDistances');
  const seed: SeedAssignment = { labels: new Uint32Array(n), dist2: new Float32Array(n).fill(Infinity), all: allDistances ? new Float32Array(n * k) : null };
  // "No centre yet": every row infinitely far.
  const current = engine.tensor(new Float32Array(n).fill(3.4e38), [n], { label: 'kmeans.d2' });
  /** Makes candidate `t` centre `c`: GPU D², and the CPU's nearest centres and distances. */
  const choose = async (t: number, c: number, row: number) => {
    copyRows(data, [row], cent, c);
    engine.copy(candD2, current, n, t * n, 0);
    const raw = await candRaw.read(t * n, n);
    for (let i = 0; i < n; i++) {
      if (raw[i] < seed.dist2[i]) { seed.dist2[i] = raw[i]; seed.labels[i] = c; }
      if (seed.all) seed.all[i * k + c] = Math.sqrt(raw[i]);
    }
  };
  try {
    const first = Math.floor(random() * n);
    copyRows(data, [first], cand);
    seedDists(data, cand, 1, candT, candNorms, current, candD2, candRaw);
    await choose(0, 0, first);
    for (let c = 1; c < k; c++) {
      const cum = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) { total += seed.dist2[i]; cum[i] = total; }
      const picks: number[] = [];
      for (let t = 0; t < trials; t++) {
        // All remaining points coincide with centres (duplicates): any point will do.
        picks.push(total > 0 ? Math.min(n - 1, lowerBound(cum, random() * total)) : Math.floor(random() * n));
      }
      copyRows(data, picks, cand);
      seedDists(data, cand, trials, candT, candNorms, current, candD2, candRaw);
      const potentialsT = reduce(engine, candD2, 'sum', 1);
      const potentials = await potentialsT.read();
      potentialsT.dispose();
      let best = 0;
      for (let t = 1; t < trials; t++) if (potentials[t] < potentials[best]) best = t;
      await choose(best, c, picks[best]);
    }
  } catch (e) {
    cent.dispose();
    throw e;
  } finally {
    for (const t of [cand, candT, candNorms, candD2, candRaw, current]) t.dispose();
  }
  return { centroids: cent, seed };
}

function seedDists(data: KMeansData, cand: Tensor, nCand: number, candT: Tensor, candNorms: Tensor, current: Tensor,
  out: Tensor, raw: Tensor): void {
  encodeKMeansPrepare(data.engine, { k: nCand, d: data.d, d4: data.d4 }, cand.slice(), candT.slice(), candNorms.slice());
  for (const ch of data.chunks) {
    encodeKMeansSeedDists(data.engine, { rows: ch.count, row0: ch.start, n: data.n, d4: data.d4, nCand },
      data.x4.rowSlice(ch.start, ch.count), candT.slice(), current.slice(), out.slice(), raw.slice());
  }
}

/** First index i with cum[i] > v (cum non-decreasing). */
function lowerBound(cum: Float64Array, v: number): number {
  let lo = 0;
  let hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > v) hi = mid; else lo = mid + 1;
  }
  return lo;
}
