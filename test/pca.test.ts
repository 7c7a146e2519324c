import { describe, expect, it } from 'vitest';
import { InvalidInputError, PCA } from '../src/index.js';
import { arrayRows } from '../src/models/pca/index.js';
import { expectClose, gaussian, getEngine, rng } from './helpers.js';
import { largestPrincipalAngle, refPca } from './reference/pca.js';

/** n points in d dims with standard deviations `scales` along a random orthonormal basis, offset by 5. */
function spectrumData(n: number, d: number, scales: number[], seed: number): Float32Array {
  const r = rng(seed);
  const basis: number[][] = [];
  while (basis.length < d) {
    const v = Array.from({ length: d }, () => gaussian(r));
    for (const b of basis) { const dot = b.reduce((s, bi, i) => s + bi * v[i], 0); b.forEach((bi, i) => { v[i] -= dot * bi; }); }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const z = gaussian(r) * (scales[j] ?? 0.01);
      for (let t = 0; t < d; t++) x[i * d + t] += z * basis[j][t];
    }
    for (let t = 0; t < d; t++) x[i * d + t] += 5 + t * 0.1;
  }
  return x;
}

function rows(a: ArrayLike<number>, k: number, d: number): Float64Array[] {
  return Array.from({ length: k }, (_, i) => Float64Array.from({ length: d }, (_, j) => a[i * d + j]));
}

describe('PCA against a float64 eigendecomposition', () => {
  const cases: Array<{ n: number; d: number; k: number; method: 'covariance' | 'randomized'; angle: number }> = [
    { n: 503, d: 37, k: 5, method: 'covariance', angle: 1e-3 },
    { n: 503, d: 37, k: 5, method: 'randomized', angle: 1e-2 },
    { n: 211, d: 7, k: 7, method: 'covariance', angle: 1e-3 },
    { n: 1200, d: 130, k: 20, method: 'covariance', angle: 2e-3 },
  ];
  for (const { n, d, k, method, angle } of cases) {
    it(`${n}×${d} → ${k} components (${method})`, async () => {
      const engine = await getEngine();
      const scales = Array.from({ length: d }, (_, i) => 10 * 0.85 ** i);
      const data = spectrumData(n, d, scales, n + d);
      const x = engine.tensor(data, [n, d]);
      const pca = await PCA.fit(engine, x, { components: k, method });
      const ref = refPca(data, n, d);
      const got = rows(pca.componentsHost, k, d);
      // Subspace angle, then each well-separated component (eigenvalue ratio ≤ 0.85²) by |cos|.
      expect(largestPrincipalAngle(got, ref.vectors.slice(0, k), d)).toBeLessThan(angle);
      for (let i = 0; i < k; i++) {
        const cos = Math.abs(got[i].reduce((s, g, t) => s + g * ref.vectors[i][t], 0));
        expect(cos, `component ${i}`).toBeGreaterThan(1 - 10 * angle);
        let big = 0;
        for (const v of got[i]) if (Math.abs(v) > Math.abs(big)) big = v;
        expect(big, `component ${i} sign convention`).toBeGreaterThan(0);
      }
      expectClose(pca.explainedVariance, ref.values.slice(0, k), 1e-4 * ref.values[0], 1e-3, 'explained variance');
      expectClose(pca.explainedVarianceRatio, ref.values.slice(0, k).map((v) => v / ref.total), 1e-5, 1e-3, 'ratio');
      expectClose(await pca.mean.read(), ref.mean, 1e-5, 1e-5, 'mean');
      pca.dispose(); x.dispose();
    });
  }

  it('transform matches (x − mean)·Vᵀ in float64 and inverseTransform reconstructs with all components', async () => {
    const engine = await getEngine();
    const n = 97;
    const d = 12;
    const data = spectrumData(n, d, Array.from({ length: d }, (_, i) => 3 * 0.7 ** i), 3);
    const x = engine.tensor(data, [n, d]);
    const pca = await PCA.fit(engine, x, { components: d });
    const z = pca.transform(x);
    expect(z.shape).toEqual([n, d]);
    const mean = await pca.mean.read();
    const want = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t] - mean[t]) * pca.componentsHost[c * d + t];
      want[i * d + c] = s;
    }
    // Inputs near 5 lose ~6e-7·5 each to f32 rounding in the fused bias form.
    expectClose(await z.read(), want, 2e-5 * d, 1e-4, 'transform');
    const back = pca.inverseTransform(z);
    expectClose(await back.read(), data, 4e-5 * d, 1e-5, 'inverse transform');
    pca.dispose(); x.dispose(); z.dispose(); back.dispose();
  });

  it('the same seed gives the same components', async () => {
    const engine = await getEngine();
    const data = spectrumData(300, 20, Array.from({ length: 20 }, (_, i) => 0.9 ** i), 9);
    const x = engine.tensor(data, [300, 20]);
    const a = await PCA.fit(engine, x, { components: 4, seed: 7 });
    const b = await PCA.fit(engine, x, { components: 4, seed: 7 });
    expect(Array.from(a.componentsHost)).toEqual(Array.from(b.componentsHost));
    a.dispose(); b.dispose(); x.dispose();
  });

  it('rejects bad input with clear errors', async () => {
    const engine = await getEngine();
    const x = engine.tensor(spectrumData(10, 4, [1, 1, 1, 1], 1), [10, 4]);
    await expect(PCA.fit(engine, x, { components: 5 })).rejects.toThrow(/components must be an integer in 1\.\.4/);
    await expect(PCA.fit(engine, x, { components: 0 })).rejects.toThrow(InvalidInputError);
    const one = engine.tensor(new Float32Array(4), [1, 4]);
    await expect(PCA.fit(engine, one, { components: 1 })).rejects.toThrow(/at least 2 points/);
    const bad = spectrumData(10, 4, [1, 1, 1, 1], 1);
    bad[4 * 6 + 2] = Infinity;
    const xb = engine.tensor(bad, [10, 4], { allowNonFinite: true });
    await expect(PCA.fit(engine, xb, { components: 2 })).rejects.toThrow(/in 1 row: 6/);
    const pca = await PCA.fit(engine, x, { components: 2 });
    expect(() => pca.transform(engine.tensor(new Float32Array(6), [2, 3]))).toThrow(/\[points, 4\]/);
  });
});

