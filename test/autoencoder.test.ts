import { describe, expect, it } from 'vitest';
import { InvalidInputError, ShapeError } from '../src/engine/errors.js';
import type { Activation } from '../src/kernels/activations.js';
import { encodeOptimizerStep } from '../src/kernels/optimizer_step.js';
import fc from 'fast-check';
import { Autoencoder, VariationalAutoencoder } from '../src/models/autoencoder/index.js';
import { expectClose, getEngine, randomArray } from './helpers.js';
import { refOptimizerStep } from './reference/autoencoder.js';
import { checkGradients, lowRankData, refNet } from './reference/autoencoder-check.js';
import { refActivations } from './reference/activations.js';

describe('autoencoder gradients', () => {
  const acts: Activation[] = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'identity'];
  for (const activation of acts) {
    it(`${activation} hidden and latent layers, MSE through a tanh output`, async () => {
      const engine = await getEngine();
      const ae = await Autoencoder.create(engine, {
        layers: [5, 7, 3], activation, latentActivation: activation, outputActivation: 'tanh', loss: 'mse', seed: 11, slope: 0.1, init: 'glorot',
      });
      // Biases away from zero, so that ReLU's kink is not at the test point and the bias paths matter.
      for (const l of ae.net.layers) l.b.write(randomArray(l.spec.outputs, 5, -0.5, 0.5));
      await checkGradients(ae, randomArray(6 * 5, 3, -1, 1), 6);
      ae.dispose();
    });
  }

  it('BCE on logits with a sigmoid output', async () => {
    const engine = await getEngine();
    const ae = await Autoencoder.create(engine, { layers: [9, 6, 2], loss: 'bce', seed: 4, init: 'he' });
    await checkGradients(ae, randomArray(7 * 9, 8, 0, 1), 7);
    ae.dispose();
  });

  it('MSE through a sigmoid output, with a given decoder', async () => {
    const engine = await getEngine();
    const ae = await Autoencoder.create(engine, { layers: [8, 4], decoderLayers: [4, 6, 8], loss: 'mse', activation: 'tanh', seed: 2 });
    expect(ae.net.layers.map((l) => [l.spec.inputs, l.spec.outputs])).toEqual([[8, 4], [4, 6], [6, 8]]);
    await checkGradients(ae, randomArray(5 * 8, 9, 0, 1), 5);
    ae.dispose();
  });
});

describe('optimiser kernels', () => {
  const cases = [
    { name: 'Adam with L2', kind: 'adam' as const, l2: 0.01, wd: 0 },
    { name: 'AdamW', kind: 'adam' as const, l2: 0, wd: 0.05 },
    { name: 'SGD with momentum', kind: 'sgd' as const, l2: 0.01, wd: 0 },
  ];
  for (const c of cases) {
    it(`${c.name}: one step matches float64 (rtol 1e-5), and Wᵀ is written`, async () => {
      const engine = await getEngine();
      const rows = 13;
      const cols = 7;
      const n = rows * cols;
      const [w, g, m] = [1, 2, 3].map((s) => randomArray(n, s));
      const v = randomArray(n, 4, 0, 0.5);
      const o = { kind: c.kind, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-7, step: 3, l2: c.l2, wd: c.wd, momentum: 0.8 };
      const t = [w, g, m, v].map((a) => engine.tensor(a, [rows, cols]));
      const wt = engine.zeros([cols, rows]);
      encodeOptimizerStep(engine, { ...o, rows, cols, writeTransposed: true }, t[1].slice(), t[0].slice(), t[2].slice(), t[3].slice(), wt.slice());
      const [W, G, M, V] = [w, g, m, v].map((a) => Float64Array.from(a));
      refOptimizerStep(o, W, G, M, V);
      expectClose((await t[0].read()) as Float32Array, W, 1e-6, 1e-5, 'w');
      expectClose((await t[2].read()) as Float32Array, M, 1e-6, 1e-5, 'm');
      if (c.kind === 'adam') expectClose((await t[3].read()) as Float32Array, V, 1e-7, 1e-5, 'v');
      const T = (await wt.read()) as Float32Array;
      const wNew = (await t[0].read()) as Float32Array;
      for (let r = 0; r < rows; r++) for (let q = 0; q < cols; q++) expect(T[q * rows + r]).toBe(wNew[r * cols + q]);
      for (const x of [...t, wt]) x.dispose();
    });
  }
});

