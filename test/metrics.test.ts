import { describe, expect, it } from 'vitest';
import { InvalidInputError, knnAccuracy, stratifiedFolds, trustworthiness } from '../src/index.js';
import { gaussian, getEngine, rng } from './helpers.js';
import { refKnnAccuracy, refTrustworthiness } from './reference/metrics.js';

/** Gaussian clusters: `spread` small → well separated. Returns points and labels. */
function clusters(n: number, d: number, classes: number, spread: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const r = rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: d }, () => gaussian(r) * 3));
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * classes);
    labels[i] = c;
    for (let t = 0; t < d; t++) x[i * d + t] = centres[c][t] + spread * gaussian(r);
  }
  return { x, labels };
}

/** A noisy low-dimensional view of x: its first `de` coordinates plus noise. */
function noisyProjection(x: Float32Array, n: number, d: number, de: number, noise: number, seed: number): Float32Array {
  const r = rng(seed);
  const e = new Float32Array(n * de);
  for (let i = 0; i < n; i++) for (let t = 0; t < de; t++) e[i * de + t] = x[i * d + t] + noise * gaussian(r);
  return e;
}

describe('stratified folds', () => {
  it('match scikit-learn StratifiedKFold(3) on an uneven label vector', () => {
    // Printed by scikit-learn 1.2.1 for these labels.
    const y = [2, 0, 1, 1, 0, 2, 2, 2, 1, 0, 0, 0, 1, 2, 5, 5, 1];
    expect(Array.from(stratifiedFolds(y, 3))).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 1, 2]);
  });
});

describe('kNN accuracy against float64', () => {
  for (const [n, d, spread, k] of [[157, 2, 1.5, 10], [311, 5, 2.5, 7], [60, 3, 0.05, 5]] as const) {
    it(`n = ${n}, d = ${d}, spread ${spread}, k = ${k}`, async () => {
      const engine = await getEngine();
      const { x, labels } = clusters(n, d, 4, spread, n);
      const t = engine.tensor(x, [n, d]);
      const got = await knnAccuracy(engine, t, labels, k, 5);
      const want = refKnnAccuracy(x, n, d, labels, stratifiedFolds(labels, 5), k);
      // A near-tie in distance may flip one vote: allow one point's difference.
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1 / n + 1e-12);
      if (spread < 0.1) expect(got).toBe(1);
      t.dispose();
    });
  }
});

describe('kNN accuracy on a sample of rows', () => {
  it('estimates the full accuracy from a seeded subset of each fold', async () => {
    const engine = await getEngine();
    const n = 600;
    const { x, labels } = clusters(n, 3, 4, 0.05, 5);
    // Every tenth row gets a wrong label, which its well-separated cluster outvotes: about 0.9.
    const noisy = Array.from(labels, (l, i) => (i % 10 === 0 ? (l + 1) % 4 : l));
    const t = engine.tensor(x, [n, 3]);
    const full = await knnAccuracy(engine, t, noisy, 5, 5);
    expect(full).toBeCloseTo(refKnnAccuracy(x, n, 3, noisy, stratifiedFolds(noisy, 5), 5), 12);
    expect(full).toBeGreaterThan(0.85);
    expect(full).toBeLessThan(0.91);
    expect(await knnAccuracy(engine, t, noisy, 5, 5, { sample: n })).toBe(full);
    const a = await knnAccuracy(engine, t, noisy, 5, 5, { sample: 200, seed: 3 });
    // 200 rows scored: within 3 binomial standard deviations of the full figure, and a multiple of 1/200.
    expect(Math.abs(a - full)).toBeLessThan(0.07);
    expect(Math.abs(a * 200 - Math.round(a * 200))).toBeLessThan(1e-9);
    expect(await knnAccuracy(engine, t, noisy, 5, 5, { sample: 200, seed: 3 })).toBe(a);
    t.dispose();
  });
});

describe('trustworthiness against float64', () => {
  for (const [n, d, de, noise, k] of [[120, 6, 2, 0.3, 10], [257, 20, 3, 1.0, 5], [90, 4, 4, 0, 7]] as const) {
    it(`n = ${n}, ${d} → ${de} dims, noise ${noise}, k = ${k}`, async () => {
      const engine = await getEngine();
      const { x } = clusters(n, d, 3, 1, n + 1);
      const e = noisyProjection(x, n, d, de, noise, 2);
      const xt = engine.tensor(x, [n, d]);
      const et = engine.tensor(e, [n, de]);
      const got = await trustworthiness(engine, xt, et, k);
      const want = refTrustworthiness(x, e, n, d, de, k);
      expect(Math.abs(got - want)).toBeLessThan(1e-9 + 2 / (n * k * (2 * n - 3 * k - 1)) * 2);
      if (noise === 0 && de === d) expect(got).toBeCloseTo(1, 12);
      xt.dispose(); et.dispose();
    });
  }

  it('a sampled estimate is close to the exact value and a random embedding scores near 0.5', async () => {
    const engine = await getEngine();
    const n = 600;
    const { x } = clusters(n, 8, 5, 1, 3);
    const e = noisyProjection(x, n, 8, 2, 0.5, 4);
    const xt = engine.tensor(x, [n, 8]);
    const et = engine.tensor(e, [n, 2]);
    const exact = await trustworthiness(engine, xt, et, 10);
    const sampled = await trustworthiness(engine, xt, et, 10, { sample: 200, seed: 3 });
    expect(Math.abs(sampled - exact)).toBeLessThan(0.02);
    const r = rng(8);
    const rand = engine.tensor(Float32Array.from({ length: n * 2 }, () => r()), [n, 2]);
    const low = await trustworthiness(engine, xt, rand, 10);
    expect(low).toBeGreaterThan(0.4);
    expect(low).toBeLessThan(0.6);
    xt.dispose(); et.dispose(); rand.dispose();
  });
});

describe('metrics bad input', () => {
  it('rejects mismatched rows, bad k and non-integer labels', async () => {
    const engine = await getEngine();
    const x = engine.tensor(Float32Array.from({ length: 40 }, (_, i) => i), [20, 2]);
    const e = engine.tensor(Float32Array.from({ length: 19 }, (_, i) => i), [19, 1]);
    await expect(trustworthiness(engine, x, e, 3)).rejects.toThrow(/20 rows but the embedding has 19/);
    await expect(trustworthiness(engine, x, x, 10)).rejects.toThrow(InvalidInputError);
    await expect(knnAccuracy(engine, x, new Array(20).fill(0.5), 3)).rejects.toThrow(/not an integer/);
    await expect(knnAccuracy(engine, x, new Array(20).fill(1), 17)).rejects.toThrow(/k must be an integer in 1\.\.16/);
  });
});
