import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata } from 'hyparquet';
import { DataType, Field, FixedSizeList, Float32, Float64, Int64, List, tableFromArrays, tableToIPC, Table, vectorFromArray, Utf8 } from 'apache-arrow';
import { detectFormat } from '../src/io/dataset.js';
import { loadDatasetAsync } from '../src/io/load.js';

const dir = mkdtempSync(join(tmpdir(), 'latentgpu-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);

/** Seeded values with fractions float32 cannot hold exactly, so a float64 → float32 conversion shows. */
function values(n: number, d: number, seed: number): number[][] {
  let s = seed;
  const r = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  return Array.from({ length: n }, () => Array.from({ length: d }, () => (r() - 0.5) * 10 + 1 / 3));
}

const LIST_SCHEMA = (element: 'FLOAT' | 'DOUBLE') => [
  { name: 'emb', repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
  { name: 'element', type: element, repetition_type: 'OPTIONAL' as const },
];

/** A Parquet file with an INT64 id, a string title (one null), a string category and a list<double> vector. */
function listFile(name: string, rows: (number[] | null)[], rowGroupSize: number): string {
  const n = rows.length;
  const ids = Array.from({ length: n }, (_, i) => 9007199254740993n + BigInt(i)); // past 2^53: must stay exact
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ids },
      { name: 'title', data: Array.from({ length: n }, (_, i) => (i === 2 ? null : `item "${i}", ok`)) },
      { name: 'category', data: Array.from({ length: n }, (_, i) => ['cat', 'dog', 'emu'][i % 3]) },
      { name: 'emb', data: rows },
    ],
    schema: [
      { name: 'root', num_children: 4 },
      { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'title', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'category', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      ...LIST_SCHEMA('DOUBLE'),
    ],
    rowGroupSize,
  });
  writeFileSync(at(name), new Uint8Array(buf));
  return at(name);
}

const f32 = (rows: number[][]) => Float32Array.from(rows.flat());

