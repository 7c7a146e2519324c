import { describe, expect, it } from 'vitest';
import { affine, argmaxRows, argminRows, elementwise, normalizeRows, reduce, topkRows, ShapeError, type ReduceKind } from '../src/index.js';
import { expectClose, getEngine, randomArray } from './helpers.js';
import { refActivations } from './reference/activations.js';

function refReduce(x: Float32Array, R: number, C: number, kind: ReduceKind, axis: 0 | 1 | 'all'): Float64Array {
  const groups = axis === 'all' ? 1 : axis === 0 ? C : R;
  const out = new Float64Array(groups);
  const members = (g: number): number[] => {
    if (axis === 'all') return Array.from(x);
    const v: number[] = [];
    if (axis === 0) for (let r = 0; r < R; r++) v.push(x[r * C + g]);
    else for (let c = 0; c < C; c++) v.push(x[g * C + c]);
    return v;
  };
  for (let g = 0; g < groups; g++) {
    const v = members(g);
    switch (kind) {
      case 'sum': out[g] = v.reduce((a, b) => a + b, 0); break;
      case 'mean': out[g] = v.reduce((a, b) => a + b, 0) / v.length; break;
      case 'sumsq': out[g] = v.reduce((a, b) => a + b * b, 0); break;
      case 'sumabs': out[g] = v.reduce((a, b) => a + Math.abs(b), 0); break;
      case 'max': out[g] = Math.max(...v); break;
      case 'min': out[g] = Math.min(...v); break;
    }
  }
  return out;
}

describe('reductions against float64', () => {
  const shapes: Array<[number, number]> = [[1, 1], [1, 13], [17, 1], [37, 29], [1000, 3], [5, 3001]];
  for (const [R, C] of shapes) {
    for (const kind of ['sum', 'mean', 'sumsq', 'max', 'min', 'sumabs'] as const) {
      for (const axis of [0, 1, 'all'] as const) {
        it(`${kind} over axis ${axis} of ${R}×${C}`, async () => {
          const engine = await getEngine();
          const data = randomArray(R * C, R * 31 + C, -2, 3);
          const x = engine.tensor(data, [R, C]);
          const y = reduce(engine, x, kind, axis);
          const got = await y.read();
          const want = refReduce(data, R, C, kind, axis);
          const n = axis === 'all' ? R * C : axis === 0 ? R : C;
          expectClose(got, want, 1e-6 * n + 1e-6, 1e-5, `${kind} axis ${axis}`);
          x.dispose(); y.dispose();
        });
      }
    }
  }
  it('a long sum stays accurate (200k values of 0.1)', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(200_000).fill(0.1), [200_000, 1]);
    const [s] = await reduce(engine, x, 'sum', 0).read();
    // A plain running f32 sum ends near 20001.5 (relative error 8e-5); blocked summation stays close.
    expect(Math.abs(s - 20000) / 20000).toBeLessThan(1e-5);
  });
});

describe('element-wise ops with broadcasting', () => {
  const R = 19;
  const C = 7;
  const xData = randomArray(R * C, 1, 0.5, 2);
  const cases = [
    ['full', R * C, (i: number) => i],
    ['row', C, (i: number) => i % C],
    ['col', R, (i: number) => Math.floor(i / C)],
    ['scalar', 1, () => 0],
  ] as const;
  const ops = {
    add: (a: number, b: number) => a + b, sub: (a: number, b: number) => a - b,
    mul: (a: number, b: number) => a * b, div: (a: number, b: number) => a / b,
    max: Math.max, min: Math.min, sqdiff: (a: number, b: number) => (a - b) ** 2,
  } as const;
  for (const [mode, ySize, yi] of cases) {
    for (const [op, f] of Object.entries(ops)) {
      it(`${op} with y as ${mode}, then alpha, beta and tanh`, async () => {
        const engine = await getEngine();
        const yData = randomArray(ySize, ySize, 0.5, 2);
        const x = engine.tensor(xData, [R, C]);
        const y = engine.tensor(yData, [ySize]);
        const z = elementwise(engine, op as keyof typeof ops, x, y, { alpha: 0.7, beta: -0.2, activation: 'tanh' });
        const want = Array.from(xData, (v, i) => Math.tanh(0.7 * f(v, yData[yi(i)]) - 0.2));
        expectClose(await z.read(), want, 1e-6, 1e-5, `${op}/${mode}`);
      });
    }
  }
  for (const act of Object.keys(refActivations)) {
    it(`activation ${act}`, async () => {
      const engine = await getEngine();
      const data = randomArray(500, 9, -30, 30);
      const z = affine(engine, engine.tensor(data), { activation: act as never });
      expectClose(await z.read(), Array.from(data, (v) => refActivations[act](v)), 1e-6, 1e-5, act);
    });
  }
  it('unary ops', async () => {
    const engine = await getEngine();
    const data = randomArray(64, 3, 0.1, 4);
    const x = engine.tensor(data);
    for (const [op, f] of [['sqrt', Math.sqrt], ['exp', Math.exp], ['log', Math.log], ['square', (v: number) => v * v]] as const) {
      expectClose(await elementwise(engine, op, x).read(), Array.from(data, f), 1e-6, 2e-6, op);
    }
  });
  it('rejects shapes that do not broadcast and aliasing outputs', async () => {
    const engine = await getEngine();
    const x = engine.zeros([4, 6]);
    expect(() => elementwise(engine, 'add', x, engine.zeros([5]))).toThrow(ShapeError);
    expect(() => elementwise(engine, 'add', x, engine.zeros([4, 6]), { out: x })).toThrow(/alias/);
  });
});