describe('autoencoder training', () => {
  it('the same seed gives the same weights after an epoch; another seed does not', async () => {
    const engine = await getEngine();
    const x = lowRankData(300, 12, 1);
    const weights = async (seed: number) => {
      const ae = await Autoencoder.create(engine, { layers: [12, 8, 3], seed });
      await ae.fit(x, { epochs: 1, batchSize: 32 });
      const w = await ae.readWeights();
      ae.dispose();
      return [...w.values()].flatMap((a) => [...a.data]);
    };
    const a = await weights(5);
    expect(await weights(5)).toEqual(a);
    expect(await weights(6)).not.toEqual(a);
  });

  it('drives the MSE loss down by at least 10× on low-rank data (2-d manifold, 4-d code)', async () => {
    const engine = await getEngine();
    const x = lowRankData(512, 24, 2);
    const ae = await Autoencoder.create(engine, { layers: [24, 16, 4], loss: 'mse', seed: 3, optimizer: { lr: 5e-3 } });
    const res = await ae.fit(x, { epochs: 25, batchSize: 32, validation: 0.125, lrSchedule: 'cosine' });
    const first = res.history[0].loss;
    const last = res.history[res.history.length - 1];
    expect(last.loss).toBeLessThan(first / 10);
    expect(last.valLoss).toBeLessThan(first / 10);
    // The anomaly score is the per-row MSE; an off-manifold row scores higher than typical rows.
    const probe = new Float32Array(x.subarray(0, 24 * 8));
    for (let j = 0; j < 24; j++) probe[7 * 24 + j] = j % 2;
    const scores = (await ae.reconstructionError(engine.tensor(probe, [8, 24])).read()) as Float32Array;
    expect(Math.max(...scores.slice(0, 7))).toBeLessThan(scores[7]);
    ae.dispose();
  });

  it('early stopping stops after `patience` worse epochs and restores the best weights', async () => {
    const engine = await getEngine();
    const x = lowRankData(200, 8, 4);
    // SGD this fast overshoots after a few epochs, so the validation loss turns up.
    const ae = await Autoencoder.create(engine, { layers: [8, 6, 2], seed: 1, loss: 'mse', optimizer: { kind: 'sgd', lr: 0.5, momentum: 0.9 } });
    const res = await ae.fit(x, { epochs: 30, batchSize: 50, validation: 0.25, earlyStopping: { patience: 2 } });
    expect(res.stoppedEarly).toBe(true);
    expect(res.history.length).toBe(res.bestEpoch + 2);
    const best = res.history[res.bestEpoch - 1].valLoss!;
    expect(best).toBe(Math.min(...res.history.map((e) => e.valLoss!)));
    // The restored weights score the validation rows (the last quarter) as in the best epoch.
    const err = (await ae.reconstructionError(engine.tensor(x.subarray(150 * 8), [50, 8])).read()) as Float32Array;
    expect((err.reduce((a, b) => a + b, 0) / 50) * 8).toBeCloseTo(best, 4);
    ae.dispose();
  });
});

