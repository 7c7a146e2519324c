import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { encodeRankCount, rankCountColumns } from '../kernels/rank_count.js';
import { checkedRowNorms, encodeDistanceTile, paddedTranspose, sliceOf, tileKBlock } from '../models/knn/exact.js';

const TILE_ROWS = 4096;
const PAD = 64;

/**
 * Exact 1-based ranks of given neighbours in the distance ordering of their query points in x:
 * rank(i, j) = 1 + #{l ≠ i : ‖x_i − x_l‖ < ‖x_i − x_j‖} (equal distances: lower index first).
 * `rows` are the query points (indices into x), `nb` their neighbours, [rows.length, k].
 * Two passes of the kNN distance tiles per row tile, so O(m·n·d) work and no m×n matrix.
 */
export async function neighbourRanks(engine: Engine, x: Tensor, rows: Uint32Array, nb: Uint32Array, k: number,
  onProgress?: (done: number, total: number) => void): Promise<Uint32Array> {
  const n = x.rows;
  const d = x.cols;
  const m = rows.length;
  const owned: Tensor[] = [];
  try {
    const data = paddedTranspose(engine, x, 'ranks.data');
    owned.push(data.t);
    const dataNorms = await checkedRowNorms(engine, x, data.ld, 'trustworthiness: x');
    owned.push(dataNorms);
    let queries = data;
    if (m !== n || rows.some((r, i) => r !== i)) {
      const host = await x.read();
      const q = new Float32Array(m * d);
      rows.forEach((r, i) => q.set(host.subarray(r * d, (r + 1) * d), i * d));
      const qt = engine.tensor(q, [m, d], { label: 'ranks.queries' });
      owned.push(qt);
      queries = paddedTranspose(engine, qt, 'ranks.queries');
      owned.push(queries.t);
    }
    const nbT = engine.tensor(nb, [m, k], { label: 'ranks.neighbours' });
    const selfT = engine.tensor(rows, [m], { label: 'ranks.self' });
    const thr = engine.zeros([m, k], 'f32', 'ranks.thresholds');
    const cnt = engine.zeros([m, k], 'u32', 'ranks.counts');
    owned.push(nbT, selfT, thr, cnt);
    const budget = rankCountColumns(k, engine.traits.loopBudget);
    const cols = Math.max(PAD, Math.min(2048, budget - (budget % PAD)));
    const tile = engine.empty([Math.min(TILE_ROWS, queries.ld) * Math.min(cols, data.ld)], 'f32', 'ranks.tile');
    owned.push(tile);
    const kc = tileKBlock(engine, data, queries);
    for (let r0 = 0; r0 < m; r0 += TILE_ROWS) {
      const R = Math.min(TILE_ROWS, m - r0);
      const M = Math.min(TILE_ROWS, queries.ld - r0);
      for (const gather of [true, false]) {
        for (let c0 = 0; c0 < n; c0 += cols) {
          const C = Math.min(cols, n - c0);
          const N = Math.min(cols, data.ld - c0);
          encodeDistanceTile(engine, data, dataNorms, queries, { r0, M, c0, N, kc }, tile);
          encodeRankCount(engine, { R, C, ld: N, k, colOffset: c0, gather }, sliceOf(tile, 0, M * N),
            sliceOf(nbT, r0 * k, R * k), sliceOf(selfT, r0, R), sliceOf(thr, r0 * k, R * k), sliceOf(cnt, r0 * k, R * k));
        }
      }
      await engine.sync();
      onProgress?.(r0 + R, m);
    }
    const counts = await cnt.read();
    return Uint32Array.from(counts, (c) => c + 1);
  } finally {
    for (const t of owned) t.dispose();
  }
}