describe('row-wise normalisation and top-k', () => {
  it('softmax, L1 and L2 rows', async () => {
    const engine = await getEngine();
    const R = 23; const C = 41;
    const data = randomArray(R * C, 5, -40, 40);
    const x = engine.tensor(data, [R, C]);
    for (const mode of ['softmax', 'l1', 'l2'] as const) {
      const got = await normalizeRows(engine, x, mode).read();
      const want = new Float64Array(R * C);
      for (let r = 0; r < R; r++) {
        const row = Array.from(data.subarray(r * C, (r + 1) * C));
        const m = Math.max(...row);
        const t = mode === 'softmax' ? row.map((v) => Math.exp(v - m)) : row;
        const s = mode === 'softmax' ? t.reduce((a, b) => a + b, 0) : mode === 'l1' ? t.reduce((a, b) => a + Math.abs(b), 0) : Math.hypot(...t);
        t.forEach((v, c) => { want[r * C + c] = v / s; });
      }
      expectClose(got, want, 1e-7, 1e-5, mode);
    }
  });

  it('top-k smallest and largest with indices, and argmax/argmin', async () => {
    const engine = await getEngine();
    const R = 37; const C = 203; const k = 17;
    const data = randomArray(R * C, 11);
    const x = engine.tensor(data, [R, C]);
    for (const largest of [false, true]) {
      const { values, indices } = topkRows(engine, x, k, { largest });
      const v = await values.read();
      const ix = await indices.read();
      for (let r = 0; r < R; r++) {
        const order = Array.from({ length: C }, (_, c) => c).sort((a, b) => (largest ? -1 : 1) * (data[r * C + a] - data[r * C + b]));
        expect(Array.from(ix.subarray(r * k, (r + 1) * k))).toEqual(order.slice(0, k));
        expectClose(v.subarray(r * k, (r + 1) * k), order.slice(0, k).map((c) => data[r * C + c]), 0, 0, `row ${r}`);
      }
    }
    const am = await argmaxRows(engine, x).read();
    const an = await argminRows(engine, x).read();
    for (let r = 0; r < R; r++) {
      const row = Array.from(data.subarray(r * C, (r + 1) * C));
      expect(am[r]).toBe(row.indexOf(Math.max(...row)));
      expect(an[r]).toBe(row.indexOf(Math.min(...row)));
    }
    expect(() => topkRows(engine, x, 0)).toThrow(ShapeError);
    expect(() => topkRows(engine, x, 129)).toThrow(ShapeError);
  });
});

describe('long loops are split to stay inside llvmpipe\'s loop limit', () => {
  it('sums 100k rows and a 70k-long row exactly for integers', async () => {
    const engine = await getEngine();
    const x = engine.tensor(new Float32Array(100_000).fill(1), [100_000, 1]);
    expect((await reduce(engine, x, 'sum', 0).read())[0]).toBe(100_000);
    expect((await reduce(engine, x, 'max', 0).read())[0]).toBe(1);
    const row = engine.tensor(new Float32Array(70_000).fill(1), [1, 70_000]);
    expect((await reduce(engine, row, 'sum', 1).read())[0]).toBe(70_000);
    expect((await reduce(engine, row, 'sum', 'all').read())[0]).toBe(70_000);
  });
});
