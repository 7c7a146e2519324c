// Unit tests (Node) for the explorer's metadata columns, filters, export, address state and lasso helpers.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../demo/src/parsers.js';
import { cellText, columnCategories, filterMask, metadataColumns, parseFilter, selectionCsv } from '../../demo/src/metadata.js';
import { decodeCamera, decodeIds, encodeCamera, encodeIds, MAX_SELECTION_CHARS, stateQuery } from '../../demo/src/url-state.js';
import { combineSelection, thinPolygon } from '../../demo/src/lasso.js';
import type { Dataset } from '../../demo/src/dataset.js';

const TABLE = 'name,w,h,colour,label\nAnn "A",1,2.5,red,cat\nbob,3,4,blue,dog\ncid,5,6,red,cat\ndee,7,8,green,dog\n';

describe('table columns', () => {
  it('keeps every column of a CSV: text columns as metadata, numbers as features', () => {
    const d = parseCsv(TABLE);
    expect([d.n, d.d]).toEqual([4, 2]);
    expect(Array.from(d.x!)).toEqual([1, 2.5, 3, 4, 5, 6, 7, 8]);
    expect(d.columns!.map((c) => c.name)).toEqual(['name', 'w', 'h', 'colour', 'label']);
    expect(d.columns![0].strings).toEqual(['Ann "A"', 'bob', 'cid', 'dee']);
    expect(Array.from(d.columns![2].numbers!)).toEqual([2.5, 4, 6, 8]);
    expect(d.columns![3].strings).toEqual(['red', 'blue', 'red', 'green']);
    expect(d.classNames).toEqual(['cat', 'dog']);
  });

  it('names the commonest categories first and gathers the tail into "other"', () => {
    const col = { name: 'c', strings: ['a', 'b', 'b', 'c', 'b', 'a', 'd'] };
    const all = columnCategories(col, 7);
    expect(all.names).toEqual(['b', 'a', 'c', 'd']);
    expect(Array.from(all.codes)).toEqual([1, 0, 0, 2, 0, 1, 3]);
    const few = columnCategories(col, 7, 3);
    expect(few.names).toEqual(['b', 'a', 'other']);
    expect(Array.from(few.codes)).toEqual([1, 0, 0, 2, 0, 1, 2]);
  });

  it('filters rows by a regular expression over one column or any', () => {
    const d = parseCsv('name,w,colour\nred fox,1,brown\nblue jay,2,blue\nowl,3,grey\n');
    expect(Array.from(filterMask(d, parseFilter('blue|grey')!, 'colour'))).toEqual([0, 1, 1]);
    expect(Array.from(filterMask(d, parseFilter('^r')!, null))).toEqual([1, 0, 0]);
    expect(Array.from(filterMask(d, parseFilter('/^B/')!, null))).toEqual([0, 0, 0]); // explicit flags: case-sensitive
    expect(Array.from(filterMask(d, parseFilter('/^b/g')!, null))).toEqual([1, 1, 0]); // g ignored: no state between rows
    expect(Array.from(filterMask(d, parseFilter('^3$')!, 'w'))).toEqual([0, 0, 1]);
    expect(parseFilter('  ')).toBeNull();
    expect(() => parseFilter('(')).toThrow();
  });

  it('gives labelled data without a table one column, the label', () => {
    const d: Dataset = { name: 'x', n: 3, d: 1, x: Float32Array.from([1, 2, 3]), labels: Uint32Array.from([1, 0, 1]), classNames: ['a', 'b'] };
    const cols = metadataColumns(d);
    expect(cols.map((c) => c.name)).toEqual(['label']);
    expect([0, 1, 2].map((i) => cellText(cols[0], i))).toEqual(['b', 'a', 'b']);
  });

  it('exports the selected rows with every column, map coordinates and quoting', () => {
    const d = parseCsv(TABLE);
    const csv = selectionCsv(d, [0, 2], { coords: Float32Array.from([0.5, 1, 2, 3, 4.25, 5]), dims: 2 });
    expect(csv).toBe('id,x,y,name,w,h,colour,label\n0,0.5,1,"Ann ""A""",1,2.5,red,cat\n2,4.25,5,cid,5,6,red,cat\n');
    const plain: Dataset = { name: 'p', n: 2, d: 2, x: Float32Array.from([1, 2, 3, 4]), classNames: [] };
    expect(selectionCsv(plain, [1])).toBe('id,f0,f1\n1,3,4\n');
  });
});

describe('address state', () => {
  it('round-trips ids as ranges and drops ids past n', () => {
    const ids = [9, 3, 4, 5, 0, 7, 8, 3];
    expect(encodeIds(ids)).toBe('0,3-5,7-9');
    expect(decodeIds(encodeIds(ids), 100)).toEqual([0, 3, 4, 5, 7, 8, 9]);
    expect(decodeIds('2-6,x,40', 5)).toEqual([2, 3, 4]);
  });
  it('round-trips the camera to 4 decimals and refuses malformed text', () => {
    const c = decodeCamera(encodeCamera({ position: [1.23456, -2, 3], target: [0, 0.00004, -0.5] }))!;
    expect(c).toEqual({ position: [1.2346, -2, 3], target: [0, 0, -0.5] });
    expect(decodeCamera('1,2,3')).toBeNull();
    expect(decodeCamera('1,2,3,4,5,x')).toBeNull();
  });
  it('leaves out empty values and selections too long for an address', () => {
    const q = new URLSearchParams(stateQuery({ data: 'synthetic', filter: '', colour: 'column:a b' }, [1, 2, 3]));
    expect([...q.keys()]).toEqual(['data', 'colour', 'sel']);
    expect([q.get('colour'), q.get('sel')]).toEqual(['column:a b', '1-3']);
    const scattered = Array.from({ length: MAX_SELECTION_CHARS }, (_, i) => 2 * i);
    expect(new URLSearchParams(stateQuery({}, scattered)).get('sel')).toBeNull();
  });
});

