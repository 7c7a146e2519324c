import { describe, expect, it } from 'vitest';
import { encodeTsneFft, fftGridSize, fftPitch, fftTwiddles, type FftVariant } from '../src/kernels/tsne_fft.js';
import { tsneFftFamily } from '../src/models/tsne/fft.js';
import { ExactRepulsion, FieldRepulsion } from '../src/models/tsne/repulsion.js';
import { encodeReduceVariant, reduceFamily } from '../src/ops/reduce.js';
import { Tuner } from '../src/engine/tuner.js';
import { expectClose, randomArray, rng } from './helpers.js';
import { ADAPTERS, adapterEngine } from './reduce-adapters.js';
import { refGridDft, refGridDftAt } from './reference/fft.js';
import { tsneGradient } from './reference/tsne.js';

interface Case { l: number; dims: number; inverse: boolean; block?: number }
// Line lengths from 2 to the longest, 2D and 3D, forward and inverse, with the zero-padded corner
// block skipped (forward) or the only part wanted (inverse), as the field repulsion uses them.
const CASES: Case[] = [
  { l: 2, dims: 2, inverse: false }, { l: 16, dims: 2, inverse: true }, { l: 32, dims: 2, inverse: false, block: 16 },
  { l: 32, dims: 2, inverse: true, block: 16 }, { l: 8, dims: 3, inverse: false }, { l: 16, dims: 3, inverse: true, block: 8 },
  { l: 16, dims: 3, inverse: false, block: 8 }, { l: 512, dims: 2, inverse: false, block: 256 }, { l: 512, dims: 2, inverse: true, block: 256 },
];

/** Lines this long are checked at sampled elements against the direct 2D sum. */
const SAMPLED = 256;

const references = new Map<Case, { input: Float32Array; want: (e: number) => [number, number] | undefined; sample?: number[] }>();
function reference(c: Case) {
  let r = references.get(c);
  if (!r) {
    const pitch = fftPitch(c.l);
    const size = fftGridSize(c.l, c.dims);
    const input = randomArray(2 * size, c.l * 10 + c.dims, -0.5, 0.5);
    const block = c.block ?? c.l;
    // Forward with a block: the data outside the corner block is zero.
    if (!c.inverse && block < c.l) {
      for (let e = 0; e < size; e++) {
        const i = [e % pitch, Math.floor(e / pitch) % pitch, Math.floor(e / (pitch * pitch))];
        if (i.some((v) => v >= block)) input[2 * e] = input[2 * e + 1] = 0;
      }
    }
    // The pitch column is not part of the grid: the transform must leave it as it is.
    for (let e = c.l; e < size; e += pitch) input[2 * e] = input[2 * e + 1] = 0;
    if (c.l >= SAMPLED) {
      const random = rng(c.l);
      const sample = Array.from({ length: 150 }, () => {
        const i = [0, 0, 0].map(() => Math.floor(random() * (c.inverse ? block : c.l)));
        return i[0] + i[1] * pitch + (c.dims === 3 ? i[2] * pitch * pitch : 0);
      });
      const at = refGridDftAt(input, c.l, c.dims, pitch, c.inverse, sample);
      r = { input, want: (e) => at.get(e), sample };
    } else {
      const full = refGridDft(input, c.l, c.dims, pitch, c.inverse);
      r = { input, want: (e) => [full[2 * e], full[2 * e + 1]] };
    }
    references.set(c, r);
  }
  return r;
}

