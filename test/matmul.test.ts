import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matmul, ShapeError, InvalidInputError, type Activation } from '../src/index.js';
import { expectClose, getEngine, poisoned, randomArray } from './helpers.js';
import { refMatmul } from './reference/matmul.js';
import { refActivations } from './reference/activations.js';

/** Tolerance grows with the reduction length K (f32 accumulation error). */
const tol = (K: number) => ({ atol: 4e-7 * K + 1e-6, rtol: 1e-5 });

interface Case { M: number; N: number; K: number; batchA?: number; batchB?: number; transA?: boolean; transB?: boolean }

async function check(c: Case, extra: { act?: Activation; bias?: boolean; alpha?: number; beta?: number } = {}) {
  const engine = await getEngine();
  const { M, N, K, batchA = 1, batchB = 1 } = c;
  const seed = M * 7919 + N * 31 + K;
  const aData = randomArray(batchA * M * K, seed);
  const bData = randomArray(batchB * K * N, seed + 1);
  const biasData = extra.bias ? randomArray(N, seed + 2) : undefined;
  const batch = Math.max(batchA, batchB);
  const cData = extra.beta ? randomArray(batch * M * N, seed + 3) : undefined;
  const aShape = c.transA ? [K, M] : [M, K];
  const bShape = c.transB ? [N, K] : [K, N];
  const a = engine.tensor(aData, batchA > 1 ? [batchA, ...aShape] : aShape);
  const b = engine.tensor(bData, batchB > 1 ? [batchB, ...bShape] : bShape);
  const bias = biasData ? engine.tensor(biasData) : undefined;
  const outShape = batch > 1 ? [batch, M, N] : [M, N];
  const out = cData ? engine.tensor(cData, outShape) : poisoned(engine, outShape);
  const res = matmul(engine, a, b, {
    transA: c.transA, transB: c.transB, bias, activation: extra.act, alpha: extra.alpha, beta: extra.beta, out,
  });
  const got = await res.read();
  const want = refMatmul({
    a: aData, b: bData, M, N, K, batchA, batchB, transA: c.transA, transB: c.transB,
    bias: biasData, act: extra.act ? refActivations[extra.act] : undefined, alpha: extra.alpha, beta: extra.beta, c: cData,
  });
  const { atol, rtol } = tol(K);
  expectClose(got, want, atol, rtol, `matmul ${JSON.stringify(c)} ${JSON.stringify(extra)}`);
  for (const t of [a, b, bias, out]) t?.dispose();
}

