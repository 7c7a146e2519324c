import type { Tensor } from '../../engine/tensor.js';
import { encodeKMeansGatherRows } from '../../kernels/kmeans_gather_rows.js';
import type { RunOptions, RunResult } from './iterate.js';
import type { KMeansData } from './steps.js';

/** Relative slack on the bounds test: GPU distances are f32, so a near-tie is always rechecked. */
const SLACK = 1e-5;
/** Listed rows above this fraction of n: one full assignment pass is cheaper. */
const FULL_ASSIGN_ABOVE = 0.5;
/** Moved rows whose x is read back for the CPU update, at most (as floats); above, the GPU sums all rows. */
const CPU_UPDATE_FLOATS = 4_000_000;

/**
 * Lloyd's algorithm with Hamerly's bounds (Hamerly 2010, "Making k-means even faster"): each row
 * keeps an upper bound on the distance to its centroid and a lower bound on the distance to every
 * other; after the centroids move by δ, u += δ(own), l −= max δ(others), and a row whose
 * u ≤ max(l, ½·distance from its centroid to the nearest other) cannot change cluster. Only the
 * other rows are sent to the GPU (an index list) for a new nearest/second-nearest search, so late
 * iterations, where few rows move, cost a fraction of a pass over x. The result is the same as
 * plain Lloyd's up to f32 rounding on near-ties (the test has slack for them).
 *
 * The update is incremental: the CPU keeps per-cluster sums in float64 and applies the rows that
 * moved (read back from the GPU by index), unless so many moved that summing all rows on the GPU
 * (kmeans_partial_sums) is cheaper. The first iteration, and any after an empty cluster is
 * re-seeded, is a full pass.
 */
export async function lloydBounded(data: KMeansData, init: Tensor, run: RunOptions): Promise<RunResult> {
  const { engine, n, d } = data;
  const k = init.rows;
  const cent = init;
  let C = (await cent.read()) as Float32Array;
  const labels = new Uint32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const next = engine.empty([k, d], 'f32', 'kmeans.centroids');
  const gpuCounts = engine.empty([k], 'f32', 'kmeans.counts');
  const noWeights = engine.zeros([k], 'f32', 'kmeans.weights');
  let delta: Float64Array = new Float64Array(k);
  let full = true;
  let iteration = 0;
  try {
    while (iteration < run.maxIter) {
      iteration++;
      let list: Uint32Array | null = null;
      if (!full) {
        list = rowsToCheck(labels, upper, lower, delta, halfGaps(C, k, d));
        if (list.length > FULL_ASSIGN_ABOVE * n) list = null;
      }
      let gpuUpdate = true;
      if (!list) {
        data.assign(cent);
        const [lab, mind, sec] = [await data.labels.read(), await data.mind.read(), await data.second.read()];
        for (let i = 0; i < n; i++) {
          labels[i] = lab[i];
          upper[i] = Math.sqrt(mind[i]);
          lower[i] = Math.sqrt(Math.max(0, sec[i]));
        }
      } else {
        const res = await data.assignListed(cent, list);
        const moved: number[] = [];
        const from: number[] = [];
        for (let j = 0; j < list.length; j++) {
          const i = list[j];
          upper[i] = Math.sqrt(res.mind[j]);
          lower[i] = Math.sqrt(Math.max(0, res.second[j]));
          if (res.labels[j] !== labels[i]) { moved.push(i); from.push(labels[i]); labels[i] = res.labels[j]; }
        }
        if (moved.length * d <= CPU_UPDATE_FLOATS && moved.length <= n / 4) {
          await applyMoves(data, moved, from, labels, sums, counts);
          gpuUpdate = false;
        } else {
          data.labels.write(labels);
        }
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
      delta = movement(C, after, k, d);
      let shift = 0;
      for (const v of delta) shift += v * v;
      C = after;
      cent.write(C);
      run.onProgress?.({ phase: 'iterate', restart: run.restart, restarts: run.restarts, iteration, shift });
      if (shift <= run.tolAbs) break;
    }
  } catch (e) {
    cent.dispose();
    throw e;
  } finally {
    next.dispose();
    gpuCounts.dispose();
    noWeights.dispose();
  }
  return { centroids: cent, iterations: iteration };
}

/** Rows whose bounds, moved by the last centroid shifts, no longer prove their assignment. */
function rowsToCheck(labels: Uint32Array, upper: Float64Array, lower: Float64Array, delta: Float64Array, half: Float64Array): Uint32Array {
  let max1 = 0;
  let max2 = 0;
  let arg = -1;
  for (let c = 0; c < delta.length; c++) {
    if (delta[c] > max1) { max2 = max1; max1 = delta[c]; arg = c; } else if (delta[c] > max2) max2 = delta[c];
  }
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i];
    upper[i] += delta[a];
    lower[i] -= a === arg ? max2 : max1;
    if (upper[i] * (1 + SLACK) + 1e-12 > Math.max(lower[i], half[a])) out.push(i);
  }
  return Uint32Array.from(out);
}

/** ½ · distance from each centroid to its nearest other (0 when that is too costly to compute). */
function halfGaps(C: Float32Array, k: number, d: number): Float64Array {
  const half = new Float64Array(k);
  if (k < 2 || k * k * d > 50_000_000) return half;
  half.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (C[a * d + j] - C[b * d + j]) ** 2;
      const h = Math.sqrt(s) / 2;
      if (h < half[a]) half[a] = h;
      if (h < half[b]) half[b] = h;
    }
  }
  return half;
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
