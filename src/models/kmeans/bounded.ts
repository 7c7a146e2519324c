import type { Tensor } from '../../engine/tensor.js';
import { encodeKMeansGatherRows } from '../../kernels/kmeans_gather_rows.js';
import type { SeedAssignment } from './init.js';
import type { RunOptions, RunResult } from './run.js';
import type { KMeansData } from './steps.js';

/** Relative slack on the bounds test: GPU distances are f32, so a near-tie is always rechecked. */
const SLACK = 1e-5;
/**
 * Listed rows above this fraction of n: one full assignment pass is cheaper. Elkan's pair
 * distances cost a few per listed row, each far cheaper than a search over all centroids.
 */
const FULL_ASSIGN_ABOVE = { elkan: 0.9, hamerly: 0.5 };
/** Moved rows whose x is read back for the CPU update, at most (as floats); above, the GPU sums all rows. */
const CPU_UPDATE_FLOATS = 16_000_000;
/** Most n·k for one lower bound per (row, centroid) (4 bytes each on the CPU); above, one per row. */
export const ELKAN_MAX_BOUNDS = 32_000_000;

/**
 * Lloyd's algorithm with distance bounds (Elkan 2003, "Using the triangle inequality to accelerate
 * k-means"; Hamerly 2010, "Making k-means even faster"): each row keeps an upper bound u on the
 * distance to its centroid and lower bounds on the distances to the others; after the centroids
 * move by δ, u += δ(own) and the lower bounds drop (see LowerBounds). A row whose u is below the
 * lower bound or half the centroid gap for every other centroid cannot change cluster. Only the
 * other rows go back to the GPU: with per-centroid bounds as batches of (row, centroid) distances
 * (elkanStep), with one bound per row as a listed nearest/second-nearest search. Late iterations,
 * where few rows move, cost a fraction of a pass over x. The result is the same as
 * plain Lloyd's up to f32 rounding on near-ties (the test has slack for them). The bounds live on
 * the CPU: updating them is a few operations per row and centroid, far less than a distance.
 *
 * The update is incremental: the CPU keeps per-cluster sums in float64 and applies the rows that
 * moved (read back from the GPU by index), unless so many moved that summing all rows on the GPU
 * (kmeans_partial_sums) is cheaper. The first iteration, and any after an empty cluster is
 * re-seeded, is a full pass.
 */
export async function lloydBounded(data: KMeansData, init: Tensor, run: RunOptions, perCentroidUpTo = ELKAN_MAX_BOUNDS,
  seed?: SeedAssignment): Promise<RunResult> {
  const { engine, n, d } = data;
  const k = init.rows;
  const cent = init;
  let C = (await cent.read()) as Float32Array;
  const labels = new Uint32Array(n);
  const upper = new Float64Array(n);
  const bounds = new LowerBounds(n, k, perCentroidUpTo);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const next = engine.empty([k, d], 'f32', 'kmeans.centroids');
  const gpuCounts = engine.empty([k], 'f32', 'kmeans.counts');
  const noWeights = engine.zeros([k], 'f32', 'kmeans.weights');
  let delta: Float64Array = new Float64Array(k);
  let full = true;
  let forceGpuUpdate = false;
  let iteration = 0;
  /** One assignment step from the bounds (or a full pass); returns the list it used, if any. */
  const assignStep = async (moved: number[], from: number[]): Promise<Uint32Array | null> => {
    let list: Uint32Array | null = null;
    const gaps = centroidGaps(C, k, d);
    if (!full) {
      list = bounds.rowsToCheck(labels, upper, delta, gaps);
      if (list.length > FULL_ASSIGN_ABOVE[bounds.perCentroid ? 'elkan' : 'hamerly'] * n) list = null;
    }
    if (!list) {
      data.assign(cent, bounds.perCentroid !== null);
      const [lab, mind, extra] = [await data.labels.read(), await data.mind.read(), (await data.extra!.read()) as Float32Array];
      for (let i = 0; i < n; i++) {
        if (lab[i] !== labels[i]) { moved.push(i); from.push(labels[i]); }
        labels[i] = lab[i];
        upper[i] = Math.sqrt(mind[i]);
        bounds.reset(i, extra, i);
      }
    } else if (bounds.perCentroid) {
      await elkanStep(data, cent, list, labels, upper, bounds.perCentroid, gaps!, k, moved, from);
    } else {
      const res = await data.assignListed(cent, list, false);
      for (let j = 0; j < list.length; j++) {
        const i = list[j];
        upper[i] = Math.sqrt(res.mind[j]);
        bounds.reset(i, res.extra, j);
        if (res.labels[j] !== labels[i]) { moved.push(i); from.push(labels[i]); labels[i] = res.labels[j]; }
      }
    }
    return list;
  };
  try {
    while (iteration < run.maxIter) {
      iteration++;
      // Rows that changed cluster: the CPU moves them between the float64 sums when there are few
      // enough; otherwise (and on the first pass, with no sums yet) the GPU sums all rows.
      const moved: number[] = [];
      const from: number[] = [];
      let list: Uint32Array | null = null;
      if (iteration === 1 && seed) {
        // k-means++ already assigned every row to its nearest centre.
        labels.set(seed.labels);
        for (let i = 0; i < n; i++) upper[i] = Math.sqrt(seed.dist2[i]) * (1 + 1e-6);
        bounds.seed(seed.all);
        data.labels.write(labels);
      } else {
        list = await assignStep(moved, from);
      }
      const gpuUpdate = iteration === 1 || forceGpuUpdate || moved.length * d > CPU_UPDATE_FLOATS || moved.length > n / 3;
      if (!gpuUpdate) {
        await applyMoves(data, moved, from, labels, sums, counts);
      } else if (list) {
        data.labels.write(labels);
      }
      if (gpuUpdate) {
        data.update(cent, noWeights, next, gpuCounts);
        const [cnt, mean] = [await gpuCounts.read(), await next.read()];
        for (let c = 0; c < k; c++) {
          counts[c] = cnt[c];
          for (let j = 0; j < d; j++) sums[c * d + j] = mean[c * d + j] * cnt[c];
        }
      }
      const after = new Float32Array(k * d);
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < d; j++) after[c * d + j] = counts[c] > 0 ? sums[c * d + j] / counts[c] : C[c * d + j];
      }
      full = await reseedEmpty(data, counts, upper, after);
      // A re-seeded centroid has no rows in the sums yet: the next update sums all rows.
      forceGpuUpdate = full;
      delta = movement(C, after, k, d);
      let shift = 0;
      for (const v of delta) shift += v * v;
      C = after;
      cent.write(C);
      run.onProgress?.({ phase: 'iterate', restart: run.restart, restarts: run.restarts, iteration, shift });
      if (shift <= run.tolAbs) break;
    }
    // Final assignment to the final centroids (as scikit-learn's last E-step), then the inertia
    // from each row's exact distance to its centroid: one pass of single-pair distances.
    await assignStep([], []);
    data.labels.write(labels);
    const own = await data.pairDistances(cent, Uint32Array.from({ length: n }, (_, i) => i), labels);
    let inertia = 0;
    for (let i = 0; i < n; i++) inertia += own[i];
    return { centroids: cent, iterations: iteration, inertia };
  } catch (e) {
    cent.dispose();
    throw e;
  } finally {
    next.dispose();
    gpuCounts.dispose();
    noWeights.dispose();
  }
}

