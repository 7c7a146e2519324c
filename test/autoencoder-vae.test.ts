import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/engine/errors.js';
import type { Engine } from '../src/engine/engine.js';
import { encodeFeistelPermutation } from '../src/kernels/feistel_permutation.js';
import { encodeRandomFill } from '../src/kernels/random_fill.js';
import { Autoencoder, VariationalAutoencoder } from '../src/models/autoencoder/index.js';
import { gatherBatch } from '../src/models/autoencoder/data.js';
import { checkGradients, lowRankData } from './reference/autoencoder-check.js';
import { expectClose, getEngine, randomArray } from './helpers.js';
import { philox4x32 } from './reference/autoencoder.js';

describe('VAE', () => {
  it('gradients of reconstruction + β·KL through the sampling layer match finite differences', async () => {
    const engine = await getEngine();
    const vae = await VariationalAutoencoder.create(engine, { layers: [6, 5, 2], activation: 'tanh', loss: 'bce', beta: 0.7, seed: 9 });
    expect(vae.net.layers.map((l) => l.spec.outputs)).toEqual([5, 4, 5, 6]);
    // The noise of the GPU's forward pass is fixed in the float64 reference.
    await checkGradients(vae, randomArray(4 * 6, 2, 0, 1), 4, async (ws) => Float64Array.from((await ws.eps!.read()) as Float32Array));
    vae.dispose();
  });

  it('trains to a finite ELBO with KL > 0; samples and interpolations decode to [0, 1]', async () => {
    const engine = await getEngine();
    const x = lowRankData(400, 16, 3);
    const vae = await VariationalAutoencoder.create(engine, { layers: [16, 12, 2], seed: 2, optimizer: { lr: 5e-3 } });
    const res = await vae.fit(x, { epochs: 8, batchSize: 40 });
    const losses = res.history.map((e) => e.loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    // KL per row of the posterior means: the encoder has moved q away from the prior.
    const { rowKl, rowLoss } = await import('../src/models/autoencoder/training.js').then((m) => m.computeGradients(vae, engine.tensor(x.subarray(0, 40 * 16), [40, 16])));
    const kl = (await rowKl.read()) as Float32Array;
    expect(kl.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(((await rowLoss.read()) as Float32Array).every(Number.isFinite)).toBe(true);
    const s = (await vae.sample(5, 3).read()) as Float32Array;
    expect(s.length).toBe(5 * 16);
    expect(s.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Seeded: the same seed gives the same rows, another seed others, and the rows differ from each other.
    expect(Array.from((await vae.sample(5, 3).read()) as Float32Array)).toEqual(Array.from(s));
    expect(Array.from((await vae.sample(5, 4).read()) as Float32Array)).not.toEqual(Array.from(s));
    expect(Array.from(s.subarray(0, 16))).not.toEqual(Array.from(s.subarray(16, 32)));
    const codes = vae.encode(engine.tensor(x.subarray(0, 32), [2, 16]));
    const c = (await codes.read()) as Float32Array;
    const path = (await vae.interpolate([c[0], c[1]], [c[2], c[3]], 4).read()) as Float32Array;
    const ends = (await vae.decode(codes).read()) as Float32Array;
    expectClose(path.subarray(0, 16), ends.subarray(0, 16), 1e-6, 1e-5, 'path start');
    expectClose(path.subarray(48, 64), ends.subarray(16, 32), 1e-6, 1e-5, 'path end');
    const viaRows = (await vae.interpolate(engine.tensor(x.subarray(0, 16), [1, 16]), engine.tensor(x.subarray(16, 32), [1, 16]), 4).read()) as Float32Array;
    expectClose(viaRows, path, 1e-6, 1e-5, 'interpolation from input rows');
    expect(() => vae.interpolate([1, 2, 3], [0, 0], 3)).toThrow(InvalidInputError);
    vae.dispose();
  });
});

describe('save and load', () => {
  it('round-trips an autoencoder and a VAE through the safetensors layout', async () => {
    const engine = await getEngine();
    const x = lowRankData(64, 12, 5);
    const xt = engine.tensor(x, [64, 12]);
    for (const Model of [Autoencoder, VariationalAutoencoder]) {
      const m = await Model.create(engine, { layers: [12, 8, 3], activation: 'gelu', seed: 4 });
      await m.fit(x, { epochs: 2, batchSize: 16 });
      const bytes = m.save();
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      expect(n % 8).toBe(0);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
      expect(header['encoder.0.weight']).toEqual({ dtype: 'F32', shape: [12, 8], data_offsets: [0, 12 * 8 * 4] });
      expect(JSON.parse(header.__metadata__.config).layers).toEqual([12, 8, 3]);
      const last = Math.max(...Object.values(header).flatMap((v) => (v as { data_offsets?: number[] }).data_offsets ?? [0]));
      expect(8 + n + last).toBe(bytes.length);
      const back = await (Model as typeof Autoencoder).load(engine, bytes);
      const a = (await m.encode(xt).read()) as Float32Array;
      const b = (await back.encode(xt).read()) as Float32Array;
      expect(b).toEqual(a);
      expect((await back.reconstructionError(xt).read())).toEqual(await m.reconstructionError(xt).read());
      m.dispose();
      back.dispose();
    }
    const ae = await Autoencoder.create(engine, { layers: [12, 3], seed: 1 });
    await expect(VariationalAutoencoder.load(engine, ae.save())).rejects.toThrow(/not a vae/);
    await expect(Autoencoder.load(engine, new Uint8Array(4))).rejects.toThrow(InvalidInputError);
  });
});

describe('GPU randomness and data movement', () => {
  it('Philox4x32-10 matches the Random123 known answer, and random_fill matches the reference', async () => {
    expect(philox4x32([0, 0, 0, 0], [0, 0]).map((v) => v.toString(16))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const ff = 0xffffffff;
    expect(philox4x32([ff, ff, ff, ff], [ff, ff]).map((v) => v.toString(16))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    const engine = await getEngine();
    const n = 1000;
    const t = engine.empty([n]);
    encodeRandomFill(engine, { n, normal: false, seed: 77, stream: 3, lo: -2, hi: 2 }, t.slice());
    const got = (await t.read()) as Float32Array;
    const want = Array.from({ length: n }, (_, i) => -2 + 4 * (((philox4x32([i, 3, 0, 0], [77, 0x5eed])[0] >>> 8) + 0.5) / 2 ** 24));
    expectClose(got, want, 1e-6, 0, 'uniforms');
    encodeRandomFill(engine, { n, normal: true, seed: 77, stream: 4, lo: 0, hi: 1 }, t.slice());
    const z = (await t.read()) as Float32Array;
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const varc = z.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(Math.abs(varc - 1)).toBeLessThan(0.15);
  });

  it('the Feistel shuffle is a permutation, also past 65,535 rows, and changes with the epoch', async () => {
    const engine = await getEngine();
    for (const n of [1, 2, 1000, 70_001]) {
      const p = engine.empty([n], 'u32');
      encodeFeistelPermutation(engine, n, 5, 1, p.slice());
      const a = (await p.read()) as Uint32Array;
      const seen = new Uint8Array(n);
      for (const v of a) { expect(v).toBeLessThan(n); seen[v]++; }
      expect(seen.every((c) => c === 1)).toBe(true);
      if (n === 1000) {
        encodeFeistelPermutation(engine, n, 5, 2, p.slice());
        const b = (await p.read()) as Uint32Array;
        expect([...b]).not.toEqual([...a]);
        expect(a.filter((v, i) => v === i).length).toBeLessThan(20);
      }
    }
  });

  it('gathers minibatch rows from data split over several storage bindings', async () => {
    const real = await getEngine();
    // The same engine with a 8 KiB binding limit: 1200 rows × 4 values span three chunks of 512 rows.
    const small = Object.create(real, { limits: { value: { ...limitsOf(real), maxStorageBufferBindingSize: 8192 } } }) as Engine;
    const n = 1200;
    const d = 4;
    const x = randomArray(n * d, 1);
    const xt = real.tensor(x, [n, d]);
    const idx = Uint32Array.from({ length: 300 }, (_, i) => (i * 997 + 13) % n);
    const it = real.tensor(idx, [300]);
    const out = real.empty([300, d]);
    gatherBatch(small, xt, it, 0, 300, out);
    const got = (await small.read(out)) as Float32Array;
    const want = Array.from(idx).flatMap((r) => Array.from(x.subarray(r * d, r * d + d)));
    expect(Array.from(got)).toEqual(want);
  });
});

function limitsOf(e: Engine): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in e.limits) out[k] = (e.limits as unknown as Record<string, number>)[k];
  return out;
}