describe('Parquet input', () => {
  it('reads a list<double> vector over several row groups into float32, with labels and metadata columns', async () => {
    const rows = values(23, 5, 1);
    const path = listFile('list.parquet', rows, 7);
    expect(parquetMetadata(Uint8Array.from(readFileSync(path)).buffer).row_groups.length).toBe(4);
    expect(detectFormat(path)).toBe('parquet');
    const ds = await loadDatasetAsync(path, { labels: 'category' });
    expect([ds.format, ds.n, ds.d]).toEqual(['parquet', 23, 5]);
    expect(ds.x).toEqual(f32(rows));
    expect(ds.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(Array.from(ds.labels!)).toEqual(Array.from({ length: 23 }, (_, i) => i % 3));
    expect(ds.metadata!.names).toEqual(['id', 'title']);
    expect(ds.metadata!.columns[0][22]).toBe('9007199254741015');
    expect(Array.from(ds.metadata!.columns[1] as string[]).slice(0, 4)).toEqual(['item "0", ok', 'item "1", ok', '', 'item "3", ok']);
  });

  it('stops at --limit inside a row group and finds the file by its magic bytes without the extension', async () => {
    const rows = values(20, 3, 2);
    const path = listFile('limit.parquet', rows, 6);
    writeFileSync(at('noext'), readFileSync(path));
    expect(detectFormat(at('noext'))).toBe('parquet');
    const ds = await loadDatasetAsync(at('noext'), { limit: 9 });
    expect([ds.n, ds.d]).toEqual([9, 3]);
    expect(ds.x).toEqual(f32(rows.slice(0, 9)));
    expect(ds.metadata!.names).toEqual(['id', 'title', 'category']);
    expect(ds.metadata!.columns[2].length).toBe(9);
  });

  it('takes one numeric column per dimension (float, double, int32, int64), leaving out --labels and --ignore columns', async () => {
    const n = 11;
    const a = values(n, 1, 3).flat();
    const b = values(n, 1, 4).flat();
    const c = Array.from({ length: n }, (_, i) => i * 7 - 30);
    const e = Array.from({ length: n }, (_, i) => BigInt(i) * 1000000n - 3n);
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'a', data: Float32Array.from(a), type: 'FLOAT' },
        { name: 'b', data: b, type: 'DOUBLE' },
        { name: 'key', data: Array.from({ length: n }, (_, i) => i + 100), type: 'INT32' },
        { name: 'c', data: c, type: 'INT32' },
        { name: 'e', data: e, type: 'INT64' },
        { name: 'kind', data: Array.from({ length: n }, (_, i) => (i < 5 ? 'x' : 'y')), type: 'STRING' },
      ],
      rowGroupSize: 4,
    });
    writeFileSync(at('cols.parquet'), new Uint8Array(buf));
    const notes: string[] = [];
    expect((await loadDatasetAsync(at('cols.parquet'), { labels: 'kind', onNote: (m) => notes.push(m) })).d).toBe(5);
    expect(notes).toEqual(['cols.parquet: the vector includes the numeric column key; if it is an id, leave it out with --ignore key.']);
    const ds = await loadDatasetAsync(at('cols.parquet'), { labels: 'kind', ignoreColumns: ['key'] });
    expect(ds.d).toBe(4);
    expect(ds.x).toEqual(Float32Array.from({ length: n * 4 }, (_, k) => [a, b, c, e.map(Number)][k % 4][Math.floor(k / 4)]));
    expect(ds.classNames).toEqual(['x', 'y']);
    expect(ds.metadata!.names).toEqual(['key']);
    expect(ds.metadata!.columns[0]).toBeInstanceOf(Float64Array);
    expect(Array.from(ds.metadata!.columns[0] as Float64Array)).toEqual(Array.from({ length: n }, (_, i) => i + 100));
  });

  it('names rows with nulls, and --drop-invalid drops them with their metadata', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'a', data: [1, 2, null, 4, 5], type: 'DOUBLE' },
        { name: 'b', data: [1, null, 3, 4, 5], type: 'DOUBLE' },
        { name: 'name', data: ['p', 'q', 'r', 's', 't'], type: 'STRING' },
      ],
      rowGroupSize: 2,
    });
    writeFileSync(at('nulls.parquet'), new Uint8Array(buf));
    await expect(loadDatasetAsync(at('nulls.parquet'))).rejects.toThrow(/2 rows \(rows 1, 2, 0-based\).*--drop-invalid/);
    const ds = await loadDatasetAsync(at('nulls.parquet'), { dropInvalid: true });
    expect([ds.n, ds.dropped, Array.from(ds.keptRows!)]).toEqual([3, 2, [0, 3, 4]]);
    expect(Array.from(ds.x)).toEqual([1, 1, 4, 4, 5, 5]);
    expect(ds.metadata!.columns[0]).toEqual(['p', 's', 't']);
  });

  it('refuses a ragged or null vector with its row, or skips and reports it with --drop-invalid', async () => {
    const rows: (number[] | null)[] = [[1, 2, 3], [4, 5, 6], [7, 8], [9, 10, 11], null, [12, 13, 14]];
    const path = listFile('ragged.parquet', rows, 4);
    await expect(loadDatasetAsync(path)).rejects.toThrow(/row 2 \(0-based\).*"emb" has 2 values, expected 3 like row 0.*--drop-invalid/);
    const notes: string[] = [];
    const ds = await loadDatasetAsync(path, { dropInvalid: true, onNote: (m) => notes.push(m) });
    expect(Array.from(ds.keptRows!)).toEqual([0, 1, 3, 5]);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14]);
    expect(ds.metadata!.columns[0]).toEqual(['9007199254740993', '9007199254740994', '9007199254740996', '9007199254740998']);
    expect(notes.join()).toMatch(/1 with a null vector and 1 with a vector of another length than 3/);
    const nullFirst = listFile('nullfirst.parquet', [null, [1, 2]], 5);
    await expect(loadDatasetAsync(nullFirst)).rejects.toThrow(/row 0 \(0-based\).*"emb" is null/);
  });

  it('reads labels from a file, and says when a label column or file is missing', async () => {
    const path = listFile('lab.parquet', values(4, 2, 5), 3);
    writeFileSync(at('labels.txt'), 'b\na\nb\nc\n');
    const ds = await loadDatasetAsync(path, { labels: at('labels.txt') });
    expect([ds.classNames, Array.from(ds.labels!)]).toEqual([['a', 'b', 'c'], [1, 0, 1, 2]]);
    await expect(loadDatasetAsync(path, { labels: 'nope' })).rejects.toThrow(/--labels nope: no such column or file/);
    await expect(loadDatasetAsync(path, { ignoreColumns: ['nope'] })).rejects.toThrow(/--ignore: lab.parquet has no column "nope" \(columns: id, title, category, emb\)/);
  });

  it('gives one sentence for a truncated or damaged file', async () => {
    const good = readFileSync(listFile('good.parquet', values(30, 4, 6), 10));
    writeFileSync(at('cut.parquet'), good.subarray(0, good.length - 100));
    await expect(loadDatasetAsync(at('cut.parquet'))).rejects.toThrow(/cut.parquet is not a complete Parquet file: it does not end with "PAR1"/);
    const damaged = Uint8Array.from(good);
    damaged.fill(0xab, damaged.length - 60, damaged.length - 8); // the footer, magic kept
    writeFileSync(at('damaged.parquet'), damaged);
    await expect(loadDatasetAsync(at('damaged.parquet'))).rejects.toThrow(/damaged.parquet: .*damaged/);
    writeFileSync(at('text.parquet'), 'not parquet at all\n');
    await expect(loadDatasetAsync(at('text.parquet'))).rejects.toThrow(/text.parquet (is too short|is not a complete Parquet file)/);
  });
});

