import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../src/io/idx.js';
import { loadFashionMnist } from '../src/io/fashion-mnist.js';

function idx(type: number, shape: number[], body: number[], bytesPer: number, write: (v: DataView, o: number, x: number) => void): Uint8Array {
  const head = 4 + 4 * shape.length;
  const buf = new Uint8Array(head + body.length * bytesPer);
  const v = new DataView(buf.buffer);
  buf[2] = type; buf[3] = shape.length;
  shape.forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
  body.forEach((x, i) => write(v, head + i * bytesPer, x));
  return buf;
}

describe('IDX parsing', () => {
  it('reads uint8 and big-endian float32, gzipped or not, with a row limit', () => {
    const u8 = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6], 1, (v, o, x) => v.setUint8(o, x));
    expect(parseIdx(u8).shape).toEqual([2, 3]);
    expect(Array.from(parseIdx(gzipSync(u8)).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(parseIdx(u8, 'x', 1).data)).toEqual([1, 2, 3]);
    const f32 = idx(0x0d, [2], [1.5, -2], 4, (v, o, x) => v.setFloat32(o, x, false));
    expect(Array.from(parseIdx(f32).data)).toEqual([1.5, -2]);
  });
  it('rejects files that are not IDX or are truncated', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'bad.idx')).toThrow(/bad\.idx is not an IDX file/);
    const u8 = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6], 1, (v, o, x) => v.setUint8(o, x));
    expect(() => parseIdx(u8.subarray(0, 12), 'cut.idx')).toThrow(/truncated/);
    expect(() => parseIdx(new Uint8Array([0, 0, 0x42, 1, 0, 0, 0, 1]), 't')).toThrow(/unknown IDX element type/);
  });
});

describe('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('loads a limited split scaled to [0, 1] with labels', () => {
    const fm = loadFashionMnist('test', 100);
    expect(fm.n).toBe(100);
    expect(fm.x.length).toBe(100 * 784);
    expect(Math.max(...fm.x)).toBeLessThanOrEqual(1);
    expect(new Set(fm.labels).size).toBeGreaterThan(5);
    const all = loadFashionMnist('all', 60_010);
    expect(all.n).toBe(60_010);
  });
});
