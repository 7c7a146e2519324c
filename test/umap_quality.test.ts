import { describe, expect, it } from 'vitest';
import { UMAP } from '../src/models/umap/umap.js';
import { gaussian, getEngine, rng } from './helpers.js';
import { knnAccuracy } from './reference/tsne.js';

/** `blobs` Gaussian clusters of `per` points in d dims, centres `separation`·√(2d) apart on average, unit spread. */
function blobData(blobs: number, per: number, d: number, seed: number, separation = 8): { x: Float32Array; labels: Int32Array; n: number } {
  const r = rng(seed);
  const centres = Array.from({ length: blobs }, () => Array.from({ length: d }, () => separation * gaussian(r)));
  const n = blobs * per;
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % blobs;
    for (let c = 0; c < d; c++) x[i * d + c] = centres[labels[i]][c] + gaussian(r);
  }
  return { x, labels, n };
}

function centroids(y: ArrayLike<number>, labels: ArrayLike<number>, dims: number, count: number): Float64Array {
  const c = new Float64Array(count * dims);
  const sizes = new Float64Array(count);
  for (let i = 0; i < labels.length; i++) {
    sizes[labels[i]]++;
    for (let d = 0; d < dims; d++) c[labels[i] * dims + d] += y[i * dims + d];
  }
  return c.map((v, e) => v / sizes[Math.floor(e / dims)]);
}

/** Index of the centroid nearest to point i. */
function nearest(y: ArrayLike<number>, i: number, c: Float64Array, dims: number): number {
  let [best, bestD] = [0, Infinity];
  for (let b = 0; b < c.length / dims; b++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += (y[i * dims + d] - c[b * dims + d]) ** 2;
    if (s < bestD) { best = b; bestD = s; }
  }
  return best;
}

describe('UMAP embeddings', () => {
  for (const dims of [2, 3]) {
    it(`keeps separated blobs separated in ${dims}D, saying when spectral init falls back`, async () => {
      const engine = await getEngine();
      const { x, labels, n } = blobData(4, 60, 10, 7);
      const warnings: string[] = [];
      const umap = new UMAP(engine, { dims, seed: 2, onWarning: (m) => warnings.push(m) });
      const y = await (await umap.fit(engine.tensor(x, [n, 10]))).read();
      expect(y.every(Number.isFinite)).toBe(true);
      // Four blobs far apart give a graph in four pieces: no single spectral layout, so PCA.
      expect(umap.initUsed).toBe('pca');
      expect(warnings).toEqual([expect.stringMatching(/spectral initialisation failed \(the neighbour graph has 4 disconnected components\); falling back to PCA/)]);
      expect(knnAccuracy(y, n, dims, labels, 10)).toBe(1);
      const c = centroids(y, labels, dims, 4);
      for (let i = 0; i < n; i++) expect(nearest(y, i, c, dims)).toBe(labels[i]);
      umap.dispose();
    });
  }

  it('uses the spectral initialisation on a connected graph', async () => {
    const engine = await getEngine();
    // Blobs that touch: one connected graph.
    const { x, labels, n } = blobData(3, 50, 5, 3, 1.5);
    const warnings: string[] = [];
    const umap = new UMAP(engine, { seed: 1, nEpochs: 100, onWarning: (m) => warnings.push(m) });
    const y = await (await umap.fit(engine.tensor(x, [n, 5]))).read();
    expect(warnings).toEqual([]);
    expect(umap.initUsed).toBe('spectral');
    // As good as the neighbours in the data themselves allow.
    expect(knnAccuracy(y, n, 2, labels, 10)).toBeGreaterThan(knnAccuracy(x, n, 5, labels, 10) - 0.05);
    umap.dispose();
  });

  it('gives the same bytes for the same seed, other bytes for another seed', async () => {
    const engine = await getEngine();
    const { x, n } = blobData(3, 40, 6, 9);
    const run = async (seed: number) => {
      const umap = new UMAP(engine, { seed, nEpochs: 60 });
      const y = await (await umap.fit(engine.tensor(x, [n, 6]))).read();
      umap.dispose();
      return new Uint8Array(y.buffer);
    };
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).not.toBe(0);
  });

  it('transform places held-out points in their blob', async () => {
    const engine = await getEngine();
    const { x, labels, n } = blobData(4, 70, 8, 21);
    const held = 40;
    const m = n - held;
    const umap = new UMAP(engine, { seed: 4 });
    const y = await (await umap.fit(engine.tensor(x.subarray(0, m * 8), [m, 8]))).read();
    const c = centroids(y, labels.subarray(0, m), 2, 4);
    const placed = await (await umap.transform(engine.tensor(x.subarray(m * 8), [held, 8]))).read();
    expect(placed.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < held; i++) expect(nearest(placed, i, c, 2), `held-out point ${i}`).toBe(labels[m + i]);
    umap.dispose();
  });
});
