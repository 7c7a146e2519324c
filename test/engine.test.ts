import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain ESM helper without types
import { bundleNode } from '../scripts/esbuild-common.mjs';
import {
  createEngine, DeviceLostError, DisposedError, GpuError, LimitError, matmul, packUniforms, pipelineKey,
  ShapeError, sizeClass, type KernelSpec,
} from '../src/index.js';
import { getEngine, randomArray } from './helpers.js';

describe('device discovery', () => {
  it('finds an adapter and says which', async () => {
    const engine = await getEngine();
    expect(['hardware', 'llvmpipe', 'swiftshader']).toContain(engine.kind);
    expect(engine.description.length).toBeGreaterThan(0);
    expect(engine.context.tried.some((t) => t.ok && t.kind === engine.kind)).toBe(true);
    // Compatibility mode would default this to 128; the engine asks for what the adapter offers.
    expect(engine.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(256);
  });

  it('an unknown forced adapter is a clear error', async () => {
    await expect(createEngine({ adapter: 'quantum' as never })).rejects.toThrow(/No WebGPU adapter found/);
  });

  it('a process that used the engine exits on its own', async () => {
    const dir = join(process.cwd(), 'node_modules', '.cache', 'latentgpu-test');
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'exit-check.ts');
    writeFileSync(entry, `
      import { createEngine, matmul } from '${join(process.cwd(), 'src', 'index.ts')}';
      const e = await createEngine({ onWarning() {} });
      const a = e.tensor(new Float32Array(16).fill(1), [4, 4]);
      console.log((await matmul(e, a, a).read())[0]);
      e.dispose();`);
    const out = join(dir, 'exit-check.mjs');
    await bundleNode(entry, out, { logLevel: 'silent', sourcemap: false });
    const r = spawnSync(process.execPath, [out], { cwd: process.cwd(), timeout: 60_000, encoding: 'utf8' });
    expect(r.error, 'process did not exit in 60 s').toBeUndefined();
    expect(r.stdout.trim(), r.stderr.slice(-2000)).toBe('4');
    expect(r.status).toBe(0);
  });
});

describe('tensors and the buffer pool', () => {
  it('round-trips data of each dtype and reads sub-ranges', async () => {
    const engine = await getEngine();
    const f = engine.tensor(new Float32Array([1.5, -2, 3, 4]), [2, 2]);
    expect(Array.from(await f.read())).toEqual([1.5, -2, 3, 4]);
    expect(Array.from(await f.read(1, 2))).toEqual([-2, 3]);
    const u = engine.tensor(new Uint32Array([7, 0xffffffff]));
    expect(Array.from(await u.read())).toEqual([7, 0xffffffff]);
    const i = engine.tensor(new Int32Array([-5, 9]));
    expect(Array.from(await i.read())).toEqual([-5, 9]);
    expect(Array.from(await engine.zeros([3]).read())).toEqual([0, 0, 0]);
    await expect(f.read(3, 5)).rejects.toThrow(ShapeError);
  });

  it('size classes waste at most a quarter', () => {
    for (const n of [1, 255, 256, 257, 1000, 4096, 5000, 1 << 20, (1 << 20) + 1, 123_456_789]) {
      const c = sizeClass(n);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c).toBeLessThanOrEqual(Math.max(256, n * 1.25 + 256));
    }
  });

  it('memory stays flat over thousands of create/compute/dispose cycles', async () => {
    const engine = await getEngine();
    const w = engine.tensor(randomArray(32 * 16, 1), [32, 16]);
    const cycle = () => {
      const x = engine.tensor(randomArray(64 * 32, 2), [64, 32]);
      const y = matmul(engine, x, w, { activation: 'relu' });
      x.dispose();
      y.dispose();
    };
    // Bursts of 300 cycles between syncs: the pool's peak is what one burst keeps in flight.
    const burst = async () => { for (let i = 0; i < 300; i++) cycle(); await engine.sync(); };
    for (let b = 0; b < 2; b++) await burst();
    const before = engine.stats();
    for (let b = 0; b < 10; b++) await burst();
    const after = engine.stats();
    expect(after.allocatedBytes).toBeLessThanOrEqual(before.allocatedBytes * 1.1);
    expect(after.created - before.created).toBeLessThan(50);
    expect(after.reused).toBeGreaterThan(before.reused + 5000);
  });

  it('disposed tensors cannot be used', async () => {
    const engine = await getEngine();
    // Shaped [2, 2] from the start, so that matmul itself (not reshape) meets the disposed tensor.
    const live = engine.tensor([1, 2, 3, 4], [2, 2]);
    const t = engine.zeros([2, 2]);
    expect(Array.from(await matmul(engine, live, t).read())).toEqual([0, 0, 0, 0]);
    t.dispose();
    expect(() => matmul(engine, live, t)).toThrow(DisposedError);
    expect(() => matmul(engine, t, live)).toThrow(DisposedError);
    live.dispose();
  });
});