describe('Arrow IPC input', () => {
  const n = 9;
  const d = 4;
  const rows = values(n, d, 7);
  const table = () => new Table({
    id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i) + 5n), new Int64()),
    vec: vectorFromArray(rows.map((r) => Float32Array.from(r)), new FixedSizeList(d, new Field('item', new Float32(), true))),
    title: vectorFromArray(Array.from({ length: n }, (_, i) => (i === 4 ? null : `t${i}`)), new Utf8()),
  });

  it('reads a fixed-size-list vector from the file and the stream format, with metadata', async () => {
    writeFileSync(at('t.arrow'), tableToIPC(table(), 'file'));
    writeFileSync(at('t.arrows'), tableToIPC(table(), 'stream'));
    writeFileSync(at('stream-noext'), tableToIPC(table(), 'stream'));
    expect(detectFormat(at('stream-noext'))).toBe('arrow');
    for (const file of ['t.arrow', 't.arrows', 'stream-noext']) {
      const ds = await loadDatasetAsync(at(file), { labels: 'title' });
      expect([ds.format, ds.n, ds.d]).toEqual(['arrow', n, d]);
      expect(ds.x).toEqual(f32(rows));
      expect(ds.metadata).toEqual({ names: ['id'], columns: [Array.from({ length: n }, (_, i) => String(i + 5))] });
      expect(ds.classNames).toContain('');
    }
  });

  it('reads numeric columns over several record batches, with nulls found and --limit', async () => {
    const a = values(n, 1, 8).flat();
    const t1 = tableFromArrays({ a: Float64Array.from(a.slice(0, 5)), b: Int32Array.from([1, 2, 3, 4, 5]) });
    const t2 = tableFromArrays({ a: Float64Array.from(a.slice(5)), b: Int32Array.from([6, 7, 8, 9]) });
    const both = t1.concat(t2);
    expect(both.batches.length).toBe(2);
    writeFileSync(at('batches.arrow'), tableToIPC(both, 'file'));
    const ds = await loadDatasetAsync(at('batches.arrow'));
    expect(ds.x).toEqual(Float32Array.from(a.flatMap((v, i) => [v, i + 1])));
    const limited = await loadDatasetAsync(at('batches.arrow'), { limit: 6 });
    expect(limited.x).toEqual(Float32Array.from(a.slice(0, 6).flatMap((v, i) => [v, i + 1])));
    const withNull = new Table({ a: vectorFromArray([1.5, null, 2.5], new Float64()), b: vectorFromArray([1, 2, 3], new Float64()) });
    writeFileSync(at('null.arrow'), tableToIPC(withNull, 'file'));
    await expect(loadDatasetAsync(at('null.arrow'))).rejects.toThrow(/1 row \(row 1, 0-based\)/);
  });

  it('reads a variable-length list<double> with a dictionary-encoded label column; a ragged row is named or skipped', async () => {
    const lists = [[1.5, 2], [3, 4.25], [5], [6, 7]];
    const t = new Table({
      v: vectorFromArray(lists, new List(new Field('item', new Float64(), true))),
      kind: vectorFromArray(['b', 'a', 'b', 'c']),
    });
    expect(DataType.isDictionary(t.getChild('kind')!.type)).toBe(true);
    writeFileSync(at('var.arrows'), tableToIPC(t, 'stream'));
    await expect(loadDatasetAsync(at('var.arrows'), { labels: 'kind' })).rejects.toThrow(/row 2 \(0-based\).*"v" has 1 values, expected 2 like row 0/);
    const ds = await loadDatasetAsync(at('var.arrows'), { labels: 'kind', dropInvalid: true });
    expect([Array.from(ds.x), ds.classNames, Array.from(ds.labels!), Array.from(ds.keptRows!)]).toEqual([[1.5, 2, 3, 4.25, 6, 7], ['a', 'b', 'c'], [1, 0, 2], [0, 1, 3]]);
  });

  it('gives one sentence for a damaged Arrow file', async () => {
    const bytes = tableToIPC(table(), 'file');
    writeFileSync(at('cut.arrow'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(loadDatasetAsync(at('cut.arrow'))).rejects.toThrow(/cut.arrow/);
  });
});

