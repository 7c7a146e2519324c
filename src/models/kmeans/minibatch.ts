import type { Tensor } from '../../engine/tensor.js';
import { encodeKMeansGatherRows } from '../../kernels/kmeans_gather_rows.js';
import { sampleWithoutReplacement } from '../../ops/random.js';
import type { RunOptions, RunResult } from './run.js';
import { KMeansData } from './steps.js';

function squaredShift(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/**
 * Mini-batch k-means (Sculley 2010): each step draws `batch` rows without replacement, assigns them
 * and moves every centroid to the running mean of all rows it has been given so far (learning rate
 * 1 / count per centre). Stops after `maxIter` batches or when the centroids move less than the
 * tolerance in one step. Centroids that never receive a row stay where they were seeded.
 */
export async function miniBatch(data: KMeansData, init: Tensor, batch: number, random: () => number, run: RunOptions): Promise<RunResult> {
  const { engine, d, n } = data;
  const k = init.rows;
  const batchX = engine.empty([batch, d], 'f32', 'kmeans.batch');
  const idx = engine.empty([batch], 'u32', 'kmeans.batchIndex');
  let cur: Tensor = init;
  let next: Tensor = engine.empty([k, d], 'f32', 'kmeans.centroids');
  let weights = engine.zeros([k], 'f32', 'kmeans.weights');
  let totals = engine.empty([k], 'f32', 'kmeans.counts');
  let batchData: KMeansData | null = null;
  let before = (await cur.read()) as Float32Array;
  let iteration = 0;
  try {
    while (iteration < run.maxIter) {
      iteration++;
      idx.write(sampleWithoutReplacement(n, batch, random));
      for (const ch of data.chunks) {
        encodeKMeansGatherRows(engine, { count: batch, d, row0: ch.start, rows: ch.count }, idx.slice(),
          data.x.rowSlice(ch.start, ch.count), batchX.slice());
      }
      batchData?.dispose();
      batchData = new KMeansData(engine, batchX, 'KMeans.fit (mini-batch)');
      batchData.assign(cur);
      batchData.update(cur, weights, next, totals);
      [weights, totals] = [totals, weights];
      [cur, next] = [next, cur];
      const after = (await cur.read()) as Float32Array;
      const shift = squaredShift(before, after);
      before = after;
      run.onProgress?.({ phase: 'iterate', restart: run.restart, restarts: run.restarts, iteration, shift });
      if (shift <= run.tolAbs) break;
    }
  } catch (e) {
    cur.dispose();
    throw e;
  } finally {
    batchData?.dispose();
    batchX.dispose();
    idx.dispose();
    next.dispose();
    weights.dispose();
    totals.dispose();
  }
  return { centroids: cur, iterations: iteration };
}
