import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { InvalidInputError } from '../src/engine/errors.js';
import type { KnnGraph } from '../src/models/knn/index.js';
import { symmetricEigen } from '../src/models/pca/linalg.js';
import { fitAB } from '../src/models/umap/curve.js';
import { fuzzyGraph, uploadGraph } from '../src/models/umap/graph.js';
import { optimizeLayout } from '../src/models/umap/optimizer.js';
import { spectralEmbedding } from '../src/models/umap/spectral.js';
import { UMAP } from '../src/models/umap/umap.js';
import { expectClose, gaussian, getEngine, rng } from './helpers.js';
import { bruteKnn } from './reference/tsne.js';
import { fuzzySimplicialSet, logOneMinusQ, logQ, normalisedLaplacian, numericGradient } from './reference/umap.js';

function gaussianData(n: number, d: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * d }, () => gaussian(r));
}

function graphOf(engine: Engine, x: Float32Array, n: number, d: number, k: number): { g: KnnGraph; indices: Uint32Array } {
  const b = bruteKnn(x, n, d, k);
  return {
    g: { indices: engine.tensor(b.indices, [n, k]) as KnnGraph['indices'], distances: engine.tensor(b.distances, [n, k]) as KnnGraph['distances'], k, n },
    indices: b.indices,
  };
}

/** kNN rows with the point itself as column 0, as umap-learn has them, with float64 distances. */
function withSelf(x: Float32Array, n: number, d: number, indices: Uint32Array, k: number, metric: 'euclidean' | 'cosine') {
  const kk = k + 1;
  const idx = new Uint32Array(n * kk);
  const dist = new Float64Array(n * kk);
  const norm = (i: number) => Math.sqrt(Array.from({ length: d }, (_, c) => x[i * d + c] ** 2).reduce((a, b) => a + b, 0));
  for (let i = 0; i < n; i++) {
    idx[i * kk] = i;
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      idx[i * kk + t + 1] = j;
      let [s, dot] = [0, 0];
      for (let c = 0; c < d; c++) { s += (x[i * d + c] - x[j * d + c]) ** 2; dot += x[i * d + c] * x[j * d + c]; }
      dist[i * kk + t + 1] = metric === 'cosine' ? 1 - dot / (norm(i) * norm(j)) : Math.sqrt(s);
    }
  }
  return { idx, dist, kk };
}

describe('UMAP curve fit', () => {
  it("matches umap-learn's a, b for minDist 0.1, spread 1", () => {
    const { a, b } = fitAB(0.1, 1);
    // umap-learn 0.5: find_ab_params(1.0, 0.1) = (1.5769434603113077, 0.8950608779109733).
    expect(Math.abs(a - 1.5769434603113077) / 1.5769434603113077).toBeLessThan(1e-5);
    expect(Math.abs(b - 0.8950608779109733) / 0.8950608779109733).toBeLessThan(1e-5);
  });

  it('is a least-squares minimum for other settings: no nearby (a, b) fits better', () => {
    for (const [minDist, spread] of [[0.5, 1], [0.01, 2], [0, 0.5]]) {
      const { a, b } = fitAB(minDist, spread);
      const cost = (aa: number, bb: number) => {
        let s = 0;
        for (let i = 0; i < 300; i++) {
          const x = (3 * spread * i) / 299;
          const y = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
          s += (1 / (1 + aa * x ** (2 * bb)) - y) ** 2;
        }
        return s;
      };
      const best = cost(a, b);
      for (const [da, db] of [[1e-3, 0], [-1e-3, 0], [0, 1e-3], [0, -1e-3]]) expect(cost(a * (1 + da), b * (1 + db))).toBeGreaterThan(best);
    }
  });
});