describe('Parquet through the CLI', () => {
  it('pca writes the metadata columns after the result in CSV and in the projector metadata', async () => {
    const { runCli } = await import('./cli-helpers.js');
    const rows = values(40, 6, 9);
    const path = listFile('cli.parquet', rows, 16);
    const csv = at('out.csv');
    const r = await runCli(['pca', path, '--dims', '2', '--labels', 'category', '-o', csv, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('dim0,dim1,label,id,title');
    expect(lines).toHaveLength(41);
    expect(lines[1]).toMatch(/^[-\d.e]+,[-\d.e]+,cat,9007199254740993,"item ""0"", ok"$/);
    expect(lines[3]).toMatch(/,emu,9007199254740995,$/);
    const proj = at('proj');
    expect((await runCli(['pca', path, '--dims', '2', '-o', proj, '--format', 'projector', '-q'])).code).toBe(0);
    const meta = readFileSync(join(proj, 'metadata.tsv'), 'utf8').trim().split('\n');
    expect(meta[0]).toBe('id\ttitle\tcategory');
    expect(meta[2]).toBe('9007199254740994\titem "1", ok\tdog');
  });
});

describe('Parquet in the explorer', () => {
  it('gives the page the vectors, the label column and the other columns', async () => {
    const { parseParquet } = await import('../demo/src/parquet-file.js');
    const rows = values(12, 4, 11);
    const bytes = readFileSync(listFile('page.parquet', rows, 5));
    const data = await parseParquet(new Blob([bytes]), 'page.parquet');
    expect([data.n, data.d, data.x]).toEqual([12, 4, f32(rows)]);
    expect(data.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(Array.from(data.labels!)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3));
    expect(data.columns!.map((c) => c.name)).toEqual(['category', 'id', 'title']);
    expect(data.columns![1].strings![11]).toBe('9007199254741004');
    const ragged = readFileSync(listFile('page-ragged.parquet', [[1, 2], [3]], 5));
    await expect(parseParquet(new Blob([ragged]), 'r.parquet')).rejects.toThrow(/r.parquet row 1 \(0-based\).*has 1 values, expected 2/);
  });
});
