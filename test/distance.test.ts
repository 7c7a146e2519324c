import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { Tuner } from '../src/engine/tuner.js';
import { distanceFamily, nearestRows } from '../src/ops/distance.js';
import { getEngine, randomArray, rng } from './helpers.js';
import { refKnn, sqDist } from './reference/knn.js';

// Every variant of the distance op against float64 brute force, on the default adapter and on
// SwiftShader (a different compiler and execution model from llvmpipe; it has subgroups).
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const VARIANTS = distanceFamily.variants.map((v) => v.name);

let second: Promise<Engine> | undefined;
afterAll(async () => { if (second) (await second).dispose(); });

/** The engines to test on: the default one, plus SwiftShader where the default is not it. */
async function engines(): Promise<Engine[]> {
  const main = await getEngine();
  if (main.kind === 'swiftshader') return [main];
  if (!existsSync(SWIFTSHADER_ICD)) {
    // CI installs chromium, which ships the ICD: a missing one there is a setup failure.
    if (process.platform === 'linux' && process.env.CI) expect.fail(`SwiftShader ICD missing at ${SWIFTSHADER_ICD}`);
    return [main];
  }
  second ??= createEngine({ adapter: 'swiftshader', onWarning: () => {} });
  return [main, await second];
}

interface Case {
  n: number; m: number; d: number; k: number; self: boolean;
  /** Only on the default adapter, checking every 7th row (a shape too large for SwiftShader's pace). */
  large?: boolean;
}

/** Runs one variant with outputs pre-filled by the tensors' NaN poison; returns the lists. */
async function run(engine: Engine, variant: string, data: Float32Array, c: Case, queries?: Float32Array) {
  engine.tuner.force('distance', variant);
  try {
    const x = engine.tensor(data, [c.n, c.d]);
    const q = c.self ? x : engine.tensor(queries!, [c.m, c.d]);
    // Poison the pool: a freed NaN-filled buffer of the output's size is what `empty` gets next.
    const poison = engine.tensor(new Float32Array(c.m * c.k).fill(NaN), [c.m, c.k], { allowNonFinite: true });
    poison.dispose();
    const r = await nearestRows(engine, x, q, c.k, { self: c.self });
    const vals = (await r.vals.read()) as Float32Array;
    const idx = (await r.idx.read()) as Uint32Array;
    r.vals.dispose(); r.idx.dispose(); x.dispose();
    if (!c.self) q.dispose();
    return { vals, idx };
  } finally {
    engine.tuner.force('distance', undefined);
  }
}

/**
 * Sorted distances equal the reference's within f32 rounding (scaled with d and the norms), every
 * listed row is distinct, not the query itself in a self search, at the distance listed, and
 * within the true k-th distance.
 */
function expectNearest(got: { vals: Float32Array; idx: Uint32Array }, data: Float32Array, queries: Float32Array, c: Case,
  rows: ArrayLike<number>, what: string): void {
  const { n, d, k } = c;
  let maxNorm = 0;
  for (let i = 0; i < n; i++) maxNorm = Math.max(maxNorm, sqDist(data, i, new Float32Array(d), 0, d));
  for (const i of Array.from(rows)) maxNorm = Math.max(maxNorm, sqDist(queries, i, new Float32Array(d), 0, d));
  const tol = 4e-7 * (d + 8) * maxNorm + 1e-6;
  for (const i of Array.from(rows)) {
    const want = refRow(data, n, queries, i, d, k, c.self);
    const seen = new Set<number>();
    for (let t = 0; t < k; t++) {
      const j = got.idx[i * k + t];
      const v = got.vals[i * k + t];
      if (!(j < n)) expect.fail(`${what}: row ${i} slot ${t}: index ${j} out of range`);
      if (seen.has(j)) expect.fail(`${what}: row ${i}: ${j} listed twice`);
      seen.add(j);
      if (c.self && j === i) expect.fail(`${what}: row ${i} lists itself`);
      if (!(Math.abs(v - want[t]) <= tol)) expect.fail(`${what}: row ${i} slot ${t}: ${v}, want ${want[t]} (tol ${tol})`);
      if (!(Math.abs(sqDist(queries, i, data, j, d) - v) <= tol)) expect.fail(`${what}: row ${i} slot ${t}: row ${j} is not at ${v}`);
      if (!(v <= want[k - 1] + tol)) expect.fail(`${what}: row ${i}: ${j} beyond the k-th distance`);
      if (t > 0 && !(v >= got.vals[i * k + t - 1])) expect.fail(`${what}: row ${i} not sorted at slot ${t}`);
    }
  }
}