describe('GPU errors become exceptions with the kernel label', () => {
  it('a shader that does not compile', async () => {
    const engine = await getEngine();
    const broken: KernelSpec = {
      name: 'test.broken', bindings: ['storage'],
      code: '@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@compute @workgroup_size(1) fn main() { x[0] = undefined_thing; }',
    };
    engine.dispatch(broken, { args: [engine.zeros([4])], workgroups: [1] });
    const err = await engine.sync().catch((e) => e);
    expect(err).toBeInstanceOf(GpuError);
    expect(err.message).toMatch(/test\.broken/);
    expect(err.kernels).toContain('test.broken');
    // The engine keeps working afterwards.
    const a = engine.tensor(new Float32Array([2]), [1, 1]);
    expect((await matmul(engine, a, a).read())[0]).toBe(4);
  });

  it('a binding that does not match the shader', async () => {
    const engine = await getEngine();
    const spec: KernelSpec = {
      name: 'test.wrong_binding', bindings: ['read'],
      code: '@group(0) @binding(0) var<storage, read_write> x: array<f32>;\n@compute @workgroup_size(1) fn main() { x[0] = 1.0; }',
    };
    engine.dispatch(spec, { args: [engine.zeros([4])], workgroups: [1] });
    await expect(engine.sync()).rejects.toThrow(/test\.wrong_binding/);
  });

  it('prepare() reports a broken pipeline at once', async () => {
    const engine = await getEngine();
    const spec: KernelSpec = { name: 'test.no_entry', bindings: [], code: 'fn helper() {}' };
    await expect(engine.pipelines.prepare(spec)).rejects.toThrow(/test\.no_entry/);
  });

  it('wrong argument counts, uniform mix-ups and oversized dispatches are caught before the GPU', async () => {
    const engine = await getEngine();
    const spec: KernelSpec = { name: 'test.args', bindings: ['uniform', 'storage'], code: '' };
    expect(() => engine.dispatch(spec, { args: [new ArrayBuffer(16)], workgroups: [1] })).toThrow(/1 arguments for 2 bindings/);
    expect(() => engine.dispatch(spec, { args: [engine.zeros([4]), engine.zeros([4])], workgroups: [1] })).toThrow(/takes uniform bytes/);
    expect(() => engine.dispatch(spec, { args: [new ArrayBuffer(16), engine.zeros([4])], workgroups: [1e6] })).toThrow(LimitError);
  });

  it('a binding larger than the adapter allows names the limit and the size', async () => {
    const engine = await getEngine();
    const max = engine.limits.maxStorageBufferBindingSize;
    const spec: KernelSpec = { name: 'test.big', bindings: ['storage'], code: '' };
    const fake = { buffer: engine.placeholder().buffer, offset: 0, size: max + 4 };
    expect(() => engine.dispatch(spec, { args: [fake], workgroups: [1] })).toThrow(/maxStorageBufferBindingSize/);
  });

  it('device loss turns into an error on the next call, not a hang', async () => {
    const engine = await createEngine({ onWarning() {} });
    engine.device.destroy();
    await engine.device.lost;
    // The engine's own lost handler runs after ours.
    await new Promise((r) => setTimeout(r, 10));
    expect(() => engine.zeros([4])).toThrow(DeviceLostError);
    engine.dispose();
  });
});

describe('kernel plumbing', () => {
  it('pipeline keys sort overrides', () => {
    const spec = { name: 'k', code: '', bindings: [] } as KernelSpec;
    expect(pipelineKey(spec, { B: 2, A: 1 })).toBe(pipelineKey(spec, { A: 1, B: 2 }));
    expect(pipelineKey(spec, { A: 1 })).not.toBe(pipelineKey(spec, { A: 2 }));
  });
  it('uniform packing', () => {
    const buf = packUniforms([['u32', 3], ['f32', 0.5], ['i32', -2]]);
    expect(buf.byteLength).toBe(16);
    const v = new DataView(buf);
    expect([v.getUint32(0, true), v.getFloat32(4, true), v.getInt32(8, true)]).toEqual([3, 0.5, -2]);
    expect(() => packUniforms([['u32', -1]])).toThrow(RangeError);
  });
});
