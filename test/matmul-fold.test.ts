import { describe, expect, it } from 'vitest';
import { matmul, type Engine } from '../src/index.js';
import { expectClose, getEngine, randomArray } from './helpers.js';
import { refMatmul } from './reference/matmul.js';

// A million rows need more workgroups along y than one dispatch may have (65,535 × 8 rows for the
// row kernels) and, on llvmpipe, more bytes than one storage binding (128 MiB): the op folds M into
// several dispatches and binds row chunks. Checked against float64 on rows around every boundary.

const M = 1_000_000;
const K = 50;
const N = 50;

/**
 * Row ranges to compare: the ends, both sides of every multiple of 2^16 rows, of the row kernels'
 * fold (65,535 × 8 rows rounded down to 64) and of llvmpipe's binding chunk (128 MiB of A's rows).
 */
function sampledRows(): Array<[number, number]> {
  const out: Array<[number, number]> = [[0, 40], [M - 40, 40], [524_224 - 8, 16], [671_040 - 8, 16]];
  for (let r = 1 << 16; r < M; r += 1 << 16) out.push([r - 8, 16]);
  return out;
}

async function checkRows(engine: Engine, aData: Float32Array, bData: Float32Array, c: Awaited<ReturnType<typeof matmul>>,
  bias: Float32Array): Promise<number> {
  let checked = 0;
  for (const [r0, count] of sampledRows()) {
    const got = await engine.read(c, r0 * N, count * N);
    const want = refMatmul({ a: aData.subarray(r0 * K, (r0 + count) * K), b: bData, M: count, N, K, batchA: 1, batchB: 1, bias });
    expectClose(got, want, 4e-7 * K + 1e-6, 1e-5, `rows ${r0}..${r0 + count}`);
    checked += count;
  }
  return checked;
}

describe('matmul past the per-dimension workgroup limit', () => {
  it('1,000,000×50 · 50×50 with a bias, checked against float64 on sampled rows', async () => {
    const engine = await getEngine();
    const aData = randomArray(M * K, 11);
    const bData = randomArray(K * N, 12);
    const biasData = randomArray(N, 13);
    const a = engine.tensor(aData, [M, K]);
    const b = engine.tensor(bData, [K, N]);
    const bias = engine.tensor(biasData);
    const c = engine.tensor(new Float32Array(M * N).fill(NaN), [M, N], { allowNonFinite: true });
    matmul(engine, a, b, { bias, out: c });
    expect(await checkRows(engine, aData, bData, c, biasData)).toBeGreaterThan(200);
    // Every element written (C was poisoned with NaN), read in parts.
    const part = 250_000;
    for (let r0 = 0; r0 < M; r0 += part) {
      const got = await engine.read(c, r0 * N, part * N);
      const bad = got.findIndex((v) => !Number.isFinite(v));
      expect(bad, `first unwritten element after row ${r0}`).toBe(-1);
    }
    for (const t of [a, b, bias, c]) t.dispose();
  });
});