describe('autoencoder input checks (before any training)', () => {
  const make = async () => Autoencoder.create(await getEngine(), { layers: [4, 3, 2], seed: 1 });
  const flat = (w: Map<string, { data: Float32Array }>) => [...w.values()].flatMap((a) => [...a.data]);

  it('rejects NaN/Inf rows, wrong widths, empty data and bad batch sizes, leaving the weights alone', async () => {
    const engine = await getEngine();
    const ae = await make();
    const before = flat(await ae.readWeights());
    const x = randomArray(40, 1, 0, 1);
    const nan = x.slice(); nan[4 * 3 + 1] = NaN;
    await expect(ae.fit(nan, { epochs: 1, batchSize: 2 })).rejects.toThrow(/row: 3 /);
    const inf = x.slice(); inf[4 * 7] = Infinity;
    const infTensor = engine.tensor(inf, [10, 4], { allowNonFinite: true });
    await expect(ae.fit(infTensor, { epochs: 1, batchSize: 2 })).rejects.toThrow(InvalidInputError);
    await expect(ae.fit(infTensor, { epochs: 1, batchSize: 2 })).rejects.toThrow(/row 7/);
    await expect(ae.fit(engine.tensor(x, [8, 5]), { epochs: 1, batchSize: 2 })).rejects.toThrow(ShapeError);
    await expect(ae.fit(x.subarray(0, 39), { epochs: 1, batchSize: 2 })).rejects.toThrow(/whole number of rows of 4/);
    await expect(ae.fit(new Float32Array(0), { epochs: 1, batchSize: 2 })).rejects.toThrow(/empty/);
    await expect(ae.fit(x, { epochs: 1, batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(ae.fit(x, { epochs: 1, batchSize: 11 })).rejects.toThrow(/larger than the 10 training rows/);
    await expect(ae.fit(x, { epochs: 1, batchSize: 9, validation: 0.5 })).rejects.toThrow(/larger than the 5/);
    await expect(ae.fit(x, { epochs: 0, batchSize: 2 })).rejects.toThrow(/epochs/);
    expect(flat(await ae.readWeights())).toEqual(before);
    expect(() => ae.encode(engine.tensor(x, [8, 5]))).toThrow(ShapeError);
    ae.dispose();
  });

  it('rejects bad configurations with a sentence', async () => {
    const engine = await getEngine();
    await expect(Autoencoder.create(engine, { layers: [4] })).rejects.toThrow(/at least two/);
    await expect(Autoencoder.create(engine, { layers: [4, 0] })).rejects.toThrow(/positive integer/);
    await expect(Autoencoder.create(engine, { layers: [4, 2], loss: 'bce', outputActivation: 'tanh' })).rejects.toThrow(/sigmoid/);
    await expect(Autoencoder.create(engine, { layers: [4, 2], decoderLayers: [3, 4] })).rejects.toThrow(ShapeError);
    await expect(Autoencoder.create(engine, { layers: [4, 2], activation: 'swish' as Activation })).rejects.toThrow(/not one of/);
  });
});

describe('autoencoder shapes (property)', () => {
  it('any widths, batch sizes and row counts train to finite weights, with codes and reconstructions of the right shape', async () => {
    const engine = await getEngine();
    await fc.assert(fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.boolean(),
      async (layers, rows, batch, variational) => {
        fc.pre(batch <= rows);
        const x = randomArray(rows * layers[0], rows, 0, 1);
        const config = { layers, seed: rows, loss: 'mse' as const, activation: 'leaky_relu' as const };
        const m = variational ? await VariationalAutoencoder.create(engine, config) : await Autoencoder.create(engine, config);
        const res = await m.fit(x, { epochs: 1, batchSize: batch });
        expect(Number.isFinite(res.history[0].loss)).toBe(true);
        const xt = engine.tensor(x, [rows, layers[0]]);
        const codes = m.encode(xt);
        expect(codes.shape).toEqual([rows, layers[layers.length - 1]]);
        const back = m.decode(codes);
        expect(back.shape).toEqual([rows, layers[0]]);
        const values = (await back.read()) as Float32Array;
        // The decoder in float64 on the GPU's codes (a sigmoid alone would keep any output in [0, 1]).
        const net = await refNet(m);
        let a = Float64Array.from((await codes.read()) as Float32Array);
        for (const l of net.layers.slice(net.encoderCount)) {
          const next = new Float64Array(rows * l.outputs);
          for (let r = 0; r < rows; r++) for (let j = 0; j < l.outputs; j++) {
            let sum = l.b[j];
            for (let q = 0; q < l.inputs; q++) sum += a[r * l.inputs + q] * l.w[q * l.outputs + j];
            next[r * l.outputs + j] = refActivations[l.activation](sum, net.slope);
          }
          a = next;
        }
        const want = a.map((v) => refActivations[net.outputActivation](v, net.slope));
        expectClose(values, want, 1e-5, 1e-4, 'decode');
        for (const t of [xt, codes, back]) t.dispose();
        m.dispose();
      }), { numRuns: 12, seed: 7 });
  });
});
