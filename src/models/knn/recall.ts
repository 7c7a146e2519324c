import type { Engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import type { KnnGraph } from './index.js';
import { knnQuery } from './index.js';

/**
 * Recall@k of a kNN graph of x against exact neighbours, on `sample` seeded random rows (all rows
 * when sample ≥ n): the fraction of the true k nearest (self excluded) that the graph lists.
 */
export async function knnRecall(engine: Engine, x: Tensor, graph: KnnGraph, sample = 1000, seed = 1): Promise<number> {
  const [n, d] = x.shape;
  const k = graph.k;
  const m = Math.min(n, sample);
  let s = seed >>> 0;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m && m < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = i + (s % (n - i));
    const t = rows[i]; rows[i] = rows[j]; rows[j] = t;
  }
  const picked = rows.subarray(0, m);
  const host = await x.read();
  const q = new Float32Array(m * d);
  picked.forEach((r, i) => q.set(host.subarray(r * d, (r + 1) * d), i * d));
  const qt = engine.tensor(q, [m, d], { label: 'knnRecall.queries' });
  const exact = await knnQuery(engine, x, qt, Math.min(k + 1, n));
  const truth = await exact.indices.read();
  const kk = exact.k;
  exact.indices.dispose(); exact.distances.dispose(); qt.dispose();
  const got = await graph.indices.read();
  let hits = 0;
  for (let i = 0; i < m; i++) {
    const r = picked[i];
    const listed = new Set(got.subarray(r * k, (r + 1) * k));
    let taken = 0;
    for (let t = 0; t < kk && taken < k; t++) {
      const j = truth[i * kk + t];
      if (j === r) continue;
      taken++;
      if (listed.has(j)) hits++;
    }
  }
  return hits / (m * k);
}
