import { open } from 'node:fs/promises';
import { DataType, makeVector, RecordBatchReader, type Data, type Field } from 'apache-arrow';
import { InvalidInputError } from '../engine/errors.js';
import { ColumnarSink, namesColumn, planColumns, type ColumnInfo } from './columnar.js';
import type { ColumnarOptions, ColumnarTable } from './parquet.js';

/**
 * Apache Arrow IPC input (https://arrow.apache.org/docs/format/Columnar.html#ipc-file-format): the
 * file format (`.arrow`, Feather v2) and the stream format (`.arrows`), read one record batch at a
 * time with apache-arrow. The file is read twice, first to count its rows (batches hold their row
 * count only in their own headers), then into a float32 result of exactly that size.
 */

/** `ARROW1`, at the start of the file format. */
export const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];

const isNumeric = (t: DataType) => DataType.isFloat(t) || DataType.isInt(t);

function fieldInfo(f: Field): ColumnInfo {
  const t = f.type;
  if (isNumeric(t)) return { name: f.name, kind: 'number', int64: DataType.isInt(t) && t.bitWidth === 64 };
  if ((DataType.isList(t) || DataType.isLargeList(t) || DataType.isFixedSizeList(t)) && isNumeric(t.children[0].type)) {
    return { name: f.name, kind: 'list', listSize: DataType.isFixedSizeList(t) ? t.listSize : undefined };
  }
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isBool(t) || DataType.isDate(t) || DataType.isTimestamp(t) ||
    DataType.isTime(t) || DataType.isDictionary(t) || DataType.isDecimal(t)) return { name: f.name, kind: 'text' };
  return { name: f.name, kind: 'other' };
}

type Cells = ArrayLike<unknown>;

/** One chunk of a column as cells the sink takes: typed arrays where possible, null for a null cell. */
function cells(data: Data): Cells {
  const t = data.type;
  const plain = (DataType.isFloat(t) && t.precision !== 0) || DataType.isInt(t); // Float16 is stored as raw bits
  // apache-arrow slices value and offset buffers with the Data, so they start at its first row.
  if (plain && data.nullCount === 0) return (data.values as unknown as Float32Array).subarray(0, data.length);
  const v = makeVector(data);
  return Array.from({ length: data.length }, (_, i) => (data.getValid(i) ? v.get(i) : null));
}

/** A list column's chunk as one cell per row: the row's values (null for a null list). */
function listCells(data: Data): Cells {
  const t = data.type;
  const child = data.children[0];
  const values = cells(child);
  const fixed = DataType.isFixedSizeList(t) ? t.listSize : 0;
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const out: (Cells | null)[] = new Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) { out[i] = null; continue; }
    const s = fixed ? i * fixed : Number(offsets[i]);
    const e = fixed ? s + fixed : Number(offsets[i + 1]);
    out[i] = ArrayBuffer.isView(values) ? (values as Float32Array).subarray(s, e) : Array.prototype.slice.call(values, s, e);
  }
  return out;
}

async function openReader(path: string, name: string) {
  const handle = await open(path, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    return { reader, close: () => handle.close() };
  } catch (e) {
    await handle.close();
    throw new InvalidInputError(`${name} is not a readable Arrow IPC file (${(e as Error).message}).`);
  }
}

async function withBatches(path: string, name: string, each: (batch: import('apache-arrow').RecordBatch, fields: Field[]) => boolean | void): Promise<Field[]> {
  const { reader, close } = await openReader(path, name);
  try {
    const fields = reader.schema.fields;
    try {
      for await (const batch of reader) if (each(batch, fields) === false) break;
    } catch (e) {
      if (e instanceof InvalidInputError) throw e;
      throw new InvalidInputError(`${name}: cannot read a record batch (${(e as Error).message}); the file may be truncated or damaged.`);
    }
    return fields;
  } finally {
    await close();
  }
}

/** Whether `spec` (a --labels value) is a column of the Arrow file rather than a labels file. */
export async function arrowHasColumn(path: string, name: string, spec: string): Promise<boolean> {
  const { reader, close } = await openReader(path, name);
  try { return namesColumn(reader.schema.fields.map(fieldInfo), spec); } finally { await close(); }
}

/** Reads an Arrow IPC file or stream like `readParquet` reads Parquet. */
export async function readArrow(path: string, opts: ColumnarOptions): Promise<ColumnarTable> {
  const { name } = opts;
  const limit = opts.limit ?? Infinity;
  let total = 0;
  const fields = await withBatches(path, name, (batch) => { total += batch.numRows; return total < limit; });
  const infos = fields.map(fieldInfo);
  const plan = planColumns(infos, { labels: opts.labels, ignore: opts.ignore }, name);
  const rows = Math.min(total, limit);
  const listSize = plan.list ? infos.find((c) => c.name === plan.vectors[0])!.listSize : undefined;
  const sink = new ColumnarSink(plan, rows, name, opts.dropInvalid ?? false, listSize);
  const wanted = [...plan.vectors, ...(plan.label ? [plan.label] : []), ...plan.metadata.map((c) => c.name)];
  let start = 0;
  await withBatches(path, name, (batch) => {
    for (const column of wanted) {
      let at = start;
      for (const data of batch.getChild(column)!.data) {
        sink.put(column, at, (plan.list && column === plan.vectors[0] ? listCells(data) : cells(data)) as ArrayLike<number>);
        at += data.length;
      }
    }
    start += batch.numRows;
    opts.onProgress?.(Math.min(start, rows), rows);
    return start < rows;
  });
  if (rows === 0) throw new InvalidInputError(`${name} has no rows.`);
  const { x, d } = sink.finish();
  return {
    x, n: rows, d, labels: sink.labels, notes: [plan.note, sink.note()].filter((m): m is string => m !== undefined),
    columns: plan.list ? Array.from({ length: d }, (_, k) => `${plan.vectors[0]}[${k}]`) : plan.vectors,
    metadata: sink.metadata.names.length ? sink.metadata : undefined,
  };
}
