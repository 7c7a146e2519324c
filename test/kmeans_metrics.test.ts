import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, normalizedMutualInfo, silhouette } from '../src/metrics/clustering.js';
import { InvalidInputError, ShapeError } from '../src/engine/errors.js';
import { getEngine, gaussian, rng } from './helpers.js';
import { blobs, silhouetteRef } from './reference/kmeans.js';

// Values from scikit-learn 1.2.1 (adjusted_rand_score, normalized_mutual_info_score); the second
// case by hand: contingency cells 2,1,1 → Σ C(n_ij, 2) = 1; rows Σ C = 1, columns 2; expected
// 1·2 / C(4, 2) = 1/3; ARI = (1 − 1/3) / (1.5 − 1/3) = 4/7.
const CASES: Array<[number[], number[], number, number]> = [
  [[0, 0, 1, 1], [1, 1, 0, 0], 1, 1],
  [[0, 0, 1, 2], [0, 0, 1, 1], 4 / 7, 0.7999999999999999],
  [[0, 0, 1, 1], [0, 0, 1, 2], 4 / 7, 0.7999999999999999],
  [[0, 0, 0, 0], [0, 1, 2, 3], 0, 0],
  [[0, 0, 1, 1], [0, 1, 0, 1], -0.5, 0],
  [[0, 0, 0, 1, 1, 1, 2, 2, 2], [0, 0, 1, 1, 1, 2, 2, 2, 2], 0.35714285714285715, 0.5895098274473048],
  [[1, 1, 1], [1, 1, 1], 1, 1],
];

describe('adjusted Rand index and normalised mutual information', () => {
  it.each(CASES)('%j vs %j', (a, b, ari, nmi) => {
    expect(adjustedRandIndex(a, b)).toBeCloseTo(ari, 12);
    expect(normalizedMutualInfo(a, b)).toBeCloseTo(nmi, 12);
  });

  it('ignores label names and is symmetric', () => {
    const a = [5, 5, 9, 9, 7, 7, 7];
    const b = [1, 2, 2, 2, 3, 3, 1];
    expect(adjustedRandIndex(a, b)).toBeCloseTo(adjustedRandIndex(b, a), 14);
    expect(adjustedRandIndex(a, b)).toBeCloseTo(adjustedRandIndex(a.map((v) => v * 10 + 1), b), 14);
    expect(normalizedMutualInfo(a, b)).toBeCloseTo(normalizedMutualInfo(b, a), 14);
  });

  it('rejects labelings of different lengths', () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(ShapeError);
    expect(() => normalizedMutualInfo([0, 1], [0, 1, 1])).toThrow(ShapeError);
  });
});

describe('silhouette', () => {
  it('matches a float64 reference on all rows of small data', async () => {
    const engine = await getEngine();
    const r = rng(11);
    const n = 157;
    const d = 7;
    const { x } = blobs(n, d, 4, r, gaussian, 3);
    // Labels not equal to the generating ones, so that the silhouette is far from 1.
    const labels = new Uint32Array(n).map((_, i) => (i * 7) % 5);
    const xt = engine.tensor(x, [n, d]);
    const got = await silhouette(engine, xt, labels, { sample: 1000 });
    const want = silhouetteRef(x, n, d, labels);
    expect(Math.abs(got - want)).toBeLessThan(2e-4 + 1e-3 * Math.abs(want));
    xt.dispose();
  });

  it('is near 1 on separated blobs with their labels, sampled', async () => {
    const engine = await getEngine();
    const { x, labels } = blobs(3001, 5, 3, rng(3), gaussian, 40);
    const xt = engine.tensor(x, [3001, 5]);
    const lt = engine.tensor(labels, [3001]);
    const s = await silhouette(engine, xt, lt, { sample: 500, seed: 1 });
    expect(s).toBeGreaterThan(0.85);
    expect(s).toBeLessThanOrEqual(1);
    xt.dispose();
    lt.dispose();
  });

  it('needs at least two clusters', async () => {
    const engine = await getEngine();
    const xt = engine.tensor(new Float32Array(20).map((_, i) => i), [10, 2]);
    await expect(silhouette(engine, xt, new Uint32Array(10))).rejects.toThrow(InvalidInputError);
    await expect(silhouette(engine, xt, new Uint32Array(9))).rejects.toThrow(ShapeError);
    xt.dispose();
  });
});
