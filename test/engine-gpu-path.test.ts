import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { affine, add } from '../src/ops/elementwise.js';
import { Tuner, type TuneStore, type VariantFamily } from '../src/engine/tuner.js';
import { formatProfile, workgroupInvocations } from '../src/engine/profiler.js';
import { predictDispatch, referenceGpu } from '../src/engine/roofline.js';
import type { Tensor } from '../src/engine/tensor.js';
import { getEngine, randomArray } from './helpers.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('bind groups and the uniform ring', () => {
  it('reuses one bind group for a dispatch repeated on the same tensors', async () => {
    const engine = await getEngine();
    const x = engine.tensor(randomArray(300, 1), [30, 10]);
    const y = engine.tensor(randomArray(300, 2), [30, 10]);
    const z = engine.empty([30, 10]);
    const before = engine.stats();
    for (let i = 0; i < 200; i++) add(engine, x, y, { out: z, alpha: i });
    const got = await z.read();
    const after = engine.stats();
    expect(after.bindGroupsCreated - before.bindGroupsCreated).toBeLessThanOrEqual(1);
    expect(after.bindGroupsReused - before.bindGroupsReused).toBeGreaterThanOrEqual(199);
    // The last dispatch's uniforms (alpha = 199) are the ones in effect.
    const xs = await x.read();
    const ys = await y.read();
    for (let i = 0; i < 300; i++) expect(got[i]).toBeCloseTo(199 * (xs[i] + ys[i]), 2);
    for (const t of [x, y, z]) t.dispose();
  });

  it('gives each of many dispatches in one batch its own uniforms, across ring refills', async () => {
    const engine = await getEngine();
    const x = engine.tensor(Float32Array.from({ length: 8 }, (_, i) => i), [2, 4]);
    // 2,000 dispatches × 256-byte slots is more than the 256 KiB ring: the engine submits early.
    const outs: Tensor[] = [];
    for (let i = 0; i < 2000; i++) outs.push(affine(engine, x, { alpha: 1, beta: i }));
    const picks = [0, 1, 999, 1023, 1024, 1999];
    for (const i of picks) {
      const got = await outs[i].read();
      expect(Array.from(got)).toEqual(Array.from({ length: 8 }, (_, j) => j + i));
    }
    for (const t of [x, ...outs]) t.dispose();
  });

  it('keeps the bind-group cache bounded when every dispatch binds new buffers', async () => {
    const engine = await getEngine();
    const x = engine.tensor(randomArray(64, 3), [8, 8]);
    for (let i = 0; i < 5000; i++) {
      // Tensors of growing size land in distinct pool classes now and then: new buffers, new groups.
      const y = engine.tensor(randomArray(64, i), [8, 8]);
      add(engine, x, y).dispose();
      y.dispose();
      if (i % 500 === 0) await engine.sync();
    }
    await engine.sync();
    const s = engine.stats();
    expect(s.bindGroups).toBeLessThanOrEqual(4096);
    expect(s.bindGroupsCreated + s.bindGroupsReused).toBeGreaterThanOrEqual(5000);
    x.dispose();
  });
});

describe('profiler', () => {
  it('reads workgroup sizes from the WGSL, with overrides', () => {
    const spec = { name: 'k', bindings: [] as const, code: 'override WG: u32 = 64u;\n@compute @workgroup_size(WG, 2, 1) fn main() {}' };
    expect(workgroupInvocations(spec)).toBe(128);
    expect(workgroupInvocations(spec, { WG: 8 })).toBe(16);
    expect(workgroupInvocations({ ...spec, name: 'k2', code: '@compute @workgroup_size(16, 16) fn main() {}' })).toBe(256);
  });

  it('predicts with the roofline: the slower of compute and memory, plus a launch', () => {
    const h200 = referenceGpu('H200');
    // 1 GFLOP, 1 MB, a full GPU: compute-bound at 1e9 / 67e12 s.
    const p = predictDispatch(h200, 1e9, 1e6, 1e6);
    expect(p.bound).toBe('compute');
    expect(p.seconds).toBeCloseTo(1e9 / 67e12 + 4e-6, 12);
    // A memory-bound copy of 1 GB.
    const q = predictDispatch(h200, 0, 1e9, 1e6);
    expect(q.bound).toBe('memory');
    expect(q.seconds).toBeCloseTo(1e9 / 4.8e12 + 4e-6, 12);
    // 64 invocations use 64 lanes of 270k: compute time grows by the missing occupancy.
    const r = predictDispatch(h200, 1e6, 0, 64);
    expect(r.seconds).toBeCloseTo(1e6 / (67e12 * 64 / (132 * 2048)) + 4e-6, 12);
  });

  it('counts dispatches, declared FLOPs and bytes per stage and kernel, with measured times', async () => {
    const engine = await getEngine();
    const x = engine.tensor(randomArray(4096, 5), [64, 64]);
    const y = engine.tensor(randomArray(4096, 6), [64, 64]);
    const prof = engine.profile();
    prof.stage('first');
    for (let i = 0; i < 3; i++) add(engine, x, y).dispose();
    prof.stage('second');
    affine(engine, x, { beta: 1 }).dispose();
    const report = await prof.stop();
    const first = report.rows.find((r) => r.stage === 'first' && r.kernel === 'elementwise')!;
    expect(first.dispatches).toBe(3);
    expect(first.flops).toBe(3 * 4096 * 2);
    expect(first.bytes).toBe(3 * 4 * 3 * 4096);
    expect(first.invocationsPerDispatch).toBe(4096);
    expect(first.declared).toBe(true);
    expect(first.ms).toBeGreaterThan(0);
    const second = report.rows.find((r) => r.stage === 'second')!;
    expect(second.dispatches).toBe(1);
    expect(second.bytes).toBe(4 * 2 * 4096);
    expect(report.stages.map((s) => s.stage)).toEqual(['first', 'second']);
    expect(report.total.H200).toBeGreaterThan(0);
    expect(formatProfile(report)).toMatch(/first\s+elementwise\s+3\s+4096/);
    x.dispose(); y.dispose();
  });
});

