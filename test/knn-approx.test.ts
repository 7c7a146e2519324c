import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, knnGraph, type Engine } from '../src/index.js';
import { approxKnnGraph, type ApproxOptions } from '../src/models/knn/approx.js';
import { gaussian, getEngine, rng } from './helpers.js';
import { refKnn, sqDist } from './reference/knn.js';

// The approximate graph's join route (RP-forest leaves, then NN-descent's local join on the GPU):
// recall against float64 brute force on both software adapters, well-formed lists, determinism,
// data split over two storage bindings, the output overflow path, and honest progress.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let second: Promise<Engine> | undefined;
afterAll(async () => { if (second) (await second).dispose(); });

async function engines(): Promise<Engine[]> {
  const main = await getEngine();
  if (main.kind === 'swiftshader' || !existsSync(SWIFTSHADER_ICD)) return [main];
  second ??= createEngine({ adapter: 'swiftshader', onWarning: () => {} });
  return [main, await second];
}

/** n points in d dims around `clusters` centres, each cluster on a 3-dimensional subspace plus noise. */
function clustered(n: number, d: number, clusters: number, seed: number): Float32Array {
  const r = rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, () => 3 * gaussian(r)));
  const bases = Array.from({ length: clusters }, () => Array.from({ length: 3 * d }, () => gaussian(r) / Math.sqrt(3)));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    const z = [gaussian(r), gaussian(r), gaussian(r)];
    for (let t = 0; t < d; t++) x[i * d + t] = centres[c][t] + z[0] * bases[c][t] + z[1] * bases[c][d + t] + z[2] * bases[c][2 * d + t] + 0.05 * gaussian(r);
  }
  return x;
}

/** Recall of the graph against float64 brute force on every row, after checking each list is well formed. */
async function checkGraph(indices: Uint32Array, distances: Float32Array, x: Float32Array, n: number, d: number, k: number): Promise<number> {
  const ref = refKnn(x, n, x, n, d, k, true);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const seen = new Set<number>();
    const truth = new Set(ref.indices.subarray(i * k, (i + 1) * k));
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      if (!(j < n)) expect.fail(`row ${i} slot ${t}: index ${j} out of range`);
      if (j === i) expect.fail(`row ${i} lists itself`);
      if (seen.has(j)) expect.fail(`row ${i} lists ${j} twice`);
      seen.add(j);
      const want = sqDist(x, i, x, j, d);
      if (!(Math.abs(distances[i * k + t] - want) <= 1e-5 * (1 + want) * d)) expect.fail(`row ${i} slot ${t}: distance ${distances[i * k + t]}, true ${want}`);
      if (t > 0 && !(distances[i * k + t] >= distances[i * k + t - 1])) expect.fail(`row ${i} not sorted at slot ${t}`);
      if (truth.has(j)) hits++;
    }
  }
  return hits / (n * k);
}

async function graph(engine: Engine, x: Float32Array, n: number, d: number, k: number, o: Partial<ApproxOptions> = {}) {
  const t = engine.tensor(x, [n, d]);
  const g = await approxKnnGraph(engine, t, k, { seed: 3, ...o });
  const out = { indices: await g.indices.read() as Uint32Array, distances: await g.distances.read() as Float32Array };
  g.indices.dispose(); g.distances.dispose(); t.dispose();
  return out;
}

