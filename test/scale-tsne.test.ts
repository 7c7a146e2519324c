import { describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { LimitError } from '../src/engine/errors.js';
import type { KnnGraph } from '../src/models/knn/index.js';
import { calibrationChunks, conditionalAffinities, jointAffinities } from '../src/models/tsne/affinities.js';
import { Objective } from '../src/models/tsne/objective.js';
import { planTsne } from '../src/models/tsne/plan.js';
import { ExactRepulsion } from '../src/models/tsne/repulsion.js';
import { readSellCsr } from '../src/models/tsne/sell.js';
import { TSNE } from '../src/models/tsne/tsne.js';
import { expectClose, gaussian, getEngine, rng } from './helpers.js';
import { bruteKnn, tsneGradient } from './reference/tsne.js';

// t-SNE with every binding split: the same engine seen with a 32 KiB storage-binding limit, so
// that a graph of 1,500 points × 15 neighbours (90 KB per tensor) is calibrated in row chunks and
// P (≈ 30k entries, 240 KB) is stored in several SELL groups.

const SMALL = 32 * 1024;

function withLimits(real: Engine, limits: Partial<GPUSupportedLimits>, extra: PropertyDescriptorMap = {}): Engine {
  const l = new Proxy(real.limits, { get: (t, key) => (key in limits ? limits[key as keyof GPUSupportedLimits] : Reflect.get(t, key)) });
  return Object.create(real, { limits: { value: l }, ...extra }) as Engine;
}

function blobs(n: number, d: number, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[i * d + c] = 4 * ((i % 5) === c % 5 ? 1 : 0) + gaussian(r);
  return x;
}

const [N, D, K, PERPLEXITY] = [1500, 6, 15, 5];
let hostGraph: { indices: Uint32Array; distances: Float32Array } | undefined;

function graphOn(engine: Engine): KnnGraph {
  hostGraph ??= bruteKnn(blobs(N, D, 7), N, D, K);
  return {
    indices: engine.tensor(hostGraph.indices, [N, K]) as KnnGraph['indices'],
    distances: engine.tensor(hostGraph.distances, [N, K]) as KnnGraph['distances'], k: K, n: N,
  };
}

describe('t-SNE split over storage bindings (32 KiB binding)', () => {
  it('calibrates in row chunks and symmetrises into several SELL groups: P matches (P_cond + P_condᵀ)/2n in float64', async () => {
    const real = await getEngine();
    const small = withLimits(real, { maxStorageBufferBindingSize: SMALL });
    expect(calibrationChunks(small, N, K).length).toBeGreaterThan(1);
    const split = await jointAffinities(small, graphOn(small), PERPLEXITY);
    const whole = await jointAffinities(real, graphOn(real), PERPLEXITY);
    expect(split.sell.groups.length).toBeGreaterThan(2);
    expect(whole.sell.groups.length).toBe(1);
    for (const g of split.sell.groups) expect(g.colIdx.bytes).toBeLessThanOrEqual(SMALL);
    const a = await readSellCsr(split.sell);
    const b = await readSellCsr(whole.sell);
    expect(Array.from(a.rowPtr)).toEqual(Array.from(b.rowPtr));
    expect(Array.from(a.colIdx)).toEqual(Array.from(b.colIdx));
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    // Reference: the dense symmetrisation of the (unsplit) conditional affinities, in float64.
    const { pcond, beta } = conditionalAffinities(real, graphOn(real), PERPLEXITY);
    const pc = await pcond.read();
    pcond.dispose(); beta.dispose();
    const want = new Float64Array(N * N);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < K; t++) {
        const j = hostGraph!.indices[i * K + t];
        want[i * N + j] += pc[i * K + t] / (2 * N);
        want[j * N + i] += pc[i * K + t] / (2 * N);
      }
    }
    const got = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) got[i * N + a.colIdx[e]] += a.val[e];
    expectClose(got, want, 1e-12, 1e-6, 'P');
    expect(split.nnz).toBe(a.colIdx.length);
  });

  for (const dims of [2, 3] as const) {
    it(`attraction and KL over grouped SELL give the unsplit bytes and the float64 gradient (${dims}D)`, async () => {
      const real = await getEngine();
      const small = withLimits(real, { maxStorageBufferBindingSize: SMALL });
      const r = rng(30 + dims);
      const y = new Float32Array(N * dims);
      for (let i = 0; i < y.length; i++) y[i] = 5 * gaussian(r);
      const run = async (engine: Engine) => {
        const P = await jointAffinities(engine, graphOn(engine), PERPLEXITY);
        const yT = engine.tensor(y, [N, dims]);
        const obj = new Objective(engine, P, dims, new ExactRepulsion(engine, dims));
        obj.attr.write(new Float32Array(N * dims).fill(NaN), 0);
        obj.encode(yT, yT, true);
        return { attr: await obj.attr.read(), rep: await obj.rep.read(), z: (await obj.zSum.read())[0], kl: await obj.readKl(), P, groups: P.sell.groups.length };
      };
      const split = await run(small);
      const whole = await run(real);
      expect(split.groups).toBeGreaterThan(2);
      expect(Array.from(split.attr)).toEqual(Array.from(whole.attr));
      expect(split.kl).toBe(whole.kl);
      const want = tsneGradient(y, N, dims, await readSellCsr(split.P.sell));
      const grad = new Float64Array(N * dims);
      for (let i = 0; i < grad.length; i++) grad[i] = 4 * (split.attr[i] - split.rep[i] / split.z);
      let scale = 0;
      for (const g of want.grad) scale = Math.max(scale, Math.abs(g));
      expectClose(grad, want.grad, 1e-4 * scale, 1e-3, 'gradient');
      expect(Math.abs(split.kl - want.kl)).toBeLessThan(1e-4 * Math.max(1, want.kl));
    });
  }

  it('a whole fit (exact repulsion: the field grid is bound whole) gives the same bytes split or not', async () => {
    const real = await getEngine();
    const small = withLimits(real, { maxStorageBufferBindingSize: SMALL });
    const fit = async (engine: Engine) => {
      const tsne = new TSNE(engine, { perplexity: PERPLEXITY, iterations: 40, exaggerationIterations: 20, init: 'random', repulsion: 'exact', knn: graphOn(engine), releaseKnn: true });
      const y = await (await tsne.fit(engine.tensor(blobs(N, D, 7), [N, D]))).read();
      const kl = await tsne.kl();
      tsne.dispose();
      return { y, kl };
    };
    const a = await fit(small);
    const b = await fit(real);
    expect(a.y.every(Number.isFinite)).toBe(true);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(a.kl).toBe(b.kl);
  });
});