/**
 * Lower bounds on each row's distance to the centroids other than its own: one per (row, centroid)
 * as in Elkan (2003), starting from the exact distances, when n·k is small enough (k floats per
 * row); otherwise one per row as in Hamerly (2010), starting from the distance to the second
 * nearest centroid. A centroid that moves by δ lowers its bound by δ (Elkan) or every bound by
 * the largest δ (Hamerly).
 */
export class LowerBounds {
  readonly perCentroid: Float32Array | null;
  private readonly single: Float64Array | null;

  constructor(private readonly n: number, private readonly k: number, perCentroidUpTo: number) {
    const elkan = n * k <= perCentroidUpTo;
    this.perCentroid = elkan ? new Float32Array(n * k) : null;
    this.single = elkan ? null : new Float64Array(n);
  }

  /** All bounds from k-means++'s distances to every centre (Elkan), or none known (Hamerly: 0). */
  seed(all: Float32Array | null): void {
    if (this.perCentroid && all) for (let o = 0; o < all.length; o++) this.perCentroid[o] = all[o] * (1 - 1e-6);
    else if (this.perCentroid) this.perCentroid.fill(0);
    else this.single!.fill(0);
  }

  /** Row i's bounds from the squared distances the GPU returned at position j of `extra`. */
  reset(i: number, extra: Float32Array, j: number): void {
    if (this.perCentroid) {
      for (let c = 0; c < this.k; c++) this.perCentroid[i * this.k + c] = Math.sqrt(extra[j * this.k + c]) * (1 - 1e-6);
    } else {
      this.single![i] = Math.sqrt(Math.max(0, extra[j]));
    }
  }

  /**
   * Moves the bounds by the last centroid shifts and lists the rows they no longer prove:
   * u(i) > l(i, c) and u(i) > ½·‖c(a) − c‖ for some other centroid c.
   */
  rowsToCheck(labels: Uint32Array, upper: Float64Array, delta: Float64Array, gaps: Float64Array | null): Uint32Array {
    const { n, k } = this;
    const out: number[] = [];
    let max1 = 0;
    let max2 = 0;
    let arg = -1;
    for (let c = 0; c < k; c++) {
      if (delta[c] > max1) { max2 = max1; max1 = delta[c]; arg = c; } else if (delta[c] > max2) max2 = delta[c];
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i];
      upper[i] += delta[a];
      const u = upper[i] * (1 + SLACK) + 1e-12;
      let check = false;
      if (this.perCentroid) {
        const l = this.perCentroid;
        for (let c = 0, o = i * k; c < k; c++, o++) {
          // f32 bounds round down by a relative 1e-6 so that they stay bounds.
          l[o] = (l[o] - delta[c]) * (1 - 1e-6);
          if (c !== a && u > l[o] && (gaps === null || u > gaps[a * k + c])) check = true;
        }
      } else {
        this.single![i] -= a === arg ? max2 : max1;
        let half = Infinity;
        if (gaps) for (let c = 0; c < k; c++) if (c !== a && gaps[a * k + c] < half) half = gaps[a * k + c];
        if (u > Math.max(this.single![i], gaps ? half : 0)) check = true;
      }
      if (check) out.push(i);
    }
    return Uint32Array.from(out);
  }
}