describe('approximate kNN graph, join route', () => {
  it('recall ≥ 0.9 against float64 brute force on 2,500 clustered points in 24 dims, k = 10, on every adapter', async () => {
    const n = 2500; const d = 24; const k = 10;
    const x = clustered(n, d, 8, 4);
    for (const engine of await engines()) {
      const stats: Record<string, number> = {};
      const g = await graph(engine, x, n, d, k, { stats });
      expect(stats.batches, 'the join route ran').toBeGreaterThan(0);
      const recall = await checkGraph(g.indices, g.distances, x, n, d, k);
      expect(recall, `recall on ${engine.kind}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('k = 40 with more candidates than points per leaf, odd dims (d = 7)', async () => {
    const n = 1200; const d = 7; const k = 40;
    const x = clustered(n, d, 5, 9);
    const engine = await getEngine();
    const g = await graph(engine, x, n, d, k, { leafSize: 48, maxCandidates: 40 });
    expect(await checkGraph(g.indices, g.distances, x, n, d, k)).toBeGreaterThanOrEqual(0.9);
  });

  it('the same seed gives the same graph; another seed a different forest, both good', async () => {
    const n = 1500; const d = 12; const k = 8;
    const x = clustered(n, d, 6, 5);
    const engine = await getEngine();
    const a = await graph(engine, x, n, d, k, { seed: 11 });
    const b = await graph(engine, x, n, d, k, { seed: 11 });
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(b.distances)).toEqual(Array.from(a.distances));
    const c = await graph(engine, x, n, d, k, { seed: 12, maxRounds: 0, trees: 1 });
    expect(Array.from(c.indices)).not.toEqual(Array.from(a.indices));
  });

  it('data over two storage bindings (64 KiB) and an output that overflows give the same graph', async () => {
    const n = 1500; const d = 20; const k = 6;
    const x = clustered(n, d, 6, 6);
    const engine = await getEngine();
    const whole = await graph(engine, x, n, d, k);
    // 1,500 rows of 5 vec4s (80 bytes) need two bindings of 64 KiB.
    expect(n * 80).toBeGreaterThan(64 * 1024);
    const small = Object.create(engine, {
      limits: { value: new Proxy(engine.limits, { get: (t, key) => (key === 'maxStorageBufferBindingSize' ? 64 * 1024 : Reflect.get(t, key)) }) },
    }) as Engine;
    const split = await graph(small, x, n, d, k);
    expect(Array.from(split.indices)).toEqual(Array.from(whole.indices));
    // 2,000 records per batch: most batches overflow and are re-run smaller.
    const stats: Record<string, number> = {};
    const overflowed = await graph(engine, x, n, d, k, { recordCap: 2000, stats });
    expect(stats.overflows).toBeGreaterThan(0);
    expect(Array.from(overflowed.indices)).toEqual(Array.from(whole.indices));
    expect(await checkGraph(split.indices, split.distances, x, n, d, k)).toBeGreaterThanOrEqual(0.9);
  });

  it('tiny and degenerate data: n = k + 1, and 300 copies of a few points (ties, flat splits)', async () => {
    const engine = await getEngine();
    const tiny = clustered(6, 3, 2, 10);
    const g = await graph(engine, tiny, 6, 3, 5);
    expect(await checkGraph(g.indices, g.distances, tiny, 6, 3, 5)).toBe(1);
    const n = 300; const d = 4; const k = 12;
    const copies = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) copies[i * d + t] = (i % 5) + t;
    const c = await graph(engine, copies, n, d, k);
    // Every row's 12 nearest are at distance 0 (59 copies of each point): any 12 of them.
    await checkGraph(c.indices, c.distances, copies, n, d, k);
    for (let i = 0; i < n * k; i++) if (c.distances[i] !== 0) expect.fail(`entry ${i} at ${c.distances[i]}, want 0`);
  });

  it('the gather route (for data too wide for the join) stays correct', async () => {
    const n = 1500; const d = 16; const k = 8;
    const x = clustered(n, d, 6, 8);
    const stats: Record<string, number> = {};
    const g = await graph(await getEngine(), x, n, d, k, { variant: 'gather', stats });
    expect(stats.batches).toBeUndefined();
    expect(await checkGraph(g.indices, g.distances, x, n, d, k)).toBeGreaterThanOrEqual(0.9);
  });

  it('progress rises monotonically to its total, which is fixed up front', async () => {
    const n = 2000; const d = 10; const k = 5;
    const x = clustered(n, d, 4, 7);
    const engine = await getEngine();
    const calls: Array<[number, number]> = [];
    const t = engine.tensor(x, [n, d]);
    const g = await knnGraph(engine, t, k, { method: 'approx', onProgress: (done, total) => calls.push([done, total]) });
    g.indices.dispose(); g.distances.dispose(); t.dispose();
    expect(calls.length).toBeGreaterThan(2);
    const total = calls[0][1];
    for (let i = 0; i < calls.length; i++) {
      expect(calls[i][1]).toBe(total);
      if (i > 0) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
      expect(calls[i][0]).toBeLessThanOrEqual(total);
    }
    expect(calls[calls.length - 1][0]).toBe(total);
  });
});
