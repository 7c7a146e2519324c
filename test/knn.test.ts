import { describe, expect, it } from 'vitest';
import { InvalidInputError, ShapeError, knnGraph, knnQuery, knnRecall, type KnnGraph } from '../src/index.js';
import { gaussian, getEngine, randomArray, rng } from './helpers.js';
import { refKnn, sqDist } from './reference/knn.js';

/**
 * Checks a GPU graph against float64 brute force, allowing ties: the sorted distances must match
 * the reference's, and every listed neighbour must be a distinct point (not the query itself, for
 * a graph) whose true distance matches the listed one and is within the true k-th distance.
 * Tolerance: f32 rounding of ‖a‖² + ‖b‖² − 2a·b, about 1e-6·d·(‖a‖² + ‖b‖²) at worst.
 */
async function expectMatchesBruteForce(g: KnnGraph, data: Float32Array, n: number, queries: Float32Array, m: number,
  d: number, self: boolean): Promise<void> {
  const k = g.k;
  const idx = await g.indices.read();
  const dist = await g.distances.read();
  const ref = refKnn(data, n, queries, m, d, k, self);
  let maxNorm = 0;
  for (let i = 0; i < Math.max(n, m); i++) {
    maxNorm = Math.max(maxNorm, i < n ? sqDist(data, i, new Float32Array(d), 0, d) : 0, i < m ? sqDist(queries, i, new Float32Array(d), 0, d) : 0);
  }
  const tol = 4e-7 * (d + 8) * maxNorm + 1e-6;
  for (let i = 0; i < m; i++) {
    const seen = new Set<number>();
    const kth = ref.distances[i * k + k - 1];
    for (let t = 0; t < k; t++) {
      const j = idx[i * k + t];
      // Plain checks in this inner loop: an expect() per element costs more than the search.
      if (!(j < n)) expect.fail(`row ${i} slot ${t}: index ${j} out of range`);
      if (seen.has(j)) expect.fail(`row ${i}: neighbour ${j} listed twice`);
      seen.add(j);
      if (self && j === i) expect.fail(`row ${i} lists itself`);
      const want = ref.distances[i * k + t];
      const trueD = sqDist(queries, i, data, j, d);
      if (!(Math.abs(dist[i * k + t] - want) <= tol)) expect.fail(`row ${i} slot ${t}: distance ${dist[i * k + t]}, want ${want} (tol ${tol})`);
      if (!(Math.abs(trueD - dist[i * k + t]) <= tol)) expect.fail(`row ${i} slot ${t}: point ${j} is at ${trueD}, listed ${dist[i * k + t]}`);
      if (!(trueD <= kth + tol)) expect.fail(`row ${i}: point ${j} at ${trueD} is beyond the true k-th distance ${kth}`);
      if (t > 0 && !(dist[i * k + t] >= dist[i * k + t - 1])) expect.fail(`row ${i}: not sorted at slot ${t}`);
    }
  }
}

describe('exact kNN graph against float64 brute force', () => {
  const cases: Array<[number, number, number]> = [[2, 1, 1], [37, 3, 5], [301, 50, 30], [2113, 7, 64], [4163, 2, 3]];
  for (const [n, d, k] of cases) {
    it(`n = ${n}, d = ${d}, k = ${k}`, async () => {
      const engine = await getEngine();
      const data = randomArray(n * d, n * 7 + d, -2, 3);
      const x = engine.tensor(data, [n, d]);
      const g = await knnGraph(engine, x, k, { method: 'exact' });
      expect(g.n).toBe(n);
      expect(g.indices.shape).toEqual([n, k]);
      await expectMatchesBruteForce(g, data, n, data, n, d, true);
      x.dispose(); g.indices.dispose(); g.distances.dispose();
    });
  }

  it('points sorted along a line (every candidate improves the list) stay exact, k = 128', async () => {
    // Worst case for an insertion list: later columns are always nearer for the last rows.
    const engine = await getEngine();
    const n = 2100;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = i * 0.001;
    const x = engine.tensor(data, [n, 1]);
    const g = await knnGraph(engine, x, 128, { method: 'exact' });
    await expectMatchesBruteForce(g, data, n, data, n, 1, true);
    x.dispose(); g.indices.dispose(); g.distances.dispose();
  });

  it('duplicate points and ties on an integer grid', async () => {
    const engine = await getEngine();
    const r = rng(5);
    const n = 200;
    const d = 3;
    const data = new Float32Array(n * d);
    for (let i = 0; i < n * d; i++) data[i] = Math.floor(r() * 4);
    const x = engine.tensor(data, [n, d]);
    const g = await knnGraph(engine, x, 10, { method: 'exact' });
    await expectMatchesBruteForce(g, data, n, data, n, d, true);
    // With ties broken by index, equal-distance neighbours come in increasing index.
    const idx = await g.indices.read();
    const dist = await g.distances.read();
    for (let i = 0; i < n; i++) {
      for (let t = 1; t < 10; t++) {
        if (dist[i * 10 + t] === dist[i * 10 + t - 1] && !(idx[i * 10 + t] > idx[i * 10 + t - 1])) expect.fail(`row ${i}: tie not by index at ${t}`);
      }
    }
    x.dispose(); g.indices.dispose(); g.distances.dispose();
  });
});

