import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { LimitError } from '../src/engine/errors.js';
import { planUmap } from '../src/models/umap/plan.js';
import { UMAP } from '../src/models/umap/umap.js';
import type { KnnGraph } from '../src/models/knn/index.js';
import { edgeGroups, fuzzyGraph, type FuzzyGraph } from '../src/models/umap/graph.js';
import { optimizeLayout } from '../src/models/umap/optimizer.js';
import { spectralEmbedding } from '../src/models/umap/spectral.js';
import { expectClose, gaussian, getEngine, rng } from './helpers.js';
import { bruteKnn } from './reference/tsne.js';
import { fuzzySimplicialSet } from './reference/umap.js';

// UMAP with every binding split: a 32 KiB storage-binding limit makes the kNN graph of 700 points
// × 14 neighbours (39 KB per tensor) go through the host fuzzy union and row-chunked smooth kNN,
// and its ≈ 14k symmetric edges (56 KB per array) through several edge groups.

const SMALL = 32 * 1024;
const [N, D, NEIGHBOURS] = [700, 5, 15];
const K = NEIGHBOURS - 1;

function withBinding(real: Engine, bytes: number): Engine {
  const limits = new Proxy(real.limits, { get: (t, key) => (key === 'maxStorageBufferBindingSize' ? bytes : Reflect.get(t, key)) });
  return Object.create(real, { limits: { value: limits } }) as Engine;
}

const r = rng(17);
const X = Float32Array.from({ length: N * D }, (_, e) => gaussian(r) + 3 * (Math.floor(e / D) % 4 === e % D ? 1 : 0));
const KNN = bruteKnn(X, N, D, K);

function graphOn(engine: Engine): KnnGraph {
  return {
    indices: engine.tensor(KNN.indices, [N, K]) as KnnGraph['indices'],
    distances: engine.tensor(KNN.distances, [N, K]) as KnnGraph['distances'], k: K, n: N,
  };
}

const params = { metric: 'euclidean' as const, localConnectivity: 1, nNeighbors: NEIGHBOURS, setOpMixRatio: 0.7, nEpochs: 200 };

/** Dense [N, N] weights of a fuzzy graph. */
function dense(g: FuzzyGraph): Float64Array {
  const out = new Float64Array(N * N);
  const { rowPtr, cols, weights } = g.host;
  for (let i = 0; i < N; i++) for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) out[i * N + cols[e]] += weights[e];
  return out;
}

describe('UMAP split over storage bindings (32 KiB binding)', () => {
  it('the fuzzy graph (host union, chunked smooth kNN) matches the unsplit one and the float64 reference', async () => {
    const real = await getEngine();
    const small = withBinding(real, SMALL);
    expect(K * N * 4).toBeGreaterThan(SMALL);
    const split = await fuzzyGraph(small, graphOn(small), params);
    const whole = await fuzzyGraph(real, graphOn(real), params);
    expect(Array.from(split.graph.host.rowPtr)).toEqual(Array.from(whole.graph.host.rowPtr));
    expect(Array.from(split.graph.host.cols)).toEqual(Array.from(whole.graph.host.cols));
    expectClose(split.graph.host.weights, whole.graph.host.weights, 1e-7, 1e-6, 'joint weights, split vs whole');
    expect(Array.from(split.rhoSigma)).toEqual(Array.from(whole.rhoSigma));
    // float64 reference, on the kNN rows with the point itself first.
    const kk = K + 1;
    const idx = new Uint32Array(N * kk);
    const dist = new Float64Array(N * kk);
    for (let i = 0; i < N; i++) {
      idx[i * kk] = i;
      for (let t = 0; t < K; t++) { idx[i * kk + t + 1] = KNN.indices[i * K + t]; dist[i * kk + t + 1] = Math.sqrt(KNN.distances[i * K + t]); }
    }
    const want = fuzzySimplicialSet(idx, dist, N, kk, params.localConnectivity, params.setOpMixRatio);
    let maxW = 0;
    for (const v of want.graph.values()) maxW = Math.max(maxW, v);
    const ref = new Float64Array(N * N);
    for (const [key, v] of want.graph) {
      if (v < maxW / params.nEpochs) continue;
      const [i, j] = key.split(',').map(Number);
      ref[i * N + j] = v;
    }
    expectClose(dense(split.graph), ref, 2e-4, 1e-3, 'joint weights vs float64');
  });

  it('epochs and the spectral initialisation over edge groups give the unsplit bytes', async () => {
    const real = await getEngine();
    const small = withBinding(real, SMALL);
    const { graph } = await fuzzyGraph(real, graphOn(real), params);
    expect(edgeGroups(small, graph).length).toBeGreaterThan(1);
    expect(edgeGroups(real, graph).length).toBe(1);
    const s = { nEpochs: 30, learningRate: 1, negativeSampleRate: 5, repulsionStrength: 1, a: 1.577, b: 0.895, seed: 9 };
    const r0 = rng(5);
    const y0 = Float32Array.from({ length: N * 2 }, () => 10 * (r0() - 0.5));
    const run = async (engine: Engine) => (await optimizeLayout(engine, graph, engine.tensor(y0, [N, 2]), null, s)).read();
    const a = await run(small);
    const b = await run(real);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(a)).toEqual(Array.from(b));
    let moved = 0;
    for (let e = 0; e < a.length; e++) moved = Math.max(moved, Math.abs(a[e] - y0[e]));
    expect(moved).toBeGreaterThan(0.01);
    const sa = await spectralEmbedding(small, graph, 2, 4);
    const sb = await spectralEmbedding(real, graph, 2, 4);
    expect(Array.from(sa)).toEqual(Array.from(sb));
  });
});

describe('planUmap', () => {
  it('sizes a million points and refuses a graph past maxBufferSize before any work', async () => {
    const real = await getEngine();
    const big = { limits: { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 2 ** 31, minStorageBufferOffsetAlignment: 256 } };
    const plan = planUmap(big, 1_000_000, 15, 2);
    expect(plan.stages.find((s) => s.stage === 'knn')!.gpuBytes).toBe(2 * 1_000_000 * 14 * 4);
    expect(plan.peakGpuBytes + plan.peakHostBytes).toBeLessThan(2e9);
    expect(() => planUmap(big, 1_000_000, 15, 2, { budgetBytes: 1e8 })).toThrow(LimitError);
    const noWork = () => { throw new Error('work was recorded'); };
    const limits = new Proxy(real.limits, { get: (t, key) => (key === 'maxBufferSize' ? 16 * 1024 : Reflect.get(t, key)) });
    const tiny = Object.create(real, { limits: { value: limits }, dispatch: { value: noWork } }) as Engine;
    const x = real.tensor(X, [N, D]);
    await expect(new UMAP(tiny, { nNeighbors: NEIGHBOURS }).fit(x)).rejects.toThrow(/maxBufferSize/);
    x.dispose();
  });
});
