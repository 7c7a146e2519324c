import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { loadDataset } from '../src/io/dataset.js';
import { loadDatasetAsync } from '../src/io/load.js';
import { openNpy, closeNpy, readNpyMatrix, readNpyRows } from '../src/io/npy.js';
import { RunContext } from '../src/cli/context.js';
import { getEngine, randomArray } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'latentgpu-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

type Descr = '<f2' | '<f4' | '<f8' | '<i8' | '>u8' | '<i2';
const BYTES: Record<Descr, number> = { '<f2': 2, '<f4': 4, '<f8': 8, '<i8': 8, '>u8': 8, '<i2': 2 };

/** IEEE half precision bits of a value that float16 holds exactly (tests use such values only). */
function halfBits(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

/** An .npy file written value by value, as NumPy lays it out (`values` in file order). */
function npy(name: string, descr: Descr, shape: number[], values: ArrayLike<number>, fortran = false): string {
  const item = BYTES[descr];
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`.padEnd(117) + '\n';
  const buf = new Uint8Array(10 + dict.length + values.length * item);
  buf.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const v = new DataView(buf.buffer);
  v.setUint16(8, dict.length, true);
  buf.set(new TextEncoder().encode(dict), 10);
  for (let i = 0; i < values.length; i++) {
    const o = 10 + dict.length + i * item;
    const x = values[i];
    if (descr === '<f2') v.setUint16(o, halfBits(x), true);
    else if (descr === '<f4') v.setFloat32(o, x, true);
    else if (descr === '<f8') v.setFloat64(o, x, true);
    else if (descr === '<i8') v.setBigInt64(o, BigInt(x), true);
    else if (descr === '>u8') v.setBigUint64(o, BigInt(x), false);
    else v.setInt16(o, x, true);
  }
  writeFileSync(at(name), buf);
  return at(name);
}

describe('NPY dtypes and layouts', () => {
  it('converts float16, int64, big-endian uint64 and int16 to float32', () => {
    const halves = [0, 1, -2, 0.5, 1.5, -0.375, 1024, 65504];
    expect(Array.from(readNpyMatrix(npy('h.npy', '<f2', [2, 4], halves)).data)).toEqual(halves);
    const ints = [-3, 2 ** 40, 7, -(2 ** 33)];
    expect(Array.from(readNpyMatrix(npy('i8.npy', '<i8', [4], ints)).data)).toEqual(ints);
    expect(Array.from(readNpyMatrix(npy('u8.npy', '>u8', [2, 1], [5, 2 ** 50])).data)).toEqual([5, 2 ** 50]);
    expect(Array.from(readNpyMatrix(npy('i2.npy', '<i2', [1, 3], [-32768, 0, 32767])).data)).toEqual([-32768, 0, 32767]);
  });

  it('transposes a 2-D Fortran-order matrix as it reads, with --limit taking the first rows', () => {
    const n = 5;
    const d = 3;
    const rowMajor = Array.from({ length: n * d }, (_, i) => i * 1.5 - 4);
    const colMajor = Array.from({ length: n * d }, (_, k) => rowMajor[(k % n) * d + Math.floor(k / n)]);
    const f = npy('fortran.npy', '<f8', [n, d], colMajor, true);
    expect(Array.from(readNpyMatrix(f).data)).toEqual(rowMajor);
    expect(Array.from(readNpyMatrix(f, { limit: 2 }).data)).toEqual(rowMajor.slice(0, 2 * d));
    expect(Array.from(loadDataset(f, { stream: true }).x)).toEqual(rowMajor);
  });

  it('names expected and actual bytes of a truncated file', () => {
    const path = npy('cut.npy', '<f8', [4, 3], [1, 2, 3, 4, 5]);
    expect(() => openNpy(path, { name: 'cut.npy' })).toThrow('cut.npy is truncated: shape (4, 3) of <f8 needs 96 data bytes, the file has 40.');
    expect(() => loadDataset(path, { stream: true })).toThrow(/needs 96 data bytes, the file has 40/);
  });

  it('reads any run of rows into a buffer, across the conversion chunk', () => {
    const n = 300_000;
    const values = randomArray(n * 5, 3, -100, 100);
    const src = openNpy(npy('rows.npy', '<f8', [n, 5], values));
    try {
      const dest = new Float32Array(250_000 * 5).fill(NaN);
      readNpyRows(src, 41_234, 250_000, dest);
      const want = values.subarray(41_234 * 5, (41_234 + 250_000) * 5);
      let wrong = 0;
      for (let i = 0; i < want.length; i++) if (dest[i] !== want[i]) wrong++;
      expect(wrong).toBe(0);
    } finally {
      closeNpy(src);
    }
  });
});

describe('NPY left in its file (stream: true)', () => {
  it('checks every row, reads x only when asked for, and reads rows from the file', () => {
    const n = 37;
    const d = 6;
    const values = randomArray(n * d, 5);
    const path = npy('s.npy', '<f4', [n, d], values);
    const ds = loadDataset(path, { stream: true, limit: 30 });
    expect([ds.n, ds.d, ds.source !== undefined]).toEqual([30, 6, true]);
    const part = new Float32Array(4 * d);
    ds.source!.read(26, 4, part);
    expect(part).toEqual(values.subarray(26 * d, 30 * d));
    expect(ds.x).toEqual(values.subarray(0, 30 * d));
    expect(loadDataset(path).source).toBeUndefined();
  });

  it('falls back to reading the whole file when a row is not finite, so the message and --drop-invalid apply', () => {
    const values = Array.from({ length: 12 }, (_, i) => (i === 7 ? NaN : i));
    const path = npy('nan.npy', '<f4', [4, 3], values);
    expect(() => loadDataset(path, { stream: true })).toThrow(/1 row \(row 2, 0-based\)/);
    const ds = loadDataset(path, { stream: true, dropInvalid: true });
    expect([ds.source, ds.n, Array.from(ds.keptRows!)]).toEqual([undefined, 3, [0, 1, 3]]);
  });

  it('reads a pipe whole: its temporary copy is gone once loaded', async () => {
    const values = randomArray(20 * 3, 4);
    const file = npy('piped.npy', '<f4', [20, 3], values);
    const fifo = at('fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat ${file} > ${fifo}`]);
    const ds = await loadDatasetAsync(fifo, { stream: true });
    writer.kill();
    expect([ds.name, ds.source, ds.x]).toEqual(['fifo', undefined, values]);
  });

  it('uploads slice by slice from the file, equal to the file', async () => {
    const n = 1001;
    const d = 7;
    const values = randomArray(n * d, 9, -3, 3);
    const ds = loadDataset(npy('up.npy', '<f8', [n, d], values), { stream: true });
    const ctx = new RunContext('test', { quiet: true }, { signal: new AbortController().signal, engine: getEngine });
    try {
      const t = await ctx.uploadDataset(ds, 13 * d * 4); // 13 rows a slice: 78 slices, the last one short
      expect(t.shape).toEqual([n, d]);
      expect(await t.read()).toEqual(values);
      const inMemory = loadDataset(npy('up2.npy', '<f4', [n, d], values));
      expect(inMemory.source).toBeUndefined();
      expect(await (await ctx.uploadDataset(inMemory, 100 * d * 4)).read()).toEqual(values);
    } finally {
      ctx.dispose();
    }
  });
});