describe('UMAP fuzzy graph', () => {
  const cases = [
    { metric: 'euclidean' as const, localConnectivity: 1, setOpMixRatio: 1, nEpochs: 1e9 },
    { metric: 'euclidean' as const, localConnectivity: 1.5, setOpMixRatio: 0.3, nEpochs: 1e9 },
    { metric: 'cosine' as const, localConnectivity: 1, setOpMixRatio: 1, nEpochs: 50 },
  ];
  for (const c of cases) {
    it(`ρ, σ and weights match the float64 reference (${c.metric}, connectivity ${c.localConnectivity}, mix ${c.setOpMixRatio})`, async () => {
      const engine = await getEngine();
      const [n, d, nNeighbors] = [83, 6, 10];
      const k = nNeighbors - 1;
      const x = gaussianData(n, d, 11);
      let xs = x;
      if (c.metric === 'cosine') {
        xs = Float32Array.from(x);
        for (let i = 0; i < n; i++) {
          const norm = Math.hypot(...x.subarray(i * d, (i + 1) * d));
          for (let t = 0; t < d; t++) xs[i * d + t] = x[i * d + t] / norm;
        }
      }
      const { g, indices } = graphOf(engine, xs, n, d, k);
      const { graph, rhoSigma } = await fuzzyGraph(engine, g, { ...c, nNeighbors });
      const ref = withSelf(x, n, d, indices, k, c.metric);
      const want = fuzzySimplicialSet(ref.idx, ref.dist, n, ref.kk, c.localConnectivity, c.setOpMixRatio);
      expectClose(rhoSigma.filter((_, e) => e % 2 === 0), want.rho, 1e-5, 1e-4, 'rho');
      expectClose(rhoSigma.filter((_, e) => e % 2 === 1), want.sigma, 1e-5, 2e-3, 'sigma');
      let maxW = 0;
      for (const v of want.graph.values()) maxW = Math.max(maxW, v);
      const kept = new Map([...want.graph].filter(([, v]) => v >= maxW / c.nEpochs));
      const { rowPtr, cols, weights } = graph.host;
      expect(graph.nnz).toBe(kept.size);
      const got: number[] = [];
      const wanted: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
          const key = `${i},${cols[e]}`;
          expect(kept.has(key), `edge ${key}`).toBe(true);
          got.push(weights[e]);
          wanted.push(kept.get(key)!);
        }
      }
      expectClose(got, wanted, 2e-4, 1e-3, 'weights');
      expect(graph.maxWeight).toBeCloseTo(maxW, 5);
      g.indices.dispose(); g.distances.dispose();
    });
  }
});

describe('UMAP optimisation', () => {
  const [a, b] = [1.577, 0.895];
  const schedule = { nEpochs: 1, negativeSampleRate: 0, repulsionStrength: 1, a, b, seed: 3 };

  it('moves both ends of an edge by the gradient of log q (finite differences)', async () => {
    const engine = await getEngine();
    const y0 = [0.3, 0.1, -0.2];
    const y1 = [0.9, -0.4, 0.35];
    const graph = uploadGraph(engine, 2, 2, Uint32Array.from([0, 1, 2]), Uint32Array.from([1, 0]), Float32Array.from([1, 1]));
    const lr = 0.01;
    const y = await optimizeLayout(engine, graph, engine.tensor([...y0, ...y1], [2, 3]), null, { ...schedule, learningRate: lr });
    const got = await y.read();
    const g0 = numericGradient((v) => logQ(v, y1, a, b), y0);
    const g1 = numericGradient((v) => logQ(v, y0, a, b), y1);
    // Each end moves twice per sample: as the head of i→j and as the tail of j→i.
    const want = [...y0.map((v, d) => v + 2 * lr * g0[d]), ...y1.map((v, d) => v + 2 * lr * g1[d])];
    expectClose(Array.from(got, (v, i) => v - [...y0, ...y1][i]), want.map((v, i) => v - [...y0, ...y1][i]), 1e-7, 1e-4, 'step');
    y.dispose();
  });

  it('sums the pulls of a hub with more edges than one dispatch visits', async () => {
    const engine = await getEngine();
    // A star: point 0 joined to 300 leaves, split over three windows of the epoch kernel.
    const leaves = 300;
    const n = leaves + 1;
    const r = rng(8);
    const y0 = Float32Array.from({ length: n * 2 }, () => gaussian(r));
    const rowPtr = new Uint32Array(n + 1);
    rowPtr[1] = leaves;
    for (let i = 1; i <= leaves; i++) rowPtr[i + 1] = leaves + i;
    const cols = new Uint32Array(2 * leaves);
    for (let i = 0; i < leaves; i++) { cols[i] = i + 1; cols[leaves + i] = 0; }
    const graph = uploadGraph(engine, n, n, rowPtr, cols, new Float32Array(2 * leaves).fill(1));
    const lr = 1e-3;
    const y = await optimizeLayout(engine, graph, engine.tensor(y0, [n, 2]), null, { ...schedule, learningRate: lr });
    const got = await y.read();
    const want = [0, 0];
    for (let j = 1; j <= leaves; j++) {
      const g = numericGradient((v) => logQ(v, [y0[2 * j], y0[2 * j + 1]], a, b), [y0[0], y0[1]]);
      // umap-learn clips each coordinate of each pull to ±4.
      for (let d = 0; d < 2; d++) want[d] += 2 * lr * Math.max(-4, Math.min(4, g[d]));
    }
    expectClose([got[0] - y0[0], got[1] - y0[1]], want, 1e-5, 1e-3, 'hub step');
    y.dispose();
  });

  it('pushes a point away from its negative samples by the gradient of γ·log(1 − q)', async () => {
    const engine = await getEngine();
    const y0 = [0.2, -0.5];
    const y1 = [-0.6, 0.4];
    // One head point, one tail point: every negative sample is that tail point.
    const graph = uploadGraph(engine, 1, 1, Uint32Array.from([0, 1]), Uint32Array.from([0]), Float32Array.from([1]));
    const tail = engine.tensor(y1, [1, 2]);
    const lr = 0.005;
    const [rate, gamma] = [3, 0.7];
    const y = await optimizeLayout(engine, graph, engine.tensor(y0, [1, 2]), tail,
      { ...schedule, learningRate: lr, negativeSampleRate: rate, repulsionStrength: gamma });
    const got = await y.read();
    const d2 = (y0[0] - y1[0]) ** 2 + (y0[1] - y1[1]) ** 2;
    const attract = numericGradient((v) => logQ(v, y1, a, b), y0);
    // umap-learn softens the repulsion by 0.001 in its denominator: d² / (d² + 0.001) of the exact gradient.
    const repel = numericGradient((v) => logOneMinusQ(v, y1, a, b), y0);
    const want = y0.map((_, d) => lr * (attract[d] + rate * gamma * repel[d] * d2 / (d2 + 0.001)));
    expectClose([got[0] - y0[0], got[1] - y0[1]], want, 1e-7, 1e-4, 'step');
    y.dispose(); tail.dispose();
  });
});

