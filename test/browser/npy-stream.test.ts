// Unit tests (Node) for the streamed .npy path of the explorer's parse worker.
import { describe, expect, it } from 'vitest';
import { blockRows, npyBlock, npyLayout } from '../../demo/src/npy-stream.js';
import { parseNpy } from '../../demo/src/parsers.js';
import { npy } from './npy.js';

describe('streamed .npy', () => {
  it('finds the layout of 2-D C-order float32/float64/uint8/int32 files, and leaves the rest to parseNpy', () => {
    const f = npy('<f4', [3, 2], new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer));
    const l = npyLayout(new Uint8Array(f), f.byteLength)!;
    expect([l.n, l.d, l.descr, l.dataStart]).toEqual([3, 2, '<f4', f.byteLength - 24]);
    expect(npyLayout(new Uint8Array(f), f.byteLength - 1)).toBeNull(); // truncated: parseNpy says so
    const c = npy('<c8', [2, 2], new Uint8Array(32));
    expect(npyLayout(new Uint8Array(c), c.byteLength)).toBeNull();
    const fortran = npy('<f4', [2, 2], new Uint8Array(16), true);
    expect(npyLayout(new Uint8Array(fortran), fortran.byteLength)).toBeNull();
    const rank1 = npy('<f4', [4], new Uint8Array(16));
    expect(npyLayout(new Uint8Array(rank1), rank1.byteLength)).toBeNull();
    expect(npyLayout(new TextEncoder().encode('a,b\n1,2\n'), 8)).toBeNull();
  });

  it('converts blocks to the same values parseNpy reads, and names a NaN by its row in the file', () => {
    const v = Float64Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i) * 1e3);
    const f = npy('<f8', [5, 3], new Uint8Array(v.buffer));
    const l = npyLayout(new Uint8Array(f), f.byteLength)!;
    const whole = parseNpy(f).x!;
    const second = npyBlock(f.slice(l.dataStart + 2 * 3 * 8, l.dataStart + 5 * 3 * 8), l, 2, 'v.npy');
    expect(Array.from(second)).toEqual(Array.from(whole.subarray(6)));
    const bad = Float32Array.from([1, 2, 3, 4, Infinity, 6]);
    const g = npy('<f4', [3, 2], new Uint8Array(bad.buffer));
    const lg = npyLayout(new Uint8Array(g), g.byteLength)!;
    expect(() => npyBlock(g.slice(lg.dataStart + 16, lg.dataStart + 24), lg, 2, 'g.npy')).toThrow('g.npy: row 3, column 1 is Infinity; every value must be finite.');
    const u = npy('|u1', [2, 2], Uint8Array.from([0, 7, 255, 3]));
    expect(Array.from(npyBlock(u.slice(u.byteLength - 4), npyLayout(new Uint8Array(u), u.byteLength)!, 0, 'u'))).toEqual([0, 7, 255, 3]);
    expect(blockRows(4) * 4 * 4).toBeLessThanOrEqual(8 << 20);
  });
});
