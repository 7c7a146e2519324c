// A dropped Parquet file: read with the CLI's reader (hyparquet, one row group at a time), the
// vector column found the same way, and every other column kept for hover, search and colour.
import { parquetSchema } from 'hyparquet';
import { readParquet, readParquetMetadata } from '../../src/io/parquet.js';
import type { Column, Dataset } from './dataset.js';
import { FileParseError } from './parsers.js';

const LABEL_COLUMN = /^(label|labels|class|target|category)$/i;

export async function parseParquet(file: Blob, name: string): Promise<Dataset> {
  try {
    const buffer = { byteLength: file.size, slice: (start: number, end?: number) => file.slice(start, end).arrayBuffer() };
    const meta = await readParquetMetadata(buffer, name);
    const label = parquetSchema(meta).children.map((c) => c.element.name).find((c) => LABEL_COLUMN.test(c));
    const t = await readParquet(buffer, { name, labels: label }, meta);
    for (let i = 0; i < t.x.length; i++) {
      if (!Number.isFinite(t.x[i])) throw new FileParseError(`${name}, row ${Math.floor(i / t.d)} (0-based): column "${t.columns[i % t.d]}" is missing or not finite.`);
    }
    const classIndex = new Map<string, number>();
    const labels = t.labels && Uint32Array.from(t.labels, (s) => { if (!classIndex.has(s)) classIndex.set(s, classIndex.size); return classIndex.get(s)!; });
    const columns: Column[] = [];
    if (label && t.labels) columns.push({ name: label, strings: t.labels });
    t.metadata?.names.forEach((c, k) => {
      const v = t.metadata!.columns[k];
      columns.push(v instanceof Float64Array ? { name: c, numbers: Float32Array.from(v) } : { name: c, strings: v });
    });
    // One numeric column per dimension is shown like a CSV's; a list's components are not.
    if (t.columns.length === t.d && !/\[\d+\]$/.test(t.columns[0])) t.columns.forEach((c, j) => columns.push({ name: c, numbers: Float32Array.from({ length: t.n }, (_, i) => t.x[i * t.d + j]) }));
    return { name, x: t.x, n: t.n, d: t.d, labels, classNames: [...classIndex.keys()], columns: columns.length ? columns : undefined };
  } catch (e) {
    throw e instanceof FileParseError ? e : new FileParseError((e as Error).message);
  }
}