describe('matmul against a float64 reference', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1], [1, 7, 3], [5, 1, 9], [7, 13, 11], [31, 17, 29], [64, 64, 64], [67, 36, 40],
    [128, 8, 784], [300, 64, 52], [9, 256, 128], [33, 100, 4],
  ];
  for (const [M, N, K] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${M}×${K}${transA ? 'ᵀ' : ''} · ${K}×${N}${transB ? 'ᵀ' : ''}`, () => check({ M, N, K, transA, transB }));
      }
    }
  }

  it('tall-skinny, as when projecting a dataset (7000×784 · 784×64)', () => check({ M: 7000, N: 64, K: 784 }));
  it('tall-skinny Aᵀ·B, as in a covariance (784×2000ᵀ · 2000×52)', () => check({ M: 52, N: 48, K: 2000, transA: true }));

  it('batched, both operands', () => check({ M: 13, N: 20, K: 9, batchA: 3, batchB: 3 }));
  it('batched, A broadcast', () => check({ M: 16, N: 12, K: 8, batchA: 1, batchB: 4 }));
  it('batched, B broadcast with transposes', () => check({ M: 11, N: 6, K: 7, batchA: 5, batchB: 1, transA: true, transB: true }));

  for (const act of ['identity', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu'] as const) {
    it(`fused bias + ${act}`, () => check({ M: 37, N: 24, K: 19 }, { act, bias: true }));
    it(`fused bias + ${act}, ragged N`, () => check({ M: 20, N: 10, K: 12, transB: true }, { act, bias: true }));
  }
  it('alpha and beta accumulate', () => check({ M: 23, N: 16, K: 8 }, { alpha: 0.5, beta: -2 }));
  it('alpha and beta accumulate, general kernel', () => check({ M: 23, N: 15, K: 9, transA: true }, { alpha: 1.5, beta: 0.25, bias: true, act: 'tanh' }));
});

describe('matmul rejects bad input before any GPU work', () => {
  it('mismatched inner dimensions (property)', async () => {
    const engine = await getEngine();
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }),
      async (M, K, K2, N) => {
        fc.pre(K !== K2);
        const before = engine.stats().submitted;
        const a = engine.zeros([M, K]);
        const b = engine.zeros([K2, N]);
        expect(() => matmul(engine, a, b)).toThrow(ShapeError);
        expect(() => matmul(engine, a, b)).toThrow(/inner dimensions differ/);
        a.dispose(); b.dispose();
        expect(engine.stats().submitted).toBe(before);
      }), { numRuns: 25 });
  });

  it('zero, negative and fractional dimensions (property)', async () => {
    const engine = await getEngine();
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(fc.integer({ min: -5, max: 0 }), fc.double({ min: 0.1, max: 3.9, noInteger: true })), { minLength: 1, maxLength: 3 }),
      async (dims) => {
        expect(() => engine.empty(dims)).toThrow(ShapeError);
      }), { numRuns: 30 });
  });

  it('NaN or Inf in uploaded data names the rows', async () => {
    const engine = await getEngine();
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity),
      async (rows, cols, pos, bad) => {
        const data = randomArray(rows * cols, rows + cols);
        const i = pos % data.length;
        data[i] = bad;
        const row = Math.floor(i / cols);
        expect(() => engine.tensor(data, [rows, cols], { label: 'x' })).toThrow(InvalidInputError);
        expect(() => engine.tensor(data, [rows, cols], { label: 'x' })).toThrow(new RegExp(`rows?: ${row}\\b`));
      }), { numRuns: 30 });
  });

  it('batches that do not broadcast, wrong bias, beta without out, integer tensors', async () => {
    const engine = await getEngine();
    const a = engine.zeros([2, 3, 4]);
    const b = engine.zeros([3, 4, 5]);
    expect(() => matmul(engine, a, b)).toThrow(/do not broadcast/);
    const a2 = engine.zeros([3, 4]);
    const b2 = engine.zeros([4, 5]);
    const bias = engine.zeros([4]);
    expect(() => matmul(engine, a2, b2, { bias })).toThrow(/bias must be f32 with 5 values/);
    expect(() => matmul(engine, a2, b2, { beta: 1 })).toThrow(/needs `out`|was not given/);
    const ints = engine.zeros([4, 5], 'u32');
    expect(() => matmul(engine, a2, ints)).toThrow(/must be f32/);
    expect(() => matmul(engine, engine.zeros([2, 2, 2, 2]), b2)).toThrow(/2-D or 3-D/);
  });
});

describe('matmul with K past one invocation\'s loop budget', () => {
  it('Aᵀ·A over 70k rows (a covariance) is split into K chunks', async () => {
    const engine = await getEngine();
    const n = 70_000; const d = 4;
    const data = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = ((i + j) % 3) - 1;
    const x = engine.tensor(data, [n, d]);
    const got = await matmul(engine, x, x, { transA: true }).read();
    const want = refMatmul({ a: data, b: data, M: d, N: d, K: n, batchA: 1, batchB: 1, transA: true });
    expectClose(got, want, 0, 1e-6, 'XᵀX');
    const w = randomArray(3 * d, 2);
    const gotG = await matmul(engine, x.reshape([n, d]), engine.tensor(w, [3, d]), { transA: false, transB: true }).read();
    expectClose(gotG, refMatmul({ a: data, b: w, M: n, N: 3, K: d, batchA: 1, batchB: 1, transB: true }), 1e-6, 1e-6, 'X·Wᵀ');
  });
});
