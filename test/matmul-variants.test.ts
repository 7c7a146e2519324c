import { Tuner } from '../src/engine/tuner.js';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, matmul, matmulFamily, matmulShape, MATMUL_VARIANTS, SWIFTSHADER_ICD, type Activation, type Engine, type KernelSpec, type Dispatch } from '../src/index.js';
import type { MatmulCall } from '../src/kernels/matmul.js';
import { expectClose, poisoned, randomArray } from './helpers.js';
import { refActivations } from './reference/activations.js';
import { refMatmul } from './reference/matmul.js';

// Every matmul variant, forced, against float64 on the machine's adapter and on SwiftShader: the two
// software adapters compile WGSL differently (llvmpipe through GLSL and LLVM, SwiftShader through
// SPIR-V and Subzero), and SwiftShader, like a GPU, has no loop budget.

const tol = (K: number) => ({ atol: 4e-7 * K + 1e-6, rtol: 1e-5 });

interface Case {
  M: number; N: number; K: number; batchA?: number; batchB?: number; transA?: boolean; transB?: boolean;
  act?: Activation; bias?: boolean; alpha?: number; beta?: number;
}

/** Dispatches recorded per engine: which kernels ran, and the cost they declared. */
const recorded = new WeakMap<Engine, Array<{ name: string; cost?: Dispatch['cost'] }>>();

function watch(engine: Engine): Engine {
  const log: Array<{ name: string; cost?: Dispatch['cost'] }> = [];
  recorded.set(engine, log);
  const dispatch = engine.dispatch.bind(engine);
  engine.dispatch = (spec: KernelSpec, d: Dispatch) => { log.push({ name: spec.name, cost: d.cost }); dispatch(spec, d); };
  return engine;
}

const onLinuxCi = process.platform === 'linux' && Boolean(process.env.CI);
const engines: Array<{ name: string; engine: Promise<Engine> }> = [];
const fresh = (adapter?: 'swiftshader') =>
  createEngine({ adapter, onWarning: () => {}, tuning: { store: undefined } }).then(watch);
const main = fresh();
engines.push({ name: 'default adapter', engine: main });
const envAdapter = process.env.LATENTGPU_ADAPTER;
if (envAdapter !== 'swiftshader' && (existsSync(SWIFTSHADER_ICD) || onLinuxCi)) {
  // On Linux CI a missing SwiftShader fails these tests rather than skipping them.
  engines.push({ name: 'swiftshader', engine: fresh('swiftshader') });
}
afterAll(async () => {
  for (const e of engines) (await e.engine.catch(() => undefined))?.dispose();
});

async function check(engine: Engine, c: Case, what: string): Promise<void> {
  const { M, N, K, batchA = 1, batchB = 1 } = c;
  const seed = M * 7919 + N * 31 + K + (c.transA ? 1 : 0) + (c.transB ? 2 : 0);
  const aData = randomArray(batchA * M * K, seed);
  const bData = randomArray(batchB * K * N, seed + 1);
  const biasData = c.bias ? randomArray(N, seed + 2) : undefined;
  const batch = Math.max(batchA, batchB);
  const cData = c.beta ? randomArray(batch * M * N, seed + 3) : undefined;
  const aShape = c.transA ? [K, M] : [M, K];
  const bShape = c.transB ? [N, K] : [K, N];
  const a = engine.tensor(aData, batchA > 1 ? [batchA, ...aShape] : aShape);
  const b = engine.tensor(bData, batchB > 1 ? [batchB, ...bShape] : bShape);
  const bias = biasData ? engine.tensor(biasData) : undefined;
  const outShape = batch > 1 ? [batch, M, N] : [M, N];
  const out = cData ? engine.tensor(cData, outShape) : poisoned(engine, outShape);
  matmul(engine, a, b, { transA: c.transA, transB: c.transB, bias, activation: c.act, alpha: c.alpha, beta: c.beta, out });
  const got = await out.read();
  const want = refMatmul({
    a: aData, b: bData, M, N, K, batchA, batchB, transA: c.transA, transB: c.transB,
    bias: biasData, act: c.act ? refActivations[c.act] : undefined, alpha: c.alpha, beta: c.beta, c: cData,
  });
  const { atol, rtol } = tol(K);
  expectClose(got, want, atol, rtol, `${what} ${JSON.stringify(c)}`);
  for (const t of [a, b, bias, out]) t?.dispose();
}