/** Float64 sorted distances from query row i to the k nearest data rows (skipping row i if self). */
function refRow(data: Float32Array, n: number, queries: Float32Array, i: number, d: number, k: number, self: boolean): number[] {
  const all: number[] = [];
  for (let j = 0; j < n; j++) if (!(self && j === i)) all.push(sqDist(queries, i, data, j, d));
  return all.sort((a, b) => a - b).slice(0, k);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('distance top-k, every variant against float64', () => {
  const cases: Case[] = [
    { n: 2, m: 2, d: 1, k: 1, self: true },
    { n: 37, m: 37, d: 3, k: 36, self: true },
    { n: 97, m: 13, d: 61, k: 1, self: false },
    { n: 131, m: 131, d: 33, k: 17, self: true },
    { n: 70, m: 45, d: 130, k: 70, self: false },
    { n: 1031, m: 67, d: 5, k: 128, self: false },
    // Self searches over several square blocks (2,048 rows): transposed merges of off-diagonal tiles.
    { n: 4099, m: 4099, d: 3, k: 6, self: true, large: true },
  ];
  for (const c of cases) {
    it(`n ${c.n}, m ${c.m}, d ${c.d}, k ${c.k}${c.self ? ', self' : ''}`, async () => {
      const data = randomArray(c.n * c.d, c.n * 31 + c.d, -2, 3);
      const queries = c.self ? data : randomArray(c.m * c.d, c.m * 17 + c.d, -2, 3);
      const all = await engines();
      const rows = c.large ? range(c.m).filter((i) => i % 7 === 0 || i === c.m - 1) : range(c.m);
      for (const engine of c.large ? all.slice(0, 1) : all) {
        for (const v of VARIANTS) {
          if (!distanceFamily.variants.find((x) => x.name === v)!.applies(engine.traits, { m: c.m, n: c.n, d: c.d, k: c.k })) continue;
          expectNearest(await run(engine, v, data, c, queries), data, queries, c, rows, `${engine.kind}/${v}`);
        }
      }
    });
  }

  it('duplicates and ties: exact integer distances, ties by the lower index, same lists in every variant', async () => {
    // Small integer coordinates: every distance is exact in f32 in both the norm form and differences.
    const c: Case = { n: 203, m: 203, d: 6, k: 9, self: true };
    const r = rng(5);
    const data = new Float32Array(c.n * c.d).map(() => Math.floor(r() * 3));
    for (let c0 = 0; c0 < c.d; c0++) data[40 * c.d + c0] = data[7 * c.d + c0]; // an exact duplicate
    const want = refKnn(data, c.n, data, c.m, c.d, c.k, true);
    for (const engine of await engines()) {
      for (const v of VARIANTS) {
        const got = await run(engine, v, data, c);
        expect(Array.from(got.idx), `${engine.kind}/${v} indices`).toEqual(Array.from(want.indices));
        expect(Array.from(got.vals), `${engine.kind}/${v} distances`).toEqual(Array.from(want.distances));
        expect(got.idx[7 * c.k], 'the duplicate is the nearest, at 0').toBe(40);
        expect(got.vals[7 * c.k]).toBe(0);
      }
    }
    // Few queries against many rows: the split variant's ranges each hold tied rows.
    const w: Case = { n: 1500, m: 5, d: 4, k: 20, self: false };
    const rows = new Float32Array(w.n * w.d).map(() => Math.floor(r() * 3));
    const queries = rows.slice(0, w.m * w.d);
    const want2 = refKnn(rows, w.n, queries, w.m, w.d, w.k, false);
    for (const engine of await engines()) {
      for (const v of VARIANTS) {
        const got = await run(engine, v, rows, w, queries);
        expect(Array.from(got.idx), `${engine.kind}/${v} indices, many rows`).toEqual(Array.from(want2.indices));
        expect(Array.from(got.vals), `${engine.kind}/${v} distances, many rows`).toEqual(Array.from(want2.distances));
      }
    }
  });

  it('the tuner measures every variant that applies and ends on one that computes the right lists', async () => {
    const engine = await getEngine();
    const c: Case = { n: 300, m: 300, d: 20, k: 5, self: true };
    const shape = { m: c.m, n: c.n, d: c.d, k: c.k };
    // A tuner of its own, without the on-disk cache, so that it measures here.
    const tuner = new Tuner(engine, { enabled: true, repetitions: 1 });
    const chosen = await tuner.tune(distanceFamily, shape);
    const applicable = distanceFamily.variants.filter((v) => v.applies(engine.traits, shape)).map((v) => v.name);
    expect(tuner.rows.map((r) => r.variant).sort()).toEqual([...applicable].sort());
    expect(tuner.rows.filter((r) => r.rejected), 'no variant disagrees with the fallback').toEqual([]);
    expect(applicable).toContain(chosen);
    const data = randomArray(c.n * c.d, 99);
    expectNearest(await run(engine, chosen, data, c), data, data, c, range(c.m), `tuned ${chosen}`);
  });
});

describe('cosine distance', () => {
  it('1 − cos against float64 on rows of different lengths, every variant', async () => {
    const engine = await getEngine();
    const n = 53, m = 11, d = 9, k = 7;
    const data = randomArray(n * d, 8, -1, 2);
    const queries = randomArray(m * d, 9, -1, 2);
    for (let c = 0; c < d; c++) data[5 * d + c] = 3 * queries[2 * d + c]; // same direction as query 2
    const cos = (i: number, j: number) => {
      let ab = 0, aa = 0, bb = 0;
      for (let c = 0; c < d; c++) { ab += queries[i * d + c] * data[j * d + c]; aa += queries[i * d + c] ** 2; bb += data[j * d + c] ** 2; }
      return 1 - ab / Math.sqrt(aa * bb);
    };
    const x = engine.tensor(data, [n, d]);
    const q = engine.tensor(queries, [m, d]);
    for (const v of VARIANTS) {
      engine.tuner.force('distance', v);
      const r = await nearestRows(engine, x, q, k, { metric: 'cosine' });
      const vals = await r.vals.read();
      const idx = await r.idx.read();
      for (let i = 0; i < m; i++) {
        const want = range(n).map((j) => cos(i, j)).sort((a, b) => a - b);
        for (let t = 0; t < k; t++) {
          expect(Math.abs(vals[i * k + t] - want[t]), `${v} row ${i} slot ${t}`).toBeLessThan(2e-6 * d);
          expect(Math.abs(cos(i, idx[i * k + t]) - vals[i * k + t]), `${v} row ${i} slot ${t} index`).toBeLessThan(2e-6 * d);
        }
      }
      expect(idx[2 * k], `${v}: the row along query 2 comes first`).toBe(5);
      r.vals.dispose(); r.idx.dispose();
    }
    engine.tuner.force('distance', undefined);
    x.dispose(); q.dispose();
  });
});

describe('distance top-k over a million rows (dispatches split and folded)', () => {
  it('1,000,000 queries against 37 rows, and 5 queries against 250,000 rows, d = 3: sampled rows against float64', async () => {
    const engine = await getEngine();
    const big = 1_000_000;
    const small = randomArray(37 * 3, 3, -1, 1);
    const many = randomArray(big * 3, 4, -1, 1);
    const sample = [0, 1, 65_535 * 8, 524_287, 777_777, big - 1];
    for (const v of VARIANTS.filter((x) => x !== 'tiled-td32')) {
      const a: Case = { n: 37, m: big, d: 3, k: 4, self: false };
      expectNearest(await run(engine, v, small, a, many), small, many, a, sample, `${v} many queries`);
      const b: Case = { n: 250_000, m: 5, d: 3, k: 3, self: false };
      const rows = many.subarray(0, b.n * 3);
      const q = many.subarray(big * 3 - 15);
      expectNearest(await run(engine, v, rows, b, q), rows, q, b, range(5), `${v} many rows`);
    }
  });
});

describe('distance search progress', () => {
  it('reports a self search by the work of its symmetric blocks: even units, the first block the largest', async () => {
    const engine = await getEngine();
    engine.tuner.force('distance', 'matmul-heap');
    try {
      const n = 5000;
      const x = engine.tensor(randomArray(n * 4, 9), [n, 4]);
      const seen: number[] = [];
      const r = await nearestRows(engine, x, x, 8, { self: true, onProgress: (done, total) => { expect(total).toBe(n); seen.push(done); } });
      r.vals.dispose(); r.idx.dispose(); x.dispose();
      expect(seen.length).toBeGreaterThan(2);
      expect(seen[seen.length - 1]).toBe(n);
      const steps = seen.map((v, i) => v - (i ? seen[i - 1] : 0));
      // Block i does nb − i tiles of equal size: each step is smaller than the one before, by one tile.
      for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeLessThan(steps[i - 1]);
      const tile = steps[0] / steps.length;
      for (let i = 1; i < steps.length; i++) expect(Math.abs(steps[i - 1] - steps[i] - tile)).toBeLessThanOrEqual(1);
    } finally {
      engine.tuner.force('distance', undefined);
    }
  });
});