describe('PCA progress', () => {
  it('advances through the row pass and the iterations, never backwards, and ends at its total', async () => {
    const real = await getEngine();
    // A 64 KiB binding splits 2,000 × 24 rows into four blocks, so the row pass reports in steps.
    const small = Object.create(real, { limits: { value: new Proxy(real.limits, {
      get: (t, key) => (key === 'maxStorageBufferBindingSize' ? 64 * 1024 : Reflect.get(t, key)) }) } }) as typeof real;
    const n = 2000;
    const d = 24;
    const x = real.tensor(spectrumData(n, d, [5, 4, 3, 2, 1], 11), [n, d]);
    const seen: Array<[number, number]> = [];
    for (const operator of ['covariance', 'data'] as const) {
      seen.length = 0;
      const pca = await PCA.fit(small, x, { components: 3, operator, onProgress: (done, total) => seen.push([done, total]) });
      pca.dispose();
      expect(seen.length).toBeGreaterThan(4);
      for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThan(seen[i - 1][0]);
      expect(new Set(seen.map((s) => s[1]))).toEqual(new Set([1000]));
      expect(seen[seen.length - 1][0]).toBe(1000);
      // The covariance route's row pass (70% of its FLOPs here) moves the bar once per row block.
      if (operator === 'covariance') expect(seen.filter(([v]) => v < 690).length).toBeGreaterThanOrEqual(3);
      else expect(seen.filter(([v]) => v > 0 && v < 1000).length).toBeGreaterThan(2);
    }
    x.dispose();
  });
});

describe('PCA on streamed rows (data larger than one GPU buffer)', () => {
  it('fits and projects block by block, matching float64 and the in-memory fit', async () => {
    const real = await getEngine();
    // A 16 KiB binding: 900 rows × 30 columns go up in six blocks of 136 rows and one of 84.
    const small = Object.create(real, { limits: { value: new Proxy(real.limits, {
      get: (t, key) => (key === 'maxStorageBufferBindingSize' ? 16 * 1024 : Reflect.get(t, key)) }) } }) as typeof real;
    const [n, d, k] = [900, 30, 4];
    const data = spectrumData(n, d, Array.from({ length: d }, (_, i) => 10 * 0.8 ** i), 5);
    let reads = 0;
    const src = { ...arrayRows(data, n, d), read: (s: number, c: number) => { reads++; return data.slice(s * d, (s + c) * d); } };
    const seen: number[] = [];
    const pca = await PCA.fitRows(small, src, { components: k, onProgress: (v) => seen.push(v) });
    expect(reads).toBe(2 * 7);
    const ref = refPca(data, n, d);
    const got = rows(pca.componentsHost, k, d);
    expect(largestPrincipalAngle(got, ref.vectors.slice(0, k), d)).toBeLessThan(1e-3);
    expectClose(pca.explainedVariance, ref.values.slice(0, k), 1e-4 * ref.values[0], 1e-3, 'explained variance');
    expectClose(pca.explainedVarianceRatio, ref.values.slice(0, k).map((v) => v / ref.total), 1e-5, 1e-3, 'ratio');
    expectClose(await pca.mean.read(), ref.mean, 1e-5, 1e-5, 'mean');
    expect(seen[seen.length - 1]).toBe(1000);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    // Projection block by block equals the in-memory projection.
    const x = real.tensor(data, [n, d]);
    const whole = pca.transform(x);
    const streamed = await pca.transformRows(src);
    expectClose(streamed, await whole.read(), 1e-5, 1e-5, 'projection');
    whole.dispose(); x.dispose(); pca.dispose();
  });

  it('names the first row with NaN or Inf, counted across blocks', async () => {
    const engine = await getEngine();
    const [n, d] = [300, 5];
    const data = spectrumData(n, d, [3, 2, 1, 1, 1], 2);
    data[257 * d + 3] = Number.POSITIVE_INFINITY;
    await expect(PCA.fitRows(engine, arrayRows(data, n, d), { components: 2 })).rejects.toThrow(/row 257 has NaN or Inf values \(column 3\)/);
  });
});
