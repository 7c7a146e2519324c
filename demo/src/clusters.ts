// Naming k-means clusters: each by its medoid (the member nearest the centroid) — its picture for
// image data — and by the commonest value of a chosen column among its members, with its share.
import type { Engine, Tensor } from '../../src/browser.js';
import { knnQuery } from '../../src/browser.js';
import type { Column, Dataset } from './dataset.js';
import { cellText } from './metadata.js';
import { thumbnail } from './ui.js';

/**
 * The member of each cluster nearest its centroid: the nearest few points to each centroid are
 * found on the GPU (exact kNN), and the first that belongs to the cluster is kept.
 */
export async function clusterMedoids(engine: Engine, space: Tensor, centroids: Tensor, labels: Uint32Array): Promise<number[]> {
  const k = centroids.rows;
  const m = Math.min(space.rows, 16);
  const g = await knnQuery(engine, space, centroids, m);
  const ids = (await g.indices.read()) as Uint32Array;
  g.indices.dispose();
  g.distances.dispose();
  return Array.from({ length: k }, (_, c) => {
    const row = ids.subarray(c * m, (c + 1) * m);
    const own = row.find((i) => labels[i] === c);
    if (own !== undefined) return own;
    return labels.indexOf(c); // far from its centroid: any member stands for it
  });
}

/** The commonest value of `column` among rows with `categories[i] === id`, and its share in percent. */
export function commonestValue(column: Column, categories: Uint32Array, id: number): { value: string; percent: number } {
  const votes = new Map<string, number>();
  let members = 0;
  categories.forEach((c, i) => {
    if (c !== id) return;
    members++;
    const v = cellText(column, i);
    votes.set(v, (votes.get(v) ?? 0) + 1);
  });
  let best = '', count = 0;
  for (const [v, n] of votes) if (n > count) { best = v; count = n; }
  return { value: best, percent: members ? Math.round((100 * count) / members) : 0 };
}

/** A cluster's legend name and picture: the medoid's thumbnail, the column's commonest value. */
export function clusterName(data: Dataset, categories: Uint32Array, id: number, medoid: number | undefined,
  column: Column | undefined): { name: string; image?: string } {
  const image = medoid !== undefined && medoid >= 0 ? thumbnail(data, medoid) : undefined;
  if (column) {
    const { value, percent } = commonestValue(column, categories, id);
    return { name: `${value} (${percent}%)`, image };
  }
  return { name: medoid !== undefined && medoid >= 0 ? `cluster ${id}, medoid #${medoid}` : `cluster ${id}`, image };
}