/**
 * Elkan's step for the listed rows, in two batches of (row, centroid) distances on the GPU: first
 * each row's own centroid, which tightens u; then, for the rows whose bounds still fail with the
 * tight u, the centroids that fail them. A row moves to the nearest of those closer than u (ties
 * to the lower index). Every computed distance becomes that pair's new lower bound.
 */
async function elkanStep(data: KMeansData, cent: Tensor, list: Uint32Array, labels: Uint32Array, upper: Float64Array,
  lower: Float32Array, gaps: Float64Array | null, k: number, moved: number[], from: number[]): Promise<void> {
  const own = await data.pairDistances(cent, list, list.map((i) => labels[i]));
  const pr: number[] = [];
  const pc: number[] = [];
  for (let j = 0; j < list.length; j++) {
    const i = list[j];
    const a = labels[i];
    const u = Math.sqrt(own[j]);
    upper[i] = u * (1 + 1e-6);
    lower[i * k + a] = u * (1 - 1e-6);
    const test = u * (1 + SLACK) + 1e-12;
    for (let c = 0; c < k; c++) {
      if (c !== a && test > lower[i * k + c] && (gaps === null || test > gaps[a * k + c])) { pr.push(i); pc.push(c); }
    }
  }
  const dist = await data.pairDistances(cent, Uint32Array.from(pr), Uint32Array.from(pc));
  for (let q = 0; q < pr.length;) {
    const i = pr[q];
    const a = labels[i];
    let best = upper[i] / (1 + 1e-6);
    let bestc = a;
    for (; q < pr.length && pr[q] === i; q++) {
      const c = pc[q];
      const dc = Math.sqrt(dist[q]);
      lower[i * k + c] = dc * (1 - 1e-6);
      if (dc < best || (dc === best && c < bestc)) { best = dc; bestc = c; }
    }
    if (bestc !== a) {
      moved.push(i);
      from.push(a);
      labels[i] = bestc;
      upper[i] = best * (1 + 1e-6);
    }
  }
}

/** ½·‖c_a − c_b‖ for every pair of centroids (k × k), or null when that is too costly here. */
function centroidGaps(C: Float32Array, k: number, d: number): Float64Array | null {
  if (k < 2 || k * k * d > 50_000_000) return null;
  const gaps = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (C[a * d + j] - C[b * d + j]) ** 2;
      gaps[a * k + b] = gaps[b * k + a] = Math.sqrt(s) / 2;
    }
  }
  return gaps;
}

function movement(before: Float32Array, after: Float32Array, k: number, d: number): Float64Array {
  const delta = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (after[c * d + j] - before[c * d + j]) ** 2;
    delta[c] = Math.sqrt(s);
  }
  return delta;
}

/** Moves rows between the float64 cluster sums: reads just those rows of x back from the GPU. */
async function applyMoves(data: KMeansData, moved: number[], from: number[], labels: Uint32Array,
  sums: Float64Array, counts: Float64Array): Promise<void> {
  const m = moved.length;
  if (m === 0) return;
  const { engine, d } = data;
  const idx = engine.tensor(Uint32Array.from(moved), [m], { label: 'kmeans.moved' });
  const rows = engine.empty([m, d], 'f32', 'kmeans.movedRows');
  for (const ch of data.chunks) {
    encodeKMeansGatherRows(engine, { count: m, d, row0: ch.start, rows: ch.count }, idx.slice(), data.x.rowSlice(ch.start, ch.count), rows.slice());
  }
  const x = await rows.read();
  idx.dispose();
  rows.dispose();
  for (let r = 0; r < m; r++) {
    const a = from[r];
    const b = labels[moved[r]];
    counts[a]--;
    counts[b]++;
    for (let j = 0; j < d; j++) {
      const v = x[r * d + j];
      sums[a * d + j] -= v;
      sums[b * d + j] += v;
    }
  }
}

/**
 * Empty clusters move to the rows farthest from their centroids (by the upper bounds), as
 * scikit-learn's Lloyd does; true when that happened (the next iteration is then a full pass).
 */
async function reseedEmpty(data: KMeansData, counts: Float64Array, upper: Float64Array, C: Float32Array): Promise<boolean> {
  const empty: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] <= 0) empty.push(c);
  if (!empty.length) return false;
  const order = Array.from(upper.keys()).sort((a, b) => upper[b] - upper[a] || a - b).slice(0, empty.length);
  for (let e = 0; e < empty.length; e++) {
    C.set(await data.x.read(order[e] * data.d, data.d), empty[e] * data.d);
  }
  return true;
}
