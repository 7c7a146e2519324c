import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import pngjs from 'pngjs';
import { loadDataset } from '../src/io/dataset.js';
import { readDelimited } from '../src/io/delimited.js';
import { encodeNpy, npyHeader, readNpyMatrix } from '../src/io/npy.js';
import { renderScatter } from '../src/io/plot.js';
import { writeAtomic, writeTable } from '../src/io/write.js';
import { assertFitsAdapter } from '../src/cli/context.js';

const dir = mkdtempSync(join(tmpdir(), 'latentgpu-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

/** An .npy file of any dtype, written byte by byte like NumPy does. */
function npyFile(name: string, descr: string, shape: number[], values: number[], fortran = false): string {
  const bytes = { '<f4': 4, '<f8': 8, '|u1': 1, '>f4': 4 }[descr]!;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`.padEnd(117) + '\n';
  const buf = new Uint8Array(10 + dict.length + values.length * bytes);
  buf.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const v = new DataView(buf.buffer);
  v.setUint16(8, dict.length, true);
  buf.set(new TextEncoder().encode(dict), 10);
  values.forEach((x, i) => {
    const o = 10 + dict.length + i * bytes;
    if (descr === '<f4') v.setFloat32(o, x, true); else if (descr === '>f4') v.setFloat32(o, x, false);
    else if (descr === '<f8') v.setFloat64(o, x, true); else v.setUint8(o, x);
  });
  const p = at(name);
  writeFileSync(p, buf);
  return p;
}

describe('NPY', () => {
  it('reads float32, float64 (big and little endian) and uint8 (scaled to [0, 1]) in C order', () => {
    expect(Array.from(readNpyMatrix(npyFile('a.npy', '<f4', [2, 3], [1, 2, 3, 4, 5, 6.5])).data)).toEqual([1, 2, 3, 4, 5, 6.5]);
    const f8 = readNpyMatrix(npyFile('b.npy', '<f8', [3, 1], [0.1, -2, 1e10]));
    expect([f8.rows, f8.cols]).toEqual([3, 1]);
    expect(Array.from(f8.data)).toEqual([Math.fround(0.1), -2, Math.fround(1e10)]);
    expect(Array.from(readNpyMatrix(npyFile('c.npy', '>f4', [1, 2], [1.5, -3])).data)).toEqual([1.5, -3]);
    expect(Array.from(readNpyMatrix(npyFile('d.npy', '|u1', [2, 1], [0, 255]), { scaleBytes: true }).data)).toEqual([0, 1]);
    const images = readNpyMatrix(npyFile('e.npy', '<f4', [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]), { limit: 1 });
    expect([images.rows, images.cols, Array.from(images.data)]).toEqual([1, 4, [1, 2, 3, 4]]);
  });
  it('reads across chunk boundaries (more than one 8 MiB chunk of float64)', () => {
    const n = 1_100_000;
    const values = Array.from({ length: n }, (_, i) => (i % 977) - 400.25);
    const m = readNpyMatrix(npyFile('big.npy', '<f8', [n / 4, 4], values));
    expect(m.data.length).toBe(n);
    expect(m.data[n - 1]).toBe(values[n - 1]);
    expect(m.data[1_048_576]).toBe(values[1_048_576]);
  });
  it('round-trips what it writes, with a header padded to 64 bytes', () => {
    expect(npyHeader('<f4', [70000, 784]).length % 64).toBe(0);
    const p = at('round.npy');
    writeFileSync(p, encodeNpy(new Float32Array([1, -2, 3.25, 4]), [2, 2]));
    expect(Array.from(readNpyMatrix(p).data)).toEqual([1, -2, 3.25, 4]);
  });
  it('rejects Fortran order, other dtypes, truncation and non-NPY bytes with a sentence', () => {
    expect(() => readNpyMatrix(npyFile('f.npy', '<f4', [2, 2, 1], [1, 2, 3, 4], true))).toThrow(/3-D array in Fortran.*C order/);
    const cut = npyFile('g.npy', '<f4', [4, 4], [1, 2]);
    expect(() => readNpyMatrix(cut)).toThrow(/g.npy is truncated: shape \(4, 4\) of <f4 needs 64 data bytes, the file has 8/);
    writeFileSync(at('h.npy'), 'hello world, not numpy');
    expect(() => readNpyMatrix(at('h.npy'))).toThrow(/not a NumPy \.npy file/);
    const c16 = npyFile('i.npy', '<f4', [1], [1]);
    writeFileSync(c16, readFileSync(c16, 'latin1').replace("'<f4'", "'<c8'"), 'latin1');
    expect(() => readNpyMatrix(c16)).toThrow(/dtype <c8/);
  });
});

describe('CSV / TSV', () => {
  it('detects a header, takes a label column by name or number, handles quotes and CRLF', () => {
    writeFileSync(at('h.csv'), 'x,y,"kind, of"\r\n1,2,"a, b"\r\n3,4.5,c\r\n');
    const t = readDelimited(at('h.csv'), { labelColumn: 'kind, of' });
    expect([t.rows, t.cols, t.hasHeader, Array.from(t.data), t.labels]).toEqual([2, 2, true, [1, 2, 3, 4.5], ['a, b', 'c']]);
    expect(readDelimited(at('h.csv'), { labelColumn: '-1' }).labels).toEqual(['a, b', 'c']);
    writeFileSync(at('n.tsv'), '1\t2\n3\t4\n');
    const u = readDelimited(at('n.tsv'));
    expect([u.hasHeader, u.rows, u.columns]).toEqual([false, 2, ['c0', 'c1']]);
    writeFileSync(at('q.csv'), 'a,b,c\n1,"2","b ""q"""\n');
    expect(readDelimited(at('q.csv'), { labelColumn: 'c' }).labels).toEqual(['b "q"']);
    writeFileSync(at('ids.csv'), 'id,name,x,y,kind\n7,ann,1,2,a\n8,bob,3,4,b\n');
    const w = readDelimited(at('ids.csv'), { labelColumn: 'kind', ignoreColumns: ['id', '1'] });
    expect([w.cols, w.columns, Array.from(w.data), w.labels]).toEqual([2, ['x', 'y'], [1, 2, 3, 4], ['a', 'b']]);
  });
  it('names the line of a ragged row and the line and column of a non-numeric cell', () => {
    writeFileSync(at('r.csv'), 'a,b\n1,2\n\n3,4\n5\n');
    expect(() => readDelimited(at('r.csv'), { name: 'r.csv' })).toThrow('r.csv line 5 has 1 column, expected 2 like the first row.');
    writeFileSync(at('s.csv'), 'a,b\n1,2\n3,x7\n');
    expect(() => readDelimited(at('s.csv'), { name: 's.csv' })).toThrow('s.csv line 3, column 2 ("b"): "x7" is not a number (leave text columns out with --ignore');
    expect(() => readDelimited(at('s.csv'), { labelColumn: 'nope' })).toThrow(/no column named "nope"/);
  });
});

describe('loadDataset', () => {
  it('reads IDX files (gzipped), labels from a file, and applies --limit', () => {
    const idx = new Uint8Array(4 + 12 + 8);
    idx.set([0, 0, 0x08, 3], 0);
    const v = new DataView(idx.buffer);
    [2, 2, 2].forEach((s, i) => v.setUint32(4 + 4 * i, s, false));
    idx.set([0, 51, 102, 153, 204, 255, 0, 0], 16);
    writeFileSync(at('imgs-idx3-ubyte.gz'), gzipSync(idx));
    writeFileSync(at('labels.txt'), 'shoe\nbag\n');
    const ds = loadDataset(at('imgs-idx3-ubyte.gz'), { labels: at('labels.txt') });
    expect([ds.format, ds.n, ds.d, ds.classNames, Array.from(ds.labels!)]).toEqual(['idx', 2, 4, ['bag', 'shoe'], [1, 0]]);
    expect(Array.from(ds.x.subarray(0, 4))).toEqual([0, 0.2, 0.4, 0.6].map(Math.fround));
    expect(loadDataset(at('imgs-idx3-ubyte.gz'), { limit: 1 }).n).toBe(1);
  });
  it('reports NaN/Inf/missing rows, or drops them with dropInvalid', () => {
    writeFileSync(at('nan.csv'), 'a,b,l\n1,2,x\n3,nan,y\n5,,z\n7,inf,x\n9,10,y\n');
    expect(() => loadDataset(at('nan.csv'), { labels: 'l' })).toThrow('nan.csv has NaN, Inf or missing values in 3 rows (lines 3, 4, 5); pass --drop-invalid to skip them.');
    const ds = loadDataset(at('nan.csv'), { labels: 'l', dropInvalid: true });
    expect([ds.n, Array.from(ds.x), Array.from(ds.keptRows!), Array.from(ds.labels!)]).toEqual([2, [1, 2, 9, 10], [0, 4], [0, 1]]);
  });
  it('gives one sentence for a missing file, an unknown format and a label count mismatch', () => {
    expect(() => loadDataset(at('missing.npy'))).toThrow(/missing\.npy: no such file/);
    writeFileSync(at('blob.bin'), new Uint8Array([1, 2, 3, 0, 0xff, 0xfe, 7, 9]));
    expect(() => loadDataset(at('blob.bin'))).toThrow(/unrecognised format/);
    writeFileSync(at('three.csv'), '1,2\n3,4\n5,6\n');
    expect(() => loadDataset(at('three.csv'), { labels: at('labels.txt') })).toThrow(/has 2 labels for 3 rows/);
  });
});

describe('writers', () => {
  it('write .npy, .csv with labels, and the projector pair; never overwrite without force', () => {
    const t = { data: new Float32Array([0.5, 1, -2, 3]), rows: 2, cols: 2, extra: { label: ['cat', 'dog'] } };
    writeTable(at('o.npy'), t);
    expect(Array.from(readNpyMatrix(at('o.npy')).data)).toEqual([0.5, 1, -2, 3]);
    writeTable(at('o.csv'), t);
    expect(readFileSync(at('o.csv'), 'utf8')).toBe('dim0,dim1,label\n0.5,1,cat\n-2,3,dog\n');
    expect(() => writeTable(at('o.csv'), t)).toThrow(`${at('o.csv')} already exists; pass --force to overwrite it.`);
    writeTable(at('o.csv'), { ...t, extra: undefined }, { force: true });
    expect(readFileSync(at('o.csv'), 'utf8')).toBe('dim0,dim1\n0.5,1\n-2,3\n');
    const files = writeTable(at('proj'), t, { format: 'projector' });
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['proj/tensors.tsv', 'proj/metadata.tsv']);
    expect(readFileSync(files[0], 'utf8')).toBe('0.5\t1\n-2\t3\n');
    expect(readFileSync(files[1], 'utf8')).toBe('cat\ndog\n');
    expect(() => writeTable(at('o.txt'), t)).toThrow(/cannot tell the output format/);
  });
  it('an interrupted write leaves neither a partial file nor a temporary one', () => {
    const before = readdirSync(dir).length;
    expect(() => writeAtomic(at('partial.npy'), (append) => { append(new Uint8Array(1000)); throw new Error('interrupted'); })).toThrow('interrupted');
    expect(existsSync(at('partial.npy'))).toBe(false);
    expect(readdirSync(dir).length).toBe(before);
  });
  it('refuses data larger than the adapter, naming the limit', () => {
    expect(() => assertFitsAdapter(1_000_000, 784, { maxBufferSize: 2 ** 31 }, 'big.npy'))
      .toThrow('big.npy (1000000×784 float32, 2.9 GiB) is more than this adapter can hold in one buffer (maxBufferSize 2.0 GiB); use --limit 684784 or fewer rows, or reduce the columns first: latentgpu pca (which streams such data) --dims 50 -o reduced.npy.');
  });
});

describe('scatter plot', () => {
  it('renders a PNG of the asked size with one colour per class and a legend', () => {
    const n = 300;
    const pts = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) { labels[i] = i % 3; pts[2 * i] = labels[i] * 5 + Math.sin(i); pts[2 * i + 1] = Math.cos(i * 1.7); }
    const png = pngjs.PNG.sync.read(Buffer.from(renderScatter(pts, n, 2, { labels, classNames: ['a', 'b', 'c'], width: 400, height: 300, title: 'blobs' })));
    expect([png.width, png.height]).toEqual([400, 300]);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
    // Background, frame, text, three pure class colours and their blends.
    for (const [r, g, b] of [[31, 119, 180], [255, 127, 14], [44, 160, 44]]) {
      const near = [...colours].some((c) => Math.abs((c >> 16) - r) + Math.abs(((c >> 8) & 255) - g) + Math.abs((c & 255) - b) < 8);
      expect(near, `class colour ${r},${g},${b}`).toBe(true);
    }
    const three = pngjs.PNG.sync.read(Buffer.from(renderScatter(new Float32Array([0, 0, 0, 1, 1, 1]), 2, 3)));
    expect([three.width, three.height]).toEqual([960, 760]);
  });
});