describe('lasso helpers', () => {
  it('thins a long stroke evenly, keeping its ends', () => {
    const stroke = Array.from({ length: 1000 }, (_, i) => [i, 2 * i] as [number, number]);
    const t = thinPolygon(stroke, 10);
    expect(t.length).toBe(10);
    expect([t[0], t[9]]).toEqual([[0, 0], [999, 1998]]);
    expect(thinPolygon(stroke.slice(0, 5), 10)).toEqual(stroke.slice(0, 5));
  });
  it('replaces, adds to and subtracts from a selection', () => {
    const cur = new Set([1, 2, 3]);
    expect([...combineSelection(cur, [3, 4], 'replace')]).toEqual([3, 4]);
    expect([...combineSelection(cur, [3, 4], 'add')].sort()).toEqual([1, 2, 3, 4]);
    expect([...combineSelection(cur, [3, 4], 'subtract')].sort()).toEqual([1, 2]);
    expect([...cur]).toEqual([1, 2, 3]);
  });
});

describe('cluster names', () => {
  it('names a cluster by the commonest value of a column among its members, with its share', async () => {
    const { commonestValue, clusterName } = await import('../../demo/src/clusters.js');
    const col = { name: 'kind', strings: ['a', 'b', 'b', 'a', 'b', 'c'] };
    const clusters = Uint32Array.from([0, 0, 0, 1, 0, 1]);
    expect(commonestValue(col, clusters, 0)).toEqual({ value: 'b', percent: 75 });
    expect(commonestValue(col, clusters, 1)).toEqual({ value: 'a', percent: 50 });
    const d: Dataset = { name: 'x', n: 6, d: 1, classNames: [] };
    expect(clusterName(d, clusters, 0, 2, col)).toEqual({ name: 'b (75%)', image: undefined });
    expect(clusterName(d, clusters, 1, 5, undefined)).toEqual({ name: 'cluster 1, medoid #5', image: undefined });
  });
});

describe('histograms', () => {
  it('bins values over their range, of all rows or the shown ones, and intersects masks', async () => {
    const { columnRange, histogram, rangeMask, intersectMasks } = await import('../../demo/src/histograms.js');
    const v = Float32Array.from([0, 1, 2, 3, 4, 10]);
    expect(columnRange(v)).toEqual([0, 10]);
    expect(columnRange(Float32Array.from([3, 3]))).toEqual([3, 4]);
    expect(Array.from(histogram(v, 0, 10, 5))).toEqual([2, 2, 1, 0, 1]); // the top edge falls in the last bin
    const shown = Uint8Array.from([1, 0, 1, 1, 0, 1]);
    expect(Array.from(histogram(v, 0, 10, 5, shown))).toEqual([1, 2, 0, 0, 1]);
    expect(Array.from(rangeMask(v, [1, 3]))).toEqual([0, 1, 1, 1, 0, 0]);
    expect(Array.from(intersectMasks(6, [shown, null, rangeMask(v, [1, 3])])!)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(intersectMasks(6, [null])).toBeNull();
  });
});

describe('picture atlas', () => {
  it('places image i at column i % cols, row i / cols, and keeps only what fits', async () => {
    const { packAtlas } = await import('../../demo/src/atlas.js');
    const [w, h, n] = [3, 2, 5];
    const pixels = Uint8Array.from({ length: n * w * h }, (_, k) => k + 1);
    const a = packAtlas({ pixels, width: w, height: h }, n, 64);
    expect([a.cols, a.rows, a.count, a.width, a.height]).toEqual([3, 2, 5, 9, 4]);
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) expect(a.data[((Math.floor(i / 3) * h + y) * a.width) + (i % 3) * w + x]).toBe(pixels[(i * h + y) * w + x]);
      }
    }
    expect(a.data[h * a.width + 2 * w]).toBe(0); // the empty sixth cell (column 2, row 1)
    const small = packAtlas({ pixels, width: w, height: h }, n, 6); // 2 columns, 3 rows fit
    expect([small.cols, small.rows, small.count]).toEqual([2, 3, 5]);
    const tiny = packAtlas({ pixels, width: w, height: h }, n, 4); // 1 column, 2 rows
    expect([tiny.cols, tiny.rows, tiny.count]).toEqual([1, 2, 2]);
  });
});

describe('packed selection bits', () => {
  it('lists the set bits in ascending order, bit 31 included', async () => {
    const { idsFromBits } = await import('../../demo/src/bits.js');
    expect(idsFromBits(Uint32Array.from([0b1011, 0x80000000, 0, 0xffffffff]))).toEqual([0, 1, 3, 63, ...Array.from({ length: 32 }, (_, i) => 96 + i)]);
    expect(idsFromBits(new Uint32Array(3))).toEqual([]);
  });
});