/** A family whose variants are elementwise programs: two right, one wrong. */
function family(runs: string[]): VariantFamily<{ n: number }> {
  return {
    name: 'test-family',
    variants: ['slow', 'fast', 'wrong', 'never'].map((name) => ({ name, applies: () => name !== 'never' })),
    shapeClass: (s) => `n:${Math.round(Math.log2(s.n))}`,
    fallback: () => 'slow',
    trial: (engine, s) => {
      const x = engine.tensor(randomArray(s.n, 9), [s.n, 1]);
      let out: Tensor | undefined;
      return {
        run: (v) => {
          runs.push(v);
          out?.dispose();
          if (v === 'slow') { let t = affine(engine, x, { alpha: 1 }); for (let i = 0; i < 20; i++) { const u = affine(engine, t, { alpha: 1 }); t.dispose(); t = u; } out = affine(engine, t, { alpha: 2 }); t.dispose(); }
          else if (v === 'fast') out = affine(engine, x, { alpha: 2 });
          else out = affine(engine, x, { alpha: 2, beta: 1 });
        },
        output: async () => (await out!.read()) as Float32Array,
        dispose: () => { out?.dispose(); x.dispose(); },
      };
    },
  };
}

function memoryStore(): TuneStore & { saved: Record<string, string> } {
  const store = {
    saved: {} as Record<string, string>,
    load: async () => ({ ...store.saved }),
    save: async (e: Record<string, string>) => { store.saved = { ...e }; },
  };
  return store;
}

describe('tuner', () => {
  it('measures the variants that apply, rejects a wrong one, keeps a correct winner and caches it', async () => {
    const engine = await getEngine();
    const runs: string[] = [];
    const fam = family(runs);
    const store = memoryStore();
    const tuner = new Tuner(engine, { enabled: true, store, repetitions: 2 });
    expect(tuner.choose(fam, { n: 1000 })).toBe('slow');
    const won = await tuner.tune(fam, { n: 1000 });
    expect(['slow', 'fast']).toContain(won);
    expect(runs).not.toContain('never');
    const wrong = tuner.rows.find((r) => r.variant === 'wrong')!;
    expect(wrong.rejected).toMatch(/wrong result/);
    expect(tuner.rows.filter((r) => r.chosen).map((r) => r.variant)).toEqual([won]);
    expect(Object.values(store.saved)).toEqual([won]);
    // A second tuner (a later run) takes the winner from the store without measuring.
    const later = new Tuner(engine, { enabled: true, store });
    runs.length = 0;
    expect(await later.tune(fam, { n: 1100 })).toBe(won);
    expect(runs).toEqual([]);
    expect(later.choose(fam, { n: 1100 })).toBe(won);
    // Another shape class is measured anew.
    await later.tune(fam, { n: 64 });
    expect(runs.length).toBeGreaterThan(0);
  });

  it('uses the fallback when off, obeys a forced variant, and names an unknown one', async () => {
    const engine = await getEngine();
    const runs: string[] = [];
    const fam = family(runs);
    const off = new Tuner(engine, { enabled: false });
    expect(await off.tune(fam, { n: 1000 })).toBe('slow');
    expect(runs).toEqual([]);
    off.force('test-family', 'wrong');
    expect(off.choose(fam, { n: 1000 })).toBe('wrong');
    off.force('test-family', 'nope');
    expect(() => off.choose(fam, { n: 1000 })).toThrow(/no variant "nope"/);
    off.force('test-family', undefined);
    expect(off.choose(fam, { n: 1000 })).toBe('slow');
  });
});

describe('timestamp profiling on SwiftShader', () => {
  let engine: Engine | undefined;
  afterAll(() => engine?.dispose());
  it.runIf(process.platform === 'linux')('times each dispatch with timestamp queries', async () => {
    // CI installs chromium, which ships SwiftShader: its absence is a failure, not a skip.
    expect(existsSync(SWIFTSHADER), `${SWIFTSHADER} (Debian chromium) is needed for the SwiftShader tests`).toBe(true);
    engine = await createEngine({ adapter: 'swiftshader', onWarning: () => {} });
    expect(engine.traits.timestamps).toBe(true);
    expect(engine.traits.loopBudget).toBeGreaterThan(1e6);
    const x = engine.tensor(randomArray(4096, 7), [64, 64]);
    const prof = engine.profile();
    prof.stage('ts');
    const outs = [0, 1, 2].map((i) => affine(engine!, x, { beta: i }));
    const report = await prof.stop();
    expect(report.timing).toBe('timestamp-query');
    const row = report.rows.find((r) => r.kernel === 'elementwise')!;
    expect(row.dispatches).toBe(3);
    expect(row.ms).toBeGreaterThan(0);
    expect(Array.from(await outs[2].read()).slice(0, 3)).toEqual(Array.from((await x.read()).slice(0, 3), (v) => Math.fround(v + 2)));
  });
});