describe('UMAP spectral initialisation', () => {
  it('finds the Laplacian eigenvectors of a connected graph (float64 dense reference)', async () => {
    const engine = await getEngine();
    const [n, d] = [90, 3];
    const r = rng(5);
    // Points along a noisy helix: a connected, path-like graph with distinct small eigenvalues.
    const x = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const t = (4 * Math.PI * i) / n;
      x.set([Math.cos(t) + 0.05 * gaussian(r), Math.sin(t) + 0.05 * gaussian(r), 0.3 * t], i * d);
    }
    const { g } = graphOf(engine, x, n, d, 9);
    const { graph } = await fuzzyGraph(engine, g, { metric: 'euclidean', localConnectivity: 1, nNeighbors: 10, setOpMixRatio: 1, nEpochs: 500 });
    const got = await spectralEmbedding(engine, graph, 2, 1);
    const l = normalisedLaplacian(n, graph.host.rowPtr, graph.host.cols, graph.host.weights);
    // Smallest eigenvalues of L are the largest of 2I − L.
    const shifted = l.map((v, e) => (e % (n + 1) === 0 ? 2 - v : -v));
    const { vectors } = symmetricEigen(shifted, n);
    for (let c = 0; c < 2; c++) {
      let [dot, ng, nw] = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const w = vectors[i * n + c + 1];
        dot += got[i * 2 + c] * w; ng += got[i * 2 + c] ** 2; nw += w * w;
      }
      expect(Math.abs(dot) / Math.sqrt(ng * nw), `eigenvector ${c + 1}`).toBeGreaterThan(0.99);
    }
    g.indices.dispose(); g.distances.dispose();
  });
});

describe('UMAP parameters', () => {
  it('rejects bad parameters with one sentence each', async () => {
    const engine = await getEngine();
    expect(() => new UMAP(engine, { minDist: 2, spread: 1 })).toThrow(/^UMAP: minDist \(2\) must be at most spread \(1\)\.$/);
    expect(() => new UMAP(engine, { metric: 'manhattan' as 'cosine' })).toThrow(/^UMAP: unknown metric "manhattan"; use "euclidean" or "cosine"\.$/);
    expect(() => new UMAP(engine, { nNeighbors: 1 })).toThrow(InvalidInputError);
    const x = engine.tensor(gaussianData(12, 3, 1), [12, 3]);
    await expect(new UMAP(engine, { nNeighbors: 12 }).fit(x)).rejects.toThrow(/^UMAP: nNeighbors \(12\) must be less than the number of points \(12\); use at most 11\.$/);
    x.dispose();
  });
});
