import type { Engine } from '../../engine/engine.js';
import { InvalidInputError } from '../../engine/errors.js';
import type { Tensor } from '../../engine/tensor.js';
import { silhouette } from '../../metrics/clustering.js';
import { KMeans, type KMeansOptions } from './kmeans.js';

export interface KScanRow {
  k: number;
  inertia: number;
  /** Mean silhouette over a sample (NaN for k = 1, where it is undefined). */
  silhouette: number;
}

/**
 * Fits k-means for each k in `ks` and reports inertia and sampled silhouette, so that k can be
 * chosen by the elbow of the inertia or the highest silhouette (Rousseeuw 1987).
 */
export async function scanK(engine: Engine, x: Tensor, ks: number[],
  opts: Omit<KMeansOptions, 'k'> & { sample?: number } = {}): Promise<KScanRow[]> {
  if (!ks.length) throw new InvalidInputError('scanK: give at least one k to try.');
  const rows: KScanRow[] = [];
  for (const k of ks) {
    const model = await KMeans.fit(engine, x, { ...opts, k });
    try {
      const s = k >= 2 && k < x.rows ? await silhouette(engine, x, model.labels, { sample: opts.sample, seed: opts.seed }) : NaN;
      rows.push({ k, inertia: model.inertia, silhouette: s });
    } finally {
      model.dispose();
    }
  }
  return rows;
}

/** The k of the highest silhouette in a scan (ties: the smaller k). */
export function bestKBySilhouette(rows: KScanRow[]): number {
  let best: KScanRow | null = null;
  for (const r of rows) if (Number.isFinite(r.silhouette) && (best === null || r.silhouette > best.silhouette)) best = r;
  if (!best) throw new InvalidInputError('scanK: no k in the scan has a silhouette (it needs 2 ≤ k < rows).');
  return best.k;
}
