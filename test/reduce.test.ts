import { describe, expect, it } from 'vitest';
import { encodeReduceVariant, reduce, reduceFamily, reduceShape } from '../src/ops/reduce.js';
import type { ReduceCall } from '../src/kernels/reduce.js';
import { Tuner } from '../src/engine/tuner.js';
import { expectClose, poisoned, randomArray } from './helpers.js';
import { ADAPTERS, adapterEngine } from './reduce-adapters.js';
import { refAbsSum, refReduce } from './reference/reduce.js';

type Op = ReduceCall['op'];
const OPS: Op[] = ['sum', 'sumsq', 'sumabs', 'max', 'min'];
// Awkward shapes: single rows and columns, primes, non-multiples of the workgroup, both axes.
const SHAPES: [number, number][] = [[1, 1], [1, 13], [13, 1], [7, 3], [61, 67], [257, 5], [3, 1031], [100, 130]];
// Reductions longer than 65,535 (llvmpipe's loop limit; many workgroups per output), along the reduced axis only.
const LONG: [number, number, 0 | 1][] = [[70_001, 1, 0], [2, 70_003, 1], [66_000, 3, 0]];

for (const which of ADAPTERS) {
  describe(`reduce variants against float64 (${which} adapter)`, () => {
    for (const variant of reduceFamily.variants) {
      it(`${variant.name}: every op over both axes of awkward shapes`, async () => {
        const engine = await adapterEngine(which);
        if (!engine) return;
        if (which === 'swiftshader' && variant.name === 'subgroup') expect(engine.traits.subgroups).toBe(true);
        let seed = 1;
        const cases = [...SHAPES.map(([R, C]) => [R, C, [0, 1] as const, OPS] as const),
          ...LONG.map(([R, C, axis]) => [R, C, [axis], ['sum', 'sumsq', 'max'] as Op[]] as const)];
        for (const [R, C, axes, ops] of cases) {
          const data = randomArray(R * C, seed++, -2, 3);
          const x = engine.tensor(data, [R, C]);
          for (const axis of axes) {
            if (!variant.applies(engine.traits, reduceShape({ R, C, axis }))) continue;
            for (const op of ops) {
              const outputs = axis === 0 ? C : R;
              const length = axis === 0 ? R : C;
              const y = poisoned(engine, [outputs]);
              encodeReduceVariant(engine, variant.name, { R, C, axis, op }, x.slice(), y.slice());
              const got = await y.read();
              const want = refReduce(data, R, C, axis, op);
              if (op === 'max' || op === 'min') expectClose(got, want, 0, 0, `${op} axis ${axis} of ${R}×${C}`);
              else {
                // f32 rounding of a sum grows with its terms' magnitudes and (blocked) their number.
                const mag = refAbsSum(data, R, C, axis, op === 'sumsq');
                const tol = 4e-7 * (64 + Math.sqrt(length));
                for (let o = 0; o < outputs; o++) {
                  expect(Math.abs(got[o] - want[o]), `${op} axis ${axis} of ${R}×${C}, output ${o}`).toBeLessThanOrEqual(tol * mag[o] + 1e-6);
                }
              }
              y.dispose();
            }
          }
          x.dispose();
        }
      });

      it(`${variant.name}: scale, accumulate and a ragged flat row`, async () => {
        const engine = await adapterEngine(which);
        if (!engine) return;
        const R = 37, C = 11;
        const data = randomArray(R * C, 99);
        const x = engine.tensor(data, [R, C]);
        if (variant.applies(engine.traits, reduceShape({ R, C, axis: 0 }))) {
          const prior = randomArray(C, 5);
          const y = engine.tensor(prior, [C]);
          encodeReduceVariant(engine, variant.name, { R, C, axis: 0, op: 'sum', scale: 0.5, accumulate: true }, x.slice(), y.slice());
          const want = refReduce(data, R, C, 0, 'sum').map((v, i) => 0.5 * v + prior[i]);
          expectClose(await y.read(), want, 1e-5, 1e-5, 'scaled, accumulated sum');
          const m = engine.tensor(prior, [C]);
          encodeReduceVariant(engine, variant.name, { R, C, axis: 0, op: 'max', accumulate: true }, x.slice(), m.slice());
          expectClose(await m.read(), refReduce(data, R, C, 0, 'max').map((v, i) => Math.max(v, prior[i])), 0, 0, 'accumulated max');
          y.dispose(); m.dispose();
        }
        // A flat array of 400 values as rows of 64: the last row holds 16.
        const rows = Math.ceil(400 / 64);
        if (variant.applies(engine.traits, reduceShape({ R: rows, C: 64, axis: 1 }))) {
          const flat = randomArray(400, 3);
          const f = engine.tensor(flat, [400]);
          const y = poisoned(engine, [rows]);
          encodeReduceVariant(engine, variant.name, { R: rows, C: 64, axis: 1, op: 'sum', total: 400 }, f.slice(), y.slice());
          const padded = new Float64Array(rows * 64);
          padded.set(flat);
          expectClose(await y.read(), refReduce(padded, rows, 64, 1, 'sum'), 1e-5, 1e-5, 'ragged rows');
          f.dispose(); y.dispose();
        }
        x.dispose();
      });

      it(`${variant.name}: reduce(…, 'all') and the mean through the op`, async () => {
        const engine = await adapterEngine(which);
        if (!engine) return;
        if (!variant.applies(engine.traits, { axis: 0, length: 1, outputs: 1 })) return;
        engine.tuner.force('reduce', variant.name);
        try {
          const data = randomArray(3 * 50_021, 8);
          const x = engine.tensor(data, [50_021, 3]);
          let want = 0;
          for (const v of data) want += v;
          const [all] = await reduce(engine, x, 'sum', 'all').read();
          expect(Math.abs(all - want)).toBeLessThanOrEqual(1e-4 * 75_000);
          const [mx] = await reduce(engine, x, 'max', 'all').read();
          expect(mx).toBe(data.reduce((a, b) => Math.max(a, b), -Infinity));
          expectClose(await reduce(engine, x, 'mean', 0).read(), refReduce(data, 50_021, 3, 0, 'sum').map((v) => v / 50_021), 1e-5, 1e-4, 'mean');
          x.dispose();
        } finally {
          engine.tuner.force('reduce', undefined);
        }
      });
    }

    it('the tuner measures every variant, rejects none and ends on one that computes the reduction', async () => {
      const engine = await adapterEngine(which);
      if (!engine) return;
      const shape = { axis: 0 as const, length: 20_000, outputs: 1 };
      const fresh = new Tuner(engine, { enabled: true, repetitions: 1 });
      for (const s of [shape, { axis: 1 as const, length: 300, outputs: 500 }, { axis: 0 as const, length: 1000, outputs: 70 }]) {
        await fresh.tune(reduceFamily, s);
      }
      expect(fresh.rows.filter((r) => r.rejected)).toEqual([]);
      expect(fresh.rows.length).toBeGreaterThanOrEqual(6);
      const chosen = await engine.tuner.tune(reduceFamily, shape);
      expect(reduceFamily.variants.find((v) => v.name === chosen)?.applies(engine.traits, shape)).toBe(true);
      const data = randomArray(20_000, 4);
      const x = engine.tensor(data, [20_000, 1]);
      const [s] = await reduce(engine, x, 'sum', 0).read();
      expect(Math.abs(s - refReduce(data, 20_000, 1, 0, 'sum')[0])).toBeLessThanOrEqual(1e-3);
      x.dispose();
    });
  });
}