for (const which of ADAPTERS) {
  describe(`t-SNE FFT variants against a float64 DFT (${which} adapter)`, () => {
    for (const variant of tsneFftFamily.variants) {
      it(`${variant.name}: 2D and 3D, forward and inverse, with blocks`, async () => {
        const engine = await adapterEngine(which);
        if (!engine) return;
        for (const c of CASES) {
          if (!variant.applies(engine.traits, c)) continue;
          const { input, want } = reference(c);
          const pitch = fftPitch(c.l);
          const data = engine.tensor(input, [input.length / 2, 2]);
          const tw = engine.tensor(fftTwiddles(c.l), [c.l]);
          encodeTsneFft(engine, c, tw.slice(), data.slice(), variant.name as FftVariant);
          const got = await data.read();
          const n = c.l ** c.dims;
          const tol = 2e-7 * Math.log2(n) * Math.sqrt(n) * 4;
          const block = c.block ?? c.l;
          const { sample } = reference(c);
          for (const e of sample ?? Array.from({ length: input.length / 2 }, (_, i) => i)) {
            const i = [e % pitch, Math.floor(e / pitch) % pitch, Math.floor(e / (pitch * pitch))];
            if (i[0] >= c.l) { // the pitch column: left as it was
              expect(got[2 * e]).toBe(input[2 * e]);
              continue;
            }
            if (c.inverse && i.slice(0, c.dims).some((v) => v >= block)) continue; // not wanted
            const w = want(e)!;
            for (const part of [0, 1]) {
              const d = Math.abs(got[2 * e + part] - w[part]);
              if (!(d <= tol)) expect.fail(`L ${c.l}, ${c.dims}D, ${c.inverse ? 'inverse' : 'forward'}: element ${e}.${part} is ${got[2 * e + part]}, want ${w[part]}`);
            }
          }
          data.dispose();
          tw.dispose();
        }
      });
    }

    it('the tuner measures every FFT variant, rejects none and ends on one that applies', async () => {
      const engine = await adapterEngine(which);
      if (!engine) return;
      const tuner = new Tuner(engine, { enabled: true, repetitions: 1 });
      for (const shape of [{ l: 64, dims: 2 }, { l: 16, dims: 3 }]) {
        const chosen = await tuner.tune(tsneFftFamily, shape);
        expect(tsneFftFamily.variants.find((v) => v.name === chosen)?.applies(engine.traits, shape)).toBe(true);
      }
      expect(tuner.rows.filter((r) => r.rejected)).toEqual([]);
      expect(tuner.rows.filter((r) => r.chosen)).toHaveLength(2);
    });

    it('field repulsion and Z with each FFT variant forced match float64 exact sums (2D and 3D)', async () => {
      const engine = await adapterEngine(which);
      if (!engine) return;
      const n = 400;
      for (const dims of [2, 3] as const) {
        // Points in a few clusters over ±9 units (2D) or ±4 (3D, where a 16-node grid must span them).
        const r = rng(30 + dims);
        const spread = dims === 2 ? 8 : 3;
        const y = Float32Array.from({ length: n * dims }, (_, i) => spread * Math.cos(((i / dims) | 0) % 5 + (i % dims)) + (spread / 4) * (r() - 0.5));
        const want = new Float64Array(n * dims);
        let zWant = 0;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            if (i === j) continue;
            let d2 = 0;
            for (let d = 0; d < dims; d++) d2 += (y[i * dims + d] - y[j * dims + d]) ** 2;
            const k = 1 / (1 + d2);
            zWant += k;
            for (let d = 0; d < dims; d++) want[i * dims + d] += k * k * (y[i * dims + d] - y[j * dims + d]);
          }
        }
        const yt = engine.tensor(y, [n, dims]);
        const rep = engine.empty([n, dims], 'f32');
        const z = engine.empty([n], 'f32');
        let first: { rep: Float32Array; z: number } | undefined;
        for (const v of tsneFftFamily.variants) {
          const maxNodes = dims === 2 ? 128 : 16;
          if (!v.applies(engine.traits, { l: 2 * maxNodes, dims })) continue;
          engine.tuner.force('tsne_fft', v.name);
          try {
            const field = new FieldRepulsion(engine, dims, { maxNodes, spacing: 0.25 });
            await field.refresh(yt);
            field.encode({ rows: yt, cols: yt, self: true, rep, z });
            const [got, zs] = [await rep.read(), await z.read()];
            let err = 0;
            let norm = 0;
            for (let i = 0; i < want.length; i++) { err += (got[i] - want[i]) ** 2; norm += want[i] ** 2; }
            let zGot = 0;
            for (const v2 of zs) zGot += v2;
            // The grid's interpolation error: measured 0.06 % (2D, 128 nodes) and 30 % (3D, 16 nodes, h ≈ 0.7)
            // for rep, 0.008 % and 5.5 % for Z; a wrong transform is off by 100 % or more.
            expect(Math.sqrt(err / norm), `${dims}D rep by ${v.name}`).toBeLessThan(dims === 2 ? 0.01 : 0.4);
            expect(Math.abs(zGot - zWant) / zWant, `${dims}D Z by ${v.name}`).toBeLessThan(dims === 2 ? 0.001 : 0.08);
            // And every variant computes the same field as the first, up to f32 rounding.
            if (!first) first = { rep: got, z: zGot };
            else {
              let scale = 0;
              for (const g of first.rep) scale = Math.max(scale, Math.abs(g));
              expectClose(got, first.rep, 1e-4 * scale, 1e-4, `${dims}D rep by ${v.name} against the first variant`);
              expect(Math.abs(zGot - first.z) / first.z).toBeLessThan(1e-5);
            }
            field.dispose();
          } finally {
            engine.tuner.force('tsne_fft', undefined);
          }
        }
        for (const t of [yt, rep, z]) t.dispose();
      }
    });

    it('Z, summed over all points by each reduction variant, matches float64', async () => {
      const engine = await adapterEngine(which);
      if (!engine) return;
      const n = 1031;
      const y = randomArray(2 * n, 17, -3, 3);
      const want = tsneGradient(y, n, 2, { rowPtr: new Uint32Array(n + 1), colIdx: [], val: [] }).z;
      const yt = engine.tensor(y, [n, 2]);
      const rep = engine.empty([n, 2], 'f32');
      const z = engine.empty([n], 'f32');
      new ExactRepulsion(engine, 2).encode({ rows: yt, cols: yt, self: true, rep, z });
      for (const v of reduceFamily.variants) {
        if (!v.applies(engine.traits, { axis: 0, length: n, outputs: 1 })) continue;
        const zSum = engine.tensor([NaN], [1], { allowNonFinite: true });
        encodeReduceVariant(engine, v.name, { R: n, C: 1, axis: 0, op: 'sum' }, z.slice(), zSum.slice());
        const [got] = await zSum.read();
        expect(Math.abs(got - want) / want, `Z by ${v.name}`).toBeLessThan(1e-5);
        zSum.dispose();
      }
      for (const t of [yt, rep, z]) t.dispose();
    });
  });
}
