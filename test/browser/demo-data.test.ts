// Unit tests (Node) for the explorer's data file and the parsers its worker runs on dropped files.
import { describe, expect, it } from 'vitest';
import { decodeDemoData, DatasetFormatError } from '../../demo/src/dataset.js';
import { FileParseError, parseCsv, parseFile, parseNpy } from '../../demo/src/parsers.js';
import { npy } from './npy.js';
// @ts-expect-error plain ESM script without types
import { encodeDemoData, loadFashionParts, CLASS_NAMES } from '../../scripts/prepare-demo-data.mjs';

describe('demo data file', () => {
  it('round-trips images, labels and class names, and scales pixels to [0, 1]', () => {
    const n = 3, w = 4, h = 2;
    const pixels = Uint8Array.from({ length: n * w * h }, (_, i) => (i * 37) % 256);
    const labels = Uint8Array.from([2, 0, 1]);
    const bytes: Uint8Array = encodeDemoData({ pixels, labels, n, width: w, height: h, classNames: ['a', 'b', 'c'] });
    const d = decodeDemoData(bytes.slice().buffer);
    expect([d.n, d.d]).toEqual([3, 8]);
    expect(Array.from(d.labels!)).toEqual([2, 0, 1]);
    expect(d.classNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(d.images!.pixels)).toEqual(Array.from(pixels));
    d.x!.forEach((v, i) => expect(v).toBeCloseTo(pixels[i] / 255, 6));
    const two = decodeDemoData(bytes.slice().buffer, 2);
    expect([two.n, two.x!.length, two.images!.pixels.length]).toEqual([2, 16, 16]);
    expect(Array.from(two.images!.pixels)).toEqual(Array.from(pixels.subarray(0, 16)));
  });

  it('refuses foreign and truncated files with a sentence', () => {
    expect(() => decodeDemoData(new TextEncoder().encode('PK\x03\x04 and more bytes here...').buffer)).toThrow(/starts with "PK/);
    const bytes: Uint8Array = encodeDemoData({ pixels: new Uint8Array(8), labels: new Uint8Array(2), n: 2, width: 2, height: 2, classNames: [] });
    expect(() => decodeDemoData(bytes.slice(0, bytes.length - 1).buffer)).toThrow(DatasetFormatError);
    expect(() => decodeDemoData(bytes.slice(0, bytes.length - 1).buffer)).toThrow(/truncated/);
  });

  it('reads the Debian Fashion-MNIST IDX files: 28×28 images, labels 0..9', () => {
    const d = loadFashionParts('/usr/share/datasets/fashion-mnist', 'test', 50);
    expect([d.n, d.width, d.height, d.pixels.length]).toEqual([50, 28, 28, 50 * 784]);
    expect(Math.max(...d.labels)).toBeLessThanOrEqual(9);
    expect(d.labels[0]).toBe(9); // the first test image is an ankle boot
    expect(CLASS_NAMES[9]).toBe('Ankle boot');
    const all = loadFashionParts('/usr/share/datasets/fashion-mnist', 'all', 60_010);
    expect(all.n).toBe(60_010);
    expect(all.labels[60_000]).toBe(9); // train first, then test
  });
});

describe('NPY parser', () => {
  const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
  it('reads float32, float64 and uint8 matrices', () => {
    const a = parseNpy(npy('<f4', [2, 3], f32([1, 2, 3, 4, 5, 6.5])));
    expect([a.n, a.d, Array.from(a.x!)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6.5]]);
    const b = parseNpy(npy('<f8', [3, 1], new Uint8Array(Float64Array.from([0.25, -1, 1e10]).buffer)));
    expect(Array.from(b.x!)).toEqual([0.25, -1, 1e10]);
    const c = parseNpy(npy('|u1', [1, 2], Uint8Array.from([7, 255])));
    expect(Array.from(c.x!)).toEqual([7, 255]);
  });
  it('names a wrong dtype, Fortran order, a wrong rank, truncation and NaN', () => {
    expect(() => parseNpy(npy('<c8', [2, 2], new Uint8Array(32)), 'x.npy')).toThrow(/x\.npy has dtype <c8; the explorer reads float32/);
    expect(() => parseNpy(npy('<U4', [2, 2], new Uint8Array(64)), 'x.npy')).toThrow(FileParseError);
    expect(() => parseNpy(npy('<f4', [2, 2], f32([1, 2, 3, 4]), true), 'x.npy')).toThrow(/Fortran order/);
    expect(() => parseNpy(npy('<f4', [4], f32([1, 2, 3, 4])), 'x.npy')).toThrow(/shape \(4\); the explorer needs a 2-D matrix/);
    expect(() => parseNpy(npy('<f4', [2, 3], f32([1, 2, 3])), 'x.npy')).toThrow(/truncated: shape 2x3 needs 24 bytes of data, it has 12/);
    expect(() => parseNpy(npy('<f4', [2, 2], f32([1, 2, NaN, 4])), 'x.npy')).toThrow(/row 2, column 1 is NaN/);
    expect(() => parseNpy(new TextEncoder().encode('a,b\n1,2\n').buffer, 'x.npy')).toThrow(/not a NumPy \.npy file/);
  });
});

describe('CSV parser', () => {
  it('reads numbers with a header and a named label column', () => {
    const d = parseCsv('f1,f2,label\n1,2,cat\n3,4,dog\n5,6,cat\n');
    expect([d.n, d.d, Array.from(d.x!)]).toEqual([3, 2, [1, 2, 3, 4, 5, 6]]);
    expect(Array.from(d.labels!)).toEqual([0, 1, 0]);
    expect(d.classNames).toEqual(['cat', 'dog']);
  });
  it('finds a non-numeric last column without a header, and reads tabs and semicolons', () => {
    const d = parseCsv('1\t2\tx\n3\t4\ty\n');
    expect([d.d, d.classNames]).toEqual([2, ['x', 'y']]);
    const e = parseCsv('1;2\n3;4\n');
    expect([e.n, e.d, e.labels]).toEqual([2, 2, undefined]);
  });
  it('keeps 784-column rows as images for thumbnails', () => {
    const row = Array.from({ length: 784 }, (_, i) => i % 256).join(',');
    const d = parseCsv(`${row}\n${row}\n`);
    expect(d.images?.width).toBe(28);
    expect(d.images!.pixels[300]).toBe(300 % 256);
  });
  it('names the line of a ragged row and the cell that is not a number', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'r.csv')).toThrow('r.csv, line 3: 2 columns, but the header has 3.');
    expect(() => parseCsv('1,2,3\n4,5,6,7\n', 'r.csv')).toThrow('r.csv, line 2: 4 columns, but the first row has 3.');
    expect(() => parseCsv('a,b\n1,2\n3,oops\n4,5\n', 'r.csv')).toThrow('r.csv, line 3, column 2 ("b"): "oops" is not a number.');
    expect(() => parseCsv('\n\n', 'e.csv')).toThrow(/no data lines/);
  });
  it('chooses the parser by extension and refuses others', () => {
    expect(parseFile('a.CSV', new TextEncoder().encode('1,2\n').buffer).d).toBe(2);
    expect(() => parseFile('a.xlsx', new ArrayBuffer(4))).toThrow(/unknown file type/);
  });
});