describe('t-SNE in breadth-first order of the kNN graph', () => {
  it('P renumbered is P, and a fit gives the embedding of the input order (field repulsion)', async () => {
    const engine = await getEngine();
    const plain = await jointAffinities(engine, graphOn(engine), PERPLEXITY);
    const renumbered = await jointAffinities(engine, graphOn(engine), PERPLEXITY, { reorder: true });
    const order = renumbered.order!;
    expect(new Set(order).size).toBe(N);
    expect(Array.from(order)).not.toEqual(Array.from(order).sort((a, b) => a - b));
    const a = await readSellCsr(plain.sell);
    const b = await readSellCsr(renumbered.sell);
    for (const i of [0, 1, 17, 400, N - 1]) {
      const r = order.indexOf(i);
      const want = new Map<number, number>();
      for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) want.set(a.colIdx[e], a.val[e]);
      const got = new Map<number, number>();
      for (let e = b.rowPtr[r]; e < b.rowPtr[r + 1]; e++) got.set(order[b.colIdx[e]], b.val[e]);
      expect(got).toEqual(want);
    }
    const fit = async (reorder: boolean) => {
      let last: Float32Array | null = null;
      const tsne = new TSNE(engine, {
        perplexity: PERPLEXITY, iterations: 40, exaggerationIterations: 20, init: 'random', repulsion: 'field', knn: graphOn(engine), releaseKnn: true,
        reorder, progressEvery: 40, onProgress: async (p) => { last = await p.read(); },
      });
      const y = await (await tsne.fit(engine.tensor(blobs(N, D, 7), [N, D]))).read();
      const kl = await tsne.kl();
      tsne.dispose();
      return { y, kl, last: last! };
    };
    const ordered = await fit(true);
    const input = await fit(false);
    expect(Array.from(ordered.last)).toEqual(Array.from(ordered.y));
    let scale = 0;
    for (const v of input.y) scale = Math.max(scale, Math.abs(v));
    // Only the order of float sums (Z, the reductions) differs.
    expectClose(ordered.y, input.y, 1e-3 * scale, 0, 'embedding, renumbered vs input order');
    expect(Math.abs(ordered.kl - input.kl)).toBeLessThan(1e-3 * Math.max(1, input.kl));
  });
});

describe('planTsne', () => {
  it('sizes a million points and throws before any work when the graph cannot exist', async () => {
    const real = await getEngine();
    const big = withLimits(real, { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 2 ** 31 });
    const plan = planTsne(big, 1_000_000, 90, 2);
    const stage = (s: string) => plan.stages.find((x) => x.stage === s)!;
    expect(stage('knn').gpuBytes).toBe(2 * 1_000_000 * 90 * 4);
    expect(stage('sell').splits).toBeGreaterThan(5);
    expect(plan.peakHostBytes).toBeLessThan(1.5e9);
    expect(() => planTsne(big, 1_000_000, 90, 2, { budgetBytes: 1e9 })).toThrow(LimitError);
    // A graph tensor past maxBufferSize: fit() must refuse before the kNN stage records anything.
    const noWork = () => { throw new Error('work was recorded'); };
    const tiny = withLimits(real, { maxBufferSize: 64 * 1024 }, { dispatch: { value: noWork }, tensor: { value: noWork } });
    expect(() => planTsne(tiny, 2000, 15, 2)).toThrow(/maxBufferSize/);
    const x = real.tensor(blobs(2000, D, 3), [2000, D]);
    await expect(new TSNE(tiny, { perplexity: PERPLEXITY }).fit(x)).rejects.toThrow(LimitError);
    x.dispose();
    // Positions bound whole: 3D positions of 4,000 points do not fit 32 KiB.
    expect(() => planTsne(withLimits(real, { maxStorageBufferBindingSize: SMALL }), 4000, 15, 3)).toThrow(/positions/);
  });
});
