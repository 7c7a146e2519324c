import { afterAll, expect } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { seededRandom } from '../src/ops/random.js';

let shared: Promise<Engine> | undefined;

/** One engine per test file (each file runs in its own process), disposed at the end. */
export function getEngine(): Promise<Engine> {
  if (!shared) {
    shared = createEngine({ onWarning: () => {} });
    afterAll(async () => { (await shared!).dispose(); shared = undefined; });
  }
  return shared;
}

/** The library's seeded generator (Mulberry32), for test data. */
export const rng = seededRandom;

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

export function gaussian(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/**
 * Asserts |got − want| ≤ atol + rtol·|want| element-wise and reports the worst element.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what = 'values'): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) { worst = i; worstExcess = excess; }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${got[worst]}, want ${want[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

/** A tensor filled with NaN, so that an element the kernel forgets to write cannot pass. */
export function poisoned(engine: Engine, shape: number[]) {
  return engine.tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(NaN), shape, { allowNonFinite: true, label: 'poisoned' });
}
