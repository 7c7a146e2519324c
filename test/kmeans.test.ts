import { describe, expect, it } from 'vitest';
import { KMeans, scanK } from '../src/models/kmeans/index.js';
import { KMeansData } from '../src/models/kmeans/steps.js';
import { lloydBounded } from '../src/models/kmeans/bounded.js';
import { adjustedRandIndex } from '../src/metrics/clustering.js';
import { InvalidInputError } from '../src/engine/errors.js';
import type { Engine } from '../src/engine/engine.js';
import { expectClose, gaussian, getEngine, randomArray, rng } from './helpers.js';
import { assignRef, blobs, lloydRef, updateRef } from './reference/kmeans.js';

/** One assignment + update step on the GPU, with NaN-poisoned outputs. */
async function gpuStep(engine: Engine, x: Float32Array, n: number, d: number, cent: Float32Array, k: number) {
  const xt = engine.tensor(x, [n, d]);
  const ct = engine.tensor(cent, [k, d]);
  const data = new KMeansData(engine, xt);
  engine.write(data.mind, new Float32Array(n).fill(NaN));
  engine.write(data.labels, new Uint32Array(n).fill(0xffffffff));
  data.assign(ct);
  const out = engine.tensor(new Float32Array(k * d).fill(NaN), [k, d], { allowNonFinite: true });
  const counts = engine.tensor(new Float32Array(k).fill(NaN), [k], { allowNonFinite: true });
  const weights = engine.zeros([k]);
  data.update(ct, weights, out, counts);
  const result = {
    labels: await data.labels.read(), mind: await data.mind.read(), cent: await out.read(), counts: await counts.read(),
    inertia: await data.inertia(),
  };
  for (const t of [xt, ct, out, counts, weights]) t.dispose();
  data.dispose();
  return result;
}

describe('k-means steps against float64', () => {
  // Awkward shapes: one row, primes, k over one register tile (16) and over one partial-sum pass
  // (64), d large enough to split the centroids over several assignment passes.
  it.each([
    [1, 3, 1], [97, 5, 3], [1031, 37, 13], [600, 11, 70], [300, 2500, 20], [2600, 3, 2], [50, 8000, 70],
  ])('n=%i d=%i k=%i', async (n, d, k) => {
    const engine = await getEngine();
    const x = randomArray(n * d, n + d, -1, 1);
    const r = rng(k);
    const cent = new Float32Array(k * d).map(() => r() * 2 - 1);
    const got = await gpuStep(engine, x, n, d, cent, k);
    const ref = assignRef(x, n, d, cent, k);
    // Labels may differ only where the two nearest centroids are within f32 rounding of a tie.
    let mismatched = 0;
    for (let i = 0; i < n; i++) {
      if (got.labels[i] !== ref.labels[i]) {
        mismatched++;
        expect(ref.second[i] - ref.dist[i], `row ${i}`).toBeLessThan(1e-4 * d);
      }
    }
    expect(mismatched).toBeLessThanOrEqual(Math.ceil(n / 200));
    expectClose(got.mind, ref.dist, 1e-5 * d, 1e-4, 'squared distances');
    let inertia = 0;
    for (const v of ref.dist) inertia += v;
    expect(Math.abs(got.inertia - inertia)).toBeLessThan(1e-4 * inertia + 1e-6);
    // Update from the GPU's own labels, so that near-ties do not move rows between references.
    const upd = updateRef(x, n, d, got.labels, cent, k);
    expectClose(got.counts, upd.counts, 0, 0, 'counts');
    expectClose(got.cent, upd.cent, 1e-6, 1e-5 * Math.log2(n + 2), 'centroids');
  });
});