describe('approximate kNN graph (RP forest + NN-descent)', () => {
  it('recall@15 ≥ 0.95 against exact on 3,000 clustered points in 20 dims, lists sorted and self-free', async () => {
    const engine = await getEngine();
    const r = rng(21);
    const n = 3000;
    const d = 20;
    const k = 15;
    const centres = Array.from({ length: 10 }, () => Array.from({ length: d }, () => 2 * gaussian(r)));
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(r() * 10);
      for (let t = 0; t < d; t++) data[i * d + t] = centres[c][t] + gaussian(r);
    }
    const x = engine.tensor(data, [n, d]);
    let steps = 0;
    const g = await knnGraph(engine, x, k, { method: 'approx', seed: 3, onProgress: (done) => { steps = done; } });
    expect(steps).toBeGreaterThan(0);
    const recall = await knnRecall(engine, x, g, 600, 5);
    // Measured here: 0.999.
    expect(recall).toBeGreaterThanOrEqual(0.95);
    const idx = await g.indices.read();
    const dist = await g.distances.read();
    for (let i = 0; i < n; i++) {
      const seen = new Set<number>();
      for (let t = 0; t < k; t++) {
        const j = idx[i * k + t];
        if (j === i || seen.has(j)) expect.fail(`row ${i}: neighbour ${j} is itself or listed twice`);
        seen.add(j);
        // Listed distances are the true squared distances (computed directly, f32).
        if (!(Math.abs(dist[i * k + t] - sqDist(data, i, data, j, d)) <= 1e-4 * (1 + dist[i * k + t]))) expect.fail(`row ${i} slot ${t}`);
        if (t > 0 && dist[i * k + t] < dist[i * k + t - 1]) expect.fail(`row ${i} not sorted at ${t}`);
      }
    }
    // The same seed gives the same graph.
    const again = await knnGraph(engine, x, k, { method: 'approx', seed: 3 });
    expect(Array.from(await again.indices.read())).toEqual(Array.from(idx));
    x.dispose(); g.indices.dispose(); g.distances.dispose(); again.indices.dispose(); again.distances.dispose();
  });
});

describe('kNN query (similar items)', () => {
  it('queries against a separate data set', async () => {
    const engine = await getEngine();
    const r = rng(11);
    const n = 523;
    const m = 71;
    const d = 13;
    const data = Float32Array.from({ length: n * d }, () => gaussian(r));
    const queries = Float32Array.from({ length: m * d }, () => gaussian(r));
    const xd = engine.tensor(data, [n, d]);
    const xq = engine.tensor(queries, [m, d]);
    const g = await knnQuery(engine, xd, xq, 17);
    expect(g.n).toBe(m);
    await expectMatchesBruteForce(g, data, n, queries, m, d, false);
    xd.dispose(); xq.dispose(); g.indices.dispose(); g.distances.dispose();
  });

  it('data larger than one storage binding (45,000 × 784 f32 = 141 MB): chunked transpose and K split', async () => {
    const engine = await getEngine();
    const n = 45_000;
    const d = 784;
    expect(n * d * 4).toBeGreaterThan(engine.limits.maxStorageBufferBindingSize);
    const data = randomArray(n * d, 17, 0, 1);
    const picks = [0, 1, 22_222, 33_000, 44_999];
    const m = picks.length + 2;
    const queries = new Float32Array(m * d);
    picks.forEach((r, i) => queries.set(data.subarray(r * d, (r + 1) * d), i * d));
    queries.set(randomArray(2 * d, 18, 0, 1), picks.length * d);
    const xd = engine.tensor(data, [n, d]);
    const xq = engine.tensor(queries, [m, d]);
    const g = await knnQuery(engine, xd, xq, 4);
    await expectMatchesBruteForce(g, data, n, queries, m, d, false);
    const idx = await g.indices.read();
    picks.forEach((r, i) => expect(idx[i * 4]).toBe(r));
    xd.dispose(); xq.dispose(); g.indices.dispose(); g.distances.dispose();
  });

  it('a query that is a data row finds itself at distance 0', async () => {
    const engine = await getEngine();
    const data = randomArray(40 * 5, 3);
    const xd = engine.tensor(data, [40, 5]);
    const xq = engine.tensor(data.slice(5 * 7, 5 * 8), [1, 5]);
    const g = await knnQuery(engine, xd, xq, 3);
    expect((await g.indices.read())[0]).toBe(7);
    expect((await g.distances.read())[0]).toBeLessThan(1e-5);
  });
});

describe('kNN bad input', () => {
  it('rejects k ≥ n, k > 128, k = 0, NaN rows and mismatched dims with clear errors', async () => {
    const engine = await getEngine();
    const x = engine.tensor(randomArray(10 * 2, 1), [10, 2]);
    await expect(knnGraph(engine, x, 10)).rejects.toThrow(InvalidInputError);
    await expect(knnGraph(engine, x, 10)).rejects.toThrow(/only 9 candidate points/);
    await expect(knnGraph(engine, x, 0)).rejects.toThrow(/positive integer/);
    const big = engine.tensor(randomArray(200 * 2, 1), [200, 2]);
    await expect(knnGraph(engine, big, 129)).rejects.toThrow(/129 is more than the 128/);
    const bad = randomArray(6 * 2, 2);
    bad[7] = NaN;
    const xn = engine.tensor(bad, [6, 2], { allowNonFinite: true });
    await expect(knnGraph(engine, xn, 2)).rejects.toThrow(/NaN, Inf or overflowing values in 1 row: 3/);
    await expect(knnQuery(engine, x, engine.tensor(randomArray(3, 1), [1, 3]), 2)).rejects.toThrow(ShapeError);
  });
});