/** The call `matmul` builds for a case, to ask the family which variant applies. */
const callOf = (c: Case): MatmulCall => matmulShape(c);

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [5, 1, 9], [7, 13, 11], [67, 36, 40], [64, 64, 64], [132, 68, 36], [31, 130, 17],
];
const CASES: Case[] = [
  ...SHAPES.flatMap(([M, N, K]) => [false, true].flatMap((transA) => [false, true].map((transB) => ({ M, N, K, transA, transB })))),
  { M: 13, N: 20, K: 9, batchA: 3, batchB: 3 },
  { M: 16, N: 12, K: 8, batchA: 1, batchB: 4, transB: true },
  { M: 12, N: 8, K: 20, batchA: 3, batchB: 1, transA: true },
  { M: 37, N: 24, K: 19, bias: true, act: 'gelu' },
  { M: 20, N: 12, K: 16, bias: true, act: 'leaky_relu', transB: true },
  { M: 68, N: 72, K: 20, bias: true, act: 'sigmoid', alpha: 0.5, beta: -2 },
  { M: 23, N: 15, K: 9, transA: true, bias: true, act: 'tanh', alpha: 1.5, beta: 0.25 },
  // Row-major with N a multiple of 8, for the kernels with two vec4 columns per lane.
  { M: 37, N: 40, K: 28, bias: true, act: 'gelu' },
  { M: 9, N: 16, K: 12, batchA: 2, batchB: 2 },
  { M: 133, N: 24, K: 8, batchA: 1, batchB: 3, alpha: -0.5 },
];
/** Cases each variant must run at least: the vec4 row kernels take only some layouts. */
const MIN_CASES: Record<string, number> = { 'rows-vec4': 12, 'rows-wide': 5 };
/** K past a loop budget (llvmpipe's): split into chunks of each tiled variant's K limit. */
const LONG_K: Case[] = [
  { M: 9, N: 8, K: 2503, transA: true },
  { M: 6, N: 12, K: 2300, bias: true, act: 'relu' },
  { M: 5, N: 16, K: 6000 },
];

for (const { name: adapterName, engine: enginePromise } of engines) {
  describe(`matmul variants on the ${adapterName}`, () => {
    for (const variant of MATMUL_VARIANTS) {
      it(`${variant.name} against float64`, async () => {
        const engine = await enginePromise;
        engine.tuner.force('matmul', variant.name);
        try {
          const log = recorded.get(engine)!;
          let ran = 0;
          const cases = Number.isFinite(engine.traits.loopBudget) ? [...CASES, ...LONG_K] : CASES;
          for (const c of cases) {
            const call = callOf(c);
            if (!variant.applies(engine.traits, call)) continue;
            expect(engine.tuner.choose(matmulFamily, call)).toBe(variant.name);
            log.length = 0;
            await check(engine, c, `${variant.name} on ${engine.kind}`);
            const mm = log.filter((d) => d.name.startsWith('matmul.'));
            expect(mm.length).toBeGreaterThan(0);
            // Every dispatch declares its cost; together they are the product's FLOPs.
            const flops = mm.reduce((s, d) => s + (d.cost?.flops ?? NaN), 0);
            expect(flops).toBe(2 * call.batch * c.M * c.N * c.K);
            ran++;
          }
          expect(ran).toBeGreaterThanOrEqual(MIN_CASES[variant.name] ?? CASES.length);
        } finally {
          engine.tuner.force('matmul', undefined);
        }
      });
    }

    it('tuning ends on a variant whose result matches float64', async () => {
      const engine = await enginePromise;
      const c: Case = { M: 100, N: 36, K: 52, bias: true, act: 'relu' };
      // A tuner of its own: the suite runs with LATENTGPU_TUNE=off, which the engine's obeys.
      const tuner = new Tuner(engine, { enabled: true });
      const winner = await tuner.tune(matmulFamily, callOf(c));
      expect(MATMUL_VARIANTS.map((v) => v.name)).toContain(winner);
      const rows = tuner.rows.filter((r) => r.family === 'matmul');
      expect(rows.filter((r) => r.chosen).map((r) => r.variant)).toEqual([winner]);
      // Every applicable variant was measured and none was rejected as wrong.
      const applicable = MATMUL_VARIANTS.filter((v) => v.applies(engine.traits, callOf(c))).map((v) => v.name);
      expect(rows.map((r) => r.variant).sort()).toEqual([...applicable].sort());
      expect(rows.filter((r) => r.rejected)).toEqual([]);
      expect(tuner.choose(matmulFamily, callOf(c))).toBe(winner);
      engine.tuner.force('matmul', winner);
      const log = recorded.get(engine)!;
      log.length = 0;
      await check(engine, c, `tuned ${winner} on ${engine.kind}`);
      engine.tuner.force('matmul', undefined);
      expect(log.some((d) => d.name.startsWith('matmul.'))).toBe(true);
    });
  });
}