describe('KMeans.fit', () => {
  it('matches float64 Lloyd from the same init on overlapping data (bounds skip rows, result unchanged)', async () => {
    const engine = await getEngine();
    const n = 3001;
    const d = 6;
    const k = 9;
    const x = randomArray(n * d, 123);
    const init = x.slice(0, k * d);
    const xt = engine.tensor(x, [n, d]);
    const model = await KMeans.fit(engine, xt, { k, init, tol: 0, maxIter: 300 });
    const ref = lloydRef(x, n, d, init, k, 300);
    expect(Math.abs(model.inertia - ref.inertia)).toBeLessThan(1e-4 * ref.inertia);
    expect(adjustedRandIndex(await model.labels.read(), ref.labels)).toBeGreaterThan(0.995);
    expectClose(await model.centroids.read(), ref.cent, 1e-3, 1e-3, 'centroids');
    expect(model.iterations).toBeGreaterThan(5);
    // The same with one lower bound per row (Hamerly), used when n·k is too large for Elkan's.
    const data = new KMeansData(engine, xt);
    const run = { restart: 0, restarts: 1, maxIter: 300, tolAbs: 0 };
    const hamerly = await lloydBounded(data, engine.tensor(init, [k, d]), run, 0);
    data.assign(hamerly.centroids);
    expect(Math.abs((await data.inertia()) - ref.inertia)).toBeLessThan(1e-4 * ref.inertia);
    expect(hamerly.iterations).toBe(model.iterations);
    hamerly.centroids.dispose();
    data.dispose();
    model.dispose();
    xt.dispose();
  });

  it('matches float64 Lloyd with many clusters (several register tiles and partial-sum passes)', async () => {
    const engine = await getEngine();
    const n = 700;
    const d = 9;
    const k = 70;
    const x = randomArray(n * d, 321);
    const init = x.slice(0, k * d);
    const xt = engine.tensor(x, [n, d]);
    const model = await KMeans.fit(engine, xt, { k, init, tol: 0, maxIter: 100 });
    const ref = lloydRef(x, n, d, init, k, 100);
    expect(Math.abs(model.inertia - ref.inertia)).toBeLessThan(1e-4 * ref.inertia);
    expect(adjustedRandIndex(await model.labels.read(), ref.labels)).toBeGreaterThan(0.99);
    model.dispose();
    xt.dispose();
  });

  it('recovers well-separated Gaussian blobs (ARI ≈ 1) and predicts them', async () => {
    const engine = await getEngine();
    const n = 2000;
    const d = 8;
    const k = 6;
    const { x, labels } = blobs(n, d, k, rng(5), gaussian, 30);
    const xt = engine.tensor(x, [n, d]);
    const model = await KMeans.fit(engine, xt, { k, seed: 1 });
    const got = await model.labels.read();
    expect(adjustedRandIndex(got, labels)).toBeGreaterThan(0.999);
    // Inertia ≈ n·d (unit-variance noise around each centre).
    expect(model.inertia / (n * d)).toBeGreaterThan(0.8);
    expect(model.inertia / (n * d)).toBeLessThan(1.2);
    expect(model.iterations).toBeGreaterThanOrEqual(1);
    const pred = model.predict(xt);
    expect(Array.from(await pred.read())).toEqual(Array.from(got));
    // The centroids are the means of their clusters.
    const cent = await model.centroids.read();
    const upd = updateRef(x, n, d, got, cent, k);
    expectClose(cent, upd.cent, 1e-4, 1e-4, 'centroids');
    pred.dispose();
    model.dispose();
    xt.dispose();
  });

  it('gives the same result for the same seed, and restarts keep the lowest inertia', async () => {
    const engine = await getEngine();
    const n = 1500;
    const d = 4;
    const x = randomArray(n * d, 77);
    const xt = engine.tensor(x, [n, d]);
    const a = await KMeans.fit(engine, xt, { k: 7, seed: 3, restarts: 2 });
    const b = await KMeans.fit(engine, xt, { k: 7, seed: 3, restarts: 2 });
    expect(Array.from(await a.labels.read())).toEqual(Array.from(await b.labels.read()));
    expect(Array.from(await a.centroids.read())).toEqual(Array.from(await b.centroids.read()));
    expect(a.inertia).toBe(b.inertia);
    const single = await KMeans.fit(engine, xt, { k: 7, seed: 3, restarts: 1 });
    expect(a.inertia).toBeLessThanOrEqual(single.inertia);
    for (const m of [a, b, single]) m.dispose();
    xt.dispose();
  });

  it('k = 1 gives the mean; k = n gives zero inertia; random init and mini-batch find the blobs', async () => {
    const engine = await getEngine();
    const { x, labels } = blobs(1200, 3, 4, rng(9), gaussian, 25);
    const xt = engine.tensor(x, [1200, 3]);
    const one = await KMeans.fit(engine, xt, { k: 1 });
    const mean = updateRef(x, 1200, 3, new Uint32Array(1200), [0, 0, 0], 1).cent;
    expectClose(await one.centroids.read(), mean, 1e-4, 1e-4, 'mean');
    one.dispose();
    const small = engine.tensor(x.subarray(0, 15), [5, 3]);
    const all = await KMeans.fit(engine, small, { k: 5 });
    expect(all.inertia).toBeLessThan(1e-6);
    expect(new Set(await all.labels.read()).size).toBe(5);
    all.dispose();
    small.dispose();
    const rnd = await KMeans.fit(engine, xt, { k: 4, init: 'random', restarts: 4, seed: 2 });
    expect(adjustedRandIndex(await rnd.labels.read(), labels)).toBeGreaterThan(0.99);
    rnd.dispose();
    const mb = await KMeans.fit(engine, xt, { k: 4, miniBatch: 256, maxIter: 50, seed: 4 });
    expect(adjustedRandIndex(await mb.labels.read(), labels)).toBeGreaterThan(0.99);
    mb.dispose();
    xt.dispose();
  });

  it('handles duplicate points and explicit init with an empty cluster', async () => {
    const engine = await getEngine();
    // Three distinct points, repeated; k = 5 > distinct points.
    const pts = [[0, 0], [10, 0], [0, 10]];
    const x = new Float32Array(60 * 2).map((_, e) => pts[Math.floor(e / 2) % 3][e % 2]);
    const xt = engine.tensor(x, [60, 2]);
    const dup = await KMeans.fit(engine, xt, { k: 5, seed: 1 });
    expect(dup.inertia).toBeLessThan(1e-6);
    expect(new Set(await dup.labels.read()).size).toBe(3);
    dup.dispose();
    // A centroid far from everything gets no rows: it is re-seeded at the farthest row.
    const init = new Float32Array([0, 0, 1000, 1000, 5, 5]);
    const m = await KMeans.fit(engine, xt, { k: 3, init });
    expect(m.inertia).toBeLessThan(1e-6);
    expect(new Set(await m.labels.read()).size).toBe(3);
    m.dispose();
    xt.dispose();
  });

  it('gives the same clustering when x is split into row chunks (data larger than one binding)', async () => {
    const engine = await getEngine();
    // The same engine seen through a 64 KiB binding limit: 2000 rows of 30 values take 4 chunks.
    const small = Object.create(engine, {
      limits: { value: new Proxy(engine.limits, { get: (t, key) => (key === 'maxStorageBufferBindingSize' ? 64 * 1024 : Reflect.get(t, key)) }) },
    }) as Engine;
    const { x } = blobs(2000, 30, 5, rng(8), gaussian, 4);
    // One engine at a time: each keeps its own command encoder.
    const xs = small.tensor(x, [2000, 30]);
    const chunked = await KMeans.fit(small, xs, { k: 5, seed: 2, restarts: 1 });
    const chunkedLabels = Array.from(await chunked.labels.read());
    const chunkedInertia = chunked.inertia;
    chunked.dispose();
    xs.dispose();
    await small.sync();
    const xt = engine.tensor(x, [2000, 30]);
    const whole = await KMeans.fit(engine, xt, { k: 5, seed: 2, restarts: 1 });
    expect(chunkedLabels).toEqual(Array.from(await whole.labels.read()));
    expect(Math.abs(chunkedInertia - whole.inertia)).toBeLessThan(1e-5 * whole.inertia);
    whole.dispose();
    xt.dispose();
  });

  it('rejects bad input with clear errors', async () => {
    const engine = await getEngine();
    const xt = engine.tensor(randomArray(20, 1), [10, 2]);
    await expect(KMeans.fit(engine, xt, { k: 11 })).rejects.toThrow(/k = 11 clusters need at least 11 rows, but x has 10/);
    await expect(KMeans.fit(engine, xt, { k: 0 })).rejects.toThrow(InvalidInputError);
    await expect(KMeans.fit(engine, xt, { k: 2.5 })).rejects.toThrow(InvalidInputError);
    await expect(KMeans.fit(engine, xt, { k: 2, init: new Float32Array(3) })).rejects.toThrow(/init has 3 values/);
    const bad = randomArray(20, 2);
    bad[13] = NaN;
    const nanT = engine.tensor(bad, [10, 2], { allowNonFinite: true });
    await expect(KMeans.fit(engine, nanT, { k: 2 })).rejects.toThrow(/row\(s\) 6/);
    nanT.dispose();
    xt.dispose();
  });

  it('scanK reports inertia and silhouette, best at the true k', async () => {
    const engine = await getEngine();
    const { x } = blobs(900, 4, 3, rng(21), gaussian, 30);
    const xt = engine.tensor(x, [900, 4]);
    const rows = await scanK(engine, xt, [1, 2, 3, 4], { seed: 0, restarts: 2, sample: 500 });
    expect(rows.map((r) => r.k)).toEqual([1, 2, 3, 4]);
    expect(Number.isNaN(rows[0].silhouette)).toBe(true);
    expect(rows[2].inertia).toBeLessThan(rows[1].inertia);
    const best = rows.slice(1).reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
    expect(best.k).toBe(3);
    xt.dispose();
  });
});
