import { describe, expect, it } from 'vitest';
import { InvalidInputError, LatentGpuError } from '../src/engine/errors.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';
import { TSNE, type TsneOptions } from '../src/models/tsne/tsne.js';
import { gaussian, getEngine, rng } from './helpers.js';
import { bruteKnn, knnAccuracy } from './reference/tsne.js';

/** `clusters` Gaussian blobs of unit spread in d dims, centres ~10σ apart. */
function blobs(perCluster: number, clusters: number, d: number, seed: number) {
  const r = rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, () => 10 * gaussian(r)));
  const n = perCluster * clusters;
  const x = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % clusters;
    for (let c = 0; c < d; c++) x[i * d + c] = centres[labels[i]][c] + gaussian(r);
  }
  return { x, labels, n, d };
}

function finite(y: Float32Array): boolean {
  return y.every((v) => Number.isFinite(v));
}

async function embed(x: Float32Array, n: number, d: number, opts: TsneOptions): Promise<{ y: Float32Array; kl: number }> {
  const engine = await getEngine();
  const xt = engine.tensor(x, [n, d]);
  const tsne = new TSNE(engine, opts);
  try {
    const y = (await (await tsne.fit(xt)).read()) as Float32Array;
    return { y, kl: await tsne.kl() };
  } finally {
    tsne.dispose();
    xt.dispose();
  }
}

describe('t-SNE quality', () => {
  for (const [dims, repulsion] of [[2, 'exact'], [3, 'field']] as const) {
    it(`separates Gaussian clusters (${dims}D, ${repulsion} repulsion)`, async () => {
      const { x, labels, n, d } = blobs(80, 6, 20, 7 + dims);
      const { y, kl } = await embed(x, n, d, { dims, repulsion, perplexity: 20, iterations: 400, seed: 3 });
      expect(finite(y)).toBe(true);
      expect(knnAccuracy(y, n, dims, labels, 10)).toBeGreaterThanOrEqual(0.99);
      expect(kl).toBeGreaterThan(0);
      expect(kl).toBeLessThan(2);
    });
  }

  it('embeds 2,000 Fashion-MNIST images with 10-NN accuracy ≥ 0.75 (field repulsion)', async () => {
    const data = loadFashionMnist('train', 2000);
    const { y, kl } = await embed(data.x, data.n, data.d, { perplexity: 30, iterations: 500, repulsion: 'field', seed: 1 });
    expect(finite(y)).toBe(true);
    const acc = knnAccuracy(y, data.n, 2, data.labels, 10);
    expect(acc, `10-NN accuracy ${acc}, KL ${kl}`).toBeGreaterThanOrEqual(0.75);
  });

  it('gives the same embedding for the same seed', async () => {
    const { x, n, d } = blobs(40, 4, 10, 11);
    const opts: TsneOptions = { perplexity: 10, iterations: 120, exaggerationIterations: 60, seed: 5, init: 'random', repulsion: 'field' };
    const a = await embed(x, n, d, opts);
    const b = await embed(x, n, d, opts);
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
  });

  it('places new points next to their class (transform)', async () => {
    const engine = await getEngine();
    const { x, labels, n, d } = blobs(60, 5, 12, 21);
    const nTrain = 250;
    const train = engine.tensor(x.subarray(0, nTrain * d), [nTrain, d]);
    const test = engine.tensor(x.subarray(nTrain * d), [n - nTrain, d]);
    const tsne = new TSNE(engine, { perplexity: 15, iterations: 300, seed: 2 });
    const yTrain = (await (await tsne.fit(train)).read()) as Float32Array;
    const yTestT = await tsne.transform(test);
    const yTest = (await yTestT.read()) as Float32Array;
    expect(finite(yTest)).toBe(true);
    // Each new point's nearest training point in the embedding has its label.
    let correct = 0;
    for (let i = 0; i < n - nTrain; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let j = 0; j < nTrain; j++) {
        const dd = (yTest[2 * i] - yTrain[2 * j]) ** 2 + (yTest[2 * i + 1] - yTrain[2 * j + 1]) ** 2;
        if (dd < bestD) { bestD = dd; best = j; }
      }
      if (labels[best] === labels[nTrain + i]) correct++;
    }
    expect(correct / (n - nTrain)).toBeGreaterThanOrEqual(0.95);
    yTestT.dispose(); tsne.dispose(); train.dispose(); test.dispose();
  });
});

describe('t-SNE input checks', () => {
  it('rejects too few points for the perplexity, and dims other than 2 or 3', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(40 * 3).map((_, i) => Math.sin(i)), [40, 3]);
    await expect(new TSNE(engine, { perplexity: 30 }).fit(x)).rejects.toThrow(/at least 91 points.*at most 13/);
    expect(() => new TSNE(engine, { dims: 4 as 2 })).toThrow(InvalidInputError);
    expect(() => new TSNE(engine, { dims: 1 as 2 })).toThrow(/dims must be 2 or 3/);
    x.dispose();
  });

  it('reports NaN rows with a typed error', async () => {
    const engine = await getEngine();
    const data = new Float32Array(60 * 4).map((_, i) => Math.cos(i));
    data[17 * 4 + 2] = NaN;
    const x = engine.tensor(data, [60, 4], { allowNonFinite: true });
    await expect(new TSNE(engine, { perplexity: 5 }).fit(x)).rejects.toThrow(LatentGpuError);
    await expect(new TSNE(engine, { perplexity: 5 }).fit(x)).rejects.toThrow(/17/);
    x.dispose();
  });

  it('embeds duplicate points without NaN, as one tight group', async () => {
    const { x, n, d } = blobs(30, 3, 5, 31);
    const copies = 20;
    for (let i = 1; i < copies; i++) for (let c = 0; c < d; c++) x[i * d + c] = x[c]; // 20 copies of point 0
    const { y } = await embed(x, n, d, { perplexity: 5, iterations: 300, seed: 1 });
    expect(finite(y)).toBe(true);
    // Each copy's nearest embedded neighbours are (nearly all) the other copies.
    const { indices } = bruteKnn(y, n, 2, copies - 1);
    let same = 0;
    for (let i = 0; i < copies; i++) for (let t = 0; t < copies - 1; t++) if (indices[i * (copies - 1) + t] < copies) same++;
    expect(same / (copies * (copies - 1))).toBeGreaterThanOrEqual(0.9);
  });
});
