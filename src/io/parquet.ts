import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData, type SchemaElement, type SchemaTree } from 'hyparquet';
import { InvalidInputError } from '../engine/errors.js';
import { ColumnarSink, namesColumn, planColumns, type ColumnInfo, type DatasetMetadata } from './columnar.js';

/**
 * Apache Parquet input (https://parquet.apache.org/docs/file-format/), read with hyparquet one row
 * group at a time straight into the float32 result. No Node imports: the explorer uses it too.
 */

/** `PAR1`, at the start and at the end of every Parquet file. */
export const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31];

export interface ColumnarTable {
  x: Float32Array;
  n: number;
  d: number;
  /** Names of the vector's components: the numeric columns, or `<list>[k]`. */
  columns: string[];
  labels?: string[];
  metadata?: DatasetMetadata;
  /** What the user should know: id-like columns taken as features, null or ragged lists skipped with --drop-invalid. */
  notes: string[];
}

export interface ColumnarOptions {
  labels?: string;
  ignore?: string[];
  limit?: number;
  dropInvalid?: boolean;
  name: string;
  onProgress?: (rows: number, total: number) => void;
}

const NUMERIC = new Set(['FLOAT', 'DOUBLE', 'INT32', 'INT64']);
/** Converted types that make an integer or bytes something other than a plain number. */
const NOT_A_NUMBER = new Set(['DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS', 'UTF8', 'ENUM', 'JSON', 'BSON', 'INTERVAL']);

function leafKind(e: SchemaElement): { kind: ColumnInfo['kind']; int64?: boolean } {
  const logical = e.logical_type?.type;
  if (logical === 'FLOAT16' || logical === 'DECIMAL' || e.converted_type === 'DECIMAL') return { kind: 'number' };
  if (logical === 'INTEGER' || (e.type && NUMERIC.has(e.type) && !logical && !(e.converted_type && NOT_A_NUMBER.has(e.converted_type)))) {
    return { kind: 'number', int64: e.type === 'INT64' };
  }
  if (e.type === 'BYTE_ARRAY' && !logical && !e.converted_type) return { kind: 'other' }; // raw bytes
  return { kind: 'text' };
}

/** A column's kind from its schema subtree: lists of numbers (3-level LIST or legacy repeated leaf) are vectors. */
export function parquetColumnInfo(node: SchemaTree): ColumnInfo {
  const e = node.element;
  const name = e.name;
  if (node.children.length === 0) {
    if (e.repetition_type === 'REPEATED') return { name, kind: leafKind(e).kind === 'number' ? 'list' : 'other' };
    return { name, ...leafKind(e) };
  }
  const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST';
  if (isList && node.children.length === 1) {
    const repeated = node.children[0];
    const leaf = repeated.children.length === 1 ? repeated.children[0] : repeated.children.length === 0 ? repeated : undefined;
    if (leaf && leaf.children.length === 0 && leafKind(leaf.element).kind === 'number') return { name, kind: 'list' };
  }
  return { name, kind: 'other' };
}

/** Reads the footer, with a sentence for a file that is not Parquet or is damaged. */
export async function readParquetMetadata(file: AsyncBuffer, name: string): Promise<FileMetaData> {
  if (file.byteLength < 12) throw new InvalidInputError(`${name} is too short (${file.byteLength} bytes) to be a Parquet file.`);
  const tail = new Uint8Array(await file.slice(file.byteLength - 4));
  if (PARQUET_MAGIC.some((b, i) => tail[i] !== b)) {
    throw new InvalidInputError(`${name} is not a complete Parquet file: it does not end with "PAR1" (truncated or still being written?).`);
  }
  try {
    return await parquetMetadataAsync(file);
  } catch (e) {
    throw new InvalidInputError(`${name}: the Parquet footer is damaged (${(e as Error).message}).`);
  }
}

/** Whether `spec` (a --labels value) is a column of the Parquet file rather than a labels file. */
export function parquetHasColumn(metadata: FileMetaData, spec: string): boolean {
  return namesColumn(parquetSchema(metadata).children.map(parquetColumnInfo), spec);
}

/**
 * Reads a Parquet table: the vector column(s) chosen by `planColumns` into a float32 matrix, row
 * group by row group (memory: the result plus one decoded row group), the label column and the
 * metadata columns beside it. Values of any numeric type become float32; nulls become NaN (found and
 * reported by the NaN check, as for CSV).
 */
export async function readParquet(file: AsyncBuffer, opts: ColumnarOptions, metadata?: FileMetaData): Promise<ColumnarTable> {
  const name = opts.name;
  const meta = metadata ?? await readParquetMetadata(file, name);
  const columns = parquetSchema(meta).children.map(parquetColumnInfo);
  const plan = planColumns(columns, { labels: opts.labels, ignore: opts.ignore }, name);
  const total = Number(meta.num_rows);
  const rows = Math.min(total, opts.limit ?? Infinity);
  const sink = new ColumnarSink(plan, rows, name, opts.dropInvalid ?? false);
  const wanted = [...plan.vectors, ...(plan.label ? [plan.label] : []), ...plan.metadata.map((c) => c.name)];
  let start = 0;
  // hyparquet calls onChunk from a promise callback, where a throw would be lost: keep it for later.
  let failed: unknown;
  const put = (column: string, rowStart: number, values: ArrayLike<number>) => {
    if (failed === undefined) try { sink.put(column, rowStart, values); } catch (e) { failed = e; }
  };
  for (const group of meta.row_groups) {
    if (start >= rows) break;
    const end = Math.min(rows, start + Number(group.num_rows));
    try {
      await parquetRead({
        file, metadata: meta, columns: wanted, rowStart: start, rowEnd: end,
        onChunk: (c) => put(c.columnName, c.rowStart, c.columnData as ArrayLike<number>),
      });
    } catch (e) {
      if (e instanceof InvalidInputError) throw e;
      throw new InvalidInputError(`${name}: cannot read the row group at rows ${start}–${end - 1} (${(e as Error).message}); the file may be damaged.`);
    }
    if (failed !== undefined) throw failed;
    start = end;
    opts.onProgress?.(start, rows);
  }
  if (start < rows) throw new InvalidInputError(`${name}: the row groups hold ${start} rows, but the footer says ${total}; the file is damaged.`);
  const { x, d } = sink.finish();
  return {
    x, n: rows, d, labels: sink.labels, notes: [plan.note, sink.note()].filter((m): m is string => m !== undefined),
    columns: plan.list ? Array.from({ length: d }, (_, k) => `${plan.vectors[0]}[${k}]`) : plan.vectors,
    metadata: sink.metadata.names.length ? sink.metadata : undefined,
  };
}
